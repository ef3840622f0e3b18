//! Runs the payment-flow transcripts (`tests/vectors/flows.json`): every
//! step's answer is handed in, every poll compared with the expected request,
//! wait or outcome. Between steps the flow is saved to JSON and restored (as
//! a web app does between requests), and the restored flow must save to the
//! same JSON and make the same decisions.

#![cfg(any(feature = "rsa", feature = "ring", feature = "aws-lc-rs"))]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use jenga_stk::{
    Action, CallbackUrls, Credentials, DateTime, Endpoint, Environment, FlowContext, Limits,
    Outcome, PaymentFlow, RequestOptions, RetryPolicy, SharedTokens, Signer, StkPush,
    TransportFailure, parse_callback, parse_ipn,
};
use serde_json::{Value, json};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn ms(v: &Value, key: &str) -> Duration {
    Duration::from_millis(v[key].as_u64().unwrap())
}

fn policy(p: &Value) -> RetryPolicy {
    RetryPolicy {
        max_pushes: p["maxPushes"].as_u64().unwrap() as u32,
        max_retries: p["maxRetries"].as_u64().unwrap() as u32,
        initial_backoff: ms(p, "initialBackoffMs"),
        max_backoff: ms(p, "maxBackoffMs"),
        confirm_delay: ms(p, "confirmDelayMs"),
        first_poll: ms(p, "firstPollMs"),
        max_poll_interval: ms(p, "maxPollIntervalMs"),
        timeout: ms(p, "timeoutMs"),
        request_timeout: ms(p, "requestTimeoutMs"),
        token_wait: ms(p, "tokenWaitMs"),
    }
}

/// The page example, with `callbackUrl` replaced when the case gives one.
fn push_body(callback_url: Option<&str>) -> Vec<u8> {
    let text = std::fs::read_to_string(root().join("tests/vectors/stk_push.json")).unwrap();
    let file: Value = serde_json::from_str(&text).unwrap();
    let mut request = file["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "page-example")
        .unwrap()["input"]["request"]
        .clone();
    if let Some(url) = callback_url {
        request["payment"]["callbackUrl"] = json!(url);
    }
    request.to_string().into_bytes()
}

fn outcome_view(o: &Outcome) -> Value {
    let r = &o.reconciliation;
    json!({
        "kind": o.kind.code(),
        "state": r.state.code(),
        "decidedBy": r.decided_by.map(|s| s.code()),
        "confirmed": r.confirmed,
        "mpesaReceipt": r.mpesa_receipt,
        "amountPaid": r.amount_paid.map(|a| a.to_string()),
        "paymentReferences": o.payment_references,
        "rejectionKind": o.rejection.as_ref().map(|x| x.kind.code()),
        "transportFailure": o.transport_failure.map(|f| f.code()),
    })
}

fn error_code<T>(r: Result<T, jenga_stk::FlowError>) -> Option<&'static str> {
    r.err().map(|e| e.code())
}

fn run_case(case: &Value) {
    let id = case["id"].as_str().unwrap();
    let input = &case["input"];
    let signer = Signer::from_pem(
        &std::fs::read_to_string(root().join("tests/keys/test-pkcs1-2048.pem")).unwrap(),
    )
    .unwrap();
    let push = StkPush::from_json(
        &push_body(input["callbackUrl"].as_str()),
        &RequestOptions::default(),
    )
    .unwrap()
    .sign(&signer)
    .unwrap();
    let tokens = Arc::new(SharedTokens::for_credentials(
        Environment::Uat,
        Credentials::new("key", "merchant", "secret").unwrap(),
    ));
    let mut context = FlowContext::new(tokens);
    if let Some(secret) = input["callbackSecret"].as_str() {
        context = context.with_callback_urls(CallbackUrls::new(secret.as_bytes()).unwrap());
    }
    let start = DateTime::parse_rfc3339(input["start"].as_str().unwrap()).unwrap();
    let seed: u64 = input["seed"].as_str().unwrap().parse().unwrap();
    let mut flow = PaymentFlow::new(
        push,
        context.clone(),
        policy(&input["policy"]),
        None,
        seed,
        start,
    );
    let limits = Limits::default();
    let mut awaiting = false;
    for (n, step) in input["steps"].as_array().unwrap().iter().enumerate() {
        let at = format!("{id} step {n} {step}");
        let now = start.plus(Duration::from_millis(step["at"].as_u64().unwrap()));
        let want_error = step["error"].as_str();
        if let Some(poll) = step.get("poll") {
            match flow.poll(now) {
                Err(e) => assert_eq!(Some(e.code()), poll["error"].as_str(), "{at}"),
                Ok(action) => {
                    assert!(poll.get("error").is_none(), "{at}: got {action:?}");
                    match action {
                        Action::Send(request) => {
                            let want = &poll["send"];
                            assert!(want.is_object(), "{at}: sent {:?}", request.http);
                            assert_eq!(
                                request.endpoint,
                                Endpoint::from_code(want["endpoint"].as_str().unwrap()).unwrap(),
                                "{at}"
                            );
                            assert_eq!(request.http.method.as_str(), want["method"], "{at}");
                            assert_eq!(request.http.url, want["url"].as_str().unwrap(), "{at}");
                            if request.endpoint == Endpoint::Init {
                                let body: Value =
                                    serde_json::from_slice(&request.http.body).unwrap();
                                assert_eq!(
                                    body["payment"]["paymentReference"], want["paymentReference"],
                                    "{at}"
                                );
                                if let Some(url) = want.get("callbackUrl") {
                                    assert_eq!(&body["payment"]["callbackUrl"], url, "{at}");
                                }
                            }
                            assert_eq!(request.timeout, policy(&input["policy"]).request_timeout);
                            awaiting = true;
                        }
                        Action::Wait(until) => {
                            let want = start.plus(Duration::from_millis(
                                poll["wait"]
                                    .as_u64()
                                    .unwrap_or_else(|| panic!("{at}: waits")),
                            ));
                            assert_eq!(until.unix_millis(), want.unix_millis(), "{at}");
                        }
                        Action::Done(outcome) => {
                            assert_eq!(outcome_view(&outcome), poll["done"], "{at}");
                            assert_eq!(Some(outcome), flow.outcome(), "{at}");
                        }
                    }
                }
            }
        } else if let Some(answer) = step.get("answer") {
            let r = flow.handle_response(
                now,
                answer["status"].as_u64().unwrap() as u16,
                answer["retryAfter"].as_str(),
                answer["body"].as_str().unwrap().as_bytes(),
            );
            assert_eq!(error_code(r), want_error, "{at}");
            awaiting = false;
        } else if let Some(failure) = step.get("fail") {
            let failure = TransportFailure::from_code(failure.as_str().unwrap()).unwrap();
            assert_eq!(
                error_code(flow.handle_transport_failure(now, failure)),
                want_error,
                "{at}"
            );
            awaiting = false;
        } else if let Some(body) = step.get("callback") {
            let cb = parse_callback(body.as_str().unwrap().as_bytes(), &limits).unwrap();
            assert_eq!(error_code(flow.handle_callback(cb)), want_error, "{at}");
        } else if let Some(body) = step.get("ipn") {
            let ipn = parse_ipn(body.as_str().unwrap().as_bytes(), &limits).unwrap();
            assert_eq!(error_code(flow.handle_ipn(ipn)), want_error, "{at}");
        } else if step.get("check").is_some() {
            flow.check_status();
        } else if step.get("restore").is_some() {
            flow = PaymentFlow::from_json(flow.to_json().as_bytes(), context.clone()).unwrap();
            awaiting = false;
        } else {
            panic!("{at}: unknown step");
        }
        // Saved and restored between steps, as a web app does: the same JSON again.
        if !awaiting {
            let saved = flow.to_json();
            flow = PaymentFlow::from_json(saved.as_bytes(), context.clone())
                .unwrap_or_else(|e| panic!("{at}: restore: {e}\n{saved}"));
            assert_eq!(
                flow.to_json(),
                saved,
                "{at}: restored flow saves differently"
            );
        }
    }
}

#[test]
fn transcripts() {
    let text = std::fs::read_to_string(root().join("tests/vectors/flows.json")).unwrap();
    let file: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(file["operation"], "flow");
    let cases = file["cases"].as_array().unwrap();
    assert!(cases.len() >= 20);
    for case in cases {
        run_case(case);
    }
}
