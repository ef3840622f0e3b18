//! Errors as plain `{code, field, message, problems, rejection}` objects,
//! which the package's JavaScript turns into `JengaError`s. Shared, by
//! `#[path]`, with the RSA module (`bindings-wasm/rsa/`), so both WebAssembly
//! modules report errors in one shape.

use jenga_stk::Error;
use serde::Serialize;
use wasm_bindgen::JsValue;

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
    error_of(e.into())
}

/// Not inlined: one copy for every kind of error (smaller WebAssembly).
#[inline(never)]
fn error_of(e: Error) -> JsValue {
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
    plain(&shape).unwrap_or_else(|| JsValue::from_str(e.code()))
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
    plain(&shape).unwrap_or_else(|| JsValue::from_str(code))
}

/// A value as a plain JavaScript value: JSON text made here, parsed by the
/// host's `JSON.parse` (smaller than a serializer into JavaScript objects).
pub(crate) fn plain<T: Serialize + ?Sized>(value: &T) -> Option<JsValue> {
    let text = serde_json::to_string(value).ok()?;
    js_sys::JSON::parse(&text).ok()
}
