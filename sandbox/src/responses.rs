//! Response bodies in the provider's shapes (from its page).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

pub fn json(status: StatusCode, body: Value) -> Response {
    (
        status,
        [("content-type", "application/json")],
        body.to_string(),
    )
        .into_response()
}

fn error(status: StatusCode, code: u16, message: &str, error_code: &str) -> Response {
    json(
        status,
        json!({"status": false, "code": code, "message": message, "error_code": error_code}),
    )
}

pub fn unauthorized() -> Response {
    error(
        StatusCode::UNAUTHORIZED,
        401,
        "Invalid or expired access token",
        "UNAUTHORIZED",
    )
}

pub fn forbidden() -> Response {
    error(
        StatusCode::FORBIDDEN,
        403,
        "Invalid signature or insufficient permissions",
        "FORBIDDEN",
    )
}

pub fn bad_request(detail: &str) -> Response {
    error(
        StatusCode::BAD_REQUEST,
        400,
        &format!("Invalid request parameters: {detail}"),
        "INVALID_REQUEST",
    )
}

pub fn duplicate(what: &str) -> Response {
    error(
        StatusCode::BAD_REQUEST,
        400,
        &format!("Duplicate {what}"),
        "INVALID_REQUEST",
    )
}

pub fn push_failed() -> Response {
    json(
        StatusCode::OK,
        json!({"status": false, "code": 106201,
               "message": "Failed to initiate push. Kindly try again after a few minutes or contact support@finserve.africa"}),
    )
}

pub fn not_found_order() -> Response {
    json(
        StatusCode::OK,
        json!({"status": false, "code": 111102,
               "message": "Transaction with the passed reference cannot be found"}),
    )
}
