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

/// (parent, child) -> (the child's id, its line and column: of the key for a mapping entry, of the item for a list).
type Index = HashMap<(u32, Child), (u32, (usize, usize))>;

/// The lines of every field of one YAML document, indexed on first use so that each lookup costs the length of
/// the path (looking up 20,000 violations of one document is linear, not 20,000 scans of its text), and a
/// document without findings costs no index.
#[derive(Debug, Clone, Default)]
pub struct Lines {
    root: Option<Node>,
    /// (parent, child) -> (the child's id, its line and column: of the key for a mapping entry, of the item for a
    /// list).
    index: std::cell::OnceCell<Index>,
}

impl PartialEq for Lines {
    fn eq(&self, other: &Lines) -> bool {
        self.root == other.root
    }
}

impl Lines {
    /// Indexes a YAML text that holds one document; a text that cannot be read gives an empty index.
    pub fn of(text: &str) -> Lines {
        Lines {
            root: crate::yaml::single_document(text).ok().flatten(),
            index: std::cell::OnceCell::new(),
        }
    }

    pub(crate) fn from_node(node: Node) -> Lines {
        Lines {
            root: Some(node),
            index: std::cell::OnceCell::new(),
        }
    }

    fn index(&self) -> &Index {
        self.index.get_or_init(|| {
            let mut children = HashMap::new();
            let Some(root) = &self.root else {
                return children;
            };
            let mut next = 1u32;
            let mut stack = vec![(0u32, root)];
            while let Some((id, node)) = stack.pop() {
                match &node.kind {
                    Kind::Map(entries) => {
                        for (key, value) in entries {
                            children.insert(
                                (id, Child::Key(key.name.as_str().into())),
                                (next, (key.line, key.column)),
                            );
                            stack.push((next, value));
                            next += 1;
                        }
                    }
                    Kind::Seq(items) => {
                        for (i, item) in items.iter().enumerate() {
                            children
                                .insert((id, Child::Index(i)), (next, (item.line, item.column)));
                            stack.push((next, item));
                            next += 1;
                        }
                    }
                    _ => {}
                }
            }
            children
        })
    }

    /// The 1-based line of `path`, or of its deepest ancestor that is written; `None` if not even the first
    /// segment is.
    pub fn line_of(&self, path: &str) -> Option<usize> {
        self.position_of(path).map(|(line, _)| line)
    }

    /// The 1-based line and column of `path` (of the key of a mapping entry, of the item of a list), or of its
    /// deepest ancestor that is written; `None` if not even the first segment is.
    pub fn position_of(&self, path: &str) -> Option<(usize, usize)> {
        let index = self.index();
        let mut id = 0u32;
        let mut found = None;
        for segment in segments(path) {
            let hit = match segment {
                Segment::Key(key) => index.get(&(id, Child::Key(key.into()))),
                Segment::Index(n) => index
                    .get(&(id, Child::Index(n)))
                    .or_else(|| index.get(&(id, Child::Key(n.to_string().into())))),
            };
            let Some(&(child, position)) = hit else { break };
            found = Some(position);
            id = child;
        }
        found
    }

    /// The line of the document's first node, if it has one.
    pub fn first_line(&self) -> Option<usize> {
        self.root.as_ref().map(|n| n.line)
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
