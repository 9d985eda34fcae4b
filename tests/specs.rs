//! Every example spec file renders to exactly the seed manifest the builder examples produce.

use daemonset::k8s::api::apps::v1::DaemonSet;
use daemonset::spec::{self, SpecErrorKind, Values};

const SEEDS: &[&str] = &[
    "log-collector",
    "nginx-daemonset",
    "node-specific-daemonset",
    "resource-limited-daemonset",
    "rolling-update-daemonset",
    "tolerate-taints-daemonset",
];

fn read(path: &str) -> String {
    let path = format!("{}/{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn values() -> Values {
    let mut values = Values::new();
    values
        .merge_yaml(
            "examples/specs/values.yaml",
            &read("examples/specs/values.yaml"),
        )
        .unwrap();
    values
}

#[test]
fn every_example_spec_equals_its_seed() {
    for name in SEEDS {
        let file = format!("examples/specs/{name}.yaml");
        let built = spec::load(&file, &read(&file), &values()).unwrap_or_else(|e| panic!("{e}"));
        let seed: DaemonSet =
            daemonset::parse::from_yaml(&read(&format!("tests/fixtures/seeds/{name}.yaml")))
                .unwrap();
        assert_eq!(built, seed, "{file} differs from the seed");
    }
}

#[test]
fn the_values_are_needed_and_named_when_missing() {
    let file = "examples/specs/log-collector.yaml";
    let err = spec::load(file, &read(file), &Values::new()).unwrap_err();
    assert_eq!(err.kind(), SpecErrorKind::MissingValue);
    assert_eq!(
        err.to_string(),
        "examples/specs/log-collector.yaml:20:13: missing value: `logCollector` is undefined"
    );
}

#[test]
fn set_overrides_a_values_file() {
    let file = "examples/specs/log-collector.yaml";
    let mut values = values();
    values.set("logCollector.image.tag=v1.16").unwrap();
    let built = spec::load(file, &read(file), &values).unwrap();
    let image = built.spec.unwrap().template.spec.unwrap().containers[0]
        .image
        .clone();
    assert_eq!(image.as_deref(), Some("fluent/fluentd:v1.16"));
}

/// The spec-format reference in the README is a valid spec.
#[test]
fn the_readme_reference_spec_loads() {
    let readme =
        std::fs::read_to_string(format!("{}/README.md", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let section = &readme[readme.find("### Spec files").unwrap()..];
    let start = section.find("```yaml\n").unwrap() + "```yaml\n".len();
    let block = &section[start..start + section[start..].find("```").unwrap()];
    let mut values = Values::new();
    values.set("tag=v1.16").unwrap();
    let built = spec::load("README", block, &values).unwrap_or_else(|e| panic!("{e}"));
    let pod = built.spec.unwrap().template.spec.unwrap();
    assert_eq!(pod.volumes.unwrap().len(), 7);
    assert_eq!(pod.containers[0].env.as_ref().unwrap().len(), 5);
    // The keys of issue 11 in the reference reach the object.
    let c = &pod.containers[0];
    assert!(c.lifecycle.as_ref().unwrap().pre_stop.is_some());
    assert_eq!(
        c.security_context
            .as_ref()
            .unwrap()
            .seccomp_profile
            .as_ref()
            .unwrap()
            .type_,
        "RuntimeDefault"
    );
    assert_eq!(
        pod.init_containers.unwrap()[0].restart_policy.as_deref(),
        Some("Always")
    );
    assert_eq!(pod.security_context.unwrap().fs_group, Some(65534));
    assert_eq!(pod.os.unwrap().name, "linux");
    assert_eq!(pod.readiness_gates.unwrap().len(), 1);
    assert_eq!(pod.automount_service_account_token, Some(false));
    assert!(pod.affinity.unwrap().pod_anti_affinity.is_some());
}
