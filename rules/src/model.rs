//! The closed sets of a DaemonSet's fields, defined once: the builder re-exports these enums
//! (`daemonset::build::Effect` is [`Effect`]), spec files read them by their API names and the `daemonset!` macro
//! reads its bare identifiers with the same [`ClosedSet::parse`]. [`Budget`] is the rolling update's count or
//! percentage, parsed with the server's rules.

use std::fmt;

use crate::name;

/// A closed set of values the API server knows by name.
pub trait ClosedSet: Sized + Copy + 'static {
    /// The names, in declaration order (what a reader is offered).
    const NAMES: &'static [&'static str];
    /// The names in the order the API server lists them in its `Unsupported value` message.
    const SUPPORTED: &'static [&'static str];
    /// Every value, in the order of [`ClosedSet::NAMES`].
    const ALL: &'static [Self];

    /// The name the API server uses.
    fn as_str(self) -> &'static str;

    /// The value of this API name, or the server's `Unsupported value` error.
    fn parse(text: &str) -> Result<Self, Unsupported> {
        Self::ALL
            .iter()
            .copied()
            .find(|v| v.as_str() == text)
            .ok_or_else(|| Unsupported {
                value: text.to_owned(),
                supported: Self::SUPPORTED,
            })
    }
}

/// A value outside a closed set: the server's `Unsupported value: "x": supported values: "a", "b"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsupported {
    /// The value as written.
    pub value: String,
    /// The supported values, in the server's order.
    pub supported: &'static [&'static str],
}

impl Unsupported {
    /// `supported values: "a", "b"`: the detail of the server's message.
    pub fn detail(&self) -> String {
        supported_values(self.supported)
    }
}

/// `supported values: "a", "b"` (Go's `%q` of each value).
pub fn supported_values(supported: &[&str]) -> String {
    let list = supported
        .iter()
        .map(|s| format!("{s:?}"))
        .collect::<Vec<_>>()
        .join(", ");
    format!("supported values: {list}")
}

impl fmt::Display for Unsupported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Unsupported value: {:?}: {}", self.value, self.detail())
    }
}

impl std::error::Error for Unsupported {}

macro_rules! closed_set {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $api:literal, )+
        }
        supported: [$($supported:literal),+ $(,)?];
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
        }

        impl $name {
            /// The name the API server uses.
            pub fn as_str(self) -> &'static str {
                match self {
                    $( $name::$variant => $api, )+
                }
            }
        }

        impl ClosedSet for $name {
            const NAMES: &'static [&'static str] = &[$($api),+];
            const SUPPORTED: &'static [&'static str] = &[$($supported),+];
            const ALL: &'static [Self] = &[$($name::$variant),+];

            fn as_str(self) -> &'static str {
                $name::as_str(self)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

closed_set! {
    /// The transport protocol of a port.
    pub enum Protocol {
        /// TCP (the default).
        Tcp = "TCP",
        /// UDP.
        Udp = "UDP",
        /// SCTP.
        Sctp = "SCTP",
    }
    supported: ["SCTP", "TCP", "UDP"];
}

#[allow(clippy::derivable_impls)]
impl Default for Protocol {
    fn default() -> Protocol {
        Protocol::Tcp
    }
}

closed_set! {
    /// When the kubelet pulls the image.
    pub enum ImagePullPolicy {
        /// Every time the container starts.
        Always = "Always",
        /// Only when the image is not on the node.
        IfNotPresent = "IfNotPresent",
        /// Never; the image must be on the node.
        Never = "Never",
    }
    supported: ["Always", "IfNotPresent", "Never"];
}

closed_set! {
    /// How a toleration matches a taint's value.
    pub enum TolerationOperator {
        /// The taint's value equals the toleration's (the default).
        Equal = "Equal",
        /// Any value (no `value` allowed).
        Exists = "Exists",
    }
    supported: ["Equal", "Exists"];
}

closed_set! {
    /// The effect of a taint.
    pub enum Effect {
        /// New pods are not scheduled on the node.
        NoSchedule = "NoSchedule",
        /// The scheduler avoids the node (the DaemonSet controller ignores this effect).
        PreferNoSchedule = "PreferNoSchedule",
        /// Running pods are evicted too.
        NoExecute = "NoExecute",
    }
    supported: ["NoSchedule", "PreferNoSchedule", "NoExecute"];
}

closed_set! {
    /// The operator of a node selector requirement.
    pub enum NodeSelectorOperator {
        /// The label's value is one of the values.
        In = "In",
        /// The label is absent or its value is none of the values.
        NotIn = "NotIn",
        /// The node has the label.
        Exists = "Exists",
        /// The node does not have the label.
        DoesNotExist = "DoesNotExist",
        /// The label's value, as an integer, is greater than the one value.
        Gt = "Gt",
        /// The label's value, as an integer, is less than the one value.
        Lt = "Lt",
    }
    supported: ["DoesNotExist", "Exists", "Gt", "In", "Lt", "NotIn"];
}

closed_set! {
    /// What a hostPath must be on the node (`hostPath.type`).
    pub enum HostPathType {
        /// A directory that must exist.
        Directory = "Directory",
        /// A directory, created (0755) when missing.
        DirectoryOrCreate = "DirectoryOrCreate",
        /// A file that must exist.
        File = "File",
        /// A file, created (0644) when missing.
        FileOrCreate = "FileOrCreate",
        /// A UNIX socket that must exist (`/var/run/containerd/containerd.sock`).
        Socket = "Socket",
        /// A character device that must exist.
        CharDevice = "CharDevice",
        /// A block device that must exist.
        BlockDevice = "BlockDevice",
    }
    supported: ["", "BlockDevice", "CharDevice", "Directory", "DirectoryOrCreate", "File", "FileOrCreate", "Socket"];
}

closed_set! {
    /// How mounts propagate between host and container (`mountPropagation`).
    pub enum MountPropagation {
        /// No propagation (the default).
        None = "None",
        /// Mounts made on the host later appear in the container.
        HostToContainer = "HostToContainer",
        /// Both ways; the container must be privileged (CSI node plugins).
        Bidirectional = "Bidirectional",
    }
    supported: ["Bidirectional", "HostToContainer", "None"];
}

closed_set! {
    /// How the pod resolves DNS names.
    pub enum DnsPolicy {
        /// Cluster DNS first (the default).
        ClusterFirst = "ClusterFirst",
        /// Cluster DNS first, also with `hostNetwork` (what node agents on the host network usually want).
        ClusterFirstWithHostNet = "ClusterFirstWithHostNet",
        /// The node's resolver configuration.
        Default = "Default",
        /// Only what `dnsConfig` says.
        None = "None",
    }
    supported: ["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"];
}

closed_set! {
    /// The kind of update strategy (`updateStrategy.type`).
    pub enum UpdateStrategyType {
        /// Replace pods within a budget (the default).
        RollingUpdate = "RollingUpdate",
        /// Replace a pod only when it is deleted by hand.
        OnDelete = "OnDelete",
    }
    supported: ["RollingUpdate", "OnDelete"];
}

closed_set! {
    /// A resource of the container an environment variable can read (`valueFrom.resourceFieldRef.resource`).
    pub enum ResourceField {
        /// `limits.cpu`.
        LimitsCpu = "limits.cpu",
        /// `limits.memory`.
        LimitsMemory = "limits.memory",
        /// `limits.ephemeral-storage`.
        LimitsEphemeralStorage = "limits.ephemeral-storage",
        /// `requests.cpu`.
        RequestsCpu = "requests.cpu",
        /// `requests.memory`.
        RequestsMemory = "requests.memory",
        /// `requests.ephemeral-storage`.
        RequestsEphemeralStorage = "requests.ephemeral-storage",
    }
    supported: [
        "limits.cpu",
        "limits.ephemeral-storage",
        "limits.memory",
        "requests.cpu",
        "requests.ephemeral-storage",
        "requests.memory",
    ];
}

closed_set! {
    /// When the kubelet changes the ownership of a volume to the pod's `fsGroup` (`fsGroupChangePolicy`).
    pub enum FsGroupChangePolicy {
        /// Only when the root directory's owner or permissions do not match.
        OnRootMismatch = "OnRootMismatch",
        /// Every time the volume is mounted (the default).
        Always = "Always",
    }
    supported: ["Always", "OnRootMismatch"];
}

closed_set! {
    /// Where a container's termination message comes from (`terminationMessagePolicy`).
    pub enum TerminationMessagePolicy {
        /// The termination message file only (the default).
        File = "File",
        /// The file, or the end of the log when the file is empty and the container failed.
        FallbackToLogsOnError = "FallbackToLogsOnError",
    }
    supported: ["FallbackToLogsOnError", "File"];
}

closed_set! {
    /// The medium of an `emptyDir` spec files can name (`medium: Memory`, a tmpfs).
    pub enum StorageMedium {
        /// tmpfs, counted against the container's memory.
        Memory = "Memory",
    }
    supported: ["Memory"];
}

/// A number of pods or a percentage of the nodes that run the DaemonSet (`maxUnavailable`, `maxSurge`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Budget {
    /// A number of pods.
    Count(u32),
    /// A percentage of the desired pods, rounded up (at most 100).
    Percent(u8),
}

impl Budget {
    /// Whether the budget allows no pod at all (`0` or `0%`).
    pub fn is_zero(self) -> bool {
        matches!(self, Budget::Count(0) | Budget::Percent(0))
    }

    /// The number the server compares (`getIntOrPercentValue`): the count, or the percentage.
    pub fn value(self) -> i64 {
        match self {
            Budget::Count(n) => i64::from(n),
            Budget::Percent(p) => i64::from(p),
        }
    }

    /// A budget written as text: `"10%"` or a count (`"1"`, as spec files and templates may write it). The
    /// messages are the server's (`IsValidPercent`, `must not be greater than 100%`, the int32 range).
    pub fn parse(text: &str) -> Result<Budget, String> {
        if let Some(digits) = text.strip_suffix('%') {
            let problems = name::percent(text);
            if !problems.is_empty() {
                return Err(problems.join("; "));
            }
            let percent = digits.parse::<i64>().unwrap_or(i64::MAX);
            return match crate::check::percent_over_100(percent) {
                None => Ok(Budget::Percent(percent as u8)),
                Some(message) => Err(message.to_owned()),
            };
        }
        match text.parse::<i64>() {
            Ok(n) => Budget::count(n),
            Err(_) => Err(format!(
                "{} (a count like 1, or a percentage like \"10%\")",
                name::percent(text).join("; ")
            )),
        }
    }

    /// A count, within the API's int32 field: a negative or larger number is an error, not clamped.
    pub fn count(n: i64) -> Result<Budget, String> {
        if n < 0 {
            return Err("must be greater than or equal to 0".to_owned());
        }
        match i32::try_from(n) {
            Ok(n) => Ok(Budget::Count(n as u32)),
            Err(_) => Err(name::inclusive_range_error(0, i64::from(i32::MAX))),
        }
    }

    /// The budget as the API writes it: `1` or `"10%"`.
    pub fn text(self) -> String {
        match self {
            Budget::Count(n) => n.to_string(),
            Budget::Percent(p) => format!("{p}%"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_unknown_names_get_the_servers_message() {
        for e in Effect::ALL {
            assert_eq!(Effect::parse(e.as_str()), Ok(*e));
        }
        let err = Effect::parse("NoExecution").unwrap_err();
        assert_eq!(
            err.to_string(),
            "Unsupported value: \"NoExecution\": supported values: \"NoSchedule\", \"PreferNoSchedule\", \"NoExecute\""
        );
        assert_eq!(
            Protocol::parse("tcp").unwrap_err().supported,
            ["SCTP", "TCP", "UDP"]
        );
        assert_eq!(
            ResourceField::parse("limits.memory"),
            Ok(ResourceField::LimitsMemory)
        );
    }

    #[test]
    fn budgets_follow_the_servers_ranges() {
        assert_eq!(Budget::parse("10%"), Ok(Budget::Percent(10)));
        assert_eq!(Budget::parse("0"), Ok(Budget::Count(0)));
        assert!(Budget::parse("101%").unwrap_err().contains("100%"));
        assert!(Budget::parse("3000000000").is_err());
        assert!(Budget::parse("-1").is_err());
        assert!(Budget::parse("ten").is_err());
        assert!(Budget::parse("1.5%").is_err());
        assert!(Budget::Percent(0).is_zero() && Budget::Count(0).is_zero());
        assert_eq!(Budget::Percent(5).text(), "5%");
    }
}
