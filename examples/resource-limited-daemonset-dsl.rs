//! The seed's resource-limited DaemonSet written with the `daemonset!` DSL: the twin of
//! `resource-limited-daemonset.rs`, printing the same YAML. `cargo run -q --example resource-limited-daemonset-dsl`.

use daemonset::daemonset;
use daemonset::k8s::api::apps::v1::DaemonSet;

/// The DaemonSet of this example.
pub fn daemon_set() -> Result<DaemonSet, daemonset::ValidationErrors> {
    daemonset! {
        name: "resource-limited-daemonset",
        selector: { app: "myapp" },
        containers: [{
            name: "myapp-container",
            image: "myapp:1.0",
            resources: {
                requests: { memory: "64Mi", cpu: "250m" },
                limits: { memory: "128Mi", cpu: "500m" },
            },
        }],
    }
}

#[allow(dead_code)]
fn main() -> Result<(), Box<dyn std::error::Error>> {
    print!("{}", daemonset::render::to_yaml(&daemon_set()?)?);
    Ok(())
}
