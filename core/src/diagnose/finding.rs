//! What the doctor reports: a [`Diagnosis`] made of [`Finding`]s, each with
//! a stable [`FindingCode`], a message, the fix and the text that was signed.

use std::fmt;

use serde::{Serialize, Serializer};

macro_rules! finding_codes {
    ($( $(#[$doc:meta])* $variant:ident => $code:literal, )*) => {
        /// The stable machine code of a [`Finding`]. Codes never change once
        /// published; compare codes, never messages.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum FindingCode {
            $( $(#[$doc])* $variant, )*
        }

        impl FindingCode {
            /// Every code, in the order findings are reported.
            pub const ALL: &'static [FindingCode] = &[$(FindingCode::$variant,)*];

            /// The `snake_case` code.
            pub fn code(self) -> &'static str {
                match self {
                    $( FindingCode::$variant => $code, )*
                }
            }

            /// Looks a code up by its `snake_case` text.
            pub fn from_code(code: &str) -> Option<FindingCode> {
                match code {
                    $( $code => Some(FindingCode::$variant), )*
                    _ => None,
                }
            }
        }
    };
}

finding_codes! {
    /// The `Signature` header is not standard padded Base64: URL-safe
    /// Base64, hex, line breaks or spaces, quotes or a prefix, escapes,
    /// encoded twice, not encoded at all, empty, or undecodable.
    NotBase64 => "not_base64",
    /// The signature has another length than the registered key's
    /// signatures: made with a key of another size, or leading zero bytes
    /// dropped or added by a big-integer conversion.
    WrongLength => "wrong_length",
    /// Proven: the signature verifies under the public key of the private
    /// key given, not under the registered one. The portal has another key.
    KeyMismatch => "key_mismatch",
    /// The signature was not made with the private half of the registered
    /// public key (its RSA block has no structure at all), and no private key
    /// given explains it: another key signed it, or the bytes were damaged.
    UnknownKey => "unknown_key",
    /// Signed with another algorithm than RSA PKCS#1 v1.5 with SHA-256:
    /// SHA-1, SHA-512, …, RSA-PSS, no hash or no `DigestInfo`, the whole body
    /// signed instead of the signing string, or the string hashed first.
    WrongAlgorithm => "wrong_algorithm",
    /// The four values were signed in another order.
    WrongOrder => "wrong_order",
    /// Spaces, commas, pipes, plus signs, newlines, … between or around the values.
    Separators => "separators",
    /// The amount was signed in another text than the body's (`2.00` for `2`, …).
    AmountText => "amount_text",
    /// The phone number was signed in another form than the body's.
    MsisdnText => "msisdn_text",
    /// A value was taken from a neighbouring field (`payment.paymentReference`
    /// for `order.orderReference`, `customer.phoneNumber`, `order.orderAmount`).
    WrongField => "wrong_field",
    /// One of the four values was left out.
    MissingValue => "missing_value",
    /// The signature was made with the registered key's pair, but over a
    /// text the doctor could not rebuild from the body (values from another
    /// request?), or nothing else explains it.
    Unknown => "unknown",
}

impl fmt::Display for FindingCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl Serialize for FindingCode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

/// One reason the provider refuses the signature.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Finding {
    /// Stable machine code.
    pub code: FindingCode,
    /// What is wrong, for humans. Not stable: do not match on it.
    pub message: String,
    /// What to do about it, for humans.
    pub fix: String,
    /// The text that was actually signed, when the doctor found it (lossy
    /// UTF-8). It is built from the body's values: it holds no secret.
    pub signed_text: Option<String>,
}

/// A public key as the doctor saw it: never key material beyond the public
/// key's fingerprint.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyInfo {
    /// The modulus size in bits.
    pub bits: usize,
    /// SHA-256 of the SubjectPublicKeyInfo DER, lowercase hex: what
    /// `openssl pkey -pubin -in public.pem -outform DER | openssl dgst -sha256`
    /// prints.
    pub fingerprint: String,
}

/// The doctor's answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Diagnosis {
    /// `true` when the header is standard Base64 of an RSA PKCS#1 v1.5
    /// SHA-256 signature of the body's signing string under the registered
    /// key: then `findings` is empty.
    pub ok: bool,
    /// Every finding, causes in the order they apply (header, length, key,
    /// algorithm, text).
    pub findings: Vec<Finding>,
    /// The text that must be signed for this body.
    pub signing_string: String,
    /// The text that was signed, when the doctor found it (lossy UTF-8;
    /// equal to `signing_string` when only the header, key or algorithm is
    /// wrong). Built from the body: it holds no secret.
    pub signed_text: Option<String>,
    /// The registered public key.
    pub registered_key: KeyInfo,
    /// The public half of the private key given, if one was.
    pub signing_key: Option<KeyInfo>,
    /// How the signature was made, as far as the doctor could tell (for
    /// humans; not stable).
    pub algorithm: Option<String>,
    /// Remarks that are not causes of a refusal (for humans).
    pub notes: Vec<String>,
}

impl Diagnosis {
    /// The findings' codes, in order.
    pub fn codes(&self) -> Vec<FindingCode> {
        self.findings.iter().map(|f| f.code).collect()
    }
}

/// The human report the `jenga-stk doctor` command prints.
impl fmt::Display for Diagnosis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ok {
            writeln!(
                f,
                "OK: the signature is valid: RSA PKCS#1 v1.5 with SHA-256 over `{}`, \
                 under the registered key.",
                self.signing_string
            )?;
        } else {
            let n = self.findings.len();
            writeln!(
                f,
                "The provider will refuse this signature (403 Invalid signature): {n} finding{}.",
                if n == 1 { "" } else { "s" }
            )?;
        }
        for (i, finding) in self.findings.iter().enumerate() {
            writeln!(f)?;
            writeln!(f, "{}. [{}] {}", i + 1, finding.code, finding.message)?;
            if let Some(text) = finding
                .signed_text
                .as_ref()
                .filter(|t| **t != self.signing_string)
            {
                writeln!(f, "   signed text:   {}", escape(text))?;
                writeln!(f, "   expected text: {}", escape(&self.signing_string))?;
            }
            writeln!(f, "   fix: {}", finding.fix)?;
        }
        writeln!(f)?;
        if let Some(algorithm) = &self.algorithm {
            writeln!(f, "algorithm seen:  {algorithm}")?;
        }
        writeln!(
            f,
            "registered key:  RSA-{} sha256 fingerprint {}",
            self.registered_key.bits, self.registered_key.fingerprint
        )?;
        if let Some(k) = &self.signing_key {
            writeln!(
                f,
                "your private key's public key: RSA-{} sha256 fingerprint {}",
                k.bits, k.fingerprint
            )?;
        }
        for note in &self.notes {
            writeln!(f, "note: {note}")?;
        }
        Ok(())
    }
}

/// Shows control characters (`\n`, `\t`, …) so separators are visible.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:04x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_are_snake_case() {
        for &code in FindingCode::ALL {
            assert_eq!(FindingCode::from_code(code.code()), Some(code));
            assert!(
                code.code()
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
            );
            assert_eq!(serde_json::to_string(&code).unwrap(), format!("\"{code}\""));
        }
        assert_eq!(FindingCode::from_code("nope"), None);
    }

    #[test]
    fn escapes_separators() {
        assert_eq!(escape("a\nb\t\"c\\"), r#""a\nb\t\"c\\""#);
        assert_eq!(escape("\u{1}"), "\"\\u{0001}\"");
    }
}
