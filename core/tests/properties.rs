//! Invariants checked by proptest over generated inputs:
//! * the signing string is the concatenation of the body's own field texts,
//!   and the provider-side view of a body agrees, for any valid input and style;
//! * sign then verify holds;
//! * parse(serialize(x)) == x for callbacks and IPNs;
//! * no input makes a parser or validator panic.

// Signs or loads keys: needs a signing backend (see tests/no_backend.rs for the build without one).
#![cfg(any(feature = "rsa", feature = "ring", feature = "aws-lc-rs"))]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use jenga_stk::{
    Amount, AmountDecimals, AmountEncoding, AmountStyle, CallbackFailure, CallbackOutcome,
    CallbackPayment, CallbackUrls, DateTime, FailureReason, Ipn, IpnAuth, IpnBank, IpnCustomer,
    IpnStatus, IpnTransaction, Limits, PaymentMode, PhoneFormat, RequestOptions, Signer,
    StkCallback, StkPush, classify_init_response, parse_callback, parse_ipn, parse_status_response,
    parse_token_response, signing_string_of_body,
};
use proptest::prelude::*;
use serde_json::Value;

fn options() -> impl Strategy<Value = RequestOptions> {
    (any::<bool>(), any::<bool>(), 0..3u8).prop_map(|(two, string, phone)| RequestOptions {
        amount_style: AmountStyle {
            decimals: if two {
                AmountDecimals::Two
            } else {
                AmountDecimals::Whole
            },
            encoding: if string {
                AmountEncoding::String
            } else {
                AmountEncoding::Number
            },
        },
        phone_format: match phone {
            0 => PhoneFormat::AsGiven,
            1 => PhoneFormat::Local,
            _ => PhoneFormat::International,
        },
        ..RequestOptions::default()
    })
}

fn msisdn() -> impl Strategy<Value = String> {
    ("[71][0-9]{8}", 0..3u8).prop_map(|(nsn, form)| match form {
        0 => format!("0{nsn}"),
        1 => format!("254{nsn}"),
        _ => format!("+254{nsn}"),
    })
}

prop_compose! {
    fn valid_request()(
        order_ref in "[A-Za-z0-9]{1,32}",
        payment_ref in "[A-Za-z0-9]{1,32}",
        order_units in 1u32..250_000,
        payment_units in 1u32..250_000,
        cents in 0u64..100,
        // Any text without control characters and not blank (a blank name is `required`).
        name in "[^\\p{Cc}]{0,24}[^\\p{Cc}\\s][^\\p{Cc}]{0,24}",
        description in "[A-Za-z0-9]([A-Za-z0-9 ]{0,40}[A-Za-z0-9])?",
        phone in msisdn(),
        push_to in msisdn(),
        path in "[a-z0-9/]{0,20}",
    ) -> (Value, u64) {
        let payment = Amount::from_units(payment_units.min(order_units - 1).max(1));
        let payment = Amount::from_hundredths(payment.hundredths() + cents).min(Amount::from_units(order_units));
        let request = serde_json::json!({
            "order": {"orderReference": order_ref, "orderAmount": order_units.to_string(), "orderCurrency": "KES",
                      "countryCode": "KE", "description": description},
            "customer": {"name": name, "email": "a@example.com", "phoneNumber": phone, "identityNumber": "1"},
            "payment": {"paymentReference": payment_ref, "paymentCurrency": "KES",
                        "callbackUrl": format!("https://shop.example.com/{path}"),
                        "details": {"msisdn": push_to, "paymentAmount": payment.to_string()}}
        });
        (request, payment.hundredths())
    }
}

/// An amount's text exactly as written in the body (without a number parser).
fn raw_amount(body: &str) -> String {
    let key = "\"paymentAmount\":";
    let start = body.find(key).unwrap() + key.len();
    let rest = &body[start..];
    rest[..rest.find(['}', ',']).unwrap()]
        .trim_matches('"')
        .to_owned()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn signing_string_is_the_bodys_own_text((request, hundredths) in valid_request(), options in options()) {
        let text = request.to_string();
        match StkPush::from_json(text.as_bytes(), &options) {
            Ok(push) => {
                let body = std::str::from_utf8(push.body()).unwrap();
                let v: Value = serde_json::from_str(body).unwrap();
                let concat = format!(
                    "{}{}{}{}",
                    v["order"]["orderReference"].as_str().unwrap(),
                    v["payment"]["paymentCurrency"].as_str().unwrap(),
                    v["payment"]["details"]["msisdn"].as_str().unwrap(),
                    raw_amount(body),
                );
                prop_assert_eq!(push.signing_string(), concat.as_str());
                prop_assert_eq!(signing_string_of_body(push.body(), &Limits::default()).unwrap(), concat);
                prop_assert_eq!(push.payment_amount().hundredths(), hundredths);
            }
            Err(e) => {
                // The only way a valid request fails: a fraction under whole-unit style.
                prop_assert_eq!(options.amount_style.decimals, AmountDecimals::Whole);
                prop_assert!(hundredths % 100 != 0);
                prop_assert!(e.problems().iter().all(|p| p.code.as_str() == "amount_not_whole"), "{e}");
            }
        }
    }

    #[test]
    fn validation_never_panics(text in ".{0,400}", bytes in proptest::collection::vec(any::<u8>(), 0..400), options in options()) {
        let _ = StkPush::from_json(text.as_bytes(), &options);
        let _ = StkPush::from_json(&bytes, &options);
        let _ = RequestOptions::from_json(&bytes);
        let _ = Signer::from_pem(&text);
        let _ = jenga_stk::Verifier::from_pem(&text);
        let _ = IpnAuth::new("u", "p").unwrap().verify(Some(&text));
        let _ = CallbackUrls::new(b"0123456789abcdef0123456789abcdef").unwrap().verify_url(&text);
    }

    #[test]
    fn parsers_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600), status in 100u16..600) {
        let limits = Limits::default();
        let _ = parse_callback(&bytes, &limits);
        let _ = parse_ipn(&bytes, &limits);
        let _ = classify_init_response(status, &bytes, &limits);
        let _ = parse_status_response(status, &bytes, &limits);
        let _ = parse_token_response(status, &bytes, DateTime::from_unix_millis(0), &limits);
        let _ = signing_string_of_body(&bytes, &limits);
    }

    #[test]
    fn parsers_never_panic_on_json_shaped_input(json in json_value()) {
        let text = json.to_string();
        let limits = Limits::default();
        let _ = parse_callback(text.as_bytes(), &limits);
        let _ = parse_ipn(text.as_bytes(), &limits);
        let _ = classify_init_response(200, text.as_bytes(), &limits);
        let _ = parse_status_response(200, text.as_bytes(), &limits);
        let _ = StkPush::from_json(text.as_bytes(), &RequestOptions::default());
    }

    #[test]
    fn callbacks_round_trip(cb in callback()) {
        let again = parse_callback(&cb.to_json(), &Limits::default()).unwrap();
        prop_assert_eq!(again, cb);
    }

    #[test]
    fn ipns_round_trip(ipn in ipn()) {
        let again = parse_ipn(&ipn.to_json(), &Limits::default()).unwrap();
        prop_assert_eq!(again, ipn);
    }
}

proptest! {
    // RSA signing is slow in debug builds: fewer cases.
    #![proptest_config(ProptestConfig::with_cases(12))]

    #[test]
    fn sign_then_verify(message in proptest::collection::vec(any::<u8>(), 0..200)) {
        use std::sync::OnceLock;
        static SIGNER: OnceLock<Signer> = OnceLock::new();
        let signer = SIGNER.get_or_init(|| {
            Signer::from_pem(include_str!("../../tests/keys/test-pkcs8-2048.pem")).unwrap()
        });
        let sig = signer.sign(&message).unwrap();
        prop_assert!(signer.verifier().verify(&message, &sig).is_ok());
        let mut other = message.clone();
        other.push(0);
        prop_assert!(signer.verifier().verify(&other, &sig).is_err());
    }
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        "[ -~]{0,12}".prop_map(Value::String),
        prop_oneof![
            Just("0"),
            Just("1032"),
            Just("SUCCESS"),
            Just("2024-08-09 16:22:50"),
            Just("20240809162247")
        ]
        .prop_map(|s| Value::String(s.to_owned())),
    ];
    leaf.prop_recursive(5, 64, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::btree_map(
                prop_oneof![
                    Just("status"),
                    Just("code"),
                    Just("data"),
                    Just("Body"),
                    Just("stkCallback"),
                    Just("ResultCode"),
                    Just("CallbackMetadata"),
                    Just("Item"),
                    Just("Name"),
                    Just("Value"),
                    Just("order"),
                    Just("invoices"),
                    Just("transaction"),
                    Just("customer"),
                    Just("reference"),
                    Just("amount"),
                    Just("transactionReference"),
                    Just("MerchantRequestID"),
                    Just("CheckoutRequestID"),
                ]
                .prop_map(str::to_owned),
                inner,
                0..6,
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn date() -> impl Strategy<Value = DateTime> {
    // Whole seconds between 2000 and 2099, shown in East Africa Time as the provider writes them.
    (946_684_800i64..4_102_444_800)
        .prop_map(|s| DateTime::from_unix_millis(s * 1000).with_offset_minutes(180))
}

fn amount() -> impl Strategy<Value = Amount> {
    (0u64..10_000_000_000).prop_map(Amount::from_hundredths)
}

fn text() -> impl Strategy<Value = String> {
    "(?s).{0,20}"
}

/// A side field as the parsers give it back: absent, or text that is not blank.
fn side() -> impl Strategy<Value = Option<String>> {
    proptest::option::of(text().prop_filter("not blank", |t| !t.trim().is_empty()))
}

/// A reference as the parsers give it back: trimmed and not empty.
fn trimmed() -> impl Strategy<Value = String> {
    "(?s)[^\\s](.{0,18}[^\\s])?"
}

fn callback() -> impl Strategy<Value = StkCallback> {
    let phone = prop_oneof![
        "[1-9][0-9]{11}",
        "2547[*]{5}[0-9]{3}",
        "[+]254[0-9]{9}",
        "07[0-9]{2} [0-9]{3} [0-9]{3}"
    ];
    let paid = (
        trimmed(),
        amount(),
        proptest::option::of(phone),
        proptest::option::of(date()),
        proptest::option::of(amount()),
    )
        .prop_map(
            |(mpesa_receipt, amount, phone_number, transaction_date, balance)| {
                CallbackOutcome::Paid(CallbackPayment {
                    mpesa_receipt,
                    amount,
                    phone_number,
                    transaction_date,
                    balance,
                })
            },
        );
    let failed = prop_oneof![Just(1i64), Just(1032), Just(1037), Just(2001), Just(4242)];
    (
        trimmed(),
        side(),
        side(),
        side(),
        prop_oneof![
            paid.prop_map(|o| (0, o)),
            failed.prop_map(|c| (
                c,
                CallbackOutcome::Failed(CallbackFailure {
                    reason: FailureReason::from_result_code(c)
                })
            ))
        ],
    )
        .prop_map(
            |(reference, merchant, checkout, desc, (code, outcome))| StkCallback {
                transaction_reference: reference,
                merchant_request_id: merchant,
                checkout_request_id: checkout,
                result_code: code,
                result_desc: desc,
                outcome,
            },
        )
}

fn ipn() -> impl Strategy<Value = Ipn> {
    let status = prop_oneof![
        Just(IpnStatus::Success),
        Just(IpnStatus::Failed),
        "[A-Z]{3,8}"
            .prop_filter("not a known status", |s| s != "SUCCESS" && s != "FAILED")
            .prop_map(IpnStatus::Other),
    ];
    let mode = prop_oneof![
        Just(PaymentMode::Mpesa),
        Just(PaymentMode::Card),
        "[A-Z]{3,8}"
            .prop_filter("not a known mode", |s| ![
                "MPESA", "CARD", "PWE", "EQUITEL", "PAYPAL"
            ]
            .contains(&s.as_str()))
            .prop_map(PaymentMode::Other),
    ];
    (
        (
            side(),
            proptest::option::of(trimmed()),
            proptest::option::of(trimmed()),
        ),
        (
            proptest::option::of(date()),
            "[A-Z0-9]{1,12}",
            proptest::option::of(mode),
            amount(),
            proptest::option::of(trimmed()),
            proptest::option::of(amount()),
        ),
        (
            proptest::option::of(trimmed()),
            side(),
            proptest::option::of(amount()),
            status,
            side(),
        ),
        proptest::option::of((side(), side())),
    )
        .prop_map(
            |(
                (name, mobile, reference),
                (date, tref, payment_mode, amount, currency, charge),
                (bill, served_by, order_amount, status, remarks),
                bank,
            )| Ipn {
                callback_type: "IPN".to_owned(),
                customer: IpnCustomer {
                    name,
                    mobile_number: mobile,
                    reference,
                },
                transaction: IpnTransaction {
                    date,
                    reference: tref,
                    payment_mode,
                    amount,
                    currency,
                    service_charge: charge,
                    bill_number: bill,
                    served_by,
                    additional_info: None,
                    order_amount,
                    order_currency: None,
                    status,
                    remarks,
                },
                bank: bank.map(|(reference, account)| IpnBank {
                    reference,
                    transaction_type: Some("C".to_owned()),
                    account,
                }),
            },
        )
}
