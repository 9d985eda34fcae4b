//! The doctor's report: a verdict first, then each cause with the nodes it affects, then a per-node table.

use std::fmt;

use serde::Serialize;

use super::cause::Cause;
use super::state::LogTail;

/// The verdict on a DaemonSet, from best to worst.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Health {
    /// Every desired node runs a Ready pod of the current revision, and no pod runs where it should not.
    Healthy,
    /// Some pods are missing, not Ready or not updated, and nothing keeps it from getting better.
    Degraded,
    /// A rollout cannot progress until someone acts (maxUnavailable used up, maxSurge with host ports, OnDelete).
    Stuck,
    /// No desired node has a Ready pod.
    Failing,
}

impl fmt::Display for Health {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Health::Healthy => "healthy",
            Health::Degraded => "degraded",
            Health::Stuck => "stuck",
            Health::Failing => "failing",
        })
    }
}

/// The DaemonSet's counts, from its status (what `kubectl get ds` shows), plus the number of nodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Counts {
    /// `desiredNumberScheduled`.
    pub desired: i32,
    /// `currentNumberScheduled`.
    pub scheduled: i32,
    /// `numberReady`.
    pub ready: i32,
    /// `updatedNumberScheduled`.
    pub updated: i32,
    /// `numberAvailable`.
    pub available: i32,
    /// `numberMisscheduled`.
    pub misscheduled: i32,
    /// Nodes in the cluster.
    pub nodes: usize,
}

/// One cause and where it is.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// The cause in words (its `Display`).
    pub message: String,
    /// The cause (for per-pod numbers, the first affected pod's).
    pub cause: Cause,
    /// The nodes it affects, sorted.
    pub nodes: Vec<String>,
    /// The pods it affects, sorted (none for causes about missing pods).
    pub pods: Vec<String>,
}

impl Finding {
    /// Whether the finding makes the DaemonSet unhealthy.
    pub fn is_problem(&self) -> bool {
        self.cause.is_problem()
    }
}

/// One desired node (or a node where a pod runs that should not).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NodeRow {
    /// The node.
    pub node: String,
    /// The DaemonSet's pod there (the newest when there are several).
    pub pod: Option<String>,
    /// A short status, as `kubectl get pods` words it (`Running`, `Pending`, `CrashLoopBackOff`, `NoPod`, ...).
    pub status: String,
    /// Whether the pod is Ready.
    pub ready: bool,
    /// Whether the pod runs the current revision (`None` when there is no pod or no revision is known).
    pub current_revision: Option<bool>,
    /// Restarts of the pod's containers.
    pub restarts: i32,
    /// What is wrong there, in a few words (empty when nothing is).
    pub detail: String,
}

impl NodeRow {
    /// Whether the node is fine: a Ready pod of the current revision.
    pub fn ok(&self) -> bool {
        self.ready && self.current_revision != Some(false) && self.detail.is_empty()
    }
}

/// The diagnosis of one DaemonSet.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// The namespace.
    pub namespace: String,
    /// The DaemonSet's name.
    pub name: String,
    /// The verdict.
    pub health: Health,
    /// The main cause in one line (or what is fine).
    pub summary: String,
    /// The counts.
    pub counts: Counts,
    /// The update strategy (`RollingUpdate (maxUnavailable 1, maxSurge 0)`, `OnDelete`).
    pub strategy: String,
    /// The causes: problems first (most nodes first), then the planner's placement reasons.
    pub findings: Vec<Finding>,
    /// One row per desired node and per node with a misscheduled pod, in node order.
    pub nodes: Vec<NodeRow>,
}

impl Report {
    /// Whether the verdict is healthy (the CLI exits 0).
    pub fn is_healthy(&self) -> bool {
        self.health == Health::Healthy
    }

    /// One line: `namespace/name  verdict  ready/desired  summary`, as `--all` prints it.
    pub fn line(&self) -> String {
        format!(
            "{}/{}  {}  ready {}/{} updated {} available {}  {}",
            self.namespace,
            self.name,
            self.health,
            self.counts.ready,
            self.counts.desired,
            self.counts.updated,
            self.counts.available,
            self.summary
        )
    }
}

/// How many node names a finding lists in text before `and N more`.
const LISTED_NODES: usize = 10;
/// How many per-node rows the text shows before `and N more`.
const LISTED_ROWS: usize = 50;

fn node_list(nodes: &[String]) -> String {
    let mut text = nodes
        .iter()
        .take(LISTED_NODES)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if nodes.len() > LISTED_NODES {
        text.push_str(&format!(" and {} more", nodes.len() - LISTED_NODES));
    }
    text
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = &self.counts;
        writeln!(
            f,
            "DaemonSet {}/{}: {}: {}",
            self.namespace,
            self.name,
            self.health.to_string().to_uppercase(),
            self.summary
        )?;
        writeln!(
            f,
            "  desired {}  scheduled {}  ready {}  updated {}  available {}  misscheduled {}  (of {} nodes; {})",
            c.desired,
            c.scheduled,
            c.ready,
            c.updated,
            c.available,
            c.misscheduled,
            c.nodes,
            self.strategy
        )?;
        if !self.findings.is_empty() {
            writeln!(f, "\nCauses:")?;
        }
        for finding in &self.findings {
            let mark = if finding.is_problem() { "x" } else { "-" };
            writeln!(f, "  {mark} {}", finding.cause)?;
            let count = finding.nodes.len();
            writeln!(
                f,
                "    {} {}: {}",
                count,
                if count == 1 { "node" } else { "nodes" },
                node_list(&finding.nodes)
            )?;
            if let Cause::CrashLoop { log, container, .. } = &finding.cause {
                let pod = finding.pods.first().map_or("", String::as_str);
                match log {
                    Some(LogTail::Lines { lines }) if !lines.is_empty() => {
                        writeln!(f, "    previous log of {pod} ({container}), last lines:")?;
                        for line in lines {
                            writeln!(f, "      | {line}")?;
                        }
                    }
                    Some(LogTail::Lines { .. }) => {
                        writeln!(f, "    previous log of {pod} ({container}) is empty")?;
                    }
                    Some(LogTail::Unavailable { reason }) => writeln!(
                        f,
                        "    previous log of {pod} ({container}) unavailable: the kubelet did not serve it ({reason})"
                    )?,
                    None => writeln!(
                        f,
                        "    previous log unavailable: not in the recorded state (run against the cluster to fetch it)"
                    )?,
                }
            }
        }
        let problems: Vec<&NodeRow> = self.nodes.iter().filter(|r| !r.ok()).collect();
        let fine = self.nodes.len() - problems.len();
        if !problems.is_empty() {
            writeln!(f, "\nNodes:")?;
            let width = |get: &dyn Fn(&NodeRow) -> usize, title: usize| {
                problems
                    .iter()
                    .map(|r| get(r))
                    .max()
                    .unwrap_or(0)
                    .max(title)
            };
            let wn = width(&|r| r.node.len(), 4);
            let wp = width(&|r| r.pod.as_deref().map_or(1, str::len), 3);
            let ws = width(&|r| r.status.len(), 6);
            writeln!(
                f,
                "  {:wn$}  {:wp$}  {:ws$}  READY  REVISION  RESTARTS  DETAIL",
                "NODE", "POD", "STATUS"
            )?;
            for row in problems.iter().take(LISTED_ROWS) {
                let revision = match row.current_revision {
                    Some(true) => "current",
                    Some(false) => "old",
                    None => "-",
                };
                let line = format!(
                    "  {:wn$}  {:wp$}  {:ws$}  {:5}  {:8}  {:8}  {}",
                    row.node,
                    row.pod.as_deref().unwrap_or("-"),
                    row.status,
                    if row.ready { "yes" } else { "no" },
                    revision,
                    row.restarts,
                    row.detail
                );
                writeln!(f, "{}", line.trim_end())?;
            }
            if problems.len() > LISTED_ROWS {
                writeln!(f, "  ... and {} more", problems.len() - LISTED_ROWS)?;
            }
        }
        if fine > 0 {
            writeln!(
                f,
                "\n{fine} {} with a Ready pod of the current revision",
                if fine == 1 { "node" } else { "nodes" }
            )?;
        }
        Ok(())
    }
}
