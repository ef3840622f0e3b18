//! `CallbackUrls::verify_url` and `verify_callback`, and the
//! `callback_url` → `verify_url` round trip.
//!
//! The secret is the vectors' (`test-only callback secret, 32+ bytes long`).
//! Input, split on NUL bytes (lossy UTF-8):
//! * one part: `url` → `verify_url`;
//! * two parts: `url NUL body` → `verify_callback`;
//! * three or more: `base_url NUL orderReference NUL paymentReference` →
//!   `callback_url`, then `verify_url` on the result.
//!
//! Invariants: an accepted URL's references make, with `callback_url`, a URL
//! that verifies to the same references; `verify_callback` accepts only when
//! `verify_url` does, with the same references, and the callback's
//! `transactionReference` is the URL's payment reference; every URL that
//! `callback_url` makes verifies to the references it was made for.
#![no_main]

use jenga_stk::{CallbackRefs, CallbackUrls, Limits};
use libfuzzer_sys::fuzz_target;

#[path = "known_bugs.rs"]
#[allow(dead_code)]
mod known_bugs;

const SECRET: &[u8] = b"test-only callback secret, 32+ bytes long";
const BASE: &str = "https://shop.example.com/jenga/callback";
const RESERVED: [&str; 3] = ["jenga_order", "jenga_payment", "jenga_token"];

/// Whether the base URL's query already has one of the parameters
/// `callback_url` adds (read the way `verify_url` reads a query).
fn has_reserved_param(base: &str) -> bool {
    let query = base.split_once('?').map_or("", |(_, q)| q);
    let query = query.split_once('#').map_or(query, |(q, _)| q);
    query
        .split('&')
        .any(|pair| RESERVED.contains(&pair.split_once('=').map_or(pair, |(n, _)| n)))
}

fuzz_target!(|data: &[u8]| {
    let urls = CallbackUrls::new(SECRET).expect("a long enough secret");
    let text = String::from_utf8_lossy(data);
    let parts: Vec<&str> = text.splitn(3, '\0').collect();
    match parts.as_slice() {
        [url] => {
            if let Ok(refs) = urls.verify_url(url) {
                let remade = urls
                    .callback_url(BASE, &refs.order_reference, &refs.payment_reference)
                    .unwrap_or_else(|e| panic!("verified references make no URL: {e}"));
                assert_eq!(urls.verify_url(&remade), Ok(refs));
            }
        }
        [url, body] => {
            let by_url = urls.verify_url(url);
            match urls.verify_callback(url, body.as_bytes(), &Limits::default()) {
                Ok((refs, callback)) => {
                    assert_eq!(by_url.as_ref(), Ok(&refs));
                    assert_eq!(callback.transaction_reference, refs.payment_reference);
                }
                Err(e) => {
                    assert!(!e.code().is_empty());
                    let _ = e.to_string();
                }
            }
        }
        [base, order, payment, ..] => {
            if let Ok(url) = urls.callback_url(base, order, payment) {
                if has_reserved_param(base)
                    && known_bugs::skip(known_bugs::RESERVED_PARAMS_IN_BASE_URL)
                {
                    return;
                }
                assert!(url.starts_with(base));
                let expected = CallbackRefs {
                    order_reference: (*order).to_owned(),
                    payment_reference: (*payment).to_owned(),
                };
                assert_eq!(
                    urls.verify_url(&url),
                    Ok(expected),
                    "a URL we made does not verify: {url}"
                );
            }
        }
        [] => {}
    }
});
