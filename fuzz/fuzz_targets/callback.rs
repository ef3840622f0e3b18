//! `parse_callback`.
//!
//! Invariants: a parsed callback written back with `to_json()` is JSON and
//! parses to an equal value; `Paid` exactly when `ResultCode` is 0; the value
//! serializes to JSON.
#![no_main]

use jenga_stk::{CallbackOutcome, Limits, parse_callback};
use libfuzzer_sys::fuzz_target;

#[path = "known_bugs.rs"]
#[allow(dead_code)]
mod known_bugs;

/// Our own output may exceed the default 64 KiB (escapes), never the depth.
const NO_SIZE_LIMIT: Limits = Limits {
    max_body_bytes: usize::MAX,
    max_depth: 32,
};

fuzz_target!(|data: &[u8]| {
    match parse_callback(data, &Limits::default()) {
        Ok(callback) => {
            known_bugs::check_utf8(data, "parse_callback");
            assert_eq!(
                matches!(callback.outcome, CallbackOutcome::Paid(_)),
                callback.result_code == 0
            );
            if let CallbackOutcome::Paid(p) = &callback.outcome {
                assert!(!p.mpesa_receipt.is_empty());
                let _ = p.transaction_date.map(|d| d.to_rfc3339());
            }
            let json = callback.to_json();
            assert!(
                serde_json::from_slice::<serde_json::Value>(&json).is_ok(),
                "to_json is not JSON: {}",
                String::from_utf8_lossy(&json)
            );
            let again = parse_callback(&json, &NO_SIZE_LIMIT).unwrap_or_else(|e| {
                panic!(
                    "to_json does not parse back: {e}\n{}",
                    String::from_utf8_lossy(&json)
                )
            });
            assert_eq!(again, callback, "to_json round trip changes the callback");
            serde_json::to_vec(&callback).expect("the callback serializes");
        }
        Err(e) => {
            assert!(!e.code().is_empty());
            let _ = e.to_string();
        }
    }
});
