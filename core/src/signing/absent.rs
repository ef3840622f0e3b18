//! The build without a signing backend (`default-features = false` and none
//! of `rsa`, `ring`, `aws-lc-rs`): no RSA code at all. [`Signer`] and
//! [`Verifier`] are uninhabited, so the APIs that take them (`StkPush::sign`,
//! `StatusSignature::Sign`) still type-check but can never be called; sign
//! elsewhere and attach the result with `with_signature`.

use super::Signature;
use crate::error::{KeyError, SignatureError};

pub(super) const NAME: &str = "none";
pub(super) const CONSTANT_TIME: bool = false;

/// No signing backend was compiled in: this type has no values. Enable the
/// `rsa`, `ring` or `aws-lc-rs` feature to load keys and sign.
#[derive(Debug)]
pub enum Signer {}

impl Signer {
    /// The key's modulus size in bits.
    pub fn bits(&self) -> usize {
        match *self {}
    }

    /// The key as PKCS#8 DER.
    pub fn to_pkcs8_der(&self) -> Result<zeroize::Zeroizing<Vec<u8>>, KeyError> {
        match *self {}
    }

    /// The verifier for this key's public half.
    pub fn verifier(&self) -> Verifier {
        match *self {}
    }

    /// Signs `message`.
    pub fn sign(&self, _message: &[u8]) -> Result<Signature, SignatureError> {
        match *self {}
    }
}

/// No signing backend was compiled in: this type has no values.
#[derive(Clone, Debug)]
pub enum Verifier {}

impl Verifier {
    /// The key's modulus size in bits.
    pub fn bits(&self) -> usize {
        match *self {}
    }

    /// Checks `signature` over `message`.
    pub fn verify(&self, _message: &[u8], _signature: &Signature) -> Result<(), SignatureError> {
        match *self {}
    }
}
