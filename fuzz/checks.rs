//! What each fuzz target checks, as plain functions of the input bytes: they return normally on any input the
//! library handles (including every error it reports) and panic only on a real fault (a panic inside the library,
//! or a broken property such as a YAML round trip that does not give the same value back).
//!
//! Shared by the libFuzzer targets of `fuzz/` (nightly, `scripts/fuzz.sh`) and by `tests/fuzz_corpus.rs`, which
//! replays the committed corpus and crash inputs on stable in the normal test suite.

use daemonset::k8s::api::apps::v1::DaemonSet;
use daemonset::rules::Quantity;
use daemonset::spec::Values;
use serde_json::{Map, Value, json};

/// Manifest reading: `parse::documents` on a stream, `parse::from_yaml` of one DaemonSet, then validation and
/// lint of what was read.
pub fn parse(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for document in daemonset::parse::documents(text) {
        if let daemonset::parse::Document::DaemonSet { object, .. } = document {
            let _ = daemonset::validate(&object);
            let _ = daemonset::lint::lint(&object, &daemonset::lint::Options::default());
        }
    }
    if let Ok(object) = daemonset::parse::from_yaml::<DaemonSet>(text) {
        let _ = daemonset::validate(&object);
    }
}

/// The fast YAML reader (`src/yaml/fast.rs`) against the parser-based reader it stands in for: on every document
/// of the stream, both give the same tree (kinds, values, the line and column of every node and key), or the fast
/// reader declines and leaves the document to the parser.
pub fn yaml_fast(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Err(difference) = daemonset::__private::yaml_fast_reader_agrees(text) {
        panic!("{difference}");
    }
}

/// Spec loading with values: the input is `spec source \0 values file [\0 --set assignment]...`; a DaemonSet
/// that loads is validated, rendered and read back.
pub fn spec_values(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut parts = text.split('\0');
    let source = parts.next().unwrap_or_default();
    let mut values = Values::new();
    if let Some(file) = parts.next() {
        let _ = values.merge_yaml("values.yaml", file);
    }
    for assignment in parts {
        let _ = values.set(assignment);
    }
    if let Ok(built) = daemonset::spec::load("spec.yaml", source, &values) {
        let _ = daemonset::validate(&built);
        // What a spec builds renders to YAML that reads back as the same object.
        let yaml = daemonset::render::to_yaml(&built).expect("a DaemonSet renders");
        let back: DaemonSet = daemonset::parse::from_yaml(&yaml)
            .unwrap_or_else(|e| panic!("rendered spec does not read back: {e}\n{yaml}"));
        assert_eq!(back, built, "rendered spec reads back differently:\n{yaml}");
    }
}

/// The YAML emitter: the input's `\0`-separated pieces (lossy UTF-8) become keys, values and list items of a
/// nested object, which `render::to_yaml` writes and `parse::from_yaml` must read back as the same value; each
/// piece alone, as a document, must round-trip too.
pub fn emit_roundtrip(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let pieces: Vec<&str> = text.split('\0').collect();
    let piece = |i: usize| Value::String(pieces[i % pieces.len()].to_owned());
    let mut map = Map::new();
    for (i, key) in pieces.iter().enumerate() {
        map.insert((*key).to_owned(), piece(i + 1));
    }
    let nested = json!({
        "list": pieces,
        "nested": { pieces[0]: [piece(1), {pieces[pieces.len() - 1]: [piece(2), [], {}]}, [piece(3)]] },
        "map": map,
        "numbers": [0, -1, u64::MAX, 1.5, true, null],
    });
    for value in [nested, piece(0), json!([piece(0)])] {
        round_trip(&value);
    }
}

fn round_trip(value: &Value) {
    let yaml = daemonset::render::to_yaml(value).expect("any JSON value renders");
    let back: Value = daemonset::parse::from_yaml(&yaml)
        .unwrap_or_else(|e| panic!("rendered YAML does not read back: {e}\n{yaml}"));
    assert_eq!(
        &back, value,
        "rendered YAML reads back differently:\n{yaml}"
    );
}

/// The quantity parser: no panic; an accepted quantity's canonical form (what the server prints back) parses to
/// the same value.
pub fn quantity(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match Quantity::parse(text) {
        Ok(q) => {
            let _ = (q.millis(), q.units(), q.is_whole(), q.is_negative());
            let canonical = Quantity::parse(q.canonical())
                .unwrap_or_else(|e| panic!("{text:?}: canonical {:?} fails: {e}", q.canonical()));
            // Saturated values (beyond i128 nanos) print as the saturated number.
            if q.nanos().unsigned_abs() < u128::from(u64::MAX) * 1_000_000_000 {
                assert_eq!(
                    canonical.nanos(),
                    q.nanos(),
                    "{text:?}: canonical {:?}",
                    q.canonical()
                );
            }
        }
        Err(e) => {
            let _ = (e.to_string(), e.text().len());
        }
    }
}
