//! A straightforward reference implementation of `NodeShouldRunDaemonPod`, transcribed from the Kubernetes source
//! with no precomputation: it copies the pod spec, adds the automatic tolerations the way
//! `AddOrUpdateDaemonPodTolerations` does, and evaluates every rule on the raw objects. The property test
//! (`plan_proptest.rs`) checks the fast planner against it, and the bench uses it as its baseline.
//!
//! Included with `#[path]` by the property test and the bench; compiled on its own it checks itself on the fixture.

#![allow(dead_code)]

use daemonset::k8s::api::apps::v1::DaemonSet;
use daemonset::k8s::api::core::v1::{Node, NodeSelectorRequirement, PodSpec, Taint, Toleration};

/// `(shouldRun, shouldContinueRunning)`.
pub fn node_should_run(ds: &DaemonSet, node: &Node) -> (bool, bool) {
    let mut spec: PodSpec = ds
        .spec
        .as_ref()
        .and_then(|s| s.template.spec.clone())
        .unwrap_or_default();
    let node_name = node.metadata.name.clone().unwrap_or_default();
    if let Some(pinned) = spec.node_name.as_deref()
        && !pinned.is_empty()
        && pinned != node_name
    {
        return (false, false);
    }
    spec.node_name = Some(node_name.clone());
    add_daemon_tolerations(&mut spec);
    let taints = node
        .spec
        .as_ref()
        .and_then(|s| s.taints.clone())
        .unwrap_or_default();
    if !required_affinity_matches(&spec, node) {
        return (false, false);
    }
    let tolerations = spec.tolerations.clone().unwrap_or_default();
    let untolerated = |filter: &dyn Fn(&Taint) -> bool| {
        taints
            .iter()
            .filter(|t| filter(t))
            .any(|t| !tolerations.iter().any(|tol| tolerates(tol, t)))
    };
    if untolerated(&|t| t.effect == "NoExecute" || t.effect == "NoSchedule") {
        return (false, !untolerated(&|t| t.effect == "NoExecute"));
    }
    (true, true)
}

fn add_or_update(spec: &mut PodSpec, toleration: Toleration) {
    let tolerations = spec.tolerations.get_or_insert_with(Vec::new);
    let same = |t: &Toleration| {
        t.key == toleration.key
            && t.effect == toleration.effect
            && t.operator == toleration.operator
            && t.value == toleration.value
    };
    match tolerations.iter_mut().find(|t| same(t)) {
        Some(existing) => *existing = toleration,
        None => tolerations.push(toleration),
    }
}

fn add_daemon_tolerations(spec: &mut PodSpec) {
    let mut list = vec![
        ("node.kubernetes.io/not-ready", "NoExecute"),
        ("node.kubernetes.io/unreachable", "NoExecute"),
        ("node.kubernetes.io/disk-pressure", "NoSchedule"),
        ("node.kubernetes.io/memory-pressure", "NoSchedule"),
        ("node.kubernetes.io/pid-pressure", "NoSchedule"),
        ("node.kubernetes.io/unschedulable", "NoSchedule"),
    ];
    if spec.host_network == Some(true) {
        list.push(("node.kubernetes.io/network-unavailable", "NoSchedule"));
    }
    for (key, effect) in list {
        add_or_update(
            spec,
            Toleration {
                key: Some(key.into()),
                operator: Some("Exists".into()),
                effect: Some(effect.into()),
                ..Toleration::default()
            },
        );
    }
}

fn tolerates(t: &Toleration, taint: &Taint) -> bool {
    let effect = t.effect.clone().unwrap_or_default();
    if !effect.is_empty() && effect != taint.effect {
        return false;
    }
    let key = t.key.clone().unwrap_or_default();
    if !key.is_empty() && key != taint.key {
        return false;
    }
    match t.operator.clone().unwrap_or_default().as_str() {
        "" | "Equal" => {
            t.value.clone().unwrap_or_default() == taint.value.clone().unwrap_or_default()
        }
        "Exists" => true,
        _ => false,
    }
}

fn required_affinity_matches(spec: &PodSpec, node: &Node) -> bool {
    let labels = node.metadata.labels.clone().unwrap_or_default();
    if let Some(selector) = &spec.node_selector {
        for (k, v) in selector {
            if labels.get(k) != Some(v) {
                return false;
            }
        }
    }
    let Some(required) = spec
        .affinity
        .as_ref()
        .and_then(|a| a.node_affinity.as_ref())
        .and_then(|n| {
            n.required_during_scheduling_ignored_during_execution
                .as_ref()
        })
    else {
        return true;
    };
    let name = node.metadata.name.clone().unwrap_or_default();
    for term in &required.node_selector_terms {
        let exprs = term.match_expressions.clone().unwrap_or_default();
        let fields = term.match_fields.clone().unwrap_or_default();
        if exprs.is_empty() && fields.is_empty() {
            continue;
        }
        // Parse everything first: any error makes the term match nothing.
        if exprs.iter().any(|e| !label_requirement_valid(e))
            || fields.iter().any(|e| !field_requirement_valid(e))
        {
            continue;
        }
        let labels_ok = exprs.iter().all(|e| label_requirement_matches(e, &labels));
        let fields_ok = name.is_empty()
            || fields.iter().all(|e| {
                let actual = if e.key == "metadata.name" {
                    name.clone()
                } else {
                    String::new()
                };
                let value = e.values.clone().unwrap_or_default()[0].clone();
                if e.operator == "In" {
                    actual == value
                } else {
                    actual != value
                }
            });
        if labels_ok && fields_ok {
            return true;
        }
    }
    false
}

fn label_requirement_valid(e: &NodeSelectorRequirement) -> bool {
    let values = e.values.clone().unwrap_or_default();
    if !daemonset::rules::name::qualified_name(&e.key).is_empty() {
        return false;
    }
    let ok = match e.operator.as_str() {
        "In" | "NotIn" => !values.is_empty(),
        "Exists" | "DoesNotExist" => values.is_empty(),
        "Gt" | "Lt" => values.len() == 1 && values[0].parse::<i64>().is_ok(),
        _ => false,
    };
    ok && values
        .iter()
        .all(|v| daemonset::rules::name::label_value(v).is_empty())
}

fn field_requirement_valid(e: &NodeSelectorRequirement) -> bool {
    matches!(e.operator.as_str(), "In" | "NotIn") && e.values.as_ref().is_some_and(|v| v.len() == 1)
}

fn label_requirement_matches(
    e: &NodeSelectorRequirement,
    labels: &std::collections::BTreeMap<String, String>,
) -> bool {
    let values = e.values.clone().unwrap_or_default();
    let actual = labels.get(&e.key);
    match e.operator.as_str() {
        "In" => actual.is_some_and(|a| values.contains(a)),
        "NotIn" => actual.is_none_or(|a| !values.contains(a)),
        "Exists" => actual.is_some(),
        "DoesNotExist" => actual.is_none(),
        "Gt" | "Lt" => {
            let Some(Ok(a)) = actual.map(|a| a.parse::<i64>()) else {
                return false;
            };
            let v: i64 = values[0].parse().unwrap();
            if e.operator == "Gt" { a > v } else { a < v }
        }
        _ => false,
    }
}

/// The names of the nodes where the reference wants a pod.
pub fn desired_nodes(ds: &DaemonSet, nodes: &[Node]) -> Vec<String> {
    nodes
        .iter()
        .filter(|n| node_should_run(ds, n).0)
        .map(|n| n.metadata.name.clone().unwrap_or_default())
        .collect()
}

#[test]
fn reference_agrees_on_the_fixture() {
    let read = |name: &str| {
        std::fs::read_to_string(format!(
            "{}/tests/fixtures/plan/{name}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap()
    };
    let ds: DaemonSet = daemonset::parse::from_yaml(&read("daemonset.yaml")).unwrap();
    let nodes = daemonset::plan::parse_nodes(&read("nodes.yaml")).unwrap();
    // Placement only (Pending nodes are desired too).
    assert_eq!(
        desired_nodes(&ds, &nodes),
        [
            "worker-1",
            "worker-2",
            "worker-3",
            "small-1",
            "ports-1",
            "pressure-1"
        ]
    );
    assert_eq!(
        node_should_run(&ds, &nodes[8]),
        (false, true),
        "not-ready: keeps running"
    );
    assert_eq!(
        node_should_run(&ds, &nodes[11]),
        (false, false),
        "NoExecute: deleted"
    );
}
