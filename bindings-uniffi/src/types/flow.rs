//! The payment flow's plain values: its `RetryPolicy`, the `Limits` applied
//! to answers, where it stands (`Phase`) and how it ended (`Outcome`).

use std::time::Duration;

use jenga_stk as core;

use super::{Reconciliation, Rejection, TransportFailure};

/// How patient a payment flow is: retries, backoff with jitter, the status
/// polling schedule, timeouts and the deadline. `defaultRetryPolicy()` gives
/// the defaults (Kotlin: `defaultRetryPolicy().copy(firstPoll = …)`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Record)]
pub struct RetryPolicy {
    /// Pushes sent for one payment at most, the first included (a push is
    /// only repeated when the provider refused it explicitly, or said it does
    /// not know the order). Default 2.
    pub max_pushes: u32,
    /// Retries of one token or status request after a transient failure
    /// (5xx, 429, timeout); and, after an ambiguous push, status queries that
    /// fail before the payment is reported undecided. Default 2.
    pub max_retries: u32,
    /// The first backoff; it doubles each retry. Default 500 ms.
    pub initial_backoff: Duration,
    /// The longest backoff. Default 5 s.
    pub max_backoff: Duration,
    /// After an ambiguous push (a timeout, a 5xx), the wait before asking the
    /// provider about the order. Default 2 s.
    pub confirm_delay: Duration,
    /// After an accepted push, the wait before the first status query.
    /// Default 5 s.
    pub first_poll: Duration,
    /// The longest wait between status queries (the wait grows ×1.5 from
    /// `firstPoll`). Default 30 s.
    pub max_poll_interval: Duration,
    /// How long the flow keeps trying, from its creation; past it, it ends
    /// undecided. Default 3 minutes.
    pub timeout: Duration,
    /// Each HTTP request's timeout (`FlowRequest.timeout`). Default 30 s.
    pub request_timeout: Duration,
    /// While another payment of the same client refreshes the token, how
    /// long to wait before looking again. Default 50 ms.
    pub token_wait: Duration,
}

impl From<core::RetryPolicy> for RetryPolicy {
    fn from(p: core::RetryPolicy) -> Self {
        RetryPolicy {
            max_pushes: p.max_pushes,
            max_retries: p.max_retries,
            initial_backoff: p.initial_backoff,
            max_backoff: p.max_backoff,
            confirm_delay: p.confirm_delay,
            first_poll: p.first_poll,
            max_poll_interval: p.max_poll_interval,
            timeout: p.timeout,
            request_timeout: p.request_timeout,
            token_wait: p.token_wait,
        }
    }
}

impl From<RetryPolicy> for core::RetryPolicy {
    fn from(p: RetryPolicy) -> Self {
        core::RetryPolicy {
            max_pushes: p.max_pushes,
            max_retries: p.max_retries,
            initial_backoff: p.initial_backoff,
            max_backoff: p.max_backoff,
            confirm_delay: p.confirm_delay,
            first_poll: p.first_poll,
            max_poll_interval: p.max_poll_interval,
            timeout: p.timeout,
            request_timeout: p.request_timeout,
            token_wait: p.token_wait,
        }
    }
}

/// The default retry policy (the core's defaults).
#[uniffi::export]
pub fn default_retry_policy() -> RetryPolicy {
    core::RetryPolicy::default().into()
}

/// Limits applied to every answer and piece of evidence a flow reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Record)]
pub struct Limits {
    /// The largest body accepted, in bytes.
    #[uniffi(default = 65536)]
    pub max_body_bytes: u64,
    /// The deepest nesting of arrays and objects accepted.
    #[uniffi(default = 32)]
    pub max_depth: u32,
}

impl From<Limits> for core::Limits {
    fn from(l: Limits) -> Self {
        core::Limits {
            max_body_bytes: usize::try_from(l.max_body_bytes).unwrap_or(usize::MAX),
            max_depth: usize::try_from(l.max_depth).unwrap_or(usize::MAX),
        }
    }
}

/// Where a payment flow stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum Phase {
    /// Getting a token and pushing (or about to push again).
    Starting,
    /// The push may have reached the provider but its answer was lost or
    /// unclear: asking the provider about the order before anything else.
    Confirming,
    /// The provider has the push: waiting for the customer (status polls,
    /// callbacks, IPNs).
    Waiting,
    /// Ended: see `outcome()`.
    Done,
}

impl From<core::Phase> for Phase {
    fn from(p: core::Phase) -> Self {
        match p {
            core::Phase::Starting => Phase::Starting,
            core::Phase::Confirming => Phase::Confirming,
            core::Phase::Waiting => Phase::Waiting,
            core::Phase::Done => Phase::Done,
        }
    }
}

/// How a payment flow ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum OutcomeKind {
    /// Paid, confirmed by the IPN or the status query: ship the goods.
    Paid,
    /// The customer's payment failed (cancelled, timed out, wrong PIN, no
    /// funds…), confirmed. A new payment may be started.
    Failed,
    /// The provider refused the push (see `rejection`): nothing reached the
    /// customer. Fix the cause before trying again.
    Rejected,
    /// The push could not be sent: nothing reached the customer. Try again later.
    NotSent,
    /// The push may have reached the customer, but no confirmed result came
    /// before the deadline. Keep the order pending: hand in the IPN when it
    /// comes, or check the status again later (never push again blindly).
    Undecided,
}

impl From<core::OutcomeKind> for OutcomeKind {
    fn from(k: core::OutcomeKind) -> Self {
        match k {
            core::OutcomeKind::Paid => OutcomeKind::Paid,
            core::OutcomeKind::Failed => OutcomeKind::Failed,
            core::OutcomeKind::Rejected => OutcomeKind::Rejected,
            core::OutcomeKind::NotSent => OutcomeKind::NotSent,
            core::OutcomeKind::Undecided => OutcomeKind::Undecided,
        }
    }
}

/// How a payment flow ended, with the reconciliation of everything it saw.
/// A successful IPN or status answer handed in later turns it into `PAID`.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct Outcome {
    /// Paid, failed, rejected, not sent or undecided.
    pub kind: OutcomeKind,
    /// The decision over every callback, IPN and status answer seen.
    pub reconciliation: Reconciliation,
    /// For `REJECTED`, the provider's refusal; otherwise the last refusal
    /// seen, if any (for logs).
    pub rejection: Option<Rejection>,
    /// The last request that got no answer at all, if any.
    pub transport_failure: Option<TransportFailure>,
    /// Every payment reference pushed, the first one first.
    pub payment_references: Vec<String>,
}

impl From<core::Outcome> for Outcome {
    fn from(o: core::Outcome) -> Self {
        Outcome {
            kind: o.kind.into(),
            reconciliation: o.reconciliation.into(),
            rejection: o.rejection.map(Rejection::from),
            transport_failure: o.transport_failure.map(TransportFailure::from),
            payment_references: o.payment_references,
        }
    }
}
