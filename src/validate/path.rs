use std::fmt;

/// A field path in the API server's notation: `spec.template.spec.containers[0].resources.limits[cpu]`.
///
/// Children are joined with `.`, list indexes and map keys are written in brackets, as apimachinery's `field.Path`
/// prints them.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FieldPath(String);

impl FieldPath {
    /// A path of one field name.
    pub fn root(name: &str) -> Self {
        FieldPath(name.to_owned())
    }

    /// This path followed by a field name.
    #[must_use]
    pub fn child(&self, name: &str) -> Self {
        self.extended(&[".", name])
    }

    /// This path followed by a list index.
    #[must_use]
    pub fn index(&self, index: usize) -> Self {
        let mut digits = [0u8; 20];
        let mut n = index;
        let mut start = digits.len();
        loop {
            start -= 1;
            digits[start] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        let number = std::str::from_utf8(&digits[start..]).expect("ASCII digits");
        self.extended(&["[", number, "]"])
    }

    /// This path followed by a map key.
    #[must_use]
    pub fn key(&self, key: &str) -> Self {
        self.extended(&["[", key, "]"])
    }

    /// This path followed by `parts`, in one allocation (validation builds a path for every field it visits, so
    /// this is on the hot path of `validate`).
    fn extended(&self, parts: &[&str]) -> Self {
        let mut path =
            String::with_capacity(self.0.len() + parts.iter().map(|p| p.len()).sum::<usize>());
        path.push_str(&self.0);
        for part in parts {
            path.push_str(part);
        }
        FieldPath(path)
    }

    /// The path as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
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
}
