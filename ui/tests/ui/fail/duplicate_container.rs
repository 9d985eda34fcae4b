//! Container names are unique in the pod, init containers included.

fn main() {
    let ds = daemonset::daemonset! {
        name: "agent",
        selector: { "app": "agent" },
        init_containers: [{ name: "agent", image: "busybox:1.36" }],
        containers: [
            { name: "agent", image: "agent:1.0" },
            { name: "sidecar", image: "sidecar:1.0" },
            { name: "sidecar", image: "sidecar:2.0" },
        ],
    };
    // The fallback has the DaemonSet's type: the code around the macro raises no follow-on error.
    let _name: Option<String> = ds.ok().and_then(|ds| ds.metadata.name);
}
