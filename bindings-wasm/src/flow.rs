//! The payment flow for the package's `PaymentFlow` and `JengaClient`: the
//! core's sans-IO `PaymentFlow` wrapped as is. Every decision (retries,
//! backoff, when to ask about the order, the outcome) is the core's; this file
//! converts `now`, bodies and actions, and nothing else.

use jenga_stk::{
    Action, FlowContext, FlowRequest, InitResponse, Limits, PaymentFlow, RequestOptions,
    RetryPolicy, Signature, StkPush, TransportFailure, parse_callback, parse_ipn,
};
use serde::Serialize;
use std::time::Duration;
use wasm_bindgen::prelude::*;

use crate::classes::WasmCallbackUrls;
use crate::convert::{error, failure, instant, out, status};
use crate::functions::HttpOut;
use crate::tokens::WasmSharedTokens;

/// The policy's fields, in the order `retryPolicyDefaults` returns them and
/// `WasmPaymentFlow::new` takes them (the names of the saved flow's `policy`).
const POLICY_FIELDS: [&str; 10] = [
    "maxPushes",
    "maxRetries",
    "initialBackoffMs",
    "maxBackoffMs",
    "confirmDelayMs",
    "firstPollMs",
    "maxPollIntervalMs",
    "timeoutMs",
    "requestTimeoutMs",
    "tokenWaitMs",
];

/// The longest duration a policy field may hold: one year (a deadline stays
/// within what a JavaScript `Date` can show).
const MAX_POLICY_MS: f64 = 365.0 * 24.0 * 3600.0 * 1000.0;

fn ms(d: Duration) -> f64 {
    // Policy durations are at most a year: exact in an f64.
    #[allow(clippy::cast_precision_loss)]
    let v = d.as_millis() as f64;
    v
}

/// The core's default policy, as numbers in the order of `POLICY_FIELDS`.
#[wasm_bindgen(js_name = retryPolicyDefaults)]
pub fn retry_policy_defaults() -> Vec<f64> {
    let p = RetryPolicy::default();
    vec![
        f64::from(p.max_pushes),
        f64::from(p.max_retries),
        ms(p.initial_backoff),
        ms(p.max_backoff),
        ms(p.confirm_delay),
        ms(p.first_poll),
        ms(p.max_poll_interval),
        ms(p.timeout),
        ms(p.request_timeout),
        ms(p.token_wait),
    ]
}

/// Checks a policy given as numbers in the order of `POLICY_FIELDS`.
#[wasm_bindgen(js_name = checkRetryPolicy)]
pub fn check_retry_policy(values: &[f64]) -> Result<(), JsValue> {
    policy(values).map(|_| ())
}

#[inline(never)]
pub(crate) fn policy(values: &[f64]) -> Result<RetryPolicy, JsValue> {
    if values.len() != POLICY_FIELDS.len() {
        return Err(failure(
            "invalid_type",
            Some("policy"),
            "policy must have every field",
        ));
    }
    let mut n = [0u64; 10];
    for (i, (&v, name)) in values.iter().zip(POLICY_FIELDS).enumerate() {
        let max = if i < 2 {
            f64::from(u32::MAX)
        } else {
            MAX_POLICY_MS
        };
        if !v.is_finite() || v.fract() != 0.0 || !(0.0..=max).contains(&v) {
            let message = if i < 2 {
                format!("policy.{name} must be a whole number from 0 to 4294967295")
            } else {
                format!("policy.{name} must be whole milliseconds from 0 to one year")
            };
            return Err(failure(
                "invalid_option",
                Some(&format!("policy.{name}")),
                &message,
            ));
        }
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        {
            n[i] = v as u64;
        }
    }
    let count = |v: u64| u32::try_from(v).unwrap_or(u32::MAX);
    let policy = RetryPolicy {
        max_pushes: count(n[0]),
        max_retries: count(n[1]),
        initial_backoff: Duration::from_millis(n[2]),
        max_backoff: Duration::from_millis(n[3]),
        confirm_delay: Duration::from_millis(n[4]),
        first_poll: Duration::from_millis(n[5]),
        max_poll_interval: Duration::from_millis(n[6]),
        timeout: Duration::from_millis(n[7]),
        request_timeout: Duration::from_millis(n[8]),
        token_wait: Duration::from_millis(n[9]),
    };
    // The core refuses a policy that would spin (a zero first poll, …): every problem at once.
    policy.validate().map_err(error)?;
    Ok(policy)
}

/// What a flow needs besides its push (given again when a saved flow is
/// restored): the shared tokens, and the callback secret if pushes carry
/// callback URLs made with it.
#[wasm_bindgen]
pub struct WasmFlowContext(FlowContext);

#[wasm_bindgen]
impl WasmFlowContext {
    /// A context with these tokens, no callback secret, default limits.
    #[wasm_bindgen(constructor)]
    pub fn new(tokens: &WasmSharedTokens) -> WasmFlowContext {
        WasmFlowContext(FlowContext::new(tokens.shared()))
    }

    /// Adds the callback secret (a copy of `urls`).
    #[wasm_bindgen(js_name = setCallbackUrls)]
    pub fn set_callback_urls(&mut self, urls: &WasmCallbackUrls) {
        self.0.callback_urls = Some(urls.urls());
    }
}

#[allow(clippy::cast_precision_loss)]
pub(crate) fn millis_of(t: jenga_stk::DateTime) -> f64 {
    t.unix_millis() as f64
}

/// `{type: "send", endpoint, request, timeoutMs}`: a request to send (the
/// flow's and the status query's).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SendOut<'a> {
    r#type: &'static str,
    endpoint: &'static str,
    request: HttpOut<'a>,
    timeout_ms: f64,
}

impl<'a> SendOut<'a> {
    pub(crate) fn of(r: &'a FlowRequest) -> SendOut<'a> {
        SendOut {
            r#type: "send",
            endpoint: r.endpoint.code(),
            request: HttpOut::of(&r.http),
            timeout_ms: ms(r.timeout),
        }
    }
}

/// `{type: "wait", untilMs}` or `{type: "done", outcome}`.
#[derive(Serialize)]
#[serde(tag = "type", rename_all = "camelCase")]
enum ActionOut<'a> {
    #[serde(rename = "wait", rename_all = "camelCase")]
    Wait { until_ms: f64 },
    #[serde(rename = "done")]
    Done { outcome: &'a jenga_stk::Outcome },
}

/// One STK push, from the token to its outcome (the core's `PaymentFlow`).
#[wasm_bindgen]
pub struct WasmPaymentFlow(PaymentFlow);

#[wasm_bindgen]
impl WasmPaymentFlow {
    /// A flow for the signed push (`request_json` and `options_json` as
    /// `StkPush` was built from, `signature` its Base64 signature).
    #[wasm_bindgen(constructor)]
    // The core's `PaymentFlow::new` arguments, with the push as its three texts.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        request_json: &str,
        options_json: &str,
        signature: &str,
        context: &WasmFlowContext,
        policy_values: &[f64],
        status_signature: Option<String>,
        seed: u64,
        now_ms: f64,
    ) -> Result<WasmPaymentFlow, JsValue> {
        let options = RequestOptions::from_json(options_json.as_bytes()).map_err(error)?;
        let push = StkPush::from_json(request_json.as_bytes(), &options)
            .map_err(error)?
            .with_signature_base64(signature)
            .map_err(error)?;
        let status_signature = status_signature
            .map(|s| Signature::from_base64(&s).map_err(error))
            .transpose()?;
        Ok(WasmPaymentFlow(PaymentFlow::new(
            push,
            context.0.clone(),
            policy(policy_values)?,
            status_signature,
            seed,
            instant(now_ms, "now")?,
        )))
    }

    /// Restores a flow saved by `toJson`, with its context given again.
    #[wasm_bindgen(js_name = fromJson)]
    pub fn from_json(json: &[u8], context: &WasmFlowContext) -> Result<WasmPaymentFlow, JsValue> {
        PaymentFlow::from_json(json, context.0.clone())
            .map(WasmPaymentFlow)
            .map_err(error)
    }

    /// What to do next at `now`.
    pub fn poll(&mut self, now_ms: f64) -> Result<JsValue, JsValue> {
        let action = self.0.poll(instant(now_ms, "now")?).map_err(error)?;
        match &action {
            Action::Send(r) => out(&SendOut::of(r)),
            Action::Wait(until) => out(&ActionOut::Wait {
                until_ms: millis_of(*until),
            }),
            Action::Done(outcome) => out(&ActionOut::Done { outcome }),
        }
    }

    /// The answer to the last request sent: status, `Retry-After`, body.
    #[wasm_bindgen(js_name = handleResponse)]
    pub fn handle_response(
        &mut self,
        now_ms: f64,
        code: u32,
        retry_after: Option<String>,
        body: &[u8],
    ) -> Result<(), JsValue> {
        let now = instant(now_ms, "now")?;
        self.0
            .handle_response(now, status(code)?, retry_after.as_deref(), body)
            .map_err(error)
    }

    /// The last request sent got no answer: `connect_failed`, `timeout` or `connection_lost`.
    #[wasm_bindgen(js_name = handleTransportFailure)]
    pub fn handle_transport_failure(&mut self, now_ms: f64, code: &str) -> Result<(), JsValue> {
        let now = instant(now_ms, "now")?;
        let failure_kind = TransportFailure::from_code(code).ok_or_else(|| {
            let message = r#"failure must be "connect_failed", "timeout" or "connection_lost""#;
            failure("invalid_type", Some("failure"), message)
        })?;
        self.0
            .handle_transport_failure(now, failure_kind)
            .map_err(error)
    }

    /// An authenticated callback's body.
    #[wasm_bindgen(js_name = handleCallback)]
    pub fn handle_callback(&mut self, body: &[u8]) -> Result<(), JsValue> {
        let callback = parse_callback(body, &Limits::default()).map_err(error)?;
        self.0.handle_callback(callback).map_err(error)
    }

    /// An authenticated IPN's body.
    #[wasm_bindgen(js_name = handleIpn)]
    pub fn handle_ipn(&mut self, body: &[u8]) -> Result<(), JsValue> {
        let ipn = parse_ipn(body, &Limits::default()).map_err(error)?;
        self.0.handle_ipn(ipn).map_err(error)
    }

    /// Asks for a status query at the next poll.
    #[wasm_bindgen(js_name = checkStatus)]
    pub fn check_status(&mut self) {
        self.0.check_status();
    }

    /// The outcome once ended, else `null`.
    pub fn outcome(&self) -> Result<JsValue, JsValue> {
        out(&self.0.outcome())
    }

    /// `starting`, `confirming`, `waiting` or `done`.
    pub fn phase(&self) -> String {
        self.0.phase().code().to_owned()
    }

    /// The provider's acceptance (`{type: "accepted", …}`), else `null`.
    pub fn accepted(&self) -> Result<JsValue, JsValue> {
        out(&self.0.accepted().cloned().map(InitResponse::Accepted))
    }

    /// Whether the provider is known to have the push.
    #[wasm_bindgen(js_name = pushKnown)]
    pub fn push_known(&self) -> bool {
        self.0.push_known()
    }

    /// The order reference.
    #[wasm_bindgen(js_name = orderReference)]
    pub fn order_reference(&self) -> String {
        self.0.order_reference().to_owned()
    }

    /// The latest push's payment reference.
    #[wasm_bindgen(js_name = paymentReference)]
    pub fn payment_reference(&self) -> String {
        self.0.payment_reference().to_owned()
    }

    /// Every payment reference pushed, the first one first.
    #[wasm_bindgen(js_name = paymentReferences)]
    pub fn payment_references(&self) -> Vec<String> {
        self.0.payment_references().to_vec()
    }

    /// The deadline, in epoch milliseconds.
    pub fn deadline(&self) -> f64 {
        millis_of(self.0.deadline())
    }

    /// The saved state (versioned JSON, no secrets).
    #[wasm_bindgen(js_name = toJson)]
    pub fn to_json(&self) -> String {
        self.0.to_json()
    }
}
