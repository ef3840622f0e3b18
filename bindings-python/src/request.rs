//! The STK push: the validated `StkPush`, the `SignedStkPush`, and the
//! signing string of a received body.

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString};

use jenga_stk::{RequestOptions, SignedStkPush, StkPush};

use crate::convert::{
    Bytes, amount_text, decimal, environment_in, limits_in, repr_fields, str_, token_in,
};
use crate::errors::OrRaise;
use crate::http::PyHttpRequest;
use crate::shield::shield;
use crate::signing::{PySignature, PySigner, PyVerifier, signature_in};
use crate::values::{PyLimits, PyRequestOptions};

// ------------------------------------------------------------------ StkPush

/// A validated STK push request: its body bytes and signing string are fixed.
#[pyclass(frozen, eq, module = "jenga_stk", name = "StkPush")]
pub(crate) struct PyStkPush {
    pub(crate) inner: StkPush,
}

impl PartialEq for PyStkPush {
    fn eq(&self, other: &Self) -> bool {
        self.inner == other.inner
    }
}

fn options_in(options: Option<&Bound<'_, PyRequestOptions>>) -> RequestOptions {
    options.map_or_else(RequestOptions::default, |o| o.get().inner.clone())
}

fn put(object: &mut serde_json::Map<String, serde_json::Value>, key: &str, value: Option<String>) {
    if let Some(v) = value {
        object.insert(key.to_owned(), serde_json::Value::String(v));
    }
}

#[pymethods]
impl PyStkPush {
    /// Builds and validates the request from keyword arguments (the
    /// provider's fields in snake case). Every problem is reported at once in
    /// one `ValidationError`. Amounts are `Decimal`, `int` or `str`.
    #[new]
    #[pyo3(signature = (
        *,
        order_reference,
        order_amount,
        order_currency,
        country_code,
        description,
        customer_name,
        customer_email,
        customer_phone_number,
        customer_identity_number,
        payment_reference,
        payment_currency,
        callback_url,
        msisdn,
        payment_amount,
        source = None,
        customer_first_address = None,
        customer_second_address = None,
        channel = None,
        service = None,
        provider = None,
        options = None
    ))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        order_reference: String,
        order_amount: &Bound<'_, PyAny>,
        order_currency: String,
        country_code: String,
        description: String,
        customer_name: String,
        customer_email: String,
        customer_phone_number: String,
        customer_identity_number: String,
        payment_reference: String,
        payment_currency: String,
        callback_url: String,
        msisdn: String,
        payment_amount: &Bound<'_, PyAny>,
        source: Option<String>,
        customer_first_address: Option<String>,
        customer_second_address: Option<String>,
        channel: Option<String>,
        service: Option<String>,
        provider: Option<String>,
        options: Option<&Bound<'_, PyRequestOptions>>,
    ) -> PyResult<Self> {
        shield(py, || {
            // The provider-shaped JSON the core reads (amounts as exact
            // decimal text), so every rule and every problem is the core's.
            let mut order = serde_json::Map::new();
            put(&mut order, "orderReference", Some(order_reference));
            put(
                &mut order,
                "orderAmount",
                Some(amount_text(order_amount, "order_amount")?),
            );
            put(&mut order, "orderCurrency", Some(order_currency));
            put(&mut order, "source", source);
            put(&mut order, "countryCode", Some(country_code));
            put(&mut order, "description", Some(description));
            let mut customer = serde_json::Map::new();
            put(&mut customer, "name", Some(customer_name));
            put(&mut customer, "email", Some(customer_email));
            put(&mut customer, "phoneNumber", Some(customer_phone_number));
            put(
                &mut customer,
                "identityNumber",
                Some(customer_identity_number),
            );
            put(&mut customer, "firstAddress", customer_first_address);
            put(&mut customer, "secondAddress", customer_second_address);
            let mut details = serde_json::Map::new();
            put(&mut details, "msisdn", Some(msisdn));
            put(
                &mut details,
                "paymentAmount",
                Some(amount_text(payment_amount, "payment_amount")?),
            );
            let mut payment = serde_json::Map::new();
            put(&mut payment, "paymentReference", Some(payment_reference));
            put(&mut payment, "paymentCurrency", Some(payment_currency));
            put(&mut payment, "channel", channel);
            put(&mut payment, "service", service);
            put(&mut payment, "provider", provider);
            put(&mut payment, "callbackUrl", Some(callback_url));
            payment.insert("details".into(), details.into());
            let mut request = serde_json::Map::new();
            request.insert("order".into(), order.into());
            request.insert("customer".into(), customer.into());
            request.insert("payment".into(), payment.into());
            let json = serde_json::Value::Object(request).to_string();
            let options = options_in(options);
            let inner = py
                .detach(|| StkPush::from_json(json.as_bytes(), &options))
                .or_raise(py)?;
            Ok(PyStkPush { inner })
        })
    }

    /// Reads the request from JSON in the provider's own shape (`bytes` or
    /// `str`; amounts as JSON numbers or decimal strings) and validates it.
    #[staticmethod]
    #[pyo3(signature = (request, options = None))]
    fn from_json(
        py: Python<'_>,
        request: Bytes<'_>,
        options: Option<&Bound<'_, PyRequestOptions>>,
    ) -> PyResult<Self> {
        shield(py, || {
            let options = options_in(options);
            let request = request.as_slice();
            let inner = py
                .detach(|| StkPush::from_json(request, &options))
                .or_raise(py)?;
            Ok(PyStkPush { inner })
        })
    }

    /// The exact JSON body.
    #[getter]
    fn body<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, self.inner.body())
    }

    /// `orderReference + paymentCurrency + msisdn + paymentAmount`, each
    /// exactly as written in the body.
    #[getter]
    fn signing_string(&self) -> &str {
        self.inner.signing_string()
    }

    /// The order's country code (`"KE"`, …, `"DRC"`).
    #[getter]
    fn country(&self) -> &'static str {
        self.inner.country().code()
    }

    /// `order.orderReference`.
    #[getter]
    fn order_reference(&self) -> &str {
        self.inner.order_reference()
    }

    /// `payment.paymentReference`.
    #[getter]
    fn payment_reference(&self) -> &str {
        self.inner.payment_reference()
    }

    /// `order.orderAmount`, a `Decimal`.
    #[getter]
    fn order_amount(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        shield(py, || decimal(py, self.inner.order_amount()))
    }

    /// `payment.details.paymentAmount`, a `Decimal`.
    #[getter]
    fn payment_amount(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        shield(py, || decimal(py, self.inner.payment_amount()))
    }

    /// `payment.paymentCurrency` (equal to `order.orderCurrency`).
    #[getter]
    fn currency(&self) -> &str {
        self.inner.currency()
    }

    /// `payment.details.msisdn`, in the configured phone format.
    #[getter]
    fn msisdn(&self) -> &str {
        self.inner.msisdn()
    }

    /// `payment.callbackUrl`.
    #[getter]
    fn callback_url(&self) -> &str {
        self.inner.callback_url()
    }

    /// `customer.name`.
    #[getter]
    fn customer_name(&self) -> &str {
        self.inner.customer_name()
    }

    /// Signs the signing string (the GIL is released meanwhile).
    fn sign(slf: &Bound<'_, Self>, signer: &Bound<'_, PySigner>) -> PyResult<PySignedStkPush> {
        let py = slf.py();
        shield(py, || {
            let push = slf.get().inner.clone();
            let signer = &signer.get().inner;
            let inner = py.detach(|| push.sign(signer)).or_raise(py)?;
            Ok(PySignedStkPush {
                inner,
                push: slf.clone().unbind(),
            })
        })
    }

    /// Attaches a signature made elsewhere (a `Signature` or Base64 `str`)
    /// over `signing_string`.
    fn with_signature(
        slf: &Bound<'_, Self>,
        signature: &Bound<'_, PyAny>,
    ) -> PyResult<PySignedStkPush> {
        let py = slf.py();
        shield(py, || {
            let signature = signature_in(signature)?;
            Ok(PySignedStkPush {
                inner: slf.get().inner.clone().with_signature(signature),
                push: slf.clone().unbind(),
            })
        })
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        shield(py, || {
            repr_fields(
                py,
                "StkPush",
                &[
                    ("order_reference", &str_(py, self.inner.order_reference())),
                    (
                        "payment_reference",
                        &str_(py, self.inner.payment_reference()),
                    ),
                    ("payment_amount", &decimal(py, self.inner.payment_amount())?),
                    ("currency", &str_(py, self.inner.currency())),
                    ("msisdn", &str_(py, self.inner.msisdn())),
                ],
            )
        })
    }
}

/// A validated request with its signature: everything needed to send it.
#[pyclass(frozen, eq, module = "jenga_stk", name = "SignedStkPush")]
pub(crate) struct PySignedStkPush {
    pub(crate) inner: SignedStkPush,
    push: Py<PyStkPush>,
}

impl PartialEq for PySignedStkPush {
    fn eq(&self, other: &Self) -> bool {
        self.inner == other.inner
    }
}

#[pymethods]
impl PySignedStkPush {
    /// The request.
    #[getter]
    fn push(&self, py: Python<'_>) -> Py<PyStkPush> {
        self.push.clone_ref(py)
    }

    /// The signature (the `Signature` header's value).
    #[getter]
    fn signature(&self) -> PySignature {
        PySignature {
            inner: self.inner.signature().clone(),
        }
    }

    /// Checks the signature against a public key (e.g. the one registered
    /// with the provider) before sending; raises `SignatureError`.
    fn verify(&self, py: Python<'_>, verifier: &Bound<'_, PyVerifier>) -> PyResult<()> {
        shield(py, || {
            let verifier = &verifier.get().inner;
            py.detach(|| self.inner.verify(verifier)).or_raise(py)
        })
    }

    /// The complete HTTP request: `POST {base}/api-checkout/mpesa-stk-push/v3.0/init`.
    fn http_request(
        &self,
        py: Python<'_>,
        environment: &Bound<'_, PyAny>,
        access_token: &Bound<'_, PyAny>,
    ) -> PyResult<PyHttpRequest> {
        shield(py, || {
            let environment = environment_in(environment)?;
            let token = token_in(access_token)?;
            Ok(PyHttpRequest {
                inner: self.inner.http_request(&environment, &token),
            })
        })
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        shield(py, || {
            let push = self.push.bind(py).repr()?;
            let signature = PyString::new(py, self.inner.signature().as_str()).repr()?;
            Ok(format!(
                "SignedStkPush(push={push}, signature=Signature({signature}))"
            ))
        })
    }
}

/// The STK push signing string of a received body, from the body's own
/// texts (what the provider verifies).
#[pyfunction]
#[pyo3(signature = (body, *, limits = None))]
pub(crate) fn signing_string_of_body(
    py: Python<'_>,
    body: Bytes<'_>,
    limits: Option<&Bound<'_, PyLimits>>,
) -> PyResult<String> {
    shield(py, || {
        let limits = limits_in(limits);
        let body = body.as_slice();
        py.detach(|| jenga_stk::signing_string_of_body(body, &limits))
            .or_raise(py)
    })
}
