//! The typed builder against raw k8s-openapi structs, each comparison doing the same work on both sides:
//!
//! - `build_validate_emit`: build + validate + emit with our emitter (`render::StreamWriter`), against filling
//!   raw k8s-openapi structs by hand (no validation) + the same emitter;
//! - `build_validate_serde_yaml`: the same with `serde_yaml::to_string` on both sides;
//! - `build_validate`: build + validate alone, against raw construction alone.
//!
//! Both sides make the same object (asserted). The `emit_yaml` group times the YAML emitter alone
//! (`render::to_yaml`) against `serde_yaml::to_string` on the same objects in the same run: the log-collector,
//! and a string-heavy DaemonSet (200 env values and annotations mixing plain words, quantities, YAML 1.1 words
//! such as `yes`/`on`, sentences, multi-line scripts and line separators), so the emitter's cost of quoting stays
//! measured as a ratio to serde_yaml.
//!
//! For instruction counts (steady under load, unlike times), `BUILD_RENDER_ONCE=<side> <bench binary>` runs one
//! side 10,000 times and exits, to be run under `valgrind --tool=callgrind`; the sides are `builder`, `raw`,
//! `builder_emit`, `raw_emit`, `builder_serde_yaml`, `raw_serde_yaml` and `nothing` (the setup alone, to subtract).

use std::collections::BTreeMap;
use std::hint::black_box;
use std::io;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group};
use daemonset::build::{Container, Effect, NodeAgent, Toleration, Volume};
use daemonset::k8s::api::apps::v1::{DaemonSet as K8sDaemonSet, DaemonSetSpec};
use daemonset::k8s::api::core::v1::{
    Container as K8sContainer, HostPathVolumeSource, PodSpec, PodTemplateSpec,
    Toleration as K8sToleration, Volume as K8sVolume, VolumeMount,
};
use daemonset::k8s::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use daemonset::render::{Format, StreamWriter};

fn ours(i: usize) -> K8sDaemonSet {
    let name = format!("log-collector-{i}");
    let varlog = Volume::host_path("varlog", "/var/log");
    let containers = Volume::host_path("varlibdockercontainers", "/var/lib/docker/containers");
    NodeAgent::builder()
        .name(name.clone())
        .label("app", "log-collector")
        .selector_label("name", name.clone())
        .toleration(
            Toleration::key("node-role.kubernetes.io/control-plane").effect(Effect::NoSchedule),
        )
        .container(
            Container::builder()
                .name("log-collector")
                .image("fluent/fluentd:v1.14-1")
                .mount(varlog.mount("/var/log"))
                .mount(containers.mount("/var/lib/docker/containers").read_only())
                .build(),
        )
        .termination_grace_period_seconds(30)
        .build()
        .expect("valid")
}

fn raw(i: usize) -> K8sDaemonSet {
    let name = format!("log-collector-{i}");
    let labels = |k: &str, v: &str| Some(BTreeMap::from([(k.to_owned(), v.to_owned())]));
    let host_path = |name: &str, path: &str| K8sVolume {
        name: name.into(),
        host_path: Some(HostPathVolumeSource {
            path: path.into(),
            type_: None,
        }),
        ..Default::default()
    };
    K8sDaemonSet {
        metadata: ObjectMeta {
            name: Some(name.clone()),
            labels: labels("app", "log-collector"),
            ..Default::default()
        },
        spec: Some(DaemonSetSpec {
            selector: LabelSelector {
                match_labels: labels("name", &name),
                match_expressions: None,
            },
            template: PodTemplateSpec {
                metadata: Some(ObjectMeta {
                    labels: labels("name", &name),
                    ..Default::default()
                }),
                spec: Some(PodSpec {
                    tolerations: Some(vec![K8sToleration {
                        key: Some("node-role.kubernetes.io/control-plane".into()),
                        effect: Some("NoSchedule".into()),
                        ..Default::default()
                    }]),
                    containers: vec![K8sContainer {
                        name: "log-collector".into(),
                        image: Some("fluent/fluentd:v1.14-1".into()),
                        volume_mounts: Some(vec![
                            VolumeMount {
                                name: "varlog".into(),
                                mount_path: "/var/log".into(),
                                ..Default::default()
                            },
                            VolumeMount {
                                name: "varlibdockercontainers".into(),
                                mount_path: "/var/lib/docker/containers".into(),
                                read_only: Some(true),
                                ..Default::default()
                            },
                        ]),
                        ..Default::default()
                    }],
                    termination_grace_period_seconds: Some(30),
                    volumes: Some(vec![
                        host_path("varlog", "/var/log"),
                        host_path("varlibdockercontainers", "/var/lib/docker/containers"),
                    ]),
                    ..Default::default()
                }),
            },
            ..Default::default()
        }),
        status: None,
    }
}

/// A DaemonSet whose strings need every style: plain, single-quoted, double-quoted with escapes, literal blocks.
fn string_heavy() -> K8sDaemonSet {
    let values = [
        "plain-word",
        "250m",
        "/var/lib/agent",
        "yes",
        "on",
        "1_000",
        "a sentence with spaces",
        "key: value # not a comment",
        "#!/bin/sh\nset -e\nexec agent --config /etc/agent.yaml\n",
        "line\u{2028}separator",
        "registry.example/agent:1.0",
        "--log-level=info",
    ];
    let mut object = raw(0);
    let mut annotations = BTreeMap::new();
    let mut env = Vec::new();
    for i in 0..200 {
        let value = values[i % values.len()].to_owned();
        annotations.insert(format!("example.com/a{i}"), value.clone());
        env.push(daemonset::k8s::api::core::v1::EnvVar {
            name: format!("E_{i}"),
            value: Some(value),
            value_from: None,
        });
    }
    object.metadata.annotations = Some(annotations);
    let spec = object
        .spec
        .as_mut()
        .unwrap()
        .template
        .spec
        .as_mut()
        .unwrap();
    spec.containers[0].env = Some(env);
    object
}

fn emit(c: &mut Criterion) {
    let mut group = c.benchmark_group("emit_yaml");
    group.sample_size(20);
    for (name, object) in [("log_collector", raw(0)), ("string_heavy", string_heavy())] {
        // Both read back to the same object (the emitter quotes more than serde_yaml, never less).
        let ours = daemonset::render::to_yaml(&object).unwrap();
        let back: K8sDaemonSet = serde_yaml::from_str(&ours).unwrap();
        assert_eq!(back, object);
        group.bench_with_input(BenchmarkId::new("serde_yaml", name), &object, |b, o| {
            b.iter(|| black_box(serde_yaml::to_string(o).unwrap()));
        });
        group.bench_with_input(
            BenchmarkId::new("daemonset_render", name),
            &object,
            |b, o| {
                b.iter(|| black_box(daemonset::render::to_yaml(o).unwrap()));
            },
        );
    }
    group.finish();
}

/// A side of a comparison: its name, and the work for `n` objects.
type Side = (&'static str, fn(usize));

const SIDES: [Side; 6] = [
    ("builder", |n| {
        for i in 0..n {
            black_box(ours(i));
        }
    }),
    ("raw", |n| {
        for i in 0..n {
            black_box(raw(i));
        }
    }),
    ("builder_emit", |n| emit_stream(n, ours)),
    ("raw_emit", |n| emit_stream(n, raw)),
    ("builder_serde_yaml", |n| serde_yaml_stream(n, ours)),
    ("raw_serde_yaml", |n| serde_yaml_stream(n, raw)),
];

/// Makes `n` objects with `make` and writes them as one YAML stream with our emitter.
fn emit_stream(n: usize, make: fn(usize) -> K8sDaemonSet) {
    let mut writer = StreamWriter::new(io::sink(), Format::Yaml);
    for i in 0..n {
        writer.write(&make(i)).unwrap();
    }
    black_box(writer.finish().unwrap());
}

/// Makes `n` objects with `make` and writes them as one YAML stream with serde_yaml.
fn serde_yaml_stream(n: usize, make: fn(usize) -> K8sDaemonSet) {
    let mut out = io::sink();
    for i in 0..n {
        let text = serde_yaml::to_string(&make(i)).unwrap();
        io::Write::write_all(&mut out, b"---\n").unwrap();
        io::Write::write_all(&mut out, text.as_bytes()).unwrap();
    }
    black_box(out);
}

fn bench(c: &mut Criterion) {
    assert_eq!(ours(7), raw(7), "both sides must produce the same object");
    let n = 1_000usize;
    for (group, builder, raw) in [
        ("build_validate_emit", "builder_emit", "raw_emit"),
        (
            "build_validate_serde_yaml",
            "builder_serde_yaml",
            "raw_serde_yaml",
        ),
        ("build_validate", "builder", "raw"),
    ] {
        let mut group = c.benchmark_group(group);
        group
            .sample_size(20)
            .throughput(Throughput::Elements(n as u64));
        for side in [raw, builder] {
            let run = SIDES.iter().find(|(name, _)| *name == side).unwrap().1;
            group.bench_with_input(BenchmarkId::new(side, n), &n, |b, &n| b.iter(|| run(n)));
        }
        group.finish();
    }
}

criterion_group!(benches, emit, bench);

fn main() {
    if let Ok(side) = std::env::var("BUILD_RENDER_ONCE") {
        if side != "nothing" {
            let run = SIDES
                .iter()
                .find(|(name, _)| *name == side)
                .unwrap_or_else(|| panic!("no side `{side}`"))
                .1;
            run(10_000);
        }
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
