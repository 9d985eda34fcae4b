//! Mistakes of different kinds are all reported in one compile, each at its token, and nothing else: the local
//! variables used by expressions inside the macro raise no "unused" warning, and the result is usable.

fn main() {
    let tag = String::from("1.0");
    let ds = daemonset::daemonset! {
        name: "Agent",
        selector: { app: "agent" },
        volumes: { varlog: host_path("/var/log") },
        containers: [{
            name: "agent",
            image: { format!("agent:{tag}") },
            resources: { limits: { memory: "64MB" } },
            mounts: { varlg: "/var/log" },
        }],
        tolerations: [{ key: "dedicated", operator: Exists, value: "gpu" }],
        update_strategy: RollingUpdate { max_unavailable: 0 },
    };
    match ds {
        Ok(ds) => println!("{}", daemonset::render::to_yaml(&ds).unwrap()),
        Err(errors) => eprintln!("{errors}"),
    }
}
