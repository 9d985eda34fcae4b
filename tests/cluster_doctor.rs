//! `daemonset::doctor` on a real control plane: each cause is made real and diagnosed from the live state.
//!
//! - pod creation refused by the API server (real admission, real `FailedCreate` events of the DaemonSet
//!   controller): PodSecurity `enforce: baseline` against a privileged pod with a hostPath, a missing
//!   ServiceAccount, a ResourceQuota, a LimitRange;
//! - a request no node can satisfy (real scheduler `FailedScheduling` event) and a tainted node;
//! - container states written by the test acting as kubelet (pod status patches): CrashLoopBackOff with OOMKilled
//!   and with an exit code, ImagePullBackOff, CreateContainerConfigError, a failing readiness probe (an `Unhealthy`
//!   event as the kubelet writes it); the previous log is unavailable (no real kubelet) and the report says so;
//! - stuck rollouts: new pods crashing use up `maxUnavailable`, `maxSurge` with a host port, OnDelete.
//!
//! Each test asserts the verdict, the cause and the affected nodes.

mod support;

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use daemonset::doctor::{self, Cause, Finding, Health, LogTail, Refusal, Report};
use daemonset::k8s::api::apps::v1::DaemonSet;
use daemonset::k8s::api::core::v1::{Event, LimitRange, Namespace, Pod, ResourceQuota};
use kube::api::{Api, DeleteParams, ListParams, Patch, PatchParams, PostParams};
use serde_json::{Value, json};
use support::TestEnv;

/// A DaemonSet of one container on this test's nodes; `extra` is merged into the pod spec, `container` into the
/// container.
fn daemon_set(namespace: &str, image: &str, pod: Value, container: Value) -> DaemonSet {
    let mut c = json!({"name": "agent", "image": image});
    merge(&mut c, container);
    let mut spec = json!({
        "nodeSelector": {"daemonset.test/ns": namespace},
        "terminationGracePeriodSeconds": 0,
        "containers": [c],
    });
    merge(&mut spec, pod);
    serde_json::from_value(json!({
        "apiVersion": "apps/v1", "kind": "DaemonSet",
        "metadata": {"name": "agent", "namespace": namespace},
        "spec": {
            "selector": {"matchLabels": {"app": "agent"}},
            "template": {"metadata": {"labels": {"app": "agent"}}, "spec": spec},
        }
    }))
    .unwrap()
}

fn merge(into: &mut Value, from: Value) {
    if let (Some(a), Value::Object(b)) = (into.as_object_mut(), from) {
        for (k, v) in b {
            a.insert(k, v);
        }
    }
}

async fn create(env: &TestEnv, ds: &DaemonSet) {
    clean(env).await;
    let api: Api<DaemonSet> = Api::namespaced(env.cluster.client().clone(), &env.namespace);
    api.create(&PostParams::default(), ds)
        .await
        .expect("create DaemonSet");
}

/// Removes the DaemonSet, pods and events an earlier run left against a long-lived plane.
async fn clean(env: &TestEnv) {
    let api: Api<DaemonSet> = Api::namespaced(env.cluster.client().clone(), &env.namespace);
    let pods: Api<Pod> = Api::namespaced(env.cluster.client().clone(), &env.namespace);
    if api.get_opt("agent").await.unwrap().is_some() {
        let _ = api.delete("agent", &DeleteParams::default()).await;
        while api.get_opt("agent").await.unwrap().is_some() {
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        let _ = pods
            .delete_collection(
                &DeleteParams::default().grace_period(0),
                &ListParams::default(),
            )
            .await;
        let events: Api<Event> = Api::namespaced(env.cluster.client().clone(), &env.namespace);
        let _ = events
            .delete_collection(&DeleteParams::default(), &ListParams::default())
            .await;
    }
}

async fn set_image(env: &TestEnv, image: &str) {
    let api: Api<DaemonSet> = Api::namespaced(env.cluster.client().clone(), &env.namespace);
    let patch = json!({"spec": {"template": {"spec": {"containers": [{"name": "agent", "image": image}]}}}});
    api.patch("agent", &PatchParams::default(), &Patch::Strategic(&patch))
        .await
        .expect("patch image");
}

async fn nodes(env: &mut TestEnv, count: usize, allocatable: Option<(&str, &str)>) -> Vec<String> {
    let mut names = Vec::new();
    for i in 0..count {
        let name = format!("{}-n{i}", env.namespace);
        env.node(&name, &[], json!([]), allocatable).await;
        names.push(name);
    }
    names
}

/// Polls the doctor until `done` holds (or 90 s), returning the last report.
async fn until(env: &TestEnv, done: impl Fn(&Report) -> bool) -> Report {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(90);
    loop {
        let report = doctor::doctor(&env.cluster, "agent").await.expect("doctor");
        if done(&report) || tokio::time::Instant::now() > deadline {
            return report;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

fn finding(report: &Report, pick: impl Fn(&Cause) -> bool) -> Option<&Finding> {
    report.findings.iter().find(|f| pick(&f.cause))
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

/// The test as kubelet: deletes pods being deleted and writes, once per pod, the status `status_of` returns for it.
struct Kubelet {
    task: tokio::task::JoinHandle<()>,
}

type StatusOf = dyn Fn(&Pod) -> Option<Value> + Send + Sync;

impl Kubelet {
    fn start(env: &TestEnv, status_of: Arc<StatusOf>) -> Kubelet {
        let pods: Api<Pod> = Api::namespaced(env.cluster.client().clone(), &env.namespace);
        let task = tokio::spawn(async move {
            let mut done: HashSet<String> = HashSet::new();
            loop {
                if let Ok(list) = pods.list(&ListParams::default()).await {
                    for pod in list.items {
                        let name = pod.metadata.name.clone().unwrap_or_default();
                        let uid = pod.metadata.uid.clone().unwrap_or_default();
                        let bound = pod
                            .spec
                            .as_ref()
                            .and_then(|s| s.node_name.as_ref())
                            .is_some();
                        if pod.metadata.deletion_timestamp.is_some() {
                            let _ = pods
                                .delete(&name, &DeleteParams::default().grace_period(0))
                                .await;
                        } else if bound
                            && !done.contains(&uid)
                            && let Some(status) = status_of(&pod)
                        {
                            let patch = json!({"status": status});
                            if pods
                                .patch_status(&name, &PatchParams::default(), &Patch::Merge(&patch))
                                .await
                                .is_ok()
                            {
                                done.insert(uid);
                            }
                        }
                    }
                }
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        });
        Kubelet { task }
    }
}

impl Drop for Kubelet {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn now() -> String {
    let output = std::process::Command::new("date")
        .args(["-u", "+%Y-%m-%dT%H:%M:%SZ"])
        .output()
        .unwrap();
    String::from_utf8(output.stdout).unwrap().trim().to_owned()
}

/// A pod status: phase Running, Ready as given, one container status for `agent`.
fn pod_status(pod: &Pod, ready: bool, state: Value, last_state: Value, restarts: i32) -> Value {
    let ts = now();
    let image = pod.spec.as_ref().unwrap().containers[0]
        .image
        .clone()
        .unwrap_or_default();
    let flag = if ready { "True" } else { "False" };
    json!({
        "phase": "Running", "hostIP": "10.1.0.1", "podIP": "10.244.0.10", "podIPs": [{"ip": "10.244.0.10"}],
        "startTime": ts,
        "conditions": [
            {"type": "PodScheduled", "status": "True", "lastTransitionTime": ts},
            {"type": "Initialized", "status": "True", "lastTransitionTime": ts},
            {"type": "ContainersReady", "status": flag, "lastTransitionTime": ts},
            {"type": "Ready", "status": flag, "lastTransitionTime": ts}],
        "containerStatuses": [{"name": "agent", "image": image, "imageID": "", "ready": ready,
            "started": ready, "restartCount": restarts, "state": state, "lastState": last_state}]
    })
}

fn running_ready(pod: &Pod) -> Value {
    pod_status(
        pod,
        true,
        json!({"running": {"startedAt": now()}}),
        json!({}),
        0,
    )
}

fn crash_loop(pod: &Pod, exit_code: i32, reason: &str, restarts: i32) -> Value {
    let ts = now();
    pod_status(
        pod,
        false,
        json!({"waiting": {"reason": "CrashLoopBackOff",
            "message": "back-off 5m0s restarting failed container=agent"}}),
        json!({"terminated": {"exitCode": exit_code, "reason": reason, "startedAt": ts, "finishedAt": ts}}),
        restarts,
    )
}

fn node_of(pod: &Pod) -> String {
    pod.spec
        .as_ref()
        .and_then(|s| s.node_name.clone())
        .unwrap_or_default()
}

async fn label_namespace(env: &TestEnv, labels: Value) {
    let api: Api<Namespace> = Api::all(env.cluster.client().clone());
    api.patch(
        &env.namespace,
        &PatchParams::default(),
        &Patch::Merge(&json!({"metadata": {"labels": labels}})),
    )
    .await
    .expect("label namespace");
}

#[tokio::test]
#[ignore = "needs the control plane of harness/ (scripts/cluster-tests.sh --ignored)"]
async fn pod_security_baseline_refuses_a_privileged_pod_with_a_host_path() {
    let mut env = TestEnv::new("dr-psa").await;
    let names = nodes(&mut env, 2, None).await;
    label_namespace(
        &env,
        json!({"pod-security.kubernetes.io/enforce": "baseline"}),
    )
    .await;
    let ds = daemon_set(
        &env.namespace,
        "agent:1.0",
        json!({"volumes": [{"name": "root", "hostPath": {"path": "/"}}]}),
        json!({"securityContext": {"privileged": true},
               "volumeMounts": [{"name": "root", "mountPath": "/host"}]}),
    );
    create(&env, &ds).await;
    let report = until(&env, |r| {
        finding(r, |c| matches!(c, Cause::CreateRefused { .. })).is_some()
    })
    .await;
    assert_eq!(report.health, Health::Failing, "{report}");
    let f = finding(&report, |c| matches!(c, Cause::CreateRefused { .. })).expect("refused");
    let Cause::CreateRefused {
        refusal: Refusal::PodSecurity { level, violations },
        ..
    } = &f.cause
    else {
        panic!("not named as PodSecurity: {report}");
    };
    assert_eq!(level, "baseline:latest");
    assert!(violations.contains("privileged"), "{violations}");
    assert!(violations.contains("hostPath"), "{violations}");
    assert_eq!(f.nodes, sorted(names.clone()));
    assert!(
        report
            .summary
            .contains("PodSecurity admission (enforce baseline:latest)"),
        "{}",
        report.summary
    );
    assert!(report.nodes.iter().all(|r| r.status == "NoPod"), "{report}");
    env.cleanup().await;
}

#[tokio::test]
#[ignore = "needs the control plane of harness/ (scripts/cluster-tests.sh --ignored)"]
async fn a_missing_service_account_is_named() {
    let mut env = TestEnv::new("dr-sa").await;
    let names = nodes(&mut env, 2, None).await;
    let ds = daemon_set(
        &env.namespace,
        "agent:1.0",
        json!({"serviceAccountName": "ghost"}),
        json!({}),
    );
    create(&env, &ds).await;
    let report = until(&env, |r| {
        finding(r, |c| matches!(c, Cause::CreateRefused { .. })).is_some()
    })
    .await;
    assert_eq!(report.health, Health::Failing, "{report}");
    let f = finding(&report, |c| matches!(c, Cause::CreateRefused { .. })).unwrap();
    assert!(
        matches!(&f.cause, Cause::CreateRefused { refusal: Refusal::MissingServiceAccount { name }, .. } if name == "ghost"),
        "{report}"
    );
    assert_eq!(f.nodes, sorted(names));
    assert!(
        report
            .to_string()
            .contains("ServiceAccount `ghost` does not exist"),
        "{report}"
    );
    env.cleanup().await;
}

#[tokio::test]
#[ignore = "needs the control plane of harness/ (scripts/cluster-tests.sh --ignored)"]
async fn a_resource_quota_leaves_one_node_without_its_pod() {
    let mut env = TestEnv::new("dr-quota").await;
    let names = nodes(&mut env, 2, None).await;
    let _kubelet = Kubelet::start(&env, Arc::new(|p: &Pod| Some(running_ready(p))));
    // A quota of one pod. No resourcequota controller runs in the harness: the test writes the status it would
    // (hard, used 0); the ResourceQuota admission plugin then counts each admitted pod itself.
    clean(&env).await;
    let quotas: Api<ResourceQuota> = Api::namespaced(env.cluster.client().clone(), &env.namespace);
    let quota: ResourceQuota = serde_json::from_value(
        json!({"metadata": {"name": "one-pod"}, "spec": {"hard": {"pods": "1"}}}),
    )
    .unwrap();
    // A quota left by an earlier run against a long-lived plane counts the pods of that run: start from a new one.
    let _ = quotas
        .delete_collection(&DeleteParams::default(), &ListParams::default())
        .await;
    while !quotas
        .list(&ListParams::default())
        .await
        .unwrap()
        .items
        .is_empty()
    {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    quotas.create(&PostParams::default(), &quota).await.unwrap();
    quotas
        .patch_status(
            "one-pod",
            &PatchParams::default(),
            &Patch::Merge(&json!({"status": {"hard": {"pods": "1"}, "used": {"pods": "0"}}})),
        )
        .await
        .unwrap();
    // The admission plugin reads quotas from its informer: let it see the new status.
    tokio::time::sleep(Duration::from_secs(1)).await;
    create(
        &env,
        &daemon_set(&env.namespace, "agent:1.0", json!({}), json!({})),
    )
    .await;
    let report = until(&env, |r| {
        finding(r, |c| matches!(c, Cause::CreateRefused { .. })).is_some()
            && r.nodes.iter().any(|n| n.ready)
    })
    .await;
    assert_eq!(report.health, Health::Degraded, "{report}");
    let f = finding(&report, |c| matches!(c, Cause::CreateRefused { .. })).unwrap();
    let Cause::CreateRefused {
        refusal: Refusal::ResourceQuota { quota, detail },
        ..
    } = &f.cause
    else {
        panic!("not named as ResourceQuota: {report}");
    };
    assert_eq!(quota.as_deref(), Some("one-pod"));
    assert!(detail.contains("limited: pods=1"), "{detail}");
    let with_pod: Vec<String> = report
        .nodes
        .iter()
        .filter(|r| r.ready)
        .map(|r| r.node.clone())
        .collect();
    assert_eq!(with_pod.len(), 1, "{report}");
    let without: Vec<String> = names
        .into_iter()
        .filter(|n| !with_pod.contains(n))
        .collect();
    assert_eq!(f.nodes, without);
    env.cleanup().await;
}

#[tokio::test]
#[ignore = "needs the control plane of harness/ (scripts/cluster-tests.sh --ignored)"]
async fn a_limit_range_refusal_is_named() {
    let mut env = TestEnv::new("dr-limits").await;
    let names = nodes(&mut env, 1, None).await;
    let ranges: Api<LimitRange> = Api::namespaced(env.cluster.client().clone(), &env.namespace);
    let range: LimitRange = serde_json::from_value(json!({"metadata": {"name": "small"},
        "spec": {"limits": [{"type": "Container", "max": {"cpu": "100m"}}]}}))
    .unwrap();
    let _ = ranges.create(&PostParams::default(), &range).await;
    let ds = daemon_set(
        &env.namespace,
        "agent:1.0",
        json!({}),
        json!({"resources": {"limits": {"cpu": "200m"}, "requests": {"cpu": "200m"}}}),
    );
    create(&env, &ds).await;
    let report = until(&env, |r| {
        finding(r, |c| matches!(c, Cause::CreateRefused { .. })).is_some()
    })
    .await;
    assert_eq!(report.health, Health::Failing, "{report}");
    let f = finding(&report, |c| matches!(c, Cause::CreateRefused { .. })).unwrap();
    let Cause::CreateRefused {
        refusal: Refusal::LimitRange { detail },
        ..
    } = &f.cause
    else {
        panic!("not named as LimitRange: {report}");
    };
    assert!(
        detail.contains("maximum cpu usage per Container is 100m"),
        "{detail}"
    );
    assert_eq!(f.nodes, names);
    env.cleanup().await;
}

#[tokio::test]
#[ignore = "needs the control plane of harness/ (scripts/cluster-tests.sh --ignored)"]
async fn an_unsatisfiable_request_shows_the_schedulers_reason_and_requested_vs_free() {
    let mut env = TestEnv::new("dr-pending").await;
    let names = nodes(&mut env, 2, Some(("2", "4Gi"))).await;
    let ds = daemon_set(
        &env.namespace,
        "agent:1.0",
        json!({}),
        json!({"resources": {"requests": {"cpu": "3"}}}),
    );
    create(&env, &ds).await;
    let report = until(&env, |r| {
        finding(r, |c| {
            matches!(
                c,
                Cause::Unschedulable {
                    scheduler: Some(_),
                    ..
                }
            )
        })
        .is_some_and(|f| f.nodes.len() == 2)
    })
    .await;
    assert_eq!(report.health, Health::Failing, "{report}");
    let f = finding(&report, |c| matches!(c, Cause::Unschedulable { .. })).expect("Pending");
    let Cause::Unschedulable {
        scheduler,
        shortfalls,
    } = &f.cause
    else {
        unreachable!()
    };
    let scheduler = scheduler.as_deref().unwrap_or("");
    assert!(scheduler.contains("Insufficient cpu"), "{scheduler}");
    assert!(!scheduler.contains("preemption"), "{scheduler}");
    assert_eq!(
        shortfalls,
        &["insufficient cpu: requests 3, 2 free of 2 allocatable"]
    );
    assert_eq!(f.nodes, sorted(names));
    assert!(
        report.nodes.iter().all(|r| r.status == "Pending"),
        "{report}"
    );
    env.cleanup().await;
}

#[tokio::test]
#[ignore = "needs the control plane of harness/ (scripts/cluster-tests.sh --ignored)"]
async fn a_tainted_node_is_named_and_the_others_are_healthy() {
    let mut env = TestEnv::new("dr-taint").await;
    let names = nodes(&mut env, 2, None).await;
    let tainted = format!("{}-gpu", env.namespace);
    env.node(
        &tainted,
        &[],
        json!([{"key": "dedicated", "value": "gpu", "effect": "NoSchedule"}]),
        None,
    )
    .await;
    let _kubelet = Kubelet::start(&env, Arc::new(|p: &Pod| Some(running_ready(p))));
    create(
        &env,
        &daemon_set(&env.namespace, "agent:1.0", json!({}), json!({})),
    )
    .await;
    let report = until(&env, |r| r.health == Health::Healthy && r.counts.ready == 2).await;
    assert_eq!(report.health, Health::Healthy, "{report}");
    assert_eq!(report.counts.desired, 2);
    let f = finding(
        &report,
        |c| matches!(c, Cause::NotPlaced { reason } if reason.starts_with("taint")),
    )
    .expect("taint named");
    assert_eq!(
        f.cause,
        Cause::NotPlaced {
            reason: "taint dedicated=gpu:NoSchedule".into()
        }
    );
    assert_eq!(f.nodes, [tainted]);
    assert_eq!(
        sorted(report.nodes.iter().map(|r| r.node.clone()).collect()),
        sorted(names)
    );
    env.cleanup().await;
}

#[tokio::test]
#[ignore = "needs the control plane of harness/ (scripts/cluster-tests.sh --ignored)"]
async fn container_states_written_by_the_kubelet_are_each_named_with_their_node() {
    let mut env = TestEnv::new("dr-states").await;
    let names = nodes(&mut env, 6, None).await;
    let by_node: BTreeMap<String, usize> = names
        .iter()
        .cloned()
        .enumerate()
        .map(|(i, n)| (n, i))
        .collect();
    let by_node = Arc::new(by_node);
    let kubelet_nodes = by_node.clone();
    let _kubelet = Kubelet::start(
        &env,
        Arc::new(move |p: &Pod| {
            let i = *kubelet_nodes.get(&node_of(p))?;
            Some(match i {
                0 => crash_loop(p, 137, "OOMKilled", 5),
                1 => crash_loop(p, 2, "Error", 3),
                2 => pod_status(
                    p,
                    false,
                    json!({"waiting": {"reason": "ImagePullBackOff",
                    "message": "Back-off pulling image \"agent:1.0\""}}),
                    json!({}),
                    0,
                ),
                3 => pod_status(
                    p,
                    false,
                    json!({"waiting": {"reason": "CreateContainerConfigError",
                    "message": "couldn't find key level in ConfigMap dr-states/settings"}}),
                    json!({}),
                    0,
                ),
                4 => pod_status(
                    p,
                    false,
                    json!({"running": {"startedAt": now()}}),
                    json!({}),
                    0,
                ),
                _ => running_ready(p),
            })
        }),
    );
    let ds = daemon_set(
        &env.namespace,
        "agent:1.0",
        json!({}),
        json!({"resources": {"limits": {"memory": "64Mi"}}}),
    );
    create(&env, &ds).await;
    // The readiness probe failing on node 4, as the kubelet reports it: an `Unhealthy` event of the pod.
    let pods: Api<Pod> = Api::namespaced(env.cluster.client().clone(), &env.namespace);
    let probed = loop {
        let list = pods.list(&ListParams::default()).await.unwrap().items;
        if let Some(p) = list.into_iter().find(|p| node_of(p) == names[4]) {
            break p;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let events: Api<Event> = Api::namespaced(env.cluster.client().clone(), &env.namespace);
    let event: Event = serde_json::from_value(json!({
        "metadata": {"generateName": "agent-unhealthy-"},
        "involvedObject": {"kind": "Pod", "namespace": env.namespace, "name": probed.metadata.name,
            "uid": probed.metadata.uid, "apiVersion": "v1", "fieldPath": "spec.containers{agent}"},
        "reason": "Unhealthy", "type": "Warning",
        "message": "Readiness probe failed: HTTP probe failed with statuscode: 503",
        "source": {"component": "kubelet", "host": names[4]},
        "firstTimestamp": now(), "lastTimestamp": now(), "count": 1
    }))
    .unwrap();
    events.create(&PostParams::default(), &event).await.unwrap();

    let report = until(&env, |r| {
        r.nodes.len() == 6
            && r.nodes.iter().all(|n| n.ready || !n.detail.is_empty())
            && r.nodes.iter().filter(|n| n.ready).count() == 1
            && finding(r, |c| matches!(c, Cause::ProbeFailing { .. })).is_some()
    })
    .await;
    eprintln!("{report}");
    assert_eq!(report.health, Health::Degraded, "{report}");
    let oom = finding(
        &report,
        |c| matches!(c, Cause::CrashLoop { reason: Some(r), .. } if r == "OOMKilled"),
    )
    .expect("OOMKilled");
    let Cause::CrashLoop {
        restarts,
        exit_code,
        memory_limit,
        log,
        ..
    } = &oom.cause
    else {
        unreachable!()
    };
    assert_eq!(
        (*restarts, *exit_code, memory_limit.as_deref()),
        (5, Some(137), Some("64Mi"))
    );
    assert_eq!(oom.nodes, [names[0].clone()]);
    // No real kubelet serves logs: the doctor asked and says why it has none.
    assert!(
        matches!(log, Some(LogTail::Unavailable { reason }) if !reason.is_empty()),
        "{log:?}"
    );
    let text = report.to_string();
    assert!(
        text.contains("OOMKilled: it used more than its memory limit 64Mi (exit code 137)"),
        "{text}"
    );
    assert!(
        text.contains("unavailable: the kubelet did not serve it"),
        "{text}"
    );

    let error = finding(
        &report,
        |c| matches!(c, Cause::CrashLoop { reason: Some(r), .. } if r == "Error"),
    )
    .expect("exit 2");
    assert!(
        matches!(
            error.cause,
            Cause::CrashLoop {
                exit_code: Some(2),
                restarts: 3,
                ..
            }
        ),
        "{report}"
    );
    assert_eq!(error.nodes, [names[1].clone()]);

    let pull = finding(&report, |c| matches!(c, Cause::ImagePull { .. })).expect("image pull");
    assert!(
        matches!(&pull.cause, Cause::ImagePull { image, reason, .. } if image == "agent:1.0" && reason == "ImagePullBackOff")
    );
    assert_eq!(pull.nodes, [names[2].clone()]);

    let config =
        finding(&report, |c| matches!(c, Cause::ConfigError { .. })).expect("config error");
    assert!(
        matches!(&config.cause, Cause::ConfigError { message: Some(m), .. } if m.contains("couldn't find key level"))
    );
    assert_eq!(config.nodes, [names[3].clone()]);

    let probe = finding(&report, |c| matches!(c, Cause::ProbeFailing { .. })).expect("probe");
    assert_eq!(
        probe.cause,
        Cause::ProbeFailing {
            probe: "Readiness".into(),
            container: Some("agent".into()),
            message: "HTTP probe failed with statuscode: 503".into()
        }
    );
    assert_eq!(probe.nodes, [names[4].clone()]);
    assert!(
        report.nodes.iter().any(|r| r.node == names[5] && r.ok()),
        "{report}"
    );
    env.cleanup().await;
}

#[tokio::test]
#[ignore = "needs the control plane of harness/ (scripts/cluster-tests.sh --ignored)"]
async fn new_pods_crashing_use_up_max_unavailable_and_the_rollout_is_stuck() {
    let mut env = TestEnv::new("dr-budget").await;
    let names = nodes(&mut env, 3, None).await;
    let _kubelet = Kubelet::start(
        &env,
        Arc::new(|p: &Pod| {
            let image = p.spec.as_ref()?.containers[0].image.clone()?;
            Some(if image == "agent:2.0" {
                crash_loop(p, 1, "Error", 4)
            } else {
                running_ready(p)
            })
        }),
    );
    create(
        &env,
        &daemon_set(&env.namespace, "agent:1.0", json!({}), json!({})),
    )
    .await;
    let healthy = until(&env, |r| r.health == Health::Healthy && r.counts.ready == 3).await;
    assert_eq!(healthy.health, Health::Healthy, "{healthy}");
    set_image(&env, "agent:2.0").await;
    let report = until(&env, |r| {
        r.health == Health::Stuck && finding(r, |c| matches!(c, Cause::CrashLoop { .. })).is_some()
    })
    .await;
    assert_eq!(report.health, Health::Stuck, "{report}");
    let stuck = finding(&report, |c| matches!(c, Cause::BudgetUsedUp { .. })).expect("budget");
    assert_eq!(
        stuck.cause,
        Cause::BudgetUsedUp {
            max_unavailable: 1,
            unavailable: 1
        }
    );
    let crashing = finding(&report, |c| matches!(c, Cause::CrashLoop { .. })).expect("crash");
    assert_eq!(stuck.nodes, crashing.nodes);
    assert_eq!(stuck.nodes.len(), 1);
    let old: Vec<String> = report
        .nodes
        .iter()
        .filter(|r| r.current_revision == Some(false))
        .map(|r| r.node.clone())
        .collect();
    assert_eq!(old.len(), 2, "{report}");
    assert!(
        old.iter()
            .all(|n| names.contains(n) && !stuck.nodes.contains(n))
    );
    assert!(
        report
            .summary
            .starts_with("rollout stuck: 1 unavailable pod(s) use up maxUnavailable 1"),
        "{}",
        report.summary
    );
    env.cleanup().await;
}

#[tokio::test]
#[ignore = "needs the control plane of harness/ (scripts/cluster-tests.sh --ignored)"]
async fn max_surge_with_a_host_port_can_never_surge() {
    let mut env = TestEnv::new("dr-surge").await;
    let names = nodes(&mut env, 2, None).await;
    let _kubelet = Kubelet::start(&env, Arc::new(|p: &Pod| Some(running_ready(p))));
    let mut ds = daemon_set(
        &env.namespace,
        "agent:1.0",
        json!({}),
        json!({"ports": [{"containerPort": 9100, "hostPort": 9100}]}),
    );
    ds.spec.as_mut().unwrap().update_strategy = serde_json::from_value(json!({
        "type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}}))
    .unwrap();
    create(&env, &ds).await;
    let healthy = until(&env, |r| r.health == Health::Healthy && r.counts.ready == 2).await;
    assert_eq!(healthy.health, Health::Healthy, "{healthy}");
    set_image(&env, "agent:2.0").await;
    let report = until(&env, |r| {
        r.health == Health::Stuck
            && finding(r, |c| {
                matches!(
                    c,
                    Cause::Unschedulable {
                        scheduler: Some(_),
                        ..
                    }
                )
            })
            .is_some()
    })
    .await;
    assert_eq!(report.health, Health::Stuck, "{report}");
    let stuck = finding(&report, |c| matches!(c, Cause::SurgeBlocked { .. })).expect("surge");
    assert_eq!(
        stuck.cause,
        Cause::SurgeBlocked {
            max_surge: 1,
            ports: vec!["TCP/9100".into()]
        }
    );
    assert_eq!(stuck.nodes, sorted(names.clone()));
    // The surge pod itself: Pending, the scheduler says the port is taken.
    let pending = finding(&report, |c| matches!(c, Cause::Unschedulable { .. })).unwrap();
    let Cause::Unschedulable {
        scheduler: Some(s), ..
    } = &pending.cause
    else {
        unreachable!()
    };
    assert!(s.contains("free ports"), "{s}");
    assert_eq!(pending.nodes.len(), 1);
    env.cleanup().await;
}

#[tokio::test]
#[ignore = "needs the control plane of harness/ (scripts/cluster-tests.sh --ignored)"]
async fn on_delete_waits_for_deletions() {
    let mut env = TestEnv::new("dr-ondelete").await;
    let names = nodes(&mut env, 2, None).await;
    let _kubelet = Kubelet::start(&env, Arc::new(|p: &Pod| Some(running_ready(p))));
    let mut ds = daemon_set(&env.namespace, "agent:1.0", json!({}), json!({}));
    ds.spec.as_mut().unwrap().update_strategy =
        serde_json::from_value(json!({"type": "OnDelete"})).unwrap();
    create(&env, &ds).await;
    let healthy = until(&env, |r| r.health == Health::Healthy && r.counts.ready == 2).await;
    assert_eq!(healthy.health, Health::Healthy, "{healthy}");
    set_image(&env, "agent:2.0").await;
    let report = until(&env, |r| r.health == Health::Stuck).await;
    assert_eq!(report.health, Health::Stuck, "{report}");
    let waiting = finding(&report, |c| matches!(c, Cause::OnDeleteWaiting)).expect("OnDelete");
    assert_eq!(waiting.nodes, sorted(names.clone()));
    assert_eq!(report.strategy, "OnDelete");

    // Deleting one pod lets the controller replace it: one node left waiting.
    let pods: Api<Pod> = Api::namespaced(env.cluster.client().clone(), &env.namespace);
    let first = pods
        .list(&ListParams::default())
        .await
        .unwrap()
        .items
        .into_iter()
        .find(|p| node_of(p) == names[0])
        .unwrap();
    pods.delete(
        first.metadata.name.as_deref().unwrap(),
        &DeleteParams::default(),
    )
    .await
    .unwrap();
    let report = until(&env, |r| {
        finding(r, |c| matches!(c, Cause::OnDeleteWaiting)).is_some_and(|f| f.nodes.len() == 1)
            && r.nodes.iter().filter(|n| n.ok()).count() == 1
    })
    .await;
    let waiting = finding(&report, |c| matches!(c, Cause::OnDeleteWaiting)).expect("OnDelete");
    assert_eq!(waiting.nodes, [names[1].clone()], "{report}");
    env.cleanup().await;
}
