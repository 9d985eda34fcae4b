//! A DaemonSet compiled once for placement (the simulated pod's nodeName, required node affinity, tolerations with the
//! automatic ones, requests, host ports), independent of any inventory; see `fast` for the per-node check.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::DaemonSet;
use k8s_openapi::api::core::v1::{Node, Taint};

use super::affinity::RequiredAffinity;
use super::ports::{HostPort, host_ports};
use super::resources::{Amounts, pod_requests};
use super::taints::Tolerations;

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
}
