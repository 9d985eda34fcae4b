//! Annotation keys are qualified names.

fn main() {
    let ds = daemonset::daemonset! {
        name: "agent",
        selector: { "app": "agent" },
        annotations: { "example.com/owner/team": "platform" },
        containers: [{ name: "agent", image: "agent:1.0" }],
    };
    // The fallback has the DaemonSet's type: the code around the macro raises no follow-on error.
    let _name: Option<String> = ds.ok().and_then(|ds| ds.metadata.name);
}
