//! Reading YAML back into typed objects, strictly: a key the type does not know is an error that names its path
//! (k8s-openapi alone would drop it silently, and with it, say, a misplaced `nodeSelector`).

use std::fmt;

use k8s_openapi::api::apps::v1::DaemonSet;
use k8s_openapi::api::core::v1::PodSpec;
use serde::de::DeserializeOwned;

use crate::diagnostic::{Diagnostic, Location};
use crate::yaml;

/// Why a document could not be read. Written `line:column: path: message` (see [`Location`]); a
/// [`Diagnostic`] converted from it keeps it as its source.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ParseError {
    /// Not valid YAML.
    Syntax {
        /// What the YAML parser said.
        message: String,
        /// Where (line and column in the whole text).
        location: Location,
    },
    /// A value of the wrong type or shape (`containerPort: eighty`).
    Invalid {
        /// What is wrong.
        message: String,
        /// Where (line and column in the whole text, and the field path).
        location: Location,
    },
    /// A key the object's type does not have.
    UnknownField {
        /// The key itself.
        field: String,
        /// A likely fix (`did you mean spec.template.spec.nodeSelector?`).
        hint: Option<String>,
        /// Where (line and column of the key, when it could be found, and its path: `spec.nodeSelector`).
        location: Location,
    },
}

impl ParseError {
    /// Where the error is.
    pub fn location(&self) -> &Location {
        match self {
            ParseError::Syntax { location, .. }
            | ParseError::Invalid { location, .. }
            | ParseError::UnknownField { location, .. } => location,
        }
    }

    /// The 1-based line the error is on, when known.
    pub fn line(&self) -> Option<usize> {
        self.location().line
    }

    /// The 1-based column the error is at, when known.
    pub fn column(&self) -> Option<usize> {
        self.location().column
    }

    /// The field path the error is at, when known.
    pub fn path(&self) -> Option<&str> {
        self.location().path.as_deref()
    }

    /// What is wrong, without the location.
    fn message(&self) -> String {
        match self {
            ParseError::Syntax { message, .. } => format!("invalid YAML: {message}"),
            ParseError::Invalid { message, .. } => message.clone(),
            ParseError::UnknownField { field, hint, .. } => match hint {
                Some(hint) => format!("unknown field `{field}` ({hint})"),
                None => format!("unknown field `{field}`"),
            },
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        crate::diagnostic::write_at(f, self.location(), &self.message())
    }
}

impl std::error::Error for ParseError {}

impl From<ParseError> for Diagnostic {
    fn from(error: ParseError) -> Diagnostic {
        Diagnostic::error(error.location().clone(), error.message()).with_source(error)
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
#[expect(
    clippy::result_large_err,
    reason = "a parse error is the end of reading; its location is worth more than a smaller Result"
)]
pub fn from_yaml<T: DeserializeOwned>(text: &str) -> Result<T, ParseError> {
    from_yaml_all_errors(text).map_err(|mut errors| errors.remove(0))
}

/// Parses one object strictly and returns every unknown key (or the one type error that stopped parsing).
pub(crate) fn from_yaml_all_errors<T: DeserializeOwned>(text: &str) -> Result<T, Vec<ParseError>> {
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
        location: Location {
            line: e.line,
            column: e.column,
            ..Location::default()
        },
    }
}

/// Reads a node strictly: every unknown key, or the one type error that stopped reading.
fn from_node<T: DeserializeOwned>(node: &yaml::Node) -> Result<T, Vec<ParseError>> {
    match yaml::from_node_reporting_unknown::<T>(node) {
        Ok((value, unknown)) if unknown.is_empty() => Ok(value),
        Ok((_, unknown)) => {
            // The key's own position (the reader gives its line only): one index of the document for all of them.
            let lines = crate::locate::Lines::from_node(node.clone());
            Err(unknown
                .into_iter()
                .map(|u| {
                    let at = lines
                        .position_of(&u.path)
                        .filter(|&(l, _)| Some(l) == u.line);
                    unknown_field(u, at.map(|(_, column)| column))
                })
                .collect())
        }
        Err(e) => Err(vec![ParseError::Invalid {
            message: e.message,
            location: Location {
                file: None,
                line: e.line,
                column: e.column,
                path: e.path,
            },
        }]),
    }
}

fn unknown_field(unknown: yaml::Unknown, column: Option<usize>) -> ParseError {
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
        field,
        hint,
        location: Location {
            file: None,
            line: unknown.line,
            column,
            path: Some(path),
        },
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
        /// The line of every field of the document in the whole text (for messages about the object's fields).
        lines: Box<crate::locate::Lines>,
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

/// Reads a YAML stream into the JSON documents kubectl sends for it (`kubectl apply -f`): documents cut at `---`
/// lines as kubectl cuts them, scalars resolved as YAML 1.1 (`0644` is 420, `yes` is `true`), merge keys applied,
/// empty documents left out. Where kubectl would silently drop or change something (a duplicate key, a custom
/// tag, a document after `...`) this is an error.
///
/// ```
/// let docs = daemonset::parse::json_documents("a: 0644\nb: yes\n---\nc: 1_000\n").unwrap();
/// assert_eq!(docs, vec![serde_json::json!({"a": 420, "b": true}), serde_json::json!({"c": 1000})]);
/// ```
#[expect(
    clippy::result_large_err,
    reason = "a parse error is the end of reading; its location is worth more than a smaller Result"
)]
pub fn json_documents(text: &str) -> Result<Vec<serde_json::Value>, ParseError> {
    yaml::documents_as_json(text).map_err(syntax)
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

/// Why a stream could not be read further.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StreamError {
    /// Reading failed.
    #[error("cannot read: {0}")]
    Io(#[from] std::io::Error),
    /// A line is not UTF-8.
    #[error("{line}:{column}: not UTF-8 text (byte 0x{byte:02x})")]
    NotUtf8 {
        /// 1-based line.
        line: usize,
        /// 1-based column (in characters) of the first invalid byte.
        column: usize,
        /// The byte.
        byte: u8,
    },
}

/// Reads a YAML stream document by document, cut as kubectl cuts it (see [`documents`]), holding one document
/// at a time: memory follows the largest document, not the stream.
///
/// ```
/// let text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: apps/v1\nkind: Deployment\n";
/// let kinds: Vec<String> = daemonset::parse::DocumentStream::new(text.as_bytes())
///     .map(|d| d.unwrap().to_string())
///     .collect();
/// assert_eq!(kinds, ["line 1: ConfigMap", "line 5: Deployment"]);
/// ```
#[derive(Debug)]
pub struct DocumentStream<R> {
    pieces: Pieces<R>,
}

impl<R: std::io::BufRead> DocumentStream<R> {
    /// Reads documents from `reader`.
    pub fn new(reader: R) -> DocumentStream<R> {
        DocumentStream {
            pieces: Pieces::new(reader),
        }
    }
}

impl<R: std::io::BufRead> Iterator for DocumentStream<R> {
    type Item = Result<Document, StreamError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            match self.pieces.next()? {
                Ok(piece) => {
                    if let Some(document) = piece.read() {
                        return Some(Ok(document));
                    }
                }
                Err(e) => return Some(Err(e)),
            }
        }
    }
}

/// One document of a stream as cut, not yet read: its text and first line, or a document already known to be
/// invalid (a bad separator line).
#[derive(Debug)]
enum Piece {
    Text { text: String, line: usize },
    Ready(Document),
}

impl Piece {
    /// Reads the document; `None` when it is empty.
    fn read(self) -> Option<Document> {
        match self {
            Piece::Text { text, line } => document(&text, line),
            Piece::Ready(document) => Some(document),
        }
    }
}

/// Cuts a stream into [`Piece`]s line by line, as kubectl cuts it.
#[derive(Debug)]
struct Pieces<R> {
    reader: R,
    /// The current document's text.
    text: String,
    /// Its first line.
    start: usize,
    /// Lines read so far.
    lines: usize,
    bytes: Vec<u8>,
    ready: std::collections::VecDeque<Piece>,
    done: bool,
}

impl<R: std::io::BufRead> Pieces<R> {
    fn new(reader: R) -> Pieces<R> {
        Pieces {
            reader,
            text: String::new(),
            start: 1,
            lines: 0,
            bytes: Vec::new(),
            ready: std::collections::VecDeque::new(),
            done: false,
        }
    }

    /// Ends the current document: it is queued (empty ones too: reading tells them apart).
    fn flush(&mut self) {
        let capacity = self.text.len();
        let text = std::mem::replace(&mut self.text, String::with_capacity(capacity));
        self.ready.push_back(Piece::Text {
            text,
            line: self.start,
        });
        self.start = self.lines + 1;
    }

    fn read_line(&mut self) -> Result<bool, StreamError> {
        self.bytes.clear();
        if self.reader.read_until(b'\n', &mut self.bytes)? == 0 {
            return Ok(false);
        }
        self.lines += 1;
        let line = std::str::from_utf8(&self.bytes).map_err(|e| {
            let valid = e.valid_up_to();
            StreamError::NotUtf8 {
                line: self.lines,
                column: String::from_utf8_lossy(&self.bytes[..valid])
                    .chars()
                    .count()
                    + 1,
                byte: self.bytes[valid],
            }
        })?;
        match line.strip_prefix("---") {
            Some(rest) => {
                let trimmed = rest.trim();
                let invalid = !trimmed.is_empty() && !trimmed.starts_with('#');
                let error = invalid.then(|| {
                    let mut cutter = yaml::read::Cutter::default();
                    cutter
                        .line(line, 0, self.lines, line)
                        .err()
                        .map(|e| syntax(e.into()))
                });
                self.flush();
                if let Some(Some(error)) = error {
                    self.ready.push_back(Piece::Ready(Document::Invalid {
                        errors: vec![error],
                        line: self.lines,
                    }));
                }
            }
            None => self.text.push_str(line),
        }
        Ok(true)
    }
}

impl<R: std::io::BufRead> Iterator for Pieces<R> {
    type Item = Result<Piece, StreamError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(piece) = self.ready.pop_front() {
                return Some(Ok(piece));
            }
            if self.done {
                return None;
            }
            match self.read_line() {
                Ok(true) => {}
                Ok(false) => {
                    self.done = true;
                    self.flush();
                }
                Err(e) => {
                    self.done = true;
                    return Some(Err(e));
                }
            }
        }
    }
}

/// Reads a YAML stream like [`DocumentStream`] and hands its documents to `work` on `threads` threads (documents
/// are independent), then gives the results to `each` in the stream's order, on the calling thread. The stream
/// is read on the calling thread too, and only a few documents per thread are held at a time (read, being
/// worked on, or waiting for an earlier one to be given), so memory follows the largest documents, not the
/// stream. With one thread, everything happens on the calling thread.
///
/// On an error of the stream (not UTF-8, a read failure), every document before it has been given to `each`.
/// A panic in `work` is raised again on the calling thread.
///
/// ```
/// let text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: apps/v1\nkind: Deployment\n";
/// let mut kinds = Vec::new();
/// daemonset::parse::for_each_document(text.as_bytes(), 2, |d| d.to_string(), |k| kinds.push(k)).unwrap();
/// assert_eq!(kinds, ["line 1: ConfigMap", "line 5: Deployment"]);
/// ```
pub fn for_each_document<R, T, W, E>(
    reader: R,
    threads: usize,
    work: W,
    each: E,
) -> Result<(), StreamError>
where
    R: std::io::BufRead,
    T: Send,
    W: Fn(Document) -> T + Sync,
    E: FnMut(T),
{
    DocumentStream::new(reader).for_each_parallel(threads, work, each)
}

impl<R: std::io::BufRead> DocumentStream<R> {
    /// [`for_each_document`] on the documents this stream has not given yet.
    pub fn for_each_parallel<T, W, E>(
        self,
        threads: usize,
        work: W,
        each: E,
    ) -> Result<(), StreamError>
    where
        T: Send,
        W: Fn(Document) -> T + Sync,
        E: FnMut(T),
    {
        parallel(self.pieces, threads, work, each)
    }
}

fn parallel<R, T, W, E>(
    mut pieces: Pieces<R>,
    threads: usize,
    work: W,
    mut each: E,
) -> Result<(), StreamError>
where
    R: std::io::BufRead,
    T: Send,
    W: Fn(Document) -> T + Sync,
    E: FnMut(T),
{
    use std::sync::{Mutex, mpsc};

    if threads <= 1 {
        for piece in pieces {
            if let Some(document) = piece?.read() {
                each(work(document));
            }
        }
        return Ok(());
    }
    // Each piece goes to the workers with a channel of its own for its result; the results are taken in the
    // order the pieces were sent, at most `window` of them outstanding.
    let window = threads * 4;
    type Job<T> = (Piece, mpsc::SyncSender<Option<T>>);
    let (jobs, queue) = mpsc::sync_channel::<Job<T>>(window);
    let queue = Mutex::new(queue);
    let work = &work;
    std::thread::scope(|scope| {
        for _ in 0..threads {
            let queue = &queue;
            scope.spawn(move || {
                loop {
                    let job = queue.lock().map(|q| q.recv());
                    let Ok(Ok((piece, result))) = job else { break };
                    // The receiver is gone only when the caller stopped early; the result is not wanted then.
                    let _ = result.send(piece.read().map(work));
                }
            });
        }
        let mut pending = std::collections::VecDeque::with_capacity(window + 1);
        // Gives the oldest result; false when a worker panicked (the scope raises the panic again).
        let mut give =
            |pending: &mut std::collections::VecDeque<mpsc::Receiver<Option<T>>>| match pending
                .pop_front()
                .map(|r| r.recv())
            {
                Some(Ok(Some(value))) => {
                    each(value);
                    true
                }
                Some(Ok(None)) | None => true,
                Some(Err(_)) => false,
            };
        let mut outcome = Ok(());
        'read: for piece in pieces.by_ref() {
            let piece = match piece {
                Ok(piece) => piece,
                Err(e) => {
                    outcome = Err(e);
                    break;
                }
            };
            let (sender, receiver) = mpsc::sync_channel(1);
            if jobs.send((piece, sender)).is_err() {
                break;
            }
            pending.push_back(receiver);
            while pending.len() >= window {
                if !give(&mut pending) {
                    break 'read;
                }
            }
        }
        drop(jobs);
        while !pending.is_empty() {
            if !give(&mut pending) {
                break;
            }
        }
        outcome
    })
}

/// The kinds the API server serves in `apps/v1`.
const APPS_V1_KINDS: [&str; 5] = [
    "DaemonSet",
    "Deployment",
    "StatefulSet",
    "ReplicaSet",
    "ControllerRevision",
];

/// Why a document that looks like a DaemonSet would not be one for the API server: a DaemonSet in a group or
/// version that no longer serves it (`extensions/v1beta1`, `apps/v1beta2`), or a kind of the built-in groups
/// that does not exist (`Daemonset`). Custom resources (a group with a dot, like `apps.kruise.io`) are left alone.
fn wrong_kind(api_version: &str, kind: &str) -> Option<String> {
    let group = api_version.rsplit_once('/').map_or("", |(g, _)| g);
    if !matches!(group, "" | "apps" | "extensions") {
        return None;
    }
    if kind == "DaemonSet" {
        return (api_version != "apps/v1").then(|| {
            format!(
                "a DaemonSet in `{api_version}` is not served by the API server (only `apps/v1` is, since \
                 Kubernetes 1.16; `extensions/v1beta1` and `apps/v1beta2` were removed): write `apiVersion: apps/v1`"
            )
        });
    }
    let close = daemonset_rules::suggest::did_you_mean(kind, ["DaemonSet"]);
    if api_version == "apps/v1" && !APPS_V1_KINDS.contains(&kind) {
        let hint = daemonset_rules::suggest::did_you_mean(kind, APPS_V1_KINDS)
            .map(|k| format!(": did you mean `{k}`?"))
            .unwrap_or_default();
        return Some(format!(
            "`apps/v1` has no kind `{kind}` (kinds are case-sensitive){hint}"
        ));
    }
    close.map(|k| {
        format!(
            "unknown kind `{kind}` in `{api_version}`: did you mean `{k}` (apiVersion `apps/v1`)? kinds are \
             case-sensitive"
        )
    })
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
    let meta = yaml::type_meta(&node);
    if let Some(message) = meta.as_ref().and_then(|(a, k)| wrong_kind(a, k)) {
        let at = node.get("kind").unwrap_or(&node);
        return Some(Document::Invalid {
            errors: vec![ParseError::Invalid {
                message,
                location: Location {
                    file: None,
                    line: Some(at.line),
                    column: Some(at.column),
                    path: Some("kind".into()),
                },
            }],
            line,
        });
    }
    Some(match meta {
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
                lines: Box::new(crate::locate::Lines::from_node(node)),
            },
            Ok(_) => Document::Invalid {
                errors: vec![ParseError::Invalid {
                    message: "missing `apiVersion` and `kind`".into(),
                    location: Location {
                        line: Some(line),
                        ..Location::default()
                    },
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
            Document::DaemonSet { object, line, .. } => {
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
    fn parallel_reading_gives_every_document_in_order_and_stops_at_a_bad_line() {
        let mut text = Vec::new();
        for i in 0..300 {
            let doc = match i % 3 {
                0 => format!("apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c{i}}}\n"),
                1 => format!(
                    "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {{name: d{i}}}\nspec: {{x: {i}}}\n"
                ),
                _ => "# only a comment\n".to_owned(),
            };
            text.extend_from_slice(b"---\n");
            text.extend_from_slice(doc.as_bytes());
        }
        text.extend_from_slice(b"--- {a: 1}\nkind: x\n---\nkey: \xff\n---\nkind: after\n");
        let sequential: Vec<String> = DocumentStream::new(text.as_slice())
            .map_while(Result::ok)
            .map(|d| d.to_string())
            .collect();
        assert_eq!(sequential.len(), 202, "{sequential:?}");
        for threads in [1, 2, 3, 8] {
            let mut given = Vec::new();
            let outcome = for_each_document(
                text.as_slice(),
                threads,
                |d| d.to_string(),
                |s| given.push(s),
            );
            assert_eq!(given, sequential, "{threads} threads");
            assert!(
                matches!(outcome, Err(StreamError::NotUtf8 { byte: 0xff, .. })),
                "{outcome:?}"
            );
        }
    }
}
