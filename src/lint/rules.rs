//! The rules, in id order. Ids are stable: a rule may be retired but its id is never reused.

use k8s_openapi::api::apps::v1::DaemonSet;
use k8s_openapi::api::core::v1::{Container, PodSpec};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::{Options, Rule, Severity, rollout_waves};
use crate::validate::{FieldPath, quote};

type Out = Vec<(FieldPath, String)>;

/// Every rule, in id order.
pub static RULES: &[Rule] = &[
    Rule {
        id: "DS001",
        name: "missing-resources",
        severity: Severity::Warning,
        summary: "a container without CPU and memory requests or without a memory limit",
        doc: "Without requests the scheduler cannot reserve room for the agent on a full node, and the kubelet evicts \
              it first under pressure; without a memory limit a leak takes the node's memory. Set \
              `resources.requests.cpu`, `resources.requests.memory` and `resources.limits.memory`.",
        check: missing_resources,
    },
    Rule {
        id: "DS002",
        name: "unpinned-image",
        severity: Severity::Warning,
        summary: "an image without a tag, or with the `latest` tag",
        doc: "A moving tag makes nodes run different code depending on when they pulled, and a rollback does not roll \
              back. Pin a version tag or a digest (`@sha256:...`).",
        check: unpinned_image,
    },
    Rule {
        id: "DS003",
        name: "implicit-update-strategy",
        severity: Severity::Warning,
        summary: "no explicit `updateStrategy`",
        doc: "The server's default (RollingUpdate, maxUnavailable 1) may be far too slow on a large fleet or too fast \
              for a critical agent. Say what you want: `maxUnavailable`, `maxSurge` or `OnDelete`.",
        check: implicit_update_strategy,
    },
    Rule {
        id: "DS004",
        name: "missing-priority-class",
        severity: Severity::Warning,
        summary: "a node agent (hostPath, hostNetwork, hostPID or tolerating every taint) without `priorityClassName`",
        doc: "A node agent that loses a full node to ordinary pods does not run at all there. Give it \
              `priorityClassName: system-node-critical` (or a class of your own) so the scheduler preempts for it.",
        check: missing_priority_class,
    },
    Rule {
        id: "DS005",
        name: "privileged",
        severity: Severity::Warning,
        summary: "a privileged container",
        doc: "A privileged container is root on the node. Most agents need one or two capabilities \
              (`securityContext.capabilities.add`), not all of them. Waive with the annotation when it is needed \
              (CNI, CSI node plugins).",
        check: privileged,
    },
    Rule {
        id: "DS006",
        name: "host-namespaces",
        severity: Severity::Warning,
        summary: "`hostNetwork`, `hostPID` or `hostIPC`",
        doc: "Sharing the node's namespaces lets the pod see and reach everything on the node. Use it only when the \
              agent must (a CNI plugin, a node exporter reading host processes) and waive the rule for that DaemonSet.",
        check: host_namespaces,
    },
    Rule {
        id: "DS007",
        name: "sensitive-host-path",
        severity: Severity::Warning,
        summary: "a hostPath volume of a sensitive path (`/`, `/etc`, `/proc`, `/sys`, a container runtime socket, ...)",
        doc: "These paths give control of the node: the runtime socket starts privileged containers, `/etc` holds \
              credentials, `/` holds everything. Mount the narrowest path, read-only.",
        check: sensitive_host_path,
    },
    Rule {
        id: "DS008",
        name: "writable-host-path",
        severity: Severity::Info,
        summary: "a hostPath volume mounted without `readOnly: true`",
        doc: "A writable hostPath lets the container change the node's files. Mount it read-only unless the agent \
              writes there on purpose.",
        check: writable_host_path,
    },
    Rule {
        id: "DS009",
        name: "tolerates-everything",
        severity: Severity::Warning,
        summary: "a toleration of every taint (`operator: Exists` without key)",
        doc: "It also tolerates `NoExecute` taints for nodes being drained, unreachable or out of resources, so the \
              pod is never moved away from a failing node and runs where nobody meant it to. Tolerate the taints you \
              need by key.",
        check: tolerates_everything,
    },
    Rule {
        id: "DS010",
        name: "slow-rollout",
        severity: Severity::Warning,
        summary: "a rolling update of one pod at a time on a large fleet (needs `--nodes N`, N >= 50)",
        doc: "`maxUnavailable: 1` (also the server's default) replaces one pod at a time: a rollout on N nodes takes \
              N waves, each as long as a pod takes to become ready. Use a percentage (`maxUnavailable: 10%`) or \
              `maxSurge`. The message gives the number of waves for the node count.",
        check: slow_rollout,
    },
];

/// A fleet from this many nodes on counts as large for DS010.
pub(crate) const LARGE_FLEET: u32 = 50;

fn pod(ds: &DaemonSet) -> Option<&PodSpec> {
    ds.spec.as_ref().and_then(|s| s.template.spec.as_ref())
}

fn pod_path() -> FieldPath {
    FieldPath::root("spec").child("template").child("spec")
}

fn containers(ds: &DaemonSet) -> Vec<(FieldPath, &Container)> {
    let Some(pod) = pod(ds) else {
        return Vec::new();
    };
    let init = pod
        .init_containers
        .iter()
        .flatten()
        .enumerate()
        .map(|(i, c)| (pod_path().child("initContainers").index(i), c));
    let main = pod
        .containers
        .iter()
        .enumerate()
        .map(|(i, c)| (pod_path().child("containers").index(i), c));
    main.chain(init).collect()
}

fn missing_resources(ds: &DaemonSet, _: &Options, out: &mut Out) {
    for (path, c) in containers(ds) {
        let resources = c.resources.as_ref();
        let has = |list: Option<&std::collections::BTreeMap<String, _>>, key: &str| {
            list.is_some_and(|m| m.contains_key(key))
        };
        let requests = resources.and_then(|r| r.requests.as_ref());
        let limits = resources.and_then(|r| r.limits.as_ref());
        let missing: Vec<&str> = [
            ("requests.cpu", has(requests, "cpu")),
            ("requests.memory", has(requests, "memory")),
            ("limits.memory", has(limits, "memory")),
        ]
        .into_iter()
        .filter_map(|(name, present)| (!present).then_some(name))
        .collect();
        if !missing.is_empty() {
            out.push((
                path.child("resources"),
                format!(
                    "container `{}` has no {}; the agent can starve the node or be evicted first",
                    c.name,
                    missing.join(", ")
                ),
            ));
        }
    }
}

fn unpinned_image(ds: &DaemonSet, _: &Options, out: &mut Out) {
    for (path, c) in containers(ds) {
        let Some(image) = c.image.as_deref() else {
            continue;
        };
        if image.contains('@') {
            continue;
        }
        let last = image.rsplit('/').next().unwrap_or(image);
        match last.split_once(':') {
            None => out.push((path.child("image"), format!("image {} has no tag, so it means `latest`; pin a version (or a digest) so every node runs the same code", quote(image)))),
            Some((_, "latest")) => out.push((path.child("image"), format!("image {} uses the `latest` tag; pin a version (or a digest) so every node runs the same code", quote(image)))),
            Some(_) => {}
        }
    }
}

fn implicit_update_strategy(ds: &DaemonSet, _: &Options, out: &mut Out) {
    if ds
        .spec
        .as_ref()
        .is_some_and(|s| s.update_strategy.is_none())
    {
        out.push((
            FieldPath::root("spec").child("updateStrategy"),
            "no update strategy: the server's default replaces one pod at a time (RollingUpdate, maxUnavailable 1); say what you want".into(),
        ));
    }
}

fn is_node_agent(ds: &DaemonSet) -> bool {
    let Some(pod) = pod(ds) else { return false };
    pod.host_network == Some(true)
        || pod.host_pid == Some(true)
        || pod.volumes.iter().flatten().any(|v| v.host_path.is_some())
        || pod
            .tolerations
            .iter()
            .flatten()
            .any(|t| t.key.is_none() && t.operator.as_deref() == Some("Exists"))
}

fn missing_priority_class(ds: &DaemonSet, _: &Options, out: &mut Out) {
    if is_node_agent(ds)
        && pod(ds).is_some_and(|p| {
            p.priority_class_name
                .as_deref()
                .unwrap_or_default()
                .is_empty()
        })
    {
        out.push((
            pod_path().child("priorityClassName"),
            "a node agent without priority class can be crowded out of a full node; use `system-node-critical` (or a class of your own)".into(),
        ));
    }
}

fn privileged(ds: &DaemonSet, _: &Options, out: &mut Out) {
    for (path, c) in containers(ds) {
        if c.security_context.as_ref().and_then(|s| s.privileged) == Some(true) {
            out.push((
                path.child("securityContext").child("privileged"),
                format!("container `{}` is privileged (root on the node); add the capabilities it needs instead", c.name),
            ));
        }
    }
}

fn host_namespaces(ds: &DaemonSet, _: &Options, out: &mut Out) {
    let Some(pod) = pod(ds) else { return };
    for (field, on, what) in [
        ("hostNetwork", pod.host_network, "the node's network"),
        ("hostPID", pod.host_pid, "the node's processes"),
        ("hostIPC", pod.host_ipc, "the node's IPC"),
    ] {
        if on == Some(true) {
            out.push((
                pod_path().child(field),
                format!("the pod shares {what}; keep it only if the agent needs it"),
            ));
        }
    }
}

const SENSITIVE: &[&str] = &[
    "/",
    "/etc",
    "/proc",
    "/sys",
    "/root",
    "/boot",
    "/dev",
    "/var/lib/kubelet",
    "/etc/kubernetes",
    "/var/run/docker.sock",
    "/run/docker.sock",
    "/var/run/containerd/containerd.sock",
    "/run/containerd/containerd.sock",
    "/var/run/crio/crio.sock",
    "/run/crio/crio.sock",
    "/var/run",
    "/run",
];

fn normalize(path: &str) -> &str {
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() { "/" } else { trimmed }
}

fn sensitive_host_path(ds: &DaemonSet, _: &Options, out: &mut Out) {
    let Some(pod) = pod(ds) else { return };
    for (i, v) in pod.volumes.iter().flatten().enumerate() {
        let Some(host) = &v.host_path else { continue };
        let path = normalize(&host.path);
        if SENSITIVE.contains(&path) || path.starts_with("/etc/kubernetes/") {
            out.push((
                pod_path()
                    .child("volumes")
                    .index(i)
                    .child("hostPath")
                    .child("path"),
                format!(
                    "volume `{}` exposes {} of the node; mount the narrowest path, read-only",
                    v.name,
                    quote(&host.path)
                ),
            ));
        }
    }
}

fn writable_host_path(ds: &DaemonSet, _: &Options, out: &mut Out) {
    let Some(pod) = pod(ds) else { return };
    let host_volumes: Vec<&str> = pod
        .volumes
        .iter()
        .flatten()
        .filter(|v| v.host_path.is_some())
        .map(|v| v.name.as_str())
        .collect();
    for (path, c) in containers(ds) {
        for (j, m) in c.volume_mounts.iter().flatten().enumerate() {
            if host_volumes.contains(&m.name.as_str()) && m.read_only != Some(true) {
                out.push((
                    path.child("volumeMounts").index(j).child("readOnly"),
                    format!("hostPath volume `{}` is mounted writable at {}; add `readOnly: true` unless the agent writes there", m.name, m.mount_path),
                ));
            }
        }
    }
}

fn tolerates_everything(ds: &DaemonSet, _: &Options, out: &mut Out) {
    let Some(pod) = pod(ds) else { return };
    for (i, t) in pod.tolerations.iter().flatten().enumerate() {
        if t.key.as_deref().unwrap_or_default().is_empty()
            && t.operator.as_deref() == Some("Exists")
        {
            let scope = t
                .effect
                .as_deref()
                .map_or_else(|| "every taint".to_owned(), |e| format!("every {e} taint"));
            out.push((
                pod_path().child("tolerations").index(i),
                format!("tolerates {scope}, also of nodes that are draining or failing; tolerate the taints you need by key"),
            ));
        }
    }
}

/// The number of pods a budget allows at once on `nodes` nodes (percentages round up, as the controller does).
fn resolve(budget: &IntOrString, nodes: u32) -> Option<u32> {
    match budget {
        IntOrString::Int(n) => u32::try_from(*n).ok(),
        IntOrString::String(s) => {
            let p: u64 = s.strip_suffix('%')?.parse().ok()?;
            u32::try_from((u64::from(nodes) * p).div_ceil(100)).ok()
        }
    }
}

fn slow_rollout(ds: &DaemonSet, options: &Options, out: &mut Out) {
    let (Some(nodes), Some(spec)) = (options.nodes, ds.spec.as_ref()) else {
        return;
    };
    let strategy = spec.update_strategy.as_ref();
    if strategy.and_then(|s| s.type_.as_deref()) == Some("OnDelete") {
        return;
    }
    let rolling = strategy.and_then(|s| s.rolling_update.as_ref());
    let surge = rolling
        .and_then(|r| r.max_surge.as_ref())
        .and_then(|b| resolve(b, nodes))
        .unwrap_or(0);
    let unavailable = rolling
        .and_then(|r| r.max_unavailable.as_ref())
        .map_or(Some(1), |b| resolve(b, nodes));
    let budget = if surge > 0 {
        surge
    } else {
        unavailable.unwrap_or(1)
    };
    if budget == 1 && nodes >= LARGE_FLEET {
        let path = if rolling
            .and_then(|r| r.max_surge.as_ref())
            .is_some_and(|_| surge > 0)
        {
            FieldPath::root("spec")
                .child("updateStrategy")
                .child("rollingUpdate")
                .child("maxSurge")
        } else {
            FieldPath::root("spec")
                .child("updateStrategy")
                .child("rollingUpdate")
                .child("maxUnavailable")
        };
        let ten_percent = u32::try_from(u64::from(nodes).div_ceil(10)).unwrap_or(u32::MAX);
        out.push((
            path,
            format!(
                "one pod at a time on {nodes} nodes: a rollout takes {} waves; `maxUnavailable: 10%` would take {} waves",
                rollout_waves(nodes, 1),
                rollout_waves(nodes, ten_percent)
            ),
        ));
    }
}
