//! A preferred term's weight is 1 to 100.

fn main() {
    let ds = daemonset::daemonset! {
        name: "agent",
        selector: { "app": "agent" },
        containers: [{ name: "agent", image: "agent:1.0" }],
        node_affinity: {
            preferred: [
                { weight: 0, preference: { match_expressions: [{ key: "example.com/ssd", operator: Exists }] } },
                { weight: 150, preference: { match_expressions: [{ key: "example.com/fast", operator: Exists }] } },
            ],
        },
    };
    // The fallback has the DaemonSet's type: the code around the macro raises no follow-on error.
    let _name: Option<String> = ds.ok().and_then(|ds| ds.metadata.name);
}
