//! The seed's basic example: nginx on every node with requests and limits. `cargo run -q --example nginx-daemonset`
//! prints its YAML.

use daemonset::build::{Container, Cpu, Memory, NodeAgent, Port, Resources};
use daemonset::k8s::api::apps::v1::DaemonSet as K8sDaemonSet;

/// The DaemonSet of this example.
pub fn daemon_set() -> Result<K8sDaemonSet, daemonset::ValidationErrors> {
    NodeAgent::builder()
        .name("nginx-daemonset")
        .label("app", "nginx")
        .selector_label("name", "nginx-daemonset")
        .container(
            Container::builder()
                .name("nginx")
                .image("nginx:1.19")
                .port(Port::new(80))
                .resources(
                    Resources::builder()
                        .memory_limit(Memory::mebibytes(200))
                        .cpu_limit(Cpu::millis(100))
                        .memory_request(Memory::mebibytes(100))
                        .cpu_request(Cpu::millis(50))
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
