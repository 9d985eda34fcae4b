//! Placement planning: on which nodes a DaemonSet's pods run, and why not on the others.
//!
//! The rules are the DaemonSet controller's `NodeShouldRunDaemonPod` (Kubernetes 1.34): the template's simulated pod,
//! with the tolerations the controller adds automatically, must fit the node's name, its labels (`nodeSelector` and
//! required node affinity) and its NoSchedule/NoExecute taints. A node that passes counts in
//! `desiredNumberScheduled`; the scheduler then binds the pod, and it stays Pending where its requests do not fit what
//! is left of the node's allocatable or a host port is taken. A pod already on a node whose only untolerated taints are
//! NoSchedule keeps running (misscheduled); any other mismatch makes the controller delete it.
//!
//! ```
//! use daemonset::plan::{self, Inventory, Verdict};
//! let nodes = plan::parse_nodes(
//!     "apiVersion: v1\nkind: List\nitems:\n\
//!      - {apiVersion: v1, kind: Node, metadata: {name: a}}\n\
//!      - {apiVersion: v1, kind: Node, metadata: {name: b}, spec: {taints: [{key: dedicated, value: gpu, effect: NoSchedule}]}}\n",
//! ).unwrap();
//! let ds: daemonset::k8s::api::apps::v1::DaemonSet = daemonset::parse::from_yaml(
//!     "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: agent}\nspec:\n  selector: {matchLabels: {app: agent}}\n  template:\n    metadata: {labels: {app: agent}}\n    spec: {containers: [{name: c, image: i}]}\n",
//! ).unwrap();
//! let inventory = Inventory::new(&nodes, &[]);
//! let plan = inventory.plan(&ds);
//! assert_eq!(plan.desired, 1);
//! assert_eq!(plan.nodes[1].verdict, Verdict::NotScheduled);
//! assert_eq!(plan::summary(&plan), "desired 1 of 2 nodes; 1 blocked by taint dedicated=gpu:NoSchedule");
//! assert!(plan::should_run(&ds, &nodes[0]));
//! ```

mod affinity;
mod evaluate;
mod explain;
mod fast;
mod index;
mod inventory;
mod outcome;
mod ownership;
mod ports;
mod reason;
mod resources;
mod rollout;
mod table;
mod taints;

use k8s_openapi::api::apps::v1::DaemonSet;
use k8s_openapi::api::core::v1::Node;

pub use affinity::{ExpressionFailure, TermFailure};
pub use evaluate::Placement;
pub use explain::explain;
pub use inventory::{Inventory, InventoryError, parse_nodes, parse_pods};
pub use outcome::{NodePlan, Plan, Verdict, plan};
#[cfg(feature = "cluster")]
pub(crate) use ownership::owned_by;
pub use ownership::target_node;
pub use ports::HostPort;
pub(crate) use ports::host_ports;
pub use reason::Reason;
pub use rollout::Rollout;
pub use table::{summary, table};
pub use taints::{TolerationMatch, automatic_tolerations, taint_text};

/// `NodeShouldRunDaemonPod(node, ds)`: whether the controller wants a pod on the node, and whether a pod already there
/// may keep running. Resources and host ports are not part of it (see [`plan`]).
pub fn node_should_run(ds: &DaemonSet, node: &Node) -> Placement {
    let inventory = Inventory::new(std::slice::from_ref(node), &[]);
    let compiled = evaluate::Compiled::new(ds);
    fast::Indexed::new(&compiled, &inventory).placement(0)
}

/// Whether the DaemonSet controller creates a pod of `ds` on `node` (the node counts in `desiredNumberScheduled`).
pub fn should_run(ds: &DaemonSet, node: &Node) -> bool {
    node_should_run(ds, node).should_run
}

/// The names of the nodes where the controller wants a pod of `ds`, in inventory order: the set the real controller's
/// pods must land on.
pub fn desired_nodes<'a>(ds: &DaemonSet, nodes: &'a [Node]) -> Vec<&'a str> {
    let inventory = Inventory::new(nodes, &[]);
    let compiled = evaluate::Compiled::new(ds);
    let indexed = fast::Indexed::new(&compiled, &inventory);
    (0..nodes.len())
        .filter(|&i| indexed.placement(i).should_run)
        .map(|i| nodes[i].metadata.name.as_deref().unwrap_or(""))
        .collect()
}

/// Every reason the controller would not place a pod of `ds` on `node` (empty when it would).
pub fn reasons<'a>(ds: &'a DaemonSet, node: &'a Node) -> Vec<Reason<'a>> {
    let inventory = Inventory::new(std::slice::from_ref(node), &[]);
    let compiled = evaluate::Compiled::new(ds);
    let mut out = Vec::new();
    fast::Indexed::new(&compiled, &inventory).reasons(0, &mut out);
    out
}
