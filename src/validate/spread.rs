//! Topology spread constraints (`validateTopologySpreadConstraints`) and the `matchLabelKeys` /
//! `mismatchLabelKeys` rules shared with pod (anti-)affinity terms.

use std::collections::BTreeSet;

use k8s_openapi::api::core::v1::TopologySpreadConstraint;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;

use super::common::{self, Errors, q};
use super::{Path, Violation};

/// `validateTopologySpreadConstraints` with the 1.34 defaults (MatchLabelKeysInPodTopologySpread and its
/// SelectorMerge on, so `ValidateMatchLabelKeysAndMismatchLabelKeys` applies).
pub(super) fn topology_spread_constraints(
    constraints: &[TopologySpreadConstraint],
    path: &Path<'_>,
    errors: &mut Errors,
) {
    for (i, constraint) in constraints.iter().enumerate() {
        let p = path.index(i);
        if constraint.max_skew <= 0 {
            errors.push(Violation::invalid(
                p.child("maxSkew"),
                constraint.max_skew.to_string(),
                "must be greater than zero",
            ));
        }
        if constraint.topology_key.is_empty() {
            errors.push(Violation::required(
                p.child("topologyKey"),
                "can not be empty",
            ));
        }
        let action = constraint.when_unsatisfiable.as_str();
        if !["DoNotSchedule", "ScheduleAnyway"].contains(&action) {
            errors.push(Violation::unsupported(
                p.child("whenUnsatisfiable"),
                action,
                &["DoNotSchedule", "ScheduleAnyway"],
            ));
        }
        if constraints[i + 1..].iter().any(|other| {
            other.topology_key == constraint.topology_key
                && other.when_unsatisfiable == constraint.when_unsatisfiable
        }) {
            errors.push(Violation::duplicate(
                p.child("{topologyKey, whenUnsatisfiable}"),
                q(&format!("{{{}, {}}}", constraint.topology_key, action)),
            ));
        }
        if let Some(min_domains) = constraint.min_domains {
            let min_path = p.child("minDomains");
            if min_domains <= 0 {
                errors.push(Violation::invalid(
                    min_path.clone(),
                    min_domains.to_string(),
                    "must be greater than zero",
                ));
            }
            if action != "DoNotSchedule" {
                errors.push(Violation::invalid(
                    min_path,
                    min_domains.to_string(),
                    format!(
                        "can only use minDomains if whenUnsatisfiable=DoNotSchedule, not {action}"
                    ),
                ));
            }
        }
        for (field, policy) in [
            ("nodeAffinityPolicy", &constraint.node_affinity_policy),
            ("nodeTaintsPolicy", &constraint.node_taints_policy),
        ] {
            if let Some(policy) = policy
                && !["Honor", "Ignore"].contains(&policy.as_str())
            {
                errors.push(Violation::unsupported(
                    p.child(field),
                    policy,
                    &["Honor", "Ignore"],
                ));
            }
        }
        match_label_keys(
            &p,
            constraint.match_label_keys.as_deref().unwrap_or_default(),
            &[],
            constraint.label_selector.as_ref(),
            errors,
        );
        if let Some(selector) = &constraint.label_selector {
            common::label_selector(selector, false, &p.child("labelSelector"), errors);
        }
    }
}

/// `ValidateMatchLabelKeysAndMismatchLabelKeys`; `path` is the term or constraint.
pub(super) fn match_label_keys(
    path: &Path<'_>,
    match_keys: &[String],
    mismatch_keys: &[String],
    selector: Option<&LabelSelector>,
    errors: &mut Errors,
) {
    for (field, keys) in [
        ("matchLabelKeys", match_keys),
        ("mismatchLabelKeys", mismatch_keys),
    ] {
        if keys.is_empty() {
            continue;
        }
        if selector.is_none() {
            errors.push(Violation::forbidden(
                path.child(field),
                "must not be specified when labelSelector is not set",
            ));
            continue;
        }
        for (i, key) in keys.iter().enumerate() {
            common::qualified_name(key, &path.child(field).index(i), errors);
        }
    }
    // A key of matchLabelKeys in a matchExpression of the selector whose key the selector already has (the server
    // merges matchLabelKeys into the selector of pods; in a template that is only a repeated key). The server names
    // the term's path with the index, not `matchLabelKeys`.
    if let Some(selector) = selector {
        let mut selector_keys: BTreeSet<&str> = selector
            .match_labels
            .iter()
            .flat_map(|m| m.keys())
            .map(String::as_str)
            .collect();
        for expression in selector.match_expressions.iter().flatten() {
            let key = expression.key.as_str();
            if let Some(i) = match_keys.iter().rposition(|k| k == key)
                && selector_keys.contains(key)
            {
                errors.push(Violation::invalid(
                    path.index(i),
                    q(key),
                    "exists in both matchLabelKeys and labelSelector",
                ));
            }
            selector_keys.insert(key);
        }
    }
    let mismatch: BTreeSet<&str> = mismatch_keys.iter().map(String::as_str).collect();
    for (i, key) in match_keys.iter().enumerate() {
        if mismatch.contains(key.as_str()) {
            errors.push(Violation::invalid(
                path.child("matchLabelKeys").index(i),
                q(key),
                "exists in both matchLabelKeys and mismatchLabelKeys",
            ));
        }
    }
}
