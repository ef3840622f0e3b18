//! Loading RSA keys from PEM, with a distinct [`KeyError`] for each way it fails.
//!
//! Private keys: PKCS#1 (`BEGIN RSA PRIVATE KEY`, what the provider's docs
//! show) and PKCS#8 (`BEGIN PRIVATE KEY`, what OpenSSL 3 writes). Public keys:
//! SPKI (`BEGIN PUBLIC KEY`, what `openssl rsa -pubout` writes) and PKCS#1
//! (`BEGIN RSA PUBLIC KEY`). Keys under 2048 bits, public keys given as
//! private (and the reverse), encrypted keys, non-RSA keys and garbage each
//! get their own error. Decoded key bytes are zeroized when dropped.

use rsa::pkcs1::{self, der::Decode};
use rsa::pkcs8::{self, der, spki};
use zeroize::Zeroizing;

use crate::error::KeyError;

/// The smallest RSA modulus accepted, in bits.
pub const MIN_KEY_BITS: usize = 2048;

/// The largest RSA modulus accepted, in bits (bounds the work a hostile key can cause).
pub const MAX_KEY_BITS: usize = 8192;

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

fn check_bits(bits: usize) -> Result<(), KeyError> {
    if bits < MIN_KEY_BITS {
        Err(KeyError::TooSmall { bits })
    } else if bits > MAX_KEY_BITS {
        Err(KeyError::Unsupported)
    } else {
        Ok(())
    }
}

/// Loads an RSA private key from PKCS#1 or PKCS#8 PEM.
pub(crate) fn private_key_from_pem(pem: &str) -> Result<(rsa::PrivateKey, usize), KeyError> {
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

fn private_from_pkcs1_der(der: &[u8]) -> Result<(rsa::PrivateKey, usize), KeyError> {
    let parsed = pkcs1::RsaPrivateKeyRef::from_der(der).map_err(|_| KeyError::Invalid)?;
    let bits = modulus_bits(parsed.modulus.as_bytes());
    check_bits(bits)?;
    let key = rsa::PrivateKey::try_from(parsed).map_err(|_| KeyError::Invalid)?;
    Ok((key, bits))
}

/// Loads an RSA public key from SPKI or PKCS#1 PEM.
pub(crate) fn public_key_from_pem(pem: &str) -> Result<(rsa::PublicKey, usize), KeyError> {
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

fn public_from_pkcs1_der(der: &[u8]) -> Result<(rsa::PublicKey, usize), KeyError> {
    let parsed = pkcs1::RsaPublicKeyRef::from_der(der).map_err(|_| KeyError::Invalid)?;
    let bits = modulus_bits(parsed.modulus.as_bytes());
    check_bits(bits)?;
    let key = rsa::PublicKey::try_from(parsed).map_err(|_| KeyError::Invalid)?;
    Ok((key, bits))
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
