//! Containers written with every typed container form of the builder (hooks, termination message, resize policy,
//! probe host/headers/https, named tcp port, gRPC service, seccomp and SELinux), shared by `tests/builder_fields.rs`
//! (which checks the API fields they become) and `tests/cluster_builder_fields.rs` (which sends them to a server).

use daemonset::build::{
    Container, Hook, Probe, ResizeResource, ResizeRestart, SeLinux, SeccompProfile,
    SecurityContext, TerminationMessagePolicy,
};

/// A sidecar init container (`restartPolicy: Always`).
pub fn sidecar() -> Container {
    Container::builder()
        .name("proxy")
        .image("registry.example/proxy:1.0")
        .sidecar()
        .build()
}

/// A container using every typed container-level form.
pub fn every_typed_form(name: &str) -> Container {
    Container::builder()
        .name(name)
        .image("registry.example/cni:1.0")
        .pre_stop(Hook::exec(["/bin/sh", "-c", "sleep 5"]))
        .post_start(Hook::sleep(1))
        .termination_message_path("/tmp/termination")
        .termination_message_policy(TerminationMessagePolicy::FallbackToLogsOnError)
        .resize_policy(ResizeResource::Memory, ResizeRestart::RestartContainer)
        .liveness_probe(
            Probe::http_get("/healthz", 9099)
                .host("127.0.0.1")
                .header("X-Probe", "liveness")
                .https(),
        )
        .readiness_probe(Probe::tcp_socket_named("metrics").host("127.0.0.1"))
        .startup_probe(Probe::grpc(9090).grpc_service("health"))
        .security_context(
            SecurityContext::builder()
                .privileged(true)
                .seccomp_profile(SeccompProfile::Unconfined)
                .se_linux(SeLinux::type_("spc_t"))
                .build(),
        )
        .build()
}
