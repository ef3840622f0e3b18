//! Behaviour of the request builder beyond the shared vectors: the Rust-typed
//! input, settings combinations, and the signing string always being the
//! body's own text.

// Signs or loads keys: needs a signing backend (see tests/no_backend.rs for the build without one).
#![cfg(any(feature = "rsa", feature = "ring", feature = "aws-lc-rs"))]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use jenga_stk::{
    AccessToken, Amount, AmountDecimals, AmountEncoding, AmountStyle, CustomerInput, Environment,
    OrderInput, PaymentDetailsInput, PaymentInput, PhoneFormat, ProblemCode, RequestOptions,
    Signer, StkPush, StkPushInput,
};
use serde_json::Value;

fn page_input() -> StkPushInput {
    StkPushInput {
        order: OrderInput {
            order_reference: "OR28922980077".into(),
            order_amount: Some(Amount::from_units(2)),
            order_currency: "KES".into(),
            country_code: "KE".into(),
            description: "Purchase".into(),
            ..Default::default()
        },
        customer: CustomerInput {
            name: "John Doe".into(),
            email: "xyx2@gmail.com".into(),
            phone_number: "0722000111".into(),
            identity_number: "0000000".into(),
            ..Default::default()
        },
        payment: PaymentInput {
            payment_reference: "MKQR28922980073".into(),
            payment_currency: "KES".into(),
            callback_url: "https://example.com/cb".into(),
            details: PaymentDetailsInput {
                msisdn: "0722000000".into(),
                payment_amount: Some(Amount::from_units(2)),
            },
            ..Default::default()
        },
    }
}

/// The amount text as written in the body, without a number parser.
fn raw_field(body: &str, key: &str) -> String {
    let needle = format!("\"{key}\":");
    let start = body.find(&needle).unwrap() + needle.len();
    let rest = &body[start..];
    rest[..rest.find(['}', ',']).unwrap()]
        .trim_matches('"')
        .to_owned()
}

#[test]
fn signing_string_is_the_bodys_own_text_for_every_setting() {
    let amounts = [1u64, 100, 150, 205, 1_000_000, 25_000_000];
    let phones = ["0722000000", "254722000000", "+254110000000"];
    let mut checked = 0;
    for decimals in [AmountDecimals::Whole, AmountDecimals::Two] {
        for encoding in [AmountEncoding::Number, AmountEncoding::String] {
            for phone_format in [
                PhoneFormat::AsGiven,
                PhoneFormat::Local,
                PhoneFormat::International,
            ] {
                for &h in &amounts {
                    for phone in phones {
                        let mut input = page_input();
                        input.order.order_amount = Some(Amount::from_hundredths(h));
                        input.payment.details.payment_amount = Some(Amount::from_hundredths(h));
                        input.payment.details.msisdn = phone.into();
                        let options = RequestOptions {
                            amount_style: AmountStyle { decimals, encoding },
                            phone_format,
                            ..Default::default()
                        };
                        let push = match StkPush::new(&input, &options) {
                            Ok(p) => p,
                            Err(e) => {
                                // Only fractions under whole style may fail.
                                assert_eq!(decimals, AmountDecimals::Whole);
                                assert_ne!(h % 100, 0);
                                assert!(
                                    e.problems()
                                        .iter()
                                        .all(|p| p.code == ProblemCode::AmountNotWhole)
                                );
                                continue;
                            }
                        };
                        let body = std::str::from_utf8(push.body()).unwrap();
                        let v: Value = serde_json::from_str(body).unwrap();
                        let expected = format!(
                            "{}{}{}{}",
                            v["order"]["orderReference"].as_str().unwrap(),
                            v["payment"]["paymentCurrency"].as_str().unwrap(),
                            v["payment"]["details"]["msisdn"].as_str().unwrap(),
                            raw_field(body, "paymentAmount"),
                        );
                        assert_eq!(push.signing_string(), expected);
                        let amount_is_string = body.contains("\"paymentAmount\":\"");
                        assert_eq!(amount_is_string, encoding == AmountEncoding::String);
                        checked += 1;
                    }
                }
            }
        }
    }
    assert!(checked > 100, "{checked}");
}

#[test]
fn rust_input_and_json_input_agree() {
    let from_rust = StkPush::new(&page_input(), &RequestOptions::default()).unwrap();
    let json = std::str::from_utf8(from_rust.body()).unwrap().to_owned();
    let from_json = StkPush::from_json(json.as_bytes(), &RequestOptions::default()).unwrap();
    assert_eq!(from_rust, from_json);
}

#[test]
fn defaults_are_filled_and_overridable() {
    let push = StkPush::new(&page_input(), &RequestOptions::default()).unwrap();
    let v: Value = serde_json::from_slice(push.body()).unwrap();
    assert_eq!(v["order"]["source"], "APICHECKOUT");
    assert_eq!(v["payment"]["channel"], "MOBILE");
    assert_eq!(v["payment"]["service"], "MPESA");
    assert_eq!(v["payment"]["provider"], "JENGA");
    assert_eq!(v["customer"]["firstAddress"], "");
    let mut input = page_input();
    input.payment.provider = Some("OTHER".into());
    input.payment.channel = Some(String::new());
    let err = StkPush::new(&input, &RequestOptions::default()).unwrap_err();
    assert_eq!(err.problems().len(), 1);
    assert_eq!(err.problems()[0].field, "payment.channel");
    input.payment.channel = None;
    let push = StkPush::new(&input, &RequestOptions::default()).unwrap();
    let v: Value = serde_json::from_slice(push.body()).unwrap();
    assert_eq!(v["payment"]["provider"], "OTHER");
}

#[test]
fn empty_input_reports_every_required_field_in_page_order() {
    let err = StkPush::new(&StkPushInput::default(), &RequestOptions::default()).unwrap_err();
    let fields: Vec<&str> = err.problems().iter().map(|p| p.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "order.orderReference",
            "order.orderAmount",
            "order.orderCurrency",
            "order.countryCode",
            "order.description",
            "customer.name",
            "customer.email",
            "customer.phoneNumber",
            "customer.identityNumber",
            "payment.paymentReference",
            "payment.paymentCurrency",
            "payment.callbackUrl",
            "payment.details.msisdn",
            "payment.details.paymentAmount",
        ]
    );
    assert!(
        err.problems()
            .iter()
            .all(|p| p.code == ProblemCode::Required)
    );
    let text = err.to_string();
    assert!(
        text.starts_with("invalid input (14 problems): order.orderReference"),
        "{text}"
    );
}

#[test]
fn configured_limits_apply() {
    let mut input = page_input();
    input.order.order_amount = Some(Amount::from_units(300_000));
    input.payment.details.payment_amount = Some(Amount::from_units(300_000));
    assert!(StkPush::new(&input, &RequestOptions::default()).is_err());
    let options = RequestOptions {
        max_amount: Some(Amount::from_units(1_000_000)),
        ..Default::default()
    };
    assert!(StkPush::new(&input, &options).is_ok());
}

#[test]
fn errors_never_echo_secrets() {
    let secret = "s3cr3t-token-value\n";
    let err = AccessToken::new(secret).unwrap_err();
    assert!(!err.to_string().contains("s3cr3t"));
    assert!(!format!("{err:?}").contains("s3cr3t"));
    let pem = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/keys/test-encrypted-pkcs1.pem"
    ))
    .unwrap();
    let err = Signer::from_pem(&pem).unwrap_err();
    let text = format!("{err} {err:?}");
    for line in pem.lines().filter(|l| l.len() > 40).take(3) {
        assert!(!text.contains(line), "key material in error: {text}");
    }
}

#[test]
fn http_request_is_complete_and_redacted_in_debug() {
    let pem = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/keys/test-pkcs1-2048.pem"
    ))
    .unwrap();
    let signer = Signer::from_pem(&pem).unwrap();
    let token = AccessToken::new("tok.en.value").unwrap();
    let signed = StkPush::new(&page_input(), &RequestOptions::default())
        .unwrap()
        .sign(&signer)
        .unwrap();
    signed.verify(&signer.verifier()).unwrap();
    let env = Environment::custom("https://gateway.example.com/").unwrap();
    let req = signed.http_request(&env, &token);
    assert_eq!(
        req.url,
        "https://gateway.example.com/api-checkout/mpesa-stk-push/v3.0/init"
    );
    assert_eq!(req.header("authorization"), Some("Bearer tok.en.value"));
    assert_eq!(req.header("content-type"), Some("application/json"));
    assert!(!format!("{req:?}").contains("tok.en.value"));
    assert!(!format!("{signed:?}").contains("tok.en.value"));
}

#[test]
fn provider_side_signing_string_matches_for_every_style() {
    use jenga_stk::{Limits, signing_string_of_body};
    for decimals in [AmountDecimals::Whole, AmountDecimals::Two] {
        for encoding in [AmountEncoding::Number, AmountEncoding::String] {
            let options = RequestOptions {
                amount_style: AmountStyle { decimals, encoding },
                ..Default::default()
            };
            let push = StkPush::new(&page_input(), &options).unwrap();
            let received = signing_string_of_body(push.body(), &Limits::default()).unwrap();
            assert_eq!(received, push.signing_string());
        }
    }
    let err = signing_string_of_body(br#"{"order":{}}"#, &Limits::default()).unwrap_err();
    assert_eq!(err.code(), "missing_field");
}

#[test]
fn a_push_again_keeps_the_order_and_the_signature() {
    let pem = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/keys/test-pkcs1-2048.pem"),
    )
    .unwrap();
    let signer = jenga_stk::Signer::from_pem(&pem).unwrap();
    let first = jenga_stk::StkPush::new(&page_input(), &jenga_stk::RequestOptions::default())
        .unwrap()
        .sign(&signer)
        .unwrap();
    let again = first
        .with_payment_reference("MKQR28922980073R2AB12", "https://shop.example.com/cb?x=1")
        .unwrap();
    assert_eq!(again.push().payment_reference(), "MKQR28922980073R2AB12");
    assert_eq!(
        again.push().callback_url(),
        "https://shop.example.com/cb?x=1"
    );
    assert_eq!(again.push().signing_string(), first.push().signing_string());
    assert_eq!(again.signature(), first.signature());
    assert!(again.verify(&signer.verifier()).is_ok());
    let body = String::from_utf8(again.push().body().to_vec()).unwrap();
    assert!(
        body.contains("\"paymentReference\":\"MKQR28922980073R2AB12\""),
        "{body}"
    );
    assert_eq!(
        body.replace("MKQR28922980073R2AB12", "MKQR28922980073")
            .replace(
                "https://shop.example.com/cb?x=1",
                first.push().callback_url()
            ),
        String::from_utf8(first.push().body().to_vec()).unwrap()
    );
    // The new parts are validated as in a new push.
    let e = first
        .with_payment_reference("MKQR-1", "ftp://x")
        .unwrap_err();
    let codes: Vec<&str> = e.problems().iter().map(|p| p.code.as_str()).collect();
    assert_eq!(codes, ["invalid_reference", "invalid_url"]);
}
