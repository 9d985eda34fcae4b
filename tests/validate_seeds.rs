//! The seed manifests (with the misplaced `spec.nodeSelector` of node-specific-daemonset moved to
//! `spec.template.spec`) are valid.

use daemonset::validate::validate;
use k8s_openapi::api::apps::v1::DaemonSet;

fn check(name: &str, yaml: &str) {
    let ds: DaemonSet = serde_yaml::from_str(yaml).unwrap_or_else(|e| panic!("{name}: {e}"));
    if let Err(errors) = validate(&ds) {
        panic!("{name}: {errors}");
    }
}

macro_rules! seed {
    ($test:ident, $file:literal) => {
        #[test]
        fn $test() {
            check($file, include_str!(concat!("fixtures/validate/", $file)));
        }
    };
}

seed!(resource_limited, "resource-limited-daemonset.yaml");
seed!(node_specific, "node-specific-daemonset.yaml");
seed!(rolling_update, "rolling-update-daemonset.yaml");
seed!(tolerate_taints, "tolerate-taints-daemonset.yaml");
seed!(nginx, "nginx-daemonset.yaml");
seed!(log_collector, "log-collector.yaml");

#[test]
fn node_selector_lands_in_the_template() {
    let yaml = include_str!("fixtures/validate/node-specific-daemonset.yaml");
    let ds: DaemonSet = serde_yaml::from_str(yaml).unwrap();
    let selector = ds
        .spec
        .unwrap()
        .template
        .spec
        .unwrap()
        .node_selector
        .unwrap();
    assert_eq!(
        selector.get("node-type").map(String::as_str),
        Some("special")
    );
}
