//! Import: existing DaemonSet manifests (kubectl, Helm or kustomize output) written as builder code, a
//! `daemonset!` block or a spec file, as if written by hand in this crate's vocabulary.
//!
//! Every field of the manifest ends up in one of three places:
//! - a typed form: named volume handles, typed quantities ([`Cpu`](crate::build::Cpu),
//!   [`Memory`](crate::build::Memory)), enums;
//! - nowhere, because the API server fills in the same value anyway (the defaults of
//!   `/work/shared/reference/daemonset-rules.md` § E: `imagePullPolicy` from the tag, `protocol: TCP`, probe timings,
//!   `defaultMode: 420`, `terminationGracePeriodSeconds: 30`, a rolling update with `maxUnavailable: 1`, …), or
//!   because the server writes it itself (`status`, `metadata.uid`, `creationTimestamp`; listed in
//!   [`Imported::notes`]);
//! - [`Imported::untyped`]: a field without a typed form in the chosen form. The builder and DSL forms set it in
//!   `customize` (or a `raw` volume) from its JSON, with a comment naming the field; a spec file cannot express it,
//!   so it is left out and listed there. Nothing is dropped silently.
//!
//! The builder has typed forms for a few more fields than the DSL and spec files (the pod's OS and resize policy,
//! pod affinity in the DSL, the template's name, generic ephemeral volumes, ...): the import model takes each field
//! only for the forms that can write it, and for the others it stays an untyped field.
//!
//! ```
//! let ds: daemonset::k8s::api::apps::v1::DaemonSet = daemonset::parse::from_yaml(
//!     "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: agent}\nspec:\n  selector: {matchLabels: {app: agent}}\n  \
//!      template:\n    metadata: {name: agent-pod, labels: {app: agent}}\n    spec:\n      os: {name: linux}\n      \
//!      automountServiceAccountToken: false\n      \
//!      containers: [{name: agent, image: 'agent:1.0', resources: {requests: {cpu: 100m}}}]\n",
//! )?;
//! let imported = daemonset::import::to_rust(&ds)?;
//! assert!(imported.text.contains(".cpu_request(Cpu::millis(100))"));
//! assert!(imported.text.contains(".automount_service_account_token(false)"));
//! assert!(imported.is_fully_typed());
//! let dsl = daemonset::import::to_dsl(&ds)?;
//! // The DSL has no typed form for the OS yet: set in `customize`.
//! let os = dsl.untyped.iter().find(|u| u.path == "spec.template.spec.os.name").expect("untyped in the DSL");
//! assert!(os.expressed);
//! let spec = daemonset::import::to_spec(&ds)?;
//! // A spec file cannot say the template's name: it is left out, and listed in the file's header.
//! assert!(spec.text.contains("#   spec.template.metadata.name\n"));
//! assert!(spec.untyped.iter().all(|u| !u.expressed));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod dsl;
mod model;
mod rust;
mod spec_file;

use k8s_openapi::api::apps::v1::DaemonSet;

pub use model::ImportError;

/// The form an import is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Form {
    /// Builder code: a function returning `Result<DaemonSet, ValidationErrors>`.
    Rust,
    /// A `daemonset!` block in a function of the same signature.
    Dsl,
    /// A spec file (YAML, see `docs/`).
    Spec,
}

impl Form {
    /// The name used on the command line (`rust`, `dsl`, `spec`).
    pub fn as_str(self) -> &'static str {
        match self {
            Form::Rust => "rust",
            Form::Dsl => "dsl",
            Form::Spec => "spec",
        }
    }

    /// The extension of a file of this form.
    pub fn extension(self) -> &'static str {
        match self {
            Form::Rust | Form::Dsl => "rs",
            Form::Spec => "yaml",
        }
    }
}

/// A field of the manifest without a typed form in the chosen front end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Untyped {
    /// Where it is in the DaemonSet (`spec.template.spec.containers[1].lifecycle`).
    pub path: String,
    /// The same field with list indices left out and relative to the pod where it is in the pod
    /// (`containers[].lifecycle`, `securityContext.seccompProfile`, `volumes[].csi`), for counting over files.
    pub field: String,
    /// `true` when the output still sets it through the escape hatch (`customize`, a `raw` volume); `false` when
    /// the output leaves it out (spec files have no escape hatch).
    pub expressed: bool,
}

/// The result of an import.
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    /// The form of `text`.
    pub form: Form,
    /// The DaemonSet's name.
    pub name: String,
    /// The DaemonSet's namespace, when the manifest sets one.
    pub namespace: Option<String>,
    /// The name of the Rust function (`rust`, `dsl`) the text defines.
    pub function: String,
    /// The code or spec file.
    pub text: String,
    /// Fields without a typed form, in the order of the manifest.
    pub untyped: Vec<Untyped>,
    /// What was left out because the server or a tool writes it, not whoever wrote the manifest.
    pub notes: Vec<String>,
}

impl Imported {
    /// Whether every field of the manifest has a typed form (no `customize`, nothing left out).
    pub fn is_fully_typed(&self) -> bool {
        self.untyped.is_empty()
    }

    /// The untyped fields the output leaves out (spec files only).
    pub fn left_out(&self) -> impl Iterator<Item = &Untyped> {
        self.untyped.iter().filter(|u| !u.expressed)
    }
}

/// Imports a DaemonSet as builder code.
pub fn to_rust(ds: &DaemonSet) -> Result<Imported, ImportError> {
    import(ds, Form::Rust)
}

/// Imports a DaemonSet as a `daemonset!` block.
pub fn to_dsl(ds: &DaemonSet) -> Result<Imported, ImportError> {
    import(ds, Form::Dsl)
}

/// Imports a DaemonSet as a spec file; fields without a typed form are left out and listed in
/// [`Imported::untyped`].
pub fn to_spec(ds: &DaemonSet) -> Result<Imported, ImportError> {
    import(ds, Form::Spec)
}

/// Imports a DaemonSet in the given form.
pub fn import(ds: &DaemonSet, form: Form) -> Result<Imported, ImportError> {
    let value = serde_json::to_value(ds).map_err(|e| ImportError::Invalid {
        path: String::new(),
        message: e.to_string(),
    })?;
    let reach = match form {
        Form::Rust => model::Reach::Builder,
        Form::Dsl => model::Reach::Dsl,
        // Spec files have the builder's typed forms (generic ephemeral volumes and the template's name aside,
        // which `spec_file` reports as left out).
        Form::Spec => model::Reach::Builder,
    };
    let ir = model::analyze(&value, reach)?;
    let function = rust_ident(&ir.name);
    let (text, untyped) = match form {
        Form::Rust => rust::emit(&ir, &function),
        Form::Dsl => dsl::emit(&ir, &function),
        Form::Spec => spec_file::emit(&ir),
    };
    Ok(Imported {
        form,
        name: ir.name.clone(),
        namespace: ir.namespace.clone(),
        function,
        text,
        untyped,
        notes: ir.notes.clone(),
    })
}

/// The untyped fields common to every form: residuals of the DaemonSet, pod and containers.
fn residual_fields(ir: &model::Ir, expressed: bool) -> Vec<Untyped> {
    use model::Root;
    let mut out = Vec::new();
    let mut push = |prefix: &str, generic_prefix: &str, r: &model::Residual| {
        let relative = r.relative();
        let generic = r.generic();
        // A whole object without a typed form (a pod `securityContext`): count its fields one by one.
        match (&r.value, r.insert) {
            (serde_json::Value::Object(m), None) if !m.is_empty() && r.path.len() == 1 => {
                for k in m.keys() {
                    out.push(Untyped {
                        path: format!("{prefix}{relative}.{k}"),
                        field: format!("{generic_prefix}{generic}.{k}"),
                        expressed,
                    });
                }
            }
            _ => out.push(Untyped {
                path: format!("{prefix}{relative}"),
                field: format!("{generic_prefix}{generic}"),
                expressed,
            }),
        }
    };
    for r in &ir.residuals {
        match r.root {
            Root::Meta => push("metadata.", "metadata.", r),
            Root::Spec => push("spec.", "spec.", r),
            Root::TemplateMeta => push("spec.template.metadata.", "template.metadata.", r),
            Root::Pod | Root::Container => push("spec.template.spec.", "", r),
        }
    }
    for (list, containers) in [
        ("containers", &ir.containers),
        ("initContainers", &ir.init_containers),
    ] {
        for (i, c) in containers.iter().enumerate() {
            for r in &c.residuals {
                push(
                    &format!("spec.template.spec.{list}[{i}]."),
                    &format!("{list}[]."),
                    r,
                );
            }
        }
    }
    out
}

/// The untyped fields of volumes.
fn volume_fields(ir: &model::Ir, expressed: impl Fn(&model::Vol) -> bool) -> Vec<Untyped> {
    let mut out = Vec::new();
    for (i, v) in ir.volumes.iter().enumerate() {
        for field in &v.untyped {
            out.push(Untyped {
                path: format!("spec.template.spec.volumes[{i}].{field}"),
                field: format!("volumes[].{}", generic_index(field)),
                expressed: expressed(v),
            });
        }
    }
    out
}

fn generic_index(path: &str) -> String {
    let mut out = String::new();
    let mut skip = false;
    for ch in path.chars() {
        match ch {
            '[' => {
                skip = true;
                out.push('[');
            }
            ']' => {
                skip = false;
                out.push(']');
            }
            _ if skip => {}
            _ => out.push(ch),
        }
    }
    out
}

/// A Rust identifier for a name (`csi-node` becomes `csi_node`).
pub(crate) fn rust_ident(name: &str) -> String {
    let mut s: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    if s.is_empty() || s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert_str(0, "v_");
    }
    const KEYWORDS: &[&str] = &[
        "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum",
        "extern", "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod",
        "move", "mut", "pub", "ref", "return", "self", "static", "struct", "super", "trait",
        "true", "type", "unsafe", "use", "where", "while", "abstract", "become", "box", "do",
        "final", "macro", "override", "priv", "try", "typeof", "unsized", "virtual", "yield", "ds",
        "pod", "c",
    ];
    if KEYWORDS.contains(&s.as_str()) {
        s.push('_');
    }
    s
}

/// A Rust string literal.
pub(crate) fn lit(s: &str) -> String {
    format!("{s:?}")
}

/// The Rust (k8s-openapi) field name of a JSON key: `hostPID` is `host_pid`, `type` is `type_`.
pub(crate) fn field_name(key: &str) -> String {
    if key == "type" {
        return "type_".to_owned();
    }
    let chars: Vec<char> = key.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii_uppercase() {
            let prev_lower =
                i > 0 && (chars[i - 1].is_ascii_lowercase() || chars[i - 1].is_ascii_digit());
            let acronym_end = i > 0
                && chars[i - 1].is_ascii_uppercase()
                && chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase())
                // `podIPs` is `pod_ips`: a plural `s` does not start a word.
                && !(chars[i + 1] == 's' && i + 2 == chars.len());
            if prev_lower || acronym_end {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// JSON as the body of `from_json!(...)`, indented to continue at `indent`.
pub(crate) fn json_text(value: &serde_json::Value, indent: usize) -> String {
    let compact = value.to_string();
    if compact.len() + indent <= 100 {
        return compact;
    }
    let pretty = serde_json::to_string_pretty(value).unwrap_or(compact);
    let pad = " ".repeat(indent);
    pretty
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i == 0 {
                l.to_owned()
            } else {
                format!("{pad}{l}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_names_follow_k8s_openapi() {
        assert_eq!(field_name("hostPID"), "host_pid");
        assert_eq!(field_name("downwardAPI"), "downward_api");
        assert_eq!(field_name("seccompProfile"), "seccomp_profile");
        assert_eq!(field_name("type"), "type_");
        assert_eq!(field_name("hostIPC"), "host_ipc");
        assert_eq!(field_name("podIPs"), "pod_ips");
    }

    #[test]
    fn idents_are_valid() {
        assert_eq!(rust_ident("csi-node"), "csi_node");
        assert_eq!(rust_ident("9p"), "v_9p");
        assert_eq!(rust_ident("type"), "type_");
    }

    #[test]
    fn pull_policy_defaults() {
        assert_eq!(model::default_pull_policy("nginx"), "Always");
        assert_eq!(model::default_pull_policy("nginx:latest"), "Always");
        assert_eq!(model::default_pull_policy("nginx:1.27"), "IfNotPresent");
        assert_eq!(model::default_pull_policy("localhost:5000/nginx"), "Always");
        assert_eq!(
            model::default_pull_policy("nginx@sha256:abc"),
            "IfNotPresent"
        );
    }
}
