//! The causes the doctor recognises, each with the data it names, and how a refused pod creation is read.

use std::fmt;

use serde::Serialize;

use super::state::LogTail;

/// Why the API server refused to create a pod (the message of a `FailedCreate` event of the DaemonSet), named.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "by")]
#[non_exhaustive]
pub enum Refusal {
    /// The ServiceAccount admission plugin: the template's `serviceAccountName` does not exist.
    MissingServiceAccount {
        /// The ServiceAccount's name.
        name: String,
    },
    /// PodSecurity admission: the namespace's `pod-security.kubernetes.io/enforce` level forbids the pod.
    PodSecurity {
        /// The level and version (`baseline:latest`).
        level: String,
        /// What the level forbids (`privileged (container "c" must not set securityContext.privileged=true)`).
        violations: String,
    },
    /// ResourceQuota admission: the pod would exceed a quota of the namespace (or the quota requires limits).
    ResourceQuota {
        /// The quota's name, when the message names it.
        quota: Option<String>,
        /// The quota's words (`requested: pods=1, used: pods=1, limited: pods=1`).
        detail: String,
    },
    /// LimitRanger admission: a LimitRange of the namespace forbids the container's requests or limits.
    LimitRange {
        /// The LimitRange's words (`maximum cpu usage per Container is 100m, but limit is 200m`).
        detail: String,
    },
    /// A validating or mutating admission webhook denied the pod, or could not be called.
    AdmissionWebhook {
        /// The webhook's name.
        webhook: String,
        /// What it said.
        detail: String,
    },
    /// A ValidatingAdmissionPolicy denied the pod.
    AdmissionPolicy {
        /// The policy's words.
        detail: String,
    },
    /// Anything else (the message says it).
    Other,
}

fn between<'m>(message: &'m str, start: &str, end: &str) -> Option<&'m str> {
    let from = message.find(start)? + start.len();
    let rest = &message[from..];
    Some(rest.find(end).map_or(rest, |i| &rest[..i]))
}

impl Refusal {
    /// Reads the message of a `FailedCreate` event (`Error creating: pods "x-" is forbidden: ...`).
    ///
    /// ```
    /// use daemonset::doctor::Refusal;
    /// let r = Refusal::classify(r#"Error creating: pods "a-" is forbidden: error looking up service account ns/agent: serviceaccount "agent" not found"#);
    /// assert_eq!(r, Refusal::MissingServiceAccount { name: "agent".into() });
    /// ```
    pub fn classify(message: &str) -> Refusal {
        if let Some(name) = between(message, "serviceaccount \"", "\" not found") {
            return Refusal::MissingServiceAccount { name: name.into() };
        }
        if let Some(level) = between(message, "violates PodSecurity \"", "\"") {
            let violations = between(message, &format!("PodSecurity \"{level}\": "), "\n")
                .unwrap_or("")
                .trim()
                .to_owned();
            return Refusal::PodSecurity {
                level: level.into(),
                violations,
            };
        }
        if let Some(rest) = between(message, "exceeded quota: ", "\n") {
            let (quota, detail) = rest.split_once(", ").unwrap_or((rest, ""));
            return Refusal::ResourceQuota {
                quota: Some(quota.into()),
                detail: detail.into(),
            };
        }
        if let Some(rest) = between(message, "failed quota: ", "\n") {
            let (quota, detail) = rest.split_once(": ").unwrap_or((rest, ""));
            return Refusal::ResourceQuota {
                quota: Some(quota.into()),
                detail: detail.into(),
            };
        }
        if let Some(quota) = between(message, "status unknown for quota: ", ",") {
            return Refusal::ResourceQuota {
                quota: Some(quota.trim().into()),
                detail: "the quota's usage is not computed yet (is the resourcequota controller running?)"
                    .into(),
            };
        }
        const LIMIT_WORDS: [&str; 4] = [
            " usage per Container is ",
            " usage per Pod is ",
            " max limit to request ratio per ",
            "must be less than or equal to",
        ];
        if LIMIT_WORDS.iter().any(|w| message.contains(w)) {
            let detail = message
                .split_once("is forbidden: ")
                .map_or(message, |(_, d)| d)
                .trim_matches(|c| c == '[' || c == ']')
                .to_owned();
            return Refusal::LimitRange { detail };
        }
        if let Some(webhook) = between(message, "admission webhook \"", "\"") {
            let detail = between(message, "denied the request: ", "\n")
                .unwrap_or("denied the request")
                .to_owned();
            return Refusal::AdmissionWebhook {
                webhook: webhook.into(),
                detail,
            };
        }
        if let Some(webhook) = between(message, "failed calling webhook \"", "\"") {
            let detail = message
                .split_once(&format!("failed calling webhook \"{webhook}\": "))
                .map_or("", |(_, d)| d)
                .to_owned();
            return Refusal::AdmissionWebhook {
                webhook: webhook.into(),
                detail: format!("could not be called: {detail}"),
            };
        }
        if message.contains("ValidatingAdmissionPolicy") {
            let detail = message
                .split_once("is forbidden: ")
                .map_or(message, |(_, d)| d)
                .to_owned();
            return Refusal::AdmissionPolicy { detail };
        }
        Refusal::Other
    }
}

impl Refusal {
    /// A few words for the per-node table (`refused by PodSecurity`).
    pub fn short(&self) -> String {
        match self {
            Refusal::MissingServiceAccount { name } => {
                format!("refused: ServiceAccount {name} missing")
            }
            Refusal::PodSecurity { level, .. } => format!("refused by PodSecurity {level}"),
            Refusal::ResourceQuota { quota: Some(q), .. } => {
                format!("refused by ResourceQuota {q}")
            }
            Refusal::ResourceQuota { quota: None, .. } => "refused by a ResourceQuota".into(),
            Refusal::LimitRange { .. } => "refused by a LimitRange".into(),
            Refusal::AdmissionWebhook { webhook, .. } => format!("refused by webhook {webhook}"),
            Refusal::AdmissionPolicy { .. } => "refused by a ValidatingAdmissionPolicy".into(),
            Refusal::Other => "creation refused".into(),
        }
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::MissingServiceAccount { name } => {
                write!(
                    f,
                    "ServiceAccount `{name}` does not exist (serviceAccountName of the template)"
                )
            }
            Refusal::PodSecurity { level, violations } => write!(
                f,
                "PodSecurity admission (enforce {level}) refuses the pod: {violations}"
            ),
            Refusal::ResourceQuota { quota, detail } => {
                f.write_str("ResourceQuota")?;
                if let Some(q) = quota {
                    write!(f, " `{q}`")?;
                }
                write!(f, " refuses the pod: {detail}")
            }
            Refusal::LimitRange { detail } => write!(f, "LimitRange refuses the pod: {detail}"),
            Refusal::AdmissionWebhook { webhook, detail } => {
                write!(f, "admission webhook `{webhook}`: {detail}")
            }
            Refusal::AdmissionPolicy { detail } => {
                write!(f, "ValidatingAdmissionPolicy refuses the pod: {detail}")
            }
            Refusal::Other => f.write_str("the API server refuses the pod"),
        }
    }
}

/// One cause, with what it is about. Causes are grouped over nodes in a [`super::Finding`].
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
#[non_exhaustive]
pub enum Cause {
    /// No pod on the node, by design or by mistake: the planner's reason (nodeSelector, affinity, taint, nodeName).
    NotPlaced {
        /// The reason (`untolerated taint dedicated=gpu:NoSchedule`).
        reason: String,
    },
    /// A pod runs on a node the controller would not place it on now (or deletes it from).
    Misscheduled {
        /// The planner's reason.
        reason: String,
    },
    /// The controller's pod creations are refused (`FailedCreate` events of the DaemonSet).
    CreateRefused {
        /// The refusal, named.
        refusal: Refusal,
        /// The event's message.
        message: String,
    },
    /// The controller wants a pod on the node and there is none, and no event says why (yet).
    NoPod,
    /// The pod is not bound to its node: the scheduler's reason and what is requested vs free there.
    Unschedulable {
        /// The scheduler's `FailedScheduling` message (the preemption part left out), when there is one.
        scheduler: Option<String>,
        /// The planner's Pending reasons on the node (`insufficient cpu: requests 64, 8 free of 8 allocatable`).
        shortfalls: Vec<String>,
    },
    /// The image cannot be pulled (`ImagePullBackOff`, `ErrImagePull`, `InvalidImageName`, `ErrImageNeverPull`).
    ImagePull {
        /// The container.
        container: String,
        /// The image.
        image: String,
        /// The waiting reason.
        reason: String,
        /// The kubelet's message.
        message: Option<String>,
    },
    /// The container keeps crashing (`CrashLoopBackOff`).
    CrashLoop {
        /// The container.
        container: String,
        /// Its restart count.
        restarts: i32,
        /// The last termination's exit code.
        exit_code: Option<i32>,
        /// The last termination's reason (`Error`, `OOMKilled`, `Completed`).
        reason: Option<String>,
        /// The container's memory limit, named when it was OOMKilled.
        memory_limit: Option<String>,
        /// The previous container's log, `None` when it was not fetched (a recorded state without logs).
        log: Option<LogTail>,
    },
    /// The container's configuration cannot be built (`CreateContainerConfigError`: a missing ConfigMap, Secret or
    /// key; `CreateContainerError`).
    ConfigError {
        /// The container.
        container: String,
        /// The waiting reason.
        reason: String,
        /// The kubelet's message.
        message: Option<String>,
    },
    /// The container waits for another reason (`ContainerCreating`, `PodInitializing`, ...).
    Waiting {
        /// The container.
        container: String,
        /// The waiting reason.
        reason: String,
        /// The kubelet's message.
        message: Option<String>,
    },
    /// The container exited and is not restarted yet.
    Exited {
        /// The container.
        container: String,
        /// The exit code.
        exit_code: i32,
        /// The reason.
        reason: Option<String>,
    },
    /// A probe fails (`Unhealthy` events of the pod).
    ProbeFailing {
        /// `Readiness`, `Startup` or `Liveness`.
        probe: String,
        /// The container, when the event names it.
        container: Option<String>,
        /// What the probe got.
        message: String,
    },
    /// The pod runs but is not Ready, and no event says why.
    NotReady {
        /// The containers that are not ready.
        containers: Vec<String>,
    },
    /// The kubelet has not reported the pod's status yet.
    NoStatus,
    /// A rolling update in progress: these nodes still run an old revision.
    OldRevision {
        /// The current revision's hash.
        current: String,
    },
    /// The rolling update is stuck: unavailable pods use up `maxUnavailable` and nothing may surge.
    BudgetUsedUp {
        /// `maxUnavailable`, scaled to the desired count.
        max_unavailable: usize,
        /// Desired nodes without an available pod.
        unavailable: usize,
    },
    /// `maxSurge` with host ports (or hostNetwork): the surge pod can never start beside the old one.
    SurgeBlocked {
        /// `maxSurge`, scaled.
        max_surge: usize,
        /// The host ports the old pod holds (`TCP/9100`).
        ports: Vec<String>,
    },
    /// `OnDelete`: the old pods are replaced only when someone deletes them.
    OnDeleteWaiting,
    /// The controller has not observed the latest spec yet: the counts are of an older generation.
    StatusStale {
        /// `metadata.generation`.
        generation: i64,
        /// `status.observedGeneration`.
        observed: i64,
    },
}

impl Cause {
    /// Whether the cause makes the DaemonSet unhealthy (the planner's placement reasons do not: the controller does
    /// what it was told).
    pub fn is_problem(&self) -> bool {
        !matches!(self, Cause::NotPlaced { .. })
    }

    /// Whether the cause stops a rollout for good (until someone acts).
    pub fn is_stuck(&self) -> bool {
        matches!(
            self,
            Cause::BudgetUsedUp { .. } | Cause::SurgeBlocked { .. } | Cause::OnDeleteWaiting
        )
    }

    /// What groups the same cause on several nodes (per-pod numbers such as restart counts left out).
    pub fn group_key(&self) -> String {
        match self {
            Cause::CrashLoop {
                container,
                exit_code,
                reason,
                ..
            } => format!("crash/{container}/{exit_code:?}/{reason:?}"),
            Cause::Unschedulable { scheduler, .. } => format!("unschedulable/{scheduler:?}"),
            Cause::ImagePull {
                container,
                image,
                reason,
                ..
            } => format!("image/{container}/{image}/{reason}"),
            Cause::ProbeFailing {
                probe, container, ..
            } => format!("probe/{probe}/{container:?}"),
            Cause::Waiting {
                container, reason, ..
            } => format!("waiting/{container}/{reason}"),
            other => format!("{other:?}"),
        }
    }
}

impl fmt::Display for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cause::NotPlaced { reason } => write!(f, "no pod by design: {reason}"),
            Cause::Misscheduled { reason } => {
                write!(
                    f,
                    "pod runs where the DaemonSet no longer places it: {reason}"
                )
            }
            Cause::CreateRefused { refusal, message } => match refusal {
                Refusal::Other => write!(f, "pod creation refused: {message}"),
                named => write!(f, "pod creation refused: {named}"),
            },
            Cause::NoPod => {
                f.write_str("no pod yet: the controller has not created it and no event says why")
            }
            Cause::Unschedulable {
                scheduler,
                shortfalls,
            } => {
                f.write_str("Pending: the scheduler cannot place the pod")?;
                if let Some(s) = scheduler {
                    write!(f, ": {s}")?;
                }
                if !shortfalls.is_empty() {
                    write!(f, "; on its node: {}", shortfalls.join("; "))?;
                }
                Ok(())
            }
            Cause::ImagePull {
                container,
                image,
                reason,
                message,
            } => {
                write!(
                    f,
                    "{reason}: container {container} cannot pull image {image}"
                )?;
                if let Some(m) = message {
                    write!(f, ": {m}")?;
                }
                Ok(())
            }
            Cause::CrashLoop {
                container,
                restarts,
                exit_code,
                reason,
                memory_limit,
                ..
            } => {
                write!(
                    f,
                    "CrashLoopBackOff: container {container} restarted {restarts} times"
                )?;
                if reason.as_deref() == Some("OOMKilled") {
                    write!(f, ", OOMKilled")?;
                    match memory_limit {
                        Some(l) => write!(f, ": it used more than its memory limit {l}")?,
                        None => write!(f, " (no memory limit: the node ran out of memory)")?,
                    }
                    if let Some(c) = exit_code {
                        write!(f, " (exit code {c})")?;
                    }
                } else {
                    match (exit_code, reason) {
                        (Some(c), Some(r)) => write!(f, ", last exit code {c} ({r})")?,
                        (Some(c), None) => write!(f, ", last exit code {c}")?,
                        (None, Some(r)) => write!(f, ", last termination: {r}")?,
                        (None, None) => {}
                    }
                }
                Ok(())
            }
            Cause::ConfigError {
                container,
                reason,
                message,
            } => {
                write!(f, "{reason}: container {container}")?;
                if let Some(m) = message {
                    write!(f, ": {m}")?;
                }
                Ok(())
            }
            Cause::Waiting {
                container,
                reason,
                message,
            } => {
                write!(f, "container {container} waiting: {reason}")?;
                if let Some(m) = message {
                    write!(f, ": {m}")?;
                }
                Ok(())
            }
            Cause::Exited {
                container,
                exit_code,
                reason,
            } => {
                write!(f, "container {container} exited with code {exit_code}")?;
                if let Some(r) = reason {
                    write!(f, " ({r})")?;
                }
                Ok(())
            }
            Cause::ProbeFailing {
                probe,
                container,
                message,
            } => {
                write!(f, "{} probe failing", probe.to_lowercase())?;
                if let Some(c) = container {
                    write!(f, " on container {c}")?;
                }
                write!(f, ": {message}")
            }
            Cause::NotReady { containers } => write!(
                f,
                "running but not Ready (containers {}), no probe event",
                containers.join(", ")
            ),
            Cause::NoStatus => f.write_str("bound, but the kubelet has not reported the pod yet"),
            Cause::OldRevision { current } => {
                write!(
                    f,
                    "rolling update in progress: old revision (current {current})"
                )
            }
            Cause::BudgetUsedUp {
                max_unavailable,
                unavailable,
            } => write!(
                f,
                "rollout stuck: {unavailable} unavailable pod(s) use up maxUnavailable {max_unavailable}, so no old pod is replaced"
            ),
            Cause::SurgeBlocked { max_surge, ports } => write!(
                f,
                "rollout stuck: maxSurge {max_surge} with host ports {}: the surge pod can never start beside the old one (use maxUnavailable)",
                ports.join(", ")
            ),
            Cause::OnDeleteWaiting => f.write_str(
                "OnDelete: old pods are replaced only when deleted (kubectl delete pod ...)",
            ),
            Cause::StatusStale {
                generation,
                observed,
            } => write!(
                f,
                "the controller has not observed generation {generation} yet (status is of {observed})"
            ),
        }
    }
}
