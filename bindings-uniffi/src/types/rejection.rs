//! The provider's refusal, classified, with the next action.

use jenga_stk as core;

use super::HttpStatus;

/// What to do after a refusal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum NextAction {
    /// The request itself is wrong: fix it, with new references.
    DoNotRetry,
    /// Get a new access token and retry once.
    RefreshTokenAndRetry,
    /// Transient and known not to have reached the customer: retry later with
    /// backoff (a push: as a new request with new references).
    RetryWithBackoff,
    /// The signature was refused: see `hint`.
    FixSignature,
    /// The push may already be on the customer's phone (a 5xx, a timeout, an
    /// unreadable or unknown answer to the push): query the order's status
    /// first, and push again (with new references) only if the provider does
    /// not know the order. Pushing again blindly would prompt the customer twice.
    CheckStatusFirst,
}

impl From<core::NextAction> for NextAction {
    fn from(a: core::NextAction) -> Self {
        match a {
            core::NextAction::DoNotRetry => NextAction::DoNotRetry,
            core::NextAction::RefreshTokenAndRetry => NextAction::RefreshTokenAndRetry,
            core::NextAction::RetryWithBackoff => NextAction::RetryWithBackoff,
            core::NextAction::FixSignature => NextAction::FixSignature,
            core::NextAction::CheckStatusFirst => NextAction::CheckStatusFirst,
            // The core's enum is non-exhaustive: an action a later core adds
            // is read as "ask the provider first", which never prompts twice.
            _ => NextAction::CheckStatusFirst,
        }
    }
}

/// How the provider's refusal is classified.
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum RejectionKind {
    /// 400: missing or invalid parameters.
    InvalidRequest,
    /// 400: the reference was already used.
    DuplicateReference,
    /// 401: invalid or expired access token (or bad merchant credentials).
    Unauthorized,
    /// 403: invalid signature or insufficient permissions.
    InvalidSignature,
    /// 404: account or resource not found.
    NotFound,
    /// 106401: the merchant is not authorised for this telco.
    TelcoNotAuthorized,
    /// 106201: the push could not be initiated.
    PushFailed,
    /// 106500 / 106501: the provider could not load or map the service.
    ServiceError,
    /// 111102: the transaction was not found.
    TransactionNotFound,
    /// 429: too many requests.
    RateLimited,
    /// Another 5xx (or 408).
    ServerError,
    /// A 2xx answer whose body cannot be read (not JSON, too large): whether
    /// the call took effect is unknown.
    InvalidResponse,
    /// A code or status the library does not know; kept in `providerCode`.
    Unknown,
}

impl RejectionKind {
    fn from_core(k: core::RejectionKind) -> Self {
        match k {
            core::RejectionKind::InvalidRequest => RejectionKind::InvalidRequest,
            core::RejectionKind::DuplicateReference => RejectionKind::DuplicateReference,
            core::RejectionKind::Unauthorized => RejectionKind::Unauthorized,
            core::RejectionKind::InvalidSignature => RejectionKind::InvalidSignature,
            core::RejectionKind::NotFound => RejectionKind::NotFound,
            core::RejectionKind::TelcoNotAuthorized => RejectionKind::TelcoNotAuthorized,
            core::RejectionKind::PushFailed => RejectionKind::PushFailed,
            core::RejectionKind::ServiceError => RejectionKind::ServiceError,
            core::RejectionKind::TransactionNotFound => RejectionKind::TransactionNotFound,
            core::RejectionKind::RateLimited => RejectionKind::RateLimited,
            core::RejectionKind::ServerError => RejectionKind::ServerError,
            core::RejectionKind::InvalidResponse => RejectionKind::InvalidResponse,
            _ => RejectionKind::Unknown,
        }
    }
}

/// The provider refused, with what to do next.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct Rejection {
    /// The HTTP status.
    pub http_status: HttpStatus,
    /// The provider's `code`, as text, if any.
    pub provider_code: Option<String>,
    /// The provider's `message`, if any.
    pub message: Option<String>,
    /// The provider's `error_code`, if any.
    pub error_code: Option<String>,
    /// The classification.
    pub kind: RejectionKind,
    /// What to do next.
    pub action: NextAction,
    /// Advice for humans (for a 403, the usual causes).
    pub hint: String,
    /// For a body that is not the provider's JSON (an HTML gateway page,
    /// plain text): its first words, tags removed and long token-like runs
    /// redacted, for logs. None for JSON or empty bodies.
    pub body_excerpt: Option<String>,
}

impl From<core::Rejection> for Rejection {
    fn from(r: core::Rejection) -> Self {
        Rejection {
            hint: r.hint().to_owned(),
            http_status: r.http_status.into(),
            provider_code: r.provider_code,
            message: r.message,
            error_code: r.error_code,
            kind: RejectionKind::from_core(r.kind),
            action: r.action.into(),
            body_excerpt: r.body_excerpt,
        }
    }
}
