//! Loading RSA keys from PEM, with a distinct [`KeyError`] for each way it fails.
//!
//! Private keys: PKCS#1 (`BEGIN RSA PRIVATE KEY`, what the provider's docs
//! show) and PKCS#8 (`BEGIN PRIVATE KEY`, what OpenSSL 3 writes). Public keys:
//! SPKI (`BEGIN PUBLIC KEY`, what `openssl rsa -pubout` writes) and PKCS#1
//! (`BEGIN RSA PUBLIC KEY`). Keys under 2048 bits, public keys given as
//! private (and the reverse), encrypted keys, non-RSA keys and garbage each
//! get their own error. Decoded key bytes are zeroized when dropped.
//!
//! This module is backend-neutral: it checks the key's structure and size
//! and hands the signing backend (see `signing`) a canonical PKCS#1 DER
//! document, so every backend refuses and accepts the same keys with the
//! same typed errors. The limits are the intersection of what every backend
//! supports: 2048 to 4096 bits for private keys (ring's limit), 2048 to 8192
//! for public keys, and an odd public exponent from 65537 to 2^33 - 1.

use der::{Decode, Encode};
use pkcs8::spki;
use zeroize::Zeroizing;

use crate::error::KeyError;

/// The smallest RSA modulus accepted, in bits.
pub const MIN_KEY_BITS: usize = 2048;

/// The largest RSA modulus accepted for a public key or a signature, in bits
/// (bounds the work a hostile key can cause).
pub const MAX_KEY_BITS: usize = 8192;

/// The largest RSA modulus accepted for a private (signing) key, in bits:
/// the largest every signing backend supports (ring stops at 4096).
pub const MAX_PRIVATE_KEY_BITS: usize = 4096;

/// The smallest public exponent accepted (ring refuses smaller ones; every
/// key OpenSSL and the provider generate uses 65537).
const MIN_PUBLIC_EXPONENT: u64 = 65537;
/// The largest public exponent accepted (2^33 - 1, ring's and rsa's bound).
const MAX_PUBLIC_EXPONENT: u64 = (1 << 33) - 1;

/// A checked private key: its PKCS#1 `RSAPrivateKey` DER (zeroized on
/// drop) and its public half.
pub(crate) struct PrivateKeyDer {
    pub(crate) pkcs1: Zeroizing<Vec<u8>>,
    pub(crate) public: PublicKeyDer,
}

/// A private key read from PEM and checked exactly as
/// `Signer::from_pem` checks it (same
/// [`KeyError`]s), then re-encoded as PKCS#8 DER, without building a signer:
/// for platforms that sign themselves (WebCrypto's `importKey("pkcs8", …)`,
/// `java.security`, a KMS or HSM import). No RSA arithmetic runs, so it needs
/// no signing backend. The bytes are zeroized on drop and never printed.
pub struct Pkcs8Key {
    der: Zeroizing<Vec<u8>>,
    bits: usize,
}

impl Pkcs8Key {
    /// Reads a PKCS#1 (`BEGIN RSA PRIVATE KEY`) or PKCS#8 (`BEGIN PRIVATE KEY`) PEM.
    pub fn from_pem(pem: &str) -> Result<Pkcs8Key, KeyError> {
        let key = private_key_from_pem(pem)?;
        Ok(Pkcs8Key {
            der: pkcs8_der(&key.pkcs1)?,
            bits: key.public.bits,
        })
    }

    /// The modulus size in bits.
    pub fn bits(&self) -> usize {
        self.bits
    }

    /// The PKCS#8 `PrivateKeyInfo` DER (what `openssl pkcs8 -topk8 -nocrypt -outform DER` writes).
    pub fn der(&self) -> &[u8] {
        &self.der
    }
}

impl std::fmt::Debug for Pkcs8Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pkcs8Key")
            .field("bits", &self.bits)
            .field("der", &"<redacted>")
            .finish()
    }
}

/// A checked public key: its PKCS#1 `RSAPublicKey` DER and modulus size.
/// (Without a signing backend only `bits` is read.)
#[cfg_attr(
    not(any(feature = "rsa", feature = "ring", feature = "aws-lc-rs")),
    allow(dead_code)
)]
#[derive(Clone)]
pub(crate) struct PublicKeyDer {
    pub(crate) pkcs1: Vec<u8>,
    pub(crate) bits: usize,
}

/// Labels of PEM documents that hold a public key or certificate.
const PUBLIC_LABELS: [&str; 3] = ["PUBLIC KEY", "RSA PUBLIC KEY", "CERTIFICATE"];
/// Labels of PEM documents that hold a private key this crate cannot use.
const OTHER_PRIVATE_LABELS: [&str; 4] = [
    "EC PRIVATE KEY",
    "DSA PRIVATE KEY",
    "OPENSSH PRIVATE KEY",
    "ENCRYPTED PRIVATE KEY",
];

/// One PEM document found in the input: its label and the block itself.
struct PemBlock<'a> {
    label: &'a str,
    text: &'a str,
}

/// Finds the first `-----BEGIN X-----` … `-----END X-----` block, ignoring
/// text around it (editors and secret stores add blank lines and comments).
fn find_pem(input: &str) -> Result<PemBlock<'_>, KeyError> {
    const BEGIN: &str = "-----BEGIN ";
    let start = input.find(BEGIN).ok_or(KeyError::Invalid)?;
    let after = &input[start + BEGIN.len()..];
    let label_end = after.find("-----").ok_or(KeyError::Invalid)?;
    let label = &after[..label_end];
    let end_marker = format!("-----END {label}-----");
    let end = input[start..].find(&end_marker).ok_or(KeyError::Invalid)?;
    Ok(PemBlock {
        label,
        text: &input[start..start + end + end_marker.len()],
    })
}

/// Decodes a PEM block's Base64 body (strict RFC 7468), zeroizing the bytes on drop.
fn decode_block(block: &PemBlock<'_>) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    // RFC 7468 is strict about line endings; keys pasted on Windows have CRLF.
    let normalized = Zeroizing::new(block.text.replace("\r\n", "\n"));
    der::pem::decode_vec(normalized.as_bytes())
        .map(|(_, der)| Zeroizing::new(der))
        .map_err(|_| KeyError::Invalid)
}

/// The modulus size in bits, from its big-endian bytes.
fn modulus_bits(bytes: &[u8]) -> usize {
    let digits = match bytes.iter().position(|&b| b != 0) {
        Some(i) => &bytes[i..],
        None => return 0,
    };
    let top = digits.first().map_or(0, |b| 8 - b.leading_zeros() as usize);
    (digits.len() - 1) * 8 + top
}

/// The public exponent as a number, if it fits in 64 bits.
fn exponent_value(bytes: &[u8]) -> Option<u64> {
    let digits = match bytes.iter().position(|&b| b != 0) {
        Some(i) => &bytes[i..],
        None => return Some(0),
    };
    if digits.len() > 8 {
        return None;
    }
    Some(
        digits
            .iter()
            .fold(0u64, |acc, &b| (acc << 8) | u64::from(b)),
    )
}

/// Checks the modulus size and public exponent against the limits every
/// backend shares; returns the modulus size in bits.
fn check_public(modulus: &[u8], exponent: &[u8], max_bits: usize) -> Result<usize, KeyError> {
    let bits = modulus_bits(modulus);
    if bits < MIN_KEY_BITS {
        return Err(KeyError::TooSmall { bits });
    }
    if bits > max_bits {
        return Err(KeyError::Unsupported);
    }
    match exponent_value(exponent) {
        Some(e) if e % 2 == 1 && (MIN_PUBLIC_EXPONENT..=MAX_PUBLIC_EXPONENT).contains(&e) => {
            Ok(bits)
        }
        _ => Err(KeyError::Unsupported),
    }
}

/// Loads an RSA private key from PKCS#1 or PKCS#8 PEM.
pub(crate) fn private_key_from_pem(pem: &str) -> Result<PrivateKeyDer, KeyError> {
    let block = find_pem(pem)?;
    if block.text.contains("Proc-Type: 4,ENCRYPTED") || block.label == "ENCRYPTED PRIVATE KEY" {
        return Err(KeyError::Encrypted);
    }
    if PUBLIC_LABELS.contains(&block.label) {
        return Err(KeyError::IsPublic);
    }
    if OTHER_PRIVATE_LABELS.contains(&block.label) {
        return Err(KeyError::Unsupported);
    }
    let der = decode_block(&block)?;
    match block.label {
        "RSA PRIVATE KEY" => private_from_pkcs1_der(&der),
        "PRIVATE KEY" => {
            let info = pkcs8::PrivateKeyInfoRef::try_from(der.as_slice())
                .map_err(|_| KeyError::Invalid)?;
            if info.algorithm.oid != pkcs1::ALGORITHM_OID {
                return Err(KeyError::Unsupported);
            }
            private_from_pkcs1_der(info.private_key.as_bytes())
        }
        _ => Err(KeyError::Invalid),
    }
}

fn private_from_pkcs1_der(der: &[u8]) -> Result<PrivateKeyDer, KeyError> {
    let parsed = pkcs1::RsaPrivateKeyRef::from_der(der).map_err(|_| KeyError::Invalid)?;
    let bits = check_public(
        parsed.modulus.as_bytes(),
        parsed.public_exponent.as_bytes(),
        MAX_PRIVATE_KEY_BITS,
    )?;
    if parsed.other_prime_infos.is_some() {
        // Multi-prime keys: no backend but `rsa` signs with them.
        return Err(KeyError::Unsupported);
    }
    // Re-encode: backends get canonical DER whatever the input's quirks.
    let pkcs1 = Zeroizing::new(parsed.to_der().map_err(|_| KeyError::Invalid)?);
    let public = pkcs1::RsaPublicKeyRef {
        modulus: parsed.modulus,
        public_exponent: parsed.public_exponent,
    }
    .to_der()
    .map_err(|_| KeyError::Invalid)?;
    Ok(PrivateKeyDer {
        pkcs1,
        public: PublicKeyDer {
            pkcs1: public,
            bits,
        },
    })
}

/// Wraps a PKCS#1 private key in PKCS#8 (`PrivateKeyInfo`, version 1), as
/// `openssl pkcs8 -topk8 -nocrypt` does.
pub(crate) fn pkcs8_der(pkcs1: &[u8]) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    let key = der::asn1::OctetStringRef::new(pkcs1).map_err(|_| KeyError::Invalid)?;
    let info = pkcs8::PrivateKeyInfoRef::new(pkcs1::ALGORITHM_ID, key);
    info.to_der()
        .map(Zeroizing::new)
        .map_err(|_| KeyError::Invalid)
}

/// Loads an RSA public key from SPKI or PKCS#1 PEM.
#[cfg_attr(
    not(any(feature = "rsa", feature = "ring", feature = "aws-lc-rs")),
    allow(dead_code)
)]
pub(crate) fn public_key_from_pem(pem: &str) -> Result<PublicKeyDer, KeyError> {
    let block = find_pem(pem)?;
    match block.label {
        "PUBLIC KEY" => {
            let der = decode_block(&block)?;
            let info = spki::SubjectPublicKeyInfoRef::try_from(der.as_slice())
                .map_err(|_| KeyError::Invalid)?;
            if info.algorithm.oid != pkcs1::ALGORITHM_OID {
                return Err(KeyError::Unsupported);
            }
            let raw = info
                .subject_public_key
                .as_bytes()
                .ok_or(KeyError::Invalid)?;
            public_from_pkcs1_der(raw)
        }
        "RSA PUBLIC KEY" => public_from_pkcs1_der(&decode_block(&block)?),
        "RSA PRIVATE KEY" | "PRIVATE KEY" | "ENCRYPTED PRIVATE KEY" => Err(KeyError::IsPrivate),
        "CERTIFICATE" => Err(KeyError::Unsupported),
        label if OTHER_PRIVATE_LABELS.contains(&label) => Err(KeyError::IsPrivate),
        _ => Err(KeyError::Invalid),
    }
}

#[cfg_attr(
    not(any(feature = "rsa", feature = "ring", feature = "aws-lc-rs")),
    allow(dead_code)
)]
fn public_from_pkcs1_der(der: &[u8]) -> Result<PublicKeyDer, KeyError> {
    let parsed = pkcs1::RsaPublicKeyRef::from_der(der).map_err(|_| KeyError::Invalid)?;
    let bits = check_public(
        parsed.modulus.as_bytes(),
        parsed.public_exponent.as_bytes(),
        MAX_KEY_BITS,
    )?;
    let pkcs1 = parsed.to_der().map_err(|_| KeyError::Invalid)?;
    Ok(PublicKeyDer { pkcs1, bits })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modulus_bits_counts_exactly() {
        assert_eq!(modulus_bits(&[]), 0);
        assert_eq!(modulus_bits(&[0, 0]), 0);
        assert_eq!(modulus_bits(&[1]), 1);
        assert_eq!(modulus_bits(&[0x80, 0]), 16);
        assert_eq!(modulus_bits(&[0, 0x7f, 0xff]), 15);
    }

    #[test]
    fn public_exponent_limits_are_shared_by_every_backend() {
        let n = [0xffu8; 256]; // 2048 bits
        assert_eq!(exponent_value(&[1, 0, 1]), Some(65537));
        assert_eq!(exponent_value(&[0; 12]), Some(0));
        assert_eq!(exponent_value(&[1; 9]), None);
        assert_eq!(check_public(&n, &[1, 0, 1], MAX_KEY_BITS), Ok(2048));
        assert_eq!(
            check_public(&n, &[1, 0xff, 0xff, 0xff, 0xff], MAX_KEY_BITS),
            Ok(2048)
        );
        for bad in [&[3u8][..], &[1, 0, 0], &[0], &[], &[2, 0, 0, 0, 1], &[1; 9]] {
            assert_eq!(
                check_public(&n, bad, MAX_KEY_BITS),
                Err(KeyError::Unsupported),
                "{bad:?}"
            );
        }
        assert_eq!(
            check_public(&[0xff; 128], &[1, 0, 1], MAX_KEY_BITS),
            Err(KeyError::TooSmall { bits: 1024 })
        );
        assert_eq!(
            check_public(&[0xff; 513], &[1, 0, 1], MAX_PRIVATE_KEY_BITS),
            Err(KeyError::Unsupported)
        );
    }

    #[test]
    fn pkcs8_key_is_checked_like_a_signer_and_redacted() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/keys/");
        let read = |stem: &str| std::fs::read_to_string(format!("{dir}{stem}.pem")).unwrap();
        let pkcs8 = read("test-pkcs8-2048");
        let key = Pkcs8Key::from_pem(&pkcs8).unwrap();
        let (_, original) = der::pem::decode_vec(pkcs8.as_bytes()).unwrap();
        assert_eq!((key.bits(), key.der()), (2048, original.as_slice()));
        assert_eq!(
            Pkcs8Key::from_pem(&read("test-pkcs1-2048")).unwrap().bits(),
            2048
        );
        for (stem, err) in [
            ("test-1024", KeyError::TooSmall { bits: 1024 }),
            ("test-pkcs1-8192", KeyError::Unsupported),
            ("test-e3-2048", KeyError::Unsupported),
            ("test-pkcs8-2048.pub", KeyError::IsPublic),
            ("test-encrypted-pkcs8", KeyError::Encrypted),
            ("garbage", KeyError::Invalid),
        ] {
            assert_eq!(Pkcs8Key::from_pem(&read(stem)).err(), Some(err), "{stem}");
        }
        let shown = format!("{key:?}");
        assert_eq!(shown, "Pkcs8Key { bits: 2048, der: \"<redacted>\" }");
    }

    #[test]
    fn garbage_is_invalid() {
        for text in [
            "",
            "hello",
            "-----BEGIN PRIVATE KEY-----\n",
            "-----BEGIN PRIVATE KEY-----\nnot base64!\n-----END PRIVATE KEY-----\n",
            "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
            "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n",
            "-----BEGIN SOMETHING-----\nAAAA\n-----END SOMETHING-----\n",
        ] {
            assert_eq!(
                private_key_from_pem(text).err(),
                Some(KeyError::Invalid),
                "{text:?}"
            );
        }
    }
}
