//! Deciding whether an order is paid, from the evidence the merchant holds.

use pyo3::prelude::*;
use pyo3::types::{PyBool, PyTuple};

use jenga_stk::{
    Amount, Conflict, Evidence, Expected, Problem, ProblemCode, Reconciliation, ValidationError,
};

use crate::callbacks::PyStkCallback;
use crate::convert::{amount_text, opt_decimal, opt_str, serde_code, str_};
use crate::errors::OrRaise;
use crate::ipn::PyIpn;
use crate::shield::shield;
use crate::status::PyOrderStatus;
use crate::values::value_class;

value_class! {
    /// One disagreement between the sources, for logs and manual review.
    PyConflict as "Conflict", inner: Conflict,
    fields {
        /// `sources_disagree`, `payments_disagree`, `reference_mismatch`,
        /// `amount_mismatch` or `currency_mismatch`.
        kind,
        /// The sources involved, a tuple of `ipn`, `status_query`, `callback`
        /// (in that order).
        sources,
        /// A readable description.
        description,
    }
    repr { kind, sources, description }
    methods {}
}

value_class! {
    /// The decision: `state` (`paid`, `failed`, `pending`), which source
    /// decided, whether that is confirmed (IPN or status query; the unsigned
    /// callback alone never is), and every conflict found.
    PyReconciliation as "Reconciliation", inner: Reconciliation,
    fields {
        /// `"paid"`, `"failed"` or `"pending"`.
        state,
        /// `"ipn"`, `"status_query"`, `"callback"`, or `None` when nothing decided.
        decided_by,
        /// True when the IPN or the status query decided.
        confirmed,
        /// The M-Pesa receipt, when known.
        mpesa_receipt,
        /// The amount paid (a `Decimal`), when known.
        amount_paid,
        /// The currency paid (`"KES"`), when a successful piece of evidence
        /// states it (the status query never does; some IPNs omit it).
        currency_paid,
        /// True when the order is paid and the currency paid is stated and is
        /// the expected one; false: unconfirmed (or wrong: see `conflicts`).
        currency_confirmed,
        /// Every disagreement found, a tuple of `Conflict`, in a fixed order.
        conflicts,
        /// True when a person should look before the goods go: an amount or a
        /// currency that is not the order's, two receipts, contradicting
        /// sources (evidence about another order does not set it).
        needs_review,
    }
    repr { state, decided_by, confirmed, mpesa_receipt, amount_paid, currency_paid, conflicts, needs_review }
    methods {}
}

fn conflict_to_py(py: Python<'_>, c: &Conflict) -> PyResult<Py<PyAny>> {
    let sources = c
        .sources
        .iter()
        .map(serde_code)
        .collect::<PyResult<Vec<_>>>()?;
    let value = PyConflict {
        kind: str_(py, &serde_code(&c.kind)?),
        sources: PyTuple::new(py, sources)?.into_any().unbind(),
        description: str_(py, &c.description),
        inner: c.clone(),
    };
    Ok(Py::new(py, value)?.into_any())
}

fn expected_amount(value: &Bound<'_, PyAny>) -> PyResult<Amount> {
    let text = amount_text(value, "amount")?;
    Amount::parse(&text)
        .map_err(|e| {
            let code = ProblemCode::from_code(e.code()).unwrap_or(ProblemCode::InvalidAmount);
            ValidationError::new(vec![Problem::new("amount", code, e.to_string())])
        })
        .or_raise(value.py())
}

/// Decides the order's state from the evidence, whatever order it came in:
/// a successful attempt wins over failed ones, and `decided_by` names the
/// strongest source that agrees (IPN > status query > callback). `amount`
/// (`Decimal`, `int` or `str`) and `currency`, when given, are checked
/// against what was paid; evidence about other orders is ignored and
/// reported as a conflict.
#[pyfunction]
#[pyo3(signature = (
    *,
    order_reference,
    amount = None,
    currency = None,
    callback = None,
    ipns = Vec::new(),
    status = None
))]
pub(crate) fn reconcile(
    py: Python<'_>,
    order_reference: String,
    amount: Option<&Bound<'_, PyAny>>,
    currency: Option<String>,
    callback: Option<Bound<'_, PyStkCallback>>,
    ipns: Vec<Bound<'_, PyIpn>>,
    status: Option<Bound<'_, PyOrderStatus>>,
) -> PyResult<Py<PyReconciliation>> {
    shield(py, || {
        let expected = Expected {
            order_reference,
            amount: amount.map(expected_amount).transpose()?,
            currency,
        };
        let ipns: Vec<jenga_stk::Ipn> = ipns.iter().map(|i| i.get().inner.clone()).collect();
        let evidence = Evidence {
            callback: callback.as_ref().map(|c| &c.get().inner),
            ipns: &ipns,
            status: status.as_ref().map(|s| &s.get().inner),
        };
        reconciliation_to_py(py, jenga_stk::reconcile(&expected, &evidence))
    })
}

/// A `Reconciliation` object.
pub(crate) fn reconciliation_to_py(
    py: Python<'_>,
    r: Reconciliation,
) -> PyResult<Py<PyReconciliation>> {
    let conflicts = r
        .conflicts
        .iter()
        .map(|c| conflict_to_py(py, c))
        .collect::<PyResult<Vec<_>>>()?;
    let value = PyReconciliation {
        state: str_(py, &serde_code(&r.state)?),
        decided_by: match &r.decided_by {
            Some(source) => str_(py, &serde_code(source)?),
            None => py.None(),
        },
        confirmed: PyBool::new(py, r.confirmed).to_owned().into_any().unbind(),
        mpesa_receipt: opt_str(py, r.mpesa_receipt.as_deref()),
        amount_paid: opt_decimal(py, r.amount_paid)?,
        currency_paid: opt_str(py, r.currency_paid.as_deref()),
        currency_confirmed: PyBool::new(py, r.currency_confirmed)
            .to_owned()
            .into_any()
            .unbind(),
        conflicts: PyTuple::new(py, conflicts)?.into_any().unbind(),
        needs_review: PyBool::new(py, r.needs_review)
            .to_owned()
            .into_any()
            .unbind(),
        inner: r,
    };
    Py::new(py, value)
}
