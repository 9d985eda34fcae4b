//! Golden tests of the planner's output (table, JSON, explain) on a fixture inventory of twelve nodes that covers
//! every verdict: runs, cordoned, blocked by taint / nodeSelector / affinity, Pending (memory, host port),
//! misscheduled, pod deleted.

use daemonset::k8s::api::apps::v1::DaemonSet;
use daemonset::k8s::api::core::v1::{Node, Pod};
use daemonset::plan::{self, Inventory, Verdict};

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/plan/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn inputs() -> (DaemonSet, Vec<Node>, Vec<Pod>) {
    let ds = daemonset::parse::from_yaml(&fixture("daemonset.yaml")).unwrap();
    let nodes = plan::parse_nodes(&fixture("nodes.yaml")).unwrap();
    let pods = plan::parse_pods(&fixture("pods.yaml")).unwrap();
    (ds, nodes, pods)
}

macro_rules! snapshot {
    ($name:expr, $value:expr) => {
        insta::with_settings!({snapshot_path => "fixtures/plan/snapshots", prepend_module_to_snapshot => false}, {
            insta::assert_snapshot!($name, $value);
        })
    };
}

#[test]
fn verdicts_of_the_fixture() {
    let (ds, nodes, pods) = inputs();
    let plan = Inventory::new(&nodes, &pods).plan(&ds);
    let verdicts: Vec<(&str, Verdict)> = plan.nodes.iter().map(|n| (n.name(), n.verdict)).collect();
    assert_eq!(
        verdicts,
        vec![
            ("worker-1", Verdict::Runs),
            ("worker-2", Verdict::Runs),
            ("worker-3", Verdict::Runs),
            ("gpu-1", Verdict::NotScheduled),
            ("gpu-2", Verdict::NotScheduled),
            ("arm-1", Verdict::NotScheduled),
            ("win-1", Verdict::NotScheduled),
            ("small-1", Verdict::Pending),
            ("notready-1", Verdict::Misscheduled),
            ("ports-1", Verdict::Pending),
            ("pressure-1", Verdict::Runs),
            ("evict-1", Verdict::Deleted),
        ]
    );
    assert_eq!(plan.desired, 6);
}

#[test]
fn table() {
    let (ds, nodes, pods) = inputs();
    let plan = Inventory::new(&nodes, &pods).plan(&ds);
    snapshot!("plan_table", plan::table(&plan));
}

#[test]
fn json() {
    let (ds, nodes, pods) = inputs();
    let plan = Inventory::new(&nodes, &pods).plan(&ds);
    let json = serde_json::to_string_pretty(&plan).unwrap();
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value["daemonset"], "node-exporter");
    assert_eq!(value["desired"], 6);
    assert_eq!(value["nodes"][7]["pending"], true);
    assert_eq!(value["nodes"][7]["runs"], true);
    snapshot!("plan_json", json);
}

#[test]
fn explain() {
    let (ds, nodes, pods) = inputs();
    let inventory = Inventory::new(&nodes, &pods);
    for node in ["gpu-1", "small-1", "notready-1", "arm-1"] {
        snapshot!(
            format!("plan_explain_{node}"),
            plan::explain(&inventory, &ds, node).unwrap()
        );
    }
    assert!(plan::explain(&inventory, &ds, "nope").is_none());
}

#[test]
fn inventory_forms_read_the_same() {
    let (_, nodes, _) = inputs();
    // The same nodes as a multi-document stream of single Node documents, and as a NodeList.
    let stream: String = nodes
        .iter()
        .map(|n| format!("---\n{}", serde_json::to_string(n).unwrap()))
        .collect::<Vec<_>>()
        .join("\n");
    assert_eq!(plan::parse_nodes(&stream).unwrap(), nodes);
    let list = serde_json::json!({"apiVersion": "v1", "kind": "NodeList", "items": nodes});
    assert_eq!(plan::parse_nodes(&list.to_string()).unwrap(), nodes);
    let err = plan::parse_nodes(&fixture("pods.yaml")).unwrap_err();
    assert_eq!(
        err.to_string(),
        "document 1: expected Node, found kind `Pod`"
    );
    assert!(plan::parse_nodes("a: [").is_err());
    assert_eq!(plan::parse_nodes("").unwrap(), vec![]);
}
