//! Kubernetes resource quantities (`resource.Quantity`): parsing with the API server's grammar and exact comparison.
//!
//! The grammar is apimachinery's `parseQuantityString` followed by its suffix table: an optional sign, digits with at
//! most one `.`, then one of the suffixes `n u m "" k M G T P E`, `Ki Mi Gi Ti Pi Ei`, or an `e`/`E` exponent.
//! Leading and trailing white space is ignored, as the server's JSON decoder trims it.

use std::cmp::Ordering;
use std::fmt;

/// The regular expression the API server quotes when it rejects a quantity.
pub const QUANTITY_REGEX: &str = "^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$";

const NANOS_PER_UNIT: i128 = 1_000_000_000;
/// The BinarySI cap of apimachinery (`maxAllowed`, 2^63 - 1 units), in nanos.
const BINARY_MAX_NANOS: u128 = (i64::MAX as u128) * 1_000_000_000;

/// How the suffix writes the value, which decides how the server prints it back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    /// `k`, `M`, `m`, ...: powers of 1000.
    DecimalSI,
    /// `Ki`, `Mi`, ...: powers of 1024.
    BinarySI,
    /// `e3`, `E-2`: powers of ten.
    DecimalExponent,
}

/// A parsed quantity: its text as written and its value, exact to the nano unit (sub-nano values round up, as
/// Kubernetes does).
#[derive(Debug, Clone)]
pub struct Quantity {
    text: String,
    nanos: i128,
    format: Format,
    /// The text the server keeps and prints back (`Quantity.String()`), computed at parse time.
    canonical: String,
}

/// Why a text is not a quantity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QuantityError {
    /// The text does not follow the quantity grammar (`64MB`, `1.2.3`, empty).
    Syntax {
        /// The rejected text.
        text: String,
    },
    /// Too large to represent. [`Quantity::parse`] never returns it (values saturate, as the server accepts them);
    /// kept for callers that build quantities from numbers.
    OutOfRange {
        /// The rejected text.
        text: String,
    },
    /// The text scans as a quantity but its suffix is not one of the known ones (`1Mi3`, `5e`, `2i`): the server's
    /// `unable to parse quantity's suffix`.
    Suffix {
        /// The rejected text.
        text: String,
    },
}

impl QuantityError {
    /// The rejected text.
    pub fn text(&self) -> &str {
        match self {
            QuantityError::Syntax { text }
            | QuantityError::OutOfRange { text }
            | QuantityError::Suffix { text } => text,
        }
    }
}

impl fmt::Display for QuantityError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            QuantityError::Syntax { .. } => {
                write!(
                    f,
                    "quantities must match the regular expression '{QUANTITY_REGEX}'"
                )
            }
            QuantityError::OutOfRange { text } => write!(f, "quantity {text:?} is too large"),
            QuantityError::Suffix { .. } => f.write_str("unable to parse quantity's suffix"),
        }
    }
}

impl std::error::Error for QuantityError {}

/// The pieces `parseQuantityString` finds.
struct Scanned<'a> {
    negative: bool,
    /// Integer digits without leading zeros, `"0"` when none.
    num: &'a str,
    /// Fraction digits, possibly empty.
    denom: &'a str,
    suffix: &'a str,
}

const SUFFIX_CHARS: &[u8] = b"eEinumkKMGTP";

/// apimachinery `parseQuantityString`, byte for byte. `None` is `ErrFormatWrong`.
fn scan(s: &str) -> Option<Scanned<'_>> {
    let b = s.as_bytes();
    let end = b.len();
    let mut pos = 0;
    let mut negative = false;
    if let Some(&first) = b.first() {
        match first {
            b'-' => {
                negative = true;
                pos += 1;
            }
            b'+' => pos += 1,
            _ => {}
        }
    }
    let done = |negative, num, denom| {
        Some(Scanned {
            negative,
            num,
            denom,
            suffix: "",
        })
    };
    // Leading zeros.
    loop {
        if pos >= end {
            return done(negative, "0", "");
        }
        if b[pos] == b'0' {
            pos += 1;
        } else {
            break;
        }
    }
    // Numerator.
    let start = pos;
    while pos < end && b[pos].is_ascii_digit() {
        pos += 1;
    }
    if pos >= end {
        return done(negative, &s[start..end], "");
    }
    let num = if pos == start { "0" } else { &s[start..pos] };
    // Denominator.
    let mut denom = "";
    if b[pos] == b'.' {
        pos += 1;
        let dstart = pos;
        while pos < end && b[pos].is_ascii_digit() {
            pos += 1;
        }
        if pos >= end {
            return done(negative, num, &s[dstart..end]);
        }
        denom = &s[dstart..pos];
    }
    // Suffix: letters, an optional sign, digits.
    let suffix_start = pos;
    while pos < end && SUFFIX_CHARS.contains(&b[pos]) {
        pos += 1;
    }
    if pos < end && matches!(b[pos], b'-' | b'+') {
        pos += 1;
    }
    while pos < end && b[pos].is_ascii_digit() {
        pos += 1;
    }
    if pos >= end {
        Some(Scanned {
            negative,
            num,
            denom,
            suffix: &s[suffix_start..end],
        })
    } else {
        None
    }
}

/// apimachinery `quantitySuffixer.interpret`: (base, exponent, format).
fn interpret(suffix: &str) -> Option<(u32, i32, Format)> {
    let decimal = |exp| Some((10, exp, Format::DecimalSI));
    let binary = |exp| Some((2, exp, Format::BinarySI));
    match suffix {
        "" => decimal(0),
        "n" => decimal(-9),
        "u" => decimal(-6),
        "m" => decimal(-3),
        "k" => decimal(3),
        "M" => decimal(6),
        "G" => decimal(9),
        "T" => decimal(12),
        "P" => decimal(15),
        "E" => decimal(18),
        "Ki" => binary(10),
        "Mi" => binary(20),
        "Gi" => binary(30),
        "Ti" => binary(40),
        "Pi" => binary(50),
        "Ei" => binary(60),
        _ if suffix.len() > 1 && (suffix.starts_with('e') || suffix.starts_with('E')) => {
            // strconv.ParseInt(suffix[1:], 10, 64), then int32(...) as Go converts it.
            let parsed: i64 = suffix[1..].parse().ok()?;
            Some((10, parsed as i32, Format::DecimalExponent))
        }
        _ => None,
    }
}

/// The magnitude in nanos of `digits * 2^shift * 10^pow10` (`digits` a decimal digit string), rounded up below one
/// nano and saturating at `u128::MAX`, in time linear in the number of digits: the multiplication by `2^shift`
/// (`shift` at most 60, the `Ei` suffix) is done on the decimal digits with a carry, and the division by a power of
/// ten is a split of the digit string (the integer part, and whether any digit after it is not zero).
fn scaled_nanos(digits: &[u8], shift: u32, pow10: i64) -> u128 {
    debug_assert!(shift <= 60);
    let start = digits.iter().position(|&d| d != b'0');
    let Some(start) = start else {
        return 0;
    };
    let mut owned;
    let mut digits = &digits[start..];
    if shift > 0 {
        // digits * 2^shift, right to left; the carry stays below 2^60.
        owned = Vec::with_capacity(digits.len() + 20);
        let mul = 1u128 << shift;
        let mut carry = 0u128;
        for &d in digits.iter().rev() {
            let v = u128::from(d - b'0') * mul + carry;
            owned.push(b'0' + (v % 10) as u8);
            carry = v / 10;
        }
        while carry > 0 {
            owned.push(b'0' + (carry % 10) as u8);
            carry /= 10;
        }
        owned.reverse();
        digits = &owned;
    }
    // u128::MAX has 39 digits: anything longer saturates.
    const MAX_DIGITS: usize = 39;
    let parse = |d: &[u8]| -> u128 {
        if d.len() > MAX_DIGITS {
            return u128::MAX;
        }
        d.iter()
            .try_fold(0u128, |acc, &b| {
                acc.checked_mul(10)?.checked_add(u128::from(b - b'0'))
            })
            .unwrap_or(u128::MAX)
    };
    if pow10 >= 0 {
        if digits.len() as i64 + pow10 > MAX_DIGITS as i64 {
            return u128::MAX;
        }
        let mut value = parse(digits);
        for _ in 0..pow10 {
            value = value.saturating_mul(10);
        }
        value
    } else {
        let drop = pow10.unsigned_abs().min(digits.len() as u64) as usize;
        let (whole, fraction) = digits.split_at(digits.len() - drop);
        let inexact = fraction.iter().any(|&d| d != b'0');
        let value = if whole.is_empty() { 0 } else { parse(whole) };
        if inexact {
            value.saturating_add(1)
        } else {
            value
        }
    }
}

/// Go's `strconv.ParseInt(s, 10, 64)` success for a digit string.
fn fits_i64(digits: &str) -> Option<i64> {
    digits.parse::<i64>().ok()
}

impl Quantity {
    /// Parses `text` with the API server's grammar (`250m`, `64Mi`, `1e3`, `0.5`); `64MB` is an error.
    pub fn parse(text: &str) -> Result<Self, QuantityError> {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err(QuantityError::Syntax {
                text: text.to_owned(),
            });
        }
        if trimmed == "0" {
            return Ok(Quantity {
                text: text.to_owned(),
                nanos: 0,
                format: Format::DecimalSI,
                canonical: "0".to_owned(),
            });
        }
        let scanned = scan(trimmed).ok_or_else(|| QuantityError::Syntax {
            text: text.to_owned(),
        })?;
        let (base, exponent, format) =
            interpret(scanned.suffix).ok_or_else(|| QuantityError::Suffix {
                text: text.to_owned(),
            })?;

        // Exact value: digits(num.denom) * 10^-len(denom) * base^exponent, in nanos, rounded away from zero.
        let mut digits = Vec::with_capacity(scanned.num.len() + scanned.denom.len());
        digits.extend_from_slice(scanned.num.as_bytes());
        digits.extend_from_slice(scanned.denom.as_bytes());
        let mut pow10 = 9i64 - scanned.denom.len() as i64;
        let mut shift = 0;
        if base == 10 {
            pow10 += i64::from(exponent);
        } else {
            shift = exponent.unsigned_abs();
        }
        let mut magnitude = scaled_nanos(&digits, shift, pow10);
        if format == Format::BinarySI && magnitude > BINARY_MAX_NANOS {
            magnitude = BINARY_MAX_NANOS;
        }
        let magnitude = i128::try_from(magnitude).unwrap_or(i128::MAX);
        let nanos = if scanned.negative {
            -magnitude
        } else {
            magnitude
        };

        let reused = reuses_text(&scanned, exponent, format);
        let mut quantity = Quantity {
            text: text.to_owned(),
            nanos,
            format,
            canonical: String::new(),
        };
        quantity.canonical = if reused {
            trimmed.to_owned()
        } else {
            quantity.canonicalize()
        };
        Ok(quantity)
    }

    /// The text as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The text the API server prints for this quantity (`Quantity.String()`): the text itself when already in
    /// canonical form, otherwise the canonical form (`0.5` prints as `500m`, `1024Mi` as `1Gi`).
    pub fn canonical(&self) -> &str {
        &self.canonical
    }

    /// The value in nano units (1 = 1e-9), rounded up below that precision, saturating at the i128 range.
    pub fn nanos(&self) -> i128 {
        self.nanos
    }

    /// The value in milli units rounded up (the way `Quantity.MilliValue` rounds CPU).
    pub fn millis(&self) -> i128 {
        ceil_div(self.nanos, 1_000_000)
    }

    /// The value in whole units rounded up (`Quantity.Value`).
    pub fn units(&self) -> i128 {
        ceil_div(self.nanos, NANOS_PER_UNIT)
    }

    /// Whether the value is a whole number (extended resources must be), judged as the server does:
    /// `MilliValue() % 1000 == 0`.
    pub fn is_whole(&self) -> bool {
        self.millis() % 1000 == 0
    }

    /// Whether the value is below zero.
    pub fn is_negative(&self) -> bool {
        self.nanos < 0
    }

    /// `CanonicalizeBytes`: the shortest exact form in the quantity's own format family.
    fn canonicalize(&self) -> String {
        if self.nanos == 0 {
            return "0".to_owned();
        }
        let sign = if self.nanos < 0 { "-" } else { "" };
        let magnitude = self.nanos.unsigned_abs();
        let mut format = self.format;
        if format == Format::BinarySI
            && (magnitude < 1024 * NANOS_PER_UNIT as u128
                || !magnitude.is_multiple_of(NANOS_PER_UNIT as u128))
        {
            format = Format::DecimalSI;
        }
        match format {
            Format::BinarySI => {
                let mut units = magnitude / NANOS_PER_UNIT as u128;
                let mut power = 0;
                while power < 6 && units.is_multiple_of(1024) {
                    units /= 1024;
                    power += 1;
                }
                let suffix = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"][power];
                format!("{sign}{units}{suffix}")
            }
            Format::DecimalSI | Format::DecimalExponent => {
                let mut mantissa = magnitude;
                let mut exp = -9i32;
                while mantissa.is_multiple_of(1000)
                    && (format == Format::DecimalExponent || exp < 18)
                {
                    mantissa /= 1000;
                    exp += 3;
                }
                let suffix = match (format, exp) {
                    (Format::DecimalExponent, 0) => String::new(),
                    (Format::DecimalExponent, e) => format!("e{e}"),
                    (_, -9) => "n".to_owned(),
                    (_, -6) => "u".to_owned(),
                    (_, -3) => "m".to_owned(),
                    (_, 3) => "k".to_owned(),
                    (_, 6) => "M".to_owned(),
                    (_, 9) => "G".to_owned(),
                    (_, 12) => "T".to_owned(),
                    (_, 15) => "P".to_owned(),
                    (_, 18) => "E".to_owned(),
                    _ => String::new(),
                };
                format!("{sign}{mantissa}{suffix}")
            }
        }
    }
}

/// Whether `ParseQuantity` keeps the text as the quantity's string (its fast path with a canonical-looking text).
fn reuses_text(scanned: &Scanned<'_>, exponent: i32, format: Format) -> bool {
    let (num, denom) = (scanned.num, scanned.denom);
    let (precision, scale) = match format {
        Format::DecimalExponent | Format::DecimalSI => (
            18 - (num.len() + denom.len()) as i64,
            i64::from(exponent) - denom.len() as i64,
        ),
        Format::BinarySI => {
            if exponent >= 0 && denom.is_empty() {
                (
                    15 - num.len() as i64 - (exponent as f32 * 3.0 / 10.0) as i64 - 1,
                    0,
                )
            } else {
                (-1, 0)
            }
        }
    };
    if precision < 0 || scale < -9 {
        return false;
    }
    let shifted = format!("{num}{denom}");
    let Some(value) = fits_i64(&shifted) else {
        return false;
    };
    match format {
        Format::BinarySI => {
            let Some(_) = value
                .checked_mul(1i64.checked_shl(exponent as u32).unwrap_or(0))
                .filter(|_| exponent < 63)
            else {
                return false;
            };
            exponent % 10 == 0 && (value & 0x07) != 0
        }
        _ => scale % 3 == 0 && !shifted.ends_with("000") && !shifted.starts_with('0'),
    }
}

fn ceil_div(n: i128, d: i128) -> i128 {
    let q = n.div_euclid(d);
    if n.rem_euclid(d) != 0 { q + 1 } else { q }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn nanos(text: &str) -> i128 {
        Quantity::parse(text)
            .unwrap_or_else(|e| panic!("{text}: {e}"))
            .nanos()
    }

    fn canonical(text: &str) -> String {
        Quantity::parse(text).unwrap().canonical().to_owned()
    }

    #[test]
    fn parses_suffixes_exactly() {
        assert_eq!(nanos("0"), 0);
        assert_eq!(nanos("1"), 1_000_000_000);
        assert_eq!(nanos("250m"), 250_000_000);
        assert_eq!(nanos("0.5"), 500_000_000);
        assert_eq!(nanos(".5"), 500_000_000);
        assert_eq!(nanos("1."), 1_000_000_000);
        assert_eq!(nanos("64Mi"), 64 * (1 << 20) * 1_000_000_000);
        assert_eq!(nanos("1Ki"), 1024 * 1_000_000_000);
        assert_eq!(nanos("1.5Gi"), 1_610_612_736 * 1_000_000_000);
        assert_eq!(nanos("1k"), 1_000_000_000_000);
        assert_eq!(nanos("1E"), 1_000_000_000_000_000_000_000_000_000);
        assert_eq!(nanos("1e3"), 1_000_000_000_000);
        assert_eq!(nanos("1E3"), 1_000_000_000_000);
        assert_eq!(nanos("1e+3"), 1_000_000_000_000);
        assert_eq!(nanos("1e-3"), 1_000_000);
        assert_eq!(nanos("5n"), 5);
        assert_eq!(nanos("3u"), 3_000);
        assert_eq!(nanos("-1"), -1_000_000_000);
        assert_eq!(nanos("+1"), 1_000_000_000);
        assert_eq!(nanos("007"), 7_000_000_000);
        assert_eq!(
            nanos("  100m "),
            100_000_000,
            "the server trims white space"
        );
        // Oddities the server accepts.
        assert_eq!(nanos("."), 0);
        assert_eq!(nanos("+"), 0);
        assert_eq!(nanos("-"), 0);
        assert_eq!(nanos("1.G"), 1_000_000_000_000_000_000);
        assert_eq!(nanos("m"), 0);
        assert_eq!(nanos("Mi"), 0);
    }

    #[test]
    fn sub_nano_rounds_up_away_from_zero() {
        assert_eq!(nanos("0.1n"), 1);
        assert_eq!(nanos("1.5n"), 2);
        assert_eq!(nanos("-0.1n"), -1);
        assert_eq!(nanos("1e-30"), 1);
        assert_eq!(nanos("0.0000000001"), 1);
        assert_eq!(nanos("0e-30"), 0);
    }

    #[test]
    fn saturates_and_caps() {
        assert_eq!(nanos("1e100"), i128::MAX);
        assert_eq!(nanos("-1e100"), -i128::MAX);
        assert_eq!(
            nanos("99999999999999999999999999999999999999999999"),
            i128::MAX
        );
        // BinarySI is capped at 2^63-1 units like apimachinery's maxAllowed.
        assert_eq!(nanos("16Ei"), i128::from(i64::MAX) * 1_000_000_000);
        assert_eq!(nanos("1e9999999999999"), i128::MAX);
    }

    #[test]
    fn rejects_what_the_server_rejects() {
        for bad in [
            "", " ", "64MB", "100Mb", "1.2.3", "abc", "1 m", "0x10", "1m1m", "1.5.", "1,5", "1_000",
        ] {
            assert!(
                matches!(Quantity::parse(bad), Err(QuantityError::Syntax { .. })),
                "{bad:?} should be a syntax error"
            );
        }
        for bad in [
            "1Mi3",
            "5e",
            "2i",
            "1mm",
            "1kk",
            "1KI",
            "1ki",
            "1e3.5",
            "+-1",
            "--1",
            "1e99999999999999999999",
        ] {
            assert!(
                matches!(
                    Quantity::parse(bad),
                    Err(QuantityError::Suffix { .. }) | Err(QuantityError::Syntax { .. })
                ),
                "{bad:?} should be rejected"
            );
        }
        assert!(matches!(
            Quantity::parse("1Mi3"),
            Err(QuantityError::Suffix { .. })
        ));
        assert!(matches!(
            Quantity::parse("5e"),
            Err(QuantityError::Suffix { .. })
        ));
    }

    #[test]
    fn error_display_matches_server() {
        let err = Quantity::parse("64MB").unwrap_err();
        assert_eq!(
            err.to_string(),
            "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
        );
        assert_eq!(err.text(), "64MB");
        assert_eq!(
            Quantity::parse("1Mi3").unwrap_err().to_string(),
            "unable to parse quantity's suffix"
        );
    }

    #[test]
    fn compares_across_suffixes() {
        let q = |s| Quantity::parse(s).unwrap();
        assert_eq!(q("1"), q("1000m"));
        assert_eq!(q("1Ki"), q("1024"));
        assert_eq!(q("1e3"), q("1k"));
        assert!(q("500m") < q("1"));
        assert!(q("129Mi") > q("128Mi"));
        assert!(q("1G") < q("1Gi"));
        assert!(q("-1") < q("0"));
    }

    #[test]
    fn millis_and_whole() {
        let q = |s| Quantity::parse(s).unwrap();
        assert_eq!(q("1").millis(), 1000);
        assert_eq!(q("0.5").millis(), 500);
        assert_eq!(q("1n").millis(), 1, "rounds up");
        assert_eq!(q("-1n").millis(), 0, "ceiling");
        assert_eq!(q("1.5").units(), 2);
        assert!(q("2").is_whole());
        assert!(q("2k").is_whole());
        assert!(!q("1500m").is_whole());
        assert!(!q("0.5").is_whole());
        assert!(
            q("0.9999999").is_whole(),
            "the server judges on the rounded-up milli value"
        );
        assert!(q("-1").is_negative());
        assert!(!q("0").is_negative());
    }

    #[test]
    fn canonical_forms_like_the_server() {
        assert_eq!(canonical("500m"), "500m");
        assert_eq!(canonical("0.5"), "500m");
        assert_eq!(canonical("1000m"), "1");
        assert_eq!(canonical("1.5"), "1500m");
        assert_eq!(canonical("2000"), "2k");
        assert_eq!(canonical("128Mi"), "128Mi");
        assert_eq!(canonical("1024Mi"), "1Gi");
        assert_eq!(canonical("1.5Gi"), "1536Mi");
        assert_eq!(canonical("0.5Ki"), "512");
        assert_eq!(canonical("100Mi"), "100Mi");
        assert_eq!(canonical("1e3"), "1e3");
        assert_eq!(canonical("1.5e3"), "1500");
        assert_eq!(canonical("-1"), "-1");
        assert_eq!(canonical("+1"), "+1", "the fast path keeps the text");
        assert_eq!(canonical("0"), "0");
        assert_eq!(canonical("00"), "0");
        assert_eq!(canonical("64M"), "64M");
        assert_eq!(canonical("1Gi"), "1Gi");
        assert_eq!(canonical("8Ki"), "8Ki");
    }

    /// The former exact algorithm (a base-2^32 big integer, quadratic in the number of digits), kept as the
    /// reference the linear one must agree with.
    fn reference_nanos(digits: &str, shift: u32, pow10: i64) -> u128 {
        let mut n: Vec<u32> = Vec::new();
        let mul_add = |n: &mut Vec<u32>, mul: u32, add: u32| {
            let mut carry = u64::from(add);
            for limb in n.iter_mut() {
                let v = u64::from(*limb) * u64::from(mul) + carry;
                *limb = v as u32;
                carry = v >> 32;
            }
            if carry != 0 {
                n.push(carry as u32);
            }
        };
        let is_zero = |n: &Vec<u32>| n.iter().all(|&l| l == 0);
        let limbs = |n: &Vec<u32>| n.iter().rposition(|&l| l != 0).map_or(0, |i| i + 1);
        for d in digits.bytes() {
            mul_add(&mut n, 10, u32::from(d - b'0'));
        }
        let mut s = shift;
        while s > 0 && !is_zero(&n) {
            let step = s.min(30);
            mul_add(&mut n, 1 << step, 0);
            s -= step;
        }
        let mut inexact = false;
        if pow10 >= 0 {
            for _ in 0..pow10 {
                if is_zero(&n) || limbs(&n) > 4 {
                    break;
                }
                mul_add(&mut n, 10, 0);
            }
        } else {
            for _ in 0..pow10.unsigned_abs() {
                if is_zero(&n) {
                    break;
                }
                let mut rem = 0u64;
                for limb in n.iter_mut().rev() {
                    let v = (rem << 32) | u64::from(*limb);
                    *limb = (v / 10) as u32;
                    rem = v % 10;
                }
                inexact |= rem != 0;
            }
        }
        let magnitude = if limbs(&n) > 4 {
            u128::MAX
        } else {
            n.iter()
                .rev()
                .fold(0u128, |acc, &l| (acc << 32) | u128::from(l))
        };
        if inexact {
            magnitude.saturating_add(1)
        } else {
            magnitude
        }
    }

    #[test]
    fn linear_scaling_agrees_with_the_big_integer_reference() {
        // A small xorshift generator: digit strings with runs of zeros and nines (carries, exact boundaries).
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut cases = 0;
        for _ in 0..20_000 {
            let len = (next() % 60) as usize;
            let digits: String = (0..len)
                .map(|_| match next() % 4 {
                    0 => '0',
                    1 => '9',
                    _ => char::from(b'0' + (next() % 10) as u8),
                })
                .collect();
            let shift = [0u32, 10, 20, 30, 40, 50, 60][(next() % 7) as usize];
            let pow10 = (next() % 100) as i64 - 60;
            assert_eq!(
                scaled_nanos(digits.as_bytes(), shift, pow10),
                reference_nanos(&digits, shift, pow10),
                "{digits} * 2^{shift} * 10^{pow10}"
            );
            cases += 1;
        }
        assert_eq!(cases, 20_000);
    }

    #[test]
    fn long_quantities_parse_exactly() {
        // 2M digits in every position of the grammar, exactly. No time is asserted (the figures are measured by
        // hand, see the README); with the former quadratic big integer this ran for many minutes.
        let digits = "7".repeat(2_000_000);
        let zeros = "0".repeat(2_000_000);
        for (text, expected) in [
            (digits.clone(), i128::MAX),
            (format!("0.{digits}"), 777_777_778),
            (format!("0.{zeros}1"), 1),
            (format!("{digits}Ei"), i128::from(i64::MAX) * 1_000_000_000),
            (format!("0.{digits}Ki"), 796_444_444_445),
            (format!("-0.{digits}n"), -1),
            (format!("1.{zeros}e-{}", 5), 10_000),
        ] {
            assert_eq!(nanos(&text), expected, "{}...", &text[..20]);
        }
    }

    #[test]
    fn keeps_text_and_displays_it() {
        let q = Quantity::parse("0.5").unwrap();
        assert_eq!(q.as_str(), "0.5");
        assert_eq!(q.to_string(), "0.5");
    }
}
