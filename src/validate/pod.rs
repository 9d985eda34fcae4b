//! Pod template rules (`ValidatePodTemplateSpec`, `ValidatePodSpec`; rules section B).

use daemonset_rules::model::{ClosedSet, DnsPolicy};
use std::collections::BTreeSet;

use daemonset_rules::name;
use k8s_openapi::api::core::v1::{PodSpec, PodTemplateSpec};

use super::common::{self, Errors, q, s};
use super::{Path, Violation, container, dra, ports, scheduling, security, spread, volume};

/// The pod-deletion-cost annotation, which must hold a 32-bit integer.
const POD_DELETION_COST: &str = "controller.kubernetes.io/pod-deletion-cost";
/// The deprecated annotation holding tolerations as JSON, still validated by the server.
const TOLERATIONS_ANNOTATION: &str = "scheduler.alpha.kubernetes.io/tolerations";
/// The mirror-pod annotation, which needs `spec.nodeName`.
const MIRROR_POD: &str = "kubernetes.io/config.mirror";

/// `ValidatePodTemplateSpec`.
pub(super) fn validate_template(template: &PodTemplateSpec, path: &Path<'_>, errors: &mut Errors) {
    let meta = template.metadata.as_ref();
    let annotations = meta.and_then(|m| m.annotations.as_ref());
    // The server names the template's labels and annotations without `metadata`.
    common::labels(
        meta.and_then(|m| m.labels.as_ref()),
        &path.child("labels"),
        errors,
    );
    let annotations_path = path.child("annotations");
    common::annotations(annotations, &annotations_path, errors);

    let default_spec;
    let spec = match &template.spec {
        Some(spec) => spec,
        None => {
            default_spec = PodSpec::default();
            &default_spec
        }
    };
    if let Some(annotations) = annotations {
        if let Some(value) = annotations.get(MIRROR_POD)
            && s(&spec.node_name).is_empty()
        {
            errors.push(Violation::invalid(
                annotations_path.key(MIRROR_POD),
                q(value),
                "must set spec.nodeName if mirror pod annotation is set",
            ));
        }
        if let Some(value) = annotations.get(TOLERATIONS_ANNOTATION)
            && !value.is_empty()
        {
            // ValidateTolerationsInPodAnnotations.
            match serde_json::from_str::<Vec<k8s_openapi::api::core::v1::Toleration>>(value) {
                Ok(tolerations) => scheduling::tolerations(
                    &tolerations,
                    &annotations_path.child(TOLERATIONS_ANNOTATION),
                    errors,
                ),
                Err(err) => errors.push(Violation::invalid(
                    annotations_path.clone(),
                    q(TOLERATIONS_ANNOTATION),
                    err.to_string(),
                )),
            }
        }
        if let Some(value) = annotations.get(POD_DELETION_COST)
            && !valid_deletion_cost(value)
        {
            errors.push(Violation::invalid(
                annotations_path.key(POD_DELETION_COST),
                q(value),
                "must be a 32bit integer",
            ));
        }
    }
    if let Some(annotations) = annotations {
        security::annotations(annotations, spec, &annotations_path, errors);
    }
    let spec_path = path.child("spec");
    validate_spec(spec, &spec_path, errors);
    if let Some(annotations) = annotations {
        security::annotations_match_fields(annotations, spec, &spec_path, errors);
    }
    if spec
        .ephemeral_containers
        .as_ref()
        .is_some_and(|c| !c.is_empty())
    {
        errors.push(Violation::forbidden(
            spec_path.child("ephemeralContainers"),
            "ephemeral containers not allowed in pod template",
        ));
    }
}

/// `GetDeletionCostFromPodAnnotations`: no `+`, no leading zeros, an int32.
fn valid_deletion_cost(value: &str) -> bool {
    let first_ok = match value.as_bytes().first() {
        None => false,
        Some(b'-') => true,
        Some(b'0') => value == "0",
        Some(b) => b.is_ascii_digit(),
    };
    first_ok && value.parse::<i32>().is_ok()
}

/// `ValidatePodSpec` (the parts that apply to a pod template), after the server's defaulting.
fn validate_spec(spec: &PodSpec, path: &Path<'_>, errors: &mut Errors) {
    let grace_period = spec.termination_grace_period_seconds.unwrap_or(30);
    let volumes = volume::validate_volumes(
        spec.volumes.as_deref().unwrap_or_default(),
        &path.child("volumes"),
        errors,
    );
    container::validate_containers(
        spec,
        &volumes,
        grace_period,
        &path.child("containers"),
        errors,
    );
    container::validate_init_containers(
        spec,
        &volumes,
        grace_period,
        &path.child("initContainers"),
        errors,
    );
    container::validate_ephemeral_containers(
        spec,
        &volumes,
        &path.child("ephemeralContainers"),
        errors,
    );
    dra::pod_resource_claims(spec, path, errors);
    security::unmasked_proc_mount(spec, path, errors);
    if let Some(requirements) = &spec.resources {
        // validatePodResources (PodLevelResources is on in 1.34).
        if spec.os.as_ref().is_some_and(|os| os.name == "windows") {
            errors.push(Violation::forbidden(
                path.child("resources"),
                "may not be set for a windows pod",
            ));
        } else {
            if requirements.claims.is_some() {
                errors.push(Violation::forbidden(
                    path.child("resources").child("claims"),
                    "claims may not be set for Resources at pod-level",
                ));
            }
            super::resources::pod_requirements(requirements, &path.child("resources"), errors);
            super::resources::pod_consistency(spec, requirements, &path.child("resources"), errors);
        }
    }
    ports::host_network_ports(spec, path, errors);

    let restart_policy = s(&spec.restart_policy);
    if !restart_policy.is_empty() && !["Always", "OnFailure", "Never"].contains(&restart_policy) {
        errors.push(Violation::unsupported(
            path.child("restartPolicy"),
            restart_policy,
            &["Always", "OnFailure", "Never"],
        ));
    }
    let dns_policy = s(&spec.dns_policy);
    if !dns_policy.is_empty() && DnsPolicy::parse(dns_policy).is_err() {
        errors.push(Violation::unsupported(
            path.child("dnsPolicy"),
            dns_policy,
            DnsPolicy::SUPPORTED,
        ));
    }
    common::labels(
        spec.node_selector.as_ref(),
        &path.child("nodeSelector"),
        errors,
    );
    if spec.host_pid == Some(true) && spec.share_process_namespace == Some(true) {
        errors.push(Violation::invalid(
            path.child("securityContext").child("shareProcessNamespace"),
            "true",
            "ShareProcessNamespace and HostPID cannot both be enabled",
        ));
    }
    if let Some(security_context) = &spec.security_context {
        let sc_path = path.child("securityContext");
        if let Some(uid) = security_context.run_as_user {
            id_range(uid, &sc_path.child("runAsUser"), errors);
        }
        if let Some(gid) = security_context.run_as_group {
            id_range(gid, &sc_path.child("runAsGroup"), errors);
        }
        if let Some(gid) = security_context.fs_group {
            id_range(gid, &sc_path.child("fsGroup"), errors);
        }
        for (i, gid) in security_context
            .supplemental_groups
            .iter()
            .flatten()
            .enumerate()
        {
            id_range(*gid, &sc_path.child("supplementalGroups").index(i), errors);
        }
    }
    security::pod_security_context(spec, path, errors);
    scheduling::affinity(spec.affinity.as_ref(), &path.child("affinity"), errors);
    dns_config(spec, &path.child("dnsConfig"), errors);
    readiness_gates(spec, &path.child("readinessGates"), errors);
    scheduling_gates(spec, &path.child("schedulingGates"), errors);
    spread::topology_spread_constraints(
        spec.topology_spread_constraints
            .as_deref()
            .unwrap_or_default(),
        &path.child("topologySpreadConstraints"),
        errors,
    );
    security::windows_host_process(spec, path, errors);
    security::host_users(spec, path, errors);
    if let Some(name) = spec
        .service_account_name
        .as_deref()
        .filter(|n| !n.is_empty())
    {
        common::dns_subdomain(name, &path.child("serviceAccountName"), errors);
    }
    if let Some(name) = spec.node_name.as_deref().filter(|n| !n.is_empty()) {
        common::dns_subdomain(name, &path.child("nodeName"), errors);
    }
    if let Some(seconds) = spec.active_deadline_seconds
        && !(1..=i64::from(i32::MAX)).contains(&seconds)
    {
        errors.push(Violation::invalid(
            path.child("activeDeadlineSeconds"),
            seconds.to_string(),
            name::inclusive_range_error(1, i32::MAX.into()),
        ));
    }
    if let Some(hostname) = spec.hostname.as_deref().filter(|h| !h.is_empty()) {
        common::dns_label(hostname, &path.child("hostname"), errors);
    }
    if let Some(subdomain) = spec.subdomain.as_deref().filter(|h| !h.is_empty()) {
        common::dns_label(subdomain, &path.child("subdomain"), errors);
    }
    scheduling::tolerations(
        spec.tolerations.as_deref().unwrap_or_default(),
        &path.child("tolerations"),
        errors,
    );
    security::host_aliases(
        spec.host_aliases.as_deref().unwrap_or_default(),
        &path.child("hostAliases"),
        errors,
    );
    if let Some(name) = spec
        .priority_class_name
        .as_deref()
        .filter(|n| !n.is_empty())
    {
        common::dns_subdomain(name, &path.child("priorityClassName"), errors);
    }
    if let Some(name) = &spec.runtime_class_name {
        common::dns_subdomain(name, &path.child("runtimeClassName"), errors);
    }
    if let Some(policy) = &spec.preemption_policy {
        match policy.as_str() {
            "PreemptLowerPriority" | "Never" => {}
            "" => errors.push(Violation::required(path.child("preemptionPolicy"), "")),
            other => errors.push(Violation::unsupported(
                path.child("preemptionPolicy"),
                other,
                &["PreemptLowerPriority", "Never"],
            )),
        }
    }
    if let Some(overhead) = &spec.overhead {
        // validateOverhead: the overhead is checked as a container's limits.
        let as_limits = k8s_openapi::api::core::v1::ResourceRequirements {
            limits: Some(overhead.clone()),
            ..Default::default()
        };
        super::resources::requirements(&as_limits, &path.child("overhead"), errors);
    }
    security::os(spec, path, errors);
}

/// `IsValidUserID` / `IsValidGroupID`: 0..=2147483647.
fn id_range(id: i64, path: &Path<'_>, errors: &mut Errors) {
    if !(0..=i64::from(i32::MAX)).contains(&id) {
        errors.push(Violation::invalid(
            path.clone(),
            id.to_string(),
            name::inclusive_range_error(0, i32::MAX.into()),
        ));
    }
}

/// `validatePodDNSConfig`: `dnsPolicy: None` needs nameservers; limits on nameservers and searches.
fn dns_config(spec: &PodSpec, path: &Path<'_>, errors: &mut Errors) {
    let config = spec.dns_config.as_ref();
    if s(&spec.dns_policy) == "None" {
        match config {
            None => {
                errors.push(Violation::required(
                    path.clone(),
                    "must provide `dnsConfig` when `dnsPolicy` is None",
                ));
                return;
            }
            Some(c) if c.nameservers.as_ref().is_none_or(Vec::is_empty) => {
                errors.push(Violation::required(
                    path.child("nameservers"),
                    "must provide at least one DNS nameserver when `dnsPolicy` is None",
                ));
                return;
            }
            Some(_) => {}
        }
    }
    let Some(config) = config else { return };
    let nameservers = config.nameservers.as_deref().unwrap_or_default();
    if nameservers.len() > 3 {
        errors.push(Violation::invalid(
            path.child("nameservers"),
            common::list_json(nameservers),
            "must not have more than 3 nameservers",
        ));
    }
    for (i, server) in nameservers.iter().enumerate() {
        if !security::is_legacy_ip(server) {
            errors.push(Violation::invalid(
                path.child("nameservers").index(i),
                q(server),
                "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)",
            ));
        }
    }
    let searches = config.searches.as_deref().unwrap_or_default();
    if searches.len() > 32 {
        errors.push(Violation::invalid(
            path.child("searches"),
            common::list_json(searches),
            "must not have more than 32 search paths",
        ));
    }
    if searches.join(" ").len() > 2048 {
        errors.push(Violation::invalid(
            path.child("searches"),
            common::list_json(searches),
            "must not have more than 2048 characters (including spaces) in the search list",
        ));
    }
    for (i, search) in searches.iter().enumerate() {
        if search == "." {
            continue;
        }
        let trimmed = search.strip_suffix('.').unwrap_or(search);
        let messages = dns1123_subdomain_with_underscore(trimmed);
        common::invalid_each(messages, &path.child("searches").index(i), trimmed, errors);
    }
    for (i, option) in config.options.iter().flatten().enumerate() {
        if s(&option.name).is_empty() {
            errors.push(Violation::required(
                path.child("options").index(i),
                "must not be empty",
            ));
        }
    }
}

/// `IsDNS1123SubdomainWithUnderscore` (relaxed DNS search validation, GA in 1.34).
fn dns1123_subdomain_with_underscore(value: &str) -> Vec<String> {
    let label_ok = |l: &str| {
        let l = l.strip_prefix('_').unwrap_or(l);
        let b = l.as_bytes();
        let alnum = |c: &u8| c.is_ascii_lowercase() || c.is_ascii_digit();
        b.first().is_some_and(alnum)
            && b.last().is_some_and(alnum)
            && b.iter().all(|c| alnum(c) || *c == b'-' || *c == b'_')
    };
    let mut errs = Vec::new();
    if value.len() > name::DNS1123_SUBDOMAIN_MAX_LENGTH {
        errs.push(name::max_len_error(name::DNS1123_SUBDOMAIN_MAX_LENGTH));
    }
    if !value.split('.').all(label_ok) {
        errs.push(name::regex_error(
            "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '_', '-' or '.', and \
             must start and end with an alphanumeric character",
            "_?[a-z0-9]([-_a-z0-9]*[a-z0-9])?(\\._?[a-z0-9]([-_a-z0-9]*[a-z0-9])?)*",
            &["example.com"],
        ));
    }
    errs
}

/// `validateSchedulingGates`.
fn scheduling_gates(spec: &PodSpec, path: &Path<'_>, errors: &mut Errors) {
    let mut seen = BTreeSet::new();
    for (i, gate) in spec.scheduling_gates.iter().flatten().enumerate() {
        common::qualified_name(&gate.name, &path.index(i), errors);
        if !seen.insert(gate.name.as_str()) {
            errors.push(Violation::duplicate(path.index(i), q(&gate.name)));
        }
    }
}

/// `validateReadinessGates`.
fn readiness_gates(spec: &PodSpec, path: &Path<'_>, errors: &mut Errors) {
    for (i, gate) in spec.readiness_gates.iter().flatten().enumerate() {
        common::qualified_name(
            &gate.condition_type,
            &path.index(i).child("conditionType"),
            errors,
        );
    }
}
