//! Where pods may go: node affinity (`validateAffinity`, `ValidateNodeSelector`) and tolerations
//! (`ValidateTolerations`). The `nodeSelector` map itself is checked with the label rules in `pod`.

use daemonset_rules::check::{self, TolerationFields};
use daemonset_rules::model::{ClosedSet, NodeSelectorOperator};
use k8s_openapi::api::core::v1::{
    Affinity, NodeSelectorRequirement, NodeSelectorTerm, PodAffinityTerm, Toleration,
};

use super::common::{self, Errors, q, s};
use super::{Path, Violation};

/// `validateAffinity`.
pub(super) fn affinity(affinity: Option<&Affinity>, path: &Path<'_>, errors: &mut Errors) {
    let Some(affinity) = affinity else { return };
    if let Some(node) = &affinity.node_affinity {
        let node_path = path.child("nodeAffinity");
        if let Some(required) = &node.required_during_scheduling_ignored_during_execution {
            let required_path = node_path.child("requiredDuringSchedulingIgnoredDuringExecution");
            let terms_path = required_path.child("nodeSelectorTerms");
            if required.node_selector_terms.is_empty() {
                errors.push(Violation::required(
                    terms_path,
                    "must have at least one node selector term",
                ));
            } else {
                for (i, term) in required.node_selector_terms.iter().enumerate() {
                    node_selector_term(term, false, &terms_path.index(i), errors);
                }
            }
        }
        let preferred_path = node_path.child("preferredDuringSchedulingIgnoredDuringExecution");
        for (i, term) in node
            .preferred_during_scheduling_ignored_during_execution
            .iter()
            .flatten()
            .enumerate()
        {
            if let Some(finding) = check::weight(term.weight.into()) {
                errors.push(Violation::from_finding(&preferred_path.index(i), finding));
            }
            // Preferred terms tolerate invalid label values.
            node_selector_term(
                &term.preference,
                true,
                &preferred_path.index(i).child("preference"),
                errors,
            );
        }
    }
    for (field, pod_affinity) in [
        (
            "podAffinity",
            affinity.pod_affinity.as_ref().map(|a| {
                (
                    &a.required_during_scheduling_ignored_during_execution,
                    &a.preferred_during_scheduling_ignored_during_execution,
                )
            }),
        ),
        (
            "podAntiAffinity",
            affinity.pod_anti_affinity.as_ref().map(|a| {
                (
                    &a.required_during_scheduling_ignored_during_execution,
                    &a.preferred_during_scheduling_ignored_during_execution,
                )
            }),
        ),
    ] {
        let Some((required, preferred)) = pod_affinity else {
            continue;
        };
        let path = path.child(field);
        let required_path = path.child("requiredDuringSchedulingIgnoredDuringExecution");
        for (i, term) in required.iter().flatten().enumerate() {
            pod_affinity_term(term, &required_path.index(i), errors);
        }
        let preferred_path = path.child("preferredDuringSchedulingIgnoredDuringExecution");
        for (i, term) in preferred.iter().flatten().enumerate() {
            if let Some(finding) = check::weight(term.weight.into()) {
                errors.push(Violation::from_finding(&preferred_path.index(i), finding));
            }
            pod_affinity_term(
                &term.pod_affinity_term,
                &preferred_path.index(i).child("podAffinityTerm"),
                errors,
            );
        }
    }
}

/// `validatePodAffinityTerm`: selectors, namespaces and a required topology key.
fn pod_affinity_term(term: &PodAffinityTerm, path: &Path<'_>, errors: &mut Errors) {
    if let Some(selector) = &term.label_selector {
        common::label_selector(selector, false, &path.child("labelSelector"), errors);
    }
    if let Some(selector) = &term.namespace_selector {
        common::label_selector(selector, false, &path.child("namespaceSelector"), errors);
    }
    for namespace in term.namespaces.iter().flatten() {
        common::dns_label(namespace, &path.child("namespace"), errors);
    }
    super::spread::match_label_keys(
        path,
        term.match_label_keys.as_deref().unwrap_or_default(),
        term.mismatch_label_keys.as_deref().unwrap_or_default(),
        term.label_selector.as_ref(),
        errors,
    );
    if term.topology_key.is_empty() {
        errors.push(Violation::required(
            path.child("topologyKey"),
            "can not be empty",
        ));
    }
    common::qualified_name(&term.topology_key, &path.child("topologyKey"), errors);
}

/// `ValidateNodeSelectorTerm`.
fn node_selector_term(
    term: &NodeSelectorTerm,
    allow_invalid_values: bool,
    path: &Path<'_>,
    errors: &mut Errors,
) {
    for (j, req) in term.match_expressions.iter().flatten().enumerate() {
        node_selector_requirement(
            req,
            allow_invalid_values,
            &path.child("matchExpressions").index(j),
            errors,
        );
    }
    for (j, req) in term.match_fields.iter().flatten().enumerate() {
        node_field_requirement(req, &path.child("matchFields").index(j), errors);
    }
}

/// `ValidateNodeSelectorRequirement`.
fn node_selector_requirement(
    req: &NodeSelectorRequirement,
    allow_invalid_values: bool,
    path: &Path<'_>,
    errors: &mut Errors,
) {
    common::selector_requirement(
        &req.key,
        &req.operator,
        req.values.as_deref().unwrap_or_default(),
        allow_invalid_values,
        path,
        errors,
        |operator, values, path, errors| {
            let Ok(operator @ (NodeSelectorOperator::Gt | NodeSelectorOperator::Lt)) =
                NodeSelectorOperator::parse(operator)
            else {
                return false;
            };
            let values: Vec<&str> = values.iter().map(String::as_str).collect();
            if let Some(finding) = check::requirement_values(operator, &values) {
                errors.push(Violation::from_finding(path, finding));
            }
            true
        },
    );
}

/// `ValidateNodeFieldSelectorRequirement`: only `metadata.name`, `In`/`NotIn` with one node name.
fn node_field_requirement(req: &NodeSelectorRequirement, path: &Path<'_>, errors: &mut Errors) {
    let values = req.values.as_deref().unwrap_or_default();
    match req.operator.as_str() {
        "In" | "NotIn" => {
            if values.len() != 1 {
                errors.push(Violation::required(
                    path.child("values"),
                    "must be only one value when `operator` is 'In' or 'NotIn' for node field selector",
                ));
            }
        }
        other => {
            errors.push(Violation::invalid(
                path.child("operator"),
                q(other),
                "not a valid selector operator",
            ));
        }
    }
    if req.key != "metadata.name" {
        errors.push(Violation::invalid(
            path.child("key"),
            q(&req.key),
            "not a valid field selector key",
        ));
    } else {
        for (i, value) in values.iter().enumerate() {
            common::dns_subdomain(value, &path.child("values").index(i), errors);
        }
    }
}

/// `ValidateTolerations`.
pub(super) fn tolerations(tolerations: &[Toleration], path: &Path<'_>, errors: &mut Errors) {
    for (i, toleration) in tolerations.iter().enumerate() {
        let path = path.index(i);
        let key = s(&toleration.key);
        let operator = s(&toleration.operator);
        let effect = s(&toleration.effect);
        let value = s(&toleration.value);
        if !key.is_empty() {
            common::qualified_name(key, &path.child("key"), errors);
        }
        let findings = check::toleration(TolerationFields {
            key: Some(key),
            operator: Some(operator),
            value: Some(value),
            effect: Some(effect),
            seconds: toleration.toleration_seconds.is_some(),
        });
        errors.extend(
            findings
                .into_iter()
                .map(|f| Violation::from_finding(&path, f)),
        );
    }
}
