//! The DSL form: a function whose body is a `daemonset!` block.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use super::model::{
    Ctr, Env, EnvSrc, Handler, HookIr, Ir, MountIr, PodSec, PortRef, ProbeIr, Profiles, Projection,
    Req, Res, Residual, Root, TermIr, Tol, Update, VolSource,
};
use super::rust::{JSON_MACRO, Out, ds_residual_lines, residual_code};
use super::{Untyped, json_text, lit, residual_fields, volume_fields};

fn pad(n: usize) -> String {
    " ".repeat(n)
}

const WIDTH: usize = 110;

/// `{ a, b }` on one line when it fits, else one entry per line.
fn braces(open: &str, close: &str, items: &[String], indent: usize) -> String {
    if items.is_empty() {
        return format!("{open}{close}");
    }
    let inner = if open == "{" {
        format!("{{ {} }}", items.join(", "))
    } else {
        format!("{open}{}{close}", items.join(", "))
    };
    if !inner.contains('\n') && inner.len() + indent <= WIDTH {
        return inner;
    }
    let mut s = format!("{open}\n");
    for i in items {
        s.push_str(&format!("{}{i},\n", pad(indent + 4)));
    }
    s.push_str(&pad(indent));
    s.push_str(close);
    s
}

fn map(entries: &[(String, String)], indent: usize) -> String {
    let items: Vec<String> = entries
        .iter()
        .map(|(k, v)| format!("{}: {}", lit(k), lit(v)))
        .collect();
    braces("{", "}", &items, indent)
}

fn strings(items: &[String], indent: usize) -> String {
    let items: Vec<String> = items.iter().map(|s| lit(s)).collect();
    braces("[", "]", &items, indent)
}

fn field(path: &str) -> String {
    if path.contains('[') {
        format!("field({})", lit(path))
    } else {
        format!("field({path})")
    }
}

fn env_value(e: &Env) -> String {
    match &e.source {
        EnvSrc::Value(v) => lit(v),
        EnvSrc::Field(f) => field(f),
        EnvSrc::Resource {
            resource,
            container,
            divisor,
        } => {
            let mut s = format!("resource({resource}");
            if let Some(d) = divisor {
                s.push_str(&format!(", divisor: {}", lit(d)));
            }
            if let Some(c) = container {
                s.push_str(&format!(", container: {}", lit(c)));
            }
            s.push(')');
            s
        }
        EnvSrc::ConfigMapKey {
            name,
            key,
            optional,
        } => format!(
            "config_map_key({}, {}{})",
            lit(name),
            lit(key),
            if *optional { ", optional" } else { "" }
        ),
        EnvSrc::SecretKey {
            name,
            key,
            optional,
        } => format!(
            "secret_key({}, {}{})",
            lit(name),
            lit(key),
            if *optional { ", optional" } else { "" }
        ),
    }
}

/// The k8s JSON of a typed env var (for one the DSL cannot take as a map entry: a duplicate name).
fn env_json(e: &Env) -> Value {
    let from = |source: Value| json!({"name": e.name, "valueFrom": source});
    match &e.source {
        EnvSrc::Value(v) => json!({"name": e.name, "value": v}),
        EnvSrc::Field(f) => from(json!({"fieldRef": {"fieldPath": f}})),
        EnvSrc::Resource {
            resource,
            container,
            divisor,
        } => {
            let mut r = json!({"resource": resource});
            if let Some(c) = container {
                r["containerName"] = json!(c);
            }
            if let Some(d) = divisor {
                r["divisor"] = json!(d);
            }
            from(json!({ "resourceFieldRef": r }))
        }
        EnvSrc::ConfigMapKey {
            name,
            key,
            optional,
        } => {
            let mut r = json!({"name": name, "key": key});
            if *optional {
                r["optional"] = json!(true);
            }
            from(json!({ "configMapKeyRef": r }))
        }
        EnvSrc::SecretKey {
            name,
            key,
            optional,
        } => {
            let mut r = json!({"name": name, "key": key});
            if *optional {
                r["optional"] = json!(true);
            }
            from(json!({ "secretKeyRef": r }))
        }
    }
}

fn mount_json(m: &MountIr) -> Value {
    let mut v = json!({"name": m.volume, "mountPath": m.path});
    if m.read_only {
        v["readOnly"] = json!(true);
    }
    if let Some(s) = &m.sub_path {
        v["subPath"] = json!(s);
    }
    if let Some(p) = &m.propagation {
        v["mountPropagation"] = json!(p);
    }
    v
}

fn resources_json(r: &Res) -> Value {
    let mut requests = serde_json::Map::new();
    let mut limits = serde_json::Map::new();
    for (key, amount) in [
        ("cpu", &r.cpu_request),
        ("memory", &r.memory_request),
        ("ephemeral-storage", &r.storage_request),
    ] {
        if let Some(a) = amount {
            requests.insert(key.to_owned(), json!(a));
        }
    }
    for (key, amount) in [
        ("cpu", &r.cpu_limit),
        ("memory", &r.memory_limit),
        ("ephemeral-storage", &r.storage_limit),
    ] {
        if let Some(a) = amount {
            limits.insert(key.to_owned(), json!(a));
        }
    }
    for (size, amount) in &r.hugepages {
        requests.insert(format!("hugepages-{size}"), json!(amount));
        limits.insert(format!("hugepages-{size}"), json!(amount));
    }
    for (name, n) in &r.extended {
        requests.insert(name.clone(), json!(n.to_string()));
        limits.insert(name.clone(), json!(n.to_string()));
    }
    let mut v = serde_json::Map::new();
    if !requests.is_empty() {
        v.insert("requests".into(), Value::Object(requests));
    }
    if !limits.is_empty() {
        v.insert("limits".into(), Value::Object(limits));
    }
    Value::Object(v)
}

/// The final list of typed items and inserted residuals, in order.
enum Item<'a, T> {
    Typed(&'a T),
    Raw(Value),
}

fn merged<'a, T>(typed: &'a [T], residuals: &[Residual], list: &str) -> Vec<Item<'a, T>> {
    let mut items: Vec<Item<'a, T>> = typed.iter().map(Item::Typed).collect();
    let mut inserts: Vec<(usize, Value)> = residuals
        .iter()
        .filter(|r| r.insert.is_some() && r.path == [list])
        .map(|r| (r.insert.unwrap_or(0), r.value.clone()))
        .collect();
    inserts.sort_by_key(|(i, _)| *i);
    for (i, v) in inserts {
        items.insert(i.min(items.len()), Item::Raw(v));
    }
    items
}

/// Splits a merged list back into typed items and insert residuals, turning the typed items `keep` refuses into
/// inserts.
fn split<'a, T>(
    items: Vec<Item<'a, T>>,
    list: &str,
    to_json: impl Fn(&T) -> Value,
    mut keep: impl FnMut(&T) -> bool,
) -> (Vec<&'a T>, Vec<Residual>) {
    let mut typed = Vec::new();
    let mut residuals = Vec::new();
    for (i, item) in items.into_iter().enumerate() {
        match item {
            Item::Typed(t) if keep(t) => typed.push(t),
            Item::Typed(t) => residuals.push(insert(list, i, to_json(t))),
            Item::Raw(v) => residuals.push(insert(list, i, v)),
        }
    }
    (typed, residuals)
}

fn insert(list: &str, index: usize, value: Value) -> Residual {
    Residual {
        root: Root::Container,
        path: vec![list.to_owned()],
        insert: Some(index),
        value,
    }
}

fn probe(p: &ProbeIr) -> String {
    let mut args = match &p.handler {
        Handler::HttpGet {
            path,
            port: PortRef::Number(n),
        } => vec![lit(path), n.to_string()],
        Handler::HttpGet {
            path,
            port: PortRef::Name(name),
        } => vec![lit(path), lit(name)],
        Handler::TcpSocket(port) | Handler::Grpc(port) => vec![port.to_string()],
        Handler::Exec(command) => vec![strings(command, 0)],
        Handler::TcpSocketNamed(name) => vec![lit(name)],
    };
    let f = match &p.handler {
        Handler::HttpGet { .. } => "http_get",
        Handler::TcpSocket(_) | Handler::TcpSocketNamed(_) => "tcp_socket",
        Handler::Grpc(_) => "grpc",
        Handler::Exec(_) => "exec",
    };
    if let Some(h) = &p.host {
        args.push(format!("host: {}", lit(h)));
    }
    if p.https {
        args.push("https: true".into());
    }
    if !p.headers.is_empty() {
        let h: Vec<String> = p
            .headers
            .iter()
            .map(|(k, v)| format!("{}: {}", lit(k), lit(v)))
            .collect();
        args.push(format!("headers: {{ {} }}", h.join(", ")));
    }
    if let Some(g) = &p.grpc_service {
        args.push(format!("service: {}", lit(g)));
    }
    for (json, n) in &p.numbers {
        let name = super::model::PROBE_NUMBERS
            .iter()
            .find(|(j, _, _)| j == json)
            .map(|(_, m, _)| *m)
            .unwrap_or("period_seconds");
        args.push(format!("{name}: {n}"));
    }
    format!("{f}({})", args.join(", "))
}

/// A lifecycle hook.
fn hook(h: &HookIr) -> String {
    match h {
        HookIr::Exec(command) => format!("exec({})", strings(command, 0)),
        HookIr::HttpGet { path, port } => format!("http_get({}, {port})", lit(path)),
        HookIr::Sleep(n) => format!("sleep({n})"),
        HookIr::TcpSocket(port) => format!("tcp_socket({port})"),
    }
}

/// The profiles a pod and a container security context share, as DSL entries.
fn profiles(p: &Profiles) -> Vec<String> {
    let mut f = Vec::new();
    let profile = |(kind, path): &(String, Option<String>)| match path {
        Some(path) => format!("localhost({})", lit(path)),
        None => kind.clone(),
    };
    if let Some(s) = &p.seccomp {
        f.push(format!("seccomp_profile: {}", profile(s)));
    }
    if let Some(a) = &p.app_armor {
        f.push(format!("app_armor_profile: {}", profile(a)));
    }
    if let Some(l) = &p.se_linux {
        let mut o = Vec::new();
        for (key, v) in [
            ("type", &l.type_),
            ("user", &l.user),
            ("role", &l.role),
            ("level", &l.level),
        ] {
            if let Some(v) = v {
                o.push(format!("{key}: {}", lit(v)));
            }
        }
        f.push(format!("se_linux: {{ {} }}", o.join(", ")));
    }
    if let Some(w) = &p.windows {
        let user = lit(w.user.as_deref().unwrap_or_default());
        let mut s = format!(
            "{}({user}",
            if w.host_process {
                "host_process"
            } else {
                "run_as"
            }
        );
        if let Some(g) = &w.gmsa_name {
            s.push_str(&format!(", gmsa_credential_spec_name: {}", lit(g)));
        }
        s.push(')');
        f.push(format!("windows: {s}"));
    }
    f
}

/// The pod security context.
fn pod_security(s: &PodSec) -> Vec<String> {
    let mut f = Vec::new();
    if let Some(u) = s.run_as_user {
        f.push(format!("run_as_user: {u}"));
    }
    if let Some(g) = s.run_as_group {
        f.push(format!("run_as_group: {g}"));
    }
    if let Some(b) = s.run_as_non_root {
        f.push(format!("run_as_non_root: {b}"));
    }
    if let Some(g) = s.fs_group {
        f.push(format!("fs_group: {g}"));
    }
    if let Some(p) = &s.fs_group_change_policy {
        f.push(format!("fs_group_change_policy: {p}"));
    }
    if !s.supplemental_groups.is_empty() {
        let g: Vec<String> = s.supplemental_groups.iter().map(i64::to_string).collect();
        f.push(format!("supplemental_groups: [{}]", g.join(", ")));
    }
    f.extend(profiles(&s.profiles));
    if !s.sysctls.is_empty() {
        let m: Vec<String> = s
            .sysctls
            .iter()
            .map(|(k, v)| format!("{}: {}", lit(k), lit(v)))
            .collect();
        f.push(format!("sysctls: {{ {} }}", m.join(", ")));
    }
    f
}

/// A container; `extra` collects fields the DSL form cannot say that the builder can (reported as untyped).
fn container(out: &mut Out, c: &Ctr, indent: usize, extra: &mut Vec<(String, String)>) -> String {
    let i = indent + 4;
    let mut e = vec![
        format!("name: {}", lit(&c.name)),
        format!("image: {}", lit(&c.image)),
    ];
    if !c.command.is_empty() {
        e.push(format!("command: {}", strings(&c.command, i)));
    }
    if !c.args.is_empty() {
        e.push(format!("args: {}", strings(&c.args, i)));
    }
    if let Some(w) = &c.working_dir {
        e.push(format!("working_dir: {}", lit(w)));
    }
    if let Some(p) = &c.image_pull_policy {
        e.push(format!("image_pull_policy: {p}"));
    }
    let mut residuals: Vec<Residual> = c
        .residuals
        .iter()
        .filter(|r| {
            r.insert.is_none() || !["ports", "env", "volumeMounts"].contains(&r.path[0].as_str())
        })
        .cloned()
        .collect();
    // Ports.
    let (ports, rest) = split(
        merged(&c.ports, &c.residuals, "ports"),
        "ports",
        |_| Value::Null,
        |_| true,
    );
    residuals.extend(rest);
    if !ports.is_empty() {
        let items: Vec<String> = ports
            .iter()
            .map(|p| {
                if p.name.is_none()
                    && p.protocol.is_none()
                    && p.host_port.is_none()
                    && p.host_ip.is_none()
                {
                    return p.container_port.to_string();
                }
                let mut f = vec![format!("container_port: {}", p.container_port)];
                if let Some(n) = &p.name {
                    f.push(format!("name: {}", lit(n)));
                }
                if let Some(pr) = &p.protocol {
                    f.push(format!("protocol: {pr}"));
                }
                if let Some(h) = p.host_port {
                    f.push(format!("host_port: {h}"));
                }
                if let Some(ip) = &p.host_ip {
                    f.push(format!("host_ip: {}", lit(ip)));
                }
                format!("{{ {} }}", f.join(", "))
            })
            .collect();
        e.push(format!("ports: {}", braces("[", "]", &items, i)));
    }
    // Env: a map, so a repeated name is inserted by `customize`.
    let mut seen = BTreeSet::new();
    let (env, rest) = split(
        merged(&c.env, &c.residuals, "env"),
        "env",
        env_json,
        |v: &Env| {
            let fresh = seen.insert(v.name.clone());
            if !fresh {
                extra.push(("env[]".into(), format!("a repeated name `{}`", v.name)));
            }
            fresh
        },
    );
    residuals.extend(rest);
    if !env.is_empty() {
        let items: Vec<String> = env
            .iter()
            .map(|v| format!("{}: {}", lit(&v.name), env_value(v)))
            .collect();
        e.push(format!("env: {}", braces("{", "}", &items, i)));
    }
    if !c.env_from.is_empty() {
        let items: Vec<String> = c
            .env_from
            .iter()
            .map(|f| {
                let mut s = match (&f.config_map, &f.secret) {
                    (Some(cm), _) => format!("config_map({}", lit(cm)),
                    (None, Some(s)) => format!("secret({}", lit(s)),
                    (None, None) => String::from("("),
                };
                if let Some(p) = &f.prefix {
                    s.push_str(&format!(", prefix: {}", lit(p)));
                }
                if f.optional {
                    s.push_str(", optional");
                }
                s.push(')');
                s
            })
            .collect();
        e.push(format!("env_from: {}", braces("[", "]", &items, i)));
    }
    if let Some(r) = &c.resources {
        if r.hugepages.is_empty() {
            let amounts =
                |cpu: &Option<String>, memory: &Option<String>, storage: &Option<String>| {
                    let mut a = Vec::new();
                    if let Some(q) = cpu {
                        a.push(format!("cpu: {}", lit(q)));
                    }
                    if let Some(q) = memory {
                        a.push(format!("memory: {}", lit(q)));
                    }
                    if let Some(q) = storage {
                        a.push(format!("ephemeral_storage: {}", lit(q)));
                    }
                    a
                };
            let mut parts = Vec::new();
            let requests = amounts(&r.cpu_request, &r.memory_request, &r.storage_request);
            if !requests.is_empty() {
                parts.push(format!("requests: {{ {} }}", requests.join(", ")));
            }
            let limits = amounts(&r.cpu_limit, &r.memory_limit, &r.storage_limit);
            if !limits.is_empty() {
                parts.push(format!("limits: {{ {} }}", limits.join(", ")));
            }
            if !r.extended.is_empty() {
                let ext: Vec<String> = r
                    .extended
                    .iter()
                    .map(|(k, n)| format!("{}: {n}", lit(k)))
                    .collect();
                parts.push(format!("extended: {{ {} }}", ext.join(", ")));
            }
            e.push(format!("resources: {}", braces("{", "}", &parts, i)));
        } else {
            extra.push(("resources".into(), "hugepages amounts".into()));
            residuals.push(Residual {
                root: Root::Container,
                path: vec!["resources".into()],
                insert: None,
                value: resources_json(r),
            });
        }
    }
    // Mounts: a map by volume, so a second mount of one volume is inserted by `customize`.
    let mut seen = BTreeSet::new();
    let (mounts, rest) = split(
        merged(&c.mounts, &c.residuals, "volumeMounts"),
        "volumeMounts",
        mount_json,
        |m: &MountIr| {
            let fresh = seen.insert(m.volume.clone());
            if !fresh {
                extra.push((
                    "volumeMounts[]".into(),
                    format!("a second mount of volume `{}`", m.volume),
                ));
            }
            fresh
        },
    );
    residuals.extend(rest);
    if !mounts.is_empty() {
        let items: Vec<String> = mounts
            .iter()
            .map(|m| {
                let mut opts = Vec::new();
                if m.read_only {
                    opts.push("read_only".to_owned());
                }
                if let Some(s) = &m.sub_path {
                    opts.push(format!("sub_path: {}", lit(s)));
                }
                if let Some(p) = &m.propagation {
                    opts.push(format!("propagation: {p}"));
                }
                let value = if opts.is_empty() {
                    lit(&m.path)
                } else {
                    format!("({}, {})", lit(&m.path), opts.join(", "))
                };
                format!("{}: {value}", lit(&m.volume))
            })
            .collect();
        e.push(format!("mounts: {}", braces("{", "}", &items, i)));
    }
    for (key, p) in [
        ("liveness_probe", &c.liveness),
        ("readiness_probe", &c.readiness),
        ("startup_probe", &c.startup),
    ] {
        if let Some(p) = p {
            e.push(format!("{key}: {}", probe(p)));
        }
    }
    if let Some(s) = &c.security {
        let mut f: Vec<String> = s
            .flags
            .iter()
            .map(|(flag, v)| format!("{}: {v}", super::field_name(flag)))
            .collect();
        if let Some(u) = s.run_as_user {
            f.push(format!("run_as_user: {u}"));
        }
        if let Some(g) = s.run_as_group {
            f.push(format!("run_as_group: {g}"));
        }
        if !s.add.is_empty() || !s.drop.is_empty() {
            let mut caps = Vec::new();
            if !s.add.is_empty() {
                caps.push(format!("add: {}", strings(&s.add, 0)));
            }
            if !s.drop.is_empty() {
                caps.push(format!("drop: {}", strings(&s.drop, 0)));
            }
            f.push(format!("capabilities: {{ {} }}", caps.join(", ")));
        }
        f.extend(profiles(&s.profiles));
        e.push(format!("security_context: {}", braces("{", "}", &f, i)));
    }
    for (key, h) in [
        ("pre_stop", &c.extra.pre_stop),
        ("post_start", &c.extra.post_start),
    ] {
        if let Some(h) = h {
            e.push(format!("{key}: {}", hook(h)));
        }
    }
    if let Some(p) = &c.extra.termination_message_path {
        e.push(format!("termination_message_path: {}", lit(p)));
    }
    if let Some(p) = &c.extra.termination_message_policy {
        e.push(format!("termination_message_policy: {p}"));
    }
    if c.extra.sidecar {
        e.push("sidecar: true".into());
    }
    debug_assert!(
        c.extra.resize_policy.is_empty(),
        "typed in the builder form only: `model::analyze` leaves it a residual for this form"
    );
    if !residuals.is_empty() {
        // Inserts in the order of their index, so each lands where the manifest has it.
        residuals.sort_by_key(|r| (r.insert.is_some(), r.path.clone(), r.insert));
        let mut s = "customize: |c: &mut daemonset::k8s::api::core::v1::Container| {\n".to_owned();
        for r in &residuals {
            s.push_str(&format!(
                "{}// `{}`: no typed form\n",
                pad(i + 4),
                r.relative()
            ));
            let code = residual_code(out, "c", r, i + 4, &[]);
            for line in code.lines() {
                s.push_str(&pad(i + 4));
                s.push_str(line);
                s.push('\n');
            }
        }
        s.push_str(&pad(i));
        s.push('}');
        e.push(s);
    }
    braces("{", "}", &e, indent)
}

fn volume_source(out: &mut Out, source: &VolSource, extra: &mut bool) -> String {
    let with = |head: String, mode: &Option<i32>, items: &[(String, String)]| {
        let mut args = vec![head];
        if let Some(m) = mode {
            args.push(format!("default_mode: 0o{m:o}"));
        }
        if !items.is_empty() {
            let i: Vec<String> = items
                .iter()
                .map(|(k, p)| format!("{}: {}", lit(k), lit(p)))
                .collect();
            args.push(format!("items: {{ {} }}", i.join(", ")));
        }
        args.join(", ")
    };
    let _ = out;
    let flagged = |name: &str, optional: bool| {
        if optional {
            format!("{}, optional", lit(name))
        } else {
            lit(name)
        }
    };
    match source {
        VolSource::HostPath { path, kind } => match kind {
            Some(k) => format!("host_path({}, {k})", lit(path)),
            None => format!("host_path({})", lit(path)),
        },
        VolSource::ConfigMap {
            name,
            items,
            default_mode,
            optional,
        } => format!(
            "config_map({})",
            with(flagged(name, *optional), default_mode, items)
        ),
        VolSource::Secret {
            name,
            items,
            default_mode,
            optional,
        } => format!(
            "secret({})",
            with(flagged(name, *optional), default_mode, items)
        ),
        VolSource::EmptyDir => "empty_dir()".into(),
        VolSource::MemoryDir(size) => format!("memory_dir({})", lit(size)),
        VolSource::Csi { driver, attributes } => {
            let mut s = format!("csi({}", lit(driver));
            if !attributes.is_empty() {
                let a: Vec<String> = attributes
                    .iter()
                    .map(|(k, v)| format!("{}: {}", lit(k), lit(v)))
                    .collect();
                s.push_str(&format!(", attributes: {{ {} }}", a.join(", ")));
            }
            s.push(')');
            s
        }
        VolSource::EmptyDirWith { .. } | VolSource::Ephemeral { .. } => {
            unreachable!(
                "typed in the builder form only: `model::analyze` leaves it a residual for this form"
            )
        }
        VolSource::Projected {
            sources,
            default_mode,
        } => {
            let mut list = Vec::new();
            for s in sources {
                list.push(match s {
                    Projection::ConfigMap(n) => format!("config_map({})", lit(n)),
                    Projection::Secret(n) => format!("secret({})", lit(n)),
                    Projection::Token {
                        path,
                        audience,
                        expiration_seconds,
                    } => {
                        let mut a = vec![lit(path)];
                        if let Some(aud) = audience {
                            a.push(format!("audience: {}", lit(aud)));
                        }
                        if let Some(e) = expiration_seconds {
                            a.push(format!("expiration_seconds: {e}"));
                        }
                        format!("service_account_token({})", a.join(", "))
                    }
                    Projection::DownwardApi(_) => {
                        *extra = true;
                        String::new()
                    }
                });
            }
            let mut s = format!("projected([{}]", list.join(", "));
            if let Some(m) = default_mode {
                s.push_str(&format!(", default_mode: 0o{m:o}"));
            }
            s.push(')');
            s
        }
        VolSource::DownwardApi { .. } => {
            *extra = true;
            String::new()
        }
    }
}

pub(super) fn emit(ir: &Ir, function: &str) -> (String, Vec<Untyped>) {
    let mut out = Out {
        uses: BTreeSet::new(),
        json: false,
    };
    let mut untyped = residual_fields(ir, true);
    let mut dsl_only: Vec<Untyped> = Vec::new();
    let mut e: Vec<String> = vec![format!("name: {}", lit(&ir.name))];
    if let Some(ns) = &ir.namespace {
        e.push(format!("namespace: {}", lit(ns)));
    }
    for (key, m) in [
        ("labels", &ir.labels),
        ("annotations", &ir.annotations),
        ("selector", &ir.selector),
        ("pod_labels", &ir.pod_labels),
        ("pod_annotations", &ir.pod_annotations),
    ] {
        if !m.is_empty() || key == "selector" {
            e.push(format!("{key}: {}", map(m, 8)));
        }
    }
    // Volumes: typed sources where the DSL has them, else `raw`.
    let mut raw_volumes = BTreeSet::new();
    if !ir.volumes.is_empty() {
        let mut items = Vec::new();
        for (i, v) in ir.volumes.iter().enumerate() {
            let mut extra = false;
            let typed = match (&v.source, v.is_typed()) {
                (Some(s), true) => Some(volume_source(&mut out, s, &mut extra)),
                _ => None,
            };
            let source = match typed {
                Some(s) if !extra => s,
                _ => {
                    if extra {
                        dsl_only.push(Untyped {
                            path: format!("spec.template.spec.volumes[{i}].downwardAPI"),
                            field: "volumes[].downwardAPI".into(),
                            expressed: true,
                        });
                    }
                    raw_volumes.insert(v.name.clone());
                    out.json = true;
                    let mut raw = v.raw.clone();
                    if let Value::Object(m) = &mut raw {
                        m.remove("name");
                    }
                    format!("raw(from_json!({}))", json_text(&raw, 12))
                }
            };
            items.push(format!("{}: {source}", lit(&v.name)));
        }
        e.push(format!("volumes: {}", braces("{", "}", &items, 8)));
    }
    untyped.extend(volume_fields(ir, |_| true));
    for (key, list, json_list) in [
        ("init_containers", &ir.init_containers, "initContainers"),
        ("containers", &ir.containers, "containers"),
    ] {
        if list.is_empty() {
            continue;
        }
        let mut items = Vec::new();
        for (ci, c) in list.iter().enumerate() {
            let mut extra = Vec::new();
            items.push(container(&mut out, c, 12, &mut extra));
            for (field, _) in extra {
                dsl_only.push(Untyped {
                    path: format!("spec.template.spec.{json_list}[{ci}].{field}"),
                    field: format!("{json_list}[].{field}"),
                    expressed: true,
                });
            }
        }
        e.push(format!("{key}: {}", braces("[", "]", &items, 8)));
    }
    if !ir.node_selector.is_empty() {
        e.push(format!("node_selector: {}", map(&ir.node_selector, 8)));
    }
    if let Some(a) = &ir.node_affinity {
        let term = |reqs: &[Req]| {
            let items: Vec<String> = reqs
                .iter()
                .map(|r| {
                    let mut f = vec![
                        format!("key: {}", lit(&r.key)),
                        format!("operator: {}", r.operator),
                    ];
                    if !r.values.is_empty() {
                        let vals: Vec<String> = if r.operator == "Gt" || r.operator == "Lt" {
                            r.values.clone()
                        } else {
                            r.values.iter().map(|v| lit(v)).collect()
                        };
                        f.push(format!("values: [{}]", vals.join(", ")));
                    }
                    format!("{{ {} }}", f.join(", "))
                })
                .collect();
            format!("{{ match_expressions: {} }}", braces("[", "]", &items, 16))
        };
        let mut parts = Vec::new();
        if !a.required.is_empty() {
            let items: Vec<String> = a
                .required
                .iter()
                .map(|t| match t {
                    TermIr::Expressions(reqs) => term(reqs),
                    TermIr::NodeName(n) => format!("{{ node_name: {} }}", lit(n)),
                })
                .collect();
            parts.push(format!("required: {}", braces("[", "]", &items, 12)));
        }
        if !a.preferred.is_empty() {
            let items: Vec<String> = a
                .preferred
                .iter()
                .map(|(w, reqs)| format!("{{ weight: {w}, preference: {} }}", term(reqs)))
                .collect();
            parts.push(format!("preferred: {}", braces("[", "]", &items, 12)));
        }
        e.push(format!("node_affinity: {}", braces("{", "}", &parts, 8)));
    }
    if !ir.tolerations.is_empty() {
        let items: Vec<String> = ir.tolerations.iter().map(toleration).collect();
        e.push(format!("tolerations: {}", braces("[", "]", &items, 8)));
    }
    if let Some(u) = &ir.update {
        let budget = |b: &str| {
            if b.ends_with('%') {
                lit(b)
            } else {
                b.to_owned()
            }
        };
        e.push(format!(
            "update_strategy: {}",
            match u {
                Update::OnDelete => "OnDelete".to_owned(),
                Update::MaxUnavailable(b) =>
                    format!("RollingUpdate {{ max_unavailable: {} }}", budget(b)),
                Update::MaxSurge(b) => format!("RollingUpdate {{ max_surge: {} }}", budget(b)),
            }
        ));
    }
    if let Some(s) = ir.termination_grace_period_seconds {
        e.push(format!("termination_grace_period_seconds: {s}"));
    }
    if ir.host_network {
        e.push("host_network: true".into());
    }
    if ir.host_pid {
        e.push("host_pid: true".into());
    }
    if let Some(p) = &ir.dns_policy {
        e.push(format!("dns_policy: {p}"));
    }
    if let Some(p) = &ir.priority_class_name {
        e.push(format!("priority_class_name: {}", lit(p)));
    }
    if let Some(a) = &ir.service_account_name {
        e.push(format!("service_account_name: {}", lit(a)));
    }
    if !ir.image_pull_secrets.is_empty() {
        e.push(format!(
            "image_pull_secrets: {}",
            strings(&ir.image_pull_secrets, 8)
        ));
    }
    if let Some(n) = ir.min_ready_seconds {
        e.push(format!("min_ready_seconds: {n}"));
    }
    if let Some(n) = ir.revision_history_limit {
        e.push(format!("revision_history_limit: {n}"));
    }
    let x = &ir.extra;
    if let Some(s) = &x.security {
        e.push(format!(
            "security_context: {}",
            braces("{", "}", &pod_security(s), 8)
        ));
    }
    if let Some(b) = x.automount_service_account_token {
        e.push(format!("automount_service_account_token: {b}"));
    }
    if x.share_process_namespace {
        e.push("share_process_namespace: true".into());
    }
    if x.host_ipc {
        e.push("host_ipc: true".into());
    }
    if let Some(b) = x.host_users {
        e.push(format!("host_users: {b}"));
    }
    if let Some(r) = &x.runtime_class_name {
        e.push(format!("runtime_class_name: {}", lit(r)));
    }
    if let Some(b) = x.enable_service_links {
        e.push(format!("enable_service_links: {b}"));
    }
    if let Some(n) = &x.scheduler_name {
        e.push(format!("scheduler_name: {}", lit(n)));
    }
    if !x.host_aliases.is_empty() {
        let items: Vec<String> = x
            .host_aliases
            .iter()
            .map(|(ip, names)| format!("{}: {}", lit(ip), strings(names, 12)))
            .collect();
        e.push(format!("host_aliases: {}", braces("{", "}", &items, 8)));
    }
    if let Some(d) = &x.dns_config {
        let mut f = Vec::new();
        if !d.nameservers.is_empty() {
            f.push(format!("nameservers: {}", strings(&d.nameservers, 12)));
        }
        if !d.searches.is_empty() {
            f.push(format!("searches: {}", strings(&d.searches, 12)));
        }
        if !d.options.is_empty() {
            let o: Vec<String> = d
                .options
                .iter()
                .map(|(n, v)| match v {
                    Some(v) => format!("({}, {})", lit(n), lit(v)),
                    None => lit(n),
                })
                .collect();
            f.push(format!("options: [{}]", o.join(", ")));
        }
        e.push(format!("dns_config: {}", braces("{", "}", &f, 8)));
    }
    if !x.readiness_gates.is_empty() {
        e.push(format!(
            "readiness_gates: {}",
            strings(&x.readiness_gates, 8)
        ));
    }
    if !ir.residuals.is_empty() {
        let mut s = "customize: |ds: &mut daemonset::k8s::api::apps::v1::DaemonSet| {\n".to_owned();
        for l in ds_residual_lines(&mut out, ir, 12) {
            for line in l.lines() {
                s.push_str(&pad(12));
                s.push_str(line);
                s.push('\n');
            }
        }
        s.push_str(&pad(8));
        s.push('}');
        e.push(s);
    }
    let _ = raw_volumes;
    untyped.extend(dsl_only);

    let mut text = format!(
        "// Imported by `daemonset import` from the DaemonSet `{}`.\nuse daemonset::daemonset;\n",
        match &ir.namespace {
            Some(ns) => format!("{ns}/{}", ir.name),
            None => ir.name.clone(),
        }
    );
    if out.json {
        text.push_str(JSON_MACRO);
    }
    text.push_str(&format!(
        "\npub fn {function}() -> Result<daemonset::k8s::api::apps::v1::DaemonSet, daemonset::ValidationErrors> {{\n    daemonset! {{\n"
    ));
    for entry in e {
        text.push_str(&pad(8));
        text.push_str(&entry);
        text.push_str(",\n");
    }
    text.push_str("    }\n}\n");
    (text, untyped)
}

fn toleration(t: &Tol) -> String {
    let mut f = Vec::new();
    if let Some(k) = &t.key {
        f.push(format!("key: {}", lit(k)));
    }
    if let Some(o) = &t.operator {
        f.push(format!("operator: {o}"));
    }
    if let Some(v) = &t.value {
        f.push(format!("value: {}", lit(v)));
    }
    if let Some(e) = &t.effect {
        f.push(format!("effect: {e}"));
    }
    if let Some(s) = t.seconds {
        f.push(format!("toleration_seconds: {s}"));
    }
    format!("{{ {} }}", f.join(", "))
}
