//! `toleration_seconds` only means something for NoExecute taints.

fn main() {
    let ds = daemonset::daemonset! {
        name: "agent",
        selector: { "app": "agent" },
        containers: [{ name: "agent", image: "agent:1.0" }],
        tolerations: [{ key: "node.kubernetes.io/unreachable", operator: Exists, effect: NoSchedule, toleration_seconds: 300 }],
    };
    // The fallback has the DaemonSet's type: the code around the macro raises no follow-on error.
    let _name: Option<String> = ds.ok().and_then(|ds| ds.metadata.name);
}
