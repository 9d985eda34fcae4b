//! The pure diagnosis on recorded states: the fixture of `tests/fixtures/doctor/state.yaml` and small states built
//! here, one per cause.

use serde_json::{Value, json};

use super::*;

const FIXTURE: &str = include_str!("../../tests/fixtures/doctor/state.yaml");

fn fixture() -> State {
    State::from_yaml(FIXTURE).unwrap()
}

fn find(report: &Report, pick: impl Fn(&Cause) -> bool) -> &Finding {
    report
        .findings
        .iter()
        .find(|f| pick(&f.cause))
        .unwrap_or_else(|| panic!("no such finding in\n{report}"))
}

#[test]
fn the_fixture_log_agent_is_stuck_with_a_crash_a_pending_pod_and_an_old_node() {
    let state = fixture();
    let report = diagnose(&state, "monitoring", "log-agent").unwrap();
    assert_eq!(report.health, Health::Stuck);
    let budget = find(&report, |c| matches!(c, Cause::BudgetUsedUp { .. }));
    assert_eq!(
        budget.cause,
        Cause::BudgetUsedUp {
            max_unavailable: 1,
            unavailable: 2
        }
    );
    assert_eq!(budget.nodes, ["worker-1", "worker-2"]);
    assert_eq!(report.findings[0], *budget, "the stuck rollout comes first");

    let crash = find(&report, |c| matches!(c, Cause::CrashLoop { .. }));
    assert_eq!(
        crash.cause,
        Cause::CrashLoop {
            container: "agent".into(),
            restarts: 7,
            exit_code: Some(137),
            reason: Some("OOMKilled".into()),
            memory_limit: Some("128Mi".into()),
            log: None,
        }
    );
    assert_eq!(crash.nodes, ["worker-1"]);
    assert_eq!(crash.pods, ["log-agent-x7k2p"]);

    let pending = find(&report, |c| matches!(c, Cause::Unschedulable { .. }));
    assert_eq!(
        pending.cause,
        Cause::Unschedulable {
            scheduler: Some("0/4 nodes are available: 1 Insufficient cpu, 3 node(s) didn't match Pod's node affinity/selector".into()),
            shortfalls: vec!["insufficient cpu: requests 500m, 200m free of 4 allocatable".into()],
        }
    );
    assert_eq!(pending.nodes, ["worker-2"]);

    let taint = find(&report, |c| matches!(c, Cause::NotPlaced { .. }));
    assert_eq!(
        taint.cause,
        Cause::NotPlaced {
            reason: "taint nvidia.com/gpu=true:NoSchedule".into()
        }
    );
    assert_eq!(taint.nodes, ["gpu-1"]);
    assert!(!taint.is_problem());

    let old: Vec<&str> = report
        .nodes
        .iter()
        .filter(|r| r.current_revision == Some(false))
        .map(|r| r.node.as_str())
        .collect();
    assert_eq!(old, ["worker-3"]);
    assert_eq!(
        report.counts,
        Counts {
            desired: 3,
            scheduled: 3,
            ready: 1,
            updated: 2,
            available: 1,
            misscheduled: 0,
            nodes: 4
        }
    );
}

#[test]
fn the_fixture_scanner_fails_on_pod_security_and_node_exporter_is_healthy() {
    let state = fixture();
    let doctor = Doctor::new(&state);
    let scanner = doctor.find("security", "scanner").unwrap();
    assert_eq!(scanner.health, Health::Failing);
    let refused = find(&scanner, |c| matches!(c, Cause::CreateRefused { .. }));
    assert!(matches!(
        &refused.cause,
        Cause::CreateRefused { refusal: Refusal::PodSecurity { level, violations }, .. }
            if level == "baseline:latest" && violations.starts_with("privileged (container \"scan\"")
    ));
    assert_eq!(refused.nodes, ["worker-1", "worker-2", "worker-3"]);
    assert!(refused.pods.is_empty());

    let exporter = doctor.find("monitoring", "node-exporter").unwrap();
    assert_eq!(exporter.health, Health::Healthy);
    assert!(exporter.findings.is_empty(), "{exporter}");
    assert_eq!(exporter.nodes.len(), 4);
    assert_eq!(
        exporter.summary,
        "4 of 4 desired nodes run a Ready pod of the current revision"
    );
    assert!(doctor.find("monitoring", "absent").is_none());
    assert_eq!(doctor.all().len(), 3);
}

#[test]
fn a_state_written_by_to_yaml_reads_back_to_the_same_reports() {
    let mut state = fixture();
    state.logs.push(ContainerLog {
        namespace: "monitoring".into(),
        pod: "log-agent-x7k2p".into(),
        container: "agent".into(),
        tail: LogTail::Lines {
            lines: vec!["[error] out of memory".into()],
        },
    });
    let again = State::from_yaml(&state.to_yaml()).unwrap();
    assert_eq!(Doctor::new(&again).all(), Doctor::new(&state).all());
    assert_eq!(again.logs, state.logs);
}

#[test]
fn refusals_are_named_from_the_api_servers_words() {
    let cases: [(&str, Refusal); 10] = [
        (
            r#"Error creating: pods "a-" is forbidden: error looking up service account ns/agent: serviceaccount "agent" not found"#,
            Refusal::MissingServiceAccount {
                name: "agent".into(),
            },
        ),
        (
            r#"Error creating: pods "a-x" is forbidden: violates PodSecurity "baseline:latest": hostPath volumes (volume "root"), privileged (container "c" must not set securityContext.privileged=true)"#,
            Refusal::PodSecurity {
                level: "baseline:latest".into(),
                violations: r#"hostPath volumes (volume "root"), privileged (container "c" must not set securityContext.privileged=true)"#.into(),
            },
        ),
        (
            r#"Error creating: pods "a-x" is forbidden: exceeded quota: one-pod, requested: pods=1, used: pods=1, limited: pods=1"#,
            Refusal::ResourceQuota {
                quota: Some("one-pod".into()),
                detail: "requested: pods=1, used: pods=1, limited: pods=1".into(),
            },
        ),
        (
            r#"Error creating: pods "a-x" is forbidden: failed quota: compute: must specify limits.cpu for: agent"#,
            Refusal::ResourceQuota {
                quota: Some("compute".into()),
                detail: "must specify limits.cpu for: agent".into(),
            },
        ),
        (
            r#"Error creating: pods "a-x" is forbidden: status unknown for quota: compute, resource: pods"#,
            Refusal::ResourceQuota {
                quota: Some("compute".into()),
                detail: "the quota's usage is not computed yet (is the resourcequota controller running?)".into(),
            },
        ),
        (
            r#"Error creating: pods "a-x" is forbidden: maximum cpu usage per Container is 100m, but limit is 200m"#,
            Refusal::LimitRange {
                detail: "maximum cpu usage per Container is 100m, but limit is 200m".into(),
            },
        ),
        (
            r#"Error creating: admission webhook "policy.example.com" denied the request: images must come from registry.example.com"#,
            Refusal::AdmissionWebhook {
                webhook: "policy.example.com".into(),
                detail: "images must come from registry.example.com".into(),
            },
        ),
        (
            r#"Error creating: Internal error occurred: failed calling webhook "inject.example.com": failed to call webhook: Post "https://inject.svc:443/mutate": dial tcp: connection refused"#,
            Refusal::AdmissionWebhook {
                webhook: "inject.example.com".into(),
                detail: r#"could not be called: failed to call webhook: Post "https://inject.svc:443/mutate": dial tcp: connection refused"#.into(),
            },
        ),
        (
            r#"Error creating: pods "a-x" is forbidden: ValidatingAdmissionPolicy 'no-host' with binding 'no-host' denied request: hostNetwork is not allowed"#,
            Refusal::AdmissionPolicy {
                detail: "ValidatingAdmissionPolicy 'no-host' with binding 'no-host' denied request: hostNetwork is not allowed".into(),
            },
        ),
        (
            "Error creating: etcdserver: request timed out",
            Refusal::Other,
        ),
    ];
    for (message, expected) in cases {
        assert_eq!(Refusal::classify(message), expected, "{message}");
    }
}

// ---- small states, one cause each

fn node(name: &str) -> Value {
    json!({"apiVersion": "v1", "kind": "Node", "metadata": {"name": name},
        "status": {"allocatable": {"cpu": "4", "memory": "8Gi", "pods": "110"}}})
}

fn ds(strategy: Value, container: Value, status: Value) -> Value {
    let mut c = json!({"name": "c", "image": "app:2"});
    for (k, v) in container.as_object().unwrap() {
        c[k] = v.clone();
    }
    json!({"apiVersion": "apps/v1", "kind": "DaemonSet",
        "metadata": {"name": "app", "namespace": "ns", "uid": "u-app", "generation": 2},
        "spec": {"selector": {"matchLabels": {"app": "app"}}, "updateStrategy": strategy,
            "template": {"metadata": {"labels": {"app": "app"}}, "spec": {"containers": [c]}}},
        "status": status})
}

fn revision(hash: &str, number: i64) -> Value {
    json!({"apiVersion": "apps/v1", "kind": "ControllerRevision", "revision": number,
        "metadata": {"name": format!("app-{hash}"), "namespace": "ns", "labels": {"controller-revision-hash": hash},
            "ownerReferences": [{"apiVersion": "apps/v1", "kind": "DaemonSet", "name": "app", "uid": "u-app", "controller": true}]}})
}

fn pod(name: &str, node: &str, hash: &str, status: Value) -> Value {
    json!({"apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": name, "namespace": "ns", "uid": format!("u-{name}"), "labels": {"app": "app", "controller-revision-hash": hash},
            "ownerReferences": [{"apiVersion": "apps/v1", "kind": "DaemonSet", "name": "app", "uid": "u-app", "controller": true}]},
        "spec": {"nodeName": node, "containers": [{"name": "c", "image": "app:2", "ports": [{"containerPort": 9100, "hostPort": 9100}]}]},
        "status": status})
}

fn ready() -> Value {
    json!({"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}],
        "containerStatuses": [{"name": "c", "image": "app:2", "imageID": "", "ready": true, "restartCount": 0, "state": {"running": {}}}]})
}

fn waiting(reason: &str, message: &str) -> Value {
    json!({"phase": "Pending", "conditions": [{"type": "Ready", "status": "False"}],
        "containerStatuses": [{"name": "c", "image": "app:2", "imageID": "", "ready": false, "restartCount": 0,
            "state": {"waiting": {"reason": reason, "message": message}}}]})
}

fn state(items: Vec<Value>) -> State {
    let list = json!({"apiVersion": "v1", "kind": "List", "items": items});
    State::from_yaml(&serde_json::to_string(&list).unwrap()).unwrap()
}

fn status(desired: i32, ready: i32, updated: i32) -> Value {
    json!({"desiredNumberScheduled": desired, "currentNumberScheduled": desired, "numberReady": ready,
        "updatedNumberScheduled": updated, "numberAvailable": ready, "numberMisscheduled": 0, "observedGeneration": 2})
}

fn report(items: Vec<Value>) -> Report {
    diagnose(&state(items), "ns", "app").unwrap()
}

#[test]
fn on_delete_waits_for_deletions_on_the_old_nodes() {
    let r = report(vec![
        node("a"),
        node("b"),
        ds(json!({"type": "OnDelete"}), json!({}), status(2, 2, 1)),
        revision("old", 1),
        revision("new", 2),
        pod("app-1", "a", "new", ready()),
        pod("app-2", "b", "old", ready()),
    ]);
    assert_eq!(r.health, Health::Stuck);
    let f = find(&r, |c| *c == Cause::OnDeleteWaiting);
    assert_eq!(
        (f.nodes.as_slice(), f.pods.as_slice()),
        (&["b".to_owned()][..], &["app-2".to_owned()][..])
    );
    assert_eq!(r.strategy, "OnDelete");
}

#[test]
fn max_surge_with_a_host_port_is_stuck_and_without_it_a_rollout_is_in_progress() {
    let surge =
        json!({"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}});
    let with_port = json!({"ports": [{"containerPort": 9100, "hostPort": 9100}]});
    let items = |container: Value| {
        vec![
            node("a"),
            node("b"),
            ds(surge.clone(), container, status(2, 2, 1)),
            revision("old", 1),
            revision("new", 2),
            pod("app-1", "a", "new", ready()),
            pod("app-2", "b", "old", ready()),
        ]
    };
    let r = report(items(with_port));
    assert_eq!(r.health, Health::Stuck);
    let f = find(&r, |c| matches!(c, Cause::SurgeBlocked { .. }));
    assert_eq!(
        f.cause,
        Cause::SurgeBlocked {
            max_surge: 1,
            ports: vec!["TCP/9100".into()]
        }
    );
    assert_eq!(f.nodes, ["b"]);

    // hostNetwork: every containerPort is a host port.
    let mut host_network = items(json!({"ports": [{"containerPort": 9100}]}));
    host_network[2]["spec"]["template"]["spec"]["hostNetwork"] = json!(true);
    let r = report(host_network);
    assert_eq!(r.health, Health::Stuck);
    assert!(
        matches!(&find(&r, |c| matches!(c, Cause::SurgeBlocked { .. })).cause,
        Cause::SurgeBlocked { ports, .. } if *ports == ["TCP/9100"])
    );

    let r = report(items(json!({})));
    assert_eq!(r.health, Health::Degraded);
    let f = find(&r, |c| matches!(c, Cause::OldRevision { .. }));
    assert_eq!(
        f.cause,
        Cause::OldRevision {
            current: "new".into()
        }
    );
    assert_eq!(f.nodes, ["b"]);
}

#[test]
fn image_pull_and_config_errors_are_named_per_node() {
    let r = report(vec![
        node("a"),
        node("b"),
        node("c"),
        ds(json!({}), json!({}), status(3, 1, 3)),
        revision("new", 1),
        pod(
            "app-1",
            "a",
            "new",
            waiting("ImagePullBackOff", "Back-off pulling image \"app:2\""),
        ),
        pod(
            "app-2",
            "b",
            "new",
            waiting("CreateContainerConfigError", "secret \"token\" not found"),
        ),
        pod("app-3", "c", "new", ready()),
    ]);
    assert_eq!(r.health, Health::Degraded);
    let pull = find(&r, |c| matches!(c, Cause::ImagePull { .. }));
    assert_eq!(
        pull.cause,
        Cause::ImagePull {
            container: "c".into(),
            image: "app:2".into(),
            reason: "ImagePullBackOff".into(),
            message: Some("Back-off pulling image \"app:2\"".into())
        }
    );
    assert_eq!(pull.nodes, ["a"]);
    let config = find(&r, |c| matches!(c, Cause::ConfigError { .. }));
    assert_eq!(config.nodes, ["b"]);
    assert!(
        config
            .cause
            .to_string()
            .contains("secret \"token\" not found")
    );
    let rows: Vec<(&str, &str)> = r
        .nodes
        .iter()
        .map(|n| (n.node.as_str(), n.status.as_str()))
        .collect();
    assert_eq!(
        rows,
        [
            ("a", "ImagePullBackOff"),
            ("b", "CreateContainerConfigError"),
            ("c", "Running")
        ]
    );
}

#[test]
fn a_failing_probe_comes_from_the_pods_unhealthy_event_and_without_one_the_pod_is_not_ready() {
    let not_ready = json!({"phase": "Running", "conditions": [{"type": "Ready", "status": "False"}],
        "containerStatuses": [{"name": "c", "image": "app:2", "imageID": "", "ready": false, "restartCount": 0, "state": {"running": {}}}]});
    let event = json!({"apiVersion": "v1", "kind": "Event", "metadata": {"name": "e1", "namespace": "ns"},
        "involvedObject": {"kind": "Pod", "namespace": "ns", "name": "app-1", "uid": "u-app-1", "fieldPath": "spec.containers{c}"},
        "reason": "Unhealthy", "type": "Warning", "message": "Startup probe failed: dial tcp 10.0.0.1:8080: connect: connection refused"});
    let stale = json!({"apiVersion": "v1", "kind": "Event", "metadata": {"name": "e2", "namespace": "ns"},
        "involvedObject": {"kind": "Pod", "namespace": "ns", "name": "app-2", "uid": "u-an-earlier-pod"},
        "reason": "Unhealthy", "type": "Warning", "message": "Readiness probe failed: 500"});
    let r = report(vec![
        node("a"),
        node("b"),
        ds(json!({}), json!({}), status(2, 0, 2)),
        revision("new", 1),
        pod("app-1", "a", "new", not_ready.clone()),
        pod("app-2", "b", "new", not_ready),
        event,
        stale,
    ]);
    assert_eq!(r.health, Health::Failing);
    let probe = find(&r, |c| matches!(c, Cause::ProbeFailing { .. }));
    assert_eq!(
        probe.cause,
        Cause::ProbeFailing {
            probe: "Startup".into(),
            container: Some("c".into()),
            message: "dial tcp 10.0.0.1:8080: connect: connection refused".into()
        }
    );
    assert_eq!(probe.nodes, ["a"]);
    let not_ready = find(&r, |c| matches!(c, Cause::NotReady { .. }));
    assert_eq!(
        not_ready.nodes,
        ["b"],
        "an event of another pod of that name does not count"
    );
}

#[test]
fn the_previous_log_is_shown_when_served_and_its_absence_is_explained() {
    let crash = json!({"phase": "Running", "conditions": [{"type": "Ready", "status": "False"}],
        "containerStatuses": [{"name": "c", "image": "app:2", "imageID": "", "ready": false, "restartCount": 2,
            "state": {"waiting": {"reason": "CrashLoopBackOff"}},
            "lastState": {"terminated": {"exitCode": 1, "reason": "Error"}}}]});
    let items = vec![
        node("a"),
        ds(json!({}), json!({}), status(1, 0, 1)),
        revision("new", 1),
        pod("app-1", "a", "new", crash),
    ];
    let mut served = state(items.clone());
    served.logs.push(ContainerLog {
        namespace: "ns".into(),
        pod: "app-1".into(),
        container: "c".into(),
        tail: LogTail::Lines {
            lines: vec!["starting".into(), "panic: no config".into()],
        },
    });
    let text = diagnose(&served, "ns", "app").unwrap().to_string();
    assert!(
        text.contains("CrashLoopBackOff: container c restarted 2 times, last exit code 1 (Error)"),
        "{text}"
    );
    assert!(
        text.contains(
            "previous log of app-1 (c), last lines:\n      | starting\n      | panic: no config\n"
        ),
        "{text}"
    );

    let mut refused = state(items.clone());
    refused.logs.push(ContainerLog {
        namespace: "ns".into(),
        pod: "app-1".into(),
        container: "c".into(),
        tail: LogTail::Unavailable {
            reason: "no preferred addresses found".into(),
        },
    });
    let text = diagnose(&refused, "ns", "app").unwrap().to_string();
    assert!(text.contains("previous log of app-1 (c) unavailable: the kubelet did not serve it (no preferred addresses found)"), "{text}");

    let text = diagnose(&state(items), "ns", "app").unwrap().to_string();
    assert!(
        text.contains("previous log unavailable: not in the recorded state"),
        "{text}"
    );
}

#[test]
fn no_pod_without_an_event_a_misscheduled_pod_and_a_stale_status() {
    let mut d = ds(json!({}), json!({}), status(1, 1, 1));
    d["spec"]["template"]["spec"]["nodeSelector"] = json!({"role": "edge"});
    d["metadata"]["generation"] = json!(3);
    let mut edge = node("edge-1");
    edge["metadata"]["labels"] = json!({"role": "edge"});
    let mut edge2 = node("edge-2");
    edge2["metadata"]["labels"] = json!({"role": "edge"});
    let mut tainted = node("core-1");
    tainted["spec"] = json!({"taints": [{"key": "drain", "effect": "NoSchedule"}]});
    let r = report(vec![
        edge,
        edge2,
        tainted,
        d,
        revision("new", 1),
        pod("app-1", "edge-1", "new", ready()),
        pod("app-2", "core-1", "new", ready()),
    ]);
    assert_eq!(r.health, Health::Degraded);
    assert_eq!(find(&r, |c| *c == Cause::NoPod).nodes, ["edge-2"]);
    let mis = find(&r, |c| matches!(c, Cause::Misscheduled { .. }));
    assert_eq!(mis.nodes, ["core-1"]);
    assert_eq!(
        find(&r, |c| matches!(c, Cause::StatusStale { .. })).cause,
        Cause::StatusStale {
            generation: 3,
            observed: 2
        }
    );
}

#[test]
fn a_daemon_set_that_no_node_qualifies_for_is_healthy_and_says_why() {
    let mut d = ds(json!({}), json!({}), status(0, 0, 0));
    d["spec"]["template"]["spec"]["nodeSelector"] = json!({"gpu": "true"});
    let r = report(vec![node("a"), node("b"), d]);
    assert_eq!(r.health, Health::Healthy);
    assert_eq!(
        r.summary,
        "no node qualifies: no pod by design: node selector gpu=true (2)"
    );
}
