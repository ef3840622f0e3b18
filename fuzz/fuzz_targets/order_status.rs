//! `parse_status_response`.
//!
//! Input: bytes 0..2 the HTTP status (big-endian), the rest the body.
//!
//! Invariants: `Found` only for a 2xx status; a rejection keeps the status;
//! the result serializes to JSON (what the bindings hand out).
#![no_main]

use jenga_stk::{Limits, StatusResponse, parse_status_response};
use libfuzzer_sys::fuzz_target;

#[path = "known_bugs.rs"]
#[allow(dead_code)]
mod known_bugs;

fuzz_target!(|data: &[u8]| {
    if data.len() < 2 {
        return;
    }
    let status = u16::from_be_bytes([data[0], data[1]]);
    match parse_status_response(status, &data[2..], &Limits::default()) {
        Ok(response) => {
            known_bugs::check_utf8(&data[2..], "parse_status_response");
            match &response {
                StatusResponse::Found(found) => {
                    assert!((200..300).contains(&status), "found with status {status}");
                    for t in [found.order.created_on]
                        .into_iter()
                        .chain(
                            found
                                .invoices
                                .iter()
                                .flat_map(|i| [i.created_on, i.completed_on]),
                        )
                        .flatten()
                    {
                        let _ = t.to_rfc3339();
                    }
                }
                StatusResponse::NotFound { .. } => {}
                StatusResponse::Rejected(r) => {
                    assert_eq!(r.http_status, status);
                    let _ = r.to_string();
                }
            }
            serde_json::to_vec(&response).expect("the result serializes");
        }
        Err(e) => {
            assert!(!e.code().is_empty());
            let _ = e.to_string();
        }
    }
});
