//! The provider's answers: accepted, or a `Rejection` that keeps the
//! provider's code and message and says what to do next.

use pyo3::prelude::*;

use jenga_stk::{InitAccepted, InitResponse, Rejection};

use crate::convert::{Bytes, limits_in, opt_decimal, opt_str, str_};
use crate::errors::OrRaise;
use crate::shield::shield;
use crate::values::{PyLimits, value_class};

value_class! {
    /// A refusal by the provider. `kind` and `action` are stable codes
    /// (`action`: `do_not_retry`, `refresh_token_and_retry`,
    /// `retry_with_backoff` or `fix_signature`); `str()` is a readable summary.
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
        /// What to do next, e.g. `"retry_with_backoff"`.
        action,
    }
    repr { http_status, provider_code, message, kind, action }
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

fn accepted_to_py(py: Python<'_>, a: InitAccepted) -> PyResult<Py<PyInitAccepted>> {
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

/// Classifies the answer to the STK push init: `InitAccepted` or `Rejection`.
/// The body decides (HTTP 200 with `status: false` is a rejection); a body
/// that is not JSON raises `ParseError`.
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
        let response = py
            .detach(|| jenga_stk::classify_init_response(status, body, &limits))
            .or_raise(py)?;
        Ok(match response {
            InitResponse::Accepted(a) => accepted_to_py(py, a)?.into_any(),
            InitResponse::Rejected(r) => rejection_to_py(py, r)?.into_any(),
        })
    })
}

/// Whether an HTTP status alone suggests retrying with backoff (5xx, 429).
#[pyfunction]
pub(crate) fn is_retryable_status(status: u16) -> bool {
    jenga_stk::is_retryable_status(status)
}
