//! Classifying the provider's answers: accepted, or a typed [`Rejection`]
//! that keeps the provider's code and message and says what to do next.
//!
//! Every HTTP answer classifies, JSON or not: an HTML gateway page, a plain
//! text or an empty body is a rejection by its HTTP status (with a short
//! excerpt for logs), never a parse error. The body decides, not the HTTP
//! status alone: a failed initiation can come back as HTTP 200 with
//! `"status": false`, and `code` is a string (`"0"`, `"-1"`) in some
//! responses and a number (`400`, `106201`) in others. Unknown codes are kept.
//!
//! * [`classify`]: the one table of HTTP status × provider code → kind × action;
//! * [`envelope`]: the provider's `{status, code, message, error_code, data}`;
//! * [`init`]: the STK push initiation's answer;
//! * [`transport`]: advice when no HTTP answer came at all.

mod classify;
mod envelope;
mod init;
mod transport;

use std::fmt;

use serde::Serialize;

pub(crate) use envelope::{read_answer, unreadable_answer};
pub use init::{InitAccepted, InitResponse, classify_init_response};
pub use transport::{TransportFailure, advise_transport_failure};

/// Which of the provider's endpoints answered: the same HTTP status can call
/// for another action on each (a 5xx on the push may mean the prompt is
/// already on the phone; on the token or status endpoint it never does).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Endpoint {
    /// `POST /authentication/api/v3/authenticate/merchant`.
    Token,
    /// `POST /api-checkout/mpesa-stk-push/v3.0/init`: the push itself.
    Init,
    /// `GET /api-checkout/mpesa-stk-push/v3.0/status/order/{reference}`.
    Status,
}

impl Endpoint {
    /// The stable machine code (`token`, `init`, `status`).
    pub fn code(self) -> &'static str {
        match self {
            Endpoint::Token => "token",
            Endpoint::Init => "init",
            Endpoint::Status => "status",
        }
    }

    /// Looks an endpoint up by its code.
    pub fn from_code(code: &str) -> Option<Endpoint> {
        match code {
            "token" => Some(Endpoint::Token),
            "init" => Some(Endpoint::Init),
            "status" => Some(Endpoint::Status),
            _ => None,
        }
    }
}

/// What the caller should do after a rejection.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum NextAction {
    /// Do not retry: the request itself is wrong (400, 404, telco not
    /// authorised, bad merchant credentials). Fix it, with **new** references.
    DoNotRetry,
    /// The access token is invalid or expired (401): get a new token and
    /// retry once.
    RefreshTokenAndRetry,
    /// A transient failure known not to have reached the customer (106201,
    /// 429, a 5xx from the token or status endpoint): retry later with
    /// exponential backoff (a push: with new references).
    RetryWithBackoff,
    /// The signature was refused (403): see [`Rejection::hint`] for the
    /// usual causes. Retrying the same request cannot help.
    FixSignature,
    /// The push may already be on the customer's phone (a 5xx, an unreadable
    /// or unknown answer to the push, a timeout or a dropped connection):
    /// query the order's status first, and push again (with new references)
    /// only if the provider does not know the order. Pushing again blindly
    /// would prompt the customer twice.
    CheckStatusFirst,
}

impl NextAction {
    /// The stable machine code.
    pub fn code(self) -> &'static str {
        match self {
            NextAction::DoNotRetry => "do_not_retry",
            NextAction::RefreshTokenAndRetry => "refresh_token_and_retry",
            NextAction::RetryWithBackoff => "retry_with_backoff",
            NextAction::FixSignature => "fix_signature",
            NextAction::CheckStatusFirst => "check_status_first",
        }
    }

    /// Looks an action up by its code.
    pub fn from_code(code: &str) -> Option<NextAction> {
        [
            NextAction::DoNotRetry,
            NextAction::RefreshTokenAndRetry,
            NextAction::RetryWithBackoff,
            NextAction::FixSignature,
            NextAction::CheckStatusFirst,
        ]
        .into_iter()
        .find(|a| a.code() == code)
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
    /// 429: too many requests.
    RateLimited,
    /// Another 5xx (or 408).
    ServerError,
    /// A 2xx answer whose body cannot be read (not JSON, too large, a
    /// repeated key): whether the call took effect is unknown.
    InvalidResponse,
    /// A code or status this library does not know; kept as sent.
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
            RejectionKind::RateLimited => "rate_limited",
            RejectionKind::ServerError => "server_error",
            RejectionKind::InvalidResponse => "invalid_response",
            RejectionKind::Unknown => "unknown",
        }
    }
    /// Looks a kind up by its code.
    pub fn from_code(code: &str) -> Option<RejectionKind> {
        use RejectionKind::*;
        [
            InvalidRequest,
            DuplicateReference,
            Unauthorized,
            InvalidSignature,
            NotFound,
            TelcoNotAuthorized,
            PushFailed,
            ServiceError,
            TransactionNotFound,
            RateLimited,
            ServerError,
            InvalidResponse,
            Unknown,
        ]
        .into_iter()
        .find(|k| k.code() == code)
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
    /// For a body that is not the provider's JSON (an HTML gateway page,
    /// plain text): its first words, tags and control characters removed and
    /// long token-like runs redacted, for logs. `None` for JSON or empty
    /// bodies, and for every answer of the token endpoint (whose request
    /// carries the merchant's secrets).
    pub body_excerpt: Option<String>,
}

impl Rejection {
    /// Advice for humans; for [`RejectionKind::InvalidSignature`] it lists the usual causes.
    pub fn hint(&self) -> &'static str {
        match (self.kind, self.action) {
            (RejectionKind::InvalidSignature, _) => SIGNATURE_HINT,
            (RejectionKind::Unauthorized, NextAction::DoNotRetry) => {
                "the merchant credentials were refused: check the API key, merchant code and consumer secret"
            }
            (RejectionKind::Unauthorized, _) => "get a new access token and retry once",
            (_, NextAction::CheckStatusFirst) => {
                "the push may have reached the customer: query the order's status before pushing again"
            }
            (RejectionKind::DuplicateReference, _) => {
                "the reference was used before; never reuse references, even for failed payments"
            }
            (RejectionKind::InvalidRequest, _) => {
                "the request is invalid; fix it and use new references"
            }
            (RejectionKind::NotFound, _) => "the account or resource does not exist; do not retry",
            (RejectionKind::TelcoNotAuthorized, _) => {
                "the merchant is not enabled for this telco; contact support@finserve.africa"
            }
            (RejectionKind::RateLimited, _) => "too many requests; retry later with backoff",
            (
                RejectionKind::PushFailed
                | RejectionKind::ServiceError
                | RejectionKind::ServerError
                | RejectionKind::InvalidResponse,
                _,
            ) => "a transient provider failure; retry later with backoff",
            (RejectionKind::TransactionNotFound, _) => "no transaction with this reference",
            (RejectionKind::Unknown, _) => "an unknown provider answer; see the provider's message",
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
        } else if let Some(excerpt) = &self.body_excerpt {
            write!(f, ": {excerpt:?}")?;
        }
        write!(f, " — {} ({})", self.hint(), self.action.code())
    }
}
