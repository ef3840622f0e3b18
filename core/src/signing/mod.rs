//! RSA-SHA256 (PKCS#1 v1.5) signatures in Base64, as the provider's
//! `Signature` header carries them.
//!
//! * [`Signer`]: loaded once from a private key PEM; signs.
//! * [`Verifier`]: loaded from a public key PEM; checks signatures (the
//!   sandbox, tests, and anyone who wants to check their setup).
//! * [`Signature`]: Base64 text, validated when it comes from elsewhere
//!   (bring your own signature from a KMS, HSM or phone keystore).
//!
//! # Backends
//!
//! One API, three implementations chosen by cargo feature (see
//! [`SIGNER_BACKEND`] for the one built):
//!
//! | feature | implementation | timing | speed (RSA-2048) |
//! |---|---|---|---|
//! | `rsa` (default) | the pure-Rust `rsa` crate; portable, the one used for WebAssembly | not constant-time (RUSTSEC-2023-0071); every signature is blinded with fresh OS randomness | ~0.1 of OpenSSL |
//! | `ring` | `ring` (BoringSSL's constant-time assembly and C); a library ~250 KB smaller than with `rsa` | constant-time | ~0.45 of OpenSSL |
//! | `aws-lc-rs` | AWS-LC (BoringSSL-derived, FIPS-validated lineage); ~2.2 MB more than with `rsa` | constant-time | OpenSSL speed |
//!
//! When several are enabled the fastest wins (`aws-lc-rs`, then `ring`,
//! then `rsa`), so depend on the core with `default-features = false` and
//! exactly one backend to avoid compiling the others. With none at all
//! (`default-features = false` alone) the crate has no RSA code: [`Signer`]
//! and [`Verifier`] are then empty types with no constructor, and requests
//! are signed elsewhere (a KMS, an HSM, WebCrypto) and attached with
//! `with_signature`. Keys are parsed and
//! checked by this crate (`keys`), not by the backend: every backend accepts
//! and refuses the same keys with the same [`KeyError`]s, and gives the same
//! bytes (PKCS#1 v1.5 is deterministic; `openssl dgst -sha256 -sign` agrees).

mod signature;
pub use signature::Signature;

#[cfg(any(feature = "ring", feature = "aws-lc-rs"))]
mod native;
#[cfg(any(feature = "ring", feature = "aws-lc-rs"))]
use native as backend;

#[cfg(all(feature = "rsa", not(any(feature = "ring", feature = "aws-lc-rs"))))]
mod rsa_crate;
#[cfg(all(feature = "rsa", not(any(feature = "ring", feature = "aws-lc-rs"))))]
use rsa_crate as backend;

#[cfg(any(feature = "rsa", feature = "ring", feature = "aws-lc-rs"))]
mod signer;
#[cfg(any(feature = "rsa", feature = "ring", feature = "aws-lc-rs"))]
pub use signer::{Signer, Verifier};

#[cfg(not(any(feature = "rsa", feature = "ring", feature = "aws-lc-rs")))]
mod absent;
#[cfg(not(any(feature = "rsa", feature = "ring", feature = "aws-lc-rs")))]
use absent as backend;
#[cfg(not(any(feature = "rsa", feature = "ring", feature = "aws-lc-rs")))]
pub use absent::{Signer, Verifier};

/// The signing backend this build uses: `"rsa"`, `"ring"`, `"aws-lc-rs"`,
/// or `"none"` (built without one: bring your own signature).
pub const SIGNER_BACKEND: &str = backend::NAME;

/// Whether this build's signer is constant-time (`ring`, `aws-lc-rs`) rather
/// than relying on blinding (`rsa`); `false` when there is no signer.
pub const SIGNER_IS_CONSTANT_TIME: bool = backend::CONSTANT_TIME;
