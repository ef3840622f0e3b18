//! The provider's refusal, classified, with the next action.

use jenga_stk as core;

/// What to do after a refusal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum NextAction {
    /// The request itself is wrong: fix it, with new references.
    DoNotRetry,
    /// Get a new access token and retry once.
    RefreshTokenAndRetry,
    /// Transient: retry later with backoff, as a new request with new references.
    RetryWithBackoff,
    /// The signature was refused: see `hint`.
    FixSignature,
}

impl NextAction {
    fn from_core(a: core::NextAction) -> Self {
        match a {
            core::NextAction::RefreshTokenAndRetry => NextAction::RefreshTokenAndRetry,
            core::NextAction::RetryWithBackoff => NextAction::RetryWithBackoff,
            core::NextAction::FixSignature => NextAction::FixSignature,
            _ => NextAction::DoNotRetry,
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
    /// Another 5xx or 429.
    ServerError,
    /// A code the library does not know; kept in `providerCode`.
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
            core::RejectionKind::ServerError => RejectionKind::ServerError,
            _ => RejectionKind::Unknown,
        }
    }
}

/// The provider refused, with what to do next.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct Rejection {
    /// The HTTP status.
    pub http_status: u16,
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
}

impl From<core::Rejection> for Rejection {
    fn from(r: core::Rejection) -> Self {
        Rejection {
            hint: r.hint().to_owned(),
            http_status: r.http_status,
            provider_code: r.provider_code,
            message: r.message,
            error_code: r.error_code,
            kind: RejectionKind::from_core(r.kind),
            action: NextAction::from_core(r.action),
        }
    }
}
