//! The answers faults give instead of the endpoint's: a 401 in the
//! provider's shape, a gateway's 5xx HTML page, a 429 with `Retry-After`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::control::fault::Fault;
use crate::responses;

/// The answer `fault` gives in place of the endpoint's, or `None` for the
/// faults that change how (`slow`) or whether (`drop_after_accept`) the
/// endpoint's own answer is sent.
pub fn answer(fault: &Fault) -> Option<Response> {
    match *fault {
        Fault::Unauthorized => Some(responses::unauthorized()),
        Fault::ServerErrorHtml { status, .. } => Some(server_error_html(status)),
        Fault::RateLimited { retry_after_secs } => Some(rate_limited(retry_after_secs)),
        Fault::Slow { .. } | Fault::DropAfterAccept => None,
    }
}

/// A 5xx as nginx, in front of an application, answers it: `text/html`.
pub fn server_error_html(status: u16) -> Response {
    let code = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_GATEWAY);
    let title = format!(
        "{} {}",
        code.as_u16(),
        code.canonical_reason().unwrap_or("Server Error")
    );
    let body = format!(
        "<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n<center><h1>{title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
    );
    (
        code,
        [("content-type", "text/html"), ("server", "nginx")],
        body,
    )
        .into_response()
}

/// A 429. assumption: the provider documents no rate limit; this is the
/// answer of Azure API Management's rate-limit policy (the provider's older
/// hosts are `*.azure-api.net`): JSON `statusCode` and `message`, and a
/// `Retry-After` header in seconds.
pub fn rate_limited(retry_after_secs: u32) -> Response {
    let body = serde_json::json!({
        "statusCode": 429,
        "message": format!("Rate limit is exceeded. Try again in {retry_after_secs} seconds."),
    });
    (
        StatusCode::TOO_MANY_REQUESTS,
        [
            ("content-type", "application/json".to_owned()),
            ("retry-after", retry_after_secs.to_string()),
        ],
        body.to_string(),
    )
        .into_response()
}
