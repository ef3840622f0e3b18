//! End-to-end flows over real HTTP: the sandbox on an ephemeral port, a
//! merchant test server receiving callbacks and IPNs, and a client that builds
//! every request and reads every reply with the `jenga-stk` core alone.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::routing::post;
use jenga_sandbox::Config;
use jenga_stk::{
    Amount, CallbackOutcome, CallbackUrls, Credentials, DateTime, Environment, Evidence, Expected,
    FailureReason, HttpRequest, InitResponse, InvoiceState, IpnAuth, IpnStatus, Limits, NextAction,
    PaymentState, RejectionKind, RequestOptions, Signer, StatusResponse, StatusSignature, StkPush,
    TokenAction, TokenState, order_status_request, parse_ipn, parse_status_response, reconcile,
};
use tokio::sync::{Mutex, mpsc};

const DEADLINE: Duration = Duration::from_secs(30);
const SECRET: &[u8] = b"flows test callback secret, 32+ bytes";

fn key(stem: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../tests/keys/{stem}.pem"));
    std::fs::read_to_string(path).unwrap()
}

#[derive(Debug)]
struct Delivery {
    kind: &'static str,
    uri: String,
    authorization: Option<String>,
    body: Vec<u8>,
}

struct MerchantServer {
    tx: mpsc::UnboundedSender<Delivery>,
    /// How many of the next IPN deliveries to answer with 500.
    failing_ipns: AtomicUsize,
}

async fn receive(
    State(s): State<Arc<MerchantServer>>,
    kind: &'static str,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let authorization = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let fail = kind == "ipn"
        && s.failing_ipns
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok();
    let _ = s.tx.send(Delivery {
        kind,
        uri: uri.to_string(),
        authorization,
        body: body.to_vec(),
    });
    if fail {
        StatusCode::INTERNAL_SERVER_ERROR
    } else {
        StatusCode::OK
    }
}

struct World {
    sandbox: jenga_sandbox::Running,
    merchant_url: String,
    merchant: Arc<MerchantServer>,
    deliveries: Mutex<mpsc::UnboundedReceiver<Delivery>>,
    http: reqwest::Client,
    env: Environment,
    signer: Signer,
    tokens: Mutex<TokenState>,
    urls: CallbackUrls,
    ipn_auth: IpnAuth,
}

async fn world() -> World {
    let (tx, rx) = mpsc::unbounded_channel();
    let merchant = Arc::new(MerchantServer {
        tx,
        failing_ipns: AtomicUsize::new(0),
    });
    let app = Router::new()
        .route(
            "/jenga/callback",
            post(|s, uri, h, b| receive(s, "callback", uri, h, b)),
        )
        .route(
            "/jenga/ipn",
            post(|s, uri, h, b| receive(s, "ipn", uri, h, b)),
        )
        .with_state(Arc::clone(&merchant));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let merchant_url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let mut config = Config::with_public_key(key("test-pkcs1-2048.pub"));
    config.ipn_url = Some(format!("{merchant_url}/jenga/ipn"));
    config.callback_delay = Duration::from_millis(20);
    config.ipn_delay = Duration::from_millis(20);
    config.retry_delay = Duration::from_millis(20);
    let ipn_auth = IpnAuth::new(&config.ipn_username, &config.ipn_password).unwrap();
    let creds = Credentials::new(
        &config.api_key,
        &config.merchant_code,
        &config.consumer_secret,
    )
    .unwrap();
    let sandbox = jenga_sandbox::start(config).await.unwrap();
    let env = Environment::custom(&sandbox.base_url()).unwrap();
    World {
        tokens: Mutex::new(TokenState::new(env.clone(), creds)),
        env,
        sandbox,
        merchant_url,
        merchant,
        deliveries: Mutex::new(rx),
        http: reqwest::Client::new(),
        signer: Signer::from_pem(&key("test-pkcs1-2048")).unwrap(),
        urls: CallbackUrls::new(SECRET).unwrap(),
        ipn_auth,
    }
}

fn now() -> DateTime {
    DateTime::from_system_time(SystemTime::now())
}

impl World {
    async fn send(&self, request: &HttpRequest) -> (u16, Vec<u8>) {
        let method = reqwest::Method::from_bytes(request.method.as_str().as_bytes()).unwrap();
        let mut builder = self.http.request(method, &request.url);
        for (name, value) in &request.headers {
            builder = builder.header(name, value);
        }
        let response = builder.body(request.body.clone()).send().await.unwrap();
        let status = response.status().as_u16();
        (status, response.bytes().await.unwrap().to_vec())
    }

    /// A valid token, refreshing through the sandbox when needed.
    async fn token(&self) -> jenga_stk::AccessToken {
        let mut tokens = self.tokens.lock().await;
        match tokens.next_action(now()) {
            TokenAction::Use(token) => token,
            TokenAction::Refresh(request) => {
                let (status, body) = self.send(&request).await;
                tokens
                    .on_response(status, &body, now(), &Limits::default())
                    .unwrap()
                    .access_token()
                    .clone()
            }
        }
    }

    fn push(&self, order: &str, payment: &str, msisdn: &str) -> StkPush {
        let callback = self
            .urls
            .callback_url(
                &format!("{}/jenga/callback", self.merchant_url),
                order,
                payment,
            )
            .unwrap();
        let body = serde_json::json!({
            "order": {"orderReference": order, "orderAmount": 2, "orderCurrency": "KES",
                      "countryCode": "KE", "description": "Purchase"},
            "customer": {"name": "John Doe", "email": "xyx2@gmail.com", "phoneNumber": "0722000111",
                         "identityNumber": "0000000"},
            "payment": {"paymentReference": payment, "paymentCurrency": "KES", "callbackUrl": callback,
                        "details": {"msisdn": msisdn, "paymentAmount": 2}}
        });
        StkPush::from_json(body.to_string().as_bytes(), &RequestOptions::default()).unwrap()
    }

    async fn init_with(&self, push: StkPush, signer: &Signer) -> InitResponse {
        let token = self.token().await;
        let request = push.sign(signer).unwrap().http_request(&self.env, &token);
        let (status, body) = self.send(&request).await;
        jenga_stk::classify_init_response(status, &body, &Limits::default())
    }

    async fn init(&self, push: StkPush) -> InitResponse {
        self.init_with(push, &self.signer).await
    }

    async fn next_delivery(&self) -> Delivery {
        tokio::time::timeout(DEADLINE, self.deliveries.lock().await.recv())
            .await
            .expect("no delivery before the deadline")
            .expect("merchant server gone")
    }

    async fn status(&self, order: &str) -> StatusResponse {
        let token = self.token().await;
        let request =
            order_status_request(&self.env, &token, order, StatusSignature::None).unwrap();
        let (status, body) = self.send(&request).await;
        parse_status_response(status, &body, &Limits::default()).unwrap()
    }

    /// Receives the callback and the IPN, authenticates both, reconciles with a status query.
    async fn complete(
        &self,
        order: &str,
        payment: &str,
    ) -> (
        jenga_stk::StkCallback,
        jenga_stk::Ipn,
        jenga_stk::Reconciliation,
    ) {
        let callback = self.next_delivery().await;
        assert_eq!(callback.kind, "callback");
        let (refs, callback) = self
            .urls
            .verify_callback(&callback.uri, &callback.body, &Limits::default())
            .unwrap();
        assert_eq!(
            (
                refs.order_reference.as_str(),
                refs.payment_reference.as_str()
            ),
            (order, payment)
        );

        let ipn = self.next_delivery().await;
        assert_eq!(ipn.kind, "ipn");
        self.ipn_auth.verify(ipn.authorization.as_deref()).unwrap();
        let ipn = parse_ipn(&ipn.body, &Limits::default()).unwrap();
        assert_eq!(ipn.order_reference(), Some(order));

        let StatusResponse::Found(status) = self.status(order).await else {
            panic!("order {order} not found");
        };
        let decision = reconcile(
            &Expected {
                order_reference: order.to_owned(),
                amount: Some(Amount::from_units(2)),
                currency: Some("KES".to_owned()),
            },
            &Evidence {
                callback: Some(&callback),
                ipns: std::slice::from_ref(&ipn),
                status: Some(&status),
            },
        );
        (callback, ipn, decision)
    }
}

#[tokio::test]
async fn paid_flow_end_to_end() {
    let w = world().await;
    let push = w.push("OR28922980077", "MKQR28922980073", "0722000000");
    let InitResponse::Accepted(accepted) = w.init(push).await else {
        panic!("not accepted");
    };
    assert_eq!(accepted.code, "0");
    assert_eq!(accepted.amount, Some(Amount::from_units(2)));
    assert!(accepted.invoice_number.is_some());

    let (callback, ipn, decision) = w.complete("OR28922980077", "MKQR28922980073").await;
    let CallbackOutcome::Paid(paid) = &callback.outcome else {
        panic!("callback not paid: {callback:?}");
    };
    assert_eq!(paid.amount, Amount::from_units(2));
    assert_eq!(paid.phone_number.as_deref(), Some("254722000000"));
    assert_eq!(ipn.transaction.status, IpnStatus::Success);
    assert_eq!(ipn.dedupe_key(), paid.mpesa_receipt);
    assert_eq!(decision.state, PaymentState::Paid, "{decision:?}");
    assert!(decision.confirmed);
    assert!(decision.conflicts.is_empty(), "{:?}", decision.conflicts);
    assert_eq!(
        decision.mpesa_receipt.as_deref(),
        Some(paid.mpesa_receipt.as_str())
    );

    // A paid order cannot be paid again.
    let again = w
        .init(w.push("OR28922980077", "MKQR28922980074", "0722000000"))
        .await;
    assert!(
        matches!(again, InitResponse::Rejected(r) if r.kind == RejectionKind::DuplicateReference)
    );
    w.sandbox.stop().await;
}

#[tokio::test]
async fn every_failure_outcome() {
    let w = world().await;
    let cases = [
        (
            "0722000001",
            FailureReason::Cancelled,
            InvoiceState::Cancelled,
        ),
        ("0722000002", FailureReason::Timeout, InvoiceState::Expired),
        (
            "0722000003",
            FailureReason::InsufficientFunds,
            InvoiceState::Cancelled,
        ),
        (
            "0722000004",
            FailureReason::WrongPin,
            InvoiceState::Cancelled,
        ),
        (
            "0722000006",
            FailureReason::SubscriberBusy,
            InvoiceState::Cancelled,
        ),
        ("0722000007", FailureReason::Expired, InvoiceState::Expired),
    ];
    for (i, (msisdn, reason, invoice_state)) in cases.into_iter().enumerate() {
        let order = format!("ORFAIL{i}");
        let payment = format!("PAYFAIL{i}");
        let accepted = w.init(w.push(&order, &payment, msisdn)).await;
        assert!(
            matches!(accepted, InitResponse::Accepted(_)),
            "{msisdn}: {accepted:?}"
        );
        let (callback, ipn, decision) = w.complete(&order, &payment).await;
        assert!(
            matches!(&callback.outcome, CallbackOutcome::Failed(f) if f.reason == reason),
            "{msisdn}: {callback:?}"
        );
        assert_eq!(ipn.transaction.status, IpnStatus::Failed, "{msisdn}");
        assert_eq!(
            decision.state,
            PaymentState::Failed,
            "{msisdn}: {decision:?}"
        );
        assert!(decision.confirmed);
        let StatusResponse::Found(status) = w.status(&order).await else {
            panic!()
        };
        assert_eq!(status.invoices[0].status, invoice_state, "{msisdn}");
    }
    w.sandbox.stop().await;
}

#[tokio::test]
async fn push_failure_is_a_retryable_rejection() {
    let w = world().await;
    let InitResponse::Rejected(r) = w.init(w.push("ORPUSH1", "PAYPUSH1", "0722000005")).await
    else {
        panic!("accepted");
    };
    assert_eq!(
        (r.http_status, r.provider_code.as_deref()),
        (200, Some("106201"))
    );
    assert_eq!(r.action, NextAction::RetryWithBackoff);
    assert!(matches!(
        w.status("ORPUSH1").await,
        StatusResponse::NotFound { .. }
    ));
    w.sandbox.stop().await;
}

#[tokio::test]
async fn a_bad_signature_gives_403() {
    let w = world().await;
    let other = Signer::from_pem(&key("test-pkcs8-2048")).unwrap();
    let InitResponse::Rejected(r) = w
        .init_with(w.push("ORSIG1", "PAYSIG1", "0722000000"), &other)
        .await
    else {
        panic!("accepted with the wrong key");
    };
    assert_eq!(r.http_status, 403);
    assert_eq!(r.action, NextAction::FixSignature);
    // Bring-your-own signature that is valid Base64 but over other text is refused too.
    let token = w.token().await;
    let push = w.push("ORSIG2", "PAYSIG2", "0722000000");
    let forged = w.signer.sign(b"something else").unwrap();
    let request = push.with_signature(forged).http_request(&w.env, &token);
    assert_eq!(w.send(&request).await.0, 403);
    w.sandbox.stop().await;
}

#[tokio::test]
async fn an_expired_token_gives_401_and_a_refresh_recovers() {
    let w = world().await;
    let _ = w.token().await;
    // The sandbox's admin route ages every token past its expiry.
    let expired = w
        .http
        .post(format!("{}/sandbox/expire-tokens", w.sandbox.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(expired.status().as_u16(), 204);
    let InitResponse::Rejected(r) = w.init(w.push("ORTOK1", "PAYTOK1", "0722000000")).await else {
        panic!("accepted with an expired token");
    };
    assert_eq!(r.http_status, 401);
    assert_eq!(r.action, NextAction::RefreshTokenAndRetry);
    // What the rejection says: refresh the token and retry once.
    w.tokens.lock().await.invalidate();
    let retried = w.init(w.push("ORTOK1", "PAYTOK1", "0722000000")).await;
    assert!(matches!(retried, InitResponse::Accepted(_)), "{retried:?}");
    w.sandbox.stop().await;
}

#[tokio::test]
async fn a_duplicate_payment_reference_gives_400() {
    let w = world().await;
    let first = w.init(w.push("ORDUP1", "PAYDUP1", "0722000001")).await;
    assert!(matches!(first, InitResponse::Accepted(_)));
    let InitResponse::Rejected(r) = w.init(w.push("ORDUP2", "PAYDUP1", "0722000000")).await else {
        panic!("duplicate accepted");
    };
    assert_eq!(r.http_status, 400);
    assert_eq!(r.kind, RejectionKind::DuplicateReference);
    // A reused reference may be an earlier push of this order whose answer
    // was lost: ask the provider before anything else.
    assert_eq!(r.action, NextAction::CheckStatusFirst);
    w.sandbox.stop().await;
}

#[tokio::test]
async fn ipn_is_retried_on_non_2xx() {
    let w = world().await;
    w.merchant.failing_ipns.store(2, Ordering::SeqCst);
    w.init(w.push("ORRETRY1", "PAYRETRY1", "0722000000")).await;
    let callback = w.next_delivery().await;
    assert_eq!(callback.kind, "callback");
    let mut ipns = Vec::new();
    for _ in 0..3 {
        let d = w.next_delivery().await;
        assert_eq!(d.kind, "ipn");
        ipns.push(parse_ipn(&d.body, &Limits::default()).unwrap());
    }
    // Redeliveries carry the same dedupe key.
    assert!(ipns.iter().all(|i| i.dedupe_key() == ipns[0].dedupe_key()));
    w.sandbox.stop().await;
}

#[tokio::test]
async fn bad_credentials_and_bad_requests() {
    let w = world().await;
    let creds = Credentials::new("wrong-key", "0000000000", "sandbox-consumer-secret").unwrap();
    let (status, body) = w.send(&creds.token_request(&w.env)).await;
    assert_eq!(status, 401);
    let parsed = jenga_stk::parse_token_response(status, &body, now(), &Limits::default()).unwrap();
    assert!(
        matches!(parsed, jenga_stk::TokenResponse::Rejected(r) if r.kind == RejectionKind::Unauthorized)
    );

    // A callback URL that is not loopback is refused by default.
    let body = serde_json::json!({
        "order": {"orderReference": "ORREMOTE", "orderAmount": 2, "orderCurrency": "KES", "countryCode": "KE", "description": "x"},
        "customer": {"name": "J", "email": "j@example.com", "phoneNumber": "0722000111", "identityNumber": "1"},
        "payment": {"paymentReference": "PAYREMOTE", "paymentCurrency": "KES", "callbackUrl": "https://example.com/cb",
                    "details": {"msisdn": "0722000000", "paymentAmount": 2}}
    });
    let push = StkPush::from_json(body.to_string().as_bytes(), &RequestOptions::default()).unwrap();
    let InitResponse::Rejected(r) = w.init(push).await else {
        panic!("remote callback accepted")
    };
    assert_eq!(r.kind, RejectionKind::InvalidRequest);
    w.sandbox.stop().await;
}

#[test]
fn the_binary_prints_its_address_and_serves() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    let key_path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/keys/test-pkcs1-2048.pub.pem");
    let mut child = Command::new(env!("CARGO_BIN_EXE_jenga-sandbox"))
        .args(["--bind", "127.0.0.1:0", "--public-key"])
        .arg(&key_path)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line.trim().to_owned();
    assert!(url.starts_with("http://127.0.0.1:"), "{url:?}");
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let health = runtime.block_on(async {
        reqwest::get(format!("{url}/sandbox/health"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    });
    child.kill().unwrap();
    let _ = child.wait();
    assert_eq!(health, "ok");
    // Without a public key it refuses to start, with a clear message and exit code 2.
    let out = Command::new(env!("CARGO_BIN_EXE_jenga-sandbox"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("public key"));
}

#[test]
fn the_example_config_file_is_valid() {
    use clap::Parser;
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(dir.join("sandbox.example.toml")).unwrap();
    let key = dir.join("../tests/keys/test-pkcs1-2048.pub.pem");
    let tmp = std::env::temp_dir().join(format!("jenga-sandbox-{}.toml", std::process::id()));
    std::fs::write(
        &tmp,
        text.replace(
            "\"public.pem\"",
            &format!("{:?}", key.display().to_string()),
        ),
    )
    .unwrap();
    let args = jenga_sandbox::Args::parse_from([
        "jenga-sandbox",
        "--config",
        tmp.to_str().unwrap(),
        "--ipn-delay-ms",
        "7",
    ]);
    let config = args.resolve().unwrap();
    std::fs::remove_file(&tmp).unwrap();
    assert_eq!(
        config.ipn_url.as_deref(),
        Some("http://127.0.0.1:8080/jenga/ipn")
    );
    assert_eq!(
        config.ipn_delay,
        Duration::from_millis(7),
        "flags win over the file"
    );
    assert_eq!(config.callback_delay, Duration::from_millis(300));
    assert_eq!(config.delivery_attempts, 3);
}
