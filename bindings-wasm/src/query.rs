//! One order status query, for `JengaClient.queryStatus` and for those who
//! own their I/O: the core's sans-IO `StatusQuery` as is (the shared token,
//! one retry after a 401 with a new token, bounded retries with backoff).
//! This file converts `now`, bodies and actions; it decides nothing.

use jenga_stk::{QueryAction, Signature, StatusQuery, StatusResponse, TransportFailure};
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::convert::{error, failure, instant, out, status};
use crate::flow::{SendOut, millis_of, policy};
use crate::functions::rejected;
use crate::tokens::WasmSharedTokens;

/// One status query for an order (the core's `StatusQuery`).
#[wasm_bindgen]
pub struct WasmStatusQuery(StatusQuery);

#[wasm_bindgen]
impl WasmStatusQuery {
    /// A query for `order_reference` with the client's tokens, a policy as
    /// numbers (`retryPolicyDefaults` order), an optional Base64 status
    /// signature, and a seed for the backoff's jitter.
    #[wasm_bindgen(constructor)]
    pub fn new(
        order_reference: &str,
        tokens: &WasmSharedTokens,
        policy_values: &[f64],
        status_signature: Option<String>,
        seed: u64,
    ) -> Result<WasmStatusQuery, JsValue> {
        let status_signature = status_signature
            .map(|s| Signature::from_base64(&s).map_err(error))
            .transpose()?;
        StatusQuery::new(
            order_reference,
            tokens.shared(),
            policy(policy_values)?,
            status_signature,
            seed,
        )
        .map(WasmStatusQuery)
        .map_err(error)
    }

    /// The order reference queried (trimmed): the text a status signature signs.
    #[wasm_bindgen(getter, js_name = orderReference)]
    pub fn order_reference(&self) -> String {
        self.0.order_reference().to_owned()
    }

    /// What to do next at `now`: `{type: "send", endpoint, request,
    /// timeoutMs}`, `{type: "wait", untilMs}` or `{type: "done", response,
    /// transportFailure}` (the answer, or `null` and how the last attempt failed).
    pub fn poll(&mut self, now_ms: f64) -> Result<JsValue, JsValue> {
        match self.0.poll(instant(now_ms, "now")?).map_err(error)? {
            QueryAction::Send(r) => out(&SendOut::of(&r)),
            QueryAction::Wait(until) => out(&WaitOut {
                r#type: "wait",
                until_ms: millis_of(until),
            }),
            QueryAction::Done(result) => {
                let response = match &result.response {
                    None => JsValue::NULL,
                    Some(StatusResponse::Rejected(r)) => rejected(r)?,
                    Some(answer) => out(answer)?,
                };
                let done = out(&DoneOut {
                    r#type: "done",
                    transport_failure: result.transport_failure.map(|f| f.code()),
                })?;
                js_sys::Reflect::set(&done, &JsValue::from_str("response"), &response)?;
                Ok(done)
            }
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
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct WaitOut {
    r#type: &'static str,
    until_ms: f64,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DoneOut {
    r#type: &'static str,
    transport_failure: Option<&'static str>,
}
