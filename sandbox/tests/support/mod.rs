//! Shared helpers for the sandbox's HTTP tests that speak to it with reqwest
//! directly (no core payment flow): a merchant server that records callbacks
//! and IPNs, push bodies with the amount written as a given literal, and
//! signatures made with the test key.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use jenga_sandbox::Config;
use jenga_stk::Signer;
use serde_json::Value;
use tokio::sync::{Mutex, mpsc};

/// How long a test waits for something that should happen within milliseconds.
pub const DEADLINE: Duration = Duration::from_secs(10);

pub fn key(stem: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../tests/keys/{stem}.pem"));
    std::fs::read_to_string(path).unwrap()
}

/// A sandbox configuration with 20 ms delays, IPNs to `ipn_url`.
pub fn config(ipn_url: Option<String>) -> Config {
    let mut config = Config::with_public_key(key("test-pkcs1-2048.pub"));
    config.ipn_url = ipn_url;
    config.callback_delay = Duration::from_millis(20);
    config.ipn_delay = Duration::from_millis(20);
    config.retry_delay = Duration::from_millis(20);
    config
}

/// One delivery the merchant server received.
#[derive(Debug)]
pub struct Delivery {
    pub kind: &'static str,
    pub authorization: Option<String>,
    pub body: Value,
}

/// A merchant server recording callbacks (`/cb`) and IPNs (`/ipn`).
pub struct Merchant {
    pub url: String,
    rx: Mutex<mpsc::UnboundedReceiver<Delivery>>,
}

async fn record(
    State(tx): State<Arc<mpsc::UnboundedSender<Delivery>>>,
    kind: &'static str,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let authorization = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let _ = tx.send(Delivery {
        kind,
        authorization,
        body,
    });
    StatusCode::OK
}

impl Merchant {
    pub async fn start() -> Merchant {
        let (tx, rx) = mpsc::unbounded_channel();
        let app = Router::new()
            .route("/cb", post(|s, h, b| record(s, "callback", h, b)))
            .route("/ipn", post(|s, h, b| record(s, "ipn", h, b)))
            .with_state(Arc::new(tx));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Merchant {
            url,
            rx: Mutex::new(rx),
        }
    }

    pub fn callback_url(&self) -> String {
        format!("{}/cb", self.url)
    }

    pub fn ipn_url(&self) -> String {
        format!("{}/ipn", self.url)
    }

    /// The next delivery, failing the test after [`DEADLINE`].
    pub async fn next(&self) -> Delivery {
        tokio::time::timeout(DEADLINE, self.rx.lock().await.recv())
            .await
            .expect("no delivery before the deadline")
            .expect("merchant server gone")
    }

    /// Asserts nothing more arrives within `quiet`.
    pub async fn nothing_more(&self, quiet: Duration) {
        if let Ok(Some(d)) = tokio::time::timeout(quiet, self.rx.lock().await.recv()).await {
            panic!("unexpected delivery: {d:?}");
        }
    }
}

/// A push body with every field of the page's table; `amount` is the JSON
/// literal written for both amounts (`2`, `2.00`, `"2.00"`).
pub fn push_body(order: &str, payment: &str, msisdn: &str, amount: &str, callback: &str) -> String {
    let text = |s: &str| serde_json::to_string(s).unwrap();
    format!(
        r#"{{"order":{{"orderReference":{o},"orderAmount":{amount},"orderCurrency":"KES","source":"APICHECKOUT","countryCode":"KE","description":"Purchase"}},"customer":{{"name":"John Doe","email":"xyx2@gmail.com","phoneNumber":"0722000111","identityNumber":"0000000"}},"payment":{{"paymentReference":{p},"paymentCurrency":"KES","channel":"MOBILE","service":"MPESA","provider":"JENGA","callbackUrl":{c},"details":{{"msisdn":{m},"paymentAmount":{amount}}}}}}}"#,
        o = text(order),
        p = text(payment),
        c = text(callback),
        m = text(msisdn),
    )
}

/// A client of the sandbox speaking plain HTTP.
pub struct Client {
    pub base: String,
    pub http: reqwest::Client,
    pub signer: Signer,
}

impl Client {
    pub fn new(base: String) -> Client {
        Client {
            base,
            // No test can hang on a sandbox that never answers.
            http: reqwest::Client::builder()
                .timeout(DEADLINE)
                .build()
                .unwrap(),
            signer: Signer::from_pem(&key("test-pkcs1-2048")).unwrap(),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Base64 RSA-SHA256 of `text` with the test key.
    pub fn sign(&self, text: &str) -> String {
        self.signer
            .sign(text.as_bytes())
            .unwrap()
            .as_str()
            .to_owned()
    }

    pub async fn token_response(&self) -> reqwest::Result<reqwest::Response> {
        self.http
            .post(self.url(jenga_stk::TOKEN_PATH))
            .header("api-key", jenga_sandbox::config::DEFAULT_API_KEY)
            .header("content-type", "application/json")
            .body(
                serde_json::json!({
                    "merchantCode": jenga_sandbox::config::DEFAULT_MERCHANT_CODE,
                    "consumerSecret": jenga_sandbox::config::DEFAULT_CONSUMER_SECRET,
                })
                .to_string(),
            )
            .send()
            .await
    }

    /// A fresh access token (asserts the sandbox gave one).
    pub async fn token(&self) -> String {
        let r = self.token_response().await.unwrap();
        assert_eq!(r.status().as_u16(), 200);
        let v = json(r).await;
        v["accessToken"].as_str().unwrap().to_owned()
    }

    /// POSTs a push body with a signature (over `signed`) as given.
    pub async fn push_signed(
        &self,
        token: &str,
        body: &str,
        signed: &str,
    ) -> reqwest::Result<reqwest::Response> {
        self.http
            .post(self.url(jenga_stk::STK_PUSH_PATH))
            .bearer_auth(token)
            .header("content-type", "application/json")
            .header("signature", self.sign(signed))
            .body(body.to_owned())
            .send()
            .await
    }

    /// A push of `amount` (a JSON literal) to `msisdn`, signed over the literal's text.
    pub async fn push(
        &self,
        token: &str,
        order: &str,
        payment: &str,
        msisdn: &str,
        callback: &str,
    ) -> reqwest::Result<reqwest::Response> {
        let body = push_body(order, payment, msisdn, "2", callback);
        self.push_signed(token, &body, &format!("{order}KES{msisdn}2"))
            .await
    }

    pub async fn status(&self, token: &str, order: &str) -> reqwest::Result<reqwest::Response> {
        self.http
            .get(self.url(&format!("{}{order}", jenga_stk::STATUS_PATH_PREFIX)))
            .bearer_auth(token)
            .send()
            .await
    }

    /// A control call: `method` on `/sandbox/{path}` with an optional JSON body.
    pub async fn control(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        let mut request = self
            .http
            .request(method, self.url(&format!("/sandbox/{path}")));
        if let Some(body) = body {
            request = request
                .header("content-type", "application/json")
                .body(body.to_string());
        }
        let r = request.send().await.unwrap();
        let status = r.status().as_u16();
        let text = r.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    pub async fn counters(&self) -> Value {
        let (status, v) = self.control(reqwest::Method::GET, "counters", None).await;
        assert_eq!(status, 200);
        v
    }
}

/// Asserts a provider error body: exactly status, code, message, error_code.
pub fn assert_provider_error(body: &Value, code: u64, error_code: &str) {
    let o = body.as_object().expect("a JSON object");
    assert_eq!(o.len(), 4, "{body}");
    assert_eq!(o["status"], Value::Bool(false), "{body}");
    assert_eq!(o["code"].as_u64(), Some(code), "{body}");
    assert_eq!(o["error_code"].as_str(), Some(error_code), "{body}");
    assert!(o["message"].is_string(), "{body}");
}

/// A response's body as JSON (`null` when it is not JSON).
pub async fn json(response: reqwest::Response) -> Value {
    let bytes = response.bytes().await.unwrap();
    serde_json::from_slice(&bytes).unwrap_or(Value::Null)
}

impl Client {
    /// `POST /sandbox/faults` (asserts 201).
    pub async fn inject(&self, fault: Value) {
        let (status, v) = self
            .control(reqwest::Method::POST, "faults", Some(fault))
            .await;
        assert_eq!(status, 201, "{v}");
    }

    /// `POST /sandbox/deliveries` (asserts 200).
    pub async fn deliveries(&self, modes: Value) {
        let (status, v) = self
            .control(reqwest::Method::POST, "deliveries", Some(modes))
            .await;
        assert_eq!(status, 200, "{v}");
    }

    /// `POST /sandbox/settle`: waits for pending deliveries, then the counters.
    pub async fn settle(&self) -> Value {
        let (status, v) = self
            .control(
                reqwest::Method::POST,
                "settle",
                Some(serde_json::json!({"timeoutMs": 10_000})),
            )
            .await;
        assert_eq!((status, &v["settled"]), (200, &Value::Bool(true)), "{v}");
        v["counters"].clone()
    }
}

/// The status query's answer as JSON.
pub async fn order_status(client: &Client, token: &str, order: &str) -> Value {
    let r = client.status(token, order).await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    json(r).await
}
