//! One problem, wherever it comes from: a template or YAML error of a spec file, a document that does not parse, a
//! rule of the API server, a lint finding, an unreadable input. Each is a [`Diagnostic`] at a [`Location`], written
//! the compiler's way, `file:line:column: path: message`, with the error that found it as its
//! [`source`](std::error::Error::source).
//!
//! ```
//! use daemonset::diagnostic::{Diagnostic, Location};
//!
//! let location = Location {
//!     file: Some("agent.yaml".into()),
//!     line: Some(4),
//!     column: Some(3),
//!     path: Some("containers[0].image".into()),
//! };
//! assert_eq!(location.to_string(), "agent.yaml:4:3: containers[0].image");
//! let diagnostic = Diagnostic::error(location, "image is required");
//! assert_eq!(diagnostic.to_string(), "agent.yaml:4:3: containers[0].image: image is required");
//! ```

use std::error::Error;
use std::fmt;
use std::sync::Arc;

/// How much a diagnostic matters (lint rules are `Info` or `Warning`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Severity {
    /// Worth knowing.
    #[default]
    Info,
    /// Accepted, but likely to hurt.
    Warning,
    /// Rejected: by the API server, the reader or this library.
    Error,
}

impl Severity {
    /// `info`, `warning` or `error`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    /// The severity named `info`, `warning` or `error` (any case).
    pub fn parse(text: &str) -> Option<Severity> {
        match text.to_ascii_lowercase().as_str() {
            "info" => Some(Severity::Info),
            "warning" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// Where a problem is: any of the file, the 1-based line and column (in characters), and the field path (a spec
/// path such as `containers[0].mounts[1].volume`, or the object's path as the API server names it).
///
/// Written `file:line:column: path`, leaving out what is not known (a column without a line is not written).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Location {
    /// The file as given (`<stdin>` for standard input).
    pub file: Option<String>,
    /// 1-based line.
    pub line: Option<usize>,
    /// 1-based column, in characters.
    pub column: Option<usize>,
    /// The field path.
    pub path: Option<String>,
}

impl Location {
    /// Whether nothing is known.
    fn is_empty(&self) -> bool {
        self.file.is_none() && self.line.is_none() && self.path.is_none()
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut position = false;
        if let Some(file) = &self.file {
            f.write_str(file)?;
            position = true;
        }
        if let Some(line) = self.line {
            if position {
                f.write_str(":")?;
            }
            write!(f, "{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
            position = true;
        }
        if let Some(path) = &self.path {
            if position {
                f.write_str(": ")?;
            }
            f.write_str(path)?;
        }
        Ok(())
    }
}

/// Writes `location: message`, or the message alone when nothing of the location is known.
pub(crate) fn write_at(
    f: &mut fmt::Formatter<'_>,
    location: &Location,
    message: &str,
) -> fmt::Result {
    if location.is_empty() {
        f.write_str(message)
    } else {
        write!(f, "{location}: {message}")
    }
}

/// One problem: how much it matters, where, what, and the error that found it (its
/// [`source`](std::error::Error::source): a [`crate::parse::ParseError`], a [`crate::Violation`], minijinja's
/// error, a [`crate::input::InputError`]…).
///
/// Written `location: message` (see [`Location`]); the severity is for the reader to show.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    /// How much it matters.
    pub severity: Severity,
    /// Where it is.
    pub location: Location,
    /// What is wrong, without the location.
    pub message: String,
    source: Option<Arc<dyn Error + Send + Sync + 'static>>,
}

impl Diagnostic {
    /// An error at `location`.
    pub fn error(location: Location, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(Severity::Error, location, message)
    }

    /// A diagnostic of any severity at `location`.
    pub fn new(severity: Severity, location: Location, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity,
            location,
            message: message.into(),
            source: None,
        }
    }

    /// The same diagnostic, with the error that found it as its source.
    #[must_use]
    pub fn with_source(mut self, source: impl Error + Send + Sync + 'static) -> Diagnostic {
        self.source = Some(Arc::new(source));
        self
    }

    /// An error of a YAML input file (the nodes of `plan`, the recorded state of `doctor`): a syntax error at its
    /// line, written `invalid YAML: …`, or any other at no line (its message names the document and item), keeping
    /// `error` as the source; the file is the reader's to add.
    pub(crate) fn of_yaml_input(
        error: impl Error + Send + Sync + 'static,
        syntax: Option<(Option<usize>, &str)>,
    ) -> Diagnostic {
        let (line, message) = match syntax {
            Some((line, message)) => (line, format!("invalid YAML: {message}")),
            None => (None, error.to_string()),
        };
        let location = Location {
            line,
            ..Location::default()
        };
        Diagnostic::error(location, message).with_source(error)
    }

    /// The same diagnostic in `file`, at `line` and `column` when it has no line of its own.
    #[must_use]
    pub fn at(mut self, file: &str, line: usize, column: Option<usize>) -> Diagnostic {
        self.location.file = Some(file.to_owned());
        if self.location.line.is_none() {
            self.location.line = Some(line);
            self.location.column = column;
        }
        self
    }

    /// The source, when it is of type `E`.
    pub fn source_as<E: Error + 'static>(&self) -> Option<&E> {
        self.source.as_deref().and_then(|e| {
            let e: &(dyn Error + 'static) = e;
            e.downcast_ref()
        })
    }
}

impl PartialEq for Diagnostic {
    /// Diagnostics are equal when they say the same thing at the same place (sources are not compared).
    fn eq(&self, other: &Diagnostic) -> bool {
        self.severity == other.severity
            && self.location == other.location
            && self.message == other.message
    }
}

impl Eq for Diagnostic {}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_at(f, &self.location, &self.message)
    }
}

impl Error for Diagnostic {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        self.source.as_deref().map(|e| e as &(dyn Error + 'static))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(file: bool, line: bool, column: bool, path: bool) -> Location {
        Location {
            file: file.then(|| "a.yaml".to_owned()),
            line: line.then_some(7),
            column: column.then_some(3),
            path: path.then(|| "spec.x".to_owned()),
        }
    }

    #[test]
    fn every_combination_of_known_parts_is_written_the_compiler_way() {
        let cases = [
            ((true, true, true, true), "a.yaml:7:3: spec.x"),
            ((true, true, true, false), "a.yaml:7:3"),
            ((true, true, false, true), "a.yaml:7: spec.x"),
            ((true, true, false, false), "a.yaml:7"),
            // A column without a line says nothing.
            ((true, false, true, true), "a.yaml: spec.x"),
            ((true, false, true, false), "a.yaml"),
            ((true, false, false, true), "a.yaml: spec.x"),
            ((true, false, false, false), "a.yaml"),
            ((false, true, true, true), "7:3: spec.x"),
            ((false, true, true, false), "7:3"),
            ((false, true, false, true), "7: spec.x"),
            ((false, true, false, false), "7"),
            ((false, false, true, true), "spec.x"),
            ((false, false, true, false), ""),
            ((false, false, false, true), "spec.x"),
            ((false, false, false, false), ""),
        ];
        for ((file, line, column, path), expected) in cases {
            let location = at(file, line, column, path);
            assert_eq!(location.to_string(), expected, "{location:?}");
            let diagnostic = Diagnostic::error(location, "broken");
            let expected = if expected.is_empty() {
                "broken".to_owned()
            } else {
                format!("{expected}: broken")
            };
            assert_eq!(diagnostic.to_string(), expected);
        }
    }

    #[test]
    fn the_source_is_kept_typed() {
        let io = std::io::Error::other("denied");
        let diagnostic =
            Diagnostic::error(at(true, false, false, false), "cannot read").with_source(io);
        assert_eq!(Error::source(&diagnostic).unwrap().to_string(), "denied");
        assert!(diagnostic.source_as::<std::io::Error>().is_some());
        assert!(diagnostic.source_as::<std::fmt::Error>().is_none());
    }

    #[test]
    fn at_keeps_a_line_of_its_own() {
        let mut location = at(false, true, true, true);
        let d = Diagnostic::error(location.clone(), "x").at("b.yaml", 1, None);
        location.file = Some("b.yaml".into());
        assert_eq!(d.location, location);
        let d = Diagnostic::error(Location::default(), "x").at("b.yaml", 2, Some(5));
        assert_eq!(d.to_string(), "b.yaml:2:5: x");
    }

    #[test]
    fn every_producer_is_written_file_line_column_path_message() {
        use k8s_openapi::api::apps::v1::DaemonSet;
        // A spec file's problem, at the line and column of the key that sets the field.
        let spec = "name: a\nselectorLabels: {app: a}\ncontainers:\n- name: c\n  image: c:1\n  mounts:\n  - {volume: v, path: /v}\n";
        let error = crate::spec::from_str("a.yaml", spec).unwrap_err();
        let text = error.problems()[0].to_string();
        assert!(
            text.starts_with("a.yaml:7:6: containers[0].mounts[0].volume: Not found: \"v\""),
            "{text}"
        );
        // A parse error, a violation and a lint finding of one manifest, at the line and column of their field.
        let manifest = "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: Bad_Name}\nspec:\n  selector: {matchLabels: {a: b}}\n  template:\n    metadata: {labels: {a: b}}\n    spec: {containers: [{name: c, image: 'c:latest'}]}\n";
        let misplaced = manifest.replace("spec:\n", "spec:\n  nodeSelector: {a: b}\n");
        let crate::parse::Document::Invalid { errors, line } =
            &crate::parse::documents(&misplaced)[0]
        else {
            panic!("a misplaced key")
        };
        let parse = Diagnostic::from(errors[0].clone()).at("a.yaml", *line, None);
        assert_eq!(
            parse.to_string(),
            "a.yaml:5:3: spec.nodeSelector: unknown field `nodeSelector` (did you mean \
             `spec.template.spec.nodeSelector`? `nodeSelector` is a field of the pod template)"
        );
        let lines = crate::locate::Lines::of(manifest);
        let located = |d: Diagnostic| {
            let (line, column) = lines
                .position_of(d.location.path.as_deref().unwrap())
                .unwrap();
            d.at("a.yaml", line, Some(column)).to_string()
        };
        let ds: DaemonSet = crate::parse::from_yaml(manifest).unwrap();
        let violation = crate::validate(&ds)
            .unwrap_err()
            .into_violations()
            .remove(0);
        let violation = located(violation.into());
        assert!(
            violation.starts_with("a.yaml:3:12: metadata.name: Invalid value: \"Bad_Name\": "),
            "{violation}"
        );
        let finding = crate::lint::lint(&ds, &crate::lint::Options::default())
            .into_iter()
            .find(|f| f.rule.id == "DS002")
            .unwrap();
        let finding = located(finding.into());
        assert!(
            finding.starts_with(
                "a.yaml:8:35: spec.template.spec.containers[0].image: image \"c:latest\" uses"
            ),
            "{finding}"
        );
    }
}
