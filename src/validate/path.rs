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
        FieldPath(format!("{}.{name}", self.0))
    }

    /// This path followed by a list index.
    #[must_use]
    pub fn index(&self, index: usize) -> Self {
        FieldPath(format!("{}[{index}]", self.0))
    }

    /// This path followed by a map key.
    #[must_use]
    pub fn key(&self, key: &str) -> Self {
        FieldPath(format!("{}[{key}]", self.0))
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
