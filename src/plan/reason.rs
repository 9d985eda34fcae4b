//! Why a node does not run the DaemonSet's pod, or why the pod would stay Pending there.

use std::fmt;

use k8s_openapi::api::core::v1::{Pod, Taint};

use super::affinity::TermFailure;
use super::ports::HostPort;
use super::resources::format_amount;
use super::taints::TaintText;

/// One reason, with the data it is about. Reasons borrow from the DaemonSet, the nodes and the pods.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Reason<'a> {
    /// The template's `nodeName` names another node.
    NodeNamePinnedElsewhere {
        /// The node the template is pinned to.
        pinned: &'a str,
    },
    /// A `nodeSelector` pair is not a label of the node.
    NodeSelectorMismatch {
        /// The label key.
        key: &'a str,
        /// The value the pod wants.
        wanted: &'a str,
        /// The node's value, `None` when the label is absent.
        actual: Option<&'a str>,
    },
    /// No required node affinity term matches; for each term, its first failing expression. An empty list means the
    /// required node affinity has no non-empty term, which matches no node.
    AffinityTermsNotMatched {
        /// The terms, each with the first expression that fails.
        terms: Vec<TermFailure<'a>>,
    },
    /// A NoSchedule or NoExecute taint that no toleration (the template's or the automatic ones) tolerates.
    UntoleratedTaint {
        /// The taint.
        taint: &'a Taint,
    },
    /// Pending: the pod requests more of a resource than the node has left.
    InsufficientResource {
        /// The resource name (`cpu`, `memory`, `ephemeral-storage`, `nvidia.com/gpu`, ...).
        resource: &'a str,
        /// What the pod requests (cpu in millicores, bytes, or units).
        requested: i64,
        /// Allocatable minus what the pods bound to the node request.
        free: i64,
        /// The node's allocatable amount.
        allocatable: i64,
    },
    /// Pending: the node already holds `allocatable.pods` pods.
    TooManyPods {
        /// The node's pod capacity.
        allowed: i64,
    },
    /// Pending: a host port the pod needs is taken by a pod bound to the node.
    HostPortTaken {
        /// The port the DaemonSet's pod wants.
        port: HostPort<'a>,
        /// The pod that holds it.
        pod: &'a Pod,
    },
}

impl Reason<'_> {
    /// Whether the reason keeps the pod Pending (rather than keeping the controller from creating it).
    pub fn is_pending(&self) -> bool {
        matches!(
            self,
            Reason::InsufficientResource { .. }
                | Reason::TooManyPods { .. }
                | Reason::HostPortTaken { .. }
        )
    }

    /// A short text that groups nodes with the same cause in the summary line (`taint dedicated=gpu:NoSchedule`,
    /// `insufficient memory`).
    pub fn group(&self) -> String {
        match self {
            Reason::NodeNamePinnedElsewhere { pinned } => format!("nodeName {pinned}"),
            Reason::NodeSelectorMismatch { key, wanted, .. } => {
                format!("node selector {key}={wanted}")
            }
            Reason::AffinityTermsNotMatched { .. } => "node affinity".to_owned(),
            Reason::UntoleratedTaint { taint } => format!("taint {}", TaintText(taint)),
            Reason::InsufficientResource { resource, .. } => format!("insufficient {resource}"),
            Reason::TooManyPods { .. } => "too many pods".to_owned(),
            Reason::HostPortTaken { port, .. } => format!("host port {port} taken"),
        }
    }
}

fn pod_name(pod: &Pod) -> String {
    let name = pod.metadata.name.as_deref().unwrap_or("<unnamed>");
    match pod.metadata.namespace.as_deref() {
        Some(ns) => format!("{ns}/{name}"),
        None => name.to_owned(),
    }
}

impl fmt::Display for Reason<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::NodeNamePinnedElsewhere { pinned } => {
                write!(f, "template nodeName pins the pod to {pinned}")
            }
            Reason::NodeSelectorMismatch {
                key,
                wanted,
                actual: Some(actual),
            } => {
                write!(f, "nodeSelector {key}={wanted}: node has {key}={actual}")
            }
            Reason::NodeSelectorMismatch {
                key,
                wanted,
                actual: None,
            } => {
                write!(f, "nodeSelector {key}={wanted}: node has no label {key}")
            }
            Reason::AffinityTermsNotMatched { terms } if terms.is_empty() => {
                f.write_str("required node affinity has no non-empty term: it matches no node")
            }
            Reason::AffinityTermsNotMatched { terms } => {
                f.write_str("required node affinity not matched: ")?;
                for (i, term) in terms.iter().enumerate() {
                    if i > 0 {
                        f.write_str("; ")?;
                    }
                    write!(f, "{term}")?;
                }
                Ok(())
            }
            Reason::UntoleratedTaint { taint } => {
                write!(f, "untolerated taint {}", TaintText(taint))
            }
            Reason::InsufficientResource {
                resource,
                requested,
                free,
                allocatable,
            } => write!(
                f,
                "insufficient {resource}: requests {}, {} free of {} allocatable",
                format_amount(resource, *requested),
                format_amount(resource, *free),
                format_amount(resource, *allocatable)
            ),
            Reason::TooManyPods { allowed } => {
                write!(f, "too many pods: node allows {allowed}, all taken")
            }
            Reason::HostPortTaken { port, pod } => {
                write!(f, "host port {port} taken by pod {}", pod_name(pod))
            }
        }
    }
}
