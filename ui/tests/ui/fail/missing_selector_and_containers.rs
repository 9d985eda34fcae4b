//! Without `selector` and `containers` there is no DaemonSet: both are reported, at the macro.

fn main() {
    let ds = daemonset::daemonset! {
        name: "agent",
        labels: { "app": "agent" },
    };
    // The fallback has the DaemonSet's type: the code around the macro raises no follow-on error.
    let _name: Option<String> = ds.ok().and_then(|ds| ds.metadata.name);
}
