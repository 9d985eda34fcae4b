//! `daemonset` as a kubectl plugin, run by the real kubectl the harness builds (`harness/build-bins.sh`):
//! `kubectl plugin list` finds `kubectl-daemonset` (the symlink `scripts/install-kubectl-plugin.sh` makes),
//! `kubectl daemonset check` gives the same output and exit code as `daemonset check`, and `kubectl daemonset
//! apply --dry-run server` reaches the cluster through the kubeconfig kubectl passes on in `KUBECONFIG`.
//! `#[ignore]`d: needs `DAEMONSET_TEST_KUBECONFIG` (scripts/cluster-tests.sh sets it).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use insta_cmd::get_cargo_bin;

const ENV: &str = "DAEMONSET_TEST_KUBECONFIG";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn kubeconfig() -> PathBuf {
    match std::env::var_os(ENV) {
        Some(path) if !path.is_empty() => PathBuf::from(path),
        _ => panic!("set {ENV} to the kubeconfig of a test control plane (see harness/up.sh)"),
    }
}

/// The harness's kubectl (built or taken from the cache by harness/build-bins.sh).
fn kubectl() -> PathBuf {
    let output = Command::new("bash")
        .arg(root().join("harness/build-bins.sh"))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let dir = PathBuf::from(String::from_utf8(output.stdout).unwrap().trim());
    dir.join("kubectl")
}

/// A directory with `kubectl-daemonset`, made by the project's script.
fn plugin_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let output = Command::new("bash")
        .arg(root().join("scripts/install-kubectl-plugin.sh"))
        .arg(get_cargo_bin("daemonset"))
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    dir
}

/// kubectl with only the plugin directory and the system directories on PATH.
fn run(kubectl: &Path, plugins: &Path, args: &[&str]) -> Output {
    Command::new(kubectl)
        .args(args)
        .current_dir(root())
        .env("PATH", format!("{}:/usr/bin:/bin", plugins.display()))
        .env("KUBECONFIG", kubeconfig())
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
#[ignore = "needs the harness's kubectl and a control plane: run scripts/cluster-tests.sh"]
fn kubectl_plugin_list_finds_kubectl_daemonset() {
    let kubectl = kubectl();
    let plugins = plugin_dir();
    let output = run(&kubectl, plugins.path(), &["plugin", "list"]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let listed = text(&output.stdout);
    assert!(
        listed.contains(&format!(
            "{}",
            plugins.path().join("kubectl-daemonset").display()
        )),
        "{listed}"
    );
}

#[test]
#[ignore = "needs the harness's kubectl and a control plane: run scripts/cluster-tests.sh"]
fn kubectl_daemonset_check_is_daemonset_check() {
    let kubectl = kubectl();
    let plugins = plugin_dir();
    for file in [
        "tests/fixtures/seeds/log-collector.yaml",
        "tests/fixtures/seeds/node-specific-daemonset.misplaced.yaml",
        "cli/tests/fixtures/formats/agents.yaml",
    ] {
        let through_kubectl = run(&kubectl, plugins.path(), &["daemonset", "check", file]);
        let direct = Command::new(get_cargo_bin("daemonset"))
            .args(["check", file])
            .current_dir(root())
            .output()
            .unwrap();
        assert_eq!(
            through_kubectl.status.code(),
            direct.status.code(),
            "{file}"
        );
        assert_eq!(
            text(&through_kubectl.stdout),
            text(&direct.stdout),
            "{file}"
        );
        assert_eq!(
            text(&through_kubectl.stderr),
            text(&direct.stderr),
            "{file}"
        );
    }
    let help = run(&kubectl, plugins.path(), &["daemonset", "--help"]);
    assert!(
        text(&help.stdout).contains("Usage: kubectl daemonset <COMMAND>"),
        "{}",
        text(&help.stdout)
    );
}

#[test]
#[ignore = "needs the harness's kubectl and a control plane: run scripts/cluster-tests.sh"]
fn kubectl_daemonset_apply_reaches_the_cluster() {
    let kubectl = kubectl();
    let plugins = plugin_dir();
    let output = run(
        &kubectl,
        plugins.path(),
        &[
            "daemonset",
            "apply",
            "-f",
            "tests/fixtures/seeds/nginx-daemonset.yaml",
            "--dry-run",
            "server",
            "-n",
            "default",
        ],
    );
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_eq!(
        text(&output.stdout).trim(),
        "daemonset.apps/nginx-daemonset created (server dry run)"
    );
}
