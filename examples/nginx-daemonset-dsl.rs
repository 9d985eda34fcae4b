//! The seed's basic nginx DaemonSet written with the `daemonset!` DSL: the twin of `nginx-daemonset.rs`, printing
//! the same YAML. `cargo run -q --example nginx-daemonset-dsl`.

use daemonset::daemonset;
use daemonset::k8s::api::apps::v1::DaemonSet;

/// The DaemonSet of this example.
pub fn daemon_set() -> Result<DaemonSet, daemonset::ValidationErrors> {
    daemonset! {
        name: "nginx-daemonset",
        labels: { app: "nginx" },
        selector: { name: "nginx-daemonset" },
        containers: [{
            name: "nginx",
            image: "nginx:1.19",
            ports: [{ container_port: 80 }],
            resources: {
                limits: { memory: "200Mi", cpu: "100m" },
                requests: { memory: "100Mi", cpu: "50m" },
            },
        }],
    }
}

#[allow(dead_code)]
fn main() -> Result<(), Box<dyn std::error::Error>> {
    print!("{}", daemonset::render::to_yaml(&daemon_set()?)?);
    Ok(())
}
