//! `ValidateDaemonSet`, `ValidateDaemonSetSpec`, `ValidateDaemonSetUpdateStrategy` (rules section A).

use daemonset_rules::model::{ClosedSet, UpdateStrategyType};
use daemonset_rules::name;
use k8s_openapi::api::apps::v1::{
    DaemonSet, DaemonSetSpec, DaemonSetUpdateStrategy, RollingUpdateDaemonSet,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::common::{self, Errors, int_or_string, map_json, nonnegative, q, s};
use super::{Path, Violation, pod};

/// How the object is checked: on create, or on update from an old object.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Options {
    /// `AllowInvalidLabelValueInSelector`: the old object already had invalid values in its selector.
    pub allow_invalid_selector_values: bool,
}

pub(super) fn validate(daemon_set: &DaemonSet, errors: &mut Vec<Violation>) {
    validate_with(daemon_set, Options::default(), errors);
}

pub(super) fn validate_with(daemon_set: &DaemonSet, options: Options, errors: &mut Errors) {
    object_meta(&daemon_set.metadata, &Path::root("metadata"), errors);
    let default_spec;
    let spec = match &daemon_set.spec {
        Some(spec) => spec,
        None => {
            default_spec = DaemonSetSpec::default();
            &default_spec
        }
    };
    daemon_set_spec(spec, options, &Path::root("spec"), errors);
}

/// `ValidateObjectMeta` with `NameIsDNSSubdomain` and a required namespace (filled from the request when absent).
fn object_meta(meta: &ObjectMeta, path: &Path<'_>, errors: &mut Errors) {
    let generate_name = s(&meta.generate_name);
    if !generate_name.is_empty() {
        let masked = mask_trailing_dash(generate_name);
        common::invalid_each(
            name::dns1123_subdomain(&masked),
            &path.child("generateName"),
            generate_name,
            errors,
        );
    }
    let meta_name = s(&meta.name);
    if meta_name.is_empty() {
        if generate_name.is_empty() {
            errors.push(Violation::required(
                path.child("name"),
                "name or generateName is required",
            ));
        }
    } else {
        common::dns_subdomain(meta_name, &path.child("name"), errors);
    }
    let namespace = s(&meta.namespace);
    if !namespace.is_empty() {
        common::dns_label(namespace, &path.child("namespace"), errors);
    }
    if let Some(generation) = meta.generation {
        nonnegative(generation, path.child("generation"), errors);
    }
    common::labels(meta.labels.as_ref(), &path.child("labels"), errors);
    common::annotations(
        meta.annotations.as_ref(),
        &path.child("annotations"),
        errors,
    );
    for reference in meta.owner_references.iter().flatten() {
        let path = path.child("ownerReferences");
        let version = reference.api_version.rsplit('/').next().unwrap_or("");
        if reference.api_version.is_empty() || version.is_empty() {
            errors.push(Violation::invalid(
                path.child("apiVersion"),
                q(&reference.api_version),
                "version must not be empty",
            ));
        }
        if reference.kind.is_empty() {
            errors.push(Violation::invalid(
                path.child("kind"),
                q(""),
                "must not be empty",
            ));
        }
        if reference.name.is_empty() {
            errors.push(Violation::invalid(
                path.child("name"),
                q(""),
                "must not be empty",
            ));
        }
        if reference.uid.is_empty() {
            errors.push(Violation::invalid(
                path.child("uid"),
                q(""),
                "must not be empty",
            ));
        }
    }
    for finalizer in meta.finalizers.iter().flatten() {
        common::qualified_name(finalizer, &path.child("finalizers"), errors);
    }
    // validateKubeFinalizerName: an unqualified finalizer must be a standard one.
    for (i, finalizer) in meta.finalizers.iter().flatten().enumerate() {
        if !finalizer.contains('/')
            && !["kubernetes", "orphan", "foregroundDeletion"].contains(&finalizer.as_str())
        {
            errors.push(Violation::invalid(
                path.child("finalizers").index(i),
                q(finalizer),
                "name is neither a standard finalizer name nor is it fully qualified",
            ));
        }
    }
}

/// apimachinery `maskTrailingDash`: a generateName may end with `-`.
fn mask_trailing_dash(name: &str) -> String {
    if name.len() > 1 && name.ends_with('-') {
        format!("{}a", &name[..name.len() - 2])
    } else {
        name.to_owned()
    }
}

fn daemon_set_spec(spec: &DaemonSetSpec, options: Options, path: &Path<'_>, errors: &mut Errors) {
    let selector_path = path.child("selector");
    let before = errors.len();
    common::label_selector(
        &spec.selector,
        options.allow_invalid_selector_values,
        &selector_path,
        errors,
    );
    // With the strict rules, the check just made says whether the selector converts: not made twice.
    let strict_valid = (!options.allow_invalid_selector_values).then_some(errors.len() == before);

    let template_labels = spec
        .template
        .metadata
        .as_ref()
        .and_then(|m| m.labels.as_ref());
    let matches = match strict_valid {
        Some(valid) => {
            valid.then(|| common::selector_matches_labels(&spec.selector, template_labels))
        }
        None => common::selector_matches(&spec.selector, template_labels),
    };
    if matches == Some(false) {
        errors.push(Violation::invalid(
            path.child("template").child("metadata").child("labels"),
            map_json(template_labels),
            "`selector` does not match template `labels`",
        ));
    }
    if common::selector_is_empty(&spec.selector) {
        errors.push(Violation::invalid(
            selector_path,
            "{}",
            "empty selector is invalid for daemonset",
        ));
    }

    let template_path = path.child("template");
    pod::validate_template(&spec.template, &template_path, errors);

    let pod_spec = spec.template.spec.as_ref();
    let restart_policy = pod_spec.map(|p| s(&p.restart_policy)).unwrap_or("");
    if !restart_policy.is_empty() && restart_policy != "Always" {
        errors.push(Violation::unsupported(
            template_path.child("spec").child("restartPolicy"),
            restart_policy,
            &["Always"],
        ));
    }
    if pod_spec.and_then(|p| p.active_deadline_seconds).is_some() {
        errors.push(Violation::forbidden(
            template_path.child("spec").child("activeDeadlineSeconds"),
            "activeDeadlineSeconds in DaemonSet is not Supported",
        ));
    }
    if let Some(seconds) = spec.min_ready_seconds {
        nonnegative(seconds.into(), path.child("minReadySeconds"), errors);
    }
    update_strategy(
        spec.update_strategy.as_ref(),
        &path.child("updateStrategy"),
        errors,
    );
    if let Some(limit) = spec.revision_history_limit {
        nonnegative(limit.into(), path.child("revisionHistoryLimit"), errors);
    }
}

/// `ValidateDaemonSetUpdateStrategy` after the server's defaulting: an empty type is `RollingUpdate`, and a missing
/// `rollingUpdate` or missing budget fields are `maxUnavailable: 1`, `maxSurge: 0`.
fn update_strategy(
    strategy: Option<&DaemonSetUpdateStrategy>,
    path: &Path<'_>,
    errors: &mut Errors,
) {
    let kind = strategy.map(|st| s(&st.type_)).unwrap_or("");
    let rolling = strategy.and_then(|st| st.rolling_update.as_ref());
    match kind {
        "OnDelete" => {}
        "" | "RollingUpdate" => {
            let default_unavailable = IntOrString::Int(1);
            let default_surge = IntOrString::Int(0);
            let max_unavailable = rolling
                .and_then(|r| r.max_unavailable.as_ref())
                .unwrap_or(&default_unavailable);
            let max_surge = rolling
                .and_then(|r| r.max_surge.as_ref())
                .unwrap_or(&default_surge);
            rolling_update(
                max_unavailable,
                max_surge,
                &path.child("rollingUpdate"),
                errors,
            );
        }
        other => {
            let value = format!(
                "{{\"Type\":{},\"RollingUpdate\":{}}}",
                q(other),
                rolling_json(rolling)
            );
            let mut violation =
                Violation::unsupported(path.clone(), other, UpdateStrategyType::SUPPORTED);
            violation.value = Some(value);
            errors.push(violation);
        }
    }
}

/// The internal `RollingUpdateDaemonSet` as Go's `json.Marshal` prints it (no JSON tags on internal types).
fn rolling_json(rolling: Option<&RollingUpdateDaemonSet>) -> String {
    match rolling {
        None => "null".to_owned(),
        Some(r) => {
            let zero = IntOrString::Int(0);
            format!(
                "{{\"MaxUnavailable\":{},\"MaxSurge\":{}}}",
                int_or_string(r.max_unavailable.as_ref().unwrap_or(&zero)),
                int_or_string(r.max_surge.as_ref().unwrap_or(&zero))
            )
        }
    }
}

/// `ValidateRollingUpdateDaemonSet`.
fn rolling_update(
    max_unavailable: &IntOrString,
    max_surge: &IntOrString,
    path: &Path<'_>,
    errors: &mut Errors,
) {
    let unavailable_path = path.child("maxUnavailable");
    let surge_path = path.child("maxSurge");
    positive_int_or_percent(max_unavailable, &unavailable_path, errors);
    positive_int_or_percent(max_surge, &surge_path, errors);
    not_more_than_100_percent(max_unavailable, &unavailable_path, errors);
    not_more_than_100_percent(max_surge, &surge_path, errors);
    if let Some(mut finding) = daemonset_rules::check::rolling_budgets(
        int_or_percent_value(max_unavailable),
        int_or_percent_value(max_surge),
    ) {
        if finding.field == "maxSurge" {
            finding.value = Some(int_or_string(max_surge));
        }
        errors.push(Violation::from_finding(path, finding));
    }
}

/// `ValidatePositiveIntOrPercent`.
fn positive_int_or_percent(value: &IntOrString, path: &Path<'_>, errors: &mut Errors) {
    match value {
        IntOrString::String(text) => {
            for message in name::percent(text) {
                errors.push(Violation::invalid(path.clone(), q(text), message));
            }
        }
        IntOrString::Int(n) => nonnegative((*n).into(), path.clone(), errors),
    }
}

/// The percentage of a valid `N%` string.
fn percent_value(value: &IntOrString) -> Option<i64> {
    match value {
        IntOrString::String(text) if name::percent(text).is_empty() => {
            Some(text[..text.len() - 1].parse::<i64>().unwrap_or(i64::MAX))
        }
        _ => None,
    }
}

/// `getIntOrPercentValue`: the percentage, the integer, or `IntValue()` of a non-percent string (its `Atoi`, 0 when
/// it is not a number).
pub(super) fn int_or_percent_value(value: &IntOrString) -> i64 {
    if let Some(percent) = percent_value(value) {
        return percent;
    }
    match value {
        IntOrString::Int(n) => (*n).into(),
        IntOrString::String(text) => go_atoi(text),
    }
}

/// Go's `strconv.Atoi`, 0 on error.
fn go_atoi(text: &str) -> i64 {
    text.parse::<i64>().unwrap_or(0)
}

/// `IsNotMoreThan100Percent`.
fn not_more_than_100_percent(value: &IntOrString, path: &Path<'_>, errors: &mut Errors) {
    if let Some(message) = percent_value(value).and_then(daemonset_rules::check::percent_over_100) {
        errors.push(Violation::invalid(
            path.clone(),
            int_or_string(value),
            message,
        ));
    }
}

pub(super) fn validate_update(old: &DaemonSet, new: &DaemonSet, errors: &mut Vec<Violation>) {
    let empty = LabelSelector::default();
    let old_selector = old.spec.as_ref().map_or(&empty, |spec| &spec.selector);
    let new_selector = new.spec.as_ref().map_or(&empty, |spec| &spec.selector);
    if !selectors_equal(old_selector, new_selector) {
        errors.push(Violation::invalid(
            Path::root("spec").child("selector"),
            common::selector_json(new_selector),
            "field is immutable",
        ));
    }
}

/// Whether the old selector had label values the create rules refuse (the server then tolerates them on update).
pub(super) fn has_invalid_selector_values(daemon_set: &DaemonSet) -> bool {
    daemon_set
        .spec
        .iter()
        .flat_map(|spec| spec.selector.match_expressions.iter().flatten())
        .any(|expr| {
            expr.values
                .iter()
                .flatten()
                .any(|value| !name::label_value(value).is_empty())
        })
}

/// `apiequality.Semantic.DeepEqual` on selectors: empty and absent lists and maps are equal.
fn selectors_equal(a: &LabelSelector, b: &LabelSelector) -> bool {
    let labels = |sel: &LabelSelector| sel.match_labels.clone().unwrap_or_default();
    let exprs = |sel: &LabelSelector| {
        sel.match_expressions
            .iter()
            .flatten()
            .map(|e| {
                (
                    e.key.clone(),
                    e.operator.clone(),
                    e.values.clone().unwrap_or_default(),
                )
            })
            .collect::<Vec<_>>()
    };
    labels(a) == labels(b) && exprs(a) == exprs(b)
}
