//! Side fields, read best effort, and the strict readers of deciding fields.
//!
//! The provider's payloads carry a few fields that decide (result code,
//! receipt, amount, currency, references, status) and many side fields
//! (balances, phone numbers, bill numbers, dates, descriptions). A side field
//! that is missing, empty, `null`, of another JSON type or in another text
//! form never fails a payload: it is read as absent, or kept as its raw text.
//! Deciding fields stay strict, but references are trimmed before they are
//! compared or used as dedupe keys, and a reference sent as a JSON integer is
//! read as its digits (exact, so nothing is guessed).

use serde_json::value::RawValue;

use super::scalar::{raw_amount, string_of};
use super::value::Value;
use crate::amount::Amount;
use crate::time::DateTime;

/// A side field as text: a string's contents (empty or blank: absent), a
/// number's or boolean's literal; an object or array is absent.
pub(crate) fn text(raw: Option<Box<RawValue>>) -> Option<String> {
    let raw = raw?;
    let t = raw.get();
    let out = if t.starts_with('"') {
        string_of(t.as_bytes()).ok()?
    } else if t.starts_with(['{', '[']) || t == "null" {
        return None;
    } else {
        t.to_owned()
    };
    (!out.trim().is_empty()).then_some(out)
}

/// A side amount: a number or decimal string (trimmed); anything else
/// (`""`, `"n/a"`, `2.005`, an object) is absent.
pub(crate) fn amount(raw: Option<Box<RawValue>>) -> Option<Amount> {
    let t = text(raw)?;
    Amount::parse(t.trim()).ok()
}

/// A side date: M-Pesa's `yyyyMMddHHmmss` (number or string) or the IPN's
/// `yyyy-MM-dd HH:mm:ss` (both East Africa Time), or RFC 3339; anything else
/// is absent.
pub(crate) fn date(raw: Option<Box<RawValue>>) -> Option<DateTime> {
    let t = text(raw)?;
    let t = t.trim();
    DateTime::parse_mpesa_compact(t).or_else(|| DateTime::parse_ipn(t))
}

/// A side instant in epoch milliseconds (number or digit string, years 1970
/// to 9999); anything else is absent.
pub(crate) fn epoch_millis(raw: Option<Box<RawValue>>) -> Option<DateTime> {
    let t = text(raw)?;
    // Years 1970 to 9999: what every platform's date type can hold.
    const MAX_MS: i64 = 253_402_300_799_999;
    let t = t.trim();
    if !t.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let ms: i64 = t.parse().ok().filter(|ms| *ms <= MAX_MS)?;
    Some(DateTime::from_unix_millis(ms))
}

/// A deciding reference, as a [`Convert`](super::shape::Convert): a string
/// (trimmed) or a JSON integer (its digits). Empty is an error.
pub(crate) fn reference(t: &str) -> Result<Value, String> {
    match opt_reference(t)? {
        Value::Absent => Err("must not be empty".to_owned()),
        v => Ok(v),
    }
}

/// An optional deciding reference: like [`reference`], but empty is absent.
pub(crate) fn opt_reference(t: &str) -> Result<Value, String> {
    let text = if t.starts_with('"') {
        string_of(t.as_bytes()).map_err(|e| e.to_string())?
    } else if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
        t.to_owned()
    } else {
        return Err(format!("expected a reference (text), got {t}"));
    };
    let trimmed = text.trim();
    Ok(if trimmed.is_empty() {
        Value::Absent
    } else {
        Value::Str(trimmed.to_owned())
    })
}

/// A deciding word (a status, a currency), as a [`Convert`](super::shape::Convert):
/// a string, trimmed; empty is an error.
pub(crate) fn word(t: &str) -> Result<Value, String> {
    match opt_word(t)? {
        Value::Absent => Err("must not be empty".to_owned()),
        v => Ok(v),
    }
}

/// An optional deciding word: like [`word`], but `""` is absent.
pub(crate) fn opt_word(t: &str) -> Result<Value, String> {
    if !t.starts_with('"') {
        return Err(format!("expected a string, got {t}"));
    }
    let text = string_of(t.as_bytes()).map_err(|e| e.to_string())?;
    let trimmed = text.trim();
    Ok(if trimmed.is_empty() {
        Value::Absent
    } else {
        Value::Str(trimmed.to_owned())
    })
}

/// An optional deciding amount: `""` is absent, anything else must be an
/// exact amount (a number, or a decimal string).
pub(crate) fn opt_amount(t: &str) -> Result<Value, String> {
    if t == "\"\"" {
        return Ok(Value::Absent);
    }
    raw_amount(t).map(Value::Amount)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(t: &str) -> Option<Box<RawValue>> {
        Some(RawValue::from_string(t.to_owned()).unwrap())
    }

    #[test]
    fn side_text_never_fails() {
        assert_eq!(text(raw("\"a\"")).as_deref(), Some("a"));
        assert_eq!(text(raw("254722000000")).as_deref(), Some("254722000000"));
        assert_eq!(text(raw("true")).as_deref(), Some("true"));
        assert_eq!(text(raw("\"\"")), None);
        assert_eq!(text(raw("\"  \"")), None);
        assert_eq!(text(raw("{\"a\":1}")), None);
        assert_eq!(text(raw("[1]")), None);
        assert_eq!(text(None), None);
    }

    #[test]
    fn side_amounts_and_dates() {
        assert_eq!(amount(raw("2")), Some(Amount::from_units(2)));
        assert_eq!(
            amount(raw("\" 2.50 \"")),
            Some(Amount::from_hundredths(250))
        );
        for bad in ["\"\"", "\"n/a\"", "2.005", "-1", "{}", "\"2e3\""] {
            assert_eq!(amount(raw(bad)), None, "{bad}");
        }
        let compact = date(raw("20240809162247")).unwrap();
        assert_eq!(date(raw("\"2024-08-09 16:22:47\"")), Some(compact));
        assert_eq!(date(raw("\"20240809162247\"")), Some(compact));
        assert_eq!(date(raw("\"yesterday\"")), None);
        assert_eq!(date(raw("20241309162247")), None);
        assert!(epoch_millis(raw("1723209730000")).is_some());
        assert_eq!(epoch_millis(raw("99999999999999999999999")), None);
        assert_eq!(epoch_millis(raw("\"2024-08-09\"")), None);
    }

    #[test]
    fn deciding_readers_are_strict_but_trim() {
        assert!(matches!(reference("\" OR1 \""), Ok(Value::Str(s)) if s == "OR1"));
        assert!(matches!(reference("12345"), Ok(Value::Str(s)) if s == "12345"));
        assert!(reference("\"  \"").is_err());
        assert!(reference("1.5").is_err());
        assert!(reference("{}").is_err());
        assert!(matches!(opt_reference("\"\""), Ok(Value::Absent)));
        assert!(matches!(word("\" SUCCESS\""), Ok(Value::Str(s)) if s == "SUCCESS"));
        assert!(word("1").is_err());
        assert!(matches!(opt_word("\"\""), Ok(Value::Absent)));
        assert!(matches!(opt_amount("\"\""), Ok(Value::Absent)));
        assert!(opt_amount("\"x\"").is_err());
    }
}
