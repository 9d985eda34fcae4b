//! The pod fields an environment variable may read through `fieldRef` (downward API, env form).

/// The fixed paths accepted for env `fieldRef.fieldPath` (Kubernetes 1.34), besides the subscripted
/// `metadata.labels['<key>']` and `metadata.annotations['<key>']`.
pub const ENV_FIELD_PATHS: &[&str] = &[
    "metadata.name",
    "metadata.namespace",
    "metadata.uid",
    "spec.nodeName",
    "spec.serviceAccountName",
    "status.hostIP",
    "status.hostIPs",
    "status.podIP",
    "status.podIPs",
];

/// Why a `fieldRef.fieldPath` is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldRefError {
    /// Not one of the supported paths: the API server answers `Unsupported value` with this list.
    Unsupported {
        /// The paths the server lists as supported.
        supported: Vec<String>,
    },
    /// A subscripted path whose key is not a qualified name, or a subscript on a field that takes none: the server's
    /// `Invalid value` with these messages.
    Invalid {
        /// The server's messages.
        messages: Vec<String>,
    },
}

/// Checks an env `fieldRef.fieldPath` the way `validateDownwardAPIFieldPath` does for env vars.
pub fn env_field_path(path: &str) -> Result<(), FieldRefError> {
    todo!("{path}")
}
