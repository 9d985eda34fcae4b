//! The seed's node-specific DaemonSet written with the `daemonset!` DSL: the twin of `node-specific-daemonset.rs`
//! (with `nodeSelector` in the pod template, where it works), printing the same YAML.
//! `cargo run -q --example node-specific-daemonset-dsl`.

use daemonset::daemonset;
use daemonset::k8s::api::apps::v1::DaemonSet;

/// The DaemonSet of this example.
pub fn daemon_set() -> Result<DaemonSet, daemonset::ValidationErrors> {
    daemonset! {
        name: "node-specific-daemonset",
        selector: { app: "myapp" },
        containers: [{
            name: "myapp-container",
            image: "myapp:1.0",
            env: { NODE_NAME: field(spec.nodeName) },
        }],
        node_selector: { "node-type": "special" },
    }
}

#[allow(dead_code)]
fn main() -> Result<(), Box<dyn std::error::Error>> {
    print!("{}", daemonset::render::to_yaml(&daemon_set()?)?);
    Ok(())
}
