//! Every part of the grammar in one DaemonSet, literals and expressions mixed; it builds and validates.
//! Under `#![deny(warnings)]`: the expansion gives no warning in the user's crate (the `{ expr }` braces and a
//! closure's parentheses are the grammar's, not `unused_braces`/`unused_parens`).
#![deny(warnings)]

use daemonset::build::{Budget, Effect, Probe, Toleration, UpdateStrategy};
use daemonset::daemonset;
use daemonset::k8s::api::core::v1::{HostPathVolumeSource, Volume as K8sVolume};

const IMAGE: &str = "example.com/agent:2.3";

fn main() {
    let memory_limit = daemonset::build::Memory::mebibytes(256);
    let surge = UpdateStrategy::max_unavailable(Budget::Percent(25));
    let ds = daemonset! {
        name: "node-agent",
        namespace: "kube-system",
        labels: { "app.kubernetes.io/name": "node-agent", tier: "node" },
        annotations: { "example.com/Owner": "platform" },
        selector: { app: "node-agent" },
        pod_labels: { version: "2.3" },
        pod_annotations: { "example.com/config-hash": "abc123" },
        volumes: {
            root: host_path("/", Directory),
            "host-sys": host_path("/sys"),
            config: config_map("agent-config", default_mode: 0o440, items: { "agent.yaml": "agent.yaml" }),
            creds: secret("agent-creds"),
            scratch: empty_dir(),
            shm: memory_dir("128Mi"),
            proj: projected([config_map("a"), secret("b"), service_account_token("token", audience: "api")], default_mode: 0o400),
            extra: raw(K8sVolume {
                host_path: Some(HostPathVolumeSource { path: "/opt".into(), type_: None }),
                ..Default::default()
            }),
        },
        init_containers: [{
            name: "init",
            image: "busybox:1.36",
            command: ["sh", "-c", "true"],
            security_context: { privileged: true },
        }],
        containers: [
            {
                name: "agent",
                image: IMAGE,
                command: ["/agent"],
                args: vec!["--verbose".to_owned()],
                working_dir: "/work",
                image_pull_policy: IfNotPresent,
                ports: [9100, { container_port: 8125, name: "statsd", protocol: UDP, host_ip: "0.0.0.0" }],
                env: {
                    NODE_NAME: field(spec.nodeName),
                    POD_IP: field(status.podIP),
                    HOST_IPS: field(status.hostIPs),
                    APP: field("metadata.labels['app']"),
                    OWNER: field("metadata.annotations['example.com/owner']"),
                    MEM: resource(limits.memory, divisor: "1Mi"),
                    EPHEMERAL: resource(requests.ephemeral-storage, container: "agent"),
                    KEY: config_map_key("agent-config", "key"),
                    TOKEN: secret_key("agent-creds", "token", optional),
                    "LEVEL": "debug",
                    COMPUTED: { 40 + 2 }.to_string(),
                },
                env_from: [config_map("agent-env"), secret("agent-secret-env", prefix: "S_"), config_map("opt", optional)],
                resources: {
                    requests: { cpu: 0.25, memory: "128Mi", ephemeral_storage: "1Gi" },
                    limits: { cpu: 1, memory: { memory_limit }, ephemeral_storage: "2Gi" },
                    extended: { "example.com/device": 1 },
                },
                mounts: {
                    root: ("/host", read_only, propagation: HostToContainer),
                    "host-sys": ("/host/sys", read_only),
                    config: "/etc/agent",
                    creds: ("/etc/creds", read_only),
                    scratch: ("/scratch", sub_path: "agent"),
                    shm: "/dev/shm",
                    proj: "/projected",
                    extra: "/opt",
                },
                liveness_probe: http_get("/healthz", 9100, initial_delay_seconds: 5, period_seconds: 10, timeout_seconds: 2, failure_threshold: 3),
                readiness_probe: exec(["cat", "/tmp/ready"]),
                startup_probe: { Probe::tcp_socket(9100) },
                security_context: {
                    allow_privilege_escalation: false,
                    read_only_root_filesystem: true,
                    run_as_non_root: true,
                    run_as_user: 1000,
                    run_as_group: 1000,
                    capabilities: { add: ["NET_BIND_SERVICE"], drop: ["ALL"] },
                },
                customize: |c: &mut daemonset::k8s::api::core::v1::Container| c.tty = Some(false),
            },
            {
                name: "grpc-sidecar",
                image: "example.com/sidecar:1.0",
                readiness_probe: grpc(9090),
                liveness_probe: http_get("/live", "metrics"),
                ports: [{ container_port: 9090, name: "metrics" }],
            },
        ],
        node_selector: { "kubernetes.io/os": "linux" },
        node_affinity: {
            required: [
                { match_expressions: [
                    { key: "kubernetes.io/arch", operator: In, values: ["amd64", "arm64"] },
                    { key: "example.com/pool", operator: NotIn, values: ["spot"] },
                    { key: "example.com/ssd", operator: Exists },
                    { key: "example.com/legacy", operator: DoesNotExist },
                    { key: "example.com/cores", operator: Gt, values: [4] },
                    { key: "example.com/generation", operator: Lt, values: ["9"] },
                ] },
                { node_name: "node-1" },
            ],
            preferred: [{ weight: 100, preference: { match_expressions: [{ key: "example.com/fast", operator: Exists }] } }],
        },
        tolerations: [
            { operator: Exists },
            { key: "dedicated", operator: Equal, value: "agents", effect: NoSchedule },
            { key: "dedicated", value: "agents", effect: PreferNoSchedule },
            { key: "node.kubernetes.io/not-ready", operator: Exists, effect: NoExecute, toleration_seconds: 300 },
            { Toleration::exists("example.com/maintenance").effect(Effect::NoSchedule) },
        ],
        update_strategy: { surge },
        termination_grace_period_seconds: 30,
        host_network: false,
        host_pid: true,
        dns_policy: ClusterFirstWithHostNet,
        priority_class_name: "system-node-critical",
        service_account_name: "node-agent",
        image_pull_secrets: ["registry-credentials"],
        min_ready_seconds: 10,
        revision_history_limit: 5,
        customize: |ds: &mut daemonset::k8s::api::apps::v1::DaemonSet| {
            ds.metadata.labels.get_or_insert_default().insert("customized".into(), "true".into());
        },
    };
    let ds = ds.unwrap_or_else(|e| panic!("{e}"));
    let pod = ds.spec.as_ref().unwrap().template.spec.as_ref().unwrap();
    assert_eq!(pod.volumes.as_ref().unwrap().len(), 8);
    assert_eq!(pod.containers.len(), 2);
    assert_eq!(ds.metadata.labels.as_ref().unwrap()["customized"], "true");
}
