//! Property tests: every DaemonSet the builder produces from well-formed inputs validates, and its YAML
//! round-trips (YAML -> typed -> YAML) unchanged.

use daemonset::build::{
    Budget, Container, Cpu, Effect, EnvVar, HostPathType, Memory, NodeAffinity, NodeAgent,
    PodField, Port, Probe, Requirement, Resources, Term, Toleration, UpdateStrategy, Volume,
    Weight,
};
use daemonset::k8s::api::apps::v1::DaemonSet as K8sDaemonSet;
use proptest::prelude::*;

fn dns_label() -> impl Strategy<Value = String> {
    "[a-z]([a-z0-9-]{0,20}[a-z0-9])?"
}

fn label_key() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z][a-z0-9]{0,10}",
        "[a-z]{1,8}\\.example\\.com/[a-z][a-z0-9_.-]{0,10}[a-z0-9]"
    ]
}

fn label_value() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        "[A-Za-z0-9]([A-Za-z0-9_.-]{0,20}[A-Za-z0-9])?"
    ]
}

fn resources() -> impl Strategy<Value = Resources> {
    (1u64..4000, 0u64..4000, 1u64..2048, 0u64..2048).prop_map(|(cpu, extra_cpu, mem, extra_mem)| {
        Resources::builder()
            .cpu_request(Cpu::millis(cpu))
            .cpu_limit(Cpu::millis(cpu + extra_cpu))
            .memory_request(Memory::mebibytes(mem))
            .memory_limit(Memory::mebibytes(mem + extra_mem))
            .build()
    })
}

fn toleration() -> impl Strategy<Value = Toleration> {
    let effect = prop_oneof![
        Just(Effect::NoSchedule),
        Just(Effect::PreferNoSchedule),
        Just(Effect::NoExecute)
    ];
    prop_oneof![
        (label_key(), effect.clone()).prop_map(|(k, e)| Toleration::exists(k).effect(e)),
        (label_key(), label_value(), effect)
            .prop_map(|(k, v, e)| Toleration::equal(k, v).effect(e)),
        (label_key(), 0u32..86400).prop_map(|(k, s)| Toleration::exists(k).evict_after(s)),
        Just(Toleration::everything()),
    ]
}

fn requirement() -> impl Strategy<Value = Requirement> {
    prop_oneof![
        (label_key(), "[a-z0-9]{1,8}").prop_map(|(k, v)| Requirement::is_in(k, [v.as_str()])),
        (label_key(), "[a-z0-9]{1,8}", "[a-z0-9]{1,8}")
            .prop_map(|(k, a, b)| Requirement::not_in(k, [a.as_str(), b.as_str()])),
        label_key().prop_map(Requirement::exists),
        label_key().prop_map(Requirement::does_not_exist),
        (label_key(), any::<u32>()).prop_map(|(k, n)| Requirement::greater_than(k, u64::from(n))),
        (label_key(), any::<u32>()).prop_map(|(k, n)| Requirement::less_than(k, u64::from(n))),
    ]
}

fn update_strategy() -> impl Strategy<Value = Option<UpdateStrategy>> {
    let budget = prop_oneof![
        (1u32..50).prop_map(Budget::Count),
        (1u8..=100).prop_map(Budget::Percent)
    ];
    prop_oneof![
        Just(None),
        Just(Some(UpdateStrategy::OnDelete)),
        budget
            .clone()
            .prop_map(|b| Some(UpdateStrategy::max_unavailable(b))),
        budget.prop_map(|b| Some(UpdateStrategy::max_surge(b))),
    ]
}

#[derive(Debug, Clone)]
struct Inputs {
    name: String,
    selector: Vec<(String, String)>,
    labels: Vec<(String, String)>,
    image_tag: String,
    port: Option<(u16, Option<u16>)>,
    resources: Option<Resources>,
    tolerations: Vec<Toleration>,
    requirements: Vec<Requirement>,
    preferred_weight: Option<i32>,
    node_selector: Vec<(String, String)>,
    strategy: Option<UpdateStrategy>,
    volume_kind: u8,
    host_network: bool,
    grace: Option<u32>,
}

fn inputs() -> impl Strategy<Value = Inputs> {
    (
        (
            dns_label(),
            prop::collection::vec((label_key(), label_value()), 1..4),
            prop::collection::vec((label_key(), label_value()), 0..3),
            "[a-z0-9][a-z0-9._-]{0,10}",
            prop::option::of((1u16..=65535, prop::option::of(1u16..=65535))),
            prop::option::of(resources()),
            prop::collection::vec(toleration(), 0..4),
        ),
        (
            prop::collection::vec(requirement(), 0..3),
            prop::option::of(1i32..=100),
            prop::collection::vec((label_key(), label_value()), 0..3),
            update_strategy(),
            0u8..4,
            any::<bool>(),
            prop::option::of(0u32..600),
        ),
    )
        .prop_map(
            |((name, selector, labels, image_tag, port, resources, tolerations), rest)| {
                let (
                    requirements,
                    preferred_weight,
                    node_selector,
                    strategy,
                    volume_kind,
                    host_network,
                    grace,
                ) = rest;
                Inputs {
                    name,
                    selector,
                    labels,
                    image_tag,
                    port,
                    resources,
                    tolerations,
                    requirements,
                    preferred_weight,
                    node_selector,
                    strategy,
                    volume_kind,
                    host_network,
                    grace,
                }
            },
        )
}

fn build(inputs: &Inputs) -> Result<K8sDaemonSet, daemonset::ValidationErrors> {
    let volume = match inputs.volume_kind {
        0 => Volume::host_path("data", "/var/lib/agent").with_type(HostPathType::DirectoryOrCreate),
        1 => Volume::config_map("data", "agent-config"),
        2 => Volume::secret("data", "agent-secret").default_mode(0o400),
        _ => Volume::empty_dir("data"),
    };
    let mut container = Container::builder()
        .name("agent")
        .image(format!("registry.example.com/agent:{}", inputs.image_tag))
        .env(EnvVar::field("NODE_NAME", PodField::NodeName))
        .env(EnvVar::value("MODE", "daemon"))
        .mount(volume.mount("/data"))
        .readiness_probe(Probe::http_get("/healthz", 8080).period_seconds(5));
    let _ = &mut container;
    let mut container = container.build();
    if let Some((port, host_port)) = inputs.port {
        let mut p = Port::new(port).name("main");
        // A host port with maxSurge stalls every rollout: only combine them where the strategy allows it.
        let surge = matches!(inputs.strategy, Some(UpdateStrategy::MaxSurge(_)));
        if let Some(host) = host_port.filter(|_| !surge) {
            p = if inputs.host_network {
                p.host_port(port)
            } else {
                p.host_port(host)
            };
        }
        container.ports.push(p);
    }
    container.resources = inputs.resources.clone();
    let mut builder = NodeAgent::builder()
        .name(inputs.name.clone())
        .container(container);
    for (k, v) in &inputs.selector {
        builder = builder.selector_label(k.clone(), v.clone());
    }
    for (k, v) in &inputs.labels {
        builder = builder.label(k.clone(), v.clone());
    }
    for (k, v) in &inputs.node_selector {
        builder = builder.node_selector(k.clone(), v.clone());
    }
    for t in &inputs.tolerations {
        builder = builder.toleration(t.clone());
    }
    let mut affinity = NodeAffinity::new();
    if !inputs.requirements.is_empty() {
        affinity = affinity.require(Term::all(inputs.requirements.clone()));
    }
    if let Some(w) = inputs.preferred_weight {
        affinity = affinity.prefer(
            Weight::new(w).unwrap(),
            Term::all([Requirement::exists("example.com/fast")]),
        );
    }
    let surge = matches!(inputs.strategy, Some(UpdateStrategy::MaxSurge(_)));
    let builder = builder
        .node_affinity(affinity)
        .update_strategy_opt(inputs.strategy)
        .termination_grace_period_seconds_opt(inputs.grace);
    if inputs.host_network && !surge {
        builder.host_network().build()
    } else {
        builder.build()
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn built_daemon_sets_validate_and_round_trip(inputs in inputs()) {
        let built = build(&inputs);
        let ds = match built {
            Ok(ds) => ds,
            Err(errors) => return Err(TestCaseError::fail(format!("{inputs:?} did not build: {errors}"))),
        };
        prop_assert!(daemonset::validate(&ds).is_ok());
        let yaml = daemonset::render::to_yaml(&ds).unwrap();
        let parsed: K8sDaemonSet = daemonset::parse::from_yaml(&yaml).unwrap();
        prop_assert_eq!(&parsed, &ds);
        prop_assert_eq!(daemonset::render::to_yaml(&parsed).unwrap(), yaml);
        let json = daemonset::render::to_json(&ds).unwrap();
        let from_json: K8sDaemonSet = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(from_json, ds);
    }
}
