//! Spec files: a declarative YAML with the builder's vocabulary, rendered as a [minijinja] template first.
//!
//! A spec file goes through three steps, each with errors that name the file, line and column:
//! 1. **Template**: the file is a minijinja template rendered with [`Values`] (values files deep-merged, later
//!    wins, then `key=value` assignments). An undefined value is an error naming the variable, never an empty
//!    string (`UndefinedBehavior::Strict`; test optional values with `{% if x is defined %}`).
//! 2. **Strict YAML**: every key must be known; a typo gets a "did you mean".
//! 3. **Builder**: the spec is turned into [`crate::build::NodeAgent`] builder calls, so the same validation
//!    applies. A mount names a declared volume; an unknown name is an error suggesting the closest one.
//!
//! ```
//! use daemonset::spec::{self, Values};
//!
//! let source = "\
//! name: agent
//! selectorLabels: {app: agent}
//! volumes:
//! - name: varlog
//!   hostPath: {path: /var/log}
//! containers:
//! - name: agent
//!   image: agent:{{ tag }}
//!   mounts:
//!   - {volume: varlog, path: /var/log, readOnly: true}
//! ";
//! let mut values = Values::new();
//! values.set("tag=1.2")?;
//! let ds = spec::load("agent.yaml", source, &values)?;
//! assert_eq!(ds.spec.unwrap().template.spec.unwrap().containers[0].image.as_deref(), Some("agent:1.2"));
//!
//! let err = spec::load("agent.yaml", source, &Values::new()).unwrap_err();
//! assert_eq!(err.to_string(), "agent.yaml:8:19: missing value: `tag` is undefined");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The format is documented field by field in the README (`Spec files`).

mod convert;
mod model;
mod values;

use std::fmt;

use k8s_openapi::api::apps::v1::DaemonSet;
use minijinja::{Environment, ErrorKind, UndefinedBehavior};

pub use values::{MAX_KEY_PARTS, Values, ValuesError};

use crate::ValidationErrors;
use crate::diagnostic::{Diagnostic, Location};
use crate::locate;
use crate::yaml;

/// What step of reading a spec file failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SpecErrorKind {
    /// The template does not parse (`{% if %}` without `{% endif %}`) or fails to render.
    Template,
    /// The template uses a value that was not given.
    MissingValue,
    /// The rendered text is not YAML.
    Yaml,
    /// An unknown key or a value of the wrong type.
    Schema,
    /// A value the builder cannot take (a mount of an undeclared volume, a malformed quantity).
    Invalid,
    /// The built DaemonSet breaks the API server's rules.
    Validation,
}

/// Why a spec file could not be turned into a DaemonSet: every problem found in one step, with the file name.
/// When another library found the problem, its error is kept as the [`source`](std::error::Error::source)
/// ([`SpecCause`]).
#[derive(Debug, Clone, thiserror::Error)]
pub struct SpecError {
    file: String,
    kind: SpecErrorKind,
    problems: Vec<Diagnostic>,
    #[source]
    cause: Option<SpecCause>,
}

/// The error underneath a [`SpecError`], when a library reported it.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum SpecCause {
    /// minijinja's error: the template does not parse, uses an undefined value, or fails to render.
    #[error(transparent)]
    Template(std::sync::Arc<minijinja::Error>),
    /// The built DaemonSet's violations, as [`crate::validate()`] returns them.
    #[error(transparent)]
    Validation(ValidationErrors),
}

impl SpecError {
    fn one(file: &str, kind: SpecErrorKind, problem: Diagnostic) -> SpecError {
        SpecError {
            file: file.to_owned(),
            kind,
            problems: vec![problem],
            cause: None,
        }
    }

    /// The file name given when loading.
    pub fn file(&self) -> &str {
        &self.file
    }

    /// The step that failed.
    pub fn kind(&self) -> SpecErrorKind {
        self.kind
    }

    /// The error underneath, when a library reported it (also [`source`](std::error::Error::source)).
    pub fn cause(&self) -> Option<&SpecCause> {
        self.cause.as_ref()
    }

    /// The problems, in file order (at least one), each at its location in the file (`file:line:column: path`).
    /// A validation problem keeps its [`crate::Violation`] as its [`source`](std::error::Error::source); a template
    /// problem says all minijinja said, whose error is [`SpecError::cause`].
    pub fn problems(&self) -> &[Diagnostic] {
        &self.problems
    }
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, problem) in self.problems.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{problem}")?;
        }
        Ok(())
    }
}

/// The work a spec template may do: minijinja's fuel (about one unit per instruction executed and one per 64 bytes
/// of text or lists created). A template that needs more (nested `range(100000)` loops, a string doubled again and
/// again) fails with an error naming the file and line instead of running for ever or exhausting memory; the most
/// memory it can take is about 64 times this many bytes.
pub const TEMPLATE_FUEL: u64 = 2_000_000;

/// The largest text a spec template may render to, in bytes.
pub const MAX_RENDERED_BYTES: usize = 16 << 20;

/// A writer that refuses to grow past [`MAX_RENDERED_BYTES`].
struct Bounded {
    text: Vec<u8>,
    exceeded: bool,
}

impl std::io::Write for Bounded {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        if self.text.len() + bytes.len() > MAX_RENDERED_BYTES {
            self.exceeded = true;
            return Err(std::io::Error::other("the rendered text is too large"));
        }
        self.text.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Renders a spec template with `values`. Lines are kept (no block trimming), so a line of the result is the same
/// line of the source unless a loop or include adds lines.
///
/// Rendering is bounded: at most [`TEMPLATE_FUEL`] of work and [`MAX_RENDERED_BYTES`] of output.
///
/// ```
/// use daemonset::spec::{self, Values};
/// let endless = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}\n";
/// let err = spec::render_template("a.yaml", endless, &Values::new()).unwrap_err();
/// assert!(err.to_string().starts_with("a.yaml:1"), "{err}");
/// ```
pub fn render_template(file: &str, source: &str, values: &Values) -> Result<String, SpecError> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_debug(true);
    env.set_fuel(Some(TEMPLATE_FUEL));
    let context = minijinja::Value::from(minijinja::value::Serde(values.as_json()));
    let template = env
        .template_from_named_str(file, source)
        .map_err(|e| template_error(file, source, e))?;
    let mut out = Bounded {
        text: Vec::new(),
        exceeded: false,
    };
    match template.render_captured_to(context, &mut out) {
        // The engine writes whole `str`s, so the bytes are UTF-8.
        Ok(_) => Ok(String::from_utf8(out.text)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())),
        Err(e) if out.exceeded => {
            let mut error = template_error(file, source, e);
            if error.problems[0].location.line.is_none() {
                // The line of the rendered text where the output stopped (the source's line unless a loop or
                // include added lines).
                let line = out.text.iter().filter(|&&b| b == b'\n').count() + 1;
                error.problems[0].location.line = Some(line);
            }
            error.problems[0].message = format!(
                "template error: the rendered text exceeds {} MiB; is a loop or include running away?",
                MAX_RENDERED_BYTES >> 20
            );
            Err(error)
        }
        Err(e) => Err(template_error(file, source, e)),
    }
}

fn template_error(file: &str, source: &str, e: minijinja::Error) -> SpecError {
    let column = e.range().and_then(|r| {
        let start = r.start.min(source.len());
        let line_start = source[..start].rfind('\n').map_or(0, |i| i + 1);
        source.get(line_start..start).map(|s| s.chars().count() + 1)
    });
    let detail = e
        .detail()
        .map(str::to_owned)
        .unwrap_or_else(|| e.kind().to_string());
    let (kind, message) = match e.kind() {
        ErrorKind::UndefinedError => (
            SpecErrorKind::MissingValue,
            format!("missing value: {detail}"),
        ),
        ErrorKind::SyntaxError => (
            SpecErrorKind::Template,
            format!("template syntax error: {detail}"),
        ),
        ErrorKind::OutOfFuel => (
            SpecErrorKind::Template,
            format!(
                "template error: the template does too much work (more than {TEMPLATE_FUEL} steps or about {} MiB \
                 of text); is a loop running away?",
                (TEMPLATE_FUEL * 64) >> 20
            ),
        ),
        _ => (
            SpecErrorKind::Template,
            format!("template error: {}: {detail}", e.kind()),
        ),
    };
    let e = std::sync::Arc::new(e);
    let location = Location {
        file: Some(file.to_owned()),
        line: e.line(),
        column,
        path: None,
    };
    // minijinja's error is the SpecError's cause (`SpecError::cause`); the problem's message already says all its
    // own source would (`undefined value: … (in file:line)`), so the problem has none.
    let problem = Diagnostic::error(location, message);
    let mut error = SpecError::one(file, kind, problem);
    error.cause = Some(SpecCause::Template(e));
    error
}

/// Reads an already rendered spec strictly and builds it (with validation).
pub fn from_str(file: &str, text: &str) -> Result<DaemonSet, SpecError> {
    let spec = parse(file, text)?;
    let lines = std::cell::OnceCell::new();
    // The builder's and validation's problems are located at the line and column of the key that sets the field.
    let position_of = |path: &str| {
        lines
            .get_or_init(|| locate::Lines::of(text))
            .position_of(path)
    };
    match convert::build(spec) {
        Err(problems) => Err(SpecError {
            file: file.to_owned(),
            kind: SpecErrorKind::Invalid,
            problems: problems
                .into_iter()
                .map(|(path, message)| {
                    let position = position_of(&path);
                    let location = Location {
                        file: Some(file.to_owned()),
                        line: position.map(|(line, _)| line),
                        column: position.map(|(_, column)| column),
                        path: Some(path),
                    };
                    Diagnostic::error(location, message)
                })
                .collect(),
            cause: None,
        }),
        Ok(Err(errors)) => Err(SpecError {
            file: file.to_owned(),
            kind: SpecErrorKind::Validation,
            problems: errors
                .violations()
                .iter()
                .map(|v| {
                    let position = position_of(&spec_path(v.path.as_str()));
                    let location = Location {
                        file: Some(file.to_owned()),
                        line: position.map(|(line, _)| line),
                        column: position.map(|(_, column)| column),
                        path: Some(v.path.as_str().to_owned()),
                    };
                    Diagnostic::error(location, v.message()).with_source(v.clone())
                })
                .collect(),
            cause: Some(SpecCause::Validation(errors)),
        }),
        Ok(Ok(daemon_set)) => Ok(daemon_set),
    }
}

/// Renders the template with `values`, reads the result strictly and builds it.
pub fn load(file: &str, source: &str, values: &Values) -> Result<DaemonSet, SpecError> {
    let text = render_template(file, source, values)?;
    from_str(file, &text)
}

fn parse(file: &str, text: &str) -> Result<model::Spec, SpecError> {
    if yaml::is_empty_document(text) {
        return Err(SpecError::one(
            file,
            SpecErrorKind::Schema,
            Diagnostic::error(
                Location {
                    file: Some(file.to_owned()),
                    ..Location::default()
                },
                "the spec is empty",
            ),
        ));
    }
    match yaml::from_str_reporting_unknown::<model::Spec>(text) {
        Ok((spec, _)) => Ok(spec),
        Err(e) => {
            let message = e.message.clone();
            let (kind, message) = if e.schema {
                (
                    SpecErrorKind::Schema,
                    suggest(&message, e.unknown.as_deref()),
                )
            } else {
                (SpecErrorKind::Yaml, format!("invalid YAML: {message}"))
            };
            let path = e.path.filter(|_| kind == SpecErrorKind::Schema);
            Err(SpecError::one(
                file,
                kind,
                Diagnostic::error(
                    Location {
                        file: Some(file.to_owned()),
                        line: e.line,
                        column: e.column,
                        path,
                    },
                    message,
                ),
            ))
        }
    }
}

/// Turns serde's "unknown field `x`, expected one of `a`, `b`" into a "did you mean" when one is close, from the
/// name and the known names serde reported (not from its words).
fn suggest(message: &str, unknown: Option<&yaml::UnknownName>) -> String {
    let Some(unknown) = unknown else {
        return message.to_owned();
    };
    match daemonset_rules::suggest::did_you_mean(&unknown.word, unknown.expected.iter().copied()) {
        Some(best) => format!(
            "unknown {} `{}`, did you mean `{best}`?",
            unknown.what, unknown.word
        ),
        None => message.to_owned(),
    }
}

/// The line of a rendered spec that sets the object field at `object_path`
/// (`spec.template.spec.containers[0].image` is `containers[0].image` in the spec), or of its closest ancestor.
///
/// Each call reads the whole text: to look up many paths of one spec, index it once with [`SpecLines`].
pub fn line_of(rendered: &str, object_path: &str) -> Option<usize> {
    SpecLines::of(rendered).line_of(object_path)
}

/// The positions of the fields of one rendered spec, read once: each lookup then costs the length of the path, so
/// the lines of 20,000 findings of one file take linear time, not 20,000 reads of its text.
///
/// ```
/// let lines = daemonset::spec::SpecLines::of("name: a\ncontainers:\n- name: c\n  image: c:1\n");
/// assert_eq!(lines.line_of("spec.template.spec.containers[0].image"), Some(4));
/// assert_eq!(lines.position_of("spec.template.spec.containers[0].image"), Some((4, 3)));
/// ```
#[derive(Debug, Clone)]
pub struct SpecLines(locate::Lines);

impl SpecLines {
    /// Reads a rendered spec (a text that cannot be read gives no positions).
    pub fn of(rendered: &str) -> SpecLines {
        SpecLines(locate::Lines::of(rendered))
    }

    /// The line that sets the object field at `object_path`, or of its closest written ancestor.
    pub fn line_of(&self, object_path: &str) -> Option<usize> {
        self.0.line_of(&spec_path(object_path))
    }

    /// The line and column that set the object field at `object_path`, or of its closest written ancestor.
    pub fn position_of(&self, object_path: &str) -> Option<(usize, usize)> {
        self.0.position_of(&spec_path(object_path))
    }
}

/// The spec path that corresponds to an object path, to find the line of a validation error.
fn spec_path(path: &str) -> String {
    // The server names two fields of the `hostUsers: false` rule with a capital (`spec.HostPID`, `spec.HostIPC`).
    let renamed = path
        .replace("volumeMounts", "mounts")
        .replace("spec.HostPID", "spec.hostPID")
        .replace("spec.HostIPC", "spec.hostIPC");
    for (prefix, replacement) in [
        ("spec.template.spec.affinity.nodeAffinity", "affinity"),
        ("spec.template.spec.", ""),
        ("spec.template.metadata.labels", "selectorLabels"),
        ("spec.template.metadata.annotations", "podAnnotations"),
        // The server names the template's own labels and annotations without `metadata`.
        ("spec.template.labels", "selectorLabels"),
        ("spec.template.annotations", "podAnnotations"),
        ("spec.selector", "selectorLabels"),
        ("spec.", ""),
        ("metadata.", ""),
    ] {
        if let Some(rest) = renamed.strip_prefix(prefix) {
            return format!("{replacement}{rest}");
        }
    }
    renamed
}

#[cfg(test)]
mod tests;
