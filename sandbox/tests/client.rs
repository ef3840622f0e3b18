//! The Rust driver of the core's payment flow (sandbox/examples/driver)
//! against the sandbox over real HTTP, one test per fault the sandbox can
//! commit, each asserting on the sandbox's own counters: one prompt per order
//! when a push's answer is lost, one token request for a hundred concurrent
//! payments, a 401 recovered with one refresh, 5xx and 429 retried within the
//! policy and then reported, duplicate and out-of-order deliveries changing
//! nothing, and a decision from the status query when nothing is delivered.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

#[path = "../examples/driver/mod.rs"]
mod driver;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::routing::post;
use driver::{Evidence, Until, drive, now};
use jenga_sandbox::{CallbackMode, Config, Deliveries, Endpoint, Fault, FaultSpec, IpnMode};
use jenga_stk::{
    CallbackUrls, Credentials, Environment, FlowContext, IpnAuth, Limits, Outcome, OutcomeKind,
    PaymentFlow, RequestOptions, RetryPolicy, SharedTokens, Signer, StkPush, parse_ipn,
};
use tokio::sync::mpsc;

const SECRET: &[u8] = b"test-only callback secret, 32+ bytes long";

/// Fast, so no test waits longer than the sandbox's own delays need.
fn policy() -> RetryPolicy {
    RetryPolicy {
        initial_backoff: Duration::from_millis(20),
        max_backoff: Duration::from_millis(100),
        confirm_delay: Duration::from_millis(50),
        first_poll: Duration::from_millis(150),
        max_poll_interval: Duration::from_millis(300),
        timeout: Duration::from_secs(8),
        request_timeout: Duration::from_millis(1500),
        token_wait: Duration::from_millis(10),
        ..RetryPolicy::default()
    }
}

/// The merchant's endpoints: authenticate, then hand evidence to the payment.
struct Merchant {
    base: String,
    rx: mpsc::UnboundedReceiver<Evidence>,
}

struct Endpoints {
    urls: CallbackUrls,
    ipn_auth: IpnAuth,
    tx: mpsc::UnboundedSender<Evidence>,
}

async fn callback(State(e): State<Arc<Endpoints>>, uri: Uri, body: Bytes) -> StatusCode {
    match e
        .urls
        .verify_callback(&uri.to_string(), &body, &Limits::default())
    {
        Ok((_, cb)) => {
            let _ = e.tx.send(Evidence::Callback(cb));
            StatusCode::OK
        }
        Err(_) => StatusCode::NOT_FOUND,
    }
}

async fn ipn(State(e): State<Arc<Endpoints>>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let auth = headers.get("authorization").and_then(|v| v.to_str().ok());
    if e.ipn_auth.verify(auth).is_err() {
        return StatusCode::UNAUTHORIZED;
    }
    match parse_ipn(&body, &Limits::default()) {
        Ok(ipn) => {
            let _ = e.tx.send(Evidence::Ipn(Box::new(ipn)));
            StatusCode::OK
        }
        Err(_) => StatusCode::BAD_REQUEST,
    }
}

impl Merchant {
    async fn start() -> Merchant {
        let (tx, rx) = mpsc::unbounded_channel();
        let endpoints = Arc::new(Endpoints {
            urls: CallbackUrls::new(SECRET).unwrap(),
            ipn_auth: IpnAuth::new("sandbox-ipn", "sandbox-ipn-password").unwrap(),
            tx,
        });
        let app = Router::new()
            .route("/cb", post(callback))
            .route("/ipn", post(ipn))
            .with_state(endpoints);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Merchant { base, rx }
    }
}

struct World {
    sandbox: jenga_sandbox::Running,
    merchant: Merchant,
    tokens: Arc<SharedTokens>,
    signer: Signer,
    http: reqwest::Client,
}

async fn world() -> World {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let public = std::fs::read_to_string(root.join("tests/keys/test-pkcs1-2048.pub.pem")).unwrap();
    let private = std::fs::read_to_string(root.join("tests/keys/test-pkcs1-2048.pem")).unwrap();
    let merchant = Merchant::start().await;
    let config = Config {
        ipn_url: Some(format!("{}/ipn", merchant.base)),
        callback_delay: Duration::from_millis(30),
        ipn_delay: Duration::from_millis(30),
        retry_delay: Duration::from_millis(20),
        ..Config::with_public_key(public)
    };
    let sandbox = jenga_sandbox::start(config).await.unwrap();
    let tokens = Arc::new(SharedTokens::for_credentials(
        Environment::custom(&sandbox.base_url()).unwrap(),
        Credentials::new("sandbox-api-key", "0000000000", "sandbox-consumer-secret").unwrap(),
    ));
    World {
        sandbox,
        merchant,
        tokens,
        signer: Signer::from_pem(&private).unwrap(),
        http: reqwest::Client::new(),
    }
}

impl World {
    /// A new payment's flow for `order` (pushed to a number that pays).
    fn flow(&self, order: &str) -> PaymentFlow {
        let urls = CallbackUrls::new(SECRET).unwrap();
        let payment = format!("PAY{order}");
        let url = urls
            .callback_url(&format!("{}/cb", self.merchant.base), order, &payment)
            .unwrap();
        let body = serde_json::json!({
            "order": {"orderReference": order, "orderAmount": 2, "orderCurrency": "KES",
                      "countryCode": "KE", "description": "Test"},
            "customer": {"name": "John Doe", "email": "j@example.com", "phoneNumber": "0722000111",
                         "identityNumber": "1"},
            "payment": {"paymentReference": payment, "paymentCurrency": "KES", "callbackUrl": url,
                        "details": {"msisdn": "0722000000", "paymentAmount": 2}}
        });
        let signed = StkPush::from_json(body.to_string().as_bytes(), &RequestOptions::default())
            .unwrap()
            .sign(&self.signer)
            .unwrap();
        let context = FlowContext::new(Arc::clone(&self.tokens)).with_callback_urls(urls);
        PaymentFlow::new(signed, context, policy(), None, 7, now())
    }

    fn inject(&self, endpoint: Endpoint, fault: Fault, times: u32) {
        self.sandbox
            .control()
            .inject(FaultSpec::once(endpoint, fault).times(times))
            .unwrap();
    }

    async fn pay(&mut self, order: &str) -> Outcome {
        let mut flow = self.flow(order);
        let mut log = |_: String| {};
        drive(
            &mut flow,
            &self.http,
            Until::Done,
            Some(&mut self.merchant.rx),
            &mut log,
        )
        .await
        .unwrap()
        .unwrap()
    }

    /// The sandbox's counters once its deliveries are over.
    async fn counters(&self) -> jenga_sandbox::Counters {
        assert!(self.sandbox.control().settle(Duration::from_secs(5)).await);
        self.sandbox.control().counters()
    }
}

#[tokio::test]
async fn a_lost_push_answer_prompts_once_and_still_ends_paid() {
    let mut w = world().await;
    w.inject(Endpoint::Init, Fault::DropAfterAccept, 1);
    let outcome = w.pay("ORDROP1").await;
    assert_eq!(outcome.kind, OutcomeKind::Paid, "{outcome:?}");
    assert_eq!(outcome.payment_references.len(), 1);
    let c = w.counters().await;
    assert_eq!(c.pushes.get("ORDROP1"), Some(&1), "{c:?}");
    assert!(c.status_queries >= 1);
}

#[tokio::test]
async fn a_push_answered_past_the_timeout_prompts_once() {
    let mut w = world().await;
    w.inject(
        Endpoint::Init,
        Fault::Slow {
            delay: Duration::from_millis(2500),
        },
        1,
    );
    let outcome = w.pay("ORSLOW1").await;
    assert_eq!(outcome.kind, OutcomeKind::Paid, "{outcome:?}");
    assert_eq!(outcome.transport_failure.map(|f| f.code()), Some("timeout"));
    assert_eq!(w.counters().await.pushes.get("ORSLOW1"), Some(&1));
}

#[tokio::test]
async fn an_html_5xx_before_processing_is_asked_about_then_pushed_again_once() {
    let mut w = world().await;
    w.inject(
        Endpoint::Init,
        Fault::ServerErrorHtml {
            status: 502,
            after_accept: false,
        },
        1,
    );
    let outcome = w.pay("OR5XX1").await;
    assert_eq!(outcome.kind, OutcomeKind::Paid, "{outcome:?}");
    // Unknown twice, so pushed again with a new reference: still one prompt.
    assert_eq!(outcome.payment_references.len(), 2);
    let c = w.counters().await;
    assert_eq!(c.pushes.get("OR5XX1"), Some(&1), "{c:?}");
    assert_eq!(c.init_requests, 2);
}

#[tokio::test]
async fn a_hundred_concurrent_payments_make_one_token_request() {
    let w = Arc::new(world().await);
    // Signed first (signing is CPU work that would hold up the runtime), then
    // all hundred started at once.
    let flows: Vec<PaymentFlow> = (0..100).map(|i| w.flow(&format!("ORCONC{i}"))).collect();
    let mut tasks = Vec::new();
    for mut flow in flows {
        let w = Arc::clone(&w);
        tasks.push(tokio::spawn(async move {
            let mut log = |_: String| {};
            drive(&mut flow, &w.http, Until::Pushed, None, &mut log)
                .await
                .unwrap();
            flow.accepted().is_some()
        }));
    }
    for t in tasks {
        assert!(t.await.unwrap());
    }
    let c = w.sandbox.control().counters();
    assert_eq!(c.token_requests, 1, "{c:?}");
    assert_eq!(c.pushes_total, 100);
}

#[tokio::test]
async fn a_401_is_recovered_with_one_refresh() {
    let mut w = world().await;
    w.inject(Endpoint::Init, Fault::Unauthorized, 1);
    let outcome = w.pay("OR4011").await;
    assert_eq!(outcome.kind, OutcomeKind::Paid, "{outcome:?}");
    let c = w.counters().await;
    assert_eq!(c.token_requests, 2, "{c:?}");
    assert_eq!(c.pushes.get("OR4011"), Some(&1));
}

#[tokio::test]
async fn a_token_endpoint_that_keeps_failing_is_retried_within_bounds_then_not_sent() {
    let mut w = world().await;
    let retries = policy().max_retries;
    w.inject(
        Endpoint::Token,
        Fault::ServerErrorHtml {
            status: 503,
            after_accept: false,
        },
        retries + 1,
    );
    let outcome = w.pay("ORTOK5XX").await;
    assert_eq!(outcome.kind, OutcomeKind::NotSent, "{outcome:?}");
    assert_eq!(
        outcome.rejection.map(|r| r.kind.code()),
        Some("server_error")
    );
    let c = w.counters().await;
    assert_eq!(c.token_requests, u64::from(retries) + 1, "{c:?}");
    assert_eq!(c.init_requests, 0);
}

#[tokio::test]
async fn a_push_rate_limited_beyond_the_policy_is_rejected() {
    let mut w = world().await;
    w.inject(
        Endpoint::Init,
        Fault::RateLimited {
            retry_after_secs: 1,
        },
        2,
    );
    let outcome = w.pay("OR429").await;
    assert_eq!(outcome.kind, OutcomeKind::Rejected, "{outcome:?}");
    assert_eq!(
        outcome.rejection.map(|r| r.kind.code()),
        Some("rate_limited")
    );
    let c = w.counters().await;
    assert_eq!(c.init_requests, u64::from(policy().max_pushes), "{c:?}");
    assert_eq!(c.pushes_total, 0);
}

#[tokio::test]
async fn duplicate_and_out_of_order_deliveries_change_nothing() {
    for (callback, ipn) in [
        (CallbackMode::Twice, IpnMode::Twice),
        (CallbackMode::AfterIpn, IpnMode::Normal),
        (CallbackMode::Normal, IpnMode::Twice),
    ] {
        let mut w = world().await;
        w.sandbox.control().set_deliveries(Deliveries {
            callback,
            ipn,
            ..Deliveries::default()
        });
        let order = format!("ORDUP{callback:?}{ipn:?}");
        let mut flow = w.flow(&order);
        let mut log = |_: String| {};
        let outcome = drive(
            &mut flow,
            &w.http,
            Until::Done,
            Some(&mut w.merchant.rx),
            &mut log,
        )
        .await
        .unwrap()
        .unwrap();
        assert_eq!(outcome.kind, OutcomeKind::Paid, "{callback:?} {ipn:?}");
        // Every delivery that still comes is handed in: the outcome stays one paid payment.
        w.counters().await;
        while let Ok(evidence) = w.merchant.rx.try_recv() {
            match evidence {
                Evidence::Callback(cb) => flow.handle_callback(cb).unwrap(),
                Evidence::Ipn(ipn) => flow.handle_ipn(*ipn).unwrap(),
            }
        }
        let again = flow.outcome().unwrap();
        assert_eq!(again.kind, OutcomeKind::Paid);
        assert_eq!(
            again.reconciliation.mpesa_receipt,
            outcome.reconciliation.mpesa_receipt
        );
        assert!(
            again.reconciliation.conflicts.is_empty(),
            "{:?}",
            again.reconciliation.conflicts
        );
        assert_eq!(w.counters().await.pushes.get(&order), Some(&1));
    }
}

#[tokio::test]
async fn with_nothing_delivered_the_status_query_decides() {
    let mut w = world().await;
    w.sandbox.control().set_deliveries(Deliveries {
        callback: CallbackMode::Never,
        ipn: IpnMode::Never,
        ..Deliveries::default()
    });
    let outcome = w.pay("ORQUIET1").await;
    assert_eq!(outcome.kind, OutcomeKind::Paid, "{outcome:?}");
    assert_eq!(
        outcome.reconciliation.decided_by.map(|s| s.code()),
        Some("status_query")
    );
    let c = w.counters().await;
    assert_eq!((c.callbacks_delivered, c.ipns_delivered), (0, 0));
}
