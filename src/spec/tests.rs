use super::*;

fn load_ok(source: &str) -> DaemonSet {
    load("t.yaml", source, &Values::new()).unwrap_or_else(|e| panic!("{e}"))
}

fn load_err(source: &str) -> SpecError {
    load("t.yaml", source, &Values::new()).unwrap_err()
}

const BASE: &str =
    "name: agent\nselectorLabels: {app: agent}\ncontainers:\n- name: agent\n  image: agent:1.0\n";

#[test]
fn minimal_spec_builds() {
    let ds = load_ok(BASE);
    assert_eq!(ds.metadata.name.as_deref(), Some("agent"));
}

#[test]
fn unknown_key_suggests_the_closest() {
    let err = load_err(&format!("{BASE}  imagePullPolicyy: Always\n"));
    assert_eq!(err.kind(), SpecErrorKind::Schema);
    assert_eq!(
        err.to_string(),
        "t.yaml:6:3: containers[0].imagePullPolicyy: unknown field `imagePullPolicyy`, did you mean `imagePullPolicy`?"
    );
}

#[test]
fn unknown_top_level_key() {
    let err = load_err(&format!("{BASE}nodeSelektor: {{a: b}}\n"));
    assert_eq!(
        err.to_string(),
        "t.yaml:6:1: nodeSelektor: unknown field `nodeSelektor`, did you mean `nodeSelector`?"
    );
}

#[test]
fn unknown_enum_value_suggests() {
    let err = load_err(&format!(
        "{BASE}tolerations:\n- {{key: a, operator: Exist}}\n"
    ));
    assert_eq!(
        err.to_string(),
        "t.yaml:7:22: tolerations[0].operator: unknown variant `Exist`, did you mean `Exists`?"
    );
}

#[test]
fn wrong_type_names_path() {
    let err = load_err(&format!("{BASE}  ports:\n  - containerPort: eighty\n"));
    assert_eq!(err.kind(), SpecErrorKind::Schema);
    assert!(
        err.to_string()
            .starts_with("t.yaml:7:20: containers[0].ports[0].containerPort: invalid type"),
        "{err}"
    );
}

#[test]
fn malformed_yaml() {
    let err = load_err("name: agent\nselectorLabels: {app: \"agent}\n");
    assert_eq!(err.kind(), SpecErrorKind::Yaml);
    assert_eq!(err.to_string(), "t.yaml:2:23: invalid YAML: unclosed quote");
}

#[test]
fn mount_of_undeclared_volume_suggests_the_declared_one() {
    let source = "name: agent\nselectorLabels: {app: agent}\nvolumes:\n- name: varlog\n  hostPath: {path: /var/log}\ncontainers:\n- name: agent\n  image: agent:1.0\n  mounts:\n  - volume: varlgo\n    path: /var/log\n";
    let err = load_err(source);
    assert_eq!(err.kind(), SpecErrorKind::Invalid);
    assert_eq!(
        err.to_string(),
        "t.yaml:10: containers[0].mounts[0].volume: Not found: \"varlgo\": no volume `varlgo` is declared; did you mean `varlog`?"
    );
}

#[test]
fn bad_quantity_is_reported_at_its_line() {
    let err = load_err(&format!(
        "{BASE}  resources:\n    limits:\n      memory: 64MB\n"
    ));
    assert_eq!(err.kind(), SpecErrorKind::Invalid);
    assert!(
        err.to_string().starts_with(
            "t.yaml:8: containers[0].resources.limits.memory: invalid quantity \"64MB\""
        ),
        "{err}"
    );
}

#[test]
fn validation_errors_point_at_the_spec_line() {
    let err = load_err(
        "name: agent\nselectorLabels: {app: agent}\ncontainers:\n- name: Agent_1\n  image: agent:1.0\n",
    );
    assert_eq!(err.kind(), SpecErrorKind::Validation);
    assert!(
        err.to_string().starts_with(
            "t.yaml:4: spec.template.spec.containers[0].name: Invalid value: \"Agent_1\""
        ),
        "{err}"
    );
}

#[test]
fn missing_value_names_the_variable_and_line() {
    let err = load_err(
        "name: agent\nselectorLabels: {app: agent}\ncontainers:\n- name: agent\n  image: agent:{{ image.tag }}\n",
    );
    assert_eq!(err.kind(), SpecErrorKind::MissingValue);
    assert_eq!(
        err.to_string(),
        "t.yaml:5:19: missing value: `image` is undefined"
    );
}

#[test]
fn missing_nested_value_names_the_full_path() {
    let mut values = Values::new();
    values
        .merge_yaml("v.yaml", "image: {repository: agent}\n")
        .unwrap();
    let err = load("t.yaml", "name: agent\nselectorLabels: {app: agent}\ncontainers:\n- name: agent\n  image: agent:{{ image.tag }}\n", &values).unwrap_err();
    assert_eq!(
        err.to_string(),
        "t.yaml:5:19: missing value: `image.tag` is undefined"
    );
}

#[test]
fn template_syntax_error() {
    let err = load_err("name: {% if x %}agent\n");
    assert_eq!(err.kind(), SpecErrorKind::Template);
    assert!(err.to_string().starts_with("t.yaml:1"), "{err}");
    assert!(err.to_string().contains("template syntax error"), "{err}");
}

#[test]
fn values_merge_deeply_and_set_wins() {
    let mut values = Values::new();
    values
        .merge_yaml("a.yaml", "image: {repository: r, tag: '1'}\n")
        .unwrap();
    values.merge_yaml("b.yaml", "image: {tag: '2'}\n").unwrap();
    values.set("image.tag=3").unwrap();
    assert_eq!(values.get("image.repository").as_deref(), Some("r"));
    assert_eq!(values.get("image.tag").as_deref(), Some("3"));
    assert!(values.set("novalue").is_err());
    assert!(values.set("a..b=1").is_err());
    assert_eq!(
        values
            .merge_yaml("c.yaml", "- 1\n")
            .unwrap_err()
            .to_string(),
        "c.yaml: values must be a mapping of names to values at the top level"
    );
}

#[test]
fn env_update_strategy_tolerations_affinity() {
    let source = format!(
        "{BASE}  env:\n  - {{name: NODE, field: spec.nodeName}}\n  - {{name: LEVEL, value: info}}\n  - {{name: CPU, resourceField: limits.cpu, divisor: 1m}}\n  - {{name: T, secretKey: {{name: s, key: t}}}}\n\
         updateStrategy: {{maxUnavailable: 10%}}\ntolerations:\n- {{operator: Exists}}\n- {{key: a, operator: Equal, value: b, effect: NoSchedule}}\n\
         affinity:\n  required:\n  - matchExpressions:\n    - {{key: kubernetes.io/arch, operator: In, values: [amd64]}}\n"
    );
    let ds = load_ok(&source);
    let spec = ds.spec.unwrap();
    assert_eq!(
        spec.update_strategy.unwrap().type_.as_deref(),
        Some("RollingUpdate")
    );
    let pod = spec.template.spec.unwrap();
    assert_eq!(pod.tolerations.unwrap().len(), 2);
    assert_eq!(pod.containers[0].env.as_ref().unwrap().len(), 4);
    assert!(pod.affinity.is_some());
}

#[test]
fn env_with_two_sources_is_an_error() {
    let err = load_err(&format!(
        "{BASE}  env:\n  - {{name: X, value: a, field: spec.nodeName}}\n"
    ));
    assert_eq!(
        err.to_string(),
        "t.yaml:7: containers[0].env[0]: env var `X` needs exactly one of `value`, `field`, `resourceField`, `configMapKey`, `secretKey`"
    );
}

#[test]
fn unknown_pod_field_suggests() {
    let err = load_err(&format!(
        "{BASE}  env:\n  - {{name: X, field: spec.nodename}}\n"
    ));
    assert!(
        err.to_string()
            .contains("unsupported pod field `spec.nodename`; did you mean `spec.nodeName`?"),
        "{err}"
    );
}

fn rolling_update(ds: &DaemonSet) -> (Option<String>, Option<String>) {
    let strategy = ds.spec.as_ref().unwrap().update_strategy.clone().unwrap();
    assert_eq!(strategy.type_.as_deref(), Some("RollingUpdate"));
    let rolling = strategy.rolling_update.unwrap();
    let show = |v: Option<k8s_openapi::apimachinery::pkg::util::intstr::IntOrString>| {
        v.map(|v| match v {
            k8s_openapi::apimachinery::pkg::util::intstr::IntOrString::Int(i) => i.to_string(),
            k8s_openapi::apimachinery::pkg::util::intstr::IntOrString::String(s) => s,
        })
    };
    (show(rolling.max_unavailable), show(rolling.max_surge))
}

#[test]
fn surge_with_zero_unavailable_is_a_surge_as_for_the_server() {
    // The builder, the DSL and the API server accept `{maxUnavailable: 0, maxSurge: 1}`; so do spec files.
    let ds = load_ok(&format!(
        "{BASE}updateStrategy: {{maxUnavailable: 0, maxSurge: 1}}\n"
    ));
    assert_eq!(rolling_update(&ds), (Some("0".into()), Some("1".into())));
    let ds = load_ok(&format!(
        "{BASE}updateStrategy: {{maxUnavailable: 25%, maxSurge: 0%}}\n"
    ));
    assert_eq!(rolling_update(&ds).0.as_deref(), Some("25%"));
}

#[test]
fn two_non_zero_budgets_are_refused_where_the_server_refuses_them() {
    let err = load_err(&format!(
        "{BASE}updateStrategy: {{maxUnavailable: 1, maxSurge: 1}}\n"
    ));
    assert!(
        err.to_string().contains(
            "updateStrategy.maxSurge: Invalid value: may not be set when maxUnavailable is non-zero"
        ),
        "{err}"
    );
    let err = load_err(&format!(
        "{BASE}updateStrategy: {{maxUnavailable: 0, maxSurge: 0%}}\n"
    ));
    assert!(
        err.to_string().contains(
            "updateStrategy.maxUnavailable: Required value: cannot be 0 when maxSurge is 0"
        ),
        "{err}"
    );
}

#[test]
fn rolling_update_without_budget_means_the_server_default() {
    // NVIDIA's device plugin and others write `{type: RollingUpdate}` and mean maxUnavailable: 1.
    for strategy in ["{type: RollingUpdate}", "{}"] {
        let ds = load_ok(&format!("{BASE}updateStrategy: {strategy}\n"));
        assert_eq!(rolling_update(&ds), (Some("1".into()), None), "{strategy}");
    }
}

#[test]
fn budget_beyond_int32_is_an_error_not_clamped() {
    let err = load_err(&format!(
        "{BASE}updateStrategy: {{maxUnavailable: 4000000000}}\n"
    ));
    assert!(
        err.to_string().contains("updateStrategy.maxUnavailable"),
        "{err}"
    );
}

#[test]
fn toleration_seconds_without_effect_is_refused_like_the_dsl_and_the_server() {
    let err = load_err(&format!(
        "{BASE}tolerations:\n- {{key: a, operator: Exists, tolerationSeconds: 30}}\n"
    ));
    assert!(
        err.to_string()
            .contains("tolerations[0].effect: Invalid value: \"\": effect must be 'NoExecute' when `tolerationSeconds` is set"),
        "{err}"
    );
    let ds = load_ok(&format!(
        "{BASE}tolerations:\n- {{key: a, operator: Exists, effect: NoExecute, tolerationSeconds: 30}}\n"
    ));
    let pod = ds.spec.unwrap().template.spec.unwrap();
    assert_eq!(pod.tolerations.unwrap()[0].toleration_seconds, Some(30));
}

#[test]
fn a_template_error_keeps_minijinja_s_error_as_its_source() {
    let err = load_err(
        "name: agent\nselectorLabels: {app: agent}\ncontainers:\n- name: agent\n  image: agent:{{ image.tag }}\n",
    );
    let Some(SpecCause::Template(cause)) = err.cause() else {
        panic!("no template cause: {err:?}");
    };
    assert_eq!(cause.kind(), minijinja::ErrorKind::UndefinedError);
    let source = std::error::Error::source(&err).expect("a source");
    assert!(
        matches!(
            source.downcast_ref::<SpecCause>(),
            Some(SpecCause::Template(_))
        ),
        "{source:?}"
    );
}

#[test]
fn a_validation_error_keeps_the_violations_as_its_source() {
    let err = load_err(
        "name: agent\nselectorLabels: {app: agent}\ncontainers:\n- name: Agent_1\n  image: agent:1.0\n",
    );
    let Some(SpecCause::Validation(errors)) = err.cause() else {
        panic!("no validation cause: {err:?}");
    };
    assert_eq!(
        errors.violations()[0].path.as_str(),
        "spec.template.spec.containers[0].name"
    );
    assert!(std::error::Error::source(&err).is_some());
}
