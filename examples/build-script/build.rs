//! Generates the DaemonSet manifests at build time into `$OUT_DIR/manifests`, with the same atomic, deterministic
//! writer as `daemonset render --out`, and lints them (findings become cargo warnings).

use daemonset::build::{
    Budget, Container, Cpu, Effect, Memory, NodeAgent, Resources, Toleration, UpdateStrategy,
    Volume,
};
use daemonset::k8s::api::apps::v1::DaemonSet as K8sDaemonSet;

fn node_agent() -> Result<K8sDaemonSet, daemonset::ValidationErrors> {
    let varlog = Volume::host_path("varlog", "/var/log");
    NodeAgent::builder()
        .name("node-agent")
        .namespace("kube-system")
        .selector_label("app", "node-agent")
        .priority_class_name("system-node-critical")
        .update_strategy(UpdateStrategy::max_unavailable(Budget::Percent(10)))
        .toleration(
            Toleration::key("node-role.kubernetes.io/control-plane").effect(Effect::NoSchedule),
        )
        .container(
            Container::builder()
                .name("agent")
                .image("fluent/fluent-bit:3.1")
                .resources(
                    Resources::builder()
                        .cpu_request(Cpu::millis(50))
                        .memory_request(Memory::mebibytes(64))
                        .memory_limit(Memory::mebibytes(128))
                        .build(),
                )
                .mount(varlog.mount("/var/log").read_only())
                .build(),
        )
        .build()
}

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    let daemon_sets = match node_agent() {
        Ok(ds) => vec![ds],
        Err(errors) => panic!("invalid DaemonSet: {errors}"),
    };
    for ds in &daemon_sets {
        for finding in daemonset::lint::lint(ds, &daemonset::lint::Options::default()) {
            println!("cargo::warning={finding}");
        }
    }
    let out = std::path::PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"))
        .join("manifests");
    if let Err(e) = daemonset::write::write_manifests(&out, &daemon_sets) {
        panic!("cannot write the manifests: {e}");
    }
}
