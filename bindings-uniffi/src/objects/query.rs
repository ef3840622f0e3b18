//! `StatusQuery`: the core's sans-IO status query for one order behind a
//! mutex, and what it asks for (`QueryAction`). Every decision (the token,
//! one retry after a 401, bounded retries with backoff) is the core's; this
//! file converts types only.

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};

use jenga_stk as core;
use jenga_stk::DateTime;

use super::{FlowRequest, Result, SharedTokens};
use crate::functions::StatusSignature;
use crate::types::{HttpStatus, QueryResult, RetryPolicy, TransportFailure};

/// What a status query wants next.
#[derive(uniffi::Enum)]
// Returned by value across the FFI, as `Action` is.
#[allow(clippy::large_enum_variant)]
pub enum QueryAction {
    /// Send this request, then hand in its answer (`handleResponse`) or its
    /// failure (`handleTransportFailure`).
    Send {
        /// The request (to the token or the status endpoint).
        request: FlowRequest,
    },
    /// Nothing to do before this instant (a backoff, a `Retry-After`, or
    /// another caller fetching the shared token): poll again then.
    Wait {
        /// When to poll again.
        until: DateTime,
    },
    /// The query has ended: the provider's answer, or none and why
    /// (`result.requireAnswer()` throws `transport_failed` then).
    Done {
        /// How it ended.
        result: QueryResult,
    },
}

impl From<core::QueryAction> for QueryAction {
    fn from(a: core::QueryAction) -> Self {
        match a {
            core::QueryAction::Send(r) => QueryAction::Send { request: r.into() },
            core::QueryAction::Wait(until) => QueryAction::Wait { until },
            core::QueryAction::Done(result) => QueryAction::Done {
                result: result.into(),
            },
        }
    }
}

/// One order status query, written once in the core: it takes the token from
/// the client's `SharedTokens` (fetching one if needed), retries once with a
/// new token after a 401, retries a 5xx, a 429 (at least its `Retry-After`)
/// or a lost answer within the policy's `maxRetries` with backoff, then ends
/// with the provider's answer or why none came. The caller only moves bytes:
///
/// ```text
/// val query = StatusQuery(orderReference, tokens, policy, StatusSignature.None, seed)
/// while (true) when (val a = query.poll(Instant.now())) {
///     is QueryAction.Send -> try { val r = http(a.request)                  // a.request.timeout
///                                  query.handleResponse(Instant.now(), r.status, r.retryAfter, r.body) }
///                            catch (e: IOException) { query.handleTransportFailure(Instant.now(), failureOf(e)) }
///     is QueryAction.Wait -> sleepUntil(a.until)
///     is QueryAction.Done -> return a.result.requireAnswer()
/// }
/// ```
///
/// Thread-safe (a mutex). `toString` shows the order reference only.
#[derive(uniffi::Object)]
#[uniffi::export(Display)]
pub struct StatusQuery {
    query: Mutex<core::StatusQuery>,
    order_reference: String,
}

impl fmt::Display for StatusQuery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "StatusQuery(orderReference={})", self.order_reference)
    }
}

impl StatusQuery {
    fn query(&self) -> MutexGuard<'_, core::StatusQuery> {
        // Every core method leaves the state whole or returns an error before
        // changing it, so a lock poisoned by a panic elsewhere is recovered.
        self.query
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[uniffi::export]
impl StatusQuery {
    /// A query for `order_reference` with the client's shared tokens.
    /// Throws `Validation`, every problem at once, for a blank order
    /// reference or one with control characters (field `orderReference`) and
    /// for a policy that could never end (fields `policy.…`).
    /// `status_signature` says whether the query carries a `Signature`
    /// header (a signature of the order reference: `Sign` signs it here,
    /// `Provided` takes one made elsewhere); `seed` feeds the backoff's
    /// jitter (a random number from a CSPRNG).
    #[uniffi::constructor]
    pub fn new(
        order_reference: String,
        tokens: &SharedTokens,
        policy: RetryPolicy,
        status_signature: StatusSignature,
        seed: u64,
    ) -> Result<Arc<Self>> {
        let policy: core::RetryPolicy = policy.into();
        // Validated before anything is signed.
        let unsigned =
            core::StatusQuery::new(&order_reference, Arc::clone(&tokens.0), policy, None, seed)?;
        // The reference the core queries: the one to sign.
        let reference = unsigned.order_reference().to_owned();
        let signature = match status_signature {
            StatusSignature::None => None,
            StatusSignature::Sign { signer } => Some(signer.0.sign(reference.as_bytes())?),
            StatusSignature::Provided { signature_base64 } => {
                Some(core::Signature::from_base64(&signature_base64)?)
            }
        };
        let query = match signature {
            None => unsigned,
            Some(signature) => core::StatusQuery::new(
                &reference,
                Arc::clone(&tokens.0),
                policy,
                Some(signature),
                seed,
            )?,
        };
        Ok(Arc::new(StatusQuery {
            query: Mutex::new(query),
            order_reference: reference,
        }))
    }

    /// The order reference queried (trimmed): the text a `Signature` header
    /// signs.
    pub fn order_reference(&self) -> String {
        self.order_reference.clone()
    }

    /// What to do next at `now`. Call it again after every answer or
    /// failure handed in, and when a `Wait` is over. Throws `flow_busy` while
    /// a sent request awaits its answer.
    pub fn poll(&self, now: DateTime) -> Result<QueryAction> {
        Ok(self.query().poll(now)?.into())
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
            .query()
            .handle_response(now, status.wire(), retry_after.as_deref(), &body)?)
    }

    /// The request of the last `Send` got no HTTP answer (could not connect,
    /// timed out, connection lost; also when the caller gave up on it: a
    /// token request in flight is then released for other callers). Throws
    /// `flow_idle` when no request awaits an answer.
    pub fn handle_transport_failure(&self, now: DateTime, failure: TransportFailure) -> Result<()> {
        Ok(self.query().handle_transport_failure(now, failure.into())?)
    }
}
