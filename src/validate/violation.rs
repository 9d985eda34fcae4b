use std::fmt;

use daemonset_rules::check::{self, Finding};

use super::{FieldPath, Path};

/// The API server's error types (apimachinery `field.ErrorType`), printed with the server's words: the one set the
/// shared rules' findings use too.
pub use daemonset_rules::check::Kind as ErrorType;

/// Who would reject the object for this violation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Origin {
    /// The API server rejects it (create fails with 422, or 400 for a malformed quantity).
    ApiServer,
    /// The server accepts it but it cannot work (e.g. a hostPort with maxSurge stalls every rollout).
    Beyond,
}

/// One broken rule: where, what kind, the offending value and the explanation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// The field path the server names.
    pub path: FieldPath,
    /// The server's error type.
    pub kind: ErrorType,
    /// The offending value as the server prints it (strings quoted), when the error type shows one.
    pub value: Option<String>,
    /// The explanation (for `Unsupported value`: `supported values: "a", "b"`).
    pub detail: String,
    /// Whether the server itself rejects this.
    pub origin: Origin,
}

impl Violation {
    fn new(
        path: impl Into<FieldPath>,
        kind: ErrorType,
        value: Option<String>,
        detail: impl Into<String>,
    ) -> Self {
        Violation {
            path: path.into(),
            kind,
            value,
            detail: detail.into(),
            origin: Origin::ApiServer,
        }
    }

    /// `Required value`.
    pub fn required(path: impl Into<FieldPath>, detail: impl Into<String>) -> Self {
        Self::new(path, ErrorType::Required, None, detail)
    }

    /// `Invalid value` for a value already printed (see [`quote`]).
    pub fn invalid(
        path: impl Into<FieldPath>,
        value: impl Into<String>,
        detail: impl Into<String>,
    ) -> Self {
        Self::new(path, ErrorType::Invalid, Some(value.into()), detail)
    }

    /// `Unsupported value`, listing the supported values.
    pub fn unsupported(path: impl Into<FieldPath>, value: &str, supported: &[&str]) -> Self {
        let list = supported
            .iter()
            .map(|s| quote(s))
            .collect::<Vec<_>>()
            .join(", ");
        Self::new(
            path,
            ErrorType::Unsupported,
            Some(quote(value)),
            format!("supported values: {list}"),
        )
    }

    /// `Forbidden`.
    pub fn forbidden(path: impl Into<FieldPath>, detail: impl Into<String>) -> Self {
        Self::new(path, ErrorType::Forbidden, None, detail)
    }

    /// `Duplicate value` for a value already printed (see [`quote`]).
    pub fn duplicate(path: impl Into<FieldPath>, value: impl Into<String>) -> Self {
        Self::new(path, ErrorType::Duplicate, Some(value.into()), "")
    }

    /// `Not found` for a value already printed (see [`quote`]).
    pub fn not_found(path: impl Into<FieldPath>, value: impl Into<String>) -> Self {
        Self::new(path, ErrorType::NotFound, Some(value.into()), "")
    }

    /// `Too long`.
    pub fn too_long(path: impl Into<FieldPath>, max: usize) -> Self {
        Self::new(
            path,
            ErrorType::TooLong,
            None,
            format!("may not be more than {max} bytes"),
        )
    }

    /// Marks a violation the API server does not check itself.
    #[must_use]
    pub fn beyond_server(mut self) -> Self {
        self.origin = Origin::Beyond;
        self
    }
}

impl Violation {
    /// A finding of a shared rule (`daemonset_rules::check`) about a field of the object at `base`.
    pub(crate) fn from_finding(base: &Path<'_>, finding: Finding) -> Violation {
        let path = finding
            .field
            .split('.')
            .fold(FieldPath::from(base), |path, part| {
                match part.split_once('[') {
                    Some((name, index)) => path
                        .child(name)
                        .index(index.trim_end_matches(']').parse().unwrap_or_default()),
                    None => path.child(part),
                }
            });
        Violation::new(path, finding.kind, finding.value, finding.detail)
    }

    /// The message without the path: `Invalid value: "x": detail`.
    pub fn message(&self) -> String {
        check::message(self.kind.as_str(), self.value.as_deref(), &self.detail)
    }
}

/// Quotes a string the way the API server prints string values (Go's `%q`).
pub fn quote(value: &str) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| format!("\"{value}\""))
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message())
    }
}

impl std::error::Error for Violation {}

impl From<Violation> for crate::diagnostic::Diagnostic {
    /// An error at the violation's field path (locate it with [`Diagnostic::at`](crate::diagnostic::Diagnostic::at)),
    /// keeping the violation as its source.
    fn from(violation: Violation) -> Self {
        let location = crate::diagnostic::Location {
            path: Some(violation.path.as_str().to_owned()),
            ..Default::default()
        };
        crate::diagnostic::Diagnostic::error(location, violation.message()).with_source(violation)
    }
}

/// Every violation found in one object, in field order.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ValidationErrors {
    violations: Vec<Violation>,
}

impl ValidationErrors {
    pub(crate) fn result(violations: Vec<Violation>) -> Result<(), ValidationErrors> {
        if violations.is_empty() {
            Ok(())
        } else {
            Err(ValidationErrors { violations })
        }
    }

    /// The violations.
    pub fn violations(&self) -> &[Violation] {
        &self.violations
    }

    /// Consumes the list.
    pub fn into_violations(self) -> Vec<Violation> {
        self.violations
    }

    /// Whether any violation is at `path` exactly.
    pub fn has_path(&self, path: &str) -> bool {
        self.violations.iter().any(|v| v.path.as_str() == path)
    }
}

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.violations.len();
        write!(f, "{n} violation{}:", if n == 1 { "" } else { "s" })?;
        for v in &self.violations {
            write!(f, "\n  {v}")?;
        }
        Ok(())
    }
}
