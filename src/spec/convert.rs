//! From the spec model to the typed builder. Everything the types of the builder cannot take (an unknown volume
//! name, a malformed quantity, an env var with two sources) is collected as a problem at its spec path; the rest is
//! left to validation when the DaemonSet is built.

use std::collections::BTreeMap;

use daemonset_rules::suggest::did_you_mean;
use daemonset_rules::unique::exactly_one;
use daemonset_rules::volumes::{Field, MountDecl, Storage, VolumeDecl};
use k8s_openapi::api::apps::v1::DaemonSet as K8sDaemonSet;

use daemonset_rules::check::{self, Finding, TolerationFields};
use daemonset_rules::model::{
    ClosedSet, NodeSelectorOperator, ResourceField, TolerationOperator, UpdateStrategyType,
};

use super::model::{
    AffinitySpec, AmountsSpec, ContainerSpec, EnvFromSpec, EnvSpec, FieldFileSpec, HookSpec,
    MountSpec, PodPlacementSpec, PodSecurityContextSpec, ProbeSpec, ProfileSpec, ProfileType,
    RequirementSpec, Scheme, SeLinuxSpec, Spec, Text, TolerationSpec, UpdateStrategySpec,
    VolumeSpec, WindowsSpec,
};
use crate::ValidationErrors;
use crate::build::{
    AppArmorProfile, Budget, Container, Cpu, DnsConfig, EnvFrom, EnvVar, Hook, Memory,
    NodeAffinity, NodeAgent, PodAffinityTerm, PodField, PodPlacement, PodSecurityContext, Port,
    Probe, Projection, Requirement, Resources, SeLinux, SeccompProfile, SecurityContext, Term,
    Toleration, UpdateStrategy, Volume, Weight, WindowsOptions,
};
use crate::validate::{self, Violation};
use k8s_openapi::api::core::v1::{
    AppArmorProfile as K8sAppArmorProfile, SeccompProfile as K8sSeccompProfile,
};

/// A problem at a spec path (`containers[0].mounts[1].volume`).
pub(crate) type Problem = (String, String);

struct Ctx {
    problems: Vec<Problem>,
}

impl Ctx {
    fn problem(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.problems.push((path.into(), message.into()));
    }

    /// A finding of a shared rule about the object at `path`, worded as the validator words it.
    fn finding(&mut self, path: &str, finding: Finding) {
        let violation = Violation::from_finding(&validate::Path::root(path), finding);
        self.problem(violation.path.as_str(), violation.message());
    }
}

/// Converts a spec into builder calls and builds it (so validation applies), or returns every problem found before
/// building.
pub(crate) fn build(spec: Spec) -> Result<Result<K8sDaemonSet, ValidationErrors>, Vec<Problem>> {
    let mut ctx = Ctx {
        problems: Vec::new(),
    };
    // The rules of volumes and mounts run once, on the shared model of that part.
    let storage = storage(&spec);
    for problem in storage.check() {
        let path = match problem.field {
            Field::VolumeName => format!("{}.name", problem.at),
            Field::VolumeSource => problem.at.clone(),
            Field::MountVolume => format!("{}.volume", problem.at),
            Field::MountPath => format!("{}.path", problem.at),
        };
        ctx.problem(path, problem.message);
    }
    let volumes: Vec<Volume> = spec
        .volumes
        .into_iter()
        .enumerate()
        .filter_map(|(i, v)| volume(&mut ctx, &format!("volumes[{i}]"), v))
        .collect();
    // The first volume of a name is the one its mounts get (a repeated name is reported above).
    let mut declared: BTreeMap<String, Volume> = BTreeMap::new();
    for v in &volumes {
        declared
            .entry(v.name().to_owned())
            .or_insert_with(|| v.clone());
    }
    let containers: Vec<Container> = spec
        .containers
        .into_iter()
        .enumerate()
        .map(|(i, c)| {
            let path = format!("containers[{i}]");
            if c.restart_policy.is_some()
                && let Some(message) = check::restart_policy(false, "restartPolicy")
            {
                ctx.problem(format!("{path}.restartPolicy"), message);
            }
            container(&mut ctx, &path, c, &declared)
        })
        .collect();
    let init_containers: Vec<Container> = spec
        .init_containers
        .into_iter()
        .enumerate()
        .map(|(i, c)| container(&mut ctx, &format!("initContainers[{i}]"), c, &declared))
        .collect();
    let (affinity, pod_affinity, pod_anti_affinity) = match spec.affinity {
        None => (None, None, None),
        Some(mut a) => {
            let pod = a
                .pod_affinity
                .take()
                .map(|p| pod_placement(&mut ctx, "affinity.podAffinity", p));
            let anti = a
                .pod_anti_affinity
                .take()
                .map(|p| pod_placement(&mut ctx, "affinity.podAntiAffinity", p));
            // `affinity: {}` alone stays what it was (an empty node affinity).
            let node = (!a.required.is_empty()
                || !a.preferred.is_empty()
                || (pod.is_none() && anti.is_none()))
            .then(|| affinity(&mut ctx, a));
            (node, pod, anti)
        }
    };
    let tolerations: Vec<Toleration> = spec
        .tolerations
        .into_iter()
        .enumerate()
        .filter_map(|(i, t)| toleration(&mut ctx, &format!("tolerations[{i}]"), t))
        .collect();
    let update_strategy = spec
        .update_strategy
        .and_then(|u| update_strategy(&mut ctx, u));
    let pod_security = spec
        .security_context
        .map(|s| pod_security_context(&mut ctx, "securityContext", s));
    let dns_config = spec.dns_config.map(|d| {
        let mut c = DnsConfig::default();
        for n in d.nameservers {
            c = c.nameserver(n);
        }
        for s in d.searches {
            c = c.search(s);
        }
        for o in d.options {
            c = c.option(o.name, o.value.as_deref());
        }
        c
    });

    let mut builder = NodeAgent::builder()
        .name(spec.name)
        .namespace_opt(spec.namespace)
        .node_affinity_opt(affinity)
        .pod_affinity_opt(pod_affinity)
        .pod_anti_affinity_opt(pod_anti_affinity)
        .update_strategy_opt(update_strategy)
        .termination_grace_period_seconds_opt(spec.termination_grace_period_seconds)
        .host_network_bool(spec.host_network)
        .host_pid_bool(spec.host_pid)
        .dns_policy_opt(spec.dns_policy)
        .priority_class_name_opt(spec.priority_class_name)
        .service_account_name_opt(spec.service_account_name)
        .min_ready_seconds_opt(spec.min_ready_seconds)
        .revision_history_limit_opt(spec.revision_history_limit)
        .security_context_opt(pod_security)
        .automount_service_account_token_opt(spec.automount_service_account_token)
        .share_process_namespace_bool(spec.share_process_namespace)
        .host_ipc_bool(spec.host_ipc)
        .host_users_opt(spec.host_users)
        .runtime_class_name_opt(spec.runtime_class_name)
        .os_opt(spec.os.map(|o| o.name))
        .dns_config_opt(dns_config)
        .enable_service_links_opt(spec.enable_service_links)
        .scheduler_name_opt(spec.scheduler_name);
    for g in spec.readiness_gates {
        builder = builder.readiness_gate(g.condition_type);
    }
    for a in spec.host_aliases {
        builder = builder.host_alias(a.ip, a.hostnames);
    }
    for (k, v) in spec.labels {
        builder = builder.label(k, v);
    }
    for (k, v) in spec.annotations {
        builder = builder.annotation(k, v);
    }
    for (k, v) in spec.selector_labels {
        builder = builder.selector_label(k, v);
    }
    for (k, v) in spec.pod_labels {
        builder = builder.pod_label(k, v);
    }
    for (k, v) in spec.pod_annotations {
        builder = builder.pod_annotation(k, v);
    }
    for (k, v) in spec.node_selector {
        builder = builder.node_selector(k, v);
    }
    for v in volumes {
        builder = builder.volume(v);
    }
    for c in containers {
        builder = builder.container(c);
    }
    for c in init_containers {
        builder = builder.init_container(c);
    }
    for t in tolerations {
        builder = builder.toleration(t);
    }
    for s in spec.image_pull_secrets {
        builder = builder.image_pull_secret(s);
    }
    if ctx.problems.is_empty() {
        Ok(builder.build())
    } else {
        Err(ctx.problems)
    }
}

/// The volumes and mounts of a spec as the shared model of that part, each item at its spec path.
fn storage(spec: &Spec) -> Storage<String> {
    let volumes = spec
        .volumes
        .iter()
        .enumerate()
        .map(|(i, v)| VolumeDecl {
            name: v.name.clone(),
            sources: vec![
                ("hostPath", v.host_path.is_some()),
                ("configMap", v.config_map.is_some()),
                ("secret", v.secret.is_some()),
                ("emptyDir", v.empty_dir.is_some()),
                ("projected", v.projected.is_some()),
                ("downwardAPI", v.downward_api.is_some()),
                ("csi", v.csi.is_some()),
            ],
            at: format!("volumes[{i}]"),
        })
        .collect();
    let containers = spec
        .containers
        .iter()
        .enumerate()
        .map(|(i, c)| (format!("containers[{i}]"), c));
    let init = spec
        .init_containers
        .iter()
        .enumerate()
        .map(|(i, c)| (format!("initContainers[{i}]"), c));
    let mounts = containers
        .chain(init)
        .map(|(path, c)| {
            c.mounts
                .iter()
                .enumerate()
                .map(|(j, m)| MountDecl {
                    volume: m.volume.clone(),
                    path: Some(m.path.clone()),
                    at: format!("{path}.mounts[{j}]"),
                })
                .collect()
        })
        .collect();
    Storage { volumes, mounts }
}

fn volume(ctx: &mut Ctx, path: &str, spec: VolumeSpec) -> Option<Volume> {
    let VolumeSpec {
        name,
        host_path,
        config_map,
        secret,
        empty_dir,
        projected,
        downward_api,
        csi,
    } = spec;
    // The number of sources is checked on the shared model ([`storage`]): the first one written is converted.
    if let Some(h) = host_path {
        let v = Volume::host_path(name, h.path);
        return Some(match h.kind {
            Some(kind) => v.with_type(kind),
            None => v,
        });
    }
    if let Some(o) = config_map
        .map(|o| (Volume::config_map(&name, o.name.clone()), o))
        .or_else(|| secret.map(|o| (Volume::secret(&name, o.name.clone()), o)))
    {
        let (mut v, spec) = o;
        if !spec.items.is_empty() {
            v = v.items(spec.items.into_iter().map(|i| (i.key, i.path)));
        }
        if let Some(mode) = spec.default_mode {
            v = v.default_mode(mode);
        }
        if spec.optional {
            v = v.optional();
        }
        return Some(v);
    }
    if let Some(c) = csi {
        let mut v = Volume::csi(name, c.driver);
        for (k, val) in c.volume_attributes {
            v = v.attribute(k, val);
        }
        return Some(v);
    }
    if let Some(e) = empty_dir {
        let size = match e.size_limit {
            None => None,
            Some(size) => match Memory::parse(&size.0) {
                Ok(size) => Some(size),
                Err(err) => {
                    ctx.problem(
                        format!("{path}.emptyDir.sizeLimit"),
                        format!("invalid quantity {:?}: {err}", size.0),
                    );
                    return None;
                }
            },
        };
        return Some(match (e.medium, size) {
            (None, None) => Volume::empty_dir(name),
            (Some(_), Some(size)) => Volume::memory_dir(name, size),
            (Some(_), None) => Volume::empty_dir(name).in_memory(),
            (None, Some(size)) => Volume::empty_dir(name).size_limit(size),
        });
    }
    if let Some(p) = projected {
        let mut sources = Vec::new();
        for (i, s) in p.sources.into_iter().enumerate() {
            let here = format!("{path}.projected.sources[{i}]");
            let options = [
                ("configMap", s.config_map.is_some()),
                ("secret", s.secret.is_some()),
                ("serviceAccountToken", s.service_account_token.is_some()),
                ("downwardAPI", s.downward_api.is_some()),
            ];
            if let Err(message) = exactly_one("a projection", &options) {
                ctx.problem(here, message);
                continue;
            }
            if let Some(name) = s.config_map {
                sources.push(Projection::config_map(name));
            } else if let Some(name) = s.secret {
                sources.push(Projection::secret(name));
            } else if let Some(t) = s.service_account_token {
                sources.push(Projection::service_account_token(
                    t.path,
                    t.audience,
                    t.expiration_seconds,
                ));
            } else if let Some(files) = s.downward_api {
                let files = field_files(ctx, &format!("{here}.downwardAPI"), files);
                sources.push(Projection::downward_api(files));
            }
        }
        let v = Volume::projected(name, sources);
        return Some(match p.default_mode {
            Some(mode) => v.default_mode(mode),
            None => v,
        });
    }
    let d = downward_api?;
    let files = field_files(ctx, &format!("{path}.downwardAPI.items"), d.items);
    let v = Volume::downward_api(name, files);
    Some(match d.default_mode {
        Some(mode) => v.default_mode(mode),
        None => v,
    })
}

fn field_files(ctx: &mut Ctx, path: &str, files: Vec<FieldFileSpec>) -> Vec<(String, PodField)> {
    files
        .into_iter()
        .enumerate()
        .filter_map(|(i, f)| match pod_field(&f.field) {
            Ok(field) => Some((f.path, field)),
            Err(message) => {
                ctx.problem(format!("{path}[{i}].field"), message);
                None
            }
        })
        .collect()
}

/// Reads an env `field` as the API server spells it (`spec.nodeName`, `metadata.labels['app']`), with the shared
/// rule (`daemonset_rules::field_ref::env_field`) the macro reads it with.
pub(crate) fn pod_field(text: &str) -> Result<PodField, String> {
    PodField::parse(text)
}

fn env_var(ctx: &mut Ctx, path: &str, spec: EnvSpec) -> Option<EnvVar> {
    let EnvSpec {
        name,
        value,
        field,
        resource_field,
        divisor,
        container,
        config_map_key,
        secret_key,
    } = spec;
    let options = [
        ("value", value.is_some()),
        ("field", field.is_some()),
        ("resourceField", resource_field.is_some()),
        ("configMapKey", config_map_key.is_some()),
        ("secretKey", secret_key.is_some()),
    ];
    if let Err(message) = exactly_one(&format!("env var `{name}`"), &options) {
        ctx.problem(path, message);
        return None;
    }
    if (divisor.is_some() || container.is_some()) && resource_field.is_none() {
        ctx.problem(
            path,
            format!("env var `{name}`: `divisor` and `container` go with `resourceField` only"),
        );
        return None;
    }
    if let Some(value) = value {
        return Some(EnvVar::value(name, value));
    }
    if let Some(field) = field {
        return match pod_field(&field) {
            Ok(f) => Some(EnvVar::field(name, f)),
            Err(message) => {
                ctx.problem(format!("{path}.field"), message);
                None
            }
        };
    }
    if let Some(resource) = resource_field {
        let f = match ResourceField::parse(&resource) {
            Ok(f) => f,
            Err(err) => {
                let hint = did_you_mean(&resource, ResourceField::NAMES.iter().copied())
                    .map(|s| format!("did you mean `{s}`? "))
                    .unwrap_or_default();
                ctx.problem(
                    format!("{path}.resourceField"),
                    format!("unsupported resource `{resource}`; {hint}{}", err.detail()),
                );
                return None;
            }
        };
        let mut var = EnvVar::resource(name, f);
        if let Some(d) = divisor {
            var = var.divisor(d.0);
        }
        if let Some(c) = container {
            var = var.of_container(c);
        }
        return Some(var);
    }
    if let Some(r) = config_map_key {
        let var = EnvVar::config_map_key(name, r.name, r.key);
        return Some(if r.optional { var.optional() } else { var });
    }
    let r = secret_key?;
    let var = EnvVar::secret_key(name, r.name, r.key);
    Some(if r.optional { var.optional() } else { var })
}

fn env_from(ctx: &mut Ctx, path: &str, spec: EnvFromSpec) -> Option<EnvFrom> {
    let options = [
        ("configMap", spec.config_map.is_some()),
        ("secret", spec.secret.is_some()),
    ];
    if let Err(message) = exactly_one("`envFrom`", &options) {
        ctx.problem(path, message);
        return None;
    }
    let mut source = match (spec.config_map, spec.secret) {
        (Some(name), _) => EnvFrom::config_map(name),
        (_, name) => EnvFrom::secret(name?),
    };
    if let Some(p) = spec.prefix {
        source = source.prefix(p);
    }
    Some(if spec.optional {
        source.optional()
    } else {
        source
    })
}

fn quantity<T>(
    ctx: &mut Ctx,
    path: String,
    text: Option<Text>,
    parse: fn(&str) -> Result<T, daemonset_rules::QuantityError>,
) -> Option<T> {
    let text = text?;
    match parse(&text.0) {
        Ok(q) => Some(q),
        Err(err) => {
            ctx.problem(path, format!("invalid quantity {:?}: {err}", text.0));
            None
        }
    }
}

fn amounts(
    ctx: &mut Ctx,
    path: &str,
    spec: Option<AmountsSpec>,
) -> (Option<Cpu>, Option<Memory>, Option<Memory>) {
    let Some(a) = spec else {
        return (None, None, None);
    };
    (
        quantity(ctx, format!("{path}.cpu"), a.cpu, Cpu::parse),
        quantity(ctx, format!("{path}.memory"), a.memory, Memory::parse),
        quantity(
            ctx,
            format!("{path}.ephemeral-storage"),
            a.ephemeral_storage,
            Memory::parse,
        ),
    )
}

fn probe(ctx: &mut Ctx, path: &str, spec: ProbeSpec) -> Option<Probe> {
    let options = [
        ("httpGet", spec.http_get.is_some()),
        ("tcpSocket", spec.tcp_socket.is_some()),
        ("exec", spec.exec.is_some()),
        ("grpc", spec.grpc.is_some()),
    ];
    if let Err(message) = exactly_one("a probe", &options) {
        ctx.problem(path, message);
        return None;
    }
    let mut p = if let Some(h) = spec.http_get {
        let mut p = match h.port.0.parse::<u16>() {
            Ok(port) => Probe::http_get(h.path, port),
            Err(_) => Probe::http_get_named(h.path, h.port.0),
        };
        if let Some(host) = h.host {
            p = p.host(host);
        }
        if h.scheme == Some(Scheme::Https) {
            p = p.https();
        }
        for header in h.http_headers {
            p = p.header(header.name, header.value);
        }
        p
    } else if let Some(t) = spec.tcp_socket {
        let mut p = match t.port.0.parse::<u16>() {
            Ok(port) => Probe::tcp_socket(port),
            Err(_) => Probe::tcp_socket_named(t.port.0),
        };
        if let Some(host) = t.host {
            p = p.host(host);
        }
        p
    } else if let Some(g) = spec.grpc {
        let p = Probe::grpc(g.port);
        match g.service {
            Some(service) => p.grpc_service(service),
            None => p,
        }
    } else {
        Probe::exec(spec.exec.unwrap_or_default())
    };
    if let Some(s) = spec.initial_delay_seconds {
        p = p.initial_delay_seconds(s);
    }
    if let Some(s) = spec.period_seconds {
        p = p.period_seconds(s);
    }
    if let Some(s) = spec.timeout_seconds {
        p = p.timeout_seconds(s);
    }
    if let Some(n) = spec.failure_threshold {
        p = p.failure_threshold(n);
    }
    if let Some(n) = spec.success_threshold {
        p = p.success_threshold(n);
    }
    Some(p)
}

fn container(
    ctx: &mut Ctx,
    path: &str,
    spec: ContainerSpec,
    volumes: &BTreeMap<String, Volume>,
) -> Container {
    let ports = spec.ports.into_iter().map(|p| {
        let mut port = Port::new(p.container_port);
        if let Some(name) = p.name {
            port = port.name(name);
        }
        if let Some(protocol) = p.protocol {
            port = port.protocol(protocol);
        }
        if let Some(host_port) = p.host_port {
            port = port.host_port(host_port);
        }
        if let Some(ip) = p.host_ip {
            port = port.host_ip(ip);
        }
        port
    });
    let ports: Vec<Port> = ports.collect();
    let env: Vec<EnvVar> = spec
        .env
        .into_iter()
        .enumerate()
        .filter_map(|(i, e)| env_var(ctx, &format!("{path}.env[{i}]"), e))
        .collect();
    let env_from: Vec<EnvFrom> = spec
        .env_from
        .into_iter()
        .enumerate()
        .filter_map(|(i, e)| env_from(ctx, &format!("{path}.envFrom[{i}]"), e))
        .collect();
    let resources = spec.resources.map(|r| {
        let (cpu_request, memory_request, ephemeral_storage_request) =
            amounts(ctx, &format!("{path}.resources.requests"), r.requests);
        let (cpu_limit, memory_limit, ephemeral_storage_limit) =
            amounts(ctx, &format!("{path}.resources.limits"), r.limits);
        Resources {
            cpu_request,
            cpu_limit,
            memory_request,
            memory_limit,
            ephemeral_storage_request,
            ephemeral_storage_limit,
            ..Resources::default()
        }
    });
    let mounts: Vec<_> = spec
        .mounts
        .into_iter()
        .filter_map(|m| mount(m, volumes))
        .collect();
    let liveness = spec
        .liveness_probe
        .and_then(|p| probe(ctx, &format!("{path}.livenessProbe"), p));
    let readiness = spec
        .readiness_probe
        .and_then(|p| probe(ctx, &format!("{path}.readinessProbe"), p));
    let startup = spec
        .startup_probe
        .and_then(|p| probe(ctx, &format!("{path}.startupProbe"), p));
    let security_context = spec.security_context.map(|s| {
        let (add_capabilities, drop_capabilities) =
            s.capabilities.map(|c| (c.add, c.drop)).unwrap_or_default();
        let here = format!("{path}.securityContext");
        let profiles = profiles(
            ctx,
            &here,
            s.seccomp_profile,
            s.app_armor_profile,
            s.se_linux_options,
            s.windows_options,
        );
        SecurityContext {
            seccomp_profile: profiles.0,
            app_armor_profile: profiles.1,
            se_linux: profiles.2,
            windows: profiles.3,
            privileged: s.privileged,
            allow_privilege_escalation: s.allow_privilege_escalation,
            read_only_root_filesystem: s.read_only_root_filesystem,
            run_as_non_root: s.run_as_non_root,
            run_as_user: s.run_as_user,
            run_as_group: s.run_as_group,
            add_capabilities,
            drop_capabilities,
        }
    });
    let (pre_stop, post_start) = match spec.lifecycle {
        None => (None, None),
        Some(l) => (
            l.pre_stop
                .and_then(|h| hook(ctx, &format!("{path}.lifecycle.preStop"), h)),
            l.post_start
                .and_then(|h| hook(ctx, &format!("{path}.lifecycle.postStart"), h)),
        ),
    };
    let resize: Vec<_> = spec
        .resize_policy
        .into_iter()
        .map(|r| (r.resource_name, r.restart_policy))
        .collect();
    let mut builder = Container::builder()
        .name(spec.name)
        .image(spec.image)
        .command(spec.command)
        .args(spec.args)
        .working_dir_opt(spec.working_dir)
        .image_pull_policy_opt(spec.image_pull_policy)
        .resources_opt(resources)
        .liveness_probe_opt(liveness)
        .readiness_probe_opt(readiness)
        .startup_probe_opt(startup)
        .security_context_opt(security_context)
        .pre_stop_opt(pre_stop)
        .post_start_opt(post_start)
        .termination_message_path_opt(spec.termination_message_path)
        .termination_message_policy_opt(spec.termination_message_policy)
        .sidecar_bool(spec.restart_policy.is_some());
    for (resource, restart) in resize {
        builder = builder.resize_policy(resource, restart);
    }
    for p in ports {
        builder = builder.port(p);
    }
    for e in env {
        builder = builder.env(e);
    }
    for e in env_from {
        builder = builder.env_from(e);
    }
    for m in mounts {
        builder = builder.mount(m);
    }
    builder.build()
}

fn mount(spec: MountSpec, volumes: &BTreeMap<String, Volume>) -> Option<crate::build::Mount> {
    // An undeclared volume is reported on the shared model ([`storage`]); a volume whose source has an error is
    // reported at the volume.
    let volume = volumes.get(&spec.volume)?;
    let mut m = volume.mount(spec.path);
    if spec.read_only {
        m = m.read_only();
    }
    if let Some(sub) = spec.sub_path {
        m = m.sub_path(sub);
    }
    if let Some(p) = spec.propagation {
        m = m.propagation(p);
    }
    Some(m)
}

fn requirement(ctx: &mut Ctx, path: &str, spec: RequirementSpec) -> Option<Requirement> {
    use NodeSelectorOperator::{DoesNotExist, Exists, Gt, In, Lt, NotIn};
    let values: Vec<String> = spec.values.into_iter().map(|t| t.0).collect();
    let texts: Vec<&str> = values.iter().map(String::as_str).collect();
    if let Some(finding) = check::requirement_values(spec.operator, &texts) {
        ctx.finding(path, finding);
        return None;
    }
    match spec.operator {
        In => Some(Requirement::is_in_values(spec.key, values)),
        NotIn => Some(Requirement::not_in_values(spec.key, values)),
        Exists => Some(Requirement::exists(spec.key)),
        DoesNotExist => Some(Requirement::does_not_exist(spec.key)),
        Gt | Lt => match values[0].parse::<u64>() {
            Ok(n) if spec.operator == Gt => Some(Requirement::greater_than(spec.key, n)),
            Ok(n) => Some(Requirement::less_than(spec.key, n)),
            Err(_) => {
                ctx.problem(
                    format!("{path}.values[0]"),
                    format!(
                        "`{}` needs a whole number, not {:?}",
                        spec.operator, values[0]
                    ),
                );
                None
            }
        },
    }
}

fn requirements(ctx: &mut Ctx, path: &str, specs: Vec<RequirementSpec>) -> Vec<Requirement> {
    specs
        .into_iter()
        .enumerate()
        .filter_map(|(i, r)| requirement(ctx, &format!("{path}[{i}]"), r))
        .collect()
}

fn affinity(ctx: &mut Ctx, spec: AffinitySpec) -> NodeAffinity {
    let mut affinity = NodeAffinity::new();
    for (i, term) in spec.required.into_iter().enumerate() {
        let path = format!("affinity.required[{i}]");
        let options = [
            ("matchExpressions", !term.match_expressions.is_empty()),
            ("nodeName", term.node_name.is_some()),
        ];
        match (
            exactly_one("a node selector term", &options),
            term.node_name,
        ) {
            (Err(message), _) => ctx.problem(path, message),
            (Ok(_), Some(node)) => affinity = affinity.require(Term::node_name(node)),
            (Ok(_), None) => {
                affinity = affinity.require(Term::all(requirements(
                    ctx,
                    &format!("{path}.matchExpressions"),
                    term.match_expressions,
                )));
            }
        }
    }
    for (i, pref) in spec.preferred.into_iter().enumerate() {
        let path = format!("affinity.preferred[{i}]");
        if let Some(finding) = check::weight(pref.weight.into()) {
            ctx.finding(&path, finding);
            continue;
        }
        let weight = Weight::new(pref.weight).expect("checked by the shared rule");
        affinity = affinity.prefer(
            weight,
            Term::all(requirements(
                ctx,
                &format!("{path}.matchExpressions"),
                pref.match_expressions,
            )),
        );
    }
    affinity
}

fn toleration(ctx: &mut Ctx, path: &str, spec: TolerationSpec) -> Option<Toleration> {
    let findings = check::toleration(TolerationFields {
        key: Some(spec.key.as_deref().unwrap_or_default()),
        operator: Some(spec.operator.map_or("", TolerationOperator::as_str)),
        value: Some(spec.value.as_deref().unwrap_or_default()),
        effect: Some(spec.effect.map_or("", |e| e.as_str())),
        seconds: spec.toleration_seconds.is_some(),
    });
    if !findings.is_empty() {
        for finding in findings {
            ctx.finding(path, finding);
        }
        return None;
    }
    let key = spec.key.filter(|k| !k.is_empty());
    let t = match (key, spec.operator, spec.value) {
        (None, _, _) => Toleration::everything(),
        (Some(key), Some(TolerationOperator::Exists), _) => Toleration::exists(key),
        (Some(key), Some(_), Some(value)) => Toleration::equal(key, value),
        (Some(key), None, Some(value)) => Toleration::key_value(key, value),
        (Some(key), _, None) => Toleration::key(key),
    };
    Some(match (spec.toleration_seconds, spec.effect) {
        // The shared rule made sure the effect is NoExecute.
        (Some(seconds), _) => t.evict_after(seconds),
        (None, Some(e)) => t.effect(e),
        (None, None) => t,
    })
}

fn budget(ctx: &mut Ctx, path: &str, text: &Text) -> Option<Budget> {
    match Budget::parse(&text.0) {
        Ok(budget) => Some(budget),
        Err(message) => {
            ctx.problem(path, format!("invalid budget {:?}: {message}", text.0));
            None
        }
    }
}

fn update_strategy(ctx: &mut Ctx, spec: UpdateStrategySpec) -> Option<UpdateStrategy> {
    let path = "updateStrategy";
    if spec.kind == Some(UpdateStrategyType::OnDelete) {
        if spec.max_unavailable.is_some() || spec.max_surge.is_some() {
            ctx.problem(
                path,
                "`type: OnDelete` takes no `maxUnavailable` or `maxSurge`",
            );
            return None;
        }
        return Some(UpdateStrategy::OnDelete);
    }
    let unavailable = spec
        .max_unavailable
        .map(|u| budget(ctx, &format!("{path}.maxUnavailable"), &u));
    let surge = spec
        .max_surge
        .map(|s| budget(ctx, &format!("{path}.maxSurge"), &s));
    let (unavailable, surge) = match (unavailable, surge) {
        (Some(None), _) | (_, Some(None)) => return None,
        // `{type: RollingUpdate}` or `{}` without a budget: what the API server defaults it to.
        (None, None) => return Some(UpdateStrategy::MaxUnavailable(Budget::Count(1))),
        // In the builder's vocabulary a budget not written is 0.
        (u, s) => (
            u.flatten().unwrap_or(Budget::Count(0)),
            s.flatten().unwrap_or(Budget::Count(0)),
        ),
    };
    if let Some(finding) = check::rolling_budgets(unavailable.value(), surge.value()) {
        ctx.finding(path, finding);
        return None;
    }
    Some(if unavailable.is_zero() {
        UpdateStrategy::MaxSurge(surge)
    } else {
        UpdateStrategy::MaxUnavailable(unavailable)
    })
}

fn hook(ctx: &mut Ctx, path: &str, spec: HookSpec) -> Option<Hook> {
    let HookSpec {
        exec,
        http_get,
        sleep,
        tcp_socket,
    } = spec;
    let options = [
        ("exec", exec.is_some()),
        ("httpGet", http_get.is_some()),
        ("sleep", sleep.is_some()),
        ("tcpSocket", tcp_socket.is_some()),
    ];
    if let Err(message) = exactly_one("a lifecycle hook", &options) {
        ctx.problem(path, message);
        return None;
    }
    Some(if let Some(e) = exec {
        Hook::exec(e.command)
    } else if let Some(h) = http_get {
        Hook::http_get(h.path, h.port)
    } else if let Some(s) = sleep {
        Hook::sleep(s.seconds)
    } else {
        Hook::tcp_socket(tcp_socket?.port)
    })
}

/// A seccomp or AppArmor profile, checked by the validator's own rule (`localhostProfile` goes with `type:
/// Localhost`, and only with it): a profile the typed form cannot hold is reported here, at its spec path.
fn profile<T>(
    ctx: &mut Ctx,
    path: &str,
    spec: ProfileSpec,
    raw: impl FnOnce(String, Option<String>) -> T,
    check: fn(Option<&T>, &validate::Path<'_>, &mut Vec<Violation>),
) -> Option<(ProfileType, Option<String>)> {
    let object = raw(
        spec.kind.as_str().to_owned(),
        spec.localhost_profile.clone(),
    );
    let mut violations = Vec::new();
    check(Some(&object), &validate::Path::root(path), &mut violations);
    for v in &violations {
        ctx.problem(v.path.as_str(), v.message());
    }
    violations
        .is_empty()
        .then_some((spec.kind, spec.localhost_profile))
}

type Profiles = (
    Option<SeccompProfile>,
    Option<AppArmorProfile>,
    Option<SeLinux>,
    Option<WindowsOptions>,
);

fn profiles(
    ctx: &mut Ctx,
    path: &str,
    seccomp: Option<ProfileSpec>,
    app_armor: Option<ProfileSpec>,
    se_linux: Option<SeLinuxSpec>,
    windows: Option<WindowsSpec>,
) -> Profiles {
    let seccomp = seccomp
        .and_then(|p| {
            let raw = |type_, localhost_profile| K8sSeccompProfile {
                type_,
                localhost_profile,
            };
            profile(
                ctx,
                &format!("{path}.seccompProfile"),
                p,
                raw,
                validate::seccomp_profile,
            )
        })
        .map(|(kind, local)| match kind {
            ProfileType::RuntimeDefault => SeccompProfile::RuntimeDefault,
            ProfileType::Unconfined => SeccompProfile::Unconfined,
            ProfileType::Localhost => SeccompProfile::Localhost(local.unwrap_or_default()),
        });
    let app_armor = app_armor
        .and_then(|p| {
            let raw = |type_, localhost_profile| K8sAppArmorProfile {
                type_,
                localhost_profile,
            };
            profile(
                ctx,
                &format!("{path}.appArmorProfile"),
                p,
                raw,
                validate::app_armor_profile,
            )
        })
        .map(|(kind, local)| match kind {
            ProfileType::RuntimeDefault => AppArmorProfile::RuntimeDefault,
            ProfileType::Unconfined => AppArmorProfile::Unconfined,
            ProfileType::Localhost => AppArmorProfile::Localhost(local.unwrap_or_default()),
        });
    let se_linux = se_linux.map(|s| {
        let mut o = match s.kind {
            Some(t) => SeLinux::type_(t),
            None => SeLinux::default(),
        };
        if let Some(u) = s.user {
            o = o.user(u);
        }
        if let Some(r) = s.role {
            o = o.role(r);
        }
        if let Some(l) = s.level {
            o = o.level(l);
        }
        o
    });
    let windows = windows.and_then(|w| {
        let here = format!("{path}.windowsOptions");
        let o = match (w.host_process, w.run_as_user_name) {
            (Some(true), Some(user)) => WindowsOptions::host_process(user),
            (Some(true), None) => {
                ctx.problem(
                    format!("{here}.runAsUserName"),
                    "a `hostProcess` container needs `runAsUserName` (the builder's `WindowsOptions::host_process`)",
                );
                return None;
            }
            (Some(false), _) => {
                ctx.problem(
                    format!("{here}.hostProcess"),
                    "`hostProcess: false` is the default; leave it out",
                );
                return None;
            }
            (None, Some(user)) => WindowsOptions::run_as(user),
            (None, None) => WindowsOptions::default(),
        };
        Some(match w.gmsa_credential_spec_name {
            Some(n) => o.gmsa_credential_spec_name(n),
            None => o,
        })
    });
    (seccomp, app_armor, se_linux, windows)
}

fn pod_security_context(
    ctx: &mut Ctx,
    path: &str,
    spec: PodSecurityContextSpec,
) -> PodSecurityContext {
    let (seccomp_profile, app_armor_profile, se_linux, windows) = profiles(
        ctx,
        path,
        spec.seccomp_profile,
        spec.app_armor_profile,
        spec.se_linux_options,
        spec.windows_options,
    );
    PodSecurityContext {
        run_as_non_root: spec.run_as_non_root,
        run_as_user: spec.run_as_user,
        run_as_group: spec.run_as_group,
        fs_group: spec.fs_group,
        fs_group_change_policy: spec.fs_group_change_policy,
        supplemental_groups: spec.supplemental_groups,
        seccomp_profile,
        app_armor_profile,
        windows,
        se_linux,
        sysctls: spec
            .sysctls
            .into_iter()
            .map(|s| (s.name, s.value))
            .collect(),
    }
}

fn pod_placement(ctx: &mut Ctx, path: &str, spec: PodPlacementSpec) -> PodPlacement {
    let term = |topology_key: String, labels: BTreeMap<String, String>, namespaces: Vec<String>| {
        let mut t = PodAffinityTerm::new(topology_key);
        for (k, v) in labels {
            t = t.label(k, v);
        }
        for n in namespaces {
            t = t.namespace(n);
        }
        t
    };
    let mut placement = PodPlacement::default();
    for (i, t) in spec.required.into_iter().enumerate() {
        if t.match_labels.is_empty() {
            ctx.problem(
                format!("{path}.required[{i}].matchLabels"),
                "a pod affinity term needs at least one label",
            );
            continue;
        }
        placement = placement.require(term(t.topology_key, t.match_labels, t.namespaces));
    }
    for (i, t) in spec.preferred.into_iter().enumerate() {
        let here = format!("{path}.preferred[{i}]");
        if let Some(finding) = check::weight(t.weight.into()) {
            ctx.finding(&here, finding);
            continue;
        }
        if t.match_labels.is_empty() {
            ctx.problem(
                format!("{here}.matchLabels"),
                "a pod affinity term needs at least one label",
            );
            continue;
        }
        let weight = Weight::new(t.weight).expect("checked by the shared rule");
        placement = placement.prefer(weight, term(t.topology_key, t.match_labels, t.namespaces));
    }
    placement
}
