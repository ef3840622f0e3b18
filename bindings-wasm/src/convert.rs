//! Conversions between JavaScript values and core types, and errors as plain objects.

use jenga_stk::{DateTime, Environment, Error};
use serde::Serialize;
use wasm_bindgen::JsValue;

/// A core result as a plain JavaScript value (`null` for `None`, plain objects for maps).
pub(crate) fn out<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| failure("internal_error", None, &e.to_string()))
}

#[derive(Serialize)]
struct ProblemOut<'a> {
    field: &'a str,
    code: &'a str,
    message: &'a str,
}

#[derive(Serialize)]
struct ErrorOut<'a> {
    code: &'a str,
    field: Option<&'a str>,
    message: String,
    problems: Vec<ProblemOut<'a>>,
    rejection: Option<&'a jenga_stk::Rejection>,
}

/// Any core error as `{code, field, message, problems, rejection}`.
pub(crate) fn error(e: impl Into<Error>) -> JsValue {
    let e: Error = e.into();
    let rejection = match &e {
        Error::Rejected(r) => Some(r),
        _ => None,
    };
    let shape = ErrorOut {
        code: e.code(),
        field: e.field(),
        message: e.to_string(),
        problems: e
            .problems()
            .iter()
            .map(|p| ProblemOut {
                field: &p.field,
                code: p.code.as_str(),
                message: &p.message,
            })
            .collect(),
        rejection,
    };
    shape
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .unwrap_or_else(|_| JsValue::from_str(e.code()))
}

/// An error that is not one of the core's (bad JavaScript input).
pub(crate) fn failure(code: &str, field: Option<&str>, message: &str) -> JsValue {
    let shape = ErrorOut {
        code,
        field,
        message: message.to_owned(),
        problems: Vec::new(),
        rejection: None,
    };
    shape
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .unwrap_or_else(|_| JsValue::from_str(code))
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
