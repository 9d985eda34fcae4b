//! `Exists` and `DoesNotExist` take no values.

fn main() {
    let ds = daemonset::daemonset! {
        name: "agent",
        selector: { "app": "agent" },
        containers: [{ name: "agent", image: "agent:1.0" }],
        node_affinity: {
            required: [{ match_expressions: [{ key: "example.com/gpu", operator: Exists, values: ["true"] }] }],
            preferred: [{ weight: 1, preference: { match_expressions: [
                { key: "example.com/spot", operator: DoesNotExist, values: ["true"] },
            ] } }],
        },
    };
    // The fallback has the DaemonSet's type: the code around the macro raises no follow-on error.
    let _name: Option<String> = ds.ok().and_then(|ds| ds.metadata.name);
}
