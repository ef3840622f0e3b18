//! One order status query: the core's sans-IO `StatusQuery` (the shared
//! token, one retry after a 401 with a new token, bounded retries with
//! backoff after a 5xx, a 429 or no answer) and its end, `QueryDone`. It
//! asks with the payment flow's `Send` and `Wait`. Every decision is the
//! core's; this file converts.

use std::sync::{Arc, Mutex, MutexGuard};

use pyo3::prelude::*;
use pyo3::types::PyString;

use jenga_stk::{QueryAction, QueryResult, RetryPolicy, StatusQuery, TransportFailure};

use crate::convert::{Bytes, datetime_in, limits_in, str_};
use crate::errors::OrRaise;
use crate::flow::{PyRetryPolicy, PySharedTokens, send_to_py, wait_to_py};
use crate::responses::invalid_code;
use crate::shield::shield;
use crate::signing::signature_in;
use crate::status::status_response_to_py;
use crate::values::{PyLimits, value_class};

value_class! {
    /// `StatusQuery.poll`'s answer: the query has ended. `response`: the
    /// provider's answer (`OrderStatus`, `OrderNotFound`, or its refusal as
    /// a `Rejection`, a refused token request included), or `None` when none
    /// came; then `transport_failure` says how the last attempt failed
    /// (`"connect_failed"`, `"timeout"`, `"connection_lost"`), or is `None`
    /// too when answers came but none could be read.
    PyQueryDone as "QueryDone", inner: QueryResult,
    fields {
        /// `OrderStatus`, `OrderNotFound`, `Rejection` or `None`.
        response,
        /// When no answer came: how the last attempt failed, else `None`.
        transport_failure,
    }
    repr { response, transport_failure }
    methods {
        #[classattr]
        fn __match_args__() -> (&'static str, &'static str) {
            ("response", "transport_failure")
        }
    }
}

fn query_done_to_py(py: Python<'_>, result: QueryResult) -> PyResult<Py<PyAny>> {
    let value = PyQueryDone {
        response: match &result.response {
            Some(r) => status_response_to_py(py, r.clone())?,
            None => py.None(),
        },
        transport_failure: match result.transport_failure {
            Some(f) => str_(py, f.code()),
            None => py.None(),
        },
        inner: result,
    };
    Ok(Py::new(py, value)?.into_any())
}

fn query_action_to_py(py: Python<'_>, action: QueryAction) -> PyResult<Py<PyAny>> {
    match action {
        QueryAction::Send(request) => send_to_py(py, request),
        QueryAction::Wait(until) => wait_to_py(py, until),
        QueryAction::Done(result) => query_done_to_py(py, result),
    }
}

/// One order status query, sans-IO, written once in the core: `poll(now)`
/// returns `Send` (send its request, then hand in the answer or the
/// failure), `Wait` (poll again at `until`) or `QueryDone`. The token comes
/// from the client's `SharedTokens`; after a 401 it asks once with a new
/// one; a 5xx, a 429 (its `Retry-After` honoured) or no answer is retried
/// within the policy's `max_retries`, with backoff. `Client.query_status`
/// drives one. Thread-safe (one driver at a time: `flow_busy` otherwise).
#[pyclass(frozen, module = "jenga_stk", name = "StatusQuery")]
pub(crate) struct PyStatusQuery {
    inner: Mutex<StatusQuery>,
    order_reference: String,
}

impl PyStatusQuery {
    /// The query; a poisoned lock is recovered (the core never panics while
    /// holding it; a panic would be a bug, reported as `internal_error`).
    fn lock(&self) -> MutexGuard<'_, StatusQuery> {
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Runs `f` on the query with the GIL released (no Python call inside).
    fn with<T: Send>(&self, py: Python<'_>, f: impl FnOnce(&mut StatusQuery) -> T + Send) -> T {
        py.detach(|| f(&mut self.lock()))
    }
}

#[pymethods]
impl PyStatusQuery {
    /// A query about `order_reference` (surrounding spaces are dropped),
    /// with a client's `tokens`. `seed`: any random 64-bit integer (the
    /// backoff's jitter; `secrets.randbits(64)`). `status_signature`: the
    /// `Signature` header (the order reference signed, see `order_reference`),
    /// when your account needs one. Raises `ValidationError`, every problem
    /// at once: a blank order reference or one with control characters
    /// (field `orderReference`), a policy that would spin (`policy.*`).
    /// `limits`: the parsing limits of the answers (the defaults otherwise).
    #[new]
    #[pyo3(signature = (order_reference, tokens, *, seed, policy = None, status_signature = None, limits = None))]
    fn new(
        py: Python<'_>,
        order_reference: &str,
        tokens: &Bound<'_, PySharedTokens>,
        seed: u64,
        policy: Option<&Bound<'_, PyRetryPolicy>>,
        status_signature: Option<&Bound<'_, PyAny>>,
        limits: Option<&Bound<'_, PyLimits>>,
    ) -> PyResult<Self> {
        let limits = limits_in(limits);
        shield(py, || {
            let status_signature = status_signature.map(signature_in).transpose()?;
            let policy = policy.map_or_else(RetryPolicy::default, |p| p.get().inner);
            let tokens = Arc::clone(&tokens.get().inner);
            let query = StatusQuery::new(order_reference, tokens, policy, status_signature, seed)
                .or_raise(py)?
                .with_limits(limits);
            Ok(PyStatusQuery {
                // The reference the core queries (trimmed): the one to sign.
                order_reference: query.order_reference().to_owned(),
                inner: Mutex::new(query),
            })
        })
    }

    /// The order reference queried (trimmed): the text a status signature signs.
    #[getter]
    fn order_reference(&self) -> &str {
        &self.order_reference
    }

    /// What to do next at `now`: `Send`, `Wait` or `QueryDone` (again and
    /// again once ended). Raises `FlowError` (`flow_busy`) while a request
    /// awaits its answer.
    fn poll(&self, py: Python<'_>, now: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        shield(py, || {
            let now = datetime_in(now, "now")?;
            let action = self.with(py, |q| q.poll(now)).or_raise(py)?;
            query_action_to_py(py, action)
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
            self.with(py, |q| {
                q.handle_response(now, status, retry_after.as_deref(), body)
            })
            .or_raise(py)
        })
    }

    /// The request of the last `Send` got no HTTP answer: `"connect_failed"`,
    /// `"timeout"` or `"connection_lost"` (a cancelled request too: a token
    /// request is then released for others). An unknown code raises
    /// `ValidationError` (`invalid_option`); `FlowError` (`flow_idle`) when
    /// no request awaits an answer.
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
            self.with(py, |q| q.handle_transport_failure(now, failure))
                .or_raise(py)
        })
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        shield(py, || {
            Ok(format!(
                "StatusQuery(order_reference={})",
                PyString::new(py, &self.order_reference).repr()?
            ))
        })
    }
}
