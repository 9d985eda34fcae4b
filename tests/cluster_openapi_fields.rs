//! The recording of the server's field lists behind `docs/fields.md` (`tests/fixtures/openapi/v1.34-fields.json`)
//! equals what the harness's kube-apiserver serves in its OpenAPI v3 document.

mod support;

use std::process::Command;

use support::ControlPlane;

fn properties(plane: &ControlPlane, path: &str, schema: &str) -> Vec<String> {
    let output = Command::new(plane.bin_dir().join("kubectl"))
        .arg("--kubeconfig")
        .arg(&plane.kubeconfig)
        .args(["get", "--raw", path])
        .output()
        .expect("kubectl runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let document: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let mut fields: Vec<String> = document["components"]["schemas"][schema]["properties"]
        .as_object()
        .unwrap_or_else(|| panic!("{schema} in {path}"))
        .keys()
        .cloned()
        .collect();
    fields.sort();
    fields
}

#[test]
#[ignore = "needs the control plane: scripts/cluster-tests.sh"]
fn recorded_fields_are_the_servers() {
    let plane = ControlPlane::shared();
    let recorded: serde_json::Value =
        serde_json::from_str(include_str!("fixtures/openapi/v1.34-fields.json")).unwrap();
    let live = [
        (
            "DaemonSetSpec",
            "/openapi/v3/apis/apps/v1",
            "io.k8s.api.apps.v1.DaemonSetSpec",
        ),
        (
            "PodSpec",
            "/openapi/v3/api/v1",
            "io.k8s.api.core.v1.PodSpec",
        ),
        (
            "Container",
            "/openapi/v3/api/v1",
            "io.k8s.api.core.v1.Container",
        ),
        ("Volume", "/openapi/v3/api/v1", "io.k8s.api.core.v1.Volume"),
    ];
    for (name, path, schema) in live {
        let recorded: Vec<String> = serde_json::from_value(recorded[name].clone()).unwrap();
        assert_eq!(properties(plane, path, schema), recorded, "{name}");
    }
}
