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
        "t.yaml:10:5: containers[0].mounts[0].volume: Not found: \"varlgo\": no volume `varlgo` is declared; did you mean `varlog`?"
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
            "t.yaml:8:7: containers[0].resources.limits.memory: invalid quantity \"64MB\""
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
            "t.yaml:4:3: spec.template.spec.containers[0].name: Invalid value: \"Agent_1\""
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
        "t.yaml:7:5: containers[0].env[0]: env var `X` needs exactly one of `value`, `field`, `resourceField`, `configMapKey`, `secretKey`; `value` and `field` are given"
    );
}

#[test]
fn repeated_names_are_reported_by_the_shared_rule() {
    // Volume names: the spec loader reports them at the repeating item (the shared volumes model).
    let err = load_err(&format!(
        "volumes:\n- {{name: data, emptyDir: {{}}}}\n- {{name: data, hostPath: {{path: /x}}}}\n{BASE}"
    ));
    assert_eq!(
        err.to_string(),
        format!(
            "t.yaml:3:4: volumes[1].name: {}",
            daemonset_rules::unique::Distinct::VolumeName.explain("data")
        )
    );
    // Container names: left to validation, which runs the same rule with the server's words.
    let err = load_err(&format!("{BASE}- name: agent\n  image: b\n"));
    assert_eq!(
        err.to_string(),
        "t.yaml:6:3: spec.template.spec.containers[1].name: Duplicate value: \"agent\""
    );
    // Env names: a list, as in the API, where the server only warns ("hides previous definition"); the lint
    // reports it. (The DSL refuses it: its env is a map.)
    let ds = load_ok(&format!(
        "{BASE}  env:\n  - {{name: X, value: a}}\n  - {{name: X, value: c}}\n"
    ));
    let env = ds.spec.unwrap().template.spec.unwrap().containers[0]
        .env
        .clone()
        .unwrap();
    assert_eq!(env.len(), 2);
}

#[test]
fn a_volume_without_a_source_names_the_options() {
    let err = load_err(&format!("volumes:\n- {{name: data}}\n{BASE}"));
    assert_eq!(
        err.to_string(),
        "t.yaml:2:3: volumes[0]: volume `data` needs exactly one of `hostPath`, `configMap`, `secret`, `emptyDir`, `projected`, `downwardAPI`, `csi`; none is given"
    );
}

#[test]
fn unknown_pod_field_suggests() {
    let err = load_err(&format!(
        "{BASE}  env:\n  - {{name: X, field: spec.nodename}}\n"
    ));
    assert!(
        err.to_string()
            .contains("unknown fieldRef path `spec.nodename`; did you mean `spec.nodeName`?"),
        "{err}"
    );
    // The shared reading: a subscript's key is checked as the server does, `spec.host` is `spec.nodeName`.
    let err = load_err(&format!(
        "{BASE}  env:\n  - {{name: X, field: \"metadata.labels['-x']\"}}\n"
    ));
    assert!(
        err.to_string()
            .contains("invalid key \"-x\" in fieldRef `metadata.labels['-x']`"),
        "{err}"
    );
    let ds = load_ok(&format!(
        "{BASE}  env:\n  - {{name: X, field: spec.host}}\n"
    ));
    let env = ds.spec.unwrap().template.spec.unwrap().containers[0]
        .env
        .clone()
        .unwrap();
    let field = env[0]
        .value_from
        .as_ref()
        .unwrap()
        .field_ref
        .as_ref()
        .unwrap();
    assert_eq!(field.field_path, "spec.nodeName");
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

// Keys of issue 11: each as in the Kubernetes YAML, converted to the builder's typed form.

fn pod_of(source: &str) -> k8s_openapi::api::core::v1::PodSpec {
    load_ok(source).spec.unwrap().template.spec.unwrap()
}

#[test]
fn pod_security_context() {
    let pod = pod_of(&format!(
        "{BASE}securityContext:\n  runAsNonRoot: true\n  runAsUser: 65534\n  runAsGroup: 65534\n  fsGroup: 2000\n  fsGroupChangePolicy: OnRootMismatch\n  supplementalGroups: [4, 5]\n  seccompProfile: {{type: RuntimeDefault}}\n  appArmorProfile: {{type: Localhost, localhostProfile: agent}}\n  seLinuxOptions: {{type: spc_t, level: \"s0:c1\"}}\n  sysctls:\n  - {{name: net.ipv4.ip_unprivileged_port_start, value: \"0\"}}\n"
    ));
    let s = pod.security_context.unwrap();
    assert_eq!(s.run_as_non_root, Some(true));
    assert_eq!(
        (s.run_as_user, s.run_as_group, s.fs_group),
        (Some(65534), Some(65534), Some(2000))
    );
    assert_eq!(s.fs_group_change_policy.as_deref(), Some("OnRootMismatch"));
    assert_eq!(s.supplemental_groups, Some(vec![4, 5]));
    assert_eq!(s.seccomp_profile.unwrap().type_, "RuntimeDefault");
    let apparmor = s.app_armor_profile.unwrap();
    assert_eq!(
        (
            apparmor.type_.as_str(),
            apparmor.localhost_profile.as_deref()
        ),
        ("Localhost", Some("agent"))
    );
    let selinux = s.se_linux_options.unwrap();
    assert_eq!(
        (selinux.type_.as_deref(), selinux.level.as_deref()),
        (Some("spc_t"), Some("s0:c1"))
    );
    let sysctls = s.sysctls.unwrap();
    assert_eq!(
        (sysctls[0].name.as_str(), sysctls[0].value.as_str()),
        ("net.ipv4.ip_unprivileged_port_start", "0")
    );
}

#[test]
fn pod_security_context_typo_and_bad_policy() {
    let err = load_err(&format!("{BASE}securityContext:\n  fsGroupp: 1\n"));
    assert_eq!(err.kind(), SpecErrorKind::Schema);
    assert_eq!(
        err.to_string(),
        "t.yaml:7:3: securityContext.fsGroupp: unknown field `fsGroupp`, did you mean `fsGroup`?"
    );
    let err = load_err(&format!(
        "{BASE}securityContext:\n  fsGroupChangePolicy: OnRootMismatc\n"
    ));
    assert_eq!(
        err.to_string(),
        "t.yaml:7:24: securityContext.fsGroupChangePolicy: unknown variant `OnRootMismatc`, did you mean `OnRootMismatch`?"
    );
}

#[test]
fn profiles_keep_localhost_profile_with_localhost_only() {
    let err = load_err(&format!(
        "{BASE}securityContext:\n  seccompProfile: {{type: RuntimeDefault, localhostProfile: x.json}}\n"
    ));
    assert_eq!(err.kind(), SpecErrorKind::Invalid);
    assert!(
        err.to_string().starts_with(
            "t.yaml:7:42: securityContext.seccompProfile.localhostProfile: Invalid value: "
        ) && err
            .to_string()
            .contains("can only be set when seccomp type is Localhost"),
        "{err}"
    );
    let err = load_err(&format!(
        "{BASE}securityContext:\n  seccompProfile: {{type: Localhost}}\n"
    ));
    assert!(
        err.to_string()
            .contains("seccompProfile.localhostProfile: Required value"),
        "{err}"
    );
    let err = load_err(&format!(
        "{BASE}securityContext:\n  seccompProfile: {{type: runtimedefault}}\n"
    ));
    assert_eq!(
        err.to_string(),
        "t.yaml:7:26: securityContext.seccompProfile.type: unknown variant `runtimedefault`, did you mean `RuntimeDefault`?"
    );
}

#[test]
fn windows_options_on_pod_and_container() {
    let ds = load_ok(
        "name: agent\nselectorLabels: {app: agent}\nhostNetwork: true\nos: {name: windows}\nsecurityContext:\n  windowsOptions: {hostProcess: true, runAsUserName: \"NT AUTHORITY\\\\SYSTEM\"}\ncontainers:\n- name: agent\n  image: agent:1.0\n  securityContext:\n    windowsOptions: {runAsUserName: ContainerUser, gmsaCredentialSpecName: gmsa}\n",
    );
    let pod = ds.spec.unwrap().template.spec.unwrap();
    assert_eq!(pod.os.unwrap().name, "windows");
    let w = pod.security_context.unwrap().windows_options.unwrap();
    assert_eq!(
        (w.host_process, w.run_as_user_name.as_deref()),
        (Some(true), Some("NT AUTHORITY\\SYSTEM"))
    );
    let cw = pod.containers[0]
        .security_context
        .clone()
        .unwrap()
        .windows_options
        .unwrap();
    assert_eq!(cw.gmsa_credential_spec_name.as_deref(), Some("gmsa"));
    let err = load_err(&format!(
        "{BASE}securityContext:\n  windowsOptions: {{hostProcess: true}}\n"
    ));
    assert!(
        err.to_string()
            .starts_with("t.yaml:7:3: securityContext.windowsOptions.runAsUserName:"),
        "{err}"
    );
    let err = load_err(&format!("{BASE}os: {{name: Linux}}\n"));
    assert_eq!(
        err.to_string(),
        "t.yaml:6:12: os.name: unknown variant `Linux`, did you mean `linux`?"
    );
}

#[test]
fn container_profiles() {
    let pod = pod_of(&format!(
        "{BASE}  securityContext:\n    seccompProfile: {{type: Localhost, localhostProfile: profiles/agent.json}}\n    appArmorProfile: {{type: Unconfined}}\n    seLinuxOptions: {{type: spc_t}}\n"
    ));
    let s = pod.containers[0].security_context.clone().unwrap();
    assert_eq!(
        s.seccomp_profile.unwrap().localhost_profile.as_deref(),
        Some("profiles/agent.json")
    );
    assert_eq!(s.app_armor_profile.unwrap().type_, "Unconfined");
    assert_eq!(s.se_linux_options.unwrap().type_.as_deref(), Some("spc_t"));
    let err = load_err(&format!(
        "{BASE}  securityContext:\n    seLinuxOptions: {{typ: spc_t}}\n"
    ));
    assert_eq!(
        err.to_string(),
        "t.yaml:7:22: containers[0].securityContext.seLinuxOptions.typ: unknown field `typ`, did you mean `type`?"
    );
}

#[test]
fn lifecycle_hooks() {
    let pod = pod_of(&format!(
        "{BASE}  lifecycle:\n    preStop:\n      exec: {{command: [/bin/sh, -c, sleep 5]}}\n    postStart:\n      httpGet: {{path: /started, port: 8080}}\n"
    ));
    let l = pod.containers[0].lifecycle.clone().unwrap();
    assert_eq!(
        l.pre_stop.unwrap().exec.unwrap().command.unwrap(),
        ["/bin/sh", "-c", "sleep 5"]
    );
    assert_eq!(
        l.post_start.unwrap().http_get.unwrap().path.as_deref(),
        Some("/started")
    );
    let pod = pod_of(&format!(
        "{BASE}  lifecycle:\n    preStop: {{sleep: {{seconds: 10}}}}\n    postStart: {{tcpSocket: {{port: 9000}}}}\n"
    ));
    let l = pod.containers[0].lifecycle.clone().unwrap();
    assert_eq!(l.pre_stop.unwrap().sleep.unwrap().seconds, 10);
    assert!(l.post_start.unwrap().tcp_socket.is_some());
    let err = load_err(&format!(
        "{BASE}  lifecycle:\n    preStop: {{sleep: {{seconds: 1}}, exec: {{command: [x]}}}}\n"
    ));
    assert_eq!(
        err.to_string(),
        "t.yaml:7:5: containers[0].lifecycle.preStop: a lifecycle hook needs exactly one of `exec`, `httpGet`, `sleep`, `tcpSocket`; `exec` and `sleep` are given"
    );
    let err = load_err(&format!(
        "{BASE}  lifecycle:\n    preStopp: {{sleep: {{seconds: 1}}}}\n"
    ));
    assert_eq!(
        err.to_string(),
        "t.yaml:7:5: containers[0].lifecycle.preStopp: unknown field `preStopp`, did you mean `preStop`?"
    );
}

#[test]
fn probe_host_scheme_headers_named_tcp_and_grpc_service() {
    let pod = pod_of(&format!(
        "{BASE}  ports:\n  - {{containerPort: 9000, name: metrics}}\n  livenessProbe:\n    httpGet:\n      path: /healthz\n      port: 9000\n      host: 127.0.0.1\n      scheme: HTTPS\n      httpHeaders:\n      - {{name: X-Probe, value: liveness}}\n  readinessProbe:\n    tcpSocket: {{port: metrics, host: 127.0.0.1}}\n  startupProbe:\n    grpc: {{port: 9090, service: health}}\n"
    ));
    let c = &pod.containers[0];
    let h = c.liveness_probe.clone().unwrap().http_get.unwrap();
    assert_eq!(
        (h.host.as_deref(), h.scheme.as_deref()),
        (Some("127.0.0.1"), Some("HTTPS"))
    );
    assert_eq!(h.http_headers.unwrap()[0].name, "X-Probe");
    let t = c.readiness_probe.clone().unwrap().tcp_socket.unwrap();
    assert_eq!(
        t.port,
        k8s_openapi::apimachinery::pkg::util::intstr::IntOrString::String("metrics".into())
    );
    assert_eq!(t.host.as_deref(), Some("127.0.0.1"));
    assert_eq!(
        c.startup_probe
            .clone()
            .unwrap()
            .grpc
            .unwrap()
            .service
            .as_deref(),
        Some("health")
    );
    let err = load_err(&format!(
        "{BASE}  livenessProbe:\n    httpGet: {{path: /, port: 80, scheme: https}}\n"
    ));
    assert_eq!(
        err.to_string(),
        "t.yaml:7:42: containers[0].livenessProbe.httpGet.scheme: unknown variant `https`, did you mean `HTTPS`?"
    );
}

#[test]
fn termination_message_sidecar_and_resize_policy() {
    let ds = load_ok(&format!(
        "{BASE}  terminationMessagePath: /tmp/msg\n  terminationMessagePolicy: FallbackToLogsOnError\n  resizePolicy:\n  - {{resourceName: cpu, restartPolicy: NotRequired}}\ninitContainers:\n- name: proxy\n  image: proxy:1.0\n  restartPolicy: Always\n"
    ));
    let pod = ds.spec.unwrap().template.spec.unwrap();
    let c = &pod.containers[0];
    assert_eq!(c.termination_message_path.as_deref(), Some("/tmp/msg"));
    assert_eq!(
        c.termination_message_policy.as_deref(),
        Some("FallbackToLogsOnError")
    );
    assert_eq!(c.resize_policy.as_ref().unwrap()[0].resource_name, "cpu");
    assert_eq!(
        pod.init_containers.unwrap()[0].restart_policy.as_deref(),
        Some("Always")
    );
    let err = load_err(&format!("{BASE}  restartPolicy: Always\n"));
    assert_eq!(
        err.to_string(),
        "t.yaml:6:3: containers[0].restartPolicy: `restartPolicy` is for init containers only: it makes one a sidecar, which keeps running beside the main containers"
    );
    let err = load_err(&format!("{BASE}  terminationMessagePolicy: Fallback\n"));
    assert!(
        err.to_string().starts_with(
            "t.yaml:6:29: containers[0].terminationMessagePolicy: unknown variant `Fallback`"
        ),
        "{err}"
    );
}

#[test]
fn pod_level_fields() {
    let pod = pod_of(&format!(
        "{BASE}automountServiceAccountToken: false\nshareProcessNamespace: true\nhostUsers: false\nruntimeClassName: nvidia\nenableServiceLinks: false\nschedulerName: custom\nreadinessGates:\n- {{conditionType: example.com/ready}}\nhostAliases:\n- {{ip: 10.0.0.1, hostnames: [registry.local]}}\ndnsPolicy: None\ndnsConfig:\n  nameservers: [169.254.20.10]\n  searches: [svc.cluster.local]\n  options:\n  - {{name: ndots, value: \"2\"}}\n"
    ));
    assert_eq!(pod.automount_service_account_token, Some(false));
    assert_eq!(pod.share_process_namespace, Some(true));
    assert_eq!(pod.host_users, Some(false));
    assert_eq!(
        pod_of(&format!("{BASE}hostIPC: true\n")).host_ipc,
        Some(true)
    );
    assert_eq!(pod.runtime_class_name.as_deref(), Some("nvidia"));
    assert_eq!(pod.enable_service_links, Some(false));
    assert_eq!(pod.scheduler_name.as_deref(), Some("custom"));
    assert_eq!(
        pod.readiness_gates.unwrap()[0].condition_type,
        "example.com/ready"
    );
    assert_eq!(
        pod.host_aliases.unwrap()[0].hostnames.as_deref(),
        Some(&["registry.local".to_owned()][..])
    );
    let dns = pod.dns_config.unwrap();
    assert_eq!(dns.nameservers.unwrap(), ["169.254.20.10"]);
    assert_eq!(dns.options.unwrap()[0].value.as_deref(), Some("2"));
    let err = load_err(&format!("{BASE}hostIpc: true\n"));
    assert_eq!(
        err.to_string(),
        "t.yaml:6:1: hostIpc: unknown field `hostIpc`, did you mean `hostIPC`?"
    );
    let err = load_err(&format!("{BASE}readinessGates:\n- {{condition: x}}\n"));
    assert!(
        err.to_string()
            .starts_with("t.yaml:7:4: readinessGates[0].condition: unknown field `condition`"),
        "{err}"
    );
}

#[test]
fn volumes_optional_csi_and_empty_dir_forms() {
    let pod = pod_of(
        "name: agent\nselectorLabels: {app: agent}\nvolumes:\n- name: cfg\n  configMap: {name: agent, optional: true}\n- name: creds\n  secret: {name: agent, optional: true}\n- name: store\n  csi: {driver: secrets-store.csi.k8s.io, volumeAttributes: {secretProviderClass: agent}}\n- name: shm\n  emptyDir: {medium: Memory}\n- name: scratch\n  emptyDir: {sizeLimit: 1Gi}\ncontainers:\n- name: agent\n  image: agent:1.0\n",
    );
    let v = pod.volumes.unwrap();
    assert_eq!(v[0].config_map.as_ref().unwrap().optional, Some(true));
    assert_eq!(v[1].secret.as_ref().unwrap().optional, Some(true));
    let csi = v[2].csi.as_ref().unwrap();
    assert_eq!(csi.driver, "secrets-store.csi.k8s.io");
    assert_eq!(
        csi.volume_attributes.as_ref().unwrap()["secretProviderClass"],
        "agent"
    );
    let shm = v[3].empty_dir.as_ref().unwrap();
    assert_eq!(
        (shm.medium.as_deref(), shm.size_limit.is_none()),
        (Some("Memory"), true)
    );
    let scratch = v[4].empty_dir.as_ref().unwrap();
    assert_eq!(
        (
            scratch.medium.as_deref(),
            scratch.size_limit.as_ref().map(|q| q.0.as_str())
        ),
        (None, Some("1Gi"))
    );
    let err = load_err(
        "name: agent\nselectorLabels: {app: agent}\nvolumes:\n- name: store\n  csi: {drivr: x}\ncontainers:\n- name: agent\n  image: agent:1.0\n",
    );
    assert_eq!(
        err.to_string(),
        "t.yaml:5:9: volumes[0].csi.drivr: unknown field `drivr`, did you mean `driver`?"
    );
}

#[test]
fn toleration_key_and_value_without_operator() {
    let pod = pod_of(&format!(
        "{BASE}tolerations:\n- {{key: dedicated, value: agents, effect: NoSchedule}}\n"
    ));
    let t = &pod.tolerations.unwrap()[0];
    assert_eq!(
        (t.key.as_deref(), t.operator.as_deref(), t.value.as_deref()),
        (Some("dedicated"), None, Some("agents"))
    );
}

#[test]
fn validation_of_a_new_key_points_at_its_line() {
    let err = load_err(&format!(
        "{BASE}securityContext:\n  sysctls:\n  - {{name: \"net/ipv4 bad\", value: \"1\"}}\n"
    ));
    assert_eq!(err.kind(), SpecErrorKind::Validation);
    assert!(
        err.to_string().starts_with(
            "t.yaml:8:6: spec.template.spec.securityContext.sysctls[0].name: Invalid value"
        ),
        "{err}"
    );
}

#[test]
fn pod_affinity_and_anti_affinity() {
    let pod = pod_of(&format!(
        "{BASE}affinity:\n  podAffinity:\n    required:\n    - {{topologyKey: kubernetes.io/hostname, matchLabels: {{app: cache}}, namespaces: [infra]}}\n  podAntiAffinity:\n    preferred:\n    - {{weight: 50, topologyKey: kubernetes.io/hostname, matchLabels: {{app: agent}}}}\n"
    ));
    let a = pod.affinity.unwrap();
    assert!(a.node_affinity.is_none());
    let req = &a
        .pod_affinity
        .unwrap()
        .required_during_scheduling_ignored_during_execution
        .unwrap()[0];
    assert_eq!(req.topology_key, "kubernetes.io/hostname");
    assert_eq!(req.namespaces.as_deref(), Some(&["infra".to_owned()][..]));
    let pref = &a
        .pod_anti_affinity
        .unwrap()
        .preferred_during_scheduling_ignored_during_execution
        .unwrap()[0];
    assert_eq!(pref.weight, 50);
    let err = load_err(&format!(
        "{BASE}affinity:\n  podAntiAffinity:\n    preferred:\n    - {{weight: 0, topologyKey: k, matchLabels: {{app: agent}}}}\n"
    ));
    assert!(err.to_string().starts_with("t.yaml:9:8: "), "{err}");
    assert!(err.to_string().contains("weight"), "{err}");
    let err = load_err(&format!(
        "{BASE}affinity:\n  podAffinity:\n    required:\n    - {{topologyKey: k, labelSelector: {{}}}}\n"
    ));
    assert_eq!(err.kind(), SpecErrorKind::Schema);
    assert!(
        err.to_string().starts_with("t.yaml:9:24: affinity.podAffinity.required[0].labelSelector: unknown field `labelSelector`"),
        "{err}"
    );
}

#[test]
fn host_users_false_with_host_ipc_points_at_the_host_ipc_line() {
    // The server spells the path `spec.template.spec.HostIPC`; the line is still found.
    let err = load_err(&format!("{BASE}hostUsers: false\nhostIPC: true\n"));
    assert_eq!(err.kind(), SpecErrorKind::Validation);
    assert!(
        err.to_string().starts_with(
            "t.yaml:7:1: spec.template.spec.HostIPC: Forbidden: when `hostUsers` is false"
        ),
        "{err}"
    );
}
