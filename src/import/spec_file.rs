//! The spec-file form: YAML in the spec format's vocabulary. Spec files have no escape hatch, so a field without a
//! typed form is left out and reported (with `expressed: false`).

use super::model::{
    Ctr, Env, EnvSrc, Handler, HookIr, Ir, Placement, PodTerm, PortRef, ProbeIr, Profiles,
    Projection, Req, TermIr, Tol, Update, Vol, VolSource,
};
use super::{Untyped, residual_fields, volume_fields};

/// A YAML node whose maps keep the order they are written in.
enum Node {
    Map(Vec<(String, Node)>),
    Seq(Vec<Node>),
    Str(String),
    Int(i64),
    Bool(bool),
}

#[derive(Default)]
struct MapB(Vec<(String, Node)>);

impl MapB {
    fn put(&mut self, k: &str, v: Node) -> &mut Self {
        self.0.push((k.to_owned(), v));
        self
    }
    fn str(&mut self, k: &str, v: &str) -> &mut Self {
        self.put(k, Node::Str(v.to_owned()))
    }
    fn opt_str(&mut self, k: &str, v: &Option<String>) -> &mut Self {
        if let Some(v) = v {
            self.str(k, v);
        }
        self
    }
    fn int(&mut self, k: &str, v: i64) -> &mut Self {
        self.put(k, Node::Int(v))
    }
    fn map(&mut self, k: &str, entries: &[(String, String)]) -> &mut Self {
        if !entries.is_empty() {
            self.put(
                k,
                Node::Map(
                    entries
                        .iter()
                        .map(|(a, b)| (a.clone(), Node::Str(b.clone())))
                        .collect(),
                ),
            );
        }
        self
    }
    fn list(&mut self, k: &str, items: Vec<Node>) -> &mut Self {
        if !items.is_empty() {
            self.put(k, Node::Seq(items));
        }
        self
    }
    fn done(&mut self) -> Node {
        Node::Map(std::mem::take(&mut self.0))
    }
}

fn strs(items: &[String]) -> Vec<Node> {
    items.iter().map(|s| Node::Str(s.clone())).collect()
}

fn env(e: &Env) -> Node {
    let mut m = MapB::default();
    m.str("name", &e.name);
    match &e.source {
        EnvSrc::Value(v) => {
            m.str("value", v);
        }
        EnvSrc::Field(f) => {
            m.str("field", f);
        }
        EnvSrc::Resource {
            resource,
            container,
            divisor,
        } => {
            m.str("resourceField", resource)
                .opt_str("divisor", divisor)
                .opt_str("container", container);
        }
        EnvSrc::ConfigMapKey {
            name,
            key,
            optional,
        }
        | EnvSrc::SecretKey {
            name,
            key,
            optional,
        } => {
            let mut r = MapB::default();
            r.str("name", name).str("key", key);
            if *optional {
                r.put("optional", Node::Bool(true));
            }
            let k = if matches!(e.source, EnvSrc::ConfigMapKey { .. }) {
                "configMapKey"
            } else {
                "secretKey"
            };
            m.put(k, r.done());
        }
    }
    m.done()
}

fn probe(p: &ProbeIr) -> Node {
    let mut m = MapB::default();
    match &p.handler {
        Handler::HttpGet { path, port } => {
            let port = match port {
                PortRef::Number(n) => Node::Int(i64::from(*n)),
                PortRef::Name(s) => Node::Str(s.clone()),
            };
            let mut h = MapB::default();
            h.str("path", path)
                .put("port", port)
                .opt_str("host", &p.host);
            if p.https {
                h.str("scheme", "HTTPS");
            }
            h.list(
                "httpHeaders",
                p.headers
                    .iter()
                    .map(|(n, v)| MapB::default().str("name", n).str("value", v).done())
                    .collect(),
            );
            m.put("httpGet", h.done());
        }
        Handler::TcpSocket(port) => {
            m.put(
                "tcpSocket",
                MapB::default()
                    .int("port", i64::from(*port))
                    .opt_str("host", &p.host)
                    .done(),
            );
        }
        Handler::TcpSocketNamed(name) => {
            m.put(
                "tcpSocket",
                MapB::default()
                    .str("port", name)
                    .opt_str("host", &p.host)
                    .done(),
            );
        }
        Handler::Grpc(port) => {
            m.put(
                "grpc",
                MapB::default()
                    .int("port", i64::from(*port))
                    .opt_str("service", &p.grpc_service)
                    .done(),
            );
        }
        Handler::Exec(command) => {
            m.put("exec", Node::Seq(strs(command)));
        }
    }
    for (k, n) in &p.numbers {
        m.int(k, i64::from(*n));
    }
    m.done()
}

fn container(c: &Ctr, mounted: &dyn Fn(&str) -> bool, path: &str, left: &mut Vec<Untyped>) -> Node {
    let mut m = MapB::default();
    m.str("name", &c.name).str("image", &c.image);
    m.list("command", strs(&c.command));
    m.list("args", strs(&c.args));
    m.opt_str("workingDir", &c.working_dir);
    m.opt_str("imagePullPolicy", &c.image_pull_policy);
    m.list(
        "ports",
        c.ports
            .iter()
            .map(|p| {
                let mut n = MapB::default();
                n.int("containerPort", i64::from(p.container_port));
                n.opt_str("name", &p.name).opt_str("protocol", &p.protocol);
                if let Some(h) = p.host_port {
                    n.int("hostPort", i64::from(h));
                }
                n.opt_str("hostIP", &p.host_ip);
                n.done()
            })
            .collect(),
    );
    m.list("env", c.env.iter().map(env).collect());
    m.list(
        "envFrom",
        c.env_from
            .iter()
            .map(|f| {
                let mut n = MapB::default();
                n.opt_str("configMap", &f.config_map)
                    .opt_str("secret", &f.secret)
                    .opt_str("prefix", &f.prefix);
                if f.optional {
                    n.put("optional", Node::Bool(true));
                }
                n.done()
            })
            .collect(),
    );
    if let Some(r) = &c.resources {
        let amounts = |cpu: &Option<String>, memory: &Option<String>, storage: &Option<String>| {
            let mut a = MapB::default();
            a.opt_str("cpu", cpu)
                .opt_str("memory", memory)
                .opt_str("ephemeral-storage", storage);
            a
        };
        let mut res = MapB::default();
        let mut requests = amounts(&r.cpu_request, &r.memory_request, &r.storage_request);
        if !requests.0.is_empty() {
            res.put("requests", requests.done());
        }
        let mut limits = amounts(&r.cpu_limit, &r.memory_limit, &r.storage_limit);
        if !limits.0.is_empty() {
            res.put("limits", limits.done());
        }
        m.put("resources", res.done());
        let extended = r.extended.iter().map(|(name, _)| name.clone()).chain(
            r.hugepages
                .iter()
                .map(|(size, _)| format!("hugepages-{size}")),
        );
        for name in extended {
            for map in ["requests", "limits"] {
                left.push(Untyped {
                    path: format!("{path}.resources.{map}[{name}]"),
                    field: format!("{}.resources.{map} (extended)", generic(path)),
                    expressed: false,
                });
            }
        }
    }
    let mut mounts = Vec::new();
    for (i, mnt) in c.mounts.iter().enumerate() {
        if !mounted(&mnt.volume) {
            left.push(Untyped {
                path: format!("{path}.volumeMounts[{i}]"),
                field: format!("{}.volumeMounts[] (of a volume left out)", generic(path)),
                expressed: false,
            });
            continue;
        }
        let mut n = MapB::default();
        n.str("volume", &mnt.volume).str("path", &mnt.path);
        if mnt.read_only {
            n.put("readOnly", Node::Bool(true));
        }
        n.opt_str("subPath", &mnt.sub_path)
            .opt_str("propagation", &mnt.propagation);
        mounts.push(n.done());
    }
    m.list("mounts", mounts);
    for (k, p) in [
        ("livenessProbe", &c.liveness),
        ("readinessProbe", &c.readiness),
        ("startupProbe", &c.startup),
    ] {
        if let Some(p) = p {
            m.put(k, probe(p));
        }
    }
    // A security context whose fields are all untyped is left out whole (not written as `{}`).
    let only_untyped = c
        .security
        .as_ref()
        .is_some_and(|s| *s == Default::default())
        && c.residuals.iter().any(|r| r.path[0] == "securityContext");
    if let Some(s) = c.security.as_ref().filter(|_| !only_untyped) {
        let mut n = MapB::default();
        for (flag, v) in &s.flags {
            n.put(flag, Node::Bool(*v));
        }
        if let Some(u) = s.run_as_user {
            n.int("runAsUser", u);
        }
        if let Some(g) = s.run_as_group {
            n.int("runAsGroup", g);
        }
        if !s.add.is_empty() || !s.drop.is_empty() {
            let mut caps = MapB::default();
            caps.list("add", strs(&s.add)).list("drop", strs(&s.drop));
            n.put("capabilities", caps.done());
        }
        profiles(&mut n, &s.profiles);
        m.put("securityContext", n.done());
    }
    let x = &c.extra;
    if x.pre_stop.is_some() || x.post_start.is_some() {
        let mut l = MapB::default();
        if let Some(h) = &x.pre_stop {
            l.put("preStop", hook(h));
        }
        if let Some(h) = &x.post_start {
            l.put("postStart", hook(h));
        }
        m.put("lifecycle", l.done());
    }
    m.opt_str("terminationMessagePath", &x.termination_message_path)
        .opt_str("terminationMessagePolicy", &x.termination_message_policy);
    if x.sidecar {
        m.str("restartPolicy", "Always");
    }
    m.list(
        "resizePolicy",
        x.resize_policy
            .iter()
            .map(|(r, p)| {
                MapB::default()
                    .str("resourceName", r)
                    .str("restartPolicy", p)
                    .done()
            })
            .collect(),
    );
    m.done()
}

fn hook(h: &HookIr) -> Node {
    let mut m = MapB::default();
    match h {
        HookIr::Exec(command) => {
            m.put(
                "exec",
                MapB::default().list("command", strs(command)).done(),
            );
        }
        HookIr::HttpGet { path, port } => {
            m.put(
                "httpGet",
                MapB::default()
                    .str("path", path)
                    .int("port", i64::from(*port))
                    .done(),
            );
        }
        HookIr::Sleep(seconds) => {
            m.put(
                "sleep",
                MapB::default().int("seconds", i64::from(*seconds)).done(),
            );
        }
        HookIr::TcpSocket(port) => {
            m.put(
                "tcpSocket",
                MapB::default().int("port", i64::from(*port)).done(),
            );
        }
    }
    m.done()
}

/// The profiles of a pod or container security context, with the API's keys.
fn profiles(m: &mut MapB, p: &Profiles) {
    let profile = |(kind, local): &(String, Option<String>)| {
        MapB::default()
            .str("type", kind)
            .opt_str("localhostProfile", local)
            .done()
    };
    if let Some(s) = &p.seccomp {
        m.put("seccompProfile", profile(s));
    }
    if let Some(a) = &p.app_armor {
        m.put("appArmorProfile", profile(a));
    }
    if let Some(s) = &p.se_linux {
        m.put(
            "seLinuxOptions",
            MapB::default()
                .opt_str("user", &s.user)
                .opt_str("role", &s.role)
                .opt_str("type", &s.type_)
                .opt_str("level", &s.level)
                .done(),
        );
    }
    if let Some(w) = &p.windows {
        let mut n = MapB::default();
        if w.host_process {
            n.put("hostProcess", Node::Bool(true));
        }
        n.opt_str("runAsUserName", &w.user)
            .opt_str("gmsaCredentialSpecName", &w.gmsa_name);
        m.put("windowsOptions", n.done());
    }
}

fn generic(path: &str) -> String {
    let list = if path.contains("initContainers") {
        "initContainers[]"
    } else {
        "containers[]"
    };
    list.to_owned()
}

fn volume(name: &str, source: &VolSource) -> Node {
    let mut m = MapB::default();
    m.str("name", name);
    let object = |key_name: &str,
                  n: &str,
                  items: &[(String, String)],
                  mode: &Option<i32>,
                  optional: bool| {
        let mut o = MapB::default();
        o.str(key_name, n);
        o.list(
            "items",
            items
                .iter()
                .map(|(k, p)| MapB::default().str("key", k).str("path", p).done())
                .collect(),
        );
        if let Some(mode) = mode {
            o.int("defaultMode", i64::from(*mode));
        }
        if optional {
            o.put("optional", Node::Bool(true));
        }
        o.done()
    };
    let files = |items: &[(String, String)]| -> Vec<Node> {
        items
            .iter()
            .map(|(p, f)| MapB::default().str("path", p).str("field", f).done())
            .collect()
    };
    match source {
        VolSource::HostPath { path, kind } => {
            m.put(
                "hostPath",
                MapB::default()
                    .str("path", path)
                    .opt_str("type", kind)
                    .done(),
            );
        }
        VolSource::ConfigMap {
            name,
            items,
            default_mode,
            optional,
        } => {
            m.put(
                "configMap",
                object("name", name, items, default_mode, *optional),
            );
        }
        VolSource::Secret {
            name,
            items,
            default_mode,
            optional,
        } => {
            m.put(
                "secret",
                object("name", name, items, default_mode, *optional),
            );
        }
        VolSource::EmptyDir => {
            m.put("emptyDir", Node::Map(Vec::new()));
        }
        VolSource::EmptyDirWith { memory, size_limit } => {
            let mut e = MapB::default();
            if *memory {
                e.str("medium", "Memory");
            }
            e.opt_str("sizeLimit", size_limit);
            m.put("emptyDir", e.done());
        }
        VolSource::Csi { driver, attributes } => {
            m.put(
                "csi",
                MapB::default()
                    .str("driver", driver)
                    .map("volumeAttributes", attributes)
                    .done(),
            );
        }
        VolSource::Ephemeral { .. } => {
            unreachable!("`emit` leaves generic ephemeral volumes out before writing volumes")
        }
        VolSource::MemoryDir(size) => {
            m.put(
                "emptyDir",
                MapB::default()
                    .str("medium", "Memory")
                    .str("sizeLimit", size)
                    .done(),
            );
        }
        VolSource::DownwardApi {
            items,
            default_mode,
        } => {
            let mut d = MapB::default();
            d.put("items", Node::Seq(files(items)));
            if let Some(mode) = default_mode {
                d.int("defaultMode", i64::from(*mode));
            }
            m.put("downwardAPI", d.done());
        }
        VolSource::Projected {
            sources,
            default_mode,
        } => {
            let mut p = MapB::default();
            p.put(
                "sources",
                Node::Seq(
                    sources
                        .iter()
                        .map(|s| match s {
                            Projection::ConfigMap(n) => MapB::default().str("configMap", n).done(),
                            Projection::Secret(n) => MapB::default().str("secret", n).done(),
                            Projection::Token {
                                path,
                                audience,
                                expiration_seconds,
                            } => {
                                let mut t = MapB::default();
                                t.str("path", path).opt_str("audience", audience);
                                if let Some(e) = expiration_seconds {
                                    t.int("expirationSeconds", *e);
                                }
                                MapB::default().put("serviceAccountToken", t.done()).done()
                            }
                            Projection::DownwardApi(items) => MapB::default()
                                .put("downwardAPI", Node::Seq(files(items)))
                                .done(),
                        })
                        .collect(),
                ),
            );
            if let Some(mode) = default_mode {
                p.int("defaultMode", i64::from(*mode));
            }
            m.put("projected", p.done());
        }
    }
    m.done()
}

fn requirement(r: &Req) -> Node {
    let mut m = MapB::default();
    m.str("key", &r.key).str("operator", &r.operator);
    m.list("values", strs(&r.values));
    m.done()
}

fn toleration(t: &Tol) -> Node {
    let mut m = MapB::default();
    m.opt_str("key", &t.key)
        .opt_str("operator", &t.operator)
        .opt_str("value", &t.value)
        .opt_str("effect", &t.effect);
    if let Some(s) = t.seconds {
        m.int("tolerationSeconds", i64::from(s));
    }
    m.done()
}

/// The typed source of a volume as spec files can write it (generic ephemeral volumes have no spec form yet).
fn spec_source(v: &Vol) -> Option<&VolSource> {
    v.source
        .as_ref()
        .filter(|s| !matches!(s, VolSource::Ephemeral { .. }))
}

fn pod_term(m: &mut MapB, t: &PodTerm) {
    m.str("topologyKey", &t.topology_key)
        .map("matchLabels", &t.labels)
        .list("namespaces", strs(&t.namespaces));
}

fn placement(p: &Placement) -> Node {
    let mut n = MapB::default();
    n.list(
        "required",
        p.required
            .iter()
            .map(|t| {
                let mut m = MapB::default();
                pod_term(&mut m, t);
                m.done()
            })
            .collect(),
    );
    n.list(
        "preferred",
        p.preferred
            .iter()
            .map(|(w, t)| {
                let mut m = MapB::default();
                m.int("weight", i64::from(*w));
                pod_term(&mut m, t);
                m.done()
            })
            .collect(),
    );
    n.done()
}

/// The pod fields typed in the builder that spec files cannot write yet, reported as left out.
fn left_out_pod_fields(ir: &Ir, untyped: &mut Vec<Untyped>) {
    if ir.extra.template_name.is_some() {
        untyped.push(Untyped {
            path: "spec.template.metadata.name".into(),
            field: "template.metadata.name".into(),
            expressed: false,
        });
    }
}

/// The pod fields of [`super::model::PodExtra`] that spec files write, after `revisionHistoryLimit`.
fn pod_extra(m: &mut MapB, ir: &Ir) {
    let x = &ir.extra;
    if let Some(s) = &x.security {
        let mut n = MapB::default();
        if let Some(b) = s.run_as_non_root {
            n.put("runAsNonRoot", Node::Bool(b));
        }
        for (k, v) in [
            ("runAsUser", s.run_as_user),
            ("runAsGroup", s.run_as_group),
            ("fsGroup", s.fs_group),
        ] {
            if let Some(v) = v {
                n.int(k, v);
            }
        }
        n.opt_str("fsGroupChangePolicy", &s.fs_group_change_policy);
        n.list(
            "supplementalGroups",
            s.supplemental_groups
                .iter()
                .map(|g| Node::Int(*g))
                .collect(),
        );
        profiles(&mut n, &s.profiles);
        n.list(
            "sysctls",
            s.sysctls
                .iter()
                .map(|(k, v)| MapB::default().str("name", k).str("value", v).done())
                .collect(),
        );
        m.put("securityContext", n.done());
    }
    if let Some(b) = x.automount_service_account_token {
        m.put("automountServiceAccountToken", Node::Bool(b));
    }
    if x.share_process_namespace {
        m.put("shareProcessNamespace", Node::Bool(true));
    }
    if x.host_ipc {
        m.put("hostIPC", Node::Bool(true));
    }
    if let Some(b) = x.host_users {
        m.put("hostUsers", Node::Bool(b));
    }
    m.opt_str("runtimeClassName", &x.runtime_class_name);
    if let Some(os) = x.os {
        m.put("os", MapB::default().str("name", &os.to_lowercase()).done());
    }
    if let Some(d) = &x.dns_config {
        let mut n = MapB::default();
        n.list("nameservers", strs(&d.nameservers))
            .list("searches", strs(&d.searches));
        n.list(
            "options",
            d.options
                .iter()
                .map(|(k, v)| MapB::default().str("name", k).opt_str("value", v).done())
                .collect(),
        );
        m.put("dnsConfig", n.done());
    }
    if let Some(b) = x.enable_service_links {
        m.put("enableServiceLinks", Node::Bool(b));
    }
    m.opt_str("schedulerName", &x.scheduler_name);
    m.list(
        "readinessGates",
        x.readiness_gates
            .iter()
            .map(|g| MapB::default().str("conditionType", g).done())
            .collect(),
    );
    m.list(
        "hostAliases",
        x.host_aliases
            .iter()
            .map(|(ip, names)| {
                MapB::default()
                    .str("ip", ip)
                    .list("hostnames", strs(names))
                    .done()
            })
            .collect(),
    );
}

pub(super) fn emit(ir: &Ir) -> (String, Vec<Untyped>) {
    let mut untyped = residual_fields(ir, false);
    // A volume of a kind without a typed form is left out whole (its mounts too); one with some untyped fields is
    // written without them.
    for (i, v) in ir.volumes.iter().enumerate() {
        if spec_source(v).is_none() {
            let kind = if v.source.is_some() {
                "ephemeral".to_owned()
            } else {
                v.untyped.join("+")
            };
            untyped.push(Untyped {
                path: format!("spec.template.spec.volumes[{i}]"),
                field: format!("volumes[].{kind}"),
                expressed: false,
            });
        }
    }
    untyped.extend(volume_fields(ir, |_| false).into_iter().filter(|u| {
        let index: usize = u.path["spec.template.spec.volumes[".len()..]
            .split(']')
            .next()
            .and_then(|i| i.parse().ok())
            .unwrap_or(0);
        spec_source(&ir.volumes[index]).is_some()
    }));
    let mut left = Vec::new();
    let mut m = MapB::default();
    m.str("name", &ir.name).opt_str("namespace", &ir.namespace);
    m.map("labels", &ir.labels)
        .map("annotations", &ir.annotations);
    m.map("selectorLabels", &ir.selector)
        .map("podLabels", &ir.pod_labels)
        .map("podAnnotations", &ir.pod_annotations);
    let kept: Vec<&str> = ir
        .volumes
        .iter()
        .filter(|v| spec_source(v).is_some())
        .map(|v| v.name.as_str())
        .collect();
    m.list(
        "volumes",
        ir.volumes
            .iter()
            .filter_map(|v| spec_source(v).map(|s| volume(&v.name, s)))
            .collect(),
    );
    let mounted = |name: &str| kept.contains(&name);
    for (key, list) in [
        ("containers", &ir.containers),
        ("initContainers", &ir.init_containers),
    ] {
        let items = list
            .iter()
            .enumerate()
            .map(|(i, c)| {
                container(
                    c,
                    &mounted,
                    &format!("spec.template.spec.{key}[{i}]"),
                    &mut left,
                )
            })
            .collect();
        m.list(key, items);
    }
    m.map("nodeSelector", &ir.node_selector);
    let mut n = MapB::default();
    if let Some(a) = &ir.node_affinity {
        n.list(
            "required",
            a.required
                .iter()
                .map(|t| match t {
                    TermIr::Expressions(reqs) => MapB::default()
                        .put(
                            "matchExpressions",
                            Node::Seq(reqs.iter().map(requirement).collect()),
                        )
                        .done(),
                    TermIr::NodeName(name) => MapB::default().str("nodeName", name).done(),
                })
                .collect(),
        );
        n.list(
            "preferred",
            a.preferred
                .iter()
                .map(|(w, reqs)| {
                    MapB::default()
                        .int("weight", i64::from(*w))
                        .put(
                            "matchExpressions",
                            Node::Seq(reqs.iter().map(requirement).collect()),
                        )
                        .done()
                })
                .collect(),
        );
    }
    for (key, p) in [
        ("podAffinity", &ir.extra.pod_affinity),
        ("podAntiAffinity", &ir.extra.pod_anti_affinity),
    ] {
        if let Some(p) = p {
            n.put(key, placement(p));
        }
    }
    if !n.0.is_empty() {
        m.put("affinity", n.done());
    }
    m.list(
        "tolerations",
        ir.tolerations.iter().map(toleration).collect(),
    );
    if let Some(u) = &ir.update {
        let budget = |b: &str| match b.parse::<i64>() {
            Ok(n) => Node::Int(n),
            Err(_) => Node::Str(b.to_owned()),
        };
        let node = match u {
            Update::OnDelete => MapB::default().str("type", "OnDelete").done(),
            Update::MaxUnavailable(b) => MapB::default().put("maxUnavailable", budget(b)).done(),
            Update::MaxSurge(b) => MapB::default().put("maxSurge", budget(b)).done(),
        };
        m.put("updateStrategy", node);
    }
    if let Some(s) = ir.termination_grace_period_seconds {
        m.int("terminationGracePeriodSeconds", i64::from(s));
    }
    if ir.host_network {
        m.put("hostNetwork", Node::Bool(true));
    }
    if ir.host_pid {
        m.put("hostPID", Node::Bool(true));
    }
    // `dnsPolicy: None` needs `dnsConfig`, which spec files cannot say yet: both are left out then.
    let dns_config_left_out = ir.residuals.iter().any(|r| r.path[0] == "dnsConfig");
    let dns_policy = ir
        .dns_policy
        .clone()
        .filter(|p| p != "None" || !dns_config_left_out);
    if dns_policy != ir.dns_policy {
        untyped.push(Untyped {
            path: "spec.template.spec.dnsPolicy".into(),
            field: "dnsPolicy (None, with dnsConfig)".into(),
            expressed: false,
        });
    }
    m.opt_str("dnsPolicy", &dns_policy)
        .opt_str("priorityClassName", &ir.priority_class_name)
        .opt_str("serviceAccountName", &ir.service_account_name);
    m.list("imagePullSecrets", strs(&ir.image_pull_secrets));
    if let Some(n) = ir.min_ready_seconds {
        m.int("minReadySeconds", i64::from(n));
    }
    if let Some(n) = ir.revision_history_limit {
        m.int("revisionHistoryLimit", i64::from(n));
    }
    pod_extra(&mut m, ir);
    left_out_pod_fields(ir, &mut untyped);
    untyped.extend(left);
    let mut yaml = String::new();
    write_yaml(&m.done(), 0, &mut yaml);
    let mut text = format!(
        "# Imported by `daemonset import` from the DaemonSet `{}`.\n",
        match &ir.namespace {
            Some(ns) => format!("{ns}/{}", ir.name),
            None => ir.name.clone(),
        }
    );
    let left_out: Vec<&Untyped> = untyped.iter().filter(|u| !u.expressed).collect();
    if !left_out.is_empty() {
        text.push_str("# Left out (no typed form in spec files yet):\n");
        for u in &left_out {
            text.push_str(&format!("#   {}\n", u.path));
        }
    }
    // Spec files are templates: text that reads as template syntax is kept verbatim.
    if ["{{", "{%", "{#"].iter().any(|t| yaml.contains(t)) {
        text.push_str("{% raw %}\n");
        text.push_str(&yaml);
        text.push_str("{% endraw %}\n");
    } else {
        text.push_str(&yaml);
    }
    (text, untyped)
}

/// A scalar as YAML: plain when the YAML reader reads it back as the same string, else double-quoted (JSON
/// escapes are YAML escapes).
fn scalar(s: &str) -> String {
    let plain = !s.is_empty()
        && !s.contains(['\n', '\t', '"', '\''])
        && crate::yaml::to_json_value(&format!("k: {s}\n"))
            .ok()
            .is_some_and(|v| v.get("k").and_then(|k| k.as_str()) == Some(s));
    if plain {
        s.to_owned()
    } else {
        serde_json::Value::String(s.to_owned()).to_string()
    }
}

/// YAML in the order the spec is written in (name first, as people write spec files).
fn write_yaml(node: &Node, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match node {
        Node::Map(entries) => {
            for (k, v) in entries {
                out.push_str(&pad);
                out.push_str(&scalar(k));
                out.push(':');
                value_after_key(v, indent, out);
            }
        }
        Node::Seq(items) => {
            for item in items {
                out.push_str(&pad);
                out.push('-');
                match item {
                    Node::Map(entries) if !entries.is_empty() => {
                        // The first entry on the dash's line, the others under it.
                        let mut first = String::new();
                        write_yaml(item, indent + 2, &mut first);
                        out.push(' ');
                        out.push_str(&first[indent + 2..]);
                    }
                    _ => value_after_key(item, indent, out),
                }
            }
        }
        other => {
            out.push_str(&pad);
            out.push_str(&inline(other));
            out.push('\n');
        }
    }
}

fn inline(node: &Node) -> String {
    match node {
        Node::Str(s) => scalar(s),
        Node::Int(n) => n.to_string(),
        Node::Bool(b) => b.to_string(),
        Node::Map(_) => "{}".into(),
        Node::Seq(_) => "[]".into(),
    }
}

fn value_after_key(v: &Node, indent: usize, out: &mut String) {
    match v {
        Node::Map(e) if !e.is_empty() => {
            out.push('\n');
            write_yaml(v, indent + 2, out);
        }
        Node::Seq(items) if !items.is_empty() => {
            out.push('\n');
            write_yaml(v, indent, out);
        }
        other => {
            out.push(' ');
            out.push_str(&inline(other));
            out.push('\n');
        }
    }
}
