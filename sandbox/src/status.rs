//! The order status query.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use jenga_stk::Signature;
use serde_json::json;

use crate::app::{App, header};
use crate::auth::{bearer_ok, revoke_presented_token};
use crate::control::Count;
use crate::control::fault::{Endpoint, Fault};
use crate::misbehave;
use crate::responses;

pub async fn status(
    State(app): State<Arc<App>>,
    Path(reference): Path<String>,
    headers: HeaderMap,
) -> Response {
    app.control.count(Count::StatusQuery);
    match app.control.take_fault(Endpoint::Status) {
        Some(Fault::Slow { delay }) => tokio::time::sleep(delay).await,
        Some(fault) => {
            if fault == Fault::Unauthorized {
                revoke_presented_token(&app, &headers);
            }
            if let Some(answer) = misbehave::answer(&fault) {
                return answer;
            }
        }
        None => {}
    }
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
