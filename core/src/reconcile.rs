//! Deciding whether an order is paid, from whatever the merchant holds.
//!
//! The provider recommends deciding on the IPN or a status query, not on the
//! unsigned `callbackUrl` callback. [`reconcile`] therefore ranks evidence
//! IPN > status query > callback, reports which one decided, whether the
//! decision is confirmed (IPN or status query), and lists every conflict
//! (a failed callback but a paid status, an IPN for another order, an amount
//! short of the order's) instead of hiding it.

use serde::Serialize;

use crate::amount::Amount;
use crate::callback::{CallbackOutcome, StkCallback};
use crate::ipn::{Ipn, IpnStatus};
use crate::status::{InvoiceState, OrderState, OrderStatus};

/// The payment state of an order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentState {
    /// Paid.
    Paid,
    /// Failed (cancelled, expired, refused…): start a new payment with new references.
    Failed,
    /// Not decided yet: wait for the IPN or query the status again.
    Pending,
}

/// Where a piece of evidence comes from, strongest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceSource {
    /// The IPN (Basic-auth authenticated by the caller).
    Ipn,
    /// The order status query.
    StatusQuery,
    /// The `callbackUrl` callback (unsigned; weakest).
    Callback,
}

/// What kind of disagreement was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ConflictKind {
    /// Two sources give different final states.
    SourcesDisagree,
    /// Evidence is about another order; it was ignored.
    ReferenceMismatch,
    /// The amount paid differs from the expected amount.
    AmountMismatch,
    /// The currency paid differs from the expected currency.
    CurrencyMismatch,
}

/// One disagreement, for logs and manual review.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Conflict {
    /// The kind.
    pub kind: ConflictKind,
    /// The sources involved.
    pub sources: Vec<EvidenceSource>,
    /// A readable description.
    pub description: String,
}

/// What the merchant expects of the order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Expected {
    /// The order reference (evidence about other orders is ignored).
    pub order_reference: String,
    /// The amount the order must be paid with, if it should be checked.
    pub amount: Option<Amount>,
    /// The currency, if it should be checked.
    pub currency: Option<String>,
}

/// Whatever the merchant holds for the order. Any part may be absent.
#[derive(Clone, Copy, Debug, Default)]
pub struct Evidence<'a> {
    /// The `callbackUrl` callback, authenticated with [`CallbackUrls`](crate::CallbackUrls).
    pub callback: Option<&'a StkCallback>,
    /// IPNs received for the order (redeliveries included), authenticated with
    /// [`IpnAuth`](crate::IpnAuth).
    pub ipns: &'a [Ipn],
    /// The latest order status query result.
    pub status: Option<&'a OrderStatus>,
}

/// The decision.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Reconciliation {
    /// Paid, failed or pending.
    pub state: PaymentState,
    /// The evidence that decided, if any did.
    pub decided_by: Option<EvidenceSource>,
    /// True when the IPN or the status query decided (the provider's advice);
    /// false when only the unsigned callback did, or nothing did.
    pub confirmed: bool,
    /// The M-Pesa receipt, when known.
    pub mpesa_receipt: Option<String>,
    /// The amount paid, when known.
    pub amount_paid: Option<Amount>,
    /// Every disagreement found; empty when the evidence is consistent.
    pub conflicts: Vec<Conflict>,
}

struct Verdict {
    source: EvidenceSource,
    state: PaymentState,
    receipt: Option<String>,
    amount: Option<Amount>,
    currency: Option<String>,
}

/// Decides the order's state from the evidence.
pub fn reconcile(expected: &Expected, evidence: &Evidence<'_>) -> Reconciliation {
    let mut conflicts = Vec::new();
    let mut verdicts: Vec<Verdict> = Vec::new();

    for ipn in evidence.ipns {
        if ipn.order_reference() != expected.order_reference {
            conflicts.push(Conflict {
                kind: ConflictKind::ReferenceMismatch,
                sources: vec![EvidenceSource::Ipn],
                description: format!(
                    "an IPN is for order {:?}, not {:?}; it was ignored",
                    ipn.order_reference(),
                    expected.order_reference
                ),
            });
            continue;
        }
        let state = match ipn.transaction.status {
            IpnStatus::Success => PaymentState::Paid,
            IpnStatus::Failed => PaymentState::Failed,
            IpnStatus::Other(_) => continue,
        };
        verdicts.push(Verdict {
            source: EvidenceSource::Ipn,
            state,
            receipt: Some(ipn.transaction.reference.clone()),
            amount: Some(ipn.transaction.amount),
            currency: Some(ipn.transaction.currency.clone()),
        });
    }

    if let Some(status) = evidence.status {
        if status.order.order_reference != expected.order_reference {
            conflicts.push(Conflict {
                kind: ConflictKind::ReferenceMismatch,
                sources: vec![EvidenceSource::StatusQuery],
                description: format!(
                    "the status query is for order {:?}, not {:?}; it was ignored",
                    status.order.order_reference, expected.order_reference
                ),
            });
        } else {
            verdicts.push(status_verdict(status));
        }
    }

    if let Some(callback) = evidence.callback {
        let (state, receipt, amount) = match &callback.outcome {
            CallbackOutcome::Paid(p) => (
                PaymentState::Paid,
                Some(p.mpesa_receipt.clone()),
                Some(p.amount),
            ),
            CallbackOutcome::Failed(_) => (PaymentState::Failed, None, None),
        };
        verdicts.push(Verdict {
            source: EvidenceSource::Callback,
            state,
            receipt,
            amount,
            currency: None,
        });
    }

    // Decisive verdicts only (a pending status query decides nothing), strongest first.
    verdicts
        .retain(|v| v.state != PaymentState::Pending || v.source == EvidenceSource::StatusQuery);
    verdicts.sort_by_key(|v| v.source);
    let decisive: Vec<&Verdict> = verdicts
        .iter()
        .filter(|v| v.state != PaymentState::Pending)
        .collect();

    for pair in decisive.windows(2) {
        if let [a, b] = pair
            && a.state != b.state
        {
            conflicts.push(Conflict {
                kind: ConflictKind::SourcesDisagree,
                sources: vec![a.source, b.source],
                description: format!(
                    "{:?} says {:?} but {:?} says {:?}; the {:?} decides",
                    a.source, a.state, b.source, b.state, a.source
                ),
            });
        }
    }

    let Some(decider) = decisive.first() else {
        return Reconciliation {
            state: PaymentState::Pending,
            decided_by: None,
            confirmed: false,
            mpesa_receipt: None,
            amount_paid: None,
            conflicts,
        };
    };

    if decider.state == PaymentState::Paid {
        if let (Some(want), Some(got)) = (expected.amount, decider.amount)
            && want != got
        {
            conflicts.push(Conflict {
                kind: ConflictKind::AmountMismatch,
                sources: vec![decider.source],
                description: format!("{got} was paid, {want} was expected"),
            });
        }
        if let (Some(want), Some(got)) = (&expected.currency, &decider.currency)
            && want != got
        {
            conflicts.push(Conflict {
                kind: ConflictKind::CurrencyMismatch,
                sources: vec![decider.source],
                description: format!("paid in {got}, {want} was expected"),
            });
        }
    }

    // The receipt and amount may come from a weaker source that agrees.
    let agreeing = || decisive.iter().filter(|v| v.state == decider.state);
    Reconciliation {
        state: decider.state,
        decided_by: Some(decider.source),
        confirmed: decider.source != EvidenceSource::Callback,
        mpesa_receipt: agreeing().find_map(|v| v.receipt.clone()),
        amount_paid: if decider.state == PaymentState::Paid {
            agreeing().find_map(|v| v.amount)
        } else {
            None
        },
        conflicts,
    }
}

fn status_verdict(status: &OrderStatus) -> Verdict {
    let paid_invoice = status
        .invoices
        .iter()
        .find(|i| i.status == InvoiceState::Paid);
    let all_failed = !status.invoices.is_empty()
        && status
            .invoices
            .iter()
            .all(|i| matches!(i.status, InvoiceState::Cancelled | InvoiceState::Expired));
    let state = if status.order.status == OrderState::Paid || paid_invoice.is_some() {
        PaymentState::Paid
    } else if all_failed {
        PaymentState::Failed
    } else {
        PaymentState::Pending
    };
    let amount = if status.order.amount_paid.is_zero() {
        paid_invoice.and_then(|i| i.amount)
    } else {
        Some(status.order.amount_paid)
    };
    Verdict {
        source: EvidenceSource::StatusQuery,
        state,
        receipt: paid_invoice.and_then(|i| i.mpesa_receipt.clone()),
        amount: (state == PaymentState::Paid).then_some(amount).flatten(),
        currency: None,
    }
}
