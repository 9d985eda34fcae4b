//! Placement agreement with the real DaemonSet controller (issue 6, item 4): randomized node sets (labels, taints of
//! every effect incl. `node.kubernetes.io/*` keys, cordoned nodes) and randomized DaemonSets (nodeSelector, required
//! node affinity with every operator, tolerations of every shape, hostNetwork, a pinned template nodeName) are
//! created on the control plane; for each DaemonSet the set of nodes the controller creates pods for must equal
//! `daemonset::plan::desired_nodes` on the same objects as read back from the API server, and
//! `status.desiredNumberScheduled` must equal the planned count.
//!
//! Cases are isolated in batches: each batch has its own namespace and nodes (labelled `daemonset.test/ns=<ns>` by
//! the fixture), and every DaemonSet of the batch carries that label in its nodeSelector on top of its random rules.
//! The generator is seeded (`PLACEMENT_SEED` overrides the default, `PLACEMENT_BATCHES` the number of batches); the
//! seed is printed so a failure reproduces.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::time::{Duration, Instant};

use daemonset::k8s::api::apps::v1::DaemonSet;
use daemonset::k8s::api::core::v1::{Node, Pod};
use kube::api::{Api, DeleteParams, ListParams, Patch, PatchParams, PostParams};
use serde_json::{Value, json};
use support::TestEnv;

const DEFAULT_SEED: u64 = 0x5eed_da3e_0006_0004;
const BATCHES: usize = 8;
const NODES_PER_BATCH: usize = 10;
const CASES_PER_BATCH: usize = 30;
const SETTLE_TIMEOUT: Duration = Duration::from_secs(150);
/// The label the fixture puts on every node of a batch (its namespace).
const BATCH_LABEL: &str = "daemonset.test/ns";

/// xorshift64*: small, seeded, reproducible.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// True with `percent` % probability.
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// 0..=max, weighted towards small numbers.
    fn small(&mut self, max: usize) -> usize {
        let a = self.below(max + 1);
        let b = self.below(max + 1);
        a.min(b)
    }
}

/// Node label keys and the values nodes carry.
const LABELS: &[(&str, &[&str])] = &[
    ("zone", &["a", "b", "c"]),
    ("tier", &["gpu", "cpu", "edge"]),
    (
        "example.com/rank",
        &[
            "0",
            "1",
            "5",
            "10",
            "007",
            "1e3",
            "x",
            "99999999999999999999",
        ],
    ),
    ("disktype", &["ssd", "hdd"]),
    ("node-role.kubernetes.io/worker", &[""]),
];
/// A key no node has.
const ABSENT_KEY: &str = "example.com/absent";
/// Values for `Gt`/`Lt`: integers, one with leading zeros, and a valid label value that is no integer (the server
/// accepts it; the term then matches nothing).
const NUMBERS: &[&str] = &["0", "1", "4", "5", "6", "10", "007", "abc"];

const TAINT_KEYS: &[&str] = &[
    "dedicated",
    "gpu",
    "example.com/special",
    "node.kubernetes.io/not-ready",
    "node.kubernetes.io/unreachable",
    "node.kubernetes.io/disk-pressure",
    "node.kubernetes.io/memory-pressure",
    "node.kubernetes.io/pid-pressure",
    "node.kubernetes.io/unschedulable",
    "node.kubernetes.io/network-unavailable",
    "node-role.kubernetes.io/control-plane",
];
const TAINT_VALUES: &[&str] = &["", "true", "gpu", "x"];

struct NodeSpec {
    name: String,
    labels: Vec<(String, String)>,
    taints: Vec<Value>,
    unschedulable: bool,
}

fn random_taint(rng: &mut Rng) -> (&'static str, &'static str, &'static str) {
    // Half of the keys are the node lifecycle ones (some covered by the automatic tolerations, some not).
    let key = if rng.chance(50) {
        *rng.pick(&TAINT_KEYS[3..])
    } else {
        *rng.pick(&TAINT_KEYS[..3])
    };
    let effect = match rng.below(20) {
        0..=8 => "NoSchedule",
        9..=15 => "NoExecute",
        _ => "PreferNoSchedule",
    };
    let value = if key.starts_with("node.kubernetes.io/") && rng.chance(70) {
        ""
    } else {
        *rng.pick(TAINT_VALUES)
    };
    (key, value, effect)
}

fn random_node(rng: &mut Rng, name: String) -> NodeSpec {
    let mut labels = Vec::new();
    for (key, values) in LABELS {
        if rng.chance(60) {
            labels.push(((*key).to_owned(), (*rng.pick(values)).to_owned()));
        }
    }
    let mut taints: Vec<Value> = Vec::new();
    let mut seen = BTreeSet::new();
    let mut wanted: Vec<(&str, &str, &str)> =
        (0..rng.small(3)).map(|_| random_taint(rng)).collect();
    if rng.chance(20) {
        wanted.push(("node.kubernetes.io/network-unavailable", "", "NoSchedule"));
    }
    for (key, value, effect) in wanted {
        if !seen.insert((key, effect)) {
            continue;
        }
        let mut taint = json!({"key": key, "effect": effect});
        if !value.is_empty() {
            taint["value"] = json!(value);
        }
        taints.push(taint);
    }
    NodeSpec {
        name,
        labels,
        taints,
        unschedulable: rng.chance(15),
    }
}

fn label_key(rng: &mut Rng) -> &'static str {
    if rng.chance(10) {
        ABSENT_KEY
    } else {
        rng.pick(LABELS).0
    }
}

/// A value for `key`: mostly one some node may carry, sometimes one no node carries.
fn label_value(rng: &mut Rng, key: &str) -> String {
    let values = LABELS
        .iter()
        .find(|(k, _)| *k == key)
        .map_or(&["v"][..], |(_, v)| *v);
    if rng.chance(15) {
        "other".into()
    } else {
        (*rng.pick(values)).to_owned()
    }
}

fn expression(rng: &mut Rng) -> Value {
    let operator = *rng.pick(&["In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"]);
    match operator {
        "In" | "NotIn" => {
            let key = label_key(rng);
            let n = 1 + rng.small(2);
            let values: BTreeSet<String> = (0..n).map(|_| label_value(rng, key)).collect();
            json!({"key": key, "operator": operator, "values": values})
        }
        "Exists" | "DoesNotExist" => json!({"key": label_key(rng), "operator": operator}),
        _ => {
            let key = if rng.chance(70) {
                "example.com/rank"
            } else {
                label_key(rng)
            };
            json!({"key": key, "operator": operator, "values": [rng.pick(NUMBERS)]})
        }
    }
}

fn term(rng: &mut Rng, nodes: &[NodeSpec]) -> Value {
    let mut term = serde_json::Map::new();
    let n = 1 + rng.small(2);
    term.insert(
        "matchExpressions".into(),
        Value::Array((0..n).map(|_| expression(rng)).collect()),
    );
    if rng.chance(12) {
        let operator = if rng.chance(50) { "In" } else { "NotIn" };
        let node = &rng.pick(nodes).name;
        term.insert(
            "matchFields".into(),
            json!([{"key": "metadata.name", "operator": operator, "values": [node]}]),
        );
        if rng.chance(30) {
            term.remove("matchExpressions");
        }
    }
    Value::Object(term)
}

fn toleration(rng: &mut Rng, nodes: &[NodeSpec]) -> Value {
    let mut effect = *rng.pick(&["", "NoSchedule", "PreferNoSchedule", "NoExecute"]);
    let mut t = serde_json::Map::new();
    let taints: Vec<&Value> = nodes.iter().flat_map(|n| &n.taints).collect();
    if !taints.is_empty() && rng.chance(50) {
        // Aimed at a taint of the batch: the same key, then a close or exact match.
        let taint = *rng.pick(&taints);
        t.insert("key".into(), taint["key"].clone());
        let value = taint["value"].as_str().unwrap_or("");
        match rng.below(5) {
            0 | 1 => {
                t.insert("operator".into(), json!("Exists"));
            }
            2 | 3 => {
                if rng.chance(50) {
                    t.insert("operator".into(), json!("Equal"));
                }
                if !value.is_empty() || rng.chance(50) {
                    t.insert("value".into(), json!(value));
                }
            }
            _ => {
                t.insert("operator".into(), json!("Equal"));
                let other = if value == "x" { "gpu" } else { "x" };
                t.insert("value".into(), json!(other));
            }
        }
        if rng.chance(60) {
            effect = taint["effect"].as_str().unwrap();
        }
    } else {
        match rng.below(20) {
            // Empty key with Exists: every key (of the effect, or every taint).
            0 => {
                t.insert("operator".into(), json!("Exists"));
            }
            1..=7 => {
                t.insert("key".into(), json!(rng.pick(TAINT_KEYS)));
                t.insert("operator".into(), json!("Exists"));
            }
            n => {
                t.insert("key".into(), json!(rng.pick(TAINT_KEYS)));
                // Equal spelled out, or the empty operator that means Equal.
                if n % 2 == 0 {
                    t.insert("operator".into(), json!("Equal"));
                }
                let value = *rng.pick(TAINT_VALUES);
                if !value.is_empty() || rng.chance(50) {
                    t.insert("value".into(), json!(value));
                }
            }
        }
    }
    if !effect.is_empty() {
        t.insert("effect".into(), json!(effect));
    }
    if effect == "NoExecute" && rng.chance(50) {
        t.insert(
            "tolerationSeconds".into(),
            json!(*rng.pick(&[0, 30, 300, 3600])),
        );
    }
    Value::Object(t)
}

fn random_daemon_set(rng: &mut Rng, name: &str, namespace: &str, nodes: &[NodeSpec]) -> Value {
    let mut selector = BTreeMap::new();
    selector.insert(BATCH_LABEL.to_owned(), namespace.to_owned());
    if rng.chance(30) {
        for _ in 0..1 + rng.small(1) {
            let key = label_key(rng);
            let value = label_value(rng, key);
            selector.insert(key.to_owned(), value);
        }
    }
    let mut spec = json!({
        "nodeSelector": selector,
        "terminationGracePeriodSeconds": 0,
        "containers": [{"name": "c", "image": "registry.k8s.io/pause:3.10"}],
    });
    let mut affinity = serde_json::Map::new();
    if rng.chance(55) {
        let n = 1 + rng.small(2);
        let terms: Vec<Value> = (0..n).map(|_| term(rng, nodes)).collect();
        affinity.insert(
            "requiredDuringSchedulingIgnoredDuringExecution".into(),
            json!({"nodeSelectorTerms": terms}),
        );
    }
    if rng.chance(20) {
        // Preferred terms: the controller ignores them.
        affinity.insert(
            "preferredDuringSchedulingIgnoredDuringExecution".into(),
            json!([{"weight": 1 + rng.below(100), "preference": {"matchExpressions": [expression(rng)]}}]),
        );
    }
    if !affinity.is_empty() {
        spec["affinity"] = json!({"nodeAffinity": affinity});
    }
    let tolerations: Vec<Value> = (0..rng.small(3)).map(|_| toleration(rng, nodes)).collect();
    if !tolerations.is_empty() {
        spec["tolerations"] = Value::Array(tolerations);
    }
    if rng.chance(30) {
        spec["hostNetwork"] = json!(true);
    }
    if rng.chance(8) {
        let node = if rng.chance(80) {
            rng.pick(nodes).name.clone()
        } else {
            format!("{namespace}-nowhere")
        };
        spec["nodeName"] = json!(node);
    }
    json!({
        "apiVersion": "apps/v1",
        "kind": "DaemonSet",
        "metadata": {"name": name, "namespace": namespace},
        "spec": {
            "selector": {"matchLabels": {"case": name}},
            "template": {"metadata": {"labels": {"case": name}}, "spec": spec},
        },
    })
}

/// One case: a DaemonSet as the server stored it.
struct Case {
    batch: usize,
    ds: DaemonSet,
}

/// The node a pod of the controller is for: `spec.nodeName` (a pinned template), else the `metadata.name` of the
/// `matchFields` term the controller writes into the pod's required node affinity.
fn pod_node(pod: &Pod) -> Option<String> {
    let spec = pod.spec.as_ref()?;
    if let Some(name) = spec.node_name.as_ref().filter(|n| !n.is_empty()) {
        return Some(name.clone());
    }
    let terms = &spec
        .affinity
        .as_ref()?
        .node_affinity
        .as_ref()?
        .required_during_scheduling_ignored_during_execution
        .as_ref()?
        .node_selector_terms;
    terms
        .iter()
        .flat_map(|t| t.match_fields.iter().flatten())
        .find(|r| r.key == "metadata.name" && r.operator == "In")
        .and_then(|r| r.values.as_ref()?.first().cloned())
}

/// The controller's pods of each DaemonSet (by owner uid), as node names; pods being deleted are left out.
fn pods_by_owner(pods: &[Pod]) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for pod in pods {
        if pod.metadata.deletion_timestamp.is_some() {
            continue;
        }
        let owner = pod
            .metadata
            .owner_references
            .iter()
            .flatten()
            .find(|r| r.controller == Some(true) && r.kind == "DaemonSet");
        if let Some(owner) = owner {
            out.entry(owner.uid.clone())
                .or_default()
                .push(pod_node(pod).unwrap_or_else(|| "<no node>".into()));
        }
    }
    out
}

fn status_of(ds: &DaemonSet) -> (i64, i32, i32, i32) {
    let status = ds.status.clone().unwrap_or_default();
    (
        status.observed_generation.unwrap_or(0),
        status.desired_number_scheduled,
        status.current_number_scheduled,
        status.number_misscheduled,
    )
}

/// Whether the controller is done with the DaemonSet: its status is for the current generation, counts as many
/// pods as exist, and none is missing or misscheduled.
fn settled(ds: &DaemonSet, pods: Option<&Vec<String>>) -> bool {
    let (observed, desired, current, misscheduled) = status_of(ds);
    let count = pods.map_or(0, Vec::len) as i32;
    observed >= ds.metadata.generation.unwrap_or(1)
        && desired == count
        && current == desired
        && misscheduled == 0
}

fn excerpt(ds: &DaemonSet) -> String {
    let spec = ds
        .spec
        .as_ref()
        .and_then(|s| s.template.spec.as_ref())
        .unwrap();
    let mut v = json!({});
    v["nodeSelector"] = json!(spec.node_selector);
    if let Some(a) = &spec.affinity {
        v["affinity"] = json!(a);
    }
    if let Some(t) = &spec.tolerations {
        v["tolerations"] = json!(t);
    }
    v["hostNetwork"] = json!(spec.host_network.unwrap_or(false));
    if let Some(n) = &spec.node_name {
        v["nodeName"] = json!(n);
    }
    serde_yaml::to_string(&v).unwrap()
}

fn describe_node(node: &Node) -> String {
    let labels: BTreeMap<_, _> = node
        .metadata
        .labels
        .iter()
        .flatten()
        .filter(|(k, _)| {
            k.as_str() != BATCH_LABEL
                && k.as_str() != "kubernetes.io/hostname"
                && k.as_str() != "kubernetes.io/os"
        })
        .collect();
    let spec = node.spec.clone().unwrap_or_default();
    let taints: Vec<String> = spec
        .taints
        .iter()
        .flatten()
        .map(daemonset::plan::taint_text)
        .collect();
    format!(
        "labels {labels:?}, taints [{}]{}",
        taints.join(", "),
        if spec.unschedulable == Some(true) {
            ", cordoned"
        } else {
            ""
        }
    )
}

/// What the cases exercised: the node decisions by outcome (runs, or the first reason it does not), and how often
/// each generated feature occurs.
fn coverage(cases: &[Case], nodes: &[Node]) -> String {
    use daemonset::plan::Reason;
    let mut tally: BTreeMap<&str, usize> = BTreeMap::new();
    let mut bump = |k: &'static str| *tally.entry(k).or_default() += 1;
    for case in cases {
        let namespace = case.ds.metadata.namespace.as_deref().unwrap();
        let spec = case
            .ds
            .spec
            .as_ref()
            .and_then(|s| s.template.spec.as_ref())
            .unwrap();
        let host_network = spec.host_network == Some(true);
        let required = spec
            .affinity
            .as_ref()
            .and_then(|a| a.node_affinity.as_ref())
            .and_then(|a| {
                a.required_during_scheduling_ignored_during_execution
                    .as_ref()
            });
        if spec.node_selector.as_ref().is_some_and(|s| s.len() > 1) {
            bump("ds: nodeSelector");
        }
        if let Some(required) = required {
            bump("ds: required affinity");
            for term in &required.node_selector_terms {
                for e in term.match_expressions.iter().flatten() {
                    bump(match e.operator.as_str() {
                        "In" => "op In",
                        "NotIn" => "op NotIn",
                        "Exists" => "op Exists",
                        "DoesNotExist" => "op DoesNotExist",
                        "Gt" => "op Gt",
                        _ => "op Lt",
                    });
                }
                if term.match_fields.is_some() {
                    bump("op matchFields");
                }
            }
        }
        for t in spec.tolerations.iter().flatten() {
            bump(match (t.key.as_deref(), t.operator.as_deref()) {
                (None, _) => "toleration: empty key Exists",
                (_, Some("Exists")) => "toleration: Exists",
                (_, Some("Equal")) => "toleration: Equal",
                _ => "toleration: empty operator",
            });
            if t.toleration_seconds.is_some() {
                bump("toleration: tolerationSeconds");
            }
        }
        if host_network {
            bump("ds: hostNetwork");
        }
        if spec.node_name.is_some() {
            bump("ds: nodeName pinned");
        }
        for node in nodes.iter().filter(|n| {
            n.metadata
                .labels
                .as_ref()
                .and_then(|l| l.get(BATCH_LABEL))
                .is_some_and(|v| v == namespace)
        }) {
            let reasons = daemonset::plan::reasons(&case.ds, node);
            let node_spec = node.spec.clone().unwrap_or_default();
            let hard_taints: Vec<_> = node_spec
                .taints
                .iter()
                .flatten()
                .filter(|t| t.effect != "PreferNoSchedule")
                .collect();
            match reasons.first() {
                None => {
                    bump("node decision: runs");
                    if !hard_taints.is_empty() {
                        bump("node decision: runs despite NoSchedule/NoExecute taints");
                    }
                    if hard_taints.iter().any(|t| {
                        daemonset::plan::automatic_tolerations(host_network)
                            .any(|(k, e)| t.key == k && t.effect == e)
                    }) {
                        bump("node decision: runs through an automatic toleration");
                    }
                    if node_spec.unschedulable == Some(true) {
                        bump("node decision: runs on a cordoned node");
                    }
                    if host_network
                        && hard_taints.iter().any(|t| {
                            t.key == "node.kubernetes.io/network-unavailable"
                                && t.effect == "NoSchedule"
                        })
                    {
                        bump("node decision: runs through network-unavailable (hostNetwork)");
                    }
                }
                Some(Reason::NodeNamePinnedElsewhere { .. }) => {
                    bump("node decision: nodeName elsewhere")
                }
                Some(Reason::NodeSelectorMismatch { .. }) => bump("node decision: nodeSelector"),
                Some(Reason::AffinityTermsNotMatched { .. }) => bump("node decision: affinity"),
                Some(Reason::UntoleratedTaint { taint }) => {
                    bump("node decision: taint");
                    if taint.key.starts_with("node.kubernetes.io/") {
                        bump("node decision: taint node.kubernetes.io/*");
                    }
                }
                Some(_) => bump("node decision: other"),
            }
        }
    }
    let mut out = String::from("coverage:");
    for (k, v) in &tally {
        let _ = write!(out, "\n  {k}: {v}");
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "starts a control plane: run scripts/cluster-tests.sh"]
async fn controller_places_pods_where_the_planner_says() {
    let seed = std::env::var("PLACEMENT_SEED")
        .ok()
        .map(|s| {
            let s = s.trim();
            s.strip_prefix("0x")
                .map_or_else(|| s.parse(), |h| u64::from_str_radix(h, 16))
                .expect("PLACEMENT_SEED is a number")
        })
        .unwrap_or(DEFAULT_SEED);
    let batches: usize = std::env::var("PLACEMENT_BATCHES")
        .ok()
        .map(|s| s.parse().expect("PLACEMENT_BATCHES is a number"))
        .unwrap_or(BATCHES);
    println!("placement agreement: seed {seed:#x} ({batches} batches)");
    let started = Instant::now();
    let mut rng = Rng::new(seed);

    // Generate and create every batch's nodes and DaemonSets first, then let the controller work on all of them.
    let mut envs: Vec<TestEnv> = Vec::new();
    let mut cases: Vec<Case> = Vec::new();
    let mut rejected_by_validate = 0;
    let mut server_rejections: Vec<String> = Vec::new();
    for b in 0..batches {
        let namespace = format!("placement-{b}");
        let mut env = TestEnv::new(&namespace).await;
        let nodes: Vec<NodeSpec> = (0..NODES_PER_BATCH)
            .map(|i| random_node(&mut rng, format!("{namespace}-n{i}")))
            .collect();
        let node_api: Api<Node> = Api::all(env.cluster.client().clone());
        for node in &nodes {
            let labels: Vec<(&str, &str)> = node
                .labels
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            env.node(&node.name, &labels, json!(node.taints), None)
                .await;
            if node.unschedulable {
                node_api
                    .patch(
                        &node.name,
                        &PatchParams::default(),
                        &Patch::Merge(json!({"spec": {"unschedulable": true}})),
                    )
                    .await
                    .expect("cordon");
            }
        }
        let ds_api: Api<DaemonSet> = Api::namespaced(env.cluster.client().clone(), &namespace);
        let mut made = 0;
        while made < CASES_PER_BATCH {
            let name = format!("c{made}");
            let value = random_daemon_set(&mut rng, &name, &namespace, &nodes);
            let ds: DaemonSet = serde_json::from_value(value).unwrap();
            if daemonset::validate(&ds).is_err() {
                rejected_by_validate += 1;
                continue;
            }
            made += 1;
            match ds_api.create(&PostParams::default(), &ds).await {
                Ok(stored) => cases.push(Case {
                    batch: b,
                    ds: stored,
                }),
                Err(e) => server_rejections.push(format!(
                    "{namespace}/{name}: validate accepts, the server rejects: {e}\n{}",
                    excerpt(&ds)
                )),
            }
        }
        envs.push(env);
    }
    println!(
        "created {} nodes and {} DaemonSets in {:.1?} ({rejected_by_validate} generated DaemonSets rejected by validate and regenerated)",
        batches * NODES_PER_BATCH,
        cases.len(),
        started.elapsed()
    );

    // Wait until the controller has settled every DaemonSet.
    let client = envs[0].cluster.client().clone();
    let all_ds: Api<DaemonSet> = Api::all(client.clone());
    let all_pods: Api<Pod> = Api::all(client.clone());
    let deadline = Instant::now() + SETTLE_TIMEOUT;
    let mut stable_polls = 0;
    let (stored, owned) = loop {
        let stored: BTreeMap<String, DaemonSet> = all_ds
            .list(&ListParams::default())
            .await
            .unwrap()
            .items
            .into_iter()
            .map(|d| (d.metadata.uid.clone().unwrap(), d))
            .collect();
        let owned = pods_by_owner(&all_pods.list(&ListParams::default()).await.unwrap().items);
        let pending = cases
            .iter()
            .filter(|c| {
                let uid = c.ds.metadata.uid.as_ref().unwrap();
                stored.get(uid).is_none_or(|d| !settled(d, owned.get(uid)))
            })
            .count();
        // Settled twice in a row, a second apart: the controller has nothing left to do.
        stable_polls = if pending == 0 { stable_polls + 1 } else { 0 };
        if stable_polls >= 2 || Instant::now() > deadline {
            if pending > 0 {
                println!("{pending} DaemonSets did not settle in {SETTLE_TIMEOUT:?}");
            }
            break (stored, owned);
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    };
    let settle_time = started.elapsed();
    let pod_count: usize = owned.values().map(Vec::len).sum();

    // Compare with the planner, on the nodes as the API server has them.
    let nodes: Vec<Node> = Api::<Node>::all(client.clone())
        .list(&ListParams::default())
        .await
        .unwrap()
        .items;
    let by_name: BTreeMap<&str, &Node> = nodes
        .iter()
        .map(|n| (n.metadata.name.as_deref().unwrap(), n))
        .collect();
    let mut disagreements: Vec<String> = Vec::new();
    let mut planned_total = 0;
    let mut empty_cases = 0;
    for case in &cases {
        let uid = case.ds.metadata.uid.as_ref().unwrap();
        let name = format!(
            "{}/{}",
            case.ds.metadata.namespace.as_deref().unwrap(),
            case.ds.metadata.name.as_deref().unwrap()
        );
        let planned: BTreeSet<&str> = daemonset::plan::desired_nodes(&case.ds, &nodes)
            .into_iter()
            .collect();
        planned_total += planned.len();
        if planned.is_empty() {
            empty_cases += 1;
        }
        let actual_list = owned.get(uid).cloned().unwrap_or_default();
        let actual: BTreeSet<&str> = actual_list.iter().map(String::as_str).collect();
        let status = stored.get(uid).map(status_of);
        let desired = status.map(|s| s.1);
        let mut problems = Vec::new();
        if planned != actual {
            problems.push(format!("planned {planned:?}, controller {actual:?}"));
        }
        if actual.len() != actual_list.len() {
            problems.push(format!("duplicate pods: {actual_list:?}"));
        }
        if desired != Some(planned.len() as i32) {
            problems.push(format!(
                "status.desiredNumberScheduled {desired:?}, planned {}",
                planned.len()
            ));
        }
        if problems.is_empty() {
            continue;
        }
        let mut text = format!(
            "{name} (batch {}): {}\nstatus (observedGeneration, desired, current, misscheduled): {status:?}\n{}",
            case.batch,
            problems.join("; "),
            excerpt(&case.ds)
        );
        for node in planned.symmetric_difference(&actual) {
            let Some(n) = by_name.get(node) else {
                let _ = writeln!(text, "  node {node}: not in the node list");
                continue;
            };
            let reasons: Vec<String> = daemonset::plan::reasons(&case.ds, n)
                .iter()
                .map(ToString::to_string)
                .collect();
            let _ = writeln!(
                text,
                "  node {node}: {}; planned {}, controller {}; planner's reasons: {reasons:?}",
                describe_node(n),
                planned.contains(node),
                actual.contains(node),
            );
        }
        disagreements.push(text);
    }

    println!("{}", coverage(&cases, &nodes));
    println!(
        "placement agreement: {} cases, {} disagreements ({} planned pods, {} controller pods, {} cases with no node; \
         {} server rejections; settled in {:.1?}, total {:.1?}; seed {seed:#x})",
        cases.len(),
        disagreements.len(),
        planned_total,
        pod_count,
        empty_cases,
        server_rejections.len(),
        settle_time,
        started.elapsed()
    );
    for d in &disagreements {
        println!("DISAGREEMENT {d}");
    }
    for r in &server_rejections {
        println!("SERVER REJECTION {r}");
    }

    // Leave a clean plane behind (matters with DAEMONSET_TEST_KUBECONFIG).
    for env in &envs {
        let ds_api: Api<DaemonSet> = Api::namespaced(client.clone(), &env.namespace);
        let _ = ds_api
            .delete_collection(&DeleteParams::background(), &ListParams::default())
            .await;
        env.cleanup().await;
    }

    assert!(
        disagreements.is_empty() && server_rejections.is_empty(),
        "{} disagreements, {} server rejections (seed {seed:#x})",
        disagreements.len(),
        server_rejections.len()
    );
    assert!(cases.len() >= 200, "only {} cases", cases.len());
}
