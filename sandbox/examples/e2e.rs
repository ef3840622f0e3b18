//! An end-to-end STK push payment, printed step by step: the core's payment
//! flow decides every request (token, signed push, status queries) and the
//! outcome; this program only moves bytes (reqwest for requests, axum for the
//! merchant's callback and IPN endpoints, which authenticate what they
//! receive and hand it to the flow). Exits 0 only if the payment ends paid.
//!
//! `make demo` runs it against the local sandbox; the same program runs
//! against the provider's UAT:
//!
//! ```sh
//! JENGA_ENV=uat JENGA_API_KEY=… JENGA_MERCHANT_CODE=… JENGA_CONSUMER_SECRET=… \
//! JENGA_PRIVATE_KEY=private.pem JENGA_MSISDN=07XXXXXXXX \
//! JENGA_CALLBACK_LISTEN=127.0.0.1:8080 JENGA_CALLBACK_PUBLIC_URL=https://your-tunnel.example \
//!   cargo run -p jenga-sandbox --example e2e
//! ```

#[path = "driver/mod.rs"]
mod driver;

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::routing::post;
use driver::{Evidence, Until, drive, now};
use jenga_stk::{
    Amount, AmountDecimals, AmountEncoding, AmountStyle, CallbackUrls, Credentials, Environment,
    FlowContext, IpnAuth, Limits, OutcomeKind, PaymentFlow, RequestOptions, RetryPolicy,
    SharedTokens, Signer, StkPush, parse_ipn,
};
use tokio::sync::mpsc;

type Failure = Box<dyn std::error::Error + Send + Sync>;

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

fn required(name: &str) -> Result<String, Failure> {
    env(name).ok_or_else(|| format!("set {name}").into())
}

/// What the merchant's endpoints need to authenticate deliveries.
struct Endpoints {
    urls: CallbackUrls,
    ipn_auth: IpnAuth,
    evidence: mpsc::UnboundedSender<Evidence>,
}

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(OutcomeKind::Paid) => {
            println!("\n== RESULT: PAID");
            ExitCode::SUCCESS
        }
        Ok(kind) => {
            println!("\n== RESULT: {} (not paid)", kind.code());
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("\n== FAILED: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<OutcomeKind, Failure> {
    let environment = Environment::parse(&required("JENGA_ENV")?)?;
    let credentials = Credentials::new(
        required("JENGA_API_KEY")?,
        required("JENGA_MERCHANT_CODE")?,
        required("JENGA_CONSUMER_SECRET")?,
    )?;
    let signer = Signer::from_pem(&std::fs::read_to_string(required("JENGA_PRIVATE_KEY")?)?)?;
    let msisdn = env("JENGA_MSISDN").unwrap_or_else(|| "0722000000".into());
    let amount: Amount = env("JENGA_AMOUNT").unwrap_or_else(|| "2".into()).parse()?;
    let ipn_auth = IpnAuth::new(
        &env("JENGA_IPN_USERNAME").unwrap_or_else(|| "sandbox-ipn".into()),
        &env("JENGA_IPN_PASSWORD").unwrap_or_else(|| "sandbox-ipn-password".into()),
    )?;
    let wait = Duration::from_secs(env("JENGA_WAIT_SECS").map_or(Ok(120), |s| s.parse())?);
    let options = RequestOptions {
        amount_style: AmountStyle {
            decimals: match env("JENGA_AMOUNT_DECIMALS").as_deref() {
                Some("two") => AmountDecimals::Two,
                _ => AmountDecimals::Whole,
            },
            encoding: match env("JENGA_AMOUNT_ENCODING").as_deref() {
                Some("string") => AmountEncoding::String,
                _ => AmountEncoding::Number,
            },
        },
        ..RequestOptions::default()
    };
    let stamp = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)?
        .as_millis();
    let secret = env("JENGA_CALLBACK_SECRET")
        .unwrap_or_else(|| format!("demo-only-secret-{stamp}-padding-to-32-bytes"));
    let urls = CallbackUrls::new(secret.as_bytes())?;
    println!("== environment: {}", environment.base_url());

    // The merchant's callback and IPN endpoints: authenticate, then hand in.
    let listen: SocketAddr = env("JENGA_CALLBACK_LISTEN")
        .unwrap_or_else(|| "127.0.0.1:0".into())
        .parse()?;
    let listener = tokio::net::TcpListener::bind(listen).await?;
    let local = listener.local_addr()?;
    let public = env("JENGA_CALLBACK_PUBLIC_URL").unwrap_or_else(|| format!("http://{local}"));
    let (tx, mut evidence) = mpsc::unbounded_channel();
    let endpoints = Arc::new(Endpoints {
        urls: urls.clone(),
        ipn_auth,
        evidence: tx,
    });
    let app = Router::new()
        .route("/jenga/callback", post(callback))
        .route("/jenga/ipn", post(ipn))
        .with_state(endpoints);
    tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            eprintln!("listener: {e}");
        }
    });
    println!("== merchant endpoints on {local} (public: {public}); IPN URL {public}/jenga/ipn");

    // The push: validated, with a callback URL carrying its own token, signed.
    let order_reference = format!("OR{stamp}");
    let payment_reference = format!("PAY{stamp}");
    let callback_url = urls.callback_url(
        &format!("{public}/jenga/callback"),
        &order_reference,
        &payment_reference,
    )?;
    let body = serde_json::json!({
        "order": {"orderReference": order_reference, "orderAmount": amount.to_string(), "orderCurrency": "KES",
                  "countryCode": "KE", "description": "Demo purchase"},
        "customer": {"name": "John Doe", "email": "john@example.com", "phoneNumber": msisdn,
                     "identityNumber": "0000000"},
        "payment": {"paymentReference": payment_reference, "paymentCurrency": "KES", "callbackUrl": callback_url,
                    "details": {"msisdn": msisdn, "paymentAmount": amount.to_string()}}
    });
    let push = StkPush::from_json(body.to_string().as_bytes(), &options)?;
    println!(
        "\n1. STK push for order {order_reference}\n   signing string: {}",
        push.signing_string()
    );
    let signed = push.sign(&signer)?;
    signed.verify(&signer.verifier())?;

    // The flow: one SharedTokens per client, the callback secret for pushes
    // sent again, the policy's deadline as the waiting time.
    let tokens = Arc::new(SharedTokens::for_credentials(environment, credentials));
    let context = FlowContext::new(tokens).with_callback_urls(urls);
    let policy = RetryPolicy {
        timeout: wait,
        first_poll: Duration::from_secs(2),
        ..RetryPolicy::default()
    };
    let seed = u64::try_from(stamp % u128::from(u64::MAX)).unwrap_or(1);
    let mut flow = PaymentFlow::new(signed, context, policy, None, seed, now());
    let http = reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(10))
        .build()?;
    let mut log = |line: String| println!("   {line}");

    println!("\n2. the flow pushes (token first)");
    drive(
        &mut flow,
        &http,
        Until::Pushed,
        Some(&mut evidence),
        &mut log,
    )
    .await?;
    if let Some(accepted) = flow.accepted() {
        println!(
            "   accepted (code {}), invoice {}: the prompt is on the phone",
            accepted.code,
            accepted.invoice_number.as_deref().unwrap_or("?")
        );
    }
    // Saved with the order in a real shop; any process can resume it.
    let saved = flow.to_json();
    println!(
        "   flow state saved ({} bytes of JSON, no secrets)",
        saved.len()
    );

    println!("\n3. waiting for the customer: callback, IPN, status queries");
    let outcome = drive(&mut flow, &http, Until::Done, Some(&mut evidence), &mut log)
        .await?
        .ok_or("the flow stopped without an outcome")?;
    let r = &outcome.reconciliation;
    println!(
        "\n4. outcome: {} ({}, decided by {}, confirmed {}, receipt {:?}, {} push(es))",
        outcome.kind.code(),
        r.state.code(),
        r.decided_by.map_or("nothing", |s| s.code()),
        r.confirmed,
        r.mpesa_receipt,
        outcome.payment_references.len()
    );
    for c in &r.conflicts {
        println!("   conflict: {}", c.description);
    }
    Ok(outcome.kind)
}

async fn callback(State(e): State<Arc<Endpoints>>, uri: Uri, body: Bytes) -> StatusCode {
    match e
        .urls
        .verify_callback(&uri.to_string(), &body, &Limits::default())
    {
        Ok((_, cb)) => {
            println!("   <- callback, URL token verified");
            let _ = e.evidence.send(Evidence::Callback(cb));
            StatusCode::OK
        }
        Err(err) => {
            println!("   <- callback REFUSED ({})", err.code());
            StatusCode::NOT_FOUND
        }
    }
}

async fn ipn(State(e): State<Arc<Endpoints>>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let authorization = headers.get("authorization").and_then(|v| v.to_str().ok());
    if let Err(err) = e.ipn_auth.verify(authorization) {
        println!("   <- IPN REFUSED ({})", err.code());
        return StatusCode::UNAUTHORIZED;
    }
    match parse_ipn(&body, &Limits::default()) {
        Ok(ipn) => {
            println!(
                "   <- IPN, Basic auth verified (dedupe key {})",
                ipn.dedupe_key()
            );
            let _ = e.evidence.send(Evidence::Ipn(Box::new(ipn)));
            StatusCode::OK
        }
        Err(err) => {
            println!("   <- IPN unreadable ({})", err.code());
            StatusCode::BAD_REQUEST
        }
    }
}
