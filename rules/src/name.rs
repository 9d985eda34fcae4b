//! Names, label keys and values, port names, config keys and env var names (apimachinery `IsDNS1123Label` & co).
//!
//! Every function returns the list of problems in the API server's words; an empty list means the value is valid.
//! Lengths are counted in bytes, as Go's `len` does, and the character classes are ASCII-only, as Go's regular
//! expressions over these classes are.

/// Longest DNS-1123 label (`IsDNS1123Label`), also the longest label value and label-key name part.
pub const DNS1123_LABEL_MAX_LENGTH: usize = 63;
/// Longest DNS-1123 subdomain (`IsDNS1123Subdomain`), also the longest config key.
pub const DNS1123_SUBDOMAIN_MAX_LENGTH: usize = 253;
/// Longest label value (`IsValidLabelValue`).
pub const LABEL_VALUE_MAX_LENGTH: usize = 63;
/// Longest name part of a qualified name.
pub const QUALIFIED_NAME_MAX_LENGTH: usize = 63;
/// Longest port name (`IsValidPortName`).
pub const PORT_NAME_MAX_LENGTH: usize = 15;

/// The regex quoted for DNS-1123 labels.
pub const DNS1123_LABEL_FMT: &str = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
/// The regex quoted for DNS-1123 subdomains.
pub const DNS1123_SUBDOMAIN_FMT: &str =
    "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";
/// The regex quoted for the name part of qualified names.
pub const QUALIFIED_NAME_FMT: &str = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
/// The regex quoted for label values.
pub const LABEL_VALUE_FMT: &str = "(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?";
/// The regex quoted for config keys.
pub const CONFIG_MAP_KEY_FMT: &str = "[-._a-zA-Z0-9]+";
/// The regex quoted for percentages (`IsValidPercent`).
pub const PERCENT_FMT: &str = "[0-9]+%";

const DNS1123_LABEL_ERR: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";
const DNS1123_SUBDOMAIN_ERR: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
const QUALIFIED_NAME_ERR: &str = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const LABEL_VALUE_ERR: &str = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const CONFIG_MAP_KEY_ERR: &str =
    "a valid config key must consist of alphanumeric characters, '-', '_' or '.'";
const RELAXED_ENV_VAR_ERR: &str = "a valid environment variable name must consist only of printable ASCII characters other than '='";
const PERCENT_ERR: &str =
    "a valid percent string must be a numeric string followed by an ending '%'";

/// apimachinery `MaxLenError`: `must be no more than N characters`.
pub fn max_len_error(length: usize) -> String {
    format!("must be no more than {length} characters")
}

/// apimachinery `EmptyError`: `must be non-empty`.
pub fn empty_error() -> &'static str {
    "must be non-empty"
}

/// apimachinery `InclusiveRangeError`: `must be between LO and HI, inclusive`.
pub fn inclusive_range_error(lo: i64, hi: i64) -> String {
    format!("must be between {lo} and {hi}, inclusive")
}

/// apimachinery `RegexError`: the message, examples and the regex used.
pub fn regex_error(msg: &str, fmt: &str, examples: &[&str]) -> String {
    if examples.is_empty() {
        return format!("{msg} (regex used for validation is '{fmt}')");
    }
    let mut out = format!("{msg} (e.g. ");
    for (i, example) in examples.iter().enumerate() {
        if i > 0 {
            out.push_str(" or ");
        }
        out.push('\'');
        out.push_str(example);
        out.push_str("', ");
    }
    out.push_str("regex used for validation is '");
    out.push_str(fmt);
    out.push_str("')");
    out
}

fn is_lower_alnum(b: u8) -> bool {
    b.is_ascii_lowercase() || b.is_ascii_digit()
}

/// `^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`
fn matches_dns1123_label(value: &str) -> bool {
    let bytes = value.as_bytes();
    match (bytes.first(), bytes.last()) {
        (Some(&first), Some(&last)) => {
            is_lower_alnum(first)
                && is_lower_alnum(last)
                && bytes.iter().all(|&b| is_lower_alnum(b) || b == b'-')
        }
        _ => false,
    }
}

/// `^label(\.label)*$` without length limits, in one pass over the bytes: every label starts and ends with a
/// lowercase letter or digit (so no label is empty), with `-` only inside.
fn matches_dns1123_subdomain(value: &str) -> bool {
    // The byte before the current one; a label starts after `.` (and at the start).
    let mut prev = b'.';
    for &b in value.as_bytes() {
        let ok = match b {
            b'.' => is_lower_alnum(prev),
            b'-' => prev != b'.',
            _ => is_lower_alnum(b),
        };
        if !ok {
            return false;
        }
        prev = b;
    }
    is_lower_alnum(prev)
}

/// Whether each byte is in `[-A-Za-z0-9_.]` (a table: label keys and values are checked on every object).
const QUALIFIED_NAME_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric() || c == b'-' || c == b'_' || c == b'.';
        b += 1;
    }
    table
};

/// `^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$`
fn matches_qualified_name_part(value: &str) -> bool {
    let bytes = value.as_bytes();
    match (bytes.first(), bytes.last()) {
        (Some(&first), Some(&last)) => {
            first.is_ascii_alphanumeric()
                && last.is_ascii_alphanumeric()
                && bytes.iter().all(|&b| QUALIFIED_NAME_BYTES[usize::from(b)])
        }
        _ => false,
    }
}

/// `IsDNS1123Label`: at most 63 characters, `[a-z0-9]([-a-z0-9]*[a-z0-9])?`.
pub fn dns1123_label(value: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if value.len() > DNS1123_LABEL_MAX_LENGTH {
        errs.push(max_len_error(DNS1123_LABEL_MAX_LENGTH));
    }
    if !matches_dns1123_label(value) {
        if matches_dns1123_subdomain(value) {
            errs.push("must not contain dots".to_owned());
        } else {
            errs.push(regex_error(
                DNS1123_LABEL_ERR,
                DNS1123_LABEL_FMT,
                &["my-name", "123-abc"],
            ));
        }
    }
    errs
}

/// `IsDNS1123Subdomain`: at most 253 characters, dot-separated DNS-1123 labels.
pub fn dns1123_subdomain(value: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if value.len() > DNS1123_SUBDOMAIN_MAX_LENGTH {
        errs.push(max_len_error(DNS1123_SUBDOMAIN_MAX_LENGTH));
    }
    if !matches_dns1123_subdomain(value) {
        errs.push(regex_error(
            DNS1123_SUBDOMAIN_ERR,
            DNS1123_SUBDOMAIN_FMT,
            &["example.com"],
        ));
    }
    errs
}

/// `IsQualifiedName`: label and annotation keys, `[prefix/]name` (prefix a DNS-1123 subdomain, name <= 63).
pub fn qualified_name(value: &str) -> Vec<String> {
    let mut errs = Vec::new();
    // The parts around `/`: one (a name) or two (a prefix and a name); more is an error.
    let parts = match value.split_once('/') {
        None => Ok((None, value)),
        Some((prefix, name)) if !name.contains('/') => Ok((Some(prefix), name)),
        Some(_) => Err(()),
    };
    let name = match parts {
        Ok((None, name)) => name,
        Ok((Some(prefix), name)) => {
            if prefix.is_empty() {
                errs.push(format!("prefix part {}", empty_error()));
            } else {
                errs.extend(
                    dns1123_subdomain(prefix)
                        .into_iter()
                        .map(|m| format!("prefix part {m}")),
                );
            }
            name
        }
        Err(()) => {
            errs.push(format!(
                "a qualified name {} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
                regex_error(QUALIFIED_NAME_ERR, QUALIFIED_NAME_FMT, &["MyName", "my.name", "123-abc"])
            ));
            return errs;
        }
    };
    if name.is_empty() {
        errs.push(format!("name part {}", empty_error()));
    } else if name.len() > QUALIFIED_NAME_MAX_LENGTH {
        errs.push(format!(
            "name part {}",
            max_len_error(QUALIFIED_NAME_MAX_LENGTH)
        ));
    }
    if !matches_qualified_name_part(name) {
        errs.push(format!(
            "name part {}",
            regex_error(
                QUALIFIED_NAME_ERR,
                QUALIFIED_NAME_FMT,
                &["MyName", "my.name", "123-abc"]
            )
        ));
    }
    errs
}

/// `IsValidLabelValue`: at most 63 characters, empty or `(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?`.
pub fn label_value(value: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if value.len() > LABEL_VALUE_MAX_LENGTH {
        errs.push(max_len_error(LABEL_VALUE_MAX_LENGTH));
    }
    if !value.is_empty() && !matches_qualified_name_part(value) {
        errs.push(regex_error(
            LABEL_VALUE_ERR,
            LABEL_VALUE_FMT,
            &["MyValue", "my_value", "12345"],
        ));
    }
    errs
}

/// `IsValidPortName`: at most 15 characters, `[-a-z0-9]`, at least one letter, no `--`, no leading/trailing `-`.
pub fn port_name(value: &str) -> Vec<String> {
    let mut errs = Vec::new();
    let bytes = value.as_bytes();
    if value.len() > PORT_NAME_MAX_LENGTH {
        errs.push(max_len_error(PORT_NAME_MAX_LENGTH));
    }
    if bytes.is_empty() || !bytes.iter().all(|&b| is_lower_alnum(b) || b == b'-') {
        errs.push(
            "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)".to_owned(),
        );
    }
    if !bytes.iter().any(u8::is_ascii_lowercase) {
        errs.push("must contain at least one letter (a-z)".to_owned());
    }
    if value.contains("--") {
        errs.push("must not contain consecutive hyphens".to_owned());
    }
    if value.starts_with('-') || value.ends_with('-') {
        errs.push("must not begin or end with a hyphen".to_owned());
    }
    errs
}

fn ch_dir_prefix(value: &str) -> Option<String> {
    if value == "." {
        Some("must not be '.'".to_owned())
    } else if value == ".." {
        Some("must not be '..'".to_owned())
    } else if value.starts_with("..") {
        Some("must not start with '..'".to_owned())
    } else {
        None
    }
}

/// `IsConfigMapKey`: `[-._a-zA-Z0-9]+`, at most 253 characters, not `.` or `..` nor starting with `..`.
pub fn config_map_key(value: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if value.len() > DNS1123_SUBDOMAIN_MAX_LENGTH {
        errs.push(max_len_error(DNS1123_SUBDOMAIN_MAX_LENGTH));
    }
    let bytes = value.as_bytes();
    if bytes.is_empty()
        || !bytes
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_'))
    {
        errs.push(regex_error(
            CONFIG_MAP_KEY_ERR,
            CONFIG_MAP_KEY_FMT,
            &["key.name", "KEY_NAME", "key-name"],
        ));
    }
    errs.extend(ch_dir_prefix(value));
    errs
}

/// Environment variable names as of Kubernetes 1.34 (`RelaxedEnvironmentVariableValidation` GA): printable ASCII
/// except `=`, not empty.
pub fn env_var_name(value: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if value.is_empty() {
        errs.push(format!("environment variable name {}", empty_error()));
    }
    if value.chars().any(|c| !(' '..='~').contains(&c) || c == '=') {
        errs.push(RELAXED_ENV_VAR_ERR.to_owned());
    }
    errs
}

/// `IsValidPercent`: `[0-9]+%`.
pub fn percent(value: &str) -> Vec<String> {
    match value.strip_suffix('%') {
        Some(digits) if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) => {
            Vec::new()
        }
        _ => vec![regex_error(PERCENT_ERR, PERCENT_FMT, &["1%", "93%"])],
    }
}

/// `IsValidPortNum`: 1..=65535.
pub fn port_number(port: i64) -> Vec<String> {
    if (1..=65535).contains(&port) {
        Vec::new()
    } else {
        vec![inclusive_range_error(1, 65535)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dns1123_subdomain_matches_label_by_label() {
        let by_label = |v: &str| v.split('.').all(matches_dns1123_label);
        for value in [
            "",
            ".",
            "a",
            "a.b",
            "a..b",
            ".a",
            "a.",
            "-a",
            "a-",
            "a-.b",
            "a.-b",
            "a-b.c-d",
            "A.b",
            "a_b",
            "node-role.kubernetes.io",
            "1.2.3",
            "a.b-",
            "é",
            "a.b.c.d.e",
        ] {
            assert_eq!(
                matches_dns1123_subdomain(value),
                by_label(value),
                "{value:?}"
            );
        }
    }

    #[test]
    fn dns1123_label_cases() {
        assert!(dns1123_label("my-name").is_empty());
        assert!(dns1123_label("123-abc").is_empty());
        assert!(dns1123_label("a").is_empty());
        assert!(dns1123_label(&"a".repeat(63)).is_empty());
        assert_eq!(
            dns1123_label(&"a".repeat(64)),
            vec!["must be no more than 63 characters"]
        );
        assert_eq!(dns1123_label("a.b"), vec!["must not contain dots"]);
        assert_eq!(
            dns1123_label("My_Name"),
            vec![
                "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start \
                 and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is \
                 '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
                    .to_owned()
            ]
        );
        assert_eq!(dns1123_label("").len(), 1);
        assert_eq!(dns1123_label("-a").len(), 1);
        assert_eq!(dns1123_label("a-").len(), 1);
        assert_eq!(dns1123_label("é").len(), 1);
        // Too long and dotted: both messages.
        assert_eq!(dns1123_label(&format!("{}.b", "a".repeat(63))).len(), 2);
    }

    #[test]
    fn regex_error_matches_apimachinery_spacing() {
        // apimachinery writes "'my-name',  or '123-abc'" (comma, two spaces, "or").
        assert_eq!(
            regex_error("msg", "re", &["a", "b"]),
            "msg (e.g. 'a',  or 'b', regex used for validation is 're')"
        );
        assert_eq!(
            regex_error("msg", "re", &[]),
            "msg (regex used for validation is 're')"
        );
    }

    #[test]
    fn dns1123_subdomain_cases() {
        assert!(dns1123_subdomain("example.com").is_empty());
        assert!(dns1123_subdomain("a").is_empty());
        assert_eq!(dns1123_subdomain("a..b").len(), 1);
        assert_eq!(dns1123_subdomain(".a").len(), 1);
        assert_eq!(dns1123_subdomain("a.").len(), 1);
        assert_eq!(dns1123_subdomain("A.com").len(), 1);
        assert_eq!(
            dns1123_subdomain(""),
            vec![regex_error(
                DNS1123_SUBDOMAIN_ERR,
                DNS1123_SUBDOMAIN_FMT,
                &["example.com"]
            )]
        );
        let long = format!(
            "{}.{}.{}.{}",
            "a".repeat(63),
            "b".repeat(63),
            "c".repeat(63),
            "d".repeat(63)
        );
        assert_eq!(
            dns1123_subdomain(&long),
            vec!["must be no more than 253 characters"]
        );
    }

    #[test]
    fn qualified_name_cases() {
        assert!(qualified_name("app").is_empty());
        assert!(qualified_name("app.kubernetes.io/name").is_empty());
        assert!(qualified_name("MyName").is_empty());
        assert!(qualified_name("my_name.x-y").is_empty());
        assert_eq!(qualified_name("/a"), vec!["prefix part must be non-empty"]);
        assert_eq!(
            qualified_name("a/"),
            vec![
                "name part must be non-empty".to_owned(),
                format!(
                    "name part {}",
                    regex_error(
                        QUALIFIED_NAME_ERR,
                        QUALIFIED_NAME_FMT,
                        &["MyName", "my.name", "123-abc"]
                    )
                ),
            ]
        );
        assert!(qualified_name("a/b/c")[0].starts_with("a qualified name must consist of"));
        assert!(qualified_name("a/b/c")[0].ends_with(
            "with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"
        ));
        assert!(
            qualified_name("Example.com/a")[0]
                .starts_with("prefix part a lowercase RFC 1123 subdomain")
        );
        assert_eq!(qualified_name(&"a".repeat(64)).len(), 1);
        assert_eq!(
            qualified_name(&"a".repeat(64))[0],
            "name part must be no more than 63 characters"
        );
        assert_eq!(qualified_name("-a").len(), 1);
        assert_eq!(qualified_name("").len(), 2);
    }

    #[test]
    fn label_value_cases() {
        assert!(label_value("").is_empty());
        assert!(label_value("v1.0_beta-2").is_empty());
        assert_eq!(label_value("-x").len(), 1);
        assert_eq!(label_value("a b").len(), 1);
        assert_eq!(
            label_value(&"a".repeat(64)),
            vec!["must be no more than 63 characters"]
        );
        assert_eq!(
            label_value("-1").len(),
            1,
            "negative numbers are not label values"
        );
    }

    #[test]
    fn port_name_cases() {
        assert!(port_name("http").is_empty());
        assert!(port_name("h2c-80").is_empty());
        assert_eq!(
            port_name("80"),
            vec!["must contain at least one letter (a-z)"]
        );
        assert_eq!(
            port_name("a--b"),
            vec!["must not contain consecutive hyphens"]
        );
        assert_eq!(
            port_name("-ab"),
            vec!["must not begin or end with a hyphen"]
        );
        assert_eq!(
            port_name("HTTP"),
            vec![
                "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)",
                "must contain at least one letter (a-z)"
            ]
        );
        assert_eq!(
            port_name("abcdefghijklmnop"),
            vec!["must be no more than 15 characters"]
        );
    }

    #[test]
    fn config_map_key_cases() {
        assert!(config_map_key("key.name").is_empty());
        assert!(config_map_key("KEY_NAME").is_empty());
        assert!(config_map_key(".hidden").is_empty());
        assert_eq!(config_map_key("."), vec!["must not be '.'"]);
        assert_eq!(config_map_key(".."), vec!["must not be '..'"]);
        assert_eq!(config_map_key("..a"), vec!["must not start with '..'"]);
        assert_eq!(config_map_key("a/b").len(), 1);
        assert_eq!(config_map_key("").len(), 1);
    }

    #[test]
    fn env_var_name_cases() {
        assert!(env_var_name("NODE_NAME").is_empty());
        assert!(env_var_name("1abc").is_empty());
        assert!(env_var_name("my var!").is_empty());
        assert_eq!(
            env_var_name(""),
            vec!["environment variable name must be non-empty"]
        );
        assert_eq!(env_var_name("A=B").len(), 1);
        assert_eq!(env_var_name("tab\there").len(), 1);
        assert_eq!(env_var_name("é").len(), 1);
    }

    #[test]
    fn percent_and_port_number() {
        assert!(percent("10%").is_empty());
        assert!(percent("0%").is_empty());
        assert_eq!(
            percent("10"),
            vec![
                "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex \
             used for validation is '[0-9]+%')"
            ]
        );
        assert_eq!(percent("%").len(), 1);
        assert_eq!(percent("-1%").len(), 1);
        assert!(port_number(1).is_empty());
        assert!(port_number(65535).is_empty());
        assert_eq!(
            port_number(0),
            vec!["must be between 1 and 65535, inclusive"]
        );
        assert_eq!(port_number(65536).len(), 1);
    }
}
