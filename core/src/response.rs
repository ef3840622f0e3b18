//! Classifying the provider's answers: accepted, or a typed [`Rejection`]
//! that keeps the provider's code and message and says what to do next.
//!
//! The body decides, not the HTTP status alone: a failed initiation can come
//! back as HTTP 200 with `"status": false`, and `code` is a string (`"0"`,
//! `"-1"`) in some responses and a number (`400`, `106201`) in others.
//! Unknown codes are kept, never rejected.

use std::fmt;

use serde::Serialize;
use serde_json::value::RawValue;

use crate::amount::Amount;
use crate::error::{ParseError, ParseErrorKind};
use crate::json::{self, Field, Kind, Limits, Shape};

/// What the caller should do after a rejection.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NextAction {
    /// Do not retry: the request itself is wrong (400, 404, duplicate
    /// reference, telco not authorised). Fix it, with **new** references.
    DoNotRetry,
    /// The access token is invalid or expired (401): get a new token and
    /// retry once.
    RefreshTokenAndRetry,
    /// A transient failure (106201, 106500, 106501, 5xx, 429): retry later
    /// with exponential backoff, as a new request with new references.
    RetryWithBackoff,
    /// The signature was refused (403): see [`Rejection::hint`] for the
    /// usual causes. Retrying the same request cannot help.
    FixSignature,
}

impl NextAction {
    /// The stable machine code.
    pub fn code(self) -> &'static str {
        match self {
            NextAction::DoNotRetry => "do_not_retry",
            NextAction::RefreshTokenAndRetry => "refresh_token_and_retry",
            NextAction::RetryWithBackoff => "retry_with_backoff",
            NextAction::FixSignature => "fix_signature",
        }
    }
}

/// Why the provider refused, as far as its code and status tell.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum RejectionKind {
    /// 400: missing or invalid parameters.
    InvalidRequest,
    /// 400 whose message says the reference was already used.
    DuplicateReference,
    /// 401: invalid or expired access token (or bad merchant credentials).
    Unauthorized,
    /// 403: invalid signature or insufficient permissions.
    InvalidSignature,
    /// 404: source or destination account not found.
    NotFound,
    /// 106401: the merchant is not authorised for this telco.
    TelcoNotAuthorized,
    /// 106201: the push could not be initiated; try again in a few minutes.
    PushFailed,
    /// 106500 / 106501: the provider could not load or map the service.
    ServiceError,
    /// 111102: the transaction (order) was not found.
    TransactionNotFound,
    /// Another 5xx or 429.
    ServerError,
    /// A code this library does not know; kept as sent.
    Unknown,
}

impl RejectionKind {
    /// The stable machine code.
    pub fn code(self) -> &'static str {
        match self {
            RejectionKind::InvalidRequest => "invalid_request",
            RejectionKind::DuplicateReference => "duplicate_reference",
            RejectionKind::Unauthorized => "unauthorized",
            RejectionKind::InvalidSignature => "invalid_signature",
            RejectionKind::NotFound => "not_found",
            RejectionKind::TelcoNotAuthorized => "telco_not_authorized",
            RejectionKind::PushFailed => "push_failed",
            RejectionKind::ServiceError => "service_error",
            RejectionKind::TransactionNotFound => "transaction_not_found",
            RejectionKind::ServerError => "server_error",
            RejectionKind::Unknown => "unknown",
        }
    }
}

/// The usual causes of a 403 on the STK push, for logs and error messages.
pub const SIGNATURE_HINT: &str = "the provider refused the signature. Usual causes: \
    (1) the public key registered on the portal is not the pair of the private key used; \
    (2) the amount text signed differs from the body's (2 vs 2.00: try the other amount style); \
    (3) the phone number form differs (0722… vs 254722…: try the other phone format); \
    (4) wrong concatenation order or separators (this library always uses \
    orderReference+paymentCurrency+msisdn+paymentAmount, no separators); \
    (5) the signature not Base64 or over another request's values.";

/// A refusal by the provider, with its own code and message kept.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Rejection {
    /// The HTTP status.
    pub http_status: u16,
    /// The provider's `code`, as text (`"400"`, `"106201"`), if any.
    pub provider_code: Option<String>,
    /// The provider's `message`, if any.
    pub message: Option<String>,
    /// The provider's `error_code` (`INVALID_REQUEST`, …), if any.
    pub error_code: Option<String>,
    /// The classification.
    pub kind: RejectionKind,
    /// What to do next.
    pub action: NextAction,
}

impl Rejection {
    /// Advice for humans; for [`RejectionKind::InvalidSignature`] it lists the usual causes.
    pub fn hint(&self) -> &'static str {
        match self.kind {
            RejectionKind::InvalidSignature => SIGNATURE_HINT,
            RejectionKind::Unauthorized => "get a new access token and retry once",
            RejectionKind::DuplicateReference => {
                "the reference was used before; never reuse references, even for failed payments"
            }
            RejectionKind::InvalidRequest => {
                "the request is invalid; fix it and use new references"
            }
            RejectionKind::NotFound => "the account or resource does not exist; do not retry",
            RejectionKind::TelcoNotAuthorized => {
                "the merchant is not enabled for this telco; contact support@finserve.africa"
            }
            RejectionKind::PushFailed
            | RejectionKind::ServiceError
            | RejectionKind::ServerError => {
                "a transient provider failure; retry later with backoff and new references"
            }
            RejectionKind::TransactionNotFound => "no transaction with this reference",
            RejectionKind::Unknown => "an unknown provider code; see the provider's message",
        }
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "provider refused (HTTP {}", self.http_status)?;
        if let Some(code) = &self.provider_code {
            write!(f, ", code {code}")?;
        }
        f.write_str(")")?;
        if let Some(message) = &self.message {
            write!(f, ": {message}")?;
        }
        write!(f, " — {} ({})", self.hint(), self.action.code())
    }
}

/// Decides kind and action from the HTTP status, the provider's code and message.
pub(crate) fn classify(
    http_status: u16,
    code: Option<&str>,
    message: Option<&str>,
) -> (RejectionKind, NextAction) {
    use NextAction::*;
    use RejectionKind::*;
    let duplicate = message.is_some_and(|m| {
        let m = m.to_ascii_lowercase();
        m.contains("duplicate") || m.contains("already exist") || m.contains("already been used")
    });
    match code {
        Some("106401") => return (TelcoNotAuthorized, DoNotRetry),
        Some("106201") => return (PushFailed, RetryWithBackoff),
        Some("106500" | "106501") => return (ServiceError, RetryWithBackoff),
        Some("111102") => return (TransactionNotFound, DoNotRetry),
        Some("111101") => return (InvalidRequest, DoNotRetry),
        Some("400") if duplicate => return (DuplicateReference, DoNotRetry),
        Some("400") => return (InvalidRequest, DoNotRetry),
        Some("401") => return (Unauthorized, RefreshTokenAndRetry),
        Some("403") => return (InvalidSignature, FixSignature),
        Some("404") => return (NotFound, DoNotRetry),
        _ => {}
    }
    match http_status {
        400 if duplicate => (DuplicateReference, DoNotRetry),
        400 => (InvalidRequest, DoNotRetry),
        401 => (Unauthorized, RefreshTokenAndRetry),
        403 => (InvalidSignature, FixSignature),
        404 => (NotFound, DoNotRetry),
        429 | 500..=599 => (ServerError, RetryWithBackoff),
        _ => (Unknown, DoNotRetry),
    }
}

/// The provider's common envelope: `status`, `code`, `message`, `error_code`, `data`.
pub(crate) struct Envelope {
    pub(crate) status: Option<Box<RawValue>>,
    pub(crate) code: Option<String>,
    pub(crate) message: Option<String>,
    pub(crate) error_code: Option<String>,
    pub(crate) data: Option<Box<RawValue>>,
}

static ENVELOPE: Shape = Shape::new(
    "Envelope",
    &[
        Field::optional("status", Kind::OptRaw),
        Field::optional("code", Kind::OptRead(json::code)),
        Field::optional("message", Kind::OptText),
        Field::optional("error_code", Kind::OptText),
        Field::optional("data", Kind::OptRaw),
    ],
);

impl Envelope {
    /// Reads the envelope of `body`, keeping `data` unparsed.
    pub(crate) fn parse(body: &[u8], limits: &Limits) -> Result<Envelope, ParseError> {
        let mut e = json::parse(body, limits, &ENVELOPE)?;
        Ok(Envelope {
            status: e.raw("status"),
            code: e.text("code"),
            message: e.text("message"),
            error_code: e.text("error_code"),
            data: e.raw("data"),
        })
    }

    /// `status` as a boolean: `true`/`false`, or the strings `"true"`/`"false"`.
    pub(crate) fn status(&self) -> Option<bool> {
        match self.status.as_ref().map(|r| r.get()) {
            Some("true" | "\"true\"") => Some(true),
            Some("false" | "\"false\"") => Some(false),
            _ => None,
        }
    }

    pub(crate) fn rejection(&self, http_status: u16) -> Rejection {
        let (kind, action) = classify(http_status, self.code.as_deref(), self.message.as_deref());
        Rejection {
            http_status,
            provider_code: self.code.clone(),
            message: self.message.clone(),
            error_code: self.error_code.clone(),
            kind,
            action,
        }
    }
}

/// Reads a non-2xx answer into a rejection. A body that is not JSON (an HTML
/// gateway page) is a [`ParseError`] of kind `not_json`; check
/// [`is_retryable_status`] to decide on a retry.
pub(crate) fn classify_failure(
    status: u16,
    body: &[u8],
    limits: &Limits,
) -> Result<Rejection, ParseError> {
    Ok(Envelope::parse(body, limits)?.rejection(status))
}

/// Whether an HTTP status alone suggests retrying with backoff (5xx, 429):
/// useful when the body is not JSON.
pub fn is_retryable_status(status: u16) -> bool {
    status == 429 || (500..=599).contains(&status)
}

/// The provider accepted an STK push initiation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InitAccepted {
    /// `"0"` (accepted for processing) or `"-1"` (acknowledged; await the callback).
    pub code: String,
    /// The provider's message.
    pub message: Option<String>,
    /// `data.invoiceNumber`.
    pub invoice_number: Option<String>,
    /// `data.amount`.
    pub amount: Option<Amount>,
    /// `data.charge`.
    pub charge: Option<Amount>,
    /// `data.amountDebited`.
    pub amount_debited: Option<Amount>,
    /// `data.paymentReference`.
    pub payment_reference: Option<String>,
    /// `data.orderReference`.
    pub order_reference: Option<String>,
}

/// `data` of an accepted initiation.
static INIT_DATA: Shape = Shape::new(
    "InitData",
    &[
        Field::optional("amount", Kind::OptRead(json::amount)),
        Field::optional("charge", Kind::OptRead(json::amount)),
        Field::optional("paymentReference", Kind::OptText),
        Field::optional("invoiceNumber", Kind::OptText),
        Field::optional("orderReference", Kind::OptText),
        Field::optional("amountDebited", Kind::OptRead(json::amount)),
    ],
);

/// The provider's answer to an STK push initiation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum InitResponse {
    /// Accepted; the outcome comes by callback, IPN or status query.
    Accepted(InitAccepted),
    /// Refused, with what to do next.
    Rejected(Rejection),
}

/// Classifies the answer to `POST …/mpesa-stk-push/v3.0/init`.
pub fn classify_init_response(
    status: u16,
    body: &[u8],
    limits: &Limits,
) -> Result<InitResponse, ParseError> {
    let envelope = Envelope::parse(body, limits)?;
    let accepted_code = matches!(envelope.code.as_deref(), Some("0" | "-1"));
    if (200..300).contains(&status) && accepted_code && envelope.status() != Some(false) {
        let mut data = match &envelope.data {
            Some(raw) if raw.get() != "null" => {
                json::parse(raw.get().as_bytes(), limits, &INIT_DATA)
                    .map_err(|e| prefix_field(e, "data"))?
            }
            _ => json::Record::default(),
        };
        return Ok(InitResponse::Accepted(InitAccepted {
            code: envelope.code.unwrap_or_default(),
            message: envelope.message,
            invoice_number: data.text("invoiceNumber"),
            amount: data.amount("amount"),
            charge: data.amount("charge"),
            amount_debited: data.amount("amountDebited"),
            payment_reference: data.text("paymentReference"),
            order_reference: data.text("orderReference"),
        }));
    }
    Ok(InitResponse::Rejected(envelope.rejection(status)))
}

/// Re-roots a nested parse error's field under `prefix`.
pub(crate) fn prefix_field(e: ParseError, prefix: &str) -> ParseError {
    let field = match e.field() {
        Some(f) => format!("{prefix}.{f}"),
        None => prefix.to_owned(),
    };
    let kind = if e.kind() == ParseErrorKind::NotJson {
        ParseErrorKind::InvalidField
    } else {
        e.kind()
    };
    ParseError::new(kind, Some(field), e.detail())
}
