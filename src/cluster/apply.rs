use k8s_openapi::api::apps::v1::DaemonSet;
use std::collections::{BTreeSet, HashMap};

use futures::{StreamExt, stream};
use kube::api::{Api, ListParams, Patch, PatchParams};
use kube::core::Status;

use super::{Cluster, ClusterError, DEFAULT_FIELD_MANAGER};

/// How to apply.
#[derive(Debug, Clone)]
pub struct ApplyOptions {
    /// The field manager named in `managedFields`.
    pub field_manager: String,
    /// Ask the server to run every check and admission step but store nothing.
    pub dry_run: bool,
    /// Take over fields owned by other managers instead of failing.
    pub force_conflicts: bool,
}

impl Default for ApplyOptions {
    fn default() -> Self {
        ApplyOptions {
            field_manager: DEFAULT_FIELD_MANAGER.into(),
            dry_run: false,
            force_conflicts: false,
        }
    }
}

/// A field another manager owns, reported by server-side apply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    /// The field (`.spec.template.spec.containers[name="agent"].image`).
    pub field: String,
    /// The manager that owns it (`kubectl-client-side-apply`, `helm`, ...).
    pub manager: String,
}

impl Conflict {
    pub(crate) fn from_status(status: &Status) -> Vec<Conflict> {
        let causes = status
            .details
            .as_ref()
            .map(|d| d.causes.as_slice())
            .unwrap_or_default();
        let conflicts: Vec<Conflict> = causes
            .iter()
            .map(|cause| Conflict {
                field: cause.field.clone(),
                manager: quoted(&cause.message).unwrap_or_default(),
            })
            .collect();
        if conflicts.is_empty() {
            vec![Conflict {
                field: String::new(),
                manager: quoted(&status.message).unwrap_or_default(),
            }]
        } else {
            conflicts
        }
    }
}

fn quoted(text: &str) -> Option<String> {
    let start = text.find('"')? + 1;
    let end = start + text[start..].find('"')?;
    Some(text[start..end].to_owned())
}

/// What an apply did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApplyOutcome {
    /// The object did not exist and was created.
    Created,
    /// The object existed and changed.
    Configured,
    /// The object already was as desired.
    Unchanged,
}

/// The result of applying one DaemonSet.
#[derive(Debug, Clone)]
pub struct Applied {
    /// What happened (for a dry run: what would happen).
    pub outcome: ApplyOutcome,
    /// The object as the server returned it.
    pub object: DaemonSet,
    /// Whether this was a dry run.
    pub dry_run: bool,
}

impl Applied {
    /// `daemonset.apps/NAME created (server dry run)`, kubectl's wording.
    pub fn summary(&self) -> String {
        let verb = match self.outcome {
            ApplyOutcome::Created => "created",
            ApplyOutcome::Configured => "configured",
            ApplyOutcome::Unchanged => "unchanged",
        };
        let name = self.object.metadata.name.as_deref().unwrap_or_default();
        format!(
            "daemonset.apps/{name} {verb}{}",
            if self.dry_run {
                " (server dry run)"
            } else {
                ""
            }
        )
    }
}

impl Cluster {
    /// The namespace an object goes to: its own, else the connection's.
    pub(crate) fn namespace_of(&self, daemon_set: &DaemonSet) -> String {
        daemon_set
            .metadata
            .namespace
            .clone()
            .unwrap_or_else(|| self.namespace.clone())
    }

    /// The name, namespace and API of a DaemonSet, and its live version if it exists.
    pub(crate) async fn live(
        &self,
        daemon_set: &DaemonSet,
    ) -> Result<(String, String, Api<DaemonSet>, Option<DaemonSet>), ClusterError> {
        let name = daemon_set.metadata.name.clone().unwrap_or_default();
        let namespace = self.namespace_of(daemon_set);
        let api: Api<DaemonSet> = Api::namespaced(self.client.clone(), &namespace);
        let live = api
            .get_opt(&name)
            .await
            .map_err(|e| self.error(e, "daemonset", &name, &namespace))?;
        Ok((name, namespace, api, live))
    }

    /// Server-side applies one DaemonSet. A selector change of a live object is refused before sending (the
    /// server would reject it); a conflict with another field manager is reported with the fields and the manager
    /// unless `force_conflicts` is set.
    pub async fn apply(
        &self,
        daemon_set: &DaemonSet,
        options: &ApplyOptions,
    ) -> Result<Applied, ClusterError> {
        let (_, _, _, live) = self.live(daemon_set).await?;
        self.apply_over(daemon_set, live, options).await
    }

    /// Applies `daemon_set` given what is live (read before), checking the selector against it.
    async fn apply_over(
        &self,
        daemon_set: &DaemonSet,
        live: Option<DaemonSet>,
        options: &ApplyOptions,
    ) -> Result<Applied, ClusterError> {
        let name = daemon_set.metadata.name.clone().unwrap_or_default();
        let namespace = self.namespace_of(daemon_set);
        let api: Api<DaemonSet> = Api::namespaced(self.client.clone(), &namespace);
        if let Some(live) = &live {
            check_selector(&name, live, daemon_set)?;
        }
        let mut params = PatchParams::apply(&options.field_manager);
        if options.force_conflicts {
            params = params.force();
        }
        if options.dry_run {
            params = params.dry_run();
        }
        let mut body = daemon_set.clone();
        body.metadata.namespace = Some(namespace.clone());
        body.metadata.managed_fields = None;
        body.metadata.resource_version = None;
        body.status = None;
        let object = api
            .patch(&name, &params, &Patch::Apply(&body))
            .await
            .map_err(|e| self.error(e, "daemonset", &name, &namespace))?;
        // Compared without status: the controller writes status at any time, an apply never does.
        let outcome = match &live {
            None => ApplyOutcome::Created,
            Some(live) if comparable(live) == comparable(&object) => ApplyOutcome::Unchanged,
            Some(_) => ApplyOutcome::Configured,
        };
        Ok(Applied {
            outcome,
            object,
            dry_run: options.dry_run,
        })
    }

    /// Applies several DaemonSets: the live objects are read with one list per namespace, then up to
    /// 16 applies are in flight at once, and every object is sent whatever happens to the others.
    /// On errors, returns the ones that were applied (in input order) and the error of the first failing object
    /// (in input order); [`Cluster::apply_each`] gives every object's own outcome. Running again converges, since
    /// server-side apply is idempotent.
    pub async fn apply_all(
        &self,
        daemon_sets: &[DaemonSet],
        options: &ApplyOptions,
    ) -> Result<Vec<Applied>, (Vec<Applied>, ClusterError)> {
        let results = self
            .apply_each(daemon_sets, options)
            .await
            .map_err(|e| (Vec::new(), e))?;
        let mut done = Vec::with_capacity(results.len());
        let mut first_error = None;
        for result in results {
            match result {
                Ok(applied) => done.push(applied),
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
        match first_error {
            None => Ok(done),
            Some(e) => Err((done, e)),
        }
    }

    /// Applies several DaemonSets as [`Cluster::apply_all`] does and returns each object's own outcome, in input
    /// order (the `i`th result is the `i`th object's). The outer error means nothing was sent: the live objects
    /// could not be listed.
    pub async fn apply_each(
        &self,
        daemon_sets: &[DaemonSet],
        options: &ApplyOptions,
    ) -> Result<Vec<Result<Applied, ClusterError>>, ClusterError> {
        let mut live: HashMap<(String, String), DaemonSet> = HashMap::new();
        let namespaces: BTreeSet<String> =
            daemon_sets.iter().map(|ds| self.namespace_of(ds)).collect();
        for namespace in namespaces {
            let api: Api<DaemonSet> = Api::namespaced(self.client.clone(), &namespace);
            let list = api
                .list(&ListParams::default())
                .await
                .map_err(|e| self.error(e, "daemonsets", "", &namespace))?;
            for ds in list.items {
                let name = ds.metadata.name.clone().unwrap_or_default();
                live.insert((namespace.clone(), name), ds);
            }
        }
        let mut results: Vec<(usize, Result<Applied, ClusterError>)> =
            stream::iter(daemon_sets.iter().enumerate())
                .map(|(i, ds)| {
                    let key = (
                        self.namespace_of(ds),
                        ds.metadata.name.clone().unwrap_or_default(),
                    );
                    let current = live.get(&key).cloned();
                    async move { (i, self.apply_over(ds, current, options).await) }
                })
                .buffer_unordered(APPLY_CONCURRENCY)
                .collect()
                .await;
        results.sort_by_key(|(i, _)| *i);
        Ok(results.into_iter().map(|(_, result)| result).collect())
    }
}

/// How many applies [`Cluster::apply_all`] keeps in flight.
pub(crate) const APPLY_CONCURRENCY: usize = 16;

fn check_selector(name: &str, live: &DaemonSet, desired: &DaemonSet) -> Result<(), ClusterError> {
    let live_selector = live.spec.as_ref().map(|s| &s.selector);
    let desired_selector = desired.spec.as_ref().map(|s| &s.selector);
    match (live_selector, desired_selector) {
        (Some(l), Some(d)) if normalize(l) != normalize(d) => {
            Err(ClusterError::ImmutableSelector {
                name: name.into(),
                live: serde_json::to_string(l).unwrap_or_default(),
                desired: serde_json::to_string(d).unwrap_or_default(),
            })
        }
        _ => Ok(()),
    }
}

fn normalize(
    selector: &k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector,
) -> k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector {
    let mut s = selector.clone();
    if s.match_labels.as_ref().is_some_and(|m| m.is_empty()) {
        s.match_labels = None;
    }
    if s.match_expressions.as_ref().is_some_and(|m| m.is_empty()) {
        s.match_expressions = None;
    }
    s
}

/// The object without the fields every write changes and without status (which only the controller writes).
pub(crate) fn comparable(daemon_set: &DaemonSet) -> DaemonSet {
    let mut ds = daemon_set.clone();
    ds.metadata.managed_fields = None;
    ds.metadata.resource_version = None;
    ds.status = None;
    ds
}
