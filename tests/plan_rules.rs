//! One test per placement rule: nodeSelector, each affinity operator, matchFields, terms ORed and expressions ANDed,
//! each toleration form against each taint effect, the automatic tolerations, cordoned and not-ready nodes, nodeName,
//! resource fit with existing pods, host ports, misscheduled and deleted pods, and the rollout estimate.

use daemonset::k8s::api::apps::v1::DaemonSet;
use daemonset::k8s::api::core::v1::{Node, Pod};
use daemonset::plan::{self, Inventory, Placement, Reason, Verdict};
use serde_json::{Value, json};

/// A DaemonSet `agent` in namespace `ops` whose pod spec is `spec` plus one container (unless `spec` has some).
fn ds(spec: Value) -> DaemonSet {
    ds_with(spec, json!({}))
}

fn ds_with(mut spec: Value, ds_spec: Value) -> DaemonSet {
    if spec.get("containers").is_none() {
        spec["containers"] = json!([{"name": "c", "image": "i"}]);
    }
    let mut value = json!({
        "apiVersion": "apps/v1", "kind": "DaemonSet",
        "metadata": {"name": "agent", "namespace": "ops"},
        "spec": {
            "selector": {"matchLabels": {"app": "agent"}},
            "template": {"metadata": {"labels": {"app": "agent"}}, "spec": spec}
        }
    });
    if let Value::Object(extra) = ds_spec {
        for (k, v) in extra {
            value["spec"][k] = v;
        }
    }
    serde_json::from_value(value).unwrap()
}

fn node(name: &str, labels: Value, taints: Value) -> Node {
    serde_json::from_value(json!({
        "apiVersion": "v1", "kind": "Node",
        "metadata": {"name": name, "labels": labels},
        "spec": {"taints": taints},
    }))
    .unwrap()
}

fn labelled(labels: Value) -> Node {
    node("n", labels, json!([]))
}

fn tainted(taints: Value) -> Node {
    node("n", json!({}), taints)
}

fn with_allocatable(mut n: Node, allocatable: Value) -> Node {
    n.status = Some(serde_json::from_value(json!({"allocatable": allocatable})).unwrap());
    n
}

fn pod(name: &str, node: &str, spec: Value, meta: Value) -> Pod {
    let mut spec = spec;
    if spec.get("containers").is_none() {
        spec["containers"] = json!([{"name": "c", "image": "i"}]);
    }
    spec["nodeName"] = json!(node);
    let mut metadata = json!({"name": name, "namespace": "ops"});
    if let Value::Object(extra) = meta {
        for (k, v) in extra {
            metadata[k] = v;
        }
    }
    serde_json::from_value(
        json!({"apiVersion": "v1", "kind": "Pod", "metadata": metadata, "spec": spec}),
    )
    .unwrap()
}

fn affinity(terms: Value) -> Value {
    json!({"affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": terms}}}})
}

fn expr(key: &str, operator: &str, values: &[&str]) -> Value {
    json!({"matchExpressions": [{"key": key, "operator": operator, "values": values}]})
}

fn reasons(ds: &DaemonSet, node: &Node) -> Vec<String> {
    plan::reasons(ds, node)
        .iter()
        .map(ToString::to_string)
        .collect()
}

const RUN: Placement = Placement {
    should_run: true,
    should_continue_running: true,
};
const KEEP: Placement = Placement {
    should_run: false,
    should_continue_running: true,
};
const NONE: Placement = Placement {
    should_run: false,
    should_continue_running: false,
};

// ---- nodeSelector ----

#[test]
fn node_selector_matches_a_label_subset() {
    let d = ds(json!({"nodeSelector": {"disk": "ssd"}}));
    assert!(plan::should_run(
        &d,
        &labelled(json!({"disk": "ssd", "zone": "a"}))
    ));
}

#[test]
fn node_selector_mismatch_names_key_wanted_and_actual() {
    let d = ds(json!({"nodeSelector": {"disk": "ssd", "gpu": "yes"}}));
    let n = labelled(json!({"disk": "hdd"}));
    assert_eq!(plan::node_should_run(&d, &n), NONE);
    let r = plan::reasons(&d, &n);
    assert_eq!(r.len(), 2, "every mismatch is reported");
    assert_eq!(
        r[0],
        Reason::NodeSelectorMismatch {
            key: "disk",
            wanted: "ssd",
            actual: Some("hdd")
        }
    );
    assert_eq!(
        r[1],
        Reason::NodeSelectorMismatch {
            key: "gpu",
            wanted: "yes",
            actual: None
        }
    );
    assert_eq!(
        reasons(&d, &n)[1],
        "nodeSelector gpu=yes: node has no label gpu"
    );
}

#[test]
fn node_selector_with_empty_value_needs_the_label() {
    let d = ds(json!({"nodeSelector": {"edge": ""}}));
    assert!(plan::should_run(&d, &labelled(json!({"edge": ""}))));
    assert!(!plan::should_run(&d, &labelled(json!({}))));
}

// ---- required node affinity: operators ----

#[test]
fn affinity_in_and_not_in() {
    let d = ds(affinity(json!([expr("zone", "In", &["a", "b"])])));
    assert!(plan::should_run(&d, &labelled(json!({"zone": "b"}))));
    assert!(!plan::should_run(&d, &labelled(json!({"zone": "c"}))));
    assert!(
        !plan::should_run(&d, &labelled(json!({}))),
        "In needs the label"
    );
    let d = ds(affinity(json!([expr("zone", "NotIn", &["a"])])));
    assert!(plan::should_run(&d, &labelled(json!({"zone": "b"}))));
    assert!(!plan::should_run(&d, &labelled(json!({"zone": "a"}))));
    assert!(
        plan::should_run(&d, &labelled(json!({}))),
        "NotIn matches an absent label"
    );
}

#[test]
fn affinity_exists_and_does_not_exist() {
    let d = ds(affinity(json!([expr("gpu", "Exists", &[])])));
    assert!(plan::should_run(&d, &labelled(json!({"gpu": ""}))));
    assert!(!plan::should_run(&d, &labelled(json!({}))));
    let d = ds(affinity(json!([expr("gpu", "DoesNotExist", &[])])));
    assert!(
        plan::should_run(&d, &labelled(json!({}))),
        "DoesNotExist matches an absent label"
    );
    assert!(!plan::should_run(&d, &labelled(json!({"gpu": "x"}))));
}

#[test]
fn affinity_gt_and_lt_compare_int64() {
    let d = ds(affinity(json!([expr("cores", "Gt", &["8"])])));
    assert!(plan::should_run(&d, &labelled(json!({"cores": "16"}))));
    assert!(!plan::should_run(&d, &labelled(json!({"cores": "8"}))));
    assert!(
        !plan::should_run(&d, &labelled(json!({}))),
        "Gt needs the label"
    );
    assert!(
        !plan::should_run(&d, &labelled(json!({"cores": "many"}))),
        "a non-integer label never matches"
    );
    assert!(
        !plan::should_run(&d, &labelled(json!({"cores": "99999999999999999999"}))),
        "beyond int64"
    );
    let d = ds(affinity(json!([expr("cores", "Lt", &["8"])])));
    assert!(plan::should_run(&d, &labelled(json!({"cores": "4"}))));
    assert!(!plan::should_run(&d, &labelled(json!({"cores": "8"}))));
}

#[test]
fn affinity_gt_with_a_non_integer_value_matches_nothing() {
    for values in [&["eight"][..], &["1.5"], &["1", "2"], &[], &["-1"]] {
        let d = ds(affinity(json!([expr("cores", "Gt", values)])));
        assert!(
            !plan::should_run(&d, &labelled(json!({"cores": "16"}))),
            "{values:?}"
        );
        let text = reasons(&d, &labelled(json!({"cores": "16"})));
        assert!(text[0].contains("is invalid"), "{text:?}");
    }
}

#[test]
fn affinity_invalid_expressions_fail_their_term() {
    // In without values, Exists with values, an unknown operator, a bad key: the term matches no node.
    for e in [
        expr("a", "In", &[]),
        expr("a", "Exists", &["x"]),
        expr("a", "Near", &["x"]),
        expr("bad key", "Exists", &[]),
    ] {
        let d = ds(affinity(json!([e])));
        assert!(!plan::should_run(&d, &labelled(json!({"a": "x"}))), "{e}");
    }
}

#[test]
fn affinity_match_fields_metadata_name() {
    let fields = |op: &str, values: &[&str]| json!({"matchFields": [{"key": "metadata.name", "operator": op, "values": values}]});
    let d = ds(affinity(json!([fields("In", &["n"])])));
    assert!(plan::should_run(&d, &labelled(json!({}))));
    assert!(!plan::should_run(&d, &node("m", json!({}), json!([]))));
    let d = ds(affinity(json!([fields("NotIn", &["n"])])));
    assert!(!plan::should_run(&d, &labelled(json!({}))));
    assert!(plan::should_run(&d, &node("m", json!({}), json!([]))));
    // Exactly one value, and only In/NotIn.
    let d = ds(affinity(json!([fields("In", &["n", "m"])])));
    assert!(!plan::should_run(&d, &labelled(json!({}))));
    let d = ds(affinity(json!([fields("Exists", &[])])));
    assert!(!plan::should_run(&d, &labelled(json!({}))));
    // Another field reads as "" (In fails, NotIn matches).
    let other = |op: &str| json!([{"matchFields": [{"key": "spec.unschedulable", "operator": op, "values": ["x"]}]}]);
    assert!(!plan::should_run(
        &ds(affinity(other("In"))),
        &labelled(json!({}))
    ));
    assert!(plan::should_run(
        &ds(affinity(other("NotIn"))),
        &labelled(json!({}))
    ));
}

#[test]
fn affinity_terms_are_ored_and_expressions_anded() {
    let d = ds(affinity(json!([
        {"matchExpressions": [
            {"key": "zone", "operator": "In", "values": ["a"]},
            {"key": "disk", "operator": "In", "values": ["ssd"]},
        ]},
        expr("gpu", "Exists", &[]),
    ])));
    assert!(
        plan::should_run(&d, &labelled(json!({"zone": "a", "disk": "ssd"}))),
        "term 0"
    );
    assert!(
        plan::should_run(&d, &labelled(json!({"gpu": "1"}))),
        "term 1"
    );
    let n = labelled(json!({"zone": "a", "disk": "hdd"}));
    assert!(!plan::should_run(&d, &n), "term 0 needs both expressions");
    let Reason::AffinityTermsNotMatched { terms } = &plan::reasons(&d, &n)[0] else {
        panic!()
    };
    assert_eq!(terms.len(), 2);
    assert_eq!(
        (terms[0].term, terms[0].expression.index),
        (0, 1),
        "first failing expression of term 0"
    );
    assert_eq!(terms[0].expression.actual, Some("hdd"));
    assert_eq!(
        reasons(&d, &n)[0],
        "required node affinity not matched: term 0: disk In [ssd]: node label is \"hdd\"; term 1: gpu Exists: node has no such label"
    );
}

#[test]
fn affinity_empty_terms_match_nothing() {
    let d = ds(affinity(json!([{}])));
    assert!(!plan::should_run(&d, &labelled(json!({}))));
    assert_eq!(
        reasons(&d, &labelled(json!({})))[0],
        "required node affinity has no non-empty term: it matches no node"
    );
    let d = ds(affinity(json!([{}, expr("a", "Exists", &[])])));
    assert!(
        plan::should_run(&d, &labelled(json!({"a": "1"}))),
        "empty terms are skipped"
    );
}

#[test]
fn affinity_and_node_selector_both_apply() {
    let mut spec = affinity(json!([expr("zone", "In", &["a"])]));
    spec["nodeSelector"] = json!({"disk": "ssd"});
    let d = ds(spec);
    assert!(plan::should_run(
        &d,
        &labelled(json!({"zone": "a", "disk": "ssd"}))
    ));
    assert!(!plan::should_run(&d, &labelled(json!({"zone": "a"}))));
    assert!(!plan::should_run(&d, &labelled(json!({"disk": "ssd"}))));
}

#[test]
fn preferred_affinity_is_ignored() {
    let d = ds(
        json!({"affinity": {"nodeAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
            {"weight": 1, "preference": expr("zone", "In", &["a"])}
        ]}}}),
    );
    assert!(plan::should_run(&d, &labelled(json!({"zone": "b"}))));
}

// ---- taints and tolerations ----

fn taint(key: &str, value: &str, effect: &str) -> Value {
    json!({"key": key, "value": value, "effect": effect})
}

#[test]
fn each_toleration_form_against_each_effect() {
    let forms: [(&str, Value); 7] = [
        ("exists-any", json!({"operator": "Exists"})),
        ("exists-key", json!({"key": "k", "operator": "Exists"})),
        (
            "equal-value",
            json!({"key": "k", "operator": "Equal", "value": "v"}),
        ),
        ("empty-operator", json!({"key": "k", "value": "v"})),
        (
            "equal-other-value",
            json!({"key": "k", "operator": "Equal", "value": "w"}),
        ),
        (
            "exists-noschedule",
            json!({"key": "k", "operator": "Exists", "effect": "NoSchedule"}),
        ),
        (
            "exists-noexecute",
            json!({"key": "k", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 30}),
        ),
    ];
    // Expected placement per effect: NoSchedule, NoExecute, PreferNoSchedule.
    let expected = [
        ("exists-any", [RUN, RUN, RUN]),
        ("exists-key", [RUN, RUN, RUN]),
        ("equal-value", [RUN, RUN, RUN]),
        ("empty-operator", [RUN, RUN, RUN]),
        ("equal-other-value", [KEEP, NONE, RUN]),
        ("exists-noschedule", [RUN, NONE, RUN]),
        ("exists-noexecute", [KEEP, RUN, RUN]),
    ];
    for ((name, toleration), (name2, want)) in forms.iter().zip(expected) {
        assert_eq!(*name, name2);
        let d = ds(json!({"tolerations": [toleration]}));
        for (effect, want) in ["NoSchedule", "NoExecute", "PreferNoSchedule"]
            .iter()
            .zip(want)
        {
            let n = tainted(json!([taint("k", "v", effect)]));
            assert_eq!(plan::node_should_run(&d, &n), want, "{name} vs {effect}");
        }
    }
}

#[test]
fn untolerated_taints_are_all_reported() {
    let d = ds(json!({}));
    let n = tainted(json!([
        taint("a", "1", "NoSchedule"),
        taint("b", "", "NoExecute"),
        taint("c", "x", "PreferNoSchedule")
    ]));
    assert_eq!(
        reasons(&d, &n),
        [
            "untolerated taint a=1:NoSchedule",
            "untolerated taint b:NoExecute"
        ]
    );
}

#[test]
fn equal_with_empty_key_matches_empty_values_only() {
    // ToleratesTaint skips the key check for an empty key: Equal "" tolerates any taint with an empty value.
    let d = ds(json!({"tolerations": [{"operator": "Equal", "value": ""}]}));
    assert!(plan::should_run(
        &d,
        &tainted(json!([taint("anything", "", "NoSchedule")]))
    ));
    assert!(!plan::should_run(
        &d,
        &tainted(json!([taint("anything", "v", "NoSchedule")]))
    ));
}

#[test]
fn unsupported_toleration_operators_tolerate_nothing() {
    let d = ds(json!({"tolerations": [{"key": "k", "operator": "Lt", "value": "5"}]}));
    assert!(!plan::should_run(
        &d,
        &tainted(json!([taint("k", "9", "NoSchedule")]))
    ));
}

#[test]
fn automatic_tolerations_cover_node_conditions() {
    let d = ds(json!({}));
    // AddOrUpdateDaemonPodTolerations (pkg/controller/daemon/util/daemonset_util.go).
    for (key, effect) in [
        ("node.kubernetes.io/not-ready", "NoExecute"),
        ("node.kubernetes.io/unreachable", "NoExecute"),
        ("node.kubernetes.io/disk-pressure", "NoSchedule"),
        ("node.kubernetes.io/memory-pressure", "NoSchedule"),
        ("node.kubernetes.io/pid-pressure", "NoSchedule"),
        ("node.kubernetes.io/unschedulable", "NoSchedule"),
    ] {
        assert!(
            plan::should_run(&d, &tainted(json!([taint(key, "", effect)]))),
            "{key}:{effect}"
        );
    }
}

#[test]
fn network_unavailable_is_tolerated_only_with_host_network() {
    let n = tainted(json!([taint(
        "node.kubernetes.io/network-unavailable",
        "",
        "NoSchedule"
    )]));
    assert!(!plan::should_run(&ds(json!({})), &n));
    assert!(plan::should_run(&ds(json!({"hostNetwork": true})), &n));
}

#[test]
fn not_ready_and_unreachable_no_schedule_taints_are_not_covered() {
    let d = ds(json!({}));
    for key in [
        "node.kubernetes.io/not-ready",
        "node.kubernetes.io/unreachable",
    ] {
        let n = tainted(json!([
            taint(key, "", "NoSchedule"),
            taint(key, "", "NoExecute")
        ]));
        assert_eq!(
            plan::node_should_run(&d, &n),
            KEEP,
            "{key}: new pods stay away, existing ones keep running"
        );
        assert_eq!(
            reasons(&d, &n),
            [format!("untolerated taint {key}:NoSchedule")]
        );
    }
    let d = ds(
        json!({"tolerations": [{"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoSchedule"}]}),
    );
    assert!(plan::should_run(
        &d,
        &tainted(json!([taint(
            "node.kubernetes.io/not-ready",
            "",
            "NoSchedule"
        )]))
    ));
}

#[test]
fn cordoned_nodes_still_run_daemon_pods() {
    let d = ds(json!({}));
    let mut n = tainted(json!([taint(
        "node.kubernetes.io/unschedulable",
        "",
        "NoSchedule"
    )]));
    n.spec.as_mut().unwrap().unschedulable = Some(true);
    assert!(plan::should_run(&d, &n));
}

#[test]
fn disk_pressure_no_execute_is_not_covered() {
    // The automatic tolerations name an effect: disk-pressure is tolerated for NoSchedule only.
    let d = ds(json!({}));
    assert_eq!(
        plan::node_should_run(
            &d,
            &tainted(json!([taint(
                "node.kubernetes.io/disk-pressure",
                "",
                "NoExecute"
            )]))
        ),
        NONE
    );
}

// ---- nodeName ----

#[test]
fn node_name_pins_the_pod() {
    let d = ds(json!({"nodeName": "n"}));
    assert!(plan::should_run(&d, &labelled(json!({}))));
    let other = node("m", json!({}), json!([]));
    assert_eq!(plan::node_should_run(&d, &other), NONE);
    assert_eq!(
        plan::reasons(&d, &other),
        [Reason::NodeNamePinnedElsewhere { pinned: "n" }]
    );
    assert_eq!(
        plan::desired_nodes(&d, &[labelled(json!({})), other]),
        ["n"]
    );
}

// ---- resources ----

fn requests(cpu: &str, memory: &str) -> Value {
    json!({"containers": [{"name": "c", "image": "i", "resources": {"requests": {"cpu": cpu, "memory": memory}}}]})
}

fn verdict(d: &DaemonSet, nodes: &[Node], pods: &[Pod]) -> (Verdict, Vec<String>) {
    let p = Inventory::new(nodes, pods).plan(d);
    (
        p.nodes[0].verdict,
        p.nodes[0].reasons.iter().map(ToString::to_string).collect(),
    )
}

#[test]
fn resources_fit_allocatable_minus_existing_pods() {
    let n = with_allocatable(
        labelled(json!({})),
        json!({"cpu": "1", "memory": "1Gi", "pods": "10"}),
    );
    let d = ds(requests("300m", "256Mi"));
    assert_eq!(verdict(&d, std::slice::from_ref(&n), &[]).0, Verdict::Runs);
    let busy = pod(
        "busy",
        "n",
        requests("800m", "512Mi"),
        json!({"namespace": "other"}),
    );
    let (v, r) = verdict(&d, std::slice::from_ref(&n), std::slice::from_ref(&busy));
    assert_eq!(v, Verdict::Pending);
    assert_eq!(
        r,
        ["insufficient cpu: requests 300m, 200m free of 1 allocatable"]
    );
    let hungry = pod(
        "hungry",
        "n",
        requests("0", "900Mi"),
        json!({"namespace": "other"}),
    );
    let (v, r) = verdict(&d, std::slice::from_ref(&n), &[busy, hungry]);
    assert_eq!(v, Verdict::Pending);
    assert_eq!(r.len(), 2, "{r:?}");
    assert!(
        r[1].starts_with("insufficient memory: requests 256Mi, -388Mi free"),
        "{r:?}"
    );
}

#[test]
fn pods_capacity_counts() {
    let n = with_allocatable(
        labelled(json!({})),
        json!({"cpu": "1", "memory": "1Gi", "pods": "1"}),
    );
    let other = pod("other", "n", json!({}), json!({}));
    let (v, r) = verdict(&ds(json!({})), &[n], &[other]);
    assert_eq!(v, Verdict::Pending);
    assert_eq!(r, ["too many pods: node allows 1, all taken"]);
}

#[test]
fn ephemeral_storage_and_extended_resources() {
    let n = with_allocatable(
        labelled(json!({})),
        json!({"cpu": "1", "memory": "1Gi", "pods": "10", "ephemeral-storage": "1Gi"}),
    );
    let spec = json!({"containers": [{"name": "c", "image": "i", "resources": {"requests": {"ephemeral-storage": "2Gi"}}}]});
    assert_eq!(
        verdict(&ds(spec), std::slice::from_ref(&n), &[]).1,
        ["insufficient ephemeral-storage: requests 2Gi, 1Gi free of 1Gi allocatable"]
    );
    // An extended resource the node does not offer leaves the pod Pending; limits alone count as requests.
    let spec = json!({"containers": [{"name": "c", "image": "i", "resources": {"limits": {"nvidia.com/gpu": "1"}}}]});
    assert_eq!(
        verdict(&ds(spec.clone()), std::slice::from_ref(&n), &[]).1,
        ["insufficient nvidia.com/gpu: requests 1, 0 free of 0 allocatable"]
    );
    let gpu = with_allocatable(
        labelled(json!({})),
        json!({"pods": "10", "nvidia.com/gpu": "2"}),
    );
    assert_eq!(verdict(&ds(spec), &[gpu], &[]).0, Verdict::Runs);
}

#[test]
fn init_containers_sidecars_and_overhead() {
    let n = with_allocatable(
        labelled(json!({})),
        json!({"cpu": "1", "memory": "1Gi", "pods": "10"}),
    );
    let c = |name: &str, cpu: &str| json!({"name": name, "image": "i", "resources": {"requests": {"cpu": cpu}}});
    // Regular init containers count as a maximum: max(300m, 900m) = 900m fits.
    let mut init = c("init", "900m");
    let spec = json!({"containers": [c("a", "300m")], "initContainers": [init.clone()]});
    assert_eq!(
        verdict(&ds(spec), std::slice::from_ref(&n), &[]).0,
        Verdict::Runs
    );
    // A sidecar (restartPolicy Always) adds up: 300m + 800m > 1.
    init["restartPolicy"] = json!("Always");
    init["resources"]["requests"]["cpu"] = json!("800m");
    let spec = json!({"containers": [c("a", "300m")], "initContainers": [init]});
    assert_eq!(
        verdict(&ds(spec), std::slice::from_ref(&n), &[]).1,
        ["insufficient cpu: requests 1100m, 1 free of 1 allocatable"]
    );
    // Overhead is added.
    let spec = json!({"containers": [c("a", "900m")], "overhead": {"cpu": "200m"}});
    assert_eq!(verdict(&ds(spec), &[n], &[]).0, Verdict::Pending);
}

#[test]
fn finished_pods_and_the_daemon_sets_own_pod_hold_nothing() {
    let n = with_allocatable(
        labelled(json!({})),
        json!({"cpu": "1", "memory": "1Gi", "pods": "10"}),
    );
    let d = ds(requests("600m", "100Mi"));
    let mut done = pod(
        "done",
        "n",
        requests("1", "1Gi"),
        json!({"namespace": "other"}),
    );
    done.status = Some(serde_json::from_value(json!({"phase": "Succeeded"})).unwrap());
    // The DaemonSet's current pod is replaced by the new one: its requests do not count against it.
    let own = pod(
        "agent-x",
        "n",
        requests("600m", "100Mi"),
        json!({"labels": {"app": "agent"}}),
    );
    let pods = [done, own];
    let p = Inventory::new(std::slice::from_ref(&n), &pods).plan(&d);
    assert_eq!(p.nodes[0].verdict, Verdict::Runs);
    assert_eq!(p.nodes[0].existing.len(), 1);
}

#[test]
fn nodes_without_allocatable_are_not_checked() {
    let (v, _) = verdict(&ds(requests("64", "1Ti")), &[labelled(json!({}))], &[]);
    assert_eq!(v, Verdict::Runs);
}

// ---- host ports ----

fn port_spec(port: i32, protocol: &str, host_ip: &str) -> Value {
    json!({"containers": [{"name": "c", "image": "i", "ports": [{"containerPort": port, "hostPort": port, "protocol": protocol, "hostIP": host_ip}]}]})
}

#[test]
fn host_port_conflicts() {
    let n = labelled(json!({}));
    let cases = [
        // (wanted, used, conflict)
        ((9100, "TCP", ""), (9100, "TCP", ""), true),
        ((9100, "TCP", ""), (9100, "UDP", ""), false),
        ((9100, "TCP", ""), (9101, "TCP", ""), false),
        ((9100, "TCP", "10.0.0.1"), (9100, "TCP", "10.0.0.2"), false),
        ((9100, "TCP", "10.0.0.1"), (9100, "TCP", "0.0.0.0"), true),
        ((9100, "TCP", ""), (9100, "TCP", "10.0.0.2"), true),
    ];
    for (want, used, conflict) in cases {
        let d = ds(port_spec(want.0, want.1, want.2));
        let other = pod(
            "other",
            "n",
            port_spec(used.0, used.1, used.2),
            json!({"namespace": "kube-system"}),
        );
        let (v, r) = verdict(&d, std::slice::from_ref(&n), &[other]);
        assert_eq!(
            v == Verdict::Pending,
            conflict,
            "{want:?} vs {used:?}: {r:?}"
        );
    }
}

#[test]
fn host_network_ports_default_to_host_ports() {
    let n = labelled(json!({}));
    let d = ds(
        json!({"hostNetwork": true, "containers": [{"name": "c", "image": "i", "ports": [{"containerPort": 53, "protocol": "UDP"}]}]}),
    );
    let other = pod(
        "dns",
        "n",
        port_spec(53, "UDP", ""),
        json!({"namespace": "kube-system"}),
    );
    let (v, r) = verdict(&d, &[n], &[other]);
    assert_eq!(v, Verdict::Pending);
    assert_eq!(r, ["host port 53/UDP taken by pod kube-system/dns"]);
}

// ---- existing pods: misscheduled, deleted, ownership ----

fn owned(name: &str, node: &str) -> Pod {
    pod(
        name,
        node,
        json!({}),
        json!({"ownerReferences": [{"apiVersion": "apps/v1", "kind": "DaemonSet", "name": "agent", "uid": "u1", "controller": true}]}),
    )
}

#[test]
fn existing_pod_with_new_no_schedule_taint_keeps_running_misscheduled() {
    let n = tainted(json!([taint("maintenance", "soon", "NoSchedule")]));
    let (pods, d) = ([owned("agent-1", "n")], ds(json!({})));
    let p = Inventory::new(std::slice::from_ref(&n), &pods).plan(&d);
    assert_eq!(p.nodes[0].verdict, Verdict::Misscheduled);
    assert!(!p.nodes[0].runs());
    assert_eq!(p.desired, 0);
}

#[test]
fn existing_pod_with_untolerated_no_execute_taint_is_deleted() {
    let n = tainted(json!([taint("maintenance", "now", "NoExecute")]));
    let (pods, d) = ([owned("agent-1", "n")], ds(json!({})));
    let p = Inventory::new(std::slice::from_ref(&n), &pods).plan(&d);
    assert_eq!(p.nodes[0].verdict, Verdict::Deleted);
    // And a selector mismatch deletes it too.
    let d = ds(json!({"nodeSelector": {"disk": "ssd"}}));
    let nodes = [labelled(json!({}))];
    let p = Inventory::new(&nodes, &pods).plan(&d);
    assert_eq!(p.nodes[0].verdict, Verdict::Deleted);
}

#[test]
fn ownership_by_controller_reference_or_adoption() {
    let n = tainted(json!([taint("maintenance", "soon", "NoSchedule")]));
    let d = ds(json!({}));
    let check = |pods: &[Pod]| {
        Inventory::new(std::slice::from_ref(&n), pods)
            .plan(&d)
            .nodes[0]
            .verdict
    };
    // An orphan with the selector's labels is adopted.
    assert_eq!(
        check(&[pod(
            "orphan",
            "n",
            json!({}),
            json!({"labels": {"app": "agent"}})
        )]),
        Verdict::Misscheduled
    );
    // Another namespace, another controller, or no matching labels: not ours.
    assert_eq!(
        check(&[pod(
            "x",
            "n",
            json!({}),
            json!({"namespace": "else", "labels": {"app": "agent"}})
        )]),
        Verdict::NotScheduled
    );
    let foreign = json!({"labels": {"app": "agent"}, "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "agent", "uid": "u2", "controller": true}]});
    assert_eq!(
        check(&[pod("x", "n", json!({}), foreign)]),
        Verdict::NotScheduled
    );
    assert_eq!(
        check(&[pod(
            "x",
            "n",
            json!({}),
            json!({"labels": {"app": "other"}})
        )]),
        Verdict::NotScheduled
    );
    // A pod not yet bound but pinned through matchFields is on its target node.
    let mut pinned = owned("agent-p", "n");
    let spec = pinned.spec.as_mut().unwrap();
    spec.node_name = None;
    spec.affinity = serde_json::from_value(
        affinity(
            json!([{"matchFields": [{"key": "metadata.name", "operator": "In", "values": ["n"]}]}]),
        )["affinity"]
            .clone(),
    )
    .unwrap();
    assert_eq!(plan::target_node(&pinned), Some("n"));
    assert_eq!(check(&[pinned]), Verdict::Misscheduled);
}

// ---- rollout ----

fn rollout(strategy: Value, desired: usize) -> plan::Rollout {
    plan::Rollout::estimate(
        &ds_with(json!({}), json!({"updateStrategy": strategy})),
        desired,
        0,
    )
}

#[test]
fn rollout_budgets() {
    let r = plan::Rollout::estimate(&ds(json!({})), 7, 0);
    assert_eq!(
        (r.max_unavailable, r.max_surge, r.pods_per_wave, r.waves),
        (1, 0, 1, 7),
        "server defaults"
    );
    let r = rollout(
        json!({"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "25%"}}),
        10,
    );
    assert_eq!(
        (r.max_unavailable, r.pods_per_wave, r.waves),
        (3, 3, 4),
        "percentages round up"
    );
    let r = rollout(
        json!({"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 0, "maxSurge": 0}}),
        5,
    );
    assert_eq!(
        (r.max_unavailable, r.waves),
        (1, 5),
        "both zero means maxUnavailable 1"
    );
    let r = rollout(
        json!({"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 0, "maxSurge": "10%"}}),
        25,
    );
    assert_eq!((r.max_surge, r.pods_per_wave, r.waves), (3, 3, 9));
    let r = rollout(
        json!({"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 50}}),
        10,
    );
    assert_eq!(
        (r.pods_per_wave, r.waves),
        (10, 1),
        "a budget above desired replaces all at once"
    );
    let r = rollout(json!({"type": "OnDelete"}), 10);
    assert_eq!((r.strategy.as_str(), r.waves), ("OnDelete", 0));
    let r = rollout(json!({"type": "RollingUpdate"}), 0);
    assert_eq!((r.pods_per_wave, r.waves), (0, 0));
    let r = rollout(
        json!({"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "3"}}),
        4,
    );
    assert!(r.notes[0].contains("not a percentage"), "{:?}", r.notes);
    assert_eq!(
        r.max_unavailable, 1,
        "an invalid budget reads as 0, then the both-zero rule applies"
    );
}

#[test]
fn rollout_notes_surge_with_host_ports() {
    let d = ds_with(
        port_spec(9100, "TCP", ""),
        json!({"updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 0, "maxSurge": 1}}}),
    );
    let r = plan::Rollout::estimate(&d, 3, 0);
    assert!(
        r.notes[0].contains("surge pod cannot start"),
        "{:?}",
        r.notes
    );
}
