//! The signature doctor: why the provider answers `403 Invalid signature`,
//! from the body and `Signature` header as sent and the registered public
//! key (the core's `diagnose_signature`, cargo feature `diagnose`).

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

use jenga_stk::{DiagnoseError, Diagnosis, Error, Finding, KeyInfo};

use crate::convert::{Bytes, opt_str, str_};
use crate::errors::{class, to_pyerr};
use crate::shield::shield;
use crate::values::value_class;

value_class! {
    /// A public key as the doctor saw it: its size and fingerprint, never
    /// key material.
    PyKeyInfo as "KeyInfo", inner: KeyInfo,
    fields {
        /// The modulus size in bits.
        bits,
        /// SHA-256 of the SubjectPublicKeyInfo DER, lowercase hex (what
        /// `openssl pkey -pubin -in public.pem -outform DER | openssl dgst -sha256` prints).
        fingerprint,
    }
    repr { bits, fingerprint }
    methods {}
}

value_class! {
    /// One reason the provider refuses the signature: a stable `code`, a
    /// message and a fix for humans, and the text that was actually signed
    /// when the doctor found it.
    PyFinding as "Finding", inner: Finding,
    fields {
        /// The stable code (`FINDING_CODES`): compare codes, never messages.
        code,
        /// What is wrong, for humans (not stable).
        message,
        /// What to do about it, for humans.
        fix,
        /// The text that was signed, when found (built from the body: no secret), or `None`.
        signed_text,
    }
    repr { code, message, signed_text }
    methods {}
}

value_class! {
    /// The doctor's answer. `ok` is true when the header is standard Base64
    /// of an RSA PKCS#1 v1.5 SHA-256 signature of the body's signing string
    /// under the registered key (then `findings` is empty). `str()` is the
    /// report `jenga-stk doctor` prints.
    PyDiagnosis as "Diagnosis", inner: Diagnosis,
    fields {
        /// Whether the provider's documented check passes.
        ok,
        /// Every `Finding`, causes in the order they apply (a tuple).
        findings,
        /// The text that must be signed for this body.
        signing_string,
        /// The text that was signed, when found, or `None`.
        signed_text,
        /// The registered public key's `KeyInfo`.
        registered_key,
        /// The `KeyInfo` of the private key given, or `None`.
        signing_key,
        /// How the signature was made, as far as the doctor could tell (for humans), or `None`.
        algorithm,
        /// Remarks that are not causes of a refusal (a tuple of `str`).
        notes,
    }
    repr { ok, findings, signing_string, signed_text, registered_key, signing_key }
    methods {
        /// The findings' codes, in order (a tuple).
        #[getter]
        fn codes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
            PyTuple::new(py, self.inner.findings.iter().map(|f| f.code.code()))
        }

        fn __str__(&self) -> String {
            self.inner.to_string()
        }
    }
}

fn key_info_to_py(py: Python<'_>, k: KeyInfo) -> PyResult<Py<PyAny>> {
    let value = PyKeyInfo {
        bits: k.bits.into_pyobject(py)?.into_any().unbind(),
        fingerprint: str_(py, &k.fingerprint),
        inner: k,
    };
    Ok(Py::new(py, value)?.into_any())
}

fn finding_to_py(py: Python<'_>, f: &Finding) -> PyResult<Py<PyAny>> {
    let value = PyFinding {
        code: str_(py, f.code.code()),
        message: str_(py, &f.message),
        fix: str_(py, &f.fix),
        signed_text: opt_str(py, f.signed_text.as_deref()),
        inner: f.clone(),
    };
    Ok(Py::new(py, value)?.into_any())
}

fn diagnosis_to_py(py: Python<'_>, d: Diagnosis) -> PyResult<Py<PyDiagnosis>> {
    let findings = d
        .findings
        .iter()
        .map(|f| finding_to_py(py, f))
        .collect::<PyResult<Vec<_>>>()?;
    let value = PyDiagnosis {
        ok: pyo3::types::PyBool::new(py, d.ok)
            .to_owned()
            .into_any()
            .unbind(),
        findings: PyTuple::new(py, findings)?.into_any().unbind(),
        signing_string: str_(py, &d.signing_string),
        signed_text: opt_str(py, d.signed_text.as_deref()),
        registered_key: key_info_to_py(py, d.registered_key.clone())?,
        signing_key: match &d.signing_key {
            Some(k) => key_info_to_py(py, k.clone())?,
            None => py.None(),
        },
        algorithm: opt_str(py, d.algorithm.as_deref()),
        notes: PyTuple::new(py, &d.notes)?.into_any().unbind(),
        inner: d,
    };
    Py::new(py, value)
}

/// The Python exception for an unusable input: the body's `ParseError`, or
/// a `KeyLoadError` whose `field` names the key argument at fault.
fn diagnose_error(py: Python<'_>, error: DiagnoseError) -> PyErr {
    let (key, field) = match &error {
        DiagnoseError::PublicKey(k) => (*k, "registered_public_key_pem"),
        DiagnoseError::PrivateKey(k) => (*k, "private_key_pem"),
        DiagnoseError::Body(e) => return to_pyerr(py, Error::Parse(e.clone())),
        // A future kind of input error: the core's code and message.
        _ => {
            let kwargs = PyDict::new(py);
            return match kwargs
                .set_item("code", error.code())
                .and_then(|()| class(py, "JengaError"))
                .and_then(|cls| cls.call((error.to_string(),), Some(&kwargs)))
            {
                Ok(instance) => PyErr::from_value(instance),
                Err(e) => e,
            };
        }
    };
    let built = (|| -> PyResult<PyErr> {
        let kwargs = PyDict::new(py);
        kwargs.set_item("code", key.code())?;
        kwargs.set_item("field", field)?;
        let instance = class(py, "KeyLoadError")?.call((error.to_string(),), Some(&kwargs))?;
        Ok(PyErr::from_value(instance))
    })();
    built.unwrap_or_else(|e| e)
}

/// Says why the provider would refuse `signature_header` for `body`, or
/// that it would accept it.
///
/// * `body`: the request body exactly as sent (`bytes` or `str`).
/// * `signature_header`: the `Signature` header's value as sent (`bytes`
///   or `str`: a signature that was never Base64-encoded can be diagnosed too).
/// * `registered_public_key_pem`: the public key registered in the portal.
/// * `private_key_pem`: optional; the private key the service signs with.
///   Only its public half is used (to prove `key_mismatch`); it is never shown.
///
/// Raises only for an unusable input: `ParseError` (the body is not a JSON
/// STK push request) or `KeyLoadError` (a key does not load; `field` names
/// the argument). Anything wrong with the signature is a `Finding`. The GIL
/// is released while it works (a fraction of a millisecond).
#[pyfunction]
#[pyo3(signature = (body, signature_header, registered_public_key_pem, private_key_pem = None))]
pub(crate) fn diagnose_signature(
    py: Python<'_>,
    body: Bytes<'_>,
    signature_header: Bytes<'_>,
    registered_public_key_pem: Bytes<'_>,
    private_key_pem: Option<Bytes<'_>>,
) -> PyResult<Py<PyDiagnosis>> {
    shield(py, || {
        let body = body.as_slice();
        let header = signature_header.as_slice();
        let public = registered_public_key_pem.to_text();
        let private = private_key_pem.as_ref().map(Bytes::to_text);
        let diagnosis = py
            .detach(|| jenga_stk::diagnose_signature(body, header, &public, private.as_deref()))
            .map_err(|e| diagnose_error(py, e))?;
        diagnosis_to_py(py, diagnosis)
    })
}
