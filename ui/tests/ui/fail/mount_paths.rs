//! Two mounts at one path; an unknown mount flag.

fn main() {
    let ds = daemonset::daemonset! {
        name: "agent",
        selector: { "app": "agent" },
        volumes: { a: empty_dir(), b: empty_dir() },
        containers: [{ name: "agent", image: "agent:1.0", mounts: { a: "/data", b: ("/data", readonly) } }],
    };
    // The fallback has the DaemonSet's type: the code around the macro raises no follow-on error.
    let _name: Option<String> = ds.ok().and_then(|ds| ds.metadata.name);
}
