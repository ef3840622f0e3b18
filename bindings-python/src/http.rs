//! The HTTP request value: method, URL, headers and body, ready for `requests` or `httpx`.

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyString};

use jenga_stk::HttpRequest;

use crate::shield::shield;

// ------------------------------------------------------------------ HttpRequest

/// A complete HTTP request as a plain value: send it with `requests` or
/// `httpx`. `repr` shows the method and URL only; `str` is the request as
/// HTTP text with the secrets redacted.
#[pyclass(frozen, eq, module = "jenga_stk", name = "HttpRequest")]
pub(crate) struct PyHttpRequest {
    pub(crate) inner: HttpRequest,
}

impl PartialEq for PyHttpRequest {
    fn eq(&self, other: &Self) -> bool {
        self.inner == other.inner
    }
}

#[pymethods]
impl PyHttpRequest {
    /// `"GET"` or `"POST"`.
    #[getter]
    fn method(&self) -> &'static str {
        self.inner.method.as_str()
    }

    /// The full URL.
    #[getter]
    fn url(&self) -> &str {
        &self.inner.url
    }

    /// The headers, in order, as a new `dict` (name → value).
    #[getter]
    fn headers<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        shield(py, || {
            let headers = PyDict::new(py);
            for (name, value) in &self.inner.headers {
                headers.set_item(name, value)?;
            }
            Ok(headers)
        })
    }

    /// The body (empty for `GET`).
    #[getter]
    fn body<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.inner.body)
    }

    /// Whether the body holds a secret (the token request's consumer secret)
    /// and must not be logged.
    #[getter]
    fn body_is_secret(&self) -> bool {
        self.inner.body_is_secret()
    }

    /// The value of the first header named `name` (case-insensitive), or `None`.
    fn header(&self, py: Python<'_>, name: String) -> PyResult<Option<String>> {
        shield(py, || Ok(self.inner.header(&name).map(str::to_owned)))
    }

    /// The request as HTTP/1.1 text for logs, with secrets redacted.
    fn to_redacted_string(&self, py: Python<'_>) -> PyResult<String> {
        shield(py, || Ok(self.inner.to_redacted_string()))
    }

    fn __str__(&self, py: Python<'_>) -> PyResult<String> {
        self.to_redacted_string(py)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        shield(py, || {
            Ok(format!(
                "HttpRequest(method={}, url={})",
                PyString::new(py, self.inner.method.as_str()).repr()?,
                PyString::new(py, &self.inner.url).repr()?
            ))
        })
    }
}
