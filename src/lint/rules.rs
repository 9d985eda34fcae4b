//! The rules, in id order. Ids are stable: a rule may be retired but its id is never reused.

use k8s_openapi::api::apps::v1::DaemonSet;
use k8s_openapi::api::core::v1::{Container, PodSecurityContext, PodSpec, SecurityContext};

use super::{Options, Rule, Severity};
use crate::plan::Rollout;
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
        opt_in: false,
        check: missing_resources,
    },
    Rule {
        id: "DS002",
        name: "unpinned-image",
        severity: Severity::Warning,
        summary: "an image without a tag, or with the `latest` tag",
        doc: "A moving tag makes nodes run different code depending on when they pulled, and a rollback does not roll \
              back. Pin a version tag or a digest (`@sha256:...`).",
        opt_in: false,
        check: unpinned_image,
    },
    Rule {
        id: "DS003",
        name: "implicit-update-strategy",
        severity: Severity::Warning,
        summary: "no explicit `updateStrategy`, or an empty one (`updateStrategy: {}`)",
        doc: "The server's default (RollingUpdate, maxUnavailable 1) may be far too slow on a large fleet or too fast \
              for a critical agent. Say what you want: `maxUnavailable`, `maxSurge` or `OnDelete`.",
        opt_in: false,
        check: implicit_update_strategy,
    },
    Rule {
        id: "DS004",
        name: "missing-priority-class",
        severity: Severity::Warning,
        summary: "a node agent (hostPath, hostNetwork, hostPID or tolerating every taint) without `priorityClassName`",
        doc: "A node agent that loses a full node to ordinary pods does not run at all there. Give it \
              `priorityClassName: system-node-critical` (or a class of your own) so the scheduler preempts for it.",
        opt_in: false,
        check: missing_priority_class,
    },
    Rule {
        id: "DS005",
        name: "privileged",
        severity: Severity::Warning,
        summary: "a privileged container",
        doc: "A privileged container is root on the node. Most agents need one or two capabilities \
              (`securityContext.capabilities.add`), not all of them. A `Bidirectional` mount propagation requires \
              a privileged container (the server rejects it otherwise): then the finding says so, and the choice is \
              between `HostToContainer` propagation without privilege and a waiver (CSI node plugins need \
              `Bidirectional`). Waive with the annotation when it is needed (CNI, CSI node plugins).",
        opt_in: false,
        check: privileged,
    },
    Rule {
        id: "DS006",
        name: "host-namespaces",
        severity: Severity::Warning,
        summary: "`hostNetwork`, `hostPID` or `hostIPC`",
        doc: "Sharing the node's namespaces lets the pod see and reach everything on the node. Use it only when the \
              agent must (a CNI plugin, a node exporter reading host processes) and waive the rule for that DaemonSet.",
        opt_in: false,
        check: host_namespaces,
    },
    Rule {
        id: "DS007",
        name: "sensitive-host-path",
        severity: Severity::Warning,
        summary: "a hostPath volume of a sensitive path (`/`, `/etc`, `/proc`, `/sys`, a container runtime socket, ...)",
        doc: "These paths give control of the node: the runtime socket starts privileged containers, `/etc` holds \
              credentials, `/` holds everything. Mount the narrowest path, read-only.",
        opt_in: false,
        check: sensitive_host_path,
    },
    Rule {
        id: "DS008",
        name: "writable-host-path",
        severity: Severity::Info,
        summary: "a hostPath volume mounted without `readOnly: true`",
        doc: "A writable hostPath lets the container change the node's files. Mount it read-only unless the agent \
              writes there on purpose.",
        opt_in: false,
        check: writable_host_path,
    },
    Rule {
        id: "DS009",
        name: "tolerates-everything",
        severity: Severity::Warning,
        summary: "a toleration of every taint (`operator: Exists` without key)",
        doc: "The DaemonSet controller already adds the tolerations a node agent needs to stay on a failing node \
              (`node.kubernetes.io/not-ready` and `unreachable` NoExecute; `disk-pressure`, `memory-pressure`, \
              `pid-pressure` and `unschedulable` NoSchedule; `network-unavailable` with hostNetwork). Tolerating \
              every taint adds the taints operators set on purpose: dedicated and control-plane nodes, nodes being \
              removed by an autoscaler (`ToBeDeletedByClusterAutoscaler`), nodes marked out of service. Tolerate the \
              taints you need by key (`node-role.kubernetes.io/control-plane` for control-plane nodes).",
        opt_in: false,
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
        opt_in: false,
        check: slow_rollout,
    },
    Rule {
        id: "DS011",
        name: "host-port",
        severity: Severity::Warning,
        summary: "a container port with an explicit `hostPort`",
        doc: "A host port belongs to one pod per node: a second pod asking for it is not scheduled there. A surge \
              rollout (`maxSurge`) cannot start the new pod beside the old one, and any other workload that wants the \
              port stays Pending. Reach the agent through a Service unless it must be reached on the node's address. \
              With hostNetwork the port is bound on the node anyway; the rule fires only where `hostPort` is written.",
        opt_in: false,
        check: host_port,
    },
    Rule {
        id: "DS012",
        name: "dangerous-capabilities",
        severity: Severity::Warning,
        summary: "an added capability that is close to root on the node (`ALL`, `SYS_ADMIN`, `SYS_MODULE`, `SYS_PTRACE`, `SYS_RAWIO`, `SYS_BOOT`, `DAC_READ_SEARCH`)",
        doc: "`SYS_ADMIN` alone allows mounting file systems and most of what privileged allows; `SYS_MODULE` loads \
              kernel code; `SYS_PTRACE` reads every process's memory (with hostPID); `DAC_READ_SEARCH` reads any \
              file through open_by_handle_at. Add narrower capabilities (`BPF`, `PERFMON`, `NET_ADMIN`) where they \
              suffice, and waive the rule for the agents that need them. Privileged containers are DS005's.",
        opt_in: false,
        check: dangerous_capabilities,
    },
    Rule {
        id: "DS013",
        name: "secret-in-env",
        severity: Severity::Warning,
        summary: "an env var whose name says it holds a secret (password, token, API key...) set to a plain `value`",
        doc: "A plain value is stored in the DaemonSet, shown by `kubectl get -o yaml` and `describe` to anyone who \
              may read DaemonSets, and kept in every ControllerRevision. Put it in a Secret and use \
              `valueFrom.secretKeyRef` (or mount it as a file). Names that point at a secret (`*_FILE`, `*_PATH`, \
              `*_NAME`, `*_ID`...) and values that are paths or `$(VAR)` references are not flagged.",
        opt_in: false,
        check: secret_in_env,
    },
    Rule {
        id: "DS014",
        name: "duplicate-env",
        severity: Severity::Warning,
        summary: "an env var defined twice in one container (the API server warns \"hides previous definition\")",
        doc: "The container sees the last definition only, and server-side apply keys env by name, so one of the two \
              may be dropped on apply. The rule follows the API server's warning: `X=$(X)suffix` is fine. Keep one \
              definition.",
        opt_in: false,
        check: duplicate_env,
    },
    Rule {
        id: "DS015",
        name: "missing-ephemeral-storage",
        severity: Severity::Info,
        summary: "opt-in: a container without an `ephemeral-storage` request and limit",
        doc: "Without a limit, logs and scratch files of the agent can fill the node's disk, and under disk pressure \
              the kubelet evicts pods by their use above requests. Most agents set neither, so the rule is opt-in \
              (`--enable DS015`).",
        opt_in: true,
        check: missing_ephemeral_storage,
    },
    Rule {
        id: "DS016",
        name: "low-user-id",
        severity: Severity::Info,
        summary: "opt-in: a container without `runAsUser` and `runAsGroup` of 10000 or more",
        doc: "Ids below 10000 may be those of users on the node, so a container escape lands as a real user. Node \
              agents often run as root on purpose, so the rule is opt-in (`--enable DS016`). Windows pods are \
              skipped.",
        opt_in: true,
        check: low_user_id,
    },
    Rule {
        id: "DS017",
        name: "missing-run-as-non-root",
        severity: Severity::Info,
        summary: "opt-in: a container without `runAsNonRoot: true` (pod or container)",
        doc: "`runAsNonRoot: true` makes the kubelet refuse to start an image that would run as root. Node agents \
              often need root, so the rule is opt-in (`--enable DS017`). Windows pods are skipped.",
        opt_in: true,
        check: missing_run_as_non_root,
    },
    Rule {
        id: "DS018",
        name: "writable-root-filesystem",
        severity: Severity::Info,
        summary: "opt-in: a container without `readOnlyRootFilesystem: true`",
        doc: "A read-only root file system keeps an intruder from changing the agent's binaries; scratch space goes \
              in an emptyDir. Few agents set it, so the rule is opt-in (`--enable DS018`). Windows pods are skipped.",
        opt_in: true,
        check: writable_root_filesystem,
    },
    Rule {
        id: "DS019",
        name: "image-pull-never",
        severity: Severity::Warning,
        summary: "`imagePullPolicy: Never`",
        doc: "A DaemonSet runs on every node, also on nodes added later whose image cache is empty: there the pod \
              fails with ErrImageNeverPull. Use `IfNotPresent` (with a pinned tag or digest) instead.",
        opt_in: false,
        check: image_pull_never,
    },
    Rule {
        id: "DS020",
        name: "identical-probes",
        severity: Severity::Warning,
        summary: "a container whose liveness and readiness probes run the same check",
        doc: "When the check fails, the pod is taken out of service and restarted at once, so a slow dependency \
              turns into a restart loop on every node. Let liveness check only that the process is alive (another \
              endpoint, or a higher failureThreshold than readiness).",
        opt_in: false,
        check: identical_probes,
    },
    Rule {
        id: "DS021",
        name: "capabilities-not-dropped",
        severity: Severity::Info,
        summary: "opt-in: a container that does not drop `ALL` capabilities (privileged ones are DS005's)",
        doc: "Container runtimes grant a default set of capabilities (`NET_RAW`, `CHOWN`, `SETUID`...); dropping `ALL` \
              and adding back what the agent needs leaves only those. Few agents do, so the rule is opt-in \
              (`--enable DS021`). Windows pods are skipped.",
        opt_in: true,
        check: capabilities_not_dropped,
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
    let Some(spec) = ds.spec.as_ref() else { return };
    let message = match &spec.update_strategy {
        None => "no update strategy",
        Some(s) if s.type_.is_none() && s.rolling_update.is_none() => {
            "an empty update strategy (`{}`)"
        }
        Some(_) => return,
    };
    out.push((
        FieldPath::root("spec").child("updateStrategy"),
        format!("{message}: the server's default replaces one pod at a time (RollingUpdate, maxUnavailable 1); say what you want"),
    ));
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
        if c.security_context.as_ref().and_then(|s| s.privileged) != Some(true) {
            continue;
        }
        let bidirectional = c
            .volume_mounts
            .iter()
            .flatten()
            .find(|m| m.mount_propagation.as_deref() == Some("Bidirectional"));
        let message = match bidirectional {
            Some(m) => format!(
                "container `{}` is privileged (root on the node), as its Bidirectional mount at {} requires; if the agent does not create mounts the host must see, use `mountPropagation: HostToContainer` and drop privileged, else waive DS005",
                c.name,
                quote(&m.mount_path)
            ),
            None => format!(
                "container `{}` is privileged (root on the node); add the capabilities it needs instead",
                c.name
            ),
        };
        out.push((path.child("securityContext").child("privileged"), message));
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
                format!("tolerates {scope}, also those set to keep pods off dedicated nodes and nodes being removed (the controller already tolerates not-ready, unreachable, pressure and unschedulable nodes); tolerate the taints you need by key"),
            ));
        }
    }
}

fn slow_rollout(ds: &DaemonSet, options: &Options, out: &mut Out) {
    let Some(nodes) = options.nodes else {
        return;
    };
    let desired = usize::try_from(nodes).unwrap_or(usize::MAX);
    // The planner's rollout estimate is the one place where budgets become waves.
    let rollout = Rollout::estimate(ds, desired, 0);
    if rollout.strategy != "RollingUpdate" || rollout.pods_per_wave != 1 || nodes < LARGE_FLEET {
        return;
    }
    let budget = if rollout.max_surge > 0 {
        "maxSurge"
    } else {
        "maxUnavailable"
    };
    let path = FieldPath::root("spec")
        .child("updateStrategy")
        .child("rollingUpdate")
        .child(budget);
    let ten_percent = Rollout::waves(desired, desired.div_ceil(10));
    out.push((
        path,
        format!(
            "one pod at a time on {nodes} nodes: a rollout takes {} waves; `maxUnavailable: 10%` would take {ten_percent} waves",
            rollout.waves
        ),
    ));
}

fn host_port(ds: &DaemonSet, _: &Options, out: &mut Out) {
    for (path, c) in containers(ds) {
        for (j, port) in c.ports.iter().flatten().enumerate() {
            let Some(host) = port.host_port.filter(|p| *p > 0) else {
                continue;
            };
            let protocol = port.protocol.as_deref().unwrap_or("TCP");
            out.push((
                path.child("ports").index(j).child("hostPort"),
                format!("container `{}` binds host port {host}/{protocol}: a second pod asking for it is not scheduled on the node, so a surge rollout cannot start the new pod and other workloads wanting the port stay Pending", c.name),
            ));
        }
    }
}

/// Capabilities that are close to root on the node, without the `CAP_` prefix.
const DANGEROUS_CAPABILITIES: &[&str] = &[
    "ALL",
    "SYS_ADMIN",
    "SYS_MODULE",
    "SYS_PTRACE",
    "SYS_RAWIO",
    "SYS_BOOT",
    "DAC_READ_SEARCH",
];

fn is_privileged(c: &Container) -> bool {
    c.security_context.as_ref().and_then(|s| s.privileged) == Some(true)
}

fn dangerous_capabilities(ds: &DaemonSet, _: &Options, out: &mut Out) {
    for (path, c) in containers(ds) {
        if is_privileged(c) {
            continue;
        }
        let added = c
            .security_context
            .as_ref()
            .and_then(|s| s.capabilities.as_ref())
            .and_then(|caps| caps.add.as_ref());
        for (j, cap) in added.into_iter().flatten().enumerate() {
            let upper = cap.to_ascii_uppercase();
            let bare = upper.strip_prefix("CAP_").unwrap_or(&upper);
            if DANGEROUS_CAPABILITIES.contains(&bare) {
                out.push((
                    path.child("securityContext")
                        .child("capabilities")
                        .child("add")
                        .index(j),
                    format!("container `{}` adds {}, which is close to root on the node; add narrower capabilities where they suffice", c.name, quote(cap)),
                ));
            }
        }
    }
}

/// Whether an env var name says it holds a secret (and not where to find one).
fn secret_like(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    let words: Vec<&str> = upper
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let pointer = words.iter().any(|w| {
        matches!(
            *w,
            "FILE"
                | "FILES"
                | "PATH"
                | "DIR"
                | "NAME"
                | "URL"
                | "URI"
                | "ENDPOINT"
                | "ENABLED"
                | "ENABLE"
                | "ID"
                | "TYPE"
                | "REF"
                | "MOUNT"
                | "LOCATION"
                | "HEADER"
                | "TTL"
                | "EXPIRY"
                | "EXPIRATION"
                | "LENGTH"
                | "SIZE"
                | "AUDIENCE"
                | "REFRESH"
                | "PERIOD"
                | "INTERVAL"
        )
    });
    if pointer {
        return false;
    }
    words.iter().any(|w| {
        matches!(
            *w,
            "PASSWORD" | "PASSWD" | "SECRET" | "TOKEN" | "APIKEY" | "CREDENTIALS" | "PASSPHRASE"
        )
    }) || [
        "API_KEY",
        "ACCESS_KEY",
        "PRIVATE_KEY",
        "SECRET_KEY",
        "AUTH_KEY",
    ]
    .iter()
    .any(|k| upper.contains(k))
}

fn secret_in_env(ds: &DaemonSet, _: &Options, out: &mut Out) {
    for (path, c) in containers(ds) {
        for (j, env) in c.env.iter().flatten().enumerate() {
            let Some(value) = env.value.as_deref() else {
                continue;
            };
            let plain = !value.is_empty()
                && !value.starts_with('/')
                && !value.contains("$(")
                && !matches!(value.to_ascii_lowercase().as_str(), "true" | "false");
            if plain && env.value_from.is_none() && secret_like(&env.name) {
                out.push((
                    path.child("env").index(j).child("value"),
                    format!("container `{}` sets {} to a plain value, readable by anyone who may read DaemonSets; use `valueFrom.secretKeyRef`", c.name, quote(&env.name)),
                ));
            }
        }
    }
}

/// The API server's condition for the "hides previous definition" warning: a later definition of a name that
/// comes from `valueFrom`, or does not refer to the earlier value (`X=$(X)suffix` is fine, `X=$(X)` is not).
fn hides_previous(env: &k8s_openapi::api::core::v1::EnvVar) -> bool {
    let reference = format!("$({})", env.name);
    let value = env.value.as_deref().unwrap_or_default();
    env.value_from.is_some() || value == reference || !value.contains(&reference)
}

/// The env vars of a container that redefine an earlier one in a way the API server warns about: `(index, index
/// of the first definition)`. Repeats are found by the shared rule (`daemonset_rules::unique`), the spec loader's
/// and the macro's too; the warning's condition is [`hides_previous`].
pub(crate) fn hidden_env(env: &[k8s_openapi::api::core::v1::EnvVar]) -> Vec<(usize, usize)> {
    daemonset_rules::unique::duplicates(env.iter().map(|e| e.name.as_str()))
        .into_iter()
        .filter(|&(i, _)| hides_previous(&env[i]))
        .collect()
}

fn duplicate_env(ds: &DaemonSet, _: &Options, out: &mut Out) {
    for (path, c) in containers(ds) {
        let env = c.env.as_deref().unwrap_or_default();
        for (j, first) in hidden_env(env) {
            out.push((
                path.child("env").index(j),
                format!("container `{}` defines {} again (first at env[{first}]): the container sees only the last value, and apply may drop one of them", c.name, quote(&env[j].name)),
            ));
        }
    }
}

fn missing_ephemeral_storage(ds: &DaemonSet, _: &Options, out: &mut Out) {
    for (path, c) in containers(ds) {
        let resources = c.resources.as_ref();
        let request = resources
            .and_then(|r| r.requests.as_ref())
            .is_some_and(|m| m.contains_key("ephemeral-storage"));
        let limit = resources
            .and_then(|r| r.limits.as_ref())
            .is_some_and(|m| m.contains_key("ephemeral-storage"));
        let missing = match (request, limit) {
            (true, true) => continue,
            (false, false) => "requests.ephemeral-storage, limits.ephemeral-storage",
            (false, true) => "requests.ephemeral-storage",
            (true, false) => "limits.ephemeral-storage",
        };
        out.push((
            path.child("resources"),
            format!(
                "container `{}` has no {missing}; its logs and scratch files can fill the node's disk",
                c.name
            ),
        ));
    }
}

/// Windows pods: the Linux user, group, root and capability settings do not apply.
fn is_windows(ds: &DaemonSet) -> bool {
    pod(ds).is_some_and(|p| {
        p.os.as_ref().is_some_and(|os| os.name == "windows")
            || p.security_context
                .as_ref()
                .and_then(|s| s.windows_options.as_ref())
                .is_some()
            || p.node_selector
                .as_ref()
                .and_then(|n| n.get("kubernetes.io/os"))
                .is_some_and(|os| os == "windows")
    })
}

/// A security setting of a container, else of the pod.
fn effective<T>(
    ds: &DaemonSet,
    c: &Container,
    container: impl Fn(&SecurityContext) -> Option<T>,
    pod_level: impl Fn(&PodSecurityContext) -> Option<T>,
) -> Option<T> {
    c.security_context.as_ref().and_then(container).or_else(|| {
        pod(ds)
            .and_then(|p| p.security_context.as_ref())
            .and_then(pod_level)
    })
}

/// The ids kube-score asks for: above this, a container's user cannot be a user of the node.
const HIGH_ID: i64 = 10000;

fn low_user_id(ds: &DaemonSet, _: &Options, out: &mut Out) {
    if is_windows(ds) {
        return;
    }
    for (path, c) in containers(ds) {
        let user = effective(ds, c, |s| s.run_as_user, |p| p.run_as_user);
        let group = effective(ds, c, |s| s.run_as_group, |p| p.run_as_group);
        if user.is_some_and(|u| u >= HIGH_ID) && group.is_some_and(|g| g >= HIGH_ID) {
            continue;
        }
        let show =
            |id: Option<i64>, unset: &str| id.map_or_else(|| unset.to_owned(), |id| id.to_string());
        out.push((
            path.child("securityContext"),
            format!(
                "container `{}` runs as user {} and group {}; ids of {HIGH_ID} and above cannot be those of the node's users",
                c.name,
                show(user, "unset (the image's, often root)"),
                show(group, "unset")
            ),
        ));
    }
}

fn missing_run_as_non_root(ds: &DaemonSet, _: &Options, out: &mut Out) {
    if is_windows(ds) {
        return;
    }
    for (path, c) in containers(ds) {
        if effective(ds, c, |s| s.run_as_non_root, |p| p.run_as_non_root) != Some(true) {
            out.push((
                path.child("securityContext").child("runAsNonRoot"),
                format!(
                    "container `{}` may run as root: set `runAsNonRoot: true` so the kubelet refuses an image that would",
                    c.name
                ),
            ));
        }
    }
}

fn writable_root_filesystem(ds: &DaemonSet, _: &Options, out: &mut Out) {
    if is_windows(ds) {
        return;
    }
    for (path, c) in containers(ds) {
        if c.security_context
            .as_ref()
            .and_then(|s| s.read_only_root_filesystem)
            != Some(true)
        {
            out.push((
                path.child("securityContext").child("readOnlyRootFilesystem"),
                format!(
                    "container `{}` can change its own files; set `readOnlyRootFilesystem: true` and write to an emptyDir",
                    c.name
                ),
            ));
        }
    }
}

fn image_pull_never(ds: &DaemonSet, _: &Options, out: &mut Out) {
    for (path, c) in containers(ds) {
        if c.image_pull_policy.as_deref() == Some("Never") {
            out.push((
                path.child("imagePullPolicy"),
                format!("container `{}` never pulls its image: on a node without it in the cache (a new node) the pod fails with ErrImageNeverPull; use `IfNotPresent`", c.name),
            ));
        }
    }
}

fn identical_probes(ds: &DaemonSet, _: &Options, out: &mut Out) {
    for (path, c) in containers(ds) {
        let (Some(live), Some(ready)) = (&c.liveness_probe, &c.readiness_probe) else {
            continue;
        };
        let handler = |p: &k8s_openapi::api::core::v1::Probe| {
            (
                p.exec.clone(),
                p.http_get.clone(),
                p.tcp_socket.clone(),
                p.grpc.clone(),
            )
        };
        let (l, r) = (handler(live), handler(ready));
        let empty = l.0.is_none() && l.1.is_none() && l.2.is_none() && l.3.is_none();
        if !empty && l == r {
            out.push((
                path.child("livenessProbe"),
                format!("container `{}` runs the same check for liveness and readiness: when it fails the pod is taken out of service and restarted at once; let liveness check only that the process is alive", c.name),
            ));
        }
    }
}

fn capabilities_not_dropped(ds: &DaemonSet, _: &Options, out: &mut Out) {
    if is_windows(ds) {
        return;
    }
    for (path, c) in containers(ds) {
        if is_privileged(c) {
            continue;
        }
        let drops_all = c
            .security_context
            .as_ref()
            .and_then(|s| s.capabilities.as_ref())
            .and_then(|caps| caps.drop.as_ref())
            .is_some_and(|d| d.iter().any(|cap| cap.eq_ignore_ascii_case("ALL")));
        if !drops_all {
            out.push((
                path.child("securityContext").child("capabilities").child("drop"),
                format!("container `{}` keeps the runtime's default capabilities; drop `ALL` and add back what it needs", c.name),
            ));
        }
    }
}
