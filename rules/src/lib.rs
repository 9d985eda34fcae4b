//! Syntax rules of Kubernetes object fields, without dependencies.
//!
//! The `daemonset` validator and the `daemonset!` macro both call these functions, so a literal that the macro
//! accepts at compile time is exactly a value the validator accepts at run time. Each check returns the API server's
//! own messages (apimachinery `validation.Is*` wording): an empty list means valid.

pub mod field_ref;
pub mod name;
pub mod quantity;
pub mod suggest;

pub use quantity::{Quantity, QuantityError};
