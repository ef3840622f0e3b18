//! The sandbox misbehaving on purpose, over real HTTP with reqwest (and raw
//! TCP where "no answer at all" must be shown): 401, 5xx HTML, 429, slow
//! answers, a connection dropped after an accepted push, and the HTTP
//! control API that sets these faults up.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod support;

use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::{Value, json};
use support::{Client, Merchant, assert_provider_error, config, json, order_status, push_body};

async fn start() -> (jenga_sandbox::Running, Client, Merchant) {
    let merchant = Merchant::start().await;
    let sandbox = jenga_sandbox::start(config(Some(merchant.ipn_url())))
        .await
        .unwrap();
    let client = Client::new(sandbox.base_url());
    (sandbox, client, merchant)
}

fn is_html_5xx(status: u16, headers: &reqwest::header::HeaderMap, body: &str, code: u16) {
    assert_eq!(status, code);
    assert_eq!(headers["content-type"], "text/html");
    let title = format!(
        "<title>{code} {}</title>",
        reqwest::StatusCode::from_u16(code)
            .unwrap()
            .canonical_reason()
            .unwrap()
    );
    assert!(body.contains(&title), "{body}");
    assert!(body.contains("<center>nginx</center>"), "{body}");
    assert!(serde_json::from_str::<Value>(body).is_err());
}

#[tokio::test]
async fn token_unauthorized_answers_401_then_tokens_again() {
    let (sandbox, client, _merchant) = start().await;
    client
        .inject(json!({"endpoint": "token", "fault": "unauthorized"}))
        .await;
    let r = client.token_response().await.unwrap();
    assert_eq!(r.status().as_u16(), 401);
    assert_provider_error(&json(r).await, 401, "UNAUTHORIZED");
    let _ = client.token().await;
    let c = client.counters().await;
    assert_eq!(
        (c["tokenRequests"].as_u64(), c["tokensIssued"].as_u64()),
        (Some(2), Some(1))
    );
    sandbox.stop().await;
}

#[tokio::test]
async fn init_unauthorized_expires_the_token_early_and_one_refresh_recovers() {
    let (sandbox, client, merchant) = start().await;
    let first = client.token().await;
    client
        .inject(json!({"endpoint": "init", "fault": "unauthorized"}))
        .await;
    let cb = merchant.callback_url();
    let r = client
        .push(&first, "ORU1", "PAYU1", "0722000000", &cb)
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401);
    assert_provider_error(&json(r).await, 401, "UNAUTHORIZED");
    // The fault is used up, but the token it hit stays expired.
    let r = client
        .push(&first, "ORU1", "PAYU1", "0722000000", &cb)
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401);
    let second = client.token().await;
    let r = client
        .push(&second, "ORU1", "PAYU1", "0722000000", &cb)
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let c = client.counters().await;
    assert_eq!(c["tokenRequests"], 2);
    assert_eq!(c["initRequests"], 3);
    assert_eq!(c["pushes"], json!({"ORU1": 1}));
    // The same on the status endpoint.
    client
        .inject(json!({"endpoint": "status", "fault": "unauthorized"}))
        .await;
    assert_eq!(client.status(&second, "ORU1").await.unwrap().status(), 401);
    assert_eq!(client.status(&second, "ORU1").await.unwrap().status(), 401);
    let third = client.token().await;
    assert_eq!(order_status(&client, &third, "ORU1").await["status"], true);
    sandbox.stop().await;
}

#[tokio::test]
async fn server_error_html_on_every_endpoint_processes_nothing() {
    let (sandbox, client, merchant) = start().await;
    let token = client.token().await;
    client
        .inject(json!([
            {"endpoint": "token", "fault": "server_error_html"},
            {"endpoint": "init", "fault": "server_error_html", "status": 503},
            {"endpoint": "status", "fault": "server_error_html", "status": 500},
        ]))
        .await;
    let r = client.token_response().await.unwrap();
    let (s, h) = (r.status().as_u16(), r.headers().clone());
    is_html_5xx(s, &h, &r.text().await.unwrap(), 502);

    let r = client
        .push(
            &token,
            "ORH1",
            "PAYH1",
            "0722000000",
            &merchant.callback_url(),
        )
        .await
        .unwrap();
    let (s, h) = (r.status().as_u16(), r.headers().clone());
    is_html_5xx(s, &h, &r.text().await.unwrap(), 503);

    let r = client.status(&token, "ORH1").await.unwrap();
    let (s, h) = (r.status().as_u16(), r.headers().clone());
    is_html_5xx(s, &h, &r.text().await.unwrap(), 500);

    // Before the push was processed: no prompt, no order.
    assert_eq!(order_status(&client, &token, "ORH1").await["code"], 111_102);
    let c = client.counters().await;
    assert_eq!(
        (c["pushesTotal"].as_u64(), c["tokensIssued"].as_u64()),
        (Some(0), Some(1))
    );
    sandbox.stop().await;
}

#[tokio::test]
async fn server_error_after_accept_prompts_once_and_the_status_query_tells() {
    let (sandbox, client, merchant) = start().await;
    let token = client.token().await;
    client
        .inject(json!({"endpoint": "init", "fault": "server_error_html", "status": 504, "afterAccept": true}))
        .await;
    let r = client
        .push(
            &token,
            "ORH2",
            "PAYH2",
            "0722000000",
            &merchant.callback_url(),
        )
        .await
        .unwrap();
    let (s, h) = (r.status().as_u16(), r.headers().clone());
    is_html_5xx(s, &h, &r.text().await.unwrap(), 504);
    assert_eq!(client.counters().await["pushes"], json!({"ORH2": 1}));
    let status = order_status(&client, &token, "ORH2").await;
    assert_eq!(status["data"]["order"]["orderReference"], "ORH2");
    assert_eq!(merchant.next().await.kind, "callback");
    sandbox.stop().await;
}

#[tokio::test]
async fn rate_limited_answers_429_with_retry_after_then_serves() {
    let (sandbox, client, merchant) = start().await;
    let token = client.token().await;
    client
        .inject(
            json!({"endpoint": "init", "fault": "rate_limited", "count": 2, "retryAfterSecs": 3}),
        )
        .await;
    for _ in 0..2 {
        let r = client
            .push(
                &token,
                "ORR1",
                "PAYR1",
                "0722000000",
                &merchant.callback_url(),
            )
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 429);
        assert_eq!(r.headers()["retry-after"], "3");
        assert_eq!(r.headers()["content-type"], "application/json");
        let v = json(r).await;
        assert_eq!(v["statusCode"], 429);
        assert!(v["message"].as_str().unwrap().contains("3 seconds"), "{v}");
    }
    let r = client
        .push(
            &token,
            "ORR1",
            "PAYR1",
            "0722000000",
            &merchant.callback_url(),
        )
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    // The token and status endpoints too; retryAfterSecs defaults to 1.
    client
        .inject(json!([{"endpoint": "token", "fault": "rate_limited"},
                       {"endpoint": "status", "fault": "rate_limited"}]))
        .await;
    let r = client.token_response().await.unwrap();
    assert_eq!(
        (r.status().as_u16(), &r.headers()["retry-after"]),
        (429, &"1".parse().unwrap())
    );
    assert_eq!(client.status(&token, "ORR1").await.unwrap().status(), 429);
    let c = client.counters().await;
    assert_eq!(c["initRequests"], 3);
    assert_eq!(c["pushes"], json!({"ORR1": 1}));
    assert_eq!(
        (c["tokenRequests"].as_u64(), c["tokensIssued"].as_u64()),
        (Some(2), Some(1))
    );
    sandbox.stop().await;
}

#[tokio::test]
async fn slow_init_processes_the_push_then_answers_past_the_client_timeout() {
    let (sandbox, client, merchant) = start().await;
    let token = client.token().await;
    client
        .inject(json!({"endpoint": "init", "fault": "slow", "delayMs": 400}))
        .await;
    let body = push_body("ORS1", "PAYS1", "0722000000", "2", &merchant.callback_url());
    let err = client
        .http
        .post(client.url(jenga_stk::STK_PUSH_PATH))
        .bearer_auth(&token)
        .header("signature", client.sign("ORS1KES07220000002"))
        .body(body)
        .timeout(Duration::from_millis(100))
        .send()
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    // The prompt happened although the client saw no answer.
    assert_eq!(client.counters().await["pushes"], json!({"ORS1": 1}));
    assert_eq!(
        order_status(&client, &token, "ORS1").await["data"]["order"]["orderReference"],
        "ORS1"
    );
    // A client that waits long enough gets the answer, late.
    client
        .inject(json!({"endpoint": "init", "fault": "slow", "delayMs": 200}))
        .await;
    let started = Instant::now();
    let r = client
        .push(
            &token,
            "ORS2",
            "PAYS2",
            "0722000000",
            &merchant.callback_url(),
        )
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert!(started.elapsed() >= Duration::from_millis(200));
    sandbox.stop().await;
}

#[tokio::test]
async fn slow_token_and_status_wait_then_answer() {
    let (sandbox, client, _merchant) = start().await;
    client
        .inject(
            json!([{"endpoint": "token", "fault": "slow", "delayMs": 150},
                       {"endpoint": "status", "fault": "slow", "delayMs": 150}]),
        )
        .await;
    let started = Instant::now();
    let token = client.token().await;
    assert!(started.elapsed() >= Duration::from_millis(150));
    let started = Instant::now();
    assert_eq!(order_status(&client, &token, "NONE").await["code"], 111_102);
    assert!(started.elapsed() >= Duration::from_millis(150));
    sandbox.stop().await;
}

#[tokio::test]
async fn drop_after_accept_gives_a_transport_error_and_exactly_one_prompt() {
    let (sandbox, client, merchant) = start().await;
    let token = client.token().await;
    client
        .inject(json!({"endpoint": "init", "fault": "drop_after_accept"}))
        .await;
    let err = client
        .push(
            &token,
            "ORD1",
            "PAYD1",
            "0722000000",
            &merchant.callback_url(),
        )
        .await
        .unwrap_err();
    assert!(!err.is_timeout(), "{err:?}");
    assert!(err.status().is_none(), "{err:?}");
    eprintln!("the client saw: {err:?}");
    assert!(
        err.is_request() || err.is_connect() || err.is_body(),
        "{err:?}"
    );
    let c = client.counters().await;
    assert_eq!(
        (&c["pushes"], &c["initRequests"]),
        (&json!({"ORD1": 1}), &json!(1))
    );
    // The push was accepted: the order exists, its deliveries come.
    let status = order_status(&client, &token, "ORD1").await;
    assert_eq!(status["data"]["invoices"][0]["orderReference"], "ORD1");
    assert_eq!(merchant.next().await.kind, "callback");
    assert_eq!(merchant.next().await.kind, "ipn");
    // Pushing the same request again is refused: it was recorded.
    let r = client
        .push(
            &token,
            "ORD1",
            "PAYD1",
            "0722000000",
            &merchant.callback_url(),
        )
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);
    assert_eq!(client.counters().await["pushes"], json!({"ORD1": 1}));
    sandbox.stop().await;
}

/// Not a truncated answer: not one byte comes back before the close.
#[tokio::test]
async fn drop_after_accept_sends_not_a_single_byte() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let (sandbox, client, merchant) = start().await;
    let token = client.token().await;
    client
        .inject(json!({"endpoint": "init", "fault": "drop_after_accept"}))
        .await;
    let body = push_body("ORD2", "PAYD2", "0722000000", "2", &merchant.callback_url());
    let request = format!(
        "POST {} HTTP/1.1\r\nHost: sandbox\r\nAuthorization: Bearer {token}\r\nSignature: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        jenga_stk::STK_PUSH_PATH,
        client.sign("ORD2KES07220000002"),
        body.len()
    );
    let mut stream = tokio::net::TcpStream::connect(sandbox.addr())
        .await
        .unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut received = Vec::new();
    let read = tokio::time::timeout(support::DEADLINE, stream.read_to_end(&mut received))
        .await
        .expect("the connection stayed open");
    // A clean close (Ok) or a reset (Err): either way, nothing was written.
    assert!(
        received.is_empty(),
        "{read:?}: {}",
        String::from_utf8_lossy(&received)
    );
    assert_eq!(client.counters().await["pushes"], json!({"ORD2": 1}));
    sandbox.stop().await;
}

#[tokio::test]
async fn faults_queue_per_endpoint_in_order_and_count_down() {
    let (sandbox, client, _merchant) = start().await;
    let token = client.token().await;
    client
        .inject(json!([
            {"endpoint": "status", "fault": "rate_limited", "count": 2},
            {"endpoint": "init", "fault": "unauthorized"},
            {"endpoint": "status", "fault": "server_error_html"},
        ]))
        .await;
    let (status, listed) = client.control(Method::GET, "faults", None).await;
    assert_eq!(status, 200);
    assert_eq!(
        listed,
        json!({"pending": [
            {"endpoint": "status", "fault": "rate_limited", "count": 2, "retryAfterSecs": 1},
            {"endpoint": "init", "fault": "unauthorized", "count": 1},
            {"endpoint": "status", "fault": "server_error_html", "count": 1, "status": 502, "afterAccept": false},
        ]})
    );
    let mut seen = Vec::new();
    for _ in 0..4 {
        seen.push(
            client
                .status(&token, "NONE")
                .await
                .unwrap()
                .status()
                .as_u16(),
        );
    }
    assert_eq!(seen, [429, 429, 502, 200]);
    let (_, listed) = client.control(Method::GET, "faults", None).await;
    assert_eq!(listed["pending"].as_array().unwrap().len(), 1);
    // DELETE forgets what is left.
    let (status, _) = client.control(Method::DELETE, "faults", None).await;
    assert_eq!(status, 204);
    let (_, listed) = client.control(Method::GET, "faults", None).await;
    assert_eq!(listed, json!({"pending": []}));
    sandbox.stop().await;
}

#[tokio::test]
async fn bad_control_requests_are_400_with_a_code_and_change_nothing() {
    let (sandbox, client, _merchant) = start().await;
    for (body, code) in [
        (
            json!({"endpoint": "token", "fault": "drop_after_accept"}),
            "init_only",
        ),
        (
            json!({"endpoint": "status", "fault": "server_error_html", "afterAccept": true}),
            "init_only",
        ),
        (
            json!({"endpoint": "init", "fault": "server_error_html", "status": 404}),
            "not_a_server_error",
        ),
        (
            json!({"endpoint": "init", "fault": "slow"}),
            "invalid_fault",
        ),
        (
            json!({"endpoint": "init", "fault": "unauthorized", "count": 0}),
            "zero_count",
        ),
        (
            json!({"endpoint": "init", "fault": "teapot"}),
            "invalid_fault",
        ),
        (
            json!({"endpoint": "init", "fault": "slow", "delayMs": 10, "jitter": 1}),
            "invalid_fault",
        ),
        // One bad fault in an array: none is added.
        (
            json!([{"endpoint": "init", "fault": "unauthorized"}, {"endpoint": "x", "fault": "slow"}]),
            "invalid_fault",
        ),
    ] {
        let (status, v) = client
            .control(Method::POST, "faults", Some(body.clone()))
            .await;
        assert_eq!((status, v["code"].as_str()), (400, Some(code)), "{body}");
        assert!(v["message"].is_string());
    }
    let (_, listed) = client.control(Method::GET, "faults", None).await;
    assert_eq!(listed, json!({"pending": []}));
    let (status, v) = client
        .control(
            Method::POST,
            "deliveries",
            Some(json!({"callback": "sometimes"})),
        )
        .await;
    assert_eq!(
        (status, v["code"].as_str()),
        (400, Some("invalid_deliveries"))
    );
    sandbox.stop().await;
}
