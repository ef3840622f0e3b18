//! A public key as the doctor uses it: the modulus and exponent read from
//! the core's checked key (see `keys`), and its fingerprint. Built from a
//! public key or from a private key's public half only: the private key's
//! secret parts are dropped (and zeroized) as soon as it is loaded.

use der::asn1::BitStringRef;
use der::{Decode, Encode};

use super::encoded::{self, Block};
use super::finding::KeyInfo;
use super::modexp::Modulus;
use crate::error::KeyError;
use crate::keys::{self, PublicKeyDer};

/// A public key ready for the public operation.
pub(crate) struct PublicKey {
    modulus: Modulus,
    exponent: u64,
    pub(crate) info: KeyInfo,
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl PublicKey {
    /// The registered public key, from SPKI or PKCS#1 PEM.
    pub(crate) fn from_public_pem(pem: &str) -> Result<PublicKey, KeyError> {
        PublicKey::from_der(&keys::public_key_from_pem(pem)?)
    }

    /// The public half of a private key PEM (PKCS#1 or PKCS#8).
    pub(crate) fn from_private_pem(pem: &str) -> Result<PublicKey, KeyError> {
        let private = keys::private_key_from_pem(pem)?;
        PublicKey::from_der(&private.public)
        // `private` (and its zeroizing DER) is dropped here.
    }

    fn from_der(public: &PublicKeyDer) -> Result<PublicKey, KeyError> {
        let parsed =
            pkcs1::RsaPublicKeyRef::from_der(&public.pkcs1).map_err(|_| KeyError::Invalid)?;
        let modulus = Modulus::new(parsed.modulus.as_bytes()).ok_or(KeyError::Invalid)?;
        let exponent = parsed
            .public_exponent
            .as_bytes()
            .iter()
            .try_fold(0u64, |acc, &b| {
                acc.checked_mul(256).map(|a| a | u64::from(b))
            })
            .ok_or(KeyError::Unsupported)?;
        let spki = pkcs8::spki::SubjectPublicKeyInfoRef {
            algorithm: pkcs1::ALGORITHM_ID,
            subject_public_key: BitStringRef::from_bytes(&public.pkcs1)
                .map_err(|_| KeyError::Invalid)?,
        }
        .to_der()
        .map_err(|_| KeyError::Invalid)?;
        let fingerprint = hex(&super::hash::HashAlg::Sha256.digest(&[&spki]));
        Ok(PublicKey {
            modulus,
            exponent,
            info: KeyInfo {
                bits: public.bits,
                fingerprint,
            },
        })
    }

    /// The size of every signature under this key, in bytes.
    pub(crate) fn signature_len(&self) -> usize {
        self.modulus.len()
    }

    /// Whether two keys are the same key.
    pub(crate) fn same_as(&self, other: &PublicKey) -> bool {
        self.info == other.info
    }

    /// Runs the public operation on `signature` (exactly
    /// [`signature_len`](Self::signature_len) bytes) and reads the block.
    pub(crate) fn block(&self, signature: &[u8]) -> Block {
        if signature.len() != self.signature_len() {
            return Block::Garbage;
        }
        match self.modulus.pow(signature, self.exponent) {
            Some(em) => encoded::read(&em, self.info.bits),
            None => Block::Garbage,
        }
    }
}

impl KeyInfo {
    /// The size and fingerprint of a public key PEM (SPKI `BEGIN PUBLIC KEY`
    /// or PKCS#1 `BEGIN RSA PUBLIC KEY`): compare it with what the portal has.
    pub fn from_public_pem(pem: &str) -> Result<KeyInfo, KeyError> {
        PublicKey::from_public_pem(pem).map(|k| k.info)
    }

    /// The size and fingerprint of a private key's public half (PKCS#1 or
    /// PKCS#8 PEM). Nothing of the private key is kept.
    pub fn from_private_pem(pem: &str) -> Result<KeyInfo, KeyError> {
        PublicKey::from_private_pem(pem).map(|k| k.info)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(stem: &str) -> String {
        std::fs::read_to_string(format!(
            "{}/../tests/keys/{stem}.pem",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap()
    }

    #[test]
    fn private_and_public_halves_agree() {
        for stem in ["test-pkcs1-2048", "test-pkcs8-2048", "test-pkcs8-4096"] {
            let private = PublicKey::from_private_pem(&read(stem)).unwrap();
            let public = PublicKey::from_public_pem(&read(&format!("{stem}.pub"))).unwrap();
            assert!(private.same_as(&public), "{stem}");
            assert_eq!(KeyInfo::from_private_pem(&read(stem)).unwrap(), public.info);
            assert_eq!(public.signature_len() * 8, public.info.bits);
            assert_eq!(public.info.fingerprint.len(), 64);
        }
        let a = PublicKey::from_public_pem(&read("test-pkcs1-2048.pub")).unwrap();
        let b = PublicKey::from_public_pem(&read("test-pkcs1-2048.rsapub")).unwrap();
        assert!(a.same_as(&b), "SPKI and PKCS#1 forms of one key");
        let c = PublicKey::from_public_pem(&read("test-pkcs8-2048.pub")).unwrap();
        assert!(!a.same_as(&c));
        assert_eq!(
            PublicKey::from_public_pem(&read("test-pkcs8-2048")).err(),
            Some(KeyError::IsPrivate)
        );
    }
}
