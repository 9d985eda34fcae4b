//! `ValidateDaemonSet`, `ValidateDaemonSetSpec`, `ValidateDaemonSetUpdateStrategy` (rules section A).

use k8s_openapi::api::apps::v1::DaemonSet;

use super::Violation;

pub(super) fn validate(daemon_set: &DaemonSet, errors: &mut Vec<Violation>) {
    let _ = (daemon_set, errors);
}

pub(super) fn validate_update(old: &DaemonSet, new: &DaemonSet, errors: &mut Vec<Violation>) {
    let _ = (old, new, errors);
}
