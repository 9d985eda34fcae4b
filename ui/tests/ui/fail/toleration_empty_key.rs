//! An empty or missing key tolerates every taint, which needs `operator: Exists`.

fn main() {
    let ds = daemonset::daemonset! {
        name: "agent",
        selector: { "app": "agent" },
        containers: [{ name: "agent", image: "agent:1.0" }],
        tolerations: [{ key: "", effect: NoSchedule }, { value: "gpu" }],
    };
    // The fallback has the DaemonSet's type: the code around the macro raises no follow-on error.
    let _name: Option<String> = ds.ok().and_then(|ds| ds.metadata.name);
}
