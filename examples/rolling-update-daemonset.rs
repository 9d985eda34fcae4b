//! The seed's third challenge: a rolling update that replaces one pod at a time.
//! `cargo run -q --example rolling-update-daemonset` prints its YAML.

use daemonset::build::{Budget, Container, NodeAgent, UpdateStrategy};
use daemonset::k8s::api::apps::v1::DaemonSet as K8sDaemonSet;

/// The DaemonSet of this example.
pub fn daemon_set() -> Result<K8sDaemonSet, daemonset::ValidationErrors> {
    NodeAgent::builder()
        .name("rolling-update-daemonset")
        .update_strategy(UpdateStrategy::max_unavailable(Budget::Count(1)))
        .selector_label("app", "myapp")
        .container(
            Container::builder()
                .name("myapp-container")
                .image("myapp:1.1")
                .build(),
        )
        .build()
}

#[allow(dead_code)]
fn main() -> Result<(), Box<dyn std::error::Error>> {
    print!("{}", daemonset::render::to_yaml(&daemon_set()?)?);
    Ok(())
}
