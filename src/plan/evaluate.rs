//! `NodeShouldRunDaemonPod` for one node, on a DaemonSet compiled once: the fast path answers with flags and no
//! allocation; the reasons are collected only for nodes that fail.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::DaemonSet;
use k8s_openapi::api::core::v1::{Node, Taint};

use super::affinity::RequiredAffinity;
use super::ports::{HostPort, host_ports};
use super::reason::Reason;
use super::resources::{Amounts, pod_requests};
use super::taints::{NO_EXECUTE, NO_SCHEDULE, Tolerations};

pub(crate) static NO_LABELS: BTreeMap<String, String> = BTreeMap::new();

/// The node's labels (empty when it has none).
#[inline]
pub(crate) fn labels(node: &Node) -> &BTreeMap<String, String> {
    node.metadata.labels.as_ref().unwrap_or(&NO_LABELS)
}

/// The node's taints.
#[inline]
pub(crate) fn taints(node: &Node) -> &[Taint] {
    node.spec
        .as_ref()
        .and_then(|s| s.taints.as_deref())
        .unwrap_or_default()
}

/// What the DaemonSet controller decides for a node (`NodeShouldRunDaemonPod`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Placement {
    /// A daemon pod should run there (the controller creates one if there is none).
    pub should_run: bool,
    /// A daemon pod already there may keep running (only NoSchedule taints are untolerated, or all is well).
    pub should_continue_running: bool,
}

/// A DaemonSet compiled for placement: its simulated pod's nodeName, required node affinity, tolerations (with the
/// automatic ones), requests and host ports.
#[derive(Debug, Clone)]
pub(crate) struct Compiled<'a> {
    pub node_name: Option<&'a str>,
    pub affinity: RequiredAffinity<'a>,
    pub tolerations: Tolerations<'a>,
    pub requests: Amounts<'a>,
    pub ports: Vec<HostPort<'a>>,
}

impl<'a> Compiled<'a> {
    pub(crate) fn new(ds: &'a DaemonSet) -> Compiled<'a> {
        let spec = ds.spec.as_ref().and_then(|s| s.template.spec.as_ref());
        Compiled {
            node_name: spec
                .and_then(|s| s.node_name.as_deref())
                .filter(|n| !n.is_empty()),
            affinity: RequiredAffinity::new(spec),
            tolerations: Tolerations::new(spec),
            requests: spec.map(pod_requests).unwrap_or_default(),
            ports: spec.map(|s| host_ports(s).collect()).unwrap_or_default(),
        }
    }

    /// The fast path: no allocation.
    #[inline]
    pub(crate) fn placement(&self, node: &Node) -> Placement {
        let name = node.metadata.name.as_deref().unwrap_or("");
        if self.node_name.is_some_and(|pinned| pinned != name) {
            return Placement::default();
        }
        let labels = labels(node);
        if !self.affinity.selector_matches(labels) || !self.affinity.terms_match(node, labels) {
            return Placement::default();
        }
        let mut fits = true;
        let mut keeps = true;
        for taint in taints(node) {
            let no_execute = taint.effect == NO_EXECUTE;
            if (no_execute || taint.effect == NO_SCHEDULE) && !self.tolerations.tolerate(taint) {
                fits = false;
                if no_execute {
                    keeps = false;
                    break;
                }
            }
        }
        Placement {
            should_run: fits,
            should_continue_running: keeps,
        }
    }

    /// Every reason the controller would not place the pod on the node (empty when it would).
    pub(crate) fn reasons(&self, node: &'a Node, out: &mut Vec<Reason<'a>>) {
        let name = node.metadata.name.as_deref().unwrap_or("");
        if let Some(pinned) = self.node_name.filter(|pinned| *pinned != name) {
            out.push(Reason::NodeNamePinnedElsewhere { pinned });
        }
        let labels = labels(node);
        for (key, wanted) in &self.affinity.selector {
            let actual = labels.get(*key).map(String::as_str);
            if actual != Some(*wanted) {
                out.push(Reason::NodeSelectorMismatch {
                    key,
                    wanted,
                    actual,
                });
            }
        }
        if let Some(terms) = &self.affinity.terms {
            let failures: Option<Vec<_>> = terms
                .iter()
                .map(|t| {
                    t.first_failure(node, labels)
                        .map(|f| t.describe(f, node, labels))
                })
                .collect();
            if let Some(failures) = failures {
                out.push(Reason::AffinityTermsNotMatched { terms: failures });
            }
        }
        for taint in taints(node) {
            if (taint.effect == NO_EXECUTE || taint.effect == NO_SCHEDULE)
                && !self.tolerations.tolerate(taint)
            {
                out.push(Reason::UntoleratedTaint { taint });
            }
        }
    }
}
