//! Conversions between JavaScript values and core types.

use jenga_stk::{DateTime, Environment};
use serde::Serialize;
use wasm_bindgen::JsValue;

pub(crate) use crate::errors::{error, failure};

/// A core result as a plain JavaScript value (`null` for `None`, plain objects for maps).
pub(crate) fn out<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    crate::errors::plain(value).ok_or_else(|| failure("internal_error", None, "not serializable"))
}

/// `now` as epoch milliseconds (the JavaScript side converts a `Date`).
pub(crate) fn instant(ms: f64, field: &str) -> Result<DateTime, JsValue> {
    if !ms.is_finite() || ms.abs() > 8.64e15 {
        return Err(failure(
            "invalid_type",
            Some(field),
            "must be a valid Date or a finite number of epoch milliseconds",
        ));
    }
    #[allow(clippy::cast_possible_truncation)]
    Ok(DateTime::from_unix_millis(ms.trunc() as i64))
}

pub(crate) fn environment(text: &str) -> Result<Environment, JsValue> {
    Environment::parse(text).map_err(error)
}

pub(crate) fn status(code: u32) -> Result<u16, JsValue> {
    u16::try_from(code)
        .ok()
        .filter(|c| (100..=599).contains(c))
        .ok_or_else(|| {
            failure(
                "invalid_type",
                Some("status"),
                "must be an HTTP status (100-599)",
            )
        })
}
