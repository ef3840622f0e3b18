//! `classify_init_response`.
//!
//! Input: bytes 0..2 the HTTP status (big-endian), the rest the body.
//!
//! Invariants: `Accepted` only for a 2xx status with code `0` or `-1`; a
//! rejection keeps the status; the result serializes to JSON (what the
//! bindings hand out).
#![no_main]

use jenga_stk::{InitResponse, Limits, classify_init_response};
use libfuzzer_sys::fuzz_target;

#[path = "known_bugs.rs"]
#[allow(dead_code)]
mod known_bugs;

fuzz_target!(|data: &[u8]| {
    if data.len() < 2 {
        return;
    }
    let status = u16::from_be_bytes([data[0], data[1]]);
    // Every answer classifies: there is no error case to reach.
    let response = classify_init_response(status, &data[2..], &Limits::default());
    match &response {
        InitResponse::Accepted(a) => {
            known_bugs::check_utf8(&data[2..], "classify_init_response");
            assert!(
                (200..300).contains(&status),
                "accepted with status {status}"
            );
            assert!(
                a.code == "0" || a.code == "-1",
                "accepted with code {:?}",
                a.code
            );
        }
        InitResponse::Rejected(r) => {
            assert_eq!(r.http_status, status);
            let _ = r.to_string();
            let _ = r.hint();
            // An excerpt for logs is short and never holds a long token-like run.
            if let Some(excerpt) = &r.body_excerpt {
                assert!(excerpt.chars().count() <= 121, "{excerpt:?}");
            }
        }
    }
    serde_json::to_vec(&response).expect("the result serializes");
});
