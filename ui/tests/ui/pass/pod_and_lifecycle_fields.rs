//! Every key of the pod security context, the container profiles, lifecycle hooks, probe options, termination
//! message, sidecars, optional and CSI volumes, a toleration without operator, host aliases, DNS config and the pod
//! switches (issue 11). Warnings are errors here: the expansion must not make any in user code (the `customize`
//! closure was once wrapped in parentheses, an `unused_parens` warning).

#![deny(warnings)]

use daemonset::daemonset;

fn main() {
    let ds = daemonset! {
        name: "agent",
        selector: { app: "agent" },
        volumes: {
            config: config_map("agent-config", optional),
            creds: secret("agent-creds", optional),
            certs: csi("secrets-store.csi.k8s.io", attributes: { "secretProviderClass": "agent" }),
        },
        init_containers: [{
            name: "proxy",
            image: "proxy:1.0",
            sidecar: true,
        }],
        containers: [{
            name: "agent",
            image: "agent:1.0",
            ports: [{ container_port: 9100, name: "metrics" }, 9101],
            mounts: { config: "/etc/agent", creds: "/etc/creds", certs: "/etc/certs" },
            liveness_probe: http_get("/healthz", 9100, host: "127.0.0.1", https: true,
                                     headers: { "X-Probe": "liveness" }),
            readiness_probe: tcp_socket("metrics", host: "127.0.0.1"),
            startup_probe: grpc(9101, service: "health", period_seconds: 2),
            pre_stop: exec(["/bin/sh", "-c", "sleep 5"]),
            post_start: http_get("/started", 9100),
            termination_message_path: "/var/log/agent-termination",
            termination_message_policy: FallbackToLogsOnError,
            security_context: {
                privileged: true,
                seccomp_profile: localhost("profiles/agent.json"),
                app_armor_profile: Unconfined,
                se_linux: { type: "spc_t", level: "s0" },
                windows: run_as("ContainerUser"),
            },
        }, {
            name: "sleeper",
            image: "agent:1.0",
            pre_stop: sleep(10),
            post_start: tcp_socket(9100),
        }],
        tolerations: [{ key: "dedicated", value: "agents", effect: NoSchedule }],
        security_context: {
            run_as_user: 1000,
            run_as_group: 1000,
            run_as_non_root: true,
            fs_group: 2000,
            fs_group_change_policy: OnRootMismatch,
            supplemental_groups: [3000, 3001],
            seccomp_profile: RuntimeDefault,
            app_armor_profile: localhost("agent"),
            se_linux: { user: "system_u", role: "system_r", type: "container_t", level: "s0:c1,c2" },
            windows: run_as("ContainerAdministrator", gmsa_credential_spec_name: "agent-gmsa"),
            sysctls: { "net.ipv4.ip_local_port_range": "1024 65535" },
        },
        automount_service_account_token: false,
        share_process_namespace: true,
        host_ipc: true,
        host_users: true,
        runtime_class_name: "gvisor",
        enable_service_links: false,
        scheduler_name: "agent-scheduler",
        readiness_gates: ["example.com/ready"],
        host_aliases: { "10.0.0.1": ["registry.local", "mirror.local"] },
        dns_config: { nameservers: ["10.0.0.10"], searches: ["svc.local"], options: ["edns0", ("ndots", "2")] },
        customize: |ds: &mut daemonset::k8s::api::apps::v1::DaemonSet| {
            ds.metadata.generation = None;
        },
    }
    .expect("valid");
    let pod = ds.spec.unwrap().template.spec.unwrap();
    let sec = pod.security_context.unwrap();
    assert_eq!(sec.run_as_user, Some(1000));
    assert_eq!(
        sec.fs_group_change_policy.as_deref(),
        Some("OnRootMismatch")
    );
    assert_eq!(sec.supplemental_groups, Some(vec![3000, 3001]));
    assert_eq!(sec.seccomp_profile.unwrap().type_, "RuntimeDefault");
    assert_eq!(
        sec.app_armor_profile.unwrap().localhost_profile.as_deref(),
        Some("agent")
    );
    assert_eq!(
        sec.se_linux_options.unwrap().role.as_deref(),
        Some("system_r")
    );
    let windows = sec.windows_options.unwrap();
    assert_eq!(
        windows.run_as_user_name.as_deref(),
        Some("ContainerAdministrator")
    );
    assert_eq!(
        windows.gmsa_credential_spec_name.as_deref(),
        Some("agent-gmsa")
    );
    assert_eq!(sec.sysctls.unwrap()[0].value, "1024 65535");
    assert_eq!(pod.automount_service_account_token, Some(false));
    assert_eq!(pod.share_process_namespace, Some(true));
    assert_eq!(pod.host_ipc, Some(true));
    assert_eq!(pod.host_users, Some(true));
    assert_eq!(pod.runtime_class_name.as_deref(), Some("gvisor"));
    assert_eq!(pod.enable_service_links, Some(false));
    assert_eq!(pod.scheduler_name.as_deref(), Some("agent-scheduler"));
    assert_eq!(
        pod.readiness_gates.unwrap()[0].condition_type,
        "example.com/ready"
    );
    let toleration = &pod.tolerations.unwrap()[0];
    assert_eq!(
        toleration.operator, None,
        "written without operator, generated without one"
    );
    assert_eq!(toleration.value.as_deref(), Some("agents"));
    let volumes = pod.volumes.unwrap();
    assert_eq!(volumes[0].config_map.as_ref().unwrap().optional, Some(true));
    assert_eq!(volumes[1].secret.as_ref().unwrap().optional, Some(true));
    let csi = volumes[2].csi.as_ref().unwrap();
    assert_eq!(csi.driver, "secrets-store.csi.k8s.io");
    assert_eq!(
        csi.volume_attributes.as_ref().unwrap()["secretProviderClass"],
        "agent"
    );
    let aliases = pod.host_aliases.unwrap();
    assert_eq!(aliases[0].hostnames.as_ref().unwrap().len(), 2);
    let dns = pod.dns_config.unwrap();
    assert_eq!(dns.nameservers, Some(vec!["10.0.0.10".to_owned()]));
    let options = dns.options.unwrap();
    assert_eq!(
        (options[0].value.as_deref(), options[1].value.as_deref()),
        (None, Some("2"))
    );
    assert_eq!(
        pod.init_containers.unwrap()[0].restart_policy.as_deref(),
        Some("Always")
    );

    let agent = &pod.containers[0];
    let live = agent
        .liveness_probe
        .as_ref()
        .unwrap()
        .http_get
        .as_ref()
        .unwrap();
    assert_eq!(live.host.as_deref(), Some("127.0.0.1"));
    assert_eq!(live.scheme.as_deref(), Some("HTTPS"));
    assert_eq!(live.http_headers.as_ref().unwrap()[0].name, "X-Probe");
    let ready = agent
        .readiness_probe
        .as_ref()
        .unwrap()
        .tcp_socket
        .as_ref()
        .unwrap();
    assert_eq!(
        ready.port,
        daemonset::k8s::apimachinery::pkg::util::intstr::IntOrString::String("metrics".into())
    );
    let startup = agent.startup_probe.as_ref().unwrap();
    assert_eq!(
        startup.grpc.as_ref().unwrap().service.as_deref(),
        Some("health")
    );
    let lifecycle = agent.lifecycle.as_ref().unwrap();
    assert_eq!(
        lifecycle
            .pre_stop
            .as_ref()
            .unwrap()
            .exec
            .as_ref()
            .unwrap()
            .command
            .as_ref()
            .unwrap()
            .len(),
        3
    );
    assert_eq!(
        lifecycle
            .post_start
            .as_ref()
            .unwrap()
            .http_get
            .as_ref()
            .unwrap()
            .path
            .as_deref(),
        Some("/started")
    );
    assert_eq!(
        agent.termination_message_path.as_deref(),
        Some("/var/log/agent-termination")
    );
    assert_eq!(
        agent.termination_message_policy.as_deref(),
        Some("FallbackToLogsOnError")
    );
    let csec = agent.security_context.as_ref().unwrap();
    assert_eq!(
        csec.seccomp_profile
            .as_ref()
            .unwrap()
            .localhost_profile
            .as_deref(),
        Some("profiles/agent.json")
    );
    assert_eq!(csec.app_armor_profile.as_ref().unwrap().type_, "Unconfined");
    assert_eq!(
        csec.se_linux_options.as_ref().unwrap().type_.as_deref(),
        Some("spc_t")
    );
    assert_eq!(
        csec.windows_options
            .as_ref()
            .unwrap()
            .run_as_user_name
            .as_deref(),
        Some("ContainerUser")
    );
    let sleeper = pod.containers[1].lifecycle.as_ref().unwrap();
    assert_eq!(
        sleeper
            .pre_stop
            .as_ref()
            .unwrap()
            .sleep
            .as_ref()
            .unwrap()
            .seconds,
        10
    );
    assert!(sleeper.post_start.as_ref().unwrap().tcp_socket.is_some());

    let windows = daemonset! {
        name: "windows-agent",
        selector: { app: "windows-agent" },
        containers: [{ name: "agent", image: "agent:1.0" }],
        host_network: true,
        security_context: { windows: host_process("NT AUTHORITY\\SYSTEM") },
    }
    .expect("valid");
    let pod = windows.spec.unwrap().template.spec.unwrap();
    assert_eq!(
        pod.security_context
            .unwrap()
            .windows_options
            .unwrap()
            .host_process,
        Some(true)
    );
}
