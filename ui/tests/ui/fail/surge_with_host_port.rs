//! A surge pod cannot bind the host port the old pod holds: the rollout would stall.

fn main() {
    let ds = daemonset::daemonset! {
        name: "agent",
        selector: { "app": "agent" },
        containers: [{
            name: "dns",
            image: "coredns/coredns:1.11.1",
            ports: [{ container_port: 53, host_port: 53, protocol: UDP }],
        }],
        update_strategy: RollingUpdate { max_surge: 1 },
    };
    // The fallback has the DaemonSet's type: the code around the macro raises no follow-on error.
    let _name: Option<String> = ds.ok().and_then(|ds| ds.metadata.name);
}
