//! The warnings the API server returns (HTTP `Warning` headers) when it accepts a DaemonSet: a port of
//! `GetWarningsForPodTemplate` (`pkg/api/pod/warnings.go`, Kubernetes v1.34) as the DaemonSet strategy calls it on
//! create, with the server's paths and words, so `daemonset check` shows them before anything is sent.
//!
//! Ported: deprecated node labels (nodeSelector, node affinity, topology spread), null label selectors, deprecated
//! annotations (critical-pod, sysctls, seccomp, AppArmor), deprecated and removed volume plugins, duplicate
//! hostAliases and imagePullSecrets, fractional byte quantities, duplicate env vars, duplicate, overlapping and
//! ambiguous ports and port names, a hostIP without hostPort, a negative grace period, overlapping paths of one
//! configMap, secret or downwardAPI volume. Not ported: label value checks of preferred node affinity terms, IP
//! address format warnings, ephemeral volume claim templates, projected volumes' path overlaps.

use std::collections::BTreeMap;
use std::fmt;

use k8s_openapi::api::apps::v1::DaemonSet;
use k8s_openapi::api::core::v1::{
    AppArmorProfile, Container, ContainerPort, NodeSelectorTerm, PodSpec,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;

use crate::validate::FieldPath;

/// One warning, as the server words it: `path: message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerWarning {
    /// The field path (`spec.template.spec.containers[0].env[1]`), or the volume for path overlaps.
    pub path: String,
    /// The server's message after the path.
    pub message: String,
}

impl From<ServerWarning> for crate::diagnostic::Diagnostic {
    /// A warning at the field path (locate it with [`Diagnostic::at`](crate::diagnostic::Diagnostic::at)).
    fn from(warning: ServerWarning) -> Self {
        let location = crate::diagnostic::Location {
            path: Some(warning.path),
            ..Default::default()
        };
        crate::diagnostic::Diagnostic::new(
            crate::diagnostic::Severity::Warning,
            location,
            warning.message,
        )
    }
}

impl fmt::Display for ServerWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// Every warning the API server (v1.34, default feature gates) gives when it creates `daemon_set`, in the
/// server's order (the order of Go map iteration aside: several deprecated nodeSelector labels come in key order
/// here).
///
/// ```
/// use daemonset::build::{Container, NodeAgent, EnvVar};
///
/// let agent = Container::builder()
///     .name("agent")
///     .image("agent:1")
///     .env(EnvVar::value("MODE", "a"))
///     .env(EnvVar::value("MODE", "b"))
///     .build();
/// let ds = NodeAgent::builder().name("agent").selector_label("app", "agent").container(agent).build()?;
/// let warnings: Vec<String> = daemonset::lint::server_warnings(&ds).iter().map(ToString::to_string).collect();
/// assert_eq!(warnings, [
///     "spec.template.spec.containers[0].env[1]: hides previous definition of \"MODE\", which may be dropped when using apply",
/// ]);
/// # Ok::<(), daemonset::ValidationErrors>(())
/// ```
pub fn server_warnings(daemon_set: &DaemonSet) -> Vec<ServerWarning> {
    let Some(spec) = daemon_set.spec.as_ref() else {
        return Vec::new();
    };
    let template = &spec.template;
    let Some(pod) = template.spec.as_ref() else {
        return Vec::new();
    };
    let annotations = template
        .metadata
        .as_ref()
        .and_then(|m| m.annotations.clone())
        .unwrap_or_default();
    let mut w = Warnings(Vec::new());
    let base = FieldPath::root("spec").child("template");
    let spec_path = base.child("spec");
    let annotation_path = |key: &str| base.child("metadata").child("annotations").key(key);

    // Deprecated node labels in selectors, affinity and topology spread.
    for key in pod.node_selector.iter().flatten().map(|(k, _)| k) {
        if let Some(msg) = deprecated_node_label(key) {
            w.push(spec_path.child("nodeSelector").key(key), msg.to_owned());
        }
    }
    if let Some(node) = pod.affinity.as_ref().and_then(|a| a.node_affinity.as_ref()) {
        if let Some(required) = &node.required_during_scheduling_ignored_during_execution {
            let terms = spec_path
                .child("affinity")
                .child("nodeAffinity")
                .child("requiredDuringSchedulingIgnoredDuringExecution")
                .child("nodeSelectorTerms");
            for (i, term) in required.node_selector_terms.iter().enumerate() {
                node_selector_term(&mut w, term, &terms.index(i));
            }
        }
        let preferred = spec_path
            .child("affinity")
            .child("nodeAffinity")
            .child("preferredDuringSchedulingIgnoredDuringExecution");
        for (i, term) in node
            .preferred_during_scheduling_ignored_during_execution
            .iter()
            .flatten()
            .enumerate()
        {
            node_selector_term(
                &mut w,
                &term.preference,
                &preferred.index(i).child("preference"),
            );
        }
    }
    for (i, t) in pod.topology_spread_constraints.iter().flatten().enumerate() {
        let path = spec_path.child("topologySpreadConstraints").index(i);
        if let Some(msg) = deprecated_node_label(&t.topology_key) {
            w.push(
                path.child("topologyKey"),
                format!("{} is {msg}", t.topology_key),
            );
        }
        if t.label_selector.is_none() {
            w.push(
                path.child("labelSelector"),
                "a null labelSelector results in matching no pod".into(),
            );
        }
    }

    // Deprecated annotations.
    for (key, message) in DEPRECATED_ANNOTATIONS {
        if annotations.contains_key(*key) {
            w.push(annotation_path(key), (*message).to_owned());
        }
    }

    // Deprecated and removed volume plugins.
    for (i, v) in pod.volumes.iter().flatten().enumerate() {
        let path = spec_path.child("volumes").index(i);
        let plugins: [(bool, &str, &str); 9] = [
            (
                v.photon_persistent_disk.is_some(),
                "photonPersistentDisk",
                "deprecated in v1.11, non-functional in v1.16+",
            ),
            (
                v.git_repo.is_some(),
                "gitRepo",
                "deprecated in v1.11, and disabled by default in v1.33+",
            ),
            (
                v.scale_io.is_some(),
                "scaleIO",
                "deprecated in v1.16, non-functional in v1.22+",
            ),
            (
                v.flocker.is_some(),
                "flocker",
                "deprecated in v1.22, non-functional in v1.25+",
            ),
            (
                v.storageos.is_some(),
                "storageOS",
                "deprecated in v1.22, non-functional in v1.25+",
            ),
            (
                v.quobyte.is_some(),
                "quobyte",
                "deprecated in v1.22, non-functional in v1.25+",
            ),
            (
                v.glusterfs.is_some(),
                "glusterfs",
                "deprecated in v1.25, non-functional in v1.26+",
            ),
            (
                v.cephfs.is_some(),
                "cephfs",
                "deprecated in v1.28, non-functional in v1.31+",
            ),
            (
                v.rbd.is_some(),
                "rbd",
                "deprecated in v1.28, non-functional in v1.31+",
            ),
        ];
        for (present, field, message) in plugins {
            if present {
                w.push(path.child(field), message.to_owned());
            }
        }
    }
    overlapping_paths(&mut w, pod);

    // Duplicate hostAliases and imagePullSecrets.
    let mut seen = Vec::new();
    for (i, alias) in pod.host_aliases.iter().flatten().enumerate() {
        if seen.contains(&&alias.ip) {
            w.push(
                spec_path.child("hostAliases").index(i).child("ip"),
                format!("duplicate ip {}", go_quote(&alias.ip)),
            );
        } else {
            seen.push(&alias.ip);
        }
    }
    let secrets = pod.image_pull_secrets.as_deref().unwrap_or_default();
    let mut seen = Vec::new();
    for (i, item) in secrets.iter().enumerate() {
        if secrets.len() > 1 && seen.contains(&&item.name) {
            w.push(
                spec_path.child("imagePullSecrets").index(i).child("name"),
                format!("duplicate name {}", go_quote(&item.name)),
            );
        } else {
            seen.push(&item.name);
        }
    }
    for (i, item) in secrets.iter().enumerate() {
        if item.name.is_empty() {
            w.push(
                spec_path.child("imagePullSecrets").index(i).child("name"),
                "invalid empty name \"\"".into(),
            );
        }
    }

    // Fractional byte quantities of the pod overhead.
    for resource in ["memory", "ephemeral-storage"] {
        if let Some(q) = pod.overhead.as_ref().and_then(|o| o.get(resource)) {
            fractional(&mut w, spec_path.child("overhead").key(resource), q);
        }
    }

    // The pod's seccomp annotation without the field.
    let pod_security = pod.security_context.as_ref();
    if pod_security
        .and_then(|s| s.seccomp_profile.as_ref())
        .is_none()
        && annotations.contains_key(SECCOMP_POD)
    {
        w.push(
            annotation_path(SECCOMP_POD),
            "non-functional in v1.27+; use the \"seccompProfile\" field instead".into(),
        );
    }
    let pod_apparmor = pod_security.and_then(|s| s.app_armor_profile.as_ref());

    for (path, c) in containers(pod, &spec_path) {
        let security = c.security_context.as_ref();
        let seccomp_key = format!("{SECCOMP_CONTAINER_PREFIX}{}", c.name);
        if security.and_then(|s| s.seccomp_profile.as_ref()).is_none()
            && annotations.contains_key(&seccomp_key)
        {
            w.push(
                annotation_path(&seccomp_key),
                "non-functional in v1.27+; use the \"seccompProfile\" field instead".into(),
            );
        }
        let apparmor_key = format!("{APPARMOR_PREFIX}{}", c.name);
        if security
            .and_then(|s| s.app_armor_profile.as_ref())
            .is_none()
            && let Some(value) = annotations.get(&apparmor_key)
            && (pod_apparmor.is_none() || pod_apparmor != apparmor_field(value).as_ref())
        {
            w.push(
                annotation_path(&apparmor_key),
                "deprecated since v1.30; use the \"appArmorProfile\" field instead".into(),
            );
        }
        let resources = c.resources.as_ref();
        for resource in ["memory", "ephemeral-storage"] {
            for (list, map) in [
                ("limits", resources.and_then(|r| r.limits.as_ref())),
                ("requests", resources.and_then(|r| r.requests.as_ref())),
            ] {
                if let Some(q) = map.and_then(|m| m.get(resource)) {
                    fractional(&mut w, path.child("resources").child(list).key(resource), q);
                }
            }
        }
        let env = c.env.as_deref().unwrap_or_default();
        for (i, _) in super::rules::hidden_env(env) {
            w.push(
                path.child("env").index(i),
                format!(
                    "hides previous definition of {}, which may be dropped when using apply",
                    go_quote(&env[i].name)
                ),
            );
        }
    }

    // Ports across all containers (protocol defaults to TCP; hostPort is not defaulted in a pod template, even
    // with hostNetwork: that default is the Pod's).
    let mut all: BTreeMap<String, Vec<(FieldPath, Port)>> = BTreeMap::new();
    for (path, c) in containers(pod, &spec_path) {
        for (i, port) in c.ports.iter().flatten().enumerate() {
            let port = Port::of(port);
            let here = path.child("ports").index(i);
            if !port.host_ip.is_empty() && port.host_port == 0 {
                w.push(
                    here.clone(),
                    format!("hostIP set without hostPort: {}", port.go_format()),
                );
            }
            let key = format!("{}/{}", port.container_port, port.protocol);
            let others = all.entry(key).or_default();
            for (other_path, other) in others.iter() {
                if port.host_ip == other.host_ip && port.host_port == other.host_port {
                    w.push(
                        here.clone(),
                        format!("duplicate port definition with {other_path}"),
                    );
                } else if port.host_port == 0 || other.host_port == 0 {
                    w.push(
                        here.clone(),
                        format!("overlapping port definition with {other_path}"),
                    );
                } else if port.host_port == other.host_port
                    && (port.host_ip.is_empty() != other.host_ip.is_empty())
                {
                    w.push(
                        here.clone(),
                        format!("dangerously ambiguous port definition with {other_path}"),
                    );
                }
            }
            others.push((here, port));
        }
    }
    let mut names: BTreeMap<&str, FieldPath> = BTreeMap::new();
    for (path, c) in containers(pod, &spec_path) {
        for (i, port) in c.ports.iter().flatten().enumerate() {
            let Some(name) = port.name.as_deref().filter(|n| !n.is_empty()) else {
                continue;
            };
            let here = path.child("ports").index(i);
            match names.get(name) {
                Some(other) => w.push(
                    here,
                    format!(
                        "duplicate port name {} with {other}, services and probes that select ports by name will use {other}",
                        go_quote(name)
                    ),
                ),
                None => {
                    names.insert(name, here);
                }
            }
        }
    }

    if pod.termination_grace_period_seconds.is_some_and(|s| s < 0) {
        w.push(
            spec_path.child("terminationGracePeriodSeconds"),
            "must be >= 0; negative values are invalid and will be treated as 1".into(),
        );
    }

    if let Some(affinity) = pod.affinity.as_ref() {
        for (field, terms) in [
            (
                "podAffinity",
                affinity.pod_affinity.as_ref().map(|a| {
                    (
                        &a.required_during_scheduling_ignored_during_execution,
                        &a.preferred_during_scheduling_ignored_during_execution,
                    )
                }),
            ),
            (
                "podAntiAffinity",
                affinity.pod_anti_affinity.as_ref().map(|a| {
                    (
                        &a.required_during_scheduling_ignored_during_execution,
                        &a.preferred_during_scheduling_ignored_during_execution,
                    )
                }),
            ),
        ] {
            let Some((required, preferred)) = terms else {
                continue;
            };
            let path = spec_path.child("affinity").child(field);
            for (i, t) in required.iter().flatten().enumerate() {
                if t.label_selector.is_none() {
                    w.push(
                        path.child("requiredDuringSchedulingIgnoredDuringExecution")
                            .index(i)
                            .child("labelSelector"),
                        "a null labelSelector results in matching no pod".into(),
                    );
                }
            }
            for (i, t) in preferred.iter().flatten().enumerate() {
                if t.pod_affinity_term.label_selector.is_none() {
                    w.push(
                        path.child("preferredDuringSchedulingIgnoredDuringExecution")
                            .index(i)
                            .child("podAffinityTerm")
                            .child("labelSelector"),
                        "a null labelSelector results in matching no pod".into(),
                    );
                }
            }
        }
    }
    w.0
}

struct Warnings(Vec<ServerWarning>);

impl Warnings {
    fn push(&mut self, path: FieldPath, message: String) {
        self.0.push(ServerWarning {
            path: path.as_str().to_owned(),
            message,
        });
    }
}

const SECCOMP_POD: &str = "seccomp.security.alpha.kubernetes.io/pod";
const SECCOMP_CONTAINER_PREFIX: &str = "container.seccomp.security.alpha.kubernetes.io/";
const APPARMOR_PREFIX: &str = "container.apparmor.security.beta.kubernetes.io/";

const DEPRECATED_ANNOTATIONS: &[(&str, &str)] = &[
    (
        "scheduler.alpha.kubernetes.io/critical-pod",
        "non-functional in v1.16+; use the \"priorityClassName\" field instead",
    ),
    (
        "security.alpha.kubernetes.io/sysctls",
        "non-functional in v1.11+; use the \"sysctls\" field instead",
    ),
    (
        "security.alpha.kubernetes.io/unsafe-sysctls",
        "non-functional in v1.11+; use the \"sysctls\" field instead",
    ),
];

/// `GetNodeLabelDeprecatedMessage` (`pkg/api/node/util.go`).
fn deprecated_node_label(key: &str) -> Option<&'static str> {
    Some(match key {
        "beta.kubernetes.io/arch" => "deprecated since v1.14; use \"kubernetes.io/arch\" instead",
        "beta.kubernetes.io/os" => "deprecated since v1.14; use \"kubernetes.io/os\" instead",
        "failure-domain.beta.kubernetes.io/region" => {
            "deprecated since v1.17; use \"topology.kubernetes.io/region\" instead"
        }
        "failure-domain.beta.kubernetes.io/zone" => {
            "deprecated since v1.17; use \"topology.kubernetes.io/zone\" instead"
        }
        "beta.kubernetes.io/instance-type" => {
            "deprecated since v1.17; use \"node.kubernetes.io/instance-type\" instead"
        }
        "app.kubernetes.io/created-by" => "deprecated since v1.9",
        "scheduler.alpha.kubernetes.io/preferAvoidPods" => {
            "deprecated since v1.22; use Taints and Tolerations instead"
        }
        "node-role.kubernetes.io/master" => "use \"node-role.kubernetes.io/control-plane\" instead",
        _ => return None,
    })
}

fn node_selector_term(w: &mut Warnings, term: &NodeSelectorTerm, path: &FieldPath) {
    for (i, e) in term.match_expressions.iter().flatten().enumerate() {
        if let Some(msg) = deprecated_node_label(&e.key) {
            w.push(
                path.child("matchExpressions").index(i).child("key"),
                format!("{} is {msg}", e.key),
            );
        }
    }
}

/// `ApparmorFieldForAnnotation`.
fn apparmor_field(annotation: &str) -> Option<AppArmorProfile> {
    match annotation {
        "runtime/default" => Some(AppArmorProfile {
            type_: "RuntimeDefault".into(),
            localhost_profile: None,
        }),
        "unconfined" => Some(AppArmorProfile {
            type_: "Unconfined".into(),
            localhost_profile: None,
        }),
        _ => annotation
            .strip_prefix("localhost/")
            .map(|name| AppArmorProfile {
                type_: "Localhost".into(),
                localhost_profile: Some(name.to_owned()),
            }),
    }
}

fn fractional(w: &mut Warnings, path: FieldPath, q: &Quantity) {
    if let Ok(q) = daemonset_rules::Quantity::parse(&q.0)
        && !q.is_whole()
    {
        w.push(
            path,
            format!(
                "fractional byte value {} is invalid, must be an integer",
                go_quote(q.canonical())
            ),
        );
    }
}

/// Init containers, then containers (`VisitContainersWithPath`).
fn containers<'a>(pod: &'a PodSpec, spec: &FieldPath) -> Vec<(FieldPath, &'a Container)> {
    let init = pod
        .init_containers
        .iter()
        .flatten()
        .enumerate()
        .map(|(i, c)| (spec.child("initContainers").index(i), c));
    let main = pod
        .containers
        .iter()
        .enumerate()
        .map(|(i, c)| (spec.child("containers").index(i), c));
    init.chain(main).collect()
}

/// A container port after defaulting.
struct Port {
    name: String,
    host_port: i32,
    container_port: i32,
    protocol: String,
    host_ip: String,
}

impl Port {
    fn of(port: &ContainerPort) -> Port {
        Port {
            name: port.name.clone().unwrap_or_default(),
            host_port: port.host_port.unwrap_or(0),
            container_port: port.container_port,
            protocol: port.protocol.clone().unwrap_or_else(|| "TCP".into()),
            host_ip: port.host_ip.clone().unwrap_or_default(),
        }
    }

    /// Go's `%+v` of `api.ContainerPort`.
    fn go_format(&self) -> String {
        format!(
            "{{Name:{} HostPort:{} ContainerPort:{} Protocol:{} HostIP:{}}}",
            self.name, self.host_port, self.container_port, self.protocol, self.host_ip
        )
    }
}

/// Go's `%q` for the ASCII text warnings quote (names, paths, quantities).
fn go_quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `warningsForOverlappingVirtualPaths` for configMap, secret and downwardAPI volumes.
fn overlapping_paths(w: &mut Warnings, pod: &PodSpec) {
    for v in pod.volumes.iter().flatten() {
        let mut sets: Vec<(String, Vec<&str>)> = Vec::new();
        if let Some(cm) = &v.config_map
            && let Some(items) = &cm.items
        {
            sets.push((
                format!("ConfigMap {}", go_quote(cm.name.as_str())),
                items.iter().map(|i| i.path.as_str()).collect(),
            ));
        }
        if let Some(secret) = &v.secret
            && let Some(items) = &secret.items
        {
            sets.push((
                format!(
                    "Secret {}",
                    go_quote(secret.secret_name.as_deref().unwrap_or_default())
                ),
                items.iter().map(|i| i.path.as_str()).collect(),
            ));
        }
        if let Some(api) = &v.downward_api
            && let Some(items) = &api.items
        {
            sets.push((
                "DownwardAPI".into(),
                items.iter().map(|i| i.path.as_str()).collect(),
            ));
        }
        for (description, paths) in sets {
            let mut seen: Vec<&str> = Vec::new();
            for path in paths {
                let path = path.trim_end_matches('/');
                if !path.is_empty() {
                    for item in &seen {
                        let overlap = !item.is_empty()
                            && (*item == path
                                || format!("{item}/").starts_with(&format!("{path}/"))
                                || format!("{path}/").starts_with(&format!("{item}/")));
                        if overlap {
                            w.0.push(ServerWarning {
                                path: format!("volume {} ({description})", go_quote(&v.name)),
                                message: format!(
                                    "overlapping paths: {} with {}",
                                    go_quote(path),
                                    go_quote(item)
                                ),
                            });
                        }
                    }
                }
                seen.push(path);
            }
        }
    }
}
