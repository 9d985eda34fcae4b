//! `Gt` and `Lt` take exactly one integer.

fn main() {
    let ds = daemonset::daemonset! {
        name: "agent",
        selector: { "app": "agent" },
        containers: [{ name: "agent", image: "agent:1.0" }],
        node_affinity: {
            required: [{ match_expressions: [
                { key: "example.com/cores", operator: Gt, values: ["many"] },
                { key: "example.com/memory-gb", operator: Lt, values: [16, 32] },
            ] }],
        },
    };
    // The fallback has the DaemonSet's type: the code around the macro raises no follow-on error.
    let _name: Option<String> = ds.ok().and_then(|ds| ds.metadata.name);
}
