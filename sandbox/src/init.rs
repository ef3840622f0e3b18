//! The STK push init: token, the provider's documented rules, signature,
//! then the push is recorded and its deliveries scheduled.

use std::sync::Arc;
use std::time::SystemTime;

use axum::Extension;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::app::{App, header};
use crate::auth::{bearer_ok, revoke_presented_token};
use crate::control::Count;
use crate::control::fault::{Endpoint, Fault};
use crate::delivery;
use crate::diagnosis;
use crate::misbehave;
use crate::outcome::{self, Outcome};
use crate::responses;
use crate::rules;
use crate::serve::DropConnection;
use crate::signature;
use crate::state::{Invoice, Order, unix_ms};

pub async fn init(
    State(app): State<Arc<App>>,
    connection: Option<Extension<DropConnection>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    app.control.count(Count::InitRequest);
    let fault = app.control.take_fault(Endpoint::Init);
    // Faults that answer instead of the endpoint: nothing is processed.
    match fault {
        Some(Fault::Unauthorized) => {
            revoke_presented_token(&app, &headers);
            return responses::unauthorized();
        }
        Some(
            f @ (Fault::RateLimited { .. }
            | Fault::ServerErrorHtml {
                after_accept: false,
                ..
            }),
        ) => {
            if let Some(answer) = misbehave::answer(&f) {
                return answer;
            }
        }
        _ => {}
    }
    // Not awaited inside: once started, a push is processed whole, even if
    // the client hangs up.
    let answer = push(&app, &headers, &body);
    // Faults that come after the push was processed.
    match fault {
        Some(Fault::Slow { delay }) => {
            tokio::time::sleep(delay).await;
            answer
        }
        Some(f @ Fault::ServerErrorHtml { .. }) => misbehave::answer(&f).unwrap_or(answer),
        Some(Fault::DropAfterAccept) => match connection {
            Some(Extension(connection)) => {
                connection.now();
                // The connection task drops this future with the connection.
                std::future::pending().await
            }
            None => answer,
        },
        _ => answer,
    }
}

/// The endpoint proper: checks, records the push, schedules its deliveries.
fn push(app: &Arc<App>, headers: &HeaderMap, body: &[u8]) -> Response {
    // documented: "401 Unauthorized: Invalid or expired access token".
    if !bearer_ok(app, headers) {
        return responses::unauthorized();
    }
    // documented: "400 Bad Request: Missing or invalid parameters" (see rules.rs
    // for which rules are the page's and which are assumptions).
    // assumption: the body is judged before the signature (the page does not
    // give the order), so a malformed body gets 400 even when unsigned.
    let push = match rules::read(body, app.config.allow_remote_callbacks) {
        Ok(push) => push,
        Err(problems) => return responses::bad_request(&rules::describe(&problems)),
    };
    // documented: "403 Forbidden: Valid credentials but invalid signature".
    let verified = signature::verified(
        &app.verifier,
        header(headers, "signature"),
        body,
        &push,
        app.config.signature_amount,
        &app.limits,
    );
    if !verified {
        eprintln!(
            "[sandbox] 403 Invalid signature for order {:?}: {}",
            push.order_reference,
            diagnosis::explain(
                &app.config.public_key_pem,
                header(headers, "signature"),
                body,
                app.config.signature_amount,
            )
        );
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
    let plan = app.control.accept_push(&push.order_reference);
    tokio::spawn(delivery::deliver(
        Arc::clone(app),
        push.order_reference.clone(),
        invoice_number.clone(),
        outcome,
        plan,
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
