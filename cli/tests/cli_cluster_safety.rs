//! Issue 13 against a real API server: `apply` reports every object's own outcome with true counts, and `rollout
//! status` notices that the DaemonSet it watches was deleted. Every test is `#[ignore]`d: it needs a control plane,
//! named by `DAEMONSET_TEST_KUBECONFIG` (`scripts/cluster-tests.sh` runs them):
//!
//! ```sh
//! DAEMONSET_TEST_KUBECONFIG=$(bash harness/up.sh /tmp/plane) \
//!     cargo test -p daemonset-cli --test cli_cluster_safety -- --ignored
//! bash harness/down.sh /tmp/plane
//! ```

use std::fs;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use insta_cmd::get_cargo_bin;
use k8s_openapi::api::apps::v1::DaemonSet;
use k8s_openapi::api::core::v1::{Namespace, Node};
use kube::api::{Api, DeleteParams, PostParams};

const ENV: &str = "DAEMONSET_TEST_KUBECONFIG";

fn kubeconfig() -> PathBuf {
    match std::env::var_os(ENV) {
        Some(path) if !path.is_empty() => PathBuf::from(path),
        _ => panic!("set {ENV} to the kubeconfig of a test control plane (see harness/up.sh)"),
    }
}

fn block_on<T>(future: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(future)
}

async fn client() -> kube::Client {
    let config = kube::Config::from_custom_kubeconfig(
        kube::config::Kubeconfig::read_from(kubeconfig()).unwrap(),
        &Default::default(),
    )
    .await
    .unwrap();
    kube::Client::try_from(config).unwrap()
}

/// A namespace of its own for a test, created on the cluster.
fn namespace(test: &str) -> String {
    let name = format!("safety-{test}-{}", std::process::id());
    block_on(async {
        let api: Api<Namespace> = Api::all(client().await);
        let mut ns = Namespace::default();
        ns.metadata.name = Some(name.clone());
        match api.create(&PostParams::default(), &ns).await {
            Ok(_) => {}
            Err(kube::Error::Api(status)) if status.code == 409 => {}
            Err(e) => panic!("creating namespace {name}: {e}"),
        }
    });
    name
}

fn daemonset(dir: &Path, ns: &str, args: &[&str]) -> Command {
    let mut cmd = Command::new(get_cargo_bin("daemonset"));
    cmd.current_dir(dir)
        .args(args)
        .arg("--kubeconfig")
        .arg(kubeconfig())
        .args(["-n", ns]);
    cmd
}

fn run(dir: &Path, ns: &str, args: &[&str]) -> Output {
    let out = daemonset(dir, ns, args).output().unwrap();
    eprintln!(
        "$ daemonset {}\n{}{}exit {:?}",
        args.join(" "),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
        out.status.code()
    );
    out
}

/// A spec of a DaemonSet named `name` with `image`, tolerating every taint; with `node` it runs only on nodes
/// labelled `safety-node=<node>`.
fn spec(name: &str, image: &str, node: Option<&str>) -> String {
    let mut text = format!(
        "name: {name}\nselectorLabels: {{app: {name}}}\ntolerations:\n- operator: Exists\ncontainers:\n- name: agent\n  image: {image}\n"
    );
    if let Some(node) = node {
        text.push_str(&format!("nodeSelector: {{safety-node: {node}}}\n"));
    }
    text
}

#[test]
#[ignore = "needs a control plane: set DAEMONSET_TEST_KUBECONFIG and run with --ignored"]
fn apply_reports_each_objects_own_outcome_and_true_counts() {
    let ns = namespace("apply-each");
    let dir = tempfile::tempdir().unwrap();
    for i in 0..5 {
        fs::write(
            dir.path().join(format!("a{i}.yaml")),
            spec(&format!("a{i}"), "agent:1.0", Some("none")),
        )
        .unwrap();
    }
    // a1..a3 exist as wanted; a0 exists with another image, owned by another field manager; a4 does not exist.
    let out = run(
        dir.path(),
        &ns,
        &["apply", "-f", "a1.yaml", "-f", "a2.yaml", "-f", "a3.yaml"],
    );
    assert_eq!(out.status.code(), Some(0));
    fs::write(
        dir.path().join("a0-other.yaml"),
        spec("a0", "agent:0.9", Some("none")),
    )
    .unwrap();
    let out = run(
        dir.path(),
        &ns,
        &[
            "apply",
            "-f",
            "a0-other.yaml",
            "--field-manager",
            "someone-else",
        ],
    );
    assert_eq!(out.status.code(), Some(0));

    let files: Vec<String> = (0..5).map(|i| format!("a{i}.yaml")).collect();
    let mut args = vec!["apply"];
    for file in &files {
        args.extend(["-f", file.as_str()]);
    }
    let out = run(dir.path(), &ns, &args);
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    );
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert_eq!(
        stdout,
        "daemonset.apps/a1 unchanged\ndaemonset.apps/a2 unchanged\ndaemonset.apps/a3 unchanged\n\
         daemonset.apps/a4 created\n"
    );
    assert!(
        stderr.starts_with(&format!(
            "error: daemonset.apps/a0 (namespace {ns}) was not applied:\nerror: apply of a0 conflicts with other field managers"
        )),
        "{stderr}"
    );
    assert!(stderr.contains("is owned by \"someone-else\""), "{stderr}");
    assert!(
        stderr.ends_with(
            "error: 4 of 5 DaemonSets applied (1 created, 0 configured, 3 unchanged), 1 failed; every object was \
             sent, and running again is safe (server-side apply converges)\n"
        ),
        "{stderr}"
    );
    // The cluster agrees: a4 exists, a0 still has the other manager's image.
    block_on(async {
        let api: Api<DaemonSet> = Api::namespaced(client().await, &ns);
        assert!(api.get_opt("a4").await.unwrap().is_some());
        let a0 = api.get("a0").await.unwrap();
        let image = a0.spec.unwrap().template.spec.unwrap().containers[0]
            .image
            .clone();
        assert_eq!(image.as_deref(), Some("agent:0.9"));
    });

    // Everything applied: the counts say so, on stderr, and the exit is 0.
    let out = run(
        dir.path(),
        &ns,
        &["apply", "-f", "a1.yaml", "-f", "a4.yaml"],
    );
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "2 of 2 DaemonSets applied (0 created, 0 configured, 2 unchanged), 0 failed\n"
    );
}

/// A Node object labelled `safety-node=<name>`, deleted when dropped (no kubelet: its pods never become Ready).
struct FakeNode(String);

impl FakeNode {
    fn create(name: &str) -> FakeNode {
        block_on(async {
            let api: Api<Node> = Api::all(client().await);
            let node: Node = serde_json::from_value(serde_json::json!({
                "apiVersion": "v1",
                "kind": "Node",
                "metadata": {"name": name, "labels": {"safety-node": name}},
            }))
            .unwrap();
            match api.create(&PostParams::default(), &node).await {
                Ok(_) => {}
                Err(kube::Error::Api(status)) if status.code == 409 => {}
                Err(e) => panic!("creating node {name}: {e}"),
            }
        });
        FakeNode(name.to_owned())
    }
}

impl Drop for FakeNode {
    fn drop(&mut self) {
        let name = self.0.clone();
        block_on(async {
            let api: Api<Node> = Api::all(client().await);
            let _ = api.delete(&name, &DeleteParams::default()).await;
        });
    }
}

#[test]
#[ignore = "needs a control plane: set DAEMONSET_TEST_KUBECONFIG and run with --ignored"]
fn rollout_status_notices_that_the_daemon_set_was_deleted() {
    let ns = namespace("deleted");
    let node_name = format!("safety-node-{}", std::process::id());
    let _node = FakeNode::create(&node_name);
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("agent.yaml"),
        spec("agent", "agent:1.0", Some(&node_name)),
    )
    .unwrap();
    let out = run(dir.path(), &ns, &["apply", "-f", "agent.yaml"]);
    assert_eq!(out.status.code(), Some(0));

    let mut child = daemonset(
        dir.path(),
        &ns,
        &["rollout", "status", "agent", "--timeout", "120s"],
    )
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    // Wait until it is watching a rollout that cannot finish (the pod on the fake node never becomes Ready).
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    loop {
        line.clear();
        assert_ne!(reader.read_line(&mut line).unwrap(), 0, "stdout ended");
        eprintln!("rollout status: {line}");
        if line.starts_with("Waiting for daemon set \"agent\"") && line.contains(" of 1 ") {
            break;
        }
        assert!(!line.contains("successfully rolled out"), "{line}");
    }
    let deleted_at = Instant::now();
    block_on(async {
        let api: Api<DaemonSet> = Api::namespaced(client().await, &ns);
        api.delete("agent", &DeleteParams::default()).await.unwrap();
    });
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if deleted_at.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            panic!("rollout status still waits 30 s after the DaemonSet was deleted");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert_eq!(
        stderr,
        format!(
            "error: daemonset \"agent\" in namespace \"{ns}\" was deleted while its rollout was watched\n"
        )
    );
}
