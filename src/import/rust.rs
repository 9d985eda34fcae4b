//! The builder form: a function that builds the DaemonSet with `daemonset::build`.

use std::collections::BTreeSet;

use serde_json::Value;

use super::model::{
    Affinity, Ctr, Env, EnvSrc, Handler, HookIr, Ir, MountIr, Placement, PodSec, PodTerm, PortRef,
    ProbeIr, Profiles, Projection, Req, Residual, Root, TermIr, Tol, Update, VolSource,
};
use super::{Untyped, field_name, json_text, lit, residual_fields, rust_ident, volume_fields};
use crate::rules::Quantity;

const WIDTH: usize = 110;

pub(super) struct Out {
    pub uses: BTreeSet<&'static str>,
    pub json: bool,
}

impl Out {
    fn ty(&mut self, name: &'static str) -> &'static str {
        self.uses.insert(name);
        name
    }
}

fn pad(n: usize) -> String {
    " ".repeat(n)
}

/// `head.a().b()`, on one line when it fits, else one call per line indented by 4 from `indent`.
fn chain(head: &str, calls: &[String], indent: usize) -> String {
    let one = format!(
        "{head}{}",
        calls.iter().map(|c| format!(".{c}")).collect::<String>()
    );
    if !one.contains('\n') && one.len() + indent <= WIDTH {
        return one;
    }
    let mut s = head.to_owned();
    for c in calls {
        s.push('\n');
        s.push_str(&pad(indent + 4));
        s.push('.');
        s.push_str(c);
    }
    s
}

/// `name(arg)` where `arg` is written on its own lines (rendered at `indent + 4`).
fn block_call(name: &str, arg: &str, indent: usize) -> String {
    format!("{name}(\n{}{arg},\n{})", pad(indent + 4), pad(indent))
}

fn string_list(items: &[String], indent: usize) -> String {
    let one = format!(
        "[{}]",
        items.iter().map(|s| lit(s)).collect::<Vec<_>>().join(", ")
    );
    if one.len() + indent <= WIDTH {
        return one;
    }
    let mut s = "[\n".to_owned();
    for i in items {
        s.push_str(&format!("{}{},\n", pad(indent + 4), lit(i)));
    }
    s.push_str(&pad(indent));
    s.push(']');
    s
}

pub(super) fn cpu(out: &mut Out, text: &str) -> String {
    let ty = out.ty("Cpu");
    match Quantity::parse(text) {
        Ok(q) if q.nanos() >= 0 && q.nanos() % 1_000_000 == 0 => {
            let millis = q.millis();
            if millis % 1000 == 0 {
                format!("{ty}::cores({})", millis / 1000)
            } else {
                format!("{ty}::millis({millis})")
            }
        }
        _ => format!("{ty}::parse({}).expect(\"a valid quantity\")", lit(text)),
    }
}

pub(super) fn memory(out: &mut Out, text: &str) -> String {
    let ty = out.ty("Memory");
    let number = |suffix: &str| {
        text.strip_suffix(suffix)
            .filter(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|d| d.parse::<u64>().ok())
    };
    for (suffix, ctor) in [
        ("Ki", "kibibytes"),
        ("Mi", "mebibytes"),
        ("Gi", "gibibytes"),
        ("M", "megabytes"),
    ] {
        if let Some(n) = number(suffix) {
            return format!("{ty}::{ctor}({n})");
        }
    }
    if let Some(n) = number("") {
        return format!("{ty}::bytes({n})");
    }
    format!("{ty}::parse({}).expect(\"a valid quantity\")", lit(text))
}

fn pod_field(out: &mut Out, path: &str) -> String {
    let ty = out.ty("PodField");
    let variant = match path {
        "metadata.name" => "Name",
        "metadata.namespace" => "Namespace",
        "metadata.uid" => "Uid",
        "spec.nodeName" => "NodeName",
        "spec.serviceAccountName" => "ServiceAccountName",
        "status.hostIP" => "HostIp",
        "status.hostIPs" => "HostIps",
        "status.podIP" => "PodIp",
        "status.podIPs" => "PodIps",
        _ => {
            let (map, key) = crate::rules::field_ref::split_subscript(path).unwrap_or(("", ""));
            let variant = if map == "metadata.labels" {
                "Label"
            } else {
                "Annotation"
            };
            return format!("{ty}::{variant}({}.into())", lit(key));
        }
    };
    format!("{ty}::{variant}")
}

fn resource_field(out: &mut Out, resource: &str) -> String {
    let ty = out.ty("ResourceField");
    let variant = match resource {
        "limits.cpu" => "LimitsCpu",
        "limits.memory" => "LimitsMemory",
        "limits.ephemeral-storage" => "LimitsEphemeralStorage",
        "requests.cpu" => "RequestsCpu",
        "requests.memory" => "RequestsMemory",
        _ => "RequestsEphemeralStorage",
    };
    format!("{ty}::{variant}")
}

fn env(out: &mut Out, e: &Env) -> String {
    let ty = out.ty("EnvVar");
    let name = lit(&e.name);
    match &e.source {
        EnvSrc::Value(v) => format!("{ty}::value({name}, {})", lit(v)),
        EnvSrc::Field(f) => format!("{ty}::field({name}, {})", pod_field(out, f)),
        EnvSrc::Resource {
            resource,
            container,
            divisor,
        } => {
            let mut s = format!("{ty}::resource({name}, {})", resource_field(out, resource));
            if let Some(d) = divisor {
                s.push_str(&format!(".divisor({})", lit(d)));
            }
            if let Some(c) = container {
                s.push_str(&format!(".of_container({})", lit(c)));
            }
            s
        }
        EnvSrc::ConfigMapKey {
            name: cm,
            key,
            optional,
        } => format!(
            "{ty}::config_map_key({name}, {}, {}){}",
            lit(cm),
            lit(key),
            if *optional { ".optional()" } else { "" }
        ),
        EnvSrc::SecretKey {
            name: secret,
            key,
            optional,
        } => format!(
            "{ty}::secret_key({name}, {}, {}){}",
            lit(secret),
            lit(key),
            if *optional { ".optional()" } else { "" }
        ),
    }
}

fn probe(out: &mut Out, p: &ProbeIr, indent: usize) -> String {
    let ty = out.ty("Probe");
    let head = match &p.handler {
        Handler::HttpGet {
            path,
            port: PortRef::Number(n),
        } => format!("{ty}::http_get({}, {n})", lit(path)),
        Handler::HttpGet {
            path,
            port: PortRef::Name(name),
        } => format!("{ty}::http_get_named({}, {})", lit(path), lit(name)),
        Handler::TcpSocket(port) => format!("{ty}::tcp_socket({port})"),
        Handler::TcpSocketNamed(name) => format!("{ty}::tcp_socket_named({})", lit(name)),
        Handler::Grpc(port) => format!("{ty}::grpc({port})"),
        Handler::Exec(command) => format!("{ty}::exec({})", string_list(command, indent)),
    };
    let mut calls: Vec<String> = Vec::new();
    if let Some(h) = &p.host {
        calls.push(format!("host({})", lit(h)));
    }
    if p.https {
        calls.push("https()".to_owned());
    }
    for (name, value) in &p.headers {
        calls.push(format!("header({}, {})", lit(name), lit(value)));
    }
    if let Some(service) = &p.grpc_service {
        calls.push(format!("grpc_service({})", lit(service)));
    }
    calls.extend(p.numbers.iter().map(|(json, n)| {
        let method = super::model::PROBE_NUMBERS
            .iter()
            .find(|(j, _, _)| j == json)
            .map(|(_, m, _)| *m)
            .unwrap_or("period_seconds");
        format!("{method}({n})")
    }));
    chain(&head, &calls, indent)
}

/// `Type::Variant` or `Type::Localhost("profile".into())` for a seccomp or AppArmor profile.
fn profile(out: &mut Out, ty: &'static str, (kind, local): &(String, Option<String>)) -> String {
    let ty = out.ty(ty);
    match local {
        Some(l) => format!("{ty}::{kind}({}.into())", lit(l)),
        None => format!("{ty}::{kind}"),
    }
}

/// The builder calls of the profiles a pod and a container share.
fn profile_calls(out: &mut Out, p: &Profiles) -> Vec<String> {
    let mut calls = Vec::new();
    if let Some(s) = &p.seccomp {
        calls.push(format!(
            "seccomp_profile({})",
            profile(out, "SeccompProfile", s)
        ));
    }
    if let Some(a) = &p.app_armor {
        calls.push(format!(
            "app_armor_profile({})",
            profile(out, "AppArmorProfile", a)
        ));
    }
    if let Some(w) = &p.windows {
        let ty = out.ty("WindowsOptions");
        let mut s = match (&w.user, w.host_process) {
            (Some(user), true) => format!("{ty}::host_process({})", lit(user)),
            (Some(user), false) => format!("{ty}::run_as({})", lit(user)),
            (None, _) => format!("{ty}::default()"),
        };
        if let Some(g) = &w.gmsa_name {
            s.push_str(&format!(".gmsa_credential_spec_name({})", lit(g)));
        }
        calls.push(format!("windows({s})"));
    }
    if let Some(l) = &p.se_linux {
        let ty = out.ty("SeLinux");
        let mut s = match &l.type_ {
            Some(t) => format!("{ty}::type_({})", lit(t)),
            None => format!("{ty}::default()"),
        };
        for (method, v) in [("user", &l.user), ("role", &l.role), ("level", &l.level)] {
            if let Some(v) = v {
                s.push_str(&format!(".{method}({})", lit(v)));
            }
        }
        calls.push(format!("se_linux({s})"));
    }
    calls
}

fn hook(out: &mut Out, h: &HookIr, indent: usize) -> String {
    let ty = out.ty("Hook");
    match h {
        HookIr::Exec(command) => format!("{ty}::exec({})", string_list(command, indent)),
        HookIr::HttpGet { path, port } => format!("{ty}::http_get({}, {port})", lit(path)),
        HookIr::Sleep(seconds) => format!("{ty}::sleep({seconds})"),
        HookIr::TcpSocket(port) => format!("{ty}::tcp_socket({port})"),
    }
}

fn pod_security(out: &mut Out, s: &PodSec, indent: usize) -> String {
    let ty = out.ty("PodSecurityContext");
    let mut calls = Vec::new();
    if let Some(b) = s.run_as_non_root {
        calls.push(format!("run_as_non_root({b})"));
    }
    for (method, id) in [
        ("run_as_user", s.run_as_user),
        ("run_as_group", s.run_as_group),
        ("fs_group", s.fs_group),
    ] {
        if let Some(id) = id {
            calls.push(format!("{method}({id})"));
        }
    }
    if let Some(p) = &s.fs_group_change_policy {
        let ty = out.ty("FsGroupChangePolicy");
        calls.push(format!("fs_group_change_policy({ty}::{p})"));
    }
    for g in &s.supplemental_groups {
        calls.push(format!("supplemental_group({g})"));
    }
    calls.extend(profile_calls(out, &s.profiles));
    for (name, value) in &s.sysctls {
        calls.push(format!("sysctl({}, {})", lit(name), lit(value)));
    }
    calls.push("build()".to_owned());
    chain(&format!("{ty}::builder()"), &calls, indent)
}

fn pod_term(out: &mut Out, t: &PodTerm, indent: usize) -> String {
    let ty = out.ty("PodAffinityTerm");
    let mut calls = Vec::new();
    for (k, v) in &t.labels {
        calls.push(format!("label({}, {})", lit(k), lit(v)));
    }
    for n in &t.namespaces {
        calls.push(format!("namespace({})", lit(n)));
    }
    chain(
        &format!("{ty}::new({})", lit(&t.topology_key)),
        &calls,
        indent,
    )
}

fn placement(out: &mut Out, p: &Placement, indent: usize) -> String {
    let ty = out.ty("PodPlacement");
    let mut calls = Vec::new();
    // A call that does not fit on its line: its arguments one per line (at `indent + 8`).
    let fits = |call: &str| !call.contains('\n') && indent + 5 + call.len() <= WIDTH;
    for t in &p.required {
        let one = format!("require({})", pod_term(out, t, indent + 4));
        calls.push(if fits(&one) {
            one
        } else {
            block_call("require", &pod_term(out, t, indent + 8), indent + 4)
        });
    }
    for (w, t) in &p.preferred {
        let wt = out.ty("Weight");
        let one = format!(
            "prefer({wt}::of::<{w}>(), {})",
            pod_term(out, t, indent + 4)
        );
        calls.push(if fits(&one) {
            one
        } else {
            format!(
                "prefer(\n{}{wt}::of::<{w}>(),\n{}{},\n{})",
                pad(indent + 8),
                pad(indent + 8),
                pod_term(out, t, indent + 8),
                pad(indent + 4)
            )
        });
    }
    chain(&format!("{ty}::default()"), &calls, indent)
}

/// Rust code setting a residual below `base` (an expression of the root's type).
pub(super) fn residual_code(
    out: &mut Out,
    base: &str,
    r: &Residual,
    indent: usize,
    non_option: &[&str],
) -> String {
    let mut target = base.to_owned();
    let (last, parents) = r.path.split_last().expect("a residual has a path");
    for (i, key) in parents.iter().enumerate() {
        if i == 0 && non_option.contains(&key.as_str()) {
            target.push_str(&format!(".{}", field_name(key)));
        } else {
            target.push_str(&format!(".{}.get_or_insert_default()", field_name(key)));
        }
    }
    let value = |out: &mut Out, v: &Value, indent: usize| match v {
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => format!("{}.into()", lit(s)),
        other => {
            out.json = true;
            format!("from_json!({})", json_text(other, indent))
        }
    };
    match r.insert {
        Some(i) => {
            out.json = true;
            format!(
                "{target}.{}.get_or_insert_default().insert({i}, from_json!({}));",
                field_name(last),
                json_text(&r.value, indent)
            )
        }
        None => {
            let v = value(out, &r.value, indent);
            format!("{target}.{} = Some({v});", field_name(last))
        }
    }
}

fn customize(out: &mut Out, lines: Vec<String>, param: &str, indent: usize) -> String {
    let mut s = format!("customize(|{param}| {{\n");
    for l in lines {
        for line in l.lines() {
            s.push_str(&pad(indent + 4));
            s.push_str(line);
            s.push('\n');
        }
    }
    s.push_str(&pad(indent));
    s.push_str("})");
    let _ = out;
    s
}

fn container(out: &mut Out, c: &Ctr, handles: &[(String, String)], indent: usize) -> String {
    let ty = out.ty("Container");
    let mut calls = vec![
        format!("name({})", lit(&c.name)),
        format!("image({})", lit(&c.image)),
    ];
    let inner = indent + 4;
    if c.extra.sidecar {
        calls.push("sidecar()".to_owned());
    }
    if !c.command.is_empty() {
        calls.push(format!("command({})", string_list(&c.command, inner)));
    }
    if !c.args.is_empty() {
        calls.push(format!("args({})", string_list(&c.args, inner)));
    }
    if let Some(w) = &c.working_dir {
        calls.push(format!("working_dir({})", lit(w)));
    }
    if let Some(p) = &c.image_pull_policy {
        let ty = out.ty("ImagePullPolicy");
        calls.push(format!("image_pull_policy({ty}::{p})"));
    }
    for p in &c.ports {
        let ty = out.ty("Port");
        let mut s = format!("port({ty}::new({})", p.container_port);
        if let Some(n) = &p.name {
            s.push_str(&format!(".name({})", lit(n)));
        }
        match p.protocol.as_deref() {
            Some("UDP") => s.push_str(".udp()"),
            Some(other) => {
                let ty = out.ty("Protocol");
                let variant = if other == "SCTP" { "Sctp" } else { "Tcp" };
                s.push_str(&format!(".protocol({ty}::{variant})"));
            }
            None => {}
        }
        if let Some(h) = p.host_port {
            s.push_str(&format!(".host_port({h})"));
        }
        if let Some(ip) = &p.host_ip {
            s.push_str(&format!(".host_ip({})", lit(ip)));
        }
        s.push(')');
        calls.push(s);
    }
    for e in &c.env {
        calls.push(format!("env({})", env(out, e)));
    }
    for e in &c.env_from {
        let ty = out.ty("EnvFrom");
        let mut s = match (&e.config_map, &e.secret) {
            (Some(cm), _) => format!("{ty}::config_map({})", lit(cm)),
            (None, Some(secret)) => format!("{ty}::secret({})", lit(secret)),
            (None, None) => continue,
        };
        if let Some(p) = &e.prefix {
            s.push_str(&format!(".prefix({})", lit(p)));
        }
        if e.optional {
            s.push_str(".optional()");
        }
        calls.push(format!("env_from({s})"));
    }
    if let Some(r) = &c.resources {
        let ty = out.ty("Resources");
        let mut rc = Vec::new();
        for (method, amount, is_cpu) in [
            ("cpu_request", &r.cpu_request, true),
            ("memory_request", &r.memory_request, false),
            ("ephemeral_storage_request", &r.storage_request, false),
            ("cpu_limit", &r.cpu_limit, true),
            ("memory_limit", &r.memory_limit, false),
            ("ephemeral_storage_limit", &r.storage_limit, false),
        ] {
            if let Some(a) = amount {
                let q = if is_cpu { cpu(out, a) } else { memory(out, a) };
                rc.push(format!("{method}({q})"));
            }
        }
        for (size, amount) in &r.hugepages {
            let q = memory(out, amount);
            rc.push(format!("hugepages({}, {q})", lit(size)));
        }
        for (name, n) in &r.extended {
            rc.push(format!("extended({}, {n})", lit(name)));
        }
        rc.push("build()".to_owned());
        let expr = chain(&format!("{ty}::builder()"), &rc, inner + 4);
        calls.push(if expr.contains('\n') {
            block_call("resources", &expr, inner)
        } else {
            format!("resources({expr})")
        });
    }
    for m in &c.mounts {
        calls.push(format!("mount({})", mount(out, m, handles)));
    }
    for (method, p) in [
        ("liveness_probe", &c.liveness),
        ("readiness_probe", &c.readiness),
        ("startup_probe", &c.startup),
    ] {
        if let Some(p) = p {
            let expr = probe(out, p, inner + 4);
            calls.push(
                if expr.contains('\n') || expr.len() + inner + method.len() > WIDTH {
                    block_call(method, &probe(out, p, inner + 4), inner)
                } else {
                    format!("{method}({expr})")
                },
            );
        }
    }
    for (method, h) in [
        ("pre_stop", &c.extra.pre_stop),
        ("post_start", &c.extra.post_start),
    ] {
        if let Some(h) = h {
            let expr = hook(out, h, inner + 4);
            calls.push(
                if expr.contains('\n') || expr.len() + inner + method.len() + 3 > WIDTH {
                    block_call(method, &hook(out, h, inner + 4), inner)
                } else {
                    format!("{method}({expr})")
                },
            );
        }
    }
    if let Some(p) = &c.extra.termination_message_path {
        calls.push(format!("termination_message_path({})", lit(p)));
    }
    if let Some(p) = &c.extra.termination_message_policy {
        let ty = out.ty("TerminationMessagePolicy");
        calls.push(format!("termination_message_policy({ty}::{p})"));
    }
    for (resource, restart) in &c.extra.resize_policy {
        let (rt, st) = (out.ty("ResizeResource"), out.ty("ResizeRestart"));
        let r = if resource == "cpu" { "Cpu" } else { "Memory" };
        calls.push(format!("resize_policy({rt}::{r}, {st}::{restart})"));
    }
    if let Some(s) = &c.security {
        let ty = out.ty("SecurityContext");
        let mut sc = Vec::new();
        for (flag, value) in &s.flags {
            sc.push(format!("{}({value})", field_name(flag)));
        }
        if let Some(u) = s.run_as_user {
            sc.push(format!("run_as_user({u})"));
        }
        if let Some(g) = s.run_as_group {
            sc.push(format!("run_as_group({g})"));
        }
        for a in &s.add {
            sc.push(format!("add_capability({})", lit(a)));
        }
        for d in &s.drop {
            sc.push(format!("drop_capability({})", lit(d)));
        }
        sc.extend(profile_calls(out, &s.profiles));
        sc.push("build()".to_owned());
        let expr = chain(&format!("{ty}::builder()"), &sc, inner + 4);
        calls.push(if expr.contains('\n') {
            block_call("security_context", &expr, inner)
        } else {
            format!("security_context({expr})")
        });
    }
    if !c.residuals.is_empty() {
        let lines = c
            .residuals
            .iter()
            .map(|r| {
                format!(
                    "// `{}`: no typed form\n{}",
                    r.relative(),
                    residual_code(out, "c", r, inner + 4, &[])
                )
            })
            .collect();
        calls.push(customize(out, lines, "c", inner));
    }
    calls.push("build()".to_owned());
    chain(&format!("{ty}::builder()"), &calls, indent)
}

fn mount(out: &mut Out, m: &MountIr, handles: &[(String, String)]) -> String {
    let handle = handles
        .iter()
        .find(|(name, _)| *name == m.volume)
        .map(|(_, h)| h.clone())
        .unwrap_or_else(|| rust_ident(&m.volume));
    let mut s = format!("{handle}.mount({})", lit(&m.path));
    if m.read_only {
        s.push_str(".read_only()");
    }
    if let Some(sub) = &m.sub_path {
        s.push_str(&format!(".sub_path({})", lit(sub)));
    }
    if let Some(p) = &m.propagation {
        let ty = out.ty("MountPropagation");
        s.push_str(&format!(".propagation({ty}::{p})"));
    }
    s
}

fn volume_expr(out: &mut Out, name: &str, source: &VolSource, indent: usize) -> String {
    let ty = out.ty("Volume");
    let n = lit(name);
    let with_mode = |mut s: String, mode: &Option<i32>| {
        if let Some(m) = mode {
            s.push_str(&format!(".default_mode(0o{m:o})"));
        }
        s
    };
    let items = |items: &[(String, String)]| {
        if items.is_empty() {
            String::new()
        } else {
            format!(
                ".items([{}])",
                items
                    .iter()
                    .map(|(k, p)| format!("({}, {})", lit(k), lit(p)))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
    };
    let field_files = |out: &mut Out, files: &[(String, String)]| {
        format!(
            "[{}]",
            files
                .iter()
                .map(|(p, f)| format!("({}, {})", lit(p), pod_field(out, f)))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    match source {
        VolSource::HostPath { path, kind } => {
            let mut s = format!("{ty}::host_path({n}, {})", lit(path));
            if let Some(k) = kind {
                let t = out.ty("HostPathType");
                s.push_str(&format!(".with_type({t}::{k})"));
            }
            s
        }
        VolSource::ConfigMap {
            name: cm,
            items: i,
            default_mode,
            optional,
        } => with_mode(
            format!(
                "{ty}::config_map({n}, {}){}{}",
                lit(cm),
                items(i),
                if *optional { ".optional()" } else { "" }
            ),
            default_mode,
        ),
        VolSource::Secret {
            name: secret,
            items: i,
            default_mode,
            optional,
        } => with_mode(
            format!(
                "{ty}::secret({n}, {}){}{}",
                lit(secret),
                items(i),
                if *optional { ".optional()" } else { "" }
            ),
            default_mode,
        ),
        VolSource::EmptyDir => format!("{ty}::empty_dir({n})"),
        VolSource::EmptyDirWith {
            memory: in_memory,
            size_limit,
        } => {
            let mut s = format!("{ty}::empty_dir({n})");
            if *in_memory {
                s.push_str(".in_memory()");
            }
            if let Some(size) = size_limit {
                s.push_str(&format!(".size_limit({})", memory(out, size)));
            }
            s
        }
        VolSource::Ephemeral {
            storage_class,
            size,
        } => format!(
            "{ty}::ephemeral({n}, {}, {})",
            lit(storage_class),
            memory(out, size)
        ),
        VolSource::Csi { driver, attributes } => {
            let mut s = format!("{ty}::csi({n}, {})", lit(driver));
            for (k, v) in attributes {
                s.push_str(&format!(".attribute({}, {})", lit(k), lit(v)));
            }
            s
        }
        VolSource::MemoryDir(size) => format!("{ty}::memory_dir({n}, {})", memory(out, size)),
        VolSource::DownwardApi {
            items: files,
            default_mode,
        } => {
            let files = field_files(out, files);
            with_mode(format!("{ty}::downward_api({n}, {files})"), default_mode)
        }
        VolSource::Projected {
            sources,
            default_mode,
        } => {
            let p = out.ty("Projection");
            let sources: Vec<String> = sources
                .iter()
                .map(|s| match s {
                    Projection::ConfigMap(name) => format!("{p}::config_map({})", lit(name)),
                    Projection::Secret(name) => format!("{p}::secret({})", lit(name)),
                    Projection::Token {
                        path,
                        audience,
                        expiration_seconds,
                    } => format!(
                        "{p}::service_account_token({}, {}, {})",
                        lit(path),
                        audience
                            .as_ref()
                            .map(|a| format!("Some({}.into())", lit(a)))
                            .unwrap_or_else(|| "None".into()),
                        expiration_seconds
                            .map(|e| format!("Some({e})"))
                            .unwrap_or_else(|| "None".into())
                    ),
                    Projection::DownwardApi(files) => {
                        format!("{p}::downward_api({})", field_files(out, files))
                    }
                })
                .collect();
            let one = format!("[{}]", sources.join(", "));
            let list = if one.len() + indent <= WIDTH {
                one
            } else {
                let mut s = "[\n".to_owned();
                for src in &sources {
                    s.push_str(&format!("{}{src},\n", pad(indent + 8)));
                }
                s.push_str(&pad(indent + 4));
                s.push(']');
                s
            };
            let s = if list.contains('\n') {
                format!(
                    "{ty}::projected(\n{}{n},\n{}{list},\n{})",
                    pad(indent + 4),
                    pad(indent + 4),
                    pad(indent)
                )
            } else {
                format!("{ty}::projected({n}, {list})")
            };
            with_mode(s, default_mode)
        }
    }
}

fn toleration(out: &mut Out, t: &Tol) -> String {
    let ty = out.ty("Toleration");
    let mut s = match (&t.key, t.operator.as_deref(), &t.value) {
        (None, _, _) => format!("{ty}::everything()"),
        (Some(k), Some("Exists"), _) => format!("{ty}::exists({})", lit(k)),
        (Some(k), None, Some(v)) => format!("{ty}::key_value({}, {})", lit(k), lit(v)),
        (Some(k), _, Some(v)) => format!("{ty}::equal({}, {})", lit(k), lit(v)),
        (Some(k), _, None) => format!("{ty}::key({})", lit(k)),
    };
    match (t.effect.as_deref(), t.seconds) {
        (Some(_), Some(seconds)) => s.push_str(&format!(".evict_after({seconds})")),
        (Some(e), None) => {
            let ty = out.ty("Effect");
            s.push_str(&format!(".effect({ty}::{e})"));
        }
        (None, _) => {}
    }
    s
}

fn requirement(out: &mut Out, r: &Req) -> String {
    let ty = out.ty("Requirement");
    let values = || {
        r.values
            .iter()
            .map(|v| lit(v))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let k = lit(&r.key);
    match r.operator.as_str() {
        "In" => format!("{ty}::is_in({k}, [{}])", values()),
        "NotIn" => format!("{ty}::not_in({k}, [{}])", values()),
        "Exists" => format!("{ty}::exists({k})"),
        "DoesNotExist" => format!("{ty}::does_not_exist({k})"),
        "Gt" => format!("{ty}::greater_than({k}, {})", r.values[0]),
        _ => format!("{ty}::less_than({k}, {})", r.values[0]),
    }
}

fn term(out: &mut Out, reqs: &[Req], indent: usize) -> String {
    let ty = out.ty("Term");
    let items: Vec<String> = reqs.iter().map(|r| requirement(out, r)).collect();
    let one = format!("{ty}::all([{}])", items.join(", "));
    if one.len() + indent <= WIDTH {
        return one;
    }
    let mut s = format!("{ty}::all([\n");
    for i in items {
        s.push_str(&format!("{}{i},\n", pad(indent + 4)));
    }
    s.push_str(&pad(indent));
    s.push_str("])");
    s
}

fn affinity(out: &mut Out, a: &Affinity, indent: usize) -> String {
    let ty = out.ty("NodeAffinity");
    let mut calls = Vec::new();
    for t in &a.required {
        calls.push(match t {
            TermIr::Expressions(reqs) => format!("require({})", term(out, reqs, indent + 4)),
            TermIr::NodeName(n) => {
                let ty = out.ty("Term");
                format!("require({ty}::node_name({}))", lit(n))
            }
        });
    }
    for (w, reqs) in &a.preferred {
        let wt = out.ty("Weight");
        calls.push(format!(
            "prefer({wt}::of::<{w}>(), {})",
            term(out, reqs, indent + 4)
        ));
    }
    chain(&format!("{ty}::new()"), &calls, indent)
}

fn budget(out: &mut Out, b: &str) -> String {
    let ty = out.ty("Budget");
    match b.strip_suffix('%') {
        Some(p) => format!("{ty}::Percent({p})"),
        None => format!("{ty}::Count({b})"),
    }
}

/// The order of volume declarations: the smallest prefix of the manifest's volumes to declare with `.volume()` so
/// that, with the volumes collected from the mounts after it, the pod keeps the manifest's volume order.
pub(super) fn declared_prefix(ir: &Ir, mounted: &[String]) -> usize {
    let names: Vec<&str> = ir.volumes.iter().map(|v| v.name.as_str()).collect();
    for k in 0..=names.len() {
        let mut order: Vec<&str> = names[..k].to_vec();
        for m in mounted {
            if !order.contains(&m.as_str()) {
                order.push(m);
            }
        }
        if order == names {
            return k;
        }
    }
    names.len()
}

pub(super) fn emit(ir: &Ir, function: &str) -> (String, Vec<Untyped>) {
    let mut out = Out {
        uses: BTreeSet::new(),
        json: false,
    };
    let mut untyped = residual_fields(ir, true);
    untyped.extend(volume_fields(ir, |_| true));

    // Volume handles, in the manifest's order.
    let mut handles: Vec<(String, String)> = Vec::new();
    let mut lets = Vec::new();
    for v in &ir.volumes {
        let mut h = rust_ident(&v.name);
        while handles.iter().any(|(_, o)| *o == h) || h == function {
            h.push('_');
        }
        handles.push((v.name.clone(), h.clone()));
        let expr = match (&v.source, v.is_typed()) {
            (Some(source), true) => volume_expr(&mut out, &v.name, source, 4),
            _ => {
                out.json = true;
                let ty = out.ty("Volume");
                let comment = format!(
                    "// `{}`: no typed form, the volume is written raw\n    ",
                    v.untyped.join("`, `")
                );
                format!("{comment}{ty}::raw(from_json!({}))", json_text(&v.raw, 4))
            }
        };
        let line = format!("    let {h} = {expr};\n");
        let line = if line.len() > WIDTH && !line.contains('\n') {
            // `Volume::host_path(..)` and its options on lines of their own.
            match expr.find(").") {
                Some(i) => format!(
                    "    let {h} = {}\n        {};\n",
                    &expr[..=i],
                    expr[i + 1..].replacen(").", ")\n        .", 8)
                ),
                None => line,
            }
        } else {
            line
        };
        lets.push(line);
    }
    let mut mounted: Vec<String> = Vec::new();
    for c in ir.containers.iter().chain(&ir.init_containers) {
        for m in &c.mounts {
            if !mounted.contains(&m.volume) {
                mounted.push(m.volume.clone());
            }
        }
    }
    let prefix = declared_prefix(ir, &mounted);

    let ds = out.ty("NodeAgent");
    let mut calls = vec![format!("name({})", lit(&ir.name))];
    if let Some(ns) = &ir.namespace {
        calls.push(format!("namespace({})", lit(ns)));
    }
    for (method, map) in [
        ("label", &ir.labels),
        ("annotation", &ir.annotations),
        ("selector_label", &ir.selector),
        ("pod_label", &ir.pod_labels),
        ("pod_annotation", &ir.pod_annotations),
    ] {
        for (k, v) in map {
            calls.push(format!("{method}({}, {})", lit(k), lit(v)));
        }
    }
    let x = &ir.extra;
    if let Some(n) = &x.template_name {
        calls.push(format!("template_name({})", lit(n)));
    }
    for (name, h) in handles.iter().take(prefix) {
        let clone = if mounted.contains(name) {
            ".clone()"
        } else {
            ""
        };
        calls.push(format!("volume({h}{clone})"));
    }
    for (method, list) in [
        ("init_container", &ir.init_containers),
        ("container", &ir.containers),
    ] {
        for c in list {
            let expr = container(&mut out, c, &handles, 12);
            calls.push(block_call(method, &expr, 8));
        }
    }
    for (k, v) in &ir.node_selector {
        calls.push(format!("node_selector({}, {})", lit(k), lit(v)));
    }
    if let Some(a) = &ir.node_affinity {
        let expr = affinity(&mut out, a, 12);
        calls.push(if expr.contains('\n') {
            block_call("node_affinity", &expr, 8)
        } else {
            format!("node_affinity({expr})")
        });
    }
    for (method, p) in [
        ("pod_affinity", &x.pod_affinity),
        ("pod_anti_affinity", &x.pod_anti_affinity),
    ] {
        if let Some(p) = p {
            let expr = placement(&mut out, p, 12);
            calls.push(
                if expr.contains('\n') || expr.len() + 8 + method.len() + 3 > WIDTH {
                    block_call(method, &expr, 8)
                } else {
                    format!("{method}({expr})")
                },
            );
        }
    }
    for t in &ir.tolerations {
        let expr = toleration(&mut out, t);
        calls.push(if 8 + ".toleration()".len() + expr.len() > WIDTH {
            block_call("toleration", &expr, 8)
        } else {
            format!("toleration({expr})")
        });
    }
    if let Some(u) = &ir.update {
        let ty = out.ty("UpdateStrategy");
        calls.push(match u {
            Update::OnDelete => format!("update_strategy({ty}::OnDelete)"),
            Update::MaxUnavailable(b) => {
                format!(
                    "update_strategy({ty}::max_unavailable({}))",
                    budget(&mut out, b)
                )
            }
            Update::MaxSurge(b) => {
                format!("update_strategy({ty}::max_surge({}))", budget(&mut out, b))
            }
        });
    }
    if let Some(s) = ir.termination_grace_period_seconds {
        calls.push(format!("termination_grace_period_seconds({s})"));
    }
    if ir.host_network {
        calls.push("host_network()".into());
    }
    if ir.host_pid {
        calls.push("host_pid()".into());
    }
    if x.host_ipc {
        calls.push("host_ipc()".into());
    }
    if x.share_process_namespace {
        calls.push("share_process_namespace()".into());
    }
    if let Some(b) = x.host_users {
        calls.push(format!("host_users({b})"));
    }
    if let Some(p) = &ir.dns_policy {
        let ty = out.ty("DnsPolicy");
        calls.push(format!("dns_policy({ty}::{p})"));
    }
    if let Some(p) = &ir.priority_class_name {
        calls.push(format!("priority_class_name({})", lit(p)));
    }
    if let Some(a) = &ir.service_account_name {
        calls.push(format!("service_account_name({})", lit(a)));
    }
    if let Some(c) = &x.dns_config {
        let ty = out.ty("DnsConfig");
        let mut dc = Vec::new();
        for n in &c.nameservers {
            dc.push(format!("nameserver({})", lit(n)));
        }
        for d in &c.searches {
            dc.push(format!("search({})", lit(d)));
        }
        for (name, value) in &c.options {
            let v = value
                .as_ref()
                .map(|v| format!("Some({})", lit(v)))
                .unwrap_or_else(|| "None".into());
            dc.push(format!("option({}, {v})", lit(name)));
        }
        let expr = chain(&format!("{ty}::default()"), &dc, 12);
        calls.push(if expr.contains('\n') || expr.len() + 8 + 12 > WIDTH {
            block_call("dns_config", &expr, 8)
        } else {
            format!("dns_config({expr})")
        });
    }
    if let Some(p) = &x.scheduler_name {
        calls.push(format!("scheduler_name({})", lit(p)));
    }
    if let Some(p) = &x.runtime_class_name {
        calls.push(format!("runtime_class_name({})", lit(p)));
    }
    if let Some(os) = x.os {
        let ty = out.ty("Os");
        calls.push(format!("os({ty}::{os})"));
    }
    for s in &ir.image_pull_secrets {
        calls.push(format!("image_pull_secret({})", lit(s)));
    }
    if let Some(b) = x.automount_service_account_token {
        calls.push(format!("automount_service_account_token({b})"));
    }
    if let Some(b) = x.enable_service_links {
        calls.push(format!("enable_service_links({b})"));
    }
    if let Some(s) = &x.security {
        let expr = pod_security(&mut out, s, 12);
        calls.push(if expr.contains('\n') || expr.len() + 8 + 18 > WIDTH {
            block_call("security_context", &expr, 8)
        } else {
            format!("security_context({expr})")
        });
    }
    for (ip, names) in &x.host_aliases {
        let names = if names.is_empty() {
            "Vec::<String>::new()".to_owned()
        } else {
            string_list(names, 12)
        };
        calls.push(format!("host_alias({}, {names})", lit(ip)));
    }
    for g in &x.readiness_gates {
        calls.push(format!("readiness_gate({})", lit(g)));
    }
    if let Some(n) = ir.min_ready_seconds {
        calls.push(format!("min_ready_seconds({n})"));
    }
    if let Some(n) = ir.revision_history_limit {
        calls.push(format!("revision_history_limit({n})"));
    }
    if !ir.residuals.is_empty() {
        let lines = ds_residual_lines(&mut out, ir, 12);
        calls.push(customize(&mut out, lines, "ds", 8));
    }
    calls.push("build()".into());
    let body = chain(&format!("{ds}::builder()"), &calls, 4);

    let mut text = format!(
        "// Imported by `daemonset import` from the DaemonSet `{}`.\n",
        match &ir.namespace {
            Some(ns) => format!("{ns}/{}", ir.name),
            None => ir.name.clone(),
        }
    );
    if !out.uses.is_empty() {
        let names = out.uses.iter().copied().collect::<Vec<_>>().join(", ");
        let one = format!("use daemonset::build::{{{names}}};\n");
        if one.len() <= 101 {
            text.push_str(&one);
        } else {
            // As rustfmt writes a long import: the names wrapped at 100 columns.
            text.push_str("use daemonset::build::{\n");
            let mut line = String::from("   ");
            for name in &out.uses {
                if line.len() + name.len() + 2 > 100 {
                    text.push_str(line.trim_end());
                    text.push('\n');
                    line = String::from("   ");
                }
                line.push_str(&format!(" {name},"));
            }
            text.push_str(&line);
            text.push_str("\n};\n");
        }
    }
    if out.json {
        text.push_str(JSON_MACRO);
    }
    text.push_str(&format!(
        "\npub fn {function}() -> Result<daemonset::k8s::api::apps::v1::DaemonSet, daemonset::ValidationErrors> {{\n"
    ));
    for l in lets {
        text.push_str(&l);
    }
    text.push_str("    ");
    text.push_str(&body);
    text.push_str("\n}\n");
    (text, untyped)
}

/// The macro the generated code uses for a field without a typed form.
pub(super) const JSON_MACRO: &str = "
/// The value of a field without a typed form, from its JSON (needs `serde_json`).
macro_rules! from_json {
    ($($json:tt)+) => {
        serde_json::from_value(serde_json::json!($($json)+)).expect(\"the manifest's own value\")
    };
}
";

/// The body of the DaemonSet's `customize`: one commented statement per residual.
pub(super) fn ds_residual_lines(out: &mut Out, ir: &Ir, indent: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let (mut spec, mut pod) = (false, false);
    for r in &ir.residuals {
        if r.root != Root::Meta && !spec {
            lines.push("let spec = ds.spec.get_or_insert_default();".to_owned());
            spec = true;
        }
        if r.root == Root::Pod && !pod {
            lines.push("let pod = spec.template.spec.get_or_insert_default();".to_owned());
            pod = true;
        }
        let (base, prefix, non_option): (&str, &str, &[&str]) = match r.root {
            Root::Meta => ("ds.metadata", "metadata.", &[]),
            Root::Spec => ("spec", "spec.", &["selector", "template"]),
            Root::TemplateMeta => (
                "spec.template.metadata.get_or_insert_default()",
                "spec.template.metadata.",
                &[],
            ),
            Root::Pod | Root::Container => ("pod", "spec.template.spec.", &[]),
        };
        lines.push(format!(
            "// `{prefix}{}`: no typed form\n{}",
            r.relative(),
            residual_code(out, base, r, indent, non_option)
        ));
    }
    lines
}
