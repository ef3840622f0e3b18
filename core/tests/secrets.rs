//! Secrets (private keys, API keys, consumer secrets, access and refresh
//! tokens, IPN passwords, callback-URL secrets) appear in no `Debug` (plain or
//! `{:#?}`), `Display`, error message or redacted request text, through the
//! public API only. Each test uses distinctive secret strings and searches
//! every printed form for them, for their Base64 forms, and for every line of
//! a private key's PEM body.

// Signs or loads keys: needs a signing backend (see tests/no_backend.rs for the build without one).
#![cfg(any(feature = "rsa", feature = "ring", feature = "aws-lc-rs"))]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use jenga_stk::{
    AccessToken, CallbackUrls, Credentials, DateTime, Environment, Error, IpnAuth, Limits,
    RequestOptions, Signer, StatusSignature, StkPush, TokenAction, TokenResponse, TokenState,
    Verifier, order_status_request, parse_token_response,
};

const API_KEY: &str = "Ap1-K3y-9f8e7d";
const CONSUMER_SECRET: &str = "C0nsum3r-S3cr3t-4b5c";
const TOKEN: &str = "eyJhbGciOiJSUzI1NiJ9.Acc3ss-T0ken-77aa.c2ln";
const REFRESH: &str = "R3fr3sh-T0ken-88bb";
const IPN_USER: &str = "ipn-Us3r-11cc";
const IPN_PASSWORD: &str = "ipn-Pa55w0rd-22dd";
const CALLBACK_SECRET: &str = "Cb-S3cr3t-of-at-least-32-bytes-33ee";

fn key(stem: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/../tests/keys/{stem}.pem",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

/// The secret, its Base64, and (for PEM) every body line longer than 16 characters.
fn needles(secret: &str) -> Vec<String> {
    let mut out = vec![secret.to_owned(), STANDARD.encode(secret)];
    out.extend(
        secret
            .lines()
            .filter(|l| !l.starts_with("-----") && l.len() > 16)
            .map(str::to_owned),
    );
    out
}

fn assert_hidden(what: &str, shown: &[String], secrets: &[&str]) {
    for text in shown {
        for secret in secrets {
            for needle in needles(secret) {
                assert!(
                    !text.contains(&needle),
                    "{what} shows a secret ({needle:.12}…): {text}"
                );
            }
        }
    }
}

fn debug<T: std::fmt::Debug>(v: &T) -> Vec<String> {
    vec![format!("{v:?}"), format!("{v:#?}")]
}

fn error_texts(e: &Error) -> Vec<String> {
    let mut out = debug(e);
    out.push(e.to_string());
    out.extend(e.problems().iter().map(|p| p.to_string()));
    out
}

const ALL: [&str; 7] = [
    API_KEY,
    CONSUMER_SECRET,
    TOKEN,
    REFRESH,
    IPN_USER,
    IPN_PASSWORD,
    CALLBACK_SECRET,
];

fn now() -> DateTime {
    DateTime::parse_rfc3339("2021-07-13T07:03:05Z").unwrap()
}

fn token_body() -> String {
    format!(
        r#"{{"accessToken":"{TOKEN}","refreshToken":"{REFRESH}","expiresIn":"2021-07-13T07:18:02Z","issuedAt":"2021-07-13T07:03:02Z","tokenType":"Bearer"}}"#
    )
}

fn page_push() -> StkPush {
    let request = r#"{"order":{"orderReference":"OR28922980077","orderAmount":2,"orderCurrency":"KES","countryCode":"KE","description":"Purchase"},
      "customer":{"name":"John Doe","email":"xyx2@gmail.com","phoneNumber":"0722000111","identityNumber":"0000000"},
      "payment":{"paymentReference":"MKQR28922980073","paymentCurrency":"KES","callbackUrl":"https://shop.example.com/cb",
      "details":{"msisdn":"0722000000","paymentAmount":2}}}"#;
    StkPush::from_json(request.as_bytes(), &RequestOptions::default()).unwrap()
}

#[test]
fn signers_never_show_the_private_key() {
    for stem in ["test-pkcs1-2048", "test-pkcs8-2048", "test-pkcs8-4096"] {
        let pem = key(stem);
        let signer = Signer::from_pem(&pem).unwrap();
        let der = signer.to_pkcs8_der().unwrap();
        let der_b64 = STANDARD.encode(&*der);
        let mut shown = debug(&signer);
        shown.extend(debug(&signer.verifier()));
        let signed = page_push().sign(&signer).unwrap();
        shown.extend(debug(&signed));
        assert_hidden(stem, &shown, &[&pem, &der_b64[64..128]]);
        assert!(shown.iter().all(|s| !s.contains("PRIVATE")), "{shown:?}");
    }
}

#[test]
fn key_loading_errors_never_quote_the_key() {
    let pem = key("test-pkcs1-2048");
    let public = key("test-pkcs1-2048.pub");
    let mut bad = vec![
        pem[..pem.len() / 2].to_owned(),                  // truncated
        pem.replacen("MII", "XXX", 1),                    // corrupted body
        pem.replace("RSA PRIVATE KEY", "PUBLIC KEY"),     // wrong label
        pem.replace("RSA PRIVATE KEY", "EC PRIVATE KEY"), // unsupported label
        pem.replace("\n", "\r\n\u{0}"),                   // NUL bytes
        format!("{pem}trailing garbage"),
        public.clone(),
    ];
    bad.push(pem.replace("-----BEGIN", "Proc-Type: 4,ENCRYPTED\n-----BEGIN"));
    for text in &bad {
        if let Err(e) = Signer::from_pem(text) {
            let e = Error::from(e);
            assert_hidden("Signer::from_pem error", &error_texts(&e), &[&pem]);
        }
    }
    // A private key where a public one is needed: the error does not quote it either.
    let e = Error::from(Verifier::from_pem(&pem).unwrap_err());
    assert_eq!(e.code(), "key_is_private");
    assert_hidden("Verifier::from_pem error", &error_texts(&e), &[&pem]);
}

#[test]
fn credentials_token_state_and_token_requests_are_redacted() {
    let creds = Credentials::new(API_KEY, "4445776666", CONSUMER_SECRET).unwrap();
    let mut shown = debug(&creds);
    let request = creds.token_request(&Environment::Uat);
    // The secrets are really in the request (so the search below means something).
    assert!(String::from_utf8_lossy(&request.body).contains(CONSUMER_SECRET));
    assert!(request.headers.iter().any(|(_, v)| v.contains(API_KEY)));
    shown.extend(debug(&request));
    shown.push(request.to_redacted_string());

    let mut state = TokenState::new(Environment::Uat, creds.clone());
    shown.extend(debug(&state));
    let action = state.next_action(now());
    assert!(matches!(action, TokenAction::Refresh(_)));
    shown.extend(debug(&action));
    let token = state
        .on_response(200, token_body().as_bytes(), now(), &Limits::default())
        .unwrap();
    assert_eq!(token.access_token().expose(), TOKEN);
    assert_eq!(token.refresh_token(), Some(REFRESH));
    shown.extend(debug(&token));
    shown.extend(debug(&state));
    let action = state.next_action(now());
    assert!(matches!(action, TokenAction::Use(_)));
    shown.extend(debug(&action));
    let parsed =
        parse_token_response(200, token_body().as_bytes(), now(), &Limits::default()).unwrap();
    assert!(matches!(parsed, TokenResponse::Token(_)));
    shown.extend(debug(&parsed));
    assert_hidden("credentials and tokens", &shown, &ALL);
    assert!(
        shown.iter().any(|s| s.contains("4445776666")),
        "merchant code is not secret"
    );
}

#[test]
fn requests_carrying_a_bearer_token_are_redacted() {
    let token = AccessToken::new(TOKEN).unwrap();
    let signer = Signer::from_pem(&key("test-pkcs1-2048")).unwrap();
    let signed = page_push().sign(&signer).unwrap();
    let push_request = signed.http_request(&Environment::Uat, &token);
    let status_request = order_status_request(
        &Environment::Uat,
        &token,
        "OR28922980077",
        StatusSignature::Sign(&signer),
    )
    .unwrap();
    for request in [&push_request, &status_request] {
        assert_eq!(
            request.header("Authorization"),
            Some(format!("Bearer {TOKEN}").as_str())
        );
        let mut shown = debug(request);
        shown.push(request.to_redacted_string());
        assert_hidden("request", &shown, &ALL);
        assert!(shown.iter().all(|s| s.contains("<redacted>")), "{shown:?}");
    }
    assert_hidden("access token", &debug(&token), &ALL);
}

#[test]
fn ipn_auth_and_callback_urls_are_redacted_and_their_errors_quote_nothing() {
    let auth = IpnAuth::new(IPN_USER, IPN_PASSWORD).unwrap();
    let urls = CallbackUrls::new(CALLBACK_SECRET.as_bytes()).unwrap();
    let mut shown = debug(&auth);
    shown.extend(debug(&urls));
    let header = auth.authorization_header();
    assert!(header.contains(&STANDARD.encode(format!("{IPN_USER}:{IPN_PASSWORD}"))));
    // Wrong password, wrong user, the right pair with a suffix: the errors say nothing of either.
    for wrong in [
        format!("{IPN_USER}:wrong"),
        format!("wrong:{IPN_PASSWORD}"),
        format!("{IPN_USER}:{IPN_PASSWORD}x"),
    ] {
        let e = Error::from(
            auth.verify(Some(&format!("Basic {}", STANDARD.encode(wrong))))
                .unwrap_err(),
        );
        shown.extend(error_texts(&e));
    }
    // Invalid values given as secrets: the validation errors do not quote them.
    let e = Error::from(IpnAuth::new(&format!("{IPN_USER}:"), "").unwrap_err());
    shown.extend(error_texts(&e));
    let e = Error::from(CallbackUrls::new(&CALLBACK_SECRET.as_bytes()[..20]).unwrap_err());
    shown.extend(error_texts(&e));
    let url = urls
        .callback_url("https://shop.example.com/cb", "OR1", "PR1")
        .unwrap();
    let e = Error::from(urls.verify_url(&url.replace("OR1", "OR2")).unwrap_err());
    shown.extend(error_texts(&e));
    assert_hidden("IPN auth and callback URLs", &shown, &ALL);
    assert_hidden(
        "IPN auth",
        &shown,
        &[&STANDARD.encode(format!("{IPN_USER}:{IPN_PASSWORD}"))],
    );
    assert_hidden("callback secret", &shown, &[&CALLBACK_SECRET[..20]]);
}

#[test]
fn errors_about_secret_values_never_quote_them() {
    let mut shown = Vec::new();
    // Credentials and tokens that are refused.
    for (api_key, secret) in [
        (format!("{API_KEY} x"), CONSUMER_SECRET.to_owned()),
        (API_KEY.to_owned(), format!("{CONSUMER_SECRET}\n")),
        (format!("{API_KEY}\u{0}"), format!("{CONSUMER_SECRET}é")),
    ] {
        let e = Error::from(Credentials::new(api_key, "m", secret).unwrap_err());
        shown.extend(error_texts(&e));
    }
    for token in [
        format!("{TOKEN} x"),
        format!("{TOKEN}\r\nX-Evil: 1"),
        format!("{TOKEN}\u{0}"),
    ] {
        shown.extend(error_texts(&Error::from(
            AccessToken::new(token).unwrap_err(),
        )));
    }
    // Token responses that carry the token but are refused for another reason.
    let body = token_body();
    let bad_bodies = [
        body.replace("\"2021-07-13T07:18:02Z\"", "3599"),
        body.replace("\"2021-07-13T07:18:02Z\"", "\"tomorrow\""),
        body.replace(TOKEN, &format!("{TOKEN} with space")),
        body.replace(TOKEN, &format!("{TOKEN}\\u0000")),
        body.replace("\"tokenType\":\"Bearer\"", "\"tokenType\":[1]"),
        body.replace("\"refreshToken\"", "\"accessToken\""),
        format!("{body}trailing"),
        body[..body.len() - 5].to_owned(),
        format!("[{body}]"),
        format!("{body}{}", " ".repeat(70_000)),
        body.replace(REFRESH, &format!("{REFRESH}\u{1}")),
        format!("<html><body>token {TOKEN} is not valid here</body></html>"),
    ];
    // Whatever each one gives (an error, a rejection with its excerpt for
    // logs, a token with an assumed lifetime), what can be shown hides them.
    let (mut errors, mut rejections) = (0, 0);
    for bad in &bad_bodies {
        for status in [200, 502] {
            match parse_token_response(status, bad.as_bytes(), now(), &Limits::default()) {
                Err(e) => {
                    errors += 1;
                    shown.extend(error_texts(&Error::from(e)));
                }
                Ok(TokenResponse::Rejected(r)) => {
                    rejections += 1;
                    shown.push(format!("{r:?}"));
                    shown.push(r.to_string());
                    shown.extend(error_texts(&Error::Rejected(r)));
                }
                Ok(TokenResponse::Token(t)) => shown.push(format!("{t:?}")),
            }
        }
    }
    assert!(
        errors > 0 && rejections > 0,
        "{errors} errors, {rejections} rejections"
    );
    // The same through the token state holder, which also holds the credentials.
    let state_error = TokenState::new(
        Environment::Uat,
        Credentials::new(API_KEY, "m", CONSUMER_SECRET).unwrap(),
    )
    .on_response(200, bad_bodies[2].as_bytes(), now(), &Limits::default())
    .unwrap_err();
    shown.extend(error_texts(&state_error));
    assert_hidden("errors", &shown, &ALL);
}
