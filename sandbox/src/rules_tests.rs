//! Unit tests of the provider-side request rules.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::{Value, json};

use super::*;

/// The page's "Example Request", its comments removed, callback on loopback.
fn example() -> Value {
    json!({
        "order": {"orderReference": "OR28922980077", "orderAmount": 2, "orderCurrency": "KES",
                  "source": "APICHECKOUT", "countryCode": "KE", "description": "Purchase"},
        "customer": {"name": "John Doe", "email": "xyx2@gmail.com", "phoneNumber": "0722000111",
                     "identityNumber": "0000000", "firstAddress": "", "secondAddress": ""},
        "payment": {"paymentReference": "MKQR28922980073", "paymentCurrency": "KES",
                    "channel": "MOBILE", "service": "MPESA", "provider": "JENGA",
                    "callbackUrl": "http://127.0.0.1:9/cb",
                    "details": {"msisdn": "0722000000", "paymentAmount": 2}}
    })
}

fn read_value(v: &Value) -> Result<Push, Vec<Problem>> {
    read(v.to_string().as_bytes(), false)
}

fn codes(v: &Value) -> Vec<(String, &'static str)> {
    read_value(v)
        .expect_err("accepted")
        .into_iter()
        .map(|p| (p.field, p.code))
        .collect()
}

fn set(v: &mut Value, path: &str, new: Value) {
    let mut cur = v;
    let parts: Vec<&str> = path.split('.').collect();
    for p in &parts[..parts.len() - 1] {
        cur = &mut cur[*p];
    }
    cur[parts[parts.len() - 1]] = new;
}

fn remove(v: &mut Value, path: &str) {
    let mut cur = v;
    let parts: Vec<&str> = path.split('.').collect();
    for p in &parts[..parts.len() - 1] {
        cur = &mut cur[*p];
    }
    cur.as_object_mut().unwrap().remove(parts[parts.len() - 1]);
}

#[test]
fn the_pages_example_is_accepted() {
    let push = read_value(&example()).unwrap();
    assert_eq!(push.order_reference, "OR28922980077");
    assert_eq!(push.payment_amount, Amount::from_units(2));
    assert_eq!(push.msisdn, "0722000000");
    assert_eq!(push.msisdn_international(), "254722000000");
}

#[test]
fn every_missing_required_field_is_reported_at_once() {
    let mut v = example();
    for row in TABLE.iter() {
        remove(&mut v, row.path);
    }
    let got = codes(&v);
    let expected: Vec<(String, &str)> = TABLE
        .iter()
        .filter(|r| r.required)
        .map(|r| (r.path.to_owned(), "missing"))
        .collect();
    assert_eq!(got, expected);
    assert_eq!(got.len(), 18);
    // `null` is absent too; the two optional fields may be absent or null.
    let mut v = example();
    set(&mut v, "customer.email", Value::Null);
    set(&mut v, "customer.firstAddress", Value::Null);
    remove(&mut v, "customer.secondAddress");
    assert_eq!(codes(&v), [("customer.email".to_owned(), "missing")]);
}

#[test]
fn formats_are_the_tables() {
    let mut v = example();
    set(&mut v, "order.orderAmount", json!("two"));
    set(&mut v, "payment.details.paymentAmount", json!(true));
    set(&mut v, "payment.details.msisdn", json!(254722000000u64));
    set(&mut v, "customer.identityNumber", json!(12345));
    set(&mut v, "customer.firstAddress", json!(["x"]));
    assert_eq!(
        codes(&v),
        [
            ("order.orderAmount".to_owned(), "not_a_number"),
            ("customer.identityNumber".to_owned(), "not_a_string"),
            ("customer.firstAddress".to_owned(), "not_a_string"),
            ("payment.details.msisdn".to_owned(), "not_a_string"),
            ("payment.details.paymentAmount".to_owned(), "not_a_number"),
        ]
    );
    // A parent that is not an object is reported once, at its own path.
    let mut v = example();
    set(&mut v, "payment.details", json!("0722000000"));
    assert_eq!(codes(&v), [("payment.details".to_owned(), "not_an_object")]);
    for body in [&b"not json"[..], b"[]", b"\"x\""] {
        let e = read(body, false).unwrap_err();
        assert_eq!(e[0].code, "not_a_json_object");
    }
}

#[test]
fn amounts_as_numbers_or_numeric_strings() {
    for (amount, expected) in [
        (json!(2), 200),
        (json!(2.5), 250),
        (json!("2.00"), 200),
        (json!("500.00"), 50_000),
    ] {
        let mut v = example();
        set(&mut v, "payment.details.paymentAmount", amount.clone());
        let push = read_value(&v).unwrap();
        assert_eq!(push.payment_amount.hundredths(), expected, "{amount}");
    }
    for (amount, code) in [
        (json!(0), "amount_not_positive"),
        (json!("0.00"), "amount_not_positive"),
        (json!(-2), "amount_not_positive"),
        (json!("-2"), "amount_not_positive"),
        (json!(2.005), "invalid_amount"),
        (json!(""), "not_a_number"),
        (json!("2 KES"), "not_a_number"),
    ] {
        let mut v = example();
        set(&mut v, "payment.details.paymentAmount", amount.clone());
        assert_eq!(
            codes(&v),
            [("payment.details.paymentAmount".to_owned(), code)],
            "{amount}"
        );
    }
    let v = example();
    let text = v
        .to_string()
        .replace(r#""paymentAmount":2"#, r#""paymentAmount":2e0"#);
    assert_eq!(
        read(text.as_bytes(), false).unwrap_err()[0].code,
        "invalid_amount"
    );
}

#[test]
fn what_only_the_core_refuses_is_accepted() {
    let mut v = example();
    // Punctuation and non-ASCII in the description, long references, a
    // customer phone that is not a Kenyan mobile, an odd e-mail, an unlisted
    // country and currency, empty optional and non-reference texts.
    set(
        &mut v,
        "order.description",
        json!("Order #12: 50% off! (café) <b>"),
    );
    set(&mut v, "order.orderReference", json!("R".repeat(120)));
    set(&mut v, "payment.paymentReference", json!("P-".repeat(60)));
    set(&mut v, "customer.phoneNumber", json!("+44 20 7946 0958"));
    set(&mut v, "customer.email", json!("not an e-mail"));
    set(&mut v, "order.countryCode", json!("ZZ"));
    set(&mut v, "payment.paymentCurrency", json!("XXX"));
    set(&mut v, "customer.identityNumber", json!(""));
    set(&mut v, "payment.details.msisdn", json!("+447700900123"));
    set(&mut v, "order.orderAmount", json!(3));
    set(&mut v, "unexpected", json!({"extra": true}));
    let push = read_value(&v).unwrap();
    assert_eq!(push.msisdn_international(), "447700900123");
    assert_eq!(push.order_amount, Amount::from_units(3));
}

#[test]
fn assumed_rules() {
    let mut v = example();
    set(&mut v, "order.orderReference", json!(""));
    set(&mut v, "payment.details.msisdn", json!("0722-000-000"));
    set(&mut v, "payment.callbackUrl", json!("/relative"));
    assert_eq!(
        codes(&v),
        [
            ("order.orderReference".to_owned(), "empty"),
            ("payment.details.msisdn".to_owned(), "not_a_phone_number"),
            ("payment.callbackUrl".to_owned(), "not_a_url"),
        ]
    );
    for short in ["07220000", "+1234567890123456"] {
        let mut v = example();
        set(&mut v, "payment.details.msisdn", json!(short));
        assert_eq!(
            codes(&v),
            [("payment.details.msisdn".to_owned(), "not_a_phone_number")]
        );
    }
    // The sandbox safety rule, and its switch.
    let mut v = example();
    set(
        &mut v,
        "payment.callbackUrl",
        json!("https://example.com/cb"),
    );
    assert_eq!(
        codes(&v),
        [("payment.callbackUrl".to_owned(), "not_loopback")]
    );
    assert!(read(v.to_string().as_bytes(), true).is_ok());
    for ok in [
        "http://localhost:1/x",
        "http://[::1]:2/",
        "http://shop.localhost/cb?t=1",
    ] {
        set(&mut v, "payment.callbackUrl", json!(ok));
        assert!(read_value(&v).is_ok(), "{ok}");
    }
}

#[test]
fn international_form_for_the_callback() {
    let mut push = read_value(&example()).unwrap();
    for (msisdn, country, expected) in [
        ("0722000000", "KE", "254722000000"),
        ("+254722000000", "KE", "254722000000"),
        ("254722000000", "KE", "254722000000"),
        ("0772123456", "UG", "256772123456"),
        ("0722000000", "ZZ", "254722000000"),
    ] {
        push.msisdn = msisdn.to_owned();
        push.country_code = country.to_owned();
        assert_eq!(push.msisdn_international(), expected, "{msisdn} {country}");
    }
}

#[test]
fn describe_lists_field_and_code() {
    let mut v = example();
    remove(&mut v, "customer.email");
    set(&mut v, "order.orderAmount", json!("x"));
    let text = describe(&read_value(&v).unwrap_err());
    assert_eq!(
        text,
        "order.orderAmount not_a_number, customer.email missing"
    );
}
