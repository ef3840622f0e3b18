//! Merchant authentication: credentials, the token response, and the token
//! state holder that says "use this token" or "refresh first".

use std::sync::{Mutex, MutexGuard};

use pyo3::prelude::*;
use pyo3::types::PyString;

use jenga_stk::{Credentials, Environment, Token, TokenAction, TokenResponse, TokenState};

use crate::convert::{
    Bytes, datetime, datetime_in, duration_in, environment_in, limits_in, opt_datetime, opt_str,
    str_, timedelta,
};
use crate::environment::{PyAccessToken, PyEnvironment};
use crate::errors::OrRaise;
use crate::http::PyHttpRequest;
use crate::responses::rejection_to_py;
use crate::shield::shield;
use crate::values::{PyLimits, value_class};

/// The merchant's API credentials from the provider's portal. Only the
/// merchant code is ever shown; the secrets are zeroized when collected.
#[pyclass(frozen, module = "jenga_stk", name = "Credentials")]
pub(crate) struct PyCredentials {
    pub(crate) inner: Credentials,
}

#[pymethods]
impl PyCredentials {
    /// Each value must be non-empty visible ASCII; every problem is reported
    /// at once (`ValidationError`), never with the secret values.
    #[new]
    #[pyo3(signature = (*, api_key, merchant_code, consumer_secret))]
    fn new(
        py: Python<'_>,
        api_key: String,
        merchant_code: String,
        consumer_secret: String,
    ) -> PyResult<Self> {
        shield(py, || {
            Ok(PyCredentials {
                inner: Credentials::new(api_key, merchant_code, consumer_secret).or_raise(py)?,
            })
        })
    }

    /// The merchant code (not secret).
    #[getter]
    fn merchant_code(&self) -> &str {
        self.inner.merchant_code()
    }

    /// The token request: `POST {base}/authentication/api/v3/authenticate/merchant`.
    /// Its body holds the consumer secret (`body_is_secret` is true).
    fn token_request(
        &self,
        py: Python<'_>,
        environment: &Bound<'_, PyAny>,
    ) -> PyResult<PyHttpRequest> {
        shield(py, || {
            let environment = environment_in(environment)?;
            Ok(PyHttpRequest {
                inner: self.inner.token_request(&environment),
            })
        })
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        shield(py, || {
            Ok(format!(
                "Credentials(merchant_code={}, api_key=<redacted>, consumer_secret=<redacted>)",
                PyString::new(py, self.inner.merchant_code()).repr()?
            ))
        })
    }
}

value_class! {
    /// A token from the provider, with when it stops being usable on your
    /// clock (`expires_at`: receipt time plus the provider's stated lifetime,
    /// or 15 minutes when it states none; `lifetime` says which).
    /// Its `repr` never shows the token.
    PyToken as "Token", inner: Token,
    fields {
        /// The bearer token (an `AccessToken`).
        access_token,
        /// The refresh token, or `None` (no refresh endpoint is documented). Secret.
        refresh_token,
        /// `tokenType`, normally `"Bearer"`.
        token_type,
        /// `issuedAt` as the provider wrote it, or `None`.
        issued_at,
        /// `expiresIn` as the provider wrote it, when it is a timestamp; else `None`.
        provider_expires_at,
        /// Where the lifetime came from: `"timestamps"` (`expiresIn` −
        /// `issuedAt`), `"seconds"` (`expiresIn` as seconds) or `"assumed"`
        /// (none usable: the documented 15 minutes).
        lifetime,
        /// When the response was received, on your clock.
        received_at,
        /// When the token expires on your clock.
        expires_at,
    }
    repr { token_type, issued_at, lifetime, received_at, expires_at }
    methods {}
}

pub(crate) fn token_to_py(py: Python<'_>, t: Token) -> PyResult<Py<PyToken>> {
    let access_token = Py::new(
        py,
        PyAccessToken {
            inner: t.access_token().clone(),
        },
    )?;
    let value = PyToken {
        access_token: access_token.into_any(),
        refresh_token: opt_str(py, t.refresh_token()),
        token_type: str_(py, t.token_type()),
        issued_at: opt_datetime(py, t.issued_at())?,
        provider_expires_at: opt_datetime(py, t.provider_expires_at())?,
        lifetime: str_(py, t.lifetime().code()),
        received_at: datetime(py, t.received_at())?,
        expires_at: datetime(py, t.expires_at())?,
        inner: t,
    };
    Py::new(py, value)
}

/// Parses the token response received at `now` (an aware `datetime`):
/// `Token`, or `Rejection` for a refusal (bad credentials: 401) or an answer
/// that is not JSON. Raises `ParseError` only for a 2xx JSON answer without
/// a usable `accessToken` and no refusal in it.
#[pyfunction]
#[pyo3(signature = (status, body, *, now, limits = None))]
pub(crate) fn parse_token_response(
    py: Python<'_>,
    status: u16,
    body: Bytes<'_>,
    now: &Bound<'_, PyAny>,
    limits: Option<&Bound<'_, PyLimits>>,
) -> PyResult<Py<PyAny>> {
    shield(py, || {
        let now = datetime_in(now, "now")?;
        let limits = limits_in(limits);
        let body = body.as_slice();
        let response = py
            .detach(|| jenga_stk::parse_token_response(status, body, now, &limits))
            .or_raise(py)?;
        Ok(match response {
            TokenResponse::Token(t) => token_to_py(py, t)?.into_any(),
            TokenResponse::Rejected(r) => rejection_to_py(py, r)?.into_any(),
        })
    })
}

/// Holds the current token and decides when to refresh it. Safe to share
/// between threads (a Django process keeps one).
#[pyclass(frozen, module = "jenga_stk", name = "TokenState")]
pub(crate) struct PyTokenState {
    inner: Mutex<TokenState>,
    environment: Environment,
    merchant_code: String,
}

impl PyTokenState {
    /// The state; a poisoned lock is recovered (no method leaves it half-written).
    fn lock(&self) -> MutexGuard<'_, TokenState> {
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[pymethods]
impl PyTokenState {
    /// No token yet; refreshes `margin` (a `timedelta`, default 60 s) before expiry.
    #[new]
    #[pyo3(signature = (environment, credentials, *, margin = None))]
    fn new(
        py: Python<'_>,
        environment: &Bound<'_, PyAny>,
        credentials: &Bound<'_, PyCredentials>,
        margin: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        shield(py, || {
            let environment = environment_in(environment)?;
            let credentials = credentials.get().inner.clone();
            let merchant_code = credentials.merchant_code().to_owned();
            let mut state = TokenState::new(environment.clone(), credentials);
            if let Some(margin) = margin {
                state = state.with_margin(duration_in(margin, "margin")?);
            }
            Ok(PyTokenState {
                inner: Mutex::new(state),
                environment,
                merchant_code,
            })
        })
    }

    /// The default refresh margin, a `timedelta`.
    #[classattr]
    #[pyo3(name = "DEFAULT_MARGIN")]
    fn default_margin(py: Python<'_>) -> PyResult<Py<PyAny>> {
        timedelta(py, TokenState::DEFAULT_MARGIN)
    }

    /// For `now` (an aware `datetime`): the `AccessToken` to use, or the
    /// token `HttpRequest` to send first (then call `on_response`).
    fn next_action(&self, py: Python<'_>, now: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        shield(py, || {
            let now = datetime_in(now, "now")?;
            // No Python call while the lock is held.
            let action = py.detach(|| self.lock().next_action(now));
            Ok(match action {
                TokenAction::Use(token) => Py::new(py, PyAccessToken { inner: token })?.into_any(),
                TokenAction::Refresh(request) => {
                    Py::new(py, PyHttpRequest { inner: request })?.into_any()
                }
            })
        })
    }

    /// Takes the token response received at `now` and returns the stored
    /// `Token`; a refusal drops the old token and raises
    /// `ProviderRejectedError` (its `rejection` says what to do).
    #[pyo3(signature = (status, body, *, now, limits = None))]
    fn on_response(
        &self,
        py: Python<'_>,
        status: u16,
        body: Bytes<'_>,
        now: &Bound<'_, PyAny>,
        limits: Option<&Bound<'_, PyLimits>>,
    ) -> PyResult<Py<PyToken>> {
        shield(py, || {
            let now = datetime_in(now, "now")?;
            let limits = limits_in(limits);
            let body = body.as_slice();
            let token = py
                .detach(|| self.lock().on_response(status, body, now, &limits).cloned())
                .or_raise(py)?;
            token_to_py(py, token)
        })
    }

    /// The current token (fresh or not), or `None`.
    #[getter]
    fn token(&self, py: Python<'_>) -> PyResult<Option<Py<PyToken>>> {
        shield(py, || {
            let token = py.detach(|| self.lock().token().cloned());
            token.map(|t| token_to_py(py, t)).transpose()
        })
    }

    /// Forgets the token, for example after an API call answered 401.
    fn invalidate(&self, py: Python<'_>) -> PyResult<()> {
        shield(py, || {
            py.detach(|| self.lock().invalidate());
            Ok(())
        })
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        shield(py, || {
            let environment = Py::new(
                py,
                PyEnvironment {
                    inner: self.environment.clone(),
                },
            )?;
            let has_token = py.detach(|| self.lock().token().is_some());
            Ok(format!(
                "TokenState(environment={}, merchant_code={}, token={})",
                environment.bind(py).repr()?,
                PyString::new(py, &self.merchant_code).repr()?,
                if has_token { "<redacted>" } else { "None" }
            ))
        })
    }
}
