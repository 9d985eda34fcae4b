//! Finding the line of a field path in block-style YAML text (`containers[1].mounts[0].volume`,
//! `spec.template.spec.containers[0].resources.limits[cpu]`), for messages that point at the offending line.
//!
//! List indexes are followed, map keys in brackets are keys; when a segment cannot be found (a default value that
//! is not written), the line of the deepest segment found is returned. Flow style and anchors are followed too:
//! the lines come from the YAML reader's positions, not from the text's indentation.

use std::collections::HashMap;

use crate::yaml::Node;
use crate::yaml::read::Kind;

#[derive(Debug, PartialEq)]
enum Segment<'a> {
    Key(&'a str),
    Index(usize),
}

fn segments(path: &str) -> Vec<Segment<'_>> {
    let mut out = Vec::new();
    let mut rest = path;
    while !rest.is_empty() {
        if let Some(inner) = rest.strip_prefix('[') {
            let end = inner.find(']').unwrap_or(inner.len());
            let key = &inner[..end];
            out.push(key.parse().map_or(Segment::Key(key), Segment::Index));
            rest = inner.get(end + 1..).unwrap_or("");
        } else if let Some(after) = rest.strip_prefix('.') {
            rest = after;
        } else {
            let end = rest.find(['.', '[']).unwrap_or(rest.len());
            out.push(Segment::Key(&rest[..end]));
            rest = &rest[end..];
        }
    }
    out
}

/// A child of a mapping (by key) or of a list (by index).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Child {
    Key(Box<str>),
    Index(usize),
}

/// The lines of every field of one YAML document, indexed once so that each lookup costs the length of the path
/// (looking up 20,000 violations of one document is linear, not 20,000 scans of its text).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Lines {
    /// (parent, child) -> (the child's id, its line: of the key for a mapping entry, of the item for a list).
    children: HashMap<(u32, Child), (u32, usize)>,
    /// The line of the document's first node.
    root_line: usize,
}

impl Lines {
    /// Indexes a YAML text that holds one document; a text that cannot be read gives an empty index.
    pub fn of(text: &str) -> Lines {
        match crate::yaml::single_document(text) {
            Ok(Some(node)) => Lines::from_node(&node),
            _ => Lines::default(),
        }
    }

    pub(crate) fn from_node(node: &Node) -> Lines {
        let mut lines = Lines {
            children: HashMap::new(),
            root_line: node.line,
        };
        let mut next = 1u32;
        let mut stack = vec![(0u32, node)];
        while let Some((id, node)) = stack.pop() {
            match &node.kind {
                Kind::Map(entries) => {
                    for (key, value) in entries {
                        lines
                            .children
                            .insert((id, Child::Key(key.name.as_str().into())), (next, key.line));
                        stack.push((next, value));
                        next += 1;
                    }
                }
                Kind::Seq(items) => {
                    for (i, item) in items.iter().enumerate() {
                        lines
                            .children
                            .insert((id, Child::Index(i)), (next, item.line));
                        stack.push((next, item));
                        next += 1;
                    }
                }
                _ => {}
            }
        }
        lines
    }

    /// The 1-based line of `path`, or of its deepest ancestor that is written; `None` if not even the first
    /// segment is.
    pub fn line_of(&self, path: &str) -> Option<usize> {
        let mut id = 0u32;
        let mut found = None;
        for segment in segments(path) {
            let hit = match segment {
                Segment::Key(key) => self.children.get(&(id, Child::Key(key.into()))),
                Segment::Index(n) => self
                    .children
                    .get(&(id, Child::Index(n)))
                    .or_else(|| self.children.get(&(id, Child::Key(n.to_string().into())))),
            };
            let Some(&(child, line)) = hit else { break };
            found = Some(line);
            id = child;
        }
        found
    }

    /// The line of the document's first node.
    pub fn first_line(&self) -> usize {
        self.root_line
    }
}

/// The 1-based line of `path` in `text`, or of its deepest ancestor that was found.
///
/// Indexes the text on every call: to look up many paths of one document, build [`Lines`] once.
///
/// ```
/// let text = "spec:\n  template:\n    spec:\n      containers:\n      - name: a\n        image: a:1\n";
/// assert_eq!(daemonset::locate::line_of(text, "spec.template.spec.containers[0].image"), Some(6));
/// ```
pub fn line_of(text: &str, path: &str) -> Option<usize> {
    Lines::of(text).line_of(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: &str = "\
name: agent
containers:
- name: a
  image: a:1
  mounts:
  - volume: x
    path: /x
- name: b
  image: b:1
  mounts:
    - volume: y
      path: /y
    - volume: z
      path: /z
  resources:
    limits:
      cpu: 1
volumes:
- name: x
";

    #[test]
    fn splits_paths() {
        assert_eq!(
            segments("a.b[0].c[cpu]"),
            vec![
                Segment::Key("a"),
                Segment::Key("b"),
                Segment::Index(0),
                Segment::Key("c"),
                Segment::Key("cpu")
            ]
        );
        assert_eq!(
            segments("labels[app.kubernetes.io/name]"),
            vec![
                Segment::Key("labels"),
                Segment::Key("app.kubernetes.io/name")
            ]
        );
    }

    #[test]
    fn follows_keys_and_indexes() {
        assert_eq!(line_of(SPEC, "name"), Some(1));
        assert_eq!(line_of(SPEC, "containers[0].image"), Some(4));
        assert_eq!(line_of(SPEC, "containers[0].mounts[0].volume"), Some(6));
        assert_eq!(line_of(SPEC, "containers[1].name"), Some(8));
        assert_eq!(line_of(SPEC, "containers[1].mounts[1].volume"), Some(13));
        assert_eq!(line_of(SPEC, "containers[1].mounts[1].path"), Some(14));
        assert_eq!(
            line_of(SPEC, "containers[1].resources.limits[cpu]"),
            Some(17)
        );
        assert_eq!(line_of(SPEC, "volumes[0].name"), Some(19));
    }

    #[test]
    fn falls_back_to_the_deepest_ancestor() {
        assert_eq!(line_of(SPEC, "containers[1].ports[0]"), Some(8));
        assert_eq!(line_of(SPEC, "containers[5]"), Some(2));
        assert_eq!(line_of(SPEC, "nothing"), None);
    }
}
