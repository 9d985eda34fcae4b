//! Pod affinity and anti-affinity: place the pods near (or away from) other pods, by labels and a topology key.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{
    PodAffinity as K8sPodAffinity, PodAffinityTerm as K8sPodAffinityTerm,
    PodAntiAffinity as K8sPodAntiAffinity, WeightedPodAffinityTerm,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;

use super::Weight;

/// Pods with these labels, in the same topology domain (`kubernetes.io/hostname`: the same node).
///
/// ```
/// use daemonset::build::PodAffinityTerm;
/// let beside_the_cache = PodAffinityTerm::new("kubernetes.io/hostname").label("app", "node-cache");
/// # let _ = beside_the_cache;
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct PodAffinityTerm {
    topology_key: String,
    labels: BTreeMap<String, String>,
    namespaces: Vec<String>,
}

impl PodAffinityTerm {
    /// Pods in the same domain of `topology_key` (a node label key).
    pub fn new(topology_key: impl Into<String>) -> PodAffinityTerm {
        PodAffinityTerm {
            topology_key: topology_key.into(),
            labels: BTreeMap::new(),
            namespaces: Vec::new(),
        }
    }

    /// The other pods carry this label.
    #[must_use]
    pub fn label(mut self, key: impl Into<String>, value: impl Into<String>) -> PodAffinityTerm {
        self.labels.insert(key.into(), value.into());
        self
    }

    /// The other pods are in this namespace (by default: the DaemonSet's own).
    #[must_use]
    pub fn namespace(mut self, namespace: impl Into<String>) -> PodAffinityTerm {
        self.namespaces.push(namespace.into());
        self
    }
}

impl From<PodAffinityTerm> for K8sPodAffinityTerm {
    fn from(term: PodAffinityTerm) -> K8sPodAffinityTerm {
        K8sPodAffinityTerm {
            topology_key: term.topology_key,
            label_selector: Some(LabelSelector {
                match_labels: Some(term.labels),
                match_expressions: None,
            }),
            namespaces: (!term.namespaces.is_empty()).then_some(term.namespaces),
            ..Default::default()
        }
    }
}

/// Terms that must hold (required) or are preferred (weighted), for affinity or anti-affinity.
///
/// ```
/// use daemonset::build::{PodAffinityTerm, PodPlacement, Weight};
/// let spread = PodPlacement::default()
///     .prefer(Weight::of::<50>(), PodAffinityTerm::new("kubernetes.io/hostname").label("app", "other-agent"));
/// # let _ = spread;
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PodPlacement {
    required: Vec<PodAffinityTerm>,
    preferred: Vec<(Weight, PodAffinityTerm)>,
}

impl PodPlacement {
    /// A term every pod must satisfy to be scheduled.
    #[must_use]
    pub fn require(mut self, term: PodAffinityTerm) -> PodPlacement {
        self.required.push(term);
        self
    }

    /// A term the scheduler prefers, with a weight.
    #[must_use]
    pub fn prefer(mut self, weight: Weight, term: PodAffinityTerm) -> PodPlacement {
        self.preferred.push((weight, term));
        self
    }

    fn parts(
        self,
    ) -> (
        Option<Vec<K8sPodAffinityTerm>>,
        Option<Vec<WeightedPodAffinityTerm>>,
    ) {
        let required: Vec<K8sPodAffinityTerm> = self.required.into_iter().map(Into::into).collect();
        let preferred: Vec<WeightedPodAffinityTerm> = self
            .preferred
            .into_iter()
            .map(|(weight, term)| WeightedPodAffinityTerm {
                weight: weight.get(),
                pod_affinity_term: term.into(),
            })
            .collect();
        (
            (!required.is_empty()).then_some(required),
            (!preferred.is_empty()).then_some(preferred),
        )
    }
}

impl From<PodPlacement> for K8sPodAffinity {
    fn from(placement: PodPlacement) -> K8sPodAffinity {
        let (required, preferred) = placement.parts();
        K8sPodAffinity {
            required_during_scheduling_ignored_during_execution: required,
            preferred_during_scheduling_ignored_during_execution: preferred,
        }
    }
}

impl From<PodPlacement> for K8sPodAntiAffinity {
    fn from(placement: PodPlacement) -> K8sPodAntiAffinity {
        let (required, preferred) = placement.parts();
        K8sPodAntiAffinity {
            required_during_scheduling_ignored_during_execution: required,
            preferred_during_scheduling_ignored_during_execution: preferred,
        }
    }
}
