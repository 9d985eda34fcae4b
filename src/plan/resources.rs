//! Resource fit, as the scheduler's `NodeResourcesFit` filter checks it: the pod's requests (containers summed, init
//! containers as a maximum, sidecars added, pod-level requests, overhead) must fit the node's allocatable minus what
//! the pods bound there already request, and one more pod must fit `allocatable.pods`.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Container, Node, PodSpec};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;

use crate::rules::Quantity as Parsed;

/// `cpu` (amounts in millicores).
pub const CPU: &str = "cpu";
/// `memory` (bytes).
pub const MEMORY: &str = "memory";
/// `ephemeral-storage` (bytes).
pub const EPHEMERAL_STORAGE: &str = "ephemeral-storage";
/// `pods` (the node's pod capacity).
pub const PODS: &str = "pods";

/// Amounts of the resources the scheduler checks: cpu in millicores, memory and ephemeral storage in bytes, scalar
/// resources (extended `vendor/name`, `hugepages-*`, `attachable-volumes-*`) in units.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Amounts<'a> {
    pub cpu: i64,
    pub memory: i64,
    pub ephemeral: i64,
    pub scalar: Vec<(&'a str, i64)>,
}

/// Whether the scheduler tracks a resource name as a scalar resource (`IsScalarResourceName`).
pub(crate) fn is_scalar(name: &str) -> bool {
    name.starts_with("hugepages-")
        || name.starts_with("attachable-volumes-")
        || name.contains("kubernetes.io/")
        || (name.contains('/') && !name.starts_with("requests."))
}

/// The common quantity forms (`2`, `250m`, `64Mi`, `8Gi`, `1k`) without the general parser's allocations.
fn quick_value(name: &str, text: &str) -> Option<i64> {
    const SUFFIXES: [(&str, i64); 8] = [
        ("Ki", 1 << 10),
        ("Mi", 1 << 20),
        ("Gi", 1 << 30),
        ("Ti", 1 << 40),
        ("k", 1_000),
        ("M", 1_000_000),
        ("G", 1_000_000_000),
        ("T", 1_000_000_000_000),
    ];
    let digits_only =
        |d: &str| !d.is_empty() && d.len() <= 15 && d.bytes().all(|b| b.is_ascii_digit());
    if let Some(d) = text.strip_suffix('m') {
        if !digits_only(d) {
            return None;
        }
        let millis: i64 = d.parse().ok()?;
        return Some(if name == CPU {
            millis
        } else {
            (millis + 999) / 1000
        });
    }
    let (digits, multiplier) = SUFFIXES
        .iter()
        .find_map(|(suffix, m)| text.strip_suffix(suffix).map(|d| (d, *m)))
        .unwrap_or((text, 1));
    if !digits_only(digits) {
        return None;
    }
    let units = digits.parse::<i64>().ok()?.checked_mul(multiplier)?;
    if name == CPU {
        units.checked_mul(1000)
    } else {
        Some(units)
    }
}

fn value(name: &str, quantity: &Quantity) -> i64 {
    if let Some(v) = quick_value(name, &quantity.0) {
        return v;
    }
    let Ok(parsed) = Parsed::parse(&quantity.0) else {
        return 0;
    };
    let v = if name == CPU {
        parsed.millis()
    } else {
        parsed.units()
    };
    i64::try_from(v).unwrap_or(if v < 0 { i64::MIN } else { i64::MAX })
}

impl<'a> Amounts<'a> {
    fn slot(&mut self, name: &'a str) -> Option<&mut i64> {
        match name {
            CPU => Some(&mut self.cpu),
            MEMORY => Some(&mut self.memory),
            EPHEMERAL_STORAGE => Some(&mut self.ephemeral),
            _ if is_scalar(name) => {
                let i = match self.scalar.iter().position(|(n, _)| *n == name) {
                    Some(i) => i,
                    None => {
                        self.scalar.push((name, 0));
                        self.scalar.len() - 1
                    }
                };
                Some(&mut self.scalar[i].1)
            }
            _ => None,
        }
    }

    fn add_list(&mut self, list: &'a BTreeMap<String, Quantity>) {
        for (name, q) in list {
            if let Some(slot) = self.slot(name) {
                *slot = slot.saturating_add(value(name, q));
            }
        }
    }

    pub(crate) fn add(&mut self, other: &Amounts<'a>) {
        self.cpu = self.cpu.saturating_add(other.cpu);
        self.memory = self.memory.saturating_add(other.memory);
        self.ephemeral = self.ephemeral.saturating_add(other.ephemeral);
        for (name, v) in &other.scalar {
            if let Some(slot) = self.slot(name) {
                *slot = slot.saturating_add(*v);
            }
        }
    }

    pub(crate) fn subtract(&mut self, other: &Amounts<'a>) {
        self.cpu = self.cpu.saturating_sub(other.cpu);
        self.memory = self.memory.saturating_sub(other.memory);
        self.ephemeral = self.ephemeral.saturating_sub(other.ephemeral);
        for (name, v) in &other.scalar {
            if let Some(slot) = self.slot(name) {
                *slot = slot.saturating_sub(*v);
            }
        }
    }

    fn max(&mut self, other: &Amounts<'a>) {
        self.cpu = self.cpu.max(other.cpu);
        self.memory = self.memory.max(other.memory);
        self.ephemeral = self.ephemeral.max(other.ephemeral);
        for (name, v) in &other.scalar {
            if let Some(slot) = self.slot(name) {
                *slot = (*slot).max(*v);
            }
        }
    }

    /// The amount of a resource by name (0 when absent).
    pub(crate) fn get(&self, name: &str) -> i64 {
        match name {
            CPU => self.cpu,
            MEMORY => self.memory,
            EPHEMERAL_STORAGE => self.ephemeral,
            _ => self
                .scalar
                .iter()
                .find(|(n, _)| *n == name)
                .map_or(0, |(_, v)| *v),
        }
    }

    pub(crate) fn is_zero(&self) -> bool {
        self.cpu == 0 && self.memory == 0 && self.ephemeral == 0 && self.scalar.is_empty()
    }
}

/// A container's requests after the API server's defaulting (a limit without a request is also the request).
fn container_requests(container: &Container) -> Amounts<'_> {
    let mut amounts = Amounts::default();
    let Some(resources) = &container.resources else {
        return amounts;
    };
    if let Some(requests) = &resources.requests {
        amounts.add_list(requests);
    }
    if let Some(limits) = &resources.limits {
        for (name, q) in limits {
            if resources
                .requests
                .as_ref()
                .is_some_and(|r| r.contains_key(name))
            {
                continue;
            }
            if let Some(slot) = amounts.slot(name) {
                *slot = slot.saturating_add(value(name, q));
            }
        }
    }
    amounts
}

/// The pod's effective requests (`resourcehelper.PodRequests` with overhead).
pub(crate) fn pod_requests(spec: &PodSpec) -> Amounts<'_> {
    let mut requests = Amounts::default();
    for c in &spec.containers {
        requests.add(&container_requests(c));
    }
    let mut sidecars = Amounts::default();
    let mut init_max = Amounts::default();
    for c in spec.init_containers.as_deref().unwrap_or_default() {
        let mut r = container_requests(c);
        if c.restart_policy.as_deref() == Some("Always") {
            requests.add(&r);
            sidecars.add(&r);
            r = sidecars.clone();
        } else {
            r.add(&sidecars);
        }
        init_max.max(&r);
    }
    requests.max(&init_max);
    if let Some(pod_level) = &spec.resources {
        for name in [CPU, MEMORY] {
            let q = pod_level.requests.as_ref().and_then(|r| r.get(name));
            let q = q.or_else(|| pod_level.limits.as_ref().and_then(|l| l.get(name)));
            if let Some(q) = q {
                let v = value(name, q);
                if let Some(slot) = requests.slot(name) {
                    *slot = v;
                }
            }
        }
    }
    if let Some(overhead) = &spec.overhead {
        requests.add_list(overhead);
    }
    requests.scalar.retain(|(_, v)| *v != 0);
    requests
}

/// What a node offers: `status.allocatable`, parsed once.
#[derive(Debug, Clone, Default)]
pub(crate) struct Capacity<'a> {
    /// `false` when the node has no `status.allocatable` at all (a hand-written inventory): fit is not checked.
    pub known: bool,
    pub amounts: Amounts<'a>,
    pub pods: i64,
}

impl<'a> Capacity<'a> {
    pub(crate) fn of(node: &'a Node) -> Capacity<'a> {
        let Some(allocatable) = node.status.as_ref().and_then(|s| s.allocatable.as_ref()) else {
            return Capacity::default();
        };
        let mut amounts = Amounts::default();
        amounts.add_list(allocatable);
        let pods = allocatable.get(PODS).map_or(0, |q| value(PODS, q));
        Capacity {
            known: true,
            amounts,
            pods,
        }
    }
}

/// One resource that does not fit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Shortfall<'a> {
    pub resource: &'a str,
    pub requested: i64,
    pub free: i64,
    pub allocatable: i64,
}

/// The resources that do not fit (`fitsRequest`), in the scheduler's order: pods, cpu, memory, ephemeral storage,
/// scalar resources.
pub(crate) fn shortfalls<'a>(
    request: &Amounts<'a>,
    capacity: &Capacity<'a>,
    used: &Amounts<'_>,
    pods_on_node: usize,
    out: &mut Vec<Shortfall<'a>>,
) {
    if !capacity.known {
        return;
    }
    let pods = i64::try_from(pods_on_node).unwrap_or(i64::MAX);
    if pods.saturating_add(1) > capacity.pods {
        out.push(Shortfall {
            resource: PODS,
            requested: 1,
            free: capacity.pods - pods,
            allocatable: capacity.pods,
        });
    }
    if request.is_zero() {
        return;
    }
    let mut check = |resource: &'a str, requested: i64| {
        let allocatable = capacity.amounts.get(resource);
        let free = allocatable.saturating_sub(used.get(resource));
        if requested > 0 && requested > free {
            out.push(Shortfall {
                resource,
                requested,
                free,
                allocatable,
            });
        }
    };
    check(CPU, request.cpu);
    check(MEMORY, request.memory);
    check(EPHEMERAL_STORAGE, request.ephemeral);
    for (name, v) in &request.scalar {
        check(name, *v);
    }
}

/// Whether the request fits (no allocation), see [`shortfalls`].
#[inline]
pub(crate) fn fits(
    request: &Amounts<'_>,
    capacity: &Capacity<'_>,
    used: &Amounts<'_>,
    pods_on_node: usize,
) -> bool {
    if !capacity.known {
        return true;
    }
    if i64::try_from(pods_on_node)
        .unwrap_or(i64::MAX)
        .saturating_add(1)
        > capacity.pods
    {
        return false;
    }
    if request.is_zero() {
        return true;
    }
    let ok = |resource: &str, requested: i64| {
        requested <= 0
            || requested
                <= capacity
                    .amounts
                    .get(resource)
                    .saturating_sub(used.get(resource))
    };
    ok(CPU, request.cpu)
        && ok(MEMORY, request.memory)
        && ok(EPHEMERAL_STORAGE, request.ephemeral)
        && request.scalar.iter().all(|(n, v)| ok(n, *v))
}

/// Formats an amount of a resource the way a person reads it: `250m`/`2` cpu, `512Mi`/`1.5Gi` bytes, plain units.
pub fn format_amount(resource: &str, amount: i64) -> String {
    if resource == CPU {
        return if amount % 1000 == 0 {
            format!("{}", amount / 1000)
        } else {
            format!("{amount}m")
        };
    }
    if resource == MEMORY || resource == EPHEMERAL_STORAGE || resource.starts_with("hugepages-") {
        const UNITS: [(&str, i64); 4] = [
            ("Ti", 1 << 40),
            ("Gi", 1 << 30),
            ("Mi", 1 << 20),
            ("Ki", 1 << 10),
        ];
        for (suffix, size) in UNITS {
            if amount.abs() >= size {
                return if amount % size == 0 {
                    format!("{}{suffix}", amount / size)
                } else {
                    #[allow(clippy::cast_precision_loss)]
                    let v = amount as f64 / size as f64;
                    format!("{v:.1}{suffix}")
                };
            }
        }
    }
    amount.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quick_values_agree_with_the_parser() {
        for text in [
            "0",
            "2",
            "250m",
            "1500m",
            "64Mi",
            "8Gi",
            "1Ti",
            "15623Mi",
            "1k",
            "3M",
            "2G",
            "1T",
            "110",
            "7m",
            "999999999999999",
        ] {
            for name in [CPU, MEMORY] {
                let parsed = Parsed::parse(text).unwrap();
                let want = if name == CPU {
                    parsed.millis()
                } else {
                    parsed.units()
                };
                assert_eq!(
                    quick_value(name, text).map(i128::from),
                    Some(want),
                    "{name} {text}"
                );
            }
        }
        for text in [
            "1.5", "1e3", "-1", "+1", " 1", "1Mi ", "", "m", "Mi", "0x10",
        ] {
            assert_eq!(
                quick_value(CPU, text),
                None,
                "{text:?} goes to the general parser"
            );
        }
    }
}
