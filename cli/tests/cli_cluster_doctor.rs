//! `daemonset doctor` against a real API server (`#[ignore]`d; `scripts/cluster-tests.sh` sets
//! `DAEMONSET_TEST_KUBECONFIG`): a DaemonSet whose ServiceAccount does not exist, diagnosed from the live cluster in
//! text and JSON with exit 1; `--record` writes the state read, and `--from-file` on it gives the same report;
//! `--all` prints one line; `--watch` gives up after `--timeout` with exit 1.

use std::path::PathBuf;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use insta_cmd::get_cargo_bin;
use k8s_openapi::api::core::v1::{Namespace, Node};
use kube::api::{Api, DeleteParams, PostParams};
use serde_json::{Value, json};

const ENV: &str = "DAEMONSET_TEST_KUBECONFIG";

fn kubeconfig() -> PathBuf {
    match std::env::var_os(ENV) {
        Some(path) if !path.is_empty() => PathBuf::from(path),
        _ => panic!("set {ENV} to the kubeconfig of a test control plane (see harness/up.sh)"),
    }
}

fn client(runtime: &tokio::runtime::Runtime) -> kube::Client {
    runtime.block_on(async {
        let config = kube::Config::from_custom_kubeconfig(
            kube::config::Kubeconfig::read_from(kubeconfig()).unwrap(),
            &Default::default(),
        )
        .await
        .unwrap();
        kube::Client::try_from(config).unwrap()
    })
}

fn daemonset(dir: &std::path::Path, args: &[&str]) -> Output {
    Command::new(get_cargo_bin("daemonset"))
        .current_dir(dir)
        .args(args)
        .arg("--kubeconfig")
        .arg(kubeconfig())
        .output()
        .unwrap()
}

#[test]
#[ignore = "needs a control plane: DAEMONSET_TEST_KUBECONFIG (scripts/cluster-tests.sh)"]
fn doctor_names_a_missing_service_account_live_and_from_the_recorded_state() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let client = client(&runtime);
    let ns = format!("cli-doctor-{}", std::process::id());
    let node = format!("{ns}-n0");
    runtime.block_on(async {
        let namespaces: Api<Namespace> = Api::all(client.clone());
        let namespace: Namespace = serde_json::from_value(json!({"metadata": {"name": ns}})).unwrap();
        let _ = namespaces.create(&PostParams::default(), &namespace).await;
        let nodes: Api<Node> = Api::all(client.clone());
        let n: Node = serde_json::from_value(json!({
            "metadata": {"name": node, "labels": {"kubernetes.io/hostname": node, "daemonset.test/ns": ns}},
            "status": {"allocatable": {"cpu": "4", "memory": "8Gi", "pods": "110"},
                "conditions": [{"type": "Ready", "status": "True"}]}
        }))
        .unwrap();
        let _ = nodes.create(&PostParams::default(), &n).await;
    });
    let dir = tempfile::tempdir().unwrap();
    let manifest = format!(
        "apiVersion: apps/v1
kind: DaemonSet
metadata: {{name: agent, namespace: {ns}}}
spec:
  selector: {{matchLabels: {{app: agent}}}}
  template:
    metadata: {{labels: {{app: agent}}}}
    spec:
      serviceAccountName: ghost
      nodeSelector: {{daemonset.test/ns: {ns}}}
      containers: [{{name: agent, image: agent:1.0}}]
"
    );
    std::fs::write(dir.path().join("agent.yaml"), manifest).unwrap();
    let applied = daemonset(dir.path(), &["apply", "-f", "agent.yaml"]);
    assert!(applied.status.success(), "{applied:?}");

    let deadline = Instant::now() + Duration::from_secs(60);
    let text = loop {
        let out = daemonset(dir.path(), &["doctor", "agent", "-n", &ns]);
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        if text.contains("ServiceAccount `ghost` does not exist") || Instant::now() > deadline {
            assert_eq!(out.status.code(), Some(1), "{text}");
            break text;
        }
        std::thread::sleep(Duration::from_millis(500));
    };
    assert!(
        text.starts_with(&format!(
            "DaemonSet {ns}/agent: FAILING: pod creation refused: ServiceAccount `ghost` does not exist"
        )),
        "{text}"
    );

    let out = daemonset(
        dir.path(),
        &[
            "doctor",
            "agent",
            "-n",
            &ns,
            "-o",
            "json",
            "--record",
            "state.yaml",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let live: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(live["health"], "failing");
    assert_eq!(
        live["findings"][0]["cause"]["refusal"]["by"],
        "missing-service-account"
    );
    assert_eq!(live["findings"][0]["nodes"], json!([node]));

    let out = daemonset(
        dir.path(),
        &[
            "doctor",
            "agent",
            "-n",
            &ns,
            "-o",
            "json",
            "--from-file",
            "state.yaml",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let recorded: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(recorded, live, "the recorded state gives the same report");

    let out = daemonset(dir.path(), &["doctor", "--all", "-n", &ns]);
    assert_eq!(out.status.code(), Some(1));
    let line = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        line.starts_with(&format!("{ns}/agent  failing  ready 0/1")),
        "{line}"
    );

    // --watch prints the verdict once (it does not change) and gives up after --timeout.
    let out = daemonset(
        dir.path(),
        &["doctor", "agent", "-n", &ns, "--watch", "--timeout", "3s"],
    );
    assert_eq!(out.status.code(), Some(1));
    let lines = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(lines.lines().count(), 1, "{lines}");
    assert!(
        lines.starts_with(&format!("{ns}/agent  failing")),
        "{lines}"
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: `agent` is still failing after the timeout\n"
    );

    runtime.block_on(async {
        let nodes: Api<Node> = Api::all(client.clone());
        let _ = nodes.delete(&node, &DeleteParams::default()).await;
    });
}
