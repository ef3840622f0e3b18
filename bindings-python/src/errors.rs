//! Core errors to Python exceptions.
//!
//! The exception classes live in Python (`jenga_stk/_errors.py`) because
//! `ValidationError` derives from both `JengaError` and the built-in
//! `ValueError`, which a Rust-defined exception cannot. Each carries the
//! core's stable `code`, its `field`, and for validation every `Problem`.
//! Messages are the core's `Display` text, which never holds a secret.

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyModule, PyTuple};

use jenga_stk::Error;

use crate::responses::rejection_to_py;

static ERRORS_MODULE: PyOnceLock<Py<PyModule>> = PyOnceLock::new();

/// An exception class of `jenga_stk._errors` by name.
pub(crate) fn class<'py>(py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyAny>> {
    let module = ERRORS_MODULE.get_or_try_init(py, || {
        PyModule::import(py, "jenga_stk._errors").map(Bound::unbind)
    })?;
    module.bind(py).getattr(name)
}

/// Builds `cls(message, **kwargs)` as a `PyErr`; if that itself fails, its
/// failure is what is raised.
fn raise(py: Python<'_>, name: &str, message: String, kwargs: &Bound<'_, PyDict>) -> PyErr {
    let built = class(py, name).and_then(|cls| cls.call((message,), Some(kwargs)));
    match built {
        Ok(instance) => PyErr::from_value(instance),
        Err(e) => e,
    }
}

/// The Python exception for a core error.
pub(crate) fn to_pyerr(py: Python<'_>, error: Error) -> PyErr {
    match build(py, &error) {
        Ok(err) => err,
        Err(e) => e,
    }
}

fn build(py: Python<'_>, error: &Error) -> PyResult<PyErr> {
    let kwargs = PyDict::new(py);
    kwargs.set_item("code", error.code())?;
    kwargs.set_item("field", error.field())?;
    let name = match error {
        Error::Validation(v) => {
            let problem = class(py, "Problem")?;
            let problems = v
                .problems()
                .iter()
                .map(|p| problem.call1((p.field.as_str(), p.code.as_str(), p.message.as_str())))
                .collect::<PyResult<Vec<_>>>()?;
            kwargs.set_item("problems", PyTuple::new(py, problems)?)?;
            "ValidationError"
        }
        Error::Key(_) => "KeyLoadError",
        Error::Signature(_) => "SignatureError",
        Error::Parse(_) => "ParseError",
        Error::Auth(_) => "AuthenticationError",
        Error::Flow(_) => "FlowError",
        Error::Rejected(r) => {
            kwargs.set_item("rejection", rejection_to_py(py, r.clone())?)?;
            "ProviderRejectedError"
        }
        _ => "JengaError",
    };
    Ok(raise(py, name, error.to_string(), &kwargs))
}

/// `JengaError(code="internal_error")`: a Rust panic, caught at the boundary.
pub(crate) fn internal_error(py: Python<'_>) -> PyErr {
    let kwargs = PyDict::new(py);
    if let Err(e) = kwargs.set_item("code", "internal_error") {
        return e;
    }
    raise(
        py,
        "JengaError",
        "internal error in jenga-stk (a bug, please report it); nothing was processed".to_owned(),
        &kwargs,
    )
}

/// `ParseError(code="invalid_field")` for a value the peer sent that Python
/// cannot represent (a date-time outside years 1 to 9999).
pub(crate) fn unrepresentable(py: Python<'_>, what: &str) -> PyErr {
    let kwargs = PyDict::new(py);
    if let Err(e) = kwargs.set_item("code", "invalid_field") {
        return e;
    }
    raise(
        py,
        "ParseError",
        format!("{what} cannot be represented in Python"),
        &kwargs,
    )
}

/// A `TypeError` with `message`.
pub(crate) fn type_error(message: impl Into<String>) -> PyErr {
    PyTypeError::new_err(message.into())
}

/// `result.or_raise(py)`: a core `Result` as a `PyResult`.
pub(crate) trait OrRaise<T> {
    /// Converts the error into the matching Python exception.
    fn or_raise(self, py: Python<'_>) -> PyResult<T>;
}

impl<T, E: Into<Error>> OrRaise<T> for Result<T, E> {
    fn or_raise(self, py: Python<'_>) -> PyResult<T> {
        self.map_err(|e| to_pyerr(py, e.into()))
    }
}
