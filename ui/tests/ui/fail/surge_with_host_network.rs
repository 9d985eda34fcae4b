//! With hostNetwork every container port is a host port.

fn main() {
    let ds = daemonset::daemonset! {
        name: "agent",
        selector: { "app": "agent" },
        host_network: true,
        containers: [{ name: "exporter", image: "prom/node-exporter:v1.8.2", ports: [9100] }],
        update_strategy: RollingUpdate { max_surge: "10%" },
    };
    // The fallback has the DaemonSet's type: the code around the macro raises no follow-on error.
    let _name: Option<String> = ds.ok().and_then(|ds| ds.metadata.name);
}
