//! DNS-1123 names: the DaemonSet (a subdomain), a container and a volume (labels), a port name (15 characters at most).

fn main() {
    let ds = daemonset::daemonset! {
        name: "log_collector",
        selector: { "app": "agent" },
        volumes: { "var_log": host_path("/var/log") },
        containers: [{ name: "Agent", image: "agent:1.0", ports: [{ container_port: 80, name: "http-metrics-port" }] }],
    };
    // The fallback has the DaemonSet's type: the code around the macro raises no follow-on error.
    let _name: Option<String> = ds.ok().and_then(|ds| ds.metadata.name);
}
