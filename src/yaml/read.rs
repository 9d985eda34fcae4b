//! Reading YAML the way kubectl does: the stream is cut into documents at `---` lines like apimachinery's
//! `YAMLReader`, and each document is resolved like go-yaml v2 (YAML 1.1) and converted to JSON like
//! `sigs.k8s.io/yaml`: `0644` is octal 420, `yes`/`on`/`y` are booleans, `1_000` is 1000, `<<: *base` merges,
//! a timestamp stays a string, `.inf`/`.nan` cannot be written as JSON. Where kubectl silently drops or changes
//! something we refuse instead: duplicate keys, custom tags, a document after `...` in the same chunk.
//!
//! The result is a tree of [`Node`]s that keep their line and column, read into typed objects by
//! [`super::de`].

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use granit_parser::{Event, Parser, ScalarStyle, Tag};

/// A resolved YAML value with its position (1-based line and column).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node {
    pub kind: Kind,
    pub line: usize,
    pub column: usize,
    /// The source text of a plain scalar that resolved to something other than a string (`yes`, `0644`), for
    /// messages that suggest quoting it.
    pub plain: Option<Box<str>>,
}

/// What a node holds, in JSON's terms (map keys are strings, as `sigs.k8s.io/yaml` makes them).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Kind {
    Null,
    Bool(bool),
    Int(i64),
    Uint(u64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<(Key, Node)>),
}

/// A mapping key, converted to a string, with its position.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Key {
    pub name: String,
    pub line: usize,
    pub column: usize,
}

/// Why a YAML text could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ReadError {
    pub message: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
}

impl ReadError {
    fn at(line: usize, column: usize, message: impl Into<String>) -> ReadError {
        ReadError {
            message: message.into(),
            line: Some(line),
            column: Some(column),
        }
    }
}

/// One document of a stream: its first line in the stream, and its content (`None` for an empty document).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Chunk<'a> {
    /// 1-based line of the document's first line (after the `---`).
    pub line: usize,
    pub text: &'a str,
}

/// Cuts a stream into documents like apimachinery's `YAMLReader` (what `kubectl apply -f` uses): a line that
/// starts with `---` ends a document, and may be followed only by blanks or a comment; anything else after it
/// (`--- {a: 1}`, `--- |`) is an error, as in kubectl. Empty documents are kept (the caller skips them).
pub(crate) fn chunks(text: &str) -> Result<Vec<Chunk<'_>>, ReadError> {
    let mut out = Vec::new();
    let mut cutter = Cutter::default();
    let mut pos = 0;
    for (n, line) in text.split_inclusive('\n').enumerate() {
        if let Some(chunk) = cutter.line(text, pos, n + 1, line)? {
            out.push(chunk);
        }
        pos += line.len();
    }
    out.push(cutter.finish(text));
    Ok(out)
}

/// The state of [`chunks`], usable line by line on a stream.
#[derive(Debug, Default)]
pub(crate) struct Cutter {
    start: usize,
    start_line: usize,
}

impl Cutter {
    /// Feeds one line (with its newline) at byte `pos` of `text`, 1-based line `number`; returns the document
    /// that this line ends, if it is a separator.
    pub(crate) fn line<'a>(
        &mut self,
        text: &'a str,
        pos: usize,
        number: usize,
        line: &str,
    ) -> Result<Option<Chunk<'a>>, ReadError> {
        if self.start_line == 0 {
            self.start_line = 1;
        }
        let Some(rest) = line.strip_prefix("---") else {
            return Ok(None);
        };
        let trimmed = rest.trim();
        if !trimmed.is_empty() && !trimmed.starts_with('#') {
            return Err(ReadError::at(
                number,
                4,
                format!(
                    "invalid document separator: `{}` (kubectl refuses anything but a comment after `---`; \
                     start the document on the next line)",
                    line.trim_end()
                ),
            ));
        }
        let chunk = Chunk {
            line: self.start_line,
            text: &text[self.start..pos],
        };
        self.start = pos + line.len();
        self.start_line = number + 1;
        Ok(Some(chunk))
    }

    /// The last document.
    pub(crate) fn finish<'a>(&mut self, text: &'a str) -> Chunk<'a> {
        Chunk {
            line: self.start_line.max(1),
            text: &text[self.start.min(text.len())..],
        }
    }
}

/// Reads one document (a chunk cut by [`chunks`]) into a node; `Ok(None)` when it holds nothing. Lines are
/// counted from `first_line`. Three readers give the same nodes: the fast one ([`super::fast`], straight from the
/// bytes, for the YAML manifests are written in), then [`Direct`] (from the parser's events, without anchors or
/// tags), then [`general`]; each of the first two declines what it does not take, and only the last one reports
/// errors.
pub(crate) fn document(text: &str, first_line: usize) -> Result<Option<Node>, ReadError> {
    if let Some(node) = super::fast::read(text, first_line) {
        return Ok(Some(node));
    }
    if let Some(node) = Direct::read(text, first_line) {
        return Ok(node);
    }
    general(text, first_line)
}

/// [`document`] for any document: the raw tree first (anchors, aliases, merge keys, tags), then decoded.
pub(super) fn general(text: &str, first_line: usize) -> Result<Option<Node>, ReadError> {
    let shift = first_line.saturating_sub(1);
    let mut builder = Builder::default();
    let mut parser = Parser::new_from_str(text);
    let mut documents = 0;
    let mut root = None;
    while let Some(event) = parser.next_event() {
        let (event, span) = event.map_err(|e| {
            ReadError::at(e.marker().line() + shift, e.marker().col() + 1, e.info())
        })?;
        let (line, column) = (span.start.line() + shift, span.start.col() + 1);
        match event {
            Event::StreamStart | Event::DocumentEnd => {}
            Event::StreamEnd => break,
            Event::DocumentStart(..) => {
                documents += 1;
                if documents > 1 {
                    return Err(ReadError::at(
                        line,
                        column,
                        "a second document after `...`: kubectl would silently drop it; separate documents \
                         with a `---` line",
                    ));
                }
            }
            other => {
                if let Some(raw) = builder.event(other, line, column)? {
                    root = Some(raw);
                }
            }
        }
    }
    let Some(root) = root else {
        return Ok(None);
    };
    let mut decoder = Decoder::default();
    let node = decoder.decode(&root)?;
    check_json(&node)?;
    Ok(match node.kind {
        Kind::Null if node.plain.is_none() && is_blank(&root) => None,
        _ => Some(node),
    })
}

/// Reads a document straight from the parser's events into nodes, without the raw tree: for a document with no
/// anchor, alias, tag, merge key or complex key, with a mapping or a list at the root, and without any error —
/// what nearly every manifest is. Gives up (`None`) at the first thing outside that, and [`general`] reads the
/// document again; so the result, and every error, is the general reader's.
#[derive(Default)]
struct Direct {
    stack: Vec<Open>,
}

/// A collection being filled.
enum Open {
    Seq {
        items: Vec<Node>,
        line: usize,
        column: usize,
    },
    Map {
        entries: Vec<(Key, Node)>,
        /// The key read, waiting for its value.
        key: Option<Key>,
        line: usize,
        column: usize,
    },
}

impl Direct {
    /// The document, or `None` to read it the general way.
    fn read(text: &str, first_line: usize) -> Option<Option<Node>> {
        let shift = first_line.saturating_sub(1);
        let mut direct = Direct::default();
        // Comments carry nothing here; without their events the parser does less (the `comments` feature may be
        // on for another crate of the build).
        let mut options = granit_parser::Options::default();
        options.set_emit_comments(false);
        let mut parser = Parser::new_from_str_with_options(text, options);
        let mut documents = 0;
        let mut root = None;
        while let Some(event) = parser.next_event() {
            let (event, span) = event.ok()?;
            let (line, column) = (span.start.line() + shift, span.start.col() + 1);
            match event {
                Event::StreamStart | Event::DocumentEnd => {}
                Event::StreamEnd => break,
                Event::DocumentStart(..) => {
                    documents += 1;
                    if documents > 1 {
                        return None;
                    }
                }
                Event::Scalar(value, style, anchor, tag) => {
                    if anchor != 0 || tag.is_some() {
                        return None;
                    }
                    let done = direct.scalar(value.into_owned(), style, line, column)?;
                    if done.is_some() {
                        // A scalar at the root: left to the general reader (it tells empty documents apart).
                        return None;
                    }
                }
                Event::SequenceStart(_, anchor, tag) => {
                    if anchor != 0 || tag.is_some() || direct.wants_key() {
                        return None;
                    }
                    direct.stack.push(Open::Seq {
                        items: Vec::new(),
                        line,
                        column,
                    });
                }
                Event::MappingStart(_, anchor, tag) => {
                    if anchor != 0 || tag.is_some() || direct.wants_key() {
                        return None;
                    }
                    direct.stack.push(Open::Map {
                        entries: Vec::new(),
                        key: None,
                        line,
                        column,
                    });
                }
                Event::SequenceEnd | Event::MappingEnd => {
                    let node = match direct.stack.pop()? {
                        Open::Seq {
                            items,
                            line,
                            column,
                        } => Node {
                            kind: Kind::Seq(items),
                            line,
                            column,
                            plain: None,
                        },
                        Open::Map {
                            entries,
                            key,
                            line,
                            column,
                        } => {
                            if key.is_some() || has_duplicate(&entries) {
                                return None;
                            }
                            Node {
                                kind: Kind::Map(entries),
                                line,
                                column,
                                plain: None,
                            }
                        }
                    };
                    if let Some(node) = direct.add(node)? {
                        root = Some(node);
                    }
                }
                Event::Alias(_) | Event::UnresolvedAlias(_) => return None,
                _ => {}
            }
        }
        Some(root)
    }

    /// Whether the open collection is a mapping waiting for a key.
    fn wants_key(&self) -> bool {
        matches!(self.stack.last(), Some(Open::Map { key: None, .. }))
    }

    /// Takes a scalar: a key or a value; gives the node when it is the root.
    fn scalar(
        &mut self,
        value: String,
        style: ScalarStyle,
        line: usize,
        column: usize,
    ) -> Option<Option<Node>> {
        if self.wants_key() {
            // A plain `<<` key is a merge (go-yaml v2 tells it by its text, not by resolution): the general
            // reader's.
            if style == ScalarStyle::Plain && value == "<<" {
                return None;
            }
            let name = if style == ScalarStyle::Plain {
                match resolve_plain(&value) {
                    Plain::Str => value,
                    Plain::Scalar(scalar) => scalar_key_name(scalar)?,
                }
            } else {
                value
            };
            if let Some(Open::Map { key, .. }) = self.stack.last_mut() {
                *key = Some(Key { name, line, column });
            }
            return Some(None);
        }
        let (kind, plain) = if style == ScalarStyle::Plain {
            match resolve_plain(&value) {
                Plain::Str | Plain::Scalar(Scalar::Merge) => (Kind::Str(value), None),
                Plain::Scalar(scalar) => (scalar_kind(scalar)?, Some(value.into_boxed_str())),
            }
        } else {
            (Kind::Str(value), None)
        };
        self.add(Node {
            kind,
            line,
            column,
            plain,
        })
    }

    /// Adds a finished node to the open collection; gives it back when it is the root.
    fn add(&mut self, node: Node) -> Option<Option<Node>> {
        match self.stack.last_mut() {
            None => Some(Some(node)),
            Some(Open::Seq { items, .. }) => {
                items.push(node);
                Some(None)
            }
            Some(Open::Map { entries, key, .. }) => {
                // A collection as a key never gets here (refused at its start).
                let key = key.take()?;
                entries.push((key, node));
                Some(None)
            }
        }
    }
}

/// The name of a plain key that resolved to something other than a string, as `sigs.k8s.io/yaml` writes it;
/// `None` for a merge, a null or a uint64 key (the general reader's).
fn scalar_key_name(scalar: Scalar) -> Option<String> {
    match scalar {
        Scalar::Int(v) => Some(v.to_string()),
        Scalar::Bool(b) => Some(b.to_string()),
        Scalar::Float(f) => Some(go_format_float32_g(f)),
        _ => None,
    }
}

/// The kind of a plain value that resolved to something other than a string; `None` for what the general
/// reader refuses with its message (a number JSON cannot hold).
fn scalar_kind(scalar: Scalar) -> Option<Kind> {
    Some(match scalar {
        Scalar::Null => Kind::Null,
        Scalar::Bool(b) => Kind::Bool(b),
        Scalar::Int(v) => Kind::Int(v),
        Scalar::Uint(v) => Kind::Uint(v),
        Scalar::Float(f) if f.is_finite() => Kind::Float(f),
        Scalar::Float(_) => return None,
        Scalar::Merge => Kind::Str("<<".into()),
        Scalar::Str(s) | Scalar::Timestamp(s) => Kind::Str(s),
    })
}

/// The name of a plain mapping key (for the fast reader); `None` for a key the general reader must read (a
/// merge, a null or a uint64 key).
pub(super) fn plain_key_name(text: &str) -> Option<String> {
    if text == "<<" {
        return None;
    }
    match resolve_plain(text) {
        Plain::Str => Some(text.to_owned()),
        Plain::Scalar(scalar) => scalar_key_name(scalar),
    }
}

/// A plain value (for the fast reader): its kind, and its text when it is not a string; `None` for what the
/// general reader refuses.
pub(super) fn plain_value(text: &str) -> Option<(Kind, Option<Box<str>>)> {
    match resolve_plain(text) {
        Plain::Str | Plain::Scalar(Scalar::Merge) => Some((Kind::Str(text.to_owned()), None)),
        Plain::Scalar(scalar) => Some((scalar_kind(scalar)?, Some(text.into()))),
    }
}

/// Whether this reader (go-yaml v2's resolution, as kubectl reads) takes the plain scalar `text` as a string: the
/// emitter writes a string plain only if so, so that what it writes reads back the same.
pub(super) fn plain_is_string(text: &str) -> bool {
    matches!(resolve_plain(text), Plain::Str)
}

/// Whether a mapping has a key twice (the general reader names the error).
pub(super) fn has_duplicate(entries: &[(Key, Node)]) -> bool {
    if entries.len() <= 16 {
        return entries
            .iter()
            .enumerate()
            .any(|(i, (k, _))| entries[..i].iter().any(|(other, _)| other.name == k.name));
    }
    let mut names: Vec<&str> = entries.iter().map(|(k, _)| k.name.as_str()).collect();
    names.sort_unstable();
    names.windows(2).any(|w| w[0] == w[1])
}

/// A plain scalar, resolved: a string (its text), or another scalar.
enum Plain {
    Str,
    Scalar(Scalar),
}

/// [`resolve_untagged`] of a plain scalar without copying it (a timestamp, kept as text, is a string).
fn resolve_plain(text: &str) -> Plain {
    match resolve_non_string(text, true) {
        None | Some(Scalar::Str(_) | Scalar::Timestamp(_)) => Plain::Str,
        Some(other) => Plain::Scalar(other),
    }
}

/// Whether the root is the empty plain scalar of a document that holds only comments or blanks.
fn is_blank(raw: &Raw) -> bool {
    matches!(&raw.data, Data::Scalar { value, style: ScalarStyle::Plain, tag: None } if value.is_empty())
}

/// A node as parsed, before resolution.
#[derive(Debug)]
struct Raw {
    data: Data,
    line: usize,
    column: usize,
}

#[derive(Debug)]
enum Data {
    Scalar {
        value: String,
        style: ScalarStyle,
        tag: Option<String>,
    },
    Seq {
        items: Vec<Rc<Raw>>,
        tag: Option<String>,
    },
    Map {
        entries: Vec<Rc<Raw>>,
        tag: Option<String>,
    },
    Alias(Rc<Raw>),
}

/// Builds raw trees from parser events.
#[derive(Default)]
struct Builder {
    /// Open collections: the node being filled and its anchor.
    stack: Vec<(Raw, usize)>,
    anchors: HashMap<usize, Rc<Raw>>,
}

fn tag_name(tag: Option<std::borrow::Cow<'_, Tag>>) -> Option<String> {
    tag.map(|t| {
        let (handle, suffix) = (t.handle(), t.suffix());
        if handle.is_empty() && suffix == "!" {
            "!".to_owned()
        } else if handle == "!" {
            format!("!{suffix}")
        } else {
            format!("{handle}{suffix}")
        }
    })
}

impl Builder {
    /// Takes one event; returns the root when it is complete.
    fn event(
        &mut self,
        event: Event<'_>,
        line: usize,
        column: usize,
    ) -> Result<Option<Rc<Raw>>, ReadError> {
        let (raw, anchor) = match event {
            Event::Scalar(value, style, anchor, tag) => (
                Raw {
                    data: Data::Scalar {
                        value: value.into_owned(),
                        style,
                        tag: tag_name(tag),
                    },
                    line,
                    column,
                },
                anchor,
            ),
            Event::Alias(id) => {
                let target =
                    self.anchors.get(&id).cloned().ok_or_else(|| {
                        ReadError::at(line, column, "an alias to an unknown anchor")
                    })?;
                (
                    Raw {
                        data: Data::Alias(target),
                        line,
                        column,
                    },
                    0,
                )
            }
            Event::UnresolvedAlias(_) => {
                return Err(ReadError::at(line, column, "an alias to an unknown anchor"));
            }
            Event::SequenceStart(_, anchor, tag) => {
                let data = Data::Seq {
                    items: Vec::new(),
                    tag: tag_name(tag),
                };
                self.stack.push((Raw { data, line, column }, anchor));
                return Ok(None);
            }
            Event::MappingStart(_, anchor, tag) => {
                let data = Data::Map {
                    entries: Vec::new(),
                    tag: tag_name(tag),
                };
                self.stack.push((Raw { data, line, column }, anchor));
                return Ok(None);
            }
            Event::SequenceEnd | Event::MappingEnd => match self.stack.pop() {
                Some(done) => done,
                None => return Ok(None),
            },
            _ => return Ok(None),
        };
        let raw = Rc::new(raw);
        if anchor != 0 {
            self.anchors.insert(anchor, raw.clone());
        }
        match self.stack.last_mut() {
            None => Ok(Some(raw)),
            Some((parent, _)) => {
                match &mut parent.data {
                    Data::Seq { items, .. } => items.push(raw),
                    Data::Map { entries, .. } => entries.push(raw),
                    _ => {}
                }
                Ok(None)
            }
        }
    }
}

const TAG_PREFIX: &str = "tag:yaml.org,2002:";

/// A scalar resolved like go-yaml v2's `resolve`.
#[derive(Debug, Clone, PartialEq)]
enum Scalar {
    Null,
    Bool(bool),
    Int(i64),
    Uint(u64),
    Float(f64),
    Str(String),
    /// A plain timestamp: kept as its text (go-yaml v2 does so when decoding into `interface{}`).
    Timestamp(String),
    Merge,
}

fn resolve_map(text: &str) -> Option<Scalar> {
    Some(match text {
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            Scalar::Bool(true)
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            Scalar::Bool(false)
        }
        "" | "~" | "null" | "Null" | "NULL" => Scalar::Null,
        ".nan" | ".NaN" | ".NAN" => Scalar::Float(f64::NAN),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => Scalar::Float(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => Scalar::Float(f64::NEG_INFINITY),
        "<<" => Scalar::Merge,
        _ => return None,
    })
}

/// Go's `strconv.ParseInt(s, 0, 64)` / `ParseUint(s, 0, 64)` (underscores already removed).
fn parse_go_int(s: &str) -> Option<Scalar> {
    let (negative, signed, body) = match s.as_bytes().first() {
        Some(b'-') => (true, true, &s[1..]),
        Some(b'+') => (false, true, &s[1..]),
        _ => (false, false, s),
    };
    let (radix, digits) = if let Some(d) = body.strip_prefix("0x").or(body.strip_prefix("0X")) {
        (16, d)
    } else if let Some(d) = body.strip_prefix("0o").or(body.strip_prefix("0O")) {
        (8, d)
    } else if let Some(d) = body.strip_prefix("0b").or(body.strip_prefix("0B")) {
        (2, d)
    } else if body.len() > 1 && body.starts_with('0') {
        (8, &body[1..])
    } else {
        (10, body)
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let magnitude = u128::from_str_radix(digits, radix).ok()?;
    if negative {
        if magnitude <= i64::MAX as u128 + 1 {
            return Some(Scalar::Int((magnitude as i128).wrapping_neg() as i64));
        }
        return None;
    }
    if let Ok(v) = i64::try_from(magnitude) {
        return Some(Scalar::Int(v));
    }
    // ParseUint takes no sign.
    if !signed && let Ok(v) = u64::try_from(magnitude) {
        return Some(Scalar::Uint(v));
    }
    None
}

/// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`
fn yaml_style_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if matches!(b.first(), Some(b'-' | b'+')) {
        i += 1;
    }
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start
    };
    if b.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            digits(&mut i);
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'-' | b'+')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// Go's `strconv.ParseFloat(s, 64)` for the forms go-yaml passes it: out of range is an error.
fn parse_go_float(s: &str) -> Option<f64> {
    let v: f64 = s.parse().ok()?;
    v.is_finite().then_some(v)
}

/// The quick shape check of go-yaml's `parseTimestamp` plus the forms it accepts (`2006-1-2`, with an optional
/// time); used for plain scalars (kept as text either way) and `!!timestamp`.
fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    let year = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if year != 4 || b.get(4) != Some(&b'-') {
        return false;
    }
    let rest = &s[5..];
    let (date, time) = match rest.find(['T', 't', ' ']) {
        Some(i) => (&rest[..i], Some(&rest[i + 1..])),
        None => (rest, None),
    };
    let mut parts = date.split('-');
    let ok_num = |p: Option<&str>, max: u32| {
        p.is_some_and(|p| {
            (1..=2).contains(&p.len())
                && p.bytes().all(|c| c.is_ascii_digit())
                && p.parse::<u32>().is_ok_and(|v| (1..=max).contains(&v))
        })
    };
    if !(ok_num(parts.next(), 12) && ok_num(parts.next(), 31) && parts.next().is_none()) {
        return false;
    }
    match time {
        None => true,
        Some(t) => {
            let t = t.trim_end_matches('Z');
            let t = t.split(['+', '-']).next().unwrap_or(t);
            let mut hms = t.split(':');
            let num = |p: Option<&str>| {
                p.is_some_and(|p| {
                    let p = p.split('.').next().unwrap_or(p);
                    (1..=2).contains(&p.len()) && p.bytes().all(|c| c.is_ascii_digit())
                })
            };
            num(hms.next()) && num(hms.next()) && num(hms.next())
        }
    }
}

/// go-yaml v2's `resolve(tag, in)` for a plain scalar (`tag` None) or an explicitly tagged one.
fn resolve(tag: Option<&str>, text: &str) -> Result<Scalar, String> {
    let short = |t: &str| match t.strip_prefix(TAG_PREFIX) {
        Some(s) => format!("!!{s}"),
        None => t.to_owned(),
    };
    let tag = tag.map(|t| t.strip_prefix(TAG_PREFIX).unwrap_or(t));
    let wanted = match tag {
        None => None,
        Some("str") | Some("!") => return Ok(Scalar::Str(text.to_owned())),
        Some("binary") => {
            let bytes = base64_decode(text)
                .ok_or("!!binary value contains invalid base64 data".to_owned())?;
            return Ok(Scalar::Str(String::from_utf8_lossy(&bytes).into_owned()));
        }
        Some(t @ ("bool" | "int" | "float" | "null" | "timestamp")) => Some(t),
        Some("merge") if text == "<<" => return Ok(Scalar::Merge),
        Some(other) => {
            let shown = if other.starts_with('!') {
                other.to_owned()
            } else {
                short(&format!("{TAG_PREFIX}{other}"))
            };
            return Err(format!(
                "the tag `{shown}` is not supported (kubectl drops tags it does not know and keeps the bare \
                 value); remove it"
            ));
        }
    };
    let resolved = resolve_untagged(text, wanted == Some("timestamp") || wanted.is_none());
    let name = |s: &Scalar| match s {
        Scalar::Null => "null",
        Scalar::Bool(_) => "bool",
        Scalar::Int(_) | Scalar::Uint(_) => "int",
        Scalar::Float(_) => "float",
        Scalar::Str(_) | Scalar::Merge => "str",
        Scalar::Timestamp(_) => "timestamp",
    };
    match wanted {
        None => Ok(resolved),
        Some(want) if want == name(&resolved) => Ok(resolved),
        Some("float") if matches!(resolved, Scalar::Int(_)) => match resolved {
            Scalar::Int(v) => Ok(Scalar::Float(v as f64)),
            _ => unreachable!(),
        },
        Some(want) => Err(format!(
            "cannot decode !!{} `{text}` as a !!{want}",
            name(&resolved)
        )),
    }
}

fn resolve_untagged(text: &str, timestamps: bool) -> Scalar {
    resolve_non_string(text, timestamps).unwrap_or_else(|| Scalar::Str(text.to_owned()))
}

/// [`resolve_untagged`] without copying the text of a string: `None` when the scalar is a string.
fn resolve_non_string(text: &str, timestamps: bool) -> Option<Scalar> {
    let hint = text.as_bytes().first().copied();
    let hinted = match hint {
        None => true,
        Some(c) => {
            c == b'+' || c == b'-' || c == b'.' || c.is_ascii_digit() || b"yYnNtTfFoO~".contains(&c)
        }
    };
    if !hinted {
        return None;
    }
    if let Some(s) = resolve_map(text) {
        return Some(s);
    }
    match hint {
        Some(b'.') => {
            if let Some(v) = parse_go_float(text) {
                return Some(Scalar::Float(v));
            }
        }
        Some(c) if c == b'+' || c == b'-' || c.is_ascii_digit() => {
            if timestamps && is_timestamp(text) {
                return Some(Scalar::Timestamp(text.to_owned()));
            }
            let plain = if text.contains('_') {
                std::borrow::Cow::Owned(text.replace('_', ""))
            } else {
                std::borrow::Cow::Borrowed(text)
            };
            if let Some(v) = parse_go_int(&plain) {
                return Some(v);
            }
            if yaml_style_float(&plain)
                && let Some(v) = parse_go_float(&plain)
            {
                return Some(Scalar::Float(v));
            }
        }
        _ => {}
    }
    None
}

/// Standard base64 as Go's `StdEncoding.DecodeString` reads it (padding required; line breaks skipped).
fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let symbols: Vec<u8> = text
        .bytes()
        .filter(|b| *b != b'\n' && *b != b'\r')
        .collect();
    if !symbols.len().is_multiple_of(4) {
        return None;
    }
    let value = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    };
    let mut out = Vec::with_capacity(symbols.len() / 4 * 3);
    let quads = symbols.len() / 4;
    for (q, quad) in symbols.chunks(4).enumerate() {
        let pad = quad.iter().rev().take_while(|c| **c == b'=').count();
        if pad > 2 || (pad > 0 && q + 1 != quads) {
            return None;
        }
        let mut n = 0u32;
        for &c in &quad[..4 - pad] {
            n = (n << 6) | value(c)?;
        }
        n <<= 6 * pad as u32;
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&bytes[..3 - pad]);
    }
    Some(out)
}

/// Go's `strconv.FormatFloat(f, 'g', -1, 32)`, which `sigs.k8s.io/yaml` uses for float map keys.
fn go_format_float32_g(f: f64) -> String {
    if f.is_nan() {
        return ".nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { ".inf" } else { "-.inf" }.into();
    }
    let f = f as f32;
    if f == 0.0 {
        return if f.is_sign_negative() { "-0" } else { "0" }.into();
    }
    let e = format!("{f:e}"); // shortest digits: "1.2345679e8"
    let (mantissa, exp) = e.split_once('e').unwrap_or((&e, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    // Go's shortest %g: %e when the exponent is below -4 or at least 6, with two exponent digits at least.
    if !(-4..6).contains(&exp) {
        return format!(
            "{mantissa}e{}{:02}",
            if exp < 0 { '-' } else { '+' },
            exp.abs()
        );
    }
    format!("{f}")
}

/// Decodes raw trees into nodes like go-yaml v2 decodes into `interface{}` (with its limit on alias expansion),
/// and converts map keys like `sigs.k8s.io/yaml`.
#[derive(Default)]
struct Decoder {
    decode_count: u64,
    alias_count: u64,
    alias_depth: u32,
    /// Aliases being expanded (by address), to refuse one that contains itself.
    expanding: HashSet<usize>,
}

fn allowed_alias_ratio(decode_count: u64) -> f64 {
    const LOW: f64 = 400_000.0;
    const HIGH: f64 = 4_000_000.0;
    let count = decode_count as f64;
    if count <= LOW {
        0.99
    } else if count >= HIGH {
        0.10
    } else {
        0.99 - 0.89 * ((count - LOW) / (HIGH - LOW))
    }
}

impl Decoder {
    fn count(&mut self, raw: &Raw) -> Result<(), ReadError> {
        self.decode_count += 1;
        if self.alias_depth > 0 {
            self.alias_count += 1;
        }
        if self.alias_count > 100
            && self.decode_count > 1000
            && self.alias_count as f64 / self.decode_count as f64
                > allowed_alias_ratio(self.decode_count)
        {
            return Err(ReadError::at(
                raw.line,
                raw.column,
                "document contains excessive aliasing",
            ));
        }
        Ok(())
    }

    fn decode(&mut self, raw: &Raw) -> Result<Node, ReadError> {
        self.count(raw)?;
        let (line, column) = (raw.line, raw.column);
        let node = |kind| Node {
            kind,
            line,
            column,
            plain: None,
        };
        match &raw.data {
            Data::Alias(target) => self.alias(target, |d, t| d.decode(t)),
            Data::Scalar { value, style, tag } => {
                let scalar = self.scalar(raw, value, *style, tag.as_deref())?;
                let plain =
                    (*style == ScalarStyle::Plain && tag.is_none()).then(|| value.as_str().into());
                let kind = match scalar {
                    Scalar::Null => Kind::Null,
                    Scalar::Bool(b) => Kind::Bool(b),
                    Scalar::Int(v) => Kind::Int(v),
                    Scalar::Uint(v) => Kind::Uint(v),
                    Scalar::Float(v) => Kind::Float(v),
                    Scalar::Str(s) | Scalar::Timestamp(s) => return Ok(node(Kind::Str(s))),
                    Scalar::Merge => return Ok(node(Kind::Str("<<".into()))),
                };
                Ok(Node {
                    plain,
                    ..node(kind)
                })
            }
            Data::Seq { items, tag } => {
                collection_tag(raw, tag.as_deref(), "seq")?;
                let items = items
                    .iter()
                    .map(|item| self.decode(item))
                    .collect::<Result<_, _>>()?;
                Ok(node(Kind::Seq(items)))
            }
            Data::Map { tag, .. } => {
                collection_tag(raw, tag.as_deref(), "map")?;
                let mut map = MapBuilder::default();
                self.map_into(raw, &mut map)?;
                Ok(node(Kind::Map(map.entries)))
            }
        }
    }

    fn alias<T>(
        &mut self,
        target: &Rc<Raw>,
        f: impl FnOnce(&mut Decoder, &Raw) -> Result<T, ReadError>,
    ) -> Result<T, ReadError> {
        let id = Rc::as_ptr(target) as usize;
        if !self.expanding.insert(id) {
            return Err(ReadError::at(
                target.line,
                target.column,
                "an anchor whose value contains itself",
            ));
        }
        self.alias_depth += 1;
        let out = f(self, target);
        self.alias_depth -= 1;
        self.expanding.remove(&id);
        out
    }

    fn scalar(
        &mut self,
        raw: &Raw,
        value: &str,
        style: ScalarStyle,
        tag: Option<&str>,
    ) -> Result<Scalar, ReadError> {
        if tag.is_none() && style != ScalarStyle::Plain {
            return Ok(Scalar::Str(value.to_owned()));
        }
        resolve(tag, value).map_err(|m| ReadError::at(raw.line, raw.column, m))
    }

    /// Decodes a mapping into `map` (go-yaml v2's `d.mapping` into an existing map: merges and later keys
    /// overwrite earlier ones; a key written twice in the same mapping is an error here).
    fn map_into(&mut self, raw: &Raw, map: &mut MapBuilder) -> Result<(), ReadError> {
        let Data::Map { entries, .. } = &raw.data else {
            return Err(ReadError::at(
                raw.line,
                raw.column,
                "map merge requires map or sequence of maps as the value",
            ));
        };
        let mut explicit: HashMap<String, usize> = HashMap::new();
        for pair in entries.chunks(2) {
            let (key_raw, value_raw) = (&pair[0], pair.get(1));
            let Some(value_raw) = value_raw else { break };
            if is_merge(key_raw) {
                self.merge(value_raw, map)?;
                continue;
            }
            let key = self.key(key_raw)?;
            if let Some(first) = explicit.insert(key.name.clone(), key.line) {
                return Err(ReadError::at(
                    key.line,
                    key.column,
                    format!(
                        "duplicate key `{}` (first at line {first}); kubectl would silently keep the last one",
                        key.name
                    ),
                ));
            }
            let value = self.decode(value_raw)?;
            map.set(key, value);
        }
        Ok(())
    }

    fn merge(&mut self, value: &Rc<Raw>, map: &mut MapBuilder) -> Result<(), ReadError> {
        let want_map = |r: &Raw| {
            ReadError::at(
                r.line,
                r.column,
                "map merge requires map or sequence of maps as the value",
            )
        };
        self.count(value)?;
        match &value.data {
            Data::Map { .. } => self.map_into(value, map),
            Data::Alias(target) => {
                if !matches!(target.data, Data::Map { .. }) {
                    return Err(want_map(value));
                }
                self.alias(target, |d, t| {
                    d.count(t)?;
                    d.map_into(t, map)
                })
            }
            Data::Seq { items, .. } => {
                for item in items.iter().rev() {
                    match &item.data {
                        Data::Map { .. } => {
                            self.count(item)?;
                            self.map_into(item, map)?;
                        }
                        Data::Alias(target) if matches!(target.data, Data::Map { .. }) => {
                            self.count(item)?;
                            self.alias(target, |d, t| {
                                d.count(t)?;
                                d.map_into(t, map)
                            })?;
                        }
                        _ => return Err(want_map(item)),
                    }
                }
                Ok(())
            }
            Data::Scalar { .. } => Err(want_map(value)),
        }
    }

    /// A map key, converted to a string like `sigs.k8s.io/yaml` does (ints and bools as text, floats as Go's
    /// `%g` of a float32); null and collections are refused, as there.
    fn key(&mut self, raw: &Raw) -> Result<Key, ReadError> {
        let node = self.decode(raw)?;
        let name = match node.kind {
            Kind::Str(s) => s,
            Kind::Int(v) => v.to_string(),
            Kind::Bool(b) => b.to_string(),
            Kind::Float(f) => go_format_float32_g(f),
            Kind::Null => {
                return Err(ReadError::at(
                    raw.line,
                    raw.column,
                    "a null map key (kubectl refuses it)",
                ));
            }
            Kind::Uint(v) => {
                return Err(ReadError::at(
                    raw.line,
                    raw.column,
                    format!("unsupported map key of type uint64: {v} (kubectl refuses it)"),
                ));
            }
            Kind::Seq(_) | Kind::Map(_) => {
                return Err(ReadError::at(
                    raw.line,
                    raw.column,
                    "invalid map key: a list or mapping",
                ));
            }
        };
        Ok(Key {
            name,
            line: raw.line,
            column: raw.column,
        })
    }
}

fn collection_tag(raw: &Raw, tag: Option<&str>, kind: &str) -> Result<(), ReadError> {
    match tag.map(|t| t.strip_prefix(TAG_PREFIX).unwrap_or(t)) {
        None => Ok(()),
        Some(t) if t == kind || t == "!" => Ok(()),
        Some(t) => Err(ReadError::at(
            raw.line,
            raw.column,
            format!(
                "the tag `{}` is not supported (kubectl drops tags it does not know); remove it",
                if t.starts_with('!') {
                    t.to_owned()
                } else {
                    format!("!!{t}")
                }
            ),
        )),
    }
}

fn is_merge(raw: &Raw) -> bool {
    match &raw.data {
        Data::Scalar { value, style, tag } => {
            value == "<<"
                && match tag.as_deref() {
                    None => *style == ScalarStyle::Plain,
                    Some(t) => t == "tag:yaml.org,2002:merge",
                }
        }
        _ => false,
    }
}

/// A mapping being filled: insertion order, last write wins (merges), with an index by key.
#[derive(Default)]
struct MapBuilder {
    entries: Vec<(Key, Node)>,
    index: HashMap<String, usize>,
}

impl MapBuilder {
    fn set(&mut self, key: Key, value: Node) {
        match self.index.get(&key.name) {
            Some(&i) => self.entries[i] = (key, value),
            None => {
                self.index.insert(key.name.clone(), self.entries.len());
                self.entries.push((key, value));
            }
        }
    }
}

/// Refuses what `json.Marshal` cannot write (NaN and infinities), as kubectl does.
fn check_json(node: &Node) -> Result<(), ReadError> {
    match &node.kind {
        Kind::Float(f) if !f.is_finite() => Err(ReadError::at(
            node.line,
            node.column,
            format!(
                "`{}` is not a number JSON can hold (kubectl refuses it: json: unsupported value); quote it if a \
                 string is meant",
                node.plain.as_deref().unwrap_or("inf")
            ),
        )),
        Kind::Seq(items) => items.iter().try_for_each(check_json),
        Kind::Map(entries) => entries.iter().try_for_each(|(_, v)| check_json(v)),
        _ => Ok(()),
    }
}

impl Node {
    /// The value as JSON, as `kubectl create --dry-run=client -o json` prints it (Go marshals integral floats below
    /// 1e21 as integers).
    pub(crate) fn to_json(&self) -> serde_json::Value {
        use serde_json::Value;
        match &self.kind {
            Kind::Null => Value::Null,
            Kind::Bool(b) => Value::Bool(*b),
            Kind::Int(v) => Value::from(*v),
            // Above int64, kubectl's unstructured objects hold a float64.
            Kind::Uint(v) => float_json(*v as f64),
            Kind::Float(f) => float_json(*f),
            Kind::Str(s) => Value::String(s.clone()),
            Kind::Seq(items) => Value::Array(items.iter().map(Node::to_json).collect()),
            Kind::Map(entries) => Value::Object(
                entries
                    .iter()
                    .map(|(k, v)| (k.name.clone(), v.to_json()))
                    .collect(),
            ),
        }
    }

    /// A mapping's value by key.
    pub(crate) fn get(&self, key: &str) -> Option<&Node> {
        match &self.kind {
            Kind::Map(entries) => entries.iter().find(|(k, _)| k.name == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The string, if the node is one.
    pub(crate) fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::Str(s) => Some(s),
            _ => None,
        }
    }
}

/// A float as Go's `json.Marshal` writes it (shortest digits, no exponent from 1e-6 to 1e21), read back as JSON:
/// `1000.0` is the integer 1000, `2^63` is the integer 9223372036854776000, as kubectl sends them.
pub(crate) fn float_json(f: f64) -> serde_json::Value {
    let abs = f.abs();
    let text = if abs == 0.0 || (1e-6..1e21).contains(&abs) {
        format!("{f}")
    } else {
        format!("{f:e}")
    };
    serde_json::from_str(&text).unwrap_or(serde_json::Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(text: &str) -> serde_json::Value {
        document(text, 1)
            .unwrap()
            .map_or(serde_json::Value::Null, |n| n.to_json())
    }

    #[test]
    fn resolves_yaml_1_1_scalars_like_go_yaml_v2() {
        let cases = [
            ("0644", serde_json::json!(420)),
            ("0x1F", serde_json::json!(31)),
            ("+12", serde_json::json!(12)),
            ("1_000", serde_json::json!(1000)),
            ("0b101", serde_json::json!(5)),
            ("0o17", serde_json::json!(15)),
            ("09", serde_json::json!(9)),
            ("yes", serde_json::json!(true)),
            ("Off", serde_json::json!(false)),
            ("n", serde_json::json!(false)),
            ("~", serde_json::json!(null)),
            ("1e3", serde_json::json!(1000)),
            ("1.5", serde_json::json!(1.5)),
            (".5", serde_json::json!(0.5)),
            ("1:20", serde_json::json!("1:20")),
            ("2001-12-14", serde_json::json!("2001-12-14")),
            ("'0644'", serde_json::json!("0644")),
            ("\"yes\"", serde_json::json!("yes")),
            ("!!str 0644", serde_json::json!("0644")),
            ("!!int '12'", serde_json::json!(12)),
            ("!!binary aGVsbG8=", serde_json::json!("hello")),
            (
                "9223372036854775808",
                serde_json::json!(9223372036854776000u64),
            ),
            (
                "-9223372036854775809",
                serde_json::json!(-9.223372036854776e18),
            ),
            ("1e400", serde_json::json!("1e400")),
        ];
        for (text, want) in cases {
            assert_eq!(json(&format!("v: {text}\n"))["v"], want, "{text}");
        }
    }

    #[test]
    fn refuses_what_json_cannot_hold_and_unknown_tags() {
        for text in [
            "v: .inf\n",
            "v: .nan\n",
            "v: !foo x\n",
            "v: !!binary '%%%'\n",
            "v: !!int x\n",
        ] {
            assert!(document(text, 1).is_err(), "{text}");
        }
    }

    #[test]
    fn a_merge_of_an_inline_mapping_merges_and_a_merge_of_a_scalar_is_refused() {
        // Regression: the direct reader took a plain `<<` key for an ordinary key (found by cluster_yaml_read).
        assert_eq!(
            json("x:\n  <<: {a: 1}\n  b: 2\n"),
            serde_json::json!({"x": {"a": 1, "b": 2}})
        );
        let Err(error) = document("x:\n  <<: 1\n", 1) else {
            panic!("a merge of a scalar is refused");
        };
        assert!(
            format!("{error:?}")
                .contains("map merge requires map or sequence of maps as the value"),
            "{error:?}"
        );
    }

    #[test]
    fn merges_keys_like_go_yaml_v2() {
        let text = "base: &b {a: 1, b: 2}\nv:\n  <<: *b\n  b: 3\n";
        assert_eq!(json(text)["v"], serde_json::json!({"a": 1, "b": 3}));
        let text = "x: &x {a: 1}\ny: &y {a: 2, c: 3}\nv:\n  <<: [*x, *y]\n";
        assert_eq!(json(text)["v"], serde_json::json!({"a": 1, "c": 3}));
    }

    #[test]
    fn refuses_duplicate_keys_with_both_lines() {
        let err = document("a: 1\nb: 2\na: 3\n", 10).unwrap_err();
        assert_eq!(err.line, Some(12));
        assert!(err.message.contains("first at line 10"), "{}", err.message);
    }

    #[test]
    fn cuts_documents_like_kubectl() {
        let cut = chunks("a: 1\n---\nb: 2\n--- # c\n").unwrap();
        assert_eq!(
            cut,
            vec![
                Chunk {
                    line: 1,
                    text: "a: 1\n"
                },
                Chunk {
                    line: 3,
                    text: "b: 2\n"
                },
                Chunk { line: 5, text: "" },
            ]
        );
        assert!(chunks("--- {a: 1}\n").is_err());
        assert!(document("a: 1\n...\nb: 2\n", 1).is_err());
    }

    #[test]
    fn formats_float_keys_like_go() {
        assert_eq!(go_format_float32_g(1.5), "1.5");
        assert_eq!(go_format_float32_g(1000.0), "1000");
        assert_eq!(go_format_float32_g(1e6), "1e+06");
        assert_eq!(go_format_float32_g(123456789.0), "1.2345679e+08");
        assert_eq!(go_format_float32_g(0.0001), "0.0001");
        assert_eq!(go_format_float32_g(0.00001), "1e-05");
    }
}
