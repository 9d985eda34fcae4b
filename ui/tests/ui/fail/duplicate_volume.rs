//! Two volumes under one name.

fn main() {
    let ds = daemonset::daemonset! {
        name: "agent",
        selector: { "app": "agent" },
        volumes: { varlog: host_path("/var/log"), varlog: empty_dir() },
        containers: [{ name: "agent", image: "agent:1.0", mounts: { varlog: "/var/log" } }],
    };
    // The fallback has the DaemonSet's type: the code around the macro raises no follow-on error.
    let _name: Option<String> = ds.ok().and_then(|ds| ds.metadata.name);
}
