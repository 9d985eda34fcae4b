//! A key given twice.

fn main() {
    let ds = daemonset::daemonset! {
        name: "agent",
        selector: { "app": "agent" },
        containers: [{ name: "agent", image: "agent:1.0", image: "agent:2.0" }],
        termination_grace_period_seconds: 30,
        termination_grace_period_seconds: 60,
    };
    // The fallback has the DaemonSet's type: the code around the macro raises no follow-on error.
    let _name: Option<String> = ds.ok().and_then(|ds| ds.metadata.name);
}
