//! The `Signer` (private key), the `Verifier` (public key) and the
//! `ForeignSigner` interface for keys kept in an HSM or KMS on the merchant's server.

use std::fmt;
use std::sync::Arc;

use jenga_stk as core;

use super::Result;
use crate::error::JengaError;

/// An RSA private key (PKCS#1 or PKCS#8 PEM) that signs with RSA-SHA256 (PKCS#1
/// v1.5), constant-time with the default `ring` backend. Memory holding the key
/// is zeroed when the object is destroyed (the library's zero-on-free allocator).
#[derive(uniffi::Object)]
#[uniffi::export(Display)]
pub struct Signer(pub(crate) core::Signer);

impl fmt::Display for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Signer(RSA-{}, <redacted>)", self.0.bits())
    }
}

#[uniffi::export]
impl Signer {
    /// Loads a PKCS#1 (`BEGIN RSA PRIVATE KEY`) or PKCS#8 (`BEGIN PRIVATE KEY`) PEM key.
    #[uniffi::constructor]
    pub fn new(pem: String) -> Result<Arc<Self>> {
        Ok(Arc::new(Signer(core::Signer::from_pem(&pem)?)))
    }

    /// The modulus size in bits.
    pub fn bits(&self) -> u32 {
        u32::try_from(self.0.bits()).unwrap_or(u32::MAX)
    }

    /// Signs `message`; returns the Base64 signature.
    pub fn sign(&self, message: Vec<u8>) -> Result<String> {
        Ok(self.0.sign(&message)?.as_str().to_owned())
    }

    /// The key as PKCS#8 DER, to import it into an HSM or a JVM `KeyStore`. A secret.
    pub fn pkcs8_der(&self) -> Result<Vec<u8>> {
        Ok(self.0.to_pkcs8_der()?.to_vec())
    }

    /// The matching verifier.
    pub fn verifier(&self) -> Arc<Verifier> {
        Arc::new(Verifier(self.0.verifier()))
    }
}

/// An RSA public key that verifies RSA-SHA256 signatures.
#[derive(uniffi::Object)]
#[uniffi::export(Display)]
pub struct Verifier(pub(crate) core::Verifier);

impl fmt::Display for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Verifier(RSA-{})", self.0.bits())
    }
}

#[uniffi::export]
impl Verifier {
    /// Loads an SPKI (`BEGIN PUBLIC KEY`) or PKCS#1 PEM public key.
    #[uniffi::constructor]
    pub fn new(pem: String) -> Result<Arc<Self>> {
        Ok(Arc::new(Verifier(core::Verifier::from_pem(&pem)?)))
    }

    /// The modulus size in bits.
    pub fn bits(&self) -> u32 {
        u32::try_from(self.0.bits()).unwrap_or(u32::MAX)
    }

    /// Throws `signature_mismatch` unless `signature_base64` signs `message`.
    pub fn verify(&self, message: Vec<u8>, signature_base64: String) -> Result<()> {
        let signature = core::Signature::from_base64(&signature_base64)?;
        Ok(self.0.verify(&message, &signature)?)
    }
}

/// Signs where the merchant's key lives on the server: an HSM, a cloud KMS,
/// a PKCS#11 token, a JVM `KeyStore`. The key never enters the library (and,
/// like every merchant secret, never belongs in a mobile app).
///
/// `sign` gets the exact bytes to sign (the UTF-8 signing string) and returns
/// the raw RSA PKCS#1 v1.5 SHA-256 signature (Java: `Signature.getInstance(
/// "SHA256withRSA")`; Apple: `.rsaSignatureMessagePKCS1v15SHA256`). Any
/// exception it throws becomes a `signing_failed` error.
#[uniffi::export(callback_interface)]
pub trait ForeignSigner: Send + Sync {
    /// Returns the raw signature of `message`.
    fn sign(&self, message: Vec<u8>) -> std::result::Result<Vec<u8>, JengaError>;
}
