//! Property test: the planner's fast path agrees with the straightforward reference implementation
//! (`plan_reference.rs`) on random nodes (labels, taints of every effect) and random DaemonSets (nodeSelector, every
//! affinity operator including invalid ones, matchFields, every toleration form, hostNetwork, nodeName).

#[path = "plan_reference.rs"]
mod reference;

use daemonset::k8s::api::apps::v1::DaemonSet;
use daemonset::k8s::api::core::v1::Node;
use daemonset::plan::{self, Inventory};
use proptest::prelude::*;
use serde_json::{Value, json};

const NODES: usize = 6;
const LABEL_KEYS: &[&str] = &["zone", "arch", "disk", "gpu", "cores", "example.com/team"];
const LABEL_VALUES: &[&str] = &["a", "b", "c", "1", "8", "16", "x", ""];
const EXPR_KEYS: &[&str] = &[
    "zone",
    "arch",
    "disk",
    "gpu",
    "cores",
    "example.com/team",
    "bad key",
];
const EXPR_VALUES: &[&str] = &["a", "b", "1", "8", "16", "x", "-1", "bad value!", ""];
const OPERATORS: &[&str] = &["In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt", "Bogus"];
const TAINT_KEYS: &[&str] = &[
    "dedicated",
    "gpu",
    "maintenance",
    "node.kubernetes.io/not-ready",
    "node.kubernetes.io/unreachable",
    "node.kubernetes.io/network-unavailable",
    "node.kubernetes.io/unschedulable",
    "node.kubernetes.io/disk-pressure",
    "node.kubernetes.io/memory-pressure",
];
const TAINT_VALUES: &[&str] = &["", "a", "b"];
const EFFECTS: &[&str] = &["NoSchedule", "NoExecute", "PreferNoSchedule"];

fn pick(pool: &'static [&'static str]) -> impl Strategy<Value = &'static str> {
    proptest::sample::select(pool)
}

fn node(index: usize) -> impl Strategy<Value = Node> {
    let labels = proptest::collection::btree_map(pick(LABEL_KEYS), pick(LABEL_VALUES), 0..5);
    let taints =
        proptest::collection::vec((pick(TAINT_KEYS), pick(TAINT_VALUES), pick(EFFECTS)), 0..4);
    (labels, taints).prop_map(move |(labels, taints)| {
        let taints: Vec<Value> = taints
            .into_iter()
            .map(|(k, v, e)| json!({"key": k, "value": v, "effect": e}))
            .collect();
        serde_json::from_value(json!({
            "apiVersion": "v1", "kind": "Node",
            "metadata": {"name": format!("n{index}"), "labels": labels},
            "spec": {"taints": taints},
        }))
        .unwrap()
    })
}

fn nodes() -> impl Strategy<Value = Vec<Node>> {
    (0..NODES).map(node).collect::<Vec<_>>()
}

fn expression() -> impl Strategy<Value = Value> {
    (
        pick(EXPR_KEYS),
        pick(OPERATORS),
        proptest::collection::vec(pick(EXPR_VALUES), 0..3),
    )
        .prop_map(
            |(key, operator, values)| json!({"key": key, "operator": operator, "values": values}),
        )
}

fn field() -> impl Strategy<Value = Value> {
    let names: Vec<String> = (0..NODES).map(|i| format!("n{i}")).collect();
    (
        pick(&["metadata.name", "metadata.name", "spec.unschedulable"]),
        pick(&["In", "NotIn", "Exists"]),
        proptest::collection::vec(proptest::sample::select(names), 0..3),
    )
        .prop_map(
            |(key, operator, values)| json!({"key": key, "operator": operator, "values": values}),
        )
}

fn term() -> impl Strategy<Value = Value> {
    (
        proptest::collection::vec(expression(), 0..3),
        proptest::collection::vec(field(), 0..2),
    )
        .prop_map(|(e, f)| json!({"matchExpressions": e, "matchFields": f}))
}

fn toleration() -> impl Strategy<Value = Value> {
    (
        proptest::option::of(pick(TAINT_KEYS)),
        proptest::option::of(pick(&["Exists", "Equal", "", "Lt"])),
        proptest::option::of(pick(TAINT_VALUES)),
        proptest::option::of(pick(&["", "NoSchedule", "NoExecute", "PreferNoSchedule"])),
        proptest::option::of(0i64..600),
    )
        .prop_map(|(key, operator, value, effect, seconds)| {
            json!({"key": key, "operator": operator, "value": value, "effect": effect, "tolerationSeconds": seconds})
        })
}

fn daemon_set() -> impl Strategy<Value = DaemonSet> {
    (
        proptest::collection::btree_map(pick(LABEL_KEYS), pick(LABEL_VALUES), 0..2),
        proptest::option::of(proptest::collection::vec(term(), 0..3)),
        proptest::collection::vec(toleration(), 0..4),
        any::<bool>(),
        proptest::option::of(0..NODES + 1),
    )
        .prop_map(|(selector, terms, tolerations, host_network, node_name)| {
            let mut spec = json!({
                "containers": [{"name": "c", "image": "i"}],
                "nodeSelector": selector,
                "tolerations": tolerations,
                "hostNetwork": host_network,
            });
            if let Some(terms) = terms {
                spec["affinity"] =
                    json!({"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": terms}}});
            }
            if let Some(i) = node_name {
                spec["nodeName"] = json!(format!("n{i}"));
            }
            serde_json::from_value(json!({
                "apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "d"},
                "spec": {"selector": {"matchLabels": {"a": "b"}}, "template": {"metadata": {"labels": {"a": "b"}}, "spec": spec}},
            }))
            .unwrap()
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn fast_path_agrees_with_the_reference(ds in daemon_set(), nodes in nodes()) {
        for node in &nodes {
            let fast = plan::node_should_run(&ds, node);
            let (should_run, keeps) = reference::node_should_run(&ds, node);
            prop_assert_eq!((fast.should_run, fast.should_continue_running), (should_run, keeps), "node {:?}", node);
            // Reasons are complete: empty exactly when the pod should run.
            prop_assert_eq!(plan::reasons(&ds, node).is_empty(), should_run);
        }
        let planned = Inventory::new(&nodes, &[]).plan(&ds);
        let desired: Vec<String> = planned.nodes.iter().filter(|n| n.runs()).map(|n| n.name().to_owned()).collect();
        prop_assert_eq!(&desired, &reference::desired_nodes(&ds, &nodes));
        prop_assert_eq!(planned.desired, desired.len());
        prop_assert_eq!(plan::desired_nodes(&ds, &nodes), desired);
    }
}
