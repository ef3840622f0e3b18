//! [`Signature`]: the Base64 text of an RSA-SHA256 signature, as the
//! provider's `Signature` header carries it, validated when it comes from
//! elsewhere (a KMS, an HSM, a phone's keystore).

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use crate::error::SignatureError;
use crate::keys::MAX_KEY_BITS;

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
