//! A block-style YAML emitter for JSON-shaped values (what every Kubernetes object is), byte-compatible with
//! `serde_yaml::to_string` and about three times faster: libyaml's emitter dominates the cost of rendering, and a
//! Kubernetes object needs only mappings, sequences and scalars.
//!
//! Scalars that are not plainly safe (quotes, spaces, colons, strings that read as numbers or booleans, line breaks)
//! are formatted by serde_yaml itself, so quoting never differs from it.

use serde_json::{Map, Value};

/// Emits `value` as a YAML document, like `serde_yaml::to_string`.
pub(crate) fn document(value: &Value) -> Result<String, serde_yaml::Error> {
    let mut out = String::with_capacity(1024);
    match value {
        Value::Object(map) if !map.is_empty() => mapping(&mut out, map, 0, false)?,
        Value::Array(items) if !items.is_empty() => sequence(&mut out, items, 0, false)?,
        scalar => {
            inline(&mut out, scalar, 0)?;
            out.push('\n');
        }
    }
    Ok(out)
}

fn pad(out: &mut String, indent: usize) {
    out.extend(std::iter::repeat_n(' ', indent));
}

/// A mapping at `indent`; with `first_inline` its first key continues the current line (after `- `).
fn mapping(
    out: &mut String,
    map: &Map<String, Value>,
    indent: usize,
    first_inline: bool,
) -> Result<(), serde_yaml::Error> {
    for (i, (key, value)) in map.iter().enumerate() {
        if i > 0 || !first_inline {
            pad(out, indent);
        }
        string(out, key, indent)?;
        match value {
            Value::Object(inner) if !inner.is_empty() => {
                out.push_str(":\n");
                mapping(out, inner, indent + 2, false)?;
            }
            Value::Array(items) if !items.is_empty() => {
                out.push_str(":\n");
                sequence(out, items, indent, false)?;
            }
            scalar => {
                out.push_str(": ");
                inline(out, scalar, indent)?;
                out.push('\n');
            }
        }
    }
    Ok(())
}

/// A sequence whose `- ` markers stand at `indent` (serde_yaml does not indent a sequence under its key).
fn sequence(
    out: &mut String,
    items: &[Value],
    indent: usize,
    first_inline: bool,
) -> Result<(), serde_yaml::Error> {
    for (i, item) in items.iter().enumerate() {
        if i > 0 || !first_inline {
            pad(out, indent);
        }
        out.push_str("- ");
        match item {
            Value::Object(map) if !map.is_empty() => mapping(out, map, indent + 2, true)?,
            Value::Array(inner) if !inner.is_empty() => sequence(out, inner, indent + 2, true)?,
            scalar => {
                inline(out, scalar, indent)?;
                out.push('\n');
            }
        }
    }
    Ok(())
}

/// A scalar, or an empty collection, on the current line; `indent` is that of the line's key or `- ` marker.
fn inline(out: &mut String, value: &Value, indent: usize) -> Result<(), serde_yaml::Error> {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&n.to_string()),
        Value::String(s) => string(out, s, indent)?,
        Value::Object(_) => out.push_str("{}"),
        Value::Array(_) => out.push_str("[]"),
    }
    Ok(())
}

fn string(out: &mut String, text: &str, indent: usize) -> Result<(), serde_yaml::Error> {
    if is_plain_safe(text) {
        out.push_str(text);
        return Ok(());
    }
    // serde_yaml decides the style; a block scalar (multi-line) is re-indented under the current position.
    let formatted = serde_yaml::to_string(text)?;
    let formatted = formatted.strip_suffix('\n').unwrap_or(&formatted);
    let mut lines = formatted.split('\n');
    out.push_str(lines.next().unwrap_or_default());
    for line in lines {
        out.push('\n');
        if !line.is_empty() {
            pad(out, indent);
        }
        out.push_str(line);
    }
    Ok(())
}

/// Whether a string is written plain by serde_yaml: a conservative alphabet, a safe first character, and not a
/// word or number that YAML would read as something else.
fn is_plain_safe(text: &str) -> bool {
    let bytes = text.as_bytes();
    let Some(&first) = bytes.first() else {
        return false;
    };
    let alpha_led = first.is_ascii_alphabetic() || first == b'/';
    if !(alpha_led || (first.is_ascii_digit() && !looks_numeric(text))) {
        return false;
    }
    // A colon is plain inside a word (`image:tag`), never at the end; digit-led words with one may be YAML 1.1
    // sexagesimal numbers, so those go to serde_yaml.
    let colon_ok = alpha_led && bytes.last() != Some(&b':');
    if !bytes.iter().all(|&b| {
        b.is_ascii_alphanumeric()
            || matches!(b, b'-' | b'.' | b'/' | b'_')
            || (colon_ok && b == b':')
    }) {
        return false;
    }
    ![
        "true", "false", "yes", "no", "on", "off", "y", "n", "null", "nan", "inf",
    ]
    .iter()
    .any(|w| text.eq_ignore_ascii_case(w))
}

/// Whether a digit-led string could be read as a number (then serde_yaml quotes it).
fn looks_numeric(text: &str) -> bool {
    let radix = text.len() > 1
        && text.starts_with('0')
        && matches!(text.as_bytes()[1], b'x' | b'X' | b'o' | b'O' | b'b' | b'B');
    radix
        || text.bytes().all(|b| {
            b.is_ascii_digit()
                || matches!(
                    b,
                    b'.' | b'_' | b'e' | b'E' | b'x' | b'o' | b'b' | b'+' | b'-'
                )
        })
        || text.parse::<f64>().is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn same_as_serde_yaml(value: &Value) {
        assert_eq!(
            document(value).unwrap(),
            serde_yaml::to_string(value).unwrap(),
            "{value}"
        );
    }

    #[test]
    fn nested_collections_match_serde_yaml() {
        same_as_serde_yaml(&json!({
            "apiVersion": "apps/v1",
            "empty": {}, "none": [], "null": null, "yes": true, "n": 3, "f": 1.5,
            "spec": {"list": [{"a": 1, "b": [1, 2, {"c": "d"}]}, "x", [], {}, [["nested", "seq"], "y"]]},
            "quoted": ["1", "true", "yes", "0x1F", "1e3", "-a", "--config", "a b", "a: b", "#x", "", " x", "x ", "~", "*"],
            "multi": "line one\nline two\n", "multi2": "a\nb",
            "keys": {"app.kubernetes.io/name": "x", "1": "one", "key with space": "v", "50m": "250m"},
        }));
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]
        #[test]
        fn strings_match_serde_yaml(
            s in "[ -~\n\t\u{e9}\u{2603}]{0,12}",
            k in "[a-zA-Z0-9./_: -]{1,10}",
            word in "[a-zA-Z0-9./:_-]{1,12}",
        ) {
            same_as_serde_yaml(&json!({ k: s.clone(), "list": [s.clone(), {"x": s}], "word": word }));
        }
    }
}
