//! `daemonset doctor` on a recorded state (`--from-file`), as a user sees it: the exact text and JSON, the exit
//! codes (0 healthy, 1 not, 3 unreadable file), `--all` over namespaces. The state is
//! `tests/fixtures/doctor/state.yaml`: four nodes (one tainted for GPUs), a healthy DaemonSet, one whose rollout is
//! stuck behind an OOMKilled pod and a Pending one, and one refused by PodSecurity.

use std::path::{Path, PathBuf};
use std::process::Command;

use insta_cmd::{assert_cmd_snapshot, get_cargo_bin};

fn state() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace root")
        .join("tests/fixtures/doctor")
}

/// `daemonset doctor` run in the fixture's directory, never reaching for a cluster.
fn doctor(args: &[&str]) -> Command {
    let mut cmd = Command::new(get_cargo_bin("daemonset"));
    cmd.current_dir(state());
    cmd.env("KUBECONFIG", "no-such-dir/kubeconfig");
    cmd.env("HOME", "no-such-home");
    cmd.arg("doctor").args(args);
    cmd
}

#[test]
fn doctor_text_of_a_stuck_rollout() {
    assert_cmd_snapshot!(doctor(&["log-agent", "--from-file", "state.yaml"]));
}

#[test]
fn doctor_json_of_a_stuck_rollout() {
    assert_cmd_snapshot!(doctor(&[
        "log-agent",
        "--from-file",
        "state.yaml",
        "-o",
        "json"
    ]));
}

#[test]
fn doctor_text_of_a_pod_security_refusal() {
    assert_cmd_snapshot!(doctor(&["ds/scanner", "--from-file", "state.yaml"]));
}

#[test]
fn doctor_healthy_exits_zero() {
    assert_cmd_snapshot!(doctor(&[
        "node-exporter",
        "-n",
        "monitoring",
        "--from-file",
        "state.yaml"
    ]));
}

#[test]
fn doctor_all_namespaces_one_line_each() {
    assert_cmd_snapshot!(doctor(&["--all", "-A", "--from-file", "state.yaml"]));
}

#[test]
fn doctor_all_of_one_namespace_healthy_or_not() {
    assert_cmd_snapshot!(doctor(&[
        "--all",
        "-n",
        "monitoring",
        "--from-file",
        "state.yaml"
    ]));
}

#[test]
fn doctor_not_found_in_the_state() {
    assert_cmd_snapshot!(doctor(&["nope", "--from-file", "state.yaml"]));
}

#[test]
fn doctor_unreadable_state_file() {
    assert_cmd_snapshot!(doctor(&["agent", "--from-file", "missing.yaml"]));
}

#[test]
fn doctor_without_a_cluster_says_so() {
    assert_cmd_snapshot!(doctor(&["agent"]));
}
