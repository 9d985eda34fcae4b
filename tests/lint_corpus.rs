//! Lint on the corpus of real DaemonSets (`tests/fixtures/real/`, sources in its `SOURCES`): the findings of the
//! default rules per file, published as one snapshot (reviewed: every finding is true of its file, none comes from
//! a rule misreading the manifest), and the count per rule with every rule enabled, which shows why the opt-in
//! rules are opt-in (they fire on most node agents by nature).

use std::collections::BTreeMap;
use std::path::Path;

use daemonset::lint::{self, Options, Selection};
use daemonset::parse::{self, Document};

fn corpus() -> Vec<(String, Vec<daemonset::k8s::api::apps::v1::DaemonSet>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/real");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).unwrap();
            let objects = parse::documents(&text)
                .into_iter()
                .filter_map(|d| match d {
                    Document::DaemonSet { object, .. } => Some(*object),
                    _ => None,
                })
                .collect();
            (
                path.file_name().unwrap().to_string_lossy().into_owned(),
                objects,
            )
        })
        .collect()
}

#[test]
fn lint_findings_per_corpus_file() {
    let corpus = corpus();
    assert!(corpus.len() >= 30, "the corpus has {} files", corpus.len());
    let mut out = String::new();
    for (file, objects) in &corpus {
        assert_eq!(objects.len(), 1, "{file}: one DaemonSet per file");
        out.push_str(&format!("{file}:\n"));
        for finding in lint::lint(&objects[0], &Options::default()) {
            out.push_str(&format!("  {finding}\n"));
        }
    }
    insta::assert_snapshot!(out);
}

#[test]
fn findings_per_rule_with_every_rule_enabled() {
    let all = Selection {
        enable: vec!["all".into()],
        ..Selection::default()
    };
    let corpus = corpus();
    // rule id -> (files it fires on, findings)
    let mut counts: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for rule in lint::RULES {
        counts.insert(rule.id, (0, 0));
    }
    for (_, objects) in &corpus {
        let findings = lint::lint_selected(&objects[0], &Options::default(), &all);
        for rule in lint::RULES {
            let n = findings.iter().filter(|f| f.rule.id == rule.id).count();
            let entry = counts.get_mut(rule.id).unwrap();
            entry.0 += usize::from(n > 0);
            entry.1 += n;
        }
    }
    let mut out = format!("{} files\n", corpus.len());
    for rule in lint::RULES {
        let (files, findings) = counts[rule.id];
        let opt = if rule.opt_in { " (opt-in)" } else { "" };
        out.push_str(&format!(
            "{} {:<26} files {files:>2}  findings {findings:>3}{opt}\n",
            rule.id, rule.name
        ));
    }
    insta::assert_snapshot!(out);
    // No default rule fires on nearly every node agent: each on at most 90% of the files.
    for rule in lint::RULES.iter().filter(|r| !r.opt_in) {
        let (files, _) = counts[rule.id];
        assert!(
            files * 10 <= corpus.len() * 9,
            "{} fires on {files} of {} files",
            rule.id,
            corpus.len()
        );
    }
}
