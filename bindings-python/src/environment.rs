//! Where requests go (`Environment`) and the bearer token they carry
//! (`AccessToken`, redacted in `repr`).

use std::hash::{Hash, Hasher};

use pyo3::prelude::*;
use pyo3::types::PyString;

use jenga_stk::{AccessToken, Environment};

use crate::errors::OrRaise;
use crate::shield::shield;

// ------------------------------------------------------------------ Environment

/// Where the provider's API lives: UAT, live, or a custom base URL.
#[pyclass(frozen, eq, hash, module = "jenga_stk", name = "Environment")]
pub(crate) struct PyEnvironment {
    pub(crate) inner: Environment,
}

impl PartialEq for PyEnvironment {
    fn eq(&self, other: &Self) -> bool {
        self.inner == other.inner
    }
}

impl Hash for PyEnvironment {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.inner.hash(state);
    }
}

#[pymethods]
impl PyEnvironment {
    /// `Environment("uat")`, `Environment("live")` or `Environment(base_url)`
    /// (absolute https, or http on loopback for the sandbox).
    #[new]
    fn new(py: Python<'_>, name_or_base_url: String) -> PyResult<Self> {
        Self::parse(py, name_or_base_url)
    }

    /// Parses `"uat"`, `"live"` or a custom base URL.
    #[staticmethod]
    fn parse(py: Python<'_>, text: String) -> PyResult<Self> {
        shield(py, || {
            Ok(PyEnvironment {
                inner: Environment::parse(&text).or_raise(py)?,
            })
        })
    }

    /// A custom base URL, validated (a trailing `/` is removed).
    #[staticmethod]
    fn custom(py: Python<'_>, base_url: String) -> PyResult<Self> {
        shield(py, || {
            Ok(PyEnvironment {
                inner: Environment::custom(&base_url).or_raise(py)?,
            })
        })
    }

    /// User acceptance testing: `https://uat.finserve.africa`.
    #[classattr]
    #[pyo3(name = "UAT")]
    fn uat() -> PyEnvironment {
        PyEnvironment {
            inner: Environment::Uat,
        }
    }

    /// Production: `https://api.finserve.africa`.
    #[classattr]
    #[pyo3(name = "LIVE")]
    fn live() -> PyEnvironment {
        PyEnvironment {
            inner: Environment::Live,
        }
    }

    /// `"uat"`, `"live"` or `"custom"`.
    #[getter]
    fn kind(&self) -> &'static str {
        match self.inner {
            Environment::Uat => "uat",
            Environment::Live => "live",
            Environment::Custom(_) => "custom",
        }
    }

    /// The base URL, without a trailing `/`.
    #[getter]
    fn base_url(&self) -> &str {
        self.inner.base_url()
    }

    /// The full URL of `path` (which starts with `/`).
    fn url(&self, py: Python<'_>, path: String) -> PyResult<String> {
        shield(py, || Ok(self.inner.url(&path)))
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        shield(py, || {
            let arg = match &self.inner {
                Environment::Uat => "uat",
                Environment::Live => "live",
                Environment::Custom(url) => url.as_str(),
            };
            Ok(format!("Environment({})", PyString::new(py, arg).repr()?))
        })
    }
}

// ------------------------------------------------------------------ AccessToken

/// A bearer access token. Its `repr` never shows it.
#[pyclass(frozen, module = "jenga_stk", name = "AccessToken")]
pub(crate) struct PyAccessToken {
    pub(crate) inner: AccessToken,
}

#[pymethods]
impl PyAccessToken {
    /// Wraps a token: non-empty visible ASCII, so it can never inject a header.
    #[new]
    fn new(py: Python<'_>, token: String) -> PyResult<Self> {
        shield(py, || {
            Ok(PyAccessToken {
                inner: AccessToken::new(token).or_raise(py)?,
            })
        })
    }

    /// The token text, for the `Authorization` header. Never log it.
    fn expose(&self) -> &str {
        self.inner.expose()
    }

    fn __repr__(&self) -> &'static str {
        "AccessToken(<redacted>)"
    }
}
