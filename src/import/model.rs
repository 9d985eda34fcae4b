//! From a DaemonSet (as JSON, the way the server sees it) to the import model: every field is either taken into a
//! typed form of the three front ends, dropped because it is the server's default, or kept as an untyped field
//! ([`Residual`]) with its path and value. Nothing is dropped silently: whatever this module does not take is left
//! in the JSON object and becomes a residual.

use serde_json::{Map, Value};

use crate::rules::Quantity;

type Obj = Map<String, Value>;

/// Where a residual's path starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Root {
    /// `metadata` of the DaemonSet.
    Meta,
    /// `spec` of the DaemonSet.
    Spec,
    /// `spec.template.metadata`.
    TemplateMeta,
    /// `spec.template.spec`.
    Pod,
    /// A container (its residuals live in the container).
    Container,
}

/// A field without a typed form: the value to set at `path` (JSON keys from the root), or, with `insert`, an item
/// to insert at that index of the list at `path`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Residual {
    pub root: Root,
    pub path: Vec<String>,
    pub insert: Option<usize>,
    pub value: Value,
}

impl Residual {
    fn set(root: Root, path: &[&str], value: Value) -> Residual {
        Residual {
            root,
            path: path.iter().map(|s| (*s).to_owned()).collect(),
            insert: None,
            value,
        }
    }

    fn insert(root: Root, list: &str, index: usize, value: Value) -> Residual {
        Residual {
            root,
            path: vec![list.to_owned()],
            insert: Some(index),
            value,
        }
    }

    /// The path below its root, JSON style (`securityContext.seccompProfile`, `env[2]`).
    pub fn relative(&self) -> String {
        let mut s = self.path.join(".");
        if let Some(i) = self.insert {
            s.push_str(&format!("[{i}]"));
        }
        s
    }

    /// The same path with list indices left out (`env[]`), for counting fields over many files.
    pub fn generic(&self) -> String {
        let mut s = self.path.join(".");
        if self.insert.is_some() {
            s.push_str("[]");
        }
        s
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Ir {
    pub name: String,
    pub namespace: Option<String>,
    pub labels: Vec<(String, String)>,
    pub annotations: Vec<(String, String)>,
    pub selector: Vec<(String, String)>,
    pub pod_labels: Vec<(String, String)>,
    pub pod_annotations: Vec<(String, String)>,
    pub volumes: Vec<Vol>,
    pub containers: Vec<Ctr>,
    pub init_containers: Vec<Ctr>,
    pub node_selector: Vec<(String, String)>,
    pub node_affinity: Option<Affinity>,
    pub tolerations: Vec<Tol>,
    pub update: Option<Update>,
    pub termination_grace_period_seconds: Option<u32>,
    pub host_network: bool,
    pub host_pid: bool,
    pub dns_policy: Option<String>,
    pub priority_class_name: Option<String>,
    pub service_account_name: Option<String>,
    pub image_pull_secrets: Vec<String>,
    pub min_ready_seconds: Option<u32>,
    pub revision_history_limit: Option<u32>,
    /// Pod fields typed in the builder form only (empty for the DSL and spec forms, where they stay residuals).
    pub extra: PodExtra,
    /// Residuals of the DaemonSet, the template metadata and the pod (not of containers or volumes).
    pub residuals: Vec<Residual>,
    /// What was left out deliberately and why (fields the server sets itself).
    pub notes: Vec<String>,
}

/// Pod fields with a typed form in the builder only (issue 11: the DSL and spec files do not have them yet).
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct PodExtra {
    pub template_name: Option<String>,
    pub security: Option<PodSec>,
    pub automount_service_account_token: Option<bool>,
    pub share_process_namespace: bool,
    pub host_ipc: bool,
    pub host_users: Option<bool>,
    pub runtime_class_name: Option<String>,
    /// `Linux` or `Windows`.
    pub os: Option<&'static str>,
    pub dns_config: Option<DnsCfg>,
    pub enable_service_links: Option<bool>,
    pub scheduler_name: Option<String>,
    pub readiness_gates: Vec<String>,
    pub host_aliases: Vec<(String, Vec<String>)>,
    pub pod_affinity: Option<Placement>,
    pub pod_anti_affinity: Option<Placement>,
}

/// A pod security context in the builder's terms.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct PodSec {
    pub run_as_non_root: Option<bool>,
    pub run_as_user: Option<i64>,
    pub run_as_group: Option<i64>,
    pub fs_group: Option<i64>,
    /// `OnRootMismatch` or `Always`.
    pub fs_group_change_policy: Option<String>,
    pub supplemental_groups: Vec<i64>,
    pub profiles: Profiles,
    pub sysctls: Vec<(String, String)>,
}

/// The profiles a pod and a container share: seccomp, AppArmor, Windows options, SELinux.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Profiles {
    /// `RuntimeDefault`, `Unconfined` or `Localhost` with its profile.
    pub seccomp: Option<(String, Option<String>)>,
    pub app_armor: Option<(String, Option<String>)>,
    pub windows: Option<Win>,
    pub se_linux: Option<SeL>,
}

/// Windows options: `host_process` implies `user`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Win {
    pub host_process: bool,
    pub user: Option<String>,
    pub gmsa_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct SeL {
    pub type_: Option<String>,
    pub user: Option<String>,
    pub role: Option<String>,
    pub level: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct DnsCfg {
    pub nameservers: Vec<String>,
    pub searches: Vec<String>,
    pub options: Vec<(String, Option<String>)>,
}

/// Pod affinity or anti-affinity: terms by topology key, match labels and namespaces.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Placement {
    pub required: Vec<PodTerm>,
    pub preferred: Vec<(i32, PodTerm)>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PodTerm {
    pub topology_key: String,
    pub labels: Vec<(String, String)>,
    pub namespaces: Vec<String>,
}

/// A lifecycle hook the builder's `Hook` can write.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum HookIr {
    Exec(Vec<String>),
    HttpGet { path: String, port: u16 },
    Sleep(u32),
    TcpSocket(u16),
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Vol {
    pub name: String,
    /// The typed source, if the volume's kind has one.
    pub source: Option<VolSource>,
    /// Fields of the volume the typed source does not carry (relative to the volume).
    pub untyped: Vec<String>,
    /// The whole volume as JSON (for the raw form).
    pub raw: Value,
}

impl Vol {
    pub fn is_typed(&self) -> bool {
        self.source.is_some() && self.untyped.is_empty()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum VolSource {
    HostPath {
        path: String,
        kind: Option<String>,
    },
    ConfigMap {
        name: String,
        items: Vec<(String, String)>,
        default_mode: Option<i32>,
        /// `optional: true` (builder form only).
        optional: bool,
    },
    Secret {
        name: String,
        items: Vec<(String, String)>,
        default_mode: Option<i32>,
        /// `optional: true` (builder form only).
        optional: bool,
    },
    EmptyDir,
    MemoryDir(String),
    /// An emptyDir with `medium: Memory` or a size limit, but not both (builder form only).
    EmptyDirWith {
        memory: bool,
        size_limit: Option<String>,
    },
    /// A generic ephemeral volume in the one shape `Volume::ephemeral` writes (builder form only).
    Ephemeral {
        storage_class: String,
        size: String,
    },
    /// A CSI volume with its driver and attributes (builder form only).
    Csi {
        driver: String,
        attributes: Vec<(String, String)>,
    },
    Projected {
        sources: Vec<Projection>,
        default_mode: Option<i32>,
    },
    DownwardApi {
        items: Vec<(String, String)>,
        default_mode: Option<i32>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Projection {
    ConfigMap(String),
    Secret(String),
    Token {
        path: String,
        audience: Option<String>,
        expiration_seconds: Option<i64>,
    },
    DownwardApi(Vec<(String, String)>),
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Ctr {
    pub name: String,
    pub image: String,
    pub command: Vec<String>,
    pub args: Vec<String>,
    pub working_dir: Option<String>,
    pub image_pull_policy: Option<String>,
    pub ports: Vec<PortIr>,
    pub env: Vec<Env>,
    pub env_from: Vec<EnvFromIr>,
    pub resources: Option<Res>,
    pub mounts: Vec<MountIr>,
    pub liveness: Option<ProbeIr>,
    pub readiness: Option<ProbeIr>,
    pub startup: Option<ProbeIr>,
    pub security: Option<Security>,
    /// Fields typed in the builder form only (left empty for the DSL and spec forms).
    pub extra: CtrExtra,
    pub residuals: Vec<Residual>,
}

/// Container fields with a typed form in the builder only.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct CtrExtra {
    pub pre_stop: Option<HookIr>,
    pub post_start: Option<HookIr>,
    pub termination_message_path: Option<String>,
    /// `FallbackToLogsOnError` (`File`, the default, is left out).
    pub termination_message_policy: Option<String>,
    /// An init container with `restartPolicy: Always`.
    pub sidecar: bool,
    /// `(cpu|memory, NotRequired|RestartContainer)`.
    pub resize_policy: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PortIr {
    pub container_port: u16,
    pub name: Option<String>,
    pub protocol: Option<String>,
    pub host_port: Option<u16>,
    pub host_ip: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Env {
    pub name: String,
    pub source: EnvSrc,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum EnvSrc {
    Value(String),
    Field(String),
    Resource {
        resource: String,
        container: Option<String>,
        divisor: Option<String>,
    },
    ConfigMapKey {
        name: String,
        key: String,
        optional: bool,
    },
    SecretKey {
        name: String,
        key: String,
        optional: bool,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct EnvFromIr {
    pub config_map: Option<String>,
    pub secret: Option<String>,
    pub prefix: Option<String>,
    pub optional: bool,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Res {
    pub cpu_request: Option<String>,
    pub cpu_limit: Option<String>,
    pub memory_request: Option<String>,
    pub memory_limit: Option<String>,
    pub storage_request: Option<String>,
    pub storage_limit: Option<String>,
    /// Extended resources with the same amount in requests and limits (a whole number).
    pub extended: Vec<(String, u64)>,
    /// `hugepages-<size>` with the same amount in requests and limits.
    pub hugepages: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct MountIr {
    pub volume: String,
    pub path: String,
    pub read_only: bool,
    pub sub_path: Option<String>,
    pub propagation: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Handler {
    HttpGet {
        path: String,
        port: PortRef,
    },
    TcpSocket(u16),
    /// A TCP socket on a named port (builder form only).
    TcpSocketNamed(String),
    Exec(Vec<String>),
    Grpc(u16),
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum PortRef {
    Number(u16),
    Name(String),
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ProbeIr {
    pub handler: Handler,
    /// `initialDelaySeconds`, `periodSeconds`, `timeoutSeconds`, `failureThreshold`, `successThreshold`, in this
    /// order, as far as they differ from the server's defaults.
    pub numbers: Vec<(&'static str, u32)>,
    /// Builder form only: `host` of an HTTP or TCP probe, HTTP headers, `scheme: HTTPS`, the gRPC service.
    pub host: Option<String>,
    pub headers: Vec<(String, String)>,
    pub https: bool,
    pub grpc_service: Option<String>,
}

pub(crate) const PROBE_NUMBERS: [(&str, &str, Option<i64>); 5] = [
    ("initialDelaySeconds", "initial_delay_seconds", Some(0)),
    ("periodSeconds", "period_seconds", Some(10)),
    ("timeoutSeconds", "timeout_seconds", Some(1)),
    ("failureThreshold", "failure_threshold", Some(3)),
    ("successThreshold", "success_threshold", Some(1)),
];

#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Security {
    /// Boolean fields in the builder's order, with their JSON names.
    pub flags: Vec<(&'static str, bool)>,
    pub run_as_user: Option<i64>,
    pub run_as_group: Option<i64>,
    pub add: Vec<String>,
    pub drop: Vec<String>,
    /// Builder form only.
    pub profiles: Profiles,
}

pub(crate) const SECURITY_FLAGS: [&str; 4] = [
    "privileged",
    "allowPrivilegeEscalation",
    "readOnlyRootFilesystem",
    "runAsNonRoot",
];

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Affinity {
    pub required: Vec<TermIr>,
    pub preferred: Vec<(i32, Vec<Req>)>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum TermIr {
    Expressions(Vec<Req>),
    NodeName(String),
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Req {
    pub key: String,
    pub operator: String,
    pub values: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Tol {
    pub key: Option<String>,
    /// `Exists` or `Equal` (written); `None` when not written.
    pub operator: Option<String>,
    pub value: Option<String>,
    pub effect: Option<String>,
    pub seconds: Option<u32>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Update {
    OnDelete,
    MaxUnavailable(String),
    MaxSurge(String),
}

/// Why a DaemonSet cannot be imported at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    /// The object is not what a DaemonSet import can start from.
    #[error("{path}: {message}")]
    Invalid {
        /// The field path.
        path: String,
        /// What is wrong.
        message: String,
    },
}

fn invalid(path: &str, message: impl Into<String>) -> ImportError {
    ImportError::Invalid {
        path: path.to_owned(),
        message: message.into(),
    }
}

fn take(o: &mut Obj, key: &str) -> Option<Value> {
    o.remove(key).filter(|v| !v.is_null())
}

fn take_str(o: &mut Obj, key: &str) -> Option<String> {
    match take(o, key) {
        Some(Value::String(s)) => Some(s),
        Some(other) => {
            o.insert(key.to_owned(), other);
            None
        }
        None => None,
    }
}

fn take_obj(o: &mut Obj, key: &str) -> Option<Obj> {
    match take(o, key) {
        Some(Value::Object(m)) => Some(m),
        Some(other) => {
            o.insert(key.to_owned(), other);
            None
        }
        None => None,
    }
}

fn take_list(o: &mut Obj, key: &str) -> Vec<Value> {
    match take(o, key) {
        Some(Value::Array(a)) => a,
        Some(other) => {
            o.insert(key.to_owned(), other);
            Vec::new()
        }
        None => Vec::new(),
    }
}

fn take_u32(o: &mut Obj, key: &str) -> Option<u32> {
    let v = take(o, key)?;
    match v.as_u64().and_then(|n| u32::try_from(n).ok()) {
        Some(n) if i32::try_from(n).is_ok() => Some(n),
        _ => {
            o.insert(key.to_owned(), v);
            None
        }
    }
}

fn take_bool(o: &mut Obj, key: &str) -> Option<bool> {
    let v = take(o, key)?;
    match v.as_bool() {
        Some(b) => Some(b),
        None => {
            o.insert(key.to_owned(), v);
            None
        }
    }
}

fn strings(list: Vec<Value>) -> Option<Vec<String>> {
    list.into_iter()
        .map(|v| v.as_str().map(str::to_owned))
        .collect()
}

fn take_strings(o: &mut Obj, key: &str) -> Vec<String> {
    let Some(v) = take(o, key) else {
        return Vec::new();
    };
    match v.as_array().cloned().and_then(strings) {
        Some(list) => list,
        None => {
            o.insert(key.to_owned(), v);
            Vec::new()
        }
    }
}

fn string_map(o: &mut Obj, key: &str) -> Vec<(String, String)> {
    let Some(v) = take(o, key) else {
        return Vec::new();
    };
    let Value::Object(m) = &v else {
        o.insert(key.to_owned(), v);
        return Vec::new();
    };
    let out: Option<Vec<(String, String)>> = m
        .iter()
        .map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_owned())))
        .collect();
    match out {
        Some(out) => out,
        None => {
            o.insert(key.to_owned(), v);
            Vec::new()
        }
    }
}

/// Moves what is left of `o` into residuals at `root` below `prefix`.
fn leftovers(out: &mut Vec<Residual>, root: Root, prefix: &[&str], o: Obj) {
    for (k, v) in o {
        let mut path: Vec<String> = prefix.iter().map(|s| (*s).to_owned()).collect();
        path.push(k);
        out.push(Residual {
            root,
            path,
            insert: None,
            value: v,
        });
    }
}

/// The metadata fields the API server sets itself; an object read back from a cluster carries them.
const SERVER_SET_METADATA: &[&str] = &[
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "managedFields",
    "selfLink",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
];
/// Annotations written by kubectl and the DaemonSet controller, not by whoever wrote the manifest.
const TOOL_ANNOTATIONS: &[&str] = &[
    "kubectl.kubernetes.io/last-applied-configuration",
    "deprecated.daemonset.template.generation",
];

/// Which fields a form types beyond the ones all three share.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reach {
    /// The builder form: every typed field.
    Builder,
    /// The DSL: the builder's fields but pod affinity, `os`, the template's name, `resizePolicy` and the emptyDir
    /// and ephemeral volume shapes.
    Dsl,
    /// The fields all three forms share (spec files).
    Base,
}

impl Reach {
    /// Whether the form is the builder's.
    pub(crate) fn builder(self) -> bool {
        self == Reach::Builder
    }

    /// Whether the form types what the DSL types.
    pub(crate) fn dsl(self) -> bool {
        self != Reach::Base
    }
}

/// Splits a DaemonSet into the import model. With `rich` (the builder form), the fields only the builder has typed
/// forms for are taken too ([`PodExtra`], [`CtrExtra`], ...); without it they stay residuals.
pub(crate) fn analyze(ds: &Value, reach: Reach) -> Result<Ir, ImportError> {
    let Value::Object(root) = ds else {
        return Err(invalid("", "not an object"));
    };
    let mut root = root.clone();
    let mut notes = Vec::new();
    let mut residuals = Vec::new();
    let api_version = take_str(&mut root, "apiVersion");
    let kind = take_str(&mut root, "kind");
    if kind.as_deref().is_some_and(|k| k != "DaemonSet") {
        return Err(invalid("kind", "not a DaemonSet"));
    }
    if api_version.as_deref().is_some_and(|v| v != "apps/v1") {
        return Err(invalid(
            "apiVersion",
            "only apps/v1 DaemonSets are imported",
        ));
    }
    if take(&mut root, "status").is_some() {
        notes.push("status: left out (the server writes it)".to_owned());
    }
    let mut meta = take_obj(&mut root, "metadata").unwrap_or_default();
    let name = take_str(&mut meta, "name").ok_or_else(|| invalid("metadata.name", "missing"))?;
    let namespace = take_str(&mut meta, "namespace");
    for key in SERVER_SET_METADATA {
        if take(&mut meta, key).is_some() {
            notes.push(format!("metadata.{key}: left out (the server sets it)"));
        }
    }
    let labels = string_map(&mut meta, "labels");
    let mut annotations = string_map(&mut meta, "annotations");
    annotations.retain(|(k, _)| {
        let tool = TOOL_ANNOTATIONS.contains(&k.as_str());
        if tool {
            notes.push(format!(
                "metadata.annotations[{k}]: left out (kubectl or the controller writes it)"
            ));
        }
        !tool
    });
    leftovers(&mut residuals, Root::Meta, &[], meta);

    let mut spec = take_obj(&mut root, "spec").ok_or_else(|| invalid("spec", "missing"))?;
    for (k, _) in root {
        notes.push(format!("{k}: not part of a DaemonSet, left out"));
    }
    let mut selector_obj = take_obj(&mut spec, "selector").unwrap_or_default();
    let selector = string_map(&mut selector_obj, "matchLabels");
    leftovers(&mut residuals, Root::Spec, &["selector"], selector_obj);

    let mut template = take_obj(&mut spec, "template").unwrap_or_default();
    let mut tmeta = take_obj(&mut template, "metadata").unwrap_or_default();
    if take(&mut tmeta, "creationTimestamp").is_some() {
        notes.push("spec.template.metadata.creationTimestamp: left out".to_owned());
    }
    let template_name = if reach.builder() {
        take_str(&mut tmeta, "name")
    } else {
        None
    };
    let template_labels = string_map(&mut tmeta, "labels");
    let pod_annotations = string_map(&mut tmeta, "annotations");
    leftovers(&mut residuals, Root::TemplateMeta, &[], tmeta);
    for (k, v) in &selector {
        match template_labels.iter().find(|(tk, _)| tk == k) {
            Some((_, tv)) if tv == v => {}
            _ => {
                return Err(invalid(
                    "spec.selector.matchLabels",
                    format!("selector label `{k}={v}` is not a label of the pod template"),
                ));
            }
        }
    }
    let pod_labels: Vec<(String, String)> = template_labels
        .into_iter()
        .filter(|(k, _)| !selector.iter().any(|(sk, _)| sk == k))
        .collect();

    let update = update_strategy(&mut spec, &mut residuals);
    let min_ready_seconds = take_u32(&mut spec, "minReadySeconds").filter(|n| *n != 0);
    let revision_history_limit = take_u32(&mut spec, "revisionHistoryLimit").filter(|n| *n != 10);

    let mut pod = take_obj(&mut template, "spec").unwrap_or_default();
    leftovers(&mut residuals, Root::Spec, &["template"], template);
    leftovers(&mut residuals, Root::Spec, &[], spec);

    let mut ir = Ir {
        name,
        namespace,
        labels,
        annotations,
        selector,
        pod_labels,
        pod_annotations,
        volumes: Vec::new(),
        containers: Vec::new(),
        init_containers: Vec::new(),
        node_selector: Vec::new(),
        node_affinity: None,
        tolerations: Vec::new(),
        update,
        termination_grace_period_seconds: None,
        host_network: false,
        host_pid: false,
        dns_policy: None,
        priority_class_name: None,
        service_account_name: None,
        image_pull_secrets: Vec::new(),
        min_ready_seconds,
        revision_history_limit,
        extra: PodExtra {
            template_name,
            ..PodExtra::default()
        },
        residuals,
        notes,
    };
    pod_spec(&mut ir, &mut pod, reach);
    leftovers(&mut ir.residuals, Root::Pod, &[], pod);
    Ok(ir)
}

fn update_strategy(spec: &mut Obj, residuals: &mut Vec<Residual>) -> Option<Update> {
    let original = take(spec, "updateStrategy")?;
    match parse_update(&original) {
        Ok(update) => update,
        Err(()) => {
            residuals.push(Residual::set(Root::Spec, &["updateStrategy"], original));
            None
        }
    }
}

fn budget(v: Option<Value>) -> Result<Option<String>, ()> {
    match v {
        None => Ok(None),
        Some(Value::Number(n)) => n
            .as_u64()
            .filter(|n| i32::try_from(*n).is_ok())
            .map(|n| Some(n.to_string()))
            .ok_or(()),
        Some(Value::String(s)) => {
            let ok = s
                .strip_suffix('%')
                .and_then(|p| p.parse::<u8>().ok())
                .is_some_and(|p| p <= 100);
            if ok { Ok(Some(s)) } else { Err(()) }
        }
        Some(_) => Err(()),
    }
}

/// `Ok(None)`: the server's default (a rolling update with maxUnavailable 1 and maxSurge 0).
fn parse_update(v: &Value) -> Result<Option<Update>, ()> {
    let mut u = v.as_object().cloned().ok_or(())?;
    let kind = take_str(&mut u, "type");
    let mut rolling = take_obj(&mut u, "rollingUpdate").unwrap_or_default();
    let unavailable = budget(take(&mut rolling, "maxUnavailable"))?;
    let surge = budget(take(&mut rolling, "maxSurge"))?;
    if !u.is_empty() || !rolling.is_empty() {
        return Err(());
    }
    let is_zero = |b: &str| b == "0" || b == "0%";
    match kind.as_deref() {
        Some("OnDelete") if unavailable.is_none() && surge.is_none() => Ok(Some(Update::OnDelete)),
        Some("RollingUpdate") | None => {
            let unavailable = unavailable.unwrap_or_else(|| "1".to_owned());
            let surge = surge.unwrap_or_else(|| "0".to_owned());
            match (is_zero(&unavailable), is_zero(&surge)) {
                (false, true) if unavailable == "1" => Ok(None),
                (false, true) => Ok(Some(Update::MaxUnavailable(unavailable))),
                (true, false) => Ok(Some(Update::MaxSurge(surge))),
                _ => Err(()),
            }
        }
        _ => Err(()),
    }
}

fn drop_if(o: &mut Obj, key: &str, default: &Value) {
    if o.get(key) == Some(default) {
        o.remove(key);
    }
}

fn pod_spec(ir: &mut Ir, pod: &mut Obj, reach: Reach) {
    drop_if(pod, "dnsPolicy", &Value::from("ClusterFirst"));
    drop_if(pod, "restartPolicy", &Value::from("Always"));
    drop_if(pod, "schedulerName", &Value::from("default-scheduler"));
    drop_if(pod, "securityContext", &Value::Object(Obj::new()));
    drop_if(pod, "terminationGracePeriodSeconds", &Value::from(30));
    for key in ["hostNetwork", "hostPID", "hostIPC"] {
        // Plain booleans with `omitempty`: the server does not keep `false`.
        drop_if(pod, key, &Value::Bool(false));
    }
    ir.host_network = take_bool(pod, "hostNetwork").unwrap_or(false);
    ir.host_pid = take_bool(pod, "hostPID").unwrap_or(false);
    if reach.dsl() {
        pod_extra(&mut ir.extra, pod, reach.builder());
    }
    if let Some(policy) = take_str(pod, "dnsPolicy") {
        if ["ClusterFirstWithHostNet", "Default", "None"].contains(&policy.as_str()) {
            ir.dns_policy = Some(policy);
        } else {
            pod.insert("dnsPolicy".into(), Value::String(policy));
        }
    }
    ir.termination_grace_period_seconds = take_u32(pod, "terminationGracePeriodSeconds");
    ir.priority_class_name = take_str(pod, "priorityClassName");
    let account = take_str(pod, "serviceAccountName");
    let deprecated = take_str(pod, "serviceAccount");
    match (&account, &deprecated) {
        // The server writes `serviceAccount` (deprecated) as a copy of `serviceAccountName`, and reads
        // `serviceAccount` alone as the name.
        (Some(a), Some(d)) if a != d => {
            pod.insert("serviceAccount".into(), Value::String(d.clone()));
        }
        _ => {}
    }
    ir.service_account_name = account.or(deprecated);
    let secrets = take_list(pod, "imagePullSecrets");
    let names: Option<Vec<String>> = secrets
        .iter()
        .map(|s| {
            let o = s.as_object()?;
            (o.len() == 1).then(|| o.get("name")?.as_str().map(str::to_owned))?
        })
        .collect();
    match names {
        Some(names) => ir.image_pull_secrets = names,
        None => {
            pod.insert("imagePullSecrets".into(), Value::Array(secrets));
        }
    }
    ir.node_selector = string_map(pod, "nodeSelector");
    if let Some(mut affinity) = take_obj(pod, "affinity") {
        if let Some(node) = affinity.remove("nodeAffinity") {
            match node_affinity(&node) {
                Some(a) => ir.node_affinity = Some(a),
                None => {
                    affinity.insert("nodeAffinity".into(), node);
                }
            }
        }
        if reach.builder() {
            for (key, out) in [
                ("podAffinity", &mut ir.extra.pod_affinity),
                ("podAntiAffinity", &mut ir.extra.pod_anti_affinity),
            ] {
                if let Some(v) = affinity.remove(key) {
                    match placement(&v) {
                        Some(p) => *out = Some(p),
                        None => {
                            affinity.insert(key.into(), v);
                        }
                    }
                }
            }
        }
        leftovers(&mut ir.residuals, Root::Pod, &["affinity"], affinity);
    }
    for (i, t) in take_list(pod, "tolerations").into_iter().enumerate() {
        match toleration(&t, reach.dsl()) {
            Some(t) => ir.tolerations.push(t),
            None => ir
                .residuals
                .push(Residual::insert(Root::Pod, "tolerations", i, t)),
        }
    }
    ir.volumes = take_list(pod, "volumes")
        .into_iter()
        .map(|v| volume(v, reach))
        .collect();
    for (list, out) in [
        ("containers", &mut ir.containers),
        ("initContainers", &mut ir.init_containers),
    ] {
        for c in take_list(pod, list) {
            out.push(container(c, reach, list == "initContainers"));
        }
    }
}

/// The pod fields of [`PodExtra`]; what does not fit a typed form stays in `pod`.
fn pod_extra(x: &mut PodExtra, pod: &mut Obj, all: bool) {
    if let Some(s) = take_obj(pod, "securityContext") {
        let (sec, rest) = pod_security(s);
        x.security = Some(sec).filter(|s| *s != PodSec::default());
        if !rest.is_empty() {
            pod.insert("securityContext".into(), Value::Object(rest));
        }
    }
    x.automount_service_account_token = take_bool(pod, "automountServiceAccountToken");
    drop_if(pod, "shareProcessNamespace", &Value::Bool(false));
    drop_if(pod, "hostIPC", &Value::Bool(false));
    x.share_process_namespace = take_bool(pod, "shareProcessNamespace").unwrap_or(false);
    x.host_ipc = take_bool(pod, "hostIPC").unwrap_or(false);
    x.host_users = take_bool(pod, "hostUsers");
    x.runtime_class_name = take_str(pod, "runtimeClassName");
    x.enable_service_links = take_bool(pod, "enableServiceLinks");
    x.scheduler_name = take_str(pod, "schedulerName");
    let gates = take_list(pod, "readinessGates");
    let names: Option<Vec<String>> = gates
        .iter()
        .map(|g| {
            let o = g.as_object()?;
            (o.len() == 1).then(|| o.get("conditionType")?.as_str().map(str::to_owned))?
        })
        .collect();
    match names {
        Some(names) => x.readiness_gates = names,
        None => {
            pod.insert("readinessGates".into(), Value::Array(gates));
        }
    }
    if all && let Some(mut os) = take_obj(pod, "os") {
        let name = take_str(&mut os, "name");
        x.os = match name.as_deref() {
            Some("linux") if os.is_empty() => Some("Linux"),
            Some("windows") if os.is_empty() => Some("Windows"),
            _ => {
                if let Some(n) = name {
                    os.insert("name".into(), Value::String(n));
                }
                pod.insert("os".into(), Value::Object(os));
                None
            }
        };
    }
    if let Some(v) = take(pod, "dnsConfig") {
        match dns_config(&v) {
            Some(c) => x.dns_config = Some(c),
            None => {
                pod.insert("dnsConfig".into(), v);
            }
        }
    }
    let aliases = take_list(pod, "hostAliases");
    let typed: Option<Vec<(String, Vec<String>)>> = aliases
        .iter()
        .map(|a| {
            let mut o = a.as_object()?.clone();
            let ip = take_str(&mut o, "ip")?;
            let names = take_strings(&mut o, "hostnames");
            o.is_empty().then_some((ip, names))
        })
        .collect();
    match typed {
        Some(a) => x.host_aliases = a,
        None => {
            pod.insert("hostAliases".into(), Value::Array(aliases));
        }
    }
}

fn dns_config(v: &Value) -> Option<DnsCfg> {
    let mut o = v.as_object()?.clone();
    let nameservers = strings(take_list(&mut o, "nameservers"))?;
    let searches = strings(take_list(&mut o, "searches"))?;
    let options = take_list(&mut o, "options")
        .into_iter()
        .map(|opt| {
            let mut p = opt.as_object()?.clone();
            let name = take_str(&mut p, "name")?;
            let value = take_str(&mut p, "value");
            p.is_empty().then_some((name, value))
        })
        .collect::<Option<Vec<_>>>()?;
    let c = DnsCfg {
        nameservers,
        searches,
        options,
    };
    (o.is_empty() && c != DnsCfg::default()).then_some(c)
}

/// The typed part of a pod security context and what is left of it.
fn pod_security(mut s: Obj) -> (PodSec, Obj) {
    let mut out = PodSec {
        run_as_non_root: take_bool(&mut s, "runAsNonRoot"),
        ..PodSec::default()
    };
    out.run_as_user = take_i64(&mut s, "runAsUser");
    out.run_as_group = take_i64(&mut s, "runAsGroup");
    out.fs_group = take_i64(&mut s, "fsGroup");
    if let Some(p) = take_str(&mut s, "fsGroupChangePolicy") {
        if p == "OnRootMismatch" || p == "Always" {
            out.fs_group_change_policy = Some(p);
        } else {
            s.insert("fsGroupChangePolicy".into(), Value::String(p));
        }
    }
    if let Some(v) = take(&mut s, "supplementalGroups") {
        match v
            .as_array()
            .and_then(|a| a.iter().map(Value::as_i64).collect::<Option<Vec<_>>>())
        {
            Some(groups) => out.supplemental_groups = groups,
            None => {
                s.insert("supplementalGroups".into(), v);
            }
        }
    }
    if let Some(v) = take(&mut s, "sysctls") {
        let typed = v.as_array().and_then(|a| {
            a.iter()
                .map(|x| {
                    let mut o = x.as_object()?.clone();
                    let name = take_str(&mut o, "name")?;
                    let value = take_str(&mut o, "value")?;
                    o.is_empty().then_some((name, value))
                })
                .collect::<Option<Vec<_>>>()
        });
        match typed {
            Some(t) => out.sysctls = t,
            None => {
                s.insert("sysctls".into(), v);
            }
        }
    }
    out.profiles = profiles(&mut s);
    (out, s)
}

fn take_i64(o: &mut Obj, key: &str) -> Option<i64> {
    let v = take(o, key)?;
    match v.as_i64() {
        Some(n) => Some(n),
        None => {
            o.insert(key.to_owned(), v);
            None
        }
    }
}

/// A seccomp or AppArmor profile: a type, with `localhostProfile` exactly for `Localhost`.
fn profile(v: &Value) -> Option<(String, Option<String>)> {
    let mut o = v.as_object()?.clone();
    let kind = take_str(&mut o, "type")?;
    let local = take_str(&mut o, "localhostProfile");
    let ok = match kind.as_str() {
        "RuntimeDefault" | "Unconfined" => local.is_none(),
        "Localhost" => local.is_some(),
        _ => false,
    };
    (ok && o.is_empty()).then_some((kind, local))
}

fn windows(v: &Value) -> Option<Win> {
    let mut o = v.as_object()?.clone();
    let host_process = take_bool(&mut o, "hostProcess");
    let user = take_str(&mut o, "runAsUserName");
    let gmsa_name = take_str(&mut o, "gmsaCredentialSpecName");
    let ok = match host_process {
        // `WindowsOptions::host_process` writes the user with it; `false` written out has no typed form.
        Some(true) => user.is_some(),
        Some(false) => false,
        None => user.is_some() || gmsa_name.is_some(),
    };
    (ok && o.is_empty()).then_some(Win {
        host_process: host_process == Some(true),
        user,
        gmsa_name,
    })
}

fn se_linux(v: &Value) -> Option<SeL> {
    let mut o = v.as_object()?.clone();
    let s = SeL {
        type_: take_str(&mut o, "type"),
        user: take_str(&mut o, "user"),
        role: take_str(&mut o, "role"),
        level: take_str(&mut o, "level"),
    };
    (o.is_empty() && s != SeL::default()).then_some(s)
}

/// The profiles of a pod or container security context; what has no typed form stays in `s`.
fn profiles(s: &mut Obj) -> Profiles {
    fn one<T>(s: &mut Obj, key: &str, parse: impl Fn(&Value) -> Option<T>) -> Option<T> {
        let v = take(s, key)?;
        let parsed = parse(&v);
        if parsed.is_none() {
            s.insert(key.to_owned(), v);
        }
        parsed
    }
    Profiles {
        seccomp: one(s, "seccompProfile", profile),
        app_armor: one(s, "appArmorProfile", profile),
        windows: one(s, "windowsOptions", windows),
        se_linux: one(s, "seLinuxOptions", se_linux),
    }
}

fn placement(v: &Value) -> Option<Placement> {
    let mut o = v.as_object()?.clone();
    let mut p = Placement::default();
    for t in take_list(&mut o, "requiredDuringSchedulingIgnoredDuringExecution") {
        p.required.push(pod_term(&t)?);
    }
    for w in take_list(&mut o, "preferredDuringSchedulingIgnoredDuringExecution") {
        let mut w = w.as_object()?.clone();
        let weight = i32::try_from(take(&mut w, "weight")?.as_i64()?)
            .ok()
            .filter(|w| (1..=100).contains(w))?;
        let term = pod_term(&take(&mut w, "podAffinityTerm")?)?;
        if !w.is_empty() {
            return None;
        }
        p.preferred.push((weight, term));
    }
    (o.is_empty() && p != Placement::default()).then_some(p)
}

/// A pod affinity term as `PodAffinityTerm` writes it: a topology key, match labels (at least one) and namespaces.
fn pod_term(v: &Value) -> Option<PodTerm> {
    let mut o = v.as_object()?.clone();
    let topology_key = take_str(&mut o, "topologyKey")?;
    let mut selector = take_obj(&mut o, "labelSelector")?;
    let labels = string_map(&mut selector, "matchLabels");
    let namespaces = take_strings(&mut o, "namespaces");
    (o.is_empty() && selector.is_empty() && !labels.is_empty()).then_some(PodTerm {
        topology_key,
        labels,
        namespaces,
    })
}

fn hook(v: &Value) -> Option<HookIr> {
    let mut o = v.as_object()?.clone();
    let h = if let Some(mut e) = take_obj(&mut o, "exec") {
        let command = strings(take_list(&mut e, "command"))?;
        e.is_empty().then_some(HookIr::Exec(command))?
    } else if let Some(mut h) = take_obj(&mut o, "httpGet") {
        // The server's default, as for probes.
        drop_if(&mut h, "scheme", &Value::from("HTTP"));
        let path = take_str(&mut h, "path")?;
        let port = u16::try_from(take(&mut h, "port")?.as_u64()?).ok()?;
        h.is_empty().then_some(HookIr::HttpGet { path, port })?
    } else if let Some(mut s) = take_obj(&mut o, "sleep") {
        let seconds = u32::try_from(take(&mut s, "seconds")?.as_u64()?).ok()?;
        s.is_empty().then_some(HookIr::Sleep(seconds))?
    } else {
        let mut t = take_obj(&mut o, "tcpSocket")?;
        let port = u16::try_from(take(&mut t, "port")?.as_u64()?).ok()?;
        t.is_empty().then_some(HookIr::TcpSocket(port))?
    };
    o.is_empty().then_some(h)
}

/// The container fields of [`CtrExtra`]; what does not fit stays in `o`.
fn ctr_extra(o: &mut Obj, init: bool, all: bool) -> CtrExtra {
    let mut x = CtrExtra::default();
    if let Some(mut l) = take_obj(o, "lifecycle") {
        for (key, out) in [
            ("preStop", &mut x.pre_stop),
            ("postStart", &mut x.post_start),
        ] {
            if let Some(v) = l.remove(key) {
                match hook(&v) {
                    Some(h) => *out = Some(h),
                    None => {
                        l.insert(key.into(), v);
                    }
                }
            }
        }
        if !l.is_empty() {
            o.insert("lifecycle".into(), Value::Object(l));
        }
    }
    x.termination_message_path = take_str(o, "terminationMessagePath");
    if let Some(p) = take_str(o, "terminationMessagePolicy") {
        if p == "FallbackToLogsOnError" {
            x.termination_message_policy = Some(p);
        } else {
            o.insert("terminationMessagePolicy".into(), Value::String(p));
        }
    }
    if init && o.get("restartPolicy") == Some(&Value::from("Always")) {
        o.remove("restartPolicy");
        x.sidecar = true;
    }
    if !all {
        // `resizePolicy` is typed in the builder form only.
        return x;
    }
    let resize = take_list(o, "resizePolicy");
    let typed: Option<Vec<(String, String)>> = resize
        .iter()
        .map(|r| {
            let mut p = r.as_object()?.clone();
            let resource = take_str(&mut p, "resourceName")?;
            let restart = take_str(&mut p, "restartPolicy")?;
            (p.is_empty()
                && ["cpu", "memory"].contains(&resource.as_str())
                && ["NotRequired", "RestartContainer"].contains(&restart.as_str()))
            .then_some((resource, restart))
        })
        .collect();
    match typed {
        Some(t) => x.resize_policy = t,
        None => {
            o.insert("resizePolicy".into(), Value::Array(resize));
        }
    }
    x
}

fn node_affinity(v: &Value) -> Option<Affinity> {
    let mut o = v.as_object()?.clone();
    let mut affinity = Affinity {
        required: Vec::new(),
        preferred: Vec::new(),
    };
    if let Some(mut required) = take_obj(&mut o, "requiredDuringSchedulingIgnoredDuringExecution") {
        for term in take_list(&mut required, "nodeSelectorTerms") {
            affinity.required.push(term_ir(&term)?);
        }
        if !required.is_empty() || affinity.required.is_empty() {
            return None;
        }
    }
    for pref in take_list(&mut o, "preferredDuringSchedulingIgnoredDuringExecution") {
        let mut p = pref.as_object()?.clone();
        let weight = take(&mut p, "weight")?.as_i64()?;
        let weight = i32::try_from(weight)
            .ok()
            .filter(|w| (1..=100).contains(w))?;
        let preference = take(&mut p, "preference")?;
        let TermIr::Expressions(reqs) = term_ir(&preference)? else {
            return None;
        };
        if !p.is_empty() {
            return None;
        }
        affinity.preferred.push((weight, reqs));
    }
    o.is_empty().then_some(affinity)
}

fn term_ir(v: &Value) -> Option<TermIr> {
    let mut o = v.as_object()?.clone();
    let expressions = take_list(&mut o, "matchExpressions");
    let fields = take_list(&mut o, "matchFields");
    if !o.is_empty() {
        return None;
    }
    match (expressions.is_empty(), fields.as_slice()) {
        (false, []) => expressions
            .iter()
            .map(requirement)
            .collect::<Option<Vec<_>>>()
            .map(TermIr::Expressions),
        (true, [field]) => {
            let r = requirement(field)?;
            (r.key == "metadata.name" && r.operator == "In" && r.values.len() == 1)
                .then(|| TermIr::NodeName(r.values[0].clone()))
        }
        _ => None,
    }
}

fn requirement(v: &Value) -> Option<Req> {
    let mut o = v.as_object()?.clone();
    let key = take_str(&mut o, "key")?;
    let operator = take_str(&mut o, "operator")?;
    let values = take_strings(&mut o, "values");
    if !o.is_empty() {
        return None;
    }
    let ok = match operator.as_str() {
        "In" | "NotIn" => !values.is_empty(),
        "Exists" | "DoesNotExist" => values.is_empty(),
        "Gt" | "Lt" => {
            values.len() == 1
                && values[0]
                    .parse::<u64>()
                    .is_ok_and(|n| n.to_string() == values[0])
        }
        _ => false,
    };
    ok.then_some(Req {
        key,
        operator,
        values,
    })
}

fn toleration(v: &Value, rich: bool) -> Option<Tol> {
    let mut o = v.as_object()?.clone();
    let key = take_str(&mut o, "key");
    let operator = take_str(&mut o, "operator");
    let value = take_str(&mut o, "value");
    let effect = take_str(&mut o, "effect");
    let seconds = match take(&mut o, "tolerationSeconds") {
        None => None,
        Some(v) => Some(u32::try_from(v.as_u64()?).ok()?),
    };
    if !o.is_empty() {
        return None;
    }
    let typed_operator = match (&key, operator.as_deref(), &value) {
        (None, Some("Exists"), None) => true,
        // The builder writes `operator: Equal` with a value (`equal`), and no operator without one (`key`) or with
        // one (`key_value`, builder form only).
        (Some(k), Some("Exists") | None, None) | (Some(k), Some("Equal"), Some(_)) => !k.is_empty(),
        (Some(k), None, Some(_)) => rich && !k.is_empty(),
        _ => false,
    };
    let typed_effect = matches!(
        (effect.as_deref(), seconds),
        (Some("NoExecute"), _) | (Some("NoSchedule" | "PreferNoSchedule") | None, None)
    );
    (typed_operator && typed_effect).then_some(Tol {
        key,
        operator,
        value,
        effect,
        seconds,
    })
}

/// Whether the typed [`crate::build::PodField`] has this path.
pub(crate) fn is_pod_field(path: &str) -> bool {
    use crate::rules::field_ref::{ENV_FIELD_PATHS, split_subscript};
    ENV_FIELD_PATHS.contains(&path)
        || matches!(
            split_subscript(path),
            Some(("metadata.labels" | "metadata.annotations", _))
        )
}

fn field_ref(v: Value) -> Option<String> {
    let mut o = v.as_object()?.clone();
    drop_if(&mut o, "apiVersion", &Value::from("v1"));
    let path = take_str(&mut o, "fieldPath")?;
    (o.is_empty() && is_pod_field(&path)).then_some(path)
}

fn key_paths(list: Vec<Value>) -> Option<Vec<(String, String)>> {
    list.into_iter()
        .map(|i| {
            let mut o = i.as_object()?.clone();
            let key = take_str(&mut o, "key")?;
            let path = take_str(&mut o, "path")?;
            o.is_empty().then_some((key, path))
        })
        .collect()
}

fn field_files(list: Vec<Value>) -> Option<Vec<(String, String)>> {
    list.into_iter()
        .map(|i| {
            let mut o = i.as_object()?.clone();
            let path = take_str(&mut o, "path")?;
            let field = field_ref(take(&mut o, "fieldRef")?)?;
            o.is_empty().then_some((path, field))
        })
        .collect()
}

fn mode(o: &mut Obj, key: &str) -> Option<i32> {
    drop_if(o, key, &Value::from(420));
    let v = take(o, key)?;
    match v.as_i64().and_then(|m| i32::try_from(m).ok()) {
        Some(m) => Some(m),
        None => {
            o.insert(key.to_owned(), v);
            None
        }
    }
}

const HOST_PATH_TYPES: [&str; 7] = [
    "Directory",
    "DirectoryOrCreate",
    "File",
    "FileOrCreate",
    "Socket",
    "CharDevice",
    "BlockDevice",
];

fn volume(v: Value, reach: Reach) -> Vol {
    let raw = v.clone();
    let mut o = v.as_object().cloned().unwrap_or_default();
    let name = take_str(&mut o, "name").unwrap_or_default();
    let mut untyped = Vec::new();
    let rest = |prefix: &str, m: Obj, untyped: &mut Vec<String>| {
        untyped.extend(m.keys().map(|k| format!("{prefix}.{k}")));
    };
    let source = if o.is_empty() {
        // No source: the server makes it an emptyDir.
        Some(VolSource::EmptyDir)
    } else if let Some(mut h) = take_obj(&mut o, "hostPath") {
        drop_if(&mut h, "type", &Value::from(""));
        let path = take_str(&mut h, "path");
        let kind = take_str(&mut h, "type");
        if let Some(k) = &kind
            && !HOST_PATH_TYPES.contains(&k.as_str())
        {
            untyped.push("hostPath.type".into());
        }
        rest("hostPath", h, &mut untyped);
        path.map(|path| VolSource::HostPath { path, kind })
    } else if let Some(mut c) = take_obj(&mut o, "configMap") {
        let name = take_str(&mut c, "name");
        let items = key_paths(take_list(&mut c, "items"));
        if items.is_none() {
            untyped.push("configMap.items".into());
        }
        let default_mode = mode(&mut c, "defaultMode");
        let optional = reach.dsl() && take_optional(&mut c);
        rest("configMap", c, &mut untyped);
        name.map(|name| VolSource::ConfigMap {
            name,
            items: items.unwrap_or_default(),
            default_mode,
            optional,
        })
    } else if let Some(mut s) = take_obj(&mut o, "secret") {
        let name = take_str(&mut s, "secretName");
        let items = key_paths(take_list(&mut s, "items"));
        if items.is_none() {
            untyped.push("secret.items".into());
        }
        let default_mode = mode(&mut s, "defaultMode");
        let optional = reach.dsl() && take_optional(&mut s);
        rest("secret", s, &mut untyped);
        name.map(|name| VolSource::Secret {
            name,
            items: items.unwrap_or_default(),
            default_mode,
            optional,
        })
    } else if let Some(mut e) = take_obj(&mut o, "emptyDir") {
        drop_if(&mut e, "medium", &Value::from(""));
        let medium = take_str(&mut e, "medium");
        let size = take_str(&mut e, "sizeLimit");
        let source = match (medium.as_deref(), size) {
            (None, None) => Some(VolSource::EmptyDir),
            (Some("Memory"), Some(size)) if Quantity::parse(&size).is_ok() => {
                Some(VolSource::MemoryDir(size))
            }
            (Some("Memory"), None) if reach.builder() => Some(VolSource::EmptyDirWith {
                memory: true,
                size_limit: None,
            }),
            (None, Some(size)) if reach.builder() && Quantity::parse(&size).is_ok() => {
                Some(VolSource::EmptyDirWith {
                    memory: false,
                    size_limit: Some(size),
                })
            }
            (medium, size) => {
                if medium.is_some() {
                    untyped.push("emptyDir.medium".into());
                }
                if size.is_some() {
                    untyped.push("emptyDir.sizeLimit".into());
                }
                Some(VolSource::EmptyDir)
            }
        };
        rest("emptyDir", e, &mut untyped);
        source
    } else if let Some(mut p) = take_obj(&mut o, "projected") {
        let default_mode = mode(&mut p, "defaultMode");
        let mut sources = Vec::new();
        for (i, s) in take_list(&mut p, "sources").into_iter().enumerate() {
            match projection(&s) {
                Some(s) => sources.push(s),
                None => untyped.push(format!("projected.sources[{i}]")),
            }
        }
        rest("projected", p, &mut untyped);
        Some(VolSource::Projected {
            sources,
            default_mode,
        })
    } else if reach.builder()
        && let Some((storage_class, size)) = o.get("ephemeral").and_then(ephemeral)
    {
        o.remove("ephemeral");
        Some(VolSource::Ephemeral {
            storage_class,
            size,
        })
    } else if reach.dsl()
        && let Some(mut c) = take_obj(&mut o, "csi")
    {
        let driver = take_str(&mut c, "driver");
        let attributes = string_map(&mut c, "volumeAttributes");
        rest("csi", c, &mut untyped);
        driver.map(|driver| VolSource::Csi { driver, attributes })
    } else if let Some(mut d) = take_obj(&mut o, "downwardAPI") {
        let default_mode = mode(&mut d, "defaultMode");
        let items = field_files(take_list(&mut d, "items"));
        if items.is_none() {
            untyped.push("downwardAPI.items".into());
        }
        rest("downwardAPI", d, &mut untyped);
        Some(VolSource::DownwardApi {
            items: items.unwrap_or_default(),
            default_mode,
        })
    } else {
        None
    };
    untyped.extend(o.keys().cloned());
    Vol {
        name,
        source,
        untyped,
        raw,
    }
}

/// The storage class and size of an ephemeral volume written as `Volume::ephemeral` writes it: one
/// `ReadWriteOnce` claim of a storage class with a storage request (`volumeMode: Filesystem` is the server's default).
fn ephemeral(v: &Value) -> Option<(String, String)> {
    let mut o = v.as_object()?.clone();
    let mut template = take_obj(&mut o, "volumeClaimTemplate")?;
    // The server writes the template's metadata as `{}` when absent.
    drop_if(&mut template, "metadata", &Value::Object(Obj::new()));
    let mut spec = take_obj(&mut template, "spec")?;
    drop_if(&mut spec, "volumeMode", &Value::from("Filesystem"));
    if take_strings(&mut spec, "accessModes") != ["ReadWriteOnce"] {
        return None;
    }
    let storage_class = take_str(&mut spec, "storageClassName")?;
    let mut resources = take_obj(&mut spec, "resources")?;
    let mut requests = take_obj(&mut resources, "requests")?;
    let size = quantity_text(&requests.remove("storage")?)?;
    (o.is_empty()
        && template.is_empty()
        && spec.is_empty()
        && resources.is_empty()
        && requests.is_empty())
    .then_some((storage_class, size))
}

/// `optional: true` taken (what `Volume::optional` writes); `false` written out stays.
fn take_optional(o: &mut Obj) -> bool {
    if o.get("optional") == Some(&Value::Bool(true)) {
        o.remove("optional");
        true
    } else {
        false
    }
}

fn projection(v: &Value) -> Option<Projection> {
    let mut o = v.as_object()?.clone();
    let p = if let Some(mut c) = take_obj(&mut o, "configMap") {
        let name = take_str(&mut c, "name")?;
        c.is_empty().then_some(Projection::ConfigMap(name))?
    } else if let Some(mut s) = take_obj(&mut o, "secret") {
        let name = take_str(&mut s, "name")?;
        s.is_empty().then_some(Projection::Secret(name))?
    } else if let Some(mut t) = take_obj(&mut o, "serviceAccountToken") {
        let path = take_str(&mut t, "path")?;
        let audience = take_str(&mut t, "audience");
        let expiration_seconds = match take(&mut t, "expirationSeconds") {
            Some(v) => Some(v.as_i64()?),
            None => None,
        };
        t.is_empty().then_some(Projection::Token {
            path,
            audience,
            expiration_seconds,
        })?
    } else if let Some(mut d) = take_obj(&mut o, "downwardAPI") {
        let items = field_files(take_list(&mut d, "items"))?;
        d.is_empty().then_some(Projection::DownwardApi(items))?
    } else {
        return None;
    };
    o.is_empty().then_some(p)
}

/// The pull policy the server fills in for an image: `Always` for the tag `latest` or no tag (without digest),
/// `IfNotPresent` otherwise.
pub(crate) fn default_pull_policy(image: &str) -> &'static str {
    let (name, digest) = match image.split_once('@') {
        Some((name, _)) => (name, true),
        None => (image, false),
    };
    let last = name.rsplit('/').next().unwrap_or(name);
    match last.rsplit_once(':') {
        Some((_, "latest")) => "Always",
        Some(_) => "IfNotPresent",
        None if digest => "IfNotPresent",
        None => "Always",
    }
}

fn container(v: Value, reach: Reach, init: bool) -> Ctr {
    let mut o = v.as_object().cloned().unwrap_or_default();
    let mut residuals = Vec::new();
    let name = take_str(&mut o, "name").unwrap_or_default();
    let image = take_str(&mut o, "image").unwrap_or_default();
    drop_if(
        &mut o,
        "imagePullPolicy",
        &Value::from(default_pull_policy(&image)),
    );
    drop_if(
        &mut o,
        "terminationMessagePath",
        &Value::from("/dev/termination-log"),
    );
    drop_if(&mut o, "terminationMessagePolicy", &Value::from("File"));
    // The server writes `resources: {}` on a container without resources.
    drop_if(&mut o, "resources", &Value::Object(Obj::new()));
    let extra = if reach.dsl() {
        ctr_extra(&mut o, init, reach.builder())
    } else {
        CtrExtra::default()
    };
    let image_pull_policy = take_str(&mut o, "imagePullPolicy");
    if let Some(p) = &image_pull_policy
        && !["Always", "IfNotPresent", "Never"].contains(&p.as_str())
    {
        o.insert("imagePullPolicy".into(), Value::String(p.clone()));
    }
    let image_pull_policy = image_pull_policy.filter(|_| !o.contains_key("imagePullPolicy"));
    let command = take_strings(&mut o, "command");
    let args = take_strings(&mut o, "args");
    let working_dir = take_str(&mut o, "workingDir");

    let mut ports = Vec::new();
    for (i, p) in take_list(&mut o, "ports").into_iter().enumerate() {
        match port(&p) {
            Some(p) => ports.push(p),
            None => residuals.push(Residual::insert(Root::Container, "ports", i, p)),
        }
    }
    let mut env = Vec::new();
    for (i, e) in take_list(&mut o, "env").into_iter().enumerate() {
        match env_var(&e) {
            Some(e) => env.push(e),
            None => residuals.push(Residual::insert(Root::Container, "env", i, e)),
        }
    }
    let mut env_from = Vec::new();
    for (i, e) in take_list(&mut o, "envFrom").into_iter().enumerate() {
        match env_from_ir(&e) {
            Some(e) => env_from.push(e),
            None => residuals.push(Residual::insert(Root::Container, "envFrom", i, e)),
        }
    }
    let resources = match take(&mut o, "resources") {
        None => None,
        Some(r) => match resources(&r) {
            Some(r) => Some(r),
            None => {
                residuals.push(Residual::set(Root::Container, &["resources"], r));
                None
            }
        },
    };
    let mut mounts = Vec::new();
    for (i, m) in take_list(&mut o, "volumeMounts").into_iter().enumerate() {
        match mount(&m) {
            Some(m) => mounts.push(m),
            None => residuals.push(Residual::insert(Root::Container, "volumeMounts", i, m)),
        }
    }
    let mut probe_of = |key: &str, residuals: &mut Vec<Residual>| {
        let p = take(&mut o, key)?;
        match probe(&p, key, reach.dsl()) {
            Some((probe, rest)) => {
                residuals.extend(rest);
                Some(probe)
            }
            None => {
                residuals.push(Residual::set(Root::Container, &[key], p));
                None
            }
        }
    };
    let liveness = probe_of("livenessProbe", &mut residuals);
    let readiness = probe_of("readinessProbe", &mut residuals);
    let startup = probe_of("startupProbe", &mut residuals);
    let security =
        take_obj(&mut o, "securityContext").map(|s| security(s, &mut residuals, reach.dsl()));
    leftovers(&mut residuals, Root::Container, &[], o);
    Ctr {
        name,
        image,
        command,
        args,
        working_dir,
        image_pull_policy,
        ports,
        env,
        env_from,
        resources,
        mounts,
        liveness,
        readiness,
        startup,
        security,
        extra,
        residuals,
    }
}

fn port(v: &Value) -> Option<PortIr> {
    let mut o = v.as_object()?.clone();
    drop_if(&mut o, "protocol", &Value::from("TCP"));
    drop_if(&mut o, "hostPort", &Value::from(0));
    let container_port = u16::try_from(take(&mut o, "containerPort")?.as_u64()?).ok()?;
    let name = take_str(&mut o, "name");
    let protocol = take_str(&mut o, "protocol");
    if protocol
        .as_deref()
        .is_some_and(|p| p != "UDP" && p != "SCTP")
    {
        return None;
    }
    let host_port = match take(&mut o, "hostPort") {
        Some(v) => Some(u16::try_from(v.as_u64()?).ok()?),
        None => None,
    };
    let host_ip = take_str(&mut o, "hostIP");
    o.is_empty().then_some(PortIr {
        container_port,
        name,
        protocol,
        host_port,
        host_ip,
    })
}

const RESOURCE_FIELDS: [&str; 6] = [
    "limits.cpu",
    "limits.memory",
    "limits.ephemeral-storage",
    "requests.cpu",
    "requests.memory",
    "requests.ephemeral-storage",
];

fn env_var(v: &Value) -> Option<Env> {
    let mut o = v.as_object()?.clone();
    let name = take_str(&mut o, "name")?;
    let value = take_str(&mut o, "value");
    let source = match (value, take_obj(&mut o, "valueFrom")) {
        (value, None) => EnvSrc::Value(value.unwrap_or_default()),
        (Some(_), Some(_)) => return None,
        (None, Some(mut from)) => {
            let source = if let Some(f) = take(&mut from, "fieldRef") {
                EnvSrc::Field(field_ref(f)?)
            } else if let Some(mut r) = take_obj(&mut from, "resourceFieldRef") {
                let resource = take_str(&mut r, "resource")?;
                let container = take_str(&mut r, "containerName");
                let divisor = match take(&mut r, "divisor") {
                    None => None,
                    Some(Value::String(s)) => Some(s),
                    Some(Value::Number(n)) => Some(n.to_string()),
                    Some(_) => return None,
                };
                if !r.is_empty() || !RESOURCE_FIELDS.contains(&resource.as_str()) {
                    return None;
                }
                EnvSrc::Resource {
                    resource,
                    container,
                    divisor,
                }
            } else if let Some(r) = take_obj(&mut from, "configMapKeyRef") {
                let (name, key, optional) = key_ref(r)?;
                EnvSrc::ConfigMapKey {
                    name,
                    key,
                    optional,
                }
            } else if let Some(r) = take_obj(&mut from, "secretKeyRef") {
                let (name, key, optional) = key_ref(r)?;
                EnvSrc::SecretKey {
                    name,
                    key,
                    optional,
                }
            } else {
                return None;
            };
            if !from.is_empty() {
                return None;
            }
            source
        }
    };
    o.is_empty().then_some(Env { name, source })
}

/// A key reference; `optional: false` written out has no typed form (the builder writes `true` or nothing).
fn key_ref(mut r: Obj) -> Option<(String, String, bool)> {
    let name = take_str(&mut r, "name")?;
    let key = take_str(&mut r, "key")?;
    let optional = match take(&mut r, "optional") {
        None => false,
        Some(Value::Bool(true)) => true,
        Some(_) => return None,
    };
    r.is_empty().then_some((name, key, optional))
}

fn env_from_ir(v: &Value) -> Option<EnvFromIr> {
    let mut o = v.as_object()?.clone();
    let prefix = take_str(&mut o, "prefix");
    let mut reference = |key: &str| -> Option<Option<(String, bool)>> {
        let Some(mut r) = take_obj(&mut o, key) else {
            return Some(None);
        };
        let name = take_str(&mut r, "name")?;
        let optional = match take(&mut r, "optional") {
            None => false,
            Some(Value::Bool(true)) => true,
            Some(_) => return None,
        };
        r.is_empty().then_some(Some((name, optional)))
    };
    let config_map = reference("configMapRef")?;
    let secret = reference("secretRef")?;
    if !o.is_empty() {
        return None;
    }
    match (config_map, secret) {
        (Some((name, optional)), None) => Some(EnvFromIr {
            config_map: Some(name),
            secret: None,
            prefix,
            optional,
        }),
        (None, Some((name, optional))) => Some(EnvFromIr {
            config_map: None,
            secret: Some(name),
            prefix,
            optional,
        }),
        _ => None,
    }
}

fn quantity_text(v: &Value) -> Option<String> {
    let text = match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => return None,
    };
    Quantity::parse(&text).ok().map(|_| text)
}

fn resources(v: &Value) -> Option<Res> {
    let mut o = v.as_object()?.clone();
    let mut requests = take_obj(&mut o, "requests").unwrap_or_default();
    let mut limits = take_obj(&mut o, "limits").unwrap_or_default();
    if !o.is_empty() {
        return None;
    }
    let mut r = Res::default();
    let amount = |m: &mut Obj, key: &str| -> Option<Option<String>> {
        match m.remove(key) {
            None => Some(None),
            Some(v) => quantity_text(&v).map(Some),
        }
    };
    r.cpu_request = amount(&mut requests, "cpu")?;
    r.memory_request = amount(&mut requests, "memory")?;
    r.storage_request = amount(&mut requests, "ephemeral-storage")?;
    r.cpu_limit = amount(&mut limits, "cpu")?;
    r.memory_limit = amount(&mut limits, "memory")?;
    r.storage_limit = amount(&mut limits, "ephemeral-storage")?;
    // What is left must be in both maps with the same amount (the builder sets requests and limits together).
    for (key, request) in &requests {
        let limit = limits.get(key)?;
        let (request, limit) = (quantity_text(request)?, quantity_text(limit)?);
        if request != limit {
            return None;
        }
        if let Some(size) = key.strip_prefix("hugepages-") {
            r.hugepages.push((size.to_owned(), request));
        } else if key.contains('/') {
            let n: u64 = request.parse().ok()?;
            if n.to_string() != request {
                return None;
            }
            r.extended.push((key.clone(), n));
        } else {
            return None;
        }
    }
    (requests.len() == limits.len()).then_some(r)
}

fn mount(v: &Value) -> Option<MountIr> {
    let mut o = v.as_object()?.clone();
    drop_if(&mut o, "readOnly", &Value::Bool(false));
    drop_if(&mut o, "subPath", &Value::from(""));
    let volume = take_str(&mut o, "name")?;
    let path = take_str(&mut o, "mountPath")?;
    let read_only = take_bool(&mut o, "readOnly").unwrap_or(false);
    let sub_path = take_str(&mut o, "subPath");
    let propagation = take_str(&mut o, "mountPropagation");
    if propagation
        .as_deref()
        .is_some_and(|p| !["None", "HostToContainer", "Bidirectional"].contains(&p))
    {
        return None;
    }
    o.is_empty().then_some(MountIr {
        volume,
        path,
        read_only,
        sub_path,
        propagation,
    })
}

fn probe(v: &Value, key: &str, rich: bool) -> Option<(ProbeIr, Vec<Residual>)> {
    let mut o = v.as_object()?.clone();
    let mut residuals = Vec::new();
    let (mut host, mut headers, mut https, mut grpc_service) = (None, Vec::new(), false, None);
    let handlers = ["httpGet", "tcpSocket", "exec", "grpc"]
        .iter()
        .filter(|h| o.contains_key(**h))
        .count();
    if handlers != 1 {
        return None;
    }
    let sub = |handler: &str, m: Obj, residuals: &mut Vec<Residual>| {
        for (k, v) in m {
            residuals.push(Residual::set(Root::Container, &[key, handler, &k], v));
        }
    };
    let handler = if let Some(mut h) = take_obj(&mut o, "httpGet") {
        drop_if(&mut h, "scheme", &Value::from("HTTP"));
        let path = take_str(&mut h, "path").unwrap_or_else(|| "/".to_owned());
        if rich {
            host = take_str(&mut h, "host");
            if h.get("scheme") == Some(&Value::from("HTTPS")) {
                h.remove("scheme");
                https = true;
            }
            let list = take_list(&mut h, "httpHeaders");
            let typed: Option<Vec<(String, String)>> = list
                .iter()
                .map(|x| {
                    let mut o = x.as_object()?.clone();
                    let name = take_str(&mut o, "name")?;
                    let value = take_str(&mut o, "value")?;
                    o.is_empty().then_some((name, value))
                })
                .collect();
            match typed {
                Some(t) => headers = t,
                None => {
                    h.insert("httpHeaders".into(), Value::Array(list));
                }
            }
        }
        let port = match take(&mut h, "port")? {
            Value::Number(n) => PortRef::Number(u16::try_from(n.as_u64()?).ok()?),
            Value::String(s) => match s.parse::<u16>() {
                Ok(n) => PortRef::Number(n),
                Err(_) => PortRef::Name(s),
            },
            _ => return None,
        };
        sub("httpGet", h, &mut residuals);
        Handler::HttpGet { path, port }
    } else if let Some(mut t) = take_obj(&mut o, "tcpSocket") {
        let handler = match take(&mut t, "port")? {
            Value::String(name) if rich && name.parse::<u16>().is_err() => {
                Handler::TcpSocketNamed(name)
            }
            port => Handler::TcpSocket(u16::try_from(port.as_u64()?).ok()?),
        };
        if rich {
            host = take_str(&mut t, "host");
        }
        sub("tcpSocket", t, &mut residuals);
        handler
    } else if let Some(mut e) = take_obj(&mut o, "exec") {
        let command = take_strings(&mut e, "command");
        if !e.is_empty() {
            return None;
        }
        Handler::Exec(command)
    } else {
        let mut g = take_obj(&mut o, "grpc")?;
        let port = u16::try_from(take(&mut g, "port")?.as_u64()?).ok()?;
        if rich {
            grpc_service = take_str(&mut g, "service");
        }
        sub("grpc", g, &mut residuals);
        Handler::Grpc(port)
    };
    let mut numbers = Vec::new();
    for (json, _, default) in PROBE_NUMBERS {
        if let Some(d) = default {
            drop_if(&mut o, json, &Value::from(d));
        }
        if let Some(n) = take_u32(&mut o, json) {
            numbers.push((json, n));
        }
    }
    for (k, v) in o {
        residuals.push(Residual::set(Root::Container, &[key, &k], v));
    }
    Some((
        ProbeIr {
            handler,
            numbers,
            host,
            headers,
            https,
            grpc_service,
        },
        residuals,
    ))
}

fn security(mut s: Obj, residuals: &mut Vec<Residual>, rich: bool) -> Security {
    let mut out = Security::default();
    for flag in SECURITY_FLAGS {
        if let Some(b) = take_bool(&mut s, flag) {
            out.flags.push((flag, b));
        }
    }
    let mut id = |key: &str| {
        let v = take(&mut s, key)?;
        match v.as_i64() {
            Some(n) => Some(n),
            None => {
                s.insert(key.to_owned(), v);
                None
            }
        }
    };
    out.run_as_user = id("runAsUser");
    out.run_as_group = id("runAsGroup");
    if let Some(mut caps) = take_obj(&mut s, "capabilities") {
        out.add = take_strings(&mut caps, "add");
        out.drop = take_strings(&mut caps, "drop");
        leftovers(
            residuals,
            Root::Container,
            &["securityContext", "capabilities"],
            caps,
        );
    }
    if rich {
        out.profiles = profiles(&mut s);
    }
    leftovers(residuals, Root::Container, &["securityContext"], s);
    out
}
