//! Bugs the fuzz targets found (each listed in docs/security.md, with its
//! input in fuzz/regressions/). Both below were fixed in the core on
//! 2026-11-28; their checks stay as invariants, and their regression inputs
//! are replayed before every run. While a newly found bug is unfixed, list it
//! here and set `FUZZ_SKIP_KNOWN=1` (all) or a comma list of names to keep
//! fuzzing for *other* bugs; the check is then skipped for inputs that hit
//! that known bug only.

use std::sync::OnceLock;

/// Fixed: `CallbackUrls::callback_url` accepted a base URL whose query already had
/// `jenga_order`, `jenga_payment` or `jenga_token`; the URL it makes repeats
/// the parameter and `verify_url` refuses it (every callback is then refused).
pub const RESERVED_PARAMS_IN_BASE_URL: &str = "reserved-params-in-base-url";

/// Fixed: the JSON parsers accepted a body with invalid UTF-8 inside a member they do
/// not read (serde skips ignored strings without validating them), so a
/// body that is not JSON (RFC 8259 requires UTF-8) is accepted.
pub const INVALID_UTF8_ACCEPTED: &str = "invalid-utf8-accepted";

/// Whether the known bug `name` is to be let through (see the module comment).
pub fn skip(name: &str) -> bool {
    static SKIP: OnceLock<Option<String>> = OnceLock::new();
    match SKIP.get_or_init(|| std::env::var("FUZZ_SKIP_KNOWN").ok()) {
        None => false,
        Some(v) => v == "1" || v == "all" || v.split(',').any(|n| n.trim() == name),
    }
}

/// An accepted body must be UTF-8 (every JSON text is); `what` names the parser.
pub fn check_utf8(body: &[u8], what: &str) {
    if std::str::from_utf8(body).is_err() && !skip(INVALID_UTF8_ACCEPTED) {
        panic!("{what} accepted a body that is not UTF-8, so not JSON ({INVALID_UTF8_ACCEPTED})");
    }
}
