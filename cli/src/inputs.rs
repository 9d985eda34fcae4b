//! The CLI's side of reading inputs: the library's [`daemonset::input`] (directories, `-`, UTF-8, spec files told
//! apart from manifests, manifests streamed document by document) plus the outcomes and messages of the commands.

use daemonset::diagnostic::Diagnostic;
use daemonset::k8s::api::apps::v1::DaemonSet;
use daemonset::parse::Document;
#[cfg(doc)]
use daemonset::parse::ParseError;
use daemonset::spec::Values;

pub use daemonset::input::{InputError, Source, expand};

use crate::cli::ValueArgs;
use crate::report::{self, Outcome};

/// The outcome an input error gives: a file that is not UTF-8 is a problem of the input, anything else of I/O.
pub fn outcome(error: &InputError) -> Outcome {
    match error {
        InputError::Io { .. } => Outcome::IoFailure,
        InputError::NotUtf8 { .. } => Outcome::Problems,
    }
}

/// Reads one input whole (for `--values`, `--nodes` and `--pods` files).
pub fn read(source: &Source) -> Result<daemonset::input::Input, InputError> {
    daemonset::input::read(source)
}

/// Reads the values files and `--set` assignments; on error prints it and returns the outcome.
pub fn values(args: &ValueArgs) -> Result<Values, Outcome> {
    let mut values = Values::new();
    for path in &args.values {
        let input = read(&Source::File(path.clone())).map_err(|e| {
            report::error(&e);
            outcome(&e)
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
    /// The line and column in the file of a field path of the object (or of its closest written ancestor), or the
    /// document's first line.
    pub fn position_of(&self, path: &str) -> (usize, Option<usize>) {
        self.lines
            .position_of(path)
            .map_or((self.line, None), |(line, column)| (line, Some(column)))
    }
}

/// What one document of a manifest gives.
#[derive(Debug)]
pub enum Item {
    /// A DaemonSet, read strictly.
    Found(Box<Found>),
    /// The document's problems, each at its place in the file (the reader's line and column, else the document's
    /// first line), keeping the [`ParseError`] as its source.
    Problems(Vec<Diagnostic>),
    /// A document that is not a DaemonSet, skipped; the note says which.
    Skipped(String),
    /// A note about the input (it holds no document).
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
        } => Item::Skipped(format!(
            "{name}:{line}: skipping {kind} ({api_version}): not a DaemonSet"
        )),
        Document::Invalid { errors, .. } => Item::Problems(
            errors
                .into_iter()
                .map(|e| Diagnostic::from(e).at(name, line, None))
                .collect(),
        ),
        _ => Item::Skipped(format!(
            "{name}:{line}: skipping a document of an unknown form"
        )),
    }
}

/// Reads a manifest document by document (one held at a time, whatever the size of the stream), calling `each`
/// with every item in order; a note is given when the input holds no document. On an error of the input (not
/// UTF-8, a read failure) the documents before it have been given.
pub fn stream_manifest(
    documents: daemonset::input::Documents,
    each: impl FnMut(&str, Item),
) -> Result<(), InputError> {
    stream_manifest_with(documents, |_, item| item, each)
}

/// [`stream_manifest`] with `work` done on every item on every core (documents are independent), its results
/// given to `each` in the stream's order; a few documents per core are held at a time.
pub fn stream_manifest_with<T: Send>(
    documents: daemonset::input::Documents,
    work: impl Fn(&str, Item) -> T + Sync,
    mut each: impl FnMut(&str, T),
) -> Result<(), InputError> {
    let name = documents.name().to_owned();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut any = false;
    documents.for_each_parallel(
        threads,
        |document| work(&name, item(&name, document)),
        |value| {
            any = true;
            each(&name, value);
        },
    )?;
    if !any {
        each(
            &name,
            work(&name, Item::Note(format!("{name}: no documents"))),
        );
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
