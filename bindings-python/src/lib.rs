//! Python bindings of `jenga-stk`: the native module `jenga_stk._native` of
//! the wheel `jenga-stk` (import `jenga_stk`), built by maturin as an abi3
//! wheel for CPython 3.9 and later.
//!
//! The binding is thin: it converts values and errors and decides nothing
//! about payments; every rule is the core's. In particular:
//!
//! * every function and method runs inside `shield::shield`, so a Rust
//!   panic reaches Python as `JengaError(code="internal_error")`, never as
//!   pyo3's `PanicException`;
//! * signing, verifying, key loading and every parser release the GIL
//!   (`Python::detach`);
//! * money crosses as `decimal.Decimal` (or `int`/`str` in), never `float`;
//!   times as timezone-aware `datetime`s;
//! * result objects are frozen, and no `repr` shows a secret.

mod callbacks;
mod convert;
mod diagnose;
mod environment;
mod errors;
mod flow;
mod http;
mod ipn;
mod query;
mod reconcile;
mod request;
mod responses;
mod shield;
mod signing;
mod status;
mod tokens;
mod values;

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

use crate::convert::timedelta;

// Every heap block this library frees is zeroed first. AWS-LC (the
// wheel's signer) already cleanses what it frees; this covers every other
// Rust-side copy of a secret, and a wheel built with `ring`, which does not
// wipe its RSA key (briansmith/ring#15). See SECURITY.md, "Key material in memory".
#[global_allocator]
static ALLOCATOR: zeroizing_alloc::ZeroAlloc<std::alloc::System> =
    zeroizing_alloc::ZeroAlloc(std::alloc::System);

#[pymodule]
#[pyo3(name = "_native")]
fn native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();

    m.add_class::<values::PyLimits>()?;
    m.add_class::<values::PyRequestOptions>()?;

    m.add_class::<environment::PyEnvironment>()?;
    m.add_class::<environment::PyAccessToken>()?;
    m.add_class::<signing::PySignature>()?;
    m.add_class::<signing::PySigner>()?;
    m.add_class::<signing::PyVerifier>()?;
    m.add_class::<request::PyStkPush>()?;
    m.add_class::<request::PySignedStkPush>()?;
    m.add_class::<http::PyHttpRequest>()?;
    m.add_function(wrap_pyfunction!(request::signing_string_of_body, m)?)?;

    m.add_class::<responses::PyRejection>()?;
    m.add_class::<responses::PyInitAccepted>()?;
    m.add_function(wrap_pyfunction!(responses::classify_init_response, m)?)?;
    m.add_function(wrap_pyfunction!(responses::advise_transport_failure, m)?)?;

    m.add_class::<tokens::PyCredentials>()?;
    m.add_class::<tokens::PyToken>()?;
    m.add_class::<tokens::PyTokenState>()?;
    m.add_function(wrap_pyfunction!(tokens::parse_token_response, m)?)?;

    m.add_class::<status::PyOrder>()?;
    m.add_class::<status::PyInvoice>()?;
    m.add_class::<status::PyOrderStatus>()?;
    m.add_class::<status::PyOrderNotFound>()?;
    m.add_function(wrap_pyfunction!(status::order_status_request, m)?)?;
    m.add_function(wrap_pyfunction!(status::parse_status_response, m)?)?;

    m.add_class::<callbacks::PyCallbackPayment>()?;
    m.add_class::<callbacks::PyCallbackFailure>()?;
    m.add_class::<callbacks::PyStkCallback>()?;
    m.add_class::<callbacks::PyCallbackRefs>()?;
    m.add_class::<callbacks::PyCallbackUrls>()?;
    m.add_function(wrap_pyfunction!(callbacks::parse_callback, m)?)?;

    m.add_class::<ipn::PyIpnCustomer>()?;
    m.add_class::<ipn::PyIpnTransaction>()?;
    m.add_class::<ipn::PyIpnBank>()?;
    m.add_class::<ipn::PyIpn>()?;
    m.add_class::<ipn::PyIpnAuth>()?;
    m.add_function(wrap_pyfunction!(ipn::parse_ipn, m)?)?;

    m.add_class::<reconcile::PyConflict>()?;
    m.add_class::<reconcile::PyReconciliation>()?;
    m.add_function(wrap_pyfunction!(reconcile::reconcile, m)?)?;

    m.add_class::<flow::PySharedTokens>()?;
    m.add_class::<flow::PyRetryPolicy>()?;
    m.add_class::<flow::PyFlowContext>()?;
    m.add_class::<flow::PyFlowRequest>()?;
    m.add_class::<flow::PySend>()?;
    m.add_class::<flow::PyWait>()?;
    m.add_class::<flow::PyDone>()?;
    m.add_class::<flow::PyOutcome>()?;
    m.add_class::<flow::PyPaymentFlow>()?;
    m.add_class::<query::PyQueryDone>()?;
    m.add_class::<query::PyStatusQuery>()?;

    m.add_class::<diagnose::PyKeyInfo>()?;
    m.add_class::<diagnose::PyFinding>()?;
    m.add_class::<diagnose::PyDiagnosis>()?;
    m.add_function(wrap_pyfunction!(diagnose::diagnose_signature, m)?)?;

    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("STK_PUSH_PATH", jenga_stk::STK_PUSH_PATH)?;
    m.add("STATUS_PATH_PREFIX", jenga_stk::STATUS_PATH_PREFIX)?;
    m.add("TOKEN_PATH", jenga_stk::TOKEN_PATH)?;
    m.add("SIGNATURE_HINT", jenga_stk::SIGNATURE_HINT)?;
    m.add(
        "MIN_CALLBACK_SECRET_BYTES",
        jenga_stk::MIN_CALLBACK_SECRET_BYTES,
    )?;
    m.add("MIN_KEY_BITS", jenga_stk::MIN_KEY_BITS)?;
    m.add("MAX_KEY_BITS", jenga_stk::MAX_KEY_BITS)?;
    m.add("MAX_PRIVATE_KEY_BITS", jenga_stk::MAX_PRIVATE_KEY_BITS)?;
    m.add("SIGNER_BACKEND", jenga_stk::SIGNER_BACKEND)?;
    m.add(
        "SIGNER_IS_CONSTANT_TIME",
        jenga_stk::SIGNER_IS_CONSTANT_TIME,
    )?;
    m.add(
        "DEFAULT_TOKEN_LIFETIME",
        timedelta(py, jenga_stk::DEFAULT_TOKEN_LIFETIME)?,
    )?;
    let minutes = PyDict::new(py);
    minutes.set_item("minutes", jenga_stk::EAT_OFFSET_MINUTES)?;
    let datetime = py.import("datetime")?;
    let offset = datetime.getattr("timedelta")?.call((), Some(&minutes))?;
    m.add("EAT", datetime.getattr("timezone")?.call1((offset, "EAT"))?)?;
    let codes: Vec<&str> = jenga_stk::ProblemCode::ALL
        .iter()
        .map(|c| c.as_str())
        .collect();
    m.add("PROBLEM_CODES", PyTuple::new(py, codes)?)?;
    let findings: Vec<&str> = jenga_stk::FindingCode::ALL
        .iter()
        .map(|c| c.code())
        .collect();
    m.add("FINDING_CODES", PyTuple::new(py, findings)?)?;
    m.add("FLOW_STATE_VERSION", jenga_stk::FLOW_STATE_VERSION)?;
    Ok(())
}
