//! Stateless functions: requests, responses, callbacks, IPN, reconciliation.

use jenga_stk::{
    AccessToken, Amount, CallbackUrls, Endpoint, Evidence, Expected, Limits, RequestOptions,
    Signature, StatusResponse, StatusSignature, StkPush, TransportFailure,
    advise_transport_failure, classify_init_response, order_status_request, parse_callback,
    parse_ipn, parse_status_response, parse_token_response, reconcile,
};
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::convert::{environment, error, failure, instant, out, status};

fn options(options_json: &str) -> Result<RequestOptions, JsValue> {
    RequestOptions::from_json(options_json.as_bytes()).map_err(error)
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PushOut<'a> {
    body: &'a str,
    signing_string: &'a str,
    order_reference: &'a str,
    payment_reference: &'a str,
    order_amount: Amount,
    payment_amount: Amount,
    currency: &'a str,
    msisdn: &'a str,
    callback_url: &'a str,
}

fn push_out(push: &StkPush) -> Result<JsValue, JsValue> {
    out(&PushOut {
        body: std::str::from_utf8(push.body()).unwrap_or_default(),
        signing_string: push.signing_string(),
        order_reference: push.order_reference(),
        payment_reference: push.payment_reference(),
        order_amount: push.order_amount(),
        payment_amount: push.payment_amount(),
        currency: push.currency(),
        msisdn: push.msisdn(),
        callback_url: push.callback_url(),
    })
}

/// Validates the request (provider-shaped JSON text) and returns its body and signing string.
#[wasm_bindgen(js_name = buildStkPush)]
pub fn build_stk_push(request_json: &str, options_json: &str) -> Result<JsValue, JsValue> {
    let push =
        StkPush::from_json(request_json.as_bytes(), &options(options_json)?).map_err(error)?;
    push_out(&push)
}

/// An HTTP request as `{method, url, headers, body}` (JavaScript makes an `HttpRequest`).
#[derive(Serialize)]
pub(crate) struct HttpOut<'a> {
    method: &'a str,
    url: &'a str,
    headers: &'a [(String, String)],
    body: String,
}

impl HttpOut<'_> {
    pub(crate) fn of(r: &jenga_stk::HttpRequest) -> HttpOut<'_> {
        HttpOut {
            method: r.method.as_str(),
            url: &r.url,
            headers: &r.headers,
            body: String::from_utf8_lossy(&r.body).into_owned(),
        }
    }
}

fn http_out(r: &jenga_stk::HttpRequest) -> Result<JsValue, JsValue> {
    out(&HttpOut::of(r))
}

/// The complete HTTP request for a request and a Base64 signature made by any signer.
#[wasm_bindgen(js_name = stkPushHttpRequest)]
pub fn stk_push_http_request(
    request_json: &str,
    options_json: &str,
    environment_text: &str,
    access_token: &str,
    signature_base64: &str,
) -> Result<JsValue, JsValue> {
    let push =
        StkPush::from_json(request_json.as_bytes(), &options(options_json)?).map_err(error)?;
    let env = environment(environment_text)?;
    let token = AccessToken::new(access_token).map_err(error)?;
    let signed = push
        .with_signature_base64(signature_base64)
        .map_err(error)?;
    http_out(&signed.http_request(&env, &token))
}

/// Checks Base64 signature text (bring your own signature).
#[wasm_bindgen(js_name = checkSignature)]
pub fn check_signature(signature_base64: &str) -> Result<(), JsValue> {
    Signature::from_base64(signature_base64)
        .map(|_| ())
        .map_err(error)
}

/// The token request.
#[wasm_bindgen(js_name = tokenRequest)]
pub fn token_request(
    environment_text: &str,
    api_key: &str,
    merchant_code: &str,
    consumer_secret: &str,
) -> Result<JsValue, JsValue> {
    let creds =
        jenga_stk::Credentials::new(api_key, merchant_code, consumer_secret).map_err(error)?;
    http_out(&creds.token_request(&environment(environment_text)?))
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TokenOut<'a> {
    r#type: &'static str,
    access_token: &'a str,
    token_type: &'a str,
    issued_at: Option<jenga_stk::DateTime>,
    provider_expires_at: Option<jenga_stk::DateTime>,
    lifetime: jenga_stk::TokenLifetime,
    expires_at: jenga_stk::DateTime,
    expires_at_ms: i64,
}

pub(crate) fn token_out(t: &jenga_stk::Token) -> Result<JsValue, JsValue> {
    out(&TokenOut {
        r#type: "token",
        access_token: t.access_token().expose(),
        token_type: t.token_type(),
        issued_at: t.issued_at(),
        provider_expires_at: t.provider_expires_at(),
        lifetime: t.lifetime(),
        expires_at: t.expires_at(),
        expires_at_ms: t.expires_at().unix_millis(),
    })
}

/// Parses the token response received at `now_ms`.
#[wasm_bindgen(js_name = parseTokenResponse)]
pub fn parse_token_response_js(code: u32, body: &[u8], now_ms: f64) -> Result<JsValue, JsValue> {
    let now = instant(now_ms, "now")?;
    match parse_token_response(status(code)?, body, now, &Limits::default()).map_err(error)? {
        jenga_stk::TokenResponse::Token(t) => token_out(&t),
        jenga_stk::TokenResponse::Rejected(r) => rejected(&r),
    }
}

pub(crate) fn rejected(r: &jenga_stk::Rejection) -> Result<JsValue, JsValue> {
    #[derive(Serialize)]
    struct Tagged<'a> {
        r#type: &'static str,
        #[serde(flatten)]
        rejection: &'a jenga_stk::Rejection,
        hint: &'static str,
    }
    out(&Tagged {
        r#type: "rejected",
        rejection: r,
        hint: r.hint(),
    })
}

/// Classifies the answer to the STK push initiation. Every body classifies
/// (the core is infallible); only a status outside 100-599 is an error.
#[wasm_bindgen(js_name = classifyInitResponse)]
pub fn classify_init_response_js(code: u32, body: &[u8]) -> Result<JsValue, JsValue> {
    match classify_init_response(status(code)?, body, &Limits::default()) {
        jenga_stk::InitResponse::Rejected(r) => rejected(&r),
        accepted => out(&accepted),
    }
}

/// What to do when no HTTP answer came: `endpoint` is `token`, `init` or
/// `status`; `failure` is `connect_failed`, `timeout` or `connection_lost`.
/// Returns the action's code (`check_status_first` or `retry_with_backoff`).
#[wasm_bindgen(js_name = adviseTransportFailure)]
pub fn advise_transport_failure_js(endpoint: &str, failure_code: &str) -> Result<String, JsValue> {
    let endpoint = Endpoint::from_code(endpoint).ok_or_else(|| {
        let message = r#"endpoint must be "token", "init" or "status""#;
        failure("invalid_type", Some("endpoint"), message)
    })?;
    let transport = TransportFailure::from_code(failure_code).ok_or_else(|| {
        let message = r#"failure must be "connect_failed", "timeout" or "connection_lost""#;
        failure("invalid_type", Some("failure"), message)
    })?;
    Ok(advise_transport_failure(endpoint, transport)
        .code()
        .to_owned())
}

/// The order status query; `signature_base64` (of the order reference) is optional.
#[wasm_bindgen(js_name = orderStatusRequest)]
pub fn order_status_request_js(
    environment_text: &str,
    access_token: &str,
    order_reference: &str,
    signature_base64: Option<String>,
) -> Result<JsValue, JsValue> {
    let env = environment(environment_text)?;
    let token = AccessToken::new(access_token).map_err(error)?;
    let signature = match signature_base64 {
        None => StatusSignature::None,
        Some(b64) => StatusSignature::Provided(Signature::from_base64(&b64).map_err(error)?),
    };
    let request = order_status_request(&env, &token, order_reference, signature).map_err(error)?;
    http_out(&request)
}

/// Parses the order status query's answer.
#[wasm_bindgen(js_name = parseStatusResponse)]
pub fn parse_status_response_js(code: u32, body: &[u8]) -> Result<JsValue, JsValue> {
    match parse_status_response(status(code)?, body, &Limits::default()).map_err(error)? {
        StatusResponse::Rejected(r) => rejected(&r),
        other => out(&other),
    }
}

/// Parses the callback posted to `callbackUrl`.
#[wasm_bindgen(js_name = parseCallback)]
pub fn parse_callback_js(body: &[u8]) -> Result<JsValue, JsValue> {
    out(&parse_callback(body, &Limits::default()).map_err(error)?)
}

pub(crate) fn ipn_out(ipn: &jenga_stk::Ipn) -> Result<JsValue, JsValue> {
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct IpnOut<'a> {
        #[serde(flatten)]
        ipn: &'a jenga_stk::Ipn,
        dedupe_key: &'a str,
        /// `null` for a payment that did not come from a push.
        order_reference: Option<&'a str>,
    }
    out(&IpnOut {
        ipn,
        dedupe_key: ipn.dedupe_key(),
        order_reference: ipn.order_reference(),
    })
}

/// Parses an IPN body (authenticate it first).
#[wasm_bindgen(js_name = parseIpn)]
pub fn parse_ipn_js(body: &[u8]) -> Result<JsValue, JsValue> {
    ipn_out(&parse_ipn(body, &Limits::default()).map_err(error)?)
}

/// Decides paid / failed / pending from the bodies the merchant holds.
#[wasm_bindgen(js_name = reconcile)]
pub fn reconcile_js(
    order_reference: &str,
    amount: Option<String>,
    currency: Option<String>,
    callback_body: Option<Vec<u8>>,
    ipn_bodies: Vec<js_sys::Uint8Array>,
    status_body: Option<Vec<u8>>,
) -> Result<JsValue, JsValue> {
    let limits = Limits::default();
    let amount = match amount {
        Some(text) => Some(
            text.parse::<Amount>()
                .map_err(|e| failure(e.code(), Some("expected.amount"), &e.to_string()))?,
        ),
        None => None,
    };
    let callback = match callback_body {
        Some(b) => Some(parse_callback(&b, &limits).map_err(error)?),
        None => None,
    };
    let ipns = ipn_bodies
        .iter()
        .map(|b| parse_ipn(&b.to_vec(), &limits).map_err(error))
        .collect::<Result<Vec<_>, _>>()?;
    let status = match status_body {
        Some(b) => match parse_status_response(200, &b, &limits).map_err(error)? {
            StatusResponse::Found(found) => Some(found),
            _ => {
                return Err(failure(
                    "invalid_field",
                    Some("evidence.status"),
                    "must be the body of a status query that found the order",
                ));
            }
        },
        None => None,
    };
    let expected = Expected {
        order_reference: order_reference.to_owned(),
        amount,
        currency,
    };
    let evidence = Evidence {
        callback: callback.as_ref(),
        ipns: &ipns,
        status: status.as_ref(),
    };
    out(&reconcile(&expected, &evidence))
}

/// The callback URL's token for a payment, under `secret` (used by `CallbackUrls`).
pub(crate) fn callback_urls(secret: &[u8]) -> Result<CallbackUrls, JsValue> {
    CallbackUrls::new(secret).map_err(error)
}
