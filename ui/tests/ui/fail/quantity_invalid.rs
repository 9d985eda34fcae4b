//! Quantities follow the API server's grammar: `64MB` and `250 m` are not quantities.

fn main() {
    let ds = daemonset::daemonset! {
        name: "agent",
        selector: { "app": "agent" },
        containers: [{
            name: "agent",
            image: "agent:1.0",
            resources: { requests: { cpu: "250 m" }, limits: { memory: "64MB" } },
        }],
    };
    // The fallback has the DaemonSet's type: the code around the macro raises no follow-on error.
    let _name: Option<String> = ds.ok().and_then(|ds| ds.metadata.name);
}
