//! Taints and tolerations: the tolerations the DaemonSet controller adds to every daemon pod, and the toleration
//! matching of `corev1.Toleration.ToleratesTaint` (Kubernetes 1.34: operators `Equal` (or empty) and `Exists`).

use std::fmt;

use k8s_openapi::api::core::v1::{PodSpec, Taint, Toleration};

/// The taint effect that keeps new pods off a node.
pub(crate) const NO_SCHEDULE: &str = "NoSchedule";
/// The taint effect that evicts running pods.
pub(crate) const NO_EXECUTE: &str = "NoExecute";

/// `node.kubernetes.io/not-ready`, set by the node lifecycle controller (NoSchedule and NoExecute).
pub(crate) const NOT_READY: &str = "node.kubernetes.io/not-ready";
/// `node.kubernetes.io/unreachable`, set by the node lifecycle controller (NoSchedule and NoExecute).
pub(crate) const UNREACHABLE: &str = "node.kubernetes.io/unreachable";
/// `node.kubernetes.io/disk-pressure`.
pub(crate) const DISK_PRESSURE: &str = "node.kubernetes.io/disk-pressure";
/// `node.kubernetes.io/memory-pressure`.
pub(crate) const MEMORY_PRESSURE: &str = "node.kubernetes.io/memory-pressure";
/// `node.kubernetes.io/pid-pressure`.
pub(crate) const PID_PRESSURE: &str = "node.kubernetes.io/pid-pressure";
/// `node.kubernetes.io/unschedulable`, the taint of a cordoned node.
pub(crate) const UNSCHEDULABLE: &str = "node.kubernetes.io/unschedulable";
/// `node.kubernetes.io/network-unavailable`.
pub(crate) const NETWORK_UNAVAILABLE: &str = "node.kubernetes.io/network-unavailable";

/// The tolerations `AddOrUpdateDaemonPodTolerations` adds to every daemon pod (operator `Exists`, no
/// `tolerationSeconds`), as `(key, effect)`. `network-unavailable` is added only with `hostNetwork`, see
/// [`automatic_tolerations`].
pub(crate) const AUTOMATIC_TOLERATIONS: [(&str, &str); 6] = [
    (NOT_READY, NO_EXECUTE),
    (UNREACHABLE, NO_EXECUTE),
    (DISK_PRESSURE, NO_SCHEDULE),
    (MEMORY_PRESSURE, NO_SCHEDULE),
    (PID_PRESSURE, NO_SCHEDULE),
    (UNSCHEDULABLE, NO_SCHEDULE),
];

/// The tolerations `AddOrUpdateDaemonPodTolerations` adds to every daemon pod (operator `Exists`, no
/// `tolerationSeconds`), as `(key, effect)`: `node.kubernetes.io/` `not-ready` and `unreachable` with `NoExecute`;
/// `disk-pressure`, `memory-pressure`, `pid-pressure` and `unschedulable` with `NoSchedule`; and
/// `network-unavailable:NoSchedule` when the pod uses the host network.
pub fn automatic_tolerations(
    host_network: bool,
) -> impl Iterator<Item = (&'static str, &'static str)> {
    AUTOMATIC_TOLERATIONS
        .into_iter()
        .chain(host_network.then_some((NETWORK_UNAVAILABLE, NO_SCHEDULE)))
}

/// Whether a taint takes part in the DaemonSet controller's decision (NoSchedule or NoExecute).
pub fn counts(taint: &Taint) -> bool {
    taint.effect == NO_SCHEDULE || taint.effect == NO_EXECUTE
}

/// A toleration's operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Operator {
    /// `Equal` or empty: the values must be equal.
    Equal,
    /// `Exists`: any value.
    Exists,
    /// Anything else (`Lt`/`Gt` of later Kubernetes versions, typos): matches nothing.
    Unsupported,
}

/// A toleration with its strings borrowed, ready to be tried against many taints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Tol<'a> {
    pub key: &'a str,
    pub operator: Operator,
    pub operator_text: &'a str,
    pub value: &'a str,
    pub effect: &'a str,
    /// Added by the DaemonSet controller, not written in the template.
    pub automatic: bool,
}

/// Why a toleration does or does not tolerate a taint (for `explain`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TolerationMatch {
    /// The toleration tolerates the taint.
    Tolerates,
    /// The toleration names another effect.
    EffectDiffers,
    /// The toleration names another key.
    KeyDiffers,
    /// `Equal` with another value.
    ValueDiffers,
    /// An operator Kubernetes 1.34 does not know: it tolerates nothing.
    UnsupportedOperator,
}

impl fmt::Display for TolerationMatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TolerationMatch::Tolerates => "tolerates",
            TolerationMatch::EffectDiffers => "effect differs",
            TolerationMatch::KeyDiffers => "key differs",
            TolerationMatch::ValueDiffers => "value differs",
            TolerationMatch::UnsupportedOperator => "unsupported operator",
        })
    }
}

impl<'a> Tol<'a> {
    pub(crate) fn from_k8s(toleration: &'a Toleration) -> Tol<'a> {
        let operator_text = toleration.operator.as_deref().unwrap_or("");
        Tol {
            key: toleration.key.as_deref().unwrap_or(""),
            operator: match operator_text {
                "" | "Equal" => Operator::Equal,
                "Exists" => Operator::Exists,
                _ => Operator::Unsupported,
            },
            operator_text,
            value: toleration.value.as_deref().unwrap_or(""),
            effect: toleration.effect.as_deref().unwrap_or(""),
            automatic: false,
        }
    }

    fn automatic(key: &'static str, effect: &'static str) -> Tol<'static> {
        Tol {
            key,
            operator: Operator::Exists,
            operator_text: "Exists",
            value: "",
            effect,
            automatic: true,
        }
    }

    /// `ToleratesTaint`, with the first reason it fails.
    pub(crate) fn try_taint(&self, taint: &Taint) -> TolerationMatch {
        if !self.effect.is_empty() && self.effect != taint.effect {
            return TolerationMatch::EffectDiffers;
        }
        if !self.key.is_empty() && self.key != taint.key {
            return TolerationMatch::KeyDiffers;
        }
        match self.operator {
            Operator::Equal if self.value == taint.value.as_deref().unwrap_or("") => {
                TolerationMatch::Tolerates
            }
            Operator::Equal => TolerationMatch::ValueDiffers,
            Operator::Exists => TolerationMatch::Tolerates,
            Operator::Unsupported => TolerationMatch::UnsupportedOperator,
        }
    }

    #[inline]
    pub(crate) fn tolerates(&self, taint: &Taint) -> bool {
        (self.effect.is_empty() || self.effect == taint.effect)
            && (self.key.is_empty() || self.key == taint.key)
            && match self.operator {
                Operator::Equal => self.value == taint.value.as_deref().unwrap_or(""),
                Operator::Exists => true,
                Operator::Unsupported => false,
            }
    }

    /// Tolerates every taint (`operator: Exists` with no key and no effect).
    fn tolerates_everything(&self) -> bool {
        self.key.is_empty() && self.effect.is_empty() && self.operator == Operator::Exists
    }
}

impl fmt::Display for Tol<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let key = if self.key.is_empty() {
            "<any key>"
        } else {
            self.key
        };
        let operator = if self.operator_text.is_empty() {
            "Equal"
        } else {
            self.operator_text
        };
        write!(f, "{key} {operator}")?;
        if self.operator != Operator::Exists {
            write!(f, " {:?}", self.value)?;
        }
        let effect = if self.effect.is_empty() {
            "<any effect>"
        } else {
            self.effect
        };
        write!(f, " {effect}")
    }
}

/// The tolerations of a simulated daemon pod: the template's, then the automatic ones.
#[derive(Debug, Clone)]
pub(crate) struct Tolerations<'a> {
    pub all: Vec<Tol<'a>>,
    everything: bool,
}

impl<'a> Tolerations<'a> {
    pub(crate) fn new(spec: Option<&'a PodSpec>) -> Tolerations<'a> {
        let template = spec
            .and_then(|s| s.tolerations.as_deref())
            .unwrap_or_default();
        let host_network = spec.and_then(|s| s.host_network).unwrap_or(false);
        let mut all: Vec<Tol<'a>> = template.iter().map(Tol::from_k8s).collect();
        all.extend(
            automatic_tolerations(host_network).map(|(key, effect)| Tol::automatic(key, effect)),
        );
        let everything = all.iter().any(Tol::tolerates_everything);
        Tolerations { all, everything }
    }

    /// Whether any toleration tolerates the taint.
    #[inline]
    pub(crate) fn tolerate(&self, taint: &Taint) -> bool {
        self.everything || self.all.iter().any(|t| t.tolerates(taint))
    }
}

/// The display form of a taint, `key=value:Effect` (`key:Effect` without a value), as kubectl writes it.
pub fn taint_text(taint: &Taint) -> String {
    TaintText(taint).to_string()
}

/// Displays a taint as `key=value:Effect`.
pub(crate) struct TaintText<'a>(pub &'a Taint);

impl fmt::Display for TaintText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = self.0;
        match t.value.as_deref() {
            Some(v) if !v.is_empty() => write!(f, "{}={}:{}", t.key, v, t.effect),
            _ => write!(f, "{}:{}", t.key, t.effect),
        }
    }
}
