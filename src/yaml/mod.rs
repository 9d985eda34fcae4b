//! The one module that names `serde_yaml` (frozen upstream): writing one YAML document, reading one strictly.
//! Everything else goes through these functions, so replacing the YAML crate touches this file only.

mod emit;

use serde::Serialize;
use serde::de::DeserializeOwned;

/// A YAML error with its position in the document (1-based line and column), when known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct YamlError {
    pub message: String,
    pub path: Option<String>,
    pub line: Option<usize>,
    pub column: Option<usize>,
}

/// Serializes one value as a YAML document (no leading `---`).
pub(crate) fn to_string<T: Serialize>(value: &T) -> Result<String, YamlError> {
    let error = |message: String| YamlError {
        message,
        path: None,
        line: None,
        column: None,
    };
    let value = serde_json::to_value(value).map_err(|e| error(e.to_string()))?;
    emit::document(&value).map_err(|e| YamlError {
        message: e.to_string(),
        path: None,
        line: None,
        column: None,
    })
}

/// Deserializes one YAML document into `T`, returning the value and the paths of the keys `T` does not know
/// (k8s-openapi drops them silently; the caller turns them into errors).
pub(crate) fn from_str_reporting_unknown<T: DeserializeOwned>(
    text: &str,
) -> Result<(T, Vec<String>), YamlError> {
    let mut unknown = Vec::new();
    let deserializer = serde_yaml::Deserializer::from_str(text);
    let mut record = |path: serde_ignored::Path<'_>| unknown.push(ignored_path(&path));
    let ignoring = serde_ignored::Deserializer::new(deserializer, &mut record);
    match serde_path_to_error::deserialize::<_, T>(ignoring) {
        Ok(value) => Ok((value, unknown)),
        Err(error) => {
            let path = error.path().to_string();
            let inner = error.into_inner();
            let location = inner.location();
            let message = strip_location(&inner.to_string());
            Err(YamlError {
                message,
                path: (path != "." && !path.is_empty()).then_some(path),
                line: location.as_ref().map(serde_yaml::Location::line),
                column: location.as_ref().map(serde_yaml::Location::column),
            })
        }
    }
}

/// The `apiVersion` and `kind` of a document, if it is a mapping that has them; `Err` if it is not YAML at all.
pub(crate) fn type_meta(text: &str) -> Result<Option<(String, String)>, YamlError> {
    let value: serde_yaml::Value = serde_yaml::from_str(text).map_err(located)?;
    let get = |key: &str| {
        value
            .get(key)
            .and_then(serde_yaml::Value::as_str)
            .map(str::to_owned)
    };
    Ok(get("apiVersion").zip(get("kind")))
}

/// Reads every document of a YAML stream (`---` separated) leniently as JSON values, in order; empty documents come
/// back as `Null`. Unknown keys are kept (the caller decides what to do with them).
pub(crate) fn documents_as_json(text: &str) -> Result<Vec<serde_json::Value>, YamlError> {
    use serde::Deserialize;
    let mut values = Vec::new();
    for document in serde_yaml::Deserializer::from_str(text) {
        let value = serde_json::Value::deserialize(document).map_err(located)?;
        values.push(value);
    }
    Ok(values)
}

/// Whether a document holds nothing (only comments or blanks).
pub(crate) fn is_empty_document(text: &str) -> bool {
    matches!(
        serde_yaml::from_str::<serde_yaml::Value>(text),
        Ok(serde_yaml::Value::Null)
    )
}

/// A serde_yaml error with its location taken out of the message and kept as line and column.
fn located(error: serde_yaml::Error) -> YamlError {
    let location = error.location();
    YamlError {
        message: strip_location(&error.to_string()),
        path: None,
        line: location.as_ref().map(serde_yaml::Location::line),
        column: location.as_ref().map(serde_yaml::Location::column),
    }
}

fn strip_location(message: &str) -> String {
    // serde_yaml writes " at line L column C" after its message and sometimes inside it ("... at line 2 column 1,
    // while parsing ..."); the caller reports the location itself.
    let mut out = String::new();
    let mut rest = message;
    while let Some(i) = rest.find(" at line ") {
        out.push_str(&rest[..i]);
        let after = &rest[i + " at line ".len()..];
        let skip = after
            .find(|c: char| !(c.is_ascii_digit() || c == ' ' || "column".contains(c)))
            .unwrap_or(after.len());
        rest = &after[skip..];
    }
    out.push_str(rest);
    out
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
    if is_empty_document(text) {
        return Ok(serde_json::Value::Null);
    }
    serde_yaml::from_str::<serde_json::Value>(text).map_err(located)
}
