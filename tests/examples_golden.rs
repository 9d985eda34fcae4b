//! Golden tests of the seed examples: each example's DaemonSet equals the seed manifest (read strictly) and its
//! YAML is pinned by a snapshot.

#[path = "../examples/log-collector.rs"]
mod log_collector;
#[path = "../examples/nginx-daemonset.rs"]
mod nginx_daemonset;
#[path = "../examples/node-specific-daemonset.rs"]
mod node_specific_daemonset;
#[path = "../examples/resource-limited-daemonset.rs"]
mod resource_limited_daemonset;
#[path = "../examples/rolling-update-daemonset.rs"]
mod rolling_update_daemonset;
#[path = "../examples/snippets.rs"]
mod snippets;
#[path = "../examples/tolerate-taints-daemonset.rs"]
mod tolerate_taints_daemonset;

use daemonset::k8s::api::apps::v1::DaemonSet;

fn seed(name: &str) -> DaemonSet {
    let path = format!(
        "{}/tests/fixtures/seeds/{name}.yaml",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap();
    daemonset::parse::from_yaml(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn golden(name: &str, built: Result<DaemonSet, daemonset::ValidationErrors>) {
    let built = built.unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(
        built,
        seed(name),
        "{name}: the example differs from the seed manifest"
    );
    let yaml = daemonset::render::to_yaml(&built).unwrap();
    let reparsed: DaemonSet = daemonset::parse::from_yaml(&yaml).unwrap();
    assert_eq!(reparsed, built, "{name}: YAML does not round-trip");
    insta::assert_snapshot!(name, yaml);
}

#[test]
fn log_collector_matches_seed() {
    golden("log-collector", log_collector::daemon_set());
}

#[test]
fn nginx_daemonset_matches_seed() {
    golden("nginx-daemonset", nginx_daemonset::daemon_set());
}

#[test]
fn resource_limited_daemonset_matches_seed() {
    golden(
        "resource-limited-daemonset",
        resource_limited_daemonset::daemon_set(),
    );
}

#[test]
fn node_specific_daemonset_matches_corrected_seed() {
    golden(
        "node-specific-daemonset",
        node_specific_daemonset::daemon_set(),
    );
}

#[test]
fn rolling_update_daemonset_matches_seed() {
    golden(
        "rolling-update-daemonset",
        rolling_update_daemonset::daemon_set(),
    );
}

#[test]
fn tolerate_taints_daemonset_matches_seed() {
    golden(
        "tolerate-taints-daemonset",
        tolerate_taints_daemonset::daemon_set(),
    );
}

#[test]
fn snippets_show_the_seed_fragments() {
    let sets = snippets::daemon_sets().unwrap();
    let fragments: Vec<String> = sets
        .iter()
        .zip(["nodeSelector", "affinity", "tolerations"])
        .map(|(ds, field)| daemonset::render::to_yaml(&snippets::fragment(ds, field)).unwrap())
        .collect();
    assert_eq!(
        fragments[0],
        "spec:\n  template:\n    spec:\n      nodeSelector:\n        disktype: ssd\n"
    );
    assert_eq!(
        fragments[1],
        "spec:\n  template:\n    spec:\n      affinity:\n        nodeAffinity:\n          \
         requiredDuringSchedulingIgnoredDuringExecution:\n            nodeSelectorTerms:\n            \
         - matchExpressions:\n              - key: kubernetes.io/arch\n                operator: In\n                \
         values:\n                - amd64\n"
    );
    assert_eq!(
        fragments[2],
        "spec:\n  template:\n    spec:\n      tolerations:\n      - effect: NoSchedule\n        key: special\n        \
         operator: Exists\n"
    );
}

#[test]
fn misplaced_node_selector_of_the_seed_is_rejected_with_its_path() {
    let path = format!(
        "{}/tests/fixtures/seeds/node-specific-daemonset.misplaced.yaml",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(path).unwrap();
    let err = daemonset::parse::from_yaml::<DaemonSet>(&text).unwrap_err();
    assert_eq!(err.path(), Some("spec.nodeSelector"));
    assert_eq!(err.line(), Some(22));
    assert_eq!(
        err.to_string(),
        "22:3: spec.nodeSelector: unknown field `nodeSelector` (did you mean `spec.template.spec.nodeSelector`? \
         `nodeSelector` is a field of the pod template)"
    );
}
