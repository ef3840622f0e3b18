//! The flow's transitions: what [`PaymentFlow::poll`] asks for, and how each
//! answer, failure and piece of evidence moves the state. No I/O, no clock:
//! `now` comes in, the randomness comes from the saved seed.

use super::policy::parse_retry_after;
use super::{
    Action, FlowRequest, Outcome, OutcomeKind, PaymentFlow, Pending, Phase, State, TokenGrant,
};
use crate::callback::StkCallback;
use crate::error::{FlowError, ParseError};
use crate::ipn::Ipn;
use crate::reconcile::{Evidence, EvidenceSource, Expected, PaymentState, reconcile};
use crate::response::{
    Endpoint, InitResponse, NextAction, Rejection, RejectionKind, TransportFailure,
    advise_transport_failure, classify_init_response,
};
use crate::status::{StatusResponse, parse_status_response, status_request_signed};
use crate::time::DateTime;
use crate::token::TokenResponse;
use std::time::Duration;

/// "Not found" answers in a row, a moment apart, before a push whose answer
/// was lost is taken as never having reached the provider.
const NOT_FOUND_TO_PUSH_AGAIN: u32 = 2;

impl PaymentFlow {
    /// What to do next at `now`. Call it again after every answer, failure,
    /// callback or IPN handed in, and when a [`Action::Wait`] is over.
    pub fn poll(&mut self, now: DateTime) -> Result<Action, FlowError> {
        if self.state.pending.is_some() {
            return Err(FlowError::Busy);
        }
        let s = &mut self.state;
        let confirming_after_end = s.phase == Phase::Done && s.confirm;
        if s.phase == Phase::Done && !confirming_after_end {
            return Ok(Action::Done(self.state.outcome_now()));
        }
        if !s.confirm && now.unix_millis() < s.next_at.unix_millis() {
            return Ok(Action::Wait(s.next_at));
        }
        // Never push past the deadline: a prompt that late would surprise the
        // customer. (A wait for the outcome ends in `next_poll`, after one
        // last status query.)
        if s.phase == Phase::Starting && now.unix_millis() >= s.deadline.unix_millis() {
            // Only pushes the provider refused, or never got: nothing reached the customer.
            let kind = if s.refused {
                OutcomeKind::Rejected
            } else {
                OutcomeKind::NotSent
            };
            self.finish(kind);
            return Ok(Action::Done(self.state.outcome_now()));
        }
        let purpose = match s.phase {
            Phase::Starting => Pending::Push,
            _ => Pending::Status,
        };
        let policy = s.policy;
        // The refresh is held a little longer than its request may take, so
        // another payment starts a second one only once the first has surely
        // given up.
        let lease = policy.request_timeout + policy.request_timeout / 2;
        match self.context.tokens.grant(now, lease) {
            TokenGrant::Wait => Ok(Action::Wait(now.plus(policy.token_wait))),
            TokenGrant::Refresh(http) => {
                self.state.pending = Some(Pending::Token);
                Ok(Action::Send(FlowRequest {
                    endpoint: Endpoint::Token,
                    http,
                    timeout: policy.request_timeout,
                }))
            }
            TokenGrant::Use(token) => {
                let environment = self.context.tokens.environment().clone();
                let http = match purpose {
                    Pending::Push => {
                        self.prepare_push();
                        self.state.push.http_request(&environment, &token)
                    }
                    _ => {
                        self.state.confirm = false;
                        // Signed elsewhere (or not at all): nothing can fail here.
                        status_request_signed(
                            &environment,
                            &token,
                            self.order_reference(),
                            self.state.status_signature.as_ref(),
                        )
                    }
                };
                self.state.pending = Some(purpose);
                self.used_token = Some(token);
                Ok(Action::Send(FlowRequest {
                    endpoint: match purpose {
                        Pending::Push => Endpoint::Init,
                        _ => Endpoint::Status,
                    },
                    http,
                    timeout: policy.request_timeout,
                }))
            }
        }
    }

    /// The answer to the request of the last [`Action::Send`]: its HTTP
    /// status, its `Retry-After` header if any, and its body.
    pub fn handle_response(
        &mut self,
        now: DateTime,
        status: u16,
        retry_after: Option<&str>,
        body: &[u8],
    ) -> Result<(), FlowError> {
        let pending = self.state.pending.take().ok_or(FlowError::Idle)?;
        let used = self.used_token.take();
        let retry_after = retry_after.and_then(parse_retry_after);
        if self.state.phase == Phase::Done && pending == Pending::Push {
            // Ended while the push was in flight (a successful IPN came
            // first): its answer only informs; it moves nothing.
            if let InitResponse::Accepted(accepted) =
                classify_init_response(status, body, &self.context.limits)
            {
                self.state.accepted = Some(accepted);
            }
            return Ok(());
        }
        match pending {
            Pending::Token => {
                let answer = self.context.tokens.on_refresh_response(
                    status,
                    body,
                    now,
                    &self.context.limits,
                );
                match answer {
                    Ok(TokenResponse::Token(_)) => {
                        self.state.token_retries = 0;
                        self.state.next_at = now;
                    }
                    Ok(TokenResponse::Rejected(r)) => self.token_failed(now, Some(r), retry_after),
                    Err(e) => self.token_failed(now, Some(unusable(status, &e)), None),
                }
            }
            Pending::Push => match classify_init_response(status, body, &self.context.limits) {
                InitResponse::Accepted(accepted) => {
                    let s = &mut self.state;
                    s.accepted = Some(accepted);
                    s.phase = Phase::Waiting;
                    s.retries = 0;
                    s.retried_401 = false;
                    s.polls = 0;
                    s.next_at = s.capped(now.plus(s.policy.first_poll));
                }
                InitResponse::Rejected(r) => self.push_refused(now, r, used, retry_after),
            },
            Pending::Status => match parse_status_response(status, body, &self.context.limits) {
                Ok(StatusResponse::Found(order)) => {
                    let text = String::from_utf8_lossy(body).into_owned();
                    self.status_found(now, order, text);
                }
                Ok(StatusResponse::NotFound { .. }) => self.status_not_found(now),
                Ok(StatusResponse::Rejected(r)) => {
                    if r.action == NextAction::RefreshTokenAndRetry && !self.state.retried_401 {
                        self.retry_after_401(now, used);
                        self.state.last_rejection = Some(r);
                        self.state.confirm = true;
                    } else {
                        let retryable = r.action == NextAction::RetryWithBackoff;
                        self.state.last_rejection = Some(r);
                        self.status_failed(now, retryable, retry_after);
                    }
                }
                Err(e) => {
                    self.state.last_rejection = Some(unusable(status, &e));
                    self.status_failed(now, true, None);
                }
            },
        }
        Ok(())
    }

    /// The request of the last [`Action::Send`] got no HTTP answer.
    pub fn handle_transport_failure(
        &mut self,
        now: DateTime,
        failure: TransportFailure,
    ) -> Result<(), FlowError> {
        let pending = self.state.pending.take().ok_or(FlowError::Idle)?;
        self.used_token = None;
        if pending == Pending::Token {
            self.context.tokens.on_refresh_failed();
        }
        if self.state.phase == Phase::Done && pending != Pending::Status {
            // Ended while the request was in flight: nothing to retry or ask.
            return Ok(());
        }
        self.state.last_failure = Some(failure);
        match pending {
            Pending::Token => self.token_failed(now, None, None),
            Pending::Push => match advise_transport_failure(Endpoint::Init, failure) {
                NextAction::CheckStatusFirst => self.confirm_push(now),
                // Nothing was sent: send the same push again, a bounded number of times.
                _ => {
                    let s = &mut self.state;
                    if s.retries < s.policy.max_retries {
                        s.retries += 1;
                        let wait = s.backoff(s.retries);
                        s.next_at = now.plus(wait);
                    } else {
                        self.finish(OutcomeKind::NotSent);
                    }
                }
            },
            Pending::Status => self.status_failed(now, true, None),
        }
        Ok(())
    }

    /// A callback to `payment.callbackUrl`, already authenticated with
    /// [`CallbackUrls::verify_callback`](crate::CallbackUrls::verify_callback).
    /// It is unsigned and decides nothing alone: a status query confirms it.
    pub fn handle_callback(&mut self, callback: StkCallback) -> Result<(), FlowError> {
        let s = &mut self.state;
        if !s
            .payment_references
            .contains(&callback.transaction_reference)
        {
            return Err(FlowError::NotThisPayment);
        }
        if !s.callbacks.contains(&callback) {
            s.callbacks.push(callback);
            s.status_fresh = false;
        }
        self.evaluate();
        Ok(())
    }

    /// An IPN for this order, already authenticated with
    /// [`IpnAuth::verify`](crate::IpnAuth::verify). A successful one decides
    /// at once; redeliveries change nothing.
    pub fn handle_ipn(&mut self, ipn: Ipn) -> Result<(), FlowError> {
        let s = &mut self.state;
        if ipn.order_reference() != Some(s.push.push().order_reference()) {
            return Err(FlowError::NotThisPayment);
        }
        let seen = s.ipns.iter().any(|i| {
            i.dedupe_key() == ipn.dedupe_key() && i.transaction.status == ipn.transaction.status
        });
        if !seen {
            s.ipns.push(ipn);
            s.status_fresh = false;
        }
        self.evaluate();
        Ok(())
    }

    // ------------------------------------------------------------ the push

    /// Before sending a push: a new payment reference (and callback URL)
    /// when the last push was refused or never reached the provider.
    fn prepare_push(&mut self) {
        if !self.state.new_reference {
            return;
        }
        self.state.new_reference = false;
        let reference = self.state.next_payment_reference();
        let current = self.state.push.push().callback_url().to_owned();
        let url = self
            .context
            .callback_urls
            .as_ref()
            .and_then(|urls| urls.for_payment_reference(&current, &reference))
            .unwrap_or(current);
        // The reference is made of ASCII letters and digits within the
        // length limit, and the URL was valid, so this cannot fail; if it
        // did, the old push is sent again rather than nothing.
        if let Ok(push) = self.state.push.with_payment_reference(&reference, &url) {
            self.state.push = push;
            self.state.pushes += 1;
            self.state.payment_references.push(reference);
        }
    }

    fn push_refused(
        &mut self,
        now: DateTime,
        r: Rejection,
        used: Option<crate::token::AccessToken>,
        retry_after: Option<Duration>,
    ) {
        let action = r.action;
        self.state.last_rejection = Some(r);
        if action != NextAction::CheckStatusFirst && action != NextAction::RefreshTokenAndRetry {
            self.state.refused = true;
        }
        match action {
            NextAction::RefreshTokenAndRetry if !self.state.retried_401 => {
                // Refused before processing: the same push, with a new token.
                self.retry_after_401(now, used);
            }
            NextAction::RetryWithBackoff if self.state.pushes < self.state.policy.max_pushes => {
                let s = &mut self.state;
                s.new_reference = true;
                s.retried_401 = false;
                let wait = s.backoff(s.pushes).max(retry_after.unwrap_or_default());
                s.next_at = now.plus(wait);
            }
            NextAction::CheckStatusFirst => self.confirm_push(now),
            _ => self.finish(OutcomeKind::Rejected),
        }
    }

    /// The push may have reached the provider: ask about the order first.
    fn confirm_push(&mut self, now: DateTime) {
        let s = &mut self.state;
        s.phase = Phase::Confirming;
        s.retries = 0;
        s.retried_401 = false;
        s.not_found = 0;
        s.next_at = now.plus(s.policy.confirm_delay);
    }

    fn retry_after_401(&mut self, now: DateTime, used: Option<crate::token::AccessToken>) {
        if let Some(token) = used {
            self.context.tokens.invalidate(&token);
        }
        self.state.retried_401 = true;
        self.state.next_at = now;
    }

    // ------------------------------------------------------------ the token

    fn token_failed(
        &mut self,
        now: DateTime,
        rejection: Option<Rejection>,
        retry_after: Option<Duration>,
    ) {
        let retryable = rejection
            .as_ref()
            .is_none_or(|r| r.action == NextAction::RetryWithBackoff);
        let refusal = rejection.is_some() && !retryable;
        if let Some(r) = rejection {
            self.state.last_rejection = Some(r);
        }
        let s = &mut self.state;
        if retryable && s.token_retries < s.policy.max_retries {
            s.token_retries += 1;
            let wait = s
                .backoff(s.token_retries)
                .max(retry_after.unwrap_or_default());
            s.next_at = now.plus(wait);
            return;
        }
        s.token_retries = 0;
        match s.phase {
            Phase::Starting if refusal => self.finish(OutcomeKind::Rejected),
            Phase::Starting => self.finish(OutcomeKind::NotSent),
            Phase::Confirming => self.finish(OutcomeKind::Undecided),
            Phase::Waiting => self.next_poll(now),
            Phase::Done => s.confirm = false,
        }
    }

    // ------------------------------------------------------------ the status query

    fn status_found(&mut self, now: DateTime, order: crate::status::OrderStatus, body: String) {
        let s = &mut self.state;
        s.status = Some((order, body));
        s.status_fresh = true;
        s.retries = 0;
        s.retried_401 = false;
        s.not_found = 0;
        if s.phase == Phase::Confirming {
            // The provider has the push: from now on, wait for the customer.
            s.phase = Phase::Waiting;
            s.polls = 0;
        }
        self.evaluate();
        if self.state.phase == Phase::Waiting {
            self.next_poll(now);
        }
    }

    fn status_not_found(&mut self, now: DateTime) {
        let s = &mut self.state;
        s.retried_401 = false;
        match s.phase {
            Phase::Confirming => {
                s.not_found += 1;
                if s.not_found < NOT_FOUND_TO_PUSH_AGAIN {
                    s.next_at = now.plus(s.policy.confirm_delay);
                } else if s.pushes < s.policy.max_pushes {
                    // Twice unknown, a moment apart: the push never arrived.
                    s.phase = Phase::Starting;
                    s.new_reference = true;
                    s.retries = 0;
                    s.next_at = now;
                } else {
                    self.finish(OutcomeKind::NotSent);
                }
            }
            // Accepted, but not known yet: the provider lags; keep asking.
            Phase::Waiting => self.next_poll(now),
            Phase::Starting | Phase::Done => s.confirm = false,
        }
    }

    fn status_failed(&mut self, now: DateTime, retryable: bool, retry_after: Option<Duration>) {
        let s = &mut self.state;
        match s.phase {
            Phase::Confirming if retryable && s.retries < s.policy.max_retries => {
                s.retries += 1;
                let wait = s.backoff(s.retries).max(retry_after.unwrap_or_default());
                s.next_at = now.plus(wait);
            }
            // Never push again without the provider's word: undecided.
            Phase::Confirming => self.finish(OutcomeKind::Undecided),
            Phase::Waiting if retryable => self.next_poll(now),
            Phase::Waiting => self.finish(OutcomeKind::Undecided),
            Phase::Starting | Phase::Done => s.confirm = false,
        }
    }

    /// Schedules the next status query while waiting, or ends undecided at
    /// the deadline.
    fn next_poll(&mut self, now: DateTime) {
        let s = &mut self.state;
        if now.unix_millis() >= s.deadline.unix_millis() {
            self.finish(OutcomeKind::Undecided);
            return;
        }
        let wait = s.policy.poll_interval(s.polls);
        s.polls += 1;
        s.next_at = s.capped(now.plus(wait));
    }

    // ------------------------------------------------------------ deciding

    /// Decides on the evidence held: a confirmed payment ends the flow at
    /// once (whatever it was); a failure ends it when it cannot be another
    /// attempt's; an unconfirmed one asks for a status query.
    fn evaluate(&mut self) {
        let r = self.state.reconciliation();
        let s = &mut self.state;
        if s.ended == Some(OutcomeKind::Paid) {
            return;
        }
        if r.state == PaymentState::Paid && r.confirmed {
            self.finish(OutcomeKind::Paid);
            return;
        }
        let status_says_failed = s
            .status
            .as_ref()
            .is_some_and(|(order, _)| s.status_only(order) == PaymentState::Failed);
        if r.state == PaymentState::Failed && r.confirmed {
            let single_attempt = s.pushes == 1 && r.decided_by == Some(EvidenceSource::Ipn);
            if status_says_failed || single_attempt {
                if s.ended.is_none() || s.ended == Some(OutcomeKind::Undecided) {
                    self.finish(OutcomeKind::Failed);
                }
                return;
            }
        }
        if r.state != PaymentState::Pending && !s.status_fresh && s.phase != Phase::Starting {
            s.confirm = true;
        }
    }

    /// Ends the flow with `kind`; a payment, once decided paid, stays paid,
    /// and a failure is only ever replaced by a payment.
    fn finish(&mut self, kind: OutcomeKind) {
        let s = &mut self.state;
        s.phase = Phase::Done;
        s.confirm = false;
        let keep = match s.ended {
            Some(OutcomeKind::Paid) => kind != OutcomeKind::Paid,
            Some(OutcomeKind::Failed) => !matches!(kind, OutcomeKind::Paid | OutcomeKind::Failed),
            _ => false,
        };
        if !keep {
            s.ended = Some(kind);
        }
    }
}

impl State {
    /// The next pseudo-random number (splitmix64 over the saved seed).
    pub(crate) fn random(&mut self) -> u64 {
        super::policy::splitmix64(&mut self.rng)
    }

    fn backoff(&mut self, retry: u32) -> Duration {
        let random = self.random();
        self.policy.backoff(retry, random)
    }

    /// No later than the deadline (the last status query happens at it).
    fn capped(&self, at: DateTime) -> DateTime {
        if at.unix_millis() > self.deadline.unix_millis() {
            self.deadline
        } else {
            at
        }
    }

    /// A new payment reference: the first one's start, `R`, the attempt
    /// number and four random letters or digits, within the length limit.
    fn next_payment_reference(&mut self) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        let mut suffix = format!("R{}", self.pushes + 1);
        let mut random = self.random();
        for _ in 0..4 {
            suffix.push(char::from(ALPHABET[(random % 32) as usize]));
            random /= 32;
        }
        let first = self.payment_references.first().map_or("", String::as_str);
        let room = self
            .push
            .push()
            .options()
            .max_reference_len
            .saturating_sub(suffix.len());
        let prefix: String = first.chars().take(room).collect();
        format!("{prefix}{suffix}")
    }

    fn expected(&self) -> Expected {
        let push = self.push.push();
        Expected {
            order_reference: push.order_reference().to_owned(),
            amount: Some(push.payment_amount()),
            currency: Some(push.currency().to_owned()),
        }
    }

    pub(crate) fn reconciliation(&self) -> crate::reconcile::Reconciliation {
        // The callbacks of every attempt: a paid one wins, otherwise the last.
        let callback = self
            .callbacks
            .iter()
            .find(|c| c.result_code == 0)
            .or(self.callbacks.last());
        reconcile(
            &self.expected(),
            &Evidence {
                callback,
                ipns: &self.ipns,
                status: self.status.as_ref().map(|(order, _)| order),
            },
        )
    }

    fn status_only(&self, order: &crate::status::OrderStatus) -> PaymentState {
        reconcile(
            &self.expected(),
            &Evidence {
                callback: None,
                ipns: &[],
                status: Some(order),
            },
        )
        .state
    }

    pub(crate) fn outcome(&self, kind: OutcomeKind) -> Outcome {
        Outcome {
            kind,
            reconciliation: self.reconciliation(),
            rejection: self.last_rejection.clone(),
            transport_failure: self.last_failure,
            payment_references: self.payment_references.clone(),
        }
    }

    fn outcome_now(&self) -> Outcome {
        self.outcome(self.ended.unwrap_or(OutcomeKind::Undecided))
    }
}

/// An answer whose deciding part was malformed, as a rejection to retry.
pub(super) fn unusable(status: u16, e: &ParseError) -> Rejection {
    Rejection {
        http_status: status,
        provider_code: None,
        message: Some(e.to_string()),
        error_code: Some(e.code().to_owned()),
        kind: RejectionKind::InvalidResponse,
        action: NextAction::RetryWithBackoff,
        body_excerpt: None,
    }
}
