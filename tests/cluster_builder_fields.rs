//! The builder's typed forms of the fields real node agents use are accepted by the real API server as they are
//! written: a dry-run create of DaemonSets using every one of them succeeds, and everything we sent comes back
//! unchanged in the server's object (nothing dropped or rewritten; the server only adds its defaults).

mod support;
#[path = "support/typed_containers.rs"]
mod typed_containers;

use daemonset::build::{
    AppArmorProfile, Container, DnsConfig, DnsPolicy, FsGroupChangePolicy, Memory, NodeAgent, Os,
    PodAffinityTerm, PodPlacement, PodSecurityContext, SeccompProfile, Volume, Weight,
    WindowsOptions,
};
use daemonset::k8s::api::apps::v1::DaemonSet;
use kube::api::{Api, PostParams};
use serde_json::Value;
use support::TestEnv;

/// Every path of `sent` is in `got` with the same value (objects may have more keys in `got`).
fn contained(sent: &Value, got: &Value, path: &str, missing: &mut Vec<String>) {
    match (sent, got) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in a {
                match b.get(k) {
                    Some(w) => contained(v, w, &format!("{path}.{k}"), missing),
                    None => missing.push(format!("{path}.{k}")),
                }
            }
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            for (i, (v, w)) in a.iter().zip(b).enumerate() {
                contained(v, w, &format!("{path}[{i}]"), missing);
            }
        }
        _ if sent == got => {}
        _ => missing.push(format!("{path}: sent {sent}, got {got}")),
    }
}

fn linux_agent() -> DaemonSet {
    let cache = Volume::empty_dir("cache").in_memory();
    let scratch = Volume::empty_dir("scratch").size_limit(Memory::mebibytes(64));
    let secrets = Volume::csi("secrets", "secrets-store.csi.k8s.io")
        .attribute("secretProviderClass", "agent");
    let config = Volume::config_map("config", "agent-config").optional();
    let token = Volume::secret("token", "agent-token").optional();
    let buffer = Volume::ephemeral("buffer", "local-path", Memory::gibibytes(1));
    NodeAgent::builder()
        .name("typed-linux")
        .selector_label("app", "typed-linux")
        .dns_policy(DnsPolicy::None)
        .dns_config(
            DnsConfig::default()
                .nameserver("169.254.20.10")
                .search("svc.cluster.local")
                .option("ndots", Some("2")),
        )
        .security_context(
            PodSecurityContext::builder()
                .run_as_user(0)
                .fs_group(2000)
                .fs_group_change_policy(FsGroupChangePolicy::OnRootMismatch)
                .supplemental_group(3000)
                .seccomp_profile(SeccompProfile::RuntimeDefault)
                .app_armor_profile(AppArmorProfile::RuntimeDefault)
                .sysctl("net.ipv4.ip_unprivileged_port_start", "0")
                .build(),
        )
        .automount_service_account_token(false)
        .share_process_namespace()
        .host_ipc()
        .os(Os::Linux)
        .enable_service_links(false)
        .readiness_gate("example.com/agent-ready")
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
        .init_container(typed_containers::sidecar())
        .container(typed_containers::every_typed_form("agent"))
        .container(
            Container::builder()
                .name("volumes")
                .image("registry.example/agent:1.0")
                .port(daemonset::build::Port::new(9100).name("metrics"))
                .mount(cache.mount("/cache"))
                .mount(scratch.mount("/scratch"))
                .mount(secrets.mount("/secrets").read_only())
                .mount(config.mount("/etc/agent"))
                .mount(token.mount("/var/run/token"))
                .mount(buffer.mount("/buffer"))
                .build(),
        )
        .build()
        .expect("valid")
}

fn windows_agent() -> DaemonSet {
    NodeAgent::builder()
        .name("typed-windows")
        .selector_label("app", "typed-windows")
        .os(Os::Windows)
        .host_network()
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
        .expect("valid")
}

#[tokio::test]
#[ignore = "starts a control plane: run scripts/cluster-tests.sh"]
async fn typed_fields_reach_the_server_unchanged() {
    let env = TestEnv::new("typed-fields").await;
    let api: Api<DaemonSet> = Api::namespaced(env.cluster.client().clone(), &env.namespace);
    let dry_run = PostParams {
        dry_run: true,
        ..PostParams::default()
    };
    for ds in [linux_agent(), windows_agent()] {
        let name = ds.metadata.name.clone().unwrap();
        let created = api
            .create(&dry_run, &ds)
            .await
            .unwrap_or_else(|e| panic!("{name}: the server refused the builder's object: {e}"));
        let mut missing = Vec::new();
        contained(
            &serde_json::to_value(&ds.spec).unwrap(),
            &serde_json::to_value(&created.spec).unwrap(),
            "spec",
            &mut missing,
        );
        assert!(
            missing.is_empty(),
            "{name}: the server dropped or changed {missing:#?}"
        );
    }
    env.cleanup().await;
}
