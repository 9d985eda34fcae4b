//! Kubernetes DaemonSets that are correct by construction.
//!
//! Data flows one way: a typed builder (or the `daemonset!` DSL, or a spec file, or YAML someone else wrote)
//! produces a [`k8s_openapi::api::apps::v1::DaemonSet`], [`validate()`] checks it with the API server's rules, and
//! [`render`] writes YAML or JSON.
//!
//! | module | what it does |
//! | --- | --- |
//! | [`build`] | the typed builder: [`build::NodeAgent::builder()`] … `.build()` returns the validated object |
//! | [`daemonset!`] | the declarative DSL, expanding to builder calls; literal mistakes are compile errors |
//! | [`mod@validate`] | the API server's rules (and the ones it lacks) on any DaemonSet, with field paths |
//! | [`parse`] | strict YAML in: unknown fields are errors with path and line |
//! | [`render`] | YAML / JSON out, one object, a stream, or a streaming writer |
//! | [`spec`] | spec files: minijinja templates in the builder's vocabulary |
//! | [`import`] | existing manifests as builder code, a `daemonset!` block or a spec file |
//! | [`lint`] | best-practice findings with stable rule ids |
//! | [`diagnostic`] | one problem at one location (`file:line:column: path: message`), whoever found it |
//! | [`mod@write`] | the atomic, prune-safe directory writer (`render --out` and `build.rs`) |
//! | [`plan`] | on which nodes a DaemonSet runs, and why not on the others |
//! | `cluster` (feature `cluster`) | server-side apply, diff, rollout status / history / undo with kube-rs |
//! | [`doctor`] | why a DaemonSet is not healthy, and on which nodes (live gathering with feature `cluster`) |
//!
//! The library does not choose a Kubernetes version: enable one `k8s-openapi` version feature (`v1_34`) in the
//! binary that uses it, as with kube-rs.
//!
//! ```
//! use daemonset::build::{Container, NodeAgent};
//!
//! let ds = NodeAgent::builder()
//!     .name("node-exporter")
//!     .selector_label("app", "node-exporter")
//!     .container(Container::builder().name("exporter").image("quay.io/prometheus/node-exporter:v1.8.2").build())
//!     .build()?;
//! daemonset::validate(&ds)?;
//! print!("{}", daemonset::render::to_yaml(&ds)?);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod build;
#[cfg(feature = "cluster")]
pub mod cluster;
pub mod diagnostic;
pub mod doctor;
pub mod import;
pub mod input;
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

    /// The fast YAML reader against the parser-based one on every document of a stream (for `tests/yaml_fast.rs`
    /// and the `yaml_fast` fuzz target): how many documents the fast reader read, or where the two differ.
    pub fn yaml_fast_reader_agrees(text: &str) -> Result<usize, String> {
        crate::yaml::fast::compare_stream(text)
    }

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
