//! Gathering the live state a diagnosis reads (feature `cluster`): the DaemonSets, their ControllerRevisions, every
//! node, the pods that hold node resources, the events of the namespace, and the previous logs of crash-looping
//! containers as far as the kubelet serves them.

use std::time::Duration;

use k8s_openapi::api::apps::v1::{ControllerRevision, DaemonSet};
use k8s_openapi::api::core::v1::{Event, Pod};
use kube::api::{Api, ListParams, LogParams};

use super::diagnose::Doctor;
use super::report::Report;
use super::state::{ContainerLog, LogTail, State};
use crate::cluster::{Cluster, ClusterError};
use crate::plan::owned_by;

/// How many lines of a previous container log the doctor shows.
pub(crate) const LOG_LINES: i64 = 10;

/// How long the doctor waits for one log from the kubelet (through the API server) before saying it is unavailable.
pub(crate) const LOG_TIMEOUT: Duration = Duration::from_secs(5);

/// Which DaemonSets to gather.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope<'n> {
    /// One DaemonSet of the connection's namespace.
    One(&'n str),
    /// Every DaemonSet of the connection's namespace.
    Namespace,
    /// Every DaemonSet of every namespace.
    AllNamespaces,
}

fn error(
    cluster: &Cluster,
    e: kube::Error,
    kind: &str,
    name: &str,
    namespace: &str,
) -> ClusterError {
    ClusterError::from_kube(e, cluster.server(), kind, name, namespace)
}

/// Reads the live state for a scope, with the last 10 lines of the previous instance of every crash-looping
/// container (a log that does not come within 5 s is recorded as [`LogTail::Unavailable`] with the reason).
pub async fn gather(cluster: &Cluster, scope: Scope<'_>) -> Result<State, ClusterError> {
    let client = cluster.client().clone();
    let namespace = cluster.namespace().to_owned();
    let all = scope == Scope::AllNamespaces;
    let (daemon_sets, revisions, events) = {
        let ds_api: Api<DaemonSet> = if all {
            Api::all(client.clone())
        } else {
            Api::namespaced(client.clone(), &namespace)
        };
        let daemon_sets = match scope {
            Scope::One(name) => vec![
                ds_api
                    .get(name)
                    .await
                    .map_err(|e| error(cluster, e, "daemonsets", name, &namespace))?,
            ],
            _ => {
                ds_api
                    .list(&ListParams::default())
                    .await
                    .map_err(|e| error(cluster, e, "daemonsets", "", &namespace))?
                    .items
            }
        };
        let rev_api: Api<ControllerRevision> = if all {
            Api::all(client.clone())
        } else {
            Api::namespaced(client.clone(), &namespace)
        };
        let ev_api: Api<Event> = if all {
            Api::all(client.clone())
        } else {
            Api::namespaced(client.clone(), &namespace)
        };
        let (revisions, events) = futures::try_join!(
            async {
                rev_api
                    .list(&ListParams::default())
                    .await
                    .map_err(|e| error(cluster, e, "controllerrevisions", "", &namespace))
            },
            async {
                ev_api
                    .list(&ListParams::default())
                    .await
                    .map_err(|e| error(cluster, e, "events", "", &namespace))
            }
        )?;
        (daemon_sets, revisions.items, events.items)
    };
    let (nodes, pods) = futures::try_join!(cluster.list_nodes(), cluster.list_active_pods())?;
    let owned = |r: &ControllerRevision| {
        r.metadata
            .owner_references
            .as_deref()
            .unwrap_or_default()
            .iter()
            .any(|o| {
                o.kind == "DaemonSet"
                    && daemon_sets
                        .iter()
                        .any(|d| d.metadata.uid.as_deref() == Some(o.uid.as_str()))
            })
    };
    let revisions = revisions.into_iter().filter(owned).collect();
    let mut state = State {
        daemon_sets,
        revisions,
        nodes,
        pods,
        events,
        logs: Vec::new(),
    };
    fetch_logs(cluster, &mut state).await;
    Ok(state)
}

/// Asks the API server for the last [`LOG_LINES`] lines of the previous instance of every crash-looping container
/// of the state's DaemonSets' pods (the API server gets them from the node's kubelet). A log that does not come
/// (no kubelet, node unreachable, log rotated away, [`LOG_TIMEOUT`]) is recorded as [`LogTail::Unavailable`] with
/// the reason.
pub(crate) async fn fetch_logs(cluster: &Cluster, state: &mut State) {
    let mut wanted: Vec<(String, String, String)> = Vec::new();
    for pod in &state.pods {
        if !state.daemon_sets.iter().any(|ds| owned_by(pod, ds)) {
            continue;
        }
        let statuses = pod
            .status
            .iter()
            .flat_map(|s| s.container_statuses.iter().flatten());
        for s in statuses {
            let crashing = s
                .state
                .as_ref()
                .and_then(|st| st.waiting.as_ref())
                .is_some_and(|w| w.reason.as_deref() == Some("CrashLoopBackOff"));
            if crashing {
                wanted.push((
                    pod.metadata.namespace.clone().unwrap_or_default(),
                    pod.metadata.name.clone().unwrap_or_default(),
                    s.name.clone(),
                ));
            }
        }
    }
    // One log per (DaemonSet, container) is enough to show; fetch at most a few.
    wanted.truncate(8);
    for (namespace, pod, container) in wanted {
        let api: Api<Pod> = Api::namespaced(cluster.client().clone(), &namespace);
        let params = LogParams {
            container: Some(container.clone()),
            previous: true,
            tail_lines: Some(LOG_LINES),
            ..LogParams::default()
        };
        let tail = match tokio::time::timeout(LOG_TIMEOUT, api.logs(&pod, &params)).await {
            Ok(Ok(text)) => LogTail::Lines {
                lines: text.lines().map(str::to_owned).collect(),
            },
            Ok(Err(kube::Error::Api(status))) => LogTail::Unavailable {
                reason: status.message,
            },
            Ok(Err(e)) => LogTail::Unavailable {
                reason: e.to_string(),
            },
            Err(_) => LogTail::Unavailable {
                reason: format!("no answer within {}s", LOG_TIMEOUT.as_secs()),
            },
        };
        state.logs.push(ContainerLog {
            namespace,
            pod,
            container,
            tail,
        });
    }
}

/// Diagnoses one live DaemonSet of the connection's namespace.
pub async fn doctor(cluster: &Cluster, name: &str) -> Result<Report, ClusterError> {
    let state = gather(cluster, Scope::One(name)).await?;
    let ds = &state.daemon_sets[0];
    Ok(Doctor::new(&state).diagnose(ds))
}
