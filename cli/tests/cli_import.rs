//! `daemonset import` as a user sees it: stdout, stderr and exit code, snapshotted with insta-cmd, on files of the
//! corpus of real DaemonSets (`tests/fixtures/real/`).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use insta_cmd::{assert_cmd_snapshot, get_cargo_bin};
use tempfile::TempDir;

fn real() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace root")
        .join("tests/fixtures/real")
}

/// A directory with copies of three corpus files, so paths in messages are short.
fn sandbox() -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join("real")).unwrap();
    for file in [
        "node-exporter.yaml",
        "fluentd-forward.yaml",
        "csi-nfs-node.yaml",
    ] {
        fs::copy(real().join(file), dir.path().join("real").join(file)).unwrap();
    }
    dir
}

fn daemonset(dir: &TempDir) -> Command {
    let mut cmd = Command::new(get_cargo_bin("daemonset"));
    cmd.current_dir(dir.path());
    cmd.env("KUBECONFIG", "no-such-dir/kubeconfig");
    cmd.env("HOME", "no-such-home");
    cmd
}

const SMALL: &str = "\
apiVersion: v1
kind: ConfigMap
metadata: {name: agent-config}
---
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
  namespace: monitoring
  creationTimestamp: null
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      containers:
      - name: agent
        image: example.com/agent:1.0
        imagePullPolicy: IfNotPresent
        ports: [{containerPort: 9100, protocol: TCP, name: metrics}]
        resources: {requests: {cpu: 100m, memory: 64Mi}, limits: {memory: 128Mi}}
        livenessProbe: {httpGet: {path: /healthz, port: metrics}, periodSeconds: 10, timeoutSeconds: 1}
        lifecycle: {preStop: {exec: {command: [sleep, '5']}}}
        volumeMounts: [{name: varlog, mountPath: /var/log, readOnly: true}]
      terminationGracePeriodSeconds: 30
      volumes: [{name: varlog, hostPath: {path: /var/log, type: ''}}]
  updateStrategy: {type: RollingUpdate, rollingUpdate: {maxUnavailable: 1}}
";

/// From stdin: the ConfigMap is skipped with a note, the server's defaults are left out, the preStop hook is typed
/// (`Hook::exec`), so there is no warning.
#[test]
fn stdin_to_rust() {
    let dir = sandbox();
    assert_cmd_snapshot!(
        daemonset(&dir)
            .args(["import", "-", "--to", "rust"])
            .pass_stdin(SMALL)
    );
}

/// The DSL has a typed form for the preStop hook too (`pre_stop: exec([..])`), so there is no warning.
#[test]
fn stdin_to_dsl() {
    let dir = sandbox();
    assert_cmd_snapshot!(
        daemonset(&dir)
            .args(["import", "--to", "dsl", "-f", "-"])
            .pass_stdin(SMALL)
    );
}

/// [`SMALL`] with a name in the pod template's metadata, which spec files have no key for.
fn small_with_template_name() -> String {
    SMALL.replace(
        "metadata: {labels: {app: agent}}",
        "metadata: {name: agent-pod, labels: {app: agent}}",
    )
}

/// A spec file writes the preStop hook (`lifecycle`) but cannot say the template's name: it is left out, reported
/// as an error, exit 1.
#[test]
fn stdin_to_spec_reports_what_it_leaves_out() {
    let dir = sandbox();
    assert_cmd_snapshot!(
        daemonset(&dir)
            .args(["import", "-", "--to", "spec"])
            .pass_stdin(small_with_template_name())
    );
}

/// `--strict`: a field set in `customize` is a problem too; which fields need it depends on the form.
#[test]
fn strict_fails_on_customize() {
    let dir = sandbox();
    // The pod's OS: typed in the builder, not in the DSL.
    let with_os = SMALL.replace(
        "      terminationGracePeriodSeconds: 30\n",
        "      terminationGracePeriodSeconds: 30\n      os: {name: linux}\n",
    );
    assert_ne!(with_os, SMALL);
    fs::write(dir.path().join("small.yaml"), with_os).unwrap();
    let out = daemonset(&dir)
        .args(["import", "small.yaml", "--to", "dsl", "--strict"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    // The builder has a typed form for the OS.
    let typed = daemonset(&dir)
        .args(["import", "small.yaml", "--to", "rust", "--strict"])
        .output()
        .unwrap();
    assert_eq!(
        typed.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&typed.stderr)
    );
    let fully_typed = daemonset(&dir)
        .args([
            "import",
            "real/fluentd-forward.yaml",
            "--to",
            "rust",
            "--strict",
        ])
        .output()
        .unwrap();
    assert_eq!(
        fully_typed.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&fully_typed.stderr)
    );
}

/// A directory, one file per DaemonSet with `--out`, the same text as the library's.
#[test]
fn directory_to_files() {
    let dir = sandbox();
    let out = daemonset(&dir)
        .args(["import", "real", "--to", "dsl", "--out", "imported"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut written: Vec<String> = fs::read_dir(dir.path().join("imported"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    written.sort();
    assert_eq!(
        written,
        ["csi-nfs-node.rs", "fluentd.rs", "node-exporter.rs"]
    );
    let text = fs::read_to_string(real().join("node-exporter.yaml")).unwrap();
    let ds: daemonset::k8s::api::apps::v1::DaemonSet = daemonset::parse::from_yaml(&text).unwrap();
    assert_eq!(
        fs::read_to_string(dir.path().join("imported/node-exporter.rs")).unwrap(),
        daemonset::import::to_dsl(&ds).unwrap().text
    );
}

#[test]
fn no_input_is_a_usage_error() {
    let dir = sandbox();
    assert_cmd_snapshot!(daemonset(&dir).args(["import", "--to", "rust"]));
}

/// Two DaemonSets of one name (in two namespaces) are written to two files.
#[test]
fn one_name_in_two_namespaces_gives_two_files() {
    let dir = sandbox();
    let first = small_with_template_name();
    let second = first.replace("namespace: monitoring", "namespace: logging");
    fs::write(dir.path().join("two.yaml"), format!("{first}---\n{second}")).unwrap();
    let out = daemonset(&dir)
        .args(["import", "two.yaml", "--to", "spec", "--out", "specs"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "the template's name is left out of both"
    );
    let mut written: Vec<String> = fs::read_dir(dir.path().join("specs"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    written.sort();
    assert_eq!(written, ["agent.yaml", "logging-agent.yaml"]);
    let logging = fs::read_to_string(dir.path().join("specs/logging-agent.yaml")).unwrap();
    assert!(logging.contains("namespace: logging\n"), "{logging}");
}
