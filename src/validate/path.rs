use std::fmt;

/// A field path in the API server's notation: `spec.template.spec.containers[0].resources.limits[cpu]`.
///
/// Children are joined with `.`, list indexes and map keys are written in brackets, as apimachinery's `field.Path`
/// prints them.
#[derive(Clone)]
pub struct FieldPath(Repr);

/// The longest path held without an allocation (nearly every path of a DaemonSet is shorter; validation writes a
/// path out only for a violation, see [`Path`]).
const INLINE: usize = 86;

#[derive(Clone)]
enum Repr {
    Inline { len: u8, bytes: [u8; INLINE] },
    Heap(String),
}

impl FieldPath {
    /// A path of one field name.
    pub fn root(name: &str) -> Self {
        FieldPath::from_parts(b"", &[name])
    }

    /// This path followed by a field name.
    #[must_use]
    pub fn child(&self, name: &str) -> Self {
        self.extended(&[".", name])
    }

    /// This path followed by a list index.
    #[must_use]
    pub fn index(&self, index: usize) -> Self {
        self.extended(&["[", itoa(index, &mut [0; 20]), "]"])
    }

    /// This path followed by a map key.
    #[must_use]
    pub fn key(&self, key: &str) -> Self {
        self.extended(&["[", key, "]"])
    }

    /// This path followed by `parts`, in place when it fits, else in one allocation.
    fn extended(&self, parts: &[&str]) -> Self {
        match &self.0 {
            Repr::Inline { len, bytes } => {
                FieldPath::from_parts(&bytes[..usize::from(*len)], parts)
            }
            Repr::Heap(path) => FieldPath::from_parts(path.as_bytes(), parts),
        }
    }

    /// `prefix` (UTF-8: the bytes of a path) followed by `parts`.
    fn from_parts(prefix: &[u8], parts: &[&str]) -> Self {
        let len = prefix.len() + parts.iter().map(|p| p.len()).sum::<usize>();
        if len <= INLINE {
            let mut bytes = [0u8; INLINE];
            bytes[..prefix.len()].copy_from_slice(prefix);
            let mut at = prefix.len();
            for part in parts {
                bytes[at..at + part.len()].copy_from_slice(part.as_bytes());
                at += part.len();
            }
            return FieldPath(Repr::Inline {
                len: len as u8,
                bytes,
            });
        }
        let mut path = Vec::with_capacity(len);
        path.extend_from_slice(prefix);
        for part in parts {
            path.extend_from_slice(part.as_bytes());
        }
        FieldPath(Repr::Heap(String::from_utf8(path).expect("UTF-8")))
    }

    /// The path as text.
    pub fn as_str(&self) -> &str {
        match &self.0 {
            // Only whole `&str`s are copied in, so the bytes are UTF-8.
            Repr::Inline { len, bytes } => {
                std::str::from_utf8(&bytes[..usize::from(*len)]).expect("UTF-8")
            }
            Repr::Heap(path) => path,
        }
    }
}

/// A field path as validation walks the object: each step borrows the path it extends, so making one costs a few
/// stores and no copy of the text; the text (a [`FieldPath`]) is written only when a violation is reported.
///
/// `Path::root("spec").child("containers").index(0).key("cpu")` names what
/// `FieldPath::root("spec").child("containers").index(0).key("cpu")` names.
#[derive(Clone)]
pub(crate) struct Path<'a> {
    parent: Option<&'a Path<'a>>,
    step: Step<'a>,
}

/// One step of a [`Path`].
#[derive(Clone, Copy)]
enum Step<'a> {
    /// A field name (joined with `.` after a parent).
    Field(&'a str),
    /// A list index, `[i]`.
    Index(usize),
    /// A map key, `[key]`.
    Key(&'a str),
    /// A path already written out (only first).
    Text(&'a FieldPath),
}

impl<'a> Path<'a> {
    /// A path of one field name.
    pub(crate) fn root(name: &'a str) -> Path<'a> {
        Path {
            parent: None,
            step: Step::Field(name),
        }
    }

    /// This path followed by a field name.
    pub(crate) fn child(&'a self, name: &'a str) -> Path<'a> {
        Path {
            parent: Some(self),
            step: Step::Field(name),
        }
    }

    /// This path followed by a list index.
    pub(crate) fn index(&'a self, index: usize) -> Path<'a> {
        Path {
            parent: Some(self),
            step: Step::Index(index),
        }
    }

    /// This path followed by a map key.
    pub(crate) fn key(&'a self, key: &'a str) -> Path<'a> {
        Path {
            parent: Some(self),
            step: Step::Key(key),
        }
    }

    /// Appends the path's text to `out`.
    fn write(&self, out: &mut String) {
        if let Some(parent) = self.parent {
            parent.write(out);
        }
        match self.step {
            Step::Field(name) => {
                if self.parent.is_some() {
                    out.push('.');
                }
                out.push_str(name);
            }
            Step::Index(index) => {
                out.push('[');
                out.push_str(itoa(index, &mut [0; 20]));
                out.push(']');
            }
            Step::Key(key) => {
                out.push('[');
                out.push_str(key);
                out.push(']');
            }
            Step::Text(path) => out.push_str(path.as_str()),
        }
    }
}

impl<'a> From<&'a FieldPath> for Path<'a> {
    fn from(path: &'a FieldPath) -> Path<'a> {
        Path {
            parent: None,
            step: Step::Text(path),
        }
    }
}

impl From<&Path<'_>> for FieldPath {
    fn from(path: &Path<'_>) -> FieldPath {
        let mut text = String::new();
        path.write(&mut text);
        if text.len() <= INLINE {
            FieldPath::from_parts(b"", &[&text])
        } else {
            FieldPath(Repr::Heap(text))
        }
    }
}

impl From<Path<'_>> for FieldPath {
    fn from(path: Path<'_>) -> FieldPath {
        FieldPath::from(&path)
    }
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(FieldPath::from(self).as_str())
    }
}

impl fmt::Debug for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Path")
            .field(&FieldPath::from(self).as_str())
            .finish()
    }
}

/// `n` in decimal, written at the end of `digits`.
fn itoa(mut n: usize, digits: &mut [u8; 20]) -> &str {
    let mut start = digits.len();
    loop {
        start -= 1;
        digits[start] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    std::str::from_utf8(&digits[start..]).expect("ASCII digits")
}

impl fmt::Debug for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("FieldPath").field(&self.as_str()).finish()
    }
}

impl PartialEq for FieldPath {
    fn eq(&self, other: &FieldPath) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for FieldPath {}

impl std::hash::Hash for FieldPath {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl PartialOrd for FieldPath {
    fn partial_cmp(&self, other: &FieldPath) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for FieldPath {
    fn cmp(&self, other: &FieldPath) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_like_apimachinery() {
        let path = FieldPath::root("spec")
            .child("template")
            .child("spec")
            .child("containers")
            .index(0)
            .child("resources")
            .child("limits")
            .key("cpu");
        assert_eq!(
            path.to_string(),
            "spec.template.spec.containers[0].resources.limits[cpu]"
        );
    }

    #[test]
    fn long_paths_and_comparisons_are_the_texts() {
        let long = "k".repeat(200);
        let short = FieldPath::root("metadata").child("annotations");
        let path = short.key(&long).child("x");
        assert_eq!(path.as_str(), format!("metadata.annotations[{long}].x"));
        assert_eq!(
            short.key(&long),
            FieldPath::root("metadata").child("annotations").key(&long)
        );
        assert!(short < short.key(&long) && short.key(&long) < FieldPath::root("spec"));
        assert_eq!(format!("{short:?}"), "FieldPath(\"metadata.annotations\")");
    }

    #[test]
    fn lazy_paths_print_like_field_paths() {
        let spec = Path::root("spec");
        let template = spec.child("template");
        let containers = template.child("containers");
        let first = containers.index(10);
        let cpu = first.child("limits").key("cpu").to_string();
        assert_eq!(cpu, "spec.template.containers[10].limits[cpu]");
        assert_eq!(
            FieldPath::from(first.child("limits").key("cpu")),
            FieldPath::root("spec")
                .child("template")
                .child("containers")
                .index(10)
                .child("limits")
                .key("cpu")
        );
        let long = "k".repeat(200);
        let written = FieldPath::root("metadata").child("annotations");
        let from_text = Path::from(&written);
        assert_eq!(
            FieldPath::from(from_text.key(&long).child("x")).as_str(),
            format!("metadata.annotations[{long}].x")
        );
        assert_eq!(FieldPath::from(&Path::root("spec")).as_str(), "spec");
    }
}
