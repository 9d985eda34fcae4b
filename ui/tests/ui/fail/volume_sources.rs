//! Unknown volume sources and hostPath types; a wrong number of arguments.

fn main() {
    let ds = daemonset::daemonset! {
        name: "agent",
        selector: { "app": "agent" },
        volumes: { varlog: host_pth("/var/log"), sock: host_path("/run/x.sock", Sockett), cache: empty_dir("x") },
        containers: [{ name: "agent", image: "agent:1.0", mounts: { varlog: "/var/log", sock: "/run/x.sock", cache: "/cache" } }],
    };
    // The fallback has the DaemonSet's type: the code around the macro raises no follow-on error.
    let _name: Option<String> = ds.ok().and_then(|ds| ds.metadata.name);
}
