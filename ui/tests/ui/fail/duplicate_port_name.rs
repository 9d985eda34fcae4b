//! Port names are unique in a container.

fn main() {
    let ds = daemonset::daemonset! {
        name: "agent",
        selector: { "app": "agent" },
        containers: [{
            name: "agent",
            image: "agent:1.0",
            ports: [{ container_port: 8080, name: "http" }, { container_port: 8081, name: "http" }],
        }],
    };
    // The fallback has the DaemonSet's type: the code around the macro raises no follow-on error.
    let _name: Option<String> = ds.ok().and_then(|ds| ds.metadata.name);
}
