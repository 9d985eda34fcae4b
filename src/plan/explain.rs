//! The full reasoning for one node: the labels compared, each affinity expression, each toleration tried against each
//! taint, resources and host ports, and the verdict.

use std::fmt::Write as _;

use k8s_openapi::api::apps::v1::DaemonSet;

use super::evaluate::{Compiled, labels, taints};
use super::inventory::Inventory;
use super::resources::{CPU, EPHEMERAL_STORAGE, MEMORY, format_amount};
use super::taints::{TaintText, TolerationMatch, counts};

fn mark(ok: bool) -> &'static str {
    if ok { "[ok]" } else { "[no]" }
}

/// Explains the plan of `ds` for the node named `node`; `None` when the inventory has no such node.
///
/// ```
/// use daemonset::plan::{Inventory, explain, parse_nodes};
/// let nodes = parse_nodes("kind: Node\napiVersion: v1\nmetadata: {name: a}\nspec:\n  taints: [{key: gpu, effect: NoSchedule}]\n").unwrap();
/// let ds: daemonset::k8s::api::apps::v1::DaemonSet = daemonset::parse::from_yaml(
///     "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: x}\nspec:\n  selector: {matchLabels: {a: b}}\n  template:\n    metadata: {labels: {a: b}}\n    spec: {containers: [{name: c, image: i}]}\n",
/// ).unwrap();
/// let text = explain(&Inventory::new(&nodes, &[]), &ds, "a").unwrap();
/// assert!(text.contains("  gpu:NoSchedule:\n"));
/// assert!(text.contains("=> untolerated [no]"));
/// assert!(text.starts_with("DaemonSet default/x on node a: does not run"));
/// ```
pub fn explain(inventory: &Inventory<'_>, ds: &DaemonSet, node: &str) -> Option<String> {
    let node_ref = inventory.node(node)?;
    let plan = inventory.plan_one(ds, node)?;
    let c = Compiled::new(ds);
    let labels = labels(node_ref);
    let mut out = String::new();
    let ds_name = ds.metadata.name.as_deref().unwrap_or("<unnamed>");
    let ns = ds.metadata.namespace.as_deref().unwrap_or("default");
    let _ = writeln!(
        out,
        "DaemonSet {ns}/{ds_name} on node {node}: {}",
        plan.verdict
    );

    // nodeName.
    out.push_str("\nnodeName:\n");
    match c.node_name {
        None => out.push_str("  template sets none: any node [ok]\n"),
        Some(pinned) => {
            let _ = writeln!(out, "  template pins {pinned} {}", mark(pinned == node));
        }
    }

    // Labels.
    out.push_str("\nnode labels:\n");
    if labels.is_empty() {
        out.push_str("  (none)\n");
    }
    for (k, v) in labels {
        let _ = writeln!(out, "  {k}={v}");
    }

    // nodeSelector.
    out.push_str("\nnodeSelector (every pair must be a node label):\n");
    if c.affinity.selector.is_empty() {
        out.push_str("  (none)\n");
    }
    for (key, wanted) in &c.affinity.selector {
        match labels.get(*key) {
            Some(actual) => {
                let _ = writeln!(
                    out,
                    "  {key}={wanted}: node has {key}={actual} {}",
                    mark(actual == wanted)
                );
            }
            None => {
                let _ = writeln!(out, "  {key}={wanted}: node has no label {key} [no]");
            }
        }
    }

    // Required node affinity.
    out.push_str(
        "\nrequired node affinity (terms ORed, expressions ANDed; preferred terms ignored):\n",
    );
    match &c.affinity.terms {
        None => out.push_str("  (none)\n"),
        Some(terms) => {
            if c.affinity.written_terms > terms.len() {
                let _ = writeln!(
                    out,
                    "  {} empty term(s) skipped: an empty term matches nothing",
                    c.affinity.written_terms - terms.len()
                );
            }
            let mut any = false;
            for term in terms {
                let _ = writeln!(out, "  term {}:", term.index);
                for (i, e) in term.labels.iter().enumerate() {
                    let r = e.source;
                    let actual = labels.get(r.key.as_str());
                    let shown = actual
                        .map_or_else(|| "no such label".to_owned(), |a| format!("node has {a:?}"));
                    let values = r.values.as_deref().unwrap_or_default().join(", ");
                    let invalid = e
                        .invalid
                        .as_ref()
                        .map(|m| format!(" (invalid: {m})"))
                        .unwrap_or_default();
                    let _ = writeln!(
                        out,
                        "    matchExpressions[{i}] {} {} [{values}]: {shown}{invalid} {}",
                        r.key,
                        r.operator,
                        mark(e.matches(labels))
                    );
                }
                for (i, e) in term.fields.iter().enumerate() {
                    let r = e.source;
                    let values = r.values.as_deref().unwrap_or_default().join(", ");
                    let actual = e.actual(node_ref).unwrap_or("");
                    let invalid = e
                        .invalid
                        .as_ref()
                        .map(|m| format!(" (invalid: {m})"))
                        .unwrap_or_default();
                    let _ = writeln!(
                        out,
                        "    matchFields[{i}] {} {} [{values}]: node has {actual:?}{invalid} {}",
                        r.key,
                        r.operator,
                        mark(e.matches(node_ref))
                    );
                }
                let ok = term.first_failure(node_ref, labels).is_none();
                any |= ok;
                let _ = writeln!(
                    out,
                    "    => term {} {}",
                    if ok { "matches" } else { "does not match" },
                    mark(ok)
                );
            }
            let _ = writeln!(
                out,
                "  => {} {}",
                if any {
                    "some term matches"
                } else {
                    "no term matches"
                },
                mark(any)
            );
        }
    }

    // Taints.
    out.push_str("\ntaints (NoSchedule and NoExecute count; PreferNoSchedule ignored):\n");
    if taints(node_ref).is_empty() {
        out.push_str("  (none)\n");
    }
    for taint in taints(node_ref) {
        if !counts(taint) {
            let _ = writeln!(out, "  {}: ignored", TaintText(taint));
            continue;
        }
        let _ = writeln!(out, "  {}:", TaintText(taint));
        let mut tolerated = false;
        for (i, t) in c.tolerations.all.iter().enumerate() {
            let result = t.try_taint(taint);
            tolerated |= result == TolerationMatch::Tolerates;
            let origin = if t.automatic { "automatic" } else { "template" };
            let _ = writeln!(out, "    toleration {i} ({origin}) {t}: {result}");
        }
        let _ = writeln!(
            out,
            "    => {} {}",
            if tolerated {
                "tolerated"
            } else {
                "untolerated"
            },
            mark(tolerated)
        );
    }
    if let Some(spec) = node_ref
        .spec
        .as_ref()
        .filter(|s| s.unschedulable == Some(true))
    {
        let _ = spec;
        out.push_str("  node is cordoned (spec.unschedulable): daemon pods still go there\n");
    }

    // Existing pods.
    out.push_str("\npods of the DaemonSet on the node:\n");
    if plan.existing.is_empty() {
        out.push_str("  (none)\n");
    }
    for pod in &plan.existing {
        let _ = writeln!(
            out,
            "  {}/{}",
            pod.metadata.namespace.as_deref().unwrap_or("default"),
            pod.metadata.name.as_deref().unwrap_or("<unnamed>")
        );
    }

    // Resources and ports.
    let i = inventory.index[node];
    let state = &inventory.state[i];
    let own: Vec<(usize, usize)> = plan
        .existing
        .iter()
        .filter_map(|p| {
            inventory
                .pods
                .iter()
                .position(|q| std::ptr::eq(q, *p))
                .map(|p| (i, p))
        })
        .collect();
    let (used, bound) = inventory.used_without(i, &own);
    out.push_str("\nresources (allocatable minus the requests of the pods bound to the node):\n");
    if !state.capacity.known {
        out.push_str("  node has no status.allocatable: not checked\n");
    } else {
        let _ = writeln!(
            out,
            "  pods: {bound} bound (the DaemonSet's own not counted), {} allowed {}",
            state.capacity.pods,
            mark(
                !plan
                    .reasons
                    .iter()
                    .any(|r| matches!(r, super::Reason::TooManyPods { .. }))
            )
        );
        let mut names: Vec<&str> = vec![CPU, MEMORY, EPHEMERAL_STORAGE];
        names.extend(c.requests.scalar.iter().map(|(n, _)| *n));
        for name in names {
            let requested = c.requests.get(name);
            if requested == 0 {
                continue;
            }
            let allocatable = state.capacity.amounts.get(name);
            let free = allocatable - used.get(name);
            let short = plan.reasons.iter().any(|r| matches!(r, super::Reason::InsufficientResource { resource, .. } if *resource == name));
            let _ = writeln!(
                out,
                "  {name}: pod requests {}, {} free of {} {}",
                format_amount(name, requested),
                format_amount(name, free),
                format_amount(name, allocatable),
                mark(!short)
            );
        }
        if c.requests.is_zero() {
            out.push_str("  the pod requests nothing\n");
        }
    }
    out.push_str("\nhost ports:\n");
    if c.ports.is_empty() {
        out.push_str("  (none)\n");
    }
    for want in &c.ports {
        match plan.reasons.iter().find_map(|r| match r {
            super::Reason::HostPortTaken { port, pod } if port == want => Some(*pod),
            _ => None,
        }) {
            Some(pod) => {
                let _ = writeln!(
                    out,
                    "  {want}: taken by pod {} [no]",
                    pod.metadata.name.as_deref().unwrap_or("")
                );
            }
            None => {
                let _ = writeln!(out, "  {want}: free [ok]");
            }
        }
    }

    let _ = writeln!(out, "\nverdict: {}", plan.verdict);
    for reason in &plan.reasons {
        let _ = writeln!(out, "  - {reason}");
    }
    Some(out)
}
