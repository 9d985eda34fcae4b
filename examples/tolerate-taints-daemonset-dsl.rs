//! The seed's taint-tolerating DaemonSet written with the `daemonset!` DSL: the twin of
//! `tolerate-taints-daemonset.rs`, printing the same YAML. `cargo run -q --example tolerate-taints-daemonset-dsl`.

use daemonset::daemonset;
use daemonset::k8s::api::apps::v1::DaemonSet;

/// The DaemonSet of this example.
pub fn daemon_set() -> Result<DaemonSet, daemonset::ValidationErrors> {
    daemonset! {
        name: "tolerate-taints-daemonset",
        selector: { app: "myapp" },
        containers: [{ name: "myapp-container", image: "myapp:1.0" }],
        tolerations: [{ key: "example-key", operator: Exists, effect: NoSchedule }],
    }
}

#[allow(dead_code)]
fn main() -> Result<(), Box<dyn std::error::Error>> {
    print!("{}", daemonset::render::to_yaml(&daemon_set()?)?);
    Ok(())
}
