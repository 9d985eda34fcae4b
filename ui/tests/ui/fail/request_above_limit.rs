//! A request greater than its limit, between literals.

fn main() {
    let ds = daemonset::daemonset! {
        name: "agent",
        selector: { "app": "agent" },
        containers: [{
            name: "agent",
            image: "agent:1.0",
            resources: {
                requests: { cpu: "1", memory: "256Mi" },
                limits: { cpu: "500m", memory: "128Mi" },
            },
        }],
    };
    // The fallback has the DaemonSet's type: the code around the macro raises no follow-on error.
    let _name: Option<String> = ds.ok().and_then(|ds| ds.metadata.name);
}
