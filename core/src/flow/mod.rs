//! The payment flow, written once: a sans-IO state machine for one STK push
//! (see [`PaymentFlow`]); its transitions live in `machine.rs`, its saved form
//! in `persist.rs`.
mod machine;
mod outcome;
mod persist;
mod policy;
mod query;
mod tokens;

use std::sync::Arc;
use std::time::Duration;

use crate::callback::StkCallback;
use crate::callback_url::CallbackUrls;
use crate::http::HttpRequest;
use crate::ipn::Ipn;
use crate::json::Limits;
use crate::request::stk_push::SignedStkPush;
use crate::response::{Endpoint, InitAccepted, Rejection, TransportFailure};
use crate::signing::Signature;
use crate::status::OrderStatus;
use crate::time::DateTime;
use crate::token::AccessToken;

pub use outcome::{Outcome, OutcomeKind};
pub use policy::RetryPolicy;
pub use query::{QueryAction, QueryResult, StatusQuery};
pub use tokens::{SharedTokens, TokenGrant};

/// The version written into saved flows; [`PaymentFlow::from_json`] reads it.
pub const FLOW_STATE_VERSION: u32 = 1;

/// One HTTP request to send, and for which endpoint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FlowRequest {
    /// The endpoint (map a failure to send it to a [`TransportFailure`]).
    pub endpoint: Endpoint,
    /// The request itself.
    pub http: HttpRequest,
    /// How long to wait for its answer before giving up (then report
    /// [`TransportFailure::Timeout`]).
    pub timeout: Duration,
}

/// What the caller should do next.
#[derive(Clone, Debug, PartialEq, Eq)]
#[allow(clippy::large_enum_variant)]
pub enum Action {
    /// Send this request, then hand in its answer
    /// ([`PaymentFlow::handle_response`]) or its failure
    /// ([`PaymentFlow::handle_transport_failure`]).
    Send(FlowRequest),
    /// Nothing to do before this instant: poll again then, or earlier if a
    /// callback or IPN is handed in.
    Wait(DateTime),
    /// The flow has ended (it may still take evidence: see [`PaymentFlow::outcome`]).
    Done(Outcome),
}

/// Where the flow stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Getting a token and pushing (or about to push again).
    Starting,
    /// The push may have reached the provider but its answer was lost or
    /// unclear: asking the provider about the order before anything else.
    Confirming,
    /// The provider has the push: waiting for the customer (status polls,
    /// callbacks, IPNs).
    Waiting,
    /// Ended: see [`PaymentFlow::outcome`].
    Done,
}

impl Phase {
    /// The stable machine code.
    pub fn code(self) -> &'static str {
        match self {
            Phase::Starting => "starting",
            Phase::Confirming => "confirming",
            Phase::Waiting => "waiting",
            Phase::Done => "done",
        }
    }
}

/// What a flow needs besides the push: none of it is saved with the flow
/// (the tokens and the callback secret are secrets), so it is given again
/// when a saved flow is restored.
#[derive(Clone, Debug)]
pub struct FlowContext {
    /// The client's shared token state (its environment is the flow's).
    pub tokens: Arc<SharedTokens>,
    /// The secret the push's callback URL was made with, if it was: a push
    /// sent again gets a callback URL for its new payment reference.
    pub callback_urls: Option<CallbackUrls>,
    /// Limits applied to every answer and piece of evidence.
    pub limits: Limits,
}

impl FlowContext {
    /// A context with these tokens, no callback secret and default limits.
    pub fn new(tokens: Arc<SharedTokens>) -> FlowContext {
        FlowContext {
            tokens,
            callback_urls: None,
            limits: Limits::default(),
        }
    }

    /// Adds the callback secret.
    pub fn with_callback_urls(mut self, urls: CallbackUrls) -> FlowContext {
        self.callback_urls = Some(urls);
        self
    }
}

/// Which request awaits its answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Pending {
    Token,
    Push,
    Status,
}

/// Everything that decides, and is saved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct State {
    pub(crate) push: SignedStkPush,
    pub(crate) status_signature: Option<Signature>,
    pub(crate) policy: RetryPolicy,
    pub(crate) rng: u64,
    pub(crate) started_at: DateTime,
    pub(crate) deadline: DateTime,
    pub(crate) phase: Phase,
    pub(crate) pending: Option<Pending>,
    pub(crate) next_at: DateTime,
    /// Distinct payment references pushed so far (attempts).
    pub(crate) pushes: u32,
    pub(crate) payment_references: Vec<String>,
    /// The next push uses a new payment reference.
    pub(crate) new_reference: bool,
    /// Transient failures of the current push or status step.
    pub(crate) retries: u32,
    /// Transient failures of the current token request.
    pub(crate) token_retries: u32,
    /// The current request was already retried after a 401.
    pub(crate) retried_401: bool,
    /// Status queries made while waiting.
    pub(crate) polls: u32,
    /// "Not found" answers in a row while confirming an ambiguous push.
    pub(crate) not_found: u32,
    pub(crate) accepted: Option<InitAccepted>,
    /// A status query is wanted now (new evidence, or a command).
    pub(crate) confirm: bool,
    /// The last status answer came after the last piece of evidence.
    pub(crate) status_fresh: bool,
    pub(crate) callbacks: Vec<StkCallback>,
    pub(crate) ipns: Vec<Ipn>,
    /// The last status answer found, and its body as received.
    pub(crate) status: Option<(OrderStatus, String)>,
    pub(crate) last_rejection: Option<Rejection>,
    pub(crate) last_failure: Option<TransportFailure>,
    /// The provider refused a push (so nothing reached the customer by it).
    pub(crate) refused: bool,
    pub(crate) ended: Option<OutcomeKind>,
}

///  The payment flow, written once: a sans-IO state machine that drives one
///  STK push from the token to a reconciled outcome, and tells the caller what
///  to do next (as quinn-proto and h11 do). The caller only moves bytes:
///
///  ```text
///  loop {
///      match flow.poll(now())? {
///          Action::Send(request) => match http(request) {          // your client, request.timeout
///              Ok(answer) => flow.handle_response(now(), answer.status, answer.retry_after, &answer.body)?,
///              Err(e) => flow.handle_transport_failure(now(), failure_of(e))?,
///          },
///          Action::Wait(until) => sleep_until(until),                // or until a callback/IPN is handed in
///          Action::Done(outcome) => return outcome,
///      }
///  }
///  ```
///
///  Callbacks and IPNs that reach your server (often another process,
///  minutes later) are handed in with [`PaymentFlow::handle_callback`] and
///  [`PaymentFlow::handle_ipn`] after you authenticated them
///  ([`CallbackUrls`], [`IpnAuth`](crate::IpnAuth)). The flow's state saves to
///  versioned JSON ([`PaymentFlow::to_json`]) and restores anywhere
///  ([`PaymentFlow::from_json`]) with the same decisions.
///
///  What it decides:
///  * the token: one [`SharedTokens`] for every payment of a client, so
///    concurrent first calls make a single token request; a 401 is retried
///    once with a new token;
///  * transient failures (429, 5xx of the token or status endpoint, a refused
///    connection) are retried with bounded exponential backoff and jitter
///    ([`RetryPolicy`]; the randomness comes from the seed you give);
///  * after an ambiguous push (a timeout, a dropped connection, a 5xx, an
///    unreadable answer) it **asks the provider about the order before
///    anything else**, twice, a moment apart, and pushes again (with a new
///    payment reference) only if the provider does not know the order; a
///    customer is never prompted twice because an answer was lost;
///  * after an accepted push, the status is polled at growing intervals
///    until the IPN or the status query decides, or the deadline passes;
///  * the outcome is the [`reconcile`](crate::reconcile)d decision over
///    everything seen; a payment is never lost: a successful IPN or status
///    turns even an ended flow into [`OutcomeKind::Paid`].
#[derive(Debug)]
pub struct PaymentFlow {
    state: State,
    context: FlowContext,
    /// The token the pending request carries, to drop it after a 401 (a
    /// secret: never saved).
    used_token: Option<AccessToken>,
}

impl PaymentFlow {
    /// A flow for `push` (validated and signed, with any signer), starting at
    /// `now`. `status_signature` is the `Signature` header for the status
    /// query (a signature of the order reference) when your account needs one
    /// (unconfirmed: see [`StatusSignature`](crate::StatusSignature)); `seed`
    /// feeds the jitter and new payment references (any random `u64`; a fixed
    /// one replays the same decisions).
    pub fn new(
        push: SignedStkPush,
        context: FlowContext,
        policy: RetryPolicy,
        status_signature: Option<Signature>,
        seed: u64,
        now: DateTime,
    ) -> PaymentFlow {
        let reference = push.push().payment_reference().to_owned();
        PaymentFlow {
            state: State {
                push,
                status_signature,
                policy,
                rng: seed,
                started_at: now,
                deadline: now.plus(policy.timeout),
                phase: Phase::Starting,
                pending: None,
                next_at: now,
                pushes: 1,
                payment_references: vec![reference],
                new_reference: false,
                retries: 0,
                token_retries: 0,
                retried_401: false,
                polls: 0,
                not_found: 0,
                accepted: None,
                confirm: false,
                status_fresh: false,
                callbacks: Vec::new(),
                ipns: Vec::new(),
                status: None,
                last_rejection: None,
                last_failure: None,
                refused: false,
                ended: None,
            },
            context,
            used_token: None,
        }
    }

    /// The order reference.
    pub fn order_reference(&self) -> &str {
        self.state.push.push().order_reference()
    }

    /// The payment reference of the latest push.
    pub fn payment_reference(&self) -> &str {
        self.state.push.push().payment_reference()
    }

    /// Every payment reference pushed, the first one first.
    pub fn payment_references(&self) -> &[String] {
        &self.state.payment_references
    }

    /// Where the flow stands.
    pub fn phase(&self) -> Phase {
        self.state.phase
    }

    /// The provider's acceptance of the push, once it came.
    pub fn accepted(&self) -> Option<&InitAccepted> {
        self.state.accepted.as_ref()
    }

    /// Whether the provider is known to have the push: accepted, or found by
    /// a status query after an ambiguous answer. From then on the customer
    /// has (or had) the prompt.
    pub fn push_known(&self) -> bool {
        self.state.accepted.is_some() || self.state.status.is_some()
    }

    /// The instant after which the flow stops trying and ends undecided.
    pub fn deadline(&self) -> DateTime {
        self.state.deadline
    }

    /// The outcome, once the flow has ended; it is recomputed when evidence
    /// comes later (a successful IPN turns any outcome into `paid`).
    pub fn outcome(&self) -> Option<Outcome> {
        self.state.ended.map(|kind| self.state.outcome(kind))
    }

    /// The decision over everything seen so far, before the flow ends too
    /// (a callback saying paid shows as paid, not confirmed, while the
    /// status query is awaited).
    pub fn reconciliation(&self) -> crate::reconcile::Reconciliation {
        self.state.reconciliation()
    }

    /// Asks for a status query at the next [`poll`](Self::poll), even past
    /// the deadline or after the flow ended undecided (for a job that
    /// re-checks payments left pending). No effect on a paid flow.
    pub fn check_status(&mut self) {
        if self.state.ended != Some(OutcomeKind::Paid) && self.state.phase != Phase::Starting {
            self.state.confirm = true;
        }
    }
}
