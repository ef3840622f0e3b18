//! Kotlin (JVM servers) and Swift bindings of the `jenga-stk` core, made with
//! uniffi proc-macros. Thin: every item converts types and errors; no payment
//! logic lives here.
//!
//! * Money is the core's exact `Amount`, crossing as its decimal text and
//!   surfacing as `java.math.BigDecimal` (Kotlin) and `Decimal` (Swift).
//! * Times are the core's `DateTime`, surfacing as `java.time.Instant` and `Date`.
//! * Every error is one `JengaError` whose variants carry `code` and `field`.
//! * Keys, tokens and secrets live in objects whose `toString` is redacted.
//! * A `ForeignSigner` lets a server sign with a key that never leaves its
//!   HSM or KMS.
//! * The payment flow (`PaymentFlow`, `SharedTokens`), the status query
//!   (`StatusQuery`) and the signature doctor (`diagnoseSignature`) are the
//!   core's; the Kotlin client (`jenga.stk.client.JengaClient`, hand-written,
//!   `kotlin/`) drives the flow and the query.
//!
//! Generate the bindings with the workspace's `uniffi-bindgen` (see
//! `scripts/uniffi.sh`).

// `JengaError` is returned by value to the foreign side, where it is serialized
// anyway; boxing it would only complicate the generated API.
#![allow(clippy::result_large_err)]

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use jenga_stk::{Amount, DateTime};

mod error;
mod functions;
mod objects;
mod types;

pub use error::JengaError;
pub use functions::*;
pub use objects::*;
pub use types::*;

// Every heap block this library frees is zeroed first. `ring` (this
// library's default signer) does not wipe its RSA key when a `Signer` is
// dropped (briansmith/ring#15); a zero-on-free allocator covers it and every
// other Rust-side copy of a secret. See SECURITY.md, "Key material in memory".
#[global_allocator]
static ALLOCATOR: zeroizing_alloc::ZeroAlloc<std::alloc::System> =
    zeroizing_alloc::ZeroAlloc(std::alloc::System);

uniffi::setup_scaffolding!("jenga_stk");

// Exact money: the core's shortest decimal text ("2", "1500.5") both ways.
// A foreign decimal that is not an amount (negative, three decimals) fails
// with a `JengaError` carrying the amount's code.
uniffi::custom_type!(Amount, String, {
    remote,
    lower: |amount| amount.to_string(),
    try_lift: |text| Amount::parse(&text).map_err(|e| error::amount_error(&e).into()),
});

// Times: the platform's instant (Instant / Date), millisecond precision.
uniffi::custom_type!(DateTime, SystemTime, {
    remote,
    lower: |time| system_time(time),
    try_lift: |time| Ok(DateTime::from_system_time(time)),
});

fn system_time(time: DateTime) -> SystemTime {
    let ms = time.unix_millis();
    let offset = Duration::from_millis(ms.unsigned_abs());
    let moved = if ms >= 0 {
        UNIX_EPOCH.checked_add(offset)
    } else {
        UNIX_EPOCH.checked_sub(offset)
    };
    // Every i64 of milliseconds fits a SystemTime on the supported platforms.
    moved.unwrap_or(UNIX_EPOCH)
}

/// Test-only (cargo feature `test-hooks`, never in the product library):
/// panics with `message`, so the Kotlin tests can show that a Rust panic
/// becomes an exception (`InternalException`) and the JVM keeps running.
#[cfg(feature = "test-hooks")]
#[uniffi::export]
#[allow(clippy::panic)]
pub fn internal_test_panic(message: String) -> u32 {
    panic!("internal_test_panic: {message}")
}
