//! The `daemonset` command as a user sees it: exact stdout, stderr and exit code of every command and every
//! bad-input case, snapshotted with insta-cmd. Each test runs in a sandbox directory holding copies of the example
//! specs, the seed manifests and the fixtures, so the paths in messages are short and stable.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use insta_cmd::{assert_cmd_snapshot, get_cargo_bin};
use tempfile::TempDir;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace root")
        .to_owned()
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        if entry.path().is_file() {
            fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
}

/// A directory with `specs/` (the example specs and values), `seeds/`, `bad/`, `manifests/`, `plan/` (the planner's
/// fixture: a DaemonSet, twelve nodes, their pods) and `cluster/` (kubeconfigs that lead nowhere).
fn sandbox() -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&root().join("examples/specs"), &dir.path().join("specs"));
    copy_dir(
        &root().join("tests/fixtures/seeds"),
        &dir.path().join("seeds"),
    );
    copy_dir(
        &root().join("cli/tests/fixtures/bad"),
        &dir.path().join("bad"),
    );
    copy_dir(
        &root().join("cli/tests/fixtures/manifests"),
        &dir.path().join("manifests"),
    );
    copy_dir(
        &root().join("tests/fixtures/plan"),
        &dir.path().join("plan"),
    );
    copy_dir(
        &root().join("cli/tests/fixtures/cluster"),
        &dir.path().join("cluster"),
    );
    dir
}

fn daemonset(dir: &TempDir) -> Command {
    let mut cmd = Command::new(get_cargo_bin("daemonset"));
    cmd.current_dir(dir.path());
    // Never reach for the developer's cluster.
    cmd.env("KUBECONFIG", "no-such-dir/kubeconfig");
    cmd.env("HOME", "no-such-home");
    cmd
}

/// Every file under `dir` with its content, to show a directory is unchanged.
fn contents(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    if dir.is_dir() {
        for entry in fs::read_dir(dir).unwrap() {
            let entry = entry.unwrap();
            out.insert(
                entry.file_name().to_string_lossy().into_owned(),
                fs::read(entry.path()).unwrap(),
            );
        }
    }
    out
}

const VALUES: [&str; 2] = ["--values", "specs/values.yaml"];

// ---- render ----------------------------------------------------------------------------------------------------

#[test]
fn render_streams_the_example_specs() {
    let dir = sandbox();
    assert_cmd_snapshot!(daemonset(&dir).arg("render").arg("specs").args(VALUES));
}

#[test]
fn render_json_of_one_spec() {
    let dir = sandbox();
    assert_cmd_snapshot!(daemonset(&dir).args([
        "render",
        "specs/rolling-update-daemonset.yaml",
        "-o",
        "json"
    ]));
}

#[test]
fn render_set_overrides_values() {
    let dir = sandbox();
    let out = daemonset(&dir)
        .args(["render", "specs/log-collector.yaml"])
        .args(VALUES)
        .args(["--set", "logCollector.image.tag=v1.16"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("image: fluent/fluentd:v1.16\n"));
}

#[test]
fn render_normalizes_a_manifest() {
    let dir = sandbox();
    assert_cmd_snapshot!(daemonset(&dir).args(["render", "seeds/tolerate-taints-daemonset.yaml"]));
}

#[test]
fn bad_input_missing_value_names_the_variable_and_line() {
    let dir = sandbox();
    assert_cmd_snapshot!(daemonset(&dir).args([
        "render",
        "bad/missing-value.yaml",
        "--values",
        "bad/missing-value.values.yaml"
    ]));
}

#[test]
fn bad_input_missing_value_without_any_values() {
    let dir = sandbox();
    assert_cmd_snapshot!(daemonset(&dir).args(["render", "specs/log-collector.yaml"]));
}

#[test]
fn bad_input_malformed_yaml() {
    let dir = sandbox();
    assert_cmd_snapshot!(daemonset(&dir).args(["render", "bad/malformed.yaml"]));
}

#[test]
fn bad_input_template_syntax_error() {
    let dir = sandbox();
    assert_cmd_snapshot!(daemonset(&dir).args(["render", "bad/template-syntax.yaml"]));
}

#[test]
fn bad_input_unknown_key_did_you_mean() {
    let dir = sandbox();
    assert_cmd_snapshot!(daemonset(&dir).args(["render", "bad/unknown-key.yaml"]));
}

#[test]
fn bad_input_mount_of_undeclared_volume() {
    let dir = sandbox();
    assert_cmd_snapshot!(daemonset(&dir).args(["render", "bad/undeclared-volume.yaml"]));
}

#[test]
fn bad_input_spec_breaking_validation() {
    let dir = sandbox();
    assert_cmd_snapshot!(daemonset(&dir).args(["render", "bad/invalid-object.yaml"]));
}

#[test]
fn bad_input_non_utf8_spec() {
    let dir = sandbox();
    fs::write(
        dir.path().join("latin1.yaml"),
        b"name: agent\nselectorLabels: {app: caf\xe9}\n",
    )
    .unwrap();
    assert_cmd_snapshot!(daemonset(&dir).args(["render", "latin1.yaml"]));
}

#[test]
fn bad_input_missing_file() {
    let dir = sandbox();
    assert_cmd_snapshot!(daemonset(&dir).args(["render", "nowhere.yaml"]));
}

#[test]
fn bad_input_malformed_values_file() {
    let dir = sandbox();
    fs::write(dir.path().join("broken.values.yaml"), "image: [a\n").unwrap();
    assert_cmd_snapshot!(daemonset(&dir).args([
        "render",
        "specs",
        "--values",
        "broken.values.yaml"
    ]));
}

#[test]
fn bad_input_set_without_equals() {
    let dir = sandbox();
    assert_cmd_snapshot!(daemonset(&dir).args([
        "render",
        "specs",
        "--set",
        "logCollector.image.tag"
    ]));
}

#[test]
fn usage_error_prune_needs_out() {
    let dir = sandbox();
    assert_cmd_snapshot!(daemonset(&dir).args(["render", "specs", "--prune"]));
}

// ---- render --out ----------------------------------------------------------------------------------------------

#[test]
fn render_out_writes_one_file_per_object_and_the_manifest() {
    let dir = sandbox();
    assert_cmd_snapshot!(
        daemonset(&dir)
            .args(["render", "specs", "--out", "deploy"])
            .args(VALUES)
    );
    let files = contents(&dir.path().join("deploy"));
    insta::assert_snapshot!(String::from_utf8_lossy(&files[".daemonset-manifest"]));
    let expected = fs::read_to_string(
        root().join("cli/tests/snapshots/cli__render_streams_the_example_specs.snap"),
    )
    .unwrap();
    for (name, content) in &files {
        if name != ".daemonset-manifest" {
            assert!(
                expected.contains(&*String::from_utf8_lossy(content)),
                "{name} is what the stream renders"
            );
        }
    }
    // A second run changes nothing.
    assert_cmd_snapshot!(
        "render_out_second_run",
        daemonset(&dir)
            .args(["render", "specs", "--out", "deploy"])
            .args(VALUES)
    );
    assert_eq!(contents(&dir.path().join("deploy")), files);
}

#[test]
fn render_out_failure_leaves_the_directory_unchanged() {
    let dir = sandbox();
    let ok = daemonset(&dir)
        .args(["render", "specs", "--out", "deploy"])
        .args(VALUES)
        .output()
        .unwrap();
    assert!(ok.status.success());
    let before = contents(&dir.path().join("deploy"));
    fs::copy(
        dir.path().join("bad/unknown-key.yaml"),
        dir.path().join("specs/zz-unknown-key.yaml"),
    )
    .unwrap();
    fs::write(
        dir.path().join("specs/nginx-daemonset.yaml"),
        "name: nginx-renamed\nselectorLabels: {a: b}\ncontainers:\n- {name: a, image: a:1}\n",
    )
    .unwrap();
    assert_cmd_snapshot!(
        daemonset(&dir)
            .args(["render", "specs", "--out", "deploy", "--prune"])
            .args(VALUES)
    );
    assert_eq!(
        contents(&dir.path().join("deploy")),
        before,
        "nothing was written, renamed or pruned"
    );
}

#[test]
fn bad_input_unwritable_output_directory() {
    let dir = sandbox();
    fs::write(dir.path().join("taken"), "a file, not a directory\n").unwrap();
    assert_cmd_snapshot!(
        daemonset(&dir)
            .args(["render", "specs", "--out", "taken"])
            .args(VALUES)
    );
    assert_cmd_snapshot!(
        "bad_input_output_directory_under_a_file",
        daemonset(&dir)
            .args(["render", "specs", "--out", "taken/deploy"])
            .args(VALUES)
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("taken")).unwrap(),
        "a file, not a directory\n"
    );
}

#[test]
fn render_out_refuses_to_overwrite_a_file_it_did_not_write() {
    let dir = sandbox();
    fs::create_dir(dir.path().join("deploy")).unwrap();
    fs::write(
        dir.path().join("deploy/nginx-daemonset.yaml"),
        "# hand-written\n",
    )
    .unwrap();
    let before = contents(&dir.path().join("deploy"));
    assert_cmd_snapshot!(
        daemonset(&dir)
            .args(["render", "specs", "--out", "deploy"])
            .args(VALUES)
    );
    assert_eq!(contents(&dir.path().join("deploy")), before);
}

#[test]
fn prune_never_deletes_a_file_it_did_not_write() {
    let dir = sandbox();
    let ok = daemonset(&dir)
        .args(["render", "specs", "--out", "deploy"])
        .args(VALUES)
        .output()
        .unwrap();
    assert!(ok.status.success());
    fs::write(dir.path().join("deploy/README.md"), "mine\n").unwrap();
    fs::write(
        dir.path().join("deploy/configmap.yaml"),
        "kind: ConfigMap\n",
    )
    .unwrap();
    fs::remove_file(dir.path().join("specs/nginx-daemonset.yaml")).unwrap();
    fs::remove_file(dir.path().join("specs/rolling-update-daemonset.yaml")).unwrap();
    assert_cmd_snapshot!(
        daemonset(&dir)
            .args(["render", "specs", "--out", "deploy", "--prune"])
            .args(VALUES)
    );
    let names: Vec<String> = contents(&dir.path().join("deploy")).into_keys().collect();
    assert_eq!(
        names,
        [
            ".daemonset-manifest",
            "README.md",
            "configmap.yaml",
            "log-collector.yaml",
            "node-specific-daemonset.yaml",
            "resource-limited-daemonset.yaml",
            "tolerate-taints-daemonset.yaml"
        ]
    );
}

#[test]
fn render_check_exit_codes() {
    let dir = sandbox();
    assert_cmd_snapshot!(
        "render_check_before_any_write",
        daemonset(&dir)
            .args(["render", "specs", "--out", "deploy", "--check"])
            .args(VALUES)
    );
    assert!(
        !dir.path().join("deploy").exists(),
        "--check writes nothing"
    );
    let ok = daemonset(&dir)
        .args(["render", "specs", "--out", "deploy"])
        .args(VALUES)
        .output()
        .unwrap();
    assert!(ok.status.success());
    assert_cmd_snapshot!(
        "render_check_up_to_date",
        daemonset(&dir)
            .args(["render", "specs", "--out", "deploy", "--check"])
            .args(VALUES)
    );
    fs::write(dir.path().join("deploy/nginx-daemonset.yaml"), "edited\n").unwrap();
    fs::remove_file(dir.path().join("specs/rolling-update-daemonset.yaml")).unwrap();
    let before = contents(&dir.path().join("deploy"));
    assert_cmd_snapshot!(
        "render_check_drift",
        daemonset(&dir)
            .args(["render", "specs", "--out", "deploy", "--check", "--prune"])
            .args(VALUES)
    );
    assert_eq!(contents(&dir.path().join("deploy")), before);
}

// ---- check -----------------------------------------------------------------------------------------------------

#[test]
fn check_reports_the_seeds_misplaced_node_selector() {
    let dir = sandbox();
    assert_cmd_snapshot!(daemonset(&dir).args(["check", "seeds"]));
}

#[test]
fn check_valid_manifest() {
    let dir = sandbox();
    assert_cmd_snapshot!(daemonset(&dir).args(["check", "manifests/good.yaml"]));
}

#[test]
fn check_skips_other_kinds_and_reports_every_violation_with_its_line() {
    let dir = sandbox();
    assert_cmd_snapshot!(daemonset(&dir).args(["check", "manifests/mixed.yaml"]));
}

#[test]
fn check_reads_stdin() {
    let dir = sandbox();
    let text = fs::read_to_string(
        dir.path()
            .join("seeds/node-specific-daemonset.misplaced.yaml"),
    )
    .unwrap();
    assert_cmd_snapshot!(daemonset(&dir).args(["check", "-"]).pass_stdin(text));
}

#[test]
fn check_malformed_yaml() {
    let dir = sandbox();
    assert_cmd_snapshot!(
        daemonset(&dir)
            .args(["check", "-"])
            .pass_stdin("apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: x\n")
    );
}

#[test]
fn check_non_utf8_file() {
    let dir = sandbox();
    fs::write(
        dir.path().join("latin1.yaml"),
        b"apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: caf\xe9\n",
    )
    .unwrap();
    assert_cmd_snapshot!(daemonset(&dir).args(["check", "latin1.yaml", "manifests/good.yaml"]));
}

#[test]
fn check_missing_file() {
    let dir = sandbox();
    assert_cmd_snapshot!(daemonset(&dir).args(["check", "nowhere.yaml"]));
}

// ---- lint ------------------------------------------------------------------------------------------------------

#[test]
fn lint_example_specs_for_a_large_fleet() {
    let dir = sandbox();
    assert_cmd_snapshot!(
        daemonset(&dir)
            .args(["lint", "specs", "--nodes", "500"])
            .args(VALUES)
    );
}

#[test]
fn lint_deny_warnings_fails_on_a_warning() {
    let dir = sandbox();
    assert_cmd_snapshot!(daemonset(&dir).args([
        "lint",
        "seeds/rolling-update-daemonset.yaml",
        "--deny",
        "warnings"
    ]));
}

#[test]
fn lint_deny_warnings_passes_a_clean_manifest() {
    let dir = sandbox();
    assert_cmd_snapshot!(daemonset(&dir).args([
        "lint",
        "manifests/good.yaml",
        "--deny",
        "warnings",
        "--nodes",
        "500"
    ]));
}

#[test]
fn lint_reports_spec_errors_instead_of_findings() {
    let dir = sandbox();
    assert_cmd_snapshot!(daemonset(&dir).args([
        "lint",
        "bad/unknown-key.yaml",
        "seeds/node-specific-daemonset.misplaced.yaml"
    ]));
}

#[test]
fn lint_list_rules() {
    let dir = sandbox();
    assert_cmd_snapshot!(daemonset(&dir).args(["lint", "--list-rules"]));
}

#[test]
fn help_teaches() {
    let dir = sandbox();
    assert_cmd_snapshot!(daemonset(&dir).arg("--help"));
}

// ---- plan ------------------------------------------------------------------------------------------------------

const PLAN: [&str; 6] = [
    "plan",
    "plan/daemonset.yaml",
    "--nodes",
    "plan/nodes.yaml",
    "--pods",
    "plan/pods.yaml",
];

#[test]
fn plan_table_of_the_fixture() {
    let dir = sandbox();
    assert_cmd_snapshot!(daemonset(&dir).args(PLAN));
}

#[test]
fn plan_json_of_the_fixture() {
    let dir = sandbox();
    assert_cmd_snapshot!(daemonset(&dir).args(PLAN).args(["-o", "json"]));
}

#[test]
fn plan_explain_a_tainted_node() {
    let dir = sandbox();
    assert_cmd_snapshot!(daemonset(&dir).args(PLAN).args(["--explain", "gpu-1"]));
}

#[test]
fn plan_explain_an_unknown_node() {
    let dir = sandbox();
    assert_cmd_snapshot!(daemonset(&dir).args(PLAN).args(["--explain", "gpu-9"]));
}

#[test]
fn plan_several_daemonsets_without_pods() {
    let dir = sandbox();
    assert_cmd_snapshot!(daemonset(&dir).args([
        "plan",
        "seeds/tolerate-taints-daemonset.yaml",
        "seeds/node-specific-daemonset.yaml",
        "--nodes",
        "plan/nodes.yaml"
    ]));
}

#[test]
fn plan_spec_files_with_values_as_json_array() {
    let dir = sandbox();
    let out = daemonset(&dir)
        .args(["plan", "specs", "--nodes", "plan/nodes.yaml", "-o", "json"])
        .args(VALUES)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let plans = json.as_array().expect("an array for several DaemonSets");
    assert!(plans.len() > 1);
    for plan in plans {
        assert_eq!(plan["nodes"].as_array().unwrap().len(), 12);
        assert!(plan["desired"].is_u64());
    }
}

#[test]
fn plan_nodes_file_of_the_wrong_kind() {
    let dir = sandbox();
    assert_cmd_snapshot!(daemonset(&dir).args([
        "plan",
        "plan/daemonset.yaml",
        "--nodes",
        "plan/pods.yaml"
    ]));
}

#[test]
fn plan_invalid_daemonset_plans_nothing() {
    let dir = sandbox();
    assert_cmd_snapshot!(daemonset(&dir).args([
        "plan",
        "seeds/node-specific-daemonset.misplaced.yaml",
        "--nodes",
        "plan/nodes.yaml"
    ]));
}

#[test]
fn plan_explain_and_json_are_exclusive() {
    let dir = sandbox();
    assert_cmd_snapshot!(
        daemonset(&dir)
            .args(PLAN)
            .args(["--explain", "gpu-1", "-o", "json"])
    );
}

// ---- cluster commands without a cluster ------------------------------------------------------------------------

#[cfg(feature = "cluster")]
#[test]
fn plan_live_without_a_kubeconfig() {
    let dir = sandbox();
    assert_cmd_snapshot!(daemonset(&dir).args(["plan", "plan/daemonset.yaml"]));
}

#[cfg(feature = "cluster")]
#[test]
fn plan_live_unreachable_server() {
    let dir = sandbox();
    assert_cmd_snapshot!(daemonset(&dir).args([
        "plan",
        "plan/daemonset.yaml",
        "--kubeconfig",
        "cluster/unreachable.kubeconfig"
    ]));
}

#[cfg(feature = "cluster")]
#[test]
fn apply_with_a_kubeconfig_that_does_not_exist() {
    let dir = sandbox();
    assert_cmd_snapshot!(daemonset(&dir).args([
        "apply",
        "-f",
        "seeds/nginx-daemonset.yaml",
        "--kubeconfig",
        "missing/kubeconfig"
    ]));
}

/// The `caused by:` lines are the error's `source()` chain: the path of the kubeconfig, then kube-rs's and the YAML
/// parser's words.
#[cfg(feature = "cluster")]
#[test]
fn apply_with_a_malformed_kubeconfig_prints_each_cause() {
    let dir = sandbox();
    assert_cmd_snapshot!(daemonset(&dir).args([
        "apply",
        "-f",
        "seeds/nginx-daemonset.yaml",
        "--kubeconfig",
        "cluster/malformed.kubeconfig"
    ]));
}

#[cfg(feature = "cluster")]
#[test]
fn apply_without_any_kubeconfig() {
    let dir = sandbox();
    assert_cmd_snapshot!(daemonset(&dir).args(["apply", "-f", "seeds/nginx-daemonset.yaml"]));
}

#[cfg(feature = "cluster")]
#[test]
fn apply_unreachable_server() {
    let dir = sandbox();
    assert_cmd_snapshot!(daemonset(&dir).args([
        "apply",
        "-f",
        "seeds/nginx-daemonset.yaml",
        "-f",
        "seeds/log-collector.yaml",
        "--kubeconfig",
        "cluster/unreachable.kubeconfig"
    ]));
}

#[cfg(feature = "cluster")]
#[test]
fn apply_validates_before_sending_anything() {
    let dir = sandbox();
    // The kubeconfig leads nowhere: the only errors are the inputs', nothing was sent.
    assert_cmd_snapshot!(daemonset(&dir).args([
        "apply",
        "-f",
        "seeds",
        "--kubeconfig",
        "cluster/unreachable.kubeconfig"
    ]));
}

#[cfg(feature = "cluster")]
#[test]
fn apply_spec_files_need_their_values() {
    let dir = sandbox();
    assert_cmd_snapshot!(daemonset(&dir).args([
        "apply",
        "-f",
        "specs/log-collector.yaml",
        "--kubeconfig",
        "cluster/unreachable.kubeconfig"
    ]));
}

#[cfg(feature = "cluster")]
#[test]
fn apply_reads_stdin() {
    let dir = sandbox();
    let text = fs::read_to_string(dir.path().join("seeds/nginx-daemonset.yaml")).unwrap();
    assert_cmd_snapshot!(
        daemonset(&dir)
            .args([
                "apply",
                "-f",
                "-",
                "--dry-run=server",
                "--kubeconfig",
                "cluster/unreachable.kubeconfig"
            ])
            .pass_stdin(text)
    );
}

#[cfg(feature = "cluster")]
#[test]
fn diff_unreachable_server() {
    let dir = sandbox();
    assert_cmd_snapshot!(daemonset(&dir).args([
        "diff",
        "-f",
        "seeds/nginx-daemonset.yaml",
        "--kubeconfig",
        "cluster/unreachable.kubeconfig"
    ]));
}

#[cfg(feature = "cluster")]
#[test]
fn diff_invalid_input_is_an_error_not_a_difference() {
    let dir = sandbox();
    assert_cmd_snapshot!(daemonset(&dir).args([
        "diff",
        "-f",
        "seeds/node-specific-daemonset.misplaced.yaml",
        "--kubeconfig",
        "cluster/unreachable.kubeconfig"
    ]));
}

#[cfg(feature = "cluster")]
#[test]
fn rollout_status_unreachable_server() {
    let dir = sandbox();
    assert_cmd_snapshot!(daemonset(&dir).args([
        "rollout",
        "status",
        "daemonset/nginx-daemonset",
        "--kubeconfig",
        "cluster/unreachable.kubeconfig"
    ]));
}

#[cfg(feature = "cluster")]
#[test]
fn rollout_history_and_undo_unreachable_server() {
    let dir = sandbox();
    for args in [
        &["rollout", "history", "nginx-daemonset"][..],
        &["rollout", "undo", "nginx-daemonset", "--to-revision", "1"][..],
    ] {
        let out = daemonset(&dir)
            .args(args)
            .args(["--kubeconfig", "cluster/unreachable.kubeconfig"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(4), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.starts_with("error: cannot reach the API server at https://127.0.0.1:1/\n"),
            "{stderr}"
        );
        assert!(out.stdout.is_empty());
    }
}

#[cfg(feature = "cluster")]
#[test]
fn rollout_status_of_another_kind() {
    let dir = sandbox();
    assert_cmd_snapshot!(daemonset(&dir).args(["rollout", "status", "deployment/web"]));
}

#[cfg(feature = "cluster")]
#[test]
fn usage_error_bad_timeout() {
    let dir = sandbox();
    assert_cmd_snapshot!(daemonset(&dir).args([
        "rollout",
        "status",
        "x",
        "--timeout",
        "5 minutes"
    ]));
}

#[cfg(feature = "cluster")]
#[test]
fn usage_error_client_dry_run() {
    let dir = sandbox();
    assert_cmd_snapshot!(daemonset(&dir).args([
        "apply",
        "-f",
        "seeds/nginx-daemonset.yaml",
        "--dry-run=client"
    ]));
}

// ---- help of the new commands ----------------------------------------------------------------------------------

#[test]
fn help_of_plan() {
    let dir = sandbox();
    assert_cmd_snapshot!(daemonset(&dir).args(["plan", "--help"]));
}

#[cfg(feature = "cluster")]
#[test]
fn help_of_apply() {
    let dir = sandbox();
    assert_cmd_snapshot!(daemonset(&dir).args(["apply", "--help"]));
}

#[cfg(feature = "cluster")]
#[test]
fn help_of_diff() {
    let dir = sandbox();
    assert_cmd_snapshot!(daemonset(&dir).args(["diff", "--help"]));
}

#[cfg(feature = "cluster")]
#[test]
fn help_of_rollout() {
    let dir = sandbox();
    assert_cmd_snapshot!(daemonset(&dir).args(["rollout", "--help"]));
}

#[cfg(feature = "cluster")]
#[test]
fn help_of_rollout_status() {
    let dir = sandbox();
    assert_cmd_snapshot!(daemonset(&dir).args(["rollout", "status", "--help"]));
}

#[cfg(feature = "cluster")]
#[test]
fn help_of_rollout_history_and_undo() {
    let dir = sandbox();
    assert_cmd_snapshot!(
        "help_of_rollout_history",
        daemonset(&dir).args(["rollout", "history", "--help"])
    );
    assert_cmd_snapshot!(
        "help_of_rollout_undo",
        daemonset(&dir).args(["rollout", "undo", "--help"])
    );
}

// ---- -f, as in kubectl ---------------------------------------------------------------------------------------

fn output_of(cmd: &mut Command) -> (Option<i32>, String, String) {
    let output = cmd.output().unwrap();
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn every_input_command_takes_dash_f_like_the_arguments() {
    let dir = sandbox();
    for command in [
        &["render", "--values", "specs/values.yaml"][..],
        &["check"][..],
        &["lint", "--values", "specs/values.yaml"][..],
        &["plan", "--nodes", "plan/nodes.yaml"][..],
    ] {
        let input = if command[0] == "check" {
            "seeds"
        } else if command[0] == "plan" {
            "plan/daemonset.yaml"
        } else {
            "specs"
        };
        let positional = output_of(daemonset(&dir).args(command).arg(input));
        let flagged = output_of(daemonset(&dir).args(command).args(["-f", input]));
        let long = output_of(daemonset(&dir).args(command).args(["--filename", input]));
        assert!(!positional.1.is_empty(), "{command:?}: {positional:?}");
        assert_eq!(flagged, positional, "{command:?}");
        assert_eq!(long, positional, "{command:?}");
    }
}

#[test]
fn dash_f_is_repeatable_and_reads_stdin() {
    let dir = sandbox();
    let seed = fs::read_to_string(dir.path().join("seeds/nginx-daemonset.yaml")).unwrap();
    let (code, stdout, stderr) = output_of(
        daemonset(&dir)
            .args(["render", "-f", "specs/log-collector.yaml", "-f", "-"])
            .args(VALUES)
            .stdin(std::process::Stdio::from(
                fs::File::open(dir.path().join("seeds/nginx-daemonset.yaml")).unwrap(),
            )),
    );
    assert_eq!(code, Some(0), "{stderr}");
    let docs: Vec<&str> = stdout.split("\n---\n").collect();
    assert_eq!(docs.len(), 2, "{stdout}");
    assert!(docs[0].contains("name: log-collector"), "{stdout}");
    assert!(
        seed.contains("nginx") && docs[1].contains("nginx"),
        "{stdout}"
    );
}

#[test]
fn dash_f_on_a_values_file_says_values_are_given_with_dash_dash_values() {
    let dir = sandbox();
    for command in ["render", "lint"] {
        let (code, stdout, stderr) =
            output_of(daemonset(&dir).args([command, "specs", "-f", "specs/values.yaml"]));
        assert_eq!(code, Some(2), "{command}: {stderr}");
        assert_eq!(stdout, "", "{command}");
        assert_eq!(
            stderr,
            "error: `-f specs/values.yaml` names an input file (kubectl's convention); give template values \
             with `--values specs/values.yaml`\n",
            "{command}"
        );
    }
}

#[test]
fn no_input_is_a_usage_error() {
    let dir = sandbox();
    for command in [
        &["render"][..],
        &["check"],
        &["lint"],
        &["plan", "--nodes", "plan/nodes.yaml"],
    ] {
        let (code, _, stderr) = output_of(daemonset(&dir).args(command));
        assert_eq!(code, Some(2), "{command:?}: {stderr}");
        assert!(
            stderr.starts_with("error: no input"),
            "{command:?}: {stderr}"
        );
    }
}

#[test]
fn render_streams_but_prints_nothing_when_a_later_document_is_invalid() {
    // Objects are rendered one at a time as they are read; an invalid document at the end of the stream still
    // keeps every earlier object off stdout.
    let dir = sandbox();
    let seed = fs::read_to_string(dir.path().join("seeds/nginx-daemonset.yaml")).unwrap();
    let mut stream = String::new();
    for i in 0..50 {
        stream.push_str(&seed.replace("name: nginx", &format!("name: nginx-{i}")));
        stream.push_str("\n---\n");
    }
    let good = stream.clone();
    stream.push_str(&seed.replace("image:", "image: '' #"));
    let (code, stdout, stderr) = output_of(
        daemonset(&dir)
            .args(["render", "-f", "-"])
            .stdin(piped(&stream)),
    );
    assert_eq!(code, Some(1), "{stderr}");
    assert_eq!(stdout, "", "{stderr}");
    assert!(
        stderr.ends_with("error: nothing was rendered: fix the problems above\n"),
        "{stderr}"
    );
    let (code, stdout, stderr) = output_of(
        daemonset(&dir)
            .args(["render", "-f", "-"])
            .stdin(piped(&good)),
    );
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(stdout.matches("kind: DaemonSet").count(), 50, "{stdout}");
}

/// A file holding `text`, for stdin.
fn piped(text: &str) -> std::process::Stdio {
    let mut file = tempfile::tempfile().unwrap();
    std::io::Write::write_all(&mut file, text.as_bytes()).unwrap();
    std::io::Seek::seek(&mut file, std::io::SeekFrom::Start(0)).unwrap();
    std::process::Stdio::from(file)
}

/// `file:line:column: path: rest` (or `file:line: path: rest`) split into its parts, or `None` when a line is not
/// written that way.
fn diagnostic_parts(line: &str) -> Option<(&str, usize, Option<usize>, &str, &str)> {
    let (file, rest) = line.split_once(':')?;
    let (position, rest) = rest.split_once(": ")?;
    let (line_number, column) = match position.split_once(':') {
        Some((line, column)) => (line, Some(column.parse().ok()?)),
        None => (position, None),
    };
    let (path, rest) = rest.split_once(": ")?;
    let path_is_a_field_path = !path.is_empty() && !path.contains(' ');
    path_is_a_field_path.then_some((file, line_number.parse().ok()?, column, path, rest))
}

#[test]
fn a_spec_error_a_parse_error_a_violation_and_a_lint_finding_are_written_alike() {
    // One file, `agent.yaml`, holding in turn a spec file with a mount of an undeclared volume, a manifest with a
    // misplaced key, one with an invalid name and one with a `latest` image. Every command that reports the
    // problem writes it `agent.yaml:line:column: path: message` (stderr with `error: ` first).
    const MANIFEST: &str = "apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: agent\nspec:\n  selector: {matchLabels: {app: agent}}\n  template:\n    metadata: {labels: {app: agent}}\n    spec:\n      containers:\n      - {name: agent, image: \"agent:1.0\"}\n";
    let spec = "name: agent\nselectorLabels: {app: agent}\ncontainers:\n- name: agent\n  image: agent:1.0\n  mounts:\n  - {volume: logs, path: /var/log}\n";
    let parse = MANIFEST.replace(
        "  template:\n",
        "  nodeSelector: {disk: ssd}\n  template:\n",
    );
    let violation = MANIFEST.replace("name: agent\nspec", "name: Agent_1\nspec");
    let lint = MANIFEST.replace("agent:1.0", "agent:latest");
    let cases = [
        (
            spec,
            "render",
            "stderr",
            (
                7,
                Some(6),
                "containers[0].mounts[0].volume",
                "Not found: \"logs\"",
            ),
        ),
        (
            spec,
            "lint",
            "stderr",
            (
                7,
                Some(6),
                "containers[0].mounts[0].volume",
                "Not found: \"logs\"",
            ),
        ),
        (
            parse.as_str(),
            "check",
            "stdout",
            (
                7,
                Some(3),
                "spec.nodeSelector",
                "unknown field `nodeSelector`",
            ),
        ),
        (
            parse.as_str(),
            "render",
            "stderr",
            (
                7,
                Some(3),
                "spec.nodeSelector",
                "unknown field `nodeSelector`",
            ),
        ),
        (
            parse.as_str(),
            "lint",
            "stderr",
            (
                7,
                Some(3),
                "spec.nodeSelector",
                "unknown field `nodeSelector`",
            ),
        ),
        (
            violation.as_str(),
            "check",
            "stdout",
            (4, Some(3), "metadata.name", "Invalid value: \"Agent_1\""),
        ),
        (
            violation.as_str(),
            "render",
            "stderr",
            (4, Some(3), "metadata.name", "Invalid value: \"Agent_1\""),
        ),
        (
            lint.as_str(),
            "lint",
            "stdout",
            (
                11,
                Some(23),
                "spec.template.spec.containers[0].image",
                "DS002 warning: image \"agent:latest\"",
            ),
        ),
    ];
    let dir = tempfile::tempdir().unwrap();
    for (text, command, stream, (line, column, path, start)) in cases {
        fs::write(dir.path().join("agent.yaml"), text).unwrap();
        let output = daemonset(&dir)
            .args([command, "agent.yaml"])
            .output()
            .unwrap();
        let out = String::from_utf8(if stream == "stdout" {
            output.stdout
        } else {
            output.stderr
        })
        .unwrap();
        let reported: Vec<&str> = out
            .lines()
            .map(|l| l.strip_prefix("error: ").unwrap_or(l))
            .filter(|l| l.starts_with("agent.yaml:"))
            .collect();
        let wanted = reported
            .iter()
            .filter_map(|l| diagnostic_parts(l))
            .find(|&(_, _, _, p, _)| p == path);
        assert!(
            matches!(wanted, Some(("agent.yaml", l, c, _, rest)) if l == line && c == column && rest.starts_with(start)),
            "{command}: {path} at {line}:{column:?} in {stream}:\n{out}"
        );
        for l in &reported {
            assert!(
                diagnostic_parts(l).is_some(),
                "{command}: not file:line:column: path: message: {l}"
            );
        }
    }
}
