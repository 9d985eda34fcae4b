//! What the cluster commands share: the tokio runtime, connecting, loading the inputs, and printing cluster errors
//! with their exit codes.

use std::future::Future;
use std::time::{Duration, Instant};

use daemonset::cluster::{Cluster, ClusterError, ConnectOptions};
use daemonset::k8s::api::apps::v1::DaemonSet;

use crate::cli::{ConnectArgs, FileArgs};
use crate::report::{self, Outcome};
use crate::{inputs, render};

/// Runs a future on a single-threaded tokio runtime (only the cluster commands start one). A blocking task still
/// running at the end (an exec credential plugin that never returned) is abandoned, not waited for.
pub fn block_on<T>(future: impl Future<Output = T>) -> T {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let result = runtime.block_on(future);
    runtime.shutdown_background();
    result
}

/// How long past the deadline the whole command may run: a rollout wait ends at the deadline itself and then
/// reports the last status it saw, with one more request bounded by this grace.
const GRACE: Duration = Duration::from_millis(500);

/// The instant `limit` from now; `None` when there is no limit or it lies beyond what a clock can hold.
pub fn deadline(limit: Option<Duration>) -> Option<Instant> {
    limit.and_then(|l| Instant::now().checked_add(l))
}

/// Runs a cluster command (`what`, for the message) on a runtime within one overall deadline, `limit` from now:
/// connecting, credential plugins, every request and wait. Past it, prints what ran out of time and returns
/// [`Outcome::Timeout`].
pub fn run_within(
    limit: Option<Duration>,
    what: &str,
    command: impl Future<Output = Outcome>,
) -> Outcome {
    match within(limit, what, async { Ok::<_, Outcome>(command.await) }) {
        Ok(outcome) | Err(outcome) => outcome,
    }
}

/// [`run_within`] for a step that gives a value (`plan` reading the nodes and pods of the live cluster).
pub fn within<T>(
    limit: Option<Duration>,
    what: &str,
    step: impl Future<Output = Result<T, Outcome>>,
) -> Result<T, Outcome> {
    block_on(async {
        let Some(limit) = limit else {
            return step.await;
        };
        match tokio::time::timeout(limit.saturating_add(GRACE), step).await {
            Ok(result) => result,
            Err(_) => {
                eprintln!(
                    "error: {what} did not finish within --timeout {}: the API server did not answer in time",
                    human(limit)
                );
                eprintln!(
                    "  hint: is the cluster up and reachable? check the server address in the kubeconfig, or raise --timeout"
                );
                Err(Outcome::Timeout)
            }
        }
    })
}

/// A duration as a user writes it: `90s`, `5m`, `1m30s`, `1.5s`.
pub fn human(duration: Duration) -> String {
    let secs = duration.as_secs();
    if duration.subsec_millis() != 0 && secs < 60 {
        return format!("{:.1}s", duration.as_secs_f64());
    }
    match (secs / 3600, secs % 3600 / 60, secs % 60) {
        (0, 0, s) => format!("{s}s"),
        (0, m, 0) => format!("{m}m"),
        (0, m, s) => format!("{m}m{s}s"),
        (h, 0, 0) => format!("{h}h"),
        (h, m, s) => format!("{h}h{m}m{s}s"),
    }
}

/// The library's connection options from the command line.
pub fn options(args: &ConnectArgs) -> ConnectOptions {
    ConnectOptions {
        kubeconfig: args.kubeconfig.clone(),
        context: args.context.clone(),
        namespace: args.namespace.clone(),
    }
}

/// Connects, printing the error.
pub async fn connect(options: &ConnectOptions) -> Result<Cluster, Outcome> {
    Cluster::connect(options).await.map_err(|e| fail(&e))
}

/// A connection for objects of `namespace` (the library's rollout calls use the connection's namespace).
pub async fn connect_in(options: &ConnectOptions, namespace: &str) -> Result<Cluster, Outcome> {
    let options = ConnectOptions {
        namespace: Some(namespace.to_owned()),
        ..options.clone()
    };
    connect(&options).await
}

/// `NAME` from `NAME`, `daemonset/NAME`, `daemonsets/NAME`, `ds/NAME` or `daemonset.apps/NAME`.
pub fn daemon_set_name(arg: &str) -> Result<&str, Outcome> {
    match arg.split_once('/') {
        None => Ok(arg),
        Some(("daemonset" | "daemonsets" | "ds" | "daemonset.apps" | "daemonsets.apps", name))
            if !name.is_empty() =>
        {
            Ok(name)
        }
        Some((kind, _)) => {
            eprintln!(
                "error: `{arg}`: expected a DaemonSet name (NAME or daemonset/NAME), not a {kind}"
            );
            Err(Outcome::Problems)
        }
    }
}

/// Reads and validates every input; nothing is sent when any has a problem.
pub fn load(files: &FileArgs, verb: &str) -> Result<Vec<DaemonSet>, Outcome> {
    let values = inputs::values(&files.values)?;
    let objects = render::load_all(&files.files, &values).inspect_err(|_| {
        eprintln!("error: nothing was {verb}: fix the problems above");
    })?;
    if objects.is_empty() {
        eprintln!("error: no DaemonSet found in the inputs; nothing was {verb}");
        return Err(Outcome::Problems);
    }
    Ok(objects)
}

/// The exit outcome of a cluster error: rejections of the inputs are problems of the inputs (1), running out of
/// time is 5, anything about reaching or using the cluster is 4.
pub fn outcome(error: &ClusterError) -> Outcome {
    match error {
        ClusterError::Invalid { .. }
        | ClusterError::Conflict { .. }
        | ClusterError::ImmutableSelector { .. }
        | ClusterError::NotFound { .. }
        | ClusterError::Deleted { .. }
        | ClusterError::Rollback(_) => Outcome::Problems,
        ClusterError::Timeout { .. } => Outcome::Timeout,
        _ => Outcome::Cluster,
    }
}

/// Prints a cluster error (`error: ...`, then one `  caused by: ...` line per cause from
/// [`std::error::Error::source`] and a hint) and returns its outcome.
pub fn fail(error: &ClusterError) -> Outcome {
    let hint = match error {
        ClusterError::Unreachable { .. } => {
            Some("is the cluster running? check the server address in the kubeconfig and --context")
        }
        ClusterError::Tls { .. } => {
            Some("check the kubeconfig's certificate-authority for this server")
        }
        ClusterError::Kubeconfig { .. }
        | ClusterError::Client { .. }
        | ClusterError::CredentialTimeout { .. } => {
            Some("check --kubeconfig, --context and the file's users and clusters")
        }
        _ => None,
    };
    report::error(error);
    if let Some(hint) = hint {
        eprintln!("  hint: {hint}");
    }
    outcome(error)
}
