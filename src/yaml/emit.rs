//! A block-style YAML emitter for JSON-shaped values (what every Kubernetes object is), laid out like
//! `serde_yaml::to_string` and about three times faster: libyaml's emitter dominates the cost of rendering, and a
//! Kubernetes object needs only mappings, sequences and scalars.
//!
//! Strings are written so that every YAML 1.1 and 1.2 reader reads back the same string, which serde_yaml alone
//! does not ensure: it follows YAML 1.2 and writes `yes`, `on`, `y`, `1_000` or `1:20` plain, which kubectl
//! (go-yaml v2, YAML 1.1) reads as booleans and numbers. Here, text that any reader could resolve to a non-string
//! is single-quoted, text with control characters or line separators other than `\n` is double-quoted with
//! escapes, and only multi-line text of printable characters is handed to serde_yaml (a literal block scalar).
//! Everything else is byte for byte what serde_yaml writes.

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
        let explicit = self::key(out, key, indent);
        match value {
            Value::Object(inner) if !inner.is_empty() => {
                out.push('\n');
                mapping(out, inner, indent + 2, false)?;
            }
            Value::Array(items) if !items.is_empty() => {
                out.push('\n');
                // After an explicit key the sequence is indented (a compact one would read as a second entry).
                sequence(
                    out,
                    items,
                    if explicit { indent + 2 } else { indent },
                    false,
                )?;
            }
            scalar => {
                out.push(' ');
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

/// Keys longer than this (in bytes) use the explicit `? key` form, as libyaml (serde_yaml) does; YAML readers accept
/// implicit keys of at most 1024 characters.
const SIMPLE_KEY_MAX: usize = 128;

/// How a string is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    /// As is.
    Plain,
    /// `'...'` with `'` doubled: single-line text without characters that need an escape.
    SingleQuoted,
    /// `"..."` with escapes: text with control characters, tabs, BOM, or line separators other than `\n`
    /// (U+0085, U+2028, U+2029 are line breaks to YAML 1.1 readers), and multi-line text a block scalar cannot
    /// hold exactly (a space before a line break or at the end, or a mapping key).
    DoubleQuoted,
    /// A literal block scalar (`|`), written by serde_yaml: multi-line text of printable characters.
    Literal,
}

fn string(out: &mut String, text: &str, indent: usize) -> Result<(), serde_yaml::Error> {
    match style(text, false) {
        Style::Plain => out.push_str(text),
        Style::SingleQuoted => single_quoted(out, text),
        Style::DoubleQuoted => double_quoted(out, text),
        Style::Literal => literal(out, text, indent)?,
    }
    Ok(())
}

/// A mapping key, followed by `:`. Keys longer than [`SIMPLE_KEY_MAX`] bytes take the explicit form (`? key`, then
/// `:` on the next line at `indent`), as libyaml writes them; returns whether it was used. Shorter keys stay well
/// under the 1024 characters YAML allows an implicit key, even with every character escaped.
fn key(out: &mut String, text: &str, indent: usize) -> bool {
    let explicit = text.len() > SIMPLE_KEY_MAX;
    if explicit {
        out.push_str("? ");
    }
    match style(text, true) {
        Style::Plain => out.push_str(text),
        Style::SingleQuoted => single_quoted(out, text),
        Style::DoubleQuoted | Style::Literal => double_quoted(out, text),
    }
    if explicit {
        out.push('\n');
        pad(out, indent);
    }
    out.push(':');
    explicit
}

/// The style a string needs so that every YAML 1.1 and 1.2 reader (go-yaml v2 as used by kubectl, libyaml,
/// serde_yaml) reads it back as the same string.
fn style(text: &str, is_key: bool) -> Style {
    if is_plain_safe(text) {
        return Style::Plain;
    }
    let mut multi_line = false;
    for c in text.chars() {
        if needs_escape(c) {
            return Style::DoubleQuoted;
        }
        multi_line |= c == '\n';
    }
    if multi_line {
        // libyaml refuses a block scalar for a space before a line break or at the end (and would then pick a
        // folded double-quoted form); keys cannot be block scalars.
        if is_key || text.ends_with(' ') || text.contains(" \n") {
            return Style::DoubleQuoted;
        }
        return Style::Literal;
    }
    if plain_allowed(text) && !resolves_as_non_string(text) {
        Style::Plain
    } else {
        Style::SingleQuoted
    }
}

/// Characters written as escapes in a double-quoted scalar: YAML's non-printable characters (C0 and C1 controls,
/// DEL, U+FFFE/U+FFFF), the tab (libyaml quotes it too), the byte order mark, and the line breaks other than `\n`
/// (`\r`, U+0085, U+2028, U+2029, which YAML 1.1 readers fold or normalise in any other style).
fn needs_escape(c: char) -> bool {
    match c {
        '\n' => false,
        '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' => true,
        '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}' => true,
        _ => false,
    }
}

fn single_quoted(out: &mut String, text: &str) {
    out.push('\'');
    for (i, part) in text.split('\'').enumerate() {
        if i > 0 {
            out.push_str("''");
        }
        out.push_str(part);
    }
    out.push('\'');
}

fn double_quoted(out: &mut String, text: &str) {
    use std::fmt::Write as _;
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\0' => out.push_str("\\0"),
            c if needs_escape(c) => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// A literal block scalar as serde_yaml writes it (chomping and indentation indicators), re-indented under the
/// current position.
fn literal(out: &mut String, text: &str, indent: usize) -> Result<(), serde_yaml::Error> {
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

/// The fast path: a conservative alphabet, a safe first character, and not a word or number that YAML would read
/// as something else.
fn is_plain_safe(text: &str) -> bool {
    let bytes = text.as_bytes();
    let Some(&first) = bytes.first() else {
        return false;
    };
    let alpha_led = first.is_ascii_alphabetic() || first == b'/';
    if !(alpha_led || first.is_ascii_digit()) {
        return false;
    }
    // A colon is plain inside a word (`image:tag`), never at the end; digit-led words with one may be YAML 1.1
    // sexagesimal numbers or times.
    let colon_ok = alpha_led && bytes.last() != Some(&b':');
    bytes.iter().all(|&b| {
        b.is_ascii_alphanumeric()
            || matches!(b, b'-' | b'.' | b'/' | b'_')
            || (colon_ok && b == b':')
    }) && !resolves_as_non_string(text)
}

/// libyaml's rule for a plain scalar in block context (`yaml_emitter_analyze_scalar`), for single-line text
/// without characters that need an escape: no indicator where it would start a token, no leading or trailing
/// space, not a document marker.
fn plain_allowed(text: &str) -> bool {
    if text.is_empty() || text.starts_with("---") || text.starts_with("...") {
        return false;
    }
    if text.starts_with(' ') || text.ends_with(' ') {
        return false;
    }
    let bytes = text.as_bytes();
    let mut preceded_by_space = true;
    for (i, &b) in bytes.iter().enumerate() {
        let followed_by_space = matches!(bytes.get(i + 1), None | Some(b' ' | b'\t'));
        if i == 0 {
            if matches!(
                b,
                b'#' | b','
                    | b'['
                    | b']'
                    | b'{'
                    | b'}'
                    | b'&'
                    | b'*'
                    | b'!'
                    | b'|'
                    | b'>'
                    | b'\''
                    | b'"'
                    | b'%'
                    | b'@'
                    | b'`'
            ) {
                return false;
            }
            if matches!(b, b'?' | b':' | b'-') && followed_by_space {
                return false;
            }
        } else {
            if b == b':' && followed_by_space {
                return false;
            }
            if b == b'#' && preceded_by_space {
                return false;
            }
        }
        preceded_by_space = matches!(b, b' ' | b'\t');
    }
    true
}

/// Whether some YAML 1.1 or 1.2 reader resolves the plain scalar `text` to something other than a string: null,
/// a boolean of YAML 1.1 (`y`, `yes`, `on`, `off`, ... in any casing), an integer or float of either version
/// (underscores, `0x`/`0o`/`0b`, leading-zero octal, exponents, `.inf`, `.nan`), a YAML 1.1 sexagesimal number
/// (`1:20`), a timestamp (`2001-12-14`), the merge key `<<` or the value key `=`. Conservative: any digit-led
/// text made only of digits and `. _ : e E + -` counts as a number.
fn resolves_as_non_string(text: &str) -> bool {
    // The reader's own resolution first (go-yaml v2 drops every `_` of a sign- or digit-led scalar: `-_0` is 0).
    if !super::read::plain_is_string(text) {
        return true;
    }
    let bytes = text.as_bytes();
    if bytes.is_empty() {
        return true;
    }
    if bytes.len() <= 9 {
        let mut lower = [0u8; 9];
        for (l, b) in lower.iter_mut().zip(bytes) {
            *l = b.to_ascii_lowercase();
        }
        let word = &lower[..bytes.len()];
        let unsigned = word.strip_prefix(b"+").or_else(|| word.strip_prefix(b"-"));
        if matches!(
            word,
            b"y" | b"yes"
                | b"n"
                | b"no"
                | b"true"
                | b"false"
                | b"on"
                | b"off"
                | b"null"
                | b"~"
                | b"<<"
                | b"="
        ) || matches!(
            unsigned.unwrap_or(word),
            b"nan" | b".nan" | b"inf" | b".inf" | b"infinity" | b".infinity"
        ) {
            return true;
        }
    }
    let unsigned = text
        .strip_prefix('+')
        .or_else(|| text.strip_prefix('-'))
        .unwrap_or(text);
    let u = unsigned.as_bytes();
    let digit_led = match u {
        [first, ..] if first.is_ascii_digit() => true,
        [b'.', second, ..] if second.is_ascii_digit() => true,
        _ => false,
    };
    if !digit_led {
        return false;
    }
    let radix =
        u.len() > 1 && u[0] == b'0' && matches!(u[1], b'x' | b'X' | b'o' | b'O' | b'b' | b'B');
    let timestamp = u.len() > 4 && u[..4].iter().all(u8::is_ascii_digit) && u[4] == b'-';
    radix
        || timestamp
        || u.iter().all(|&b| {
            b.is_ascii_digit() || matches!(b, b'.' | b'_' | b':' | b'e' | b'E' | b'+' | b'-')
        })
        || unsigned.parse::<f64>().is_ok()
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

    /// Our output, read back by serde_yaml and by the crate's reader, is `value` again.
    fn round_trips(value: &Value) {
        let text = document(value).unwrap();
        let back: Value = serde_yaml::from_str(&text)
            .unwrap_or_else(|e| panic!("serde_yaml cannot read {text:?}: {e}"));
        assert_eq!(&back, value, "serde_yaml read {text:?}");
        let ours = super::super::documents_as_json(&text)
            .unwrap_or_else(|e| panic!("our reader cannot read {text:?}: {e:?}"));
        assert_eq!(ours, vec![value.clone()], "our reader read {text:?}");
    }

    /// Whether `text` avoids the cases where this emitter deliberately differs from serde_yaml: text YAML 1.1
    /// resolves to a non-string, characters written as escapes, multi-line keys or a space before a line break.
    fn serde_yaml_style_is_safe(text: &str) -> bool {
        !resolves_as_non_string(text)
            && !text.chars().any(needs_escape)
            && !(text.contains('\n') && (text.ends_with(' ') || text.contains(" \n")))
    }

    #[test]
    fn nested_collections_match_serde_yaml() {
        same_as_serde_yaml(&json!({
            "apiVersion": "apps/v1",
            "empty": {}, "none": [], "null": null, "yes_": true, "n3": 3, "f": 1.5,
            "spec": {"list": [{"a": 1, "b": [1, 2, {"c": "d"}]}, "x", [], {}, [["nested", "seq"], "z"]]},
            "quoted": ["1", "true", "0x1F", "1e3", "-a", "--config", "a b", "a: b", "#x", "", " x", "x ", "~", "*"],
            "multi": "line one\nline two\n", "multi2": "a\nb",
            "keys": {"app.kubernetes.io/name": "x", "1": "one", "key with space": "v", "50m": "250m"},
        }));
    }

    #[test]
    fn yaml_1_1_scalars_are_quoted() {
        // serde_yaml (YAML 1.2) writes these plain; kubectl (go-yaml v2, YAML 1.1) reads them as booleans,
        // numbers or timestamps.
        for text in [
            "yes",
            "Yes",
            "YES",
            "yEs",
            "no",
            "No",
            "on",
            "On",
            "ON",
            "off",
            "Off",
            "y",
            "Y",
            "n",
            "N",
            "1_000",
            "0b1010",
            "0o17",
            "017",
            "1:20",
            "190:20:30.15",
            "-1:20",
            "2001-12-14",
            "2001-12-14t21:59:43.10-05:00",
            "2001-12-14 21:59:43.10 -5",
            "<<",
            "=",
            ".inf",
            "-.Inf",
            "+.INF",
            ".NaN",
            "1e3",
            "+1",
            ".5",
            "1.",
            "6.8523015e+5",
            "685.230_15e+03",
            "0x_0A_74_AE",
            "-0b1",
            "~",
            "null",
            "NULL",
            "Null",
            "nUlL",
            "",
        ] {
            let written = document(&json!({ "k": text })).unwrap();
            let value = written.strip_prefix("k: ").unwrap().trim_end();
            assert!(
                value.starts_with('\'') || value.starts_with('"'),
                "{text:?} written as {written:?}"
            );
            round_trips(&json!({ "k": text, text: "v" }));
        }
        assert_eq!(
            document(&json!({"KUBERNETES": "yes"})).unwrap(),
            "KUBERNETES: 'yes'\n"
        );
        assert_eq!(
            document(&json!(["on", "N", "1_000"])).unwrap(),
            "- 'on'\n- 'N'\n- '1_000'\n"
        );
        // Words and numbers with something more stay plain.
        assert_eq!(
            document(&json!([
                "yes-please",
                "onion",
                "50m",
                "1Gi",
                "1.2.3-beta",
                "v1:20"
            ]))
            .unwrap(),
            "- yes-please\n- onion\n- 50m\n- 1Gi\n- 1.2.3-beta\n- v1:20\n"
        );
    }

    #[test]
    fn line_separators_and_controls_are_escaped() {
        // U+2028 in a literal block came back as an extra line break.
        assert_eq!(
            document(&json!({"k": "a\n\u{2028}"})).unwrap(),
            "k: \"a\\n\\u2028\"\n"
        );
        assert_eq!(
            document(&json!({"k": "\u{feff}x"})).unwrap(),
            "k: \"\\uFEFFx\"\n"
        );
        assert_eq!(document(&json!({"k": "a\tb"})).unwrap(), "k: \"a\\tb\"\n");
        for text in [
            "a\n\u{2028}",
            "\u{2028}",
            "a\u{2029}b",
            "a\u{85}b",
            "\u{feff}",
            "a\rb",
            "a\r\nb",
            "\u{0}\u{7}\u{1b}",
            "\u{7f}\u{9f}",
            "\u{fffe}\u{ffff}",
            "tab\tend\t",
            "a \nb",
            "a\nb ",
            "\n",
            "\n\n",
            " \n",
            "x\n\n\n",
            "  lead\nx",
            "\nlead",
            "back\\slash\"quote\n",
        ] {
            round_trips(&json!({ "k": text, "seq": [text, {"nested": text}], text: text }));
        }
    }

    #[test]
    fn long_keys_take_the_explicit_form() {
        let long = "k".repeat(129);
        assert_eq!(
            document(&json!({ long.clone(): "v" })).unwrap(),
            format!("? {long}\n: v\n")
        );
        same_as_serde_yaml(&json!({ long.clone(): "v", "short": {long.clone(): 1} }));
        let very_long = format!("{} {}", "yes".repeat(400), "\u{2028}".repeat(300));
        for key in [long, very_long, "k".repeat(128)] {
            round_trips(&json!({
                key.clone(): {"a": [1, {key.clone(): [key.clone(), {}], "b": []}]},
                "list": [{key.clone(): ["x", "y"]}, {key.clone(): {"m": 1}}],
            }));
        }
    }

    /// Pieces of adversarial text: the YAML 1.1 vocabulary, indicators, line separators, quotes, markers.
    fn piece() -> impl Strategy<Value = String> {
        let words = prop::sample::select(vec![
            "y",
            "yes",
            "n",
            "no",
            "true",
            "false",
            "on",
            "off",
            "null",
            "~",
            "nan",
            ".nan",
            "inf",
            ".inf",
            "-.inf",
            "+.inf",
            "<<",
            "=",
            "1_000",
            "0x1F",
            "0o17",
            "017",
            "0b101",
            "1:20",
            "190:20:30.15",
            "2001-12-14",
            "2001-12-14t21:59:43.10-05:00",
            "1e3",
            "-1.5E-3",
            "+1",
            ".5",
            "0",
            "-0",
            "12",
            "3.",
            "- ",
            ": ",
            "? ",
            "#",
            " #",
            "&a",
            "*a",
            "!",
            "!!str",
            "%",
            "@",
            "`",
            "'",
            "\"",
            "''",
            "---",
            "...",
            "|",
            ">",
            "{",
            "}",
            "[",
            "]",
            ",",
            "\\",
            "\n",
            "\r",
            "\t",
            " ",
            "  ",
            "\u{2028}",
            "\u{2029}",
            "\u{85}",
            "\u{feff}",
            "\u{0}",
            "\u{7f}",
            "\u{a0}",
            "\u{e9}",
            "\u{2603}",
            "\u{1f600}",
            "a",
            "Z",
            "/",
            "-",
            ".",
            "_",
            ":",
            "key",
            "x y",
        ]);
        prop_oneof![
            4 => words.prop_flat_map(|w: &'static str| {
                // Any casing of a word.
                prop::collection::vec(any::<bool>(), w.chars().count()).prop_map(move |upper| {
                    w.chars()
                        .zip(upper)
                        .map(|(c, u)| if u { c.to_ascii_uppercase() } else { c })
                        .collect::<String>()
                })
            }),
            1 => "\\PC{0,4}",
            1 => "[ -~]{0,6}",
        ]
    }

    fn adversarial() -> impl Strategy<Value = String> {
        prop_oneof![
            8 => prop::collection::vec(piece(), 1..6).prop_map(|p| p.concat()),
            1 => "\\PC{0,300}",
            1 => prop::collection::vec(piece(), 20..60).prop_map(|p| p.concat()),
        ]
    }

    #[test]
    fn sign_led_underscores_are_quoted_like_the_numbers_they_read_as() {
        // go-yaml v2 drops every `_` of a sign- or digit-led plain scalar before reading it as a number: `-_0` is
        // the integer 0 to kubectl (found by `adversarial_strings_round_trip`).
        for text in ["-_0", "+_1_0", "-_._5", "_0", "-_", "-_a"] {
            round_trips(&json!({ "k": text, text: [text] }));
        }
        assert_ne!(document(&json!("-_0")).unwrap(), "-_0\n");
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]
        #[test]
        fn strings_match_serde_yaml(
            s in "[ -~\n\u{e9}\u{2603}]{0,12}",
            k in "[a-zA-Z0-9./_: -]{1,10}",
            word in "[a-zA-Z0-9./:_-]{1,12}",
        ) {
            prop_assume!(serde_yaml_style_is_safe(&s) && serde_yaml_style_is_safe(&word));
            prop_assume!(serde_yaml_style_is_safe(&k) && !k.contains('\n'));
            same_as_serde_yaml(&json!({ k: s.clone(), "list": [s.clone(), {"x": s}], "word": word }));
        }

        #[test]
        fn adversarial_strings_round_trip(s in adversarial(), t in adversarial(), k in adversarial()) {
            round_trips(&json!({
                k.clone(): s.clone(),
                "list": [s.clone(), {t.clone(): [t.clone(), s.clone()], "x": {k.clone(): t.clone()}}, [k.clone()]],
                "t": t,
            }));
            round_trips(&json!(s));
            round_trips(&json!([k]));
        }
    }
}
