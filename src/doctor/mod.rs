//! Why isn't it running? The troubleshooting guide as one function: from a DaemonSet, its ControllerRevisions, the
//! nodes, the pods and the events, a verdict ([`Health`]: healthy, degraded, stuck, failing) with the main cause, each
//! [`Cause`] with the nodes it affects, and a row per node.
//!
//! The diagnosis ([`Doctor`], [`diagnose`]) is a pure function of a recorded [`State`]: it runs offline on a state
//! file (`kubectl get ds,controllerrevisions,pods,events -o yaml` plus `kubectl get nodes -o yaml`). With the feature
//! `cluster`, `gather` reads the live state (and the previous logs of crash-looping containers) and `doctor`
//! does both.
//!
//! Causes recognised: the planner's placement reasons (selector, affinity, taints, nodeName) for nodes without a pod;
//! `FailedCreate` events named ([`Refusal`]: missing ServiceAccount, PodSecurity, ResourceQuota, LimitRange, an
//! admission webhook); Pending pods with the scheduler's `FailedScheduling` reason and what is requested vs free;
//! ImagePullBackOff/ErrImagePull; CrashLoopBackOff with restarts, last exit code and reason (OOMKilled against the
//! memory limit) and the previous log; CreateContainerConfigError; failing probes (`Unhealthy` events); a stuck
//! rollout (old revisions, `maxUnavailable` used up, `maxSurge` with host ports, OnDelete).

mod cause;
mod diagnose;
#[cfg(feature = "cluster")]
mod gather;
mod report;
mod state;

pub use cause::{Cause, Refusal};
pub use diagnose::{Doctor, diagnose};
#[cfg(feature = "cluster")]
pub use gather::{Scope, doctor, gather};
pub use report::{Counts, Finding, Health, NodeRow, Report};
pub use state::{ContainerLog, LogTail, State, StateError};

#[cfg(test)]
mod tests;
