//! `StkPush::from_json` under a few option sets, and `RequestOptions::from_json`.
//!
//! Input: the first byte picks the options. `0xFF` means "options JSON, a NUL
//! byte, then the request JSON" (the options are read with
//! `RequestOptions::from_json`); any other value picks one of `VARIANTS`
//! (modulo its length) and the rest is the request JSON.
//!
//! Invariants on every accepted request:
//! * the body is JSON and its signing string, read back from the body's own
//!   texts (`signing_string_of_body`), is exactly `push.signing_string()`;
//! * the signing string is orderReference + paymentCurrency + msisdn + the
//!   payment amount written in the chosen amount style;
//! * the body, fed back to `from_json` with the same options, is accepted and
//!   written again byte for byte (the writer's output is a fixed point);
//! * the HTTP request carries exactly that body and the signature header.
//!
//! On refusal: at least one problem, each with a non-empty field and code.
#![no_main]

use jenga_stk::{
    AccessToken, AmountDecimals, AmountEncoding, AmountStyle, Environment, Limits, PhoneFormat,
    RequestOptions, Signature, StkPush, signing_string_of_body,
};
use libfuzzer_sys::fuzz_target;

fn variants() -> [RequestOptions; 6] {
    let style = |decimals, encoding| AmountStyle { decimals, encoding };
    [
        RequestOptions::default(),
        RequestOptions {
            amount_style: style(AmountDecimals::Two, AmountEncoding::Number),
            ..RequestOptions::default()
        },
        RequestOptions {
            amount_style: style(AmountDecimals::Two, AmountEncoding::String),
            ..RequestOptions::default()
        },
        RequestOptions {
            amount_style: style(AmountDecimals::Whole, AmountEncoding::String),
            phone_format: PhoneFormat::Local,
            ..RequestOptions::default()
        },
        RequestOptions {
            phone_format: PhoneFormat::International,
            max_reference_len: 14,
            max_description_len: 20,
            ..RequestOptions::default()
        },
        RequestOptions {
            amount_style: style(AmountDecimals::Two, AmountEncoding::String),
            phone_format: PhoneFormat::International,
            max_amount: Some(jenga_stk::Amount::from_units(1)),
            ..RequestOptions::default()
        },
    ]
}

/// No limit on size: the body we wrote may exceed the default 64 KiB (escapes).
const NO_SIZE_LIMIT: Limits = Limits {
    max_body_bytes: usize::MAX,
    max_depth: 32,
};

fn check(json: &[u8], options: &RequestOptions) {
    let push = match StkPush::from_json(json, options) {
        Ok(push) => push,
        Err(err) => {
            assert!(!err.problems().is_empty(), "a refusal without problems");
            for p in err.problems() {
                // An unknown or repeated key "" at the top level has the path "".
                assert!(
                    !p.field.is_empty()
                        || matches!(p.code.as_str(), "unknown_field" | "duplicate_field"),
                    "a problem without a field: {p:?}"
                );
                assert!(!p.code.as_str().is_empty());
            }
            let _ = err.to_string();
            return;
        }
    };
    let body = push.body();
    assert!(
        serde_json::from_slice::<serde_json::Value>(body).is_ok(),
        "the body is not JSON: {}",
        String::from_utf8_lossy(body)
    );
    let from_body = signing_string_of_body(body, &NO_SIZE_LIMIT)
        .unwrap_or_else(|e| panic!("the body's signing string cannot be read back: {e}"));
    assert_eq!(
        from_body,
        push.signing_string(),
        "the signed text differs from the body's text"
    );
    let amount_text = options
        .amount_style
        .text(push.payment_amount())
        .unwrap_or_else(|| panic!("an accepted amount has no text in the chosen style"));
    let expected = [
        push.order_reference(),
        push.currency(),
        push.msisdn(),
        amount_text.as_str(),
    ]
    .concat();
    assert_eq!(push.signing_string(), expected);

    // The written body is a fixed point of from_json + write.
    let again = StkPush::from_json(body, options).unwrap_or_else(|e| {
        panic!(
            "our own body is refused: {e}\n{}",
            String::from_utf8_lossy(body)
        )
    });
    assert_eq!(
        again.body(),
        body,
        "re-reading the body changes it:\n{}\n{}",
        String::from_utf8_lossy(body),
        String::from_utf8_lossy(again.body())
    );
    assert_eq!(again.signing_string(), push.signing_string());

    // The HTTP request carries the same bytes (a dummy signature: no RSA here).
    let signature = Signature::from_bytes(&[0x5a; 256]).expect("a 256-byte signature");
    let signature_text = signature.as_str().to_owned();
    let token = AccessToken::new("fuzz-token").expect("a valid token");
    let request = push
        .clone()
        .with_signature(signature)
        .http_request(&Environment::Uat, &token);
    assert_eq!(request.body, push.body());
    assert_eq!(request.header("Signature"), Some(signature_text.as_str()));
    assert!(
        !request.to_redacted_string().contains("fuzz-token"),
        "the token leaks"
    );
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    if selector == 0xFF {
        let (options_json, request) = match rest.iter().position(|&b| b == 0) {
            Some(i) => (&rest[..i], &rest[i + 1..]),
            None => (rest, &[][..]),
        };
        match RequestOptions::from_json(options_json) {
            Ok(options) => check(request, &options),
            Err(err) => {
                assert!(!err.problems().is_empty());
                let _ = err.to_string();
            }
        }
    } else {
        let variants = variants();
        check(rest, &variants[usize::from(selector) % variants.len()]);
    }
});
