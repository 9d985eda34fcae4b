//! Validation of any DaemonSet with the API server's rules (`ValidateDaemonSet` and the pod template rules), plus
//! the checks the server lacks.
//!
//! Every violation carries the field path the server would name (`spec.template.spec.containers[0].image`), the
//! server's error type (`Required value`, `Invalid value`, ...) and its wording, so a message from us reads like the
//! one `kubectl apply` would print later, only earlier.

mod path;
mod violation;

mod beyond;
mod claim;
mod common;
mod container;
mod daemon_set;
mod dra;
mod env;
mod pod;
mod ports;
mod resources;
mod scheduling;
mod security;
mod spread;
mod volume;
mod volume_source;

pub use path::FieldPath;
pub(crate) use path::Path;
pub(crate) use security::{app_armor_profile, seccomp_profile};
pub use violation::{ErrorType, Origin, ValidationErrors, Violation, quote};

use k8s_openapi::api::apps::v1::DaemonSet;

/// Validates a DaemonSet as the API server would on create, plus the checks of [`Origin::Beyond`].
///
/// Returns every violation found, in field order, or `Ok(())`.
pub fn validate(daemon_set: &DaemonSet) -> Result<(), ValidationErrors> {
    let mut errors = Vec::new();
    daemon_set::validate(daemon_set, &mut errors);
    beyond::host_port_with_surge(daemon_set, &mut errors);
    beyond::image_whitespace(daemon_set, &mut errors);
    ValidationErrors::result(errors)
}

/// Validates an update of `old` to `new` (the create rules on `new`, plus immutability of the selector).
pub fn validate_update(old: &DaemonSet, new: &DaemonSet) -> Result<(), ValidationErrors> {
    let mut errors = Vec::new();
    daemon_set::validate_update(old, new, &mut errors);
    let options = daemon_set::Options {
        allow_invalid_selector_values: daemon_set::has_invalid_selector_values(old),
    };
    daemon_set::validate_with(new, options, &mut errors);
    beyond::host_port_with_surge(new, &mut errors);
    beyond::image_whitespace(new, &mut errors);
    ValidationErrors::result(errors)
}
