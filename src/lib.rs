//! Kubernetes DaemonSets that are correct by construction.
//!
//! Data flows one way: a typed builder (or the `daemonset!` DSL, or a spec file, or YAML someone else wrote)
//! produces a [`k8s_openapi::api::apps::v1::DaemonSet`], [`validate()`] checks it with the API server's rules, and
//! [`render`] writes YAML or JSON.

pub mod build;
#[cfg(feature = "cluster")]
pub mod cluster;
pub mod lint;
pub mod locate;
pub mod parse;
pub mod plan;
pub mod render;
pub mod spec;
pub mod validate;
pub mod write;
mod yaml;

pub use daemonset_rules as rules;
pub use k8s_openapi as k8s;
pub use validate::{ValidationErrors, Violation, validate};

pub use daemonset_macros::daemonset;

/// Support of the `daemonset!` macro's expansion; not a public API.
#[doc(hidden)]
pub mod __private {
    use crate::validate::{FieldPath, ValidationErrors, Violation};

    /// What `daemonset!` expands to beside its compile errors: a value of the right type, so the code around the
    /// macro still type-checks and the compiler reports no follow-on errors. It is never run: the crate does not
    /// compile.
    pub fn rejected() -> Result<k8s_openapi::api::apps::v1::DaemonSet, ValidationErrors> {
        Err(ValidationErrors::result(vec![Violation::forbidden(
            FieldPath::root("daemonset!"),
            "the DSL has compile errors",
        )])
        .expect_err("one violation"))
    }
}
