//! The order status query and its answer.

use pyo3::prelude::*;
use pyo3::types::PyTuple;

use jenga_stk::{Invoice, Order, OrderStatus, StatusResponse, StatusSignature};

use crate::convert::{
    Bytes, decimal, environment_in, limits_in, opt_datetime, opt_decimal, opt_str, str_, token_in,
};
use crate::errors::OrRaise;
use crate::http::PyHttpRequest;
use crate::responses::rejection_to_py;
use crate::shield::shield;
use crate::signing::{PySigner, signature_in};
use crate::values::{PyLimits, value_class};

/// Builds the status query `GET …/status/order/{order_reference}` (the
/// reference percent-encoded). `signature`: `None` for no `Signature` header
/// (the provider's curl example), a `Signer` to sign the order reference
/// here, or a `Signature` (or Base64 `str`) made elsewhere.
#[pyfunction]
#[pyo3(signature = (environment, access_token, order_reference, *, signature = None))]
pub(crate) fn order_status_request(
    py: Python<'_>,
    environment: &Bound<'_, PyAny>,
    access_token: &Bound<'_, PyAny>,
    order_reference: String,
    signature: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyHttpRequest> {
    shield(py, || {
        let environment = environment_in(environment)?;
        let token = token_in(access_token)?;
        let signer = signature.and_then(|s| s.cast::<PySigner>().ok());
        let status_signature = match (signature, &signer) {
            (None, _) => StatusSignature::None,
            (Some(_), Some(signer)) => StatusSignature::Sign(&signer.get().inner),
            (Some(other), None) => StatusSignature::Provided(signature_in(other)?),
        };
        let request = py
            .detach(|| {
                jenga_stk::order_status_request(
                    &environment,
                    &token,
                    &order_reference,
                    status_signature,
                )
            })
            .or_raise(py)?;
        Ok(PyHttpRequest { inner: request })
    })
}

value_class! {
    /// The order as the status query reports it.
    PyOrder as "Order", inner: Order,
    fields {
        /// `orderReference`.
        order_reference,
        /// `orderAmount`, a `Decimal`.
        order_amount,
        /// `amountPaid`, a `Decimal` (zero when absent).
        amount_paid,
        /// `orderStatus`: `"Paid"`, `"Pending"`, or what was sent.
        status,
        /// `createdOn`, an aware `datetime` in UTC, or `None`.
        created_on,
    }
    repr { order_reference, order_amount, amount_paid, status, created_on }
    methods {}
}

value_class! {
    /// One payment attempt (invoice) of the order.
    PyInvoice as "Invoice", inner: Invoice,
    fields {
        /// `amount`, a `Decimal`, or `None`.
        amount,
        /// `amountDebited`, a `Decimal`, or `None`.
        amount_debited,
        /// `charge`, a `Decimal`, or `None`.
        charge,
        /// `invoiceStatus`: `"Paid"`, `"Pending"`, `"Cancelled"`, `"Expired"`, or what was sent.
        status,
        /// `orderReference`, or `None`.
        order_reference,
        /// `externalReference`: the M-Pesa receipt once paid, or `None`.
        mpesa_receipt,
        /// `createdOn`, an aware `datetime` in UTC, or `None`.
        created_on,
        /// `completedOn`, an aware `datetime` in UTC, or `None`.
        completed_on,
    }
    repr { status, amount, mpesa_receipt, created_on, completed_on }
    methods {}
}

value_class! {
    /// A found order and its invoices (a tuple of `Invoice`).
    PyOrderStatus as "OrderStatus", inner: OrderStatus,
    fields {
        /// The `Order`.
        order,
        /// Its invoices (payment attempts), a tuple of `Invoice`.
        invoices,
    }
    repr { order, invoices }
    methods {}
}

value_class! {
    /// The provider's `111102`: no transaction with this reference.
    PyOrderNotFound as "OrderNotFound", inner: Option<String>,
    fields {
        /// The provider's message, or `None`.
        message,
    }
    repr { message }
    methods {}
}

fn order_to_py(py: Python<'_>, o: Order) -> PyResult<Py<PyOrder>> {
    let value = PyOrder {
        order_reference: str_(py, &o.order_reference),
        order_amount: decimal(py, o.order_amount)?,
        amount_paid: decimal(py, o.amount_paid)?,
        status: str_(py, o.status.as_str()),
        created_on: opt_datetime(py, o.created_on)?,
        inner: o,
    };
    Py::new(py, value)
}

fn invoice_to_py(py: Python<'_>, i: Invoice) -> PyResult<Py<PyInvoice>> {
    let value = PyInvoice {
        amount: opt_decimal(py, i.amount)?,
        amount_debited: opt_decimal(py, i.amount_debited)?,
        charge: opt_decimal(py, i.charge)?,
        status: str_(py, i.status.as_str()),
        order_reference: opt_str(py, i.order_reference.as_deref()),
        mpesa_receipt: opt_str(py, i.mpesa_receipt.as_deref()),
        created_on: opt_datetime(py, i.created_on)?,
        completed_on: opt_datetime(py, i.completed_on)?,
        inner: i,
    };
    Py::new(py, value)
}

/// An `OrderStatus` object.
pub(crate) fn order_status_to_py(py: Python<'_>, s: OrderStatus) -> PyResult<Py<PyOrderStatus>> {
    let invoices = s
        .invoices
        .iter()
        .map(|i| invoice_to_py(py, i.clone()))
        .collect::<PyResult<Vec<_>>>()?;
    let value = PyOrderStatus {
        order: order_to_py(py, s.order.clone())?.into_any(),
        invoices: PyTuple::new(py, invoices)?.into_any().unbind(),
        inner: s,
    };
    Py::new(py, value)
}

/// Parses the answer to the status query: `OrderStatus`, `OrderNotFound`
/// (`111102`) or `Rejection` (any other refusal, a non-2xx status, or a body
/// that is not the provider's JSON). Raises `ParseError` only when a found
/// order's deciding fields are malformed.
#[pyfunction]
#[pyo3(signature = (status, body, *, limits = None))]
pub(crate) fn parse_status_response(
    py: Python<'_>,
    status: u16,
    body: Bytes<'_>,
    limits: Option<&Bound<'_, PyLimits>>,
) -> PyResult<Py<PyAny>> {
    shield(py, || {
        let limits = limits_in(limits);
        let body = body.as_slice();
        let response = py
            .detach(|| jenga_stk::parse_status_response(status, body, &limits))
            .or_raise(py)?;
        status_response_to_py(py, response)
    })
}

/// A status answer as Python sees it: `OrderStatus`, `OrderNotFound` or `Rejection`.
pub(crate) fn status_response_to_py(
    py: Python<'_>,
    response: StatusResponse,
) -> PyResult<Py<PyAny>> {
    Ok(match response {
        StatusResponse::Found(found) => order_status_to_py(py, found)?.into_any(),
        StatusResponse::NotFound { message } => {
            let value = PyOrderNotFound {
                message: opt_str(py, message.as_deref()),
                inner: message,
            };
            Py::new(py, value)?.into_any()
        }
        StatusResponse::Rejected(r) => rejection_to_py(py, r)?.into_any(),
    })
}
