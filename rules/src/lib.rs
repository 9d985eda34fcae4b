//! Rules of Kubernetes object fields, without dependencies.
//!
//! The `daemonset` validator, its spec files and the `daemonset!` macro all call these functions, so a literal that
//! the macro accepts at compile time is a value the validator accepts at run time. Syntax checks ([`name`],
//! [`quantity`], [`field_ref`]) return the API server's own messages (apimachinery `validation.Is*` wording): an
//! empty list means valid. [`model`] holds the closed sets of values (taint effects, protocols, ...) defined once,
//! and [`check`] the cross-field rules (a toleration's operator and value, the two budgets of a rolling update, ...),
//! written once over plain data; [`unique`] the rules "distinct names in a list" and "exactly one of these fields".
//! [`volumes`] is a first part of a shared front-end model: the volumes and mounts both front ends fill, checked once.

pub mod check;
pub mod field_ref;
pub mod model;
pub mod name;
pub mod quantity;
pub mod suggest;
pub mod unique;
pub mod volumes;

pub use quantity::{Quantity, QuantityError};
