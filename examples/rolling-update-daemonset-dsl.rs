//! The seed's rolling update, one pod at a time, written with the `daemonset!` DSL: the twin of
//! `rolling-update-daemonset.rs`, printing the same YAML. `cargo run -q --example rolling-update-daemonset-dsl`.

use daemonset::daemonset;
use daemonset::k8s::api::apps::v1::DaemonSet;

/// The DaemonSet of this example.
pub fn daemon_set() -> Result<DaemonSet, daemonset::ValidationErrors> {
    daemonset! {
        name: "rolling-update-daemonset",
        update_strategy: RollingUpdate { max_unavailable: 1 },
        selector: { app: "myapp" },
        containers: [{ name: "myapp-container", image: "myapp:1.1" }],
    }
}

#[allow(dead_code)]
fn main() -> Result<(), Box<dyn std::error::Error>> {
    print!("{}", daemonset::render::to_yaml(&daemon_set()?)?);
    Ok(())
}
