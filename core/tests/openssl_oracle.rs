//! The signing backend built (see `SIGNER_BACKEND`) against a live
//! `openssl dgst -sha256 -sign`, for every signing key in `tests/keys/`
//! (PKCS#1, PKCS#1 with CRLF, PKCS#8, 4096-bit) and messages of many lengths
//! and bytes. PKCS#1 v1.5 is deterministic, so the bytes must be identical.
//!
//! `make test` runs this file once per backend (`rsa`, `ring`, `aws-lc-rs`).
//! OpenSSL is required: the test fails, loudly, when it is missing.

// Signs or loads keys: needs a signing backend (see tests/no_backend.rs for the build without one).
#![cfg(any(feature = "rsa", feature = "ring", feature = "aws-lc-rs"))]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod support;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use jenga_stk::{SIGNER_BACKEND, Signature, Signer, Verifier};
use support::{keys_dir, openssl_sign};

/// Deterministic message bytes: lengths 0..=300 plus a few large ones,
/// covering ASCII, UTF-8 and arbitrary bytes (NUL included).
fn messages() -> Vec<Vec<u8>> {
    let mut out: Vec<Vec<u8>> = vec![
        b"OR28922980077KES07220000002".to_vec(),
        "Wanjik\u{169} \u{1F600}".as_bytes().to_vec(),
        vec![0u8; 5],
    ];
    let mut x: u32 = 0x1234_5678;
    for len in [1usize, 2, 55, 56, 63, 64, 65, 119, 120, 300, 4096, 65_537] {
        let bytes = (0..len)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                (x >> 24) as u8
            })
            .collect();
        out.push(bytes);
    }
    out
}

#[test]
fn every_signing_key_matches_openssl_byte_for_byte() {
    let keys = [
        ("test-pkcs1-2048", "test-pkcs1-2048.pub"),
        ("test-pkcs1-2048-crlf", "test-pkcs1-2048.pub"),
        ("test-pkcs8-2048", "test-pkcs8-2048.pub"),
        ("test-pkcs8-4096", "test-pkcs8-4096.pub"),
    ];
    let mut checked = 0;
    for (private, public) in keys {
        let pem = std::fs::read_to_string(keys_dir().join(format!("{private}.pem"))).unwrap();
        let signer = Signer::from_pem(&pem).unwrap();
        let pub_pem = std::fs::read_to_string(keys_dir().join(format!("{public}.pem"))).unwrap();
        let verifier = Verifier::from_pem(&pub_pem).unwrap();
        for message in messages() {
            let ours = signer.sign(&message).unwrap();
            let theirs = openssl_sign(private, &message);
            assert_eq!(
                ours.as_str(),
                STANDARD.encode(&theirs),
                "{SIGNER_BACKEND} and OpenSSL differ for {private}, message of {} bytes",
                message.len()
            );
            verifier.verify(&message, &ours).unwrap();
            let openssl_sig = Signature::from_bytes(&theirs).unwrap();
            verifier.verify(&message, &openssl_sig).unwrap();
            checked += 1;
        }
    }
    assert_eq!(checked, 4 * messages().len());
    eprintln!("{SIGNER_BACKEND}: {checked} signatures identical to openssl dgst -sha256 -sign");
}
