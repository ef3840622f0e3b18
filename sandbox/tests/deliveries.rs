//! Delivery modes (callbacks twice, never, after the IPN, out of order; IPNs
//! twice or never), the counters under concurrency, settle, reset, and the
//! same controls from Rust without HTTP. Real HTTP with reqwest; the
//! sandbox's delays are 20 ms, and tests wait with `settle`, not sleeps.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod support;

use std::sync::Arc;
use std::time::Duration;

use jenga_sandbox::{CallbackMode, Deliveries, Endpoint, Fault, FaultError, FaultSpec, IpnMode};
use reqwest::Method;
use serde_json::json;
use support::{Client, Merchant, config, order_status};

async fn start() -> (jenga_sandbox::Running, Client, Merchant) {
    let merchant = Merchant::start().await;
    let sandbox = jenga_sandbox::start(config(Some(merchant.ipn_url())))
        .await
        .unwrap();
    let client = Client::new(sandbox.base_url());
    (sandbox, client, merchant)
}

async fn push_ok(client: &Client, token: &str, order: &str, payment: &str, msisdn: &str, cb: &str) {
    let r = client
        .push(token, order, payment, msisdn, cb)
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200, "{order}");
}

fn result_code(callback: &support::Delivery) -> i64 {
    callback.body["data"]["Body"]["stkCallback"]["ResultCode"]
        .as_i64()
        .unwrap()
}

#[tokio::test]
async fn callbacks_and_ipns_twice_are_identical_and_counted() {
    let (sandbox, client, merchant) = start().await;
    let token = client.token().await;
    client
        .deliveries(json!({"callback": "twice", "ipn": "twice"}))
        .await;
    push_ok(
        &client,
        &token,
        "ORT1",
        "PAYT1",
        "0722000000",
        &merchant.callback_url(),
    )
    .await;
    let kinds = [
        merchant.next().await,
        merchant.next().await,
        merchant.next().await,
        merchant.next().await,
    ];
    assert_eq!(
        kinds.iter().map(|d| d.kind).collect::<Vec<_>>(),
        ["callback", "callback", "ipn", "ipn"]
    );
    assert_eq!(kinds[0].body, kinds[1].body);
    assert_eq!(kinds[2].body, kinds[3].body);
    assert_eq!(kinds[2].authorization, kinds[3].authorization);
    let c = client.settle().await;
    assert_eq!(
        [
            &c["callbacksDelivered"],
            &c["callbackAttempts"],
            &c["ipnsDelivered"],
            &c["ipnAttempts"]
        ],
        [2, 2, 2, 2]
    );
    merchant.nothing_more(Duration::from_millis(100)).await;
    sandbox.stop().await;
}

#[tokio::test]
async fn a_callback_never_delivered_still_leaves_a_decision_to_the_status_query() {
    let (sandbox, client, merchant) = start().await;
    let token = client.token().await;
    client
        .deliveries(json!({"callback": "never", "ipn": "never"}))
        .await;
    push_ok(
        &client,
        &token,
        "ORN1",
        "PAYN1",
        "0722000000",
        &merchant.callback_url(),
    )
    .await;
    let c = client.settle().await;
    assert_eq!(
        [&c["callbackAttempts"], &c["ipnAttempts"], &c["pushesTotal"]],
        [0, 0, 1]
    );
    let status = order_status(&client, &token, "ORN1").await;
    assert_eq!(status["data"]["order"]["orderStatus"], "Paid");
    assert_eq!(status["data"]["invoices"][0]["invoiceStatus"], "Paid");
    merchant.nothing_more(Duration::from_millis(100)).await;
    sandbox.stop().await;
}

#[tokio::test]
async fn callback_after_the_ipn_and_ipn_never() {
    let (sandbox, client, merchant) = start().await;
    let token = client.token().await;
    client.deliveries(json!({"callback": "after_ipn"})).await;
    push_ok(
        &client,
        &token,
        "ORI1",
        "PAYI1",
        "0722000000",
        &merchant.callback_url(),
    )
    .await;
    let first = merchant.next().await;
    let second = merchant.next().await;
    assert_eq!((first.kind, second.kind), ("ipn", "callback"));
    assert_eq!(first.body["customer"]["reference"], "ORI1");
    // Each POST sets the whole mode: the callback is back to normal here.
    client.deliveries(json!({"ipn": "never"})).await;
    push_ok(
        &client,
        &token,
        "ORI2",
        "PAYI2",
        "0722000000",
        &merchant.callback_url(),
    )
    .await;
    assert_eq!(merchant.next().await.kind, "callback");
    let c = client.settle().await;
    assert_eq!([&c["callbacksDelivered"], &c["ipnsDelivered"]], [2, 1]);
    merchant.nothing_more(Duration::from_millis(100)).await;
    let (_, modes) = client.control(Method::GET, "deliveries", None).await;
    assert_eq!(
        modes,
        json!({"callback": "normal", "ipn": "never", "callbackDelayMs": null, "ipnDelayMs": null})
    );
    sandbox.stop().await;
}

#[tokio::test]
async fn an_earlier_attempts_callback_arrives_after_the_paid_one() {
    let (sandbox, client, merchant) = start().await;
    let token = client.token().await;
    let cb = merchant.callback_url();
    // Attempt 1 (cancelled by the customer) answers late, attempt 2 (paid) at once.
    client
        .deliveries(json!({"ipn": "never", "callbackDelayMs": 500}))
        .await;
    push_ok(&client, &token, "ORO1", "PAYO1", "0722000001", &cb).await;
    client
        .deliveries(json!({"ipn": "never", "callbackDelayMs": 0}))
        .await;
    push_ok(&client, &token, "ORO1", "PAYO2", "0722000000", &cb).await;
    let first = merchant.next().await;
    let second = merchant.next().await;
    assert_eq!((result_code(&first), result_code(&second)), (0, 1032));
    assert_eq!(second.body["transactionReference"], "PAYO1");
    let c = client.settle().await;
    assert_eq!(c["pushes"], json!({"ORO1": 2}));
    let status = order_status(&client, &token, "ORO1").await;
    assert_eq!(status["data"]["order"]["orderStatus"], "Paid");
    sandbox.stop().await;
}

#[tokio::test]
async fn counters_are_exact_under_concurrency() {
    let (sandbox, client, merchant) = start().await;
    let client = Arc::new(client);
    let cb = merchant.callback_url();
    let token = client.token().await;
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..100 {
        let c = Arc::clone(&client);
        tasks.spawn(async move {
            assert_eq!(c.token_response().await.unwrap().status(), 200);
        });
    }
    // 20 orders, 3 attempts each (all cancelled, so each attempt is accepted).
    for i in 0..60 {
        let (c, token, cb) = (Arc::clone(&client), token.clone(), cb.clone());
        tasks.spawn(async move {
            let order = format!("ORC{}", i % 20);
            let r = c
                .push(&token, &order, &format!("PAYC{i}"), "0722000001", &cb)
                .await
                .unwrap();
            assert_eq!(r.status(), 200);
        });
    }
    for _ in 0..50 {
        let (c, token) = (Arc::clone(&client), token.clone());
        tasks.spawn(async move {
            assert_eq!(c.status(&token, "ORC0").await.unwrap().status(), 200);
        });
    }
    while let Some(done) = tasks.join_next().await {
        done.unwrap();
    }
    let c = client.settle().await;
    assert_eq!(c["tokenRequests"], 101);
    assert_eq!(c["tokensIssued"], 101);
    assert_eq!(c["initRequests"], 60);
    assert_eq!(c["pushesTotal"], 60);
    let pushes = c["pushes"].as_object().unwrap();
    assert_eq!(pushes.len(), 20);
    assert!(pushes.values().all(|n| n == 3), "{pushes:?}");
    assert_eq!(c["statusQueries"], 50);
    assert_eq!([&c["callbacksDelivered"], &c["ipnsDelivered"]], [60, 60]);
    assert_eq!(c["deliveriesPending"], 0);
    sandbox.stop().await;
}

#[tokio::test]
async fn settle_reports_pending_deliveries_and_times_out() {
    let (sandbox, client, merchant) = start().await;
    let token = client.token().await;
    client.deliveries(json!({"callbackDelayMs": 400})).await;
    push_ok(
        &client,
        &token,
        "ORP1",
        "PAYP1",
        "0722000000",
        &merchant.callback_url(),
    )
    .await;
    let (status, v) = client
        .control(Method::POST, "settle", Some(json!({"timeoutMs": 20})))
        .await;
    assert_eq!((status, &v["settled"]), (200, &json!(false)));
    assert_eq!(v["counters"]["deliveriesPending"], 1);
    assert_eq!(v["counters"]["callbacksDelivered"], 0);
    let c = client.settle().await;
    assert_eq!(
        [
            &c["deliveriesPending"],
            &c["callbacksDelivered"],
            &c["ipnsDelivered"]
        ],
        [0, 1, 1]
    );
    sandbox.stop().await;
}

#[tokio::test]
async fn reset_restores_defaults_and_cancels_earlier_deliveries() {
    let (sandbox, client, merchant) = start().await;
    let token = client.token().await;
    client
        .deliveries(json!({"callback": "twice", "callbackDelayMs": 150}))
        .await;
    push_ok(
        &client,
        &token,
        "ORZ1",
        "PAYZ1",
        "0722000000",
        &merchant.callback_url(),
    )
    .await;
    client
        .inject(json!({"endpoint": "init", "fault": "unauthorized", "count": 3}))
        .await;
    let (status, _) = client.control(Method::POST, "reset", None).await;
    assert_eq!(status, 204);
    let c = client.counters().await;
    assert_eq!(
        c,
        json!({"tokenRequests": 0, "tokensIssued": 0, "initRequests": 0, "pushes": {},
               "pushesTotal": 0, "statusQueries": 0, "callbackAttempts": 0,
               "callbacksDelivered": 0, "ipnAttempts": 0, "ipnsDelivered": 0,
               "deliveriesPending": 0})
    );
    let (_, faults) = client.control(Method::GET, "faults", None).await;
    assert_eq!(faults, json!({"pending": []}));
    let (_, modes) = client.control(Method::GET, "deliveries", None).await;
    assert_eq!(modes["callback"], "normal");
    // The earlier push's deliveries are cancelled; its invoice still settles.
    merchant.nothing_more(Duration::from_millis(300)).await;
    let status = order_status(&client, &token, "ORZ1").await;
    assert_eq!(status["data"]["order"]["orderStatus"], "Paid");
    // Tokens survive a reset; pushes work as normal.
    push_ok(
        &client,
        &token,
        "ORZ2",
        "PAYZ2",
        "0722000000",
        &merchant.callback_url(),
    )
    .await;
    assert_eq!(merchant.next().await.kind, "callback");
    sandbox.stop().await;
}

#[tokio::test]
async fn the_rust_api_controls_without_http() {
    let (sandbox, client, merchant) = start().await;
    let control = sandbox.control();
    let token = client.token().await;
    assert_eq!(
        control.inject(FaultSpec::once(Endpoint::Token, Fault::DropAfterAccept)),
        Err(FaultError::InitOnly)
    );
    control
        .inject(FaultSpec::once(Endpoint::Init, Fault::DropAfterAccept))
        .unwrap();
    control
        .inject(
            FaultSpec::once(
                Endpoint::Status,
                Fault::RateLimited {
                    retry_after_secs: 2,
                },
            )
            .times(2),
        )
        .unwrap();
    assert_eq!(control.pending_faults().len(), 2);
    control.set_deliveries(Deliveries {
        callback: CallbackMode::Twice,
        ipn: IpnMode::Never,
        ..Deliveries::default()
    });
    let err = client
        .push(
            &token,
            "ORX1",
            "PAYX1",
            "0722000000",
            &merchant.callback_url(),
        )
        .await
        .unwrap_err();
    assert!(!err.is_timeout(), "{err:?}");
    assert_eq!(client.status(&token, "ORX1").await.unwrap().status(), 429);
    assert!(control.settle(Duration::from_secs(10)).await);
    let c = control.counters();
    assert_eq!(c.pushes.get("ORX1"), Some(&1));
    assert_eq!((c.callbacks_delivered, c.ipns_delivered), (2, 0));
    assert_eq!(control.pending_faults()[0].count, 1);
    control.reset();
    assert_eq!(control.counters(), jenga_sandbox::Counters::default());
    assert!(control.pending_faults().is_empty());
    assert_eq!(control.deliveries(), Deliveries::default());
    control.expire_tokens();
    assert_eq!(client.status(&token, "ORX1").await.unwrap().status(), 401);
    sandbox.stop().await;
}
