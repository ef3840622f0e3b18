//! Runs every conformance case in `tests/vectors/` through the Rust core, and
//! checks every expected signature against OpenSSL (`openssl dgst -sha256 -sign`).

// Signs or loads keys: needs a signing backend (see tests/no_backend.rs for the build without one).
#![cfg(any(feature = "rsa", feature = "ring", feature = "aws-lc-rs"))]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod support;

use std::path::{Path, PathBuf};

use jenga_stk::{
    AccessToken, Environment, Error, RequestOptions, Signature, Signer, StkPush, Verifier,
};
use serde::Deserialize;
use serde_json::Value;
use serde_json::value::RawValue;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn key_path(stem: &str) -> PathBuf {
    support::keys_dir().join(format!("{stem}.pem"))
}

fn read_key(stem: &str) -> String {
    std::fs::read_to_string(key_path(stem)).unwrap()
}

#[derive(Deserialize)]
struct File<C> {
    operation: String,
    cases: Vec<C>,
}

#[derive(Deserialize)]
struct ExpectedError {
    code: String,
    field: Option<String>,
    #[serde(default)]
    problems: Option<Vec<ExpectedProblem>>,
}

#[derive(Deserialize, Debug, PartialEq, Eq, Clone)]
struct ExpectedProblem {
    code: String,
    field: String,
}

fn load<C: for<'de> Deserialize<'de>>(name: &str) -> (String, Vec<C>) {
    let text = std::fs::read_to_string(root().join("tests/vectors").join(name)).unwrap();
    let file: File<C> = serde_json::from_str(&text).unwrap();
    assert!(!file.cases.is_empty(), "{name} has no cases");
    (file.operation, file.cases)
}

/// Compares an error with a case's expected error: codes and fields, never messages.
fn assert_error(id: &str, err: &Error, expected: &ExpectedError) {
    if let Error::Validation(v) = err {
        let got: Vec<ExpectedProblem> = v
            .problems()
            .iter()
            .map(|p| ExpectedProblem {
                code: p.code.as_str().to_owned(),
                field: p.field.clone(),
            })
            .collect();
        let want = expected.problems.clone().unwrap_or_else(|| {
            vec![ExpectedProblem {
                code: expected.code.clone(),
                field: expected.field.clone().unwrap(),
            }]
        });
        assert_eq!(got, want, "{id}: problems");
        // Messages are for humans, but must exist.
        assert!(v.problems().iter().all(|p| !p.message.is_empty()), "{id}");
    } else {
        assert_eq!(err.code(), expected.code, "{id}: code");
        assert_eq!(err.field(), expected.field.as_deref(), "{id}: field");
    }
}

/// OpenSSL's signature of `message`, in Base64 (the `Signature` header's form).
fn openssl_sign(key: &str, message: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(support::openssl_sign(key, message.as_bytes()))
}

// ---------------------------------------------------------------- stk_push.json

#[derive(Deserialize)]
struct StkCase {
    id: String,
    input: StkInput,
    expected: Option<StkExpected>,
    error: Option<ExpectedError>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct StkInput {
    request: Box<RawValue>,
    options: Box<RawValue>,
    key: String,
    environment: String,
    access_token: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct StkExpected {
    body: String,
    signing_string: String,
    signature: String,
    method: String,
    url: String,
    headers: Vec<(String, String)>,
}

fn run_stk(input: &StkInput) -> Result<(StkPush, jenga_stk::HttpRequest), Error> {
    let options = RequestOptions::from_json(input.options.get().as_bytes())?;
    // A JSON string stands for raw (possibly malformed) request text.
    let request: Vec<u8> = match serde_json::from_str::<String>(input.request.get()) {
        Ok(text) => text.into_bytes(),
        Err(_) => input.request.get().as_bytes().to_vec(),
    };
    let push = StkPush::from_json(&request, &options)?;
    let environment = Environment::parse(&input.environment)?;
    let token = AccessToken::new(input.access_token.clone())?;
    let signer = Signer::from_pem(&read_key(&input.key))?;
    let signed = push.clone().sign(&signer)?;
    let http = signed.http_request(&environment, &token);
    Ok((push, http))
}

#[test]
fn stk_push_vectors() {
    let (operation, cases) = load::<StkCase>("stk_push.json");
    assert_eq!(operation, "stk_push");
    for case in &cases {
        let id = &case.id;
        match (&case.expected, &case.error, run_stk(&case.input)) {
            (Some(want), None, Ok((push, http))) => {
                assert_eq!(
                    String::from_utf8(http.body.clone()).unwrap(),
                    want.body,
                    "{id}: body"
                );
                assert_eq!(push.body(), want.body.as_bytes(), "{id}");
                assert_eq!(
                    push.signing_string(),
                    want.signing_string,
                    "{id}: signing string"
                );
                assert_eq!(http.method.as_str(), want.method, "{id}");
                assert_eq!(http.url, want.url, "{id}");
                assert_eq!(http.headers, want.headers, "{id}: headers");
                assert_eq!(
                    http.header("Signature"),
                    Some(want.signature.as_str()),
                    "{id}"
                );
                // The signed text is the body's own text, read back by an independent parser.
                let v: Value = serde_json::from_slice(&http.body).unwrap();
                let text = |v: &Value| match v {
                    Value::String(s) => s.clone(),
                    Value::Number(n) => n.to_string(),
                    other => panic!("{id}: unexpected {other}"),
                };
                let from_body = [
                    text(&v["order"]["orderReference"]),
                    text(&v["payment"]["paymentCurrency"]),
                    text(&v["payment"]["details"]["msisdn"]),
                    raw_amount_text(&want.body, "paymentAmount"),
                ]
                .concat();
                assert_eq!(
                    from_body, want.signing_string,
                    "{id}: signing string vs body"
                );
            }
            (None, Some(want), Err(err)) => assert_error(id, &err, want),
            (_, _, Ok(_)) => panic!("{id}: expected an error, got success"),
            (_, _, Err(err)) => panic!("{id}: unexpected error {err}"),
        }
    }
    // Coverage of every error code across all files: lifecycle_vectors.rs.
}

/// The amount's text exactly as written in the body (number or string), found
/// without a JSON number parser, which could reformat it.
fn raw_amount_text(body: &str, key: &str) -> String {
    let needle = format!("\"{key}\":");
    let start = body.find(&needle).unwrap() + needle.len();
    let rest = &body[start..];
    let end = rest.find(['}', ',']).unwrap();
    rest[..end].trim_matches('"').to_owned()
}

#[test]
fn stk_push_signatures_agree_with_openssl() {
    let (_, cases) = load::<StkCase>("stk_push.json");
    let mut checked = 0;
    for case in &cases {
        if let Some(want) = &case.expected {
            let oracle = openssl_sign(&case.input.key, &want.signing_string);
            assert_eq!(
                oracle, want.signature,
                "{}: vector disagrees with OpenSSL",
                case.id
            );
            checked += 1;
        }
    }
    assert!(checked >= 10, "only {checked} signatures checked");
}

// ---------------------------------------------------------------- keys.json

#[derive(Deserialize)]
struct KeyCase {
    id: String,
    input: KeyInput,
    expected: Option<KeyExpected>,
    error: Option<ExpectedError>,
}

#[derive(Deserialize)]
struct KeyInput {
    key: String,
    kind: String,
}

#[derive(Deserialize)]
struct KeyExpected {
    bits: usize,
}

#[test]
fn key_vectors() {
    let (operation, cases) = load::<KeyCase>("keys.json");
    assert_eq!(operation, "load_key");
    for case in cases {
        let pem = read_key(&case.input.key);
        let result = match case.input.kind.as_str() {
            "private" => Signer::from_pem(&pem).map(|s| s.bits()),
            "public" => Verifier::from_pem(&pem).map(|v| v.bits()),
            other => panic!("unknown kind {other}"),
        };
        match (case.expected, case.error, result) {
            (Some(want), None, Ok(bits)) => assert_eq!(bits, want.bits, "{}", case.id),
            (None, Some(want), Err(e)) => assert_error(&case.id, &Error::Key(e), &want),
            (_, _, r) => panic!("{}: unexpected {r:?}", case.id),
        }
    }
}

// ---------------------------------------------------------------- signatures.json

#[derive(Deserialize)]
struct SigCase {
    id: String,
    input: Value,
    expected: Option<Value>,
    error: Option<ExpectedError>,
}

const PAGE_SIGNING_STRING: &str = "OR28922980077KES07220000002";

#[test]
fn signature_vectors() {
    let (operation, cases) = load::<SigCase>("signatures.json");
    assert_eq!(operation, "signature");
    for case in cases {
        let id = &case.id;
        let op = case.input["operation"].as_str().unwrap();
        let result: Result<Value, Error> = match op {
            "sign" => {
                let key = case.input["key"].as_str().unwrap();
                let message = case.input["message"].as_str().unwrap();
                let signer = Signer::from_pem(&read_key(key)).unwrap();
                let sig = signer.sign(message.as_bytes()).unwrap();
                // The vector itself must agree with OpenSSL.
                assert_eq!(openssl_sign(key, message), sig.as_str(), "{id}: OpenSSL");
                Ok(serde_json::json!({ "signature": sig.as_str() }))
            }
            "attach" => {
                let text = case.input["signature"].as_str().unwrap();
                Signature::from_base64(text)
                    .and_then(|sig| {
                        let verifier =
                            Verifier::from_pem(&read_key("test-pkcs1-2048.pub")).unwrap();
                        verifier.verify(PAGE_SIGNING_STRING.as_bytes(), &sig)
                    })
                    .map(|()| serde_json::json!({ "verifiesWith": "test-pkcs1-2048.pub" }))
                    .map_err(Error::from)
            }
            other => panic!("{id}: unknown operation {other}"),
        };
        match (case.expected, case.error, result) {
            (Some(want), None, Ok(got)) => assert_eq!(got, want, "{id}"),
            (None, Some(want), Err(e)) => assert_error(id, &e, &want),
            (_, _, r) => panic!("{id}: unexpected {r:?}"),
        }
    }
}
