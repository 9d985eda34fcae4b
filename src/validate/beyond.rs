//! Checks the API server lacks: objects it accepts that cannot work.

use k8s_openapi::api::apps::v1::DaemonSet;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::common::{Errors, int_or_string};
use super::daemon_set::int_or_percent_value;
use super::{FieldPath, Violation};

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
    let host_network = pod.host_network == Some(true);
    let containers = pod.containers.iter().chain(
        pod.init_containers
            .iter()
            .flatten()
            .filter(|c| c.restart_policy.as_deref() == Some("Always")),
    );
    for (kind, index, ctr) in containers.enumerate().map(|(i, c)| {
        if i < pod.containers.len() {
            ("containers", i, c)
        } else {
            ("initContainers", i - pod.containers.len(), c)
        }
    }) {
        for port in ctr.ports.iter().flatten() {
            let host_port = port.host_port.unwrap_or(0);
            if host_port == 0 && !host_network {
                continue;
            }
            let port_number = if host_port != 0 {
                host_port
            } else {
                port.container_port
            };
            let reason = if host_port != 0 {
                "hostPort"
            } else {
                "hostNetwork port"
            };
            let path = FieldPath::root("spec")
                .child("updateStrategy")
                .child("rollingUpdate")
                .child("maxSurge");
            errors.push(
                Violation::invalid(
                    path,
                    int_or_string(max_surge),
                    format!(
                        "a surge pod can never start beside the old one: {kind}[{index}] uses {reason} {port_number}; \
                         use maxSurge: 0 with maxUnavailable > 0"
                    ),
                )
                .beyond_server(),
            );
            return;
        }
    }
}
