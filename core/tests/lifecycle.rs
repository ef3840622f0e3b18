//! Lifecycle behaviour beyond the vectors: no parser panics on any prefix or
//! byte flip of real bodies, and secrets stay out of `Debug`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::path::Path;

use jenga_stk::{
    Credentials, DateTime, Environment, IpnAuth, Limits, TokenState, classify_init_response,
    parse_callback, parse_ipn, parse_status_response, parse_token_response,
};
use serde_json::Value;

fn bodies() -> Vec<Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors");
    let mut out = Vec::new();
    for name in [
        "callbacks.json",
        "ipn.json",
        "init_responses.json",
        "status_responses.json",
        "token_responses.json",
    ] {
        let v: Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join(name)).unwrap()).unwrap();
        for case in v["cases"].as_array().unwrap() {
            if let Some(body) = case["input"]["body"].as_str()
                && body.len() < 4096
            {
                out.push(body.as_bytes().to_vec());
            }
        }
    }
    assert!(out.len() > 50);
    out
}

fn parse_all(body: &[u8]) {
    let limits = Limits::default();
    let now = DateTime::from_unix_millis(0);
    let _ = parse_callback(body, &limits);
    let _ = parse_ipn(body, &limits);
    let _ = classify_init_response(200, body, &limits);
    let _ = classify_init_response(500, body, &limits);
    let _ = parse_status_response(200, body, &limits);
    let _ = parse_token_response(200, body, now, &limits);
    let _ = parse_token_response(401, body, now, &limits);
}

#[test]
fn parsers_never_panic_on_prefixes_or_flipped_bytes() {
    let mut runs = 0;
    for body in bodies() {
        for end in 0..body.len() {
            parse_all(&body[..end]);
            runs += 1;
        }
        for i in (0..body.len()).step_by(7) {
            for flip in [b'"', b'{', b'9', b'-', b'.', 0xff, 0] {
                let mut b = body.clone();
                b[i] = flip;
                parse_all(&b);
                runs += 1;
            }
        }
    }
    assert!(runs > 10_000, "{runs}");
}

#[test]
fn secrets_stay_out_of_debug() {
    let creds = Credentials::new("api-k3y", "merchant", "c0nsumer-s3cret").unwrap();
    let mut state = TokenState::new(Environment::Uat, creds.clone());
    let body = br#"{"accessToken":"acc3ss.t0ken.x","refreshToken":"r3fresh","expiresIn":"2021-07-13T07:18:02Z","issuedAt":"2021-07-13T07:03:02Z"}"#;
    let now = DateTime::parse_rfc3339("2021-07-13T07:03:05Z").unwrap();
    state
        .on_response(200, body, now, &Limits::default())
        .unwrap();
    let action = state.next_action(now);
    let auth = IpnAuth::new("ipn-us3r", "ipn-p4ss").unwrap();
    let text = format!(
        "{creds:?} {state:?} {action:?} {:?} {auth:?}",
        state.token()
    );
    for secret in [
        "api-k3y",
        "c0nsumer-s3cret",
        "acc3ss.t0ken.x",
        "r3fresh",
        "ipn-us3r",
        "ipn-p4ss",
    ] {
        assert!(!text.contains(secret), "{secret} leaked: {text}");
    }
    let request = creds.token_request(&Environment::Uat);
    let shown = format!("{request:?} {}", request.to_redacted_string());
    assert!(
        !shown.contains("c0nsumer-s3cret") && !shown.contains("api-k3y"),
        "{shown}"
    );
}
