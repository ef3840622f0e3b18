//! `parse_token_response`.
//!
//! Input: bytes 0..2 the HTTP status (big-endian), bytes 2..10 `now` in Unix
//! milliseconds (big-endian, signed), the rest the body.
//!
//! Invariants: a token only for 2xx, a rejection keeps the status and only for
//! non-2xx; the token lives more than 0 and at most a day after `now` (unless
//! the clock saturates at the end of time); `Debug` never shows the access or
//! refresh token.
#![no_main]

use jenga_stk::{DateTime, Limits, TokenResponse, parse_token_response};
use libfuzzer_sys::fuzz_target;

#[path = "known_bugs.rs"]
#[allow(dead_code)]
mod known_bugs;

fuzz_target!(|data: &[u8]| {
    if data.len() < 10 {
        return;
    }
    let status = u16::from_be_bytes([data[0], data[1]]);
    let mut ms = [0u8; 8];
    ms.copy_from_slice(&data[2..10]);
    let now = DateTime::from_unix_millis(i64::from_be_bytes(ms));
    let body = &data[10..];
    match parse_token_response(status, body, now, &Limits::default()) {
        Ok(TokenResponse::Token(token)) => {
            known_bugs::check_utf8(body, "parse_token_response");
            assert!((200..300).contains(&status), "a token from status {status}");
            assert_eq!(token.received_at(), now);
            let lifetime = token
                .expires_at()
                .unix_millis()
                .saturating_sub(now.unix_millis());
            if now.unix_millis() <= i64::MAX - 86_400_000 {
                assert!(
                    (1..=86_400_000).contains(&lifetime),
                    "a token living {lifetime} ms"
                );
            }
            let secret = token.access_token().expose();
            assert!(!secret.is_empty());
            let debug = format!("{token:?}");
            // Short tokens can occur in the Debug text by chance, and
            // tokenType (shown) may be chosen to contain the token.
            let shown = token.token_type();
            if secret.len() >= 12 && !shown.contains(secret) {
                assert!(!debug.contains(secret), "Debug shows the access token");
            }
            if let Some(refresh) = token.refresh_token() {
                if refresh.len() >= 12 && !shown.contains(refresh) {
                    assert!(!debug.contains(refresh), "Debug shows the refresh token");
                }
            }
            for t in [token.issued_at(), token.provider_expires_at()]
                .into_iter()
                .flatten()
            {
                let _ = t.to_rfc3339();
            }
            let _ = token.expires_at().to_rfc3339();
        }
        Ok(TokenResponse::Rejected(r)) => {
            known_bugs::check_utf8(body, "parse_token_response");
            assert!(!(200..300).contains(&status), "a 2xx rejection");
            assert_eq!(r.http_status, status);
            let _ = r.to_string();
            let _ = r.hint();
        }
        Err(e) => {
            assert!(!e.code().is_empty());
            let _ = e.to_string();
        }
    }
});
