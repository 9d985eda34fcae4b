//! The seed's node log collector: fluentd on every node, control-plane nodes included, reading the node's logs
//! through hostPath volumes. `cargo run -q --example log-collector` prints its YAML.

use daemonset::build::{Container, Effect, NodeAgent, Toleration, Volume};
use daemonset::k8s::api::apps::v1::DaemonSet as K8sDaemonSet;

/// The DaemonSet of this example.
pub fn daemon_set() -> Result<K8sDaemonSet, daemonset::ValidationErrors> {
    let varlog = Volume::host_path("varlog", "/var/log");
    let containers = Volume::host_path("varlibdockercontainers", "/var/lib/docker/containers");
    NodeAgent::builder()
        .name("log-collector")
        .label("app", "log-collector")
        .selector_label("name", "log-collector")
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
}

#[allow(dead_code)]
fn main() -> Result<(), Box<dyn std::error::Error>> {
    print!("{}", daemonset::render::to_yaml(&daemon_set()?)?);
    Ok(())
}
