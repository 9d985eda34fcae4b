//! The `daemonset!` twins of the seed examples build the same DaemonSet as the builder examples and print the same
//! YAML.

#[path = "../examples/log-collector.rs"]
mod log_collector;
#[path = "../examples/log-collector-dsl.rs"]
mod log_collector_dsl;
#[path = "../examples/nginx-daemonset.rs"]
mod nginx_daemonset;
#[path = "../examples/nginx-daemonset-dsl.rs"]
mod nginx_daemonset_dsl;
#[path = "../examples/node-specific-daemonset.rs"]
mod node_specific_daemonset;
#[path = "../examples/node-specific-daemonset-dsl.rs"]
mod node_specific_daemonset_dsl;
#[path = "../examples/resource-limited-daemonset.rs"]
mod resource_limited_daemonset;
#[path = "../examples/resource-limited-daemonset-dsl.rs"]
mod resource_limited_daemonset_dsl;
#[path = "../examples/rolling-update-daemonset.rs"]
mod rolling_update_daemonset;
#[path = "../examples/rolling-update-daemonset-dsl.rs"]
mod rolling_update_daemonset_dsl;
#[path = "../examples/tolerate-taints-daemonset.rs"]
mod tolerate_taints_daemonset;
#[path = "../examples/tolerate-taints-daemonset-dsl.rs"]
mod tolerate_taints_daemonset_dsl;

use daemonset::ValidationErrors;
use daemonset::k8s::api::apps::v1::DaemonSet;

fn twins(
    name: &str,
    builder: Result<DaemonSet, ValidationErrors>,
    dsl: Result<DaemonSet, ValidationErrors>,
) {
    let builder = builder.unwrap_or_else(|e| panic!("{name} (builder): {e}"));
    let dsl = dsl.unwrap_or_else(|e| panic!("{name}-dsl: {e}"));
    assert_eq!(
        dsl, builder,
        "{name}: the DSL twin builds a different DaemonSet"
    );
    assert_eq!(
        daemonset::render::to_yaml(&dsl).unwrap(),
        daemonset::render::to_yaml(&builder).unwrap(),
        "{name}: the DSL twin prints different YAML"
    );
}

#[test]
fn log_collector_twins() {
    twins(
        "log-collector",
        log_collector::daemon_set(),
        log_collector_dsl::daemon_set(),
    );
}

#[test]
fn nginx_daemonset_twins() {
    twins(
        "nginx-daemonset",
        nginx_daemonset::daemon_set(),
        nginx_daemonset_dsl::daemon_set(),
    );
}

#[test]
fn node_specific_daemonset_twins() {
    twins(
        "node-specific-daemonset",
        node_specific_daemonset::daemon_set(),
        node_specific_daemonset_dsl::daemon_set(),
    );
}

#[test]
fn resource_limited_daemonset_twins() {
    twins(
        "resource-limited-daemonset",
        resource_limited_daemonset::daemon_set(),
        resource_limited_daemonset_dsl::daemon_set(),
    );
}

#[test]
fn rolling_update_daemonset_twins() {
    twins(
        "rolling-update-daemonset",
        rolling_update_daemonset::daemon_set(),
        rolling_update_daemonset_dsl::daemon_set(),
    );
}

#[test]
fn tolerate_taints_daemonset_twins() {
    twins(
        "tolerate-taints-daemonset",
        tolerate_taints_daemonset::daemon_set(),
        tolerate_taints_daemonset_dsl::daemon_set(),
    );
}

/// The printed YAML of each twin is the golden snapshot of its builder example, byte for byte.
#[test]
fn dsl_examples_print_the_golden_yaml() {
    for (name, built) in [
        ("log-collector", log_collector_dsl::daemon_set()),
        ("nginx-daemonset", nginx_daemonset_dsl::daemon_set()),
        (
            "node-specific-daemonset",
            node_specific_daemonset_dsl::daemon_set(),
        ),
        (
            "resource-limited-daemonset",
            resource_limited_daemonset_dsl::daemon_set(),
        ),
        (
            "rolling-update-daemonset",
            rolling_update_daemonset_dsl::daemon_set(),
        ),
        (
            "tolerate-taints-daemonset",
            tolerate_taints_daemonset_dsl::daemon_set(),
        ),
    ] {
        let path = format!(
            "{}/tests/snapshots/examples_golden__{name}.snap",
            env!("CARGO_MANIFEST_DIR")
        );
        let snapshot = std::fs::read_to_string(&path).unwrap();
        let golden = snapshot
            .splitn(3, "---\n")
            .nth(2)
            .expect("an insta snapshot has a header");
        let yaml = daemonset::render::to_yaml(&built.unwrap()).unwrap();
        assert_eq!(yaml.trim_end(), golden.trim_end(), "{name}-dsl");
    }
}
