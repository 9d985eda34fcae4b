//! Expressions are passed to the builder as written: a value of the wrong type is one compiler error, at the
//! expression.

fn main() {
    let port: &str = "80";
    let ds = daemonset::daemonset! {
        name: "agent",
        selector: { app: "agent" },
        containers: [{ name: "agent", image: "agent:1.0", ports: [{ container_port: port }] }],
    };
    let _ = ds;
}
