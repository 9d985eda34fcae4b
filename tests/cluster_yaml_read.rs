//! YAML read like kubectl: a corpus of scalar forms and document layouts, each read by `daemonset`'s reader
//! (`parse::json_documents`, what `parse`/`check`/`lint`/`plan` and manifests given to `render`/`apply` use) and by
//! the harness's kubectl (`kubectl create --dry-run=client -o json`), must give the same JSON or both an error.
//!
//! The only allowed difference: where kubectl silently drops or changes something (a duplicate key keeps the last
//! value, a custom tag is dropped, a document after `...` is dropped), we refuse; those cases are listed by name in
//! `STRICTER` and the test asserts that kubectl really accepts them (so the list cannot go stale).

mod support;

use std::path::Path;
use std::process::Command;

use serde_json::Value;
use support::ControlPlane;

const HEAD: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n";

/// Plain, quoted and tagged scalar forms, each written as `x: FORM` in a ConfigMap.
const SCALARS: &[&str] = &[
    // Integers: decimal, sign, octal, hex, binary, underscores, ranges.
    "0",
    "12",
    "+12",
    "-12",
    "0644",
    "0755",
    "00",
    "08",
    "09",
    "0o17",
    "0O17",
    "0x1F",
    "0X1f",
    "-0x1F",
    "+0x1F",
    "0b101",
    "0B11",
    "-0b101",
    "1_000",
    "1__0",
    "0x_1F",
    "_1",
    "1_",
    "9223372036854775807",
    "9223372036854775808",
    "18446744073709551615",
    "18446744073709551616",
    "-9223372036854775808",
    "-9223372036854775809",
    "0x",
    "0b2",
    "0xG",
    "+",
    "+-1",
    // Floats.
    "1.5",
    "1.",
    ".5",
    "-.5",
    "+1.5",
    "1e3",
    "1E3",
    "1e+3",
    "1.5e-3",
    "1e400",
    "1e-400",
    "6.02e23",
    "1_0.5",
    "0.1e1",
    "1.0",
    "100000000000000000000.0",
    "1e21",
    "08.5",
    "0644.0",
    "1e",
    "e3",
    ".inf",
    "-.inf",
    "+.inf",
    ".Inf",
    ".nan",
    ".NaN",
    "inf",
    "nan",
    // Booleans (YAML 1.1) and near misses.
    "yes",
    "Yes",
    "YES",
    "no",
    "No",
    "NO",
    "on",
    "On",
    "ON",
    "off",
    "Off",
    "OFF",
    "y",
    "Y",
    "n",
    "N",
    "true",
    "True",
    "TRUE",
    "false",
    "False",
    "FALSE",
    "yEs",
    "tRue",
    // Null.
    "~",
    "null",
    "Null",
    "NULL",
    "nUll",
    "",
    // Other plain forms: sexagesimal, timestamps, versions.
    "1:20",
    "190:20:30",
    "2001-12-14",
    "2001-12-14t21:59:43.10-05:00",
    "2001-12-14 21:59:43.10 -5",
    "2002-12-14T21:59:43Z",
    "12:30:00",
    "0.0.0.0",
    "1.2.3",
    "v1",
    "--",
    "a b",
    "é",
    // Quoted.
    "'0644'",
    "\"0644\"",
    "'yes'",
    "\"yes\"",
    "\"~\"",
    "''",
    "\"\"",
    "\"1e3\"",
    "'null'",
    "\"\\u00e9\\t\"",
    "'it''s'",
    "\"<<\"",
    // Explicit tags.
    "!!str 0644",
    "!!str yes",
    "!!int \"12\"",
    "!!int 0x1F",
    "!!int '0644'",
    "!!float 1",
    "!!float \"1.5\"",
    "!!bool yes",
    "!!bool \"true\"",
    "!!null \"\"",
    "!!null ~",
    "!!str",
    "!!binary aGVsbG8=",
    "!!binary '%%%'",
    "!!timestamp 2001-12-14",
    "!!timestamp \"x\"",
    "!!int 1.5",
    "!!int foo",
    "!<tag:yaml.org,2002:str> 12",
    "! 12",
    "!foo bar",
    // Block scalars.
    "|\n  0644\n  yes\n",
    ">\n  yes\n  no\n",
    "|-\n  a\n",
    // Flow collections.
    "[0644, yes, ~, '1']",
    "{a: 0x1F, b: off}",
    "[]",
    "{}",
];

/// Document layouts: separators, comments, BOM, anchors, merge keys, keys, flow style, errors.
fn layouts() -> Vec<(&'static str, String)> {
    let cm = |name: &str| format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n");
    let mut out: Vec<(&'static str, String)> = vec![
        ("two documents", format!("{}---\n{}", cm("a"), cm("b"))),
        ("separator with comment", format!("{}--- # next\n{}", cm("a"), cm("b"))),
        ("separator with blanks", format!("{}---   \n{}", cm("a"), cm("b"))),
        ("leading separator", format!("---\n{}", cm("a"))),
        ("trailing separator", format!("{}---\n", cm("a"))),
        ("empty documents between", format!("{}---\n---\n# only a comment\n---\n{}", cm("a"), cm("b"))),
        ("document on the separator line", "--- {apiVersion: v1, kind: ConfigMap, metadata: {name: a}}\n".into()),
        ("second document on the separator line", format!("{}--- {{apiVersion: v1, kind: ConfigMap, metadata: {{name: b}}}}\n", cm("a"))),
        ("four dashes", format!("{}----\n{}", cm("a"), cm("b"))),
        ("separator followed by text", format!("{}---x\n{}", cm("a"), cm("b"))),
        ("separator with a block scalar", "--- |\n  text\n".into()),
        ("indented separator", format!("{}  ---\n{}", cm("a"), cm("b"))),
        ("document end marker then document", format!("{}...\n{}", cm("a"), cm("b"))),
        ("document end marker at the end", format!("{}...\n", cm("a"))),
        ("utf-8 BOM", format!("\u{feff}{}", cm("a"))),
        ("utf-8 BOM then separator", format!("\u{feff}---\n{}", cm("a"))),
        ("CRLF line ends", cm("a").replace('\n', "\r\n")),
        ("comments everywhere", "# head\napiVersion: v1 # trailing\nkind: ConfigMap\n# middle\nmetadata:\n  # inner\n  name: a\n".into()),
        ("flow style document", "{apiVersion: v1, kind: ConfigMap, metadata: {name: a}, data: {k: v}}\n".into()),
        ("json document", "{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\", \"metadata\": {\"name\": \"a\"}, \"x\": 0644}\n".into()),
        ("json with leading blank", "\n  {\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\", \"metadata\": {\"name\": \"a\"}}\n".into()),
        ("anchor and alias", format!("{}data:\n  a: &v hello\n  b: *v\n", cm("a"))),
        ("anchored mapping reused", format!("{}x: &m {{p: 1, q: 2}}\ny: *m\n", cm("a"))),
        ("merge key", format!("{}base: &b {{a: 1, b: 2}}\nx:\n  <<: *b\n  b: 3\n", cm("a"))),
        ("merge list", format!("{}p: &p {{a: 1}}\nq: &q {{a: 2, c: 3}}\nx:\n  <<: [*p, *q]\n", cm("a"))),
        ("merge after explicit key", format!("{}base: &b {{a: 1}}\nx:\n  a: 2\n  <<: *b\n", cm("a"))),
        ("merge inline mapping", format!("{}x:\n  <<: {{a: 1}}\n  b: 2\n", cm("a"))),
        ("merge of a scalar", format!("{}x:\n  <<: 1\n", cm("a"))),
        ("quoted merge key", format!("{}x:\n  \"<<\": {{a: 1}}\n", cm("a"))),
        ("tagged merge key", format!("{}base: &b {{a: 1}}\nx:\n  !!merge <<: *b\n", cm("a"))),
        ("unknown anchor", format!("{}x: *nope\n", cm("a"))),
        ("integer key", format!("{}x:\n  1: a\n", cm("a"))),
        ("float key", format!("{}x:\n  1.5: a\n", cm("a"))),
        ("large float key", format!("{}x:\n  123456789.0: a\n", cm("a"))),
        ("bool key", format!("{}x:\n  yes: a\n", cm("a"))),
        ("hex key", format!("{}x:\n  0x1F: a\n", cm("a"))),
        ("null key", format!("{}x:\n  ~: a\n", cm("a"))),
        ("complex key", format!("{}x:\n  ? [a]\n  : b\n", cm("a"))),
        ("explicit key", format!("{}x:\n  ? a\n  : b\n", cm("a"))),
        ("empty value", format!("{}x:\n", cm("a"))),
        ("multi-line plain scalar", format!("{}x: a\n  b\n  c\n", cm("a"))),
        ("folded with keep", format!("{}x: >+\n  a\n\n", cm("a"))),
        ("tab in value", format!("{}x: a\tb\n", cm("a"))),
        ("tab indentation", format!("{}x:\n\ty: 1\n", cm("a"))),
        ("unclosed quote", format!("{}x: \"abc\n", cm("a"))),
        ("bad indentation", format!("{}x:\n  a: 1\n b: 2\n", cm("a"))),
        ("mapping in a plain value", format!("{}x: a: b\n", cm("a"))),
        ("YAML directive", format!("%YAML 1.1\n---\n{}", cm("a"))),
        ("empty file", String::new()),
        ("only comments", "# nothing\n# here\n".into()),
        ("duplicate top-level key", format!("{}x: 1\nx: 2\n", cm("a"))),
        ("duplicate nested key", format!("{}x:\n  a: 1\n  a: 2\n", cm("a"))),
        ("key and merged key", format!("{}b: &b {{k: 1}}\nx:\n  <<: *b\n  k: 2\n", cm("a"))),
        ("int and string key collide", format!("{}x:\n  1: a\n  \"1\": b\n", cm("a"))),
        ("custom tag on a mapping", format!("{}x: !thing {{a: 1}}\n", cm("a"))),
        ("sequence of mappings", format!("{}x:\n- a: 1\n  b: 0644\n- c: on\n", cm("a"))),
        ("nested sequences", format!("{}x:\n- - 1\n  - yes\n- []\n", cm("a"))),
        ("long string", format!("{}x: {}\n", cm("a"), "a".repeat(5000))),
        ("unicode escapes", format!("{}x: \"\\u2028\\x41\\N\"\n", cm("a"))),
        ("single-quoted multi-line", format!("{}x: 'a\n  b'\n", cm("a"))),
        ("list at the top", "- a\n- b\n".into()),
        ("scalar at the top", "hello\n".into()),
        ("kind missing", "apiVersion: v1\nmetadata:\n  name: a\n".into()),
    ];
    out.push((
        "three documents with comments between",
        format!("# a\n{}# b\n---\n# c\n{}---\n{}", cm("a"), cm("b"), cm("c")),
    ));
    out
}

/// Cases where kubectl silently drops or changes something and we refuse (see the module docs).
const STRICTER: &[&str] = &[
    "duplicate top-level key",
    "duplicate nested key",
    "int and string key collide",
    "custom tag on a mapping",
    "document end marker then document",
    "scalar !foo bar",
];

#[derive(Debug, Clone, PartialEq)]
enum Read {
    Json(Vec<Value>),
    Error(String),
}

fn kubectl(plane: &ControlPlane, dir: &Path, name: usize, text: &str) -> Read {
    let file = dir.join(format!("case-{name}.yaml"));
    std::fs::write(&file, text).unwrap();
    let output = Command::new(plane.bin_dir().join("kubectl"))
        .arg("--kubeconfig")
        .arg(&plane.kubeconfig)
        .args([
            "create",
            "--dry-run=client",
            "--validate=false",
            "-o",
            "json",
            "-f",
        ])
        .arg(&file)
        .env("HOME", dir)
        .output()
        .expect("kubectl runs");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    if !output.status.success() {
        if stderr.contains("no objects passed to create") {
            return Read::Json(Vec::new());
        }
        return Read::Error(stderr);
    }
    // One object is printed as itself, several one after the other (or as a List).
    let mut docs = Vec::new();
    for value in serde_json::Deserializer::from_slice(&output.stdout).into_iter::<Value>() {
        let value = value.expect("kubectl prints JSON");
        match value.get("kind").and_then(Value::as_str) {
            Some("List") if value.get("items").is_some() => {
                docs.extend(value["items"].as_array().cloned().unwrap_or_default());
            }
            _ => docs.push(value),
        }
    }
    // kubectl fills in the namespace of its context; no case sets one.
    for doc in &mut docs {
        if let Some(metadata) = doc.get_mut("metadata").and_then(Value::as_object_mut) {
            metadata.remove("namespace");
        }
    }
    Read::Json(docs)
}

fn ours(text: &str) -> Read {
    match daemonset::parse::json_documents(text) {
        Ok(docs) => Read::Json(docs),
        Err(e) => Read::Error(e.to_string()),
    }
}

/// kubectl needs `kind` and `apiVersion` to print an object; a document without them is an error there. Ours reads
/// JSON only, so the same check is applied to our documents.
fn as_objects(read: Read) -> Read {
    match read {
        Read::Json(docs)
            if docs
                .iter()
                .any(|d| d.get("kind").and_then(Value::as_str).is_none()) =>
        {
            Read::Error("not an object with a kind".into())
        }
        other => other,
    }
}

#[test]
#[ignore = "needs the harness control plane (kubectl's REST mapping); run by scripts/cluster-tests.sh"]
fn yaml_reads_like_kubectl() {
    let plane = ControlPlane::shared();
    let dir = tempfile::tempdir().unwrap();
    let mut cases: Vec<(String, String)> = SCALARS
        .iter()
        .map(|form| (format!("scalar {form}"), format!("{HEAD}x: {form}\n")))
        .collect();
    cases.extend(
        layouts()
            .into_iter()
            .map(|(name, text)| (name.to_owned(), text)),
    );

    let (mut same_json, mut both_error, mut stricter) = (0, 0, 0);
    let mut disagreements = Vec::new();
    for (i, (name, text)) in cases.iter().enumerate() {
        let theirs = kubectl(plane, dir.path(), i, text);
        let mine = as_objects(ours(text));
        let expected_stricter = STRICTER.contains(&name.as_str());
        match (&mine, &theirs) {
            (Read::Json(a), Read::Json(b)) if a == b && !expected_stricter => same_json += 1,
            (Read::Error(a), Read::Error(b)) if !expected_stricter => {
                both_error += 1;
                println!(
                    "both refuse {name:?}\n  ours: {}\n  kubectl: {}",
                    a.trim(),
                    b.trim()
                );
            }
            (Read::Error(_), Read::Json(_)) if expected_stricter => stricter += 1,
            _ => disagreements.push(format!(
                "{name}:\n  input: {text:?}\n  ours: {mine:?}\n  kubectl: {theirs:?}"
            )),
        }
    }
    println!(
        "yaml read agreement: {} cases, {same_json} same JSON, {both_error} both refused, {stricter} refused by us \
         where kubectl drops or changes data, {} disagreements",
        cases.len(),
        disagreements.len()
    );
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
    assert!(cases.len() >= 200, "{} cases", cases.len());
    assert_eq!(stricter, STRICTER.len());
    assert_eq!(same_json + both_error + stricter, cases.len());
}
