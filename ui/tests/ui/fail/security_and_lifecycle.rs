//! Closed sets of the security contexts, lifecycle hooks and termination message: misspelt names get a "did you
//! mean" at their token; options on the wrong probe and `sidecar` on a main container are refused.

fn main() {
    let _ = daemonset::daemonset! {
        name: "agent",
        selector: { app: "agent" },
        init_containers: [{ name: "init", image: "init:1.0", sidecar: true }],
        containers: [{
            name: "agent",
            image: "agent:1.0",
            sidecar: true,
            pre_stop: slep(5),
            post_start: http_get("/started", 70000),
            termination_message_policy: FallbackToLog,
            liveness_probe: http_get("/healthz", 8080, service: "health"),
            security_context: {
                seccomp_profile: RuntimeDefualt,
                app_armor_profile: locahost("agent"),
                windows: host_proces("NT AUTHORITY\\SYSTEM"),
            },
        }],
        security_context: {
            fs_group_change_policy: OnRootMisMatch,
            se_linux: { typ: "spc_t" },
            supplemental_groups: [-1],
        },
    };
}
