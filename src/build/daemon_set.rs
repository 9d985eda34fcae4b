//! The DaemonSet itself: metadata, the selector derived from the template's selector labels, pod-level settings,
//! and `build()`, which assembles the k8s-openapi object and validates it.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::{DaemonSet as K8sDaemonSet, DaemonSetSpec};
use k8s_openapi::api::core::v1::{
    Affinity, HostAlias, LocalObjectReference, PodDNSConfig, PodDNSConfigOption, PodOS,
    PodReadinessGate, PodSpec, PodTemplateSpec, Toleration as K8sToleration, Volume as K8sVolume,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use typed_builder::TypedBuilder;

use super::container::non_empty;
use super::{
    Container, NodeAffinity, PodPlacement, PodSecurityContext, Toleration, UpdateStrategy, Volume,
};
use crate::validate::{self, FieldPath, ValidationErrors, Violation};

pub use daemonset_rules::model::DnsPolicy;

/// The operating system the pods run on (the scheduler and the API server's checks follow it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Os {
    /// Linux.
    Linux,
    /// Windows.
    Windows,
}

impl Os {
    /// The name the API server uses.
    pub fn as_str(self) -> &'static str {
        match self {
            Os::Linux => "linux",
            Os::Windows => "windows",
        }
    }
}

/// The pod's resolver configuration, merged with what [`DnsPolicy`] gives (alone with [`DnsPolicy::None`]).
///
/// ```
/// use daemonset::build::DnsConfig;
/// let dns = DnsConfig::default().nameserver("169.254.20.10").search("svc.cluster.local").option("ndots", Some("2"));
/// # let _ = dns;
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DnsConfig(PodDNSConfig);

impl DnsConfig {
    /// Adds a nameserver IP address.
    #[must_use]
    pub fn nameserver(mut self, ip: impl Into<String>) -> DnsConfig {
        self.0
            .nameservers
            .get_or_insert_with(Vec::new)
            .push(ip.into());
        self
    }

    /// Adds a search domain.
    #[must_use]
    pub fn search(mut self, domain: impl Into<String>) -> DnsConfig {
        self.0
            .searches
            .get_or_insert_with(Vec::new)
            .push(domain.into());
        self
    }

    /// Adds a resolver option (`ndots: 2`, `single-request-reopen`).
    #[must_use]
    pub fn option(mut self, name: impl Into<String>, value: Option<&str>) -> DnsConfig {
        self.0
            .options
            .get_or_insert_with(Vec::new)
            .push(PodDNSConfigOption {
                name: Some(name.into()),
                value: value.map(str::to_owned),
            });
        self
    }
}

type Customizer = Box<dyn FnOnce(&mut K8sDaemonSet) + Send>;

/// A DaemonSet, written with types that make the common mistakes impossible; [`build`](NodeAgentBuilder::build)
/// turns it into a validated [`k8s_openapi::api::apps::v1::DaemonSet`].
///
/// - The selector is derived from the selector labels, which are also put on the pod template: it always matches.
/// - Volumes come with their mounts ([`Volume::mount`]): a mount of an undeclared volume cannot be written.
/// - `name`, at least one selector label and a container with an image are required; what types cannot say is
///   checked by validation when building, and every violation is returned at once.
///
/// ```
/// use daemonset::build::{Container, NodeAgent, Effect, Toleration, Volume};
///
/// let varlog = Volume::host_path("varlog", "/var/log");
/// let ds = NodeAgent::builder()
///     .name("log-collector")
///     .label("app", "log-collector")
///     .selector_label("name", "log-collector")
///     .toleration(Toleration::key("node-role.kubernetes.io/control-plane").effect(Effect::NoSchedule))
///     .container(
///         Container::builder()
///             .name("log-collector")
///             .image("fluent/fluentd:v1.14-1")
///             .mount(varlog.mount("/var/log"))
///             .build(),
///     )
///     .build()?;
/// assert_eq!(ds.spec.unwrap().template.spec.unwrap().volumes.unwrap()[0].name, "varlog");
/// # Ok::<(), daemonset::ValidationErrors>(())
/// ```
#[derive(TypedBuilder)]
#[builder(
    field_defaults(default, setter(strip_option(fallback_suffix = "_opt"))),
    build_method(into = Result<K8sDaemonSet, ValidationErrors>, doc = "Assembles the DaemonSet and validates it: \
        every violation of the API server's rules (and of the rules the server lacks) is returned at once.")
)]
pub struct NodeAgent {
    /// The DaemonSet's name.
    #[builder(!default, setter(!strip_option, into))]
    pub name: String,
    /// The namespace (left to the client's default when unset).
    #[builder(setter(into))]
    pub namespace: Option<String>,
    /// Labels of the DaemonSet object.
    #[builder(via_mutators, mutators(
        /// Adds a label to the DaemonSet object.
        pub fn label(&mut self, key: impl Into<String>, value: impl Into<String>) {
            self.labels.insert(key.into(), value.into());
        }
    ))]
    pub labels: BTreeMap<String, String>,
    /// Annotations of the DaemonSet object.
    #[builder(via_mutators, mutators(
        /// Adds an annotation to the DaemonSet object (e.g. `kubernetes.io/change-cause`).
        pub fn annotation(&mut self, key: impl Into<String>, value: impl Into<String>) {
            self.annotations.insert(key.into(), value.into());
        }
    ))]
    pub annotations: BTreeMap<String, String>,
    /// The labels that select the pods: put on the template and used as `spec.selector.matchLabels`.
    #[builder(via_mutators, mutators(
        /// Adds a selector label: the pods carry it and the selector matches it. The selector is immutable once
        /// the DaemonSet exists, so choose these labels for life.
        pub fn selector_label(&mut self, key: impl Into<String>, value: impl Into<String>) {
            self.selector_labels.insert(key.into(), value.into());
        }
    ))]
    pub selector_labels: BTreeMap<String, String>,
    /// Further labels of the pods, not part of the selector.
    #[builder(via_mutators, mutators(
        /// Adds a label to the pods only (not part of the selector, so it may change later).
        pub fn pod_label(&mut self, key: impl Into<String>, value: impl Into<String>) {
            self.pod_labels.insert(key.into(), value.into());
        }
    ))]
    pub pod_labels: BTreeMap<String, String>,
    /// Annotations of the pods.
    #[builder(via_mutators, mutators(
        /// Adds an annotation to the pods (changing it rolls the pods).
        pub fn pod_annotation(&mut self, key: impl Into<String>, value: impl Into<String>) {
            self.pod_annotations.insert(key.into(), value.into());
        }
    ))]
    pub pod_annotations: BTreeMap<String, String>,
    /// The containers.
    #[builder(via_mutators, mutators(
        /// Adds a container.
        pub fn container(&mut self, container: Container) {
            self.containers.push(container);
        }
    ))]
    pub containers: Vec<Container>,
    /// Init containers, run in order before the containers.
    #[builder(via_mutators, mutators(
        /// Adds an init container.
        pub fn init_container(&mut self, container: Container) {
            self.init_containers.push(container);
        }
    ))]
    pub init_containers: Vec<Container>,
    /// Volumes declared without being mounted by a container (mounted volumes need not be listed).
    #[builder(via_mutators, mutators(
        /// Declares a volume no container mounts (rare: mounted volumes are collected from their mounts).
        pub fn volume(&mut self, volume: Volume) {
            self.volumes.push(volume);
        }
    ))]
    pub volumes: Vec<Volume>,
    /// Node labels a node must have.
    #[builder(via_mutators, mutators(
        /// Runs only on nodes with this label value.
        pub fn node_selector(&mut self, key: impl Into<String>, value: impl Into<String>) {
            self.node_selector.insert(key.into(), value.into());
        }
    ))]
    pub node_selector: BTreeMap<String, String>,
    /// Node affinity.
    pub node_affinity: Option<NodeAffinity>,
    /// Pod affinity: schedule next to pods with given labels.
    pub pod_affinity: Option<PodPlacement>,
    /// Pod anti-affinity: schedule away from pods with given labels.
    pub pod_anti_affinity: Option<PodPlacement>,
    /// Entries added to the pods' `/etc/hosts`, `(ip, hostnames)`.
    #[builder(via_mutators, mutators(
        /// Adds an `/etc/hosts` entry: `ip` for these hostnames.
        pub fn host_alias(&mut self, ip: impl Into<String>, hostnames: impl IntoIterator<Item = impl Into<String>>) {
            self.host_aliases.push((ip.into(), hostnames.into_iter().map(Into::into).collect()));
        }
    ))]
    pub host_aliases: Vec<(String, Vec<String>)>,
    /// The name in the pod template's metadata (the controller names pods by itself; some manifests set it).
    #[builder(setter(into))]
    pub template_name: Option<String>,
    /// Tolerations of node taints.
    #[builder(via_mutators, mutators(
        /// Adds a toleration.
        pub fn toleration(&mut self, toleration: Toleration) {
            self.tolerations.push(toleration);
        }
    ))]
    pub tolerations: Vec<Toleration>,
    /// The update strategy (the server's default is a rolling update with maxUnavailable 1).
    pub update_strategy: Option<UpdateStrategy>,
    /// Seconds a pod gets to stop.
    pub termination_grace_period_seconds: Option<u32>,
    /// Uses the node's network namespace.
    #[builder(!default, setter(!strip_option, strip_bool(fallback = host_network_bool)))]
    pub host_network: bool,
    /// Uses the node's process namespace.
    #[builder(!default, setter(!strip_option, strip_bool(fallback = host_pid_bool)))]
    pub host_pid: bool,
    /// DNS policy.
    pub dns_policy: Option<DnsPolicy>,
    /// Priority class (`system-node-critical` for agents a node cannot do without).
    #[builder(setter(into))]
    pub priority_class_name: Option<String>,
    /// Service account of the pods.
    #[builder(setter(into))]
    pub service_account_name: Option<String>,
    /// Secrets for pulling images.
    #[builder(via_mutators, mutators(
        /// Adds an image pull secret.
        pub fn image_pull_secret(&mut self, name: impl Into<String>) {
            self.image_pull_secrets.push(name.into());
        }
    ))]
    pub image_pull_secrets: Vec<String>,
    /// Security settings of the whole pod.
    pub security_context: Option<PodSecurityContext>,
    /// Mounts the service account's API token (`false` for agents that never call the API).
    pub automount_service_account_token: Option<bool>,
    /// Containers of the pod see each other's processes.
    #[builder(!default, setter(!strip_option, strip_bool(fallback = share_process_namespace_bool)))]
    pub share_process_namespace: bool,
    /// Uses the node's IPC namespace.
    #[builder(!default, setter(!strip_option, strip_bool(fallback = host_ipc_bool)))]
    pub host_ipc: bool,
    /// `false` runs the pod in its own user namespace.
    pub host_users: Option<bool>,
    /// The RuntimeClass of the pods (`nvidia`, `kata`).
    #[builder(setter(into))]
    pub runtime_class_name: Option<String>,
    /// The operating system the pods run on.
    pub os: Option<Os>,
    /// Resolver configuration.
    pub dns_config: Option<DnsConfig>,
    /// Service environment variables (`<SVC>_SERVICE_HOST`) in the containers (`false` leaves them out).
    pub enable_service_links: Option<bool>,
    /// The scheduler that places the pods (the DaemonSet controller only creates them).
    #[builder(setter(into))]
    pub scheduler_name: Option<String>,
    /// Pod conditions that must be true before the pod counts as ready.
    #[builder(via_mutators, mutators(
        /// Adds a readiness gate: a pod condition type that must be `True`.
        pub fn readiness_gate(&mut self, condition_type: impl Into<String>) {
            self.readiness_gates.push(condition_type.into());
        }
    ))]
    pub readiness_gates: Vec<String>,
    /// Seconds a new pod must be ready before it counts as available.
    pub min_ready_seconds: Option<u32>,
    /// Old revisions kept for rollback.
    pub revision_history_limit: Option<u32>,
    #[builder(via_mutators, mutators(
        /// Changes the assembled k8s-openapi object before validation: the escape hatch for any field this builder
        /// does not model. The result is validated like everything else.
        pub fn customize(&mut self, change: impl FnOnce(&mut K8sDaemonSet) + Send + 'static) {
            self.customizers.push(Box::new(change));
        }
    ))]
    customizers: Vec<Customizer>,
}

impl std::fmt::Debug for NodeAgent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NodeAgent")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

fn non_empty_map(map: BTreeMap<String, String>) -> Option<BTreeMap<String, String>> {
    (!map.is_empty()).then_some(map)
}

fn to_i32(value: u32) -> i32 {
    i32::try_from(value).unwrap_or(i32::MAX)
}

impl NodeAgent {
    /// Assembles the k8s-openapi object without validating it; conflicts the builder itself detects (a pod label
    /// that contradicts a selector label, two different volumes under one name) are returned beside it.
    pub fn assemble(self) -> (K8sDaemonSet, Vec<Violation>) {
        let mut conflicts = Vec::new();
        let daemon_set = self.assemble_into(&mut conflicts);
        (daemon_set, conflicts)
    }

    /// [`assemble`](Self::assemble), the conflicts pushed onto `conflicts`.
    fn assemble_into(self, conflicts: &mut Vec<Violation>) -> K8sDaemonSet {
        let mut template_labels = self.pod_labels;
        for (key, value) in &self.selector_labels {
            if let Some(other) = template_labels.insert(key.clone(), value.clone())
                && &other != value
            {
                conflicts.push(Violation::invalid(
                    FieldPath::root("spec")
                        .child("template")
                        .child("metadata")
                        .child("labels")
                        .key(key),
                    validate::quote(&other),
                    format!("pod label `{key}` contradicts the selector label `{key}={value}`"),
                ));
            }
        }

        let mut volumes: Vec<Volume> = self.volumes;
        let mut add_volume = |volume: Volume, conflicts: &mut Vec<Violation>| match volumes
            .iter()
            .position(|v| v.name() == volume.name())
        {
            None => volumes.push(volume),
            Some(i) if volumes[i].same_as(&volume) => {}
            Some(i) => {
                conflicts.push(Violation::duplicate(
                    FieldPath::root("spec")
                        .child("template")
                        .child("spec")
                        .child("volumes")
                        .index(i)
                        .child("name"),
                    validate::quote(volume.name()),
                ));
                volumes.push(volume);
            }
        };
        let containers = self
            .containers
            .into_iter()
            .map(|c| c.into_parts(|v| add_volume(v, conflicts)))
            .collect();
        let init_containers = self
            .init_containers
            .into_iter()
            .map(|c| c.into_parts(|v| add_volume(v, conflicts)))
            .collect();

        let pod = PodSpec {
            containers,
            init_containers: non_empty(init_containers),
            volumes: non_empty(volumes.into_iter().map(K8sVolume::from).collect()),
            node_selector: non_empty_map(self.node_selector),
            affinity: (self.node_affinity.is_some()
                || self.pod_affinity.is_some()
                || self.pod_anti_affinity.is_some())
            .then(|| Affinity {
                node_affinity: self.node_affinity.map(Into::into),
                pod_affinity: self.pod_affinity.map(Into::into),
                pod_anti_affinity: self.pod_anti_affinity.map(Into::into),
            }),
            host_aliases: non_empty(
                self.host_aliases
                    .into_iter()
                    .map(|(ip, hostnames)| HostAlias {
                        ip,
                        hostnames: non_empty(hostnames),
                    })
                    .collect(),
            ),
            tolerations: non_empty(
                self.tolerations
                    .into_iter()
                    .map(K8sToleration::from)
                    .collect(),
            ),
            termination_grace_period_seconds: self.termination_grace_period_seconds.map(i64::from),
            host_network: self.host_network.then_some(true),
            host_pid: self.host_pid.then_some(true),
            dns_policy: self.dns_policy.map(|p| p.as_str().to_owned()),
            priority_class_name: self.priority_class_name,
            service_account_name: self.service_account_name,
            image_pull_secrets: non_empty(
                self.image_pull_secrets
                    .into_iter()
                    .map(|name| LocalObjectReference { name })
                    .collect(),
            ),
            security_context: self.security_context.map(Into::into),
            automount_service_account_token: self.automount_service_account_token,
            share_process_namespace: self.share_process_namespace.then_some(true),
            host_ipc: self.host_ipc.then_some(true),
            host_users: self.host_users,
            runtime_class_name: self.runtime_class_name,
            os: self.os.map(|os| PodOS {
                name: os.as_str().to_owned(),
            }),
            dns_config: self.dns_config.map(|c| c.0),
            enable_service_links: self.enable_service_links,
            scheduler_name: self.scheduler_name,
            readiness_gates: non_empty(
                self.readiness_gates
                    .into_iter()
                    .map(|condition_type| PodReadinessGate { condition_type })
                    .collect(),
            ),
            ..Default::default()
        };
        let mut daemon_set = K8sDaemonSet {
            metadata: ObjectMeta {
                name: Some(self.name),
                namespace: self.namespace,
                labels: non_empty_map(self.labels),
                annotations: non_empty_map(self.annotations),
                ..Default::default()
            },
            spec: Some(DaemonSetSpec {
                selector: LabelSelector {
                    match_labels: Some(self.selector_labels),
                    match_expressions: None,
                },
                template: PodTemplateSpec {
                    metadata: Some(ObjectMeta {
                        name: self.template_name,
                        labels: non_empty_map(template_labels),
                        annotations: non_empty_map(self.pod_annotations),
                        ..Default::default()
                    }),
                    spec: Some(pod),
                },
                update_strategy: self.update_strategy.map(Into::into),
                min_ready_seconds: self.min_ready_seconds.map(to_i32),
                revision_history_limit: self.revision_history_limit.map(to_i32),
            }),
            status: None,
        };
        for change in self.customizers {
            change(&mut daemon_set);
        }
        daemon_set
    }
}

impl From<NodeAgent> for Result<K8sDaemonSet, ValidationErrors> {
    fn from(definition: NodeAgent) -> Self {
        let mut violations = Vec::new();
        let daemon_set = definition.assemble_into(&mut violations);
        if let Err(errors) = validate::validate(&daemon_set) {
            violations.extend(errors.into_violations());
        }
        match ValidationErrors::result(violations) {
            Ok(()) => Ok(daemon_set),
            Err(errors) => Err(errors),
        }
    }
}
