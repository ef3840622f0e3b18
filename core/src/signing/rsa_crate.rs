//! The `rsa` signing backend: the pure-Rust `rsa` crate, portable to every
//! target including WebAssembly. Not constant-time (RUSTSEC-2023-0071), so
//! every signature is blinded: the operating system's RNG is passed
//! explicitly on each call, so blinding cannot be switched off by a feature
//! flag (see `SECURITY.md`).

use pkcs1::der::Decode;
use rsa::pkcs1v15::{SigningKey as RsaSigningKey, VerifyingKey as RsaVerifyingKey};
use rsa::signature::{RandomizedSigner, SignatureEncoding, Verifier as _};
use sha2::Sha256;

use crate::error::{KeyError, SignatureError};

pub(super) const NAME: &str = "rsa";
pub(super) const CONSTANT_TIME: bool = false;

/// An `rsa` private key (zeroized on drop by the crate).
pub(super) struct SigningKey(RsaSigningKey<Sha256>);

impl SigningKey {
    /// Builds the key from checked PKCS#1 DER (see `keys`).
    pub(super) fn from_pkcs1_der(der: &[u8], _bits: usize) -> Result<SigningKey, KeyError> {
        let parsed = pkcs1::RsaPrivateKeyRef::from_der(der).map_err(|_| KeyError::Invalid)?;
        let key = rsa::PrivateKey::try_from(parsed).map_err(|_| KeyError::Invalid)?;
        Ok(SigningKey(RsaSigningKey::new(key)))
    }

    pub(super) fn sign(&self, message: &[u8]) -> Result<Vec<u8>, SignatureError> {
        self.sign_with_rng(&mut getrandom::SysRng, message)
    }

    fn sign_with_rng<R>(&self, rng: &mut R, message: &[u8]) -> Result<Vec<u8>, SignatureError>
    where
        R: rsa::rand_core::TryCryptoRng + ?Sized,
    {
        self.0
            .try_sign_with_rng(rng, message)
            .map(|sig| sig.to_vec())
            .map_err(|_| SignatureError::SigningFailed)
    }
}

/// An `rsa` public key.
#[derive(Clone)]
pub(super) struct VerifyingKey(RsaVerifyingKey<Sha256>);

impl VerifyingKey {
    pub(super) fn from_pkcs1_der(der: &[u8]) -> Result<VerifyingKey, KeyError> {
        let parsed = pkcs1::RsaPublicKeyRef::from_der(der).map_err(|_| KeyError::Invalid)?;
        let key = rsa::PublicKey::try_from(parsed).map_err(|_| KeyError::Invalid)?;
        Ok(VerifyingKey(RsaVerifyingKey::new(key)))
    }

    pub(super) fn verify(&self, message: &[u8], signature: &[u8]) -> Result<(), SignatureError> {
        let sig =
            rsa::pkcs1v15::Signature::try_from(signature).map_err(|_| SignatureError::Mismatch)?;
        self.0
            .verify(message, &sig)
            .map_err(|_| SignatureError::Mismatch)
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

    #[test]
    fn signing_is_blinded_and_deterministic() {
        let pem = include_str!("../../../tests/keys/test-pkcs8-2048.pem");
        let parsed = crate::keys::private_key_from_pem(pem).unwrap();
        let key = SigningKey::from_pkcs1_der(&parsed.pkcs1, parsed.public.bits).unwrap();
        let mut rng = CountingRng { drawn: 0 };
        let a = key.sign_with_rng(&mut rng, b"message").unwrap();
        assert!(
            rng.drawn >= 32,
            "blinding drew only {} random bytes",
            rng.drawn
        );
        assert_eq!(a, key.sign(b"message").unwrap());
    }

    #[test]
    fn holds_a_zeroize_on_drop_key() {
        fn assert_zeroize_on_drop<T: zeroize::ZeroizeOnDrop>() {}
        assert_zeroize_on_drop::<RsaSigningKey<Sha256>>();
    }
}
