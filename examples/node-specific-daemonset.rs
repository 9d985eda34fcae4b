//! The seed's second challenge: the pod learns its node's name from the downward API and runs only on nodes
//! labelled `node-type=special`. The seed put `nodeSelector` under `spec`, where the API server ignores it (and
//! `daemonset::parse` rejects it); here it sits in the pod template, where it works.
//! `cargo run -q --example node-specific-daemonset` prints its YAML.

use daemonset::build::{Container, EnvVar, NodeAgent, PodField};
use daemonset::k8s::api::apps::v1::DaemonSet as K8sDaemonSet;

/// The DaemonSet of this example.
pub fn daemon_set() -> Result<K8sDaemonSet, daemonset::ValidationErrors> {
    NodeAgent::builder()
        .name("node-specific-daemonset")
        .selector_label("app", "myapp")
        .container(
            Container::builder()
                .name("myapp-container")
                .image("myapp:1.0")
                .env(EnvVar::field("NODE_NAME", PodField::NodeName))
                .build(),
        )
        .node_selector("node-type", "special")
        .build()
}

#[allow(dead_code)]
fn main() -> Result<(), Box<dyn std::error::Error>> {
    print!("{}", daemonset::render::to_yaml(&daemon_set()?)?);
    Ok(())
}
