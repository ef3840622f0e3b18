//! Values the provider sends loosely, read from their raw JSON text: codes as
//! strings or numbers, exact amounts (never through `f64`).

use super::value::Value;
use crate::amount::Amount;

/// The contents of a JSON string literal (`"a\"b"` → `a"b`).
pub(crate) fn string_of(text: &[u8]) -> Result<String, serde_json::Error> {
    serde_json::from_slice::<String>(text)
}

/// A provider code that is sometimes a string (`"0"`) and sometimes a number
/// (`400`), as a [`Convert`](super::shape::Convert).
pub(crate) fn code(text: &str) -> Result<Value, String> {
    if text.starts_with('"') {
        string_of(text.as_bytes())
            .map(Value::Str)
            .map_err(|e| e.to_string())
    } else if text.bytes().all(|b| b.is_ascii_digit() || b == b'-') && !text.is_empty() {
        Ok(Value::Str(text.to_owned()))
    } else {
        Err(format!(
            "expected a code as a string or an integer, got {text}"
        ))
    }
}

/// An exact amount, as a [`Convert`](super::shape::Convert).
pub(crate) fn amount(text: &str) -> Result<Value, String> {
    raw_amount(text).map(Value::Amount)
}

/// An exact amount from its JSON text: a number (`2`, `2.0`, `1500.50`) or a
/// decimal string. Never read through `f64`.
pub(crate) fn raw_amount(text: &str) -> Result<Amount, String> {
    let decimal = if text.starts_with('"') {
        string_of(text.as_bytes()).map_err(|e| e.to_string())?
    } else {
        text.to_owned()
    };
    Amount::parse(&decimal).map_err(|e| format!("{e}: {decimal}"))
}
