//! Which existing pods belong to a DaemonSet (its controller reference, or orphans its selector would adopt) and
//! which node a pod is on.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::DaemonSet;
use k8s_openapi::api::core::v1::Pod;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;

use super::affinity::NODE_NAME_FIELD;

fn namespace(ns: Option<&str>) -> &str {
    ns.filter(|n| !n.is_empty()).unwrap_or("default")
}

/// Whether a label selector matches labels (`metav1.LabelSelectorAsSelector`); an empty or missing selector matches
/// nothing here (the controller refuses a DaemonSet that selects every pod).
pub fn selector_matches(
    selector: Option<&LabelSelector>,
    labels: Option<&BTreeMap<String, String>>,
) -> bool {
    let Some(selector) = selector else {
        return false;
    };
    let match_labels = selector.match_labels.as_ref().filter(|m| !m.is_empty());
    let expressions = selector.match_expressions.as_deref().unwrap_or_default();
    if match_labels.is_none() && expressions.is_empty() {
        return false;
    }
    let get = |key: &str| labels.and_then(|l| l.get(key));
    match_labels.is_none_or(|m| m.iter().all(|(k, v)| get(k) == Some(v)))
        && expressions.iter().all(|e| {
            let values = e.values.as_deref().unwrap_or_default();
            let actual = get(&e.key);
            match e.operator.as_str() {
                "In" => actual.is_some_and(|a| values.contains(a)),
                "NotIn" => actual.is_none_or(|a| !values.contains(a)),
                "Exists" => actual.is_some(),
                "DoesNotExist" => actual.is_none(),
                _ => false,
            }
        })
}

/// Whether the pod is finished (`Succeeded` or `Failed`): it holds no resources and the controller replaces it.
pub fn is_terminal(pod: &Pod) -> bool {
    matches!(
        pod.status.as_ref().and_then(|s| s.phase.as_deref()),
        Some("Succeeded" | "Failed")
    )
}

/// Whether an existing pod is the DaemonSet's: same namespace and either controlled by it (owner reference of kind
/// DaemonSet with its name, and its uid when the DaemonSet has one) or an orphan that its selector matches (the
/// controller adopts those). Pods being deleted are not counted.
pub fn owned_by(pod: &Pod, ds: &DaemonSet) -> bool {
    if pod.metadata.deletion_timestamp.is_some()
        || namespace(pod.metadata.namespace.as_deref())
            != namespace(ds.metadata.namespace.as_deref())
    {
        return false;
    }
    let controller = pod
        .metadata
        .owner_references
        .as_deref()
        .unwrap_or_default()
        .iter()
        .find(|r| r.controller == Some(true));
    match controller {
        Some(r) => {
            r.kind == "DaemonSet"
                && Some(r.name.as_str()) == ds.metadata.name.as_deref()
                && ds.metadata.uid.as_deref().is_none_or(|uid| uid == r.uid)
        }
        None => selector_matches(
            ds.spec.as_ref().map(|s| &s.selector),
            pod.metadata.labels.as_ref(),
        ),
    }
}

/// The node a pod is bound to, or targeted at: `spec.nodeName`, else the single `metadata.name` of a `matchFields`
/// `In` requirement of its required node affinity (how the DaemonSet controller pins pods it creates).
pub fn target_node(pod: &Pod) -> Option<&str> {
    let spec = pod.spec.as_ref()?;
    if let Some(name) = spec.node_name.as_deref().filter(|n| !n.is_empty()) {
        return Some(name);
    }
    let terms = &spec
        .affinity
        .as_ref()?
        .node_affinity
        .as_ref()?
        .required_during_scheduling_ignored_during_execution
        .as_ref()?
        .node_selector_terms;
    terms
        .iter()
        .flat_map(|t| t.match_fields.as_deref().unwrap_or_default())
        .find_map(
            |r| match (r.key.as_str(), r.operator.as_str(), r.values.as_deref()) {
                (NODE_NAME_FIELD, "In", Some([one])) => Some(one.as_str()),
                _ => None,
            },
        )
}

/// Whether the pod is bound to a node (holds resources there, for the scheduler).
pub fn is_bound(pod: &Pod) -> bool {
    pod.spec
        .as_ref()
        .and_then(|s| s.node_name.as_deref())
        .is_some_and(|n| !n.is_empty())
}
