//! Mounts name declared volumes; a close name gets a suggestion, a far one the list of declared volumes.

fn main() {
    let ds = daemonset::daemonset! {
        name: "agent",
        selector: { "app": "agent" },
        volumes: { varlog: host_path("/var/log"), docker: host_path("/var/lib/docker/containers") },
        containers: [{
            name: "agent",
            image: "agent:1.0",
            mounts: { varlogs: "/var/log", dockr: "/var/lib/docker/containers", config: "/etc/agent" },
        }],
    };
    // The fallback has the DaemonSet's type: the code around the macro raises no follow-on error.
    let _name: Option<String> = ds.ok().and_then(|ds| ds.metadata.name);
}
