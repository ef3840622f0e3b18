//! Deciding whether an order is paid, from whatever the merchant holds.
//!
//! The decision does not depend on the order the evidence arrived in. An
//! order may have several attempts (invoices): a successful attempt, whether
//! reported by an IPN, the status query or the callback, wins over failed
//! ones; a receipt only ever comes from successful evidence; two successes
//! naming different receipts, amounts or currencies are a reported conflict.
//! The provider recommends deciding on the IPN or a status query, not on the
//! unsigned `callbackUrl` callback: [`Reconciliation::confirmed`] is true only
//! when one of those two says so, and the strongest source that agrees with
//! the decision is the one named in [`Reconciliation::decided_by`]
//! (IPN > status query > callback). Every conflict (an IPN for another order,
//! a status query that says every attempt failed while another source reports
//! a payment, an amount short of the order's) is listed, never hidden.

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

impl PaymentState {
    /// The stable machine code (`paid`, `failed`, `pending`).
    pub fn code(self) -> &'static str {
        match self {
            PaymentState::Paid => "paid",
            PaymentState::Failed => "failed",
            PaymentState::Pending => "pending",
        }
    }
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

impl EvidenceSource {
    /// The stable machine code (`ipn`, `status_query`, `callback`).
    pub fn code(self) -> &'static str {
        match self {
            EvidenceSource::Ipn => "ipn",
            EvidenceSource::StatusQuery => "status_query",
            EvidenceSource::Callback => "callback",
        }
    }
}

/// What kind of disagreement was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ConflictKind {
    /// The status query says every attempt failed while another source
    /// reports a payment, or one IPN (one `transaction.reference`) is
    /// reported both successful and failed.
    SourcesDisagree,
    /// Two pieces of successful evidence name different receipts, amounts
    /// or currencies: perhaps the customer paid twice. Review by hand.
    PaymentsDisagree,
    /// Evidence is about another order (or, an IPN, about none); it was ignored.
    ReferenceMismatch,
    /// The amount paid differs from the expected amount.
    AmountMismatch,
    /// The currency paid differs from the expected currency.
    CurrencyMismatch,
}

impl ConflictKind {
    /// The stable machine code.
    pub fn code(self) -> &'static str {
        match self {
            ConflictKind::SourcesDisagree => "sources_disagree",
            ConflictKind::PaymentsDisagree => "payments_disagree",
            ConflictKind::ReferenceMismatch => "reference_mismatch",
            ConflictKind::AmountMismatch => "amount_mismatch",
            ConflictKind::CurrencyMismatch => "currency_mismatch",
        }
    }
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

/// What the merchant expects of the order. The reference is compared trimmed.
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
    /// The currency paid, when a successful piece of evidence states it (the
    /// status query never does, and some IPNs omit it).
    pub currency_paid: Option<String>,
    /// True when the order is paid and the currency paid is stated and is
    /// the expected one; false means the currency is unconfirmed (or wrong:
    /// see the conflicts). The amount is compared whatever this says.
    pub currency_confirmed: bool,
    /// Every disagreement found, in a fixed order; empty when the evidence is consistent.
    pub conflicts: Vec<Conflict>,
    /// True when a person should look before the goods go: an amount or a
    /// currency that is not the expected one, two receipts or amounts for one
    /// order (perhaps paid twice), or sources that contradict each other.
    /// Evidence about another order (`reference_mismatch`), which was ignored,
    /// does not set it. A paid order with `needs_review` is still paid: the
    /// money moved; whether to ship a short payment is the merchant's call.
    pub needs_review: bool,
}

/// One piece of evidence, reduced to what decides.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Piece {
    source: EvidenceSource,
    state: PaymentState,
    receipt: Option<String>,
    amount: Option<Amount>,
    currency: Option<String>,
}

impl PartialOrd for PaymentState {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for PaymentState {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        let rank = |s: &PaymentState| match s {
            PaymentState::Paid => 0,
            PaymentState::Failed => 1,
            PaymentState::Pending => 2,
        };
        rank(self).cmp(&rank(other))
    }
}

fn conflict(kind: ConflictKind, sources: &[EvidenceSource], description: String) -> Conflict {
    let mut sources = sources.to_vec();
    sort_unique(&mut sources, |a, b| a < b);
    Conflict {
        kind,
        sources,
        description,
    }
}

/// Decides the order's state from the evidence. The result is the same for
/// any order of `evidence.ipns` (and of the status query's invoices).
pub fn reconcile(expected: &Expected, evidence: &Evidence<'_>) -> Reconciliation {
    let order = expected.order_reference.trim();
    let mut conflicts = Vec::new();
    let mut pieces: Vec<Piece> = Vec::new();

    for ipn in evidence.ipns {
        let Some(reference) = ipn.order_reference().filter(|r| *r == order) else {
            conflicts.push(conflict(
                ConflictKind::ReferenceMismatch,
                &[EvidenceSource::Ipn],
                match ipn.order_reference() {
                    Some(other) => {
                        format!("an IPN is for order {other:?}, not {order:?}; it was ignored")
                    }
                    None => format!(
                        "an IPN ({:?}) names no order (not from a push); it was ignored",
                        ipn.dedupe_key()
                    ),
                },
            ));
            continue;
        };
        let _ = reference;
        let t = &ipn.transaction;
        pieces.push(match t.status {
            IpnStatus::Success => Piece {
                source: EvidenceSource::Ipn,
                state: PaymentState::Paid,
                receipt: Some(t.reference.clone()),
                amount: Some(t.amount),
                currency: t.currency.clone(),
            },
            IpnStatus::Failed => Piece {
                source: EvidenceSource::Ipn,
                state: PaymentState::Failed,
                receipt: None,
                amount: None,
                currency: None,
            },
            IpnStatus::Other(_) => continue,
        });
    }
    same_ipn_both_ways(evidence.ipns, order, &mut conflicts);

    let mut status_failed_all = false;
    if let Some(status) = evidence.status {
        if status.order.order_reference != order {
            conflicts.push(conflict(
                ConflictKind::ReferenceMismatch,
                &[EvidenceSource::StatusQuery],
                format!(
                    "the status query is for order {:?}, not {order:?}; it was ignored",
                    status.order.order_reference
                ),
            ));
        } else {
            let piece = status_piece(status, &mut conflicts);
            status_failed_all = piece.state == PaymentState::Failed;
            pieces.push(piece);
        }
    }

    if let Some(callback) = evidence.callback {
        pieces.push(match &callback.outcome {
            CallbackOutcome::Paid(p) => Piece {
                source: EvidenceSource::Callback,
                state: PaymentState::Paid,
                receipt: Some(p.mpesa_receipt.clone()),
                amount: Some(p.amount),
                currency: None,
            },
            CallbackOutcome::Failed(_) => Piece {
                source: EvidenceSource::Callback,
                state: PaymentState::Failed,
                receipt: None,
                amount: None,
                currency: None,
            },
        });
    }

    // A canonical order: the decision cannot depend on arrival order.
    sort_unique(&mut pieces, |a, b| a < b);
    let successes: Vec<&Piece> = pieces
        .iter()
        .filter(|p| p.state == PaymentState::Paid)
        .collect();
    let failures: Vec<&Piece> = pieces
        .iter()
        .filter(|p| p.state == PaymentState::Failed)
        .collect();

    let reconciliation = if let Some(decider) = successes.first() {
        if status_failed_all {
            let mut sources = vec![EvidenceSource::StatusQuery];
            sources.extend(successes.iter().map(|p| p.source));
            conflicts.push(conflict(
                ConflictKind::SourcesDisagree,
                &sources,
                format!(
                    "the status query says every attempt failed, but the {:?} reports a payment",
                    decider.source
                ),
            ));
        }
        payments_disagree(&successes, &mut conflicts);
        let amount_paid = successes.iter().find_map(|p| p.amount);
        let currency_paid = successes.iter().find_map(|p| p.currency.clone());
        if let (Some(want), Some(got)) = (expected.amount, amount_paid)
            && want != got
        {
            conflicts.push(conflict(
                ConflictKind::AmountMismatch,
                &[decider.source],
                format!("{got} was paid, {want} was expected"),
            ));
        }
        let mut currency_confirmed = currency_paid.is_some();
        if let (Some(want), Some(got)) = (&expected.currency, &currency_paid)
            && want.trim() != got
        {
            currency_confirmed = false;
            conflicts.push(conflict(
                ConflictKind::CurrencyMismatch,
                &[decider.source],
                format!("paid in {got}, {} was expected", want.trim()),
            ));
        }
        Reconciliation {
            state: PaymentState::Paid,
            decided_by: Some(decider.source),
            confirmed: decider.source != EvidenceSource::Callback,
            mpesa_receipt: successes.iter().find_map(|p| p.receipt.clone()),
            amount_paid,
            currency_paid,
            currency_confirmed,
            conflicts: Vec::new(),
            needs_review: false,
        }
    } else if let Some(decider) = failures.first() {
        Reconciliation {
            state: PaymentState::Failed,
            decided_by: Some(decider.source),
            confirmed: decider.source != EvidenceSource::Callback,
            mpesa_receipt: None,
            amount_paid: None,
            currency_paid: None,
            currency_confirmed: false,
            conflicts: Vec::new(),
            needs_review: false,
        }
    } else {
        Reconciliation {
            state: PaymentState::Pending,
            decided_by: None,
            confirmed: false,
            mpesa_receipt: None,
            amount_paid: None,
            currency_paid: None,
            currency_confirmed: false,
            conflicts: Vec::new(),
            needs_review: false,
        }
    };
    sort_unique(&mut conflicts, |a, b| {
        (a.kind.code(), &a.sources, &a.description) < (b.kind.code(), &b.sources, &b.description)
    });
    let needs_review = conflicts
        .iter()
        .any(|c| c.kind != ConflictKind::ReferenceMismatch);
    Reconciliation {
        conflicts,
        needs_review,
        ..reconciliation
    }
}

/// One IPN (one `transaction.reference`) reported both successful and failed.
fn same_ipn_both_ways(ipns: &[Ipn], order: &str, conflicts: &mut Vec<Conflict>) {
    let mut keys: Vec<&str> = ipns
        .iter()
        .filter(|i| i.order_reference() == Some(order))
        .filter(|i| i.transaction.status == IpnStatus::Success)
        .map(Ipn::dedupe_key)
        .filter(|key| {
            ipns.iter().any(|i| {
                i.order_reference() == Some(order)
                    && i.dedupe_key() == *key
                    && i.transaction.status == IpnStatus::Failed
            })
        })
        .collect();
    sort_unique(&mut keys, |a, b| a < b);
    for key in keys {
        conflicts.push(conflict(
            ConflictKind::SourcesDisagree,
            &[EvidenceSource::Ipn],
            format!("the IPN {key:?} was delivered both as SUCCESS and as FAILED"),
        ));
    }
}

/// Successes that name different receipts, amounts or currencies.
fn payments_disagree(successes: &[&Piece], conflicts: &mut Vec<Conflict>) {
    fn distinct<T: Ord + Clone>(values: impl Iterator<Item = T>) -> Vec<T> {
        let mut v: Vec<T> = values.collect();
        sort_unique(&mut v, |a, b| a < b);
        v
    }
    let receipts = distinct(successes.iter().filter_map(|p| p.receipt.clone()));
    let amounts = distinct(successes.iter().filter_map(|p| p.amount));
    let currencies = distinct(successes.iter().filter_map(|p| p.currency.clone()));
    let sources: Vec<EvidenceSource> = successes.iter().map(|p| p.source).collect();
    if receipts.len() > 1 {
        conflicts.push(conflict(
            ConflictKind::PaymentsDisagree,
            &sources,
            format!("successful evidence names several receipts: {receipts:?}"),
        ));
    }
    if amounts.len() > 1 {
        let shown: Vec<String> = amounts.iter().map(Amount::to_string).collect();
        conflicts.push(conflict(
            ConflictKind::PaymentsDisagree,
            &sources,
            format!("successful evidence names several amounts: {shown:?}"),
        ));
    }
    if currencies.len() > 1 {
        conflicts.push(conflict(
            ConflictKind::PaymentsDisagree,
            &sources,
            format!("successful evidence names several currencies: {currencies:?}"),
        ));
    }
}

/// The status query's verdict: paid when the order or any invoice is paid,
/// failed when every invoice was cancelled or expired, else pending.
fn status_piece(status: &OrderStatus, conflicts: &mut Vec<Conflict>) -> Piece {
    let paid: Vec<_> = status
        .invoices
        .iter()
        .filter(|i| i.status == InvoiceState::Paid)
        .collect();
    let all_failed = !status.invoices.is_empty()
        && status
            .invoices
            .iter()
            .all(|i| matches!(i.status, InvoiceState::Cancelled | InvoiceState::Expired));
    let state = if status.order.status == OrderState::Paid || !paid.is_empty() {
        PaymentState::Paid
    } else if all_failed {
        PaymentState::Failed
    } else {
        PaymentState::Pending
    };
    if state != PaymentState::Paid {
        return Piece {
            source: EvidenceSource::StatusQuery,
            state,
            receipt: None,
            amount: None,
            currency: None,
        };
    }
    let mut receipts: Vec<String> = paid
        .iter()
        .filter_map(|i| i.mpesa_receipt.clone())
        .collect();
    sort_unique(&mut receipts, |a, b| a < b);
    if receipts.len() > 1 {
        conflicts.push(conflict(
            ConflictKind::PaymentsDisagree,
            &[EvidenceSource::StatusQuery],
            format!("the order has several paid attempts: {receipts:?}"),
        ));
    }
    let invoices_total = paid
        .iter()
        .try_fold(Amount::ZERO, |sum, i| sum.checked_add(i.amount?));
    let amount = if status.order.amount_paid.is_zero() {
        invoices_total.filter(|a| !a.is_zero())
    } else {
        Some(status.order.amount_paid)
    };
    Piece {
        source: EvidenceSource::StatusQuery,
        state,
        receipt: receipts.into_iter().next(),
        amount,
        currency: None,
    }
}

/// Sorts and de-duplicates a short list. An insertion sort: the lists here
/// hold a few pieces of evidence, and in WebAssembly it is a few hundred
/// bytes of code where the standard library's sort costs kilobytes per type.
fn sort_unique<T: PartialEq>(v: &mut Vec<T>, less: impl Fn(&T, &T) -> bool) {
    for i in 1..v.len() {
        let mut j = i;
        while j > 0 && less(&v[j], &v[j - 1]) {
            v.swap(j, j - 1);
            j -= 1;
        }
    }
    v.dedup();
}
