//! Runs the shared table of hostile inputs (`tests/hostile/hostile.json`, also
//! run by the npm, Python and Kotlin bindings) through the Rust core: every
//! hostile case must fail with a typed error of exactly the expected code and
//! field, every odd-but-valid case (`accepts`) must parse or classify as
//! stated, and nothing may panic. See `tests/hostile/README.md` for the format.

// Signs or loads keys: needs a signing backend (see tests/no_backend.rs for the build without one).
#![cfg(any(feature = "rsa", feature = "ring", feature = "aws-lc-rs"))]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::collections::BTreeSet;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use jenga_stk::{
    AccessToken, CallbackUrls, DateTime, Error, InitResponse, IpnAuth, Limits, Rejection,
    RequestOptions, Signer, StatusResponse, StkPush, TokenResponse, classify_init_response,
    parse_callback, parse_ipn, parse_status_response, parse_token_response,
};
use serde_json::{Map, Value};

/// The table may grow, never silently shrink below this.
const MIN_CASES: usize = 30;

struct Table {
    context: Map<String, Value>,
    templates: Map<String, Value>,
    cases: Vec<Value>,
}

fn load() -> Table {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/hostile/hostile.json");
    let text = std::fs::read_to_string(&path).unwrap();
    let doc: Value = serde_json::from_str(&text).unwrap();
    Table {
        context: doc["context"].as_object().unwrap().clone(),
        templates: doc["templates"].as_object().unwrap().clone(),
        cases: doc["cases"].as_array().unwrap().clone(),
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Vec<usize> {
    (0..=haystack.len().saturating_sub(needle.len()))
        .filter(|&i| haystack[i..].starts_with(needle))
        .collect()
}

/// Expands a value spec into bytes: a string (its UTF-8), `{"base64"}`,
/// `{"repeat", "times"}`, `{"concat": [...]}` or `{"template", "replace"}`.
fn expand(spec: &Value, templates: &Map<String, Value>) -> Vec<u8> {
    if let Some(text) = spec.as_str() {
        return text.as_bytes().to_vec();
    }
    let obj = spec
        .as_object()
        .unwrap_or_else(|| panic!("bad spec {spec}"));
    if let Some(b64) = obj.get("base64") {
        return STANDARD.decode(b64.as_str().unwrap()).unwrap();
    }
    if let Some(unit) = obj.get("repeat") {
        let times = usize::try_from(obj["times"].as_u64().unwrap()).unwrap();
        return unit.as_str().unwrap().repeat(times).into_bytes();
    }
    if let Some(parts) = obj.get("concat") {
        return parts
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|p| expand(p, templates))
            .collect();
    }
    if let Some(name) = obj.get("template") {
        let mut out = templates[name.as_str().unwrap()]
            .as_str()
            .unwrap()
            .as_bytes()
            .to_vec();
        for pair in obj["replace"].as_array().unwrap() {
            let old = pair[0].as_str().unwrap().as_bytes();
            let at = find(&out, old);
            assert_eq!(at.len(), 1, "{old:?} must occur once in template {name}");
            let new = expand(&pair[1], templates);
            out.splice(at[0]..at[0] + old.len(), new);
        }
        return out;
    }
    panic!("bad spec {spec}");
}

/// What a case's API call gave: an error, a success (shown, and as the
/// `accepts` view: `type`, and `kind`/`action` for a rejection), or "not
/// expressible" (text APIs cannot take bytes that are not UTF-8 in Rust).
enum Outcome {
    Failed(Error),
    Accepted(String, Value),
    Inexpressible,
}

/// The `accepts` view of a classification.
fn view(kind: &str, rejection: Option<&Rejection>) -> Value {
    match rejection {
        Some(r) => serde_json::json!({
            "type": "rejected", "kind": r.kind.code(), "action": r.action.code()
        }),
        None => serde_json::json!({ "type": kind }),
    }
}

fn text(bytes: Vec<u8>) -> Option<String> {
    String::from_utf8(bytes).ok()
}

fn run(api: &str, input: &Value, table: &Table) -> Outcome {
    let ctx = |key: &str| table.context[key].as_str().unwrap().to_owned();
    let spec = |key: &str| expand(&input[key], &table.templates);
    let limits = Limits::default();
    let status = || u16::try_from(input["status"].as_u64().unwrap()).unwrap();
    let none = || Value::Object(Map::new());
    let result: Result<(String, Value), Error> = match api {
        "stk_push" => StkPush::from_json(&spec("request"), &RequestOptions::default())
            .map(|p| (format!("{p:?}"), none()))
            .map_err(Error::from),
        "token_response" => {
            let now = DateTime::parse_rfc3339(&ctx("now")).unwrap();
            match parse_token_response(status(), &spec("body"), now, &limits) {
                Ok(TokenResponse::Token(t)) => Ok((format!("{t:?}"), view("token", None))),
                Ok(TokenResponse::Rejected(r)) => Ok((format!("{r:?}"), view("", Some(&r)))),
                Err(e) => Err(e.into()),
            }
        }
        "init_response" => {
            let r = classify_init_response(status(), &spec("body"), &limits);
            let v = match &r {
                InitResponse::Accepted(_) => view("accepted", None),
                InitResponse::Rejected(rejection) => view("", Some(rejection)),
            };
            Ok((format!("{r:?}"), v))
        }
        "status_response" => parse_status_response(status(), &spec("body"), &limits)
            .map(|r| {
                let v = match &r {
                    StatusResponse::Found(_) => view("found", None),
                    StatusResponse::NotFound { .. } => view("not_found", None),
                    StatusResponse::Rejected(rejection) => view("", Some(rejection)),
                };
                (format!("{r:?}"), v)
            })
            .map_err(Error::from),
        "callback" => parse_callback(&spec("body"), &limits)
            .map(|r| (format!("{r:?}"), none()))
            .map_err(Error::from),
        "ipn" => parse_ipn(&spec("body"), &limits)
            .map(|r| (format!("{r:?}"), none()))
            .map_err(Error::from),
        "ipn_auth" => {
            let or_ctx = |key: &str, ctx_key: &str| match input.get(key) {
                Some(v) => text(expand(v, &table.templates)),
                None => Some(ctx(ctx_key)),
            };
            let header = match &input["authorization"] {
                Value::Null => None,
                v => match text(expand(v, &table.templates)) {
                    Some(h) => Some(h),
                    None => return Outcome::Inexpressible,
                },
            };
            let (Some(user), Some(pass)) = (
                or_ctx("username", "ipnUsername"),
                or_ctx("password", "ipnPassword"),
            ) else {
                return Outcome::Inexpressible;
            };
            IpnAuth::new(&user, &pass)
                .map_err(Error::from)
                .and_then(|auth| auth.verify(header.as_deref()).map_err(Error::from))
                .map(|()| ("authenticated".to_owned(), none()))
        }
        "callback_url" => {
            let secret = match input.get("secret") {
                Some(v) => expand(v, &table.templates),
                None => ctx("callbackSecret").into_bytes(),
            };
            let Some(url) = text(spec("url")) else {
                return Outcome::Inexpressible;
            };
            CallbackUrls::new(&secret)
                .map_err(Error::from)
                .and_then(|urls| urls.verify_url(&url).map_err(Error::from))
                .map(|r| (format!("{r:?}"), none()))
        }
        "private_key" => match text(spec("pem")) {
            Some(pem) => Signer::from_pem(&pem)
                .map(|s| (format!("{s:?}"), none()))
                .map_err(Error::from),
            None => return Outcome::Inexpressible,
        },
        "signature" => {
            let request = table.templates["request"].as_str().unwrap().as_bytes();
            let push = StkPush::from_json(request, &RequestOptions::default()).unwrap();
            match text(spec("signature")) {
                Some(sig) => push
                    .with_signature_base64(&sig)
                    .map(|s| (format!("{s:?}"), none()))
                    .map_err(Error::from),
                None => return Outcome::Inexpressible,
            }
        }
        "access_token" => match text(spec("token")) {
            Some(token) => AccessToken::new(token)
                .map(|t| (format!("{t:?}"), none()))
                .map_err(Error::from),
            None => return Outcome::Inexpressible,
        },
        other => panic!("unknown api {other}"),
    };
    match result {
        Ok((shown, v)) => Outcome::Accepted(shown.chars().take(200).collect(), v),
        Err(e) => Outcome::Failed(e),
    }
}

/// Compares an error with the case's expectation; `Err` describes the mismatch.
fn compare(e: &Error, want: &Value) -> Result<(), String> {
    let got = format!(
        "code {:?}, field {:?}, first problem {:?} ({e})",
        e.code(),
        e.field(),
        e.problems().first().map(|p| p.code.as_str())
    );
    let field = want["field"].as_str();
    let problem = want.get("problem").and_then(Value::as_str);
    let ok = e.code() == want["code"].as_str().unwrap()
        && e.field() == field
        && e.problems().first().map(|p| p.code.as_str()) == problem
        && e.problems().first().map(|p| p.field.as_str()) == problem.and(field)
        && !e.to_string().is_empty();
    if ok { Ok(()) } else { Err(got) }
}

/// Every key of the case's `accepts` has the same value in what the call gave.
fn compare_accepted(got: &Value, want: &Value) -> Result<(), String> {
    let want = want.as_object().unwrap();
    match want.iter().find(|(k, v)| got.get(k.as_str()) != Some(v)) {
        None => Ok(()),
        Some(_) => Err(format!(
            "expected {}, got {got}",
            Value::Object(want.clone())
        )),
    }
}

#[test]
fn every_hostile_input_is_a_typed_error() {
    let table = load();
    assert!(
        table.cases.len() >= MIN_CASES,
        "the hostile table shrank to {} cases",
        table.cases.len()
    );
    let mut ids = BTreeSet::new();
    let (mut ran, mut odd_but_valid, mut skipped, mut failures) = (0, 0, Vec::new(), Vec::new());
    for case in &table.cases {
        let id = case["id"].as_str().unwrap();
        assert!(ids.insert(id.to_owned()), "duplicate id {id}");
        let api = case["api"].as_str().unwrap();
        let accepts = case.get("accepts");
        let want = &case["error"];
        assert_eq!(
            accepts.is_some(),
            want.is_null(),
            "{id}: a case has `error` or `accepts`, never both"
        );
        if accepts.is_none() {
            assert!(want["code"].is_string(), "{id}: error.code");
            assert_eq!(
                want["code"] == "validation_failed",
                want.get("problem").is_some(),
                "{id}: `problem` goes with validation_failed, and only with it"
            );
        }
        let outcome = catch_unwind(AssertUnwindSafe(|| run(api, &case["input"], &table)));
        match (outcome, accepts) {
            (Err(_), _) => failures.push(format!("{id}: PANICKED")),
            (Ok(Outcome::Inexpressible), _) => skipped.push(id.to_owned()),
            (Ok(Outcome::Accepted(shown, _)), None) => {
                ran += 1;
                failures.push(format!("{id}: ACCEPTED, expected an error: {shown}"));
            }
            (Ok(Outcome::Accepted(_, got)), Some(accepts)) => {
                ran += 1;
                odd_but_valid += 1;
                if let Err(why) = compare_accepted(&got, accepts) {
                    failures.push(format!("{id}: {why}"));
                }
            }
            (Ok(Outcome::Failed(e)), Some(accepts)) => {
                ran += 1;
                failures.push(format!(
                    "{id}: FAILED ({} {e}), expected to parse as {accepts}",
                    e.code()
                ));
            }
            (Ok(Outcome::Failed(e)), None) => {
                ran += 1;
                if let Err(got) = compare(&e, want) {
                    failures.push(format!("{id}: expected {want}, got {got}"));
                }
            }
        }
    }
    println!(
        "hostile: {ran} of {} cases ran in Rust ({odd_but_valid} odd but valid); not expressible (bytes that are not UTF-8 for a text API): {skipped:?}",
        table.cases.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Each template is a valid document for its API, so the hostile edits, not
/// the template, are what each case tests.
#[test]
fn templates_are_valid() {
    let table = load();
    for (name, api, key) in [
        ("request", "stk_push", "request"),
        ("token", "token_response", "body"),
        ("init", "init_response", "body"),
        ("status", "status_response", "body"),
        ("callback", "callback", "body"),
        ("ipn", "ipn", "body"),
    ] {
        let mut input = serde_json::json!({ "status": 200 });
        input[key] = serde_json::json!({ "template": name, "replace": [] });
        match run(api, &input, &table) {
            Outcome::Accepted(..) => {}
            Outcome::Failed(e) => panic!("template {name} fails: {e}"),
            Outcome::Inexpressible => panic!("template {name} is not UTF-8"),
        }
    }
}
