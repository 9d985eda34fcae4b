//! What the cluster commands share: the tokio runtime, connecting, loading the inputs, and printing cluster errors
//! with their exit codes.

use std::future::Future;

use daemonset::cluster::{Cluster, ClusterError, ConnectOptions};
use daemonset::k8s::api::apps::v1::DaemonSet;

use crate::cli::{ConnectArgs, FileArgs};
use crate::report::Outcome;
use crate::{inputs, render};

/// Runs a future on a single-threaded tokio runtime (only the cluster commands start one).
pub fn block_on<T>(future: impl Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime")
        .block_on(future)
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
    let values = inputs::values(&files.values.value_args())?;
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
        | ClusterError::Rollback(_) => Outcome::Problems,
        ClusterError::Timeout { .. } => Outcome::Timeout,
        _ => Outcome::Cluster,
    }
}

/// Splits a one-line error chain (`a: b: c`, as the library keeps transport errors) into its causes.
fn causes(message: &str) -> Vec<&str> {
    message
        .split(": ")
        .map(str::trim)
        // kube's wrapper of transport errors names itself and nothing else.
        .filter(|p| !p.is_empty() && *p != "ServiceError")
        .collect()
}

/// Prints a cluster error (`error: ...`, then `  caused by: ...` lines and a hint) and returns its outcome.
pub fn fail(error: &ClusterError) -> Outcome {
    let (headline, chain, hint): (String, &str, Option<&str>) = match error {
        ClusterError::Unreachable { server, message } => (
            format!("cannot reach the API server at {server}"),
            message,
            Some(
                "is the cluster running? check the server address in the kubeconfig and --context",
            ),
        ),
        ClusterError::Tls { server, message } => (
            format!("TLS failure talking to {server}"),
            message,
            Some("check the kubeconfig's certificate-authority for this server"),
        ),
        ClusterError::Kubeconfig { message } => (
            "cannot use the kubeconfig".to_owned(),
            message,
            Some("check --kubeconfig, --context and the file's users and clusters"),
        ),
        other => (other.to_string(), "", None),
    };
    eprintln!("error: {headline}");
    for cause in causes(chain) {
        eprintln!("  caused by: {cause}");
    }
    if let Some(hint) = hint {
        eprintln!("  hint: {hint}");
    }
    outcome(error)
}
