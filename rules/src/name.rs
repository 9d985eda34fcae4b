//! Names, label keys and values, port names, config keys and env var names (apimachinery `IsDNS1123Label` & co).
//!
//! Every function returns the list of problems in the API server's words; an empty list means the value is valid.

/// `IsDNS1123Label`: at most 63 characters, `[a-z0-9]([-a-z0-9]*[a-z0-9])?`.
pub fn dns1123_label(value: &str) -> Vec<String> {
    todo!("{value}")
}

/// `IsDNS1123Subdomain`: at most 253 characters, dot-separated DNS-1123 labels.
pub fn dns1123_subdomain(value: &str) -> Vec<String> {
    todo!("{value}")
}

/// `IsQualifiedName`: label and annotation keys, `[prefix/]name` (prefix a DNS-1123 subdomain, name <= 63).
pub fn qualified_name(value: &str) -> Vec<String> {
    todo!("{value}")
}

/// `IsValidLabelValue`: at most 63 characters, empty or `(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?`.
pub fn label_value(value: &str) -> Vec<String> {
    todo!("{value}")
}

/// `IsValidPortName`: at most 15 characters, `[-a-z0-9]`, at least one letter, no `--`, no leading/trailing `-`.
pub fn port_name(value: &str) -> Vec<String> {
    todo!("{value}")
}

/// `IsConfigMapKey`: `[-._a-zA-Z0-9]+`, at most 253 characters, not `.` or `..` nor starting with `..`.
pub fn config_map_key(value: &str) -> Vec<String> {
    todo!("{value}")
}

/// Environment variable names as of Kubernetes 1.34 (`RelaxedEnvironmentVariableValidation` GA): printable ASCII
/// except `=`, not empty.
pub fn env_var_name(value: &str) -> Vec<String> {
    todo!("{value}")
}
