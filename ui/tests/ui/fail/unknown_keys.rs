//! Unknown keys, enum values and options, with a suggestion when one is close.

fn main() {
    let ds = daemonset::daemonset! {
        name: "agent",
        selector: { "app": "agent" },
        nodeSelector: { disktype: "ssd" },
        containers: [{ name: "agent", imagee: "agent:1.0", image: "agent:1.0", resources: { limit: { cpu: "1" } } }],
        tolerations: [{ key: "dedicated", operator: Exist, effect: NoSchedul }],
        frobnicate: true,
    };
    // The fallback has the DaemonSet's type: the code around the macro raises no follow-on error.
    let _name: Option<String> = ds.ok().and_then(|ds| ds.metadata.name);
}
