//! YAML read as kubectl reads it, and nothing silently dropped or changed (issues 9 and 13): each test runs the
//! `daemonset` binary on an input that the reader before these fixes got wrong.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace root")
        .to_owned()
}

/// Runs `daemonset ARGS` in `dir` with `stdin`; returns the exit code, stdout and stderr.
fn run(dir: &Path, args: &[&str], stdin: &str) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_daemonset"))
        .args(args)
        .current_dir(dir)
        .env("HOME", "no-such-home")
        .env("KUBECONFIG", "no-such-dir/kubeconfig")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn check(stdin: &str) -> (i32, String, String) {
    run(&root(), &["check", "-"], stdin)
}

const DS: &str = "apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
spec:
  selector:
    matchLabels: {app: agent}
  template:
    metadata:
      labels: {app: agent}
    spec:
      containers:
      - name: agent
        image: agent:1.0
";

#[test]
fn real_manifests_with_octal_modes_merge_keys_and_a_bom_pass_check() {
    let (code, stdout, stderr) = run(&root(), &["check", "tests/fixtures/yaml-read"], "");
    assert_eq!(code, 0, "stdout:\n{stdout}\nstderr:\n{stderr}");
    assert!(
        stderr.contains("Summary: 2 DaemonSets found in 2 files - Valid: 2, Invalid: 0"),
        "{stderr}"
    );
}

#[test]
fn a_document_on_the_separator_line_is_refused_like_kubectl() {
    let text = "--- {apiVersion: apps/v1, kind: DaemonSet, metadata: {name: x}}\n";
    let (code, stdout, stderr) = check(text);
    assert_eq!(code, 1, "stdout:\n{stdout}\nstderr:\n{stderr}");
    assert!(
        stdout.starts_with("<stdin>:1:4: invalid YAML: invalid document separator"),
        "{stdout}"
    );
    assert!(!stderr.contains("no documents"), "{stderr}");
}

#[test]
fn a_plain_yes_in_an_env_value_is_a_boolean_and_refused_once_with_its_path() {
    let text = format!("{DS}        env:\n        - name: KUBERNETES\n          value: yes\n");
    let (code, stdout, _) = check(&text);
    assert_eq!(code, 1, "{stdout}");
    let path = "spec.template.spec.containers[0].env[0].value";
    assert!(
        stdout.starts_with(&format!(
            "<stdin>:17:18: {path}: invalid type: boolean `true`, expected a string"
        )),
        "{stdout}"
    );
    assert!(stdout.contains("quote it (\"yes\")"), "{stdout}");
    assert_eq!(
        stdout.matches(path).count(),
        1,
        "path printed once: {stdout}"
    );
}

#[test]
fn a_number_where_a_string_is_wanted_is_refused() {
    let (code, stdout, _) = check(&DS.replace("image: agent:1.0", "image: 1.10"));
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stdout.contains("containers[0].image: invalid type"),
        "{stdout}"
    );
}

#[test]
fn a_typo_in_the_kind_is_an_error_with_a_suggestion() {
    let (code, stdout, _) = check(&DS.replace("kind: DaemonSet", "kind: Daemonset"));
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stdout.contains("<stdin>:2:7: kind: `apps/v1` has no kind `Daemonset`")
            && stdout.contains("did you mean `DaemonSet`?"),
        "{stdout}"
    );
}

#[test]
fn a_daemon_set_of_a_removed_api_version_is_an_error() {
    for version in ["extensions/v1beta1", "apps/v1beta2"] {
        let (code, stdout, _) = check(&DS.replace("apps/v1", version));
        assert_eq!(code, 1, "{version}: {stdout}");
        assert!(
            stdout.contains(&format!("a DaemonSet in `{version}` is not served"))
                && stdout.contains("apiVersion: apps/v1"),
            "{stdout}"
        );
    }
    // A custom resource of kind DaemonSet (OpenKruise's Advanced DaemonSet) is not ours to judge.
    let (code, _, stderr) = check(&DS.replace("apps/v1", "apps.kruise.io/v1alpha1"));
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("skipping DaemonSet (apps.kruise.io/v1alpha1)"),
        "{stderr}"
    );
}

#[test]
fn custom_tags_are_refused_not_dropped() {
    let (code, stdout, _) = check(&DS.replace("image: agent:1.0", "image: !custom agent:1.0"));
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stdout.contains("<stdin>:14:24: invalid YAML: the tag `!custom` is not supported"),
        "{stdout}"
    );
}

#[test]
fn binary_is_decoded_like_kubectl_not_kept_as_text() {
    // base64 of "agent:2.0"
    let text = DS.replace("image: agent:1.0", "image: !!binary YWdlbnQ6Mi4w");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("ds.yaml"), &text).unwrap();
    let (code, stdout, stderr) = run(dir.path(), &["render", "ds.yaml"], "");
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("image: agent:2.0"), "{stdout}");
    let bad = DS.replace("image: agent:1.0", "image: !!binary '%%%'");
    let (code, stdout, _) = check(&bad);
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("invalid base64"), "{stdout}");
}

#[test]
fn duplicate_keys_in_spec_and_values_files_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let spec = "name: agent\nselectorLabels: {app: agent}\ncontainers:\n- name: agent\n  image: agent:1.0\nname: other\n";
    std::fs::write(dir.path().join("agent.yaml"), spec).unwrap();
    let (code, stdout, stderr) = run(dir.path(), &["render", "agent.yaml"], "");
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(
        stderr.contains("agent.yaml:6:1: invalid YAML: duplicate key `name` (first at line 1)"),
        "{stderr}"
    );

    let spec = "name: agent\nselectorLabels: {app: agent}\ncontainers:\n- name: agent\n  image: agent:{{ tag }}\n";
    std::fs::write(dir.path().join("agent.yaml"), spec).unwrap();
    std::fs::write(dir.path().join("v.yaml"), "tag: '1.0'\ntag: '2.0'\n").unwrap();
    let (code, stdout, stderr) = run(
        dir.path(),
        &["render", "agent.yaml", "--values", "v.yaml"],
        "",
    );
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(
        stderr.contains("v.yaml:2:1: invalid YAML: duplicate key `tag` (first at line 1)"),
        "{stderr}"
    );
}

#[test]
fn spec_values_beyond_int32_are_errors_not_clamped() {
    let dir = tempfile::tempdir().unwrap();
    let spec = "name: agent\nselectorLabels: {app: agent}\ncontainers:\n- name: agent\n  image: agent:1.0\nminReadySeconds: 4000000000\n";
    std::fs::write(dir.path().join("agent.yaml"), spec).unwrap();
    let (code, stdout, stderr) = run(dir.path(), &["render", "agent.yaml"], "");
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(!stdout.contains("2147483647"), "{stdout}");
    assert!(
        stderr.contains("minReadySeconds") && stderr.contains("4000000000"),
        "{stderr}"
    );
}

#[test]
fn many_unknown_fields_and_violations_are_all_located() {
    // Before: one scan of the text per finding (202 s for 10,000 unknown fields, over 300 s for 20,000
    // violations, debug build). No time is asserted here: the linear scaling is measured by the bench
    // `cli/benches/linear_time.rs`; this test checks that every finding is reported at its line.
    let mut unknown = DS[..DS.find("      containers:").unwrap()].to_owned();
    for i in 0..10_000 {
        unknown.push_str(&format!("      unknownField{i:05}: x\n"));
    }
    unknown.push_str("      containers:\n      - name: agent\n        image: agent:1.0\n");
    let mut violations = DS.to_owned();
    violations.push_str("        env:\n");
    for i in 0..20_000 {
        violations.push_str(&format!("        - name: '{i}=bad'\n          value: x\n"));
    }
    let (code, stdout, _) = check(&unknown);
    assert_eq!(code, 1);
    assert_eq!(stdout.lines().count(), 10_000);
    assert!(
        stdout
            .lines()
            .last()
            .unwrap()
            .starts_with("<stdin>:10011:7: spec.template.spec.unknownField09999: unknown field"),
        "{}",
        stdout.lines().last().unwrap()
    );
    let (code, stdout, _) = check(&violations);
    assert_eq!(code, 1);
    assert_eq!(stdout.lines().count(), 20_000);
    assert!(
        stdout.lines().last().unwrap().starts_with(
            "<stdin>:40014:11: spec.template.spec.containers[0].env[19999].name: Invalid value"
        ),
        "{}",
        stdout.lines().last().unwrap()
    );
}

#[test]
fn a_streamed_parse_problem_keeps_the_readers_column_in_json() {
    // `value: yes` is a boolean for kubectl: the reader knows the line and column of the scalar.
    let text = format!("{DS}        env:\n        - name: KUBERNETES\n          value: yes\n");
    let (code, stdout, stderr) = run(&root(), &["check", "-", "-o", "json"], &text);
    assert_eq!(code, 1, "stdout:\n{stdout}\nstderr:\n{stderr}");
    let json: serde_json::Value = serde_json::from_str(&stdout).expect("JSON output");
    let finding = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["rule"] == "ParseError")
        .unwrap_or_else(|| panic!("a ParseError finding in {stdout}"));
    let line = text.lines().count();
    let column = text.lines().last().unwrap().find("yes").unwrap() + 1;
    assert_eq!(finding["line"], line, "{finding}");
    assert_eq!(finding["column"], column, "{finding}");
}

#[test]
fn an_unknown_field_is_at_its_keys_column_in_check_and_lint() {
    // The reader gives an unknown key's line only; its column came out as 1 when check streamed the input.
    let text = DS.replace(
        "      - name: agent\n",
        "      - name: agent\n        imagePullPolicyy: Always\n",
    );
    let line = text
        .lines()
        .position(|l| l.contains("imagePullPolicyy"))
        .unwrap()
        + 1;
    for command in ["check", "lint"] {
        let (code, stdout, stderr) = run(&root(), &[command, "-", "-o", "json"], &text);
        assert_eq!(code, 1, "{command}: stdout:\n{stdout}\nstderr:\n{stderr}");
        let json: serde_json::Value = serde_json::from_str(&stdout).expect("JSON output");
        let finding = json["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .find(|f| f["rule"] == "ParseError")
            .unwrap_or_else(|| panic!("{command}: a ParseError finding in {stdout}"));
        assert_eq!(finding["line"], line, "{command}: {finding}");
        assert_eq!(finding["column"], 9, "{command}: {finding}");
    }
}
