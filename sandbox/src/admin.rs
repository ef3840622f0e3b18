//! The admin routes under `/sandbox/`, for tests.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;

use crate::app::App;

pub async fn expire_tokens(State(app): State<Arc<App>>) -> StatusCode {
    app.memory().expire_tokens();
    StatusCode::NO_CONTENT
}
