//! Reading YAML back into typed objects, strictly: a key the type does not know is an error that names its path
//! (k8s-openapi alone would drop it silently, and with it, say, a misplaced `nodeSelector`).

use std::fmt;

use k8s_openapi::api::apps::v1::DaemonSet;
use k8s_openapi::api::core::v1::PodSpec;
use serde::de::DeserializeOwned;

use crate::yaml;

/// Why a document could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseError {
    /// Not valid YAML.
    #[error("{}invalid YAML: {message}", location(*line, *column))]
    Syntax {
        /// What the YAML parser said.
        message: String,
        /// 1-based line in the whole text.
        line: Option<usize>,
        /// 1-based column.
        column: Option<usize>,
    },
    /// A value of the wrong type or shape (`containerPort: eighty`).
    #[error("{}{}{message}", location(*line, *column), path.as_ref().map(|p| format!("{p}: ")).unwrap_or_default())]
    Invalid {
        /// The field path.
        path: Option<String>,
        /// What is wrong.
        message: String,
        /// 1-based line in the whole text.
        line: Option<usize>,
        /// 1-based column.
        column: Option<usize>,
    },
    /// A key the object's type does not have.
    #[error("{}{path}: unknown field `{field}`{}", location(*line, None), hint.as_ref().map(|h| format!(" ({h})")).unwrap_or_default())]
    UnknownField {
        /// The path of the unknown key (`spec.nodeSelector`).
        path: String,
        /// The key itself.
        field: String,
        /// 1-based line of the key, when it could be found.
        line: Option<usize>,
        /// A likely fix (`did you mean spec.template.spec.nodeSelector?`).
        hint: Option<String>,
    },
}

fn location(line: Option<usize>, column: Option<usize>) -> String {
    match (line, column) {
        (Some(l), Some(c)) => format!("line {l}, column {c}: "),
        (Some(l), None) => format!("line {l}: "),
        _ => String::new(),
    }
}

impl ParseError {
    /// The 1-based line the error is on, when known.
    pub fn line(&self) -> Option<usize> {
        match self {
            ParseError::Syntax { line, .. }
            | ParseError::Invalid { line, .. }
            | ParseError::UnknownField { line, .. } => *line,
        }
    }

    /// The field path the error is at, when known.
    pub fn path(&self) -> Option<&str> {
        match self {
            ParseError::Syntax { .. } => None,
            ParseError::Invalid { path, .. } => path.as_deref(),
            ParseError::UnknownField { path, .. } => Some(path),
        }
    }
}

/// Parses one object strictly: unknown keys are errors (all of them are reported, the first is returned).
///
/// ```
/// let text = "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: x}\nspec:\n  selector: {matchLabels: {a: b}}\n  template: {}\n  nodeSelector: {disk: ssd}\n";
/// let err = daemonset::parse::from_yaml::<daemonset::k8s::api::apps::v1::DaemonSet>(text).unwrap_err();
/// assert_eq!(err.path(), Some("spec.nodeSelector"));
/// assert_eq!(err.line(), Some(7));
/// ```
pub fn from_yaml<T: DeserializeOwned>(text: &str) -> Result<T, ParseError> {
    from_yaml_all_errors(text).map_err(|mut errors| errors.remove(0))
}

/// Parses one object strictly and returns every unknown key (or the one type error that stopped parsing).
pub fn from_yaml_all_errors<T: DeserializeOwned>(text: &str) -> Result<T, Vec<ParseError>> {
    match yaml::single_document(text) {
        Err(e) => Err(vec![syntax(e)]),
        Ok(node) => {
            let node = node.unwrap_or(yaml::Node {
                kind: yaml::read::Kind::Null,
                line: 1,
                column: 1,
                plain: None,
            });
            from_node(&node)
        }
    }
}

fn syntax(e: yaml::YamlError) -> ParseError {
    ParseError::Syntax {
        message: e.message,
        line: e.line,
        column: e.column,
    }
}

/// Reads a node strictly: every unknown key, or the one type error that stopped reading.
fn from_node<T: DeserializeOwned>(node: &yaml::Node) -> Result<T, Vec<ParseError>> {
    match yaml::from_node_reporting_unknown::<T>(node) {
        Ok((value, unknown)) if unknown.is_empty() => Ok(value),
        Ok((_, unknown)) => Err(unknown.into_iter().map(unknown_field).collect()),
        Err(e) => Err(vec![ParseError::Invalid {
            path: e.path,
            message: e.message,
            line: e.line,
            column: e.column,
        }]),
    }
}

fn unknown_field(unknown: yaml::Unknown) -> ParseError {
    let path = unknown.path;
    let field = path
        .rsplit(['.', '['])
        .next()
        .unwrap_or(&path)
        .trim_end_matches(']')
        .to_owned();
    let hint = (path == format!("spec.{field}") && is_pod_spec_field(&field)).then(|| {
        format!(
            "did you mean `spec.template.spec.{field}`? `{field}` is a field of the pod template"
        )
    });
    ParseError::UnknownField {
        line: unknown.line,
        path,
        field,
        hint,
    }
}

/// Whether `key` is a field of the pod spec (to suggest moving a key placed one level too high).
fn is_pod_spec_field(key: &str) -> bool {
    let probe = format!("{key}: null\ncontainers: []\n");
    matches!(yaml::from_str_reporting_unknown::<PodSpec>(&probe), Ok((_, unknown)) if unknown.is_empty())
        || matches!(yaml::from_str_reporting_unknown::<PodSpec>(&probe), Err(e) if e.path.as_deref() == Some(key))
}

/// One document of a multi-document YAML text.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Document {
    /// A DaemonSet, read strictly.
    DaemonSet {
        /// The object.
        object: Box<DaemonSet>,
        /// 1-based line where the document starts.
        line: usize,
    },
    /// An object of another kind (skipped by DaemonSet tools).
    Other {
        /// Its `apiVersion`.
        api_version: String,
        /// Its `kind`.
        kind: String,
        /// 1-based line where the document starts.
        line: usize,
    },
    /// A document that could not be read; the errors carry lines of the whole text.
    Invalid {
        /// What is wrong.
        errors: Vec<ParseError>,
        /// 1-based line where the document starts.
        line: usize,
    },
}

/// Splits a multi-document YAML text the way kubectl does (a line starting with `---`; one with anything but a
/// comment after the `---` is an error, as there) and reads every DaemonSet in it strictly; empty documents are
/// skipped, other kinds are returned as [`Document::Other`].
pub fn documents(text: &str) -> Vec<Document> {
    let chunks = match yaml::read::chunks(text) {
        Ok(chunks) => chunks,
        Err(e) => {
            let line = e.line.unwrap_or(1);
            return vec![Document::Invalid {
                errors: vec![syntax(e.into())],
                line,
            }];
        }
    };
    chunks
        .into_iter()
        .filter_map(|chunk| document(chunk.text, chunk.line))
        .collect()
}

/// Reads one document of a stream, cut by kubectl's rules, whose first line is `line`; `None` if it is empty.
fn document(text: &str, line: usize) -> Option<Document> {
    let node = match yaml::read::document(text, line) {
        Ok(None) => return None,
        Ok(Some(node)) => node,
        Err(e) => {
            return Some(Document::Invalid {
                errors: vec![syntax(e.into())],
                line,
            });
        }
    };
    Some(match yaml::type_meta(&node) {
        Some((api_version, kind)) if !(kind == "DaemonSet" && api_version == "apps/v1") => {
            Document::Other {
                api_version,
                kind,
                line,
            }
        }
        meta => match from_node::<DaemonSet>(&node) {
            Ok(object) if meta.is_some() => Document::DaemonSet {
                object: Box::new(object),
                line,
            },
            Ok(_) => Document::Invalid {
                errors: vec![ParseError::Invalid {
                    path: None,
                    message: "missing `apiVersion` and `kind`".into(),
                    line: Some(line),
                    column: None,
                }],
                line,
            },
            Err(errors) => Document::Invalid { errors, line },
        },
    })
}

impl fmt::Display for Document {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Document::DaemonSet { object, line } => {
                write!(
                    f,
                    "line {line}: DaemonSet {}",
                    object.metadata.name.as_deref().unwrap_or("<unnamed>")
                )
            }
            Document::Other { kind, line, .. } => write!(f, "line {line}: {kind}"),
            Document::Invalid { errors, line } => {
                write!(f, "line {line}: {} error(s)", errors.len())
            }
        }
    }
}
