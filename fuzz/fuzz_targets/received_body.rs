//! `signing_string_of_body` (the provider's, or the sandbox's, side of the
//! signature).
//!
//! Invariants, checked against an independent reading with
//! `serde_json::Value`: an accepted body is JSON; the signing string starts
//! with orderReference + paymentCurrency, string parts appear unescaped and
//! number parts as JSON number literals; it is never longer than the body.
#![no_main]

use jenga_stk::{Limits, signing_string_of_body};
use libfuzzer_sys::fuzz_target;

#[path = "known_bugs.rs"]
#[allow(dead_code)]
mod known_bugs;
use serde_json::Value;

fn is_number_literal(text: &str) -> bool {
    !text.is_empty() && serde_json::from_str::<Value>(text).is_ok_and(|v| v.is_number())
}

fuzz_target!(|data: &[u8]| {
    let Ok(signing) = signing_string_of_body(data, &Limits::default()) else {
        return;
    };
    assert!(signing.len() <= data.len());
    known_bugs::check_utf8(data, "signing_string_of_body");
    if std::str::from_utf8(data).is_err() {
        return; // a known bug, let through by FUZZ_SKIP_KNOWN
    }
    let v: Value = match serde_json::from_slice(data) {
        Ok(v) => v,
        Err(e) => {
            // `Value` cannot hold what JSON's grammar allows but Rust types
            // do not: numbers beyond f64 (`1e400`, which the core rightly
            // takes as literal text) and lone surrogate escapes (`"\ud800"`,
            // grammatical, and harmless in a member the core does not read).
            // Then only check that the body is JSON at all.
            serde_json::from_slice::<serde::de::IgnoredAny>(data)
                .unwrap_or_else(|e| panic!("accepted a body that is not JSON: {e}"));
            let why = e.to_string();
            assert!(
                why.contains("number out of range")
                    || why.contains("hex escape")
                    || why.contains("surrogate"),
                "serde_json's Value refused valid JSON: {e}"
            );
            return;
        }
    };
    let order = v["order"]["orderReference"]
        .as_str()
        .expect("orderReference a string");
    let currency = v["payment"]["paymentCurrency"]
        .as_str()
        .expect("paymentCurrency a string");
    let details = &v["payment"]["details"];
    let rest = signing
        .strip_prefix(&[order, currency].concat())
        .unwrap_or_else(|| panic!("{signing:?} does not start with {order:?}{currency:?}"));
    let (msisdn, amount) = (&details["msisdn"], &details["paymentAmount"]);
    assert!(msisdn.is_string() || msisdn.is_number(), "msisdn {msisdn}");
    assert!(amount.is_string() || amount.is_number(), "amount {amount}");
    match (msisdn.as_str(), amount.as_str()) {
        (Some(m), Some(a)) => assert_eq!(rest, [m, a].concat()),
        (Some(m), None) => {
            let lit = rest.strip_prefix(m).expect("msisdn text");
            assert!(is_number_literal(lit), "amount literal {lit:?}");
        }
        (None, Some(a)) => {
            let lit = rest.strip_suffix(a).expect("amount text");
            assert!(is_number_literal(lit), "msisdn literal {lit:?}");
        }
        (None, None) => assert!(
            !rest.is_empty()
                && rest
                    .bytes()
                    .all(|b| b.is_ascii_digit() || b"+-.eE".contains(&b)),
            "number literals {rest:?}"
        ),
    }
});
