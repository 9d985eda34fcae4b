//! The plan: for each node, whether the DaemonSet's pod runs there, and every reason when it does not.

use std::fmt;

use k8s_openapi::api::apps::v1::DaemonSet;
use k8s_openapi::api::core::v1::{Node, Pod};
use serde::ser::{SerializeMap, SerializeStruct};
use serde::{Serialize, Serializer};

use super::evaluate::Compiled;
use super::fast::Indexed;
use super::inventory::Inventory;
use super::ownership::{owned_by, target_node};
use super::reason::Reason;
use super::resources::{Amounts, pod_requests, shortfalls};
use super::rollout::Rollout;

/// What happens on one node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// The pod runs there (or will: the controller creates it and the scheduler can bind it).
    Runs,
    /// The controller wants a pod there, but it would stay Pending (resources or host ports).
    Pending,
    /// A pod of the DaemonSet is already there and keeps running, although the controller would not place one now
    /// (an untolerated NoSchedule taint): counted in `numberMisscheduled`.
    Misscheduled,
    /// A pod of the DaemonSet is there and the controller deletes it (selector, affinity, nodeName, or an
    /// untolerated NoExecute taint).
    Deleted,
    /// No pod there.
    NotScheduled,
}

impl Verdict {
    /// Whether the node counts in `desiredNumberScheduled`.
    pub fn is_desired(self) -> bool {
        matches!(self, Verdict::Runs | Verdict::Pending)
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Verdict::Runs => "runs",
            Verdict::Pending => "Pending",
            Verdict::Misscheduled => "keeps running (misscheduled)",
            Verdict::Deleted => "pod deleted",
            Verdict::NotScheduled => "does not run",
        })
    }
}

/// The plan for one node.
#[derive(Debug, Clone)]
pub struct NodePlan<'a> {
    /// The node.
    pub node: &'a Node,
    /// What happens there.
    pub verdict: Verdict,
    /// The DaemonSet's pods already on the node (owned by it, or orphans it adopts).
    pub existing: Vec<&'a Pod>,
    /// Every reason, for any verdict but [`Verdict::Runs`]: placement reasons first (nodeName, nodeSelector,
    /// affinity, taints), then Pending reasons (resources, host ports).
    pub reasons: Vec<Reason<'a>>,
}

impl<'a> NodePlan<'a> {
    /// The node's name.
    pub fn name(&self) -> &'a str {
        self.node.metadata.name.as_deref().unwrap_or("")
    }

    /// Whether the node counts in `desiredNumberScheduled` (runs, possibly Pending).
    pub fn runs(&self) -> bool {
        self.verdict.is_desired()
    }

    /// Whether the pod would stay Pending.
    pub fn pending(&self) -> bool {
        self.verdict == Verdict::Pending
    }
}

impl Serialize for NodePlan<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        struct Reasons<'r, 'a>(&'r [Reason<'a>]);
        impl Serialize for Reasons<'_, '_> {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_seq(self.0.iter().map(ToString::to_string))
            }
        }
        let mut s = serializer.serialize_struct("NodePlan", 5)?;
        s.serialize_field("name", self.name())?;
        s.serialize_field("runs", &self.runs())?;
        s.serialize_field("pending", &self.pending())?;
        s.serialize_field("verdict", &self.verdict)?;
        s.serialize_field("reasons", &Reasons(&self.reasons))?;
        s.end()
    }
}

/// Where a DaemonSet's pods go on an inventory of nodes.
///
/// Serializes as `{"daemonset": NAME, "namespace": NS, "nodes": [{"name", "runs", "pending", "verdict",
/// "reasons": [text]}], "desired": N, "rollout": {...}}`.
#[derive(Debug, Clone)]
pub struct Plan<'a> {
    /// The DaemonSet.
    pub daemon_set: &'a DaemonSet,
    /// One entry per node, in inventory order.
    pub nodes: Vec<NodePlan<'a>>,
    /// `desiredNumberScheduled`: the nodes where the controller wants a pod (Pending ones included).
    pub desired: usize,
    /// How a rolling update would proceed over the desired pods.
    pub rollout: Rollout,
}

impl<'a> Plan<'a> {
    /// The DaemonSet's name.
    pub fn name(&self) -> &'a str {
        self.daemon_set.metadata.name.as_deref().unwrap_or("")
    }

    /// The plan for a node by name.
    pub fn node(&self, name: &str) -> Option<&NodePlan<'a>> {
        self.nodes.iter().find(|n| n.name() == name)
    }

    /// The number of nodes with a verdict.
    pub fn count(&self, verdict: Verdict) -> usize {
        self.nodes.iter().filter(|n| n.verdict == verdict).count()
    }
}

impl Serialize for Plan<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut m = serializer.serialize_map(Some(5))?;
        m.serialize_entry("daemonset", self.name())?;
        m.serialize_entry(
            "namespace",
            self.daemon_set
                .metadata
                .namespace
                .as_deref()
                .unwrap_or("default"),
        )?;
        m.serialize_entry("nodes", &self.nodes)?;
        m.serialize_entry("desired", &self.desired)?;
        m.serialize_entry("rollout", &self.rollout)?;
        m.end()
    }
}

impl<'a> Inventory<'a> {
    /// Plans a DaemonSet over the inventory.
    pub fn plan(&self, ds: &'a DaemonSet) -> Plan<'a> {
        let compiled = Compiled::new(ds);
        let indexed = Indexed::new(&compiled, self);
        let own = self.own_pods(ds);
        let mut nodes = Vec::with_capacity(self.nodes.len());
        let mut desired = 0;
        let mut pending = 0;
        for i in 0..self.nodes.len() {
            let node = self.plan_node(&indexed, i, mine(&own, i));
            desired += usize::from(node.verdict.is_desired());
            pending += usize::from(node.verdict == Verdict::Pending);
            nodes.push(node);
        }
        let rollout = Rollout::estimate(ds, desired, pending);
        Plan {
            daemon_set: ds,
            nodes,
            desired,
            rollout,
        }
    }

    /// Plans a DaemonSet for one node.
    pub(crate) fn plan_one(&self, ds: &'a DaemonSet, name: &str) -> Option<NodePlan<'a>> {
        let i = *self.index.get(name)?;
        let own = self.own_pods(ds);
        let compiled = Compiled::new(ds);
        Some(self.plan_node(&Indexed::new(&compiled, self), i, mine(&own, i)))
    }

    /// The DaemonSet's own live pods as `(node index, pod index)`, sorted.
    fn own_pods(&self, ds: &DaemonSet) -> Vec<(usize, usize)> {
        let namespace = ds
            .metadata
            .namespace
            .as_deref()
            .filter(|n| !n.is_empty())
            .unwrap_or("default");
        let name = ds.metadata.name.as_deref().unwrap_or("");
        let controlled = self
            .by_controller
            .get(&(namespace, name))
            .map(Vec::as_slice)
            .unwrap_or_default();
        let orphans = self
            .orphans
            .get(namespace)
            .map(Vec::as_slice)
            .unwrap_or_default();
        let mut own: Vec<(usize, usize)> = controlled
            .iter()
            .chain(orphans)
            .filter(|&&p| owned_by(&self.pods[p], ds))
            .filter_map(|&p| {
                target_node(&self.pods[p])
                    .and_then(|n| self.index.get(n))
                    .map(|&n| (n, p))
            })
            .collect();
        own.sort_unstable();
        own
    }

    #[inline]
    fn plan_node(
        &self,
        indexed: &Indexed<'_, 'a>,
        i: usize,
        mine: &[(usize, usize)],
    ) -> NodePlan<'a> {
        let node = &self.nodes[i];
        let compiled = indexed.compiled;
        let placement = indexed.placement(i);
        let verdict = if placement.should_run {
            if self.fits(compiled, i, mine) {
                Verdict::Runs
            } else {
                Verdict::Pending
            }
        } else if mine.is_empty() {
            Verdict::NotScheduled
        } else if placement.should_continue_running {
            Verdict::Misscheduled
        } else {
            Verdict::Deleted
        };
        let mut reasons = Vec::new();
        match verdict {
            Verdict::Runs => {}
            Verdict::Pending => self.pending_reasons(compiled, i, mine, &mut reasons),
            _ => indexed.reasons(i, &mut reasons),
        }
        let existing = mine.iter().map(|&(_, p)| &self.pods[p]).collect();
        NodePlan {
            node,
            verdict,
            existing,
            reasons,
        }
    }

    /// What the pods on node `i` use, without the DaemonSet's own pods (the new pod replaces them).
    pub(crate) fn used_without(&self, i: usize, mine: &[(usize, usize)]) -> (Amounts<'a>, usize) {
        let state = &self.state[i];
        let mut used = state.used.clone();
        let mut count = state.pods.len();
        for &(_, p) in mine {
            if state.pods.contains(&p) {
                if let Some(spec) = &self.pods[p].spec {
                    used.subtract(&pod_requests(spec));
                }
                count -= 1;
            }
        }
        (used, count)
    }

    #[inline]
    fn fits(&self, compiled: &Compiled<'a>, i: usize, mine: &[(usize, usize)]) -> bool {
        let state = &self.state[i];
        let ports_free = compiled.ports.is_empty()
            || !compiled.ports.iter().any(|want| {
                state
                    .ports
                    .iter()
                    .any(|(used, p)| !mine.iter().any(|(_, m)| m == p) && want.conflicts(used))
            });
        if !ports_free {
            return false;
        }
        if mine.is_empty() {
            super::resources::fits(
                &compiled.requests,
                &state.capacity,
                &state.used,
                state.pods.len(),
            )
        } else {
            let (used, count) = self.used_without(i, mine);
            super::resources::fits(&compiled.requests, &state.capacity, &used, count)
        }
    }

    fn pending_reasons(
        &self,
        compiled: &Compiled<'a>,
        i: usize,
        mine: &[(usize, usize)],
        out: &mut Vec<Reason<'a>>,
    ) {
        let state = &self.state[i];
        let (used, count) = self.used_without(i, mine);
        let mut short = Vec::new();
        shortfalls(
            &compiled.requests,
            &state.capacity,
            &used,
            count,
            &mut short,
        );
        for s in short {
            out.push(if s.resource == super::resources::PODS {
                Reason::TooManyPods {
                    allowed: s.allocatable,
                }
            } else {
                Reason::InsufficientResource {
                    resource: s.resource,
                    requested: s.requested,
                    free: s.free,
                    allocatable: s.allocatable,
                }
            });
        }
        for want in &compiled.ports {
            if let Some((_, p)) = state
                .ports
                .iter()
                .find(|(used, p)| !mine.iter().any(|(_, m)| m == p) && want.conflicts(used))
            {
                out.push(Reason::HostPortTaken {
                    port: *want,
                    pod: &self.pods[*p],
                });
            }
        }
    }
}

/// The entries of `own` for node `i`.
fn mine(own: &[(usize, usize)], i: usize) -> &[(usize, usize)] {
    let start = own.partition_point(|(n, _)| *n < i);
    let len = own[start..].partition_point(|(n, _)| *n == i);
    &own[start..start + len]
}

/// Plans a DaemonSet over nodes and the pods bound to them (see [`Inventory::plan`] to plan many DaemonSets over the
/// same inventory).
///
/// ```
/// use daemonset::plan;
/// let nodes = plan::parse_nodes("kind: Node\napiVersion: v1\nmetadata: {name: a, labels: {disk: ssd}}\n").unwrap();
/// let ds: daemonset::k8s::api::apps::v1::DaemonSet = daemonset::parse::from_yaml(
///     "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: x}\nspec:\n  selector: {matchLabels: {a: b}}\n  template:\n    metadata: {labels: {a: b}}\n    spec:\n      nodeSelector: {disk: hdd}\n      containers: [{name: c, image: i}]\n",
/// ).unwrap();
/// let plan = plan::plan(&ds, &nodes, &[]);
/// assert_eq!(plan.desired, 0);
/// assert_eq!(plan.nodes[0].reasons[0].to_string(), "nodeSelector disk=hdd: node has disk=ssd");
/// ```
pub fn plan<'a>(ds: &'a DaemonSet, nodes: &'a [Node], pods: &'a [Pod]) -> Plan<'a> {
    Inventory::new(nodes, pods).plan(ds)
}
