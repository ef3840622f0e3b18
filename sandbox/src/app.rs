//! The HTTP routes: merchant auth, STK push init, order status, and a few
//! admin routes under `/sandbox/` for tests.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::SystemTime;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use jenga_stk::{
    DateTime, IpnAuth, Limits, STATUS_PATH_PREFIX, STK_PUSH_PATH, Signature, TOKEN_PATH, Verifier,
};
use serde::Deserialize;
use serde_json::json;
use subtle::ConstantTimeEq;

use crate::config::Config;
use crate::delivery;
use crate::outcome::{self, Outcome};
use crate::responses;
use crate::rules;
use crate::signature;
use crate::state::{Invoice, Order, State as Memory, unix_ms};

/// Everything the handlers share.
pub struct App {
    pub config: Config,
    pub verifier: Verifier,
    pub ipn_auth: IpnAuth,
    pub client: reqwest::Client,
    pub limits: Limits,
    memory: Mutex<Memory>,
}

impl App {
    pub fn new(
        config: Config,
        verifier: Verifier,
        ipn_auth: IpnAuth,
        client: reqwest::Client,
    ) -> App {
        App {
            config,
            verifier,
            ipn_auth,
            client,
            limits: Limits::default(),
            memory: Mutex::new(Memory::default()),
        }
    }

    /// The sandbox's state; a poisoned lock is recovered (no handler leaves it half-written).
    pub fn memory(&self) -> MutexGuard<'_, Memory> {
        self.memory
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

pub fn router(app: Arc<App>) -> Router {
    Router::new()
        .route(TOKEN_PATH, post(authenticate))
        .route(STK_PUSH_PATH, post(init))
        .route(&format!("{STATUS_PATH_PREFIX}{{reference}}"), get(status))
        .route("/sandbox/health", get(|| async { "ok" }))
        .route("/sandbox/expire-tokens", post(expire_tokens))
        .with_state(app)
}

fn eq(a: &str, b: &str) -> bool {
    bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

fn bearer_ok(app: &App, headers: &HeaderMap) -> bool {
    let Some(token) = header(headers, "authorization").and_then(|v| v.strip_prefix("Bearer "))
    else {
        return false;
    };
    app.memory().token_valid(token, SystemTime::now())
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AuthBody {
    merchant_code: String,
    consumer_secret: String,
}

async fn authenticate(State(app): State<Arc<App>>, headers: HeaderMap, body: Bytes) -> Response {
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

async fn init(State(app): State<Arc<App>>, headers: HeaderMap, body: Bytes) -> Response {
    // documented: "401 Unauthorized: Invalid or expired access token".
    if !bearer_ok(&app, &headers) {
        return responses::unauthorized();
    }
    // documented: "400 Bad Request: Missing or invalid parameters" (see rules.rs
    // for which rules are the page's and which are assumptions).
    // assumption: the body is judged before the signature (the page does not
    // give the order), so a malformed body gets 400 even when unsigned.
    let push = match rules::read(&body, app.config.allow_remote_callbacks) {
        Ok(push) => push,
        Err(problems) => return responses::bad_request(&rules::describe(&problems)),
    };
    // documented: "403 Forbidden: Valid credentials but invalid signature".
    let verified = signature::verified(
        &app.verifier,
        header(&headers, "signature"),
        &body,
        &push,
        app.config.signature_amount,
        &app.limits,
    );
    if !verified {
        return responses::forbidden();
    }

    let outcome = outcome::for_msisdn(&push.msisdn);
    let now_ms = unix_ms(SystemTime::now());
    let invoice_number = {
        let mut memory = app.memory();
        // assumption: a push for an order already paid is refused like a
        // reused reference (the page: "should be unique per order").
        if memory
            .orders
            .get(&push.order_reference)
            .is_some_and(Order::is_paid)
        {
            return responses::duplicate("order reference: the order is already paid");
        }
        // assumption: a reused payment reference is answered 400 (NOTES.md:
        // seen in public integrations, unconfirmed; the page only says it
        // "should be unique per request").
        if !memory.claim_payment_reference(&push.payment_reference) {
            return responses::duplicate("payment reference");
        }
        if outcome == Outcome::PushFails {
            return responses::push_failed();
        }
        let invoice_number = format!("INV{:05}", memory.next());
        let order = memory
            .orders
            .entry(push.order_reference.clone())
            .or_insert_with(|| Order {
                order_reference: push.order_reference.clone(),
                order_amount: push.order_amount,
                customer_name: push.customer_name.clone(),
                created_ms: now_ms,
                invoices: Vec::new(),
            });
        order.invoices.push(Invoice {
            invoice_number: invoice_number.clone(),
            payment_reference: push.payment_reference.clone(),
            amount: push.payment_amount,
            currency: push.payment_currency.clone(),
            msisdn: push.msisdn_international(),
            callback_url: push.callback_url.clone(),
            status: "Pending",
            receipt: None,
            created_ms: now_ms,
            completed_ms: None,
        });
        invoice_number
    };
    tokio::spawn(delivery::deliver(
        Arc::clone(&app),
        push.order_reference.clone(),
        invoice_number.clone(),
        outcome,
    ));
    let amount = push.payment_amount.to_string();
    let body = format!(
        r#"{{"status":true,"code":"0","message":"Success. Request accepted for processing","data":{{"amount":{amount},"charge":0,"paymentReference":{},"invoiceNumber":{},"orderReference":{},"amountDebited":{amount}}}}}"#,
        json!(push.payment_reference),
        json!(invoice_number),
        json!(push.order_reference),
    );
    (StatusCode::OK, [("content-type", "application/json")], body).into_response()
}

async fn status(
    State(app): State<Arc<App>>,
    Path(reference): Path<String>,
    headers: HeaderMap,
) -> Response {
    if !bearer_ok(&app, &headers) {
        return responses::unauthorized();
    }
    // The provider's docs are unclear on a Signature here: when one is sent, it must verify.
    if let Some(sig) = header(&headers, "signature") {
        let ok = Signature::from_base64(sig)
            .is_ok_and(|s| app.verifier.verify(reference.as_bytes(), &s).is_ok());
        if !ok {
            return responses::forbidden();
        }
    }
    let memory = app.memory();
    let Some(order) = memory.orders.get(&reference) else {
        return responses::not_found_order();
    };
    let invoices: Vec<String> = order
        .invoices
        .iter()
        .map(|i| {
            format!(
                r#"{{"amount":{a},"amountDebited":{a},"charge":0,"invoiceStatus":{},"orderReference":{},"externalReference":{},"createdOn":{},"completedOn":{}}}"#,
                json!(i.status),
                json!(order.order_reference),
                json!(i.receipt.clone().unwrap_or_default()),
                i.created_ms,
                i.completed_ms.map_or("null".to_owned(), |m| m.to_string()),
                a = i.amount,
            )
        })
        .collect();
    let body = format!(
        r#"{{"status":true,"code":"0","message":"Order found","data":{{"order":{{"orderAmount":{},"amountPaid":{},"orderReference":{},"orderStatus":{},"createdOn":{}}},"invoices":[{}]}}}}"#,
        order.order_amount,
        order.amount_paid(),
        json!(order.order_reference),
        json!(if order.is_paid() { "Paid" } else { "Pending" }),
        order.created_ms,
        invoices.join(","),
    );
    (StatusCode::OK, [("content-type", "application/json")], body).into_response()
}

async fn expire_tokens(State(app): State<Arc<App>>) -> StatusCode {
    app.memory().expire_tokens();
    StatusCode::NO_CONTENT
}
