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

#[path = "support/yaml_cases.rs"]
mod yaml_cases;

use yaml_cases::{HEAD, SCALARS, layouts};

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
