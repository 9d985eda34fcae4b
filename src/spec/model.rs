//! The spec-file format: plain data, deserialized strictly (every struct denies unknown keys). The closed sets
//! (effects, operators, protocols, ...) are the shared enums of `daemonset_rules::model`, read by their API names.

use std::collections::BTreeMap;
use std::fmt;

use daemonset_rules::model::{
    ClosedSet, DnsPolicy, Effect, HostPathType, ImagePullPolicy, MountPropagation,
    NodeSelectorOperator, Protocol, StorageMedium, TolerationOperator, UpdateStrategyType,
};
use serde::Deserialize;

use crate::build::{
    FsGroupChangePolicy, Os, ResizeResource, ResizeRestart, TerminationMessagePolicy,
};
use serde::de::{self, Deserializer, Visitor};

type Map = BTreeMap<String, String>;

/// A whole spec file: one DaemonSet in the builder's vocabulary.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct Spec {
    pub name: String,
    pub namespace: Option<String>,
    #[serde(default)]
    pub labels: Map,
    #[serde(default)]
    pub annotations: Map,
    #[serde(default)]
    pub selector_labels: Map,
    #[serde(default)]
    pub pod_labels: Map,
    #[serde(default)]
    pub pod_annotations: Map,
    #[serde(default)]
    pub containers: Vec<ContainerSpec>,
    #[serde(default)]
    pub init_containers: Vec<ContainerSpec>,
    #[serde(default)]
    pub volumes: Vec<VolumeSpec>,
    #[serde(default)]
    pub node_selector: Map,
    pub affinity: Option<AffinitySpec>,
    #[serde(default)]
    pub tolerations: Vec<TolerationSpec>,
    pub update_strategy: Option<UpdateStrategySpec>,
    pub termination_grace_period_seconds: Option<u32>,
    #[serde(default)]
    pub host_network: bool,
    #[serde(default, rename = "hostPID")]
    pub host_pid: bool,
    #[serde(default, deserialize_with = "closed")]
    pub dns_policy: Option<DnsPolicy>,
    pub priority_class_name: Option<String>,
    pub service_account_name: Option<String>,
    #[serde(default)]
    pub image_pull_secrets: Vec<String>,
    #[serde(default, deserialize_with = "int32")]
    pub min_ready_seconds: Option<u32>,
    #[serde(default, deserialize_with = "int32")]
    pub revision_history_limit: Option<u32>,
    pub security_context: Option<PodSecurityContextSpec>,
    pub automount_service_account_token: Option<bool>,
    #[serde(default)]
    pub share_process_namespace: bool,
    #[serde(default, rename = "hostIPC")]
    pub host_ipc: bool,
    pub host_users: Option<bool>,
    pub runtime_class_name: Option<String>,
    pub os: Option<OsSpec>,
    pub dns_config: Option<DnsConfigSpec>,
    pub enable_service_links: Option<bool>,
    pub scheduler_name: Option<String>,
    #[serde(default)]
    pub readiness_gates: Vec<ReadinessGateSpec>,
    #[serde(default)]
    pub host_aliases: Vec<HostAliasSpec>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct PodSecurityContextSpec {
    pub run_as_non_root: Option<bool>,
    pub run_as_user: Option<i64>,
    pub run_as_group: Option<i64>,
    pub fs_group: Option<i64>,
    #[serde(default, deserialize_with = "closed")]
    pub fs_group_change_policy: Option<FsGroupChangePolicy>,
    #[serde(default)]
    pub supplemental_groups: Vec<i64>,
    pub seccomp_profile: Option<ProfileSpec>,
    pub app_armor_profile: Option<ProfileSpec>,
    pub se_linux_options: Option<SeLinuxSpec>,
    pub windows_options: Option<WindowsSpec>,
    #[serde(default)]
    pub sysctls: Vec<SysctlSpec>,
}

/// A seccomp or AppArmor profile: `type`, with `localhostProfile` for `Localhost` only.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct ProfileSpec {
    #[serde(rename = "type", deserialize_with = "required_closed")]
    pub kind: ProfileType,
    pub localhost_profile: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct SeLinuxSpec {
    pub user: Option<String>,
    pub role: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub level: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct WindowsSpec {
    pub host_process: Option<bool>,
    pub run_as_user_name: Option<String>,
    pub gmsa_credential_spec_name: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct SysctlSpec {
    pub name: String,
    pub value: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct OsSpec {
    #[serde(deserialize_with = "required_closed")]
    pub name: Os,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct DnsConfigSpec {
    #[serde(default)]
    pub nameservers: Vec<String>,
    #[serde(default)]
    pub searches: Vec<String>,
    #[serde(default)]
    pub options: Vec<DnsOptionSpec>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct DnsOptionSpec {
    pub name: String,
    pub value: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct ReadinessGateSpec {
    pub condition_type: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct HostAliasSpec {
    pub ip: String,
    #[serde(default)]
    pub hostnames: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct ContainerSpec {
    pub name: String,
    pub image: String,
    #[serde(default)]
    pub command: Vec<String>,
    #[serde(default)]
    pub args: Vec<String>,
    pub working_dir: Option<String>,
    #[serde(default, deserialize_with = "closed")]
    pub image_pull_policy: Option<ImagePullPolicy>,
    #[serde(default)]
    pub ports: Vec<PortSpec>,
    #[serde(default)]
    pub env: Vec<EnvSpec>,
    #[serde(default)]
    pub env_from: Vec<EnvFromSpec>,
    pub resources: Option<ResourcesSpec>,
    #[serde(default)]
    pub mounts: Vec<MountSpec>,
    pub liveness_probe: Option<ProbeSpec>,
    pub readiness_probe: Option<ProbeSpec>,
    pub startup_probe: Option<ProbeSpec>,
    pub security_context: Option<SecurityContextSpec>,
    pub lifecycle: Option<LifecycleSpec>,
    pub termination_message_path: Option<String>,
    #[serde(default, deserialize_with = "closed")]
    pub termination_message_policy: Option<TerminationMessagePolicy>,
    /// `Always` only, on an init container: a sidecar.
    #[serde(default, deserialize_with = "closed")]
    pub restart_policy: Option<ContainerRestartPolicy>,
    #[serde(default)]
    pub resize_policy: Vec<ResizePolicySpec>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct LifecycleSpec {
    pub pre_stop: Option<HookSpec>,
    pub post_start: Option<HookSpec>,
}

/// A lifecycle hook: exactly one of `exec`, `httpGet`, `sleep`, `tcpSocket`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct HookSpec {
    pub exec: Option<ExecSpec>,
    pub http_get: Option<HookHttpSpec>,
    pub sleep: Option<SleepSpec>,
    pub tcp_socket: Option<PortOnlySpec>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct ExecSpec {
    pub command: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct HookHttpSpec {
    pub path: String,
    pub port: u16,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct SleepSpec {
    pub seconds: u32,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct ResizePolicySpec {
    #[serde(deserialize_with = "required_closed")]
    pub resource_name: ResizeResource,
    #[serde(deserialize_with = "required_closed")]
    pub restart_policy: ResizeRestart,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct PortSpec {
    pub container_port: u16,
    pub name: Option<String>,
    #[serde(default, deserialize_with = "closed")]
    pub protocol: Option<Protocol>,
    pub host_port: Option<u16>,
    #[serde(rename = "hostIP")]
    pub host_ip: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct EnvSpec {
    pub name: String,
    pub value: Option<String>,
    pub field: Option<String>,
    pub resource_field: Option<String>,
    pub divisor: Option<Text>,
    pub container: Option<String>,
    pub config_map_key: Option<KeyRefSpec>,
    pub secret_key: Option<KeyRefSpec>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct KeyRefSpec {
    pub name: String,
    pub key: String,
    #[serde(default)]
    pub optional: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct EnvFromSpec {
    pub config_map: Option<String>,
    pub secret: Option<String>,
    pub prefix: Option<String>,
    #[serde(default)]
    pub optional: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct ResourcesSpec {
    pub requests: Option<AmountsSpec>,
    pub limits: Option<AmountsSpec>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct AmountsSpec {
    pub cpu: Option<Text>,
    pub memory: Option<Text>,
    #[serde(rename = "ephemeral-storage")]
    pub ephemeral_storage: Option<Text>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct MountSpec {
    pub volume: String,
    pub path: String,
    #[serde(default)]
    pub read_only: bool,
    pub sub_path: Option<String>,
    #[serde(default, deserialize_with = "closed")]
    pub propagation: Option<MountPropagation>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct ProbeSpec {
    pub http_get: Option<HttpGetSpec>,
    pub tcp_socket: Option<TcpSocketSpec>,
    pub exec: Option<Vec<String>>,
    pub grpc: Option<GrpcSpec>,
    #[serde(default, deserialize_with = "int32")]
    pub initial_delay_seconds: Option<u32>,
    #[serde(default, deserialize_with = "int32")]
    pub period_seconds: Option<u32>,
    #[serde(default, deserialize_with = "int32")]
    pub timeout_seconds: Option<u32>,
    #[serde(default, deserialize_with = "int32")]
    pub failure_threshold: Option<u32>,
    #[serde(default, deserialize_with = "int32")]
    pub success_threshold: Option<u32>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct HttpGetSpec {
    pub path: String,
    pub port: Text,
    pub host: Option<String>,
    #[serde(default, deserialize_with = "closed")]
    pub scheme: Option<Scheme>,
    #[serde(default)]
    pub http_headers: Vec<HeaderSpec>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct HeaderSpec {
    pub name: String,
    pub value: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct PortOnlySpec {
    pub port: u16,
}

/// A probe's `tcpSocket`: a port number or name, and the host.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct TcpSocketSpec {
    pub port: Text,
    pub host: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct GrpcSpec {
    pub port: u16,
    pub service: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct SecurityContextSpec {
    pub privileged: Option<bool>,
    pub allow_privilege_escalation: Option<bool>,
    pub read_only_root_filesystem: Option<bool>,
    pub run_as_non_root: Option<bool>,
    pub run_as_user: Option<i64>,
    pub run_as_group: Option<i64>,
    pub capabilities: Option<CapabilitiesSpec>,
    pub seccomp_profile: Option<ProfileSpec>,
    pub app_armor_profile: Option<ProfileSpec>,
    pub se_linux_options: Option<SeLinuxSpec>,
    pub windows_options: Option<WindowsSpec>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct CapabilitiesSpec {
    #[serde(default)]
    pub add: Vec<String>,
    #[serde(default)]
    pub drop: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct VolumeSpec {
    pub name: String,
    pub host_path: Option<HostPathSpec>,
    pub config_map: Option<ObjectVolumeSpec>,
    pub secret: Option<ObjectVolumeSpec>,
    pub empty_dir: Option<EmptyDirSpec>,
    pub projected: Option<ProjectedSpec>,
    #[serde(rename = "downwardAPI")]
    pub downward_api: Option<DownwardSpec>,
    pub csi: Option<CsiSpec>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct CsiSpec {
    pub driver: String,
    #[serde(default)]
    pub volume_attributes: Map,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct HostPathSpec {
    pub path: String,
    #[serde(default, rename = "type", deserialize_with = "closed")]
    pub kind: Option<HostPathType>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct ObjectVolumeSpec {
    pub name: String,
    #[serde(default)]
    pub items: Vec<KeyPathSpec>,
    pub default_mode: Option<i32>,
    #[serde(default)]
    pub optional: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct KeyPathSpec {
    pub key: String,
    pub path: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct EmptyDirSpec {
    #[serde(default, deserialize_with = "closed")]
    pub medium: Option<StorageMedium>,
    pub size_limit: Option<Text>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct ProjectedSpec {
    pub sources: Vec<ProjectionSpec>,
    pub default_mode: Option<i32>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct ProjectionSpec {
    pub config_map: Option<String>,
    pub secret: Option<String>,
    pub service_account_token: Option<TokenSpec>,
    #[serde(rename = "downwardAPI")]
    pub downward_api: Option<Vec<FieldFileSpec>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct TokenSpec {
    pub path: String,
    pub audience: Option<String>,
    pub expiration_seconds: Option<i64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct DownwardSpec {
    pub items: Vec<FieldFileSpec>,
    pub default_mode: Option<i32>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct FieldFileSpec {
    pub path: String,
    pub field: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct AffinitySpec {
    #[serde(default)]
    pub required: Vec<TermSpec>,
    #[serde(default)]
    pub preferred: Vec<PreferredSpec>,
    pub pod_affinity: Option<PodPlacementSpec>,
    pub pod_anti_affinity: Option<PodPlacementSpec>,
}

/// Pod affinity or anti-affinity in the vocabulary of node affinity: `required` and `preferred` terms.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct PodPlacementSpec {
    #[serde(default)]
    pub required: Vec<PodTermSpec>,
    #[serde(default)]
    pub preferred: Vec<PreferredPodTermSpec>,
}

/// A pod affinity term: pods with these labels (in these namespaces, by default the pod's own) in the same
/// topology domain.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct PodTermSpec {
    pub topology_key: String,
    pub match_labels: Map,
    #[serde(default)]
    pub namespaces: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct PreferredPodTermSpec {
    pub weight: i32,
    pub topology_key: String,
    pub match_labels: Map,
    #[serde(default)]
    pub namespaces: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct TermSpec {
    #[serde(default)]
    pub match_expressions: Vec<RequirementSpec>,
    pub node_name: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct PreferredSpec {
    pub weight: i32,
    pub match_expressions: Vec<RequirementSpec>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct RequirementSpec {
    pub key: String,
    #[serde(deserialize_with = "required_closed")]
    pub operator: NodeSelectorOperator,
    #[serde(default)]
    pub values: Vec<Text>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct TolerationSpec {
    pub key: Option<String>,
    #[serde(default, deserialize_with = "closed")]
    pub operator: Option<TolerationOperator>,
    pub value: Option<String>,
    #[serde(default, deserialize_with = "closed")]
    pub effect: Option<Effect>,
    pub toleration_seconds: Option<u32>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct UpdateStrategySpec {
    #[serde(default, rename = "type", deserialize_with = "closed")]
    pub kind: Option<UpdateStrategyType>,
    pub max_unavailable: Option<Text>,
    pub max_surge: Option<Text>,
}

/// A scalar written as a string or a number (`cpu: 1`, `cpu: "250m"`, `port: 8080`, `port: http`), kept as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Text(pub String);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TextVisitor;
        impl Visitor<'_> for TextVisitor {
            type Value = Text;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string or a number")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Text, E> {
                Ok(Text(v.to_owned()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
        }
        deserializer.deserialize_any(TextVisitor)
    }
}

/// A non-negative count held in an int32 field of the API (`minReadySeconds`, probe periods): a value above
/// 2147483647 is an error, not clamped.
fn int32<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<u32>, D::Error> {
    let value = Option::<u32>::deserialize(deserializer)?;
    match value {
        Some(v) if i32::try_from(v).is_err() => Err(de::Error::invalid_value(
            de::Unexpected::Unsigned(u64::from(v)),
            &"a number from 0 to 2147483647 (the API field is a 32-bit integer)",
        )),
        other => Ok(other),
    }
}

/// A value of a closed set, read by its API name as serde reads a unit enum (so an unknown name is serde's
/// "unknown variant" at the value, offered the names).
fn closed<'de, D: Deserializer<'de>, T: ClosedSet>(deserializer: D) -> Result<Option<T>, D::Error> {
    Option::<ClosedValue<T>>::deserialize(deserializer).map(|v| v.map(|v| v.0))
}

/// [`closed`] for a required field.
fn required_closed<'de, D: Deserializer<'de>, T: ClosedSet>(
    deserializer: D,
) -> Result<T, D::Error> {
    ClosedValue::<T>::deserialize(deserializer).map(|v| v.0)
}

struct ClosedValue<T>(T);

impl<'de, T: ClosedSet> Deserialize<'de> for ClosedValue<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct EnumVisitor<T>(std::marker::PhantomData<T>);
        impl<'de, T: ClosedSet> Visitor<'de> for EnumVisitor<T> {
            type Value = ClosedValue<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "one of {}", T::NAMES.join(", "))
            }
            fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<Self::Value, A::Error> {
                let (value, variant) = data.variant::<Name<T>>()?;
                de::VariantAccess::unit_variant(variant)?;
                Ok(ClosedValue(value.0))
            }
        }
        deserializer.deserialize_enum("", T::NAMES, EnumVisitor(std::marker::PhantomData))
    }
}

/// The variant name of a closed set, as a derived enum reads its identifier.
struct Name<T>(T);

impl<'de, T: ClosedSet> Deserialize<'de> for Name<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct NameVisitor<T>(std::marker::PhantomData<T>);
        impl<T: ClosedSet> Visitor<'_> for NameVisitor<T> {
            type Value = Name<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a variant name")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Name<T>, E> {
                T::parse(v)
                    .map(Name)
                    .map_err(|_| E::unknown_variant(v, T::NAMES))
            }
        }
        deserializer.deserialize_identifier(NameVisitor(std::marker::PhantomData))
    }
}

/// A closed set of this crate's own (the builder's enums, and sets the builder spells as methods), read through the
/// same adapter as the shared enums.
macro_rules! closed_set {
    ($(#[$doc:meta])* $ty:ty { $($variant:expr => $name:literal),+ $(,)? } supported [$($s:literal),+]) => {
        $(#[$doc])*
        impl ClosedSet for $ty {
            const NAMES: &'static [&'static str] = &[$($name),+];
            const SUPPORTED: &'static [&'static str] = &[$($s),+];
            const ALL: &'static [Self] = &[$($variant),+];
            fn as_str(self) -> &'static str {
                Self::NAMES[Self::ALL.iter().position(|v| *v == self).expect("every value is listed")]
            }
        }
    };
}

closed_set!(Os {
    Os::Linux => "linux",
    Os::Windows => "windows",
} supported ["linux", "windows"]);

closed_set!(ResizeResource {
    ResizeResource::Cpu => "cpu",
    ResizeResource::Memory => "memory",
} supported ["cpu", "memory"]);

closed_set!(ResizeRestart {
    ResizeRestart::NotRequired => "NotRequired",
    ResizeRestart::RestartContainer => "RestartContainer",
} supported ["NotRequired", "RestartContainer"]);

/// The type of a seccomp or AppArmor profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ProfileType {
    RuntimeDefault,
    Unconfined,
    Localhost,
}

closed_set!(ProfileType {
    ProfileType::RuntimeDefault => "RuntimeDefault",
    ProfileType::Unconfined => "Unconfined",
    ProfileType::Localhost => "Localhost",
} supported ["Localhost", "RuntimeDefault", "Unconfined"]);

/// The scheme of an HTTP probe.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scheme {
    Http,
    Https,
}

closed_set!(Scheme {
    Scheme::Http => "HTTP",
    Scheme::Https => "HTTPS",
} supported ["HTTP", "HTTPS"]);

/// A container's `restartPolicy`: only `Always` (a sidecar init container) has a form in spec files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ContainerRestartPolicy {
    Always,
}

closed_set!(ContainerRestartPolicy {
    ContainerRestartPolicy::Always => "Always",
} supported ["Always"]);
