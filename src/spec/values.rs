//! Template values: YAML files deep-merged in order (later wins), then `key=value` assignments.

use serde_json::{Map, Value};

use crate::diagnostic::Location;
use crate::yaml;

/// Why values could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ValuesError {
    /// A values file is not YAML.
    #[error("{location}: invalid YAML: {message}")]
    Yaml {
        /// What the parser said.
        message: String,
        /// The values file, and the line and column when the parser knows them.
        location: Location,
    },
    /// A values file whose top level is not a mapping.
    #[error("{file}: values must be a mapping of names to values at the top level")]
    NotAMapping {
        /// The values file.
        file: String,
    },
    /// A malformed `key=value` assignment.
    #[error("invalid assignment `{assignment}`: {message}")]
    Assignment {
        /// The assignment as given.
        assignment: String,
        /// What is wrong.
        message: String,
    },
}

/// The most names a `--set` key may have (`a.b.c` has 3): values nest no deeper than YAML values files may.
pub const MAX_KEY_PARTS: usize = 64;

/// The values a spec template is rendered with.
///
/// ```
/// use daemonset::spec::Values;
/// let mut values = Values::new();
/// values.merge_yaml("base.yaml", "image: {repository: agent, tag: '1.0'}\nlogLevel: info\n")?;
/// values.merge_yaml("prod.yaml", "image: {tag: '1.1'}\n")?;
/// values.set("logLevel=debug")?;
/// assert_eq!(values.get("image.repository"), Some("agent".into()));
/// assert_eq!(values.get("image.tag"), Some("1.1".into()));
/// assert_eq!(values.get("logLevel"), Some("debug".into()));
/// # Ok::<(), daemonset::spec::ValuesError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Values(Value);

impl Default for Values {
    fn default() -> Self {
        Values::new()
    }
}

impl Values {
    /// No values.
    pub fn new() -> Values {
        Values(Value::Object(Map::new()))
    }

    /// Deep-merges a YAML mapping over the values so far: mappings merge key by key, anything else replaces.
    pub fn merge_yaml(&mut self, file: &str, text: &str) -> Result<(), ValuesError> {
        let value = yaml::to_json_value(text).map_err(|e| ValuesError::Yaml {
            message: e.message,
            location: Location {
                file: Some(file.to_owned()),
                line: e.line,
                column: e.column,
                path: None,
            },
        })?;
        match value {
            Value::Null => Ok(()),
            Value::Object(_) => {
                merge(&mut self.0, value);
                Ok(())
            }
            _ => Err(ValuesError::NotAMapping {
                file: file.to_owned(),
            }),
        }
    }

    /// Sets one value from `dotted.key=value`; the value is always a string (use a values file for numbers,
    /// booleans, lists).
    pub fn set(&mut self, assignment: &str) -> Result<(), ValuesError> {
        let fail = |message: &str| ValuesError::Assignment {
            assignment: assignment.to_owned(),
            message: message.into(),
        };
        let (key, value) = assignment
            .split_once('=')
            .ok_or_else(|| fail("expected `key=value`"))?;
        if key.is_empty() || key.split('.').any(str::is_empty) {
            return Err(fail(
                "the key must be names separated by dots, like `image.tag`",
            ));
        }
        let depth = key.split('.').count();
        if depth > MAX_KEY_PARTS {
            return Err(fail(&format!(
                "the key has {depth} names; at most {MAX_KEY_PARTS} are allowed"
            )));
        }
        let mut nested = Value::String(value.to_owned());
        for part in key.rsplit('.') {
            let mut map = Map::new();
            map.insert(part.to_owned(), nested);
            nested = Value::Object(map);
        }
        merge(&mut self.0, nested);
        Ok(())
    }

    /// A value by dotted key, as text (strings as they are, other values as JSON).
    pub fn get(&self, key: &str) -> Option<String> {
        let mut current = &self.0;
        for part in key.split('.') {
            current = current.get(part)?;
        }
        Some(match current {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        })
    }

    pub(crate) fn as_json(&self) -> &Value {
        &self.0
    }
}

fn merge(into: &mut Value, from: Value) {
    match (into, from) {
        (Value::Object(into), Value::Object(from)) => {
            for (key, value) in from {
                match into.get_mut(&key) {
                    Some(existing) => merge(existing, value),
                    None => {
                        into.insert(key, value);
                    }
                }
            }
        }
        (into, from) => *into = from,
    }
}
