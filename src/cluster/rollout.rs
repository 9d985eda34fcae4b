use std::collections::BTreeMap;
use std::time::Duration;

use futures::{StreamExt, TryStreamExt};
use k8s_openapi::api::apps::v1::{ControllerRevision, DaemonSet};
use kube::api::{Api, ListParams, Patch, PatchParams};
use kube::runtime::watcher;

use super::{Cluster, ClusterError};

/// The field manager recorded for a rollback (kubectl records `kubectl-rollout`).
pub(crate) const ROLLBACK_FIELD_MANAGER: &str = "daemonset-rollout";

/// Where a rollout stands, computed from the DaemonSet's status as `kubectl rollout status` does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RolloutState {
    /// The controller has not seen the latest spec yet.
    WaitingForObservation,
    /// Pods still run the old template.
    Updating,
    /// Every pod runs the new template, some are not available yet.
    WaitingForAvailability,
    /// Every desired pod is updated and available.
    Complete,
    /// OnDelete: new pods appear only when old ones are deleted by hand; `old` pods still run the old template.
    OnDelete {
        /// Pods still on an old revision.
        old: i32,
    },
}

/// The counts behind a rollout's state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RolloutStatus {
    /// The DaemonSet's name.
    pub name: String,
    /// The state.
    pub state: RolloutState,
    /// Nodes that should run the pod.
    pub desired: i32,
    /// Nodes that run a pod of the DaemonSet, of any revision.
    pub current: i32,
    /// Pods running the current template.
    pub updated: i32,
    /// Pods available (ready for minReadySeconds).
    pub available: i32,
    /// Pods ready.
    pub ready: i32,
}

impl RolloutStatus {
    /// Computes the status of a DaemonSet object.
    pub fn of(daemon_set: &DaemonSet) -> RolloutStatus {
        let name = daemon_set.metadata.name.clone().unwrap_or_default();
        let status = daemon_set.status.clone().unwrap_or_default();
        let desired = status.desired_number_scheduled;
        let updated = status.updated_number_scheduled.unwrap_or(0);
        let available = status.number_available.unwrap_or(0);
        let ready = status.number_ready;
        let current = status.current_number_scheduled;
        let on_delete = daemon_set
            .spec
            .as_ref()
            .and_then(|s| s.update_strategy.as_ref())
            .and_then(|u| u.type_.as_deref())
            == Some("OnDelete");
        let observed =
            daemon_set.metadata.generation.unwrap_or(0) <= status.observed_generation.unwrap_or(0);
        let state = if !observed {
            RolloutState::WaitingForObservation
        } else if on_delete {
            RolloutState::OnDelete {
                old: (current - updated).max(0),
            }
        } else if updated < desired {
            RolloutState::Updating
        } else if available < desired {
            RolloutState::WaitingForAvailability
        } else {
            RolloutState::Complete
        };
        RolloutStatus {
            name,
            state,
            desired,
            current,
            updated,
            available,
            ready,
        }
    }

    /// Whether waiting is over: complete, or (OnDelete, where nothing more happens without a hand) every desired
    /// pod exists.
    pub fn is_done(&self) -> bool {
        match self.state {
            RolloutState::Complete => true,
            RolloutState::OnDelete { .. } => self.current >= self.desired,
            _ => false,
        }
    }

    /// kubectl's line for this status.
    pub fn message(&self) -> String {
        let name = &self.name;
        match &self.state {
            RolloutState::WaitingForObservation => {
                "Waiting for daemon set spec update to be observed...".into()
            }
            RolloutState::Updating => format!(
                "Waiting for daemon set \"{name}\" rollout to finish: {} out of {} new pods have been updated...",
                self.updated, self.desired
            ),
            RolloutState::WaitingForAvailability => format!(
                "Waiting for daemon set \"{name}\" rollout to finish: {} of {} updated pods are available...",
                self.available, self.desired
            ),
            RolloutState::Complete => format!("daemon set \"{name}\" successfully rolled out"),
            RolloutState::OnDelete { old } => format!(
                "daemon set \"{name}\" uses the OnDelete strategy: {} of {} pods run the current template, {old} still \
                 run an old revision and are replaced only when deleted",
                self.updated, self.desired
            ),
        }
    }
}

/// One entry of the rollout history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revision {
    /// The revision number.
    pub revision: i64,
    /// The ControllerRevision's name.
    pub name: String,
    /// The `kubernetes.io/change-cause` annotation.
    pub change_cause: Option<String>,
    /// The images of the template's containers.
    pub images: Vec<String>,
    data: serde_json::Value,
}

impl Revision {
    /// The image of each container of this revision's template, by container name.
    pub fn images_by_container(&self) -> BTreeMap<String, String> {
        self.data["spec"]["template"]["spec"]["containers"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|c| {
                Some((
                    c["name"].as_str()?.to_owned(),
                    c["image"].as_str()?.to_owned(),
                ))
            })
            .collect()
    }

    /// The pod template stored in this revision.
    pub fn template(&self) -> Option<k8s_openapi::api::core::v1::PodTemplateSpec> {
        let mut template = self.data["spec"]["template"].clone();
        template.as_object_mut()?.remove("$patch");
        serde_json::from_value(template).ok()
    }
}

/// What an undo did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UndoOutcome {
    /// The template of this revision was restored.
    RolledBack {
        /// The revision restored.
        revision: i64,
    },
    /// The current template already is this revision's.
    AlreadyMatches {
        /// The revision asked for.
        revision: i64,
    },
}

impl Cluster {
    async fn get_daemon_set(&self, name: &str) -> Result<DaemonSet, ClusterError> {
        let api: Api<DaemonSet> = Api::namespaced(self.client.clone(), &self.namespace);
        api.get(name)
            .await
            .map_err(|e| self.error(e, "daemonset", name, &self.namespace))
    }

    /// The current rollout status of a DaemonSet.
    pub async fn rollout_status(&self, name: &str) -> Result<RolloutStatus, ClusterError> {
        Ok(RolloutStatus::of(&self.get_daemon_set(name).await?))
    }

    /// Watches a DaemonSet (a watch, not polling) and calls `progress` with each new status until the rollout is
    /// done or `timeout` passes. A DaemonSet deleted while watched (or deleted and created again, with a new uid)
    /// ends the wait with [`ClusterError::Deleted`], as kubectl says "object has been deleted".
    pub async fn wait_for_rollout(
        &self,
        name: &str,
        timeout: Option<Duration>,
        mut progress: impl FnMut(&RolloutStatus),
    ) -> Result<RolloutStatus, ClusterError> {
        let first_object = self.get_daemon_set(name).await?;
        let uid = first_object.metadata.uid.clone();
        let first = RolloutStatus::of(&first_object);
        progress(&first);
        if first.is_done() {
            return Ok(first);
        }
        let api: Api<DaemonSet> = Api::namespaced(self.client.clone(), &self.namespace);
        let config = watcher::Config::default()
            .fields(&format!("metadata.name={name}"))
            .timeout(super::WATCH_SECONDS);
        let deleted = || ClusterError::Deleted {
            kind: "daemonset".into(),
            name: name.into(),
            namespace: self.namespace.clone(),
        };
        let mut last = first;
        let watch = async {
            let mut stream = watcher(api, config).boxed();
            // While a (re)list is under way: whether it has shown the object.
            let mut listing: Option<bool> = None;
            while let Some(event) = stream.try_next().await.map_err(|e| match e {
                // A request of the watch failed: the same error as any request's.
                watcher::Error::InitialListFailed(e)
                | watcher::Error::WatchStartFailed(e)
                | watcher::Error::WatchFailed(e) => {
                    self.error(e, "daemonset", name, &self.namespace)
                }
                other => ClusterError::Watch {
                    kind: "daemonset".into(),
                    name: name.into(),
                    source: other,
                },
            })? {
                let ds = match event {
                    watcher::Event::Delete(_) => return Err(deleted()),
                    watcher::Event::Init => {
                        listing = Some(false);
                        continue;
                    }
                    watcher::Event::InitDone => {
                        if listing == Some(false) {
                            return Err(deleted());
                        }
                        listing = None;
                        continue;
                    }
                    watcher::Event::InitApply(ds) => {
                        listing = Some(true);
                        ds
                    }
                    watcher::Event::Apply(ds) => ds,
                };
                if uid.is_some() && ds.metadata.uid != uid {
                    return Err(deleted());
                }
                let status = RolloutStatus::of(&ds);
                if status != last {
                    progress(&status);
                    last = status;
                }
                if last.is_done() {
                    return Ok(());
                }
            }
            Err(ClusterError::WatchEnded {
                kind: "daemonset".into(),
                name: name.into(),
            })
        };
        match timeout {
            Some(limit) => match tokio::time::timeout(limit, watch).await {
                Ok(result) => result?,
                Err(_) => {
                    return Err(ClusterError::Timeout {
                        name: name.into(),
                        seconds: limit.as_secs(),
                        status: last.message(),
                    });
                }
            },
            None => watch.await?,
        }
        Ok(last)
    }

    /// The ControllerRevisions the DaemonSet controls, oldest first.
    pub async fn rollout_history(&self, name: &str) -> Result<Vec<Revision>, ClusterError> {
        let ds = self.get_daemon_set(name).await?;
        self.history_of(&ds).await
    }

    async fn history_of(&self, ds: &DaemonSet) -> Result<Vec<Revision>, ClusterError> {
        let uid = ds.metadata.uid.clone().unwrap_or_default();
        let selector = ds
            .spec
            .as_ref()
            .and_then(|s| s.selector.match_labels.clone())
            .unwrap_or_default()
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(",");
        let api: Api<ControllerRevision> = Api::namespaced(self.client.clone(), &self.namespace);
        let name = ds.metadata.name.clone().unwrap_or_default();
        let list = api
            .list(&ListParams::default().labels(&selector))
            .await
            .map_err(|e| self.error(e, "controllerrevisions", &name, &self.namespace))?;
        let mut revisions: Vec<Revision> = list
            .items
            .into_iter()
            .filter(|cr| {
                cr.metadata
                    .owner_references
                    .iter()
                    .flatten()
                    .any(|o| o.controller == Some(true) && o.uid == uid)
            })
            .map(|cr| {
                let data = cr.data.map(|d| d.0).unwrap_or(serde_json::Value::Null);
                let images = data["spec"]["template"]["spec"]["containers"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|c| c["image"].as_str().map(str::to_owned))
                    .collect();
                Revision {
                    revision: cr.revision,
                    name: cr.metadata.name.unwrap_or_default(),
                    change_cause: cr
                        .metadata
                        .annotations
                        .as_ref()
                        .and_then(|a| a.get("kubernetes.io/change-cause").cloned()),
                    images,
                    data,
                }
            })
            .collect();
        revisions.sort_by_key(|r| r.revision);
        Ok(revisions)
    }

    /// Restores the pod template of a revision like `kubectl rollout undo`: `to_revision` 0 (or `None`) is the
    /// previous one. Only `spec.template` changes.
    pub async fn rollout_undo(
        &self,
        name: &str,
        to_revision: Option<i64>,
    ) -> Result<UndoOutcome, ClusterError> {
        let ds = self.get_daemon_set(name).await?;
        let history = self.history_of(&ds).await?;
        let target = match to_revision.unwrap_or(0) {
            0 => {
                if history.len() < 2 {
                    return Err(ClusterError::Rollback(
                        "no last revision to roll back to".into(),
                    ));
                }
                &history[history.len() - 2]
            }
            n => history.iter().find(|r| r.revision == n).ok_or_else(|| {
                ClusterError::Rollback(format!("unable to find specified revision {n} in history"))
            })?,
        };
        let mut patch = target.data.clone();
        if template_matches(&ds, &patch) {
            return Ok(UndoOutcome::AlreadyMatches {
                revision: target.revision,
            });
        }
        if let Some(obj) = patch.as_object_mut() {
            obj.retain(|k, _| k == "spec");
        }
        let api: Api<DaemonSet> = Api::namespaced(self.client.clone(), &self.namespace);
        let params = PatchParams {
            field_manager: Some(ROLLBACK_FIELD_MANAGER.into()),
            ..PatchParams::default()
        };
        api.patch(name, &params, &Patch::Strategic(&patch))
            .await
            .map_err(|e| self.error(e, "daemonset", name, &self.namespace))?;
        Ok(UndoOutcome::RolledBack {
            revision: target.revision,
        })
    }
}

/// Whether the DaemonSet's template already equals the revision's (`"$patch": "replace"` directive removed).
fn template_matches(ds: &DaemonSet, data: &serde_json::Value) -> bool {
    let mut template = data["spec"]["template"].clone();
    if let Some(obj) = template.as_object_mut() {
        obj.remove("$patch");
    }
    let current = ds
        .spec
        .as_ref()
        .map(|s| serde_json::to_value(&s.template).unwrap_or_default());
    let wanted: Option<k8s_openapi::api::core::v1::PodTemplateSpec> =
        serde_json::from_value(template).ok();
    match (
        current,
        wanted.map(|w| serde_json::to_value(w).unwrap_or_default()),
    ) {
        (Some(c), Some(w)) => strip_nulls(c) == strip_nulls(w),
        _ => false,
    }
}

fn strip_nulls(value: serde_json::Value) -> serde_json::Value {
    match value {
        serde_json::Value::Object(map) => serde_json::Value::Object(
            map.into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, strip_nulls(v)))
                .collect(),
        ),
        serde_json::Value::Array(items) => {
            serde_json::Value::Array(items.into_iter().map(strip_nulls).collect())
        }
        other => other,
    }
}
