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
    AmountDecimals, AmountStyle, DateTime, IpnAuth, Limits, PhoneFormat, RequestOptions,
    STATUS_PATH_PREFIX, STK_PUSH_PATH, Signature, StkPush, TOKEN_PATH, Verifier,
    signing_string_of_body,
};
use serde::Deserialize;
use serde_json::json;
use subtle::ConstantTimeEq;

use crate::config::Config;
use crate::delivery;
use crate::outcome::{self, Outcome};
use crate::responses;
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

/// How the sandbox reads requests: any amount style (whole or two decimals,
/// number or string) and any valid phone form; numbers normalised to the
/// international form for callbacks and outcomes.
fn permissive_options() -> RequestOptions {
    RequestOptions {
        amount_style: AmountStyle {
            decimals: AmountDecimals::Two,
            ..AmountStyle::default()
        },
        phone_format: PhoneFormat::International,
        ..RequestOptions::default()
    }
}

async fn init(State(app): State<Arc<App>>, headers: HeaderMap, body: Bytes) -> Response {
    if !bearer_ok(&app, &headers) {
        return responses::unauthorized();
    }
    let push = match StkPush::from_json(&body, &permissive_options()) {
        Ok(push) => push,
        Err(e) => {
            let detail: Vec<String> = e
                .problems()
                .iter()
                .map(|p| format!("{} {}", p.field, p.code))
                .collect();
            return responses::bad_request(&detail.join(", "));
        }
    };
    // The signature is checked over the body's own texts, as the provider does.
    let signed = signing_string_of_body(&body, &app.limits);
    let signature = header(&headers, "signature").map(Signature::from_base64);
    let verified = match (signed, signature) {
        (Ok(text), Some(Ok(sig))) => app.verifier.verify(text.as_bytes(), &sig).is_ok(),
        _ => false,
    };
    if !verified {
        return responses::forbidden();
    }
    if !app.config.allow_remote_callbacks && !is_loopback_url(push.callback_url()) {
        return responses::bad_request(
            "payment.callbackUrl must be a loopback address in the sandbox (start it with --allow-remote-callbacks)",
        );
    }

    let outcome = outcome::for_msisdn(push.msisdn());
    let now_ms = unix_ms(SystemTime::now());
    let invoice_number = {
        let mut memory = app.memory();
        if memory
            .orders
            .get(push.order_reference())
            .is_some_and(Order::is_paid)
        {
            return responses::duplicate("order reference: the order is already paid");
        }
        if !memory.claim_payment_reference(push.payment_reference()) {
            return responses::duplicate("payment reference");
        }
        if outcome == Outcome::PushFails {
            return responses::push_failed();
        }
        let invoice_number = format!("INV{:05}", memory.next());
        let order = memory
            .orders
            .entry(push.order_reference().to_owned())
            .or_insert_with(|| Order {
                order_reference: push.order_reference().to_owned(),
                order_amount: push.order_amount(),
                customer_name: push.customer_name().to_owned(),
                created_ms: now_ms,
                invoices: Vec::new(),
            });
        order.invoices.push(Invoice {
            invoice_number: invoice_number.clone(),
            payment_reference: push.payment_reference().to_owned(),
            amount: push.payment_amount(),
            currency: push.currency().to_owned(),
            msisdn: push.msisdn().to_owned(),
            callback_url: push.callback_url().to_owned(),
            status: "Pending",
            receipt: None,
            created_ms: now_ms,
            completed_ms: None,
        });
        invoice_number
    };
    tokio::spawn(delivery::deliver(
        Arc::clone(&app),
        push.order_reference().to_owned(),
        invoice_number.clone(),
        outcome,
    ));
    let amount = push.payment_amount().to_string();
    let body = format!(
        r#"{{"status":true,"code":"0","message":"Success. Request accepted for processing","data":{{"amount":{amount},"charge":0,"paymentReference":{},"invoiceNumber":{},"orderReference":{},"amountDebited":{amount}}}}}"#,
        json!(push.payment_reference()),
        json!(invoice_number),
        json!(push.order_reference()),
    );
    (StatusCode::OK, [("content-type", "application/json")], body).into_response()
}

fn is_loopback_url(url: &str) -> bool {
    match reqwest::Url::parse(url)
        .ok()
        .and_then(|u| u.host().map(|h| h.to_owned()))
    {
        Some(url::Host::Domain(d)) => d == "localhost" || d.ends_with(".localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
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
