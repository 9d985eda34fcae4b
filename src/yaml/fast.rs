//! A fast reader for the YAML that manifests are written in: block mappings and sequences, flow collections,
//! plain, single- and double-quoted scalars, literal and folded block scalars, comments. It reads a document
//! straight from its bytes into the [`Node`]s that [`super::read`]'s event readers build, with the same kinds,
//! values, lines and columns, and gives up (`None`) at the first thing outside that subset or that is not
//! plainly well formed: anchors, aliases, tags, complex keys, directives, tabs, carriage returns, multi-line
//! quoted or plain scalars, a null or merge key, a duplicate key, a document that is not a mapping or a list.
//! The caller then reads the document with the parser-based readers, which also give every error: so what is
//! read, and every message, is theirs. The tests in `read.rs` and `tests/yaml_fast.rs`, and the fuzz target
//! `yaml_fast`, compare both readers on every YAML file of the repository and on generated documents.

use super::read::{Key, Kind, Node, has_duplicate, plain_key_name, plain_value};

/// Nesting deeper than this is left to the parser (it has its own limits and messages).
const MAX_DEPTH: usize = 64;
/// The longest simple key YAML allows (in characters; counted here in bytes, which is never fewer).
const MAX_KEY: usize = 1024;

/// Reads one document (a chunk cut like kubectl cuts a stream), lines counted from `first_line`; `None` to read
/// it the general way.
pub(crate) fn read(text: &str, first_line: usize) -> Option<Node> {
    let ascii = text.is_ascii();
    if !clean(text, ascii) {
        return None;
    }
    let mut fast = Fast {
        b: text.as_bytes(),
        text,
        pos: 0,
        line: first_line.max(1),
        line_start: 0,
        ascii,
        depth: 0,
    };
    if !fast.next_content()? {
        return None;
    }
    let node = fast.block_at(-1)?;
    if !matches!(node.kind, Kind::Map(_) | Kind::Seq(_)) || fast.pos < fast.b.len() {
        return None;
    }
    Some(node)
}

/// Whether the text holds only characters the fast reader takes: printable ones, newlines and tabs (no carriage
/// return, byte order mark, NEL or line separators, which YAML 1.1 treats as breaks).
fn clean(text: &str, ascii: bool) -> bool {
    let control = |c: u8| (c < 0x20 && c != b'\n' && c != b'\t') || c == 0x7f;
    if ascii {
        return !text.bytes().any(control);
    }
    !text.chars().any(|c| {
        (c.is_ascii() && control(c as u8))
            || ('\u{80}'..='\u{9f}').contains(&c)
            || matches!(
                c,
                '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}'
            )
    })
}

struct Fast<'a> {
    text: &'a str,
    b: &'a [u8],
    /// Byte offset of the next byte to read.
    pos: usize,
    /// 1-based line of `pos`, in the stream.
    line: usize,
    /// Byte offset of the start of `pos`'s line.
    line_start: usize,
    ascii: bool,
    depth: usize,
}

/// What a mapping's or a list's value is read for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum In {
    Map,
    Seq,
}

fn is_space_or_end(b: Option<u8>) -> bool {
    matches!(b, None | Some(b' ' | b'\n'))
}

impl Fast<'_> {
    fn at(&self, i: usize) -> Option<u8> {
        self.b.get(i).copied()
    }

    /// 1-based column of byte `p` of the current line, in characters.
    fn col(&self, p: usize) -> usize {
        if self.ascii {
            p - self.line_start + 1
        } else {
            self.text[self.line_start..p].chars().count() + 1
        }
    }

    fn node(&self, kind: Kind, p: usize) -> Node {
        Node {
            kind,
            line: self.line,
            column: self.col(p),
            plain: None,
        }
    }

    /// From the start of a line, skips blank and comment lines; leaves `pos` at the first character of the next
    /// line with content and gives true, or gives false at the end. `None` for what the fast reader does not
    /// take at the start of a line (tabs, document markers).
    fn next_content(&mut self) -> Option<bool> {
        loop {
            let start = self.pos;
            let mut p = start;
            while self.at(p) == Some(b' ') {
                p += 1;
            }
            match self.at(p) {
                None => {
                    self.pos = p;
                    return Some(false);
                }
                Some(b'\n') => {
                    self.pos = p + 1;
                    self.line += 1;
                    self.line_start = self.pos;
                }
                Some(b'#') => {
                    let end = memchr(b'\n', &self.b[p..]).map_or(self.b.len(), |i| p + i);
                    self.pos = end;
                    if end == self.b.len() {
                        return Some(false);
                    }
                    self.pos += 1;
                    self.line += 1;
                    self.line_start = self.pos;
                }
                Some(b'\t') => return None,
                Some(b'-' | b'.' | b'%') if p == start => {
                    let rest = &self.b[p..];
                    if rest.starts_with(b"---") || rest.starts_with(b"...") || rest[0] == b'%' {
                        return None;
                    }
                    self.pos = p;
                    return Some(true);
                }
                Some(_) => {
                    self.pos = p;
                    return Some(true);
                }
            }
        }
    }

    /// After a node on the current line: only blanks and a comment may follow (a comment after a blank). Moves to
    /// the next line with content; gives false at the end.
    fn finish_line(&mut self) -> Option<bool> {
        let mut p = self.pos;
        while self.at(p) == Some(b' ') {
            p += 1;
        }
        match self.at(p) {
            None => {
                self.pos = p;
                return Some(false);
            }
            Some(b'\n') => {}
            Some(b'#') if p > self.pos => {
                p = memchr(b'\n', &self.b[p..]).map_or(self.b.len(), |i| p + i);
                if p == self.b.len() {
                    self.pos = p;
                    return Some(false);
                }
            }
            _ => return None,
        }
        self.pos = p + 1;
        self.line += 1;
        self.line_start = self.pos;
        self.next_content()
    }

    /// Whether `pos` is a list entry: `-` then a blank or the end of the line.
    fn is_entry(&self) -> bool {
        self.at(self.pos) == Some(b'-') && is_space_or_end(self.at(self.pos + 1))
    }

    /// The indentation (0-based column) of the line of `pos`, when `pos` is its first character.
    fn indent(&self) -> usize {
        self.pos - self.line_start
    }

    /// A block node whose first character is at `pos`, in a collection at 0-based column `parent` (-1 at the
    /// root). Leaves `pos` at the next line with content.
    fn block_at(&mut self, parent: isize) -> Option<Node> {
        let key = if self.is_entry() {
            None
        } else {
            self.scan_key()?
        };
        self.block_at_scanned(parent, key)
    }

    /// [`Fast::block_at`] with the key at `pos` already scanned (`None` if it is not a key).
    fn block_at_scanned(&mut self, parent: isize, key: Option<(Scanned, usize)>) -> Option<Node> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return None;
        }
        let column = self.col(self.pos) - 1;
        let node = if self.is_entry() {
            self.block_seq(column, false)
        } else if let Some(key) = key {
            self.block_map(column, key)
        } else {
            self.inline(parent)
        };
        self.depth -= 1;
        node
    }

    /// A block sequence at 0-based column `column`, `pos` on its first `-`.
    fn block_seq(&mut self, column: usize, indentless: bool) -> Option<Node> {
        let (line, mut start_column) = (self.line, self.col(self.pos));
        if indentless {
            // The parser places a list without indentation at its first entry's content, on the entry's line.
            let mut p = self.pos + 1;
            while self.at(p) == Some(b' ') {
                p += 1;
            }
            if matches!(self.at(p), None | Some(b'\n' | b'#' | b'|' | b'>')) {
                return None;
            }
            start_column = self.col(p);
        }
        let mut items = Vec::new();
        loop {
            self.pos += 1;
            let item = self.value(column, In::Seq)?;
            items.push(item);
            if self.pos >= self.b.len() {
                break;
            }
            let indent = self.indent();
            if indent < column || (indent == column && !self.is_entry()) {
                break;
            }
            if indent > column {
                return None;
            }
        }
        Some(Node {
            kind: Kind::Seq(items),
            line,
            column: start_column,
            plain: None,
        })
    }

    /// A block mapping at 0-based column `column`, `pos` on its first key (`first`, scanned).
    fn block_map(&mut self, column: usize, first: (Scanned, usize)) -> Option<Node> {
        let (line, start_column) = (self.line, self.col(self.pos));
        let mut entries: Vec<(Key, Node)> = Vec::new();
        let mut first = Some(first);
        loop {
            let (key_line, key_column) = (self.line, self.col(self.pos));
            let (name, after) = match first.take() {
                Some(scanned) => scanned,
                None => self.scan_key()??,
            };
            let name = match name {
                Scanned::Plain(end) => plain_key_name(&self.text[self.pos..end])?,
                Scanned::Quoted(s) => s,
            };
            self.pos = after;
            let value = self.value(column, In::Map)?;
            entries.push((
                Key {
                    name,
                    line: key_line,
                    column: key_column,
                },
                value,
            ));
            if self.pos >= self.b.len() {
                break;
            }
            let indent = self.indent();
            if indent < column {
                break;
            }
            if indent > column {
                return None;
            }
        }
        if has_duplicate(&entries) {
            return None;
        }
        Some(Node {
            kind: Kind::Map(entries),
            line,
            column: start_column,
            plain: None,
        })
    }

    /// The value after a key's `:` or an entry's `-` (`pos` just after it), in a collection at 0-based `column`.
    fn value(&mut self, column: usize, within: In) -> Option<Node> {
        let indicator = self.pos - 1;
        let mut p = self.pos;
        while self.at(p) == Some(b' ') {
            p += 1;
        }
        match self.at(p) {
            None | Some(b'\n') | Some(b'#') => {
                // The parser places an empty value at a mapping's `:`, and at the end of a list entry's line.
                let (line, col) = match within {
                    In::Map => (self.line, self.col(indicator)),
                    In::Seq if self.at(p) == Some(b'#') => return None,
                    In::Seq => (self.line, self.col(p)),
                };
                if !self.finish_line()? {
                    return Some(self.null(line, col));
                }
                let indent = self.indent();
                if indent > column || (indent == column && within == In::Map && self.is_entry()) {
                    if indent == column {
                        // An indentless list as a mapping's value.
                        self.depth += 1;
                        let node = self.block_seq(column, true);
                        self.depth -= 1;
                        return node;
                    }
                    return self.block_at(column as isize);
                }
                Some(self.null(line, col))
            }
            Some(b'\t') => None,
            Some(_) => {
                self.pos = p;
                if within == In::Seq {
                    if self.is_entry() {
                        return self.block_at_scanned(column as isize, None);
                    }
                    if let Some(key) = self.scan_key()? {
                        return self.block_at_scanned(column as isize, Some(key));
                    }
                }
                self.inline(column as isize)
            }
        }
    }

    /// The null of an empty value; `line`, `col` are those of its indicator.
    fn null(&self, line: usize, col: usize) -> Node {
        Node {
            kind: Kind::Null,
            line,
            column: col,
            // The parser gives an empty value as the scalar `~`.
            plain: Some("~".into()),
        }
    }

    /// A scalar or flow collection at `pos` ending on its line (or a block scalar), in a collection at 0-based
    /// column `parent`. Leaves `pos` at the next line with content, which must not be indented more than
    /// `parent` (it would continue the scalar, or be an error).
    fn inline(&mut self, parent: isize) -> Option<Node> {
        let start = self.pos;
        let node = match self.b[start] {
            b'|' | b'>' => return self.block_scalar(parent),
            b'[' | b'{' => {
                let node = self.flow()?;
                self.finish_line()?;
                node
            }
            b'"' | b'\'' => {
                let (line, column) = (self.line, self.col(start));
                let value = self.take_quoted()?;
                self.finish_line()?;
                Node {
                    kind: Kind::Str(value),
                    line,
                    column,
                    plain: None,
                }
            }
            _ => {
                let end = self.plain_end(start, false)?;
                let text = &self.text[start..end];
                let (kind, plain) = plain_value(text)?;
                let node = Node {
                    plain,
                    ..self.node(kind, start)
                };
                self.pos = end;
                self.finish_line()?;
                node
            }
        };
        if self.pos < self.b.len() && self.indent() as isize > parent {
            return None;
        }
        Some(node)
    }

    /// Whether the byte can start a plain scalar (`next` is the byte after it).
    fn plain_start(c: u8, next: Option<u8>, flow: bool) -> bool {
        match c {
            b'-' | b'?' | b':' => match next {
                None | Some(b' ' | b'\n' | b'\t') => false,
                Some(b',' | b'[' | b']' | b'{' | b'}') => !flow,
                _ => true,
            },
            b',' | b'[' | b']' | b'{' | b'}' | b'#' | b'&' | b'*' | b'!' | b'|' | b'>' | b'\''
            | b'"' | b'%' | b'@' | b'`' | b' ' | b'\t' | b'\n' => false,
            _ => true,
        }
    }

    /// The end of a one-line plain scalar starting at `start` (trailing blanks excluded); `None` if it is not one
    /// the fast reader takes (a `: ` inside, which would be a key or an error, a tab, a bad first character).
    fn plain_end(&self, start: usize, flow: bool) -> Option<usize> {
        if !Self::plain_start(self.b[start], self.at(start + 1), flow) {
            return None;
        }
        let mut p = start;
        let mut end = start;
        while let Some(c) = self.at(p) {
            match c {
                b'\n' => break,
                b' ' => {}
                b'\t' => return None,
                b'#' if self.b[p - 1] == b' ' => break,
                b':' => match self.at(p + 1) {
                    None | Some(b' ' | b'\n' | b'\t') => {
                        if flow {
                            break;
                        }
                        return None;
                    }
                    Some(b',' | b'[' | b']' | b'{' | b'}') if flow => break,
                    _ => end = p + 1,
                },
                b',' | b'[' | b']' | b'{' | b'}' if flow => break,
                _ => end = p + 1,
            }
            p += 1;
        }
        Some(end)
    }

    /// If `pos` starts a mapping key on its line (a one-line plain or quoted scalar, then `:` and a blank or
    /// the end of the line): the key and the position after its `:`. `Some(None)` when it is not a key.
    fn scan_key(&self) -> Option<Option<(Scanned, usize)>> {
        let start = self.pos;
        let (key, mut p) = match self.b[start] {
            b'"' | b'\'' => {
                let quoted = self.quoted(start)?;
                if quoted.lines > 0 {
                    return Some(None);
                }
                (Scanned::Quoted(quoted.value), quoted.end)
            }
            c => {
                if !Self::plain_start(c, self.at(start + 1), false) {
                    return Some(None);
                }
                let mut p = start;
                let mut end = start;
                loop {
                    match self.at(p) {
                        None | Some(b'\n') => return Some(None),
                        Some(b' ') => {}
                        Some(b'\t') => return None,
                        Some(b'#') if self.b[p - 1] == b' ' => return Some(None),
                        Some(b':') if is_space_or_end(self.at(p + 1)) => break,
                        Some(_) => end = p + 1,
                    }
                    p += 1;
                }
                (Scanned::Plain(end), p)
            }
        };
        while self.at(p) == Some(b' ') {
            p += 1;
        }
        if self.at(p) != Some(b':') || !is_space_or_end(self.at(p + 1)) {
            return match key {
                Scanned::Quoted(_) => Some(None),
                Scanned::Plain(_) => None,
            };
        }
        let length = match key {
            Scanned::Plain(end) => end - start,
            Scanned::Quoted(_) => p - start,
        };
        if length > MAX_KEY {
            return None;
        }
        Some(Some((key, p + 1)))
    }

    /// A quoted scalar at `start`, folded over lines like the parser folds it: its value, the position after its
    /// closing quote, and the number and start of the last line when it spans lines.
    fn quoted(&self, start: usize) -> Option<Quoted> {
        let quote = self.b[start];
        let mut out = String::new();
        let mut p = start + 1;
        let mut run = p;
        let mut lines = 0;
        let mut line_start = self.line_start;
        loop {
            let c = self.at(p)?;
            match c {
                b'\t' => return None,
                b'\n' => {
                    // A line break: the blanks before it are dropped, those after it too; one break is a space,
                    // more are their number less one.
                    out.push_str(self.text[run..p].trim_end_matches(' '));
                    if p > start + 1 && self.b[p - 1] == b'\\' && quote == b'"' {
                        return None;
                    }
                    let mut breaks = 0;
                    loop {
                        p += 1;
                        breaks += 1;
                        lines += 1;
                        line_start = p;
                        while self.at(p) == Some(b' ') {
                            p += 1;
                        }
                        match self.at(p)? {
                            b'\n' => continue,
                            b'\t' => return None,
                            _ => break,
                        }
                    }
                    let rest = &self.b[line_start..];
                    if rest.starts_with(b"---") || rest.starts_with(b"...") {
                        return None;
                    }
                    if breaks == 1 {
                        out.push(' ');
                    } else {
                        out.extend(std::iter::repeat_n('\n', breaks - 1));
                    }
                    run = p;
                    continue;
                }
                b'\'' if quote == b'\'' => {
                    out.push_str(&self.text[run..p]);
                    if self.at(p + 1) == Some(b'\'') {
                        out.push('\'');
                        p += 2;
                        run = p;
                        continue;
                    }
                    break;
                }
                b'"' if quote == b'"' => {
                    out.push_str(&self.text[run..p]);
                    break;
                }
                b'\\' if quote == b'"' => {
                    out.push_str(&self.text[run..p]);
                    p = self.escape(p + 1, &mut out)?;
                    run = p;
                    continue;
                }
                _ => {}
            }
            p += 1;
        }
        Some(Quoted {
            value: out,
            end: p + 1,
            lines,
            line_start,
        })
    }

    /// Reads a quoted scalar at `pos` and moves past it (to its line).
    fn take_quoted(&mut self) -> Option<String> {
        let quoted = self.quoted(self.pos)?;
        self.pos = quoted.end;
        if quoted.lines > 0 {
            self.line += quoted.lines;
            self.line_start = quoted.line_start;
        }
        Some(quoted.value)
    }

    /// A double-quoted scalar's escape, the byte after its `\` at `p`: pushes what it stands for, gives the
    /// position after it.
    fn escape(&self, p: usize, out: &mut String) -> Option<usize> {
        let c = self.at(p)?;
        let simple = match c {
            b'0' => '\0',
            b'a' => '\u{7}',
            b'b' => '\u{8}',
            b't' => '\t',
            b'n' => '\n',
            b'v' => '\u{b}',
            b'f' => '\u{c}',
            b'r' => '\r',
            b'e' => '\u{1b}',
            b' ' => ' ',
            b'"' => '"',
            b'/' => '/',
            b'\\' => '\\',
            b'N' => '\u{85}',
            b'_' => '\u{a0}',
            b'L' => '\u{2028}',
            b'P' => '\u{2029}',
            b'x' | b'u' | b'U' => {
                let digits = match c {
                    b'x' => 2,
                    b'u' => 4,
                    _ => 8,
                };
                let hex = self.b.get(p + 1..p + 1 + digits)?;
                if !hex.iter().all(u8::is_ascii_hexdigit) {
                    return None;
                }
                let value = u32::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?;
                out.push(char::from_u32(value)?);
                return Some(p + 1 + digits);
            }
            _ => return None,
        };
        out.push(simple);
        Some(p + 1)
    }

    /// After a flow item: `,` (and the blanks after it) gives `false`, the closing bracket `true` (left in place),
    /// anything else `None`.
    fn flow_separator(&mut self, close: u8) -> Option<bool> {
        self.flow_blanks()?;
        match self.at(self.pos)? {
            b',' => {
                self.pos += 1;
                self.flow_blanks()?;
                Some(false)
            }
            c if c == close => Some(true),
            _ => None,
        }
    }

    /// A flow collection at `pos`, on one line; leaves `pos` after its closing bracket.
    fn flow(&mut self) -> Option<Node> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return None;
        }
        let start = self.pos;
        let (line, column) = (self.line, self.col(start));
        let open = self.b[start];
        self.pos += 1;
        let close = if open == b'[' { b']' } else { b'}' };
        let node = if open == b'[' {
            let mut items = Vec::new();
            self.flow_blanks()?;
            if self.at(self.pos) != Some(close) {
                loop {
                    items.push(self.flow_item()?);
                    if self.flow_separator(close)? {
                        break;
                    }
                }
            }
            Kind::Seq(items)
        } else {
            let mut entries = Vec::new();
            self.flow_blanks()?;
            if self.at(self.pos) != Some(close) {
                loop {
                    let key_start = self.pos;
                    let (key_line, key_column) = (self.line, self.col(key_start));
                    let name = match self.at(key_start)? {
                        b'"' | b'\'' => {
                            let value = self.take_quoted()?;
                            if self.line != key_line {
                                return None;
                            }
                            value
                        }
                        _ => {
                            let end = self.plain_end(key_start, true)?;
                            self.pos = end;
                            plain_key_name(&self.text[key_start..end])?
                        }
                    };
                    let key = Key {
                        name,
                        line: key_line,
                        column: key_column,
                    };
                    // `key: value`, with a blank after the colon.
                    if self.at(self.pos) != Some(b':') || self.at(self.pos + 1) != Some(b' ') {
                        return None;
                    }
                    self.pos += 1;
                    self.flow_blanks()?;
                    let value = self.flow_item()?;
                    entries.push((key, value));
                    if self.flow_separator(close)? {
                        break;
                    }
                }
            }
            if has_duplicate(&entries) {
                return None;
            }
            Kind::Map(entries)
        };
        self.pos += 1;
        self.depth -= 1;
        Some(Node {
            kind: node,
            line,
            column,
            plain: None,
        })
    }

    /// Skips blanks, line breaks and comments inside a flow collection.
    fn flow_blanks(&mut self) -> Option<()> {
        loop {
            match self.at(self.pos) {
                Some(b' ') => self.pos += 1,
                Some(b'\n') => {
                    self.pos += 1;
                    self.line += 1;
                    self.line_start = self.pos;
                    let rest = &self.b[self.pos..];
                    if rest.starts_with(b"---") || rest.starts_with(b"...") {
                        return None;
                    }
                }
                Some(b'#') if self.pos == self.line_start || self.b[self.pos - 1] == b' ' => {
                    self.pos =
                        memchr(b'\n', &self.b[self.pos..]).map_or(self.b.len(), |i| self.pos + i);
                }
                Some(b'\t') => return None,
                _ => return Some(()),
            }
        }
    }

    /// A node inside a flow collection: a nested collection or a one-line scalar (not a single-pair mapping).
    fn flow_item(&mut self) -> Option<Node> {
        let start = self.pos;
        match self.at(start)? {
            b'[' | b'{' => self.flow(),
            b'"' | b'\'' => {
                let (line, column) = (self.line, self.col(start));
                let value = self.take_quoted()?;
                Some(Node {
                    kind: Kind::Str(value),
                    line,
                    column,
                    plain: None,
                })
            }
            _ => {
                let end = self.plain_end(start, true)?;
                if end == start {
                    return None;
                }
                self.pos = end;
                let text = &self.text[start..end];
                let (kind, plain) = plain_value(text)?;
                let mut p = end;
                while self.at(p) == Some(b' ') {
                    p += 1;
                }
                if self.at(p) == Some(b':') {
                    return None;
                }
                Some(Node {
                    plain,
                    ..self.node(kind, start)
                })
            }
        }
    }

    /// A literal or folded block scalar, `pos` on its indicator, in a collection at 0-based column `parent`.
    fn block_scalar(&mut self, parent: isize) -> Option<Node> {
        let start = self.pos;
        let literal = self.b[start] == b'|';
        let mut p = start + 1;
        #[derive(PartialEq)]
        enum Chomp {
            Clip,
            Strip,
            Keep,
        }
        let chomp = match self.at(p) {
            Some(b'-') => {
                p += 1;
                Chomp::Strip
            }
            Some(b'+') => {
                p += 1;
                Chomp::Keep
            }
            _ => Chomp::Clip,
        };
        // An explicit indentation indicator, or anything else on the header, is the parser's.
        self.pos = p;
        if !matches!(self.at(p), None | Some(b' ' | b'\n')) {
            return None;
        }
        // The rest of the header line: blanks and a comment.
        while self.at(p) == Some(b' ') {
            p += 1;
        }
        match self.at(p) {
            Some(b'#') if p > self.pos => {
                p = memchr(b'\n', &self.b[p..]).map_or(self.b.len(), |i| p + i)
            }
            None | Some(b'\n') => {}
            _ => return None,
        }
        if p >= self.b.len() {
            return None;
        }
        let min = (parent + 1).max(0) as usize;
        let mut out = String::new();
        // libyaml's `leading_break` (after the last line with content), `trailing_breaks` (empty lines since),
        // and whether the last line with content began with a blank.
        let mut leading_break = false;
        let mut trailing = 0usize;
        let mut leading_blank = false;
        let mut indent: Option<usize> = None;
        let mut max_blank = 0usize;
        let mut position = (0, 0);
        // The start of the next line and its number.
        let mut cursor = p + 1;
        let mut number = self.line + 1;
        while cursor < self.b.len() {
            let line_start = cursor;
            let limit = indent.unwrap_or(usize::MAX);
            let mut q = line_start;
            while q - line_start < limit && self.at(q) == Some(b' ') {
                q += 1;
            }
            let spaces = q - line_start;
            match self.at(q) {
                None => {
                    cursor = self.b.len();
                    break;
                }
                Some(b'\n') => {
                    if indent.is_none() {
                        max_blank = max_blank.max(spaces);
                    }
                    trailing += 1;
                    cursor = q + 1;
                    number += 1;
                    continue;
                }
                _ => {}
            }
            let this_indent = match indent {
                Some(i) => i,
                None => {
                    // The first line with content sets the indentation; the parser places the scalar there.
                    if spaces < min || spaces < max_blank {
                        return None;
                    }
                    indent = Some(spaces);
                    position = (number, spaces + 1);
                    spaces
                }
            };
            if spaces < this_indent {
                // A less indented line ends the scalar.
                break;
            }
            let blank_start = matches!(self.at(q), Some(b' ' | b'\t'));
            if !literal && leading_break && !leading_blank && !blank_start {
                if trailing == 0 {
                    out.push(' ');
                }
            } else if leading_break {
                out.push('\n');
            }
            for _ in 0..trailing {
                out.push('\n');
            }
            trailing = 0;
            leading_blank = blank_start;
            let end = memchr(b'\n', &self.b[q..]).map_or(self.b.len(), |i| q + i);
            out.push_str(&self.text[q..end]);
            if end == self.b.len() {
                // The last line without a line break: the parser's.
                return None;
            }
            leading_break = true;
            cursor = end + 1;
            number += 1;
        }
        // No line with content: the parser's.
        indent?;
        if chomp != Chomp::Strip && leading_break {
            out.push('\n');
        }
        if chomp == Chomp::Keep {
            for _ in 0..trailing {
                out.push('\n');
            }
        }
        // On to the line after the scalar, then to the next line with content.
        self.pos = cursor;
        self.line = number;
        self.line_start = cursor;
        self.next_content()?;
        if self.pos < self.b.len() && self.indent() as isize > parent {
            return None;
        }
        Some(Node {
            kind: Kind::Str(out),
            line: position.0,
            column: position.1,
            plain: None,
        })
    }
}

/// A key as scanned: a plain one (its end; its text starts at the scan's start), or a quoted one's value.
/// A quoted scalar as read.
struct Quoted {
    value: String,
    /// The position after the closing quote.
    end: usize,
    /// Line breaks inside.
    lines: usize,
    /// The start of the line of the closing quote.
    line_start: usize,
}

enum Scanned {
    Plain(usize),
    Quoted(String),
}

fn memchr(needle: u8, haystack: &[u8]) -> Option<usize> {
    haystack.iter().position(|&b| b == needle)
}

/// For the differential tests and the fuzz target: reads every document of a stream (cut like kubectl cuts it)
/// with the fast reader and with the general, parser-based one. Gives how many documents the fast reader read
/// (the others it left to the parser), or a description of the first document where they differ: a value,
/// kind, line or column of a node or key, or a document the fast reader read and the parser refuses.
pub(crate) fn compare_stream(text: &str) -> Result<usize, String> {
    let Ok(chunks) = super::read::chunks(text) else {
        return Ok(0);
    };
    let mut read_fast = 0;
    for chunk in chunks {
        let Some(fast) = read(chunk.text, chunk.line) else {
            continue;
        };
        let general = super::read::general(chunk.text, chunk.line);
        match general {
            Ok(Some(general)) if general == fast => read_fast += 1,
            Ok(Some(general)) => {
                return Err(format!(
                    "the document at line {} is read differently:\n{}\n{}",
                    chunk.line,
                    chunk.text,
                    difference(&fast, &general)
                ));
            }
            other => {
                return Err(format!(
                    "the document at line {} is read by the fast reader only:\n{}\nfast reader: {fast:?}\n\
                     parser: {other:?}",
                    chunk.line, chunk.text
                ));
            }
        }
    }
    Ok(read_fast)
}

/// The first node where two trees differ, shown from both.
fn difference(fast: &Node, general: &Node) -> String {
    match (&fast.kind, &general.kind) {
        (Kind::Seq(a), Kind::Seq(b))
            if a.len() == b.len() && (fast.line, fast.column) == (general.line, general.column) =>
        {
            if let Some((x, y)) = a.iter().zip(b).find(|(x, y)| x != y) {
                return difference(x, y);
            }
        }
        (Kind::Map(a), Kind::Map(b))
            if a.len() == b.len() && (fast.line, fast.column) == (general.line, general.column) =>
        {
            if let Some(((k, x), (l, y))) = a.iter().zip(b).find(|(x, y)| x != y) {
                if k != l {
                    return format!("fast reader's key: {k:?}\nparser's key: {l:?}");
                }
                return difference(x, y);
            }
        }
        _ => {}
    }
    let short = |n: &Node| match &n.kind {
        Kind::Seq(items) => format!("list of {} at {}:{}", items.len(), n.line, n.column),
        Kind::Map(entries) => format!("mapping of {} at {}:{}", entries.len(), n.line, n.column),
        _ => format!("{n:?}"),
    };
    format!("fast reader: {}\nparser: {}", short(fast), short(general))
}
