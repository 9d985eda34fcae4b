//! Helpers shared by the rule modules: label and annotation maps, label selectors, quantities, value printing.

use std::collections::BTreeMap;

use daemonset_rules::name;
use daemonset_rules::unique::Distinct;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity as K8sQuantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::violation::quote;
use super::{Path, Violation};

/// apimachinery `TotalAnnotationSizeLimitB`.
pub(super) const TOTAL_ANNOTATION_SIZE_LIMIT: usize = 256 * 1024;
/// apimachinery `IsNegativeErrorMsg`.
pub(super) const IS_NEGATIVE: &str = "must be greater than or equal to 0";

/// The errors found so far, in field order.
pub(super) type Errors = Vec<Violation>;

/// Quotes a string value like the server (`%q`).
pub(super) fn q(value: &str) -> String {
    quote(value)
}

/// The item at `item` repeats `name` in a list whose names must be distinct: the shared rule's finding, in the
/// server's words, at the item's field.
pub(super) fn distinct(rule: Distinct, name: &str, item: &Path<'_>, errors: &mut Errors) {
    if let Some(finding) = rule.finding(name) {
        errors.push(Violation::from_finding(item, finding));
    }
}

/// A string field as the server sees it after decoding: absent is empty.
pub(super) fn s(value: &Option<String>) -> &str {
    value.as_deref().unwrap_or("")
}

/// An int-or-string printed as the server prints it (JSON).
pub(super) fn int_or_string(value: &IntOrString) -> String {
    match value {
        IntOrString::Int(n) => n.to_string(),
        IntOrString::String(text) => q(text),
    }
}

/// A string map printed as Go's `json.Marshal` prints it (sorted keys), `null` when absent.
pub(super) fn map_json(map: Option<&BTreeMap<String, String>>) -> String {
    match map {
        None => "null".to_owned(),
        Some(map) => {
            let entries: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{}:{}", q(k), q(v)))
                .collect();
            format!("{{{}}}", entries.join(","))
        }
    }
}

/// A string list printed as JSON.
pub(super) fn list_json(list: &[String]) -> String {
    format!(
        "[{}]",
        list.iter().map(|v| q(v)).collect::<Vec<_>>().join(",")
    )
}

/// `ValidateNonnegativeField`.
pub(super) fn nonnegative(value: i64, path: Path<'_>, errors: &mut Errors) {
    if value < 0 {
        errors.push(Violation::invalid(path, value.to_string(), IS_NEGATIVE));
    }
}

/// Pushes one `Invalid value` per message.
pub(super) fn invalid_each(
    messages: Vec<String>,
    path: &Path<'_>,
    value: &str,
    errors: &mut Errors,
) {
    for message in messages {
        errors.push(Violation::invalid(path.clone(), q(value), message));
    }
}

/// `ValidateDNS1123Label`.
pub(super) fn dns_label(value: &str, path: &Path<'_>, errors: &mut Errors) {
    invalid_each(name::dns1123_label(value), path, value, errors);
}

/// `ValidateDNS1123Subdomain` (also `NameIsDNSSubdomain` for names that are not prefixes).
pub(super) fn dns_subdomain(value: &str, path: &Path<'_>, errors: &mut Errors) {
    invalid_each(name::dns1123_subdomain(value), path, value, errors);
}

/// `ValidateLabelName` / `ValidateQualifiedName`.
pub(super) fn qualified_name(value: &str, path: &Path<'_>, errors: &mut Errors) {
    invalid_each(name::qualified_name(value), path, value, errors);
}

/// `ValidateLabels`: every key a qualified name, every value a label value, all reported at the map's path.
pub(super) fn labels(map: Option<&BTreeMap<String, String>>, path: &Path<'_>, errors: &mut Errors) {
    for (key, value) in map.into_iter().flatten() {
        qualified_name(key, path, errors);
        invalid_each(name::label_value(value), path, value, errors);
    }
}

/// `ValidateAnnotations`: keys are qualified names once lower-cased; the total size is limited.
pub(super) fn annotations(
    map: Option<&BTreeMap<String, String>>,
    path: &Path<'_>,
    errors: &mut Errors,
) {
    let Some(map) = map else { return };
    for key in map.keys() {
        // Lower-casing changes nothing in a key of ASCII without capitals (nearly every key): no copy then.
        let lower = if key.bytes().all(|b| b.is_ascii() && !b.is_ascii_uppercase()) {
            std::borrow::Cow::Borrowed(key.as_str())
        } else {
            std::borrow::Cow::Owned(key.to_lowercase())
        };
        invalid_each(name::qualified_name(&lower), path, key, errors);
    }
    let size: usize = map.iter().map(|(k, v)| k.len() + v.len()).sum();
    if size > TOTAL_ANNOTATION_SIZE_LIMIT {
        errors.push(Violation::too_long(
            path.clone(),
            TOTAL_ANNOTATION_SIZE_LIMIT,
        ));
    }
}

/// `ValidateLabelSelector` (metav1 validation).
pub(super) fn label_selector(
    selector: &LabelSelector,
    allow_invalid_values: bool,
    path: &Path<'_>,
    errors: &mut Errors,
) {
    labels(
        selector.match_labels.as_ref(),
        &path.child("matchLabels"),
        errors,
    );
    for (i, expr) in selector.match_expressions.iter().flatten().enumerate() {
        selector_requirement(
            &expr.key,
            &expr.operator,
            expr.values.as_deref().unwrap_or_default(),
            allow_invalid_values,
            &path.child("matchExpressions").index(i),
            errors,
            |_, _, _, _| false,
        );
    }
}

/// What label selectors and node selectors check alike (`ValidateLabelSelectorRequirement`,
/// `ValidateNodeSelectorRequirement`): the values each operator takes, the key, and (unless invalid values are
/// allowed) the values' label syntax. `other_operator` handles the operators only one of them knows (`Gt`/`Lt`) and
/// returns whether it knew the operator.
pub(super) fn selector_requirement(
    key: &str,
    operator: &str,
    values: &[String],
    allow_invalid_values: bool,
    path: &Path<'_>,
    errors: &mut Errors,
    other_operator: impl FnOnce(&str, &[String], &Path<'_>, &mut Errors) -> bool,
) {
    use daemonset_rules::model::{ClosedSet, NodeSelectorOperator};
    match NodeSelectorOperator::parse(operator) {
        Ok(
            op @ (NodeSelectorOperator::In
            | NodeSelectorOperator::NotIn
            | NodeSelectorOperator::Exists
            | NodeSelectorOperator::DoesNotExist),
        ) => {
            let texts: Vec<&str> = values.iter().map(String::as_str).collect();
            if let Some(finding) = daemonset_rules::check::requirement_values(op, &texts) {
                errors.push(Violation::from_finding(path, finding));
            }
        }
        _ => {
            let other = operator;
            if !other_operator(other, values, path, errors) {
                errors.push(Violation::invalid(
                    path.child("operator"),
                    q(other),
                    "not a valid selector operator",
                ));
            }
        }
    }
    qualified_name(key, &path.child("key"), errors);
    if !allow_invalid_values {
        for (j, value) in values.iter().enumerate() {
            invalid_each(
                name::label_value(value),
                &path.child("values").index(j),
                value,
                errors,
            );
        }
    }
}

/// Whether the selector has no requirement at all (`{}`).
pub(super) fn selector_is_empty(selector: &LabelSelector) -> bool {
    selector
        .match_labels
        .as_ref()
        .is_none_or(BTreeMap::is_empty)
        && selector
            .match_expressions
            .as_ref()
            .is_none_or(Vec::is_empty)
}

/// `LabelSelectorAsSelector(...).Matches(labels)`; `None` when the selector cannot be converted (it is invalid).
pub(super) fn selector_matches(
    selector: &LabelSelector,
    labels: Option<&BTreeMap<String, String>>,
) -> Option<bool> {
    let mut strict = Vec::new();
    label_selector(selector, false, &Path::root("selector"), &mut strict);
    strict
        .is_empty()
        .then(|| selector_matches_labels(selector, labels))
}

/// `selector.Matches(labels)` for a selector already known to be valid (see [`selector_matches`]).
pub(super) fn selector_matches_labels(
    selector: &LabelSelector,
    labels: Option<&BTreeMap<String, String>>,
) -> bool {
    let get = |key: &str| labels.and_then(|l| l.get(key));
    let labels_ok = selector
        .match_labels
        .iter()
        .flatten()
        .all(|(k, v)| get(k) == Some(v));
    let exprs_ok = selector.match_expressions.iter().flatten().all(|expr| {
        let values = expr.values.as_deref().unwrap_or_default();
        let value = get(&expr.key);
        match expr.operator.as_str() {
            "In" => value.is_some_and(|v| values.contains(v)),
            "NotIn" => value.is_none_or(|v| !values.contains(v)),
            "Exists" => value.is_some(),
            "DoesNotExist" => value.is_none(),
            _ => false,
        }
    });
    labels_ok && exprs_ok
}

/// A label selector printed as Go's `json.Marshal` prints a `metav1.LabelSelector`.
pub(super) fn selector_json(selector: &LabelSelector) -> String {
    let mut parts = Vec::new();
    if let Some(labels) = selector.match_labels.as_ref().filter(|m| !m.is_empty()) {
        parts.push(format!("\"matchLabels\":{}", map_json(Some(labels))));
    }
    if let Some(exprs) = selector
        .match_expressions
        .as_ref()
        .filter(|e| !e.is_empty())
    {
        let exprs: Vec<String> = exprs
            .iter()
            .map(|e| {
                let mut fields = vec![
                    format!("\"key\":{}", q(&e.key)),
                    format!("\"operator\":{}", q(&e.operator)),
                ];
                if let Some(values) = e.values.as_ref().filter(|v| !v.is_empty()) {
                    fields.push(format!("\"values\":{}", list_json(values)));
                }
                format!("{{{}}}", fields.join(","))
            })
            .collect();
        parts.push(format!("\"matchExpressions\":[{}]", exprs.join(",")));
    }
    format!("{{{}}}", parts.join(","))
}

/// Parses a quantity as the server's decoder would; a malformed one is reported at `path` (the server answers such
/// an object with HTTP 400 before validating it).
pub(super) fn quantity(
    value: &K8sQuantity,
    path: &Path<'_>,
    errors: &mut Errors,
) -> Option<daemonset_rules::Quantity> {
    match daemonset_rules::Quantity::parse(&value.0) {
        Ok(parsed) => Some(parsed),
        Err(err) => {
            errors.push(Violation::invalid(
                path.clone(),
                q(&value.0),
                err.to_string(),
            ));
            None
        }
    }
}
