//! Container resources (`ValidateContainerResourceRequirements`): names, quantities, requests against limits.

use std::collections::BTreeMap;

use daemonset_rules::{Quantity, name};
use k8s_openapi::api::core::v1::ResourceRequirements;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity as K8sQuantity;

use super::common::{self, Errors, IS_NEGATIVE, q};
use super::{Path, Violation};

const HUGEPAGES_PREFIX: &str = "hugepages-";

/// `IsNativeResource`: unprefixed or in the `kubernetes.io/` namespace.
fn is_native(resource: &str) -> bool {
    !resource.contains('/') || resource.contains("kubernetes.io/")
}

/// `IsHugePageResourceName`.
fn is_hugepages(resource: &str) -> bool {
    resource.starts_with(HUGEPAGES_PREFIX)
}

/// `IsOvercommitAllowed`: native and not hugepages.
pub(super) fn overcommit_allowed(resource: &str) -> bool {
    is_native(resource) && !is_hugepages(resource)
}

/// `IsExtendedResourceName`.
fn is_extended(resource: &str) -> bool {
    !is_native(resource)
        && !resource.starts_with("requests.")
        && name::qualified_name(&format!("requests.{resource}")).is_empty()
}

/// The standard resource names (`IsStandardResourceName`, which also accepts quota names).
const STANDARD_RESOURCES: &[&str] = &[
    "cpu",
    "memory",
    "ephemeral-storage",
    "requests.cpu",
    "requests.memory",
    "requests.ephemeral-storage",
    "limits.cpu",
    "limits.memory",
    "limits.ephemeral-storage",
    "pods",
    "resourcequotas",
    "services",
    "replicationcontrollers",
    "secrets",
    "configmaps",
    "persistentvolumeclaims",
    "storage",
    "requests.storage",
    "services.nodeports",
    "services.loadbalancers",
];

/// `validateContainerResourceName`.
fn resource_name(resource: &str, path: &Path<'_>, errors: &mut Errors) {
    let before = errors.len();
    common::qualified_name(resource, path, errors);
    let unprefixed = !resource.contains('/');
    if errors.len() == before
        && unprefixed
        && !STANDARD_RESOURCES.contains(&resource)
        && !is_hugepages(resource)
        && !resource.starts_with("requests.hugepages-")
    {
        errors.push(Violation::invalid(
            path.clone(),
            q(resource),
            "must be a standard resource type or fully qualified",
        ));
    }
    if unprefixed {
        if !["cpu", "memory", "ephemeral-storage"].contains(&resource) && !is_hugepages(resource) {
            errors.push(Violation::invalid(
                path.clone(),
                q(resource),
                "must be a standard resource for containers",
            ));
        }
    } else if !is_native(resource) && !is_extended(resource) {
        errors.push(Violation::invalid(
            path.clone(),
            q(resource),
            "doesn't follow extended resource name standard",
        ));
    }
}

/// `ValidateResourceQuantityValue`: not negative; whole for extended (integer) resources.
fn quantity_value(resource: &str, value: &Quantity, path: &Path<'_>, errors: &mut Errors) {
    if value.is_negative() {
        errors.push(Violation::invalid(
            path.clone(),
            q(value.canonical()),
            IS_NEGATIVE,
        ));
    }
    let integer = STANDARD_INTEGER_RESOURCES.contains(&resource) || is_extended(resource);
    if integer && !value.is_whole() {
        errors.push(Violation::invalid(
            path.clone(),
            q(value.canonical()),
            "must be an integer",
        ));
    }
}

/// `IsIntegerResourceName` without the extended ones.
const STANDARD_INTEGER_RESOURCES: &[&str] = &[
    "pods",
    "resourcequotas",
    "services",
    "replicationcontrollers",
    "secrets",
    "configmaps",
    "persistentvolumeclaims",
    "services.nodeports",
    "services.loadbalancers",
];

/// `validateResourceQuantityHugePageValue`: a whole multiple of the page size.
fn hugepage_value(resource: &str, value: &Quantity, path: &Path<'_>, errors: &mut Errors) {
    if !is_hugepages(resource) {
        return;
    }
    let page = Quantity::parse(&resource[HUGEPAGES_PREFIX.len()..]).ok();
    let divisible = page.is_some_and(|page| {
        page.nanos() > 0
            && page.millis() % 1000 == 0
            && page.units() != 0
            && value.units() % page.units() == 0
    });
    if !divisible {
        errors.push(Violation::invalid(
            path.clone(),
            q(value.canonical()),
            format!(
                "{} is not positive integer multiple of {resource}",
                value.canonical()
            ),
        ));
    }
}

/// A check of a resource name (containers and pods accept different ones).
type NameCheck = fn(&str, &Path<'_>, &mut Errors);

fn parse_all(
    map: Option<&BTreeMap<String, K8sQuantity>>,
    name_check: NameCheck,
    path: &Path<'_>,
    errors: &mut Errors,
) -> BTreeMap<String, Option<Quantity>> {
    let mut parsed = BTreeMap::new();
    for (resource, value) in map.into_iter().flatten() {
        let key_path = path.key(resource);
        name_check(resource, &key_path, errors);
        let quantity = common::quantity(value, &key_path, errors);
        if let Some(quantity) = &quantity {
            quantity_value(resource, quantity, &key_path, errors);
            hugepage_value(resource, quantity, &key_path, errors);
        }
        parsed.insert(resource.clone(), quantity);
    }
    parsed
}

/// `validateResourceRequirements` for a container (`ValidateContainerResourceRequirements`).
pub(super) fn requirements(
    requirements: &ResourceRequirements,
    path: &Path<'_>,
    errors: &mut Errors,
) {
    requirements_with(requirements, resource_name, path, errors);
}

/// `validatePodResourceRequirements`: the pod-level `resources` (cpu, memory and hugepages only).
pub(super) fn pod_requirements(
    requirements: &ResourceRequirements,
    path: &Path<'_>,
    errors: &mut Errors,
) {
    requirements_with(requirements, pod_resource_name, path, errors);
}

/// `validatePodResourceName`.
fn pod_resource_name(resource: &str, path: &Path<'_>, errors: &mut Errors) {
    let before = errors.len();
    common::qualified_name(resource, path, errors);
    if errors.len() == before
        && !resource.contains('/')
        && !STANDARD_RESOURCES.contains(&resource)
        && !is_hugepages(resource)
        && !resource.starts_with("requests.hugepages-")
    {
        errors.push(Violation::invalid(
            path.clone(),
            q(resource),
            "must be a standard resource type or fully qualified",
        ));
    }
    if errors.len() == before && !["cpu", "memory"].contains(&resource) && !is_hugepages(resource) {
        errors.push(Violation::unsupported(
            path.clone(),
            resource,
            &["cpu", "hugepages-", "memory"],
        ));
    }
}

fn requirements_with(
    requirements: &ResourceRequirements,
    name_check: NameCheck,
    path: &Path<'_>,
    errors: &mut Errors,
) {
    let limits_path = path.child("limits");
    let requests_path = path.child("requests");
    let limits = parse_all(
        requirements.limits.as_ref(),
        name_check,
        &limits_path,
        errors,
    );
    let mut requests = BTreeMap::new();
    for (resource, value) in requirements.requests.iter().flatten() {
        let key_path = requests_path.key(resource);
        name_check(resource, &key_path, errors);
        let quantity = common::quantity(value, &key_path, errors);
        if let Some(quantity) = &quantity {
            quantity_value(resource, quantity, &key_path, errors);
            match limits.get(resource) {
                Some(Some(limit)) => {
                    if quantity != limit && !overcommit_allowed(resource) {
                        errors.push(Violation::invalid(
                            requests_path.clone(),
                            q(quantity.canonical()),
                            format!("must be equal to {resource} limit of {}", limit.canonical()),
                        ));
                    } else if let Some(finding) =
                        daemonset_rules::check::request_within_limit(resource, quantity, limit)
                    {
                        errors.push(Violation::from_finding(path, finding));
                    }
                }
                Some(None) => {}
                None => {
                    if !overcommit_allowed(resource) {
                        errors.push(Violation::required(
                            limits_path.clone(),
                            "Limit must be set for non overcommitable resources",
                        ));
                    }
                }
            }
            hugepage_value(resource, quantity, &key_path, errors);
        }
        requests.insert(resource.clone(), quantity);
    }
    let has_cpu_or_memory =
        |m: &BTreeMap<String, Option<Quantity>>| m.contains_key("cpu") || m.contains_key("memory");
    let has_hugepages = |m: &BTreeMap<String, Option<Quantity>>| m.keys().any(|k| is_hugepages(k));
    if !has_cpu_or_memory(&limits)
        && !has_cpu_or_memory(&requests)
        && (has_hugepages(&limits) || has_hugepages(&requests))
    {
        errors.push(Violation::forbidden(
            path.clone(),
            "HugePages require cpu or memory",
        ));
    }
}

/// `validatePodResourceConsistency`: the pod-level requests cover the containers' aggregate requests (init
/// containers: the largest one, sidecars added), and no container's limit exceeds the pod's.
pub(super) fn pod_consistency(
    spec: &k8s_openapi::api::core::v1::PodSpec,
    pod: &ResourceRequirements,
    path: &Path<'_>,
    errors: &mut Errors,
) {
    let parse = |m: Option<&BTreeMap<String, K8sQuantity>>| -> BTreeMap<String, i128> {
        m.into_iter()
            .flatten()
            .filter_map(|(k, v)| Quantity::parse(&v.0).ok().map(|q| (k.clone(), q.nanos())))
            .collect()
    };
    // AggregateContainerRequests / AggregateContainerLimits: the containers summed, sidecars added, and the largest
    // plain init container (with the sidecars started before it) when larger.
    let aggregate =
        |of: &dyn Fn(&k8s_openapi::api::core::v1::Container) -> BTreeMap<String, i128>| {
            let mut total: BTreeMap<String, i128> = BTreeMap::new();
            for c in &spec.containers {
                for (k, v) in of(c) {
                    *total.entry(k).or_default() += v;
                }
            }
            let mut sidecars: BTreeMap<String, i128> = BTreeMap::new();
            let mut init_max: BTreeMap<String, i128> = BTreeMap::new();
            for c in spec.init_containers.iter().flatten() {
                let values = of(c);
                if c.restart_policy.as_deref() == Some("Always") {
                    for (k, v) in values {
                        *sidecars.entry(k.clone()).or_default() += v;
                        *total.entry(k).or_default() += v;
                    }
                } else {
                    for (k, v) in values {
                        let with_sidecars = v + sidecars.get(&k).copied().unwrap_or(0);
                        let slot = init_max.entry(k).or_default();
                        *slot = (*slot).max(with_sidecars);
                    }
                }
            }
            for (k, v) in init_max {
                let slot = total.entry(k).or_default();
                *slot = (*slot).max(v);
            }
            total
        };
    let total = aggregate(&|c| parse(c.resources.as_ref().and_then(|r| r.requests.as_ref())));
    let pod_requests = parse(pod.requests.as_ref());
    for (resource, aggregate) in &total {
        if let Some(requested) = pod_requests.get(resource)
            && aggregate > requested
        {
            errors.push(Violation::invalid(
                path.child("requests").key(resource),
                q(&show_nanos(*requested)),
                format!(
                    "must be greater than or equal to aggregate container requests of {}",
                    show_nanos(*aggregate)
                ),
            ));
        }
    }
    let pod_limits = parse(pod.limits.as_ref());
    let limit_totals = aggregate(&|c| parse(c.resources.as_ref().and_then(|r| r.limits.as_ref())));
    for (resource, aggregate) in limit_totals.iter().filter(|(k, _)| is_hugepages(k)) {
        if let Some(limit) = pod_limits.get(resource)
            && aggregate > limit
        {
            errors.push(Violation::invalid(
                path.child("limits").key(resource),
                q(&show_nanos(*limit)),
                format!(
                    "must be greater than or equal to aggregate container limits of {}",
                    show_nanos(*aggregate)
                ),
            ));
        }
    }
    for (i, c) in spec.containers.iter().enumerate() {
        for (resource, limit) in parse(c.resources.as_ref().and_then(|r| r.limits.as_ref())) {
            if let Some(pod_limit) = pod_limits.get(&resource)
                && limit > *pod_limit
            {
                errors.push(Violation::invalid(
                    path.child("containers")
                        .index(i)
                        .key(&resource)
                        .child("limits"),
                    q(&show_nanos(limit)),
                    format!(
                        "must be less than or equal to pod limits of {}",
                        show_nanos(*pod_limit)
                    ),
                ));
            }
        }
    }
}

/// A quantity in nano units, printed plainly (`2`, `250m`, `1500n`).
fn show_nanos(nanos: i128) -> String {
    if nanos % 1_000_000_000 == 0 {
        (nanos / 1_000_000_000).to_string()
    } else if nanos % 1_000_000 == 0 {
        format!("{}m", nanos / 1_000_000)
    } else {
        format!("{nanos}n")
    }
}
