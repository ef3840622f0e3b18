//! The IPN ("Complete Callback") and its Basic-auth check.

use pyo3::prelude::*;
use pyo3::types::PyBytes;

use jenga_stk::{Ipn, IpnAuth, IpnBank, IpnCustomer, IpnTransaction};

use crate::convert::{Bytes, decimal, limits_in, opt_datetime, opt_decimal, opt_str, str_};
use crate::errors::OrRaise;
use crate::shield::shield;
use crate::values::{PyLimits, value_class};

value_class! {
    /// `customer.*` of an IPN.
    PyIpnCustomer as "IpnCustomer", inner: IpnCustomer,
    fields {
        /// `customer.name`, or `None`.
        name,
        /// `customer.mobileNumber`, or `None`.
        mobile_number,
        /// `customer.reference`: your order reference, or `None` (a payment
        /// that did not come from a push).
        reference,
    }
    repr { name, mobile_number, reference }
    methods {}
}

value_class! {
    /// `transaction.*` of an IPN.
    PyIpnTransaction as "IpnTransaction", inner: IpnTransaction,
    fields {
        /// `transaction.date`, an aware `datetime` in East Africa Time, or `None`.
        date,
        /// `transaction.reference`: the M-Pesa receipt, and the dedupe key.
        reference,
        /// `transaction.paymentMode`: `"MPESA"`, `"CARD"`, …, what was sent, or `None`.
        payment_mode,
        /// `transaction.amount`, a `Decimal`.
        amount,
        /// `transaction.currency`, or `None`.
        currency,
        /// `transaction.serviceCharge`, a `Decimal`, or `None`.
        service_charge,
        /// `transaction.billNumber` (the invoice number), or `None`.
        bill_number,
        /// `transaction.servedBy`, or `None`.
        served_by,
        /// `transaction.additionalInfo`, or `None`.
        additional_info,
        /// `transaction.orderAmount`, a `Decimal`, or `None`.
        order_amount,
        /// `transaction.orderCurrency`, or `None`.
        order_currency,
        /// `transaction.status`: `"SUCCESS"`, `"FAILED"`, or what was sent.
        status,
        /// `transaction.remarks`, or `None`.
        remarks,
    }
    repr { reference, status, amount, currency, date }
    methods {}
}

value_class! {
    /// `bank.*` of an IPN.
    PyIpnBank as "IpnBank", inner: IpnBank,
    fields {
        /// `bank.reference`, or `None`.
        reference,
        /// `bank.transactionType`, or `None`.
        transaction_type,
        /// `bank.account`, or `None`.
        account,
    }
    repr { reference, transaction_type, account }
    methods {}
}

value_class! {
    /// A parsed IPN. Authenticate it first with `IpnAuth.verify`; drop
    /// redeliveries by `dedupe_key`.
    PyIpn as "Ipn", inner: Ipn,
    fields {
        /// `callbackType` (`"IPN"`).
        callback_type,
        /// The `IpnCustomer`.
        customer,
        /// The `IpnTransaction`.
        transaction,
        /// The `IpnBank`, or `None`.
        bank,
        /// The key to drop redeliveries: `transaction.reference`.
        dedupe_key,
        /// Your order reference: `customer.reference`, or `None` for a
        /// payment that did not come from a push (answer it, store or ignore it).
        order_reference,
    }
    repr { order_reference, dedupe_key, transaction }
    methods {
        /// The IPN in the provider's wire format (what the sandbox sends);
        /// `parse_ipn` reads it back to an equal value.
        fn to_json<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
            shield(py, || Ok(PyBytes::new(py, &self.inner.to_json())))
        }
    }
}

fn ipn_to_py(py: Python<'_>, ipn: Ipn) -> PyResult<Py<PyIpn>> {
    let c = &ipn.customer;
    let customer = PyIpnCustomer {
        name: opt_str(py, c.name.as_deref()),
        mobile_number: opt_str(py, c.mobile_number.as_deref()),
        reference: opt_str(py, c.reference.as_deref()),
        inner: c.clone(),
    };
    let t = &ipn.transaction;
    let transaction = PyIpnTransaction {
        date: opt_datetime(py, t.date)?,
        reference: str_(py, &t.reference),
        payment_mode: opt_str(py, t.payment_mode.as_ref().map(|m| m.as_str())),
        amount: decimal(py, t.amount)?,
        currency: opt_str(py, t.currency.as_deref()),
        service_charge: opt_decimal(py, t.service_charge)?,
        bill_number: opt_str(py, t.bill_number.as_deref()),
        served_by: opt_str(py, t.served_by.as_deref()),
        additional_info: opt_str(py, t.additional_info.as_deref()),
        order_amount: opt_decimal(py, t.order_amount)?,
        order_currency: opt_str(py, t.order_currency.as_deref()),
        status: str_(py, t.status.as_str()),
        remarks: opt_str(py, t.remarks.as_deref()),
        inner: t.clone(),
    };
    let bank = match &ipn.bank {
        Some(b) => Py::new(
            py,
            PyIpnBank {
                reference: opt_str(py, b.reference.as_deref()),
                transaction_type: opt_str(py, b.transaction_type.as_deref()),
                account: opt_str(py, b.account.as_deref()),
                inner: b.clone(),
            },
        )?
        .into_any(),
        None => py.None(),
    };
    let value = PyIpn {
        callback_type: str_(py, &ipn.callback_type),
        customer: Py::new(py, customer)?.into_any(),
        transaction: Py::new(py, transaction)?.into_any(),
        bank,
        dedupe_key: str_(py, ipn.dedupe_key()),
        order_reference: opt_str(py, ipn.order_reference()),
        inner: ipn,
    };
    Py::new(py, value)
}

/// Parses an IPN body (`bytes` or `str`); raises `ParseError`.
/// Authenticate the request first with `IpnAuth.verify`.
#[pyfunction]
#[pyo3(signature = (body, *, limits = None))]
pub(crate) fn parse_ipn(
    py: Python<'_>,
    body: Bytes<'_>,
    limits: Option<&Bound<'_, PyLimits>>,
) -> PyResult<Py<PyIpn>> {
    shield(py, || {
        let limits = limits_in(limits);
        let body = body.as_slice();
        let ipn = py
            .detach(|| jenga_stk::parse_ipn(body, &limits))
            .or_raise(py)?;
        ipn_to_py(py, ipn)
    })
}

/// The IPN's Basic-auth credentials as set on the provider's portal,
/// compared in constant time and never shown.
#[pyclass(frozen, module = "jenga_stk", name = "IpnAuth")]
pub(crate) struct PyIpnAuth {
    inner: IpnAuth,
}

#[pymethods]
impl PyIpnAuth {
    /// `ValidationError` if the username is empty or has `:`, or the password is empty.
    #[new]
    #[pyo3(signature = (*, username, password))]
    fn new(py: Python<'_>, username: String, password: String) -> PyResult<Self> {
        shield(py, || {
            Ok(PyIpnAuth {
                inner: IpnAuth::new(&username, &password).or_raise(py)?,
            })
        })
    }

    /// Checks an `Authorization` header value (`None` when absent); returns
    /// `None` or raises `AuthenticationError` (`ipn_auth_missing`, `ipn_auth_invalid`).
    fn verify(&self, py: Python<'_>, authorization: Option<String>) -> PyResult<()> {
        shield(py, || {
            self.inner.verify(authorization.as_deref()).or_raise(py)
        })
    }

    /// The `Authorization` header value for these credentials (what the
    /// provider sends); it holds the password, so never log it.
    fn authorization_header(&self, py: Python<'_>) -> PyResult<String> {
        shield(py, || Ok(self.inner.authorization_header()))
    }

    fn __repr__(&self) -> &'static str {
        "IpnAuth(username=<redacted>, password=<redacted>)"
    }
}
