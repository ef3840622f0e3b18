//! The reconciliation decision and the evidence it came from.

use jenga_stk as core;
use jenga_stk::Amount;

/// Paid, failed or pending.
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum PaymentState {
    /// Paid.
    Paid,
    /// Failed: start a new payment with new references.
    Failed,
    /// Not decided yet.
    Pending,
}

/// Where evidence comes from, strongest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum EvidenceSource {
    /// The IPN.
    Ipn,
    /// The status query.
    StatusQuery,
    /// The unsigned callback.
    Callback,
}

/// What kind of disagreement was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum ConflictKind {
    /// The status query says every attempt failed while another source
    /// reports a payment, or one IPN is reported both successful and failed.
    SourcesDisagree,
    /// Two pieces of successful evidence name different receipts, amounts or
    /// currencies: perhaps the customer paid twice. Review by hand.
    PaymentsDisagree,
    /// Evidence about another order (ignored).
    ReferenceMismatch,
    /// The amount paid differs from the expected one.
    AmountMismatch,
    /// The currency differs from the expected one.
    CurrencyMismatch,
}

/// One disagreement.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct Conflict {
    /// The kind.
    pub kind: ConflictKind,
    /// The sources involved.
    pub sources: Vec<EvidenceSource>,
    /// A readable description.
    pub description: String,
}

/// What the merchant expects of the order.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct Expected {
    /// The order reference.
    pub order_reference: String,
    /// The amount to check, if any.
    #[uniffi(default = None)]
    pub amount: Option<Amount>,
    /// The currency to check, if any.
    #[uniffi(default = None)]
    pub currency: Option<String>,
}

/// The decision.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct Reconciliation {
    /// Paid, failed or pending.
    pub state: PaymentState,
    /// The evidence that decided, if any.
    pub decided_by: Option<EvidenceSource>,
    /// True when the IPN or the status query decided.
    pub confirmed: bool,
    /// The M-Pesa receipt, when known.
    pub mpesa_receipt: Option<String>,
    /// The amount paid, when known.
    pub amount_paid: Option<Amount>,
    /// The currency paid, when a successful piece of evidence states it (the
    /// status query never does, and some IPNs omit it).
    pub currency_paid: Option<String>,
    /// True when the order is paid and the currency paid is stated and is the
    /// expected one; false: unconfirmed (or wrong: see the conflicts).
    pub currency_confirmed: bool,
    /// Every disagreement found, in a fixed order.
    pub conflicts: Vec<Conflict>,
    /// True when a person should look before the goods go (an amount or a
    /// currency that is not the order's, two receipts, contradicting
    /// sources); evidence about another order does not set it.
    pub needs_review: bool,
}

fn source(s: core::EvidenceSource) -> EvidenceSource {
    match s {
        core::EvidenceSource::Ipn => EvidenceSource::Ipn,
        core::EvidenceSource::StatusQuery => EvidenceSource::StatusQuery,
        core::EvidenceSource::Callback => EvidenceSource::Callback,
    }
}

impl From<core::Reconciliation> for Reconciliation {
    fn from(r: core::Reconciliation) -> Self {
        Reconciliation {
            state: match r.state {
                core::PaymentState::Paid => PaymentState::Paid,
                core::PaymentState::Failed => PaymentState::Failed,
                core::PaymentState::Pending => PaymentState::Pending,
            },
            decided_by: r.decided_by.map(source),
            confirmed: r.confirmed,
            mpesa_receipt: r.mpesa_receipt,
            amount_paid: r.amount_paid,
            currency_paid: r.currency_paid,
            currency_confirmed: r.currency_confirmed,
            conflicts: r
                .conflicts
                .into_iter()
                .map(|c| Conflict {
                    kind: match c.kind {
                        core::ConflictKind::SourcesDisagree => ConflictKind::SourcesDisagree,
                        core::ConflictKind::PaymentsDisagree => ConflictKind::PaymentsDisagree,
                        core::ConflictKind::ReferenceMismatch => ConflictKind::ReferenceMismatch,
                        core::ConflictKind::AmountMismatch => ConflictKind::AmountMismatch,
                        core::ConflictKind::CurrencyMismatch => ConflictKind::CurrencyMismatch,
                    },
                    sources: c.sources.into_iter().map(source).collect(),
                    description: c.description,
                })
                .collect(),
            needs_review: r.needs_review,
        }
    }
}
