//! [`Amount`]: exact money with at most two decimal places, never a binary float.
//!
//! The provider's amounts are whole units in the page's example (`2`) and two
//! decimals in its best-practice section (`"500.00"`). An [`Amount`] stores
//! hundredths in a `u64`, parses from decimal text (never through `f64`) and
//! renders in either style. Which style goes on the wire is a request option
//! ([`AmountStyle`](crate::AmountStyle)).

use std::fmt;
use std::str::FromStr;

/// A non-negative money amount with at most two decimal places, stored exactly.
///
/// ```
/// use jenga_stk::Amount;
///
/// let a: Amount = "2.50".parse()?;
/// assert_eq!(a.to_string(), "2.5");
/// assert_eq!(a.to_two_decimals(), "2.50");
/// assert_eq!(a.to_whole_units(), None); // not a whole amount
/// assert_eq!(Amount::from_units(2).to_whole_units().as_deref(), Some("2"));
/// # Ok::<(), jenga_stk::AmountError>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Amount {
    hundredths: u64,
}

/// Why text is not an [`Amount`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AmountError {
    /// Not decimal text: empty, letters, exponent, several dots, non-ASCII digits.
    Invalid,
    /// A minus sign: amounts are never negative.
    Negative,
    /// More than two decimal places that are not zero (`2.005`).
    TooPrecise,
    /// Too large to represent.
    Overflow,
}

impl AmountError {
    /// The stable machine code.
    pub fn code(&self) -> &'static str {
        match self {
            AmountError::Invalid => "invalid_amount",
            AmountError::Negative => "amount_not_positive",
            AmountError::TooPrecise => "amount_too_precise",
            AmountError::Overflow => "amount_too_large",
        }
    }
}

impl fmt::Display for AmountError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            AmountError::Invalid => {
                "not a decimal amount: use ASCII digits with an optional `.` and at most two decimals"
            }
            AmountError::Negative => "amounts cannot be negative",
            AmountError::TooPrecise => "amounts have at most two decimal places",
            AmountError::Overflow => "the amount is too large",
        })
    }
}

impl std::error::Error for AmountError {}

impl Amount {
    /// Zero.
    pub const ZERO: Amount = Amount { hundredths: 0 };

    /// An amount of whole units (`from_units(2)` is `2`).
    pub const fn from_units(units: u32) -> Amount {
        Amount {
            hundredths: units as u64 * 100,
        }
    }

    /// An amount in hundredths of a unit (`from_hundredths(250)` is `2.50`).
    pub const fn from_hundredths(hundredths: u64) -> Amount {
        Amount { hundredths }
    }

    /// The amount in hundredths of a unit.
    pub const fn hundredths(self) -> u64 {
        self.hundredths
    }

    /// Whether the amount is zero.
    pub const fn is_zero(self) -> bool {
        self.hundredths == 0
    }

    /// Whether the amount has no fractional part.
    pub const fn is_whole(self) -> bool {
        self.hundredths.is_multiple_of(100)
    }

    /// `a + b`, or `None` on overflow.
    pub fn checked_add(self, other: Amount) -> Option<Amount> {
        self.hundredths
            .checked_add(other.hundredths)
            .map(Amount::from_hundredths)
    }

    /// The whole-units text (`"2"`), or `None` if the amount has a fraction.
    pub fn to_whole_units(self) -> Option<String> {
        self.is_whole().then(|| (self.hundredths / 100).to_string())
    }

    /// Text with exactly two decimals (`"2.00"`).
    pub fn to_two_decimals(self) -> String {
        format!("{}.{:02}", self.hundredths / 100, self.hundredths % 100)
    }

    /// Parses decimal text: ASCII digits, optionally a `.` and decimals.
    /// Trailing zero decimals beyond two are accepted (`2.000`); other extra
    /// precision is refused, never rounded.
    pub fn parse(text: &str) -> Result<Amount, AmountError> {
        if let Some(rest) = text.strip_prefix('-') {
            // Still report garbage as garbage (a second sign included), but
            // any real number with a sign is negative (or "-0", which is not
            // positive either). One level only: a peer's "------…2" must
            // not recurse once per sign (found by fuzzing: a stack overflow).
            if rest.starts_with('-') {
                return Err(AmountError::Invalid);
            }
            Amount::parse(rest)?;
            return Err(AmountError::Negative);
        }
        let body = text;
        let (int_part, frac_part) = match body.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (body, None),
        };
        if int_part.is_empty() || !int_part.bytes().all(|b| b.is_ascii_digit()) {
            return Err(AmountError::Invalid);
        }
        let mut hundredths: u64 = 0;
        for b in int_part.bytes() {
            hundredths = hundredths
                .checked_mul(10)
                .and_then(|v| v.checked_add(u64::from(b - b'0')))
                .ok_or(AmountError::Overflow)?;
        }
        hundredths = hundredths.checked_mul(100).ok_or(AmountError::Overflow)?;
        if let Some(frac) = frac_part {
            if frac.is_empty() || !frac.bytes().all(|b| b.is_ascii_digit()) {
                return Err(AmountError::Invalid);
            }
            let digits = frac.as_bytes();
            if digits.iter().skip(2).any(|&b| b != b'0') {
                return Err(AmountError::TooPrecise);
            }
            let tenths = u64::from(digits[0] - b'0');
            let cents = digits.get(1).map_or(0, |&b| u64::from(b - b'0'));
            hundredths = hundredths
                .checked_add(tenths * 10 + cents)
                .ok_or(AmountError::Overflow)?;
        }
        Ok(Amount { hundredths })
    }
}

impl FromStr for Amount {
    type Err = AmountError;
    fn from_str(s: &str) -> Result<Amount, AmountError> {
        Amount::parse(s)
    }
}

impl From<u32> for Amount {
    fn from(units: u32) -> Amount {
        Amount::from_units(units)
    }
}

/// Serialized as its shortest exact decimal text (`"2.5"`), never a float.
impl serde::Serialize for Amount {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// The shortest exact text: `2`, `2.5`, `2.05`.
impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let units = self.hundredths / 100;
        let frac = self.hundredths % 100;
        if frac == 0 {
            write!(f, "{units}")
        } else if frac.is_multiple_of(10) {
            write!(f, "{units}.{}", frac / 10)
        } else {
            write!(f, "{units}.{frac:02}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_exactly() {
        assert_eq!(Amount::parse("2").unwrap().hundredths(), 200);
        assert_eq!(Amount::parse("2.5").unwrap().hundredths(), 250);
        assert_eq!(Amount::parse("2.05").unwrap().hundredths(), 205);
        assert_eq!(Amount::parse("2.000").unwrap().hundredths(), 200);
        assert_eq!(Amount::parse("0.1").unwrap().hundredths(), 10);
        assert_eq!(
            Amount::parse("184467440737095516.15").unwrap().hundredths(),
            u64::MAX
        );
    }

    #[test]
    fn many_signs_do_not_recurse() {
        // Found by fuzzing (`ipn`): "------…2" recursed once per sign and
        // overflowed the stack. On a 64 KiB thread, 60,000 signs must be a
        // plain `Invalid`.
        let text = format!("{}2", "-".repeat(60_000));
        let result = std::thread::Builder::new()
            .stack_size(64 * 1024)
            .spawn(move || Amount::parse(&text))
            .unwrap()
            .join()
            .unwrap();
        assert_eq!(result, Err(AmountError::Invalid));
    }

    #[test]
    fn refuses_what_is_not_exact_decimal_text() {
        for bad in [
            "", ".", "2.", ".5", "2e3", "1,000", " 2", "2 ", "+2", "0x10", "２", "2.5.1", "NaN",
        ] {
            assert_eq!(Amount::parse(bad), Err(AmountError::Invalid), "{bad:?}");
        }
        assert_eq!(Amount::parse("-2"), Err(AmountError::Negative));
        assert_eq!(Amount::parse("-x"), Err(AmountError::Invalid));
        assert_eq!(Amount::parse("--2"), Err(AmountError::Invalid));
        assert_eq!(Amount::parse("2.005"), Err(AmountError::TooPrecise));
        assert_eq!(Amount::parse("2.0001"), Err(AmountError::TooPrecise));
        assert_eq!(
            Amount::parse("184467440737095516.16"),
            Err(AmountError::Overflow)
        );
        assert_eq!(
            Amount::parse("99999999999999999999"),
            Err(AmountError::Overflow)
        );
    }

    #[test]
    fn renders_each_style() {
        let a = Amount::from_hundredths(205);
        assert_eq!(a.to_string(), "2.05");
        assert_eq!(a.to_two_decimals(), "2.05");
        assert_eq!(a.to_whole_units(), None);
        let b = Amount::from_units(2);
        assert_eq!(b.to_string(), "2");
        assert_eq!(b.to_two_decimals(), "2.00");
        assert_eq!(b.to_whole_units().as_deref(), Some("2"));
        assert_eq!(Amount::from_hundredths(250).to_string(), "2.5");
        assert_eq!(Amount::from_hundredths(7).to_two_decimals(), "0.07");
    }

    #[test]
    fn round_trips_text() {
        for h in [0u64, 1, 9, 10, 99, 100, 101, 12345, u64::MAX] {
            let a = Amount::from_hundredths(h);
            assert_eq!(Amount::parse(&a.to_string()), Ok(a));
            assert_eq!(Amount::parse(&a.to_two_decimals()), Ok(a));
        }
    }
}
