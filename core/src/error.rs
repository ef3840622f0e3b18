//! Errors: what went wrong, where, and a stable machine code for each.
//!
//! Following h11, errors are split by who is at fault:
//!
//! * **the caller** gave invalid input: [`ValidationError`] (every problem at
//!   once, each with the field path and a code), [`KeyError`] (a private or
//!   public key that cannot be used) and [`SignatureError`] (a signature that
//!   is malformed or does not verify);
//! * **the peer** (the provider, or whoever sent a callback) sent something
//!   invalid: [`ParseError`] (not JSON, too large, a missing or malformed
//!   part, with its JSON path) and [`AuthError`] (a callback or IPN that
//!   fails authentication).
//!
//! Codes are `snake_case` strings that never change once published; bindings
//! and the conformance vectors in `tests/vectors/` compare codes, never
//! messages. Messages never contain secrets (keys, tokens, passwords).

use std::fmt;

/// One problem found while validating input: which field, what kind, and a
/// readable message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// Path of the field in the provider's JSON, e.g. `payment.details.msisdn`.
    pub field: String,
    /// Stable machine code.
    pub code: ProblemCode,
    /// A readable explanation for humans. Not stable: do not match on it.
    pub message: String,
}

impl Problem {
    /// Creates a problem.
    pub fn new(field: impl Into<String>, code: ProblemCode, message: impl Into<String>) -> Self {
        Problem {
            field: field.into(),
            code,
            message: message.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} ({})", self.field, self.message, self.code)
    }
}

macro_rules! problem_codes {
    ($( $(#[$doc:meta])* $variant:ident => $code:literal, )*) => {
        /// The stable machine code of a validation [`Problem`].
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum ProblemCode {
            $( $(#[$doc])* $variant, )*
        }

        impl ProblemCode {
            /// Every code, in declaration order.
            pub const ALL: &'static [ProblemCode] = &[$(ProblemCode::$variant,)*];

            /// The `snake_case` code, as used by bindings and vectors.
            pub fn as_str(self) -> &'static str {
                match self {
                    $( ProblemCode::$variant => $code, )*
                }
            }

            /// Looks a code up by its `snake_case` text.
            pub fn from_code(code: &str) -> Option<ProblemCode> {
                match code {
                    $( $code => Some(ProblemCode::$variant), )*
                    _ => None,
                }
            }
        }
    };
}

problem_codes! {
    /// A required value is missing or empty.
    Required => "required",
    /// A value has the wrong JSON type (a number where text is expected, …).
    InvalidType => "invalid_type",
    /// A JSON object has a field this API does not know (usually a typo).
    UnknownField => "unknown_field",
    /// A JSON object has the same field twice (readers disagree on which wins).
    DuplicateField => "duplicate_field",
    /// The input is not valid JSON at all.
    InvalidJson => "invalid_json",
    /// Text is longer than allowed.
    TooLong => "too_long",
    /// Text contains a control character (NUL, newline, …).
    ControlCharacter => "control_character",
    /// Not a syntactically valid e-mail address.
    InvalidEmail => "invalid_email",
    /// Not an absolute `http(s)` URL.
    InvalidUrl => "invalid_url",
    /// An `http` URL whose host is not loopback; only `https` is allowed there.
    InsecureUrl => "insecure_url",
    /// A country code not in the provider's table (KE, UG, TZ, RW, SS, DRC).
    UnsupportedCountry => "unsupported_country",
    /// A currency that is not the one of the order's country.
    CurrencyCountryMismatch => "currency_country_mismatch",
    /// `payment.paymentCurrency` differs from `order.orderCurrency`.
    CurrencyMismatch => "currency_mismatch",
    /// Not a decimal amount (letters, exponent, several dots, …).
    InvalidAmount => "invalid_amount",
    /// Zero or negative.
    AmountNotPositive => "amount_not_positive",
    /// A fractional amount where the amount style is whole units.
    AmountNotWhole => "amount_not_whole",
    /// More than two decimal places.
    AmountTooPrecise => "amount_too_precise",
    /// Above the configured maximum.
    AmountTooLarge => "amount_too_large",
    /// The payment amount is above the order amount.
    AmountExceedsOrder => "amount_exceeds_order",
    /// A reference that is not ASCII letters and digits.
    InvalidReference => "invalid_reference",
    /// A description with characters the provider rejects.
    InvalidDescription => "invalid_description",
    /// Not a mobile number of the order's country.
    InvalidPhone => "invalid_phone",
    /// An option value that is not one of the allowed ones.
    InvalidOption => "invalid_option",
    /// An access token that is empty or not visible ASCII.
    InvalidToken => "invalid_token",
    /// A secret shorter than required.
    SecretTooShort => "secret_too_short",
}

impl fmt::Display for ProblemCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Input that failed validation, with **every** problem found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidationError {
    problems: Vec<Problem>,
}

impl ValidationError {
    /// The machine code of this error as a whole.
    pub const CODE: &'static str = "validation_failed";

    /// Creates the error. `problems` should not be empty.
    pub fn new(problems: Vec<Problem>) -> Self {
        ValidationError { problems }
    }

    /// Every problem found, in the order the fields appear in the request.
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }

    /// Consumes the error, returning its problems.
    pub fn into_problems(self) -> Vec<Problem> {
        self.problems
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid input ({} problem", self.problems.len())?;
        if self.problems.len() != 1 {
            f.write_str("s")?;
        }
        f.write_str(")")?;
        for (i, p) in self.problems.iter().enumerate() {
            f.write_str(if i == 0 { ": " } else { "; " })?;
            write!(f, "{p}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ValidationError {}

/// Collects problems while validating, so that all are reported at once.
#[derive(Debug, Default)]
pub(crate) struct Problems {
    list: Vec<Problem>,
}

impl Problems {
    pub(crate) fn push(&mut self, field: &str, code: ProblemCode, message: impl Into<String>) {
        self.list.push(Problem::new(field, code, message));
    }

    /// Whether a problem was already recorded for `field` or for an object
    /// containing it (so a wrong-typed `payment.details` does not also report
    /// every field inside it as missing).
    pub(crate) fn has(&self, field: &str) -> bool {
        self.list.iter().any(|p| {
            field
                .strip_prefix(p.field.as_str())
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
        })
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    pub(crate) fn into_result<T>(self, value: T) -> Result<T, ValidationError> {
        if self.list.is_empty() {
            Ok(value)
        } else {
            Err(ValidationError::new(self.list))
        }
    }

    pub(crate) fn into_error(self) -> ValidationError {
        ValidationError::new(self.list)
    }
}

/// Why a key could not be loaded. The message never contains key material.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeyError {
    /// Not a PEM document, or a PEM document whose contents do not decode.
    Invalid,
    /// A public key (or certificate) where a private key is needed.
    IsPublic,
    /// A private key where a public key is needed.
    IsPrivate,
    /// An encrypted private key (`ENCRYPTED PRIVATE KEY` or `Proc-Type: 4,ENCRYPTED`).
    Encrypted,
    /// A key that is not RSA (EC, Ed25519, OpenSSH, …).
    Unsupported,
    /// An RSA key shorter than 2048 bits.
    TooSmall {
        /// The key's modulus size in bits.
        bits: usize,
    },
}

impl KeyError {
    /// The stable machine code.
    pub fn code(&self) -> &'static str {
        match self {
            KeyError::Invalid => "key_invalid",
            KeyError::IsPublic => "key_is_public",
            KeyError::IsPrivate => "key_is_private",
            KeyError::Encrypted => "key_encrypted",
            KeyError::Unsupported => "key_unsupported",
            KeyError::TooSmall { .. } => "key_too_small",
        }
    }
}

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyError::Invalid => f.write_str(
                "not a usable PEM RSA key: expected `-----BEGIN RSA PRIVATE KEY-----` (PKCS#1) \
                 or `-----BEGIN PRIVATE KEY-----` (PKCS#8) with valid contents",
            ),
            KeyError::IsPublic => f.write_str(
                "this is a public key (or certificate); signing needs the private key. \
                 The public key is the one you register with the provider",
            ),
            KeyError::IsPrivate => f.write_str(
                "this is a private key; verifying needs the public key \
                 (`openssl rsa -in key.pem -pubout`)",
            ),
            KeyError::Encrypted => f.write_str(
                "the private key is encrypted with a passphrase; decrypt it first \
                 (`openssl pkey -in key.pem -out key.decrypted.pem`) and keep it in a secret store",
            ),
            KeyError::Unsupported => {
                f.write_str("not an RSA key: the provider's signatures are RSA-SHA256")
            }
            KeyError::TooSmall { bits } => write!(
                f,
                "the RSA key has {bits} bits; at least 2048 are required \
                 (`openssl genrsa -out key.pem 2048`)"
            ),
        }
    }
}

impl std::error::Error for KeyError {}

/// A signature that is malformed or does not match.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SignatureError {
    /// Not standard, padded Base64, or empty.
    InvalidEncoding,
    /// Well-formed, but not a valid signature of this message under this key.
    Mismatch,
    /// The signing operation itself failed (for example, no randomness for blinding).
    SigningFailed,
}

impl SignatureError {
    /// The stable machine code.
    pub fn code(&self) -> &'static str {
        match self {
            SignatureError::InvalidEncoding => "invalid_signature_encoding",
            SignatureError::Mismatch => "signature_mismatch",
            SignatureError::SigningFailed => "signing_failed",
        }
    }
}

impl fmt::Display for SignatureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SignatureError::InvalidEncoding => {
                f.write_str("the signature is not standard padded Base64 of a non-empty value")
            }
            SignatureError::Mismatch => {
                f.write_str("the signature does not match the message under this public key")
            }
            SignatureError::SigningFailed => {
                f.write_str("signing failed (no randomness available for RSA blinding)")
            }
        }
    }
}

impl std::error::Error for SignatureError {}

/// What the peer (the provider, or whoever posted a callback) sent that
/// cannot be used. The message describes the problem, never the content of
/// secrets; `field` is the JSON path at fault when there is one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    kind: ParseErrorKind,
    field: Option<String>,
    detail: String,
}

/// The kind of a [`ParseError`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ParseErrorKind {
    /// The body is larger than the configured limit; it was not parsed.
    BodyTooLarge,
    /// The JSON nests deeper than the configured limit; it was not parsed.
    TooDeep,
    /// The body is not JSON (for example an HTML error page from a gateway).
    NotJson,
    /// A required part is missing.
    MissingField,
    /// A part has the wrong type or an impossible value.
    InvalidField,
}

impl ParseErrorKind {
    /// The stable machine code.
    pub fn code(self) -> &'static str {
        match self {
            ParseErrorKind::BodyTooLarge => "body_too_large",
            ParseErrorKind::TooDeep => "json_too_deep",
            ParseErrorKind::NotJson => "not_json",
            ParseErrorKind::MissingField => "missing_field",
            ParseErrorKind::InvalidField => "invalid_field",
        }
    }
}

impl ParseError {
    pub(crate) fn new(
        kind: ParseErrorKind,
        field: Option<String>,
        detail: impl Into<String>,
    ) -> Self {
        ParseError {
            kind,
            field,
            detail: detail.into(),
        }
    }

    /// What kind of problem.
    pub fn kind(&self) -> ParseErrorKind {
        self.kind
    }

    /// The stable machine code.
    pub fn code(&self) -> &'static str {
        self.kind.code()
    }

    /// The JSON path at fault (`data.Body.stkCallback.ResultCode`), if any.
    pub fn field(&self) -> Option<&str> {
        self.field.as_deref()
    }

    /// The description without the field.
    pub(crate) fn detail(&self) -> &str {
        &self.detail
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.field {
            Some(field) => write!(f, "{field}: {}", self.detail),
            None => f.write_str(&self.detail),
        }
    }
}

impl std::error::Error for ParseError {}

/// A callback or IPN that cannot be authenticated: treat it as forged.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AuthError {
    /// The callback URL carries no token (or no references).
    CallbackTokenMissing,
    /// The callback URL's token does not match its references.
    CallbackTokenInvalid,
    /// The callback body is about another payment than its URL.
    CallbackReferenceMismatch,
    /// The IPN has no `Authorization: Basic` header.
    IpnAuthMissing,
    /// The IPN's Basic credentials are malformed or wrong.
    IpnAuthInvalid,
}

impl AuthError {
    /// The stable machine code.
    pub fn code(&self) -> &'static str {
        match self {
            AuthError::CallbackTokenMissing => "callback_token_missing",
            AuthError::CallbackTokenInvalid => "callback_token_invalid",
            AuthError::CallbackReferenceMismatch => "callback_reference_mismatch",
            AuthError::IpnAuthMissing => "ipn_auth_missing",
            AuthError::IpnAuthInvalid => "ipn_auth_invalid",
        }
    }
}

impl fmt::Display for AuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            AuthError::CallbackTokenMissing => {
                "the callback URL has no token; it was not made by callback_url()"
            }
            AuthError::CallbackTokenInvalid => {
                "the callback URL's token is wrong: the callback is forged or the secret changed"
            }
            AuthError::CallbackReferenceMismatch => {
                "the callback's transactionReference is not the payment reference its URL was made for"
            }
            AuthError::IpnAuthMissing => "the IPN has no `Authorization: Basic` header",
            AuthError::IpnAuthInvalid => "the IPN's Basic credentials are malformed or wrong",
        })
    }
}

impl std::error::Error for AuthError {}

/// A payment flow used out of turn, fed evidence of another payment, or
/// restored from text that is not a saved flow: the caller's mistake.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum FlowError {
    /// `poll` while an answer is awaited: hand in the answer (or the
    /// transport failure) of the request sent first.
    Busy,
    /// An answer or a transport failure handed in while no request was sent.
    Idle,
    /// A callback or IPN for another payment (its payment or order reference
    /// is not this flow's).
    NotThisPayment,
    /// The saved state is not a flow this version reads (or is damaged).
    InvalidState(String),
}

impl FlowError {
    /// The stable machine code.
    pub fn code(&self) -> &'static str {
        match self {
            FlowError::Busy => "flow_busy",
            FlowError::Idle => "flow_idle",
            FlowError::NotThisPayment => "flow_not_this_payment",
            FlowError::InvalidState(_) => "flow_state_invalid",
        }
    }
}

impl fmt::Display for FlowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FlowError::Busy => f.write_str(
                "the flow awaits the answer to the request it sent: hand that in before polling again",
            ),
            FlowError::Idle => f.write_str("no request of this flow awaits an answer"),
            FlowError::NotThisPayment => {
                f.write_str("this callback or IPN is for another payment than this flow's")
            }
            FlowError::InvalidState(why) => write!(f, "not a saved payment flow: {why}"),
        }
    }
}

impl std::error::Error for FlowError {}

/// Any error of this crate: one type to match on, with a stable [`code`](Error::code).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The caller's input is invalid (every problem is listed).
    Validation(ValidationError),
    /// A key could not be loaded.
    Key(KeyError),
    /// A signature is malformed or does not verify.
    Signature(SignatureError),
    /// The peer sent something unusable.
    Parse(ParseError),
    /// A callback or IPN failed authentication.
    Auth(AuthError),
    /// The provider refused a request (see the rejection's action).
    Rejected(crate::response::Rejection),
    /// A payment flow was used out of turn or restored from bad text.
    Flow(FlowError),
}

impl Error {
    /// The stable machine code: `validation_failed`, `key_*`, or a signature code.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Validation(_) => ValidationError::CODE,
            Error::Key(e) => e.code(),
            Error::Signature(e) => e.code(),
            Error::Parse(e) => e.code(),
            Error::Auth(e) => e.code(),
            Error::Rejected(_) => "provider_rejected",
            Error::Flow(e) => e.code(),
        }
    }

    /// The field at fault: the first problem's field for validation errors.
    pub fn field(&self) -> Option<&str> {
        match self {
            Error::Validation(e) => e.problems().first().map(|p| p.field.as_str()),
            Error::Parse(e) => e.field(),
            Error::Key(_)
            | Error::Signature(_)
            | Error::Auth(_)
            | Error::Rejected(_)
            | Error::Flow(_) => None,
        }
    }

    /// Every validation problem (empty for other errors).
    pub fn problems(&self) -> &[Problem] {
        match self {
            Error::Validation(e) => e.problems(),
            _ => &[],
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Validation(e) => e.fmt(f),
            Error::Key(e) => e.fmt(f),
            Error::Signature(e) => e.fmt(f),
            Error::Parse(e) => e.fmt(f),
            Error::Auth(e) => e.fmt(f),
            Error::Rejected(r) => r.fmt(f),
            Error::Flow(e) => e.fmt(f),
        }
    }
}

/// `Error` is a transparent wrapper: its `Display` is the inner error's, so
/// its `source` is the inner error's source (none), not the inner error
/// itself, or a chain printer (`anyhow`'s `{:#}`) would print the message twice.
impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Validation(e) => e.source(),
            Error::Key(e) => e.source(),
            Error::Signature(e) => e.source(),
            Error::Parse(e) => e.source(),
            Error::Auth(e) => e.source(),
            Error::Flow(e) => e.source(),
            Error::Rejected(_) => None,
        }
    }
}

impl From<ValidationError> for Error {
    fn from(e: ValidationError) -> Self {
        Error::Validation(e)
    }
}

impl From<KeyError> for Error {
    fn from(e: KeyError) -> Self {
        Error::Key(e)
    }
}

impl From<SignatureError> for Error {
    fn from(e: SignatureError) -> Self {
        Error::Signature(e)
    }
}

impl From<ParseError> for Error {
    fn from(e: ParseError) -> Self {
        Error::Parse(e)
    }
}

impl From<FlowError> for Error {
    fn from(e: FlowError) -> Self {
        Error::Flow(e)
    }
}

impl From<AuthError> for Error {
    fn from(e: AuthError) -> Self {
        Error::Auth(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::error::Error as _;

    /// The chain a printer like `anyhow`'s `{:#}` shows: each message once.
    fn chain(e: &dyn std::error::Error) -> String {
        let mut out = e.to_string();
        let mut next = e.source();
        while let Some(inner) = next {
            out.push_str(": ");
            out.push_str(&inner.to_string());
            next = inner.source();
        }
        out
    }

    #[test]
    fn the_chain_prints_each_message_once() {
        let errors = [
            Error::from(KeyError::Invalid),
            Error::from(AuthError::IpnAuthInvalid),
            Error::from(FlowError::Busy),
            Error::from(ParseError::new(
                ParseErrorKind::NotJson,
                None,
                "the body is not JSON",
            )),
        ];
        for e in errors {
            assert_eq!(chain(&e), e.to_string());
            assert!(e.source().is_none());
        }
    }
}
