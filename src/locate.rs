//! Finding the line of a field path in block-style YAML text (`containers[1].mounts[0].volume`,
//! `spec.template.spec.containers[0].resources.limits[cpu]`), for messages that point at the offending line.
//!
//! Best effort: list indexes are followed, map keys in brackets are keys; when a segment cannot be found (flow
//! style, a default value that is not written), the line of the deepest segment found is returned.

/// One line of YAML, reduced to what locating needs.
struct Line<'a> {
    /// Column of the first character.
    indent: usize,
    /// Column of the first key after any `- ` list markers.
    key_indent: usize,
    /// Whether the line starts a list item.
    item: bool,
    /// The text after the list markers.
    content: &'a str,
}

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

fn parse_line(text: &str) -> Option<Line<'_>> {
    let trimmed = text.trim_start();
    if trimmed.is_empty() || trimmed.starts_with('#') || trimmed == "---" {
        return None;
    }
    let indent = text.len() - trimmed.len();
    let mut content = trimmed;
    let mut item = false;
    while let Some(rest) = content
        .strip_prefix("- ")
        .or_else(|| (content == "-").then_some(""))
    {
        item = true;
        content = rest.trim_start();
    }
    Some(Line {
        indent,
        key_indent: text.len() - content.len(),
        item,
        content,
    })
}

fn has_key(content: &str, key: &str) -> bool {
    [
        format!("{key}:"),
        format!("\"{key}\":"),
        format!("'{key}':"),
    ]
    .iter()
    .any(|k| {
        content
            .strip_prefix(k.as_str())
            .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t']))
    })
}

/// The 1-based line of `path` in `text`, or of its deepest ancestor that was found.
///
/// ```
/// let text = "spec:\n  template:\n    spec:\n      containers:\n      - name: a\n        image: a:1\n";
/// assert_eq!(daemonset::locate::line_of(text, "spec.template.spec.containers[0].image"), Some(6));
/// ```
pub fn line_of(text: &str, path: &str) -> Option<usize> {
    let lines: Vec<(usize, Line<'_>)> = text
        .lines()
        .enumerate()
        .filter_map(|(i, l)| parse_line(l).map(|line| (i + 1, line)))
        .collect();
    // The current block: lines[from..to], whose keys are at `level` (None: the block's first line decides).
    let (mut from, mut to) = (0, lines.len());
    let mut level: Option<usize> = None;
    let mut found = None;
    for segment in segments(path) {
        if from >= to {
            break;
        }
        match segment {
            Segment::Key(key) => {
                let level_here = level.unwrap_or(lines[from].1.key_indent);
                let hit = (from..to).find(|&i| {
                    lines[i].1.key_indent == level_here && has_key(lines[i].1.content, key)
                });
                let Some(i) = hit else { break };
                found = Some(lines[i].0);
                let own = lines[i].1.key_indent;
                let end = (i + 1..to)
                    .find(|&j| {
                        let l = &lines[j].1;
                        l.indent < own || (l.indent == own && !l.item)
                    })
                    .unwrap_or(to);
                (from, to, level) = (i + 1, end, None);
            }
            Segment::Index(n) => {
                let item_indent = lines[from].1.indent;
                let items: Vec<usize> = (from..to)
                    .filter(|&i| lines[i].1.item && lines[i].1.indent == item_indent)
                    .collect();
                let Some(&i) = items.get(n) else { break };
                found = Some(lines[i].0);
                let end = items.get(n + 1).copied().unwrap_or(to);
                (from, to, level) = (i, end, Some(lines[i].1.key_indent));
            }
        }
    }
    found
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
