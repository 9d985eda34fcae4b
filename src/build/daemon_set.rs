//! The DaemonSet itself: metadata, the selector derived from the template's selector labels, pod-level settings,
//! and `build()`, which assembles the k8s-openapi object and validates it.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::{DaemonSet as K8sDaemonSet, DaemonSetSpec};
use k8s_openapi::api::core::v1::{
    Affinity, LocalObjectReference, PodSpec, PodTemplateSpec, Toleration as K8sToleration,
    Volume as K8sVolume,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use typed_builder::TypedBuilder;

use super::container::non_empty;
use super::{Container, NodeAffinity, Toleration, UpdateStrategy, Volume};
use crate::validate::{self, FieldPath, ValidationErrors, Violation};

pub use daemonset_rules::model::DnsPolicy;

type Customizer = Box<dyn FnOnce(&mut K8sDaemonSet) + Send>;

/// A DaemonSet, written with types that make the common mistakes impossible; [`build`](DaemonSetBuilder::build)
/// turns it into a validated [`k8s_openapi::api::apps::v1::DaemonSet`].
///
/// - The selector is derived from the selector labels, which are also put on the pod template: it always matches.
/// - Volumes come with their mounts ([`Volume::mount`]): a mount of an undeclared volume cannot be written.
/// - `name`, at least one selector label and a container with an image are required; what types cannot say is
///   checked by validation when building, and every violation is returned at once.
///
/// ```
/// use daemonset::build::{Container, DaemonSet, Effect, Toleration, Volume};
///
/// let varlog = Volume::host_path("varlog", "/var/log");
/// let ds = DaemonSet::builder()
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
pub struct DaemonSet {
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

impl std::fmt::Debug for DaemonSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DaemonSet")
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

impl DaemonSet {
    /// Assembles the k8s-openapi object without validating it; conflicts the builder itself detects (a pod label
    /// that contradicts a selector label, two different volumes under one name) are returned beside it.
    pub fn assemble(self) -> (K8sDaemonSet, Vec<Violation>) {
        let mut conflicts = Vec::new();
        let template_labels_path = FieldPath::root("spec")
            .child("template")
            .child("metadata")
            .child("labels");
        let mut template_labels = self.pod_labels;
        for (key, value) in &self.selector_labels {
            if let Some(other) = template_labels.insert(key.clone(), value.clone())
                && &other != value
            {
                conflicts.push(Violation::invalid(
                    template_labels_path.key(key),
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
            Some(i) if volumes[i] == volume => {}
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
        let mut containers = Vec::new();
        for c in self.containers {
            let (container, mounted) = c.into_parts();
            mounted
                .into_iter()
                .for_each(|v| add_volume(v, &mut conflicts));
            containers.push(container);
        }
        let mut init_containers = Vec::new();
        for c in self.init_containers {
            let (container, mounted) = c.into_parts();
            mounted
                .into_iter()
                .for_each(|v| add_volume(v, &mut conflicts));
            init_containers.push(container);
        }

        let pod = PodSpec {
            containers,
            init_containers: non_empty(init_containers),
            volumes: non_empty(volumes.into_iter().map(K8sVolume::from).collect()),
            node_selector: non_empty_map(self.node_selector),
            affinity: self.node_affinity.map(|a| Affinity {
                node_affinity: Some(a.into()),
                ..Default::default()
            }),
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
        (daemon_set, conflicts)
    }
}

impl From<DaemonSet> for Result<K8sDaemonSet, ValidationErrors> {
    fn from(definition: DaemonSet) -> Self {
        let (daemon_set, mut violations) = definition.assemble();
        if let Err(errors) = validate::validate(&daemon_set) {
            violations.extend(errors.into_violations());
        }
        ValidationErrors::result(violations).map(|()| daemon_set)
    }
}
