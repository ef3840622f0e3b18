//! `IpnAuth::verify` on an `Authorization` header.
//!
//! Input without a NUL byte: the whole input is the header, checked against
//! the vectors' credentials (`jenga-ipn` / `test-only p@ss:word`).
//! Input with NUL bytes: `username NUL password [NUL header]`; the
//! credentials are built from the input (when `IpnAuth::new` accepts them).
//!
//! Invariants: a header is accepted only if its Base64 credentials decode
//! (independently, here) to exactly `username:password`; the header made by
//! `authorization_header()` is always accepted; a missing header is refused
//! as missing; `Debug` is the same whatever the credentials.
#![no_main]

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use jenga_stk::{AuthError, IpnAuth};
use libfuzzer_sys::fuzz_target;

fn check(user: &str, pass: &str, header: Option<&str>) {
    let auth = match IpnAuth::new(user, pass) {
        Ok(auth) => auth,
        Err(e) => {
            assert!(
                user.is_empty() || user.contains(':') || pass.is_empty(),
                "{e}"
            );
            return;
        }
    };
    assert_eq!(auth.verify(None), Err(AuthError::IpnAuthMissing));
    let own = auth.authorization_header();
    assert_eq!(auth.verify(Some(&own)), Ok(()), "our own header is refused");
    // Debug must not depend on the credentials at all (a substring check
    // would trip on passwords like "redacted>").
    let reference = IpnAuth::new("u", "p").expect("valid credentials");
    assert_eq!(
        format!("{auth:?}"),
        format!("{reference:?}"),
        "Debug shows the credentials"
    );
    let Some(header) = header else { return };
    if auth.verify(Some(header)).is_ok() {
        // Independent check: the last word of the header is standard Base64
        // of exactly `user:pass`.
        let word = header.split_whitespace().last().unwrap_or("");
        let decoded = STANDARD.decode(word).unwrap_or_default();
        assert_eq!(
            decoded,
            format!("{user}:{pass}").into_bytes(),
            "accepted header {header:?} is not {user:?}:{pass:?}"
        );
        let scheme = header.split_whitespace().next().unwrap_or("");
        assert!(
            scheme.eq_ignore_ascii_case("basic"),
            "accepted scheme {scheme:?}"
        );
    }
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if text.contains('\0') {
        let mut parts = text.splitn(3, '\0');
        let user = parts.next().unwrap_or("");
        let pass = parts.next().unwrap_or("");
        check(user, pass, parts.next());
    } else {
        check("jenga-ipn", "test-only p@ss:word", Some(&text));
    }
});
