//! `In` and `NotIn` need values.

fn main() {
    let ds = daemonset::daemonset! {
        name: "agent",
        selector: { "app": "agent" },
        containers: [{ name: "agent", image: "agent:1.0" }],
        node_affinity: {
            required: [{ match_expressions: [
                { key: "kubernetes.io/arch", operator: In, values: [] },
                { key: "kubernetes.io/os", operator: NotIn },
            ] }],
        },
    };
    // The fallback has the DaemonSet's type: the code around the macro raises no follow-on error.
    let _name: Option<String> = ds.ok().and_then(|ds| ds.metadata.name);
}
