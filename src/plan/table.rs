//! The plan as a table (node, verdict, reasons) with a summary line.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::outcome::{Plan, Verdict};

/// The summary line: `desired 7 of 10 nodes; 2 blocked by taint dedicated=gpu:NoSchedule; 1 would stay Pending:
/// insufficient memory`. Nodes are grouped by their first reason.
pub fn summary(plan: &Plan<'_>) -> String {
    let mut groups: BTreeMap<(u8, String), usize> = BTreeMap::new();
    for node in &plan.nodes {
        let category = match node.verdict {
            Verdict::Runs => continue,
            Verdict::NotScheduled => 0,
            Verdict::Pending => 1,
            Verdict::Misscheduled => 2,
            Verdict::Deleted => 3,
        };
        let cause = node
            .reasons
            .first()
            .map(super::reason::Reason::group)
            .unwrap_or_default();
        *groups.entry((category, cause)).or_default() += 1;
    }
    let mut groups: Vec<_> = groups.into_iter().collect();
    groups.sort_by(|((ca, ta), na), ((cb, tb), nb)| ca.cmp(cb).then(nb.cmp(na)).then(ta.cmp(tb)));
    let mut line = format!("desired {} of {} nodes", plan.desired, plan.nodes.len());
    for ((category, cause), n) in groups {
        let _ = match category {
            0 => write!(line, "; {n} blocked by {cause}"),
            1 => write!(line, "; {n} would stay Pending: {cause}"),
            2 => write!(line, "; {n} misscheduled (pod keeps running): {cause}"),
            _ => write!(line, "; {n} with pod deleted: {cause}"),
        };
    }
    line
}

/// The table: one row per node (`NODE`, `VERDICT`, `REASONS` joined by `; `), the summary line and the rollout
/// estimate.
pub fn table(plan: &Plan<'_>) -> String {
    let rows: Vec<(&str, String, String)> = plan
        .nodes
        .iter()
        .map(|n| {
            let reasons = n
                .reasons
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; ");
            (n.name(), n.verdict.to_string(), reasons)
        })
        .collect();
    let name_width = rows.iter().map(|r| r.0.len()).chain([4]).max().unwrap_or(4);
    let verdict_width = rows.iter().map(|r| r.1.len()).chain([7]).max().unwrap_or(7);
    let mut out = String::new();
    let mut row = |a: &str, b: &str, c: &str| {
        let line = format!("{a:<name_width$}  {b:<verdict_width$}  {c}");
        out.push_str(line.trim_end());
        out.push('\n');
    };
    row("NODE", "VERDICT", "REASONS");
    for (name, verdict, reasons) in &rows {
        row(name, verdict, reasons);
    }
    out.push_str(&summary(plan));
    out.push('\n');
    out.push_str(&plan.rollout.to_string());
    out.push('\n');
    out
}
