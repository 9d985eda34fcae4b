//! `daemonset::lint::server_warnings` on the warnings fixture: the API server's warnings for each DaemonSet, in
//! its words (golden). `cluster_warnings.rs` checks the same fixture against a real server's `Warning` headers.

use daemonset::k8s::api::apps::v1::DaemonSet;
use daemonset::parse::{self, Document};

/// The DaemonSets of `tests/fixtures/warnings/warnings.yaml`.
pub fn fixture() -> Vec<DaemonSet> {
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/warnings/warnings.yaml"),
    )
    .unwrap();
    parse::documents(&text)
        .into_iter()
        .map(|d| match d {
            Document::DaemonSet { object, .. } => *object,
            other => panic!("not a DaemonSet: {other:?}"),
        })
        .collect()
}

#[test]
fn the_warnings_of_the_fixture() {
    let mut out = String::new();
    for ds in fixture() {
        assert_eq!(
            daemonset::validate(&ds),
            Ok(()),
            "the server accepts them all"
        );
        out.push_str(&format!("{}:\n", ds.metadata.name.as_deref().unwrap()));
        for warning in daemonset::lint::server_warnings(&ds) {
            out.push_str(&format!("  {warning}\n"));
        }
    }
    insta::assert_snapshot!(out);
}
