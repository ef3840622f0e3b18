//! One order status query, sans-IO: the token (shared with the client's
//! payments), one retry after a 401 with a new token, and bounded retries with
//! backoff after a 5xx, a 429 or no answer; then the answer, or why there is
//! none. For a client's "what does the provider say about this order?", so no
//! binding decides about retries itself.

use std::sync::Arc;
use std::time::Duration;

use super::machine::unusable;
use super::policy::parse_retry_after;
use super::{FlowRequest, RetryPolicy, SharedTokens, TokenGrant};
use crate::error::{FlowError, Problems, ValidationError};
use crate::json::Limits;
use crate::response::{Endpoint, NextAction, Rejection, TransportFailure};
use crate::signing::Signature;
use crate::status::{StatusResponse, parse_status_response, status_request_signed};
use crate::text;
use crate::time::DateTime;
use crate::token::{AccessToken, TokenResponse};

/// The longest order reference a query accepts: far above any the provider
/// makes; it only keeps a mistaken argument (a whole body) out of the URL.
const MAX_ORDER_REFERENCE: usize = 256;

/// What a status query wants next.
#[derive(Clone, Debug, PartialEq, Eq)]
#[allow(clippy::large_enum_variant)]
pub enum QueryAction {
    /// Send this request, then hand in its answer or failure.
    Send(FlowRequest),
    /// Nothing to do before this instant.
    Wait(DateTime),
    /// The provider's answer (found, not found, or its refusal after the
    /// retries), or `None` with the last transport failure when no answer came.
    Done(QueryResult),
}

/// The end of a status query.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueryResult {
    /// The answer, when one came.
    pub response: Option<StatusResponse>,
    /// When none came: how the last attempt failed.
    pub transport_failure: Option<TransportFailure>,
}

/// How the last attempt ended, when it gives no answer to return as is.
enum Ended {
    /// An answer to retry (a 5xx, a 429, an unreadable body), as a rejection.
    Answer(Rejection),
    /// No answer at all.
    Failure(TransportFailure),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Pending {
    Token,
    Status,
}

/// One status query for an order. Like [`PaymentFlow`](super::PaymentFlow):
/// `poll`, send, hand the answer in, until [`QueryAction::Done`].
#[derive(Debug)]
pub struct StatusQuery {
    order_reference: String,
    status_signature: Option<Signature>,
    policy: RetryPolicy,
    tokens: Arc<SharedTokens>,
    limits: Limits,
    rng: u64,
    pending: Option<Pending>,
    used_token: Option<AccessToken>,
    retried_401: bool,
    retries: u32,
    next_at: Option<DateTime>,
    done: Option<QueryResult>,
}

impl StatusQuery {
    /// A query for `order_reference` (trimmed) with the client's tokens;
    /// `seed` feeds the backoff's jitter. Refuses, every problem at once, a
    /// blank order reference or one with control characters (field
    /// `orderReference`: it would query another URL) and a policy that
    /// [`RetryPolicy::validate`] refuses.
    pub fn new(
        order_reference: &str,
        tokens: Arc<SharedTokens>,
        policy: RetryPolicy,
        status_signature: Option<Signature>,
        seed: u64,
    ) -> Result<StatusQuery, ValidationError> {
        let mut problems = Problems::default();
        text::required(
            &mut problems,
            "orderReference",
            order_reference,
            MAX_ORDER_REFERENCE,
        );
        if let Err(e) = policy.validate() {
            for p in e.into_problems() {
                problems.push(&p.field, p.code, p.message);
            }
        }
        problems.into_result(())?;
        Ok(StatusQuery {
            order_reference: order_reference.trim().to_owned(),
            status_signature,
            policy,
            tokens,
            limits: Limits::default(),
            rng: seed,
            pending: None,
            used_token: None,
            retried_401: false,
            retries: 0,
            next_at: None,
            done: None,
        })
    }

    /// Parses the answers within `limits` instead of the defaults (as a
    /// [`FlowContext`](super::FlowContext)'s `limits` do for a payment).
    pub fn with_limits(mut self, limits: Limits) -> StatusQuery {
        self.limits = limits;
        self
    }

    /// The order reference queried, trimmed: sign exactly this text when
    /// status queries carry a signature.
    pub fn order_reference(&self) -> &str {
        &self.order_reference
    }

    /// What to do next at `now`.
    pub fn poll(&mut self, now: DateTime) -> Result<QueryAction, FlowError> {
        if self.pending.is_some() {
            return Err(FlowError::Busy);
        }
        if let Some(done) = &self.done {
            return Ok(QueryAction::Done(done.clone()));
        }
        if let Some(at) = self.next_at
            && now.unix_millis() < at.unix_millis()
        {
            return Ok(QueryAction::Wait(at));
        }
        let timeout = self.policy.request_timeout;
        let lease = timeout + timeout / 2;
        match self.tokens.grant(now, lease) {
            TokenGrant::Wait => Ok(QueryAction::Wait(now.plus(self.policy.token_wait))),
            TokenGrant::Refresh(http) => {
                self.pending = Some(Pending::Token);
                Ok(QueryAction::Send(FlowRequest {
                    endpoint: Endpoint::Token,
                    http,
                    timeout,
                }))
            }
            TokenGrant::Use(token) => {
                let http = status_request_signed(
                    self.tokens.environment(),
                    &token,
                    &self.order_reference,
                    self.status_signature.as_ref(),
                );
                self.pending = Some(Pending::Status);
                self.used_token = Some(token);
                Ok(QueryAction::Send(FlowRequest {
                    endpoint: Endpoint::Status,
                    http,
                    timeout,
                }))
            }
        }
    }

    /// The answer to the last request sent: its HTTP status, its
    /// `Retry-After` header if any (a 429's or a 503's wait is then at least
    /// that long), and its body.
    pub fn handle_response(
        &mut self,
        now: DateTime,
        status: u16,
        retry_after: Option<&str>,
        body: &[u8],
    ) -> Result<(), FlowError> {
        let pending = self.pending.take().ok_or(FlowError::Idle)?;
        let used = self.used_token.take();
        let retry_after = retry_after.and_then(parse_retry_after);
        match pending {
            Pending::Token => {
                match self
                    .tokens
                    .on_refresh_response(status, body, now, &self.limits)
                {
                    Ok(TokenResponse::Token(_)) => self.next_at = None,
                    Ok(TokenResponse::Rejected(r)) if r.action == NextAction::RetryWithBackoff => {
                        self.retry(now, Ended::Answer(r), retry_after)
                    }
                    // Refused credentials: no answer about the order can come.
                    Ok(TokenResponse::Rejected(r)) => {
                        self.finish(Some(StatusResponse::Rejected(r)), None)
                    }
                    Err(e) => self.retry(now, Ended::Answer(unusable(status, &e)), retry_after),
                }
            }
            Pending::Status => match parse_status_response(status, body, &self.limits) {
                Ok(StatusResponse::Rejected(r)) => self.refused(now, r, used, retry_after),
                Ok(answer) => self.finish(Some(answer), None),
                Err(e) => self.retry(now, Ended::Answer(unusable(status, &e)), retry_after),
            },
        }
        Ok(())
    }

    /// The last request got no HTTP answer.
    pub fn handle_transport_failure(
        &mut self,
        now: DateTime,
        failure: TransportFailure,
    ) -> Result<(), FlowError> {
        let pending = self.pending.take().ok_or(FlowError::Idle)?;
        self.used_token = None;
        if pending == Pending::Token {
            self.tokens.on_refresh_failed();
        }
        self.retry(now, Ended::Failure(failure), None);
        Ok(())
    }

    fn refused(
        &mut self,
        now: DateTime,
        r: Rejection,
        used: Option<AccessToken>,
        retry_after: Option<Duration>,
    ) {
        match r.action {
            NextAction::RefreshTokenAndRetry if !self.retried_401 => {
                if let Some(token) = used {
                    self.tokens.invalidate(&token);
                }
                self.retried_401 = true;
                self.next_at = None;
            }
            NextAction::RetryWithBackoff if self.retries < self.policy.max_retries => {
                self.retries += 1;
                let wait = self.backoff().max(retry_after.unwrap_or_default());
                self.next_at = Some(now.plus(wait));
            }
            _ => self.finish(Some(StatusResponse::Rejected(r)), None),
        }
    }

    /// Another try within the policy; past it, the query ends with the last
    /// answer (as a rejection) or the last failure.
    fn retry(&mut self, now: DateTime, last: Ended, retry_after: Option<Duration>) {
        if self.retries < self.policy.max_retries {
            self.retries += 1;
            let wait = self.backoff().max(retry_after.unwrap_or_default());
            self.next_at = Some(now.plus(wait));
        } else {
            match last {
                Ended::Answer(r) => self.finish(Some(StatusResponse::Rejected(r)), None),
                Ended::Failure(f) => self.finish(None, Some(f)),
            }
        }
    }

    fn backoff(&mut self) -> Duration {
        let random = super::policy::splitmix64(&mut self.rng);
        self.policy.backoff(self.retries, random)
    }

    fn finish(&mut self, response: Option<StatusResponse>, failure: Option<TransportFailure>) {
        self.done = Some(QueryResult {
            response,
            transport_failure: failure,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::Environment;
    use crate::token::Credentials;

    fn query() -> StatusQuery {
        let tokens = Arc::new(SharedTokens::for_credentials(
            Environment::Uat,
            Credentials::new("k", "m", "s").unwrap(),
        ));
        StatusQuery::new(" OR1 ", tokens, RetryPolicy::default(), None, 1).unwrap()
    }

    fn send(q: &mut StatusQuery, now: DateTime) -> Endpoint {
        match q.poll(now).unwrap() {
            QueryAction::Send(r) => r.endpoint,
            other => panic!("{other:?}"),
        }
    }

    const TOKEN: &[u8] = br#"{"accessToken":"eyJ.a.b","expiresIn":900}"#;
    const FOUND: &[u8] = br#"{"status":true,"code":"0","data":{"order":{"orderReference":"OR1","orderAmount":2,"orderStatus":"Pending"}}}"#;
    const EXPIRED: &[u8] =
        br#"{"status":false,"code":401,"message":"Invalid or expired access token"}"#;

    #[test]
    fn a_401_costs_one_new_token_then_the_answer() {
        let mut q = query();
        let t = DateTime::from_unix_millis(1_700_000_000_000);
        assert_eq!(send(&mut q, t), Endpoint::Token);
        q.handle_response(t, 200, None, TOKEN).unwrap();
        assert_eq!(send(&mut q, t), Endpoint::Status);
        q.handle_response(t, 401, None, EXPIRED).unwrap();
        assert_eq!(send(&mut q, t), Endpoint::Token);
        q.handle_response(t, 200, None, TOKEN).unwrap();
        assert_eq!(send(&mut q, t), Endpoint::Status);
        q.handle_response(t, 200, None, FOUND).unwrap();
        let QueryAction::Done(result) = q.poll(t).unwrap() else {
            panic!()
        };
        assert!(matches!(result.response, Some(StatusResponse::Found(_))));
    }

    #[test]
    fn unavailable_is_retried_within_the_policy_then_reported() {
        let mut q = query();
        let mut t = DateTime::from_unix_millis(1_700_000_000_000);
        assert_eq!(send(&mut q, t), Endpoint::Token);
        q.handle_response(t, 200, None, TOKEN).unwrap();
        for _ in 0..=RetryPolicy::default().max_retries {
            loop {
                match q.poll(t).unwrap() {
                    QueryAction::Wait(at) => t = at,
                    QueryAction::Send(r) => {
                        assert_eq!(r.endpoint, Endpoint::Status);
                        break;
                    }
                    QueryAction::Done(d) => panic!("{d:?}"),
                }
            }
            q.handle_transport_failure(t, TransportFailure::Timeout)
                .unwrap();
        }
        let QueryAction::Done(result) = q.poll(t).unwrap() else {
            panic!()
        };
        assert_eq!(result.response, None);
        assert_eq!(result.transport_failure, Some(TransportFailure::Timeout));
        assert_eq!(q.poll(t).unwrap(), QueryAction::Done(result));
        assert_eq!(
            q.handle_transport_failure(t, TransportFailure::Timeout),
            Err(FlowError::Idle)
        );
    }

    #[test]
    fn a_blank_reference_and_a_spinning_policy_are_refused_together() {
        let tokens = Arc::new(SharedTokens::for_credentials(
            Environment::Uat,
            Credentials::new("k", "m", "s").unwrap(),
        ));
        let policy = RetryPolicy {
            first_poll: Duration::ZERO,
            ..RetryPolicy::default()
        };
        let e = StatusQuery::new("  ", tokens.clone(), policy, None, 1).unwrap_err();
        let fields: Vec<_> = e.problems().iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["orderReference", "policy.firstPoll"]);
        let e = StatusQuery::new("OR\n1", tokens, RetryPolicy::default(), None, 1).unwrap_err();
        assert_eq!(e.problems()[0].code.as_str(), "control_character");
    }

    #[test]
    fn a_retry_after_longer_than_the_backoff_is_waited() {
        let mut q = query();
        let t = DateTime::from_unix_millis(1_700_000_000_000);
        assert_eq!(send(&mut q, t), Endpoint::Token);
        q.handle_response(t, 200, None, TOKEN).unwrap();
        assert_eq!(send(&mut q, t), Endpoint::Status);
        let busy = br#"{"status":false,"code":429,"message":"Too many requests"}"#;
        q.handle_response(t, 429, Some("120"), busy).unwrap();
        assert_eq!(
            q.poll(t).unwrap(),
            QueryAction::Wait(t.plus(Duration::from_secs(120)))
        );
    }

    /// Hands `status`/`body` to every request until the query ends.
    fn answer_all(q: &mut StatusQuery, status: u16, body: &[u8]) -> (QueryResult, Vec<Endpoint>) {
        let mut t = DateTime::from_unix_millis(1_700_000_000_000);
        let mut sent = Vec::new();
        loop {
            match q.poll(t).unwrap() {
                QueryAction::Wait(at) => t = at,
                QueryAction::Send(r) => {
                    let answer: &[u8] = if r.endpoint == Endpoint::Token && status < 300 {
                        TOKEN
                    } else {
                        body
                    };
                    sent.push(r.endpoint);
                    q.handle_response(t, status, None, answer).unwrap();
                }
                QueryAction::Done(d) => return (d, sent),
            }
        }
    }

    #[test]
    fn the_token_endpoints_last_refusal_is_the_answer_when_retries_run_out() {
        let mut q = query();
        assert_eq!(q.order_reference(), "OR1");
        let down = br#"{"status":false,"code":503,"message":"Service unavailable"}"#;
        let (result, sent) = answer_all(&mut q, 503, down);
        let tries = RetryPolicy::default().max_retries as usize + 1;
        assert_eq!(sent, vec![Endpoint::Token; tries]);
        let Some(StatusResponse::Rejected(r)) = result.response else {
            panic!("{result:?}")
        };
        assert_eq!(r.http_status, 503);
        assert_eq!(result.transport_failure, None);
    }

    #[test]
    fn an_unreadable_status_body_is_retried_then_reported_as_invalid() {
        let mut q = query();
        let (result, sent) = answer_all(&mut q, 200, b"<html>maintenance</html>");
        let tries = RetryPolicy::default().max_retries as usize + 1;
        assert_eq!(sent.len(), tries + 1, "{sent:?}");
        let Some(StatusResponse::Rejected(r)) = result.response else {
            panic!("{result:?}")
        };
        assert_eq!(r.kind, crate::response::RejectionKind::InvalidResponse);
    }
}
