//! Containers: image, command, ports, env, resources, mounts, probes, security context.

use k8s_openapi::api::core::v1::{
    Capabilities, Container as K8sContainer, ContainerPort, ContainerResizePolicy, EnvFromSource,
    EnvVar as K8sEnvVar, ExecAction, GRPCAction, HTTPGetAction, HTTPHeader, Lifecycle,
    Probe as K8sProbe, SecurityContext as K8sSecurityContext, TCPSocketAction,
};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use typed_builder::TypedBuilder;

use super::{
    AppArmorProfile, EnvFrom, EnvVar, Hook, Mount, ResizeResource, ResizeRestart, Resources,
    SeLinux, SeccompProfile, TerminationMessagePolicy, WindowsOptions,
};

pub use daemonset_rules::model::{ImagePullPolicy, Protocol};

/// A port a container listens on.
///
/// ```
/// use daemonset::build::Port;
/// let metrics = Port::new(9100).name("metrics");
/// let dns = Port::new(53).udp().host_port(53);
/// # let _ = (metrics, dns);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Port(ContainerPort);

impl Port {
    /// A TCP port (protocol left to the server's default).
    pub fn new(container_port: u16) -> Port {
        Port(ContainerPort {
            container_port: i32::from(container_port),
            ..Default::default()
        })
    }

    /// A name (at most 15 characters, lowercase), for probes and Services to refer to.
    #[must_use]
    pub fn name(mut self, name: impl Into<String>) -> Port {
        self.0.name = Some(name.into());
        self
    }

    /// The protocol, written out.
    #[must_use]
    pub fn protocol(mut self, protocol: Protocol) -> Port {
        self.0.protocol = Some(protocol.as_str().to_owned());
        self
    }

    /// UDP.
    #[must_use]
    pub fn udp(self) -> Port {
        self.protocol(Protocol::Udp)
    }

    /// Also open on the node at this port (a rolling update must then use maxUnavailable, not maxSurge).
    #[must_use]
    pub fn host_port(mut self, host_port: u16) -> Port {
        self.0.host_port = Some(i32::from(host_port));
        self
    }

    /// The node address the host port binds to.
    #[must_use]
    pub fn host_ip(mut self, host_ip: impl Into<String>) -> Port {
        self.0.host_ip = Some(host_ip.into());
        self
    }
}

/// A liveness, readiness or startup probe.
///
/// ```
/// use daemonset::build::Probe;
/// let ready = Probe::http_get("/healthz", 8080).period_seconds(5);
/// let alive = Probe::tcp_socket(9100).initial_delay_seconds(10).failure_threshold(5);
/// # let _ = (ready, alive);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Probe(Box<K8sProbe>);

impl Probe {
    /// Boxed: a container holds three optional probes, and the builder moves the container by value.
    fn boxed(probe: K8sProbe) -> Probe {
        Probe(Box::new(probe))
    }

    /// An HTTP GET of `path` on `port`, successful on a 2xx or 3xx status.
    pub fn http_get(path: impl Into<String>, port: u16) -> Probe {
        Probe::boxed(K8sProbe {
            http_get: Some(HTTPGetAction {
                path: Some(path.into()),
                port: IntOrString::Int(i32::from(port)),
                ..Default::default()
            }),
            ..Default::default()
        })
    }

    /// An HTTP GET on a named port.
    pub fn http_get_named(path: impl Into<String>, port_name: impl Into<String>) -> Probe {
        Probe::boxed(K8sProbe {
            http_get: Some(HTTPGetAction {
                path: Some(path.into()),
                port: IntOrString::String(port_name.into()),
                ..Default::default()
            }),
            ..Default::default()
        })
    }

    /// A TCP connection to `port`.
    pub fn tcp_socket(port: u16) -> Probe {
        Probe::boxed(K8sProbe {
            tcp_socket: Some(TCPSocketAction {
                port: IntOrString::Int(i32::from(port)),
                host: None,
            }),
            ..Default::default()
        })
    }

    /// A command run in the container, successful on exit code 0.
    pub fn exec<S: Into<String>>(command: impl IntoIterator<Item = S>) -> Probe {
        Probe::boxed(K8sProbe {
            exec: Some(ExecAction {
                command: Some(command.into_iter().map(Into::into).collect()),
            }),
            ..Default::default()
        })
    }

    /// A TCP connection to a named port of the container.
    pub fn tcp_socket_named(port_name: impl Into<String>) -> Probe {
        Probe::boxed(K8sProbe {
            tcp_socket: Some(TCPSocketAction {
                port: IntOrString::String(port_name.into()),
                host: None,
            }),
            ..Default::default()
        })
    }

    /// A gRPC health check on `port`.
    pub fn grpc(port: u16) -> Probe {
        Probe::boxed(K8sProbe {
            grpc: Some(GRPCAction {
                port: i32::from(port),
                service: None,
            }),
            ..Default::default()
        })
    }

    /// For a gRPC probe: the service name sent in the health check request.
    #[must_use]
    pub fn grpc_service(mut self, service: impl Into<String>) -> Probe {
        if let Some(grpc) = &mut self.0.grpc {
            grpc.service = Some(service.into());
        }
        self
    }

    /// For HTTP and TCP probes: the host to connect to instead of the pod's IP (with `hostNetwork`, often
    /// `127.0.0.1` for an agent that listens only on loopback).
    #[must_use]
    pub fn host(mut self, host: impl Into<String>) -> Probe {
        let host = Some(host.into());
        if let Some(http) = &mut self.0.http_get {
            http.host = host;
        } else if let Some(tcp) = &mut self.0.tcp_socket {
            tcp.host = host;
        }
        self
    }

    /// For an HTTP probe: a request header.
    #[must_use]
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Probe {
        if let Some(http) = &mut self.0.http_get {
            http.http_headers
                .get_or_insert_with(Vec::new)
                .push(HTTPHeader {
                    name: name.into(),
                    value: value.into(),
                });
        }
        self
    }

    /// For an HTTP probe: use HTTPS (the certificate is not verified).
    #[must_use]
    pub fn https(mut self) -> Probe {
        if let Some(http) = &mut self.0.http_get {
            http.scheme = Some("HTTPS".to_owned());
        }
        self
    }

    /// Seconds before the first probe.
    #[must_use]
    pub fn initial_delay_seconds(mut self, seconds: u32) -> Probe {
        self.0.initial_delay_seconds = Some(clamp(seconds));
        self
    }

    /// Seconds between probes.
    #[must_use]
    pub fn period_seconds(mut self, seconds: u32) -> Probe {
        self.0.period_seconds = Some(clamp(seconds));
        self
    }

    /// Seconds after which a probe times out.
    #[must_use]
    pub fn timeout_seconds(mut self, seconds: u32) -> Probe {
        self.0.timeout_seconds = Some(clamp(seconds));
        self
    }

    /// Failures in a row before the probe counts as failed.
    #[must_use]
    pub fn failure_threshold(mut self, count: u32) -> Probe {
        self.0.failure_threshold = Some(clamp(count));
        self
    }

    /// Successes in a row before the probe counts as successful (must be 1 for liveness and startup).
    #[must_use]
    pub fn success_threshold(mut self, count: u32) -> Probe {
        self.0.success_threshold = Some(clamp(count));
        self
    }
}

fn clamp(value: u32) -> i32 {
    i32::try_from(value).unwrap_or(i32::MAX)
}

/// The security settings of a container that node agents commonly need.
///
/// ```
/// use daemonset::build::SecurityContext;
/// let cni = SecurityContext::builder().privileged(true).build();
/// let exporter = SecurityContext::builder()
///     .run_as_non_root(true)
///     .read_only_root_filesystem(true)
///     .drop_capability("ALL")
///     .build();
/// # let _ = (cni, exporter);
/// ```
#[derive(Debug, Clone, Default, PartialEq, TypedBuilder)]
#[builder(field_defaults(default, setter(strip_option(fallback_suffix = "_opt"))))]
pub struct SecurityContext {
    /// Runs with all the host's privileges.
    pub privileged: Option<bool>,
    /// A process may gain more privileges than its parent.
    pub allow_privilege_escalation: Option<bool>,
    /// The root filesystem is read-only.
    pub read_only_root_filesystem: Option<bool>,
    /// Refuses to start as UID 0.
    pub run_as_non_root: Option<bool>,
    /// The UID to run as.
    pub run_as_user: Option<i64>,
    /// The GID to run as.
    pub run_as_group: Option<i64>,
    /// Capabilities added.
    #[builder(via_mutators, mutators(
        /// Adds a Linux capability (`NET_ADMIN`, `SYS_ADMIN`).
        pub fn add_capability(&mut self, capability: impl Into<String>) {
            self.add_capabilities.push(capability.into());
        }
    ))]
    pub add_capabilities: Vec<String>,
    /// Capabilities dropped.
    #[builder(via_mutators, mutators(
        /// Drops a Linux capability (`ALL`).
        pub fn drop_capability(&mut self, capability: impl Into<String>) {
            self.drop_capabilities.push(capability.into());
        }
    ))]
    pub drop_capabilities: Vec<String>,
    /// The seccomp profile (overrides the pod's).
    pub seccomp_profile: Option<SeccompProfile>,
    /// The AppArmor profile (overrides the pod's).
    pub app_armor_profile: Option<AppArmorProfile>,
    /// Windows settings (overrides the pod's), e.g. [`WindowsOptions::host_process`].
    pub windows: Option<WindowsOptions>,
    /// The SELinux context (overrides the pod's).
    pub se_linux: Option<SeLinux>,
}

impl From<SecurityContext> for K8sSecurityContext {
    fn from(s: SecurityContext) -> K8sSecurityContext {
        let capabilities = (!s.add_capabilities.is_empty() || !s.drop_capabilities.is_empty())
            .then(|| Capabilities {
                add: non_empty(s.add_capabilities),
                drop: non_empty(s.drop_capabilities),
            });
        K8sSecurityContext {
            privileged: s.privileged,
            allow_privilege_escalation: s.allow_privilege_escalation,
            read_only_root_filesystem: s.read_only_root_filesystem,
            run_as_non_root: s.run_as_non_root,
            run_as_user: s.run_as_user,
            run_as_group: s.run_as_group,
            capabilities,
            seccomp_profile: s.seccomp_profile.map(Into::into),
            app_armor_profile: s.app_armor_profile.map(Into::into),
            windows_options: s.windows.map(Into::into),
            se_linux_options: s.se_linux.map(Into::into),
            ..Default::default()
        }
    }
}

pub(crate) fn non_empty<T>(items: Vec<T>) -> Option<Vec<T>> {
    (!items.is_empty()).then_some(items)
}

type ContainerCustomizer = Box<dyn FnOnce(&mut K8sContainer) + Send>;

/// A container of the pod. `name` and `image` are required: a container without them does not compile.
///
/// ```
/// use daemonset::build::{Container, EnvVar, PodField, Port, Volume};
/// let varlog = Volume::host_path("varlog", "/var/log");
/// let agent = Container::builder()
///     .name("agent")
///     .image("fluent/fluent-bit:3.1")
///     .args(["--config", "/etc/fluent-bit/fluent-bit.conf"])
///     .port(Port::new(2020).name("http"))
///     .env(EnvVar::field("NODE_NAME", PodField::NodeName))
///     .mount(varlog.mount("/var/log").read_only())
///     .build();
/// # let _ = agent;
/// ```
#[derive(TypedBuilder)]
#[builder(field_defaults(default, setter(strip_option(fallback_suffix = "_opt"))))]
pub struct Container {
    /// The container's name (a DNS-1123 label, unique in the pod).
    #[builder(!default, setter(!strip_option, into))]
    pub name: String,
    /// The image reference (`registry/name:tag` or `name@sha256:...`).
    #[builder(!default, setter(!strip_option, into))]
    pub image: String,
    /// The entrypoint, replacing the image's.
    #[builder(setter(!strip_option, transform = |command: impl IntoIterator<Item = impl Into<String>>| command.into_iter().map(Into::into).collect()))]
    pub command: Vec<String>,
    /// Arguments to the entrypoint.
    #[builder(setter(!strip_option, transform = |args: impl IntoIterator<Item = impl Into<String>>| args.into_iter().map(Into::into).collect()))]
    pub args: Vec<String>,
    /// The working directory.
    #[builder(setter(into))]
    pub working_dir: Option<String>,
    /// Ports.
    #[builder(via_mutators, mutators(
        /// Adds a port.
        pub fn port(&mut self, port: Port) {
            self.ports.push(port);
        }
    ))]
    pub ports: Vec<Port>,
    /// Environment variables.
    #[builder(via_mutators, mutators(
        /// Adds an environment variable.
        pub fn env(&mut self, var: EnvVar) {
            self.env.push(var);
        }
    ))]
    pub env: Vec<EnvVar>,
    /// Whole ConfigMaps or Secrets as environment.
    #[builder(via_mutators, mutators(
        /// Adds every key of a ConfigMap or Secret as environment.
        pub fn env_from(&mut self, source: EnvFrom) {
            self.env_from.push(source);
        }
    ))]
    pub env_from: Vec<EnvFrom>,
    /// Requests and limits.
    pub resources: Option<Resources>,
    /// Volume mounts, each made from a declared [`super::Volume`].
    #[builder(via_mutators, mutators(
        /// Mounts a declared volume (see [`super::Volume::mount`]).
        pub fn mount(&mut self, mount: Mount) {
            self.mounts.push(mount);
        }
    ))]
    pub mounts: Vec<Mount>,
    /// Restarts the container when it fails.
    pub liveness_probe: Option<Probe>,
    /// Keeps the pod out of rotation (and the rollout waiting) until it succeeds.
    pub readiness_probe: Option<Probe>,
    /// Holds the other probes until the container has started.
    pub startup_probe: Option<Probe>,
    /// Security settings.
    pub security_context: Option<SecurityContext>,
    /// When the image is pulled.
    pub image_pull_policy: Option<ImagePullPolicy>,
    /// Runs before the container is stopped (the grace period counts it): drain connections, remove node state.
    pub pre_stop: Option<Hook>,
    /// Runs right after the container is created.
    pub post_start: Option<Hook>,
    /// The file the container writes its termination message to (`/dev/termination-log` by default).
    #[builder(setter(into))]
    pub termination_message_path: Option<String>,
    /// Where the termination message comes from.
    pub termination_message_policy: Option<TerminationMessagePolicy>,
    /// For an init container: keep it running beside the main containers (a sidecar, `restartPolicy: Always`).
    #[builder(!default, setter(!strip_option, strip_bool(fallback = sidecar_bool)))]
    pub sidecar: bool,
    /// What an in-place resize of a resource does to the container.
    #[builder(via_mutators, mutators(
        /// Sets what resizing `resource` in place does (restart the container or not).
        pub fn resize_policy(&mut self, resource: ResizeResource, restart: ResizeRestart) {
            self.resize_policy.push((resource, restart));
        }
    ))]
    pub resize_policy: Vec<(ResizeResource, ResizeRestart)>,
    /// Changes to the generated k8s-openapi container, for fields this builder does not model.
    #[builder(via_mutators, mutators(
        /// Changes the generated k8s-openapi container (any field this builder does not model); the result is
        /// still validated.
        pub fn customize(&mut self, change: impl FnOnce(&mut K8sContainer) + Send + 'static) {
            self.customizers.push(Box::new(change));
        }
    ))]
    customizers: Vec<ContainerCustomizer>,
}

impl std::fmt::Debug for Container {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Container")
            .field("name", &self.name)
            .field("image", &self.image)
            .finish_non_exhaustive()
    }
}

impl Container {
    /// Converts to the k8s-openapi container, giving `add_volume` the volume of each mount in order.
    pub(crate) fn into_parts(self, mut add_volume: impl FnMut(super::Volume)) -> K8sContainer {
        let mounts = self
            .mounts
            .into_iter()
            .map(|mount| {
                let (volume, mount) = mount.into_parts();
                add_volume(volume);
                mount
            })
            .collect();
        let mut container = K8sContainer {
            name: self.name,
            image: Some(self.image),
            command: non_empty(self.command),
            args: non_empty(self.args),
            working_dir: self.working_dir,
            ports: non_empty(self.ports.into_iter().map(|p| p.0).collect()),
            env: non_empty(self.env.into_iter().map(K8sEnvVar::from).collect()),
            env_from: non_empty(self.env_from.into_iter().map(EnvFromSource::from).collect()),
            resources: self.resources.map(Into::into),
            volume_mounts: non_empty(mounts),
            liveness_probe: self.liveness_probe.map(|p| *p.0),
            readiness_probe: self.readiness_probe.map(|p| *p.0),
            startup_probe: self.startup_probe.map(|p| *p.0),
            security_context: self.security_context.map(Into::into),
            image_pull_policy: self.image_pull_policy.map(|p| p.as_str().to_owned()),
            lifecycle: (self.pre_stop.is_some() || self.post_start.is_some()).then(|| Lifecycle {
                pre_stop: self.pre_stop.map(Into::into),
                post_start: self.post_start.map(Into::into),
                ..Default::default()
            }),
            termination_message_path: self.termination_message_path,
            termination_message_policy: self
                .termination_message_policy
                .map(|p| p.as_str().to_owned()),
            restart_policy: self.sidecar.then(|| "Always".to_owned()),
            resize_policy: non_empty(
                self.resize_policy
                    .into_iter()
                    .map(|(resource, restart)| ContainerResizePolicy {
                        resource_name: resource.as_str().to_owned(),
                        restart_policy: restart.as_str().to_owned(),
                    })
                    .collect(),
            ),
            ..Default::default()
        };
        for change in self.customizers {
            change(&mut container);
        }
        container
    }
}
