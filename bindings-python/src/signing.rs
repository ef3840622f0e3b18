//! Signatures, the `Signer` (private key) and the `Verifier` (public key).

use std::hash::{Hash, Hasher};

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString};

use jenga_stk::{Signature, Signer, Verifier};

use crate::convert::Bytes;
use crate::errors::{OrRaise, type_error};
use crate::shield::shield;

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

/// Signs with an RSA private key (PKCS#1 v1.5, SHA-256; the backend is
/// `SIGNER_BACKEND`). The key is never shown, and its memory is zeroed when
/// the signer is collected.
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
