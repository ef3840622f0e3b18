//! `PaymentFlow`: the core's sans-IO payment flow behind a mutex, with what
//! it asks for (`Action`, `FlowRequest`) and what it needs (`FlowContext`).
//! Every decision is the core's; this file converts types only.

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use jenga_stk as core;
use jenga_stk::DateTime;

use super::{CallbackUrls, HttpRequest, Result, SharedTokens, SignedStkPush};
use crate::error::JengaError;
use crate::functions::StatusSignature;
use crate::types::{
    Endpoint, HttpStatus, InitAccepted, Ipn, Limits, Outcome, Phase, RetryPolicy, StkCallback,
    TransportFailure,
};

/// What a flow needs besides the push. None of it is saved with the flow
/// (the tokens and the callback secret are secrets): give it again to
/// `PaymentFlow.fromJson`.
#[derive(uniffi::Record)]
pub struct FlowContext {
    /// The client's shared token state (its environment is the flow's).
    pub tokens: Arc<SharedTokens>,
    /// The secret the push's callback URL was made with, if it was: a push
    /// sent again gets a callback URL for its new payment reference.
    #[uniffi(default = None)]
    pub callback_urls: Option<Arc<CallbackUrls>>,
    /// Limits applied to every answer and piece of evidence.
    #[uniffi(default)]
    pub limits: Limits,
}

impl From<&FlowContext> for core::FlowContext {
    fn from(c: &FlowContext) -> Self {
        core::FlowContext {
            tokens: Arc::clone(&c.tokens.0),
            callback_urls: c.callback_urls.as_ref().map(|u| u.0.clone()),
            limits: c.limits.into(),
        }
    }
}

/// One HTTP request to send, and for which endpoint.
#[derive(uniffi::Record)]
pub struct FlowRequest {
    /// The endpoint (a failure to send it is reported as a `TransportFailure`).
    pub endpoint: Endpoint,
    /// The request itself (it carries a bearer token or the consumer secret:
    /// its `toString` is redacted).
    pub http: Arc<HttpRequest>,
    /// How long to wait for the whole answer, body included; then report
    /// `TransportFailure.TIMEOUT`.
    pub timeout: Duration,
}

impl From<core::FlowRequest> for FlowRequest {
    fn from(r: core::FlowRequest) -> Self {
        FlowRequest {
            endpoint: r.endpoint.into(),
            http: Arc::new(HttpRequest(r.http)),
            timeout: r.timeout,
        }
    }
}

/// What the caller should do next.
#[derive(uniffi::Enum)]
// Returned by value across the FFI (serialized anyway): boxing would only
// complicate the generated API. The core's `Action` does the same.
#[allow(clippy::large_enum_variant)]
pub enum Action {
    /// Send this request, then hand in its answer (`handleResponse`) or its
    /// failure (`handleTransportFailure`).
    Send {
        /// The request.
        request: FlowRequest,
    },
    /// Nothing to do before this instant: poll again then, or earlier if a
    /// callback or IPN is handed in.
    Wait {
        /// When to poll again.
        until: DateTime,
    },
    /// The flow has ended (it still takes evidence: see `outcome()`).
    Done {
        /// How it ended.
        outcome: Outcome,
    },
}

impl From<core::Action> for Action {
    fn from(a: core::Action) -> Self {
        match a {
            core::Action::Send(r) => Action::Send { request: r.into() },
            core::Action::Wait(until) => Action::Wait { until },
            core::Action::Done(outcome) => Action::Done {
                outcome: outcome.into(),
            },
        }
    }
}

/// The payment flow, written once in the core: a sans-IO state machine that
/// drives one STK push from the token to a reconciled outcome and says what
/// to do next; the caller only moves bytes:
///
/// ```text
/// loop {
///     when (val a = flow.poll(Instant.now())) {
///         is Action.Send -> try { val r = http(a.request)                 // a.request.timeout
///                                 flow.handleResponse(Instant.now(), r.status, r.retryAfter, r.body) }
///                           catch (e: IOException) { flow.handleTransportFailure(Instant.now(), failureOf(e)) }
///         is Action.Wait -> sleepUntil(a.until)     // or until a callback/IPN is handed in
///         is Action.Done -> return a.outcome
///     }
/// }
/// ```
///
/// Thread-safe (a mutex): callbacks and IPNs may be handed in from another
/// thread while a driver polls. `toString` shows references and phase only.
#[derive(uniffi::Object)]
#[uniffi::export(Display)]
pub struct PaymentFlow(Mutex<core::PaymentFlow>);

impl fmt::Display for PaymentFlow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let flow = self.flow();
        write!(
            f,
            "PaymentFlow(orderReference={}, paymentReference={}, phase={})",
            flow.order_reference(),
            flow.payment_reference(),
            flow.phase().code()
        )
    }
}

impl PaymentFlow {
    fn flow(&self) -> MutexGuard<'_, core::PaymentFlow> {
        // Every core method leaves the state whole or returns an error before
        // changing it, so a lock poisoned by a panic elsewhere is recovered.
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[uniffi::export]
impl PaymentFlow {
    /// A flow for `push` (validated and signed, with any signer), starting
    /// at `now`. `status_signature` says whether the status query carries a
    /// `Signature` header (a signature of the order reference: `Sign` signs it
    /// here, `Provided` takes one made elsewhere); `seed` feeds the jitter and
    /// new payment references (a random number from a CSPRNG; a fixed one
    /// replays the same decisions).
    #[uniffi::constructor]
    pub fn new(
        push: &SignedStkPush,
        context: FlowContext,
        policy: RetryPolicy,
        status_signature: StatusSignature,
        seed: u64,
        now: DateTime,
    ) -> Result<Arc<Self>> {
        let order = push.0.push().order_reference();
        let signature = match status_signature {
            StatusSignature::None => None,
            StatusSignature::Sign { signer } => Some(signer.0.sign(order.as_bytes())?),
            StatusSignature::Provided { signature_base64 } => {
                Some(core::Signature::from_base64(&signature_base64)?)
            }
        };
        Ok(Arc::new(PaymentFlow(Mutex::new(core::PaymentFlow::new(
            push.0.clone(),
            (&context).into(),
            policy.into(),
            signature,
            seed,
            now,
        )))))
    }

    /// Restores a flow saved with `toJson`, with its context given again.
    /// Text that is not a saved flow of this version throws `flow_state_invalid`.
    /// A request that awaited its answer when the flow was saved has lost it:
    /// a lost push answer is treated as a dropped connection (the provider is
    /// asked about the order first).
    #[uniffi::constructor]
    pub fn from_json(json: String, context: FlowContext) -> Result<Arc<Self>> {
        let flow = core::PaymentFlow::from_json(json.as_bytes(), (&context).into())?;
        Ok(Arc::new(PaymentFlow(Mutex::new(flow))))
    }

    /// What to do next at `now`. Call it again after every answer, failure,
    /// callback or IPN handed in, and when a `Wait` is over. Throws
    /// `flow_busy` while a sent request awaits its answer.
    pub fn poll(&self, now: DateTime) -> Result<Action> {
        Ok(self.flow().poll(now)?.into())
    }

    /// The answer to the request of the last `Send`: its HTTP status, its
    /// `Retry-After` header if any, and its body. Throws `flow_idle` when no
    /// request awaits an answer.
    pub fn handle_response(
        &self,
        now: DateTime,
        status: HttpStatus,
        retry_after: Option<String>,
        body: Vec<u8>,
    ) -> Result<()> {
        Ok(self
            .flow()
            .handle_response(now, status.wire(), retry_after.as_deref(), &body)?)
    }

    /// The request of the last `Send` got no HTTP answer (could not connect,
    /// timed out, connection lost; also when the caller gave up on it).
    pub fn handle_transport_failure(&self, now: DateTime, failure: TransportFailure) -> Result<()> {
        Ok(self.flow().handle_transport_failure(now, failure.into())?)
    }

    /// A callback to the push's `callbackUrl`, already authenticated
    /// (`CallbackUrls.verifyCallback`). Unsigned, it decides nothing alone: a
    /// status query confirms it. Throws `flow_not_this_payment` for another
    /// payment's callback.
    pub fn handle_callback(&self, callback: StkCallback) -> Result<()> {
        Ok(self.flow().handle_callback(callback.into())?)
    }

    /// An IPN for this order, already authenticated (`IpnAuth.verify`). A
    /// successful one decides at once; redeliveries change nothing. Throws
    /// `flow_not_this_payment` for another order's IPN.
    pub fn handle_ipn(&self, ipn: Ipn) -> Result<()> {
        Ok(self.flow().handle_ipn(ipn.into())?)
    }

    /// Asks for a status query at the next `poll`, even past the deadline or
    /// after the flow ended undecided. No effect on a paid flow.
    pub fn check_status(&self) {
        self.flow().check_status();
    }

    /// The outcome, once the flow has ended (recomputed when evidence comes later).
    pub fn outcome(&self) -> Option<Outcome> {
        self.flow().outcome().map(Outcome::from)
    }

    /// Throws `NotStarted` (`payment_rejected` / `payment_not_sent`, with the
    /// outcome) when the flow ended with nothing reaching the customer;
    /// returns otherwise (the push reached the provider, may have, or the
    /// flow goes on).
    pub fn require_started(&self) -> Result<()> {
        let Some(outcome) = self.flow().outcome() else {
            return Ok(());
        };
        let (code, why) = match outcome.kind {
            core::OutcomeKind::Rejected => (
                "payment_rejected",
                match &outcome.rejection {
                    Some(r) => format!(
                        "the provider refused the push (HTTP {}, {})",
                        r.http_status,
                        r.kind.code()
                    ),
                    None => "the provider refused the push".to_owned(),
                },
            ),
            core::OutcomeKind::NotSent => (
                "payment_not_sent",
                match (&outcome.transport_failure, &outcome.rejection) {
                    (_, Some(r)) => format!(
                        "the push could not be sent (last answer: HTTP {}, {})",
                        r.http_status,
                        r.kind.code()
                    ),
                    (Some(f), None) => {
                        format!("the push could not be sent (last failure: {})", f.code())
                    }
                    (None, None) => "the push could not be sent".to_owned(),
                },
            ),
            _ => return Ok(()),
        };
        Err(JengaError::NotStarted {
            code: code.to_owned(),
            field: None,
            detail: format!("{why}: nothing reached the customer"),
            outcome: outcome.into(),
        })
    }

    /// Where the flow stands.
    pub fn phase(&self) -> Phase {
        self.flow().phase().into()
    }

    /// The provider's acceptance of the push, once it came.
    pub fn accepted(&self) -> Option<InitAccepted> {
        self.flow().accepted().cloned().map(InitAccepted::from)
    }

    /// Whether the provider is known to have the push (accepted, or found by
    /// a status query): from then on the customer has (or had) the prompt.
    pub fn push_known(&self) -> bool {
        self.flow().push_known()
    }

    /// The order reference.
    pub fn order_reference(&self) -> String {
        self.flow().order_reference().to_owned()
    }

    /// The payment reference of the latest push.
    pub fn payment_reference(&self) -> String {
        self.flow().payment_reference().to_owned()
    }

    /// Every payment reference pushed, the first one first.
    pub fn payment_references(&self) -> Vec<String> {
        self.flow().payment_references().to_vec()
    }

    /// The instant after which the flow stops trying and ends undecided.
    pub fn deadline(&self) -> DateTime {
        self.flow().deadline()
    }

    /// The flow's state as versioned JSON, without secrets: store it with the
    /// order and restore it with `fromJson` in any process (any binding).
    pub fn to_json(&self) -> String {
        self.flow().to_json()
    }
}
