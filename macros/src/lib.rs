//! The `daemonset!` macro: a DaemonSet written like its YAML, checked at compile time, expanded to calls of the
//! `daemonset` builder. Use it through the `daemonset` crate (`daemonset::daemonset!`), which re-exports it.
//!
//! The macro works in three steps, like `serde_derive` and `thiserror`: **parse** the input into a generic tree
//! (maps, lists, calls, literals, expressions), **check** it, collecting every error with the span of the
//! offending tokens, and **expand** to builder calls. The checks of literals and the cross-field rules call the
//! `daemonset-rules` crate (`name`, `quantity`, `model`, `check`), the functions the runtime validation and spec files
//! call too; the differential test (`front_ends.rs`, run on source text) asserts that spec files, the macro and the
//! builder accept and reject the same generated descriptions at the same item. When
//! anything is wrong the macro emits one `compile_error!` per mistake and, in place of the DaemonSet, a value of
//! the same type, so the code around it raises no follow-on errors.
#![doc = include_str!("../GRAMMAR.md")]

use proc_macro::TokenStream;
use quote::quote;

mod check;
#[cfg(test)]
mod front_ends;
mod tree;

/// The errors found so far; all of them are reported.
pub(crate) struct Ctx {
    errors: Vec<syn::Error>,
}

/// A DaemonSet written declaratively, close to its YAML; evaluates to
/// `Result<k8s_openapi::api::apps::v1::DaemonSet, daemonset::ValidationErrors>`, the result of the builder's
/// `build()`.
///
/// Literals are checked at compile time (names, label keys and values, quantities, field paths, tolerations,
/// node selector requirements, update strategy, mounts of undeclared volumes, unknown keys with a "did you mean");
/// Rust expressions are checked by the same rules when `build()` runs. See the crate documentation for the
/// grammar.
///
/// ```
/// use daemonset::daemonset;
///
/// let ds = daemonset! {
///     name: "log-collector",
///     labels: { "app": "log-collector" },
///     selector: { "name": "log-collector" },
///     volumes: { varlog: host_path("/var/log") },
///     tolerations: [{ key: "node-role.kubernetes.io/control-plane", effect: NoSchedule }],
///     containers: [{
///         name: "log-collector",
///         image: "fluent/fluentd:v1.14-1",
///         resources: { requests: { cpu: "250m", memory: "64Mi" }, limits: { memory: "128Mi" } },
///         env: { NODE_NAME: field(spec.nodeName) },
///         mounts: { varlog: ("/var/log", read_only) },
///     }],
///     termination_grace_period_seconds: 30,
/// }?;
/// assert_eq!(ds.metadata.name.as_deref(), Some("log-collector"));
/// # Ok::<(), daemonset::ValidationErrors>(())
/// ```
///
/// A mistake is a compile error at the offending token:
///
/// ```compile_fail
/// let ds = daemonset::daemonset! {
///     name: "agent",
///     selector: { "app": "agent" },
///     containers: [{ name: "agent", image: "agent:1.0", resources: { limits: { memory: "64MB" } } }],
/// };
/// ```
#[proc_macro]
pub fn daemonset(input: TokenStream) -> TokenStream {
    let mut ctx = Ctx { errors: Vec::new() };
    let root = tree::parse_root(&mut ctx, input.into());
    let expansion = check::expand(&mut ctx, &root);
    if ctx.errors.is_empty() {
        // The DSL writes a Rust expression as `{ expr }` and passes it on as written: its braces (or parentheses
        // kept around a closure) are the grammar's, not the user's to remove, so `unused_braces`/`unused_parens`
        // must not fire on them in the user's crate (`#![deny(warnings)]` would refuse a correct `daemonset!`).
        // Attributes on a `let` are stable; they cover the whole builder expression.
        return quote!({
            #[allow(unused_braces, unused_parens)]
            let daemon_set = #expansion;
            daemon_set
        })
        .into();
    }
    // In source order, whatever the order of the checks.
    ctx.errors.sort_by_key(|e| {
        let start = e.span().start();
        (start.line, start.column)
    });
    let errors = ctx.errors.iter().map(syn::Error::to_compile_error);
    quote!({
        #(#errors)*
        ::daemonset::__private::rejected()
    })
    .into()
}

/// The DSL front end on source text (the inside of `daemonset! { ... }`), for tests: the expansion, or every error
/// with the line it points at.
#[cfg(test)]
pub(crate) fn check_source(source: &str) -> Result<String, Vec<(usize, String)>> {
    let tokens: proc_macro2::TokenStream = source
        .parse()
        .map_err(|e| vec![(0, format!("does not tokenize: {e}"))])?;
    let mut ctx = Ctx { errors: Vec::new() };
    let root = tree::parse_root(&mut ctx, tokens);
    let expansion = check::expand(&mut ctx, &root);
    if ctx.errors.is_empty() {
        Ok(expansion.to_string())
    } else {
        Err(ctx
            .errors
            .iter()
            .map(|e| (e.span().start().line, e.to_string()))
            .collect())
    }
}
