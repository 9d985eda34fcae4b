//! The one module that names the YAML crates: writing one YAML document (serde_yaml, frozen upstream), and reading
//! YAML exactly as kubectl does ([`read`]: YAML 1.1 scalars, merge keys, kubectl's document separators; [`fast`] for
//! the block YAML of nearly every manifest, falling back to the parser) into typed values strictly ([`de`]).
//! Everything else goes through these functions.

mod de;
mod emit;
pub(crate) mod fast;
pub(crate) mod read;

pub(crate) use de::UnknownName;
pub(crate) use read::Node;

use serde::Serialize;
use serde::de::DeserializeOwned;

/// A YAML error with its position in the document (1-based line and column), when known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct YamlError {
    pub message: String,
    pub path: Option<String>,
    pub line: Option<usize>,
    pub column: Option<usize>,
    /// The YAML is well formed but does not fit the type (an unknown or missing field, a value of the wrong
    /// type): told by the serde method that made the error, not by its words.
    pub schema: bool,
    /// For an unknown field or variant: the name and the names the type knows.
    pub unknown: Option<Box<de::UnknownName>>,
}

/// Why a value could not be written as YAML: it does not serialize (to the JSON model every object goes through
/// first), or the emitter refused it.
#[derive(Debug)]
pub(crate) enum EmitError {
    Json(serde_json::Error),
    Yaml(serde_yaml::Error),
}

/// Serializes one value as a YAML document (no leading `---`).
pub(crate) fn to_string<T: Serialize>(value: &T) -> Result<String, EmitError> {
    let value = serde_json::to_value(value).map_err(EmitError::Json)?;
    emit::document(&value).map_err(EmitError::Yaml)
}

/// A key the target type does not know: its path and the line of the key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Unknown {
    pub path: String,
    pub line: Option<usize>,
}

impl From<read::ReadError> for YamlError {
    fn from(e: read::ReadError) -> YamlError {
        YamlError {
            message: e.message,
            path: None,
            line: e.line,
            column: e.column,
            schema: false,
            unknown: None,
        }
    }
}

/// Reads a text that holds one document (a spec file, a values file) like kubectl reads a manifest; `None` when
/// it holds nothing. More than one document is an error.
pub(crate) fn single_document(text: &str) -> Result<Option<Node>, YamlError> {
    let mut found: Option<Node> = None;
    for chunk in read::chunks(text)? {
        if let Some(node) = read::document(chunk.text, chunk.line)? {
            if found.is_some() {
                return Err(YamlError {
                    message: "a second document: this file holds one".into(),
                    path: None,
                    line: Some(chunk.line),
                    column: None,
                    schema: false,
                    unknown: None,
                });
            }
            found = Some(node);
        }
    }
    Ok(found)
}

/// Deserializes one YAML document into `T`, returning the value and the paths of the keys `T` does not know
/// (k8s-openapi drops them silently; the caller turns them into errors).
pub(crate) fn from_str_reporting_unknown<T: DeserializeOwned>(
    text: &str,
) -> Result<(T, Vec<Unknown>), YamlError> {
    let node = single_document(text)?.unwrap_or(Node {
        kind: read::Kind::Null,
        line: 1,
        column: 1,
        plain: None,
    });
    from_node_reporting_unknown(&node)
}

/// Reads a node into `T` strictly, like the API server reads the JSON kubectl sends; unknown keys are returned
/// with their lines.
pub(crate) fn from_node_reporting_unknown<T: DeserializeOwned>(
    node: &Node,
) -> Result<(T, Vec<Unknown>), YamlError> {
    // The common case, a document the type reads whole, takes no path tracking: the paths that
    // serde_ignored and serde_path_to_error build (a string per key) are needed only for a document with
    // an unknown key or an error, which is read again below with them, giving the same value or error.
    let context = de::Context::default();
    if let Ok(value) = T::deserialize(de::NodeDe {
        node,
        ctx: &context,
    }) && !context.ignored.get()
    {
        return Ok((value, Vec::new()));
    }
    let context = de::Context {
        key_line: std::cell::Cell::new(node.line),
        ..de::Context::default()
    };
    let key_line = &context.key_line;
    let mut unknown = Vec::new();
    let deserializer = de::NodeDe {
        node,
        ctx: &context,
    };
    let mut record = |path: serde_ignored::Path<'_>| {
        unknown.push(Unknown {
            path: ignored_path(&path),
            line: Some(key_line.get()),
        });
    };
    let ignoring = serde_ignored::Deserializer::new(deserializer, &mut record);
    match serde_path_to_error::deserialize::<_, T>(ignoring) {
        Ok(value) => Ok((value, unknown)),
        Err(error) => {
            let path = error.path().to_string();
            let inner = error.into_inner();
            Err(YamlError {
                message: inner.message,
                path: (path != "." && !path.is_empty()).then_some(path),
                line: inner.line,
                column: inner.column,
                schema: inner.kind.is_schema(),
                unknown: inner.unknown,
            })
        }
    }
}

/// The `apiVersion` and `kind` of a document, if it is a mapping that has them as strings.
pub(crate) fn type_meta(node: &Node) -> Option<(String, String)> {
    let get = |key: &str| node.get(key).and_then(Node::as_str).map(str::to_owned);
    get("apiVersion").zip(get("kind"))
}

/// Reads every document of a YAML stream (`---` separated, as kubectl cuts it) as JSON values, in order; empty
/// documents are left out, as kubectl leaves them out. Unknown keys are kept (the caller decides what to do
/// with them).
pub(crate) fn documents_as_json(text: &str) -> Result<Vec<serde_json::Value>, YamlError> {
    let mut values = Vec::new();
    for chunk in read::chunks(text)? {
        if let Some(node) = read::document(chunk.text, chunk.line)? {
            values.push(node.to_json());
        }
    }
    Ok(values)
}

/// Whether a text holds nothing (only comments or blanks); a text that is not valid YAML is not empty.
pub(crate) fn is_empty_document(text: &str) -> bool {
    matches!(single_document(text), Ok(None))
}

fn ignored_path(path: &serde_ignored::Path<'_>) -> String {
    use serde_ignored::Path;
    match path {
        Path::Root => String::new(),
        Path::Seq { parent, index } => format!("{}[{index}]", ignored_path(parent)),
        Path::Map { parent, key } => {
            let parent = ignored_path(parent);
            if parent.is_empty() {
                key.clone()
            } else {
                format!("{parent}.{key}")
            }
        }
        Path::Some { parent }
        | Path::NewtypeStruct { parent }
        | Path::NewtypeVariant { parent } => ignored_path(parent),
    }
}

/// Parses one YAML document into a JSON value (template values); an empty document is `null`.
pub(crate) fn to_json_value(text: &str) -> Result<serde_json::Value, YamlError> {
    Ok(single_document(text)?.map_or(serde_json::Value::Null, |n| n.to_json()))
}
