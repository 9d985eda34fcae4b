//! The update strategy: `OnDelete`, or `RollingUpdate` with exactly one budget.

use k8s_openapi::api::apps::v1::{DaemonSetUpdateStrategy, RollingUpdateDaemonSet};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

/// A number of pods or a percentage of the nodes that run the DaemonSet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Budget {
    /// A number of pods.
    Count(u32),
    /// A percentage of the desired pods, rounded up (at most 100).
    Percent(u8),
}

impl Budget {
    /// Whether the budget allows no pod at all (`0` or `0%`).
    pub(crate) fn is_zero(self) -> bool {
        matches!(self, Budget::Count(0) | Budget::Percent(0))
    }

    fn into_k8s(self) -> IntOrString {
        match self {
            Budget::Count(n) => IntOrString::Int(i32::try_from(n).unwrap_or(i32::MAX)),
            Budget::Percent(p) => IntOrString::String(format!("{p}%")),
        }
    }
}

/// How pods are replaced when the template changes.
///
/// A rolling update takes exactly one budget, so the API server's "exactly one of maxSurge and maxUnavailable is
/// non-zero" cannot be broken by construction (a zero budget is still reported by validation).
///
/// ```
/// use daemonset::build::{Budget, UpdateStrategy};
/// let one_at_a_time = UpdateStrategy::max_unavailable(Budget::Count(1));
/// let surge = UpdateStrategy::max_surge(Budget::Percent(10));
/// let manual = UpdateStrategy::OnDelete;
/// # let _ = (one_at_a_time, surge, manual);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpdateStrategy {
    /// New pods are created only when old ones are deleted by hand.
    OnDelete,
    /// Old pods are deleted (up to the budget) before new ones are created.
    MaxUnavailable(Budget),
    /// New pods start beside old ones (up to the budget); old ones go once the new ones are available.
    /// Not for pods with host ports: the new pod could never start on the same node.
    MaxSurge(Budget),
}

impl UpdateStrategy {
    /// Rolling update, at most `budget` pods unavailable.
    pub fn max_unavailable(budget: Budget) -> UpdateStrategy {
        UpdateStrategy::MaxUnavailable(budget)
    }

    /// Rolling update, at most `budget` extra pods (with `maxUnavailable: 0`).
    pub fn max_surge(budget: Budget) -> UpdateStrategy {
        UpdateStrategy::MaxSurge(budget)
    }
}

impl From<UpdateStrategy> for DaemonSetUpdateStrategy {
    fn from(value: UpdateStrategy) -> DaemonSetUpdateStrategy {
        let rolling = |rolling_update| DaemonSetUpdateStrategy {
            type_: Some("RollingUpdate".into()),
            rolling_update: Some(rolling_update),
        };
        match value {
            UpdateStrategy::OnDelete => DaemonSetUpdateStrategy {
                type_: Some("OnDelete".into()),
                rolling_update: None,
            },
            UpdateStrategy::MaxUnavailable(budget) => rolling(RollingUpdateDaemonSet {
                max_unavailable: Some(budget.into_k8s()),
                max_surge: None,
            }),
            UpdateStrategy::MaxSurge(budget) => rolling(RollingUpdateDaemonSet {
                max_surge: Some(budget.into_k8s()),
                max_unavailable: Some(IntOrString::Int(0)),
            }),
        }
    }
}
