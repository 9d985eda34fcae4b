//! The diagnosis: a pure function of a recorded [`State`] (no clock, no cluster), so it is tested and benchmarked
//! offline. The planner says which nodes should run a pod and why not the others; the pods' statuses, the events and
//! the ControllerRevisions say what went wrong on the nodes that should.

use std::collections::{BTreeMap, HashMap};

use k8s_openapi::api::apps::v1::DaemonSet;
use k8s_openapi::api::core::v1::{ContainerStatus, Event, Pod};
use k8s_openapi::jiff::Timestamp;

use super::cause::{Cause, Refusal};
use super::report::{Counts, Finding, Health, NodeRow, Report};
use super::state::{LogTail, State};
use crate::plan::{Inventory, NodePlan, Verdict};

/// The label the DaemonSet controller puts on pods and ControllerRevisions: the revision's hash.
pub(crate) const REVISION_HASH_LABEL: &str = "controller-revision-hash";

/// A state indexed once for many diagnoses (the planner's inventory, events by object, logs by container).
#[derive(Debug)]
pub struct Doctor<'a> {
    state: &'a State,
    inventory: Inventory<'a>,
    /// Events by (kind, namespace, name), in state order.
    events: HashMap<(&'a str, &'a str, &'a str), Vec<&'a Event>>,
    logs: HashMap<(&'a str, &'a str, &'a str), &'a LogTail>,
}

fn namespace_of(ns: Option<&str>) -> &str {
    ns.filter(|n| !n.is_empty()).unwrap_or("default")
}

/// When an event last happened (its series, eventTime, lastTimestamp, firstTimestamp or creation).
fn event_time(event: &Event) -> Option<Timestamp> {
    event
        .series
        .as_ref()
        .and_then(|s| s.last_observed_time.as_ref())
        .map(|t| t.0)
        .or_else(|| event.last_timestamp.as_ref().map(|t| t.0))
        .or_else(|| event.event_time.as_ref().map(|t| t.0))
        .or_else(|| event.first_timestamp.as_ref().map(|t| t.0))
        .or_else(|| event.metadata.creation_timestamp.as_ref().map(|t| t.0))
}

fn container_is_ready(status: &ContainerStatus) -> bool {
    status.ready
}

fn pod_is_ready(pod: &Pod) -> bool {
    pod.status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .is_some_and(|c| c.iter().any(|c| c.type_ == "Ready" && c.status == "True"))
}

fn pod_name(pod: &Pod) -> &str {
    pod.metadata.name.as_deref().unwrap_or("")
}

/// The scheduler's message without its preemption part.
fn scheduler_words(message: &str) -> String {
    message
        .split(" preemption: ")
        .next()
        .unwrap_or(message)
        .trim()
        .trim_end_matches('.')
        .to_owned()
}

/// What one pod tells: its status word, restarts, and the cause when it is not fine.
struct PodFinding {
    status: String,
    restarts: i32,
    cause: Option<Cause>,
}

impl<'a> Doctor<'a> {
    /// Indexes a state.
    pub fn new(state: &'a State) -> Doctor<'a> {
        let mut events: HashMap<(&str, &str, &str), Vec<&Event>> = HashMap::new();
        for event in &state.events {
            let o = &event.involved_object;
            let key = (
                o.kind.as_deref().unwrap_or(""),
                namespace_of(
                    o.namespace
                        .as_deref()
                        .or(event.metadata.namespace.as_deref()),
                ),
                o.name.as_deref().unwrap_or(""),
            );
            events.entry(key).or_default().push(event);
        }
        let logs = state
            .logs
            .iter()
            .map(|l| {
                (
                    (
                        namespace_of(Some(&l.namespace)),
                        l.pod.as_str(),
                        l.container.as_str(),
                    ),
                    &l.tail,
                )
            })
            .collect();
        Doctor {
            state,
            inventory: Inventory::new(&state.nodes, &state.pods),
            events,
            logs,
        }
    }

    /// Diagnoses every DaemonSet of the state, in state order.
    pub fn all(&self) -> Vec<Report> {
        self.state
            .daemon_sets
            .iter()
            .map(|ds| self.diagnose(ds))
            .collect()
    }

    /// Diagnoses the DaemonSet `name` of `namespace`, when the state has it.
    pub fn find(&self, namespace: &str, name: &str) -> Option<Report> {
        self.state
            .daemon_sets
            .iter()
            .find(|ds| {
                ds.metadata.name.as_deref() == Some(name)
                    && namespace_of(ds.metadata.namespace.as_deref()) == namespace
            })
            .map(|ds| self.diagnose(ds))
    }

    /// The latest event of `reason` about an object (matching its uid when both have one).
    fn latest_event(
        &self,
        kind: &str,
        namespace: &str,
        name: &str,
        uid: Option<&str>,
        reasons: &[&str],
    ) -> Option<&'a Event> {
        self.events
            .get(&(kind, namespace, name))?
            .iter()
            .filter(|e| e.reason.as_deref().is_some_and(|r| reasons.contains(&r)))
            .filter(|e| match (uid, e.involved_object.uid.as_deref()) {
                (Some(a), Some(b)) => a == b,
                _ => true,
            })
            .max_by_key(|e| event_time(e))
            .copied()
    }

    /// The hash of the DaemonSet's current revision: the label of its ControllerRevision with the highest revision.
    fn current_hash(&self, ds: &DaemonSet) -> Option<&'a str> {
        let namespace = namespace_of(ds.metadata.namespace.as_deref());
        let name = ds.metadata.name.as_deref().unwrap_or("");
        self.state
            .revisions
            .iter()
            .filter(|r| namespace_of(r.metadata.namespace.as_deref()) == namespace)
            .filter(|r| {
                r.metadata
                    .owner_references
                    .as_deref()
                    .unwrap_or_default()
                    .iter()
                    .any(|o| {
                        o.kind == "DaemonSet"
                            && o.name == name
                            && ds.metadata.uid.as_deref().is_none_or(|u| u == o.uid)
                    })
            })
            .max_by_key(|r| r.revision)
            .and_then(|r| r.metadata.labels.as_ref()?.get(REVISION_HASH_LABEL))
            .map(String::as_str)
    }

    /// Diagnoses one DaemonSet.
    pub fn diagnose(&self, ds: &'a DaemonSet) -> Report {
        let plan = self.inventory.plan(ds);
        let namespace = namespace_of(ds.metadata.namespace.as_deref()).to_owned();
        let name = ds.metadata.name.clone().unwrap_or_default();
        let status = ds.status.clone().unwrap_or_default();
        let counts = Counts {
            desired: status.desired_number_scheduled,
            scheduled: status.current_number_scheduled,
            ready: status.number_ready,
            updated: status.updated_number_scheduled.unwrap_or(0),
            available: status.number_available.unwrap_or(0),
            misscheduled: status.number_misscheduled,
            nodes: self.state.nodes.len(),
        };
        let current = self.current_hash(ds);
        let refused = self.latest_event(
            "DaemonSet",
            &namespace,
            &name,
            ds.metadata.uid.as_deref(),
            &["FailedCreate"],
        );

        let mut groups: BTreeMap<String, Finding> = BTreeMap::new();
        let mut add = |cause: Cause, node: &str, pod: Option<&str>| {
            let finding = groups.entry(cause.group_key()).or_insert_with(|| Finding {
                message: String::new(),
                cause,
                nodes: Vec::new(),
                pods: Vec::new(),
            });
            finding.nodes.push(node.to_owned());
            finding.pods.extend(pod.map(str::to_owned));
        };
        let mut rows = Vec::new();
        let mut old_nodes = Vec::new();
        let mut unavailable = Vec::new();
        let mut ready_nodes = 0usize;
        for node in &plan.nodes {
            match node.verdict {
                Verdict::NotScheduled => {
                    if let Some(reason) = node.reasons.first() {
                        add(
                            Cause::NotPlaced {
                                reason: reason.group(),
                            },
                            node.name(),
                            None,
                        );
                    }
                }
                Verdict::Misscheduled | Verdict::Deleted => {
                    let pod = node.existing.first().map(|p| pod_name(p));
                    let reason = node
                        .reasons
                        .first()
                        .map(ToString::to_string)
                        .unwrap_or_default();
                    rows.push(NodeRow {
                        node: node.name().to_owned(),
                        pod: pod.map(str::to_owned),
                        status: if node.verdict == Verdict::Deleted {
                            "Deleting".into()
                        } else {
                            "Misscheduled".into()
                        },
                        ready: node.existing.first().is_some_and(|p| pod_is_ready(p)),
                        current_revision: None,
                        restarts: 0,
                        detail: reason.clone(),
                    });
                    add(Cause::Misscheduled { reason }, node.name(), pod);
                }
                Verdict::Runs | Verdict::Pending => {
                    let row = self.desired_node(node, current, refused, &mut add);
                    // A node is still on an old revision while an old pod runs there and no Ready pod of the
                    // current one replaced it (a surge pod may be beside it).
                    let old_pod = current.is_some_and(|c| {
                        node.existing.iter().any(|p| {
                            p.metadata
                                .labels
                                .as_ref()
                                .and_then(|l| l.get(REVISION_HASH_LABEL))
                                .is_some_and(|h| h != c)
                        })
                    });
                    if old_pod && !(row.ready && row.current_revision == Some(true)) {
                        old_nodes.push(row.node.clone());
                    }
                    if row.ready {
                        ready_nodes += 1;
                    } else {
                        unavailable.push(row.node.clone());
                    }
                    rows.push(row);
                }
            }
        }

        // The rollout.
        let strategy_kind = plan.rollout.strategy.clone();
        let strategy = if strategy_kind == "RollingUpdate" {
            format!(
                "RollingUpdate (maxUnavailable {}, maxSurge {})",
                plan.rollout.max_unavailable, plan.rollout.max_surge
            )
        } else {
            strategy_kind.clone()
        };
        if !old_nodes.is_empty() {
            let current = current.unwrap_or("").to_owned();
            let cause = if strategy_kind != "RollingUpdate" {
                Cause::OnDeleteWaiting
            } else if plan.rollout.max_surge > 0 && !template_host_ports(ds).is_empty() {
                Cause::SurgeBlocked {
                    max_surge: plan.rollout.max_surge,
                    ports: template_host_ports(ds),
                }
            } else if plan.rollout.max_surge == 0
                && unavailable.len() >= plan.rollout.max_unavailable
                && unavailable.iter().any(|n| !old_nodes.contains(n))
            {
                Cause::BudgetUsedUp {
                    max_unavailable: plan.rollout.max_unavailable,
                    unavailable: unavailable.len(),
                }
            } else {
                Cause::OldRevision { current }
            };
            let nodes = if matches!(cause, Cause::BudgetUsedUp { .. }) {
                unavailable.clone()
            } else {
                old_nodes.clone()
            };
            let pods = rows
                .iter()
                .filter(|r| nodes.contains(&r.node))
                .filter_map(|r| r.pod.clone())
                .collect();
            groups.insert(
                "rollout".into(),
                Finding {
                    message: String::new(),
                    cause,
                    nodes,
                    pods,
                },
            );
        }
        let generation = ds.metadata.generation.unwrap_or(0);
        let observed = status.observed_generation.unwrap_or(0);
        if observed < generation && ds.status.is_some() {
            groups.insert(
                "stale".into(),
                Finding {
                    message: String::new(),
                    cause: Cause::StatusStale {
                        generation,
                        observed,
                    },
                    nodes: Vec::new(),
                    pods: Vec::new(),
                },
            );
        }

        let mut findings: Vec<Finding> = groups.into_values().collect();
        for f in &mut findings {
            f.message = f.cause.to_string();
            f.nodes.sort();
            f.nodes.dedup();
            f.pods.sort();
            f.pods.dedup();
        }
        findings.sort_by(|a, b| {
            b.is_problem()
                .cmp(&a.is_problem())
                .then(b.cause.is_stuck().cmp(&a.cause.is_stuck()))
                .then(b.nodes.len().cmp(&a.nodes.len()))
        });

        let desired = plan.desired;
        let problems: Vec<&Finding> = findings.iter().filter(|f| f.is_problem()).collect();
        let health = if desired > 0 && ready_nodes == 0 {
            Health::Failing
        } else if problems.iter().any(|f| f.cause.is_stuck()) {
            Health::Stuck
        } else if problems.is_empty() && rows.iter().all(NodeRow::ok) && status_agrees(&counts) {
            Health::Healthy
        } else {
            Health::Degraded
        };
        let summary = match problems.first() {
            _ if health == Health::Healthy && desired == 0 => {
                let reasons: Vec<String> = findings
                    .iter()
                    .map(|f| format!("{} ({})", f.cause, f.nodes.len()))
                    .collect();
                if reasons.is_empty() {
                    "no node in the cluster".to_owned()
                } else {
                    format!("no node qualifies: {}", reasons.join("; "))
                }
            }
            _ if health == Health::Healthy => {
                format!(
                    "{desired} of {desired} desired nodes run a Ready pod of the current revision"
                )
            }
            Some(f) => {
                let n = f.nodes.len();
                format!("{} (on {n} of {desired} desired nodes)", f.cause)
            }
            None if !status_agrees(&counts) => format!(
                "the DaemonSet's status counts {} ready and {} updated of {} desired, but the nodes and pods read show no problem (status not updated yet, or nodes gone)",
                counts.ready, counts.updated, counts.desired
            ),
            None => format!("{ready_nodes} of {desired} desired nodes have a Ready pod"),
        };
        Report {
            namespace,
            name,
            health,
            summary,
            counts,
            strategy,
            findings,
            nodes: rows,
        }
    }

    /// The row of a node that should run a pod, and its cause.
    fn desired_node(
        &self,
        node: &NodePlan<'a>,
        current: Option<&str>,
        refused: Option<&'a Event>,
        add: &mut impl FnMut(Cause, &str, Option<&str>),
    ) -> NodeRow {
        let name = node.name();
        // The newest pod (a surge pod beside an old one) tells where the node is heading.
        let pod = node
            .existing
            .iter()
            .max_by_key(|p| p.metadata.creation_timestamp.as_ref().map(|t| t.0))
            .copied();
        let Some(pod) = pod else {
            let cause = match refused {
                Some(event) => {
                    let message = event.message.clone().unwrap_or_default();
                    Cause::CreateRefused {
                        refusal: Refusal::classify(&message),
                        message,
                    }
                }
                None => Cause::NoPod,
            };
            let detail = match &cause {
                Cause::CreateRefused { refusal, .. } => refusal.short(),
                other => other.to_string(),
            };
            add(cause, name, None);
            return NodeRow {
                node: name.to_owned(),
                pod: None,
                status: "NoPod".into(),
                ready: false,
                current_revision: None,
                restarts: 0,
                detail,
            };
        };
        let revision = match (current, pod.metadata.labels.as_ref()) {
            (Some(current), Some(labels)) => labels.get(REVISION_HASH_LABEL).map(|h| h == current),
            _ => None,
        };
        let found = self.pod(node, pod);
        let ready = pod_is_ready(pod) && found.cause.is_none();
        let detail = found.cause.as_ref().map(short).unwrap_or_default();
        if let Some(cause) = found.cause {
            add(cause, name, Some(pod_name(pod)));
        }
        NodeRow {
            node: name.to_owned(),
            pod: Some(pod_name(pod).to_owned()),
            status: found.status,
            ready,
            current_revision: revision,
            restarts: found.restarts,
            detail,
        }
    }

    /// What a pod's status and events tell.
    fn pod(&self, node: &NodePlan<'a>, pod: &'a Pod) -> PodFinding {
        let namespace = namespace_of(pod.metadata.namespace.as_deref());
        let name = pod_name(pod);
        let uid = pod.metadata.uid.as_deref();
        let status = pod.status.as_ref();
        let statuses: Vec<&ContainerStatus> = status
            .into_iter()
            .flat_map(|s| {
                s.init_container_statuses
                    .iter()
                    .flatten()
                    .chain(s.container_statuses.iter().flatten())
            })
            .collect();
        let restarts = statuses.iter().map(|s| s.restart_count).sum();
        let bound = pod
            .spec
            .as_ref()
            .and_then(|s| s.node_name.as_deref())
            .is_some_and(|n| !n.is_empty());
        if !bound {
            let scheduler = self
                .latest_event("Pod", namespace, name, uid, &["FailedScheduling"])
                .and_then(|e| e.message.as_deref())
                .map(scheduler_words);
            let shortfalls = node
                .reasons
                .iter()
                .filter(|r| r.is_pending())
                .map(ToString::to_string)
                .collect();
            return PodFinding {
                status: "Pending".into(),
                restarts,
                cause: Some(Cause::Unschedulable {
                    scheduler,
                    shortfalls,
                }),
            };
        }
        for s in &statuses {
            let state = s.state.as_ref();
            if let Some(waiting) = state.and_then(|st| st.waiting.as_ref()) {
                let reason = waiting.reason.clone().unwrap_or_default();
                let message = waiting.message.clone().filter(|m| !m.is_empty());
                let container = s.name.clone();
                let cause = match reason.as_str() {
                    "ImagePullBackOff" | "ErrImagePull" | "InvalidImageName"
                    | "ErrImageNeverPull" => Cause::ImagePull {
                        container,
                        image: self
                            .image_of(pod, &s.name)
                            .unwrap_or_else(|| s.image.clone()),
                        reason: reason.clone(),
                        message,
                    },
                    "CrashLoopBackOff" => {
                        let last = s.last_state.as_ref().and_then(|l| l.terminated.as_ref());
                        let reason = last.and_then(|t| t.reason.clone());
                        let memory_limit = if reason.as_deref() == Some("OOMKilled") {
                            memory_limit(pod, &s.name)
                        } else {
                            None
                        };
                        Cause::CrashLoop {
                            log: self
                                .logs
                                .get(&(namespace, name, s.name.as_str()))
                                .map(|t| (*t).clone()),
                            container,
                            restarts: s.restart_count,
                            exit_code: last.map(|t| t.exit_code),
                            reason,
                            memory_limit,
                        }
                    }
                    "CreateContainerConfigError" | "CreateContainerError" | "RunContainerError" => {
                        Cause::ConfigError {
                            container,
                            reason: reason.clone(),
                            message,
                        }
                    }
                    _ => Cause::Waiting {
                        container,
                        reason: reason.clone(),
                        message,
                    },
                };
                return PodFinding {
                    status: if reason.is_empty() {
                        "Waiting".into()
                    } else {
                        reason
                    },
                    restarts,
                    cause: Some(cause),
                };
            }
            if let Some(terminated) = state.and_then(|st| st.terminated.as_ref())
                && terminated.exit_code != 0
            {
                return PodFinding {
                    status: terminated.reason.clone().unwrap_or_else(|| "Error".into()),
                    restarts,
                    cause: Some(Cause::Exited {
                        container: s.name.clone(),
                        exit_code: terminated.exit_code,
                        reason: terminated.reason.clone(),
                    }),
                };
            }
        }
        let phase = status
            .and_then(|s| s.phase.clone())
            .unwrap_or_else(|| "Pending".into());
        if statuses.is_empty() {
            return PodFinding {
                status: phase,
                restarts,
                cause: Some(Cause::NoStatus),
            };
        }
        if pod_is_ready(pod) {
            return PodFinding {
                status: phase,
                restarts,
                cause: None,
            };
        }
        let probe = self
            .latest_event("Pod", namespace, name, uid, &["Unhealthy"])
            .and_then(|e| {
                let message = e.message.as_deref()?;
                let (probe, rest) = message.split_once(" probe failed")?;
                let container = e
                    .involved_object
                    .field_path
                    .as_deref()
                    .and_then(|p| p.split_once('{'))
                    .map(|(_, c)| c.trim_end_matches('}').to_owned());
                Some(Cause::ProbeFailing {
                    probe: probe.to_owned(),
                    container,
                    message: rest.trim_start_matches(':').trim().to_owned(),
                })
            });
        let cause = probe.unwrap_or_else(|| Cause::NotReady {
            containers: statuses
                .iter()
                .filter(|s| !container_is_ready(s))
                .map(|s| s.name.clone())
                .collect(),
        });
        PodFinding {
            status: phase,
            restarts,
            cause: Some(cause),
        }
    }

    fn image_of(&self, pod: &Pod, container: &str) -> Option<String> {
        let spec = pod.spec.as_ref()?;
        spec.containers
            .iter()
            .chain(spec.init_containers.iter().flatten())
            .find(|c| c.name == container)
            .and_then(|c| c.image.clone())
    }
}

/// Whether the DaemonSet's own status counts agree with a healthy verdict (every desired pod ready, available and
/// updated, none misscheduled).
fn status_agrees(counts: &Counts) -> bool {
    counts.ready >= counts.desired
        && counts.available >= counts.desired
        && counts.updated >= counts.desired
        && counts.misscheduled == 0
}

/// A few words for the per-node table.
fn short(cause: &Cause) -> String {
    match cause {
        Cause::Unschedulable {
            scheduler,
            shortfalls,
        } => shortfalls
            .first()
            .cloned()
            .or_else(|| scheduler.clone())
            .unwrap_or_else(|| "not scheduled yet".into()),
        Cause::CrashLoop {
            container,
            exit_code,
            reason,
            ..
        } => format!(
            "{container}: last exit {}{}",
            exit_code.map_or("?".to_owned(), |c| c.to_string()),
            reason
                .as_deref()
                .map(|r| format!(" {r}"))
                .unwrap_or_default()
        ),
        Cause::ImagePull {
            container, image, ..
        } => format!("{container}: cannot pull {image}"),
        Cause::ConfigError {
            container, message, ..
        } => format!("{container}: {}", message.as_deref().unwrap_or("")),
        other => other.to_string(),
    }
}

fn memory_limit(pod: &Pod, container: &str) -> Option<String> {
    pod.spec
        .as_ref()?
        .containers
        .iter()
        .find(|c| c.name == container)?
        .resources
        .as_ref()?
        .limits
        .as_ref()?
        .get("memory")
        .map(|q| q.0.clone())
}

/// The host ports the template's pod holds (`TCP/9100`), as the scheduler counts them (hostNetwork: every
/// containerPort).
fn template_host_ports(ds: &DaemonSet) -> Vec<String> {
    ds.spec
        .as_ref()
        .and_then(|s| s.template.spec.as_ref())
        .map(|spec| {
            crate::plan::host_ports(spec)
                .map(|p| format!("{}/{}", p.protocol, p.port))
                .collect()
        })
        .unwrap_or_default()
}

/// Diagnoses the DaemonSet `name` of `namespace` in a recorded state (`None` when the state does not have it).
///
/// ```
/// let state = daemonset::doctor::State::from_yaml(
///     "apiVersion: v1\nkind: List\nitems:\n\
///      - {apiVersion: v1, kind: Node, metadata: {name: a}}\n\
///      - apiVersion: apps/v1\n  kind: DaemonSet\n  metadata: {name: agent, namespace: default}\n  spec:\n    selector: {matchLabels: {app: agent}}\n    template:\n      metadata: {labels: {app: agent}}\n      spec: {containers: [{name: c, image: i}]}\n  status: {desiredNumberScheduled: 1, currentNumberScheduled: 0, numberMisscheduled: 0, numberReady: 0}\n",
/// ).unwrap();
/// let report = daemonset::doctor::diagnose(&state, "default", "agent").unwrap();
/// assert_eq!(report.health, daemonset::doctor::Health::Failing);
/// assert_eq!(report.findings[0].nodes, ["a"]);
/// ```
pub fn diagnose(state: &State, namespace: &str, name: &str) -> Option<Report> {
    Doctor::new(state).find(namespace, name)
}
