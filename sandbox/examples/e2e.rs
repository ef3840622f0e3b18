//! An end-to-end STK push payment, printed step by step: token, signed push,
//! callback (URL token verified), IPN (Basic auth verified), status query and
//! the reconciled decision. Exits 0 only if the payment ends paid.
//!
//! Every request is built and every reply read by the `jenga-stk` core; this
//! program only does the I/O (reqwest for requests, axum for the callback and
//! IPN listener). `make demo` runs it against the local sandbox; the same
//! program runs against the provider's UAT:
//!
//! ```sh
//! JENGA_ENV=uat JENGA_API_KEY=… JENGA_MERCHANT_CODE=… JENGA_CONSUMER_SECRET=… \
//! JENGA_PRIVATE_KEY=private.pem JENGA_MSISDN=07XXXXXXXX \
//! JENGA_CALLBACK_LISTEN=127.0.0.1:8080 JENGA_CALLBACK_PUBLIC_URL=https://your-tunnel.example \
//!   cargo run -p jenga-sandbox --example e2e
//! ```

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::routing::post;
use jenga_stk::{
    AccessToken, Amount, AmountDecimals, AmountEncoding, AmountStyle, CallbackOutcome,
    CallbackUrls, Credentials, DateTime, Environment, Evidence, Expected, HttpRequest,
    InitResponse, IpnAuth, Limits, PaymentState, RequestOptions, Signer, StatusResponse,
    StatusSignature, StkPush, TokenAction, TokenState, classify_init_response,
    order_status_request, parse_ipn, parse_status_response, reconcile,
};
use tokio::sync::mpsc;

type Failure = Box<dyn std::error::Error + Send + Sync>;

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

fn required(name: &str) -> Result<String, Failure> {
    env(name).ok_or_else(|| format!("set {name}").into())
}

struct Received {
    kind: &'static str,
    target: String,
    authorization: Option<String>,
    body: Vec<u8>,
}

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(PaymentState::Paid) => {
            println!("\n== RESULT: PAID");
            ExitCode::SUCCESS
        }
        Ok(state) => {
            println!("\n== RESULT: {state:?} (not paid)");
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("\n== FAILED: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn send(http: &reqwest::Client, request: &HttpRequest) -> Result<(u16, Vec<u8>), Failure> {
    let method = reqwest::Method::from_bytes(request.method.as_str().as_bytes())?;
    let mut builder = http.request(method, &request.url);
    for (name, value) in &request.headers {
        builder = builder.header(name, value);
    }
    let response = builder.body(request.body.clone()).send().await?;
    Ok((response.status().as_u16(), response.bytes().await?.to_vec()))
}

fn now() -> DateTime {
    DateTime::from_system_time(SystemTime::now())
}

async fn run() -> Result<PaymentState, Failure> {
    let limits = Limits::default();
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
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()?;
    println!("== environment: {}", environment.base_url());

    // The merchant's callback and IPN listener.
    let listen: SocketAddr = env("JENGA_CALLBACK_LISTEN")
        .unwrap_or_else(|| "127.0.0.1:0".into())
        .parse()?;
    let listener = tokio::net::TcpListener::bind(listen).await?;
    let local = listener.local_addr()?;
    let public = env("JENGA_CALLBACK_PUBLIC_URL").unwrap_or_else(|| format!("http://{local}"));
    let (tx, mut rx) = mpsc::unbounded_channel::<Received>();
    let tx = Arc::new(tx);
    let app = Router::new()
        .route(
            "/jenga/callback",
            post(|s, u, h, b| receive(s, "callback", u, h, b)),
        )
        .route("/jenga/ipn", post(|s, u, h, b| receive(s, "ipn", u, h, b)))
        .with_state(tx);
    tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            eprintln!("listener: {e}");
        }
    });
    println!("== merchant listener on {local} (public: {public}); IPN URL {public}/jenga/ipn");

    // 1. Token.
    let mut tokens = TokenState::new(environment.clone(), credentials);
    let token: AccessToken = match tokens.next_action(now()) {
        TokenAction::Use(t) => t,
        TokenAction::Refresh(request) => {
            println!(
                "\n1. token request\n{}",
                indent(&request.to_redacted_string())
            );
            let (status, body) = send(&http, &request).await?;
            let token = tokens.on_response(status, &body, now(), &limits)?;
            println!(
                "   HTTP {status}: token received, expires at {} (refreshed 60 s before)",
                token.expires_at()
            );
            token.access_token().clone()
        }
    };

    // 2. The signed STK push.
    let stamp = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)?
        .as_millis();
    let order_reference = format!("OR{stamp}");
    let payment_reference = format!("PAY{stamp}");
    let secret = env("JENGA_CALLBACK_SECRET")
        .unwrap_or_else(|| format!("demo-only-secret-{stamp}-padding-to-32-bytes"));
    let urls = CallbackUrls::new(secret.as_bytes())?;
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
        "\n2. STK push\n   signing string: {}",
        push.signing_string()
    );
    let signed = push.sign(&signer)?;
    signed.verify(&signer.verifier())?;
    println!(
        "   signature (RSA-SHA256, Base64): {}…",
        &signed.signature().as_str().get(..32).unwrap_or_default()
    );
    let request = signed.http_request(&environment, &token);
    println!("{}", indent(&request.to_redacted_string()));
    let (status, reply) = send(&http, &request).await?;
    match classify_init_response(status, &reply, &limits) {
        InitResponse::Accepted(ok) => println!(
            "   HTTP {status}: accepted (code {}), invoice {}",
            ok.code,
            ok.invoice_number.as_deref().unwrap_or("?")
        ),
        InitResponse::Rejected(r) => return Err(format!("push refused: {r}").into()),
    }

    // 3 and 4. The callback and the IPN, each authenticated.
    let deadline = tokio::time::Instant::now() + wait;
    let (mut callback, mut ipns) = (None, Vec::new());
    while callback.is_none() || ipns.is_empty() {
        let Ok(Some(msg)) = tokio::time::timeout_at(deadline, rx.recv()).await else {
            println!("   (stopped waiting after {} s)", wait.as_secs());
            break;
        };
        match msg.kind {
            "callback" => match urls.verify_callback(&msg.target, &msg.body, &limits) {
                Ok((_, cb)) => {
                    let outcome = match &cb.outcome {
                        CallbackOutcome::Paid(p) => format!(
                            "paid {} (receipt {}, {})",
                            p.amount,
                            p.mpesa_receipt,
                            p.transaction_date
                                .map_or_else(|| "no date".to_owned(), |d| d.to_string())
                        ),
                        CallbackOutcome::Failed(f) => {
                            format!("failed: {} ({})", f.reason.code(), cb.result_code)
                        }
                    };
                    println!("\n3. callback received; URL token verified; {outcome}");
                    callback = Some(cb);
                }
                Err(e) => println!("\n3. callback REFUSED ({}): {e}", e.code()),
            },
            _ => match ipn_auth.verify(msg.authorization.as_deref()) {
                Ok(()) => {
                    let ipn = parse_ipn(&msg.body, &limits)?;
                    println!(
                        "\n4. IPN received; Basic auth verified; {} {} {} (dedupe key {})",
                        ipn.transaction.status.as_str(),
                        ipn.transaction.amount,
                        ipn.transaction
                            .currency
                            .as_deref()
                            .unwrap_or("(no currency)"),
                        ipn.dedupe_key()
                    );
                    if !ipns
                        .iter()
                        .any(|i: &jenga_stk::Ipn| i.dedupe_key() == ipn.dedupe_key())
                    {
                        ipns.push(ipn);
                    }
                }
                Err(e) => println!("\n4. IPN REFUSED ({}): {e}", e.code()),
            },
        }
    }

    // 5. The status query.
    let request = order_status_request(
        &environment,
        &token,
        &order_reference,
        StatusSignature::None,
    )?;
    let (status, reply) = send(&http, &request).await?;
    let found = match parse_status_response(status, &reply, &limits)? {
        StatusResponse::Found(found) => {
            println!(
                "\n5. status query: order {} {} (paid {} of {})",
                found.order.order_reference,
                found.order.status.as_str(),
                found.order.amount_paid,
                found.order.order_amount
            );
            Some(found)
        }
        other => {
            println!("\n5. status query: {other:?}");
            None
        }
    };

    // 6. The decision.
    let decision = reconcile(
        &Expected {
            order_reference: order_reference.clone(),
            amount: Some(amount),
            currency: Some("KES".into()),
        },
        &Evidence {
            callback: callback.as_ref(),
            ipns: &ipns,
            status: found.as_ref(),
        },
    );
    println!(
        "\n6. reconciled: {:?}, decided by {:?}, confirmed {}, receipt {:?}, conflicts {}",
        decision.state,
        decision.decided_by,
        decision.confirmed,
        decision.mpesa_receipt,
        decision.conflicts.len()
    );
    for c in &decision.conflicts {
        println!("   conflict: {}", c.description);
    }
    Ok(if decision.confirmed {
        decision.state
    } else {
        PaymentState::Pending
    })
}

async fn receive(
    State(tx): State<Arc<mpsc::UnboundedSender<Received>>>,
    kind: &'static str,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let authorization = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let _ = tx.send(Received {
        kind,
        target: uri.to_string(),
        authorization,
        body: body.to_vec(),
    });
    StatusCode::OK
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|l| format!("   | {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}
