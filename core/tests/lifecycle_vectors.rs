//! Runs the lifecycle conformance cases in `tests/vectors/` (tokens, init
//! responses, order status, callbacks, callback URLs, IPN, reconciliation)
//! through the Rust core, and checks that every error code has a vector.

// Signs or loads keys: needs a signing backend (see tests/no_backend.rs for the build without one).
#![cfg(any(feature = "rsa", feature = "ring", feature = "aws-lc-rs"))]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use jenga_stk::{
    AccessToken, AuthError, CallbackUrls, DateTime, Endpoint, Environment, Error, Evidence,
    Expected, InitResponse, IpnAuth, KeyError, Limits, ParseErrorKind, ProblemCode, Rejection,
    Signer, StatusResponse, StatusSignature, TokenAction, TokenResponse, TokenState,
    TransportFailure, Verifier, advise_transport_failure, classify_init_response,
    order_status_request, parse_callback, parse_ipn, parse_status_response, parse_token_response,
    reconcile,
};
use serde::Deserialize;
use serde_json::{Value, json};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

#[derive(Deserialize)]
struct File {
    operation: String,
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    id: String,
    input: Value,
    expected: Option<Value>,
    error: Option<Value>,
}

fn load(name: &str, operation: &str) -> Vec<Case> {
    let text = std::fs::read_to_string(root().join("tests/vectors").join(name)).unwrap();
    let file: File = serde_json::from_str(&text).unwrap();
    assert_eq!(file.operation, operation, "{name}");
    assert!(!file.cases.is_empty());
    file.cases
}

fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key} is not a string in {v}"))
}

fn bytes(v: &Value, key: &str) -> Vec<u8> {
    s(v, key).as_bytes().to_vec()
}

fn time(v: &Value, key: &str) -> DateTime {
    DateTime::parse_rfc3339(s(v, key)).unwrap()
}

/// Runs every case of a file through `run`, comparing values or error codes and fields.
fn check(name: &str, operation: &str, run: impl Fn(&Value) -> Result<Value, Error>) {
    for case in load(name, operation) {
        let id = &case.id;
        match (&case.expected, &case.error, run(&case.input)) {
            (Some(want), None, Ok(got)) => assert_eq!(&got, want, "{name} {id}"),
            (None, Some(want), Err(e)) => {
                // Validation errors compare their problems (see tests/vectors/README.md).
                let (code, field) = match e.problems() {
                    [] => (e.code(), e.field()),
                    [only] => (only.code.as_str(), Some(only.field.as_str())),
                    many => panic!("{name} {id}: several problems {many:?}"),
                };
                assert_eq!(
                    code,
                    want["code"].as_str().unwrap(),
                    "{name} {id}: code ({e})"
                );
                assert_eq!(field, want["field"].as_str(), "{name} {id}: field ({e})");
                assert!(!e.to_string().is_empty());
            }
            (_, _, Ok(got)) => panic!("{name} {id}: expected an error, got {got}"),
            (_, _, Err(e)) => panic!("{name} {id}: unexpected error {e:?}"),
        }
    }
}

fn to_value<T: serde::Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap()
}

#[test]
fn init_responses() {
    check("init_responses.json", "init_response", |i| {
        let status = i["status"].as_u64().unwrap() as u16;
        Ok(to_value(&classify_init_response(
            status,
            &bytes(i, "body"),
            &Limits::default(),
        )))
    });
}

/// The answers table's view: the type, and kind and action for a rejection.
fn answer_view(kind: &str, rejection: Option<&Rejection>) -> Value {
    match rejection {
        Some(r) => json!({"type": "rejected", "kind": r.kind.code(), "action": r.action.code()}),
        None => json!({ "type": kind }),
    }
}

#[test]
fn answers() {
    check("answers.json", "answer", |i| {
        let status = i["status"].as_u64().unwrap() as u16;
        let body = bytes(i, "body");
        let limits = Limits::default();
        let endpoint = Endpoint::from_code(s(i, "endpoint")).unwrap();
        Ok(match endpoint {
            Endpoint::Token => {
                let now = DateTime::from_unix_millis(1_626_159_785_000);
                match parse_token_response(status, &body, now, &limits)? {
                    TokenResponse::Token(_) => answer_view("token", None),
                    TokenResponse::Rejected(r) => answer_view("", Some(&r)),
                }
            }
            Endpoint::Init => match classify_init_response(status, &body, &limits) {
                InitResponse::Accepted(_) => answer_view("accepted", None),
                InitResponse::Rejected(r) => answer_view("", Some(&r)),
            },
            Endpoint::Status => match parse_status_response(status, &body, &limits)? {
                StatusResponse::Found(_) => answer_view("found", None),
                StatusResponse::NotFound { .. } => answer_view("not_found", None),
                StatusResponse::Rejected(r) => answer_view("", Some(&r)),
            },
        })
    });
}

#[test]
fn transport_failures() {
    check("transport.json", "transport_failure", |i| {
        let endpoint = Endpoint::from_code(s(i, "endpoint")).unwrap();
        let failure = TransportFailure::from_code(s(i, "failure")).unwrap();
        Ok(json!({ "action": advise_transport_failure(endpoint, failure).code() }))
    });
}

fn token_view(r: &TokenResponse) -> Value {
    match r {
        TokenResponse::Token(t) => json!({
            "type": "token",
            "accessToken": t.access_token().expose(),
            "tokenType": t.token_type(),
            "issuedAt": t.issued_at(),
            "providerExpiresAt": t.provider_expires_at(),
            "lifetime": t.lifetime().code(),
            "expiresAt": t.expires_at(),
        }),
        TokenResponse::Rejected(r) => json!(dbg_value(to_value(r), "rejected")),
    }
}

fn dbg_value(mut v: Value, kind: &str) -> Value {
    v.as_object_mut()
        .unwrap()
        .insert("type".into(), Value::String(kind.into()));
    v
}

#[test]
fn token_responses() {
    check("token_responses.json", "token_response", |i| {
        let status = i["status"].as_u64().unwrap() as u16;
        let r = parse_token_response(
            status,
            &bytes(i, "body"),
            time(i, "now"),
            &Limits::default(),
        )?;
        Ok(token_view(&r))
    });
}

#[test]
fn token_state() {
    check("token_state.json", "token_state", |i| {
        let creds = jenga_stk::Credentials::new("key", "merchant", "secret").unwrap();
        let margin = Duration::from_secs(i["marginSeconds"].as_u64().unwrap());
        let mut state = TokenState::new(Environment::Uat, creds).with_margin(margin);
        let mut actions = Vec::new();
        for step in i["steps"].as_array().unwrap() {
            let word = match s(step, "op") {
                "next" => match state.next_action(time(step, "now")) {
                    TokenAction::Use(_) => "use".to_owned(),
                    TokenAction::Refresh(req) => {
                        assert!(
                            req.url
                                .ends_with("/authentication/api/v3/authenticate/merchant")
                        );
                        "refresh".to_owned()
                    }
                },
                "response" => {
                    let status = step["status"].as_u64().unwrap() as u16;
                    match state.on_response(
                        status,
                        &bytes(step, "body"),
                        time(step, "now"),
                        &Limits::default(),
                    ) {
                        Ok(_) => "stored".to_owned(),
                        Err(Error::Rejected(r)) => format!("rejected:{}", r.kind.code()),
                        Err(e) => return Err(e),
                    }
                }
                "invalidate" => {
                    state.invalidate();
                    "invalidated".to_owned()
                }
                other => panic!("unknown op {other}"),
            };
            actions.push(word);
        }
        Ok(json!({ "actions": actions }))
    });
}

#[test]
fn status_responses() {
    check("status_responses.json", "status_response", |i| {
        let status = i["status"].as_u64().unwrap() as u16;
        let r = parse_status_response(status, &bytes(i, "body"), &Limits::default())?;
        if let StatusResponse::Found(found) = &r {
            assert!(
                found
                    .invoices
                    .iter()
                    .all(|inv| inv.mpesa_receipt.as_deref() != Some(""))
            );
        }
        Ok(to_value(&r))
    });
}

#[test]
fn status_requests() {
    check("status_requests.json", "status_request", |i| {
        let env = Environment::parse(s(i, "environment"))?;
        let token = AccessToken::new(s(i, "accessToken"))?;
        let reference = s(i, "orderReference");
        let key_stem = i["key"].as_str().unwrap_or("test-pkcs1-2048");
        let pem =
            std::fs::read_to_string(root().join(format!("tests/keys/{key_stem}.pem"))).unwrap();
        let signer = Signer::from_pem(&pem)?;
        let sig = if i["sign"].as_bool().unwrap() {
            StatusSignature::Sign(&signer)
        } else {
            StatusSignature::None
        };
        let req = order_status_request(&env, &token, reference, sig)?;
        let mut headers = Vec::new();
        for (name, value) in &req.headers {
            if name == "Signature" {
                // Any value, as long as it verifies over the order reference.
                let verifier = signer.verifier();
                let sig = jenga_stk::Signature::from_base64(value)?;
                verifier.verify(reference.as_bytes(), &sig)?;
                headers.push(json!([name, null]));
            } else {
                headers.push(json!([name, value]));
            }
        }
        Ok(json!({ "method": req.method.as_str(), "url": req.url, "headers": headers }))
    });
}

#[test]
fn callbacks() {
    check("callbacks.json", "callback", |i| {
        let cb = parse_callback(&bytes(i, "body"), &Limits::default())?;
        // Writing it back in the provider's format and reading it again gives the same value.
        assert_eq!(
            parse_callback(&cb.to_json(), &Limits::default()).unwrap(),
            cb
        );
        Ok(to_value(&cb))
    });
}

#[test]
fn callback_urls() {
    check("callback_urls.json", "callback_url", |i| {
        let urls = CallbackUrls::new(s(i, "secret").as_bytes())?;
        match s(i, "operation") {
            "make" => {
                let url = urls.callback_url(
                    s(i, "baseUrl"),
                    s(i, "orderReference"),
                    s(i, "paymentReference"),
                )?;
                assert!(urls.verify_url(&url).is_ok());
                Ok(json!({ "url": url }))
            }
            "verify" => Ok(to_value(&urls.verify_url(s(i, "url"))?)),
            "verify_callback" => {
                let (_, cb) =
                    urls.verify_callback(s(i, "url"), &bytes(i, "body"), &Limits::default())?;
                Ok(to_value(&cb))
            }
            other => panic!("unknown operation {other}"),
        }
    });
}

#[test]
fn ipn() {
    check("ipn.json", "ipn", |i| match s(i, "operation") {
        "parse" => {
            let ipn = parse_ipn(&bytes(i, "body"), &Limits::default())?;
            assert_eq!(parse_ipn(&ipn.to_json(), &Limits::default()).unwrap(), ipn);
            let mut v = to_value(&ipn);
            let obj = v.as_object_mut().unwrap();
            obj.insert("dedupeKey".into(), json!(ipn.dedupe_key()));
            obj.insert("orderReference".into(), json!(ipn.order_reference()));
            Ok(v)
        }
        "verify_auth" => {
            let auth = IpnAuth::new(s(i, "username"), s(i, "password"))?;
            auth.verify(i["authorization"].as_str())?;
            Ok(json!({ "authenticated": true }))
        }
        other => panic!("unknown operation {other}"),
    });
}

#[test]
fn reconciliation() {
    check("reconcile.json", "reconcile", |i| {
        let limits = Limits::default();
        let callback = match i["callback"].as_str() {
            Some(body) => Some(parse_callback(body.as_bytes(), &limits)?),
            None => None,
        };
        let ipns = i["ipns"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| parse_ipn(b.as_str().unwrap().as_bytes(), &limits))
            .collect::<Result<Vec<_>, _>>()?;
        let status = match i["status"].as_str() {
            Some(body) => match parse_status_response(200, body.as_bytes(), &limits)? {
                StatusResponse::Found(found) => Some(found),
                other => panic!("status body not found: {other:?}"),
            },
            None => None,
        };
        let e = &i["expected"];
        let expected = Expected {
            order_reference: s(e, "orderReference").to_owned(),
            amount: e["amount"].as_str().map(|a| a.parse().unwrap()),
            currency: e["currency"].as_str().map(str::to_owned),
        };
        let evidence = Evidence {
            callback: callback.as_ref(),
            ipns: &ipns,
            status: status.as_ref(),
        };
        let mut v = to_value(&reconcile(&expected, &evidence));
        // Vectors compare conflict kinds and sources; descriptions are for humans.
        for c in v["conflicts"].as_array_mut().unwrap() {
            assert!(!c["description"].as_str().unwrap().is_empty());
            c.as_object_mut().unwrap().remove("description");
        }
        Ok(v)
    });
}

/// Every stable error code of the crate appears in at least one vector.
#[test]
fn every_error_code_has_a_vector() {
    let mut seen = BTreeSet::new();
    for entry in std::fs::read_dir(root().join("tests/vectors")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("json") {
            continue;
        }
        let file: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        for case in file["cases"].as_array().unwrap() {
            if let Some(err) = case.get("error") {
                seen.insert(err["code"].as_str().unwrap().to_owned());
                for p in err["problems"].as_array().into_iter().flatten() {
                    seen.insert(p["code"].as_str().unwrap().to_owned());
                }
            }
            // Flow transcripts: a step's own `error` (or a poll's).
            for step in case["input"]["steps"].as_array().into_iter().flatten() {
                for err in [&step["error"], &step["poll"]["error"]] {
                    if let Some(code) = err.as_str() {
                        seen.insert(code.to_owned());
                    }
                }
            }
        }
    }
    let mut all: Vec<&str> = ProblemCode::ALL.iter().map(|c| c.as_str()).collect();
    all.extend(
        [
            ParseErrorKind::BodyTooLarge,
            ParseErrorKind::TooDeep,
            ParseErrorKind::NotJson,
            ParseErrorKind::MissingField,
            ParseErrorKind::InvalidField,
        ]
        .map(|k| k.code()),
    );
    all.extend(
        [
            AuthError::CallbackTokenMissing,
            AuthError::CallbackTokenInvalid,
            AuthError::CallbackReferenceMismatch,
            AuthError::IpnAuthMissing,
            AuthError::IpnAuthInvalid,
        ]
        .map(|e| e.code()),
    );
    all.extend(
        [
            KeyError::Invalid,
            KeyError::IsPublic,
            KeyError::IsPrivate,
            KeyError::Encrypted,
            KeyError::Unsupported,
            KeyError::TooSmall { bits: 0 },
        ]
        .map(|e| e.code()),
    );
    all.extend(["invalid_signature_encoding", "signature_mismatch"]);
    // A saved flow that is not one (flow_state_invalid) is covered by
    // core/tests/flow_simulation.rs; the others happen in transcripts.
    all.extend(
        [
            jenga_stk::FlowError::Busy,
            jenga_stk::FlowError::Idle,
            jenga_stk::FlowError::NotThisPayment,
        ]
        .map(|e| e.code()),
    );
    let missing: Vec<&&str> = all.iter().filter(|c| !seen.contains(**c)).collect();
    assert!(
        missing.is_empty(),
        "error codes without a vector: {missing:?}"
    );
    let _ = Verifier::from_pem; // keys.json covers the verifier side
}
