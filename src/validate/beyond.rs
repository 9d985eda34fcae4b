//! Checks the API server lacks: objects it accepts that cannot work.

use daemonset_rules::check::{self, Kind, PortUse};
use k8s_openapi::api::apps::v1::DaemonSet;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::common::{Errors, int_or_string};
use super::daemon_set::int_or_percent_value;
use super::{Path, Violation};

/// A surge pod lands on the node that still runs the old pod: with a host port (set, or implied by `hostNetwork`)
/// it can never be scheduled ("didn't have free ports"), so a rolling update with `maxSurge > 0` stalls
/// (kubernetes issue 106417).
pub(super) fn host_port_with_surge(daemon_set: &DaemonSet, errors: &mut Errors) {
    let Some(spec) = &daemon_set.spec else { return };
    let Some(strategy) = &spec.update_strategy else {
        return;
    };
    if !matches!(
        strategy.type_.as_deref(),
        None | Some("") | Some("RollingUpdate")
    ) {
        return;
    }
    let Some(max_surge) = strategy
        .rolling_update
        .as_ref()
        .and_then(|r| r.max_surge.as_ref())
    else {
        return;
    };
    if int_or_percent_value(max_surge) <= 0
        || matches!(max_surge, IntOrString::String(s) if !s.ends_with('%'))
    {
        return;
    }
    let Some(pod) = &spec.template.spec else {
        return;
    };
    let sidecars = pod
        .init_containers
        .iter()
        .flatten()
        .enumerate()
        .filter(|(_, c)| c.restart_policy.as_deref() == Some("Always"))
        .map(|(i, c)| (format!("initContainers[{i}]"), c));
    let containers: Vec<(String, &k8s_openapi::api::core::v1::Container)> = pod
        .containers
        .iter()
        .enumerate()
        .map(|(i, c)| (format!("containers[{i}]"), c))
        .chain(sidecars)
        .collect();
    let ports: Vec<PortUse<'_>> = containers
        .iter()
        .flat_map(|(at, c)| {
            c.ports.iter().flatten().map(move |p| PortUse {
                container: at,
                container_port: Some(p.container_port.into()),
                host_port: Some(p.host_port.unwrap_or(0).into()),
                has_host_port: p.host_port.unwrap_or(0) != 0,
            })
        })
        .collect();
    if let Some(mut finding) = check::surge_with_host_port(pod.host_network == Some(true), &ports) {
        finding.value = Some(int_or_string(max_surge));
        let spec = Path::root("spec");
        let strategy = spec.child("updateStrategy");
        let base = strategy.child("rollingUpdate");
        errors.push(Violation::from_finding(&base, finding).beyond_server());
    }
}

/// An image with surrounding whitespace: the server accepts it in a template, but its pod validation refuses every
/// pod made from it, so the DaemonSet never runs a pod. The rule is the pod's (`daemonset_rules::check::image`), the
/// same function the macro and spec files call.
pub(super) fn image_whitespace(daemon_set: &DaemonSet, errors: &mut Errors) {
    let Some(pod) = daemon_set
        .spec
        .as_ref()
        .and_then(|s| s.template.spec.as_ref())
    else {
        return;
    };
    let spec = Path::root("spec");
    let template = spec.child("template");
    let base = template.child("spec");
    for (kind, containers) in [
        ("containers", &pod.containers[..]),
        (
            "initContainers",
            pod.init_containers.as_deref().unwrap_or_default(),
        ),
    ] {
        for (i, ctr) in containers.iter().enumerate() {
            if let Some(finding) = check::image(ctr.image.as_deref().unwrap_or_default())
                .filter(|f| f.kind == Kind::Invalid)
            {
                let list = base.child(kind);
                errors.push(Violation::from_finding(&list.index(i), finding).beyond_server());
            }
        }
    }
}
