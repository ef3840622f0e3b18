//! The merchant token endpoint, and the bearer-token check of the others.

use std::sync::Arc;
use std::time::SystemTime;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use jenga_stk::DateTime;
use serde::Deserialize;
use serde_json::json;
use subtle::ConstantTimeEq;

use crate::app::{App, header};
use crate::control::Count;
use crate::control::fault::{Endpoint, Fault};
use crate::misbehave;
use crate::responses;

fn eq(a: &str, b: &str) -> bool {
    bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    header(headers, "authorization").and_then(|v| v.strip_prefix("Bearer "))
}

pub fn bearer_ok(app: &App, headers: &HeaderMap) -> bool {
    bearer(headers).is_some_and(|token| app.memory().token_valid(token, SystemTime::now()))
}

/// The `unauthorized` fault on init and status: the token presented
/// "expired early", so it stays refused.
pub fn revoke_presented_token(app: &App, headers: &HeaderMap) {
    if let Some(token) = bearer(headers) {
        app.memory().revoke_token(token);
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AuthBody {
    merchant_code: String,
    consumer_secret: String,
}

pub async fn authenticate(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    app.control.count(Count::TokenRequest);
    if let Some(fault) = app.control.take_fault(Endpoint::Token) {
        if let Fault::Slow { delay } = fault {
            tokio::time::sleep(delay).await;
        } else if let Some(answer) = misbehave::answer(&fault) {
            return answer;
        }
    }
    let key_ok = header(&headers, "api-key").is_some_and(|k| eq(k, &app.config.api_key));
    let body_ok = serde_json::from_slice::<AuthBody>(&body).is_ok_and(|b| {
        // Evaluate both comparisons, so timing does not tell which was wrong.
        let code = eq(&b.merchant_code, &app.config.merchant_code);
        let secret = eq(&b.consumer_secret, &app.config.consumer_secret);
        code & secret
    });
    if !(key_ok && body_ok) {
        return responses::unauthorized();
    }
    let now = SystemTime::now();
    let expires = now + app.config.token_lifetime;
    let token = format!("sbx.{}", random_hex(24));
    app.memory().issue_token(token.clone(), expires);
    app.control.count(Count::TokenIssued);
    let time = |t: SystemTime| DateTime::from_system_time(t).to_rfc3339();
    responses::json(
        StatusCode::OK,
        json!({
            "accessToken": token,
            "refreshToken": format!("sbx-refresh.{}", random_hex(16)),
            "expiresIn": time(expires),
            "issuedAt": time(now),
            "tokenType": "Bearer",
        }),
    )
}

fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    // The OS RNG does not fail on supported platforms; a zero token would
    // still be unique per process because tokens are also looked up by expiry.
    let _ = getrandom::fill(&mut buf);
    buf.iter().map(|b| format!("{b:02x}")).collect()
}
