//! One test per rule: it fires on the bad case and stays quiet on the fixed one.

use super::*;
use crate::build::{
    Budget, Container, Cpu, DaemonSet as Builder, Effect, Memory, Mount, Resources,
    SecurityContext, Toleration, UpdateStrategy, Volume,
};

fn container(image: &str, security: Option<SecurityContext>, mount: Option<Mount>) -> Container {
    let c = Container::builder()
        .name("agent")
        .image(image)
        .resources(resources())
        .security_context_opt(security);
    match mount {
        Some(m) => c.mount(m).build(),
        None => c.build(),
    }
}

fn resources() -> Resources {
    Resources::builder()
        .cpu_request(Cpu::millis(10))
        .memory_request(Memory::mebibytes(16))
        .memory_limit(Memory::mebibytes(32))
        .build()
}

/// A DaemonSet that breaks no rule, changed by `change`.
fn lint_with(change: impl FnOnce(&mut DaemonSet), options: &Options) -> Vec<String> {
    let mut ds = Builder::builder()
        .name("agent")
        .selector_label("app", "agent")
        .update_strategy(UpdateStrategy::max_unavailable(Budget::Percent(10)))
        .container(container("agent:1.0", None, None))
        .build()
        .unwrap();
    change(&mut ds);
    lint(&ds, options).iter().map(ToString::to_string).collect()
}

fn pod(ds: &mut DaemonSet) -> &mut k8s_openapi::api::core::v1::PodSpec {
    ds.spec.as_mut().unwrap().template.spec.as_mut().unwrap()
}

fn set_container(ds: &mut DaemonSet, c: Container) {
    let built = Builder::builder()
        .name("x")
        .selector_label("a", "b")
        .container(c)
        .build()
        .unwrap();
    pod(ds).containers = built.spec.unwrap().template.spec.unwrap().containers;
}

#[test]
fn a_clean_daemon_set_has_no_finding() {
    assert_eq!(
        lint_with(|_| {}, &Options { nodes: Some(1000) }),
        Vec::<String>::new()
    );
}

#[test]
fn ds001_missing_resources() {
    let found = lint_with(
        |ds| pod(ds).containers[0].resources = None,
        &Options::default(),
    );
    assert_eq!(
        found,
        [
            "DS001 warning: spec.template.spec.containers[0].resources: container `agent` has no requests.cpu, requests.memory, limits.memory; the agent can starve the node or be evicted first"
        ]
    );
    let found = lint_with(
        |ds| pod(ds).containers[0].resources.as_mut().unwrap().limits = None,
        &Options::default(),
    );
    assert_eq!(found.len(), 1);
    assert!(found[0].contains("has no limits.memory;"), "{found:?}");
}

#[test]
fn ds002_unpinned_image() {
    for image in ["agent", "registry.example:5000/agent", "agent:latest"] {
        let found = lint_with(
            |ds| pod(ds).containers[0].image = Some(image.into()),
            &Options::default(),
        );
        assert_eq!(found.len(), 1, "{image}: {found:?}");
        assert!(
            found[0].starts_with("DS002 warning: spec.template.spec.containers[0].image: "),
            "{found:?}"
        );
    }
    for image in ["registry.example:5000/agent:1.2", "agent@sha256:0123"] {
        assert!(
            lint_with(
                |ds| pod(ds).containers[0].image = Some(image.into()),
                &Options::default()
            )
            .is_empty(),
            "{image}"
        );
    }
}

#[test]
fn ds003_implicit_update_strategy() {
    let found = lint_with(
        |ds| ds.spec.as_mut().unwrap().update_strategy = None,
        &Options::default(),
    );
    assert_eq!(found.len(), 1);
    assert!(
        found[0].starts_with("DS003 warning: spec.updateStrategy: no update strategy"),
        "{found:?}"
    );
}

#[test]
fn ds004_node_agent_without_priority_class() {
    let agent = |ds: &mut DaemonSet| pod(ds).host_network = Some(true);
    let found = lint_with(agent, &Options::default());
    assert!(
        found
            .iter()
            .any(|f| f.starts_with("DS004 warning: spec.template.spec.priorityClassName: ")),
        "{found:?}"
    );
    let found = lint_with(
        |ds| {
            agent(ds);
            pod(ds).priority_class_name = Some("system-node-critical".into());
        },
        &Options::default(),
    );
    assert!(!found.iter().any(|f| f.starts_with("DS004")), "{found:?}");
}

#[test]
fn ds005_privileged() {
    let c = container(
        "agent:1.0",
        Some(SecurityContext::builder().privileged(true).build()),
        None,
    );
    let found = lint_with(|ds| set_container(ds, c), &Options::default());
    assert_eq!(
        found,
        [
            "DS005 warning: spec.template.spec.containers[0].securityContext.privileged: container `agent` is privileged (root on the node); add the capabilities it needs instead"
        ]
    );
}

#[test]
fn ds006_host_namespaces_and_waiver() {
    let found = lint_with(|ds| pod(ds).host_pid = Some(true), &Options::default());
    assert!(found.contains(&"DS006 warning: spec.template.spec.hostPID: the pod shares the node's processes; keep it only if the agent needs it".to_owned()), "{found:?}");
    let found = lint_with(
        |ds| {
            pod(ds).host_pid = Some(true);
            pod(ds).priority_class_name = Some("system-node-critical".into());
            ds.metadata.annotations =
                Some([(ALLOW_ANNOTATION.to_owned(), "ds006".to_owned())].into());
        },
        &Options::default(),
    );
    assert!(found.is_empty(), "waived: {found:?}");
}

fn with_host_path(path: &str, read_only: bool) -> impl FnOnce(&mut DaemonSet) {
    let volume = Volume::host_path("host", path);
    let mount = if read_only {
        volume.mount("/host").read_only()
    } else {
        volume.mount("/host")
    };
    let c = container("agent:1.0", None, Some(mount));
    move |ds: &mut DaemonSet| {
        let built = Builder::builder()
            .name("x")
            .selector_label("a", "b")
            .container(c)
            .build()
            .unwrap();
        let built = built.spec.unwrap().template.spec.unwrap();
        pod(ds).containers = built.containers;
        pod(ds).volumes = built.volumes;
        pod(ds).priority_class_name = Some("system-node-critical".into());
    }
}

#[test]
fn ds007_sensitive_host_path() {
    let found = lint_with(
        with_host_path("/var/run/docker.sock", true),
        &Options::default(),
    );
    assert_eq!(
        found,
        [
            "DS007 warning: spec.template.spec.volumes[0].hostPath.path: volume `host` exposes \"/var/run/docker.sock\" of the node; mount the narrowest path, read-only"
        ]
    );
    assert!(lint_with(with_host_path("/var/log/", true), &Options::default()).is_empty());
    assert_eq!(
        lint_with(with_host_path("/etc/", true), &Options::default()).len(),
        1
    );
}

#[test]
fn ds008_writable_host_path() {
    let found = lint_with(with_host_path("/var/log", false), &Options::default());
    assert_eq!(
        found,
        [
            "DS008 info: spec.template.spec.containers[0].volumeMounts[0].readOnly: hostPath volume `host` is mounted writable at /host; add `readOnly: true` unless the agent writes there"
        ]
    );
}

#[test]
fn ds009_tolerates_everything() {
    let found = lint_with(
        |ds| {
            pod(ds).tolerations = Some(vec![
                Toleration::everything().into(),
                Toleration::exists("x").effect(Effect::NoSchedule).into(),
            ]);
            pod(ds).priority_class_name = Some("system-node-critical".into());
        },
        &Options::default(),
    );
    assert_eq!(
        found,
        [
            "DS009 warning: spec.template.spec.tolerations[0]: tolerates every taint, also of nodes that are draining or failing; tolerate the taints you need by key"
        ]
    );
}

#[test]
fn ds010_slow_rollout_counts_waves() {
    let one = |ds: &mut DaemonSet| {
        ds.spec.as_mut().unwrap().update_strategy =
            Some(UpdateStrategy::max_unavailable(Budget::Count(1)).into())
    };
    let found = lint_with(one, &Options { nodes: Some(500) });
    assert_eq!(
        found,
        [
            "DS010 warning: spec.updateStrategy.rollingUpdate.maxUnavailable: one pod at a time on 500 nodes: a rollout takes 500 waves; `maxUnavailable: 10%` would take 10 waves"
        ]
    );
    assert!(
        lint_with(one, &Options { nodes: Some(49) }).is_empty(),
        "a small fleet"
    );
    assert!(
        lint_with(one, &Options::default()).is_empty(),
        "the node count is unknown"
    );
    let found = lint_with(
        |ds| ds.spec.as_mut().unwrap().update_strategy = None,
        &Options { nodes: Some(120) },
    );
    assert!(
        found
            .iter()
            .any(|f| f.starts_with("DS010") && f.contains("120 waves")),
        "the server's default is one at a time: {found:?}"
    );
    let percent = |ds: &mut DaemonSet| {
        ds.spec.as_mut().unwrap().update_strategy =
            Some(UpdateStrategy::max_unavailable(Budget::Percent(1)).into())
    };
    assert!(
        lint_with(percent, &Options { nodes: Some(150) }).is_empty(),
        "1% of 150 rounds up to 2 pods"
    );
    assert_eq!(
        lint_with(percent, &Options { nodes: Some(100) }).len(),
        1,
        "1% of 100 is 1 pod"
    );
}

#[test]
fn every_rule_is_documented_with_a_unique_id() {
    let mut ids: Vec<&str> = RULES.iter().map(|r| r.id).collect();
    ids.dedup();
    assert_eq!(ids.len(), RULES.len());
    for (i, rule) in RULES.iter().enumerate() {
        assert_eq!(rule.id, format!("DS{:03}", i + 1));
        assert!(!rule.doc.is_empty() && !rule.summary.is_empty() && !rule.name.is_empty());
    }
    assert_eq!(super::rule("ds010").map(|r| r.name), Some("slow-rollout"));
}
