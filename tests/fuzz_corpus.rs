//! The fuzz targets' checks (`fuzz/checks.rs`) replayed over the committed seed corpus and crash inputs
//! (`fuzz/corpus/<target>/`, `fuzz/regressions/<target>/`), on stable, in the normal test suite. The fuzzers
//! themselves (libFuzzer, nightly) run from `scripts/fuzz.sh`.

#[allow(dead_code)]
#[path = "../fuzz/checks.rs"]
mod checks;

use std::path::PathBuf;

/// Runs `check` on every file of the target's corpus and regressions; returns how many inputs ran.
fn replay(target: &str, check: fn(&[u8])) -> usize {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut count = 0;
    for dir in ["corpus", "regressions"] {
        let Ok(entries) = std::fs::read_dir(root.join(dir).join(target)) else {
            continue;
        };
        let mut files: Vec<PathBuf> = entries.map(|e| e.unwrap().path()).collect();
        files.sort();
        for file in files {
            let data = std::fs::read(&file).unwrap();
            let outcome = std::panic::catch_unwind(|| check(&data));
            assert!(outcome.is_ok(), "{target}: {} fails", file.display());
            count += 1;
        }
    }
    count
}

#[test]
fn parse_corpus() {
    let n = replay("parse", checks::parse);
    assert!(n >= 20, "{n} parse inputs");
}

#[test]
fn spec_values_corpus() {
    let n = replay("spec_values", checks::spec_values);
    assert!(n >= 10, "{n} spec_values inputs");
}

#[test]
fn emit_roundtrip_corpus() {
    let n = replay("emit_roundtrip", checks::emit_roundtrip);
    assert!(n >= 20, "{n} emit_roundtrip inputs");
}

#[test]
fn yaml_fast_corpus() {
    let n = replay("yaml_fast", checks::yaml_fast);
    assert!(n >= 20, "{n} yaml_fast inputs");
}

#[test]
fn quantity_corpus() {
    let n = replay("quantity", checks::quantity);
    assert!(n >= 20, "{n} quantity inputs");
}
