//! The update strategy: `OnDelete`, or `RollingUpdate` with exactly one budget.

use k8s_openapi::api::apps::v1::{DaemonSetUpdateStrategy, RollingUpdateDaemonSet};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

pub use daemonset_rules::model::Budget;

/// The budget as the API field holds it. A count beyond the field's int32 is kept as text, so validation reports
/// it instead of a silently clamped number.
fn budget_into_k8s(budget: Budget) -> IntOrString {
    match budget {
        Budget::Count(n) => match i32::try_from(n) {
            Ok(n) => IntOrString::Int(n),
            Err(_) => IntOrString::String(n.to_string()),
        },
        Budget::Percent(p) => IntOrString::String(format!("{p}%")),
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
                max_unavailable: Some(budget_into_k8s(budget)),
                max_surge: None,
            }),
            UpdateStrategy::MaxSurge(budget) => rolling(RollingUpdateDaemonSet {
                max_surge: Some(budget_into_k8s(budget)),
                max_unavailable: Some(IntOrString::Int(0)),
            }),
        }
    }
}
