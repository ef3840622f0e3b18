//! The STK push request: environment, access token, signatures, signer and
//! verifier, the validated push, and the HTTP request value.

use std::hash::{Hash, Hasher};

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyString};

use jenga_stk::{
    AccessToken, Environment, HttpRequest, RequestOptions, Signature, SignedStkPush, Signer,
    StkPush, Verifier,
};

use crate::convert::{
    Bytes, amount_text, decimal, environment_in, limits_in, repr_fields, str_, token_in,
};
use crate::errors::{OrRaise, type_error};
use crate::shield::shield;
use crate::values::{PyLimits, PyRequestOptions};

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

// ------------------------------------------------------------------ Signature

/// An RSA-SHA256 signature as standard padded Base64: the `Signature` header.
#[pyclass(frozen, eq, hash, module = "jenga_stk", name = "Signature")]
pub(crate) struct PySignature {
    pub(crate) inner: Signature,
}

impl PartialEq for PySignature {
    fn eq(&self, other: &Self) -> bool {
        self.inner == other.inner
    }
}

impl Hash for PySignature {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.inner.hash(state);
    }
}

/// `Signature` or Base64 `str`.
pub(crate) fn signature_in(value: &Bound<'_, PyAny>) -> PyResult<Signature> {
    if let Ok(sig) = value.cast::<PySignature>() {
        return Ok(sig.get().inner.clone());
    }
    if value.is_instance_of::<PyString>() {
        let text: String = value.extract()?;
        return Signature::from_base64(&text).or_raise(value.py());
    }
    Err(type_error(format!(
        "signature must be a jenga_stk.Signature or a Base64 str, not {}",
        value.get_type().name()?
    )))
}

#[pymethods]
impl PySignature {
    /// A signature made elsewhere (KMS, HSM): standard padded Base64 of a
    /// non-empty value; surrounding whitespace is refused, not trimmed.
    #[staticmethod]
    fn from_base64(py: Python<'_>, text: String) -> PyResult<Self> {
        shield(py, || {
            Ok(PySignature {
                inner: Signature::from_base64(&text).or_raise(py)?,
            })
        })
    }

    /// Raw signature bytes (for example from a KMS that returns bytes).
    #[staticmethod]
    fn from_bytes(py: Python<'_>, data: Bytes<'_>) -> PyResult<Self> {
        shield(py, || {
            Ok(PySignature {
                inner: Signature::from_bytes(data.as_slice()).or_raise(py)?,
            })
        })
    }

    /// The Base64 text.
    #[getter]
    fn base64(&self) -> &str {
        self.inner.as_str()
    }

    /// The decoded signature bytes.
    fn to_bytes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        shield(py, || Ok(PyBytes::new(py, &self.inner.to_bytes())))
    }

    fn __str__(&self) -> &str {
        self.inner.as_str()
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        shield(py, || {
            Ok(format!(
                "Signature({})",
                PyString::new(py, self.inner.as_str()).repr()?
            ))
        })
    }
}

// ------------------------------------------------------------------ Signer / Verifier

/// Signs with an RSA private key (PKCS#1 v1.5, SHA-256, blinded). The key is
/// zeroized when the signer is collected and never shown.
#[pyclass(frozen, module = "jenga_stk", name = "Signer")]
pub(crate) struct PySigner {
    pub(crate) inner: Signer,
}

#[pymethods]
impl PySigner {
    /// Loads a private key from PEM: PKCS#1 (`BEGIN RSA PRIVATE KEY`) or
    /// PKCS#8 (`BEGIN PRIVATE KEY`), at least 2048 bits. Raises `KeyLoadError`.
    #[staticmethod]
    fn from_pem(py: Python<'_>, pem: Bytes<'_>) -> PyResult<Self> {
        shield(py, || {
            let text = pem.to_text();
            let signer = py.detach(|| Signer::from_pem(&text)).or_raise(py)?;
            Ok(PySigner { inner: signer })
        })
    }

    /// The key's modulus size in bits.
    #[getter]
    fn bits(&self) -> usize {
        self.inner.bits()
    }

    /// Signs `message` (`bytes`, or `str` as UTF-8); the GIL is released meanwhile.
    fn sign(&self, py: Python<'_>, message: Bytes<'_>) -> PyResult<PySignature> {
        shield(py, || {
            let message = message.as_slice();
            let signature = py.detach(|| self.inner.sign(message)).or_raise(py)?;
            Ok(PySignature { inner: signature })
        })
    }

    /// The verifier for this key's public half.
    fn verifier(&self, py: Python<'_>) -> PyResult<PyVerifier> {
        shield(py, || {
            Ok(PyVerifier {
                inner: self.inner.verifier(),
            })
        })
    }

    /// The private key as PKCS#8 DER, for platforms that import keys
    /// themselves. This is the secret key: never log or store it in clear.
    fn to_pkcs8_der<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        shield(py, || {
            let der = self.inner.to_pkcs8_der().or_raise(py)?;
            Ok(PyBytes::new(py, &der))
        })
    }

    fn __repr__(&self) -> String {
        format!(
            "Signer(bits={}, backend='{}', key=<redacted>)",
            self.inner.bits(),
            jenga_stk::SIGNER_BACKEND
        )
    }
}

/// Verifies RSA-SHA256 (PKCS#1 v1.5) signatures with a public key.
#[pyclass(frozen, module = "jenga_stk", name = "Verifier")]
pub(crate) struct PyVerifier {
    pub(crate) inner: Verifier,
}

#[pymethods]
impl PyVerifier {
    /// Loads a public key from PEM: SPKI (`BEGIN PUBLIC KEY`) or PKCS#1
    /// (`BEGIN RSA PUBLIC KEY`), at least 2048 bits. Raises `KeyLoadError`.
    #[staticmethod]
    fn from_pem(py: Python<'_>, pem: Bytes<'_>) -> PyResult<Self> {
        shield(py, || {
            let text = pem.to_text();
            let verifier = py.detach(|| Verifier::from_pem(&text)).or_raise(py)?;
            Ok(PyVerifier { inner: verifier })
        })
    }

    /// The key's modulus size in bits.
    #[getter]
    fn bits(&self) -> usize {
        self.inner.bits()
    }

    /// Returns `None` if `signature` signs `message` under this key; raises
    /// `SignatureError` (`signature_mismatch`) otherwise.
    fn verify(
        &self,
        py: Python<'_>,
        message: Bytes<'_>,
        signature: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        shield(py, || {
            let signature = signature_in(signature)?;
            let message = message.as_slice();
            py.detach(|| self.inner.verify(message, &signature))
                .or_raise(py)
        })
    }

    fn __repr__(&self) -> String {
        format!("Verifier(bits={})", self.inner.bits())
    }
}

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
    inner: SignedStkPush,
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

// ------------------------------------------------------------------ HttpRequest

/// A complete HTTP request as a plain value: send it with `requests` or
/// `httpx`. `repr` shows the method and URL only; `str` is the request as
/// HTTP text with the secrets redacted.
#[pyclass(frozen, eq, module = "jenga_stk", name = "HttpRequest")]
pub(crate) struct PyHttpRequest {
    pub(crate) inner: HttpRequest,
}

impl PartialEq for PyHttpRequest {
    fn eq(&self, other: &Self) -> bool {
        self.inner == other.inner
    }
}

#[pymethods]
impl PyHttpRequest {
    /// `"GET"` or `"POST"`.
    #[getter]
    fn method(&self) -> &'static str {
        self.inner.method.as_str()
    }

    /// The full URL.
    #[getter]
    fn url(&self) -> &str {
        &self.inner.url
    }

    /// The headers, in order, as a new `dict` (name → value).
    #[getter]
    fn headers<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        shield(py, || {
            let headers = PyDict::new(py);
            for (name, value) in &self.inner.headers {
                headers.set_item(name, value)?;
            }
            Ok(headers)
        })
    }

    /// The body (empty for `GET`).
    #[getter]
    fn body<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.inner.body)
    }

    /// Whether the body holds a secret (the token request's consumer secret)
    /// and must not be logged.
    #[getter]
    fn body_is_secret(&self) -> bool {
        self.inner.body_is_secret()
    }

    /// The value of the first header named `name` (case-insensitive), or `None`.
    fn header(&self, py: Python<'_>, name: String) -> PyResult<Option<String>> {
        shield(py, || Ok(self.inner.header(&name).map(str::to_owned)))
    }

    /// The request as HTTP/1.1 text for logs, with secrets redacted.
    fn to_redacted_string(&self, py: Python<'_>) -> PyResult<String> {
        shield(py, || Ok(self.inner.to_redacted_string()))
    }

    fn __str__(&self, py: Python<'_>) -> PyResult<String> {
        self.to_redacted_string(py)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        shield(py, || {
            Ok(format!(
                "HttpRequest(method={}, url={})",
                PyString::new(py, self.inner.method.as_str()).repr()?,
                PyString::new(py, &self.inner.url).repr()?
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
