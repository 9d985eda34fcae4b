//! Reading inputs the way the `daemonset` command does, for `build.rs` scripts and other tools: directories are
//! expanded (their `*.yaml`/`*.yml` files, sorted, without values files), `-` is standard input, text must be
//! UTF-8, manifests (a top-level `kind:` or `apiVersion:`) are told apart from spec files, and manifests are read
//! document by document, holding one document at a time whatever the size of the stream.
//!
//! [`load`] reads everything at once into valid DaemonSets, or every problem found:
//!
//! ```
//! # let dir = tempfile::tempdir().unwrap();
//! # std::fs::write(dir.path().join("agent.yaml"), "name: agent\nselectorLabels: {app: agent}\ncontainers:\n- name: a\n  image: a:1\n").unwrap();
//! # std::fs::write(dir.path().join("values.yaml"), "ignored: true\n").unwrap();
//! use daemonset::spec::Values;
//! let objects = daemonset::input::load(&[dir.path()], &Values::new()).unwrap();
//! assert_eq!(objects[0].metadata.name.as_deref(), Some("agent"));
//! ```
//!
//! [`open`] gives one input at a time, a manifest as a stream of documents ([`Documents`]), a spec file as its
//! text, and [`Objects`] streams the DaemonSets of many inputs, one at a time.

use std::fmt;
use std::io::{self, BufRead, Read};
use std::path::{Path, PathBuf};

use k8s_openapi::api::apps::v1::DaemonSet;

use crate::diagnostic::{Diagnostic, Location};
use crate::parse::{self, Document, DocumentStream};
use crate::spec::{self, Values};

/// Why an input could not be read. Written `file: cannot read` (the file system's error is the
/// [`source`](std::error::Error::source)) or `file:line:column: not UTF-8 text…`; a [`Diagnostic`] converted from it
/// keeps it as its source.
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
        /// The path as given, and the 1-based line and column (in characters) of the first invalid byte.
        location: Location,
        /// The byte.
        byte: u8,
    },
}

impl InputError {
    /// Where the error is: the file, and for text that is not UTF-8 the line and column of the first invalid byte.
    fn location(&self) -> Location {
        match self {
            InputError::Io { path, .. } => Location {
                file: Some(path.clone()),
                ..Location::default()
            },
            InputError::NotUtf8 { location, .. } => location.clone(),
        }
    }

    fn message(&self) -> String {
        match self {
            InputError::Io { .. } => "cannot read".to_owned(),
            InputError::NotUtf8 { byte, .. } => {
                format!("not UTF-8 text (byte 0x{byte:02x}); save the file as UTF-8")
            }
        }
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        crate::diagnostic::write_at(f, &self.location(), &self.message())
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

impl From<InputError> for Diagnostic {
    fn from(error: InputError) -> Diagnostic {
        Diagnostic::error(error.location(), error.message()).with_source(error)
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

impl Source {
    /// The name used in messages: the path as given, or `<stdin>`.
    pub fn name(&self) -> String {
        match self {
            Source::Stdin => "<stdin>".to_owned(),
            Source::File(path) => display(path),
        }
    }
}

/// One input, read whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    /// The name used in messages (the path as given, or `<stdin>`).
    pub name: String,
    /// The text.
    pub text: String,
}

fn display(path: &Path) -> String {
    path.display().to_string()
}

/// Whether a file in a directory is taken as input: `*.yaml` or `*.yml`, not hidden, not a values file
/// (`values.yaml`, `*.values.yaml`).
pub fn wanted(name: &str) -> bool {
    let yaml = name.ends_with(".yaml") || name.ends_with(".yml");
    yaml && !is_values_file(name) && !name.starts_with('.')
}

/// Whether a file name is that of a values file (`values.yaml`, `*.values.yaml`, and `.yml` alike).
pub fn is_values_file(name: &str) -> bool {
    matches!(name, "values.yaml" | "values.yml")
        || name.ends_with(".values.yaml")
        || name.ends_with(".values.yml")
}

/// Expands directories (their YAML files, sorted by name, not recursive, see [`wanted`]); files and `-` are kept
/// as given.
pub fn expand<P: AsRef<Path>>(paths: &[P]) -> Result<Vec<Source>, InputError> {
    let mut sources = Vec::new();
    for path in paths {
        let path = path.as_ref();
        if path.as_os_str() == "-" {
            sources.push(Source::Stdin);
        } else if path.is_dir() {
            let io = |source| InputError::Io {
                path: display(path),
                source,
            };
            let mut files = Vec::new();
            for entry in std::fs::read_dir(path).map_err(io)? {
                let entry = entry.map_err(io)?;
                let name = entry.file_name().to_string_lossy().into_owned();
                if wanted(&name) && entry.path().is_file() {
                    files.push(entry.path());
                }
            }
            files.sort();
            sources.extend(files.into_iter().map(Source::File));
        } else {
            sources.push(Source::File(path.to_owned()));
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
            location: Location {
                file: Some(name.to_owned()),
                line: Some(line),
                column: Some(column),
                path: None,
            },
            byte: bytes[valid],
        }
    })
}

fn reader(source: &Source) -> Result<Box<dyn BufRead>, InputError> {
    Ok(match source {
        Source::Stdin => Box::new(io::stdin().lock()),
        Source::File(path) => {
            let file = std::fs::File::open(path).map_err(|source| InputError::Io {
                path: display(path),
                source,
            })?;
            Box::new(io::BufReader::with_capacity(1 << 16, file))
        }
    })
}

/// Reads one input whole, as UTF-8 text.
pub fn read(source: &Source) -> Result<Input, InputError> {
    let name = source.name();
    let mut bytes = Vec::new();
    reader(source)?
        .read_to_end(&mut bytes)
        .map_err(|source| InputError::Io {
            path: name.clone(),
            source,
        })?;
    Ok(Input {
        text: utf8(&name, bytes)?,
        name,
    })
}

fn manifest_line(line: &[u8]) -> bool {
    line.starts_with(b"kind:") || line.starts_with(b"apiVersion:")
}

/// Whether a text is a Kubernetes manifest (a line starts with `kind:` or `apiVersion:`, a top-level key) rather
/// than a spec file.
pub fn is_manifest(text: &str) -> bool {
    text.lines().any(|l| manifest_line(l.as_bytes()))
}

/// An input, opened: a manifest to read document by document, or a spec file read whole.
#[derive(Debug)]
pub enum Opened {
    /// A Kubernetes manifest.
    Manifest(Documents),
    /// A spec file (a template), read whole.
    Spec(Input),
}

/// Opens an input and tells a manifest from a spec file ([`is_manifest`]) by reading only as far as the first
/// top-level `kind:` or `apiVersion:` line: a manifest is then read document by document, never whole.
pub fn open(source: &Source) -> Result<Opened, InputError> {
    let name = source.name();
    let mut reader = reader(source)?;
    let mut prefix = Vec::new();
    loop {
        let start = prefix.len();
        let n = reader
            .read_until(b'\n', &mut prefix)
            .map_err(|source| InputError::Io {
                path: name.clone(),
                source,
            })?;
        if n == 0 {
            let text = utf8(&name, prefix)?;
            return Ok(Opened::Spec(Input { name, text }));
        }
        if manifest_line(&prefix[start..]) {
            let reader: Box<dyn BufRead> = Box::new(io::Cursor::new(prefix).chain(reader));
            return Ok(Opened::Manifest(Documents::new(name, reader)));
        }
    }
}

/// The documents of a manifest, read one at a time (see [`DocumentStream`]); an error of the input (not UTF-8, a
/// read failure) ends the stream after the documents before it.
pub struct Documents {
    name: String,
    stream: DocumentStream<Box<dyn BufRead>>,
    failed: bool,
}

impl fmt::Debug for Documents {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Documents")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl Documents {
    /// Reads the documents of `reader`, named `name` in messages.
    pub fn new(name: impl Into<String>, reader: Box<dyn BufRead>) -> Documents {
        Documents {
            name: name.into(),
            stream: DocumentStream::new(reader),
            failed: false,
        }
    }

    /// Opens a source as a manifest, whatever it holds.
    pub fn open(source: &Source) -> Result<Documents, InputError> {
        Ok(Documents::new(source.name(), reader(source)?))
    }

    /// The name of the input in messages.
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl Iterator for Documents {
    type Item = Result<Document, InputError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        let item = self.stream.next()?;
        Some(item.map_err(|e| {
            self.failed = true;
            stream_error(self.name.clone(), e)
        }))
    }
}

impl Documents {
    /// Works on the documents on `threads` threads and gives the results to `each` in order, holding a few
    /// documents per thread at a time (see [`parse::for_each_document`]).
    pub fn for_each_parallel<T: Send>(
        self,
        threads: usize,
        work: impl Fn(Document) -> T + Sync,
        each: impl FnMut(T),
    ) -> Result<(), InputError> {
        if self.failed {
            return Ok(());
        }
        let name = self.name;
        self.stream
            .for_each_parallel(threads, work, each)
            .map_err(|e| stream_error(name, e))
    }
}

fn stream_error(path: String, e: parse::StreamError) -> InputError {
    match e {
        parse::StreamError::NotUtf8 { line, column, byte } => InputError::NotUtf8 {
            location: Location {
                file: Some(path),
                line: Some(line),
                column: Some(column),
                path: None,
            },
            byte,
        },
        parse::StreamError::Io(source) => InputError::Io { path, source },
    }
}

/// What one step of [`Objects`] gives.
#[derive(Debug)]
#[non_exhaustive]
pub enum Loaded {
    /// A valid DaemonSet (from a manifest, or built from a spec file).
    Object {
        /// The input's name.
        file: String,
        /// The object.
        object: Box<DaemonSet>,
    },
    /// A document of another kind, skipped.
    Skipped {
        /// The input's name.
        file: String,
        /// The line where the document starts.
        line: usize,
        /// Its `kind`.
        kind: String,
        /// Its `apiVersion`.
        api_version: String,
    },
    /// A manifest without any document.
    Empty {
        /// The input's name.
        file: String,
    },
    /// The problems of one document or input, each keeping its typed error as its
    /// [`source`](std::error::Error::source): an [`InputError`], a [`crate::parse::ParseError`] or a
    /// [`crate::Violation`]; a spec file's are [`crate::spec::SpecError::problems`] (a template problem has no
    /// source there: minijinja's error is the `SpecError`'s [`cause`](crate::spec::SpecError::cause)).
    Problems(Vec<Diagnostic>),
}

impl Loaded {
    /// The note a skipped document or an empty input deserves (`file:line: skipping ConfigMap (v1): not a
    /// DaemonSet`).
    pub fn note(&self) -> Option<String> {
        match self {
            Loaded::Skipped {
                file,
                line,
                kind,
                api_version,
            } => Some(format!(
                "{file}:{line}: skipping {kind} ({api_version}): not a DaemonSet"
            )),
            Loaded::Empty { file } => Some(format!("{file}: no documents")),
            _ => None,
        }
    }
}

/// The DaemonSets of many inputs, one at a time: manifests document by document (each DaemonSet validated), spec
/// files rendered with the values and built.
pub struct Objects<'v> {
    sources: std::vec::IntoIter<Source>,
    current: Option<(Documents, bool)>,
    values: &'v Values,
}

impl fmt::Debug for Objects<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Objects")
            .field("current", &self.current)
            .finish_non_exhaustive()
    }
}

impl<'v> Objects<'v> {
    /// Reads the sources in order (see [`expand`]) with the template values of spec files.
    pub fn new(sources: Vec<Source>, values: &'v Values) -> Objects<'v> {
        Objects {
            sources: sources.into_iter(),
            current: None,
            values,
        }
    }

    fn document(file: &str, document: Document) -> Loaded {
        match document {
            Document::DaemonSet {
                object,
                line,
                lines,
            } => match crate::validate(&object) {
                Ok(()) => Loaded::Object {
                    file: file.to_owned(),
                    object,
                },
                Err(errors) => Loaded::Problems(
                    errors
                        .into_violations()
                        .into_iter()
                        .map(|violation| {
                            let (line, column) = lines
                                .position_of(violation.path.as_str())
                                .map_or((line, None), |(l, c)| (l, Some(c)));
                            Diagnostic::from(violation).at(file, line, column)
                        })
                        .collect(),
                ),
            },
            Document::Other {
                api_version,
                kind,
                line,
            } => Loaded::Skipped {
                file: file.to_owned(),
                line,
                kind,
                api_version,
            },
            Document::Invalid { errors, line } => Loaded::Problems(
                errors
                    .into_iter()
                    .map(|error| Diagnostic::from(error).at(file, line, None))
                    .collect(),
            ),
        }
    }
}

impl Iterator for Objects<'_> {
    type Item = Loaded;

    fn next(&mut self) -> Option<Loaded> {
        loop {
            if let Some((documents, any)) = &mut self.current {
                match documents.next() {
                    Some(Ok(document)) => {
                        *any = true;
                        let file = documents.name().to_owned();
                        return Some(Objects::document(&file, document));
                    }
                    Some(Err(e)) => return Some(Loaded::Problems(vec![e.into()])),
                    None => {
                        let empty = !*any;
                        let file = documents.name().to_owned();
                        self.current = None;
                        if empty {
                            return Some(Loaded::Empty { file });
                        }
                    }
                }
            }
            let source = self.sources.next()?;
            match open(&source) {
                Err(e) => return Some(Loaded::Problems(vec![e.into()])),
                Ok(Opened::Manifest(documents)) => self.current = Some((documents, false)),
                Ok(Opened::Spec(input)) => {
                    return Some(match spec::load(&input.name, &input.text, self.values) {
                        Ok(object) => Loaded::Object {
                            file: input.name,
                            object: Box::new(object),
                        },
                        Err(e) => Loaded::Problems(e.problems().to_vec()),
                    });
                }
            }
        }
    }
}

/// Every problem [`load`] found, in input order.
#[derive(Debug)]
pub struct LoadError {
    /// The problems (at least one).
    pub problems: Vec<Diagnostic>,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, problem) in self.problems.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{problem}")?;
        }
        Ok(())
    }
}

impl std::error::Error for LoadError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.problems
            .first()
            .map(|p| p as &(dyn std::error::Error + 'static))
    }
}

/// Reads files, directories and `-` as `daemonset render` does: every valid DaemonSet in input order, or every
/// problem found (unreadable inputs, parse errors, violations, spec errors). Documents of other kinds are skipped.
pub fn load<P: AsRef<Path>>(paths: &[P], values: &Values) -> Result<Vec<DaemonSet>, LoadError> {
    let sources = expand(paths).map_err(|e| LoadError {
        problems: vec![e.into()],
    })?;
    let mut objects = Vec::new();
    let mut problems = Vec::new();
    for loaded in Objects::new(sources, values) {
        match loaded {
            Loaded::Object { object, .. } => objects.push(*object),
            Loaded::Problems(p) => problems.extend(p),
            _ => {}
        }
    }
    if problems.is_empty() {
        Ok(objects)
    } else {
        Err(LoadError { problems })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DS: &str = "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: NAME}\nspec:\n  selector: {matchLabels: {a: b}}\n  template:\n    metadata: {labels: {a: b}}\n    spec: {containers: [{name: c, image: 'i:1'}]}\n";

    /// A reader that gives `first` and then fails: whatever comes after the first document is never needed to
    /// yield it.
    struct ThenFail(io::Cursor<Vec<u8>>);

    impl Read for ThenFail {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            match self.0.read(buf)? {
                0 => Err(io::Error::other("the rest of the stream is not there yet")),
                n => Ok(n),
            }
        }
    }

    #[test]
    fn documents_yield_the_first_before_the_input_ends() {
        let first = format!("{}---\n", DS.replace("NAME", "first"));
        let reader = io::BufReader::new(ThenFail(io::Cursor::new(first.into_bytes())));
        let mut docs = Documents::new("s", Box::new(reader));
        match docs.next() {
            Some(Ok(Document::DaemonSet { object, .. })) => {
                assert_eq!(object.metadata.name.as_deref(), Some("first"));
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(docs.next(), Some(Err(InputError::Io { .. }))));
        assert!(docs.next().is_none());
    }

    #[test]
    fn open_tells_manifests_from_spec_files() {
        let dir = tempfile::tempdir().unwrap();
        let manifest = dir.path().join("m.yaml");
        std::fs::write(&manifest, format!("# c\n{}", DS.replace("NAME", "m"))).unwrap();
        let spec = dir.path().join("s.yaml");
        std::fs::write(&spec, "name: s\n  kind: not top-level\n").unwrap();
        let Opened::Manifest(docs) = open(&Source::File(manifest)).unwrap() else {
            panic!("a manifest")
        };
        // The lines read to decide are read again as documents.
        let docs: Vec<_> = docs.map(Result::unwrap).collect();
        assert!(matches!(&docs[..], [Document::DaemonSet { line: 1, .. }]));
        match open(&Source::File(spec)).unwrap() {
            Opened::Spec(input) => assert_eq!(input.text, "name: s\n  kind: not top-level\n"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn load_reports_every_problem_with_its_line() {
        let dir = tempfile::tempdir().unwrap();
        let bad = DS.replace("NAME", "Bad_Name");
        std::fs::write(
            dir.path().join("a.yaml"),
            format!(
                "{}---\napiVersion: v1\nkind: ConfigMap\n---\n{bad}",
                DS.replace("NAME", "ok")
            ),
        )
        .unwrap();
        std::fs::write(dir.path().join("b.values.yaml"), "not: read\n").unwrap();
        std::fs::write(dir.path().join("c.yaml"), "name: c\ncontainers: oops\n").unwrap();
        let e = load(&[dir.path()], &Values::new()).unwrap_err();
        let lines: Vec<String> = e.problems.iter().map(ToString::to_string).collect();
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert!(
            lines[0].contains("a.yaml:15:12: metadata.name: Invalid value: \"Bad_Name\""),
            "{}",
            lines[0]
        );
        assert!(lines[1].contains("c.yaml:2"), "{}", lines[1]);
    }

    #[test]
    fn every_problem_keeps_its_typed_error_as_its_source() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("a.yaml"),
            format!(
                "{}---\n{}",
                DS.replace("NAME", "Bad_Name"),
                DS.replace("spec:\n", "spec:\n  nodeSelector: {a: b}\n")
            ),
        )
        .unwrap();
        std::fs::write(dir.path().join("b.yaml"), b"name: \xff\n").unwrap();
        let missing = dir.path().join("missing.yaml");
        let e = load(&[dir.path(), missing.as_path()], &Values::new()).unwrap_err();
        let [violation, parse, not_utf8, missing] = &e.problems[..] else {
            panic!("{e}")
        };
        let v = violation.source_as::<crate::Violation>().unwrap();
        assert_eq!(v.path.as_str(), "metadata.name");
        assert_eq!(violation.location.path.as_deref(), Some("metadata.name"));
        let p = parse.source_as::<parse::ParseError>().unwrap();
        assert!(
            matches!(p, parse::ParseError::UnknownField { field, .. } if field == "nodeSelector")
        );
        assert_eq!(
            (parse.location.line, parse.location.column),
            (Some(14), Some(3))
        );
        assert!(matches!(
            not_utf8.source_as::<InputError>(),
            Some(InputError::NotUtf8 { byte: 0xff, .. })
        ));
        assert_eq!(
            not_utf8.to_string(),
            format!(
                "{}:1:7: not UTF-8 text (byte 0xff); save the file as UTF-8",
                dir.path().join("b.yaml").display()
            )
        );
        let io = missing.source_as::<InputError>().unwrap();
        assert!(
            matches!(io, InputError::Io { source, .. } if source.kind() == io::ErrorKind::NotFound)
        );
    }
}
