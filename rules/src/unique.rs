//! The rules "each item of a list has its own name" and "exactly one of these fields", written once: the detection
//! ([`Names`], [`one_of`]) and what a broken rule means ([`Distinct::finding`] in the API server's words,
//! [`Distinct::explain`] and [`exactly_one`] in the words of the front ends). The validator reports a finding at an
//! object path, spec files at a spec line, the `daemonset!` macro at a token.

use std::borrow::Cow;
use std::collections::BTreeMap;

use crate::check::{Finding, Kind};

/// The names (or paths) of a list's items, taken in order, to find the ones used before.
#[derive(Debug, Default, Clone)]
pub struct Names<'a> {
    first: BTreeMap<Cow<'a, str>, usize>,
    next: usize,
}

impl<'a> Names<'a> {
    /// No name taken yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Takes the name of the next item: the index of the first item with the same name when there is one (the
    /// name then stays the first item's), or `None` for a new name.
    pub fn repeats(&mut self, name: impl Into<Cow<'a, str>>) -> Option<usize> {
        let index = self.next;
        self.next += 1;
        let name = name.into();
        match self.first.get(name.as_ref()) {
            Some(first) => Some(*first),
            None => {
                self.first.insert(name, index);
                None
            }
        }
    }

    /// Counts an item without taking a name (its name is not known, e.g. a Rust expression in the macro, or does
    /// not take part, e.g. an absent port name).
    pub fn skip(&mut self) {
        self.next += 1;
    }

    /// The index of the item that took `name`, without taking it.
    pub fn first(&self, name: &str) -> Option<usize> {
        self.first.get(name).copied()
    }
}

/// Every repeated name of `names`, in order: `(index, index of the first item with that name)`.
pub fn duplicates<'a>(names: impl IntoIterator<Item = &'a str>) -> Vec<(usize, usize)> {
    let mut seen = Names::new();
    names
        .into_iter()
        .enumerate()
        .filter_map(|(i, name)| seen.repeats(name).map(|first| (i, first)))
        .collect()
}

/// A list whose items must have distinct names (or paths).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Distinct {
    /// The names of a pod's containers and init containers.
    ContainerName,
    /// The names of a pod's volumes.
    VolumeName,
    /// The names of a container's ports (an absent name does not count).
    PortName,
    /// The paths a container mounts volumes at.
    MountPath,
    /// The names of a container's environment variables. The server only warns ("hides previous definition"):
    /// the container sees the last value, and `kubectl apply` may drop one of them. Spec files and the builder
    /// write a list, as the API does, and keep that severity (the lint warns); the macro's env is a map and
    /// refuses a repeated key.
    EnvName,
}

impl Distinct {
    /// The field of an item that holds the name, as the API spells it.
    pub fn field(self) -> &'static str {
        match self {
            Distinct::MountPath => "mountPath",
            _ => "name",
        }
    }

    /// The server's finding about the item that repeats `name` (at [`Distinct::field`]): `Duplicate value`, or
    /// for mount paths `Invalid value: ...: must be unique`. `None` for env names, where the server only warns.
    pub fn finding(self, name: &str) -> Option<Finding> {
        let value = Some(format!("{name:?}"));
        let (kind, detail) = match self {
            Distinct::ContainerName | Distinct::VolumeName | Distinct::PortName => {
                (Kind::Duplicate, "")
            }
            Distinct::MountPath => (Kind::Invalid, "must be unique"),
            Distinct::EnvName => return None,
        };
        Some(Finding {
            field: self.field(),
            at: self.field(),
            kind,
            value,
            detail: detail.to_owned(),
        })
    }

    /// What the rule means, for a front end that reports where `name` is written again.
    pub fn explain(self, name: &str) -> String {
        match self {
            Distinct::ContainerName => format!(
                "duplicate container name {name:?}: containers and init containers need distinct names in the pod"
            ),
            Distinct::VolumeName => {
                format!("duplicate volume name {name:?}: volumes need distinct names in the pod")
            }
            Distinct::PortName => {
                format!("duplicate port name {name:?}: ports need distinct names in a container")
            }
            Distinct::MountPath => {
                format!("duplicate mountPath {name:?}: each mount needs its own path")
            }
            Distinct::EnvName => format!(
                "duplicate environment variable {name:?}: the container sees only the last value (the API server \
                 warns \"hides previous definition\")"
            ),
        }
    }
}

/// Which of a set of alternative fields are present.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Chosen<'o> {
    /// None.
    None,
    /// Exactly this one.
    One(&'o str),
    /// More than one: the first present, then the others in the order given.
    Many(&'o str, Vec<&'o str>),
}

impl<'o> Chosen<'o> {
    /// The first field present, if any.
    pub fn first(&self) -> Option<&'o str> {
        match self {
            Chosen::None => None,
            Chosen::One(first) | Chosen::Many(first, _) => Some(first),
        }
    }

    /// Whether `field` is present but not the first present: the server reports these extras.
    pub fn is_extra(&self, field: &str) -> bool {
        matches!(self, Chosen::Many(_, rest) if rest.contains(&field))
    }
}

/// The alternatives of `options` (`(field, present)`, in the order the server checks them) that are present.
pub fn one_of<'o>(options: &[(&'o str, bool)]) -> Chosen<'o> {
    let mut present = options
        .iter()
        .filter(|(_, set)| *set)
        .map(|(field, _)| *field);
    match present.next() {
        None => Chosen::None,
        Some(first) => {
            let rest: Vec<&str> = present.collect();
            if rest.is_empty() {
                Chosen::One(first)
            } else {
                Chosen::Many(first, rest)
            }
        }
    }
}

/// The rule "`what` needs exactly one of `options`", in the words of the front ends: the field present, or the
/// message naming the options and what was found.
pub fn exactly_one<'o>(what: &str, options: &[(&'o str, bool)]) -> Result<&'o str, String> {
    let names = options
        .iter()
        .map(|(field, _)| format!("`{field}`"))
        .collect::<Vec<_>>()
        .join(", ");
    match one_of(options) {
        Chosen::One(field) => Ok(field),
        Chosen::None => Err(format!(
            "{what} needs exactly one of {names}; none is given"
        )),
        Chosen::Many(first, rest) => {
            let given = std::iter::once(first)
                .chain(rest)
                .map(|f| format!("`{f}`"))
                .collect::<Vec<_>>()
                .join(" and ");
            Err(format!(
                "{what} needs exactly one of {names}; {given} are given"
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_find_repeats_and_their_first_item() {
        let mut names = Names::new();
        assert_eq!(names.repeats("a"), None);
        names.skip();
        assert_eq!(names.repeats(String::from("b")), None);
        assert_eq!(names.repeats("a"), Some(0));
        assert_eq!(names.repeats("b"), Some(2));
        assert_eq!(names.first("b"), Some(2));
        assert_eq!(names.first("c"), None);
        assert_eq!(duplicates(["x", "y", "x", "x"]), vec![(2, 0), (3, 0)]);
        assert!(duplicates(["x", "y"]).is_empty());
    }

    #[test]
    fn distinct_findings_use_the_server_words() {
        let f = Distinct::ContainerName.finding("a").unwrap();
        assert_eq!(
            (f.field, f.message()),
            ("name", "Duplicate value: \"a\"".to_owned())
        );
        let f = Distinct::MountPath.finding("/x").unwrap();
        assert_eq!(
            (f.field, f.message()),
            (
                "mountPath",
                "Invalid value: \"/x\": must be unique".to_owned()
            )
        );
        assert_eq!(Distinct::EnvName.finding("X"), None);
        assert!(Distinct::EnvName.explain("X").contains("\"X\""));
    }

    #[test]
    fn one_of_names_the_first_and_the_extras() {
        assert_eq!(one_of(&[("a", false), ("b", false)]), Chosen::None);
        assert_eq!(one_of(&[("a", false), ("b", true)]), Chosen::One("b"));
        let many = one_of(&[("a", true), ("b", false), ("c", true), ("d", true)]);
        assert_eq!(many, Chosen::Many("a", vec!["c", "d"]));
        assert_eq!(many.first(), Some("a"));
        assert!(many.is_extra("c") && !many.is_extra("a") && !many.is_extra("b"));
        assert_eq!(exactly_one("x", &[("a", false), ("b", true)]), Ok("b"));
        assert_eq!(
            exactly_one("a probe", &[("a", true), ("b", true)]).unwrap_err(),
            "a probe needs exactly one of `a`, `b`; `a` and `b` are given"
        );
        assert_eq!(
            exactly_one("a probe", &[("a", false), ("b", false)]).unwrap_err(),
            "a probe needs exactly one of `a`, `b`; none is given"
        );
    }
}
