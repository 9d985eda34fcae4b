//! The seed's fourth challenge: run on nodes tainted `example-key` (any value) with effect NoSchedule.
//! `cargo run -q --example tolerate-taints-daemonset` prints its YAML.

use daemonset::build::{Container, Effect, NodeAgent, Toleration};
use daemonset::k8s::api::apps::v1::DaemonSet as K8sDaemonSet;

/// The DaemonSet of this example.
pub fn daemon_set() -> Result<K8sDaemonSet, daemonset::ValidationErrors> {
    NodeAgent::builder()
        .name("tolerate-taints-daemonset")
        .selector_label("app", "myapp")
        .container(
            Container::builder()
                .name("myapp-container")
                .image("myapp:1.0")
                .build(),
        )
        .toleration(Toleration::exists("example-key").effect(Effect::NoSchedule))
        .build()
}

#[allow(dead_code)]
fn main() -> Result<(), Box<dyn std::error::Error>> {
    print!("{}", daemonset::render::to_yaml(&daemon_set()?)?);
    Ok(())
}
