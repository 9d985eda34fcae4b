//! The machine-readable outputs of `check` and `lint`: a golden (insta) snapshot per format, each output validated
//! against its schema (`schemas/findings-v1.json` and the official SARIF 2.1.0 schema with the `jsonschema`
//! crate, the JUnit XSD of Jenkins' xUnit plugin with `xmllint`), and read by real consumers where they are
//! installed (`scripts/install-format-tools.sh`: Python's `jsonschema` for SARIF, `junitparser` for JUnit). Also
//! the rule selection flags and `.daemonset.toml`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use insta_cmd::get_cargo_bin;
use serde_json::Value;
use tempfile::TempDir;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace root")
        .to_owned()
}

/// A directory with `formats/` (two manifests: violations, server warnings, lint findings, a parse error, a
/// skipped ConfigMap, a clean DaemonSet).
fn sandbox() -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    let to = dir.path().join("formats");
    fs::create_dir_all(&to).unwrap();
    for entry in fs::read_dir(root().join("cli/tests/fixtures/formats")).unwrap() {
        let entry = entry.unwrap();
        fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
    }
    dir
}

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(get_cargo_bin("daemonset"))
        .current_dir(dir)
        .env("KUBECONFIG", "no-such-dir/kubeconfig")
        .env("HOME", "no-such-home")
        .args(args)
        .output()
        .unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

fn schema(name: &str) -> Value {
    serde_json::from_str(&fs::read_to_string(root().join("schemas").join(name)).unwrap()).unwrap()
}

/// Every error of `instance` against `schema`, as `path: message` lines.
fn schema_errors(validator: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    validator
        .iter_errors(instance)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

fn findings_validator() -> jsonschema::Validator {
    jsonschema::validator_for(&schema("findings-v1.json")).expect("the findings schema compiles")
}

fn sarif_validator() -> jsonschema::Validator {
    jsonschema::draft4::new(&schema("sarif-schema-2.1.0.json"))
        .expect("the official SARIF schema compiles")
}

fn which(tool: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(tool))
            .find(|path| path.is_file())
    })
}

/// A real consumer that is not installed: a failure where the test script installed them
/// (`DAEMONSET_REQUIRE_TOOLS=1`, set by `scripts/test.sh` after `scripts/install-format-tools.sh`), a note otherwise.
fn missing(tool: &str) {
    let message = format!("{tool} is not installed (scripts/install-format-tools.sh)");
    assert!(
        std::env::var_os("DAEMONSET_REQUIRE_TOOLS").is_none(),
        "{message}, and DAEMONSET_REQUIRE_TOOLS is set"
    );
    eprintln!("skipped: {message}");
}

fn python_has(module: &str) -> bool {
    Command::new("python3")
        .args(["-c", &format!("import {module}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn check_json_is_golden_and_matches_the_schema() {
    let dir = sandbox();
    let output = run(dir.path(), &["check", "formats/", "-o", "json"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let text = stdout(&output);
    insta::assert_snapshot!("check_json", text);
    let value: Value = serde_json::from_str(&text).unwrap();
    let validator = findings_validator();
    assert_eq!(schema_errors(&validator, &value), Vec::<String>::new());
    // Every category of finding check produces is in the golden output.
    let categories: Vec<&str> = value["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["category"].as_str().unwrap())
        .collect();
    for category in ["parse", "violation", "server-warning"] {
        assert!(categories.contains(&category), "{category}: {categories:?}");
    }
    // The schema is not a rubber stamp: a wrong severity, a missing line or a rule id of the wrong form fail.
    for (pointer, bad) in [
        ("/findings/0/severity", Value::from("fatal")),
        ("/findings/0/line", Value::from(0)),
        ("/findings/0/rule", Value::from("DS1")),
        ("/version", Value::from(2)),
    ] {
        let mut broken = value.clone();
        *broken.pointer_mut(pointer).unwrap() = bad;
        assert!(
            !schema_errors(&validator, &broken).is_empty(),
            "{pointer} should break the schema"
        );
    }
}

#[test]
fn lint_json_is_golden_and_matches_the_schema() {
    let dir = sandbox();
    let output = run(
        dir.path(),
        &["lint", "formats/", "-o", "json", "--enable", "all"],
    );
    let text = stdout(&output);
    insta::assert_snapshot!("lint_json", text);
    let value: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        schema_errors(&findings_validator(), &value),
        Vec::<String>::new()
    );
    let summary = &value["summary"];
    assert_eq!(summary["daemonSets"], 3);
    assert_eq!(summary["skipped"], 1);
    assert_eq!(summary["errors"], 1, "the file with a parse error");
}

fn check_sarif(text: &str) -> Value {
    let value: Value = serde_json::from_str(text).unwrap();
    assert_eq!(
        schema_errors(&sarif_validator(), &value),
        Vec::<String>::new()
    );
    // Every result points at a line and at a rule of the table.
    let run = &value["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    for result in run["results"].as_array().unwrap() {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
        let region = &result["locations"][0]["physicalLocation"]["region"];
        assert!(region["startLine"].as_u64().unwrap() >= 1);
    }
    value
}

/// Python's reference `jsonschema` implementation, as a second validator of the official SARIF schema.
fn python_validates_sarif(file: &Path) {
    if !python_has("jsonschema") {
        missing("Python jsonschema");
        return;
    }
    let script = "import json, sys, jsonschema\n\
        schema = json.load(open(sys.argv[1]))\n\
        log = json.load(open(sys.argv[2]))\n\
        errors = list(jsonschema.Draft4Validator(schema).iter_errors(log))\n\
        [print(e.message) for e in errors]\n\
        sys.exit(1 if errors else 0)\n";
    let output = Command::new("python3")
        .args(["-c", script])
        .arg(root().join("schemas/sarif-schema-2.1.0.json"))
        .arg(file)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "Python jsonschema rejects the SARIF log:\n{}{}",
        stdout(&output),
        stderr(&output)
    );
}

#[test]
fn check_sarif_is_golden_and_matches_the_official_schema() {
    let dir = sandbox();
    let output = run(dir.path(), &["check", "formats/", "-o", "sarif"]);
    let text = stdout(&output);
    insta::assert_snapshot!("check_sarif", text);
    let value = check_sarif(&text);
    let uris: Vec<&str> = value["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert!(
        uris.contains(&"formats/broken%20file.yaml"),
        "a space is percent-encoded: {uris:?}"
    );
    let file = dir.path().join("check.sarif");
    fs::write(&file, &text).unwrap();
    python_validates_sarif(&file);
}

#[test]
fn lint_sarif_is_golden_and_matches_the_official_schema() {
    let dir = sandbox();
    let output = run(
        dir.path(),
        &["lint", "formats/", "-o", "sarif", "--enable", "DS015"],
    );
    let text = stdout(&output);
    insta::assert_snapshot!("lint_sarif", text);
    let value = check_sarif(&text);
    let levels: Vec<&str> = value["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["level"].as_str().unwrap())
        .collect();
    assert!(
        levels.contains(&"note"),
        "info findings are SARIF notes: {levels:?}"
    );
    let file = dir.path().join("lint.sarif");
    fs::write(&file, &text).unwrap();
    python_validates_sarif(&file);
}

/// `xmllint --schema` with the JUnit XSD, and Python's junitparser reading the suites and cases back.
fn junit_consumers(file: &Path, tests: usize, failures: usize, errors: usize) {
    match which("xmllint") {
        Some(xmllint) => {
            let output = Command::new(xmllint)
                .args(["--noout", "--schema"])
                .arg(root().join("schemas/junit-jenkins.xsd"))
                .arg(file)
                .output()
                .unwrap();
            assert!(
                output.status.success(),
                "xmllint rejects the JUnit XML:\n{}",
                stderr(&output)
            );
        }
        None => missing("xmllint"),
    }
    if !python_has("junitparser") {
        missing("junitparser");
        return;
    }
    let script = "import sys\n\
        from junitparser import JUnitXml, Failure, Error\n\
        xml = JUnitXml.fromfile(sys.argv[1])\n\
        cases = [c for s in xml for c in s]\n\
        failures = sum(1 for c in cases if any(isinstance(r, Failure) for r in c.result))\n\
        errors = sum(1 for c in cases if any(isinstance(r, Error) for r in c.result))\n\
        print(len(cases), failures, errors)\n";
    let output = Command::new("python3")
        .args(["-c", script])
        .arg(file)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        stdout(&output).trim(),
        format!("{tests} {failures} {errors}"),
        "junitparser's count of cases, failures, errors"
    );
}

#[test]
fn check_junit_is_golden_and_read_by_junit_consumers() {
    let dir = sandbox();
    let output = run(dir.path(), &["check", "formats/", "-o", "junit"]);
    let text = stdout(&output);
    insta::assert_snapshot!("check_junit", text);
    let file = dir.path().join("check.xml");
    fs::write(&file, &text).unwrap();
    // Cases: log-agent (violation), node-exporter (clean), the broken file's parse error, `broken` (violations).
    junit_consumers(&file, 4, 2, 1);
}

#[test]
fn lint_junit_is_golden_and_read_by_junit_consumers() {
    let dir = sandbox();
    let output = run(dir.path(), &["lint", "formats/", "-o", "junit"]);
    let text = stdout(&output);
    insta::assert_snapshot!("lint_junit", text);
    let file = dir.path().join("lint.xml");
    fs::write(&file, &text).unwrap();
    junit_consumers(&file, 4, 2, 1);
}

#[test]
fn text_mode_ends_with_a_summary_line() {
    let dir = sandbox();
    let output = run(dir.path(), &["check", "formats/"]);
    insta::assert_snapshot!(
        "check_text",
        format!("{}----- stderr -----\n{}", stdout(&output), stderr(&output))
    );
    assert_eq!(
        stderr(&output).lines().last(),
        Some(
            "Summary: 3 DaemonSets found in 2 files - Valid: 1, Invalid: 2, Errors: 1, Skipped: 1 - Warnings: 3"
        )
    );
    let output = run(dir.path(), &["lint", "formats/"]);
    assert_eq!(
        stderr(&output).lines().last(),
        Some(
            "Summary: 3 DaemonSets found in 2 files - Clean: 1, With warnings: 2, Errors: 1, Skipped: 1 - Warnings: 9, Info: 0"
        )
    );
}

fn lint_ids(output: &Output) -> Vec<String> {
    let value: Value = serde_json::from_str(&stdout(output)).unwrap();
    let mut ids: Vec<String> = value["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["category"] == "lint")
        .map(|f| f["rule"].as_str().unwrap().to_owned())
        .collect();
    ids.sort();
    ids.dedup();
    ids
}

#[test]
fn enable_disable_and_severity_select_rules() {
    let dir = sandbox();
    let lint = |extra: &[&str]| {
        let mut args = vec!["lint", "formats/agents.yaml", "-o", "json"];
        args.extend_from_slice(extra);
        lint_ids(&run(dir.path(), &args))
    };
    assert_eq!(
        lint(&[]),
        ["DS002", "DS003", "DS011", "DS012", "DS013", "DS014"]
    );
    assert_eq!(
        lint(&["--disable", "DS002,host-port", "--disable", "DS014"]),
        ["DS003", "DS012", "DS013"]
    );
    assert_eq!(
        lint(&["--enable", "DS015,DS018"]),
        [
            "DS002", "DS003", "DS011", "DS012", "DS013", "DS014", "DS015", "DS018"
        ]
    );
    assert_eq!(
        lint(&["--enable", "all", "--severity", "warning"]),
        ["DS002", "DS003", "DS011", "DS012", "DS013", "DS014"]
    );
    assert_eq!(lint(&["--disable", "all", "--enable", "DS011"]), ["DS011"]);
    let output = run(dir.path(), &["lint", "formats/", "--enable", "DS099"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output),
        "error: no lint rule named `DS099`; `daemonset lint --list-rules` lists them\n"
    );
}

#[test]
fn the_config_file_is_found_by_walking_up_and_the_command_line_wins() {
    let dir = sandbox();
    fs::write(
        dir.path().join(".daemonset.toml"),
        "[lint]\nenable = [\"DS015\"]\ndisable = [\"DS002\", \"DS011\"]\nseverity = \"info\"\n",
    )
    .unwrap();
    let nested = dir.path().join("deep/er");
    fs::create_dir_all(&nested).unwrap();
    let from = |cwd: &Path, extra: &[&str]| {
        let mut args = vec!["lint", "formats/agents.yaml", "-o", "json"];
        args.extend_from_slice(extra);
        lint_ids(&run(cwd, &args))
    };
    let configured = ["DS003", "DS012", "DS013", "DS014", "DS015"];
    assert_eq!(from(dir.path(), &[]), configured);
    // Two directories down, the same file applies (paths relative to there).
    let output = run(
        &nested,
        &["lint", "../../formats/agents.yaml", "-o", "json"],
    );
    assert_eq!(lint_ids(&output), configured);
    assert_eq!(
        from(dir.path(), &["--no-config"]),
        ["DS002", "DS003", "DS011", "DS012", "DS013", "DS014"]
    );
    assert_eq!(
        from(
            dir.path(),
            &[
                "--enable",
                "DS002",
                "--disable",
                "DS015",
                "--severity",
                "warning"
            ]
        ),
        ["DS002", "DS003", "DS012", "DS013", "DS014"],
        "flags win over the file"
    );
    fs::write(
        dir.path().join("other.toml"),
        "[lint]\ndisable = [\"all\"]\n",
    )
    .unwrap();
    assert_eq!(
        from(dir.path(), &["--config", "other.toml"]),
        Vec::<String>::new()
    );
    fs::write(dir.path().join("bad.toml"), "[lint]\nseverity = \"loud\"\n").unwrap();
    let output = run(
        dir.path(),
        &["lint", "formats/agents.yaml", "--config", "bad.toml"],
    );
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr(&output),
        "error: bad.toml: lint.severity: `loud` is not one of `info`, `warning`\n"
    );
    fs::write(dir.path().join("typo.toml"), "[lint]\nenabel = []\n").unwrap();
    let output = run(
        dir.path(),
        &["lint", "formats/agents.yaml", "--config", "typo.toml"],
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("unknown field `enabel`"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn list_rules_shows_the_selection() {
    let dir = sandbox();
    let output = run(
        dir.path(),
        &[
            "lint",
            "--list-rules",
            "--enable",
            "DS016",
            "--disable",
            "DS006",
        ],
    );
    let text = stdout(&output);
    let line = |id: &str| {
        text.lines()
            .find(|l| l.starts_with(id))
            .unwrap()
            .split_whitespace()
            .nth(2)
            .unwrap()
            .to_owned()
    };
    assert_eq!(line("DS001"), "on");
    assert_eq!(line("DS006"), "off");
    assert_eq!(line("DS015"), "opt");
    assert_eq!(line("DS016"), "on");
}

#[test]
fn server_warnings_are_warnings_not_errors() {
    let dir = sandbox();
    let fixture = root().join("tests/fixtures/warnings/warnings.yaml");
    let output = run(dir.path(), &["check", fixture.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let lines = stdout(&output);
    assert_eq!(lines.lines().count(), 30, "{lines}");
    assert!(
        lines.lines().all(|l| (l.contains(": spec.template.")
            || l.contains(": volume \"config\""))
            && l.contains(": warning: ")),
        "{lines}"
    );
    assert!(
        stderr(&output).ends_with("Valid: 7, Invalid: 0, Errors: 0, Skipped: 0 - Warnings: 30\n")
    );
}

/// Microsoft's `sarif-tools` (PyPI) reads the log back: its summary counts as many errors, warnings and notes as
/// the JSON output's summary.
fn sarif_tools_count(file: &Path, summary: &Value) {
    let Some(sarif) = which("sarif") else {
        missing("sarif-tools");
        return;
    };
    let output = Command::new(sarif)
        .arg("summary")
        .arg(file)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    let count = |level: &str| -> u64 {
        text.lines()
            .find_map(|l| l.strip_prefix(&format!("{level}: ")))
            .map_or(0, |n| n.trim().parse().unwrap())
    };
    let findings = &summary["findings"];
    assert_eq!(
        count("error"),
        findings["error"].as_u64().unwrap(),
        "{text}"
    );
    assert_eq!(
        count("warning"),
        findings["warning"].as_u64().unwrap(),
        "{text}"
    );
    assert_eq!(count("note"), findings["info"].as_u64().unwrap(), "{text}");
}

/// The SARIF of `check` and of `lint` with every rule, on the 37 real DaemonSets of `tests/fixtures/real/`.
#[test]
fn sarif_of_the_real_corpus_matches_the_official_schema() {
    let dir = sandbox();
    let corpus = root().join("tests/fixtures/real");
    let corpus = corpus.to_str().unwrap();
    for args in [
        vec!["check", corpus, "-o", "sarif"],
        vec!["lint", corpus, "-o", "sarif", "--enable", "all"],
    ] {
        let output = run(dir.path(), &args);
        let text = stdout(&output);
        let value = check_sarif(&text);
        let results = value["runs"][0]["results"].as_array().unwrap().len();
        if args[0] == "lint" {
            assert!(results > 400, "{results} results");
        }
        let file = dir.path().join(format!("{}.sarif", args[0]));
        fs::write(&file, &text).unwrap();
        python_validates_sarif(&file);
        let json = run(
            dir.path(),
            &[args[0], corpus, "-o", "json", "--enable", "all"]
                [..if args[0] == "lint" { 6 } else { 4 }],
        );
        let value: Value = serde_json::from_str(&stdout(&json)).unwrap();
        assert_eq!(
            schema_errors(&findings_validator(), &value),
            Vec::<String>::new()
        );
        assert_eq!(value["summary"]["daemonSets"], 37);
        sarif_tools_count(&file, &value["summary"]);
    }
}

/// Spec-file errors (template, YAML, schema, validation), a file that is not there and a file that is not UTF-8:
/// every output format stays valid.
#[test]
fn errors_of_every_kind_keep_every_format_valid() {
    let dir = sandbox();
    let bad = dir.path().join("bad");
    fs::create_dir_all(&bad).unwrap();
    for entry in fs::read_dir(root().join("cli/tests/fixtures/bad")).unwrap() {
        let entry = entry.unwrap();
        fs::copy(entry.path(), bad.join(entry.file_name())).unwrap();
    }
    fs::write(
        dir.path().join("latin1.yaml"),
        b"kind: DaemonSet\nname: caf\xe9\n",
    )
    .unwrap();
    for command in ["lint", "check"] {
        let args = |format: &str| {
            vec![command, "bad/", "missing.yaml", "latin1.yaml", "-o", format]
                .into_iter()
                .map(str::to_owned)
                .collect::<Vec<_>>()
        };
        let output = run(
            dir.path(),
            &args("json").iter().map(String::as_str).collect::<Vec<_>>(),
        );
        assert_eq!(
            output.status.code(),
            Some(3),
            "a missing file is an I/O failure"
        );
        let value: Value = serde_json::from_str(&stdout(&output)).unwrap();
        assert_eq!(
            schema_errors(&findings_validator(), &value),
            Vec::<String>::new()
        );
        let categories: Vec<&str> = value["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["category"].as_str().unwrap())
            .collect();
        assert!(categories.contains(&"input"), "{categories:?}");
        let output = run(
            dir.path(),
            &args("sarif").iter().map(String::as_str).collect::<Vec<_>>(),
        );
        check_sarif(&stdout(&output));
        let output = run(
            dir.path(),
            &args("junit").iter().map(String::as_str).collect::<Vec<_>>(),
        );
        let file = dir.path().join(format!("{command}.xml"));
        fs::write(&file, stdout(&output)).unwrap();
        if let Some(xmllint) = which("xmllint") {
            let output = Command::new(xmllint)
                .args(["--noout", "--schema"])
                .arg(root().join("schemas/junit-jenkins.xsd"))
                .arg(&file)
                .output()
                .unwrap();
            assert!(output.status.success(), "{}", stderr(&output));
        }
    }
}
