//! The HTTP control API under `/sandbox/`, for tests in any language: JSON
//! in and out, the same operations as [`crate::Control`].

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::app::App;
use crate::control::Control;
use crate::control::counters::Counters;
use crate::control::fault::{FaultError, FaultSpec, FaultWire};
use crate::control::modes::DeliveriesWire;
use crate::responses;

/// The longest `POST /sandbox/settle` waits.
const MAX_SETTLE: Duration = Duration::from_secs(60);

pub fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/sandbox/health", get(|| async { "ok" }))
        .route("/sandbox/expire-tokens", post(expire_tokens))
        .route(
            "/sandbox/faults",
            post(inject).get(list_faults).delete(clear_faults),
        )
        .route("/sandbox/deliveries", post(set_deliveries).get(deliveries))
        .route("/sandbox/counters", get(counters))
        .route("/sandbox/settle", post(settle))
        .route("/sandbox/reset", post(reset))
}

fn control(app: Arc<App>) -> Control {
    Control::new(app)
}

/// `value` as JSON, its fields in their declared order.
fn reply<T: Serialize>(status: StatusCode, value: &T) -> Response {
    let body = serde_json::to_string(value).unwrap_or_else(|_| "null".to_owned());
    (status, [("content-type", "application/json")], body).into_response()
}

fn refused(code: &str, message: &str) -> Response {
    responses::json(
        StatusCode::BAD_REQUEST,
        json!({"code": code, "message": message}),
    )
}

#[derive(Serialize)]
struct Pending {
    pending: Vec<FaultWire>,
}

fn pending(control: &Control) -> Pending {
    Pending {
        pending: control
            .pending_faults()
            .iter()
            .map(FaultWire::from_spec)
            .collect(),
    }
}

async fn expire_tokens(State(app): State<Arc<App>>) -> StatusCode {
    control(app).expire_tokens();
    StatusCode::NO_CONTENT
}

/// One fault object, or an array of them (all or none are added).
async fn inject(State(app): State<Arc<App>>, body: Bytes) -> Response {
    let wires: Result<Vec<FaultWire>, _> = if body.trim_ascii_start().starts_with(b"[") {
        serde_json::from_slice(&body)
    } else {
        serde_json::from_slice(&body).map(|one| vec![one])
    };
    let specs: Result<Vec<FaultSpec>, FaultError> = wires
        .map_err(|e| FaultError::Invalid(e.to_string()))
        .and_then(|w| w.into_iter().map(FaultWire::into_spec).collect());
    let specs = match specs {
        Ok(specs) => specs,
        Err(e) => return refused(e.code(), &e.to_string()),
    };
    let control = control(app);
    for spec in specs {
        // Validated above; cannot fail.
        let _ = control.inject(spec);
    }
    reply(StatusCode::CREATED, &pending(&control))
}

async fn list_faults(State(app): State<Arc<App>>) -> Response {
    reply(StatusCode::OK, &pending(&control(app)))
}

async fn clear_faults(State(app): State<Arc<App>>) -> StatusCode {
    control(app).clear_faults();
    StatusCode::NO_CONTENT
}

async fn set_deliveries(State(app): State<Arc<App>>, body: Bytes) -> Response {
    let wire: DeliveriesWire = if body.trim_ascii().is_empty() {
        DeliveriesWire::default()
    } else {
        match serde_json::from_slice(&body) {
            Ok(w) => w,
            Err(e) => return refused("invalid_deliveries", &e.to_string()),
        }
    };
    let control = control(app);
    control.set_deliveries(wire.into());
    reply(StatusCode::OK, &DeliveriesWire::from(control.deliveries()))
}

async fn deliveries(State(app): State<Arc<App>>) -> Response {
    reply(
        StatusCode::OK,
        &DeliveriesWire::from(control(app).deliveries()),
    )
}

async fn counters(State(app): State<Arc<App>>) -> Response {
    reply(StatusCode::OK, &control(app).counters())
}

#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SettleBody {
    timeout_ms: Option<u64>,
}

#[derive(Serialize)]
struct Settled {
    settled: bool,
    counters: Counters,
}

/// Waits until no delivery is pending (at most `timeoutMs`, 10 s unless
/// said, 60 s at most), then answers the counters.
async fn settle(State(app): State<Arc<App>>, body: Bytes) -> Response {
    let wanted: SettleBody = if body.trim_ascii().is_empty() {
        SettleBody::default()
    } else {
        match serde_json::from_slice(&body) {
            Ok(b) => b,
            Err(e) => return refused("invalid_settle", &e.to_string()),
        }
    };
    let timeout = wanted
        .timeout_ms
        .map_or(Duration::from_secs(10), Duration::from_millis)
        .min(MAX_SETTLE);
    let control = control(app);
    let settled = control.settle(timeout).await;
    reply(
        StatusCode::OK,
        &Settled {
            settled,
            counters: control.counters(),
        },
    )
}

async fn reset(State(app): State<Arc<App>>) -> StatusCode {
    control(app).reset();
    StatusCode::NO_CONTENT
}
