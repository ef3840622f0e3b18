//! How a payment flow ended: paid, failed, refused, never sent, or undecided,
//! with the reconciliation of everything it saw.

use serde::Serialize;

use crate::reconcile::Reconciliation;
use crate::response::{Rejection, TransportFailure};

/// The kind of ending.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeKind {
    /// Paid, confirmed by the IPN or the status query: ship the goods, after
    /// a look by a person when [`Reconciliation::needs_review`] says so (an
    /// amount that is not the order's, two receipts…).
    Paid,
    /// The customer's payment failed (cancelled, timed out, wrong PIN, no
    /// funds…), confirmed by the IPN or the status query. A new payment may
    /// be started.
    Failed,
    /// The provider refused the push (see [`Outcome::rejection`]): nothing
    /// reached the customer. Fix the cause before trying again.
    Rejected,
    /// The push could not be sent (the token could not be had, the provider
    /// could not be reached): nothing reached the customer. Try again later.
    NotSent,
    /// The push may have reached the customer, but no confirmed result came
    /// before the deadline. Keep the order pending: hand in the IPN when it
    /// comes, or check the status again later (never push again blindly).
    Undecided,
}

impl OutcomeKind {
    /// The stable machine code.
    pub fn code(self) -> &'static str {
        match self {
            OutcomeKind::Paid => "paid",
            OutcomeKind::Failed => "failed",
            OutcomeKind::Rejected => "rejected",
            OutcomeKind::NotSent => "not_sent",
            OutcomeKind::Undecided => "undecided",
        }
    }

    /// Looks a kind up by its code.
    pub fn from_code(code: &str) -> Option<OutcomeKind> {
        [
            OutcomeKind::Paid,
            OutcomeKind::Failed,
            OutcomeKind::Rejected,
            OutcomeKind::NotSent,
            OutcomeKind::Undecided,
        ]
        .into_iter()
        .find(|k| k.code() == code)
    }
}

/// How a payment flow ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Outcome {
    /// Paid, failed, rejected, not sent or undecided.
    pub kind: OutcomeKind,
    /// The decision over every callback, IPN and status answer seen.
    pub reconciliation: Reconciliation,
    /// For `rejected`, the provider's refusal; otherwise the last refusal
    /// seen, if any (for logs).
    pub rejection: Option<Rejection>,
    /// The last request that got no answer at all, if any.
    pub transport_failure: Option<TransportFailure>,
    /// Every payment reference pushed, the first one first.
    pub payment_references: Vec<String>,
}
