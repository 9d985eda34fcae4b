//! `docs/fields.md` lists every field of the v1.34 objects a DaemonSet carries, with its form in each front end.
//! The field lists are the API server's own (its OpenAPI document, recorded in
//! `tests/fixtures/openapi/v1.34-fields.json` and re-read live by `tests/cluster_openapi_fields.rs`): every field
//! has exactly one row, and no row names a field the server does not have.

use std::collections::BTreeMap;

const TABLE: &str = include_str!("../docs/fields.md");
const FIELDS: &str = include_str!("fixtures/openapi/v1.34-fields.json");
const TYPES: [&str; 4] = ["DaemonSetSpec", "PodSpec", "Container", "Volume"];

/// The rows of each section (`## \`Type\``): the field name of each row, in order.
fn rows() -> BTreeMap<String, Vec<String>> {
    let mut sections: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut current = None;
    for line in TABLE.lines() {
        if let Some(heading) = line.strip_prefix("## `") {
            current = heading.split('`').next().map(str::to_owned);
            sections.entry(current.clone().unwrap()).or_default();
        } else if let (Some(section), Some(row)) = (&current, line.strip_prefix("| `")) {
            let field = row.split('`').next().unwrap().to_owned();
            sections.get_mut(section).unwrap().push(field);
        }
    }
    sections
}

#[test]
fn every_server_field_has_exactly_one_row() {
    let fields: serde_json::Value = serde_json::from_str(FIELDS).unwrap();
    let rows = rows();
    assert_eq!(
        rows.keys().map(String::as_str).collect::<Vec<_>>(),
        {
            let mut t = TYPES.to_vec();
            t.sort();
            t
        },
        "docs/fields.md has one section per type"
    );
    let mut total = 0;
    for ty in TYPES {
        let server: Vec<&str> = fields[ty]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f.as_str().unwrap())
            .collect();
        let table = &rows[ty];
        let missing: Vec<_> = server
            .iter()
            .filter(|f| !table.iter().any(|r| r == *f))
            .collect();
        let unknown: Vec<_> = table
            .iter()
            .filter(|r| !server.contains(&r.as_str()))
            .collect();
        let mut seen = table.clone();
        seen.sort();
        let before = seen.len();
        seen.dedup();
        assert!(
            missing.is_empty(),
            "{ty}: fields without a row: {missing:?}"
        );
        assert!(
            unknown.is_empty(),
            "{ty}: rows the server does not have: {unknown:?}"
        );
        assert_eq!(before, seen.len(), "{ty}: a field has two rows");
        total += server.len();
    }
    assert!(total > 100, "{total} fields: the recording is incomplete");
}

#[test]
fn every_row_has_five_cells() {
    for line in TABLE.lines().filter(|l| l.starts_with("| `")) {
        let cells = line.trim_matches('|').split(" | ").count();
        assert_eq!(cells, 5, "row with {cells} cells: {line}");
    }
}
