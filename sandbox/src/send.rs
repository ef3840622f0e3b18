//! Posts a push's callback and IPN in the order and number the delivery
//! modes say, each POST retried a bounded number of times on non-2xx or no
//! answer, each attempt counted. Nothing is posted for a push accepted
//! before a reset or a stop.

use std::time::Duration;

use crate::app::App;
use crate::control::modes::{CallbackMode, IpnMode};
use crate::control::{Kind, Plan};

/// Sends the callback and, when there is one, the IPN (`(url, body)`).
pub async fn send(
    app: &App,
    plan: &Plan,
    callback_url: &str,
    callback: Vec<u8>,
    ipn: Option<(String, Vec<u8>)>,
) {
    let modes = plan.deliveries;
    let ipn_delay = modes.ipn_delay.unwrap_or(app.config.ipn_delay);
    let callbacks = match modes.callback {
        CallbackMode::Normal | CallbackMode::AfterIpn => 1,
        CallbackMode::Twice => 2,
        CallbackMode::Never => 0,
    };
    let ipns = match (modes.ipn, &ipn) {
        (_, None) | (IpnMode::Never, _) => 0,
        (IpnMode::Normal, Some(_)) => 1,
        (IpnMode::Twice, Some(_)) => 2,
    };
    let send_callbacks = async || {
        for _ in 0..callbacks {
            post(app, plan, Kind::Callback, callback_url, None, &callback).await;
        }
    };
    let send_ipns = async || {
        if let Some((url, body)) = &ipn {
            let auth = app.ipn_auth.authorization_header();
            for _ in 0..ipns {
                post(app, plan, Kind::Ipn, url, Some(&auth), body).await;
            }
        }
    };
    if modes.callback == CallbackMode::AfterIpn {
        send_ipns().await;
        tokio::time::sleep(ipn_delay).await;
        send_callbacks().await;
    } else {
        send_callbacks().await;
        if ipns > 0 {
            tokio::time::sleep(ipn_delay).await;
            send_ipns().await;
        }
    }
}

/// POSTs `body` as JSON, retrying on non-2xx or no answer; true once delivered.
async fn post(
    app: &App,
    plan: &Plan,
    kind: Kind,
    url: &str,
    authorization: Option<&str>,
    body: &[u8],
) -> bool {
    let what = match kind {
        Kind::Callback => "callback",
        Kind::Ipn => "IPN",
    };
    // Logs show the URL without its query: a callback URL's query holds its token.
    let shown = url.split('?').next().unwrap_or(url);
    let attempts = app.config.delivery_attempts.max(1);
    let mut delay = app.config.retry_delay;
    for attempt in 1..=attempts {
        if !app.control.is_current(plan) {
            return false;
        }
        let mut request = app
            .client
            .post(url)
            .header("content-type", "application/json")
            .body(body.to_vec());
        if let Some(auth) = authorization {
            request = request.header("authorization", auth);
        }
        let result = request.send().await;
        let acknowledged = matches!(&result, Ok(r) if r.status().is_success());
        app.control.count_delivery(plan, kind, acknowledged);
        match result {
            Ok(_) if acknowledged => {
                eprintln!("[sandbox] {what} delivered to {shown} (attempt {attempt})");
                return true;
            }
            Ok(r) => eprintln!(
                "[sandbox] {what} to {shown}: HTTP {} (attempt {attempt}/{attempts})",
                r.status()
            ),
            Err(e) => eprintln!(
                "[sandbox] {what} to {shown}: {} (attempt {attempt}/{attempts})",
                e.without_url()
            ),
        }
        if attempt < attempts {
            tokio::time::sleep(delay).await;
            delay = delay.saturating_mul(2).min(Duration::from_secs(30));
        }
    }
    eprintln!("[sandbox] {what} to {shown}: gave up after {attempts} attempts");
    false
}
