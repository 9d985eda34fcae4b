//! Containers and init containers (`validateContainers`, `validateInitContainers`, `validateContainerCommon`),
//! probes, lifecycle handlers and the container security context.

use daemonset_rules::check::Kind;
use daemonset_rules::model::{ClosedSet, ImagePullPolicy};
use daemonset_rules::unique::{Chosen, Distinct, Names, one_of};
use std::collections::BTreeSet;

use daemonset_rules::name;
use k8s_openapi::api::core::v1::{
    Container, ExecAction, GRPCAction, HTTPGetAction, Lifecycle, PodSpec, Probe, SecurityContext,
    SleepAction, TCPSocketAction,
};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::common::{self, Errors, distinct, nonnegative, q, s};
use super::volume::Volumes;
use super::{Path, Violation, env, ports, resources, volume};

/// The message of a probe or lifecycle hook on a plain init container.
const INIT_FORBIDDEN: &str = "may not be set for init containers without restartPolicy=Always";

/// `validateContainers`: the regular containers.
pub(super) fn validate_containers(
    spec: &PodSpec,
    volumes: &Volumes<'_>,
    grace: i64,
    path: &Path<'_>,
    errors: &mut Errors,
) {
    if spec.containers.is_empty() {
        errors.push(Violation::required(path.clone(), ""));
        return;
    }
    let mut names = Names::new();
    for (i, ctr) in spec.containers.iter().enumerate() {
        let ctr_path = path.index(i);
        common_rules(ctr, volumes, &ctr_path, errors);
        if names.repeats(ctr.name.as_str()).is_some() {
            distinct(Distinct::ContainerName, &ctr.name, &ctr_path, errors);
        }
        if let Some(lifecycle) = &ctr.lifecycle {
            validate_lifecycle(lifecycle, grace, &ctr_path.child("lifecycle"), errors);
        }
        probes(ctr, &ctr_path, errors);
        // A regular container's restartPolicy is dropped by the server while the ContainerRestartRules feature is
        // off (the 1.34 default), so it is accepted and ignored.
    }
    ports::host_port_conflicts(&spec.containers, path, errors);
}

/// `validateInitContainers`.
pub(super) fn validate_init_containers(
    spec: &PodSpec,
    volumes: &Volumes<'_>,
    grace: i64,
    path: &Path<'_>,
    errors: &mut Errors,
) {
    if spec.init_containers.as_ref().is_none_or(Vec::is_empty) {
        // Nothing to check (and no set of the containers' names to make).
        return;
    }
    let mut names = Names::new();
    for c in &spec.containers {
        names.repeats(c.name.as_str());
    }
    for (i, ctr) in spec.init_containers.iter().flatten().enumerate() {
        let ctr_path = path.index(i);
        common_rules(ctr, volumes, &ctr_path, errors);
        // Only `Always` survives the server's dropping of disabled fields (ContainerRestartRules is off in 1.34).
        let sidecar = ctr.restart_policy.as_deref() == Some("Always");
        // An empty name is not taken (it is `Required` already), but repeats an empty container name.
        let repeated = if ctr.name.is_empty() {
            names.first("").is_some()
        } else {
            names.repeats(ctr.name.as_str()).is_some()
        };
        if repeated {
            distinct(Distinct::ContainerName, &ctr.name, &ctr_path, errors);
        }
        ports::host_port_conflicts(std::slice::from_ref(ctr), path, errors);
        if sidecar {
            if let Some(lifecycle) = &ctr.lifecycle {
                validate_lifecycle(lifecycle, grace, &ctr_path.child("lifecycle"), errors);
            }
            probes(ctr, &ctr_path, errors);
        } else {
            for (field, set) in [
                ("lifecycle", ctr.lifecycle.is_some()),
                ("livenessProbe", ctr.liveness_probe.is_some()),
                ("readinessProbe", ctr.readiness_probe.is_some()),
                ("startupProbe", ctr.startup_probe.is_some()),
            ] {
                if set {
                    errors.push(Violation::forbidden(ctr_path.child(field), INIT_FORBIDDEN));
                }
            }
        }
    }
}

/// `validateContainerCommon`.
pub(super) fn common_rules(
    ctr: &Container,
    volumes: &Volumes<'_>,
    path: &Path<'_>,
    errors: &mut Errors,
) {
    if ctr.name.is_empty() {
        errors.push(Violation::required(path.child("name"), ""));
    } else {
        common::dns_label(&ctr.name, &path.child("name"), errors);
    }
    if s(&ctr.image).is_empty() {
        errors.push(Violation::required(path.child("image"), ""));
    }
    match s(&ctr.termination_message_policy) {
        "" | "File" | "FallbackToLogsOnError" => {}
        other => errors.push(Violation::unsupported(
            path.child("terminationMessagePolicy"),
            other,
            &["File", "FallbackToLogsOnError"],
        )),
    }
    ports::container_ports(
        ctr.ports.as_deref().unwrap_or_default(),
        &path.child("ports"),
        errors,
    );
    env::env(
        ctr.env.as_deref().unwrap_or_default(),
        &path.child("env"),
        errors,
    );
    env::env_from(
        ctr.env_from.as_deref().unwrap_or_default(),
        &path.child("envFrom"),
        errors,
    );
    volume::volume_mounts(ctr, volumes, &path.child("volumeMounts"), errors);
    volume::volume_devices(ctr, volumes, &path.child("volumeDevices"), errors);
    let pull_policy = s(&ctr.image_pull_policy);
    if !pull_policy.is_empty() && ImagePullPolicy::parse(pull_policy).is_err() {
        errors.push(Violation::unsupported(
            path.child("imagePullPolicy"),
            pull_policy,
            ImagePullPolicy::SUPPORTED,
        ));
    }
    if let Some(requirements) = &ctr.resources {
        resources::requirements(requirements, &path.child("resources"), errors);
    }
    resize_policy(ctr, &path.child("resizePolicy"), errors);
    if let Some(sc) = &ctr.security_context {
        security_context(sc, &path.child("securityContext"), errors);
    }
}

/// `validateResizePolicy` (restart policy Always, as in a DaemonSet). Only a duplicate is reported at the item; the
/// server names the list itself for the other errors.
fn resize_policy(ctr: &Container, path: &Path<'_>, errors: &mut Errors) {
    let mut seen = BTreeSet::new();
    for (i, policy) in ctr.resize_policy.iter().flatten().enumerate() {
        if !seen.insert(policy.resource_name.as_str()) {
            errors.push(Violation::duplicate(
                path.index(i),
                q(&policy.resource_name),
            ));
        }
        match policy.resource_name.as_str() {
            "cpu" | "memory" => {}
            "" => errors.push(Violation::required(path.clone(), "")),
            other => errors.push(Violation::unsupported(
                path.clone(),
                other,
                &["cpu", "memory"],
            )),
        }
        match policy.restart_policy.as_str() {
            "NotRequired" | "RestartContainer" => {}
            "" => errors.push(Violation::required(path.clone(), "")),
            other => errors.push(Violation::unsupported(
                path.clone(),
                other,
                &["NotRequired", "RestartContainer"],
            )),
        }
    }
}

/// `ValidateSecurityContext` (container level), the checks that do not depend on the node.
fn security_context(sc: &SecurityContext, path: &Path<'_>, errors: &mut Errors) {
    if let Some(uid) = sc.run_as_user
        && !(0..=i64::from(i32::MAX)).contains(&uid)
    {
        errors.push(Violation::invalid(
            path.child("runAsUser"),
            uid.to_string(),
            name::inclusive_range_error(0, i32::MAX.into()),
        ));
    }
    if let Some(gid) = sc.run_as_group
        && !(0..=i64::from(i32::MAX)).contains(&gid)
    {
        errors.push(Violation::invalid(
            path.child("runAsGroup"),
            gid.to_string(),
            name::inclusive_range_error(0, i32::MAX.into()),
        ));
    }
    if let Some(proc_mount) = &sc.proc_mount {
        match proc_mount.as_str() {
            "Default" | "Unmasked" => {}
            other => errors.push(Violation::unsupported(
                path.child("procMount"),
                other,
                &["Default", "Unmasked"],
            )),
        }
    }
    super::security::container_profiles(sc, path, errors);
    if sc.allow_privilege_escalation == Some(false) {
        let value = serde_json::to_string(sc).unwrap_or_default();
        if sc.privileged == Some(true) {
            errors.push(Violation::invalid(
                path.clone(),
                value.clone(),
                "cannot set `allowPrivilegeEscalation` to false and `privileged` to true",
            ));
        }
        for cap in sc.capabilities.iter().flat_map(|c| c.add.iter().flatten()) {
            if cap == "CAP_SYS_ADMIN" {
                errors.push(Violation::invalid(
                    path.clone(),
                    value.clone(),
                    "cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN",
                ));
            }
        }
    }
}

/// The three probes of a container that may have them.
fn probes(ctr: &Container, path: &Path<'_>, errors: &mut Errors) {
    if let Some(probe) = &ctr.liveness_probe {
        let probe_path = path.child("livenessProbe");
        validate_probe(probe, &probe_path, errors);
        success_threshold_one(probe, &probe_path, errors);
    }
    if let Some(probe) = &ctr.readiness_probe {
        let probe_path = path.child("readinessProbe");
        validate_probe(probe, &probe_path, errors);
        if let Some(seconds) = probe.termination_grace_period_seconds {
            errors.push(Violation::invalid(
                probe_path.child("terminationGracePeriodSeconds"),
                seconds.to_string(),
                "must not be set for readinessProbes",
            ));
        }
    }
    if let Some(probe) = &ctr.startup_probe {
        let probe_path = path.child("startupProbe");
        validate_probe(probe, &probe_path, errors);
        success_threshold_one(probe, &probe_path, errors);
    }
}

/// Liveness and startup probes: `successThreshold` (defaulted to 1) must be 1.
fn success_threshold_one(probe: &Probe, path: &Path<'_>, errors: &mut Errors) {
    let threshold = probe.success_threshold.filter(|&t| t != 0).unwrap_or(1);
    if threshold != 1 {
        errors.push(Violation::invalid(
            path.child("successThreshold"),
            threshold.to_string(),
            "must be 1",
        ));
    }
}

/// `validateProbe` after defaulting (zero timeouts, periods and thresholds take their defaults).
fn validate_probe(probe: &Probe, path: &Path<'_>, errors: &mut Errors) {
    let handler = Handler {
        exec: probe.exec.as_ref(),
        http_get: probe.http_get.as_ref(),
        tcp_socket: probe.tcp_socket.as_ref(),
        grpc: probe.grpc.as_ref(),
        sleep: None,
    };
    validate_handler(&handler, 0, path, errors);
    let field = |v: Option<i32>, default: i32| i64::from(v.filter(|&x| x != 0).unwrap_or(default));
    nonnegative(
        field(probe.initial_delay_seconds, 0),
        path.child("initialDelaySeconds"),
        errors,
    );
    nonnegative(
        field(probe.timeout_seconds, 1),
        path.child("timeoutSeconds"),
        errors,
    );
    nonnegative(
        field(probe.period_seconds, 10),
        path.child("periodSeconds"),
        errors,
    );
    nonnegative(
        field(probe.success_threshold, 1),
        path.child("successThreshold"),
        errors,
    );
    nonnegative(
        field(probe.failure_threshold, 3),
        path.child("failureThreshold"),
        errors,
    );
    if let Some(seconds) = probe.termination_grace_period_seconds
        && seconds <= 0
    {
        errors.push(Violation::invalid(
            path.child("terminationGracePeriodSeconds"),
            seconds.to_string(),
            "must be greater than 0",
        ));
    }
}

/// `validateLifecycle` (the stop signal is dropped while ContainerStopSignals is off, the 1.34 default).
fn validate_lifecycle(lifecycle: &Lifecycle, grace: i64, path: &Path<'_>, errors: &mut Errors) {
    for (field, handler) in [
        ("postStart", &lifecycle.post_start),
        ("preStop", &lifecycle.pre_stop),
    ] {
        if let Some(h) = handler {
            let handler = Handler {
                exec: h.exec.as_ref(),
                http_get: h.http_get.as_ref(),
                tcp_socket: h.tcp_socket.as_ref(),
                grpc: None,
                sleep: h.sleep.as_ref(),
            };
            validate_handler(&handler, grace, &path.child(field), errors);
        }
    }
}

/// `commonHandler`.
struct Handler<'a> {
    exec: Option<&'a ExecAction>,
    http_get: Option<&'a HTTPGetAction>,
    tcp_socket: Option<&'a TCPSocketAction>,
    grpc: Option<&'a GRPCAction>,
    sleep: Option<&'a SleepAction>,
}

/// `validateHandler`: exactly one action, each valid.
fn validate_handler(handler: &Handler<'_>, grace: i64, path: &Path<'_>, errors: &mut Errors) {
    let chosen = one_of(&[
        ("exec", handler.exec.is_some()),
        ("httpGet", handler.http_get.is_some()),
        ("tcpSocket", handler.tcp_socket.is_some()),
        ("grpc", handler.grpc.is_some()),
        ("sleep", handler.sleep.is_some()),
    ]);
    // The first action is checked; each other one is reported where the server meets it.
    let one = |field: &str, errors: &mut Errors| {
        if chosen.is_extra(field) {
            errors.push(Violation::forbidden(
                path.child(field),
                "may not specify more than 1 handler type",
            ));
        }
        chosen.first() == Some(field)
    };
    if let Some(exec) = handler.exec
        && one("exec", errors)
        && exec.command.as_ref().is_none_or(Vec::is_empty)
    {
        errors.push(Violation::required(path.child("exec").child("command"), ""));
    }
    if let Some(http) = handler.http_get
        && one("httpGet", errors)
    {
        let http_path = path.child("httpGet");
        port_num_or_name(&http.port, &http_path.child("port"), errors);
        match s(&http.scheme) {
            "" | "HTTP" | "HTTPS" => {}
            other => errors.push(Violation::unsupported(
                http_path.child("scheme"),
                other,
                &["HTTP", "HTTPS"],
            )),
        }
        for header in http.http_headers.iter().flatten() {
            let valid = !header.name.is_empty()
                && header
                    .name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-');
            if !valid {
                errors.push(Violation::invalid(
                    http_path.child("httpHeaders"),
                    q(&header.name),
                    name::regex_error(
                        "a valid HTTP header must consist of alphanumeric characters or '-'",
                        "[-A-Za-z0-9]+",
                        &["X-Header-Name"],
                    ),
                ));
            }
        }
    }
    if let Some(tcp) = handler.tcp_socket
        && one("tcpSocket", errors)
    {
        port_num_or_name(&tcp.port, &path.child("tcpSocket").child("port"), errors);
    }
    if let Some(grpc) = handler.grpc
        && one("grpc", errors)
    {
        port_num_or_name(
            &IntOrString::Int(grpc.port),
            &path.child("grpc").child("port"),
            errors,
        );
    }
    if let Some(sleep) = handler.sleep
        && one("sleep", errors)
        && (sleep.seconds < 0 || sleep.seconds > grace)
    {
        errors.push(Violation::invalid(
            path.child("sleep"),
            sleep.seconds.to_string(),
            format!("must be non-negative and less than terminationGracePeriodSeconds ({grace})"),
        ));
    }
    if chosen == Chosen::None {
        errors.push(Violation::required(
            path.clone(),
            "must specify a handler type",
        ));
    }
}

/// `ValidatePortNumOrName`.
fn port_num_or_name(port: &IntOrString, path: &Path<'_>, errors: &mut Errors) {
    match port {
        IntOrString::Int(n) => {
            for message in name::port_number((*n).into()) {
                errors.push(Violation::invalid(path.clone(), n.to_string(), message));
            }
        }
        IntOrString::String(text) => {
            common::invalid_each(name::port_name(text), path, text, errors)
        }
    }
}

/// `validateEphemeralContainers`: the server checks ephemeral containers of a template like a pod's before it
/// forbids them there.
pub(super) fn validate_ephemeral_containers(
    spec: &PodSpec,
    volumes: &Volumes<'_>,
    path: &Path<'_>,
    errors: &mut Errors,
) {
    let ephemeral = spec.ephemeral_containers.as_deref().unwrap_or_default();
    if ephemeral.is_empty() {
        return;
    }
    let others: BTreeSet<&str> = spec
        .containers
        .iter()
        .chain(spec.init_containers.iter().flatten())
        .map(|c| c.name.as_str())
        .collect();
    let mut all = Names::new();
    for c in spec
        .containers
        .iter()
        .chain(spec.init_containers.iter().flatten())
    {
        all.repeats(c.name.as_str());
    }
    for (i, ec) in ephemeral.iter().enumerate() {
        let p = path.index(i);
        let Ok(ctr) = serde_json::to_value(ec).and_then(serde_json::from_value::<Container>) else {
            continue;
        };
        common_rules(&ctr, volumes, &p, errors);
        // The pod rule of `validateContainersOnlyForPod`, which the server applies to ephemeral containers of a
        // template too (the emptiness is checked by `common_rules`).
        if let Some(finding) =
            daemonset_rules::check::image(s(&ctr.image)).filter(|f| f.kind == Kind::Invalid)
        {
            errors.push(Violation::from_finding(&p, finding));
        }
        if all.repeats(ec.name.as_str()).is_some() {
            distinct(Distinct::ContainerName, &ec.name, &p, errors);
        }
        if let Some(target) = ec
            .target_container_name
            .as_deref()
            .filter(|t| !t.is_empty())
            && !others.contains(target)
        {
            errors.push(Violation::not_found(
                p.child("targetContainerName"),
                q(target),
            ));
        }
        const FORBIDDEN: &str = "cannot be set for an Ephemeral Container";
        let resources_set = ec.resources.as_ref().is_some_and(|r| {
            r.limits.as_ref().is_some_and(|m| !m.is_empty())
                || r.requests.as_ref().is_some_and(|m| !m.is_empty())
                || r.claims.as_ref().is_some_and(|c| !c.is_empty())
        });
        for (field, set) in [
            ("ports", ec.ports.as_ref().is_some_and(|v| !v.is_empty())),
            ("resources", resources_set),
            (
                "resizePolicy",
                ec.resize_policy.as_ref().is_some_and(|v| !v.is_empty()),
            ),
            ("restartPolicy", ec.restart_policy.is_some()),
            ("livenessProbe", ec.liveness_probe.is_some()),
            ("readinessProbe", ec.readiness_probe.is_some()),
            ("startupProbe", ec.startup_probe.is_some()),
            ("lifecycle", ec.lifecycle.is_some()),
        ] {
            if set {
                errors.push(Violation::forbidden(p.child(field), FORBIDDEN));
            }
        }
        for (j, mount) in ec.volume_mounts.iter().flatten().enumerate() {
            let mounts_path = p.child("volumeMounts");
            let mp = mounts_path.index(j);
            if !s(&mount.sub_path).is_empty() {
                errors.push(Violation::forbidden(mp.child("subPath"), FORBIDDEN));
            }
            if !s(&mount.sub_path_expr).is_empty() {
                errors.push(Violation::forbidden(mp.child("subPathExpr"), FORBIDDEN));
            }
        }
    }
}
