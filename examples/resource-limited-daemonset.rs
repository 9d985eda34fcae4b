//! The seed's first challenge: requests and limits so the agent cannot starve the node.
//! `cargo run -q --example resource-limited-daemonset` prints its YAML.

use daemonset::build::{Container, Cpu, Memory, NodeAgent, Resources};
use daemonset::k8s::api::apps::v1::DaemonSet as K8sDaemonSet;

/// The DaemonSet of this example.
pub fn daemon_set() -> Result<K8sDaemonSet, daemonset::ValidationErrors> {
    NodeAgent::builder()
        .name("resource-limited-daemonset")
        .selector_label("app", "myapp")
        .container(
            Container::builder()
                .name("myapp-container")
                .image("myapp:1.0")
                .resources(
                    Resources::builder()
                        .memory_request(Memory::mebibytes(64))
                        .cpu_request(Cpu::millis(250))
                        .memory_limit(Memory::mebibytes(128))
                        .cpu_limit(Cpu::millis(500))
                        .build(),
                )
                .build(),
        )
        .build()
}

#[allow(dead_code)]
fn main() -> Result<(), Box<dyn std::error::Error>> {
    print!("{}", daemonset::render::to_yaml(&daemon_set()?)?);
    Ok(())
}
