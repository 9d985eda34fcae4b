//! The cluster client (feature `cluster`): server-side apply, dry-run, diff, rollout status, history and undo,
//! with kube-rs. Errors a user meets (no kubeconfig, unreachable server, TLS failure, forbidden, not found, a field
//! manager conflict, an immutable selector) come back as [`ClusterError`] variants that say what to do.

mod apply;
mod connect;
mod diff;
mod error;
mod inventory;
mod rollout;

pub use apply::{APPLY_CONCURRENCY, Applied, ApplyOptions, ApplyOutcome, Conflict};
pub use connect::{
    CONNECT_TIMEOUT, CREDENTIAL_TIMEOUT, Cluster, ConnectOptions, READ_TIMEOUT, WATCH_SECONDS,
};
pub use diff::DaemonSetDiff;
pub use error::ClusterError;
pub use rollout::{ROLLBACK_FIELD_MANAGER, Revision, RolloutState, RolloutStatus, UndoOutcome};

/// The field manager this tool applies as, unless told otherwise.
pub const DEFAULT_FIELD_MANAGER: &str = "daemonset";
