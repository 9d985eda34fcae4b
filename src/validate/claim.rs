//! Generic ephemeral volumes: `validateEphemeralVolumeSource` and the parts of `ValidatePersistentVolumeClaimSpec`
//! a claim template in a pod template meets.

use k8s_openapi::api::core::v1::EphemeralVolumeSource;

use super::common::{self, Errors, q};
use super::{Path, Violation};

/// `validateEphemeralVolumeSource`; `path` is the `ephemeral` field.
pub(super) fn ephemeral(source: &EphemeralVolumeSource, path: &Path<'_>, errors: &mut Errors) {
    let Some(template) = &source.volume_claim_template else {
        errors.push(Violation::required(path.child("volumeClaimTemplate"), ""));
        return;
    };
    let path = path.child("volumeClaimTemplate");
    // ValidateTemplateObjectMeta: annotations and labels only.
    let meta_path = path.child("metadata");
    if let Some(meta) = &template.metadata {
        common::annotations(
            meta.annotations.as_ref(),
            &meta_path.child("annotations"),
            errors,
        );
        common::labels(meta.labels.as_ref(), &meta_path.child("labels"), errors);
        // validateFieldAllowList names the Go fields, first letter lower-cased (`uID`).
        let set = [
            ("name", meta.name.as_ref().is_some_and(|v| !v.is_empty())),
            (
                "generateName",
                meta.generate_name.as_ref().is_some_and(|v| !v.is_empty()),
            ),
            (
                "namespace",
                meta.namespace.as_ref().is_some_and(|v| !v.is_empty()),
            ),
            (
                "selfLink",
                meta.self_link.as_ref().is_some_and(|v| !v.is_empty()),
            ),
            ("uID", meta.uid.as_ref().is_some_and(|v| !v.is_empty())),
            (
                "resourceVersion",
                meta.resource_version
                    .as_ref()
                    .is_some_and(|v| !v.is_empty()),
            ),
            ("generation", meta.generation.is_some_and(|g| g != 0)),
            ("creationTimestamp", meta.creation_timestamp.is_some()),
            ("deletionTimestamp", meta.deletion_timestamp.is_some()),
            (
                "deletionGracePeriodSeconds",
                meta.deletion_grace_period_seconds.is_some(),
            ),
            (
                "ownerReferences",
                meta.owner_references
                    .as_ref()
                    .is_some_and(|v| !v.is_empty()),
            ),
            (
                "finalizers",
                meta.finalizers.as_ref().is_some_and(|v| !v.is_empty()),
            ),
            (
                "managedFields",
                meta.managed_fields.as_ref().is_some_and(|v| !v.is_empty()),
            ),
        ];
        for (field, is_set) in set {
            if is_set {
                errors.push(Violation::forbidden(
                    meta_path.child(field),
                    "cannot be set",
                ));
            }
        }
    }
    let spec = &template.spec;
    let spec_path = path.child("spec");
    let modes = spec.access_modes.as_deref().unwrap_or_default();
    if modes.is_empty() {
        errors.push(Violation::required(
            spec_path.child("accessModes"),
            "at least 1 access mode is required",
        ));
    }
    if let Some(selector) = &spec.selector {
        common::label_selector(selector, false, &spec_path.child("selector"), errors);
    }
    let supported = [
        "ReadOnlyMany",
        "ReadWriteMany",
        "ReadWriteOnce",
        "ReadWriteOncePod",
    ];
    let (mut once_pod, mut other) = (false, false);
    for mode in modes {
        if !supported.contains(&mode.as_str()) {
            errors.push(Violation::unsupported(
                spec_path.child("accessModes"),
                mode,
                &supported,
            ));
        } else if mode == "ReadWriteOncePod" {
            once_pod = true;
        } else {
            other = true;
        }
    }
    if once_pod && other {
        errors.push(Violation::forbidden(
            spec_path.child("accessModes"),
            "may not use ReadWriteOncePod with other access modes",
        ));
    }
    let resources_path = spec_path.child("resources");
    let storage_path = resources_path.key("storage");
    match spec
        .resources
        .as_ref()
        .and_then(|r| r.requests.as_ref())
        .and_then(|r| r.get("storage"))
    {
        None => errors.push(Violation::required(storage_path, "")),
        Some(value) => {
            if let Some(parsed) = common::quantity(value, &storage_path, errors)
                && parsed.nanos() <= 0
            {
                errors.push(Violation::invalid(
                    storage_path,
                    q(&value.0),
                    "must be greater than zero",
                ));
            }
        }
    }
    if let Some(class) = spec.storage_class_name.as_deref().filter(|c| !c.is_empty()) {
        common::dns_subdomain(class, &spec_path.child("storageClassName"), errors);
    }
    let source = spec.data_source.as_ref();
    if let Some(source) = source {
        data_source(
            &source.name,
            &source.kind,
            source.api_group.as_deref(),
            None,
            &spec_path.child("dataSource"),
            errors,
        );
    }
    let source_ref = spec.data_source_ref.as_ref();
    if let Some(source_ref) = source_ref {
        data_source(
            &source_ref.name,
            &source_ref.kind,
            source_ref.api_group.as_deref(),
            source_ref.namespace.as_deref(),
            &spec_path.child("dataSourceRef"),
            errors,
        );
    }
    if let Some(source_ref) = source_ref
        && source_ref.namespace.as_ref().is_some_and(|n| !n.is_empty())
    {
        if source.is_some() {
            errors.push(Violation::invalid(
                spec_path.clone(),
                q(&spec_path.child("dataSource").to_string()),
                "may not be specified when dataSourceRef.namespace is specified",
            ));
        }
    } else if let (Some(source), Some(source_ref)) = (source, source_ref)
        && (source.api_group != source_ref.api_group
            || source.kind != source_ref.kind
            || source.name != source_ref.name)
    {
        errors.push(Violation::invalid(
            spec_path.clone(),
            q(&spec_path.child("dataSource").to_string()),
            "must match dataSourceRef",
        ));
    }
    if let Some(class) = spec
        .volume_attributes_class_name
        .as_deref()
        .filter(|c| !c.is_empty())
    {
        common::dns_subdomain(class, &spec_path.child("volumeAttributesClassName"), errors);
    }
    if let Some(mode) = &spec.volume_mode
        && !["Block", "Filesystem"].contains(&mode.as_str())
    {
        errors.push(Violation::unsupported(
            spec_path.child("volumeMode"),
            mode,
            &["Block", "Filesystem"],
        ));
    }
}

/// `validateDataSource` / `validateDataSourceRef`.
fn data_source(
    name: &str,
    kind: &str,
    api_group: Option<&str>,
    namespace: Option<&str>,
    path: &Path<'_>,
    errors: &mut Errors,
) {
    if name.is_empty() {
        errors.push(Violation::required(path.child("name"), ""));
    }
    if kind.is_empty() {
        errors.push(Violation::required(path.child("kind"), ""));
    }
    let group = api_group.unwrap_or("");
    if group.is_empty() && kind != "PersistentVolumeClaim" {
        errors.push(Violation::invalid(
            path.clone(),
            q(kind),
            "must be 'PersistentVolumeClaim' when referencing the default apiGroup",
        ));
    }
    if !group.is_empty() {
        common::dns_subdomain(group, &path.child("apiGroup"), errors);
    }
    if let Some(namespace) = namespace.filter(|n| !n.is_empty()) {
        common::dns_label(namespace, &path.child("namespace"), errors);
    }
}
