//! The provider's answers: accepted, or a `Rejection` that keeps the
//! provider's code and message and says what to do next; and the advice
//! when no answer came at all (`advise_transport_failure`).

use pyo3::prelude::*;

use jenga_stk::{
    Endpoint, InitAccepted, InitResponse, Problem, ProblemCode, Rejection, TransportFailure,
    ValidationError,
};

use crate::convert::{Bytes, limits_in, opt_decimal, opt_str, str_};
use crate::errors::OrRaise;
use crate::shield::shield;
use crate::values::{PyLimits, value_class};

value_class! {
    /// A refusal by the provider, or an answer that could not be read. `kind`
    /// and `action` are stable codes (`action`: `do_not_retry`,
    /// `refresh_token_and_retry`, `retry_with_backoff`, `fix_signature` or
    /// `check_status_first`); `str()` is a readable summary.
    PyRejection as "Rejection", inner: Rejection,
    fields {
        /// The HTTP status.
        http_status,
        /// The provider's `code`, as text (`"400"`, `"106201"`), or `None`.
        provider_code,
        /// The provider's `message`, or `None`.
        message,
        /// The provider's `error_code` (`INVALID_REQUEST`, …), or `None`.
        error_code,
        /// The classification, e.g. `"push_failed"`, `"invalid_signature"`.
        kind,
        /// What to do next, e.g. `"retry_with_backoff"`, `"check_status_first"`.
        action,
        /// For a body that is not the provider's JSON (an HTML gateway page,
        /// plain text): its first words, tags removed and long token-like
        /// runs redacted, for logs; `None` for JSON or empty bodies.
        body_excerpt,
    }
    repr { http_status, provider_code, message, kind, action, body_excerpt }
    methods {
        /// Advice for humans; for `invalid_signature` it lists the usual causes.
        #[getter]
        fn hint(&self) -> &'static str {
            self.inner.hint()
        }

        fn __str__(&self) -> String {
            self.inner.to_string()
        }
    }
}

/// A `Rejection` object.
pub(crate) fn rejection_to_py(py: Python<'_>, r: Rejection) -> PyResult<Py<PyRejection>> {
    let value = PyRejection {
        http_status: r.http_status.into_pyobject(py)?.into_any().unbind(),
        provider_code: opt_str(py, r.provider_code.as_deref()),
        message: opt_str(py, r.message.as_deref()),
        error_code: opt_str(py, r.error_code.as_deref()),
        kind: str_(py, r.kind.code()),
        action: str_(py, r.action.code()),
        body_excerpt: opt_str(py, r.body_excerpt.as_deref()),
        inner: r,
    };
    Py::new(py, value)
}

value_class! {
    /// The provider accepted an STK push initiation; the outcome comes by
    /// callback, IPN or status query.
    PyInitAccepted as "InitAccepted", inner: InitAccepted,
    fields {
        /// `"0"` (accepted for processing) or `"-1"` (acknowledged).
        code,
        /// The provider's message, or `None`.
        message,
        /// `data.invoiceNumber`, or `None`.
        invoice_number,
        /// `data.amount`, a `Decimal`, or `None`.
        amount,
        /// `data.charge`, a `Decimal`, or `None`.
        charge,
        /// `data.amountDebited`, a `Decimal`, or `None`.
        amount_debited,
        /// `data.paymentReference`, or `None`.
        payment_reference,
        /// `data.orderReference`, or `None`.
        order_reference,
    }
    repr { code, invoice_number, amount, payment_reference, order_reference }
    methods {}
}

pub(crate) fn accepted_to_py(py: Python<'_>, a: InitAccepted) -> PyResult<Py<PyInitAccepted>> {
    let value = PyInitAccepted {
        code: str_(py, &a.code),
        message: opt_str(py, a.message.as_deref()),
        invoice_number: opt_str(py, a.invoice_number.as_deref()),
        amount: opt_decimal(py, a.amount)?,
        charge: opt_decimal(py, a.charge)?,
        amount_debited: opt_decimal(py, a.amount_debited)?,
        payment_reference: opt_str(py, a.payment_reference.as_deref()),
        order_reference: opt_str(py, a.order_reference.as_deref()),
        inner: a,
    };
    Py::new(py, value)
}

/// Classifies the answer to the STK push init: `InitAccepted` or
/// `Rejection`. Never raises for any body: the body decides (HTTP 200 with
/// `status: false` is a rejection), and a body that is not JSON (an HTML
/// gateway page, an empty body) is a `Rejection` by its HTTP status, with
/// `body_excerpt` for logs.
#[pyfunction]
#[pyo3(signature = (status, body, *, limits = None))]
pub(crate) fn classify_init_response(
    py: Python<'_>,
    status: u16,
    body: Bytes<'_>,
    limits: Option<&Bound<'_, PyLimits>>,
) -> PyResult<Py<PyAny>> {
    shield(py, || {
        let limits = limits_in(limits);
        let body = body.as_slice();
        let response = py.detach(|| jenga_stk::classify_init_response(status, body, &limits));
        Ok(match response {
            InitResponse::Accepted(a) => accepted_to_py(py, a)?.into_any(),
            InitResponse::Rejected(r) => rejection_to_py(py, r)?.into_any(),
        })
    })
}

/// What to do after `failure` (`"connect_failed"`, `"timeout"`,
/// `"connection_lost"`) on `endpoint` (`"token"`, `"init"`, `"status"`) when
/// no HTTP answer came: a `NextAction` code. A push that may have been sent
/// is `"check_status_first"`; anything else may be retried with backoff.
/// An unknown code raises `ValidationError` (`invalid_option`, naming the
/// argument), both arguments' problems at once.
#[pyfunction]
pub(crate) fn advise_transport_failure(
    py: Python<'_>,
    endpoint: &str,
    failure: &str,
) -> PyResult<&'static str> {
    shield(py, || {
        let known_endpoint = Endpoint::from_code(endpoint);
        let known_failure = TransportFailure::from_code(failure);
        match (known_endpoint, known_failure) {
            (Some(e), Some(f)) => Ok(jenga_stk::advise_transport_failure(e, f).code()),
            _ => {
                let mut problems = Vec::new();
                if known_endpoint.is_none() {
                    problems.push(unknown_code("endpoint", "token, init or status"));
                }
                if known_failure.is_none() {
                    problems.push(unknown_code(
                        "failure",
                        "connect_failed, timeout or connection_lost",
                    ));
                }
                Err(ValidationError::new(problems)).or_raise(py)
            }
        }
    })
}

/// An `invalid_option` problem for an argument that is not one of its codes
/// (the value itself is not quoted: it could be anything the caller had).
fn unknown_code(argument: &str, codes: &str) -> Problem {
    Problem::new(
        argument,
        ProblemCode::InvalidOption,
        format!("must be one of {codes}"),
    )
}

/// A `ValidationError` (`invalid_option`) for an argument that is not one of its codes.
pub(crate) fn invalid_code(py: Python<'_>, argument: &str, codes: &str) -> PyErr {
    crate::errors::to_pyerr(
        py,
        ValidationError::new(vec![unknown_code(argument, codes)]).into(),
    )
}
