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

    fn shift(mut self, lines: usize) -> ParseError {
        match &mut self {
            ParseError::Syntax { line, .. }
            | ParseError::Invalid { line, .. }
            | ParseError::UnknownField { line, .. } => {
                *line = line.map(|l| l + lines);
            }
        }
        self
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
    match yaml::from_str_reporting_unknown::<T>(text) {
        Ok((value, unknown)) if unknown.is_empty() => Ok(value),
        Ok((_, unknown)) => Err(unknown
            .into_iter()
            .map(|path| unknown_field(text, path))
            .collect()),
        Err(e) => Err(vec![match e.path {
            Some(path) => ParseError::Invalid {
                path: Some(path),
                message: e.message,
                line: e.line,
                column: e.column,
            },
            None if e.message.contains("missing field") || e.message.contains("invalid") => {
                ParseError::Invalid {
                    path: None,
                    message: e.message,
                    line: e.line,
                    column: e.column,
                }
            }
            None => ParseError::Syntax {
                message: e.message,
                line: e.line,
                column: e.column,
            },
        }]),
    }
}

fn unknown_field(text: &str, path: String) -> ParseError {
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
        line: locate(text, &path),
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

/// Finds the line of a block-style key path (`spec.template.spec.containers[0].name`): each key is looked for
/// after the previous one, deeper indented. Best effort: flow style (`{a: b}`) finds the enclosing line.
fn locate(text: &str, path: &str) -> Option<usize> {
    let lines: Vec<&str> = text.lines().collect();
    let mut from = 0;
    let mut min_indent = 0;
    let mut found = None;
    for segment in path.split('.') {
        let key = segment.split('[').next().unwrap_or(segment);
        let mut hit = None;
        for (i, line) in lines.iter().enumerate().skip(from) {
            let trimmed = line.trim_start();
            let content = trimmed.trim_start_matches("- ");
            let indent = line.len() - content.len();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            if found.is_some() && indent < min_indent {
                break;
            }
            let plain = content
                .strip_prefix(key)
                .is_some_and(|rest| rest.starts_with(':'));
            let quoted = content
                .strip_prefix(&format!("\"{key}\""))
                .is_some_and(|rest| rest.starts_with(':'));
            if plain || quoted {
                hit = Some((i, indent + 1));
                break;
            }
        }
        match hit {
            Some((i, indent)) => {
                found = Some(i + 1);
                from = i + 1;
                min_indent = indent;
            }
            None => return found,
        }
    }
    found
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

/// Splits a multi-document YAML text (`---` separators) and reads every DaemonSet in it strictly; empty documents
/// are skipped, other kinds are returned as [`Document::Other`].
pub fn documents(text: &str) -> Vec<Document> {
    split_documents(text)
        .into_iter()
        .filter(|(doc, _)| !yaml::is_empty_document(doc))
        .map(|(doc, offset)| {
            let line = offset + 1;
            match yaml::type_meta(doc) {
                Err(e) => Document::Invalid {
                    errors: vec![
                        ParseError::Syntax {
                            message: e.message,
                            line: e.line,
                            column: e.column,
                        }
                        .shift(offset),
                    ],
                    line,
                },
                Ok(Some((api_version, kind)))
                    if !(kind == "DaemonSet" && api_version == "apps/v1") =>
                {
                    Document::Other {
                        api_version,
                        kind,
                        line,
                    }
                }
                Ok(meta) => match from_yaml_all_errors::<DaemonSet>(doc) {
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
                    Err(errors) => Document::Invalid {
                        errors: errors.into_iter().map(|e| e.shift(offset)).collect(),
                        line,
                    },
                },
            }
        })
        .collect()
}

/// The documents of a YAML stream with the number of lines before each.
fn split_documents(text: &str) -> Vec<(&str, usize)> {
    let mut docs = Vec::new();
    let mut start = 0;
    let mut start_line = 0;
    let mut pos = 0;
    for (n, line) in text.split_inclusive('\n').enumerate() {
        let bare = line.trim_end();
        if bare == "---" || bare.starts_with("--- ") || bare == "..." {
            docs.push((&text[start..pos], start_line));
            start = pos + line.len();
            start_line = n + 1;
        }
        pos += line.len();
    }
    docs.push((&text[start..], start_line));
    docs
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_documents_with_line_offsets() {
        let docs = split_documents("a: 1\n---\nb: 2\nc: 3\n---\n");
        assert_eq!(docs, vec![("a: 1\n", 0), ("b: 2\nc: 3\n", 2), ("", 5)]);
    }

    #[test]
    fn locates_nested_keys() {
        let text =
            "spec:\n  template:\n    spec:\n      containers:\n      - name: a\n        bogus: 1\n";
        assert_eq!(
            locate(text, "spec.template.spec.containers[0].bogus"),
            Some(6)
        );
    }
}
