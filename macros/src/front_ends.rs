//! The differential test of the three front ends: one generated description of a DaemonSet is written out as a
//! spec file (YAML text, read by the real `daemonset::spec::from_str`), as `daemonset!` source (run through this
//! crate's parse and check, the code the macro runs, on source text) and as builder calls (executed). All three
//! must agree: the same verdict, the rejection reported at the same item (`containers[1]`, `tolerations[0]`,
//! `updateStrategy`, ...), and for accepted descriptions the same object from the spec file and the builder.
//!
//! A description is valid, or has exactly one fault from the list in [`Fault`], so the item it must be reported at
//! is known. Faults the builder's types cannot express (a mount of an undeclared volume, `Exists` with a value,
//! seconds without `NoExecute`, two non-zero budgets) are compared between the spec file and the DSL only. A
//! repeated env name is refused by the DSL (its env is a map) and accepted by spec files and the builder (a list,
//! as in the API, where the server only warns), which must give the same object. Faults the DSL cannot write (two
//! sources of a volume or an env var, a probe or hook with none or two actions: each DSL form is one call) are
//! compared between the spec file and the builder, which writes them through its raw escapes (`Volume::raw`,
//! `customize`) so that validation sees them.

use std::collections::BTreeSet;

use daemonset::build::{
    Budget, Container, Cpu, Effect, EnvVar, Hook, Memory, NodeAgent, PodField, Port, Probe,
    Resources, Toleration, UpdateStrategy, Volume,
};
use k8s_openapi::api::core::v1 as k8s;
use proptest::prelude::*;
use proptest::strategy::Strategy as PStrategy;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

#[derive(Debug, Clone)]
struct Desc {
    containers: Vec<Ctr>,
    volumes: Vec<Vol>,
    tolerations: Vec<Tol>,
    strategy: Option<Plan>,
}

/// A volume and its sources (valid: exactly one).
#[derive(Debug, Clone)]
struct Vol {
    name: String,
    sources: Vec<VolSrc>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum VolSrc {
    HostPath,
    EmptyDir,
}

#[derive(Debug, Clone)]
struct Ctr {
    name: String,
    image: String,
    cpu_request: Option<String>,
    cpu_limit: Option<String>,
    memory_limit: Option<String>,
    /// (volume, path)
    mounts: Vec<(String, String)>,
    /// (containerPort, name)
    ports: Vec<(u16, Option<String>)>,
    env: Vec<Env>,
    /// The actions of the liveness probe (valid: exactly one).
    probe: Option<Vec<Action>>,
    /// The actions of the preStop hook (valid: exactly one).
    pre_stop: Option<Vec<Action>>,
}

/// An env var and its sources (valid: exactly one).
#[derive(Debug, Clone)]
struct Env {
    name: String,
    value: Option<String>,
    /// A pod field (`fieldRef.fieldPath`).
    field: Option<&'static str>,
}

/// The valid `fieldRef` paths the descriptions use (`spec.host` is the server's alias of `spec.nodeName`).
const FIELDS: &[&str] = &["spec.nodeName", "spec.host", "metadata.labels['app']"];

/// An action of a probe or a hook.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Action {
    HttpGet,
    Exec,
    /// Hooks only.
    Sleep,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Op {
    Exists,
    Equal,
}

#[derive(Debug, Clone)]
struct Tol {
    key: Option<String>,
    operator: Option<Op>,
    value: Option<String>,
    effect: Option<Effect>,
    seconds: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum B {
    Count(u64),
    Percent(u32),
}

#[derive(Debug, Clone)]
enum Plan {
    OnDelete,
    Rolling {
        unavailable: Option<B>,
        surge: Option<B>,
    },
}

/// One mistake, put in a valid description.
#[derive(Debug, Clone, Copy)]
enum Fault {
    BadCpu,
    BadMemory,
    RequestAboveLimit,
    WhitespaceImage,
    DuplicateContainer,
    DuplicateVolume,
    DuplicatePortName,
    DuplicateMountPath,
    DuplicateEnv,
    BadFieldRef,
    VolumeTwoSources,
    EnvTwoSources,
    ProbeTwoActions,
    ProbeNoAction,
    HookTwoActions,
    HookNoAction,
    UndeclaredMount,
    ExistsWithValue,
    SecondsWithoutNoExecute,
    EmptyKeyEqual,
    BadTolerationValue,
    BothBudgetsNonZero,
    BudgetZero,
    PercentOver100,
    CountBeyondInt32,
}

const FAULTS: &[Fault] = &[
    Fault::BadCpu,
    Fault::BadMemory,
    Fault::RequestAboveLimit,
    Fault::WhitespaceImage,
    Fault::DuplicateContainer,
    Fault::DuplicateVolume,
    Fault::DuplicatePortName,
    Fault::DuplicateMountPath,
    Fault::DuplicateEnv,
    Fault::BadFieldRef,
    Fault::VolumeTwoSources,
    Fault::EnvTwoSources,
    Fault::ProbeTwoActions,
    Fault::ProbeNoAction,
    Fault::HookTwoActions,
    Fault::HookNoAction,
    Fault::UndeclaredMount,
    Fault::ExistsWithValue,
    Fault::SecondsWithoutNoExecute,
    Fault::EmptyKeyEqual,
    Fault::BadTolerationValue,
    Fault::BothBudgetsNonZero,
    Fault::BudgetZero,
    Fault::PercentOver100,
    Fault::CountBeyondInt32,
];

fn valid_toleration() -> impl PStrategy<Value = Tol> {
    let key = prop_oneof![
        Just("node-role.kubernetes.io/control-plane"),
        Just("dedicated"),
        Just("example.com/gpu")
    ];
    let effect = prop::option::of(prop_oneof![
        Just(Effect::NoSchedule),
        Just(Effect::PreferNoSchedule),
        Just(Effect::NoExecute)
    ]);
    (
        key,
        0..4u8,
        prop_oneof![Just("gpu"), Just("true"), Just("")],
        effect,
        prop::option::of(0..600u32),
    )
        .prop_map(|(key, shape, value, effect, seconds)| {
            let seconds = seconds.filter(|_| effect == Some(Effect::NoExecute));
            match shape {
                // Everything.
                0 => Tol {
                    key: None,
                    operator: Some(Op::Exists),
                    value: None,
                    effect,
                    seconds,
                },
                1 => Tol {
                    key: Some(key.into()),
                    operator: Some(Op::Exists),
                    value: None,
                    effect,
                    seconds,
                },
                2 => Tol {
                    key: Some(key.into()),
                    operator: Some(Op::Equal),
                    value: Some(value.into()),
                    effect,
                    seconds,
                },
                _ => Tol {
                    key: Some(key.into()),
                    operator: None,
                    value: None,
                    effect,
                    seconds,
                },
            }
        })
}

fn valid_budget() -> impl PStrategy<Value = B> {
    prop_oneof![
        (1..5u64).prop_map(B::Count),
        (1..=100u32).prop_map(B::Percent)
    ]
}

fn valid_strategy() -> impl PStrategy<Value = Option<Plan>> {
    prop::option::of(prop_oneof![
        Just(Plan::OnDelete),
        valid_budget().prop_map(|b| Plan::Rolling {
            unavailable: Some(b),
            surge: None
        }),
        valid_budget().prop_map(|b| Plan::Rolling {
            unavailable: None,
            surge: Some(b)
        }),
        // The second divergence of issue 10: `{maxUnavailable: 0, maxSurge: N}` is a surge.
        (valid_budget(), any::<bool>()).prop_map(|(b, percent)| Plan::Rolling {
            unavailable: Some(if percent { B::Percent(0) } else { B::Count(0) }),
            surge: Some(b)
        }),
        (valid_budget(), any::<bool>()).prop_map(|(b, percent)| Plan::Rolling {
            unavailable: Some(b),
            surge: Some(if percent { B::Percent(0) } else { B::Count(0) })
        }),
    ])
}

fn valid_desc() -> impl PStrategy<Value = Desc> {
    let cpu = prop::option::of(prop_oneof![Just("100m"), Just("250m"), Just("1")]);
    let memory = prop::option::of(prop_oneof![Just("64Mi"), Just("128Mi"), Just("1Gi")]);
    let image = prop_oneof![
        Just("agent:1.0"),
        Just("quay.io/example/agent@sha256:0123"),
        Just("busybox")
    ];
    let ctr = (
        (cpu.clone(), cpu, memory, image),
        prop::collection::vec(any::<bool>(), 3),
        prop::collection::vec(any::<bool>(), 3),
        prop::collection::vec(any::<bool>(), 3),
        prop::option::of(prop_oneof![Just(Action::HttpGet), Just(Action::Exec)]),
        prop::option::of(prop_oneof![Just(Action::Exec), Just(Action::Sleep)]),
    );
    (
        prop::collection::vec(ctr, 1..=2),
        prop::collection::vec(any::<bool>(), 0..=3),
        prop::collection::vec(valid_toleration(), 0..=2),
        valid_strategy(),
    )
        .prop_map(|(ctrs, volume_kinds, tolerations, strategy)| {
            let volumes: Vec<Vol> = ["data", "logs", "run"]
                .iter()
                .zip(volume_kinds)
                .map(|(name, host)| Vol {
                    name: (*name).to_owned(),
                    sources: vec![if host {
                        VolSrc::HostPath
                    } else {
                        VolSrc::EmptyDir
                    }],
                })
                .collect();
            let containers = ctrs
                .into_iter()
                .enumerate()
                .map(
                    |(i, ((req, lim, mem, image), mounted, ported, envs, probe, hook))| {
                        // A request is at most its limit: keep the smaller as the request.
                        let (cpu_request, cpu_limit) = match (req, lim) {
                            (Some(r), Some(l)) if millis(r) > millis(l) => (Some(l), Some(r)),
                            other => other,
                        };
                        Ctr {
                            name: ["agent", "sidecar"][i].to_owned(),
                            image: image.to_owned(),
                            cpu_request: cpu_request.map(str::to_owned),
                            cpu_limit: cpu_limit.map(str::to_owned),
                            memory_limit: mem.map(str::to_owned),
                            mounts: volumes
                                .iter()
                                .zip(mounted)
                                .filter(|(_, m)| *m)
                                .map(|(v, _)| (v.name.clone(), format!("/mnt/{}", v.name)))
                                .collect(),
                            ports: [(8080, Some("http")), (9090, Some("metrics")), (9100, None)]
                                .into_iter()
                                .zip(ported)
                                .filter(|(_, p)| *p)
                                .map(|((n, name), _)| (n, name.map(str::to_owned)))
                                .collect(),
                            env: [("MODE", Some("fast")), ("NODE", None), ("LEVEL", Some("2"))]
                                .into_iter()
                                .zip(envs)
                                .filter(|(_, e)| *e)
                                .map(|((name, value), _)| Env {
                                    name: name.to_owned(),
                                    value: value.map(str::to_owned),
                                    field: value
                                        .is_none()
                                        .then(|| FIELDS[(i + image.len()) % FIELDS.len()]),
                                })
                                .collect(),
                            probe: probe.map(|a| vec![a]),
                            pre_stop: hook.map(|a| vec![a]),
                        }
                    },
                )
                .collect();
            Desc {
                containers,
                volumes,
                tolerations,
                strategy,
            }
        })
}

fn millis(cpu: &str) -> u64 {
    match cpu.strip_suffix('m') {
        Some(m) => m.parse().unwrap(),
        None => cpu.parse::<u64>().unwrap() * 1000,
    }
}

/// Which front ends can write a fault besides the spec file (which writes them all).
#[derive(Debug, Clone, Copy, PartialEq)]
enum Sides {
    All,
    /// The builder's types cannot express it.
    SpecAndDsl,
    /// The DSL cannot write it.
    SpecAndBuilder,
    /// A repeated env name: the DSL's env is a map, which refuses a repeated key; spec files and the builder write
    /// a list, as the API does, and follow the server, which only warns. The DSL must refuse it, and the other two
    /// must give the same object.
    DslRefuses,
}

/// Puts `fault` into `desc`; returns the item it must be reported at and which front ends can write it.
fn inject(desc: &mut Desc, fault: Fault, pick: usize) -> (String, Sides) {
    let (item, expressible) = inject_item(desc, fault, pick);
    let sides = match fault {
        Fault::VolumeTwoSources
        | Fault::EnvTwoSources
        | Fault::ProbeTwoActions
        | Fault::ProbeNoAction
        | Fault::HookTwoActions
        | Fault::HookNoAction => Sides::SpecAndBuilder,
        Fault::DuplicateEnv => Sides::DslRefuses,
        _ if expressible => Sides::All,
        _ => Sides::SpecAndDsl,
    };
    (item, sides)
}

fn inject_item(desc: &mut Desc, fault: Fault, pick: usize) -> (String, bool) {
    let c = pick % desc.containers.len();
    match fault {
        Fault::BadCpu => {
            desc.containers[c].cpu_request = Some("1.5x".into());
            (format!("containers[{c}]"), true)
        }
        Fault::BadMemory => {
            desc.containers[c].memory_limit = Some("64MB".into());
            (format!("containers[{c}]"), true)
        }
        Fault::RequestAboveLimit => {
            desc.containers[c].cpu_request = Some("2".into());
            desc.containers[c].cpu_limit = Some("500m".into());
            (format!("containers[{c}]"), true)
        }
        Fault::WhitespaceImage => {
            let image = desc.containers[c].image.clone();
            desc.containers[c].image = if pick.is_multiple_of(2) {
                format!(" {image}")
            } else {
                format!("{image} ")
            };
            (format!("containers[{c}]"), true)
        }
        Fault::DuplicateContainer => {
            if desc.containers.len() == 1 {
                let mut twin = desc.containers[0].clone();
                twin.mounts.clear();
                desc.containers.push(twin);
            }
            desc.containers[1].name = desc.containers[0].name.clone();
            ("containers[1]".into(), true)
        }
        Fault::DuplicateVolume => {
            if desc.volumes.is_empty() {
                desc.volumes.push(Vol {
                    name: "data".into(),
                    sources: vec![VolSrc::HostPath],
                });
            }
            let first = desc.volumes[0].clone();
            desc.volumes.push(first);
            (format!("volumes[{}]", desc.volumes.len() - 1), true)
        }
        Fault::DuplicatePortName => {
            let ports = &mut desc.containers[c].ports;
            if !ports.iter().any(|(_, n)| n.as_deref() == Some("http")) {
                ports.push((8080, Some("http".into())));
            }
            ports.push((8081, Some("http".into())));
            (format!("containers[{c}]"), true)
        }
        Fault::DuplicateMountPath => {
            for name in ["data", "logs"] {
                if !desc.volumes.iter().any(|v| v.name == name) {
                    desc.volumes.push(Vol {
                        name: name.into(),
                        sources: vec![VolSrc::EmptyDir],
                    });
                }
            }
            let mounts = &mut desc.containers[c].mounts;
            mounts.retain(|(v, _)| v != "data" && v != "logs");
            mounts.push(("data".into(), "/mnt/shared".into()));
            mounts.push(("logs".into(), "/mnt/shared".into()));
            (format!("containers[{c}]"), true)
        }
        Fault::DuplicateEnv => {
            let env = &mut desc.containers[c].env;
            let name = env.first().map_or("MODE", |e| e.name.as_str()).to_owned();
            if env.is_empty() {
                env.push(Env {
                    name: name.clone(),
                    value: Some("fast".into()),
                    field: None,
                });
            }
            env.push(Env {
                name,
                value: Some("slow".into()),
                field: None,
            });
            (format!("containers[{c}]"), false)
        }
        Fault::BadFieldRef => {
            desc.containers[c].env.push(Env {
                name: "WHERE".into(),
                value: None,
                field: Some(if pick.is_multiple_of(2) {
                    "spec.nodename"
                } else {
                    "metadata.labels['-x']"
                }),
            });
            (format!("containers[{c}]"), false)
        }
        Fault::VolumeTwoSources => {
            desc.volumes.push(Vol {
                name: "both".into(),
                sources: vec![VolSrc::HostPath, VolSrc::EmptyDir],
            });
            (format!("volumes[{}]", desc.volumes.len() - 1), true)
        }
        Fault::EnvTwoSources => {
            desc.containers[c].env.push(Env {
                name: "BOTH".into(),
                value: Some("a".into()),
                field: Some("spec.nodeName"),
            });
            (format!("containers[{c}]"), true)
        }
        Fault::ProbeTwoActions => {
            desc.containers[c].probe = Some(vec![Action::HttpGet, Action::Exec]);
            (format!("containers[{c}]"), true)
        }
        Fault::ProbeNoAction => {
            desc.containers[c].probe = Some(Vec::new());
            (format!("containers[{c}]"), true)
        }
        Fault::HookTwoActions => {
            desc.containers[c].pre_stop = Some(if pick.is_multiple_of(2) {
                vec![Action::Exec, Action::Sleep]
            } else {
                vec![Action::HttpGet, Action::Sleep]
            });
            (format!("containers[{c}]"), true)
        }
        Fault::HookNoAction => {
            desc.containers[c].pre_stop = Some(Vec::new());
            (format!("containers[{c}]"), true)
        }
        Fault::UndeclaredMount => {
            desc.containers[c]
                .mounts
                .push(("cache".into(), "/mnt/cache".into()));
            (format!("containers[{c}]"), false)
        }
        Fault::ExistsWithValue => {
            desc.tolerations.push(Tol {
                key: Some("dedicated".into()),
                operator: Some(Op::Exists),
                value: Some("gpu".into()),
                effect: None,
                seconds: None,
            });
            (
                format!("tolerations[{}]", desc.tolerations.len() - 1),
                false,
            )
        }
        Fault::SecondsWithoutNoExecute => {
            desc.tolerations.push(Tol {
                key: Some("node.kubernetes.io/unreachable".into()),
                operator: Some(Op::Exists),
                value: None,
                effect: if pick.is_multiple_of(2) {
                    None
                } else {
                    Some(Effect::NoSchedule)
                },
                seconds: Some(300),
            });
            (
                format!("tolerations[{}]", desc.tolerations.len() - 1),
                false,
            )
        }
        Fault::EmptyKeyEqual => {
            desc.tolerations.push(Tol {
                key: Some(String::new()),
                operator: None,
                value: None,
                effect: None,
                seconds: None,
            });
            (format!("tolerations[{}]", desc.tolerations.len() - 1), true)
        }
        Fault::BadTolerationValue => {
            desc.tolerations.push(Tol {
                key: Some("dedicated".into()),
                operator: Some(Op::Equal),
                value: Some("not a label value!".into()),
                effect: None,
                seconds: None,
            });
            (format!("tolerations[{}]", desc.tolerations.len() - 1), true)
        }
        Fault::BothBudgetsNonZero => {
            desc.strategy = Some(Plan::Rolling {
                unavailable: Some(B::Count(1)),
                surge: Some(B::Percent(10)),
            });
            ("updateStrategy".into(), false)
        }
        Fault::BudgetZero => {
            let zero = if pick.is_multiple_of(2) {
                B::Count(0)
            } else {
                B::Percent(0)
            };
            desc.strategy = Some(match pick % 3 {
                0 => Plan::Rolling {
                    unavailable: Some(zero),
                    surge: None,
                },
                1 => Plan::Rolling {
                    unavailable: None,
                    surge: Some(zero),
                },
                _ => Plan::Rolling {
                    unavailable: Some(zero),
                    surge: Some(zero),
                },
            });
            ("updateStrategy".into(), true)
        }
        Fault::PercentOver100 => {
            desc.strategy = Some(Plan::Rolling {
                unavailable: Some(B::Percent(150)),
                surge: None,
            });
            ("updateStrategy".into(), true)
        }
        Fault::CountBeyondInt32 => {
            desc.strategy = Some(Plan::Rolling {
                unavailable: Some(B::Count(3_000_000_000)),
                surge: None,
            });
            ("updateStrategy".into(), true)
        }
    }
}

// ------------------------------------------------------------------ writers

fn q(text: &str) -> String {
    serde_json::to_string(text).unwrap()
}

/// The fields of a container in one flow map, for the spec file (`dsl: false`) or the DSL: the two vocabularies
/// differ only in how mounts and key names are written.
fn container_fields(c: &Ctr, dsl: bool) -> String {
    let mut fields = vec![
        format!("name: {}", q(&c.name)),
        format!("image: {}", q(&c.image)),
    ];
    let mut requests = Vec::new();
    let mut limits = Vec::new();
    if let Some(r) = &c.cpu_request {
        requests.push(format!("cpu: {}", q(r)));
    }
    if let Some(l) = &c.cpu_limit {
        limits.push(format!("cpu: {}", q(l)));
    }
    if let Some(m) = &c.memory_limit {
        limits.push(format!("memory: {}", q(m)));
    }
    let mut parts = Vec::new();
    if !requests.is_empty() {
        parts.push(format!("requests: {{ {} }}", requests.join(", ")));
    }
    if !limits.is_empty() {
        parts.push(format!("limits: {{ {} }}", limits.join(", ")));
    }
    if !parts.is_empty() {
        fields.push(format!("resources: {{ {} }}", parts.join(", ")));
    }
    if !c.mounts.is_empty() {
        let mounts: Vec<String> = c
            .mounts
            .iter()
            .map(|(v, p)| match dsl {
                true => format!("{v}: {}", q(p)),
                false => format!("{{ volume: {}, path: {} }}", q(v), q(p)),
            })
            .collect();
        let (open, close) = if dsl { ("{", "}") } else { ("[", "]") };
        fields.push(format!("mounts: {open} {} {close}", mounts.join(", ")));
    }
    if !c.ports.is_empty() {
        let ports: Vec<String> = c
            .ports
            .iter()
            .map(|(n, name)| match (dsl, name) {
                (true, None) => n.to_string(),
                (true, Some(name)) => format!("{{ container_port: {n}, name: {} }}", q(name)),
                (false, None) => format!("{{ containerPort: {n} }}"),
                (false, Some(name)) => format!("{{ containerPort: {n}, name: {} }}", q(name)),
            })
            .collect();
        fields.push(format!("ports: [ {} ]", ports.join(", ")));
    }
    if !c.env.is_empty() {
        let env: Vec<String> = c
            .env
            .iter()
            .map(|e| {
                let mut sources = Vec::new();
                if let Some(v) = &e.value {
                    sources.push(if dsl {
                        q(v)
                    } else {
                        format!("value: {}", q(v))
                    });
                }
                if let Some(path) = e.field {
                    sources.push(if dsl {
                        format!("field({})", q(path))
                    } else {
                        format!("field: {}", q(path))
                    });
                }
                if dsl {
                    // One source only: the DSL cannot write two.
                    format!("{}: {}", e.name, sources[0])
                } else {
                    format!("{{ name: {}, {} }}", q(&e.name), sources.join(", "))
                }
            })
            .collect();
        let (open, close) = if dsl { ("{", "}") } else { ("[", "]") };
        fields.push(format!("env: {open} {} {close}", env.join(", ")));
    }
    if let Some(actions) = &c.probe {
        let spec: Vec<&str> = actions
            .iter()
            .map(|a| match a {
                Action::HttpGet => "httpGet: { path: /healthz, port: 8080 }",
                Action::Exec => "exec: [\"true\"]",
                Action::Sleep => unreachable!("probes do not sleep"),
            })
            .collect();
        fields.push(match (dsl, actions.first()) {
            (false, _) if spec.is_empty() => "livenessProbe: { periodSeconds: 10 }".to_owned(),
            (false, _) => format!("livenessProbe: {{ {} }}", spec.join(", ")),
            (true, Some(Action::HttpGet)) => "liveness_probe: http_get(\"/healthz\", 8080)".into(),
            (true, _) => "liveness_probe: exec([\"true\"])".into(),
        });
    }
    if let Some(actions) = &c.pre_stop {
        let spec: Vec<&str> = actions
            .iter()
            .map(|a| match a {
                Action::HttpGet => "httpGet: { path: /stop, port: 8080 }",
                Action::Exec => "exec: { command: [\"true\"] }",
                Action::Sleep => "sleep: { seconds: 5 }",
            })
            .collect();
        fields.push(match (dsl, actions.first()) {
            (false, _) => format!("lifecycle: {{ preStop: {{ {} }} }}", spec.join(", ")),
            (true, Some(Action::Sleep)) => "pre_stop: sleep(5)".into(),
            (true, Some(Action::HttpGet)) => "pre_stop: http_get(\"/stop\", 8080)".into(),
            (true, _) => "pre_stop: exec([\"true\"])".into(),
        });
    }
    format!("{{ {} }}", fields.join(", "))
}

/// The fields of a toleration in one flow map (spec file or DSL).
fn toleration_fields(t: &Tol, dsl: bool) -> String {
    let mut fields = Vec::new();
    if let Some(k) = &t.key {
        fields.push(format!("key: {}", q(k)));
    }
    if let Some(op) = t.operator {
        fields.push(format!("operator: {op:?}"));
    }
    if let Some(v) = &t.value {
        fields.push(format!("value: {}", q(v)));
    }
    if let Some(e) = t.effect {
        fields.push(format!("effect: {}", e.as_str()));
    }
    if let Some(s) = t.seconds {
        let key = if dsl {
            "toleration_seconds"
        } else {
            "tolerationSeconds"
        };
        fields.push(format!("{key}: {s}"));
    }
    format!("{{ {} }}", fields.join(", "))
}

/// The budgets of a rolling update (`maxUnavailable: 1, maxSurge: "10%"`), spec file or DSL.
fn budget_fields(unavailable: Option<B>, surge: Option<B>, dsl: bool) -> String {
    let text = |b: B| match b {
        B::Count(n) => n.to_string(),
        B::Percent(p) => format!("\"{p}%\""),
    };
    let (u, s) = if dsl {
        ("max_unavailable", "max_surge")
    } else {
        ("maxUnavailable", "maxSurge")
    };
    let mut fields = Vec::new();
    if let Some(b) = unavailable {
        fields.push(format!("{u}: {}", text(b)));
    }
    if let Some(b) = surge {
        fields.push(format!("{s}: {}", text(b)));
    }
    fields.join(", ")
}

/// The spec file: one item per line.
fn spec_yaml(d: &Desc) -> String {
    let mut out = String::from("name: agent\nselectorLabels: {app: agent}\n");
    if !d.volumes.is_empty() {
        out.push_str("volumes:\n");
        for v in &d.volumes {
            let sources: Vec<String> = v
                .sources
                .iter()
                .map(|s| match s {
                    VolSrc::HostPath => {
                        format!("hostPath: {{path: {}}}", q(&format!("/var/{}", v.name)))
                    }
                    VolSrc::EmptyDir => "emptyDir: {}".to_owned(),
                })
                .collect();
            out.push_str(&format!(
                "- {{name: {}, {}}}\n",
                q(&v.name),
                sources.join(", ")
            ));
        }
    }
    out.push_str("containers:\n");
    for c in &d.containers {
        out.push_str(&format!("- {}\n", container_fields(c, false)));
    }
    if !d.tolerations.is_empty() {
        out.push_str("tolerations:\n");
        for t in &d.tolerations {
            out.push_str(&format!("- {}\n", toleration_fields(t, false)));
        }
    }
    match &d.strategy {
        None => {}
        Some(Plan::OnDelete) => out.push_str("updateStrategy: {type: OnDelete}\n"),
        Some(Plan::Rolling { unavailable, surge }) => out.push_str(&format!(
            "updateStrategy: {{ {} }}\n",
            budget_fields(*unavailable, *surge, false)
        )),
    }
    out
}

/// The `daemonset!` source (the inside of the braces), one item per line; returns the source and the item of each
/// line.
fn dsl_source(d: &Desc) -> (String, Vec<(usize, String)>) {
    let mut lines: Vec<(String, Option<String>)> = vec![
        ("name: \"agent\",".into(), None),
        ("selector: { \"app\": \"agent\" },".into(), None),
    ];
    if !d.volumes.is_empty() {
        lines.push(("volumes: {".into(), None));
        for (i, v) in d.volumes.iter().enumerate() {
            // One source only: the DSL cannot write two.
            let source = match v.sources.first() {
                Some(VolSrc::HostPath) => format!("host_path({})", q(&format!("/var/{}", v.name))),
                _ => "empty_dir()".to_owned(),
            };
            lines.push((
                format!("{}: {source},", v.name),
                Some(format!("volumes[{i}]")),
            ));
        }
        lines.push(("},".into(), None));
    }
    lines.push(("containers: [".into(), None));
    for (i, c) in d.containers.iter().enumerate() {
        lines.push((
            format!("{},", container_fields(c, true)),
            Some(format!("containers[{i}]")),
        ));
    }
    lines.push(("],".into(), None));
    if !d.tolerations.is_empty() {
        lines.push(("tolerations: [".into(), None));
        for (i, t) in d.tolerations.iter().enumerate() {
            lines.push((
                format!("{},", toleration_fields(t, true)),
                Some(format!("tolerations[{i}]")),
            ));
        }
        lines.push(("],".into(), None));
    }
    match &d.strategy {
        None => {}
        Some(Plan::OnDelete) => lines.push((
            "update_strategy: OnDelete,".into(),
            Some("updateStrategy".into()),
        )),
        Some(Plan::Rolling { unavailable, surge }) => lines.push((
            format!(
                "update_strategy: RollingUpdate {{ {} }},",
                budget_fields(*unavailable, *surge, true)
            ),
            Some("updateStrategy".into()),
        )),
    }
    let items = lines
        .iter()
        .enumerate()
        .filter_map(|(i, (_, item))| item.clone().map(|item| (i + 1, item)))
        .collect();
    let source = lines
        .into_iter()
        .map(|(l, _)| l)
        .collect::<Vec<_>>()
        .join("\n");
    (source, items)
}

/// What a front end said: the object, or the items its errors are at.
#[derive(Debug, PartialEq)]
enum Outcome {
    Accepted(Option<serde_json::Value>),
    Rejected(BTreeSet<String>),
}

/// The item of a path (spec or object path): `containers[1]`, `volumes[0]`, `tolerations[2]`, `updateStrategy`.
fn item(path: &str) -> String {
    let path = path
        .strip_prefix("spec.template.spec.")
        .or_else(|| path.strip_prefix("spec."))
        .unwrap_or(path);
    if path.starts_with("updateStrategy") {
        return "updateStrategy".into();
    }
    match path.find(']') {
        Some(end) => path[..=end].to_owned(),
        None => path.to_owned(),
    }
}

fn run_spec(d: &Desc) -> Outcome {
    match daemonset::spec::from_str("t.yaml", &spec_yaml(d)) {
        Ok(ds) => Outcome::Accepted(Some(serde_json::to_value(ds).unwrap())),
        Err(err) => Outcome::Rejected(
            err.problems()
                .iter()
                .map(|p| item(p.location.path.as_deref().unwrap_or("?")))
                .collect(),
        ),
    }
}

fn run_dsl(d: &Desc) -> Outcome {
    let (source, items) = dsl_source(d);
    match crate::check_source(&source) {
        Ok(_) => Outcome::Accepted(None),
        Err(errors) => Outcome::Rejected(
            errors
                .iter()
                .map(|(line, message)| {
                    items
                        .iter()
                        .find(|(l, _)| l == line)
                        .map_or_else(|| format!("line {line}: {message}"), |(_, i)| i.clone())
                })
                .collect(),
        ),
    }
}

fn budget_value(b: B) -> Budget {
    match b {
        B::Count(n) => Budget::Count(u32::try_from(n).unwrap()),
        B::Percent(p) => Budget::Percent(u8::try_from(p).unwrap()),
    }
}

fn zero(b: Option<B>) -> bool {
    matches!(b, None | Some(B::Count(0) | B::Percent(0)))
}

/// The builder calls a user would write for `d`; `None` for a fault the builder's types cannot express.
fn run_builder(d: &Desc) -> Outcome {
    let mut rejected = BTreeSet::new();
    let strategy = match &d.strategy {
        None => None,
        Some(Plan::OnDelete) => Some(UpdateStrategy::OnDelete),
        Some(Plan::Rolling { unavailable, surge }) => {
            Some(if !zero(*surge) && zero(*unavailable) {
                UpdateStrategy::max_surge(budget_value(surge.unwrap()))
            } else {
                UpdateStrategy::max_unavailable(budget_value(
                    unavailable.or(*surge).unwrap_or(B::Count(0)),
                ))
            })
        }
    };
    let mut builder = NodeAgent::builder()
        .name("agent")
        .selector_label("app", "agent")
        .update_strategy_opt(strategy);
    let volumes: Vec<Volume> = d
        .volumes
        .iter()
        .map(|v| match v.sources.as_slice() {
            [VolSrc::HostPath] => Volume::host_path(v.name.clone(), format!("/var/{}", v.name)),
            [VolSrc::EmptyDir] => Volume::empty_dir(v.name.clone()),
            sources => Volume::raw(k8s::Volume {
                name: v.name.clone(),
                host_path: sources
                    .contains(&VolSrc::HostPath)
                    .then(|| k8s::HostPathVolumeSource {
                        path: format!("/var/{}", v.name),
                        ..Default::default()
                    }),
                empty_dir: sources
                    .contains(&VolSrc::EmptyDir)
                    .then(k8s::EmptyDirVolumeSource::default),
                ..Default::default()
            }),
        })
        .collect();
    for v in &volumes {
        builder = builder.volume(v.clone());
    }
    for (i, c) in d.containers.iter().enumerate() {
        let cpu = |t: &Option<String>| t.as_deref().map(Cpu::parse).transpose();
        let memory = |t: &Option<String>| t.as_deref().map(Memory::parse).transpose();
        let (Ok(cpu_request), Ok(cpu_limit), Ok(memory_limit)) = (
            cpu(&c.cpu_request),
            cpu(&c.cpu_limit),
            memory(&c.memory_limit),
        ) else {
            rejected.insert(format!("containers[{i}]"));
            continue;
        };
        let resources = (cpu_request.is_some() || cpu_limit.is_some() || memory_limit.is_some())
            .then(|| Resources {
                cpu_request,
                cpu_limit,
                memory_limit,
                ..Resources::default()
            });
        let int = k8s_openapi::apimachinery::pkg::util::intstr::IntOrString::Int;
        let http = |path: &str| k8s::HTTPGetAction {
            path: Some(path.into()),
            port: int(8080),
            ..Default::default()
        };
        let exec = || k8s::ExecAction {
            command: Some(vec!["true".into()]),
        };
        // One action: the typed form; none or two: only the raw object can hold them.
        let (probe, raw_probe) = match c.probe.as_deref() {
            None => (None, None),
            Some([Action::HttpGet]) => (Some(Probe::http_get("/healthz", 8080)), None),
            Some([Action::Exec]) => (Some(Probe::exec(["true"])), None),
            Some(actions) => (
                None,
                Some(k8s::Probe {
                    http_get: actions.contains(&Action::HttpGet).then(|| http("/healthz")),
                    exec: actions.contains(&Action::Exec).then(exec),
                    period_seconds: actions.is_empty().then_some(10),
                    ..Default::default()
                }),
            ),
        };
        let (hook, raw_hook) = match c.pre_stop.as_deref() {
            None => (None, None),
            Some([Action::HttpGet]) => (Some(Hook::http_get("/stop", 8080)), None),
            Some([Action::Exec]) => (Some(Hook::exec(["true"])), None),
            Some([Action::Sleep]) => (Some(Hook::sleep(5)), None),
            Some(actions) => (
                None,
                Some(k8s::LifecycleHandler {
                    http_get: actions.contains(&Action::HttpGet).then(|| http("/stop")),
                    exec: actions.contains(&Action::Exec).then(exec),
                    sleep: actions
                        .contains(&Action::Sleep)
                        .then_some(k8s::SleepAction { seconds: 5 }),
                    ..Default::default()
                }),
            ),
        };
        let mut container = Container::builder()
            .name(c.name.clone())
            .image(c.image.clone())
            .resources_opt(resources)
            .liveness_probe_opt(probe)
            .pre_stop_opt(hook);
        for (v, path) in &c.mounts {
            let volume = volumes.iter().find(|x| x.name() == v).expect("expressible");
            container = container.mount(volume.mount(path.clone()));
        }
        for (n, name) in &c.ports {
            let port = Port::new(*n);
            container = container.port(match name {
                Some(name) => port.name(name.clone()),
                None => port,
            });
        }
        for e in &c.env {
            container = match (&e.value, e.field) {
                (Some(v), None) => container.env(EnvVar::value(e.name.clone(), v.clone())),
                (None, Some(path)) => {
                    let field = match path {
                        "spec.nodeName" | "spec.host" => PodField::NodeName,
                        "metadata.labels['app']" => PodField::Label("app".into()),
                        other => unreachable!("a fault the builder cannot express: {other}"),
                    };
                    container.env(EnvVar::field(e.name.clone(), field))
                }
                // Two sources: only the raw object can hold them.
                (value, _) => {
                    let var = k8s::EnvVar {
                        name: e.name.clone(),
                        value: value.clone(),
                        value_from: Some(k8s::EnvVarSource {
                            field_ref: Some(k8s::ObjectFieldSelector {
                                field_path: "spec.nodeName".into(),
                                ..Default::default()
                            }),
                            ..Default::default()
                        }),
                    };
                    container.customize(move |c| c.env.get_or_insert_with(Vec::new).push(var))
                }
            };
        }
        if let Some(probe) = raw_probe {
            container = container.customize(move |c| c.liveness_probe = Some(probe));
        }
        if let Some(hook) = raw_hook {
            container = container.customize(move |c| {
                c.lifecycle.get_or_insert_with(Default::default).pre_stop = Some(hook);
            });
        }
        builder = builder.container(container.build());
    }
    for t in &d.tolerations {
        let toleration = match (&t.key, t.operator, &t.value) {
            (None, _, _) => Toleration::everything(),
            (Some(k), Some(Op::Exists), _) => Toleration::exists(k.clone()),
            (Some(k), _, Some(v)) => Toleration::equal(k.clone(), v.clone()),
            (Some(k), _, None) => Toleration::key(k.clone()),
        };
        builder = builder.toleration(match (t.seconds, t.effect) {
            (Some(s), _) => toleration.evict_after(s),
            (None, Some(e)) => toleration.effect(e),
            (None, None) => toleration,
        });
    }
    if !rejected.is_empty() {
        return Outcome::Rejected(rejected);
    }
    match builder.build() {
        Ok(ds) => Outcome::Accepted(Some(serde_json::to_value(ds).unwrap())),
        Err(errors) => Outcome::Rejected(
            errors
                .violations()
                .iter()
                .map(|v| item(v.path.as_str()))
                .collect(),
        ),
    }
}

#[derive(Default, Debug)]
struct Counts {
    cases: usize,
    accepted: usize,
    rejected: usize,
    rejected_by_all_three: usize,
    rejected_by_spec_and_dsl: usize,
    rejected_by_spec_and_builder: usize,
    refused_by_the_dsl_only: usize,
    disagreements: Vec<String>,
}

#[test]
fn spec_files_the_dsl_and_the_builder_agree() {
    // A fixed seed: the counts printed (and quoted in the README) are the same on every run.
    let config = Config {
        cases: 2400,
        failure_persistence: None,
        ..Config::default()
    };
    let mut runner =
        TestRunner::new_with_rng(config, TestRng::deterministic_rng(RngAlgorithm::ChaCha));
    let case = (valid_desc(), prop::option::of((0..FAULTS.len(), 0..6usize)));
    let counts = std::cell::RefCell::new(Counts::default());
    runner
        .run(&case, |(mut desc, fault)| {
            let mut c = counts.borrow_mut();
            c.cases += 1;
            let expected = fault.map(|(f, pick)| (FAULTS[f], inject(&mut desc, FAULTS[f], pick)));
            let sides = expected
                .as_ref()
                .map_or(Sides::All, |(_, (_, sides))| *sides);
            let spec = run_spec(&desc);
            let dsl = (sides != Sides::SpecAndBuilder).then(|| run_dsl(&desc));
            let builder = (sides != Sides::SpecAndDsl).then(|| run_builder(&desc));
            let mut problems = Vec::new();
            match &expected {
                None => {
                    c.accepted += 1;
                    if !matches!(spec, Outcome::Accepted(_)) {
                        problems.push(format!("spec rejected a valid description: {spec:?}"));
                    }
                    if dsl != Some(Outcome::Accepted(None)) {
                        problems.push(format!("DSL rejected a valid description: {dsl:?}"));
                    }
                    if builder.as_ref() != Some(&spec) {
                        problems.push(format!("builder {builder:?} != spec {spec:?}"));
                    }
                }
                Some((fault, (item, _))) => {
                    c.rejected += 1;
                    let want = Outcome::Rejected(BTreeSet::from([item.clone()]));
                    if sides == Sides::DslRefuses {
                        if !matches!(spec, Outcome::Accepted(_)) || builder.as_ref() != Some(&spec) {
                            problems.push(format!(
                                "{fault:?}: spec {spec:?} and builder {builder:?} must accept the same object"
                            ));
                        }
                        if dsl.as_ref() != Some(&want) {
                            problems.push(format!("{fault:?}: DSL {dsl:?}, want {want:?}"));
                        }
                        c.refused_by_the_dsl_only += 1;
                    } else {
                        if spec != want {
                            problems.push(format!("{fault:?}: spec {spec:?}, want {want:?}"));
                        }
                        if let Some(dsl) = &dsl
                            && *dsl != want
                        {
                            problems.push(format!("{fault:?}: DSL {dsl:?}, want {want:?}"));
                        }
                        if let Some(b) = &builder
                            && *b != want
                        {
                            problems.push(format!("{fault:?}: builder {b:?}, want {want:?}"));
                        }
                    }
                    match sides {
                        Sides::All => c.rejected_by_all_three += 1,
                        Sides::SpecAndDsl => c.rejected_by_spec_and_dsl += 1,
                        Sides::SpecAndBuilder => c.rejected_by_spec_and_builder += 1,
                        Sides::DslRefuses => {}
                    }
                }
            }
            if !problems.is_empty() {
                c.disagreements.push(format!(
                    "{}\n--- spec:\n{}--- dsl:\n{}",
                    problems.join("\n"),
                    spec_yaml(&desc),
                    dsl_source(&desc).0
                ));
            }
            Ok(())
        })
        .unwrap();
    let c = counts.into_inner();
    println!(
        "front ends: {} cases, {} accepted (object of spec == builder, DSL clean), {} rejected ({} compared across \
         all three, {} spec vs DSL only: the builder's types cannot express them, {} spec vs builder only: the DSL \
         cannot write them, {} repeated env names refused by the DSL's map and accepted by spec and builder with \
         the same object), {} disagreements",
        c.cases,
        c.accepted,
        c.rejected,
        c.rejected_by_all_three,
        c.rejected_by_spec_and_dsl,
        c.rejected_by_spec_and_builder,
        c.refused_by_the_dsl_only,
        c.disagreements.len()
    );
    assert!(
        c.cases >= 2000 && c.accepted >= 300 && c.rejected >= 1000,
        "{c:?}"
    );
    assert!(
        c.disagreements.is_empty(),
        "{} disagreements, first:\n{}",
        c.disagreements.len(),
        c.disagreements[0]
    );
}
