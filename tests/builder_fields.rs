//! The builder's typed forms of the pod and container fields real node agents use (security contexts, hooks,
//! probe hosts and headers, sidecars, DNS, CSI and optional volumes...): each lands in the k8s-openapi field the
//! API server reads, and `build()` still validates the result with the server's rules.

use daemonset::build::{
    AppArmorProfile, Container, DnsConfig, DnsPolicy, FsGroupChangePolicy, Memory, NodeAgent, Os,
    PodAffinityTerm, PodPlacement, PodSecurityContext, SeccompProfile, Volume, Weight,
    WindowsOptions,
};
use serde_json::json;

#[path = "support/typed_containers.rs"]
mod typed_containers;

fn agent() -> Container {
    Container::builder()
        .name("agent")
        .image("registry.example/agent:1.0")
        .build()
}

#[test]
fn pod_level_fields_map_to_the_api_fields() {
    let ds = NodeAgent::builder()
        .name("agent")
        .selector_label("app", "agent")
        .container(agent())
        .security_context(
            PodSecurityContext::builder()
                .run_as_non_root(true)
                .run_as_user(65534)
                .run_as_group(65534)
                .fs_group(2000)
                .fs_group_change_policy(FsGroupChangePolicy::OnRootMismatch)
                .supplemental_group(3000)
                .seccomp_profile(SeccompProfile::RuntimeDefault)
                .app_armor_profile(AppArmorProfile::Localhost("agent".into()))
                .sysctl("net.ipv4.ip_unprivileged_port_start", "0")
                .build(),
        )
        .automount_service_account_token(false)
        .share_process_namespace()
        .host_ipc()
        .runtime_class_name("nvidia")
        .os(Os::Linux)
        .dns_policy(DnsPolicy::None)
        .dns_config(
            DnsConfig::default()
                .nameserver("169.254.20.10")
                .search("svc.cluster.local")
                .option("ndots", Some("2")),
        )
        .enable_service_links(false)
        .scheduler_name("default-scheduler")
        .readiness_gate("example.com/agent-ready")
        .build()
        .expect("valid");
    let pod = serde_json::to_value(ds.spec.unwrap().template.spec.unwrap()).unwrap();
    assert_eq!(
        pod["securityContext"],
        json!({
            "runAsNonRoot": true, "runAsUser": 65534, "runAsGroup": 65534, "fsGroup": 2000,
            "fsGroupChangePolicy": "OnRootMismatch", "supplementalGroups": [3000],
            "seccompProfile": {"type": "RuntimeDefault"},
            "appArmorProfile": {"type": "Localhost", "localhostProfile": "agent"},
            "sysctls": [{"name": "net.ipv4.ip_unprivileged_port_start", "value": "0"}],
        })
    );
    assert_eq!(pod["automountServiceAccountToken"], json!(false));
    assert_eq!(pod["shareProcessNamespace"], json!(true));
    assert_eq!(pod["hostIPC"], json!(true));
    assert_eq!(pod["runtimeClassName"], json!("nvidia"));
    assert_eq!(pod["os"], json!({"name": "linux"}));
    assert_eq!(
        pod["dnsConfig"],
        json!({"nameservers": ["169.254.20.10"], "searches": ["svc.cluster.local"],
               "options": [{"name": "ndots", "value": "2"}]})
    );
    assert_eq!(pod["enableServiceLinks"], json!(false));
    assert_eq!(pod["schedulerName"], json!("default-scheduler"));
    assert_eq!(
        pod["readinessGates"],
        json!([{"conditionType": "example.com/agent-ready"}])
    );
}

#[test]
fn container_fields_map_to_the_api_fields() {
    let ds = NodeAgent::builder()
        .name("cni")
        .selector_label("app", "cni")
        .host_network()
        .init_container(typed_containers::sidecar())
        .container(typed_containers::every_typed_form("cni"))
        .build()
        .expect("valid");
    let pod = serde_json::to_value(ds.spec.unwrap().template.spec.unwrap()).unwrap();
    assert_eq!(pod["initContainers"][0]["restartPolicy"], json!("Always"));
    let c = &pod["containers"][0];
    assert_eq!(
        c["lifecycle"],
        json!({"preStop": {"exec": {"command": ["/bin/sh", "-c", "sleep 5"]}},
               "postStart": {"sleep": {"seconds": 1}}})
    );
    assert_eq!(c["terminationMessagePath"], json!("/tmp/termination"));
    assert_eq!(
        c["terminationMessagePolicy"],
        json!("FallbackToLogsOnError")
    );
    assert_eq!(
        c["resizePolicy"],
        json!([{"resourceName": "memory", "restartPolicy": "RestartContainer"}])
    );
    assert_eq!(
        c["livenessProbe"]["httpGet"],
        json!({"path": "/healthz", "port": 9099, "host": "127.0.0.1", "scheme": "HTTPS",
               "httpHeaders": [{"name": "X-Probe", "value": "liveness"}]})
    );
    assert_eq!(
        c["readinessProbe"]["tcpSocket"],
        json!({"port": "metrics", "host": "127.0.0.1"})
    );
    assert_eq!(
        c["startupProbe"]["grpc"],
        json!({"port": 9090, "service": "health"})
    );
    assert_eq!(
        c["securityContext"],
        json!({"privileged": true, "seccompProfile": {"type": "Unconfined"},
               "seLinuxOptions": {"type": "spc_t"}})
    );
}

#[test]
fn volume_forms_map_to_the_api_fields() {
    let cache = Volume::empty_dir("cache").in_memory();
    let scratch = Volume::empty_dir("scratch").size_limit(Memory::mebibytes(64));
    let secrets = Volume::csi("secrets", "secrets-store.csi.k8s.io")
        .attribute("secretProviderClass", "agent");
    let config = Volume::config_map("config", "agent-config").optional();
    let token = Volume::secret("token", "agent-token").optional();
    let ds = NodeAgent::builder()
        .name("agent")
        .selector_label("app", "agent")
        .container(
            Container::builder()
                .name("agent")
                .image("registry.example/agent:1.0")
                .mount(cache.mount("/cache"))
                .mount(scratch.mount("/scratch"))
                .mount(secrets.mount("/secrets").read_only())
                .mount(config.mount("/etc/agent"))
                .mount(token.mount("/var/run/token"))
                .build(),
        )
        .build()
        .expect("valid");
    let volumes = serde_json::to_value(ds.spec.unwrap().template.spec.unwrap().volumes).unwrap();
    assert_eq!(
        volumes,
        json!([
            {"name": "cache", "emptyDir": {"medium": "Memory"}},
            {"name": "scratch", "emptyDir": {"sizeLimit": "64Mi"}},
            {"name": "secrets", "csi": {"driver": "secrets-store.csi.k8s.io",
                                        "volumeAttributes": {"secretProviderClass": "agent"}}},
            {"name": "config", "configMap": {"name": "agent-config", "optional": true}},
            {"name": "token", "secret": {"secretName": "agent-token", "optional": true}},
        ])
    );
}

#[test]
fn windows_host_process_needs_host_network() {
    let host_process = |host_network: bool| {
        NodeAgent::builder()
            .name("win-agent")
            .selector_label("app", "win-agent")
            .os(Os::Windows)
            .host_network_bool(host_network)
            .security_context(
                PodSecurityContext::builder()
                    .windows(WindowsOptions::host_process("NT AUTHORITY\\SYSTEM"))
                    .build(),
            )
            .container(
                Container::builder()
                    .name("agent")
                    .image("registry.example/win-agent:1.0")
                    .build(),
            )
            .build()
    };
    let ds = host_process(true).expect("a HostProcess pod on the host network is valid");
    let pod = serde_json::to_value(ds.spec.unwrap().template.spec.unwrap()).unwrap();
    assert_eq!(
        pod["securityContext"]["windowsOptions"],
        json!({"hostProcess": true, "runAsUserName": "NT AUTHORITY\\SYSTEM"})
    );
    let errors =
        host_process(false).expect_err("the server refuses HostProcess without hostNetwork");
    let paths: Vec<String> = errors
        .violations()
        .iter()
        .map(|v| v.path.to_string())
        .collect();
    assert!(
        paths.iter().any(|p| p == "spec.template.spec.hostNetwork"),
        "{errors}"
    );
}

#[test]
fn placement_hosts_template_name_and_ephemeral_volumes_map_to_the_api_fields() {
    let claim = Volume::ephemeral("buffer", "local-path", Memory::gibibytes(1));
    let ds = NodeAgent::builder()
        .name("agent")
        .selector_label("app", "agent")
        .template_name("agent-pod")
        .host_alias("10.0.0.1", ["registry.internal"])
        .pod_affinity(
            PodPlacement::default()
                .require(PodAffinityTerm::new("kubernetes.io/hostname").label("app", "node-cache")),
        )
        .pod_anti_affinity(
            PodPlacement::default().prefer(
                Weight::of::<50>(),
                PodAffinityTerm::new("kubernetes.io/hostname")
                    .label("app", "legacy-agent")
                    .namespace("kube-system"),
            ),
        )
        .container(
            Container::builder()
                .name("agent")
                .image("registry.example/agent:1.0")
                .mount(claim.mount("/buffer"))
                .build(),
        )
        .build()
        .expect("valid");
    let template = serde_json::to_value(ds.spec.unwrap().template).unwrap();
    assert_eq!(template["metadata"]["name"], json!("agent-pod"));
    let pod = &template["spec"];
    assert_eq!(
        pod["hostAliases"],
        json!([{"ip": "10.0.0.1", "hostnames": ["registry.internal"]}])
    );
    assert_eq!(
        pod["affinity"],
        json!({
            "podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
                {"topologyKey": "kubernetes.io/hostname", "labelSelector": {"matchLabels": {"app": "node-cache"}}}
            ]},
            "podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
                {"weight": 50, "podAffinityTerm": {"topologyKey": "kubernetes.io/hostname",
                 "labelSelector": {"matchLabels": {"app": "legacy-agent"}}, "namespaces": ["kube-system"]}}
            ]},
        })
    );
    assert_eq!(
        pod["volumes"][0]["ephemeral"],
        json!({"volumeClaimTemplate": {"spec": {"accessModes": ["ReadWriteOnce"],
               "storageClassName": "local-path", "resources": {"requests": {"storage": "1Gi"}}}}})
    );
}

/// `Toleration::key_value` keeps a manifest's toleration without `operator` as written (the server stores no
/// operator for it), where `Toleration::equal` writes `operator: Equal`.
#[test]
fn toleration_with_key_and_value_and_no_operator() {
    use daemonset::build::{Effect, Toleration};
    let ds = NodeAgent::builder()
        .name("agent")
        .selector_label("app", "agent")
        .container(agent())
        .toleration(
            Toleration::key_value("node.cloudprovider.kubernetes.io/uninitialized", "true")
                .effect(Effect::NoSchedule),
        )
        .toleration(Toleration::equal("dedicated", "gpu"))
        .build()
        .expect("valid");
    let tolerations =
        serde_json::to_value(ds.spec.unwrap().template.spec.unwrap().tolerations).unwrap();
    assert_eq!(
        tolerations,
        json!([
            {"key": "node.cloudprovider.kubernetes.io/uninitialized", "value": "true", "effect": "NoSchedule"},
            {"key": "dedicated", "operator": "Equal", "value": "gpu"},
        ])
    );
}
