//! An env `fieldRef` path the server does not support, with the list of the supported ones.

fn main() {
    let ds = daemonset::daemonset! {
        name: "agent",
        selector: { "app": "agent" },
        containers: [{
            name: "agent",
            image: "agent:1.0",
            env: { NODE_NAME: field(spec.nodename), PHASE: field(status.phase) },
        }],
    };
    // The fallback has the DaemonSet's type: the code around the macro raises no follow-on error.
    let _name: Option<String> = ds.ok().and_then(|ds| ds.metadata.name);
}
