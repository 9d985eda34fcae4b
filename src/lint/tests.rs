//! One test per rule: it fires on the bad case and stays quiet on the fixed one.

use super::*;
use crate::build::{
    Budget, Container, Cpu, Effect, Memory, Mount, NodeAgent as Builder, Resources,
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
            "spec.template.spec.containers[0].resources: DS001 warning: container `agent` has no requests.cpu, requests.memory, limits.memory; the agent can starve the node or be evicted first"
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
            found[0].starts_with("spec.template.spec.containers[0].image: DS002 warning: "),
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
        found[0].starts_with("spec.updateStrategy: DS003 warning: no update strategy"),
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
            .any(|f| f.starts_with("spec.template.spec.priorityClassName: DS004 warning: ")),
        "{found:?}"
    );
    let found = lint_with(
        |ds| {
            agent(ds);
            pod(ds).priority_class_name = Some("system-node-critical".into());
        },
        &Options::default(),
    );
    assert!(!found.iter().any(|f| f.contains(": DS004 ")), "{found:?}");
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
            "spec.template.spec.containers[0].securityContext.privileged: DS005 warning: container `agent` is privileged (root on the node); add the capabilities it needs instead"
        ]
    );
}

#[test]
fn ds006_host_namespaces_and_waiver() {
    let found = lint_with(|ds| pod(ds).host_pid = Some(true), &Options::default());
    assert!(found.contains(&"spec.template.spec.hostPID: DS006 warning: the pod shares the node's processes; keep it only if the agent needs it".to_owned()), "{found:?}");
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
            "spec.template.spec.volumes[0].hostPath.path: DS007 warning: volume `host` exposes \"/var/run/docker.sock\" of the node; mount the narrowest path, read-only"
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
            "spec.template.spec.containers[0].volumeMounts[0].readOnly: DS008 info: hostPath volume `host` is mounted writable at /host; add `readOnly: true` unless the agent writes there"
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
            "spec.template.spec.tolerations[0]: DS009 warning: tolerates every taint, also those set to keep pods off dedicated nodes and nodes being removed (the controller already tolerates not-ready, unreachable, pressure and unschedulable nodes); tolerate the taints you need by key"
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
            "spec.updateStrategy.rollingUpdate.maxUnavailable: DS010 warning: one pod at a time on 500 nodes: a rollout takes 500 waves; `maxUnavailable: 10%` would take 10 waves"
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
            .any(|f| f.contains(": DS010 ") && f.contains("120 waves")),
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

use k8s_openapi::api::core::v1 as core;

fn first(ds: &mut DaemonSet) -> &mut core::Container {
    &mut pod(ds).containers[0]
}

fn security(ds: &mut DaemonSet) -> &mut core::SecurityContext {
    first(ds)
        .security_context
        .get_or_insert_with(Default::default)
}

/// The findings of one rule, all rules enabled.
fn only(id: &str, change: impl FnOnce(&mut DaemonSet)) -> Vec<String> {
    let mut ds = Builder::builder()
        .name("agent")
        .selector_label("app", "agent")
        .update_strategy(UpdateStrategy::max_unavailable(Budget::Percent(10)))
        .container(container("agent:1.0", None, None))
        .build()
        .unwrap();
    change(&mut ds);
    let all = Selection {
        enable: vec!["all".into()],
        ..Selection::default()
    };
    lint_selected(&ds, &Options::default(), &all)
        .iter()
        .filter(|f| f.rule.id == id)
        .map(ToString::to_string)
        .collect()
}

#[test]
fn ds003_flags_an_empty_update_strategy() {
    let found = only("DS003", |ds| {
        ds.spec.as_mut().unwrap().update_strategy = Some(Default::default())
    });
    assert_eq!(
        found,
        [
            "spec.updateStrategy: DS003 warning: an empty update strategy (`{}`): the server's default replaces one pod at a time (RollingUpdate, maxUnavailable 1); say what you want"
        ]
    );
    let typed = only("DS003", |ds| {
        ds.spec.as_mut().unwrap().update_strategy =
            Some(k8s_openapi::api::apps::v1::DaemonSetUpdateStrategy {
                type_: Some("OnDelete".into()),
                rolling_update: None,
            })
    });
    assert!(typed.is_empty(), "{typed:?}");
}

#[test]
fn ds005_says_when_a_bidirectional_mount_requires_privileged() {
    let found = only("DS005", |ds| {
        security(ds).privileged = Some(true);
        first(ds).volume_mounts = Some(vec![core::VolumeMount {
            name: "kubelet".into(),
            mount_path: "/var/lib/kubelet".into(),
            mount_propagation: Some("Bidirectional".into()),
            ..Default::default()
        }]);
    });
    assert_eq!(found.len(), 1);
    assert!(
        found[0].contains("as its Bidirectional mount at \"/var/lib/kubelet\" requires")
            && !found[0].contains("add the capabilities it needs instead"),
        "{found:?}"
    );
}

#[test]
fn ds011_host_port_where_written() {
    let port = |ds: &mut DaemonSet| {
        first(ds).ports = Some(vec![core::ContainerPort {
            container_port: 9100,
            host_port: Some(9100),
            ..Default::default()
        }])
    };
    assert_eq!(
        only("DS011", port),
        [
            "spec.template.spec.containers[0].ports[0].hostPort: DS011 warning: container `agent` binds host port 9100/TCP: a second pod asking for it is not scheduled on the node, so a surge rollout cannot start the new pod and other workloads wanting the port stay Pending"
        ]
    );
    assert_eq!(
        only("DS011", |ds| {
            port(ds);
            pod(ds).host_network = Some(true);
        })
        .len(),
        1,
        "written with hostNetwork too"
    );
    assert!(
        only("DS011", |ds| {
            first(ds).ports = Some(vec![core::ContainerPort {
                container_port: 9100,
                ..Default::default()
            }]);
            pod(ds).host_network = Some(true);
        })
        .is_empty(),
        "not written"
    );
}

#[test]
fn ds012_dangerous_capabilities() {
    let found = only("DS012", |ds| {
        security(ds).capabilities = Some(core::Capabilities {
            add: Some(vec![
                "NET_ADMIN".into(),
                "CAP_SYS_ADMIN".into(),
                "bpf".into(),
            ]),
            drop: None,
        })
    });
    assert_eq!(
        found,
        [
            "spec.template.spec.containers[0].securityContext.capabilities.add[1]: DS012 warning: container `agent` adds \"CAP_SYS_ADMIN\", which is close to root on the node; add narrower capabilities where they suffice"
        ]
    );
    let privileged = only("DS012", |ds| {
        security(ds).privileged = Some(true);
        security(ds).capabilities = Some(core::Capabilities {
            add: Some(vec!["SYS_ADMIN".into()]),
            drop: None,
        });
    });
    assert!(privileged.is_empty(), "DS005's: {privileged:?}");
}

fn env(name: &str, value: &str) -> core::EnvVar {
    core::EnvVar {
        name: name.into(),
        value: Some(value.into()),
        value_from: None,
    }
}

#[test]
fn ds013_secret_in_env() {
    let found = only("DS013", |ds| {
        first(ds).env = Some(vec![
            env("DB_PASSWORD", "hunter2"),
            env("API_TOKEN_FILE", "/var/run/secrets/token"),
            env("AWS_ACCESS_KEY_ID", "AKIA0000"),
            env("AWS_SECRET_ACCESS_KEY", "abc"),
            env("TOKEN", "$(OTHER)"),
            env("SECRET_NAME", "agent-secret"),
            env("TOKEN_TTL", "3600"),
            env("LOG_LEVEL", "debug"),
        ])
    });
    assert_eq!(
        found,
        [
            "spec.template.spec.containers[0].env[0].value: DS013 warning: container `agent` sets \"DB_PASSWORD\" to a plain value, readable by anyone who may read DaemonSets; use `valueFrom.secretKeyRef`",
            "spec.template.spec.containers[0].env[3].value: DS013 warning: container `agent` sets \"AWS_SECRET_ACCESS_KEY\" to a plain value, readable by anyone who may read DaemonSets; use `valueFrom.secretKeyRef`",
        ]
    );
}

#[test]
fn ds014_duplicate_env_follows_the_server() {
    let found = only("DS014", |ds| {
        first(ds).env = Some(vec![
            env("A", "1"),
            env("A", "2"),
            env("B", "x"),
            env("B", "$(B)-suffix"),
            env("C", "x"),
            env("C", "$(C)"),
        ])
    });
    assert_eq!(
        found,
        [
            "spec.template.spec.containers[0].env[1]: DS014 warning: container `agent` defines \"A\" again (first at env[0]): the container sees only the last value, and apply may drop one of them",
            "spec.template.spec.containers[0].env[5]: DS014 warning: container `agent` defines \"C\" again (first at env[4]): the container sees only the last value, and apply may drop one of them",
        ]
    );
}

#[test]
fn opt_in_rules_are_off_by_default() {
    let ds = Builder::builder()
        .name("agent")
        .selector_label("app", "agent")
        .update_strategy(UpdateStrategy::max_unavailable(Budget::Percent(10)))
        .container(container("agent:1.0", None, None))
        .build()
        .unwrap();
    assert!(lint(&ds, &Options::default()).is_empty());
    let opt_in: Vec<&str> = RULES.iter().filter(|r| r.opt_in).map(|r| r.id).collect();
    assert_eq!(opt_in, ["DS015", "DS016", "DS017", "DS018", "DS021"]);
    for rule in RULES.iter().filter(|r| r.opt_in) {
        assert_eq!(rule.severity, Severity::Info, "{}", rule.id);
    }
    let enabled = Selection {
        enable: vec!["DS015".into(), "low-user-id".into()],
        ..Selection::default()
    };
    let ids: Vec<&str> = lint_selected(&ds, &Options::default(), &enabled)
        .iter()
        .map(|f| f.rule.id)
        .collect();
    assert_eq!(ids, ["DS015", "DS016"]);
    let warnings_only = Selection {
        enable: vec!["all".into()],
        min_severity: Severity::Warning,
        ..Selection::default()
    };
    assert!(lint_selected(&ds, &Options::default(), &warnings_only).is_empty());
    let unknown = Selection {
        enable: vec!["DS999".into()],
        disable: vec!["all".into(), "nope".into()],
        ..Selection::default()
    };
    assert_eq!(unknown.unknown_ids(), ["DS999", "nope"]);
}

#[test]
fn ds015_to_ds018_and_ds021_opt_in_security() {
    assert_eq!(
        only("DS015", |_| {}),
        [
            "spec.template.spec.containers[0].resources: DS015 info: container `agent` has no requests.ephemeral-storage, limits.ephemeral-storage; its logs and scratch files can fill the node's disk"
        ]
    );
    assert_eq!(
        only("DS016", |ds| security(ds).run_as_user = Some(65534)),
        [
            "spec.template.spec.containers[0].securityContext: DS016 info: container `agent` runs as user 65534 and group unset; ids of 10000 and above cannot be those of the node's users"
        ]
    );
    assert!(
        only("DS016", |ds| {
            pod(ds).security_context = Some(core::PodSecurityContext {
                run_as_user: Some(10001),
                run_as_group: Some(10001),
                ..Default::default()
            })
        })
        .is_empty()
    );
    assert_eq!(only("DS017", |_| {}).len(), 1);
    assert!(only("DS017", |ds| security(ds).run_as_non_root = Some(true)).is_empty());
    assert_eq!(only("DS018", |_| {}).len(), 1);
    assert!(
        only("DS018", |ds| security(ds).read_only_root_filesystem =
            Some(true))
        .is_empty()
    );
    assert_eq!(only("DS021", |_| {}).len(), 1);
    assert!(
        only("DS021", |ds| {
            security(ds).capabilities = Some(core::Capabilities {
                add: None,
                drop: Some(vec!["ALL".into()]),
            })
        })
        .is_empty()
    );
    let windows = |ds: &mut DaemonSet| {
        pod(ds).os = Some(core::PodOS {
            name: "windows".into(),
        })
    };
    for id in ["DS016", "DS017", "DS018", "DS021"] {
        assert!(only(id, windows).is_empty(), "{id} skips Windows pods");
    }
}

#[test]
fn ds019_image_pull_never() {
    assert_eq!(
        only("DS019", |ds| first(ds).image_pull_policy =
            Some("Never".into())),
        [
            "spec.template.spec.containers[0].imagePullPolicy: DS019 warning: container `agent` never pulls its image: on a node without it in the cache (a new node) the pod fails with ErrImageNeverPull; use `IfNotPresent`"
        ]
    );
    assert!(
        only("DS019", |ds| first(ds).image_pull_policy =
            Some("IfNotPresent".into()))
        .is_empty()
    );
}

#[test]
fn ds020_identical_probes() {
    let probe = |path: &str, threshold: i32| core::Probe {
        http_get: Some(core::HTTPGetAction {
            path: Some(path.into()),
            port: k8s_openapi::apimachinery::pkg::util::intstr::IntOrString::Int(8080),
            ..Default::default()
        }),
        failure_threshold: Some(threshold),
        ..Default::default()
    };
    let found = only("DS020", |ds| {
        first(ds).liveness_probe = Some(probe("/healthz", 5));
        first(ds).readiness_probe = Some(probe("/healthz", 1));
    });
    assert_eq!(found.len(), 1, "same handler, other thresholds: {found:?}");
    assert!(
        only("DS020", |ds| {
            first(ds).liveness_probe = Some(probe("/healthz", 3));
            first(ds).readiness_probe = Some(probe("/ready", 3));
        })
        .is_empty()
    );
}
