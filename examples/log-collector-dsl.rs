//! The seed's node log collector written with the `daemonset!` DSL: the twin of `log-collector.rs`, printing the
//! same YAML. `cargo run -q --example log-collector-dsl`.

use daemonset::daemonset;
use daemonset::k8s::api::apps::v1::DaemonSet;

/// The DaemonSet of this example.
pub fn daemon_set() -> Result<DaemonSet, daemonset::ValidationErrors> {
    daemonset! {
        name: "log-collector",
        labels: { "app": "log-collector" },
        selector: { "name": "log-collector" },
        volumes: {
            varlog: host_path("/var/log"),
            varlibdockercontainers: host_path("/var/lib/docker/containers"),
        },
        tolerations: [{ key: "node-role.kubernetes.io/control-plane", effect: NoSchedule }],
        containers: [{
            name: "log-collector",
            image: "fluent/fluentd:v1.14-1",
            mounts: {
                varlog: "/var/log",
                varlibdockercontainers: ("/var/lib/docker/containers", read_only),
            },
        }],
        termination_grace_period_seconds: 30,
    }
}

#[allow(dead_code)]
fn main() -> Result<(), Box<dyn std::error::Error>> {
    print!("{}", daemonset::render::to_yaml(&daemon_set()?)?);
    Ok(())
}
