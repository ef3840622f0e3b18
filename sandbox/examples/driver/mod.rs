//! The Rust driver of the core's payment flow over reqwest: the short loop
//! every language's client runs. It only moves bytes: the flow decides what
//! to send, when to wait, and when the payment is decided. Shared by the
//! `e2e` example and the sandbox's client tests (`#[path]`-included).

use std::time::{Duration, SystemTime};

use jenga_stk::{
    Action, DateTime, FlowError, FlowRequest, Ipn, Outcome, PaymentFlow, StkCallback,
    TransportFailure,
};
use tokio::sync::mpsc;

/// Evidence the merchant's web handlers authenticated and pass on.
#[derive(Debug)]
pub enum Evidence {
    /// A callback verified with `CallbackUrls::verify_callback`.
    Callback(StkCallback),
    /// An IPN verified with `IpnAuth::verify`, then parsed.
    Ipn(Box<Ipn>),
}

/// How far to drive the flow.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Until {
    /// Until the provider has the push (or the flow ended): what a checkout
    /// page waits for before telling the customer to look at the phone.
    Pushed,
    /// Until the flow ends.
    Done,
}

/// The caller's clock.
pub fn now() -> DateTime {
    DateTime::from_system_time(SystemTime::now())
}

/// Drives `flow` with `http` until `until`; evidence arriving on `evidence`
/// is handed in as it comes (waking a wait early). `log` sees each step.
pub async fn drive(
    flow: &mut PaymentFlow,
    http: &reqwest::Client,
    until: Until,
    mut evidence: Option<&mut mpsc::UnboundedReceiver<Evidence>>,
    log: &mut (dyn FnMut(String) + Send),
) -> Result<Option<Outcome>, FlowError> {
    loop {
        if until == Until::Pushed && flow.push_known() {
            return Ok(flow.outcome());
        }
        match flow.poll(now())? {
            Action::Done(outcome) => return Ok(Some(outcome)),
            Action::Send(request) => {
                log(format!(
                    "send {} {} ({})",
                    request.http.method,
                    request.http.url,
                    request.endpoint.code()
                ));
                match send(http, &request).await {
                    Ok((status, retry_after, body)) => {
                        log(format!("  HTTP {status}"));
                        flow.handle_response(now(), status, retry_after.as_deref(), &body)?;
                    }
                    Err(failure) => {
                        log(format!("  no answer: {}", failure.code()));
                        flow.handle_transport_failure(now(), failure)?;
                    }
                }
            }
            Action::Wait(at) => {
                let ms = at.unix_millis().saturating_sub(now().unix_millis()).max(0);
                let wait = Duration::from_millis(u64::try_from(ms).unwrap_or(0));
                match evidence.as_deref_mut() {
                    Some(rx) => {
                        tokio::select! {
                            () = tokio::time::sleep(wait) => {}
                            received = rx.recv() => match received {
                                Some(Evidence::Callback(cb)) => {
                                    log(format!("  callback: result code {}", cb.result_code));
                                    hand_in(flow.handle_callback(cb), log)?;
                                }
                                Some(Evidence::Ipn(ipn)) => {
                                    log(format!("  IPN: {}", ipn.transaction.status.as_str()));
                                    hand_in(flow.handle_ipn(*ipn), log)?;
                                }
                                // No more evidence will come: only time moves the flow now.
                                None => {
                                    evidence = None;
                                }
                            },
                        }
                    }
                    None => tokio::time::sleep(wait).await,
                }
            }
        }
    }
}

/// Evidence of another payment is logged and dropped; other errors stop the loop.
fn hand_in(
    result: Result<(), FlowError>,
    log: &mut (dyn FnMut(String) + Send),
) -> Result<(), FlowError> {
    match result {
        Err(FlowError::NotThisPayment) => {
            log("  (not this payment's: ignored)".to_owned());
            Ok(())
        }
        other => other,
    }
}

/// Sends one request within its timeout (body included); the answer's
/// status, `Retry-After` and body, or what kind of failure it met.
async fn send(
    http: &reqwest::Client,
    request: &FlowRequest,
) -> Result<(u16, Option<String>, Vec<u8>), TransportFailure> {
    let converted = http::Request::try_from(&request.http)
        .ok()
        .and_then(|r| reqwest::Request::try_from(r).ok())
        // A request the core made always converts; if it did not, nothing was sent.
        .ok_or(TransportFailure::ConnectFailed)?;
    let exchange = async {
        let response = http.execute(converted).await?;
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body = response.bytes().await?.to_vec();
        Ok::<_, reqwest::Error>((status, retry_after, body))
    };
    match tokio::time::timeout(request.timeout, exchange).await {
        Err(_) => Err(TransportFailure::Timeout),
        Ok(Ok(answer)) => Ok(answer),
        Ok(Err(e)) if e.is_connect() => Err(TransportFailure::ConnectFailed),
        Ok(Err(e)) if e.is_timeout() => Err(TransportFailure::Timeout),
        Ok(Err(_)) => Err(TransportFailure::ConnectionLost),
    }
}
