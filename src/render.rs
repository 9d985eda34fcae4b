//! Rendering to YAML and JSON: one object, a multi-document stream, or a streaming writer that never holds more
//! than the object being written.
//!
//! Output is deterministic (maps are sorted, fields in k8s-openapi's order) and uses the API's key names
//! (`apiVersion`, `nodeSelector`, ...), as `kubectl get -o yaml` does.

use std::fmt;
use std::io::{self, Write};

use serde::Serialize;

use crate::yaml;

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Format {
    /// YAML; several objects are separated by `---`.
    #[default]
    Yaml,
    /// JSON, pretty-printed; several objects form a `List`-free stream of one object per document.
    Json,
}

impl Format {
    /// The usual file extension.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Yaml => "yaml",
            Format::Json => "json",
        }
    }
}

/// Why an object could not be rendered or written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RenderError {
    /// The object could not be serialized.
    #[error("cannot serialize the object: {0}")]
    Serialize(String),
    /// Writing the output failed.
    #[error("cannot write the output")]
    Io(#[from] io::Error),
}

/// One object as a YAML document (without `---`).
///
/// ```
/// # use daemonset::build::{Container, NodeAgent};
/// let ds = NodeAgent::builder()
///     .name("agent")
///     .selector_label("app", "agent")
///     .container(Container::builder().name("agent").image("agent:1.0").build())
///     .build()?;
/// let yaml = daemonset::render::to_yaml(&ds)?;
/// assert!(yaml.starts_with("apiVersion: apps/v1\nkind: DaemonSet\n"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn to_yaml<T: Serialize>(object: &T) -> Result<String, RenderError> {
    yaml::to_string(object).map_err(|e| RenderError::Serialize(e.message))
}

/// One object as pretty JSON, ending with a newline.
pub fn to_json<T: Serialize>(object: &T) -> Result<String, RenderError> {
    let mut text =
        serde_json::to_string_pretty(object).map_err(|e| RenderError::Serialize(e.to_string()))?;
    text.push('\n');
    Ok(text)
}

/// One object in `format`.
pub fn to_string<T: Serialize>(object: &T, format: Format) -> Result<String, RenderError> {
    match format {
        Format::Yaml => to_yaml(object),
        Format::Json => to_json(object),
    }
}

/// Several objects as one multi-document YAML stream (`---` before each document).
pub fn to_yaml_stream<'a, T: Serialize + 'a>(
    objects: impl IntoIterator<Item = &'a T>,
) -> Result<String, RenderError> {
    let mut out = Vec::new();
    let mut writer = StreamWriter::new(&mut out, Format::Yaml);
    for object in objects {
        writer.write(object)?;
    }
    writer.finish()?;
    Ok(String::from_utf8(out).expect("YAML output is UTF-8"))
}

/// Writes objects one at a time to `W` as a YAML stream (each document starts with `---`) or as JSON documents
/// one after another; memory use does not grow with the number of objects.
pub struct StreamWriter<W: Write> {
    out: W,
    format: Format,
    written: usize,
}

impl<W: Write> StreamWriter<W> {
    /// A writer of `format` documents to `out`.
    pub fn new(out: W, format: Format) -> Self {
        StreamWriter {
            out,
            format,
            written: 0,
        }
    }

    /// Writes one object.
    pub fn write<T: Serialize>(&mut self, object: &T) -> Result<(), RenderError> {
        match self.format {
            Format::Yaml => {
                self.out.write_all(b"---\n")?;
                self.out.write_all(to_yaml(object)?.as_bytes())?;
            }
            Format::Json => {
                serde_json::to_writer_pretty(&mut self.out, object)
                    .map_err(|e| RenderError::Serialize(e.to_string()))?;
                self.out.write_all(b"\n")?;
            }
        }
        self.written += 1;
        Ok(())
    }

    /// How many objects were written.
    pub fn written(&self) -> usize {
        self.written
    }

    /// Flushes and returns the output.
    pub fn finish(mut self) -> Result<W, RenderError> {
        self.out.flush()?;
        Ok(self.out)
    }
}

impl<W: Write> fmt::Debug for StreamWriter<W> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StreamWriter")
            .field("format", &self.format)
            .field("written", &self.written)
            .finish()
    }
}
