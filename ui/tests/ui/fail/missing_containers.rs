//! A DaemonSet needs a container; here the list is empty (a missing `containers` key is reported the same way).

fn main() {
    let ds = daemonset::daemonset! {
        name: "agent",
        selector: { "app": "agent" },
        containers: [],
    };
    // The fallback has the DaemonSet's type: the code around the macro raises no follow-on error.
    let _name: Option<String> = ds.ok().and_then(|ds| ds.metadata.name);
}
