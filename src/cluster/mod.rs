//! The cluster client (feature `cluster`): server-side apply, dry-run, diff, rollout status, history and undo,
//! with kube-rs. Errors a user meets (no kubeconfig, unreachable server, TLS failure, forbidden, not found, a field
//! manager conflict, an immutable selector) come back as [`ClusterError`] variants that say what to do.

mod apply;
mod connect;
mod diff;
mod error;
mod inventory;
mod rollout;

pub use apply::{Applied, ApplyOptions, ApplyOutcome, Conflict};
pub(crate) use connect::WATCH_SECONDS;
pub use connect::{Cluster, ConnectOptions};
pub use diff::DaemonSetDiff;
pub use error::ClusterError;
pub use rollout::{Revision, RolloutState, RolloutStatus, UndoOutcome};

/// The field manager this tool applies as, unless told otherwise.
pub const DEFAULT_FIELD_MANAGER: &str = "daemonset";
