//! [`Signer`] and [`Verifier`] over the backend chosen by cargo feature
//! (see the parent module): keys are read and checked by `keys`, the
//! backend only does the RSA arithmetic.

use std::fmt;

use super::backend;
use super::{SIGNER_BACKEND, Signature};
use crate::error::{KeyError, SignatureError};
use crate::keys::{self, PublicKeyDer};

/// Signs messages with an RSA private key: PKCS#1 v1.5, SHA-256.
///
/// The key is never printed by `Debug`. When the signer is dropped, the DER
/// it keeps is zeroized, and so is the backend's key with `rsa` (its
/// `ZeroizeOnDrop`) and `aws-lc-rs` (AWS-LC cleanses what it frees). `ring`
/// frees its key unwiped (briansmith/ring#15): with `ring`, install a
/// zero-on-free global allocator, as the Kotlin/Swift library does (SECURITY.md).
pub struct Signer {
    key: backend::SigningKey,
    /// The key's PKCS#1 DER, kept for [`Signer::to_pkcs8_der`]; zeroized on drop.
    pkcs1: zeroize::Zeroizing<Vec<u8>>,
    public: PublicKeyDer,
}

impl Signer {
    /// Loads a private key from PEM: PKCS#1 (`BEGIN RSA PRIVATE KEY`) or
    /// PKCS#8 (`BEGIN PRIVATE KEY`), 2048 to 4096 bits
    /// ([`MIN_KEY_BITS`](crate::MIN_KEY_BITS) to
    /// [`MAX_PRIVATE_KEY_BITS`](crate::MAX_PRIVATE_KEY_BITS)).
    pub fn from_pem(pem: &str) -> Result<Signer, KeyError> {
        let parsed = keys::private_key_from_pem(pem)?;
        let key = backend::SigningKey::from_pkcs1_der(&parsed.pkcs1, parsed.public.bits)?;
        Ok(Signer {
            key,
            pkcs1: parsed.pkcs1,
            public: parsed.public,
        })
    }

    /// The key's modulus size in bits.
    pub fn bits(&self) -> usize {
        self.public.bits
    }

    /// The key as PKCS#8 DER, for platforms that import keys themselves
    /// (WebCrypto's `importKey("pkcs8", …)`, `java.security`). Zeroized on drop.
    pub fn to_pkcs8_der(&self) -> Result<zeroize::Zeroizing<Vec<u8>>, KeyError> {
        keys::pkcs8_der(&self.pkcs1)
    }

    /// The verifier for this key's public half.
    pub fn verifier(&self) -> Verifier {
        Verifier {
            // The public half of a loaded private key always loads; if it
            // somehow did not, a verifier that refuses everything is the
            // safe fallback.
            key: backend::VerifyingKey::from_pkcs1_der(&self.public.pkcs1).ok(),
            bits: self.public.bits,
        }
    }

    /// Signs `message` (the signing string's bytes) and returns the Base64 signature.
    ///
    /// Fails only if the backend fails (for `rsa`: the operating system
    /// cannot supply randomness for blinding).
    pub fn sign(&self, message: &[u8]) -> Result<Signature, SignatureError> {
        let bytes = self.key.sign(message)?;
        Signature::from_bytes(&bytes)
    }
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signer")
            .field("algorithm", &"RSA-SHA256 PKCS#1 v1.5")
            .field("backend", &SIGNER_BACKEND)
            .field("bits", &self.public.bits)
            .field("key", &"<redacted>")
            .finish()
    }
}

/// Verifies RSA-SHA256 (PKCS#1 v1.5) signatures with a public key.
#[derive(Clone)]
pub struct Verifier {
    key: Option<backend::VerifyingKey>,
    bits: usize,
}

impl Verifier {
    /// Loads a public key from PEM: SPKI (`BEGIN PUBLIC KEY`) or PKCS#1
    /// (`BEGIN RSA PUBLIC KEY`), 2048 to 8192 bits.
    pub fn from_pem(pem: &str) -> Result<Verifier, KeyError> {
        let parsed = keys::public_key_from_pem(pem)?;
        Ok(Verifier {
            key: Some(backend::VerifyingKey::from_pkcs1_der(&parsed.pkcs1)?),
            bits: parsed.bits,
        })
    }

    /// The key's modulus size in bits.
    pub fn bits(&self) -> usize {
        self.bits
    }

    /// Checks that `signature` signs `message` under this key.
    pub fn verify(&self, message: &[u8], signature: &Signature) -> Result<(), SignatureError> {
        let bytes = signature.to_bytes();
        if bytes.len() != self.bits.div_ceil(8) {
            return Err(SignatureError::Mismatch);
        }
        match &self.key {
            Some(key) => key.verify(message, &bytes),
            None => Err(SignatureError::Mismatch),
        }
    }
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier")
            .field("algorithm", &"RSA-SHA256 PKCS#1 v1.5")
            .field("backend", &SIGNER_BACKEND)
            .field("bits", &self.bits)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(name: &str) -> String {
        std::fs::read_to_string(format!(
            "{}/../tests/keys/{name}.pem",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap()
    }

    #[test]
    fn sign_then_verify_and_determinism() {
        let signer = Signer::from_pem(&key("test-pkcs8-2048")).unwrap();
        let a = signer.sign(b"message").unwrap();
        let b = signer.sign(b"message").unwrap();
        assert_eq!(a, b, "PKCS#1 v1.5 is deterministic");
        assert_eq!(a.to_bytes().len(), 256);
        signer.verifier().verify(b"message", &a).unwrap();
        assert_eq!(
            signer.verifier().verify(b"massage", &a),
            Err(SignatureError::Mismatch)
        );
        let other = Signer::from_pem(&key("test-pkcs1-2048")).unwrap();
        assert_eq!(
            other.verifier().verify(b"message", &a),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn pkcs8_export_is_what_openssl_writes() {
        // test-pkcs8-2048.pem was written by OpenSSL 3: wrapping its PKCS#1
        // body again must give the very same document.
        let pem = key("test-pkcs8-2048");
        let signer = Signer::from_pem(&pem).unwrap();
        let der = signer.to_pkcs8_der().unwrap();
        let (_, original) = der::pem::decode_vec(pem.as_bytes()).unwrap();
        assert_eq!(der.as_slice(), original.as_slice());
        // A PKCS#1 key exports to PKCS#8 that loads and signs the same.
        let pkcs1 = Signer::from_pem(&key("test-pkcs1-2048")).unwrap();
        let pem8 = der::pem::encode_string(
            "PRIVATE KEY",
            der::pem::LineEnding::LF,
            &pkcs1.to_pkcs8_der().unwrap(),
        )
        .unwrap();
        let again = Signer::from_pem(&pem8).unwrap();
        assert_eq!(again.sign(b"m").unwrap(), pkcs1.sign(b"m").unwrap());
    }

    #[test]
    fn debug_never_shows_key_material() {
        let signer = Signer::from_pem(&key("test-pkcs8-2048")).unwrap();
        let text = format!("{signer:?} {:?}", signer.verifier());
        assert!(text.contains("<redacted>"));
        assert!(text.len() < 250, "{text}");
    }

    #[test]
    fn wrong_length_signatures_are_mismatches() {
        let signer = Signer::from_pem(&key("test-pkcs8-2048")).unwrap();
        let short = Signature::from_bytes(&[1; 255]).unwrap();
        let long = Signature::from_bytes(&[1; 257]).unwrap();
        for sig in [short, long] {
            assert_eq!(
                signer.verifier().verify(b"m", &sig),
                Err(SignatureError::Mismatch)
            );
        }
    }
}
