//! Environment variables (`ValidateEnv`, `validateEnvVarValueFrom`, `ValidateEnvFrom`).

use daemonset_rules::field_ref::{self, FieldRefError};
use daemonset_rules::model::{ClosedSet, ResourceField};
use daemonset_rules::name;
use daemonset_rules::unique::{Chosen, one_of};
use k8s_openapi::api::core::v1::{
    EnvFromSource, EnvVar, ObjectFieldSelector, ResourceFieldSelector,
};

use super::common::{self, Errors, q, s};
use super::{Path, Violation};

/// Divisors accepted for memory, storage and hugepages.
const BYTE_DIVISORS: &[&str] = &[
    "1", "1k", "1M", "1G", "1T", "1P", "1E", "1Ki", "1Mi", "1Gi", "1Ti", "1Pi", "1Ei",
];

/// `ValidateEnv` with the relaxed names of 1.34.
pub(super) fn env(vars: &[EnvVar], path: &Path<'_>, errors: &mut Errors) {
    for (i, var) in vars.iter().enumerate() {
        let var_path = path.index(i);
        if var.name.is_empty() {
            errors.push(Violation::required(var_path.child("name"), ""));
        } else {
            common::invalid_each(
                name::env_var_name(&var.name),
                &var_path.child("name"),
                &var.name,
                errors,
            );
        }
        value_from(var, &var_path.child("valueFrom"), errors);
    }
}

/// `validateEnvVarValueFrom` (`fileKeyRef` is dropped by the server while the EnvFiles feature is off, the 1.34
/// default, so it counts as absent).
fn value_from(var: &EnvVar, path: &Path<'_>, errors: &mut Errors) {
    let Some(source) = &var.value_from else {
        return;
    };
    let chosen = one_of(&[
        ("fieldRef", source.field_ref.is_some()),
        ("resourceFieldRef", source.resource_field_ref.is_some()),
        ("configMapKeyRef", source.config_map_key_ref.is_some()),
        ("secretKeyRef", source.secret_key_ref.is_some()),
    ]);
    if let Some(field_ref) = &source.field_ref {
        object_field_selector(
            field_ref,
            field_ref::env_field_path,
            &path.child("fieldRef"),
            errors,
        );
    }
    if let Some(resource_ref) = &source.resource_field_ref {
        resource_field_selector(resource_ref, false, &path.child("resourceFieldRef"), errors);
    }
    if let Some(key_ref) = &source.config_map_key_ref {
        key_selector(
            &key_ref.name,
            &key_ref.key,
            &path.child("configMapKeyRef"),
            errors,
        );
    }
    if let Some(key_ref) = &source.secret_key_ref {
        key_selector(
            &key_ref.name,
            &key_ref.key,
            &path.child("secretKeyRef"),
            errors,
        );
    }
    if chosen == Chosen::None {
        errors.push(Violation::invalid(
            path.clone(),
            q(""),
            "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`",
        ));
    } else if !s(&var.value).is_empty() {
        errors.push(Violation::invalid(
            path.clone(),
            q(""),
            "may not be specified when `value` is not empty",
        ));
    } else if matches!(chosen, Chosen::Many(..)) {
        errors.push(Violation::invalid(
            path.clone(),
            q(""),
            "may not have more than one field specified at a time",
        ));
    }
}

/// `validateObjectFieldSelector`, with the check of the path for env vars or volume files.
pub(super) fn object_field_selector(
    selector: &ObjectFieldSelector,
    check: fn(&str) -> Result<(), FieldRefError>,
    path: &Path<'_>,
    errors: &mut Errors,
) {
    let api_version = match s(&selector.api_version) {
        "" => "v1",
        v => v,
    };
    if selector.field_path.is_empty() {
        errors.push(Violation::required(path.child("fieldPath"), ""));
        return;
    }
    if api_version != "v1" {
        errors.push(Violation::invalid(
            path.child("fieldPath"),
            q(&selector.field_path),
            format!("error converting fieldPath: unsupported pod version: {api_version}"),
        ));
        return;
    }
    match check(&selector.field_path) {
        Ok(()) => {}
        Err(FieldRefError::Unsupported {
            path: field,
            supported,
        }) => {
            let supported: Vec<&str> = supported.iter().map(String::as_str).collect();
            errors.push(Violation::unsupported(
                path.child("fieldPath"),
                &field,
                &supported,
            ));
        }
        Err(FieldRefError::Invalid { messages }) => {
            common::invalid_each(
                messages,
                &path.child("fieldPath"),
                &selector.field_path,
                errors,
            );
        }
        Err(FieldRefError::InvalidKey { key, messages }) => {
            common::invalid_each(messages, path, &key, errors)
        }
    }
}

/// `validateContainerResourceFieldSelector` for env vars or (`volume`) volume files, with
/// `validateContainerResourceDivisor`.
pub(super) fn resource_field_selector(
    selector: &ResourceFieldSelector,
    volume: bool,
    path: &Path<'_>,
    errors: &mut Errors,
) {
    let resource = selector.resource.as_str();
    if volume && s(&selector.container_name).is_empty() {
        errors.push(Violation::required(path.child("containerName"), ""));
    } else if resource.is_empty() {
        errors.push(Violation::required(path.child("resource"), ""));
    } else if ResourceField::parse(resource).is_err()
        && !resource.starts_with("limits.hugepages-")
        && !resource.starts_with("requests.hugepages-")
    {
        errors.push(Violation::unsupported(
            path.child("resource"),
            resource,
            ResourceField::SUPPORTED,
        ));
    }
    let Some(divisor) = &selector.divisor else {
        return;
    };
    let divisor_path = path.child("divisor");
    let Some(parsed) = common::quantity(divisor, &divisor_path, errors) else {
        return;
    };
    if parsed.nanos() == 0 {
        return;
    }
    let text = parsed.canonical();
    let (allowed, kind): (&[&str], &str) = match resource {
        "limits.cpu" | "requests.cpu" => (&["1m", "1"], "cpu"),
        "limits.memory" | "requests.memory" => (BYTE_DIVISORS, "memory"),
        "limits.ephemeral-storage" | "requests.ephemeral-storage" => {
            (BYTE_DIVISORS, "local ephemeral storage")
        }
        _ => (&[], ""),
    };
    if !kind.is_empty() && !allowed.contains(&text) {
        let values = if kind == "cpu" {
            "1m and 1".to_owned()
        } else {
            BYTE_DIVISORS.join(", ")
        };
        errors.push(Violation::invalid(
            divisor_path.clone(),
            q(resource),
            format!("only divisor's values {values} are supported with the {kind} resource"),
        ));
    }
    if (resource.starts_with("limits.hugepages-") || resource.starts_with("requests.hugepages-"))
        && !BYTE_DIVISORS.contains(&text)
    {
        errors.push(Violation::invalid(
            divisor_path,
            q(resource),
            format!(
                "only divisor's values {} are supported with the hugepages resource",
                BYTE_DIVISORS.join(", ")
            ),
        ));
    }
}

/// `validateConfigMapKeySelector` / `validateSecretKeySelector`.
fn key_selector(object_name: &str, key: &str, path: &Path<'_>, errors: &mut Errors) {
    common::dns_subdomain(object_name, &path.child("name"), errors);
    if key.is_empty() {
        errors.push(Violation::required(path.child("key"), ""));
    } else {
        common::invalid_each(name::config_map_key(key), &path.child("key"), key, errors);
    }
}

/// `ValidateEnvFrom`.
pub(super) fn env_from(sources: &[EnvFromSource], path: &Path<'_>, errors: &mut Errors) {
    for (i, source) in sources.iter().enumerate() {
        let source_path = path.index(i);
        if let Some(prefix) = source.prefix.as_deref().filter(|p| !p.is_empty()) {
            common::invalid_each(
                name::env_var_name(prefix),
                &source_path.child("prefix"),
                prefix,
                errors,
            );
        }
        let chosen = one_of(&[
            ("configMapRef", source.config_map_ref.is_some()),
            ("secretRef", source.secret_ref.is_some()),
        ]);
        if let Some(config_map) = &source.config_map_ref {
            object_name(
                &config_map.name,
                &source_path.child("configMapRef").child("name"),
                errors,
            );
        }
        if let Some(secret) = &source.secret_ref {
            object_name(
                &secret.name,
                &source_path.child("secretRef").child("name"),
                errors,
            );
        }
        if chosen == Chosen::None {
            errors.push(Violation::invalid(
                path.clone(),
                q(""),
                "must specify one of: `configMapRef` or `secretRef`",
            ));
        } else if matches!(chosen, Chosen::Many(..)) {
            errors.push(Violation::invalid(
                path.clone(),
                q(""),
                "may not have more than one field specified at a time",
            ));
        }
    }
}

/// A ConfigMap or Secret name in `envFrom`: required, then a DNS subdomain (checked as a prefix, like the server).
fn object_name(value: &str, path: &Path<'_>, errors: &mut Errors) {
    if value.is_empty() {
        errors.push(Violation::required(path.clone(), ""));
    } else {
        let masked = if value.len() > 1 && value.ends_with('-') {
            format!("{}a", &value[..value.len() - 2])
        } else {
            value.to_owned()
        };
        common::invalid_each(name::dns1123_subdomain(&masked), path, value, errors);
    }
}
