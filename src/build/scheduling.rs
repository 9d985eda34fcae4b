//! Node selection: node affinity with typed operators, and tolerations of taints.

use k8s_openapi::api::core::v1::{
    NodeAffinity as K8sNodeAffinity, NodeSelector, NodeSelectorRequirement, NodeSelectorTerm,
    PreferredSchedulingTerm, Toleration as K8sToleration,
};

/// One requirement on a node label (`matchExpressions`): each operator takes exactly the values it needs.
///
/// ```
/// use daemonset::build::Requirement;
/// let arch = Requirement::is_in("kubernetes.io/arch", ["amd64", "arm64"]);
/// let gpu = Requirement::exists("nvidia.com/gpu.present");
/// let big = Requirement::greater_than("example.com/cores", 16);
/// # let _ = (arch, gpu, big);
/// ```
///
/// `In` and `NotIn` need at least one value; with an array literal, an empty one does not compile:
///
/// ```compile_fail
/// let none: [&str; 0] = [];
/// daemonset::build::Requirement::is_in("kubernetes.io/arch", none);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Requirement(NodeSelectorRequirement);

impl Requirement {
    fn new(key: impl Into<String>, operator: &str, values: Option<Vec<String>>) -> Requirement {
        Requirement(NodeSelectorRequirement {
            key: key.into(),
            operator: operator.to_owned(),
            values,
        })
    }

    /// The label's value is one of `values`.
    pub fn is_in<const N: usize>(key: impl Into<String>, values: [&str; N]) -> Requirement {
        const { assert!(N > 0, "In needs at least one value") };
        Requirement::new(
            key,
            "In",
            Some(values.iter().map(|v| (*v).to_owned()).collect()),
        )
    }

    /// The label is absent or its value is none of `values`.
    pub fn not_in<const N: usize>(key: impl Into<String>, values: [&str; N]) -> Requirement {
        const { assert!(N > 0, "NotIn needs at least one value") };
        Requirement::new(
            key,
            "NotIn",
            Some(values.iter().map(|v| (*v).to_owned()).collect()),
        )
    }

    /// `In` with values known only at run time (an empty list is reported by validation).
    pub fn is_in_values(
        key: impl Into<String>,
        values: impl IntoIterator<Item = impl Into<String>>,
    ) -> Requirement {
        Requirement::new(
            key,
            "In",
            Some(values.into_iter().map(Into::into).collect()),
        )
    }

    /// `NotIn` with values known only at run time (an empty list is reported by validation).
    pub fn not_in_values(
        key: impl Into<String>,
        values: impl IntoIterator<Item = impl Into<String>>,
    ) -> Requirement {
        Requirement::new(
            key,
            "NotIn",
            Some(values.into_iter().map(Into::into).collect()),
        )
    }

    /// The node has the label, whatever its value.
    pub fn exists(key: impl Into<String>) -> Requirement {
        Requirement::new(key, "Exists", None)
    }

    /// The node does not have the label.
    pub fn does_not_exist(key: impl Into<String>) -> Requirement {
        Requirement::new(key, "DoesNotExist", None)
    }

    /// The label's value, read as an integer, is greater than `value`.
    pub fn greater_than(key: impl Into<String>, value: u64) -> Requirement {
        Requirement::new(key, "Gt", Some(vec![value.to_string()]))
    }

    /// The label's value, read as an integer, is less than `value`.
    pub fn less_than(key: impl Into<String>, value: u64) -> Requirement {
        Requirement::new(key, "Lt", Some(vec![value.to_string()]))
    }
}

/// A node selector term: all its requirements must hold (terms of one affinity are alternatives).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Term {
    expressions: Vec<NodeSelectorRequirement>,
    fields: Vec<NodeSelectorRequirement>,
}

impl Term {
    /// A term of label requirements, all of which must hold.
    pub fn all(requirements: impl IntoIterator<Item = Requirement>) -> Term {
        Term {
            expressions: requirements.into_iter().map(|r| r.0).collect(),
            fields: Vec::new(),
        }
    }

    /// A term that matches the node of this name only (`matchFields` on `metadata.name`).
    pub fn node_name(name: impl Into<String>) -> Term {
        Term {
            expressions: Vec::new(),
            fields: vec![NodeSelectorRequirement {
                key: "metadata.name".into(),
                operator: "In".into(),
                values: Some(vec![name.into()]),
            }],
        }
    }

    fn into_k8s(self) -> NodeSelectorTerm {
        NodeSelectorTerm {
            match_expressions: super::container::non_empty(self.expressions),
            match_fields: super::container::non_empty(self.fields),
        }
    }
}

/// The weight of a preferred term, 1 to 100.
///
/// ```
/// use daemonset::build::Weight;
/// let w = Weight::of::<50>();
/// assert_eq!(w.get(), 50);
/// assert!(Weight::new(0).is_none());
/// ```
///
/// ```compile_fail
/// let w = daemonset::build::Weight::of::<150>();
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Weight(i32);

impl Weight {
    /// A weight known at compile time; out of 1..=100 it does not compile.
    pub const fn of<const W: i32>() -> Weight {
        const {
            assert!(
                W >= 1 && W <= 100,
                "a preferred term's weight must be between 1 and 100"
            )
        };
        Weight(W)
    }

    /// A weight known at run time, if within 1..=100.
    pub fn new(weight: i32) -> Option<Weight> {
        (1..=100).contains(&weight).then_some(Weight(weight))
    }

    /// The number.
    pub fn get(self) -> i32 {
        self.0
    }
}

/// Node affinity: required terms (a node must match one of them) and preferred terms (the scheduler favours,
/// the DaemonSet controller ignores them).
///
/// ```
/// use daemonset::build::{NodeAffinity, Requirement, Term, Weight};
/// let affinity = NodeAffinity::new()
///     .require(Term::all([Requirement::is_in("kubernetes.io/arch", ["amd64"])]))
///     .prefer(Weight::of::<20>(), Term::all([Requirement::exists("example.com/fast-disk")]));
/// # let _ = affinity;
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NodeAffinity {
    required: Vec<Term>,
    preferred: Vec<(Weight, Term)>,
}

impl NodeAffinity {
    /// No terms yet.
    pub fn new() -> NodeAffinity {
        NodeAffinity::default()
    }

    /// Adds a required term; a node must match at least one required term.
    #[must_use]
    pub fn require(mut self, term: Term) -> NodeAffinity {
        self.required.push(term);
        self
    }

    /// Adds a preferred term with its weight.
    #[must_use]
    pub fn prefer(mut self, weight: Weight, term: Term) -> NodeAffinity {
        self.preferred.push((weight, term));
        self
    }
}

impl From<NodeAffinity> for K8sNodeAffinity {
    fn from(a: NodeAffinity) -> K8sNodeAffinity {
        K8sNodeAffinity {
            required_during_scheduling_ignored_during_execution: (!a.required.is_empty()).then(
                || NodeSelector {
                    node_selector_terms: a.required.into_iter().map(Term::into_k8s).collect(),
                },
            ),
            preferred_during_scheduling_ignored_during_execution: super::container::non_empty(
                a.preferred
                    .into_iter()
                    .map(|(weight, term)| PreferredSchedulingTerm {
                        weight: weight.0,
                        preference: term.into_k8s(),
                    })
                    .collect(),
            ),
        }
    }
}

pub use daemonset_rules::model::Effect;

/// A toleration of node taints.
///
/// Each constructor takes exactly what its operator allows: `exists` takes no value, `equal` takes one, and
/// `tolerationSeconds` can only be set together with the `NoExecute` effect ([`Toleration::evict_after`]).
///
/// ```
/// use daemonset::build::{Effect, Toleration};
/// let control_plane = Toleration::key("node-role.kubernetes.io/control-plane").effect(Effect::NoSchedule);
/// let gpu = Toleration::equal("dedicated", "gpu").effect(Effect::NoSchedule);
/// let unreachable = Toleration::exists("node.kubernetes.io/unreachable").evict_after(300);
/// let everything = Toleration::everything();
/// # let _ = (control_plane, gpu, unreachable, everything);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Toleration(K8sToleration);

impl Toleration {
    /// Tolerates taints with this key, whatever their value (`operator: Exists`).
    pub fn exists(key: impl Into<String>) -> Toleration {
        Toleration(K8sToleration {
            key: Some(key.into()),
            operator: Some("Exists".into()),
            ..Default::default()
        })
    }

    /// Tolerates taints with this key and value (`operator: Equal`).
    pub fn equal(key: impl Into<String>, value: impl Into<String>) -> Toleration {
        Toleration(K8sToleration {
            key: Some(key.into()),
            operator: Some("Equal".into()),
            value: Some(value.into()),
            ..Default::default()
        })
    }

    /// Tolerates taints with this key and an empty value (operator left to its default, `Equal`).
    pub fn key(key: impl Into<String>) -> Toleration {
        Toleration(K8sToleration {
            key: Some(key.into()),
            ..Default::default()
        })
    }

    /// Tolerates taints with this key and value, with the operator left out as many manifests write it (the API
    /// server reads a missing operator as `Equal` and stores the toleration as written; [`Toleration::equal`]
    /// writes `operator: Equal`).
    pub fn key_value(key: impl Into<String>, value: impl Into<String>) -> Toleration {
        Toleration(K8sToleration {
            key: Some(key.into()),
            value: Some(value.into()),
            ..Default::default()
        })
    }

    /// Tolerates every taint (`operator: Exists` without key): the pod runs on every node.
    pub fn everything() -> Toleration {
        Toleration(K8sToleration {
            operator: Some("Exists".into()),
            ..Default::default()
        })
    }

    /// Only taints of this effect (by default every effect).
    #[must_use]
    pub fn effect(mut self, effect: Effect) -> Toleration {
        self.0.effect = Some(effect.as_str().to_owned());
        self.0.toleration_seconds = None;
        self
    }

    /// Only `NoExecute` taints, tolerated for this many seconds before the pod is evicted.
    #[must_use]
    pub fn evict_after(mut self, seconds: u32) -> Toleration {
        self.0.effect = Some(Effect::NoExecute.as_str().to_owned());
        self.0.toleration_seconds = Some(i64::from(seconds));
        self
    }
}

impl From<Toleration> for K8sToleration {
    fn from(value: Toleration) -> K8sToleration {
        value.0
    }
}
