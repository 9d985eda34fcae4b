//! The six seed DaemonSets in the DSL compile and build.

use daemonset::daemonset;

fn main() -> Result<(), daemonset::ValidationErrors> {
    daemonset! {
        name: "log-collector",
        labels: { "app": "log-collector" },
        selector: { "name": "log-collector" },
        volumes: { varlog: host_path("/var/log"), docker: host_path("/var/lib/docker/containers") },
        tolerations: [{ key: "node-role.kubernetes.io/control-plane", effect: NoSchedule }],
        containers: [{
            name: "log-collector",
            image: "fluent/fluentd:v1.14-1",
            resources: { requests: { cpu: "250m", memory: "64Mi" }, limits: { cpu: "500m", memory: "128Mi" } },
            env: { NODE_NAME: field(spec.nodeName) },
            mounts: { varlog: "/var/log", docker: ("/var/lib/docker/containers", read_only) },
        }],
        termination_grace_period_seconds: 30,
    }?;
    daemonset! {
        name: "nginx-daemonset",
        selector: { name: "nginx-daemonset" },
        containers: [{ name: "nginx", image: "nginx:1.19", ports: [80] }],
    }?;
    daemonset! {
        name: "node-specific-daemonset",
        selector: { app: "myapp" },
        containers: [{ name: "myapp-container", image: "myapp:1.0", env: { NODE_NAME: field(spec.nodeName) } }],
        node_selector: { "node-type": "special" },
    }?;
    daemonset! {
        name: "rolling-update-daemonset",
        selector: { app: "myapp" },
        containers: [{ name: "myapp-container", image: "myapp:1.1" }],
        update_strategy: RollingUpdate { max_unavailable: 1 },
    }?;
    daemonset! {
        name: "tolerate-taints-daemonset",
        selector: { app: "myapp" },
        containers: [{ name: "myapp-container", image: "myapp:1.0" }],
        tolerations: [{ key: "example-key", operator: Exists, effect: NoSchedule }],
    }?;
    Ok(())
}
