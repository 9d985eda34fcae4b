//! One negative test per validation rule: a valid DaemonSet with one field broken, checked for the server's path,
//! error type and (for the important ones) its exact message.

use daemonset::validate::{ErrorType, Origin, Violation, validate, validate_update};
use k8s_openapi::api::apps::v1::DaemonSet;
use serde_json::{Value, json};

const BASE: &str = r#"
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
  namespace: default
spec:
  selector:
    matchLabels:
      app: agent
  template:
    metadata:
      labels:
        app: agent
    spec:
      containers:
      - name: agent
        image: agent:1.0
"#;

fn base_value() -> Value {
    let ds: DaemonSet = serde_yaml::from_str(BASE).expect("base parses");
    serde_json::to_value(ds).expect("to json")
}

fn to_ds(value: Value) -> DaemonSet {
    serde_json::from_value(value).expect("edited object still decodes")
}

/// All violations of the base object after `edit`.
fn check(edit: impl FnOnce(&mut Value)) -> Vec<Violation> {
    let mut value = base_value();
    edit(&mut value);
    match validate(&to_ds(value)) {
        Ok(()) => Vec::new(),
        Err(errors) => errors.into_violations(),
    }
}

/// The single violation of the base object after `edit`, which must be at `path` with type `kind`.
fn one(edit: impl FnOnce(&mut Value), path: &str, kind: ErrorType) -> Violation {
    let violations = check(edit);
    assert_eq!(
        violations.len(),
        1,
        "expected exactly one violation, got {violations:#?}"
    );
    let v = violations.into_iter().next().unwrap();
    assert_eq!(v.path.as_str(), path, "{v}");
    assert_eq!(v.kind, kind, "{v}");
    assert_eq!(v.origin, Origin::ApiServer, "{v}");
    v
}

/// Every violation is at `path` with type `kind`, and there is at least one.
fn all_at(edit: impl FnOnce(&mut Value), path: &str, kind: ErrorType) -> Vec<Violation> {
    let violations = check(edit);
    assert!(!violations.is_empty());
    for v in &violations {
        assert_eq!(v.path.as_str(), path, "{violations:#?}");
        assert_eq!(v.kind, kind, "{violations:#?}");
    }
    violations
}

fn pod(v: &mut Value) -> &mut Value {
    &mut v["spec"]["template"]["spec"]
}

fn ctr(v: &mut Value) -> &mut Value {
    &mut v["spec"]["template"]["spec"]["containers"][0]
}

const C0: &str = "spec.template.spec.containers[0]";

#[test]
fn base_is_valid() {
    assert!(check(|_| {}).is_empty());
}

// ---------------------------------------------------------------- A. DaemonSet metadata

#[test]
fn name_missing_is_required() {
    let v = one(
        |v| {
            v["metadata"]
                .as_object_mut()
                .unwrap()
                .retain(|k, _| k != "name")
        },
        "metadata.name",
        ErrorType::Required,
    );
    assert_eq!(
        v.to_string(),
        "metadata.name: Required value: name or generateName is required"
    );
}

#[test]
fn generate_name_instead_of_name_is_fine() {
    assert!(
        check(|v| {
            v["metadata"].as_object_mut().unwrap().remove("name");
            v["metadata"]["generateName"] = json!("agent-");
        })
        .is_empty()
    );
}

#[test]
fn name_must_be_dns_subdomain() {
    let v = one(
        |v| v["metadata"]["name"] = json!("Agent_1"),
        "metadata.name",
        ErrorType::Invalid,
    );
    assert_eq!(
        v.to_string(),
        "metadata.name: Invalid value: \"Agent_1\": a lowercase RFC 1123 subdomain must consist of lower case \
         alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. \
         'example.com', regex used for validation is \
         '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
    );
}

#[test]
fn name_too_long() {
    let long = format!(
        "{}.{}.{}.{}",
        "a".repeat(63),
        "b".repeat(63),
        "c".repeat(63),
        "d".repeat(63)
    );
    let v = one(
        |v| v["metadata"]["name"] = json!(long),
        "metadata.name",
        ErrorType::Invalid,
    );
    assert_eq!(v.detail, "must be no more than 253 characters");
}

#[test]
fn namespace_must_be_dns_label() {
    let v = one(
        |v| v["metadata"]["namespace"] = json!("kube.system"),
        "metadata.namespace",
        ErrorType::Invalid,
    );
    assert_eq!(v.detail, "must not contain dots");
}

#[test]
fn absent_namespace_is_fine() {
    assert!(
        check(|v| {
            v["metadata"].as_object_mut().unwrap().remove("namespace");
        })
        .is_empty()
    );
}

#[test]
fn metadata_label_key_must_be_qualified_name() {
    let v = one(
        |v| v["metadata"]["labels"] = json!({"-bad": "x"}),
        "metadata.labels",
        ErrorType::Invalid,
    );
    assert!(
        v.detail
            .starts_with("name part must consist of alphanumeric characters"),
        "{v}"
    );
}

#[test]
fn metadata_label_value_must_be_label_value() {
    let v = one(
        |v| v["metadata"]["labels"] = json!({"tier": "a b"}),
        "metadata.labels",
        ErrorType::Invalid,
    );
    assert_eq!(v.value.as_deref(), Some("\"a b\""));
}

#[test]
fn annotation_key_must_be_qualified_name() {
    one(
        |v| v["metadata"]["annotations"] = json!({"a/b/c": "x"}),
        "metadata.annotations",
        ErrorType::Invalid,
    );
}

#[test]
fn annotations_are_limited_in_size() {
    let v = one(
        |v| v["metadata"]["annotations"] = json!({"big": "x".repeat(256 * 1024)}),
        "metadata.annotations",
        ErrorType::TooLong,
    );
    assert_eq!(
        v.to_string(),
        "metadata.annotations: Too long: may not be more than 262144 bytes"
    );
}

// ---------------------------------------------------------------- A. selector

#[test]
fn empty_selector_is_invalid() {
    let v = one(
        |v| v["spec"]["selector"] = json!({}),
        "spec.selector",
        ErrorType::Invalid,
    );
    assert_eq!(
        v.to_string(),
        "spec.selector: Invalid value: {}: empty selector is invalid for daemonset"
    );
}

#[test]
fn selector_must_match_template_labels() {
    let v = one(
        |v| v["spec"]["template"]["metadata"]["labels"] = json!({"app": "other"}),
        "spec.template.metadata.labels",
        ErrorType::Invalid,
    );
    assert_eq!(
        v.to_string(),
        "spec.template.metadata.labels: Invalid value: {\"app\":\"other\"}: `selector` does not match template `labels`"
    );
}

#[test]
fn selector_in_needs_values() {
    one(
        |v| v["spec"]["selector"]["matchExpressions"] = json!([{"key": "app", "operator": "In"}]),
        "spec.selector.matchExpressions[0].values",
        ErrorType::Required,
    );
}

#[test]
fn selector_exists_takes_no_values() {
    one(
        |v| {
            v["spec"]["selector"]["matchExpressions"] =
                json!([{"key": "app", "operator": "Exists", "values": ["a"]}])
        },
        "spec.selector.matchExpressions[0].values",
        ErrorType::Forbidden,
    );
}

#[test]
fn selector_operator_must_be_known() {
    let v = one(
        |v| v["spec"]["selector"]["matchExpressions"] = json!([{"key": "app", "operator": "Has"}]),
        "spec.selector.matchExpressions[0].operator",
        ErrorType::Invalid,
    );
    assert_eq!(v.detail, "not a valid selector operator");
}

#[test]
fn selector_values_must_be_label_values() {
    one(
        |v| {
            v["spec"]["selector"]["matchExpressions"] =
                json!([{"key": "app", "operator": "In", "values": ["-x"]}])
        },
        "spec.selector.matchExpressions[0].values[0]",
        ErrorType::Invalid,
    );
}

#[test]
fn selector_expressions_must_match_too() {
    one(
        |v| {
            v["spec"]["selector"]["matchExpressions"] =
                json!([{"key": "tier", "operator": "Exists"}])
        },
        "spec.template.metadata.labels",
        ErrorType::Invalid,
    );
}

// ---------------------------------------------------------------- A. spec fields

#[test]
fn restart_policy_must_be_always() {
    let v = one(
        |v| pod(v)["restartPolicy"] = json!("OnFailure"),
        "spec.template.spec.restartPolicy",
        ErrorType::Unsupported,
    );
    assert_eq!(
        v.to_string(),
        "spec.template.spec.restartPolicy: Unsupported value: \"OnFailure\": supported values: \"Always\""
    );
}

#[test]
fn unknown_restart_policy_is_reported_twice_like_the_server() {
    let vs = all_at(
        |v| pod(v)["restartPolicy"] = json!("Sometimes"),
        "spec.template.spec.restartPolicy",
        ErrorType::Unsupported,
    );
    assert_eq!(vs.len(), 2);
    assert_eq!(
        vs[0].detail,
        "supported values: \"Always\", \"OnFailure\", \"Never\""
    );
}

#[test]
fn active_deadline_seconds_is_forbidden() {
    let v = one(
        |v| pod(v)["activeDeadlineSeconds"] = json!(60),
        "spec.template.spec.activeDeadlineSeconds",
        ErrorType::Forbidden,
    );
    assert_eq!(
        v.to_string(),
        "spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in DaemonSet is not Supported"
    );
}

#[test]
fn min_ready_seconds_not_negative() {
    let v = one(
        |v| v["spec"]["minReadySeconds"] = json!(-1),
        "spec.minReadySeconds",
        ErrorType::Invalid,
    );
    assert_eq!(
        v.to_string(),
        "spec.minReadySeconds: Invalid value: -1: must be greater than or equal to 0"
    );
}

#[test]
fn revision_history_limit_not_negative_but_zero_ok() {
    one(
        |v| v["spec"]["revisionHistoryLimit"] = json!(-1),
        "spec.revisionHistoryLimit",
        ErrorType::Invalid,
    );
    assert!(check(|v| v["spec"]["revisionHistoryLimit"] = json!(0)).is_empty());
}

// ---------------------------------------------------------------- A. update strategy

#[test]
fn update_strategy_type_must_be_known() {
    let v = one(
        |v| v["spec"]["updateStrategy"] = json!({"type": "Blue"}),
        "spec.updateStrategy",
        ErrorType::Unsupported,
    );
    assert_eq!(
        v.to_string(),
        "spec.updateStrategy: Unsupported value: {\"Type\":\"Blue\",\"RollingUpdate\":null}: supported values: \"RollingUpdate\", \"OnDelete\""
    );
}

#[test]
fn max_surge_alone_is_rejected_because_max_unavailable_defaults_to_1() {
    let v = one(
        |v| {
            v["spec"]["updateStrategy"] =
                json!({"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1}})
        },
        "spec.updateStrategy.rollingUpdate.maxSurge",
        ErrorType::Invalid,
    );
    assert_eq!(
        v.to_string(),
        "spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: 1: may not be set when maxUnavailable is non-zero"
    );
}

#[test]
fn max_surge_with_zero_max_unavailable_passes() {
    assert!(
        check(|v| v["spec"]["updateStrategy"] =
            json!({"rollingUpdate": {"maxSurge": "10%", "maxUnavailable": 0}}))
        .is_empty()
    );
}

#[test]
fn both_budgets_zero_is_required() {
    let v = one(
        |v| v["spec"]["updateStrategy"] = json!({"rollingUpdate": {"maxUnavailable": 0}}),
        "spec.updateStrategy.rollingUpdate.maxUnavailable",
        ErrorType::Required,
    );
    assert_eq!(
        v.to_string(),
        "spec.updateStrategy.rollingUpdate.maxUnavailable: Required value: cannot be 0 when maxSurge is 0"
    );
}

#[test]
fn zero_percent_counts_as_zero() {
    one(
        |v| {
            v["spec"]["updateStrategy"] =
                json!({"rollingUpdate": {"maxUnavailable": "0%", "maxSurge": "0%"}})
        },
        "spec.updateStrategy.rollingUpdate.maxUnavailable",
        ErrorType::Required,
    );
}

#[test]
fn budget_string_must_be_a_percentage() {
    let v = one(
        |v| v["spec"]["updateStrategy"] = json!({"rollingUpdate": {"maxUnavailable": "50"}}),
        "spec.updateStrategy.rollingUpdate.maxUnavailable",
        ErrorType::Invalid,
    );
    assert!(
        v.detail.starts_with(
            "a valid percent string must be a numeric string followed by an ending '%'"
        )
    );
}

#[test]
fn budget_not_over_100_percent() {
    let v = one(
        |v| v["spec"]["updateStrategy"] = json!({"rollingUpdate": {"maxUnavailable": "150%"}}),
        "spec.updateStrategy.rollingUpdate.maxUnavailable",
        ErrorType::Invalid,
    );
    assert_eq!(v.detail, "must not be greater than 100%");
}

#[test]
fn budget_not_negative() {
    one(
        |v| v["spec"]["updateStrategy"] = json!({"rollingUpdate": {"maxUnavailable": -1}}),
        "spec.updateStrategy.rollingUpdate.maxUnavailable",
        ErrorType::Invalid,
    );
}

#[test]
fn on_delete_ignores_rolling_update() {
    assert!(
        check(|v| v["spec"]["updateStrategy"] =
            json!({"type": "OnDelete", "rollingUpdate": {"maxUnavailable": "999%"}}))
        .is_empty()
    );
}

#[test]
fn selector_is_immutable_on_update() {
    let old = to_ds(base_value());
    let mut new_value = base_value();
    new_value["spec"]["selector"]["matchLabels"]["tier"] = json!("node");
    new_value["spec"]["template"]["metadata"]["labels"]["tier"] = json!("node");
    let errors = validate_update(&old, &to_ds(new_value)).unwrap_err();
    let v = &errors.violations()[0];
    assert_eq!(errors.violations().len(), 1);
    assert_eq!(
        v.to_string(),
        "spec.selector: Invalid value: {\"matchLabels\":{\"app\":\"agent\",\"tier\":\"node\"}}: field is immutable"
    );
    assert!(validate_update(&old, &old).is_ok());
}

// ---------------------------------------------------------------- B. template metadata

#[test]
fn template_label_key_invalid() {
    one(
        |v| v["spec"]["template"]["metadata"]["labels"]["bad key"] = json!("x"),
        "spec.template.labels",
        ErrorType::Invalid,
    );
}

#[test]
fn template_annotation_key_invalid() {
    one(
        |v| v["spec"]["template"]["metadata"]["annotations"] = json!({"/x": "y"}),
        "spec.template.annotations",
        ErrorType::Invalid,
    );
}

#[test]
fn pod_deletion_cost_must_be_int32() {
    let v = one(
        |v| {
            v["spec"]["template"]["metadata"]["annotations"] =
                json!({"controller.kubernetes.io/pod-deletion-cost": "+10"})
        },
        "spec.template.annotations[controller.kubernetes.io/pod-deletion-cost]",
        ErrorType::Invalid,
    );
    assert_eq!(v.detail, "must be a 32bit integer");
}

// ---------------------------------------------------------------- B. containers

#[test]
fn containers_required() {
    let v = one(
        |v| pod(v)["containers"] = json!([]),
        "spec.template.spec.containers",
        ErrorType::Required,
    );
    assert_eq!(
        v.to_string(),
        "spec.template.spec.containers: Required value"
    );
}

#[test]
fn container_name_required() {
    one(
        |v| ctr(v)["name"] = json!(""),
        &format!("{C0}.name"),
        ErrorType::Required,
    );
}

#[test]
fn container_name_dns_label() {
    let v = one(
        |v| ctr(v)["name"] = json!("My_Agent"),
        &format!("{C0}.name"),
        ErrorType::Invalid,
    );
    assert_eq!(
        v.to_string(),
        "spec.template.spec.containers[0].name: Invalid value: \"My_Agent\": a lowercase RFC 1123 label must consist \
         of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. \
         'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
    );
}

#[test]
fn container_name_no_dots() {
    let v = one(
        |v| ctr(v)["name"] = json!("agent.v1"),
        &format!("{C0}.name"),
        ErrorType::Invalid,
    );
    assert_eq!(v.detail, "must not contain dots");
}

#[test]
fn container_names_unique() {
    let v = one(
        |v| {
            pod(v)["containers"] = json!([{"name": "a", "image": "x"}, {"name": "a", "image": "y"}])
        },
        "spec.template.spec.containers[1].name",
        ErrorType::Duplicate,
    );
    assert_eq!(
        v.to_string(),
        "spec.template.spec.containers[1].name: Duplicate value: \"a\""
    );
}

#[test]
fn init_container_name_unique_across_containers() {
    one(
        |v| pod(v)["initContainers"] = json!([{"name": "agent", "image": "x"}]),
        "spec.template.spec.initContainers[0].name",
        ErrorType::Duplicate,
    );
}

#[test]
fn image_required() {
    let v = one(
        |v| ctr(v).as_object_mut().unwrap().retain(|k, _| k != "image"),
        &format!("{C0}.image"),
        ErrorType::Required,
    );
    assert_eq!(
        v.to_string(),
        "spec.template.spec.containers[0].image: Required value"
    );
}

#[test]
fn init_container_without_restart_always_may_not_have_probes() {
    let v = one(
        |v| pod(v)["initContainers"] = json!([{"name": "init", "image": "x", "livenessProbe": {"exec": {"command": ["true"]}}}]),
        "spec.template.spec.initContainers[0].livenessProbe",
        ErrorType::Forbidden,
    );
    assert_eq!(
        v.detail,
        "may not be set for init containers without restartPolicy=Always"
    );
}

#[test]
fn init_container_without_restart_always_may_not_have_lifecycle() {
    one(
        |v| pod(v)["initContainers"] = json!([{"name": "init", "image": "x", "lifecycle": {"preStop": {"exec": {"command": ["true"]}}}}]),
        "spec.template.spec.initContainers[0].lifecycle",
        ErrorType::Forbidden,
    );
}

#[test]
fn sidecar_init_container_may_have_probes() {
    assert!(check(|v| pod(v)["initContainers"] = json!([{
        "name": "side", "image": "x", "restartPolicy": "Always", "readinessProbe": {"tcpSocket": {"port": 80}}
    }]))
    .is_empty());
}

#[test]
fn regular_container_restart_policy_is_dropped_by_the_1_34_server() {
    // ContainerRestartRules is alpha (off) in 1.34: the server drops the field instead of rejecting it.
    assert!(check(|v| ctr(v)["restartPolicy"] = json!("Always")).is_empty());
}

#[test]
fn termination_message_policy_supported() {
    one(
        |v| ctr(v)["terminationMessagePolicy"] = json!("Stdout"),
        &format!("{C0}.terminationMessagePolicy"),
        ErrorType::Unsupported,
    );
}

#[test]
fn image_pull_policy_supported() {
    let v = one(
        |v| ctr(v)["imagePullPolicy"] = json!("Sometimes"),
        &format!("{C0}.imagePullPolicy"),
        ErrorType::Unsupported,
    );
    assert_eq!(
        v.detail,
        "supported values: \"Always\", \"IfNotPresent\", \"Never\""
    );
}

#[test]
fn liveness_success_threshold_must_be_1() {
    let v = one(
        |v| ctr(v)["livenessProbe"] = json!({"httpGet": {"port": 8080}, "successThreshold": 2}),
        &format!("{C0}.livenessProbe.successThreshold"),
        ErrorType::Invalid,
    );
    assert_eq!(
        v.to_string(),
        "spec.template.spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1"
    );
}

#[test]
fn probe_needs_a_handler() {
    let v = one(
        |v| ctr(v)["readinessProbe"] = json!({"periodSeconds": 5}),
        &format!("{C0}.readinessProbe"),
        ErrorType::Required,
    );
    assert_eq!(v.detail, "must specify a handler type");
}

#[test]
fn probe_one_handler_only() {
    one(
        |v| {
            ctr(v)["livenessProbe"] =
                json!({"exec": {"command": ["true"]}, "tcpSocket": {"port": 80}})
        },
        &format!("{C0}.livenessProbe.tcpSocket"),
        ErrorType::Forbidden,
    );
}

#[test]
fn probe_period_not_negative() {
    one(
        |v| ctr(v)["livenessProbe"] = json!({"exec": {"command": ["true"]}, "periodSeconds": -5}),
        &format!("{C0}.livenessProbe.periodSeconds"),
        ErrorType::Invalid,
    );
}

#[test]
fn readiness_probe_no_termination_grace() {
    one(
        |v| {
            ctr(v)["readinessProbe"] =
                json!({"exec": {"command": ["true"]}, "terminationGracePeriodSeconds": 5})
        },
        &format!("{C0}.readinessProbe.terminationGracePeriodSeconds"),
        ErrorType::Invalid,
    );
}

#[test]
fn exec_needs_command() {
    one(
        |v| ctr(v)["livenessProbe"] = json!({"exec": {}}),
        &format!("{C0}.livenessProbe.exec.command"),
        ErrorType::Required,
    );
}

#[test]
fn privileged_with_no_privilege_escalation() {
    one(
        |v| {
            ctr(v)["securityContext"] =
                json!({"privileged": true, "allowPrivilegeEscalation": false})
        },
        &format!("{C0}.securityContext"),
        ErrorType::Invalid,
    );
}

// ---------------------------------------------------------------- B. ports

#[test]
fn container_port_required() {
    one(
        |v| ctr(v)["ports"] = json!([{"containerPort": 0}]),
        &format!("{C0}.ports[0].containerPort"),
        ErrorType::Required,
    );
}

#[test]
fn container_port_range() {
    let v = one(
        |v| ctr(v)["ports"] = json!([{"containerPort": 70000}]),
        &format!("{C0}.ports[0].containerPort"),
        ErrorType::Invalid,
    );
    assert_eq!(
        v.to_string(),
        "spec.template.spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive"
    );
}

#[test]
fn host_port_range() {
    one(
        |v| ctr(v)["ports"] = json!([{"containerPort": 80, "hostPort": -1}]),
        &format!("{C0}.ports[0].hostPort"),
        ErrorType::Invalid,
    );
}

#[test]
fn protocol_supported() {
    let v = one(
        |v| ctr(v)["ports"] = json!([{"containerPort": 80, "protocol": "HTTP"}]),
        &format!("{C0}.ports[0].protocol"),
        ErrorType::Unsupported,
    );
    assert_eq!(v.detail, "supported values: \"SCTP\", \"TCP\", \"UDP\"");
}

#[test]
fn port_name_syntax() {
    let vs = all_at(
        |v| ctr(v)["ports"] = json!([{"containerPort": 80, "name": "HTTP--metrics-port"}]),
        &format!("{C0}.ports[0].name"),
        ErrorType::Invalid,
    );
    assert_eq!(vs.len(), 3, "{vs:#?}");
}

#[test]
fn port_names_unique() {
    one(
        |v| {
            ctr(v)["ports"] =
                json!([{"containerPort": 80, "name": "web"}, {"containerPort": 81, "name": "web"}])
        },
        &format!("{C0}.ports[1].name"),
        ErrorType::Duplicate,
    );
}

#[test]
fn host_ports_unique() {
    let v = one(
        |v| {
            ctr(v)["ports"] = json!([{"containerPort": 80, "hostPort": 80}, {"containerPort": 8080, "hostPort": 80}])
        },
        &format!("{C0}.ports[1].hostPort"),
        ErrorType::Duplicate,
    );
    assert_eq!(
        v.to_string(),
        "spec.template.spec.containers[0].ports[1].hostPort: Duplicate value: \"TCP//80\""
    );
}

#[test]
fn host_ports_unique_across_containers() {
    one(
        |v| {
            pod(v)["containers"] = json!([
                {"name": "a", "image": "x", "ports": [{"containerPort": 80, "hostPort": 9000}]},
                {"name": "b", "image": "x", "ports": [{"containerPort": 81, "hostPort": 9000, "protocol": "TCP"}]}
            ])
        },
        "spec.template.spec.containers[1].ports[0].hostPort",
        ErrorType::Duplicate,
    );
}

#[test]
fn host_network_host_port_must_match() {
    let v = one(
        |v| {
            pod(v)["hostNetwork"] = json!(true);
            ctr(v)["ports"] = json!([{"containerPort": 80, "hostPort": 8080}]);
        },
        &format!("{C0}.ports[0].hostPort"),
        ErrorType::Invalid,
    );
    assert_eq!(
        v.detail,
        "must match `containerPort` when `hostNetwork` is true"
    );
}

// ---------------------------------------------------------------- B. resources

#[test]
fn request_not_above_limit() {
    let v = one(
        |v| ctr(v)["resources"] = json!({"requests": {"cpu": "1"}, "limits": {"cpu": "500m"}}),
        &format!("{C0}.resources.requests"),
        ErrorType::Invalid,
    );
    assert_eq!(
        v.to_string(),
        "spec.template.spec.containers[0].resources.requests: Invalid value: \"1\": must be less than or equal to cpu limit of 500m"
    );
}

#[test]
fn request_vs_limit_prints_canonical_quantities() {
    let v = one(
        |v| {
            ctr(v)["resources"] =
                json!({"requests": {"memory": "2048Mi"}, "limits": {"memory": "1.5Gi"}})
        },
        &format!("{C0}.resources.requests"),
        ErrorType::Invalid,
    );
    assert_eq!(v.value.as_deref(), Some("\"2Gi\""));
    assert_eq!(
        v.detail,
        "must be less than or equal to memory limit of 1536Mi"
    );
}

#[test]
fn malformed_quantity_is_reported_at_its_key() {
    let v = one(
        |v| ctr(v)["resources"] = json!({"limits": {"memory": "64MB"}}),
        &format!("{C0}.resources.limits[memory]"),
        ErrorType::Invalid,
    );
    assert_eq!(
        v.to_string(),
        "spec.template.spec.containers[0].resources.limits[memory]: Invalid value: \"64MB\": quantities must match the \
         regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
    );
}

#[test]
fn malformed_request_quantity() {
    one(
        |v| ctr(v)["resources"] = json!({"requests": {"cpu": "1.2.3"}}),
        &format!("{C0}.resources.requests[cpu]"),
        ErrorType::Invalid,
    );
}

#[test]
fn quantity_not_negative() {
    let v = one(
        |v| ctr(v)["resources"] = json!({"limits": {"cpu": "-1"}}),
        &format!("{C0}.resources.limits[cpu]"),
        ErrorType::Invalid,
    );
    assert_eq!(
        v.to_string(),
        "spec.template.spec.containers[0].resources.limits[cpu]: Invalid value: \"-1\": must be greater than or equal to 0"
    );
}

#[test]
fn resource_name_must_be_standard() {
    let vs = all_at(
        |v| ctr(v)["resources"] = json!({"limits": {"gpu": "1"}}),
        &format!("{C0}.resources.limits[gpu]"),
        ErrorType::Invalid,
    );
    assert_eq!(
        vs.iter().map(|v| v.detail.as_str()).collect::<Vec<_>>(),
        [
            "must be a standard resource type or fully qualified",
            "must be a standard resource for containers"
        ]
    );
}

#[test]
fn extended_resource_must_be_whole() {
    let vs = check(|v| ctr(v)["resources"] = json!({"limits": {"example.com/gpu": "500m"}}));
    assert_eq!(vs.len(), 1, "{vs:#?}");
    assert_eq!(
        vs[0].to_string(),
        "spec.template.spec.containers[0].resources.limits[example.com/gpu]: Invalid value: \"500m\": must be an integer"
    );
}

#[test]
fn extended_resource_request_needs_limit() {
    let v = one(
        |v| ctr(v)["resources"] = json!({"requests": {"example.com/gpu": "1"}}),
        &format!("{C0}.resources.limits"),
        ErrorType::Required,
    );
    assert_eq!(
        v.detail,
        "Limit must be set for non overcommitable resources"
    );
}

#[test]
fn hugepages_request_equals_limit() {
    let v = one(
        |v| ctr(v)["resources"] = json!({"requests": {"hugepages-2Mi": "2Mi", "memory": "1Gi"}, "limits": {"hugepages-2Mi": "4Mi", "memory": "1Gi"}}),
        &format!("{C0}.resources.requests"),
        ErrorType::Invalid,
    );
    assert_eq!(v.detail, "must be equal to hugepages-2Mi limit of 4Mi");
}

#[test]
fn hugepages_require_cpu_or_memory() {
    let v = one(
        |v| ctr(v)["resources"] = json!({"limits": {"hugepages-2Mi": "2Mi"}}),
        &format!("{C0}.resources"),
        ErrorType::Forbidden,
    );
    assert_eq!(v.detail, "HugePages require cpu or memory");
}

#[test]
fn only_limits_is_fine() {
    assert!(
        check(|v| ctr(v)["resources"] = json!({"limits": {"cpu": "1", "memory": "1Gi"}}))
            .is_empty()
    );
}

// ---------------------------------------------------------------- B. env

#[test]
fn env_name_required() {
    one(
        |v| ctr(v)["env"] = json!([{"name": "", "value": "x"}]),
        &format!("{C0}.env[0].name"),
        ErrorType::Required,
    );
}

#[test]
fn env_name_printable_ascii_without_equals() {
    let v = one(
        |v| ctr(v)["env"] = json!([{"name": "A=B", "value": "x"}]),
        &format!("{C0}.env[0].name"),
        ErrorType::Invalid,
    );
    assert_eq!(
        v.detail,
        "a valid environment variable name must consist only of printable ASCII characters other than '='"
    );
}

#[test]
fn env_relaxed_names_are_fine() {
    assert!(check(|v| ctr(v)["env"] = json!([{"name": "1-my var.x", "value": "x"}])).is_empty());
}

#[test]
fn value_from_needs_a_source() {
    let v = one(
        |v| ctr(v)["env"] = json!([{"name": "A", "valueFrom": {}}]),
        &format!("{C0}.env[0].valueFrom"),
        ErrorType::Invalid,
    );
    assert_eq!(
        v.to_string(),
        "spec.template.spec.containers[0].env[0].valueFrom: Invalid value: \"\": must specify one of: `fieldRef`, \
         `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`"
    );
}

#[test]
fn value_from_not_with_value() {
    let v = one(
        |v| ctr(v)["env"] = json!([{"name": "A", "value": "x", "valueFrom": {"fieldRef": {"fieldPath": "spec.nodeName"}}}]),
        &format!("{C0}.env[0].valueFrom"),
        ErrorType::Invalid,
    );
    assert_eq!(v.detail, "may not be specified when `value` is not empty");
}

#[test]
fn value_from_one_source() {
    let v = one(
        |v| {
            ctr(v)["env"] = json!([{"name": "A", "valueFrom": {
                "fieldRef": {"fieldPath": "spec.nodeName"},
                "secretKeyRef": {"name": "s", "key": "k"}
            }}])
        },
        &format!("{C0}.env[0].valueFrom"),
        ErrorType::Invalid,
    );
    assert_eq!(
        v.detail,
        "may not have more than one field specified at a time"
    );
}

#[test]
fn field_ref_path_supported() {
    let v = one(
        |v| {
            ctr(v)["env"] =
                json!([{"name": "A", "valueFrom": {"fieldRef": {"fieldPath": "status.phase"}}}])
        },
        &format!("{C0}.env[0].valueFrom.fieldRef.fieldPath"),
        ErrorType::Unsupported,
    );
    assert_eq!(
        v.to_string(),
        "spec.template.spec.containers[0].env[0].valueFrom.fieldRef.fieldPath: Unsupported value: \"status.phase\": \
         supported values: \"metadata.name\", \"metadata.namespace\", \"metadata.uid\", \"spec.nodeName\", \
         \"spec.serviceAccountName\", \"status.hostIP\", \"status.hostIPs\", \"status.podIP\", \"status.podIPs\""
    );
}

#[test]
fn field_ref_unknown_path_fails_conversion() {
    let v = one(
        |v| {
            ctr(v)["env"] =
                json!([{"name": "A", "valueFrom": {"fieldRef": {"fieldPath": "spec.containers"}}}])
        },
        &format!("{C0}.env[0].valueFrom.fieldRef.fieldPath"),
        ErrorType::Invalid,
    );
    assert_eq!(
        v.detail,
        "error converting fieldPath: field label not supported: spec.containers"
    );
}

#[test]
fn field_ref_label_key_must_be_qualified() {
    one(
        |v| ctr(v)["env"] = json!([{"name": "A", "valueFrom": {"fieldRef": {"fieldPath": "metadata.labels['-x']"}}}]),
        &format!("{C0}.env[0].valueFrom.fieldRef"),
        ErrorType::Invalid,
    );
    assert!(check(|v| ctr(v)["env"] = json!([{"name": "A", "valueFrom": {"fieldRef": {"fieldPath": "metadata.labels['app']"}}}])).is_empty());
}

#[test]
fn resource_field_ref_resource_supported() {
    one(
        |v| {
            ctr(v)["env"] = json!([{"name": "A", "valueFrom": {"resourceFieldRef": {"resource": "limits.gpu"}}}])
        },
        &format!("{C0}.env[0].valueFrom.resourceFieldRef.resource"),
        ErrorType::Unsupported,
    );
}

#[test]
fn resource_field_ref_divisor() {
    let v = one(
        |v| ctr(v)["env"] = json!([{"name": "A", "valueFrom": {"resourceFieldRef": {"resource": "limits.cpu", "divisor": "1Mi"}}}]),
        &format!("{C0}.env[0].valueFrom.resourceFieldRef.divisor"),
        ErrorType::Invalid,
    );
    assert_eq!(
        v.detail,
        "only divisor's values 1m and 1 are supported with the cpu resource"
    );
}

#[test]
fn config_map_key_ref_key_syntax() {
    one(
        |v| {
            ctr(v)["env"] = json!([{"name": "A", "valueFrom": {"configMapKeyRef": {"name": "cm", "key": "a/b"}}}])
        },
        &format!("{C0}.env[0].valueFrom.configMapKeyRef.key"),
        ErrorType::Invalid,
    );
}

#[test]
fn secret_key_ref_name_syntax() {
    one(
        |v| ctr(v)["env"] = json!([{"name": "A", "valueFrom": {"secretKeyRef": {"name": "My_Secret", "key": "k"}}}]),
        &format!("{C0}.env[0].valueFrom.secretKeyRef.name"),
        ErrorType::Invalid,
    );
}

#[test]
fn env_from_needs_a_source() {
    one(
        |v| ctr(v)["envFrom"] = json!([{"prefix": "X_"}]),
        &format!("{C0}.envFrom"),
        ErrorType::Invalid,
    );
}

// ---------------------------------------------------------------- B. volumes and mounts

fn with_volume(v: &mut Value, volume: Value) {
    pod(v)["volumes"] = json!([volume]);
}

#[test]
fn volume_name_dns_label() {
    one(
        |v| with_volume(v, json!({"name": "Logs", "emptyDir": {}})),
        "spec.template.spec.volumes[0].name",
        ErrorType::Invalid,
    );
}

#[test]
fn volume_names_unique() {
    one(
        |v| {
            pod(v)["volumes"] =
                json!([{"name": "a", "emptyDir": {}}, {"name": "a", "emptyDir": {}}])
        },
        "spec.template.spec.volumes[1].name",
        ErrorType::Duplicate,
    );
}

#[test]
fn volume_one_source() {
    let v = one(
        |v| {
            with_volume(
                v,
                json!({"name": "a", "hostPath": {"path": "/x"}, "configMap": {"name": "c"}}),
            )
        },
        "spec.template.spec.volumes[0].configMap",
        ErrorType::Forbidden,
    );
    assert_eq!(
        v.to_string(),
        "spec.template.spec.volumes[0].configMap: Forbidden: may not specify more than 1 volume type"
    );
}

#[test]
fn volume_without_source_is_empty_dir() {
    assert!(check(|v| with_volume(v, json!({"name": "scratch"}))).is_empty());
}

#[test]
fn host_path_required() {
    one(
        |v| with_volume(v, json!({"name": "a", "hostPath": {"path": ""}})),
        "spec.template.spec.volumes[0].hostPath.path",
        ErrorType::Required,
    );
}

#[test]
fn host_path_no_backsteps_but_relative_ok() {
    let v = one(
        |v| with_volume(v, json!({"name": "a", "hostPath": {"path": "/var/../etc"}})),
        "spec.template.spec.volumes[0].hostPath.path",
        ErrorType::Invalid,
    );
    assert_eq!(v.detail, "must not contain '..'");
    assert!(
        check(|v| with_volume(v, json!({"name": "a", "hostPath": {"path": "var/log"}}))).is_empty()
    );
}

#[test]
fn host_path_type_supported() {
    let v = one(
        |v| {
            with_volume(
                v,
                json!({"name": "a", "hostPath": {"path": "/x", "type": "Dir"}}),
            )
        },
        "spec.template.spec.volumes[0].hostPath.type",
        ErrorType::Unsupported,
    );
    assert_eq!(
        v.detail,
        "supported values: \"\", \"BlockDevice\", \"CharDevice\", \"Directory\", \"DirectoryOrCreate\", \"File\", \"FileOrCreate\", \"Socket\""
    );
}

#[test]
fn secret_volume_needs_name() {
    one(
        |v| with_volume(v, json!({"name": "a", "secret": {}})),
        "spec.template.spec.volumes[0].secret.secretName",
        ErrorType::Required,
    );
}

#[test]
fn config_map_default_mode_range() {
    let v = one(
        |v| {
            with_volume(
                v,
                json!({"name": "a", "configMap": {"name": "c", "defaultMode": 512}}),
            )
        },
        "spec.template.spec.volumes[0].configMap.defaultMode",
        ErrorType::Invalid,
    );
    assert_eq!(
        v.detail,
        "must be a number between 0 and 0777 (octal), both inclusive"
    );
}

#[test]
fn items_path_relative() {
    one(
        |v| {
            with_volume(
                v,
                json!({"name": "a", "configMap": {"name": "c", "items": [{"key": "k", "path": "/etc/x"}]}}),
            )
        },
        "spec.template.spec.volumes[0].configMap.items[0].path",
        ErrorType::Invalid,
    );
}

#[test]
fn mount_must_name_a_volume() {
    let v = one(
        |v| ctr(v)["volumeMounts"] = json!([{"name": "missing", "mountPath": "/data"}]),
        &format!("{C0}.volumeMounts[0].name"),
        ErrorType::NotFound,
    );
    assert_eq!(
        v.to_string(),
        "spec.template.spec.containers[0].volumeMounts[0].name: Not found: \"missing\""
    );
}

#[test]
fn mount_of_an_invalid_volume_is_not_found_too() {
    let vs = check(|v| {
        with_volume(v, json!({"name": "a", "hostPath": {"path": ""}}));
        ctr(v)["volumeMounts"] = json!([{"name": "a", "mountPath": "/data"}]);
    });
    assert_eq!(vs.len(), 2, "{vs:#?}");
    assert_eq!(
        vs[1].path.as_str(),
        "spec.template.spec.containers[0].volumeMounts[0].name"
    );
    assert_eq!(vs[1].kind, ErrorType::NotFound);
}

#[test]
fn mount_path_required() {
    one(
        |v| {
            with_volume(v, json!({"name": "a", "emptyDir": {}}));
            ctr(v)["volumeMounts"] = json!([{"name": "a", "mountPath": ""}]);
        },
        &format!("{C0}.volumeMounts[0].mountPath"),
        ErrorType::Required,
    );
}

#[test]
fn mount_path_unique() {
    let v = one(
        |v| {
            pod(v)["volumes"] =
                json!([{"name": "a", "emptyDir": {}}, {"name": "b", "emptyDir": {}}]);
            ctr(v)["volumeMounts"] =
                json!([{"name": "a", "mountPath": "/d"}, {"name": "b", "mountPath": "/d"}]);
        },
        &format!("{C0}.volumeMounts[1].mountPath"),
        ErrorType::Invalid,
    );
    assert_eq!(v.detail, "must be unique");
}

#[test]
fn sub_path_relative_reported_at_the_list_like_the_server() {
    one(
        |v| {
            with_volume(v, json!({"name": "a", "emptyDir": {}}));
            ctr(v)["volumeMounts"] = json!([{"name": "a", "mountPath": "/d", "subPath": "/abs"}]);
        },
        &format!("{C0}.volumeMounts.subPath"),
        ErrorType::Invalid,
    );
}

#[test]
fn sub_path_and_expr_exclusive() {
    one(
        |v| {
            with_volume(v, json!({"name": "a", "emptyDir": {}}));
            ctr(v)["volumeMounts"] =
                json!([{"name": "a", "mountPath": "/d", "subPath": "x", "subPathExpr": "$(POD)"}]);
        },
        &format!("{C0}.volumeMounts[0].subPathExpr"),
        ErrorType::Invalid,
    );
}

#[test]
fn bidirectional_needs_privileged() {
    let v = one(
        |v| {
            with_volume(v, json!({"name": "a", "hostPath": {"path": "/mnt"}}));
            ctr(v)["volumeMounts"] =
                json!([{"name": "a", "mountPath": "/d", "mountPropagation": "Bidirectional"}]);
        },
        &format!("{C0}.volumeMounts.mountPropagation"),
        ErrorType::Forbidden,
    );
    assert_eq!(
        v.detail,
        "Bidirectional mount propagation is available only to privileged containers"
    );
    assert!(
        check(|v| {
            with_volume(v, json!({"name": "a", "hostPath": {"path": "/mnt"}}));
            ctr(v)["volumeMounts"] =
                json!([{"name": "a", "mountPath": "/d", "mountPropagation": "Bidirectional"}]);
            ctr(v)["securityContext"] = json!({"privileged": true});
        })
        .is_empty()
    );
}

#[test]
fn mount_propagation_supported() {
    one(
        |v| {
            with_volume(v, json!({"name": "a", "emptyDir": {}}));
            ctr(v)["volumeMounts"] =
                json!([{"name": "a", "mountPath": "/d", "mountPropagation": "Shared"}]);
        },
        &format!("{C0}.volumeMounts.mountPropagation"),
        ErrorType::Unsupported,
    );
}

#[test]
fn recursive_read_only_needs_read_only() {
    one(
        |v| {
            with_volume(v, json!({"name": "a", "emptyDir": {}}));
            ctr(v)["volumeMounts"] =
                json!([{"name": "a", "mountPath": "/d", "recursiveReadOnly": "Enabled"}]);
        },
        &format!("{C0}.volumeMounts.recursiveReadOnly"),
        ErrorType::Forbidden,
    );
}

// ---------------------------------------------------------------- B. scheduling

#[test]
fn node_selector_label_rules() {
    one(
        |v| pod(v)["nodeSelector"] = json!({"disk": "ssd fast"}),
        "spec.template.spec.nodeSelector",
        ErrorType::Invalid,
    );
}

#[test]
fn toleration_empty_key_needs_exists() {
    let v = one(
        |v| pod(v)["tolerations"] = json!([{"operator": "Equal", "value": "x"}]),
        "spec.template.spec.tolerations[0].operator",
        ErrorType::Invalid,
    );
    assert_eq!(
        v.to_string(),
        "spec.template.spec.tolerations[0].operator: Invalid value: \"Equal\": operator must be Exists when `key` is \
         empty, which means \"match all values and all keys\""
    );
}

#[test]
fn toleration_exists_takes_no_value() {
    let v = one(
        |v| pod(v)["tolerations"] = json!([{"key": "k", "operator": "Exists", "value": "v"}]),
        "spec.template.spec.tolerations[0].operator",
        ErrorType::Invalid,
    );
    assert_eq!(v.detail, "value must be empty when `operator` is 'Exists'");
}

#[test]
fn toleration_operator_supported() {
    let v = one(
        |v| pod(v)["tolerations"] = json!([{"key": "k", "operator": "In"}]),
        "spec.template.spec.tolerations[0].operator",
        ErrorType::Unsupported,
    );
    assert_eq!(v.detail, "supported values: \"Equal\", \"Exists\"");
}

#[test]
fn toleration_seconds_only_with_no_execute() {
    let v = one(
        |v| pod(v)["tolerations"] = json!([{"key": "k", "operator": "Exists", "effect": "NoSchedule", "tolerationSeconds": 30}]),
        "spec.template.spec.tolerations[0].effect",
        ErrorType::Invalid,
    );
    assert_eq!(
        v.detail,
        "effect must be 'NoExecute' when `tolerationSeconds` is set"
    );
}

#[test]
fn toleration_effect_supported() {
    one(
        |v| pod(v)["tolerations"] = json!([{"key": "k", "operator": "Exists", "effect": "NoRun"}]),
        "spec.template.spec.tolerations[0].effect",
        ErrorType::Unsupported,
    );
}

#[test]
fn toleration_key_qualified_name() {
    one(
        |v| pod(v)["tolerations"] = json!([{"key": "a/b/c", "operator": "Exists"}]),
        "spec.template.spec.tolerations[0].key",
        ErrorType::Invalid,
    );
}

#[test]
fn toleration_equal_value_label_value() {
    one(
        |v| pod(v)["tolerations"] = json!([{"key": "k", "value": "a b"}]),
        "spec.template.spec.tolerations[0].operator",
        ErrorType::Invalid,
    );
}

const REQ: &str = "spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms";

fn with_term(v: &mut Value, term: Value) {
    pod(v)["affinity"] = json!({"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [term]}}});
}

#[test]
fn node_selector_terms_required() {
    let v = one(
        |v| pod(v)["affinity"] = json!({"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": []}}}),
        REQ,
        ErrorType::Required,
    );
    assert_eq!(v.detail, "must have at least one node selector term");
}

#[test]
fn node_affinity_in_needs_values() {
    let v = one(
        |v| {
            with_term(
                v,
                json!({"matchExpressions": [{"key": "zone", "operator": "In", "values": []}]}),
            )
        },
        &format!("{REQ}[0].matchExpressions[0].values"),
        ErrorType::Required,
    );
    assert_eq!(
        v.detail,
        "must be specified when `operator` is 'In' or 'NotIn'"
    );
}

#[test]
fn node_affinity_gt_single_value() {
    one(
        |v| {
            with_term(
                v,
                json!({"matchExpressions": [{"key": "cores", "operator": "Gt", "values": ["1", "2"]}]}),
            )
        },
        &format!("{REQ}[0].matchExpressions[0].values"),
        ErrorType::Required,
    );
}

#[test]
fn node_affinity_values_are_label_values() {
    let v = one(
        |v| {
            with_term(
                v,
                json!({"matchExpressions": [{"key": "cores", "operator": "Lt", "values": ["-1"]}]}),
            )
        },
        &format!("{REQ}[0].matchExpressions[0].values[0]"),
        ErrorType::Invalid,
    );
    assert_eq!(v.value.as_deref(), Some("\"-1\""));
}

#[test]
fn node_affinity_exists_no_values() {
    one(
        |v| {
            with_term(
                v,
                json!({"matchExpressions": [{"key": "zone", "operator": "Exists", "values": ["a"]}]}),
            )
        },
        &format!("{REQ}[0].matchExpressions[0].values"),
        ErrorType::Forbidden,
    );
}

#[test]
fn node_affinity_operator_known() {
    one(
        |v| {
            with_term(
                v,
                json!({"matchExpressions": [{"key": "zone", "operator": "Equals", "values": ["a"]}]}),
            )
        },
        &format!("{REQ}[0].matchExpressions[0].operator"),
        ErrorType::Invalid,
    );
}

#[test]
fn match_fields_only_metadata_name() {
    let v = one(
        |v| {
            with_term(
                v,
                json!({"matchFields": [{"key": "metadata.labels", "operator": "In", "values": ["a"]}]}),
            )
        },
        &format!("{REQ}[0].matchFields[0].key"),
        ErrorType::Invalid,
    );
    assert_eq!(v.detail, "not a valid field selector key");
}

#[test]
fn match_fields_one_value() {
    one(
        |v| {
            with_term(
                v,
                json!({"matchFields": [{"key": "metadata.name", "operator": "In", "values": ["a", "b"]}]}),
            )
        },
        &format!("{REQ}[0].matchFields[0].values"),
        ErrorType::Required,
    );
}

#[test]
fn preferred_weight_range() {
    let v = one(
        |v| {
            pod(v)["affinity"] = json!({"nodeAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
                {"weight": 0, "preference": {"matchExpressions": [{"key": "zone", "operator": "In", "values": ["-tolerated"]}]}}
            ]}})
        },
        "spec.template.spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight",
        ErrorType::Invalid,
    );
    assert_eq!(v.detail, "must be in the range 1-100");
}

// ---------------------------------------------------------------- B. other pod fields

#[test]
fn dns_policy_supported() {
    let v = one(
        |v| pod(v)["dnsPolicy"] = json!("ClusterLast"),
        "spec.template.spec.dnsPolicy",
        ErrorType::Unsupported,
    );
    assert_eq!(
        v.detail,
        "supported values: \"ClusterFirstWithHostNet\", \"ClusterFirst\", \"Default\", \"None\""
    );
}

#[test]
fn dns_policy_none_needs_dns_config() {
    one(
        |v| pod(v)["dnsPolicy"] = json!("None"),
        "spec.template.spec.dnsConfig",
        ErrorType::Required,
    );
    one(
        |v| {
            pod(v)["dnsPolicy"] = json!("None");
            pod(v)["dnsConfig"] = json!({"searches": ["x.local"]});
        },
        "spec.template.spec.dnsConfig.nameservers",
        ErrorType::Required,
    );
}

#[test]
fn service_account_name_subdomain() {
    one(
        |v| pod(v)["serviceAccountName"] = json!("Agent"),
        "spec.template.spec.serviceAccountName",
        ErrorType::Invalid,
    );
}

#[test]
fn priority_class_name_subdomain() {
    one(
        |v| pod(v)["priorityClassName"] = json!("system_node_critical"),
        "spec.template.spec.priorityClassName",
        ErrorType::Invalid,
    );
}

#[test]
fn node_name_subdomain() {
    one(
        |v| pod(v)["nodeName"] = json!("Node-1"),
        "spec.template.spec.nodeName",
        ErrorType::Invalid,
    );
}

#[test]
fn share_process_namespace_with_host_pid() {
    let v = one(
        |v| {
            pod(v)["hostPID"] = json!(true);
            pod(v)["shareProcessNamespace"] = json!(true);
        },
        "spec.template.spec.securityContext.shareProcessNamespace",
        ErrorType::Invalid,
    );
    assert_eq!(
        v.detail,
        "ShareProcessNamespace and HostPID cannot both be enabled"
    );
}

#[test]
fn ephemeral_containers_forbidden_in_templates() {
    one(
        |v| pod(v)["ephemeralContainers"] = json!([{"name": "debug", "image": "busybox"}]),
        "spec.template.spec.ephemeralContainers",
        ErrorType::Forbidden,
    );
}

// ---------------------------------------------------------------- Beyond the server

#[test]
fn host_port_with_max_surge_stalls_rollouts() {
    let vs = check(|v| {
        v["spec"]["updateStrategy"] =
            json!({"rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}});
        ctr(v)["ports"] = json!([{"containerPort": 9100, "hostPort": 9100}]);
    });
    assert_eq!(vs.len(), 1, "{vs:#?}");
    assert_eq!(
        vs[0].path.as_str(),
        "spec.updateStrategy.rollingUpdate.maxSurge"
    );
    assert_eq!(vs[0].kind, ErrorType::Invalid);
    assert_eq!(vs[0].origin, Origin::Beyond);
}

#[test]
fn host_network_port_with_max_surge_stalls_rollouts() {
    let vs = check(|v| {
        v["spec"]["updateStrategy"] =
            json!({"rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 0}});
        pod(v)["hostNetwork"] = json!(true);
        ctr(v)["ports"] = json!([{"containerPort": 9100}]);
    });
    assert_eq!(vs.len(), 1, "{vs:#?}");
    assert_eq!(vs[0].origin, Origin::Beyond);
}

#[test]
fn image_with_surrounding_whitespace_is_beyond_the_server() {
    // The server accepts it in a template (the upstream corpus has such cases) but refuses every pod made from it.
    let vs = check(|v| ctr(v)["image"] = json!(" agent:1.0"));
    assert_eq!(vs.len(), 1, "{vs:#?}");
    assert_eq!(
        vs[0].path.as_str(),
        "spec.template.spec.containers[0].image"
    );
    assert_eq!(vs[0].kind, ErrorType::Invalid);
    assert_eq!(vs[0].origin, Origin::Beyond);
    assert_eq!(vs[0].detail, "must not have leading or trailing whitespace");
}

#[test]
fn host_port_without_surge_is_fine() {
    assert!(
        check(|v| ctr(v)["ports"] = json!([{"containerPort": 9100, "hostPort": 9100}])).is_empty()
    );
}

// --- The rule areas added after the upstream corpus (each also covered there with the server's own answers).

#[test]
fn topology_spread_max_skew_and_when_unsatisfiable() {
    let v = check(|v| {
        pod(v)["topologySpreadConstraints"] = json!([
            {"maxSkew": 0, "topologyKey": "zone", "whenUnsatisfiable": "Sometimes"}
        ])
    });
    let got: Vec<(&str, ErrorType)> = v.iter().map(|v| (v.path.as_str(), v.kind)).collect();
    assert_eq!(
        got,
        vec![
            (
                "spec.template.spec.topologySpreadConstraints[0].maxSkew",
                ErrorType::Invalid
            ),
            (
                "spec.template.spec.topologySpreadConstraints[0].whenUnsatisfiable",
                ErrorType::Unsupported
            ),
        ]
    );
}

#[test]
fn net_sysctls_are_refused_with_host_network() {
    let v = one(
        |v| {
            pod(v)["hostNetwork"] = json!(true);
            pod(v)["securityContext"] =
                json!({"sysctls": [{"name": "net.core.somaxconn", "value": "1024"}]});
        },
        "spec.template.spec.securityContext.sysctls[0].name",
        ErrorType::Invalid,
    );
    assert_eq!(v.detail, "may not be specified when 'hostNetwork' is true");
}

#[test]
fn apparmor_annotation_must_name_a_container() {
    one(
        |v| {
            v["spec"]["template"]["metadata"]["annotations"] =
                json!({"container.apparmor.security.beta.kubernetes.io/nope": "runtime/default"})
        },
        "spec.template.annotations[container.apparmor.security.beta.kubernetes.io/nope]",
        ErrorType::Invalid,
    );
}

#[test]
fn downward_api_volume_files_take_metadata_paths_only() {
    one(
        |v| {
            pod(v)["volumes"] = json!([{"name": "info", "downwardAPI": {"items": [
                {"path": "node", "fieldRef": {"fieldPath": "spec.nodeName"}}
            ]}}])
        },
        "spec.template.spec.volumes[0].downwardAPI.fieldRef.fieldPath",
        ErrorType::Unsupported,
    );
}

#[test]
fn nameservers_are_parsed_as_legacy_ips() {
    assert_eq!(
        check(|v| {
            pod(v)["dnsPolicy"] = json!("None");
            pod(v)["dnsConfig"] = json!({"nameservers": ["001.002.003.004"]});
        }),
        Vec::new()
    );
}

#[test]
fn nfs_needs_an_absolute_path() {
    one(
        |v| {
            pod(v)["volumes"] =
                json!([{"name": "share", "nfs": {"server": "nfs.example.com", "path": "exports"}}])
        },
        "spec.template.spec.volumes[0].nfs.path",
        ErrorType::Invalid,
    );
}

#[path = "fixtures/upstream/corpus.rs"]
mod corpus;

/// The upstream corpus (Kubernetes' own validation test tables as DaemonSets) against the answers a real
/// kube-apiserver v1.34.12 gave (recorded in the fixture and re-checked live by tests/cluster_agreement.rs):
/// verdict, every field path and every error type must agree.
#[test]
fn upstream_corpus_agrees_with_the_recorded_server_answers() {
    let cases = corpus::load();
    let mut tally = corpus::Tally::default();
    for case in &cases {
        let expected = case
            .expected
            .as_ref()
            .unwrap_or_else(|| panic!("{}: no recorded answer", case.name()));
        tally.add(&case.name(), &corpus::ours(&case.typed()), expected);
    }
    println!("upstream corpus (recorded answers): {}", tally.summary());
    let disagreements = tally.disagreements();
    assert!(
        disagreements.is_empty(),
        "{}\n{}",
        tally.summary(),
        disagreements.join("\n")
    );
    assert_eq!(tally.cases, 908);
}

/// The targeted cases (tests/fixtures/upstream/targeted.json) against their recorded server answers.
#[test]
fn targeted_cases_agree_with_the_recorded_server_answers() {
    let mut tally = corpus::Tally::default();
    for case in corpus::targeted() {
        let expected = case
            .expected
            .as_ref()
            .unwrap_or_else(|| panic!("{}: no recorded answer", case.name));
        tally.add(&case.name, &corpus::ours(&case.daemon_set()), expected);
    }
    println!("targeted cases (recorded answers): {}", tally.summary());
    assert_eq!(
        tally.disagreements(),
        Vec::<String>::new(),
        "{}",
        tally.summary()
    );
    assert_eq!(tally.cases, 121);
}

/// The real DaemonSets of tests/fixtures/real (collected verbatim from public projects' deploy folders): the files
/// listed in its SOURCES file (other files of that folder belong to other tests), each read as `check` reads it.
fn real_corpus() -> Vec<(String, String)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/real");
    let sources =
        std::fs::read_to_string(dir.join("SOURCES")).expect("tests/fixtures/real/SOURCES");
    sources
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let name = l.split('\t').next().unwrap().to_owned();
            let text = std::fs::read_to_string(dir.join(&name)).unwrap();
            (name, text)
        })
        .collect()
}

/// Real files kubectl reads but our reader does not (none today: manila-csi-nodeplugin.yaml's under-indented
/// quoted scalar reads since the reader took libyaml's leniency). The test asserts a listed file still fails, so
/// an entry must go when the file reads.
const KNOWN_READER_GAPS: &[(&str, &str)] = &[];

/// `check` finds nothing in any real DaemonSet (every one of them is accepted by kube-apiserver v1.34.12, which
/// tests/cluster_agreement.rs verifies against the live server), except the marked reader gaps.
#[test]
fn real_daemonsets_pass_check() {
    let corpus = real_corpus();
    let mut findings = Vec::new();
    let mut daemon_sets = 0;
    for (name, text) in &corpus {
        let gap = KNOWN_READER_GAPS.iter().find(|(file, _)| file == name);
        for document in daemonset::parse::documents(text) {
            match document {
                daemonset::parse::Document::DaemonSet { object, .. } => {
                    daemon_sets += 1;
                    assert!(
                        gap.is_none(),
                        "{name} reads now: remove it from KNOWN_READER_GAPS"
                    );
                    if let Err(errors) = validate(&object) {
                        findings.push(format!("{name}: {errors}"));
                    }
                }
                daemonset::parse::Document::Invalid { errors, .. } => {
                    let text = errors
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join("; ");
                    match gap {
                        Some((_, expected)) => assert!(text.contains(expected), "{name}: {text}"),
                        None => findings.push(format!("{name}: {text}")),
                    }
                }
                _ => findings.push(format!("{name}: not a DaemonSet document")),
            }
        }
    }
    assert_eq!(findings, Vec::<String>::new());
    assert_eq!(
        corpus.len(),
        37,
        "files listed in tests/fixtures/real/SOURCES"
    );
    assert_eq!(daemon_sets, 37 - KNOWN_READER_GAPS.len());
}
