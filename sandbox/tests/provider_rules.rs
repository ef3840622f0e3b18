//! The sandbox as the provider's double, over real HTTP: the documented
//! request rules (not the core's), every problem in one 400, and the
//! `signature_amount` setting reproducing the 403 merchants hit when the body
//! says `2` and the signed text says `2.00` (or the reverse).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod support;

use jenga_sandbox::{Config, SignatureAmount};
use serde_json::Value;
use support::{Client, Merchant, assert_provider_error, config, json, push_body};

async fn start(mode: SignatureAmount, merchant: &Merchant) -> (jenga_sandbox::Running, Client) {
    let config = Config {
        signature_amount: mode,
        ..config(Some(merchant.ipn_url()))
    };
    let sandbox = jenga_sandbox::start(config).await.unwrap();
    let client = Client::new(sandbox.base_url());
    (sandbox, client)
}

/// Pushes a body whose amounts are the literal `body_amount`, signed over the
/// text `signed_amount`; the HTTP status and the JSON answer.
async fn push_amount(
    client: &Client,
    merchant: &Merchant,
    order: &str,
    body_amount: &str,
    signed_amount: &str,
) -> (u16, Value) {
    let token = client.token().await;
    let body = push_body(
        order,
        &format!("PAY{order}"),
        "0722000000",
        body_amount,
        &merchant.callback_url(),
    );
    let signed = format!("{order}KES0722000000{signed_amount}");
    let r = client.push_signed(&token, &body, &signed).await.unwrap();
    (r.status().as_u16(), json(r).await)
}

#[tokio::test]
async fn body_2_signed_over_2_00_is_403_as_sent_and_200_with_two_decimals() {
    let merchant = Merchant::start().await;
    let (sandbox, client) = start(SignatureAmount::AsSent, &merchant).await;
    let (status, body) = push_amount(&client, &merchant, "ORA1", "2", "2.00").await;
    assert_eq!(status, 403);
    assert_provider_error(&body, 403, "FORBIDDEN");
    // The same body signed over its own text passes under as-sent.
    let (status, body) = push_amount(&client, &merchant, "ORA2", "2", "2").await;
    assert_eq!((status, body["status"].as_bool()), (200, Some(true)));
    sandbox.stop().await;

    let (sandbox, client) = start(SignatureAmount::TwoDecimals, &merchant).await;
    let (status, body) = push_amount(&client, &merchant, "ORA3", "2", "2.00").await;
    assert_eq!(
        (status, body["status"].as_bool()),
        (200, Some(true)),
        "{body}"
    );
    // Under two-decimals the body's own text `2` no longer verifies.
    let (status, body) = push_amount(&client, &merchant, "ORA4", "2", "2").await;
    assert_eq!(status, 403);
    assert_provider_error(&body, 403, "FORBIDDEN");
    sandbox.stop().await;
}

#[tokio::test]
async fn body_2_00_signed_over_2_is_403_as_sent_and_200_with_whole() {
    let merchant = Merchant::start().await;
    let (sandbox, client) = start(SignatureAmount::AsSent, &merchant).await;
    assert_eq!(
        push_amount(&client, &merchant, "ORB1", "2.00", "2").await.0,
        403
    );
    assert_eq!(
        push_amount(&client, &merchant, "ORB2", "2.00", "2.00")
            .await
            .0,
        200
    );
    // A string amount: its contents are the text signed.
    assert_eq!(
        push_amount(&client, &merchant, "ORB3", "\"2.00\"", "2.00")
            .await
            .0,
        200
    );
    sandbox.stop().await;

    let (sandbox, client) = start(SignatureAmount::Whole, &merchant).await;
    assert_eq!(
        push_amount(&client, &merchant, "ORB4", "2.00", "2").await.0,
        200
    );
    assert_eq!(
        push_amount(&client, &merchant, "ORB5", "2.00", "2.00")
            .await
            .0,
        403
    );
    sandbox.stop().await;

    let (sandbox, client) = start(SignatureAmount::TwoDecimals, &merchant).await;
    assert_eq!(
        push_amount(&client, &merchant, "ORB6", "2.00", "2").await.0,
        403
    );
    sandbox.stop().await;
}

#[tokio::test]
async fn under_whole_a_fractional_amount_cannot_verify() {
    let merchant = Merchant::start().await;
    let (sandbox, client) = start(SignatureAmount::Whole, &merchant).await;
    for (i, signed) in ["2.50", "2.5", "2", "3"].into_iter().enumerate() {
        let (status, _) = push_amount(&client, &merchant, &format!("ORW{i}"), "2.50", signed).await;
        assert_eq!(status, 403, "signed {signed}");
    }
    sandbox.stop().await;
}

#[tokio::test]
async fn every_problem_in_one_400_in_the_providers_shape() {
    let merchant = Merchant::start().await;
    let (sandbox, client) = start(SignatureAmount::AsSent, &merchant).await;
    let token = client.token().await;
    let body = push_body(
        "ORBAD",
        "PAYBAD",
        "0722000000",
        "2",
        &merchant.callback_url(),
    )
    .replace(r#""email":"xyx2@gmail.com","#, "")
    .replace(r#""orderAmount":2"#, r#""orderAmount":"two""#)
    .replace(r#""msisdn":"0722000000""#, r#""msisdn":722000000"#)
    .replace(r#""channel":"MOBILE","#, "");
    // Checked before the signature: not even signed over the right text.
    let r = client.push_signed(&token, &body, "anything").await.unwrap();
    assert_eq!(r.status().as_u16(), 400);
    let v = json(r).await;
    assert_provider_error(&v, 400, "INVALID_REQUEST");
    assert_eq!(
        v["message"].as_str().unwrap(),
        "Invalid request parameters: order.orderAmount not_a_number, customer.email missing, \
         payment.channel missing, payment.details.msisdn not_a_string"
    );
    // Not JSON at all.
    let r = client.push_signed(&token, "{", "{").await.unwrap();
    assert_eq!(r.status().as_u16(), 400);
    assert_provider_error(&json(r).await, 400, "INVALID_REQUEST");
    sandbox.stop().await;
}

#[tokio::test]
async fn what_only_the_core_refuses_is_accepted() {
    let merchant = Merchant::start().await;
    let (sandbox, client) = start(SignatureAmount::AsSent, &merchant).await;
    let token = client.token().await;
    let order = "R".repeat(100);
    let payment = format!("pay/{}", "9".repeat(80));
    let body = push_body(
        &order,
        &payment,
        "+447700900123",
        "2",
        &merchant.callback_url(),
    )
    .replace(r#""Purchase""#, r#""Order #12: 50% off! (café) & more""#)
    .replace(r#""0722000111""#, r#""+1 (555) 010-9999""#)
    .replace(r#""xyx2@gmail.com""#, r#""no e-mail""#);
    let signed = format!("{order}KES+4477009001232");
    let r = client.push_signed(&token, &body, &signed).await.unwrap();
    let status = r.status().as_u16();
    let v = json(r).await;
    assert_eq!((status, v["status"].as_bool()), (200, Some(true)), "{v}");
    // The push happened: the callback arrives, the number in international form.
    let callback = merchant.next().await;
    assert_eq!(callback.kind, "callback");
    let items = &callback.body["data"]["Body"]["stkCallback"]["CallbackMetadata"]["Item"];
    let phone = items
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["Name"] == "PhoneNumber")
        .unwrap();
    assert_eq!(phone["Value"].as_u64(), Some(447_700_900_123));
    sandbox.stop().await;
}

#[test]
fn signature_amount_from_flag_and_toml() {
    use clap::Parser;
    let key = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/keys/test-pkcs1-2048.pub.pem");
    let key = key.to_str().unwrap();
    let parse = |args: &[&str]| {
        let mut all = vec!["jenga-sandbox", "--public-key", key];
        all.extend_from_slice(args);
        jenga_sandbox::Args::try_parse_from(all).map(|a| a.resolve().unwrap().signature_amount)
    };
    assert_eq!(parse(&[]).unwrap(), SignatureAmount::AsSent);
    assert_eq!(
        parse(&["--signature-amount", "two-decimals"]).unwrap(),
        SignatureAmount::TwoDecimals
    );
    assert_eq!(
        parse(&["--signature-amount", "whole"]).unwrap(),
        SignatureAmount::Whole
    );
    assert!(parse(&["--signature-amount", "2dp"]).is_err());

    let tmp = std::env::temp_dir().join(format!("jenga-sandbox-sig-{}.toml", std::process::id()));
    std::fs::write(&tmp, "signature_amount = \"whole\"\n").unwrap();
    let from_file = parse(&["--config", tmp.to_str().unwrap()]).unwrap();
    let flag_wins = parse(&[
        "--config",
        tmp.to_str().unwrap(),
        "--signature-amount",
        "as-sent",
    ])
    .unwrap();
    std::fs::write(&tmp, "signature_amount = \"rounded\"\n").unwrap();
    let bad = jenga_sandbox::Args::try_parse_from([
        "jenga-sandbox",
        "--public-key",
        key,
        "--config",
        tmp.to_str().unwrap(),
    ])
    .unwrap()
    .resolve();
    std::fs::remove_file(&tmp).unwrap();
    assert_eq!(from_file, SignatureAmount::Whole);
    assert_eq!(flag_wins, SignatureAmount::AsSent);
    assert!(bad.is_err());
}

/// The environment variable, through the binary (tests cannot set their own
/// environment safely): a body `2` signed over `2.00` passes only with it.
#[test]
fn signature_amount_from_the_environment() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    let key = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/keys/test-pkcs1-2048.pub.pem");
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let merchant = runtime.block_on(Merchant::start());
    for (value, expected) in [("two-decimals", 200), ("as-sent", 403)] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_jenga-sandbox"))
            .args(["--bind", "127.0.0.1:0", "--public-key"])
            .arg(&key)
            .env("JENGA_SANDBOX_SIGNATURE_AMOUNT", value)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let client = Client::new(line.trim().to_owned());
        let (status, _) = runtime.block_on(push_amount(&client, &merchant, "ORENV", "2", "2.00"));
        child.kill().unwrap();
        let _ = child.wait();
        assert_eq!(status, expected, "JENGA_SANDBOX_SIGNATURE_AMOUNT={value}");
    }
}

/// A 403 answers exactly as the provider does, and the sandbox's log (its
/// standard error) says which mistake the signature doctor found.
#[test]
fn a_403_says_in_the_log_which_mistake_it_was() {
    use std::io::{BufRead, BufReader, Read};
    use std::process::{Command, Stdio};
    let key = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/keys/test-pkcs1-2048.pub.pem");
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let merchant = runtime.block_on(Merchant::start());
    for (mode, signed, order, expected) in [
        (
            "as-sent",
            "KESORLOG10722000000{amount}",
            "ORLOG1",
            "wrong_order",
        ),
        ("as-sent", "ORLOG2 KES 0722000000 2", "ORLOG2", "separators"),
        (
            "as-sent",
            "ORLOG3KES07220000002.00",
            "ORLOG3",
            "amount_text",
        ),
        (
            "two-decimals",
            "ORLOG4KES07220000002",
            "ORLOG4",
            "signature_amount",
        ),
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_jenga-sandbox"))
            .args([
                "--bind",
                "127.0.0.1:0",
                "--signature-amount",
                mode,
                "--public-key",
            ])
            .arg(&key)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let client = Client::new(line.trim().to_owned());
        let (status, body) = runtime.block_on(async {
            let token = client.token().await;
            let body = push_body(
                order,
                &format!("PAY{order}"),
                "0722000000",
                "2",
                &merchant.callback_url(),
            );
            let r = client
                .push_signed(&token, &body, &signed.replace("{amount}", "2"))
                .await
                .unwrap();
            (r.status().as_u16(), json(r).await)
        });
        child.kill().unwrap();
        let _ = child.wait();
        let mut log = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut log)
            .unwrap();
        assert_eq!(status, 403, "{mode} {signed}");
        assert_provider_error(&body, 403, "FORBIDDEN");
        let line = log
            .lines()
            .find(|l| l.contains("403 Invalid signature"))
            .unwrap_or_else(|| panic!("no 403 line in the log:\n{log}"));
        assert!(
            line.contains(order) && line.contains(expected),
            "{mode} {signed}: {line}"
        );
    }
}
