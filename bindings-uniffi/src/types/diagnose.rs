//! The signature doctor (core feature `diagnose`): why the provider answers
//! `403 Invalid signature`, as a `Diagnosis` of `Finding`s with stable codes.

use jenga_stk as core;

use crate::error::JengaError;

/// The stable machine code of a `Finding` (Kotlin: `NAME.lowercase()` is the
/// code, e.g. `NOT_BASE64` is `not_base64`). Compare codes, never messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum FindingCode {
    /// The `Signature` header is not standard padded Base64 (URL-safe, hex,
    /// line breaks, quotes, a prefix, encoded twice, not encoded, empty…).
    NotBase64,
    /// The signature has another length than the registered key's signatures.
    WrongLength,
    /// Proven: the signature verifies under the public key of the private key
    /// given, not under the registered one. The portal has another key.
    KeyMismatch,
    /// Not made with the registered key's pair, and no private key given
    /// explains it: another key signed it, or the bytes were damaged.
    UnknownKey,
    /// Signed with another algorithm than RSA PKCS#1 v1.5 with SHA-256.
    WrongAlgorithm,
    /// The four values were signed in another order.
    WrongOrder,
    /// Spaces, commas, pipes, newlines, … between or around the values.
    Separators,
    /// The amount was signed in another text than the body's (`2.00` for `2`).
    AmountText,
    /// The phone number was signed in another form than the body's.
    MsisdnText,
    /// A value was taken from a neighbouring field.
    WrongField,
    /// One of the four values was left out.
    MissingValue,
    /// Made with the registered key's pair, over a text the doctor could not
    /// rebuild from the body (or a code a later library adds).
    Unknown,
}

impl From<core::FindingCode> for FindingCode {
    fn from(c: core::FindingCode) -> Self {
        match c {
            core::FindingCode::NotBase64 => FindingCode::NotBase64,
            core::FindingCode::WrongLength => FindingCode::WrongLength,
            core::FindingCode::KeyMismatch => FindingCode::KeyMismatch,
            core::FindingCode::UnknownKey => FindingCode::UnknownKey,
            core::FindingCode::WrongAlgorithm => FindingCode::WrongAlgorithm,
            core::FindingCode::WrongOrder => FindingCode::WrongOrder,
            core::FindingCode::Separators => FindingCode::Separators,
            core::FindingCode::AmountText => FindingCode::AmountText,
            core::FindingCode::MsisdnText => FindingCode::MsisdnText,
            core::FindingCode::WrongField => FindingCode::WrongField,
            core::FindingCode::MissingValue => FindingCode::MissingValue,
            // Non-exhaustive in the core: a later code reads as "unknown".
            _ => FindingCode::Unknown,
        }
    }
}

/// One reason the provider refuses the signature.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct Finding {
    /// Stable machine code.
    pub code: FindingCode,
    /// What is wrong, for humans (not stable: do not match on it).
    pub message: String,
    /// What to do about it, for humans.
    pub fix: String,
    /// The text that was actually signed, when found (built from the body's
    /// values: no secret).
    pub signed_text: Option<String>,
}

/// A public key as the doctor saw it: its size and fingerprint only.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct KeyInfo {
    /// The modulus size in bits.
    pub bits: u32,
    /// SHA-256 of the SubjectPublicKeyInfo DER, lowercase hex (what
    /// `openssl pkey -pubin -in public.pem -outform DER | openssl dgst -sha256` prints).
    pub fingerprint: String,
}

impl From<core::KeyInfo> for KeyInfo {
    fn from(k: core::KeyInfo) -> Self {
        KeyInfo {
            bits: u32::try_from(k.bits).unwrap_or(u32::MAX),
            fingerprint: k.fingerprint,
        }
    }
}

/// The doctor's answer.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct Diagnosis {
    /// True when the header is a valid signature of the body's signing string
    /// under the registered key (then `findings` is empty).
    pub ok: bool,
    /// Every finding, causes in the order they apply.
    pub findings: Vec<Finding>,
    /// The text that must be signed for this body.
    pub signing_string: String,
    /// The text that was signed, when found.
    pub signed_text: Option<String>,
    /// The registered public key.
    pub registered_key: KeyInfo,
    /// The public half of the private key given, if one was.
    pub signing_key: Option<KeyInfo>,
    /// How the signature was made, as far as the doctor could tell (for humans).
    pub algorithm: Option<String>,
    /// Remarks that are not causes of a refusal (for humans).
    pub notes: Vec<String>,
    /// The human report (what `jenga-stk doctor` prints).
    pub report: String,
}

impl From<core::Diagnosis> for Diagnosis {
    fn from(d: core::Diagnosis) -> Self {
        let report = d.to_string();
        Diagnosis {
            ok: d.ok,
            findings: d
                .findings
                .into_iter()
                .map(|f| Finding {
                    code: f.code.into(),
                    message: f.message,
                    fix: f.fix,
                    signed_text: f.signed_text,
                })
                .collect(),
            signing_string: d.signing_string,
            signed_text: d.signed_text,
            registered_key: d.registered_key.into(),
            signing_key: d.signing_key.map(KeyInfo::from),
            algorithm: d.algorithm,
            notes: d.notes,
            report,
        }
    }
}

/// Says why the provider would refuse `signature_header` for `body` (or that
/// it would accept it). `body` is the request body exactly as sent,
/// `signature_header` the `Signature` header's bytes as sent,
/// `registered_public_key_pem` the key registered in the provider's portal,
/// `private_key_pem` optionally the private key you sign with (only its
/// public half is used, to prove `key_mismatch`; it is never printed).
/// Throws only for unusable inputs: a body that is no STK push request
/// (`Parse`), a key that does not load (`Key`, field `public_key` or
/// `private_key`). Anything wrong with the signature is a finding.
#[uniffi::export]
pub fn diagnose_signature(
    body: Vec<u8>,
    signature_header: Vec<u8>,
    registered_public_key_pem: String,
    private_key_pem: Option<String>,
) -> Result<Diagnosis, JengaError> {
    Ok(core::diagnose_signature(
        &body,
        &signature_header,
        &registered_public_key_pem,
        private_key_pem.as_deref(),
    )?
    .into())
}

/// The size and SPKI SHA-256 fingerprint of a public key PEM (SPKI or
/// PKCS#1): compare it with the portal's.
#[uniffi::export]
pub fn public_key_info(pem: String) -> Result<KeyInfo, JengaError> {
    Ok(core::KeyInfo::from_public_pem(&pem)?.into())
}

/// The size and SPKI SHA-256 fingerprint of a private key's public half
/// (PKCS#1 or PKCS#8 PEM). Nothing of the private key is kept.
#[uniffi::export]
pub fn private_key_info(pem: String) -> Result<KeyInfo, JengaError> {
    Ok(core::KeyInfo::from_private_pem(&pem)?.into())
}
