//! The unsigned callback to `payment.callbackUrl`, and the per-payment
//! callback URLs whose HMAC token authenticates it.

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyTuple};

use jenga_stk::{
    CallbackFailure, CallbackOutcome, CallbackPayment, CallbackRefs, CallbackUrls, StkCallback,
};

use crate::convert::{Bytes, decimal, limits_in, opt_datetime, opt_decimal, opt_str, str_};
use crate::errors::OrRaise;
use crate::shield::shield;
use crate::values::{PyLimits, value_class};

value_class! {
    /// A successful payment as the callback reports it.
    PyCallbackPayment as "CallbackPayment", inner: CallbackPayment,
    fields {
        /// `MpesaReceiptNumber`.
        mpesa_receipt,
        /// `Amount`, a `Decimal`.
        amount,
        /// `PhoneNumber` as sent (`"254722000000"`, masked `"2547*****000"`,
        /// `"+254…"`), or `None`.
        phone_number,
        /// `TransactionDate`, an aware `datetime` in East Africa Time, or `None`.
        transaction_date,
        /// `Balance` when it has a value (a `Decimal`), else `None`.
        balance,
    }
    repr { mpesa_receipt, amount, phone_number, transaction_date, balance }
    methods {}
}

value_class! {
    /// A failed payment as the callback reports it.
    PyCallbackFailure as "CallbackFailure", inner: CallbackFailure,
    fields {
        /// The reason code: `insufficient_funds`, `subscriber_busy`, `expired`,
        /// `push_not_sent`, `cancelled`, `timeout`, `wrong_pin`,
        /// `provider_error` or `unknown`.
        reason,
    }
    repr { reason }
    methods {}
}

value_class! {
    /// A parsed callback to `payment.callbackUrl`. Unsigned: authenticate its
    /// URL with `CallbackUrls` and decide on the IPN or a status query.
    PyStkCallback as "StkCallback", inner: StkCallback,
    fields {
        /// `transactionReference`: the request's payment reference.
        transaction_reference,
        /// `MerchantRequestID`, or `None`.
        merchant_request_id,
        /// `CheckoutRequestID`, or `None`.
        checkout_request_id,
        /// `ResultCode` as sent (0 is paid).
        result_code,
        /// `ResultDesc`, or `None`.
        result_desc,
        /// `CallbackPayment` (paid) or `CallbackFailure`.
        outcome,
    }
    repr { transaction_reference, result_code, result_desc, outcome }
    methods {
        /// The callback in the provider's wire format (what the sandbox
        /// sends); `parse_callback` reads it back to an equal value.
        fn to_json<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
            shield(py, || Ok(PyBytes::new(py, &self.inner.to_json())))
        }
    }
}

/// An `StkCallback` object.
pub(crate) fn callback_to_py(py: Python<'_>, c: StkCallback) -> PyResult<Py<PyStkCallback>> {
    let outcome = match &c.outcome {
        CallbackOutcome::Paid(p) => {
            let value = PyCallbackPayment {
                mpesa_receipt: str_(py, &p.mpesa_receipt),
                amount: decimal(py, p.amount)?,
                phone_number: opt_str(py, p.phone_number.as_deref()),
                transaction_date: opt_datetime(py, p.transaction_date)?,
                balance: opt_decimal(py, p.balance)?,
                inner: p.clone(),
            };
            Py::new(py, value)?.into_any()
        }
        CallbackOutcome::Failed(f) => {
            let value = PyCallbackFailure {
                reason: str_(py, f.reason.code()),
                inner: f.clone(),
            };
            Py::new(py, value)?.into_any()
        }
    };
    let value = PyStkCallback {
        transaction_reference: str_(py, &c.transaction_reference),
        merchant_request_id: opt_str(py, c.merchant_request_id.as_deref()),
        checkout_request_id: opt_str(py, c.checkout_request_id.as_deref()),
        result_code: c.result_code.into_pyobject(py)?.into_any().unbind(),
        result_desc: opt_str(py, c.result_desc.as_deref()),
        outcome,
        inner: c,
    };
    Py::new(py, value)
}

/// Parses the callback body (`bytes` or `str`); raises `ParseError` naming
/// the JSON path of a missing or malformed part.
#[pyfunction]
#[pyo3(signature = (body, *, limits = None))]
pub(crate) fn parse_callback(
    py: Python<'_>,
    body: Bytes<'_>,
    limits: Option<&Bound<'_, PyLimits>>,
) -> PyResult<Py<PyStkCallback>> {
    shield(py, || {
        let limits = limits_in(limits);
        let body = body.as_slice();
        let callback = py
            .detach(|| jenga_stk::parse_callback(body, &limits))
            .or_raise(py)?;
        callback_to_py(py, callback)
    })
}

value_class! {
    /// The references a verified callback URL was made for.
    PyCallbackRefs as "CallbackRefs", inner: CallbackRefs,
    fields {
        /// The order reference.
        order_reference,
        /// The payment reference.
        payment_reference,
    }
    repr { order_reference, payment_reference }
    methods {}
}

fn refs_to_py(py: Python<'_>, r: CallbackRefs) -> PyResult<Py<PyCallbackRefs>> {
    let value = PyCallbackRefs {
        order_reference: str_(py, &r.order_reference),
        payment_reference: str_(py, &r.payment_reference),
        inner: r,
    };
    Py::new(py, value)
}

/// Makes and checks per-payment callback URLs carrying an HMAC-SHA256 token
/// under your secret (at least 32 bytes). The secret is never shown.
#[pyclass(frozen, module = "jenga_stk", name = "CallbackUrls")]
pub(crate) struct PyCallbackUrls {
    pub(crate) inner: CallbackUrls,
}

#[pymethods]
impl PyCallbackUrls {
    /// `secret`: `bytes` or `str` (UTF-8), at least 32 bytes
    /// (`ValidationError`, `secret_too_short`, otherwise).
    #[new]
    fn new(py: Python<'_>, secret: Bytes<'_>) -> PyResult<Self> {
        shield(py, || {
            Ok(PyCallbackUrls {
                inner: CallbackUrls::new(secret.as_slice()).or_raise(py)?,
            })
        })
    }

    /// The token for a payment (what goes into `jenga_token`).
    fn token(
        &self,
        py: Python<'_>,
        order_reference: String,
        payment_reference: String,
    ) -> PyResult<String> {
        shield(py, || {
            Ok(self.inner.token(&order_reference, &payment_reference))
        })
    }

    /// The callback URL for a payment: `base_url` plus the references and
    /// the token as query parameters. Use it as `callback_url` of the push.
    fn callback_url(
        &self,
        py: Python<'_>,
        base_url: String,
        order_reference: String,
        payment_reference: String,
    ) -> PyResult<String> {
        shield(py, || {
            self.inner
                .callback_url(&base_url, &order_reference, &payment_reference)
                .or_raise(py)
        })
    }

    /// Checks the token of a received callback URL (the full URL, or the
    /// request target `/path?query`, e.g. Django's `request.get_full_path()`).
    /// Raises `AuthenticationError`.
    fn verify_url(&self, py: Python<'_>, url: String) -> PyResult<Py<PyCallbackRefs>> {
        shield(py, || {
            let refs = self.inner.verify_url(&url).or_raise(py)?;
            refs_to_py(py, refs)
        })
    }

    /// Verifies the URL's token, parses the body, and checks the callback is
    /// about the payment the URL was made for. Returns `(CallbackRefs,
    /// StkCallback)`; raises `AuthenticationError` or `ParseError`.
    #[pyo3(signature = (url, body, *, limits = None))]
    fn verify_callback<'py>(
        &self,
        py: Python<'py>,
        url: String,
        body: Bytes<'_>,
        limits: Option<&Bound<'_, PyLimits>>,
    ) -> PyResult<Bound<'py, PyTuple>> {
        shield(py, || {
            let limits = limits_in(limits);
            let body = body.as_slice();
            let (refs, callback) = py
                .detach(|| self.inner.verify_callback(&url, body, &limits))
                .or_raise(py)?;
            PyTuple::new(
                py,
                [
                    refs_to_py(py, refs)?.into_any(),
                    callback_to_py(py, callback)?.into_any(),
                ],
            )
        })
    }

    fn __repr__(&self) -> &'static str {
        "CallbackUrls(secret=<redacted>)"
    }
}
