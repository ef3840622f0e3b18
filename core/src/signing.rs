//! RSA-SHA256 (PKCS#1 v1.5) signatures in Base64, as the provider's
//! `Signature` header carries them.
//!
//! * [`Signer`]: loaded once from a private key PEM; signs with RSA blinding
//!   (the operating system's RNG is passed explicitly on every signature, so
//!   blinding cannot be silently switched off by a feature flag).
//! * [`Verifier`]: loaded from a public key PEM; checks signatures (the
//!   sandbox, tests, and anyone who wants to check their setup).
//! * [`Signature`]: Base64 text, validated when it comes from elsewhere
//!   (bring your own signature from a KMS, HSM or phone keystore).
//!
//! PKCS#1 v1.5 signatures are deterministic: `openssl dgst -sha256 -sign`
//! gives the same bytes, which the conformance tests rely on.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use rsa::pkcs1v15::{SigningKey, VerifyingKey};
use rsa::signature::{RandomizedSigner, SignatureEncoding, Verifier as _};
use sha2::Sha256;

use crate::error::{KeyError, SignatureError};
use crate::keys::{self, MAX_KEY_BITS};

/// Signs messages with an RSA private key: PKCS#1 v1.5, SHA-256, blinded.
///
/// The key is zeroized when the signer is dropped and never printed by `Debug`.
pub struct Signer {
    key: SigningKey<Sha256>,
    bits: usize,
}

impl Signer {
    /// Loads a private key from PEM: PKCS#1 (`BEGIN RSA PRIVATE KEY`) or
    /// PKCS#8 (`BEGIN PRIVATE KEY`), at least 2048 bits.
    pub fn from_pem(pem: &str) -> Result<Signer, KeyError> {
        let (key, bits) = keys::private_key_from_pem(pem)?;
        Ok(Signer {
            key: SigningKey::new(key),
            bits,
        })
    }

    /// The key's modulus size in bits.
    pub fn bits(&self) -> usize {
        self.bits
    }

    /// The key as PKCS#8 DER, for platforms that import keys themselves
    /// (WebCrypto's `importKey("pkcs8", …)`, `java.security`). Zeroized on drop.
    pub fn to_pkcs8_der(&self) -> Result<zeroize::Zeroizing<Vec<u8>>, KeyError> {
        use rsa::pkcs8::EncodePrivateKey;
        self.key
            .as_ref()
            .to_pkcs8_der()
            .map(|doc| zeroize::Zeroizing::new(doc.as_bytes().to_vec()))
            .map_err(|_| KeyError::Invalid)
    }

    /// The verifier for this key's public half.
    pub fn verifier(&self) -> Verifier {
        Verifier {
            key: VerifyingKey::new(self.key.as_ref().to_public_key()),
            bits: self.bits,
        }
    }

    /// Signs `message` (the signing string's bytes) and returns the Base64 signature.
    ///
    /// Fails only if the operating system cannot supply randomness for blinding.
    pub fn sign(&self, message: &[u8]) -> Result<Signature, SignatureError> {
        self.sign_with_rng(&mut getrandom::SysRng, message)
    }

    fn sign_with_rng<R>(&self, rng: &mut R, message: &[u8]) -> Result<Signature, SignatureError>
    where
        R: rsa::rand_core::TryCryptoRng + ?Sized,
    {
        let sig = self
            .key
            .try_sign_with_rng(rng, message)
            .map_err(|_| SignatureError::SigningFailed)?;
        Ok(Signature(STANDARD.encode(sig.to_bytes())))
    }
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signer")
            .field("algorithm", &"RSA-SHA256 PKCS#1 v1.5")
            .field("bits", &self.bits)
            .field("key", &"<redacted>")
            .finish()
    }
}

/// Verifies RSA-SHA256 (PKCS#1 v1.5) signatures with a public key.
#[derive(Clone)]
pub struct Verifier {
    key: VerifyingKey<Sha256>,
    bits: usize,
}

impl Verifier {
    /// Loads a public key from PEM: SPKI (`BEGIN PUBLIC KEY`) or PKCS#1
    /// (`BEGIN RSA PUBLIC KEY`), at least 2048 bits.
    pub fn from_pem(pem: &str) -> Result<Verifier, KeyError> {
        let (key, bits) = keys::public_key_from_pem(pem)?;
        Ok(Verifier {
            key: VerifyingKey::new(key),
            bits,
        })
    }

    /// The key's modulus size in bits.
    pub fn bits(&self) -> usize {
        self.bits
    }

    /// Checks that `signature` signs `message` under this key.
    pub fn verify(&self, message: &[u8], signature: &Signature) -> Result<(), SignatureError> {
        let bytes = signature.to_bytes();
        let sig = rsa::pkcs1v15::Signature::try_from(bytes.as_slice())
            .map_err(|_| SignatureError::Mismatch)?;
        self.key
            .verify(message, &sig)
            .map_err(|_| SignatureError::Mismatch)
    }
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier")
            .field("algorithm", &"RSA-SHA256 PKCS#1 v1.5")
            .field("bits", &self.bits)
            .finish_non_exhaustive()
    }
}

/// A signature as standard, padded Base64 text: the `Signature` header's value.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Signature(String);

/// The longest signature accepted, in Base64 characters (an 8192-bit key's).
const MAX_SIGNATURE_BASE64: usize = 4 * (MAX_KEY_BITS / 8).div_ceil(3);

impl Signature {
    /// Accepts a signature made elsewhere (KMS, HSM, a phone's keystore): it
    /// must be standard padded Base64 of a non-empty value. Surrounding
    /// whitespace is refused, not trimmed, so what is sent is what was checked.
    pub fn from_base64(text: &str) -> Result<Signature, SignatureError> {
        if text.is_empty() || text.len() > MAX_SIGNATURE_BASE64 {
            return Err(SignatureError::InvalidEncoding);
        }
        match STANDARD.decode(text) {
            Ok(bytes) if !bytes.is_empty() => Ok(Signature(text.to_owned())),
            _ => Err(SignatureError::InvalidEncoding),
        }
    }

    /// Wraps raw signature bytes (for example from a KMS that returns bytes).
    pub fn from_bytes(bytes: &[u8]) -> Result<Signature, SignatureError> {
        if bytes.is_empty() || bytes.len() > MAX_KEY_BITS / 8 {
            return Err(SignatureError::InvalidEncoding);
        }
        Ok(Signature(STANDARD.encode(bytes)))
    }

    /// The Base64 text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The decoded signature bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        // Valid by construction; an empty vector would simply fail verification.
        STANDARD.decode(&self.0).unwrap_or_default()
    }
}

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Signature").field(&self.0).finish()
    }
}

impl fmt::Display for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Counts how many random bytes signing draws: proof that blinding runs.
    struct CountingRng {
        drawn: usize,
    }

    impl rsa::rand_core::TryRng for CountingRng {
        type Error = getrandom::Error;
        fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
            self.drawn += 4;
            getrandom::u32()
        }
        fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
            self.drawn += 8;
            getrandom::u64()
        }
        fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
            self.drawn += dst.len();
            getrandom::fill(dst)
        }
    }
    impl rsa::rand_core::TryCryptoRng for CountingRng {}

    fn test_key() -> Signer {
        let pem = include_str!("../../tests/keys/test-pkcs8-2048.pem");
        Signer::from_pem(pem).unwrap()
    }

    #[test]
    fn signing_is_blinded_and_deterministic() {
        let signer = test_key();
        let mut rng = CountingRng { drawn: 0 };
        let a = signer.sign_with_rng(&mut rng, b"message").unwrap();
        assert!(
            rng.drawn >= 32,
            "blinding drew only {} random bytes",
            rng.drawn
        );
        let b = signer.sign(b"message").unwrap();
        assert_eq!(a, b, "PKCS#1 v1.5 is deterministic even with blinding");
        signer.verifier().verify(b"message", &a).unwrap();
        assert_eq!(
            signer.verifier().verify(b"massage", &a),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn pkcs8_export_round_trips() {
        let signer = test_key();
        let der = signer.to_pkcs8_der().unwrap();
        let pem = rsa::pkcs8::der::pem::encode_string(
            "PRIVATE KEY",
            rsa::pkcs8::der::pem::LineEnding::LF,
            &der,
        )
        .unwrap();
        let again = Signer::from_pem(&pem).unwrap();
        assert_eq!(again.sign(b"m").unwrap(), signer.sign(b"m").unwrap());
    }

    #[test]
    fn debug_never_shows_key_material() {
        let signer = test_key();
        let text = format!("{signer:?} {:?}", signer.verifier());
        assert!(text.contains("<redacted>"));
        assert!(text.len() < 200, "{text}");
    }

    #[test]
    fn base64_is_checked() {
        for bad in ["", "!!!!", "abc", "YWJj\n", " YWJj", "YWJj=", "YQ", "YQ=="] {
            let r = Signature::from_base64(bad);
            if bad == "YQ==" {
                assert!(r.is_ok());
            } else {
                assert_eq!(r, Err(SignatureError::InvalidEncoding), "{bad:?}");
            }
        }
        assert_eq!(
            Signature::from_base64(&"A".repeat(100_000)),
            Err(SignatureError::InvalidEncoding)
        );
        assert_eq!(
            Signature::from_bytes(&[]),
            Err(SignatureError::InvalidEncoding)
        );
        assert_eq!(Signature::from_bytes(b"a").unwrap().as_str(), "YQ==");
    }
}
