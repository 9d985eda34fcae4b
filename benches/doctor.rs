//! `daemonset doctor` on a recorded state of 1,000 nodes with 50 DaemonSets (about 43,000 of their pods, with
//! crash loops, Pending pods, image pull failures, rollouts half done and refused creations, and their events),
//! against a reference doing comparable work in the same run: the planner alone (index the nodes and pods once, plan
//! the 50 DaemonSets), which the doctor does and then reads every pod status, event and revision on top. A summary
//! with medians and the ratio is printed at the end.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::Criterion;
use daemonset::doctor::{Doctor, Health, State};
use daemonset::k8s::api::apps::v1::{ControllerRevision, DaemonSet};
use daemonset::k8s::api::core::v1::{Event, Node};
use daemonset::plan::{self, Inventory};
use serde_json::{Value, json};

const NODES: usize = 1_000;
const DAEMON_SETS: usize = 50;

/// A small deterministic generator (xorshift), so every run diagnoses the same cluster.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn percent(&mut self, p: u64) -> bool {
        self.next() % 100 < p
    }
}

fn from<T: serde::de::DeserializeOwned>(value: Value) -> T {
    serde_json::from_value(value).unwrap()
}

fn node(i: usize, rng: &mut Rng) -> Node {
    let zone = ["a", "b", "c"][i % 3];
    let pool = if i.is_multiple_of(10) {
        "gpu"
    } else {
        "general"
    };
    let taints = if pool == "gpu" {
        json!([{"key": "nvidia.com/gpu", "value": "true", "effect": "NoSchedule"}])
    } else if rng.percent(2) {
        json!([{"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"}])
    } else {
        json!([])
    };
    from(json!({
        "metadata": {"name": format!("node-{i:04}"), "labels": {
            "kubernetes.io/hostname": format!("node-{i:04}"), "kubernetes.io/os": "linux",
            "topology.kubernetes.io/zone": format!("eu-west-1{zone}"), "pool": pool}},
        "spec": {"taints": taints},
        "status": {"allocatable": {"cpu": "8", "memory": "32Gi", "pods": "110"}}
    }))
}

fn daemon_set(d: usize) -> DaemonSet {
    let mut spec = json!({"containers": [{"name": "agent", "image": format!("agent-{d}:2"),
        "resources": {"requests": {"cpu": "50m", "memory": "64Mi"}, "limits": {"memory": "128Mi"}}}]});
    match d % 5 {
        0 => spec["nodeSelector"] = json!({"pool": "gpu"}),
        1 => spec["tolerations"] = json!([{"operator": "Exists"}]),
        2 => spec["nodeSelector"] = json!({"topology.kubernetes.io/zone": "eu-west-1a"}),
        _ => {}
    }
    let strategy = if d % 7 == 3 {
        json!({"type": "OnDelete"})
    } else {
        json!({"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "10%"}})
    };
    from(json!({
        "metadata": {"name": format!("ds-{d:02}"), "namespace": format!("team-{}", d % 4), "uid": format!("uid-ds-{d}"),
            "generation": 2},
        "spec": {"selector": {"matchLabels": {"app": format!("ds-{d:02}")}}, "updateStrategy": strategy,
            "template": {"metadata": {"labels": {"app": format!("ds-{d:02}")}}, "spec": spec}}
    }))
}

fn revision(ds: &DaemonSet, number: i64) -> ControllerRevision {
    let name = ds.metadata.name.clone().unwrap();
    from(json!({
        "metadata": {"name": format!("{name}-rev{number}"), "namespace": ds.metadata.namespace,
            "labels": {"controller-revision-hash": format!("rev{number}")},
            "ownerReferences": [{"apiVersion": "apps/v1", "kind": "DaemonSet", "name": name,
                "uid": ds.metadata.uid, "controller": true}]},
        "revision": number
    }))
}

fn event(namespace: &str, kind: &str, name: &str, uid: &str, reason: &str, message: &str) -> Event {
    from(json!({
        "metadata": {"name": format!("{name}.{reason}"), "namespace": namespace},
        "involvedObject": {"kind": kind, "namespace": namespace, "name": name, "uid": uid},
        "reason": reason, "type": "Warning", "message": message, "lastTimestamp": "2026-11-29T10:00:00Z"
    }))
}

/// The recorded state, with the DaemonSets' statuses counted from their pods.
fn state() -> State {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let nodes: Vec<Node> = (0..NODES).map(|i| node(i, &mut rng)).collect();
    let mut state = State {
        nodes,
        ..State::default()
    };
    for d in 0..DAEMON_SETS {
        let mut ds = daemon_set(d);
        let namespace = ds.metadata.namespace.clone().unwrap();
        let name = ds.metadata.name.clone().unwrap();
        state.revisions.push(revision(&ds, 1));
        state.revisions.push(revision(&ds, 2));
        let desired = plan::desired_nodes(&ds, &state.nodes)
            .into_iter()
            .map(str::to_owned)
            .collect::<Vec<_>>();
        let (mut ready, mut updated) = (0, 0);
        let mut refused = false;
        for (k, node) in desired.iter().enumerate() {
            let kind = d % 10;
            if kind == 5 && rng.percent(3) {
                refused = true;
                continue;
            }
            let pod_name = format!("{name}-{k:04}");
            let uid = format!("uid-{name}-{k}");
            let old = (kind == 4 || d % 7 == 3) && rng.percent(30);
            let hash = if old { "rev1" } else { "rev2" };
            let pending = kind == 2 && rng.percent(3);
            let (status, is_ready) = if pending {
                state.events.push(event(&namespace, "Pod", &pod_name, &uid, "FailedScheduling",
                    "0/1000 nodes are available: 1 Insufficient cpu, 999 node(s) didn't match Pod's node affinity/selector. preemption: not helpful"));
                (json!({"phase": "Pending"}), false)
            } else if kind == 1 && rng.percent(5) {
                (
                    json!({"phase": "Running", "conditions": [{"type": "Ready", "status": "False"}],
                    "containerStatuses": [{"name": "agent", "image": "agent", "imageID": "", "ready": false,
                        "restartCount": 12, "state": {"waiting": {"reason": "CrashLoopBackOff"}},
                        "lastState": {"terminated": {"exitCode": 137, "reason": "OOMKilled"}}}]}),
                    false,
                )
            } else if kind == 3 && rng.percent(4) {
                (
                    json!({"phase": "Pending", "conditions": [{"type": "Ready", "status": "False"}],
                    "containerStatuses": [{"name": "agent", "image": "agent", "imageID": "", "ready": false,
                        "restartCount": 0, "state": {"waiting": {"reason": "ImagePullBackOff", "message": "Back-off"}}}]}),
                    false,
                )
            } else {
                (
                    json!({"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}],
                    "containerStatuses": [{"name": "agent", "image": "agent", "imageID": "", "ready": true,
                        "restartCount": 0, "state": {"running": {}}}]}),
                    true,
                )
            };
            ready += i32::from(is_ready);
            updated += i32::from(!old);
            let placement = if pending {
                json!({"affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
                    "nodeSelectorTerms": [{"matchFields": [{"key": "metadata.name", "operator": "In", "values": [node]}]}]}}}})
            } else {
                json!({"nodeName": node})
            };
            let mut spec = json!({"containers": [{"name": "agent", "image": format!("agent-{d}:2"),
                "resources": {"requests": {"cpu": "50m", "memory": "64Mi"}, "limits": {"memory": "128Mi"}}}]});
            for (key, value) in placement.as_object().unwrap() {
                spec[key] = value.clone();
            }
            state.pods.push(from(json!({
                "metadata": {"name": pod_name, "namespace": namespace, "uid": uid,
                    "labels": {"app": name, "controller-revision-hash": hash},
                    "ownerReferences": [{"apiVersion": "apps/v1", "kind": "DaemonSet", "name": name,
                        "uid": ds.metadata.uid, "controller": true}]},
                "spec": spec, "status": status
            })));
        }
        if refused {
            state.events.push(event(&namespace, "DaemonSet", &name, ds.metadata.uid.as_deref().unwrap(), "FailedCreate",
                "Error creating: pods \"x-\" is forbidden: exceeded quota: pods, requested: pods=1, used: pods=400, limited: pods=400"));
        }
        let n = i32::try_from(desired.len()).unwrap();
        ds.status = Some(from(
            json!({"desiredNumberScheduled": n, "currentNumberScheduled": n, "numberReady": ready,
            "updatedNumberScheduled": updated, "numberAvailable": ready, "numberMisscheduled": 0, "observedGeneration": 2}),
        ));
        state.daemon_sets.push(ds);
    }
    state
}

/// The doctor: index the state, diagnose every DaemonSet.
fn doctor_all(state: &State) -> usize {
    Doctor::new(state)
        .all()
        .iter()
        .map(|r| r.findings.len() + r.nodes.len())
        .sum()
}

/// The reference: the planner alone over the same nodes and pods (index once, plan every DaemonSet).
fn planner_all(state: &State) -> usize {
    let inventory = Inventory::new(&state.nodes, &state.pods);
    state
        .daemon_sets
        .iter()
        .map(|ds| inventory.plan(ds).desired)
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
    let state = state();
    let reports = Doctor::new(&state).all();
    let mut c = Criterion::default().configure_from_args();
    {
        let mut group = c.benchmark_group("doctor_1000_nodes_50_daemonsets");
        group
            .sample_size(20)
            .measurement_time(Duration::from_secs(6));
        group.bench_function("doctor", |b| b.iter(|| doctor_all(black_box(&state))));
        group.bench_function("planner_alone", |b| {
            b.iter(|| planner_all(black_box(&state)))
        });
        group.bench_function("doctor_one_daemonset", |b| {
            b.iter(|| {
                Doctor::new(black_box(&state))
                    .find("team-1", "ds-01")
                    .map(|r| r.nodes.len())
            })
        });
        group.finish();
    }
    c.final_summary();

    let count = |h: Health| reports.iter().filter(|r| r.health == h).count();
    println!(
        "\nsummary: {} nodes, {} DaemonSets, {} pods, {} events; verdicts: {} healthy, {} degraded, {} stuck, {} failing",
        state.nodes.len(),
        state.daemon_sets.len(),
        state.pods.len(),
        state.events.len(),
        count(Health::Healthy),
        count(Health::Degraded),
        count(Health::Stuck),
        count(Health::Failing)
    );
    let doctor = median_ms(|| doctor_all(&state), 11);
    let planner = median_ms(|| planner_all(&state), 11);
    println!(
        "medians of 11 direct runs: doctor {doctor:.1} ms, planner alone {planner:.1} ms, doctor/planner {:.2}x",
        doctor / planner
    );
}
