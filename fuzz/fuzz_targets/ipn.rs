//! `parse_ipn`.
//!
//! Invariants: a parsed IPN written back with `to_json()` is JSON and parses
//! to an equal value; the dedupe key and order reference are the
//! transaction's and customer's references; the value serializes to JSON.
#![no_main]

use jenga_stk::{Limits, parse_ipn};
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
    match parse_ipn(data, &Limits::default()) {
        Ok(ipn) => {
            known_bugs::check_utf8(data, "parse_ipn");
            assert_eq!(ipn.dedupe_key(), ipn.transaction.reference);
            assert_eq!(ipn.order_reference(), ipn.customer.reference.as_deref());
            let _ = ipn.transaction.date.map(|d| d.to_rfc3339());
            let json = ipn.to_json();
            assert!(
                serde_json::from_slice::<serde_json::Value>(&json).is_ok(),
                "to_json is not JSON: {}",
                String::from_utf8_lossy(&json)
            );
            let again = parse_ipn(&json, &NO_SIZE_LIMIT).unwrap_or_else(|e| {
                panic!(
                    "to_json does not parse back: {e}\n{}",
                    String::from_utf8_lossy(&json)
                )
            });
            assert_eq!(again, ipn, "to_json round trip changes the IPN");
            serde_json::to_vec(&ipn).expect("the IPN serializes");
        }
        Err(e) => {
            assert!(!e.code().is_empty());
            let _ = e.to_string();
        }
    }
});
