//! Label keys are qualified names and values label values, with the server's messages.

fn main() {
    let ds = daemonset::daemonset! {
        name: "agent",
        selector: { "app": "agent!" },
        labels: { "app.kubernetes.io/": "agent", "tier": "-backend" },
        containers: [{ name: "agent", image: "agent:1.0" }],
    };
    // The fallback has the DaemonSet's type: the code around the macro raises no follow-on error.
    let _name: Option<String> = ds.ok().and_then(|ds| ds.metadata.name);
}
