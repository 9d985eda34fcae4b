//! Container ports (`validateContainerPorts`), host port conflicts and the `hostNetwork` rule.

use daemonset_rules::model::{ClosedSet, Protocol};
use std::collections::BTreeSet;

use daemonset_rules::name;
use daemonset_rules::unique::{Distinct, Names};
use k8s_openapi::api::core::v1::{Container, ContainerPort, PodSpec};

use super::common::{self, Errors, q, s};
use super::{Path, Violation};

/// The protocol of a port after defaulting (`TCP`).
pub(super) fn protocol(port: &ContainerPort) -> &str {
    match s(&port.protocol) {
        "" => "TCP",
        p => p,
    }
}

/// `validateContainerPorts`.
pub(super) fn container_ports(ports: &[ContainerPort], path: &Path<'_>, errors: &mut Errors) {
    let mut names = Names::new();
    for (i, port) in ports.iter().enumerate() {
        let port_path = path.index(i);
        if let Some(port_name) = port.name.as_deref().filter(|n| !n.is_empty()) {
            let messages = name::port_name(port_name);
            if !messages.is_empty() {
                common::invalid_each(messages, &port_path.child("name"), port_name, errors);
            } else if names.repeats(port_name).is_some() {
                common::distinct(Distinct::PortName, port_name, &port_path, errors);
            }
        }
        if port.container_port == 0 {
            errors.push(Violation::required(port_path.child("containerPort"), ""));
        } else {
            for message in name::port_number(port.container_port.into()) {
                errors.push(Violation::invalid(
                    port_path.child("containerPort"),
                    port.container_port.to_string(),
                    message,
                ));
            }
        }
        let host_port = port.host_port.unwrap_or(0);
        if host_port != 0 {
            for message in name::port_number(host_port.into()) {
                errors.push(Violation::invalid(
                    port_path.child("hostPort"),
                    host_port.to_string(),
                    message,
                ));
            }
        }
        let protocol = protocol(port);
        if Protocol::parse(protocol).is_err() {
            errors.push(Violation::unsupported(
                port_path.child("protocol"),
                protocol,
                Protocol::SUPPORTED,
            ));
        }
    }
}

/// `checkHostPortConflicts`: the same `protocol/hostIP/hostPort` twice among `containers`.
pub(super) fn host_port_conflicts(containers: &[Container], path: &Path<'_>, errors: &mut Errors) {
    let mut seen = BTreeSet::new();
    for (ci, ctr) in containers.iter().enumerate() {
        for (pi, port) in ctr.ports.iter().flatten().enumerate() {
            let host_port = port.host_port.unwrap_or(0);
            if host_port == 0 {
                continue;
            }
            let key = format!("{}/{}/{}", protocol(port), s(&port.host_ip), host_port);
            if seen.contains(&key) {
                errors.push(Violation::duplicate(
                    path.index(ci).child("ports").index(pi).child("hostPort"),
                    q(&key),
                ));
            } else {
                seen.insert(key);
            }
        }
    }
}

/// `validatePodHostNetworkDeps`: with `hostNetwork`, a template's hostPort must be 0 or equal to containerPort.
pub(super) fn host_network_ports(spec: &PodSpec, path: &Path<'_>, errors: &mut Errors) {
    if spec.host_network != Some(true) {
        return;
    }
    for (ci, ctr) in spec.containers.iter().enumerate() {
        for (pi, port) in ctr.ports.iter().flatten().enumerate() {
            let host_port = port.host_port.unwrap_or(0);
            if host_port != 0 && host_port != port.container_port {
                errors.push(Violation::invalid(
                    path.child("containers")
                        .index(ci)
                        .child("ports")
                        .index(pi)
                        .child("hostPort"),
                    host_port.to_string(),
                    "must match `containerPort` when `hostNetwork` is true",
                ));
            }
        }
    }
}
