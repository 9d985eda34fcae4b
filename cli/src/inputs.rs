//! Finding and reading the input files: directories are expanded, text must be UTF-8, manifests are told apart
//! from spec files, and manifest documents are read strictly.

use std::fmt;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use daemonset::k8s::api::apps::v1::DaemonSet;
use daemonset::parse::{self, Document, ParseError};
use daemonset::spec::Values;

use crate::cli::ValueArgs;
use crate::report::{self, Outcome};

/// Why an input could not be read.
#[derive(Debug)]
pub enum InputError {
    /// The file system refused.
    Io {
        /// The path as given.
        path: String,
        /// The cause.
        source: io::Error,
    },
    /// The file is not UTF-8.
    NotUtf8 {
        /// The path as given.
        path: String,
        /// 1-based line of the first invalid byte.
        line: usize,
        /// 1-based column (in characters) of the first invalid byte.
        column: usize,
        /// The byte.
        byte: u8,
    },
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InputError::Io { path, .. } => write!(f, "cannot read `{path}`"),
            InputError::NotUtf8 {
                path,
                line,
                column,
                byte,
            } => {
                write!(
                    f,
                    "{path}:{line}:{column}: not UTF-8 text (byte 0x{byte:02x}); save the file as UTF-8"
                )
            }
        }
    }
}

impl std::error::Error for InputError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            InputError::Io { source, .. } => Some(source),
            InputError::NotUtf8 { .. } => None,
        }
    }
}

impl InputError {
    /// The outcome this error gives: a file that is not UTF-8 is a problem of the input, anything else of I/O.
    pub fn outcome(&self) -> Outcome {
        match self {
            InputError::Io { .. } => Outcome::IoFailure,
            InputError::NotUtf8 { .. } => Outcome::Problems,
        }
    }
}

/// Where an input comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// Standard input (`-`).
    Stdin,
    /// A file.
    File(PathBuf),
}

/// One input, read.
#[derive(Debug)]
pub struct Input {
    /// The name used in messages (the path as given, or `<stdin>`).
    pub name: String,
    /// The text.
    pub text: String,
}

fn display(path: &Path) -> String {
    path.display().to_string()
}

/// Whether a file in a directory is taken as input: `*.yaml` or `*.yml`, not hidden, not a values file.
fn wanted(name: &str) -> bool {
    let yaml = name.ends_with(".yaml") || name.ends_with(".yml");
    let values = matches!(name, "values.yaml" | "values.yml")
        || name.ends_with(".values.yaml")
        || name.ends_with(".values.yml");
    yaml && !values && !name.starts_with('.')
}

/// Expands directories (their YAML files, sorted by name, not recursive); files and `-` are kept as given.
pub fn expand(paths: &[PathBuf]) -> Result<Vec<Source>, InputError> {
    let mut sources = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            sources.push(Source::Stdin);
        } else if path.is_dir() {
            let entries = std::fs::read_dir(path).map_err(|source| InputError::Io {
                path: display(path),
                source,
            })?;
            let mut files = Vec::new();
            for entry in entries {
                let entry = entry.map_err(|source| InputError::Io {
                    path: display(path),
                    source,
                })?;
                let name = entry.file_name().to_string_lossy().into_owned();
                if wanted(&name) && entry.path().is_file() {
                    files.push(entry.path());
                }
            }
            files.sort();
            sources.extend(files.into_iter().map(Source::File));
        } else {
            sources.push(Source::File(path.clone()));
        }
    }
    Ok(sources)
}

/// Checks that bytes are UTF-8, pointing at the first invalid byte.
pub fn utf8(name: &str, bytes: Vec<u8>) -> Result<String, InputError> {
    String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        let before = std::str::from_utf8(&bytes[..valid]).unwrap_or_default();
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        InputError::NotUtf8 {
            path: name.to_owned(),
            line,
            column,
            byte: bytes[valid],
        }
    })
}

/// Reads one input as UTF-8 text.
pub fn read(source: &Source) -> Result<Input, InputError> {
    let (name, bytes) = match source {
        Source::Stdin => {
            let mut bytes = Vec::new();
            io::stdin()
                .read_to_end(&mut bytes)
                .map_err(|source| InputError::Io {
                    path: "<stdin>".into(),
                    source,
                })?;
            ("<stdin>".to_owned(), bytes)
        }
        Source::File(path) => {
            let bytes = std::fs::read(path).map_err(|source| InputError::Io {
                path: display(path),
                source,
            })?;
            (display(path), bytes)
        }
    };
    Ok(Input {
        text: utf8(&name, bytes)?,
        name,
    })
}

/// Whether a text is a Kubernetes manifest (it has a top-level `kind:` or `apiVersion:`) rather than a spec file.
pub fn is_manifest(text: &str) -> bool {
    text.lines()
        .any(|l| l.starts_with("kind:") || l.starts_with("apiVersion:"))
}

/// Reads the values files and `--set` assignments; on error prints it and returns the outcome.
pub fn values(args: &ValueArgs) -> Result<Values, Outcome> {
    let mut values = Values::new();
    for path in &args.values {
        let input = read(&Source::File(path.clone())).map_err(|e| {
            report::error(&e);
            e.outcome()
        })?;
        values.merge_yaml(&input.name, &input.text).map_err(|e| {
            report::error(&e);
            Outcome::Problems
        })?;
    }
    for assignment in &args.set {
        values.set(assignment).map_err(|e| {
            report::error(&e);
            Outcome::Problems
        })?;
    }
    Ok(values)
}

/// A DaemonSet found in a manifest, with the lines of its fields and its first line.
#[derive(Debug)]
pub struct Found {
    /// The object.
    pub object: DaemonSet,
    /// 1-based line of the document in the file.
    pub line: usize,
    /// The line in the file of every field of the document.
    pub lines: Box<daemonset::locate::Lines>,
}

impl Found {
    /// The line in the file of a field path of the object (or of its closest written ancestor, or of the
    /// document's start).
    pub fn line_of(&self, path: &str) -> usize {
        self.lines.line_of(path).unwrap_or(self.line)
    }

    /// The line and column in the file of a field path of the object (or of its closest written ancestor, or the
    /// document's start).
    pub fn position_of(&self, path: &str) -> (usize, usize) {
        self.lines.position_of(path).unwrap_or((self.line, 1))
    }
}

/// What reading a manifest gave: the DaemonSets, problem lines (`file:line: path: message`) and notes.
#[derive(Debug, Default)]
pub struct Manifest {
    /// DaemonSets read strictly.
    pub found: Vec<Found>,
    /// Problems: parse errors, in file order.
    pub problems: Vec<String>,
    /// Notes: skipped documents.
    pub notes: Vec<String>,
}

fn parse_problem(name: &str, error: &ParseError, doc_line: usize) -> String {
    let text = error.to_string();
    // ParseError puts "line L: " or "line L, column C: " first; the file:line form replaces it.
    let message = match text
        .strip_prefix("line ")
        .and_then(|rest| rest.split_once(": "))
    {
        Some((_, message)) => message.to_owned(),
        None => text,
    };
    format!("{name}:{}: {message}", error.line().unwrap_or(doc_line))
}

/// What one document of a manifest gives.
#[derive(Debug)]
pub enum Item {
    /// A DaemonSet, read strictly.
    Found(Box<Found>),
    /// Problem lines (`file:line: path: message`), each with its column when the reader knows it.
    Problems(Vec<(String, Option<usize>)>),
    /// A note (a skipped document).
    Note(String),
}

/// Sorts one document of the manifest `name`.
pub fn item(name: &str, document: Document) -> Item {
    let line = document_line(&document);
    match document {
        Document::DaemonSet { object, lines, .. } => Item::Found(Box::new(Found {
            object: *object,
            line,
            lines,
        })),
        Document::Other {
            kind, api_version, ..
        } => Item::Note(format!(
            "{name}:{line}: skipping {kind} ({api_version}): not a DaemonSet"
        )),
        Document::Invalid { errors, .. } => Item::Problems(
            errors
                .iter()
                .map(|e| (parse_problem(name, e, line), e.column()))
                .collect(),
        ),
        _ => Item::Note(format!(
            "{name}:{line}: skipping a document of an unknown form"
        )),
    }
}

/// Splits a manifest into documents and reads each DaemonSet strictly.
pub fn manifest(input: &Input) -> Manifest {
    let mut out = Manifest::default();
    for document in parse::documents(&input.text) {
        match item(&input.name, document) {
            Item::Found(found) => out.found.push(*found),
            Item::Problems(problems) => out.problems.extend(problems.into_iter().map(|(p, _)| p)),
            Item::Note(note) => out.notes.push(note),
        }
    }
    if out.found.is_empty() && out.problems.is_empty() && out.notes.is_empty() {
        out.notes.push(format!("{}: no documents", input.name));
    }
    out
}

/// Reads a manifest document by document (one held at a time, whatever the size of the stream), calling `each`
/// with every item in order; a note is given when the input holds no document. On an error of the input (not
/// UTF-8, a read failure) the documents before it have been given.
pub fn stream_manifest(
    source: &Source,
    mut each: impl FnMut(&str, Item),
) -> Result<(), InputError> {
    let (name, reader): (String, Box<dyn io::BufRead>) = match source {
        Source::Stdin => ("<stdin>".into(), Box::new(io::stdin().lock())),
        Source::File(path) => {
            let file = std::fs::File::open(path).map_err(|source| InputError::Io {
                path: display(path),
                source,
            })?;
            (
                display(path),
                Box::new(io::BufReader::with_capacity(1 << 16, file)),
            )
        }
    };
    let mut any = false;
    for document in parse::DocumentStream::new(reader) {
        match document {
            Ok(document) => {
                any = true;
                each(&name, item(&name, document));
            }
            Err(parse::StreamError::NotUtf8 { line, column, byte }) => {
                return Err(InputError::NotUtf8 {
                    path: name,
                    line,
                    column,
                    byte,
                });
            }
            Err(parse::StreamError::Io(source)) => {
                return Err(InputError::Io { path: name, source });
            }
            Err(other) => {
                return Err(InputError::Io {
                    path: name,
                    source: io::Error::other(other.to_string()),
                });
            }
        }
    }
    if !any {
        each(&name, Item::Note(format!("{name}: no documents")));
    }
    Ok(())
}

fn document_line(document: &Document) -> usize {
    match document {
        Document::DaemonSet { line, .. }
        | Document::Other { line, .. }
        | Document::Invalid { line, .. } => *line,
        _ => 1,
    }
}

/// Validates a DaemonSet from a manifest: one `file:line: path: message` per violation.
pub fn violations(name: &str, found: &Found) -> Vec<String> {
    match daemonset::validate(&found.object) {
        Ok(()) => Vec::new(),
        Err(errors) => errors
            .violations()
            .iter()
            .map(|v| format!("{name}:{}: {v}", found.line_of(v.path.as_str())))
            .collect(),
    }
}
