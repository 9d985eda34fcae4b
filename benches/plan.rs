//! Placement planning benchmark: 50 DaemonSets over 1,000 / 5,000 / 10,000 realistic nodes (well-known labels, taints
//! of every effect, allocatable), plus the same work done by the straightforward reference implementation
//! (`tests/plan_reference.rs`) and by a bare nodes x DaemonSets loop, measured in the same run. A summary with
//! milliseconds, nanoseconds per (node, DaemonSet) pair and the ratios is printed at the end.

#[path = "../tests/plan_reference.rs"]
mod reference;

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, Throughput};
use daemonset::k8s::api::apps::v1::DaemonSet;
use daemonset::k8s::api::core::v1::{Node, Pod};
use daemonset::plan::Inventory;
use serde_json::{Value, json};

const DAEMON_SETS: usize = 50;
const SIZES: [usize; 3] = [1_000, 5_000, 10_000];

/// A small deterministic generator (xorshift), so every run plans the same cluster.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn percent(&mut self, p: u64) -> bool {
        self.below(100) < p
    }
}

const ZONES: [&str; 3] = ["eu-west-1a", "eu-west-1b", "eu-west-1c"];
const TYPES: [&str; 8] = [
    "m5.large",
    "m5.xlarge",
    "m5.2xlarge",
    "c5.xlarge",
    "r5.2xlarge",
    "m6g.large",
    "p3.2xlarge",
    "t3.medium",
];

fn nodes(count: usize) -> Vec<Node> {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    (0..count)
        .map(|i| {
            let name = format!("ip-10-{}-{}-{}.eu-west-1.compute.internal", i / 65536, (i / 256) % 256, i % 256);
            let instance = TYPES[rng.below(TYPES.len() as u64) as usize];
            let arch = if instance.starts_with("m6g") { "arm64" } else { "amd64" };
            let os = if rng.percent(4) { "windows" } else { "linux" };
            let zone = ZONES[rng.below(3) as usize];
            let gpu = instance.starts_with("p3");
            let team = ["payments", "search", "platform", "data"][rng.below(4) as usize];
            let mut labels = json!({
                "beta.kubernetes.io/arch": arch,
                "beta.kubernetes.io/os": os,
                "kubernetes.io/arch": arch,
                "kubernetes.io/os": os,
                "kubernetes.io/hostname": name,
                "node.kubernetes.io/instance-type": instance,
                "topology.kubernetes.io/region": "eu-west-1",
                "topology.kubernetes.io/zone": zone,
                "topology.ebs.csi.aws.com/zone": zone,
                "eks.amazonaws.com/nodegroup": format!("ng-{}", rng.below(12)),
                "eks.amazonaws.com/capacityType": if rng.percent(20) { "SPOT" } else { "ON_DEMAND" },
                "team": team,
            });
            if gpu {
                labels["nvidia.com/gpu.present"] = json!("true");
            }
            if rng.percent(3) {
                labels["node-role.kubernetes.io/control-plane"] = json!("");
            }
            let mut taints = Vec::new();
            if gpu {
                taints.push(json!({"key": "dedicated", "value": "gpu", "effect": "NoSchedule"}));
            }
            if labels.get("node-role.kubernetes.io/control-plane").is_some() {
                taints.push(json!({"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}));
            }
            if rng.percent(3) {
                taints.push(json!({"key": "node.kubernetes.io/not-ready", "effect": "NoSchedule"}));
                taints.push(json!({"key": "node.kubernetes.io/not-ready", "effect": "NoExecute"}));
            }
            if rng.percent(10) {
                taints.push(json!({"key": "spot", "value": "true", "effect": "PreferNoSchedule"}));
            }
            if rng.percent(2) {
                taints.push(json!({"key": "node.kubernetes.io/memory-pressure", "effect": "NoSchedule"}));
            }
            if rng.percent(1) {
                taints.push(json!({"key": "maintenance", "value": "kernel", "effect": "NoExecute"}));
            }
            let cordoned = rng.percent(2);
            if cordoned {
                taints.push(json!({"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"}));
            }
            serde_json::from_value(json!({
                "apiVersion": "v1", "kind": "Node",
                "metadata": {"name": name, "labels": labels},
                "spec": {"taints": taints, "unschedulable": cordoned},
                "status": {"allocatable": {"cpu": "3920m", "memory": "15623Mi", "ephemeral-storage": "95Gi", "pods": "58"}},
            }))
            .unwrap()
        })
        .collect()
}

fn daemon_sets() -> Vec<DaemonSet> {
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    (0..DAEMON_SETS)
        .map(|i| {
            let mut spec = json!({"containers": [{
                "name": "agent", "image": "registry.example/agent:1",
                "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}, "limits": {"memory": "256Mi"}},
            }]});
            match i % 10 {
                0 => spec["tolerations"] = json!([{"operator": "Exists"}]), // CNI-style: everywhere
                1 => spec["nodeSelector"] = json!({"kubernetes.io/os": "linux"}),
                2 => {
                    spec["nodeSelector"] = json!({"kubernetes.io/os": "linux"});
                    spec["affinity"] = affinity(json!([{"matchExpressions": [
                        {"key": "kubernetes.io/arch", "operator": "In", "values": ["amd64", "arm64"]},
                        {"key": "eks.amazonaws.com/capacityType", "operator": "NotIn", "values": ["SPOT"]},
                    ]}]));
                }
                3 => {
                    spec["nodeSelector"] = json!({"nvidia.com/gpu.present": "true"});
                    spec["tolerations"] = json!([{"key": "dedicated", "operator": "Equal", "value": "gpu", "effect": "NoSchedule"}]);
                }
                4 => {
                    spec["affinity"] = affinity(json!([
                        {"matchExpressions": [{"key": "node.kubernetes.io/instance-type", "operator": "In", "values": ["m5.large", "m5.xlarge", "c5.xlarge"]}]},
                        {"matchExpressions": [{"key": "team", "operator": "In", "values": ["platform"]}]},
                    ]));
                }
                5 => {
                    spec["hostNetwork"] = json!(true);
                    spec["containers"][0]["ports"] = json!([{"containerPort": 9100 + i}]);
                    spec["tolerations"] = json!([{"key": "node-role.kubernetes.io/control-plane", "operator": "Exists", "effect": "NoSchedule"}]);
                }
                6 => {
                    spec["affinity"] = affinity(json!([{"matchExpressions": [
                        {"key": "topology.kubernetes.io/zone", "operator": "NotIn", "values": [ZONES[rng.below(3) as usize]]},
                        {"key": "node-role.kubernetes.io/control-plane", "operator": "DoesNotExist"},
                    ]}]));
                }
                7 => spec["nodeSelector"] = json!({"team": "search", "kubernetes.io/os": "linux"}),
                8 => {
                    spec["tolerations"] = json!([
                        {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoSchedule"},
                        {"key": "maintenance", "operator": "Exists"},
                    ]);
                }
                _ => spec["nodeSelector"] = json!({"kubernetes.io/os": "windows"}),
            }
            serde_json::from_value(json!({
                "apiVersion": "apps/v1", "kind": "DaemonSet",
                "metadata": {"name": format!("agent-{i}"), "namespace": "kube-system"},
                "spec": {
                    "selector": {"matchLabels": {"app": format!("agent-{i}")}},
                    "template": {"metadata": {"labels": {"app": format!("agent-{i}")}}, "spec": spec},
                },
            }))
            .unwrap()
        })
        .collect()
}

fn affinity(terms: Value) -> Value {
    json!({"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": terms}}})
}

/// Existing pods: each node runs two application pods with requests (no DaemonSet pods yet).
fn pods(nodes: &[Node]) -> Vec<Pod> {
    nodes
        .iter()
        .enumerate()
        .flat_map(|(i, n)| {
            let node = n.metadata.name.clone().unwrap();
            (0..2).map(move |j| {
                serde_json::from_value(json!({
                    "apiVersion": "v1", "kind": "Pod",
                    "metadata": {"name": format!("app-{i}-{j}"), "namespace": "apps", "labels": {"app": "web"}},
                    "spec": {"nodeName": node, "containers": [{"name": "web", "image": "nginx",
                        "resources": {"requests": {"cpu": "500m", "memory": "1Gi"}}}]},
                    "status": {"phase": "Running"},
                }))
                .unwrap()
            })
        })
        .collect()
}

/// The whole job: index the inventory, plan every DaemonSet (reasons included).
fn plan_all(nodes: &[Node], pods: &[Pod], sets: &[DaemonSet]) -> usize {
    let inventory = Inventory::new(nodes, pods);
    sets.iter().map(|ds| inventory.plan(ds).desired).sum()
}

fn reference_all(nodes: &[Node], sets: &[DaemonSet]) -> usize {
    sets.iter()
        .map(|ds| {
            nodes
                .iter()
                .filter(|n| reference::node_should_run(ds, n).0)
                .count()
        })
        .sum()
}

/// A fair straightforward planner: what one would write without an index. Each DaemonSet's pod spec is prepared
/// once (its tolerations plus the DaemonSet controller's, its nodeSelector, its required node affinity with every
/// requirement checked once), then every node is tested against it, reading the node's labels and taints in
/// place (nothing cloned per node). The same decisions as the controller's `NodeShouldRunDaemonPod` (placement:
/// pinned node name, nodeSelector, required affinity, NoSchedule/NoExecute taints), asserted equal to the
/// planner's and the reference's counts below.
mod straightforward {
    use std::collections::BTreeMap;

    use daemonset::k8s::api::apps::v1::DaemonSet;
    use daemonset::k8s::api::core::v1::{Node, NodeSelectorRequirement, Taint};

    const DAEMON_TOLERATIONS: [(&str, &str); 6] = [
        ("node.kubernetes.io/not-ready", "NoExecute"),
        ("node.kubernetes.io/unreachable", "NoExecute"),
        ("node.kubernetes.io/disk-pressure", "NoSchedule"),
        ("node.kubernetes.io/memory-pressure", "NoSchedule"),
        ("node.kubernetes.io/pid-pressure", "NoSchedule"),
        ("node.kubernetes.io/unschedulable", "NoSchedule"),
    ];

    /// A toleration as (key, operator, value, effect), empty strings for absent fields.
    type Toleration<'a> = (&'a str, &'a str, &'a str, &'a str);

    /// One DaemonSet, prepared once.
    struct Prepared<'a> {
        pinned: &'a str,
        selector: Option<&'a BTreeMap<String, String>>,
        /// The required terms; `None` when there is no required affinity. A term that cannot be parsed is left
        /// out (it matches nothing); a term without requirements is left out (it matches nothing).
        terms: Option<Vec<Term<'a>>>,
        tolerations: Vec<Toleration<'a>>,
    }

    struct Term<'a> {
        expressions: &'a [NodeSelectorRequirement],
        fields: &'a [NodeSelectorRequirement],
    }

    fn str_of(s: &Option<String>) -> &str {
        s.as_deref().unwrap_or("")
    }

    fn prepare(ds: &DaemonSet) -> Prepared<'_> {
        let spec = ds.spec.as_ref().and_then(|s| s.template.spec.as_ref());
        let mut tolerations: Vec<Toleration<'_>> = spec
            .and_then(|s| s.tolerations.as_ref())
            .into_iter()
            .flatten()
            .map(|t| {
                (
                    str_of(&t.key),
                    str_of(&t.operator),
                    str_of(&t.value),
                    str_of(&t.effect),
                )
            })
            .collect();
        let host_network = spec.and_then(|s| s.host_network) == Some(true);
        let extra =
            host_network.then_some(("node.kubernetes.io/network-unavailable", "NoSchedule"));
        for (key, effect) in DAEMON_TOLERATIONS.into_iter().chain(extra) {
            let toleration = (key, "Exists", "", effect);
            match tolerations.iter_mut().find(|t| **t == toleration) {
                Some(existing) => *existing = toleration,
                None => tolerations.push(toleration),
            }
        }
        let required = spec
            .and_then(|s| s.affinity.as_ref())
            .and_then(|a| a.node_affinity.as_ref())
            .and_then(|n| {
                n.required_during_scheduling_ignored_during_execution
                    .as_ref()
            });
        let terms = required.map(|r| {
            r.node_selector_terms
                .iter()
                .map(|t| Term {
                    expressions: t.match_expressions.as_deref().unwrap_or(&[]),
                    fields: t.match_fields.as_deref().unwrap_or(&[]),
                })
                .filter(|t| !(t.expressions.is_empty() && t.fields.is_empty()))
                .filter(|t| t.expressions.iter().all(label_requirement_valid))
                .filter(|t| t.fields.iter().all(field_requirement_valid))
                .collect()
        });
        Prepared {
            pinned: spec.and_then(|s| s.node_name.as_deref()).unwrap_or(""),
            selector: spec.and_then(|s| s.node_selector.as_ref()),
            terms,
            tolerations,
        }
    }

    fn label_requirement_valid(e: &NodeSelectorRequirement) -> bool {
        let values = e.values.as_deref().unwrap_or(&[]);
        if !daemonset::rules::name::qualified_name(&e.key).is_empty() {
            return false;
        }
        let ok = match e.operator.as_str() {
            "In" | "NotIn" => !values.is_empty(),
            "Exists" | "DoesNotExist" => values.is_empty(),
            "Gt" | "Lt" => values.len() == 1 && values[0].parse::<i64>().is_ok(),
            _ => false,
        };
        ok && values
            .iter()
            .all(|v| daemonset::rules::name::label_value(v).is_empty())
    }

    fn field_requirement_valid(e: &NodeSelectorRequirement) -> bool {
        matches!(e.operator.as_str(), "In" | "NotIn")
            && e.values.as_ref().is_some_and(|v| v.len() == 1)
    }

    fn label_matches(
        e: &NodeSelectorRequirement,
        labels: Option<&BTreeMap<String, String>>,
    ) -> bool {
        let values = e.values.as_deref().unwrap_or(&[]);
        let actual = labels.and_then(|l| l.get(&e.key));
        match e.operator.as_str() {
            "In" => actual.is_some_and(|a| values.contains(a)),
            "NotIn" => actual.is_none_or(|a| !values.contains(a)),
            "Exists" => actual.is_some(),
            "DoesNotExist" => actual.is_none(),
            "Gt" | "Lt" => {
                let Some(Ok(a)) = actual.map(|a| a.parse::<i64>()) else {
                    return false;
                };
                let v: i64 = values[0].parse().unwrap();
                if e.operator == "Gt" { a > v } else { a < v }
            }
            _ => false,
        }
    }

    fn tolerates(t: &Toleration<'_>, taint: &Taint) -> bool {
        let (key, operator, value, effect) = *t;
        (effect.is_empty() || effect == taint.effect)
            && (key.is_empty() || key == taint.key)
            && match operator {
                "" | "Equal" => value == taint.value.as_deref().unwrap_or(""),
                "Exists" => true,
                _ => false,
            }
    }

    fn should_run(ds: &Prepared<'_>, node: &Node) -> bool {
        let name = node.metadata.name.as_deref().unwrap_or("");
        if !ds.pinned.is_empty() && ds.pinned != name {
            return false;
        }
        let labels = node.metadata.labels.as_ref();
        if let Some(selector) = ds.selector
            && !selector
                .iter()
                .all(|(k, v)| labels.and_then(|l| l.get(k)) == Some(v))
        {
            return false;
        }
        if let Some(terms) = &ds.terms {
            let matches = terms.iter().any(|term| {
                term.expressions.iter().all(|e| label_matches(e, labels))
                    && (name.is_empty()
                        || term.fields.iter().all(|e| {
                            let actual = if e.key == "metadata.name" { name } else { "" };
                            let value = e.values.as_deref().unwrap_or(&[])[0].as_str();
                            (e.operator == "In") == (actual == value)
                        }))
            });
            if !matches {
                return false;
            }
        }
        let taints = node
            .spec
            .as_ref()
            .and_then(|s| s.taints.as_deref())
            .unwrap_or(&[]);
        !taints.iter().any(|taint| {
            (taint.effect == "NoSchedule" || taint.effect == "NoExecute")
                && !ds.tolerations.iter().any(|t| tolerates(t, taint))
        })
    }

    /// The number of (node, DaemonSet) pairs where a pod is wanted.
    pub fn plan_all(nodes: &[Node], sets: &[DaemonSet]) -> usize {
        sets.iter()
            .map(|ds| {
                let prepared = prepare(ds);
                nodes.iter().filter(|n| should_run(&prepared, n)).count()
            })
            .sum()
    }
}

/// The floor: touch every (node, DaemonSet) pair once (read the node's name and taint count).
fn bare_loop(nodes: &[Node], sets: &[DaemonSet]) -> usize {
    sets.iter()
        .map(|ds| {
            let salt = ds.metadata.name.as_deref().map_or(0, str::len);
            nodes
                .iter()
                .filter(|n| {
                    let taints = n
                        .spec
                        .as_ref()
                        .and_then(|s| s.taints.as_ref())
                        .map_or(0, Vec::len);
                    black_box(n.metadata.name.as_deref().map_or(0, str::len) + taints + salt) % 2
                        == 0
                })
                .count()
        })
        .sum()
}

fn median_ms(mut f: impl FnMut() -> usize, runs: usize) -> f64 {
    let mut times: Vec<f64> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            black_box(f());
            start.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[runs / 2]
}

fn main() {
    let sets = daemon_sets();
    let clusters: Vec<(usize, Vec<Node>)> = SIZES.iter().map(|&n| (n, nodes(n))).collect();
    let pods5k = pods(&clusters[1].1);

    let mut c = Criterion::default().configure_from_args();
    {
        let mut group = c.benchmark_group("plan_50_daemonsets");
        group
            .sample_size(30)
            .measurement_time(Duration::from_secs(4));
        for (n, nodes) in &clusters {
            group.throughput(Throughput::Elements((*n * DAEMON_SETS) as u64));
            group.bench_with_input(BenchmarkId::new("planner", n), nodes, |b, nodes| {
                b.iter(|| plan_all(black_box(nodes), &[], &sets));
            });
            group.bench_with_input(BenchmarkId::new("bare_loop", n), nodes, |b, nodes| {
                b.iter(|| bare_loop(black_box(nodes), &sets));
            });
        }
        group.bench_with_input(
            BenchmarkId::new("straightforward", 5000),
            &clusters[1].1,
            |b, nodes| {
                b.iter(|| straightforward::plan_all(black_box(nodes), &sets));
            },
        );
        group.bench_function("planner_with_10k_pods/5000", |b| {
            b.iter(|| plan_all(&clusters[1].1, &pods5k, &sets))
        });
        group
            .sample_size(10)
            .measurement_time(Duration::from_secs(8));
        group.bench_with_input(
            BenchmarkId::new("reference", 5000),
            &clusters[1].1,
            |b, nodes| {
                b.iter(|| reference_all(black_box(nodes), &sets));
            },
        );
        group.finish();
    }
    c.final_summary();

    // Same-run summary with ratios (medians of a few direct runs).
    println!("\nsummary: 50 DaemonSets, medians of direct runs");
    println!(
        "{:>7}  {:>10}  {:>12}  {:>10}  {:>10}  {:>12}  {:>10}  {:>12}",
        "nodes",
        "planner ms",
        "ns per pair",
        "bare ms",
        "straight ms",
        "straight/planner",
        "reference ms",
        "ref/planner"
    );
    let mut per_pair = Vec::new();
    for (n, nodes) in &clusters {
        assert_eq!(
            plan_all(nodes, &[], &sets),
            reference_all(nodes, &sets),
            "planner and reference disagree"
        );
        assert_eq!(
            straightforward::plan_all(nodes, &sets),
            reference_all(nodes, &sets),
            "straightforward planner and reference disagree"
        );
        let planner = median_ms(|| plan_all(nodes, &[], &sets), 21);
        let bare = median_ms(|| bare_loop(nodes, &sets), 21);
        let straight = median_ms(|| straightforward::plan_all(nodes, &sets), 11);
        let reference = median_ms(|| reference_all(nodes, &sets), 3);
        let ns = planner * 1e6 / (*n * DAEMON_SETS) as f64;
        per_pair.push(ns);
        println!(
            "{n:>7}  {planner:>10.2}  {ns:>12.1}  {bare:>10.2}  {straight:>11.2}  {:>15.2}x  {reference:>12.1}  {:>9.1}x",
            straight / planner,
            reference / planner
        );
    }
    let nodes5k = &clusters[1].1;
    let build = median_ms(|| Inventory::new(nodes5k, &[]).nodes().len(), 21);
    let inventory = Inventory::new(nodes5k, &[]);
    let plans = median_ms(
        || sets.iter().map(|ds| inventory.plan(ds).desired).sum(),
        21,
    );
    println!("5000 nodes: inventory index {build:.2} ms + 50 plans {plans:.2} ms");
    let with_pods = median_ms(|| plan_all(nodes5k, &pods5k, &sets), 21);
    println!(
        "5000 nodes + {} pods: planner {with_pods:.2} ms",
        pods5k.len()
    );
    println!(
        "scaling (ns per pair, 1k -> 5k -> 10k): {:.1} -> {:.1} -> {:.1} (linear when flat)",
        per_pair[0], per_pair[1], per_pair[2]
    );
}
