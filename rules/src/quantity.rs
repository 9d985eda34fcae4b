//! Kubernetes resource quantities (`resource.Quantity`): parsing with the API server's grammar and exact comparison.

use std::cmp::Ordering;
use std::fmt;

/// The regular expression the API server quotes when it rejects a quantity.
pub const QUANTITY_REGEX: &str = "^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$";

/// A parsed quantity: its text as written and its value, exact to the nano unit (sub-nano values round up, as
/// Kubernetes does).
#[derive(Debug, Clone)]
pub struct Quantity {
    text: String,
    nanos: i128,
}

/// Why a text is not a quantity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QuantityError {
    /// The text does not follow the quantity grammar (`64MB`, `1.2.3`, empty).
    Syntax {
        /// The rejected text.
        text: String,
    },
    /// Too large to represent.
    OutOfRange {
        /// The rejected text.
        text: String,
    },
}

impl fmt::Display for QuantityError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let _ = f;
        todo!()
    }
}

impl std::error::Error for QuantityError {}

impl Quantity {
    /// Parses `text` with the API server's grammar (`250m`, `64Mi`, `1e3`, `0.5`); `64MB` is an error.
    pub fn parse(text: &str) -> Result<Self, QuantityError> {
        todo!("{text}")
    }

    /// The text as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The value in nano units (1 = 1e-9), rounded up below that precision, saturating at the i128 range.
    pub fn nanos(&self) -> i128 {
        self.nanos
    }

    /// The value in milli units rounded up (the way `Quantity.MilliValue` rounds CPU).
    pub fn millis(&self) -> i128 {
        todo!()
    }

    /// Whether the value is a whole number (extended resources must be).
    pub fn is_whole(&self) -> bool {
        todo!()
    }

    /// Whether the value is below zero.
    pub fn is_negative(&self) -> bool {
        self.nanos < 0
    }
}

impl PartialEq for Quantity {
    fn eq(&self, other: &Self) -> bool {
        self.nanos == other.nanos
    }
}

impl Eq for Quantity {}

impl PartialOrd for Quantity {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Quantity {
    fn cmp(&self, other: &Self) -> Ordering {
        self.nanos.cmp(&other.nanos)
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}
