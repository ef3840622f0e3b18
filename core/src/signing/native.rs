//! The native, constant-time signing backends: `aws-lc-rs` (AWS-LC, OpenSSL
//! speed) or `ring` (BoringSSL-derived, about half that, a fraction of the
//! size). Both crates share one API, so one module serves both; `aws-lc-rs`
//! wins when both features are on.

#[cfg(feature = "aws-lc-rs")]
use aws_lc_rs as lib;
#[cfg(all(feature = "ring", not(feature = "aws-lc-rs")))]
use ring as lib;

use lib::rand::SystemRandom;
use lib::signature as sig;

use crate::error::{KeyError, SignatureError};

#[cfg(feature = "aws-lc-rs")]
pub(super) const NAME: &str = "aws-lc-rs";
#[cfg(all(feature = "ring", not(feature = "aws-lc-rs")))]
pub(super) const NAME: &str = "ring";
pub(super) const CONSTANT_TIME: bool = true;

/// A native RSA key pair. AWS-LC cleanses its key when freed; `ring` does not
/// (see [`Signer`](super::Signer)).
pub(super) struct SigningKey {
    pair: sig::RsaKeyPair,
    rng: SystemRandom,
    len: usize,
}

impl SigningKey {
    /// Builds the key pair from checked PKCS#1 DER (see `keys`). The library
    /// re-checks the key's consistency (primes, CRT values); a key it
    /// refuses is [`KeyError::Invalid`].
    pub(super) fn from_pkcs1_der(der: &[u8], bits: usize) -> Result<SigningKey, KeyError> {
        let pair = sig::RsaKeyPair::from_der(der).map_err(|_| KeyError::Invalid)?;
        Ok(SigningKey {
            pair,
            rng: SystemRandom::new(),
            len: bits.div_ceil(8),
        })
    }

    pub(super) fn sign(&self, message: &[u8]) -> Result<Vec<u8>, SignatureError> {
        let mut out = vec![0; self.len];
        self.pair
            .sign(&sig::RSA_PKCS1_SHA256, &self.rng, message, &mut out)
            .map_err(|_| SignatureError::SigningFailed)?;
        Ok(out)
    }
}

/// A public key as PKCS#1 `RSAPublicKey` DER, checked when loaded.
#[derive(Clone)]
pub(super) struct VerifyingKey(Vec<u8>);

impl VerifyingKey {
    pub(super) fn from_pkcs1_der(der: &[u8]) -> Result<VerifyingKey, KeyError> {
        Ok(VerifyingKey(der.to_vec()))
    }

    pub(super) fn verify(&self, message: &[u8], signature: &[u8]) -> Result<(), SignatureError> {
        sig::UnparsedPublicKey::new(&sig::RSA_PKCS1_2048_8192_SHA256, &self.0)
            .verify(message, signature)
            .map_err(|_| SignatureError::Mismatch)
    }
}
