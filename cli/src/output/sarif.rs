//! SARIF 2.1.0: one run, the rules of the run in `tool.driver.rules`, one result per finding with its file, line,
//! column and field path (as a logical location).

use serde_json::{Value, json};

use super::{Category, Report, Severity};

/// The schema URI SARIF consumers recognise.
const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

fn level(level: Severity) -> &'static str {
    match level {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A relative reference for a path as given: `/` separators, every byte outside RFC 3986's unreserved set and `/`
/// percent-encoded.
pub fn uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    // A first segment with a colon would read as a scheme; the encoding above already removed colons.
    out
}

/// The rule table: the lint rules of the run, then the error types that occur.
fn rules(report: &Report) -> Vec<(String, Value)> {
    let mut out: Vec<(String, Value)> = report
        .rules
        .iter()
        .map(|r| {
            let level = level(r.severity);
            (
                r.id.to_owned(),
                json!({
                    "id": r.id,
                    "name": r.name,
                    "shortDescription": {"text": r.summary},
                    "fullDescription": {"text": r.doc},
                    "defaultConfiguration": {"level": level},
                    "properties": {"tags": ["daemonset", "best-practice"]},
                }),
            )
        })
        .collect();
    for f in &report.findings {
        if out.iter().any(|(id, _)| *id == f.rule) {
            continue;
        }
        let (text, tag) = match f.category {
            Category::Input => ("The file could not be read as UTF-8 text.", "input"),
            Category::Parse => (
                "A document could not be read as a DaemonSet (YAML syntax, unknown or mistyped fields).",
                "parse",
            ),
            Category::Violation => (
                "The API server's validation rejects the DaemonSet (or it cannot work as written).",
                "validation",
            ),
            Category::ServerWarning => (
                "The API server accepts the DaemonSet but returns this warning.",
                "deprecation",
            ),
            Category::Lint => ("A lint rule.", "best-practice"),
        };
        out.push((
            f.rule.clone(),
            json!({
                "id": f.rule,
                "shortDescription": {"text": text},
                "defaultConfiguration": {"level": level(f.level())},
                "properties": {"tags": ["daemonset", tag]},
            }),
        ));
    }
    out
}

/// The SARIF log of a report.
pub fn log(report: &Report) -> Value {
    let rules = rules(report);
    let results: Vec<Value> = report
        .findings
        .iter()
        .map(|f| {
            let index = rules
                .iter()
                .position(|(id, _)| *id == f.rule)
                .expect("every rule of a finding is in the table");
            let mut location = json!({
                "physicalLocation": {
                    "artifactLocation": {"uri": uri(f.file())},
                    "region": {"startLine": f.line(), "startColumn": f.column()},
                },
            });
            if let Some(path) = &f.diagnostic.location.path {
                let mut logical = json!({"fullyQualifiedName": path, "kind": "member"});
                if let Some(object) = &f.object {
                    logical["decoratedName"] = json!(format!("DaemonSet {}", object.display()));
                }
                location["logicalLocations"] = json!([logical]);
            }
            json!({
                "ruleId": f.rule,
                "ruleIndex": index,
                "level": level(f.level()),
                "message": {"text": f.message()},
                "locations": [location],
            })
        })
        .collect();
    json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "daemonset",
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "rules": rules.into_iter().map(|(_, r)| r).collect::<Vec<_>>(),
            }},
            "automationDetails": {"id": format!("daemonset/{}/", report.command)},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    })
}
