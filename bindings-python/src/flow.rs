//! The payment flow: the core's sans-IO state machine for one STK push
//! (`PaymentFlow`), what it asks the caller to do (`Send` a `FlowRequest`,
//! `Wait` until an instant, `Done` with an `Outcome`), its settings
//! (`RetryPolicy`), and what its payments share (`SharedTokens`,
//! `FlowContext`). Every decision is the core's; this file converts.

use std::sync::{Arc, Mutex, MutexGuard};

use pyo3::prelude::*;
use pyo3::types::{PyString, PyTuple};

use jenga_stk::{
    Action, FlowContext, FlowRequest, Outcome, PaymentFlow, RetryPolicy, SharedTokens, TokenGrant,
    TokenResponse, TokenState, TransportFailure,
};

use crate::callbacks::{PyCallbackUrls, PyStkCallback};
use crate::convert::{
    Bytes, datetime, datetime_in, duration_in, environment_in, limits_in, str_, timedelta,
};
use crate::environment::{PyAccessToken, PyEnvironment};
use crate::errors::OrRaise;
use crate::http::PyHttpRequest;
use crate::ipn::PyIpn;
use crate::reconcile::{PyReconciliation, reconciliation_to_py};
use crate::request::PySignedStkPush;
use crate::responses::{accepted_to_py, invalid_code, rejection_to_py};
use crate::shield::shield;
use crate::signing::signature_in;
use crate::tokens::{PyCredentials, token_to_py};
use crate::values::{PyLimits, value_class};

// ------------------------------------------------------------------ SharedTokens

/// The token state shared by every payment of one client: concurrent
/// payments make a single token request (the others are told to wait a
/// moment). Thread-safe; the token is never shown.
#[pyclass(frozen, module = "jenga_stk", name = "SharedTokens")]
pub(crate) struct PySharedTokens {
    pub(crate) inner: Arc<SharedTokens>,
    merchant_code: String,
}

#[pymethods]
impl PySharedTokens {
    /// No token yet, for `credentials` in `environment`; tokens are
    /// refreshed `margin` (a `timedelta`, default 60 s) before they expire.
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
            let mut state = TokenState::new(environment, credentials);
            if let Some(margin) = margin {
                state = state.with_margin(duration_in(margin, "margin")?);
            }
            Ok(PySharedTokens {
                inner: Arc::new(SharedTokens::new(state)),
                merchant_code,
            })
        })
    }

    /// The provider environment the tokens (and so the payments) are for.
    #[getter]
    fn environment(&self) -> PyEnvironment {
        PyEnvironment {
            inner: self.inner.environment().clone(),
        }
    }

    /// Whether a token is held (fresh or not).
    #[getter]
    fn has_token(&self, py: Python<'_>) -> bool {
        py.detach(|| self.inner.has_token())
    }

    /// For `now`: the `AccessToken` to use; or the token `HttpRequest` to
    /// send (this caller then holds the refresh for `lease`, a `timedelta`,
    /// and reports with `on_refresh_response` or `on_refresh_failed`); or
    /// `None`: another caller is fetching the token, look again shortly.
    fn grant(
        &self,
        py: Python<'_>,
        now: &Bound<'_, PyAny>,
        lease: &Bound<'_, PyAny>,
    ) -> PyResult<Option<Py<PyAny>>> {
        shield(py, || {
            let now = datetime_in(now, "now")?;
            let lease = duration_in(lease, "lease")?;
            Ok(match py.detach(|| self.inner.grant(now, lease)) {
                TokenGrant::Use(token) => {
                    Some(Py::new(py, PyAccessToken { inner: token })?.into_any())
                }
                TokenGrant::Refresh(request) => {
                    Some(Py::new(py, PyHttpRequest { inner: request })?.into_any())
                }
                TokenGrant::Wait => None,
            })
        })
    }

    /// The answer to the token request of a `grant`: a `Token` (kept for
    /// every payment) or a `Rejection` (the old token is dropped). Raises
    /// `ParseError` only for a 2xx JSON answer without a usable token.
    #[pyo3(signature = (status, body, *, now, limits = None))]
    fn on_refresh_response(
        &self,
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
            let answer = py
                .detach(|| self.inner.on_refresh_response(status, body, now, &limits))
                .or_raise(py)?;
            Ok(match answer {
                TokenResponse::Token(t) => token_to_py(py, t)?.into_any(),
                TokenResponse::Rejected(r) => rejection_to_py(py, r)?.into_any(),
            })
        })
    }

    /// The token request of a `grant` got no answer: another caller may fetch it now.
    fn on_refresh_failed(&self, py: Python<'_>) -> PyResult<()> {
        shield(py, || {
            py.detach(|| self.inner.on_refresh_failed());
            Ok(())
        })
    }

    /// A call made with `used` was answered 401: forget that token (unless
    /// another caller has already replaced it).
    fn invalidate(&self, py: Python<'_>, used: &Bound<'_, PyAccessToken>) -> PyResult<()> {
        shield(py, || {
            let used = &used.get().inner;
            py.detach(|| self.inner.invalidate(used));
            Ok(())
        })
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        shield(py, || {
            let environment = Py::new(py, self.environment())?;
            let has_token = self.has_token(py);
            Ok(format!(
                "SharedTokens(environment={}, merchant_code={}, token={})",
                environment.bind(py).repr()?,
                PyString::new(py, &self.merchant_code).repr()?,
                if has_token { "<redacted>" } else { "None" }
            ))
        })
    }
}

// ------------------------------------------------------------------ RetryPolicy

/// How patient a payment flow is: retries, backoff with jitter, the status
/// polling schedule, timeouts and the deadline. Durations are `timedelta`s
/// (millisecond precision).
#[pyclass(frozen, eq, module = "jenga_stk", name = "RetryPolicy")]
pub(crate) struct PyRetryPolicy {
    pub(crate) inner: RetryPolicy,
}

impl PartialEq for PyRetryPolicy {
    fn eq(&self, other: &Self) -> bool {
        self.inner == other.inner
    }
}

/// `value` as a duration, or `default` when it is `None`.
fn duration_or(
    value: Option<&Bound<'_, PyAny>>,
    what: &str,
    default: std::time::Duration,
) -> PyResult<std::time::Duration> {
    value.map_or(Ok(default), |v| duration_in(v, what))
}

#[pymethods]
impl PyRetryPolicy {
    /// Every argument is optional; `None` keeps the default (2 pushes, 2
    /// retries, backoff 0.5 s doubling to 5 s, confirm after 2 s, first
    /// status query after 5 s growing ×1.5 to 30 s, 3 minutes in all, 30 s
    /// per request, 50 ms between looks at a token another payment fetches).
    #[new]
    #[pyo3(signature = (
        *,
        max_pushes = None,
        max_retries = None,
        initial_backoff = None,
        max_backoff = None,
        confirm_delay = None,
        first_poll = None,
        max_poll_interval = None,
        timeout = None,
        request_timeout = None,
        token_wait = None
    ))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        max_pushes: Option<u32>,
        max_retries: Option<u32>,
        initial_backoff: Option<&Bound<'_, PyAny>>,
        max_backoff: Option<&Bound<'_, PyAny>>,
        confirm_delay: Option<&Bound<'_, PyAny>>,
        first_poll: Option<&Bound<'_, PyAny>>,
        max_poll_interval: Option<&Bound<'_, PyAny>>,
        timeout: Option<&Bound<'_, PyAny>>,
        request_timeout: Option<&Bound<'_, PyAny>>,
        token_wait: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        shield(py, || {
            let d = RetryPolicy::default();
            Ok(PyRetryPolicy {
                inner: RetryPolicy {
                    max_pushes: max_pushes.unwrap_or(d.max_pushes),
                    max_retries: max_retries.unwrap_or(d.max_retries),
                    initial_backoff: duration_or(
                        initial_backoff,
                        "initial_backoff",
                        d.initial_backoff,
                    )?,
                    max_backoff: duration_or(max_backoff, "max_backoff", d.max_backoff)?,
                    confirm_delay: duration_or(confirm_delay, "confirm_delay", d.confirm_delay)?,
                    first_poll: duration_or(first_poll, "first_poll", d.first_poll)?,
                    max_poll_interval: duration_or(
                        max_poll_interval,
                        "max_poll_interval",
                        d.max_poll_interval,
                    )?,
                    timeout: duration_or(timeout, "timeout", d.timeout)?,
                    request_timeout: duration_or(
                        request_timeout,
                        "request_timeout",
                        d.request_timeout,
                    )?,
                    token_wait: duration_or(token_wait, "token_wait", d.token_wait)?,
                },
            })
        })
    }

    /// Pushes sent for one payment at most, the first included.
    #[getter]
    fn max_pushes(&self) -> u32 {
        self.inner.max_pushes
    }

    /// Retries of one token or status request after a transient failure.
    #[getter]
    fn max_retries(&self) -> u32 {
        self.inner.max_retries
    }

    /// The first backoff; it doubles each retry.
    #[getter]
    fn initial_backoff(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        timedelta(py, self.inner.initial_backoff)
    }

    /// The longest backoff.
    #[getter]
    fn max_backoff(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        timedelta(py, self.inner.max_backoff)
    }

    /// After an ambiguous push, the wait before asking about the order.
    #[getter]
    fn confirm_delay(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        timedelta(py, self.inner.confirm_delay)
    }

    /// After an accepted push, the wait before the first status query.
    #[getter]
    fn first_poll(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        timedelta(py, self.inner.first_poll)
    }

    /// The longest wait between status queries.
    #[getter]
    fn max_poll_interval(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        timedelta(py, self.inner.max_poll_interval)
    }

    /// How long a flow keeps trying, from its creation (then: undecided).
    #[getter]
    fn timeout(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        timedelta(py, self.inner.timeout)
    }

    /// Each HTTP request's timeout, for the client that sends it.
    #[getter]
    fn request_timeout(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        timedelta(py, self.inner.request_timeout)
    }

    /// While another payment fetches the token, how long to wait before looking again.
    #[getter]
    fn token_wait(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        timedelta(py, self.inner.token_wait)
    }

    /// The wait before retry number `retry` (1 for the first), jittered by `random`.
    fn backoff(&self, py: Python<'_>, retry: u32, random: u64) -> PyResult<Py<PyAny>> {
        shield(py, || timedelta(py, self.inner.backoff(retry, random)))
    }

    /// The wait after status query number `polls` (0 for the first).
    fn poll_interval(&self, py: Python<'_>, polls: u32) -> PyResult<Py<PyAny>> {
        shield(py, || timedelta(py, self.inner.poll_interval(polls)))
    }

    fn __repr__(&self) -> String {
        let p = &self.inner;
        let ms = |d: std::time::Duration| d.as_millis();
        format!(
            "RetryPolicy(max_pushes={}, max_retries={}, initial_backoff={}ms, max_backoff={}ms, \
             confirm_delay={}ms, first_poll={}ms, max_poll_interval={}ms, timeout={}ms, \
             request_timeout={}ms, token_wait={}ms)",
            p.max_pushes,
            p.max_retries,
            ms(p.initial_backoff),
            ms(p.max_backoff),
            ms(p.confirm_delay),
            ms(p.first_poll),
            ms(p.max_poll_interval),
            ms(p.timeout),
            ms(p.request_timeout),
            ms(p.token_wait),
        )
    }
}

// ------------------------------------------------------------------ FlowContext

/// What a flow needs besides the push, given again when a saved flow is
/// restored (none of it is saved: the tokens and the callback secret are
/// secrets): the shared tokens, the callback secret (a push sent again gets
/// a callback URL for its new payment reference) and the limits.
#[pyclass(frozen, module = "jenga_stk", name = "FlowContext")]
pub(crate) struct PyFlowContext {
    inner: FlowContext,
    tokens: Py<PySharedTokens>,
    callback_urls: Option<Py<PyCallbackUrls>>,
    limits: Py<PyLimits>,
}

#[pymethods]
impl PyFlowContext {
    /// `callback_urls`: the `CallbackUrls` the push's callback URL was made
    /// with, if it was. `limits`: applied to every answer and piece of evidence.
    #[new]
    #[pyo3(signature = (tokens, *, callback_urls = None, limits = None))]
    fn new(
        py: Python<'_>,
        tokens: Bound<'_, PySharedTokens>,
        callback_urls: Option<Bound<'_, PyCallbackUrls>>,
        limits: Option<Bound<'_, PyLimits>>,
    ) -> PyResult<Self> {
        shield(py, || {
            let mut inner = FlowContext::new(Arc::clone(&tokens.get().inner));
            if let Some(urls) = &callback_urls {
                inner = inner.with_callback_urls(urls.get().inner.clone());
            }
            inner.limits = limits_in(limits.as_ref());
            let limits = match limits {
                Some(l) => l.unbind(),
                None => Py::new(
                    py,
                    PyLimits {
                        inner: inner.limits,
                    },
                )?,
            };
            Ok(PyFlowContext {
                inner,
                tokens: tokens.unbind(),
                callback_urls: callback_urls.map(Bound::unbind),
                limits,
            })
        })
    }

    /// The `SharedTokens`.
    #[getter]
    fn tokens(&self, py: Python<'_>) -> Py<PySharedTokens> {
        self.tokens.clone_ref(py)
    }

    /// The `CallbackUrls`, or `None`.
    #[getter]
    fn callback_urls(&self, py: Python<'_>) -> Option<Py<PyCallbackUrls>> {
        self.callback_urls.as_ref().map(|u| u.clone_ref(py))
    }

    /// The `Limits`.
    #[getter]
    fn limits(&self, py: Python<'_>) -> Py<PyLimits> {
        self.limits.clone_ref(py)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        shield(py, || {
            Ok(format!(
                "FlowContext(tokens={}, callback_urls={}, limits={})",
                self.tokens.bind(py).repr()?,
                if self.callback_urls.is_some() {
                    "CallbackUrls(secret=<redacted>)"
                } else {
                    "None"
                },
                self.limits.bind(py).repr()?
            ))
        })
    }
}

// ------------------------------------------------------------------ actions and outcome

value_class! {
    /// One HTTP request the flow asks for: send `http` with `timeout` (a
    /// `timedelta`, for the whole request, body included), then hand in its
    /// answer (`handle_response`) or its failure (`handle_transport_failure`).
    PyFlowRequest as "FlowRequest", inner: FlowRequest,
    fields {
        /// `"token"`, `"init"` or `"status"` (map a failure to send it to a `TransportFailure`).
        endpoint,
        /// The `HttpRequest`.
        http,
        /// How long to wait for the whole answer, a `timedelta` (then report `"timeout"`).
        timeout,
    }
    repr { endpoint, http, timeout }
    methods {}
}

fn flow_request_to_py(py: Python<'_>, r: FlowRequest) -> PyResult<Py<PyFlowRequest>> {
    let value = PyFlowRequest {
        endpoint: str_(py, r.endpoint.code()),
        http: Py::new(
            py,
            PyHttpRequest {
                inner: r.http.clone(),
            },
        )?
        .into_any(),
        timeout: timedelta(py, r.timeout)?,
        inner: r,
    };
    Py::new(py, value)
}

value_class! {
    /// `PaymentFlow.poll`'s (and `StatusQuery.poll`'s) answer: send this
    /// request now.
    PySend as "Send", inner: FlowRequest,
    fields {
        /// The `FlowRequest`.
        request,
    }
    repr { request }
    methods {
        #[classattr]
        fn __match_args__() -> (&'static str,) {
            ("request",)
        }
    }
}

value_class! {
    /// `PaymentFlow.poll`'s (and `StatusQuery.poll`'s) answer: nothing to do
    /// before `until` (an aware `datetime`); poll again then, or (a payment
    /// flow) earlier when a callback or IPN is handed in.
    PyWait as "Wait", inner: jenga_stk::DateTime,
    fields {
        /// When to poll again.
        until,
    }
    repr { until }
    methods {
        #[classattr]
        fn __match_args__() -> (&'static str,) {
            ("until",)
        }
    }
}

value_class! {
    /// `PaymentFlow.poll`'s answer: the flow has ended (it still takes
    /// evidence: a successful IPN turns any outcome into paid).
    PyDone as "Done", inner: Outcome,
    fields {
        /// The `Outcome`.
        outcome,
    }
    repr { outcome }
    methods {
        #[classattr]
        fn __match_args__() -> (&'static str,) {
            ("outcome",)
        }
    }
}

value_class! {
    /// How a payment flow ended. `kind`: `"paid"` (confirmed: ship the
    /// goods), `"failed"` (confirmed; a new payment may be started),
    /// `"rejected"` (the provider refused the push: nothing reached the
    /// customer), `"not_sent"` (the provider could not be reached: nothing
    /// reached the customer), `"undecided"` (the prompt may be on the phone:
    /// keep the order pending, hand in the IPN or check again later).
    PyOutcome as "Outcome", inner: Outcome,
    fields {
        /// `"paid"`, `"failed"`, `"rejected"`, `"not_sent"` or `"undecided"`.
        kind,
        /// The `Reconciliation` of every callback, IPN and status answer seen.
        reconciliation,
        /// For `"rejected"`, the provider's `Rejection`; otherwise the last
        /// refusal seen, or `None`.
        rejection,
        /// The last request that got no answer at all (`"connect_failed"`,
        /// `"timeout"`, `"connection_lost"`), or `None`.
        transport_failure,
        /// Every payment reference pushed, the first one first (a tuple).
        payment_references,
    }
    repr { kind, reconciliation, rejection, transport_failure, payment_references }
    methods {}
}

pub(crate) fn outcome_to_py(py: Python<'_>, o: Outcome) -> PyResult<Py<PyOutcome>> {
    let value = PyOutcome {
        kind: str_(py, o.kind.code()),
        reconciliation: reconciliation_to_py(py, o.reconciliation.clone())?.into_any(),
        rejection: match &o.rejection {
            Some(r) => rejection_to_py(py, r.clone())?.into_any(),
            None => py.None(),
        },
        transport_failure: match o.transport_failure {
            Some(f) => str_(py, f.code()),
            None => py.None(),
        },
        payment_references: PyTuple::new(py, &o.payment_references)?.into_any().unbind(),
        inner: o,
    };
    Py::new(py, value)
}

/// A `Send` (of a payment flow or of a status query).
pub(crate) fn send_to_py(py: Python<'_>, request: FlowRequest) -> PyResult<Py<PyAny>> {
    let value = PySend {
        request: flow_request_to_py(py, request.clone())?.into_any(),
        inner: request,
    };
    Ok(Py::new(py, value)?.into_any())
}

/// A `Wait` (of a payment flow or of a status query).
pub(crate) fn wait_to_py(py: Python<'_>, until: jenga_stk::DateTime) -> PyResult<Py<PyAny>> {
    let value = PyWait {
        until: datetime(py, until)?,
        inner: until,
    };
    Ok(Py::new(py, value)?.into_any())
}

fn action_to_py(py: Python<'_>, action: Action) -> PyResult<Py<PyAny>> {
    Ok(match action {
        Action::Send(request) => send_to_py(py, request)?,
        Action::Wait(until) => wait_to_py(py, until)?,
        Action::Done(outcome) => Py::new(
            py,
            PyDone {
                outcome: outcome_to_py(py, outcome.clone())?.into_any(),
                inner: outcome,
            },
        )?
        .into_any(),
    })
}

// ------------------------------------------------------------------ PaymentFlow

/// The payment flow, written once in the core: a sans-IO state machine that
/// drives one STK push from the token to a reconciled outcome and says what
/// to do next. `poll(now)` returns `Send` (send its request, then hand in
/// the answer or the failure), `Wait` (poll again at `until`, or when a
/// callback or IPN is handed in) or `Done` (the `Outcome`).
///
/// Thread-safe: one thread may drive it while another hands in a callback
/// or an IPN. The state saves to versioned JSON (`to_json`, no secrets) and
/// restores in any process (`from_json`) with the same decisions.
#[pyclass(frozen, module = "jenga_stk", name = "PaymentFlow")]
pub(crate) struct PyPaymentFlow {
    inner: Mutex<PaymentFlow>,
}

impl PyPaymentFlow {
    /// The flow; a poisoned lock is recovered (the core never panics while
    /// holding it; a panic would be a bug, reported as `internal_error`).
    fn lock(&self) -> MutexGuard<'_, PaymentFlow> {
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Runs `f` on the flow with the GIL released (no Python call inside).
    fn with<T: Send>(&self, py: Python<'_>, f: impl FnOnce(&mut PaymentFlow) -> T + Send) -> T {
        py.detach(|| f(&mut self.lock()))
    }
}

#[pymethods]
impl PyPaymentFlow {
    /// A flow for `push` (validated and signed), starting at `now` (an
    /// aware `datetime`). `seed`: any random 64-bit integer (it feeds the
    /// jitter and new payment references; `secrets.randbits(64)`); a fixed
    /// one replays the same decisions. `status_signature`: the `Signature`
    /// header for the status query (a signature of the order reference),
    /// when your account needs one (unconfirmed by the provider's docs).
    #[new]
    #[pyo3(signature = (push, context, *, seed, now, policy = None, status_signature = None))]
    fn new(
        py: Python<'_>,
        push: &Bound<'_, PySignedStkPush>,
        context: &Bound<'_, PyFlowContext>,
        seed: u64,
        now: &Bound<'_, PyAny>,
        policy: Option<&Bound<'_, PyRetryPolicy>>,
        status_signature: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        shield(py, || {
            let now = datetime_in(now, "now")?;
            let status_signature = status_signature.map(signature_in).transpose()?;
            let policy = policy.map_or_else(RetryPolicy::default, |p| p.get().inner);
            let flow = PaymentFlow::new(
                push.get().inner.clone(),
                context.get().inner.clone(),
                policy,
                status_signature,
                seed,
                now,
            );
            Ok(PyPaymentFlow {
                inner: Mutex::new(flow),
            })
        })
    }

    /// What to do next at `now`: `Send`, `Wait` or `Done`. Call it again
    /// after every answer, failure, callback or IPN, and when a `Wait` is
    /// over. Raises `FlowError` (`flow_busy`) while a request awaits its answer.
    fn poll(&self, py: Python<'_>, now: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        shield(py, || {
            let now = datetime_in(now, "now")?;
            let action = self.with(py, |f| f.poll(now)).or_raise(py)?;
            action_to_py(py, action)
        })
    }

    /// The answer to the request of the last `Send`: its HTTP status, its
    /// `Retry-After` header (or `None`) and its body. Raises `FlowError`
    /// (`flow_idle`) when no request awaits an answer.
    fn handle_response(
        &self,
        py: Python<'_>,
        now: &Bound<'_, PyAny>,
        status: u16,
        retry_after: Option<String>,
        body: Bytes<'_>,
    ) -> PyResult<()> {
        shield(py, || {
            let now = datetime_in(now, "now")?;
            let body = body.as_slice();
            self.with(py, |f| {
                f.handle_response(now, status, retry_after.as_deref(), body)
            })
            .or_raise(py)
        })
    }

    /// The request of the last `Send` got no HTTP answer: `"connect_failed"`
    /// (nothing was sent: refused, DNS, TLS), `"timeout"` or
    /// `"connection_lost"` (reset, closed, cancelled: it may have arrived).
    /// An unknown code raises `ValidationError` (`invalid_option`).
    fn handle_transport_failure(
        &self,
        py: Python<'_>,
        now: &Bound<'_, PyAny>,
        failure: &str,
    ) -> PyResult<()> {
        shield(py, || {
            let now = datetime_in(now, "now")?;
            let failure = TransportFailure::from_code(failure).ok_or_else(|| {
                invalid_code(py, "failure", "connect_failed, timeout or connection_lost")
            })?;
            self.with(py, |f| f.handle_transport_failure(now, failure))
                .or_raise(py)
        })
    }

    /// A callback to the push's callback URL, already authenticated
    /// (`CallbackUrls.verify_callback`). Unsigned: it decides nothing alone,
    /// a status query confirms it. Raises `FlowError`
    /// (`flow_not_this_payment`) for another payment's callback.
    fn handle_callback(&self, py: Python<'_>, callback: &Bound<'_, PyStkCallback>) -> PyResult<()> {
        shield(py, || {
            let callback = callback.get().inner.clone();
            self.with(py, |f| f.handle_callback(callback)).or_raise(py)
        })
    }

    /// An IPN for this order, already authenticated (`IpnAuth.verify`). A
    /// successful one decides at once; redeliveries change nothing. Raises
    /// `FlowError` (`flow_not_this_payment`) for another order's IPN.
    fn handle_ipn(&self, py: Python<'_>, ipn: &Bound<'_, PyIpn>) -> PyResult<()> {
        shield(py, || {
            let ipn = ipn.get().inner.clone();
            self.with(py, |f| f.handle_ipn(ipn)).or_raise(py)
        })
    }

    /// Asks for a status query at the next `poll`, even past the deadline or
    /// after the flow ended undecided (a job re-checking pending payments).
    /// No effect on a paid flow.
    fn check_status(&self, py: Python<'_>) -> PyResult<()> {
        shield(py, || {
            self.with(py, PaymentFlow::check_status);
            Ok(())
        })
    }

    /// The `Outcome` once the flow has ended, else `None`; recomputed when
    /// evidence comes later.
    #[getter]
    fn outcome(&self, py: Python<'_>) -> PyResult<Option<Py<PyOutcome>>> {
        shield(py, || {
            let outcome = self.with(py, |f| f.outcome());
            outcome.map(|o| outcome_to_py(py, o)).transpose()
        })
    }

    /// The `Reconciliation` of everything seen so far, before the flow ends
    /// too: after a callback saying paid, `state` is `"paid"` with
    /// `confirmed` False while the status query is awaited. Show it; act
    /// (ship the goods) on the `Outcome`.
    #[getter]
    fn reconciliation(&self, py: Python<'_>) -> PyResult<Py<PyReconciliation>> {
        shield(py, || {
            let decision = self.with(py, |f| f.reconciliation());
            reconciliation_to_py(py, decision)
        })
    }

    /// `"starting"` (token, push), `"confirming"` (the push's answer was
    /// lost or unclear: asking about the order first), `"waiting"` (the
    /// provider has the push: waiting for the customer) or `"done"`.
    #[getter]
    fn phase(&self, py: Python<'_>) -> PyResult<&'static str> {
        shield(py, || Ok(self.with(py, |f| f.phase().code())))
    }

    /// The provider's `InitAccepted`, once it came, else `None`.
    #[getter]
    fn accepted(&self, py: Python<'_>) -> PyResult<Option<Py<PyAny>>> {
        shield(py, || {
            let accepted = self.with(py, |f| f.accepted().cloned());
            accepted
                .map(|a| accepted_to_py(py, a).map(Py::into_any))
                .transpose()
        })
    }

    /// Whether the provider is known to have the push (accepted, or found
    /// by a status query): from then on the customer has (or had) the prompt.
    #[getter]
    fn push_known(&self, py: Python<'_>) -> PyResult<bool> {
        shield(py, || Ok(self.with(py, |f| f.push_known())))
    }

    /// The order reference.
    #[getter]
    fn order_reference(&self, py: Python<'_>) -> PyResult<String> {
        shield(py, || Ok(self.with(py, |f| f.order_reference().to_owned())))
    }

    /// The payment reference of the latest push.
    #[getter]
    fn payment_reference(&self, py: Python<'_>) -> PyResult<String> {
        shield(py, || {
            Ok(self.with(py, |f| f.payment_reference().to_owned()))
        })
    }

    /// Every payment reference pushed, the first one first (a tuple).
    #[getter]
    fn payment_references<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        shield(py, || {
            let references = self.with(py, |f| f.payment_references().to_vec());
            PyTuple::new(py, references)
        })
    }

    /// The instant after which the flow stops trying and ends undecided.
    #[getter]
    fn deadline(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        shield(py, || {
            let deadline = self.with(py, |f| f.deadline());
            datetime(py, deadline)
        })
    }

    /// The state as versioned JSON (no secrets): store it with the order.
    fn to_json(&self, py: Python<'_>) -> PyResult<String> {
        shield(py, || Ok(self.with(py, |f| f.to_json())))
    }

    /// Restores a flow saved by `to_json`, with its context given again.
    /// A request that awaited its answer when it was saved has lost it (a
    /// lost push answer is asked about first). Raises `FlowError`
    /// (`flow_state_invalid`) for anything else.
    #[staticmethod]
    fn from_json(
        py: Python<'_>,
        json: Bytes<'_>,
        context: &Bound<'_, PyFlowContext>,
    ) -> PyResult<Self> {
        shield(py, || {
            let json = json.as_slice();
            let context = context.get().inner.clone();
            let flow = py
                .detach(|| PaymentFlow::from_json(json, context))
                .or_raise(py)?;
            Ok(PyPaymentFlow {
                inner: Mutex::new(flow),
            })
        })
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        shield(py, || {
            let (order, payment, phase, kind) = self.with(py, |f| {
                (
                    f.order_reference().to_owned(),
                    f.payment_reference().to_owned(),
                    f.phase().code(),
                    f.outcome().map(|o| o.kind.code()),
                )
            });
            Ok(format!(
                "PaymentFlow(order_reference={}, payment_reference={}, phase={}, outcome={})",
                PyString::new(py, &order).repr()?,
                PyString::new(py, &payment).repr()?,
                PyString::new(py, phase).repr()?,
                match kind {
                    Some(k) => PyString::new(py, k).repr()?.to_string(),
                    None => "None".to_owned(),
                }
            ))
        })
    }
}
