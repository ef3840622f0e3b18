//! Stateless functions: one per core function, converting types only.

use std::sync::Arc;

use jenga_stk as core;
use jenga_stk::{DateTime, Limits};

use crate::error::{JengaError, http_status};
use crate::objects::{AccessToken, Environment, HttpRequest, Signer, Token, TokenResponse};
use crate::types::{
    Endpoint, Expected, HttpStatus, InitResponse, Ipn, NextAction, OrderStatus, Reconciliation,
    RequestOptions, StatusResponse, StkCallback, TransportFailure,
};

type Result<T> = std::result::Result<T, JengaError>;

/// Options from their JSON form (`{"amountDecimals":"two","phoneFormat":"local",…}`);
/// unknown options are an `invalid_option` error.
#[uniffi::export]
pub fn request_options_from_json(json: String) -> Result<RequestOptions> {
    Ok(core::RequestOptions::from_json(json.as_bytes())?.into())
}

/// Classifies the answer to the push initiation. Never throws: every answer
/// classifies (HTTP 200 with `status:false` is a rejection; an HTML, plain-text
/// or empty body is a rejection by its HTTP status, with `bodyExcerpt` for logs;
/// a status no HTTP server sends is an unknown answer, `CheckStatusFirst`).
#[uniffi::export]
pub fn classify_init_response(status: HttpStatus, body: Vec<u8>) -> InitResponse {
    let mut answer: InitResponse =
        core::classify_init_response(status.wire(), &body, &Limits::default()).into();
    if let InitResponse::Rejected { rejection } = &mut answer {
        // The status as given, also when no u16 holds it.
        rejection.http_status = status;
    }
    answer
}

/// What to do when a request to `endpoint` got no HTTP answer: after a
/// timeout or a lost connection on the push, `CheckStatusFirst` (the prompt
/// may be on the phone); otherwise `RetryWithBackoff`.
#[uniffi::export]
pub fn advise_transport_failure(endpoint: Endpoint, failure: TransportFailure) -> NextAction {
    core::advise_transport_failure(endpoint.into(), failure.into()).into()
}

/// Parses the token answer received at `now` (your clock); a refusal, or an
/// answer that is not JSON, is `TokenResponse.Rejected`.
#[uniffi::export]
pub fn parse_token_response(
    status: HttpStatus,
    body: Vec<u8>,
    now: DateTime,
) -> Result<TokenResponse> {
    let status = http_status(status)?;
    Ok(
        match core::parse_token_response(status, &body, now, &Limits::default())? {
            core::TokenResponse::Token(token) => TokenResponse::Token {
                token: Arc::new(Token(token)),
            },
            core::TokenResponse::Rejected(r) => TokenResponse::Rejected {
                rejection: r.into(),
            },
        },
    )
}

/// Whether the order status query carries a `Signature` header (the docs are unclear).
#[derive(uniffi::Enum)]
pub enum StatusSignature {
    /// No `Signature` header (the provider's curl example).
    None,
    /// Sign the order reference with this signer.
    Sign {
        /// The signer.
        signer: Arc<Signer>,
    },
    /// A Base64 signature of the order reference made elsewhere (a foreign signer).
    Provided {
        /// The Base64 signature.
        signature_base64: String,
    },
}

/// The order status query for `order_reference`.
#[uniffi::export]
pub fn order_status_request(
    environment: &Environment,
    token: &AccessToken,
    order_reference: String,
    signature: StatusSignature,
) -> Result<Arc<HttpRequest>> {
    let request = match signature {
        StatusSignature::None => core::order_status_request(
            &environment.0,
            &token.0,
            &order_reference,
            core::StatusSignature::None,
        )?,
        StatusSignature::Sign { signer } => core::order_status_request(
            &environment.0,
            &token.0,
            &order_reference,
            core::StatusSignature::Sign(&signer.0),
        )?,
        StatusSignature::Provided { signature_base64 } => core::order_status_request(
            &environment.0,
            &token.0,
            &order_reference,
            core::StatusSignature::Provided(core::Signature::from_base64(&signature_base64)?),
        )?,
    };
    Ok(Arc::new(HttpRequest(request)))
}

/// Parses the status query's answer; an answer that is not JSON is `Rejected`.
#[uniffi::export]
pub fn parse_status_response(status: HttpStatus, body: Vec<u8>) -> Result<StatusResponse> {
    let status = http_status(status)?;
    Ok(core::parse_status_response(status, &body, &Limits::default())?.into())
}

/// Parses the callback posted to `callbackUrl` (prefer `CallbackUrls.verifyCallback`).
#[uniffi::export]
pub fn parse_callback(body: Vec<u8>) -> Result<StkCallback> {
    Ok(core::parse_callback(&body, &Limits::default())?.into())
}

/// Parses an IPN body (check its `Authorization` with `IpnAuth` first).
#[uniffi::export]
pub fn parse_ipn(body: Vec<u8>) -> Result<Ipn> {
    Ok(core::parse_ipn(&body, &Limits::default())?.into())
}

/// Decides paid / failed / pending: a successful attempt wins over failed
/// ones, whatever the order of the evidence; IPN over status query over callback.
#[uniffi::export]
pub fn reconcile(
    expected: Expected,
    callback: Option<StkCallback>,
    ipns: Vec<Ipn>,
    status: Option<OrderStatus>,
) -> Reconciliation {
    let callback = callback.map(core::StkCallback::from);
    let ipns: Vec<core::Ipn> = ipns.into_iter().map(core::Ipn::from).collect();
    let status = status.map(core::OrderStatus::from);
    let expected = core::Expected {
        order_reference: expected.order_reference,
        amount: expected.amount,
        currency: expected.currency,
    };
    let evidence = core::Evidence {
        callback: callback.as_ref(),
        ipns: &ipns,
        status: status.as_ref(),
    };
    core::reconcile(&expected, &evidence).into()
}

/// The signing string of a received request body, from the body's own texts.
#[uniffi::export]
pub fn signing_string_of_body(body: Vec<u8>) -> Result<String> {
    Ok(core::signing_string_of_body(&body, &Limits::default())?)
}

/// The signing backend compiled into this library: `"ring"` (the default),
/// `"aws-lc-rs"` or `"rsa"`.
#[uniffi::export]
pub fn signer_backend() -> String {
    core::SIGNER_BACKEND.to_owned()
}

/// Whether this library's signer is constant-time (`ring`, `aws-lc-rs`)
/// rather than relying on blinding (`rsa`).
#[uniffi::export]
pub fn signer_is_constant_time() -> bool {
    core::SIGNER_IS_CONSTANT_TIME
}
