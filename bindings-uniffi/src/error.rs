//! The one error type: every core error becomes a `JengaError` variant that
//! carries the stable `code`, the `field` path (or none) and a human `detail`.
//! Codes and fields are compared by programs; details are for people.

use std::fmt;

use crate::types::{HttpStatus, Outcome, Problem, Rejection, TransportFailure};

/// Every failure of the library. Each variant carries `code` (stable, e.g.
/// `invalid_phone`), `field` (the field or JSON path, when the error is about
/// one) and `detail` (a readable explanation, never containing secrets).
#[derive(Debug, uniffi::Error)]
pub enum JengaError {
    /// The input is invalid (`code` is `validation_failed`); `problems` lists
    /// every problem with its own field and code.
    Validation {
        /// `validation_failed`, or the amount code when a foreign decimal cannot be an amount.
        code: String,
        /// The first problem's field.
        field: Option<String>,
        /// A readable summary.
        detail: String,
        /// Every problem, in the order of the provider's page.
        problems: Vec<Problem>,
    },
    /// A key could not be loaded (`key_invalid`, `key_too_small`, …).
    Key {
        /// The stable code.
        code: String,
        /// For `diagnoseSignature`, the key at fault (`public_key` or
        /// `private_key`); otherwise none.
        field: Option<String>,
        /// A readable explanation.
        detail: String,
    },
    /// A signature is malformed, does not verify, or could not be made.
    Signature {
        /// The stable code.
        code: String,
        /// Always none.
        field: Option<String>,
        /// A readable explanation.
        detail: String,
    },
    /// The peer sent something unusable (`not_json`, `missing_field`, …);
    /// `field` is the JSON path.
    Parse {
        /// The stable code.
        code: String,
        /// The JSON path, when known.
        field: Option<String>,
        /// A readable explanation.
        detail: String,
    },
    /// A callback or IPN failed authentication: treat it as forged.
    Auth {
        /// The stable code.
        code: String,
        /// Always none.
        field: Option<String>,
        /// A readable explanation.
        detail: String,
    },
    /// The provider refused (`provider_rejected`), with what to do next.
    Rejected {
        /// `provider_rejected`.
        code: String,
        /// Always none.
        field: Option<String>,
        /// A readable explanation.
        detail: String,
        /// The provider's answer, classified.
        rejection: Rejection,
    },
    /// A payment flow was used out of turn (`flow_busy`: poll while an
    /// answer is awaited; `flow_idle`: an answer while none is awaited;
    /// `flow_not_this_payment`: a callback or IPN of another payment), or
    /// restored from text that is not a saved flow (`flow_state_invalid`).
    Flow {
        /// The stable code.
        code: String,
        /// Always none.
        field: Option<String>,
        /// A readable explanation.
        detail: String,
    },
    /// The payment ended before anything reached the customer: the provider
    /// refused the push (`payment_rejected`, see `outcome.rejection`) or it
    /// could not be sent (`payment_not_sent`, see `outcome.transportFailure`
    /// and `outcome.rejection`). Thrown by `PaymentFlow.requireStarted` (and
    /// so by the Kotlin client's `startPayment`). A new payment may be started
    /// once the cause is fixed.
    NotStarted {
        /// `payment_rejected` or `payment_not_sent`.
        code: String,
        /// Always none.
        field: Option<String>,
        /// A readable explanation.
        detail: String,
        /// How the flow ended.
        outcome: Outcome,
    },
    /// No answer came at all (`transport_failed`): a status query's every
    /// attempt, retries included, failed without a usable answer. Thrown by
    /// `QueryResult.requireAnswer` (and so by the Kotlin client's
    /// `queryStatus`). Ask again later.
    Transport {
        /// `transport_failed`.
        code: String,
        /// Always none.
        field: Option<String>,
        /// A readable explanation.
        detail: String,
        /// How the last attempt failed; none when it got an answer that was
        /// not usable (unreadable, or the token endpoint still failing).
        failure: Option<TransportFailure>,
    },
}

impl JengaError {
    /// The stable code of any variant.
    pub fn code(&self) -> &str {
        match self {
            JengaError::Validation { code, .. }
            | JengaError::Key { code, .. }
            | JengaError::Signature { code, .. }
            | JengaError::Parse { code, .. }
            | JengaError::Auth { code, .. }
            | JengaError::Rejected { code, .. }
            | JengaError::Flow { code, .. }
            | JengaError::NotStarted { code, .. }
            | JengaError::Transport { code, .. } => code,
        }
    }

    fn detail(&self) -> &str {
        match self {
            JengaError::Validation { detail, .. }
            | JengaError::Key { detail, .. }
            | JengaError::Signature { detail, .. }
            | JengaError::Parse { detail, .. }
            | JengaError::Auth { detail, .. }
            | JengaError::Rejected { detail, .. }
            | JengaError::Flow { detail, .. }
            | JengaError::NotStarted { detail, .. }
            | JengaError::Transport { detail, .. } => detail,
        }
    }

    /// A signing failure that did not come from the core (a foreign signer).
    pub(crate) fn signing_failed(detail: String) -> JengaError {
        JengaError::Signature {
            code: "signing_failed".to_owned(),
            field: None,
            detail,
        }
    }

    /// A status query that got no answer after its retries.
    pub(crate) fn transport_failed(failure: Option<TransportFailure>) -> JengaError {
        let last = match failure {
            Some(f) => format!(
                "last failure: {}",
                jenga_stk::TransportFailure::from(f).code()
            ),
            None => "the last answer was not usable".to_owned(),
        };
        JengaError::Transport {
            code: "transport_failed".to_owned(),
            field: None,
            detail: format!("the status query got no answer after its retries ({last})"),
            failure,
        }
    }
}

impl fmt::Display for JengaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code(), self.detail())
    }
}

impl std::error::Error for JengaError {}

impl From<jenga_stk::Error> for JengaError {
    fn from(e: jenga_stk::Error) -> Self {
        let code = e.code().to_owned();
        let field = e.field().map(str::to_owned);
        let detail = e.to_string();
        match e {
            jenga_stk::Error::Validation(v) => JengaError::Validation {
                code,
                field,
                detail,
                problems: v.into_problems().into_iter().map(Problem::from).collect(),
            },
            jenga_stk::Error::Key(_) => JengaError::Key {
                code,
                field,
                detail,
            },
            jenga_stk::Error::Signature(_) => JengaError::Signature {
                code,
                field,
                detail,
            },
            jenga_stk::Error::Auth(_) => JengaError::Auth {
                code,
                field,
                detail,
            },
            jenga_stk::Error::Rejected(r) => JengaError::Rejected {
                code,
                field,
                detail,
                rejection: Rejection::from(r),
            },
            jenga_stk::Error::Flow(_) => JengaError::Flow {
                code,
                field,
                detail,
            },
            // Parse errors, and any kind a later core adds: code and field are kept.
            _ => JengaError::Parse {
                code,
                field,
                detail,
            },
        }
    }
}

macro_rules! from_core {
    ($($t:ty),*) => {$(
        impl From<$t> for JengaError {
            fn from(e: $t) -> Self {
                jenga_stk::Error::from(e).into()
            }
        }
    )*};
}
from_core!(
    jenga_stk::ValidationError,
    jenga_stk::KeyError,
    jenga_stk::SignatureError,
    jenga_stk::ParseError,
    jenga_stk::AuthError,
    jenga_stk::FlowError
);

/// The doctor's unusable inputs: a body that is no STK push request is a
/// `Parse` error (field: the JSON path); a key that does not load is a `Key`
/// error whose field names it (`public_key` or `private_key`).
impl From<jenga_stk::DiagnoseError> for JengaError {
    fn from(e: jenga_stk::DiagnoseError) -> Self {
        let input = e.input();
        let detail = e.to_string();
        match e {
            jenga_stk::DiagnoseError::Body(p) => JengaError::Parse {
                code: p.code().to_owned(),
                field: p.field().map(str::to_owned),
                detail,
            },
            other => JengaError::Key {
                code: other.code().to_owned(),
                field: Some(input.to_owned()),
                detail,
            },
        }
    }
}

impl From<jenga_stk::Rejection> for JengaError {
    fn from(r: jenga_stk::Rejection) -> Self {
        jenga_stk::Error::Rejected(r).into()
    }
}

/// A foreign signer (Kotlin, Swift) threw something other than a `JengaError`.
impl From<uniffi::UnexpectedUniFFICallbackError> for JengaError {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        JengaError::signing_failed(format!("the foreign signer failed: {}", e.reason))
    }
}

/// A decimal from Kotlin or Swift that is not an amount (negative, more than
/// two decimals, too large): a validation error with the amount's own code.
pub(crate) fn amount_error(e: &jenga_stk::AmountError) -> JengaError {
    JengaError::Validation {
        code: e.code().to_owned(),
        field: Some("amount".to_owned()),
        detail: format!("amount: {e}"),
        problems: vec![Problem {
            field: "amount".to_owned(),
            code: e.code().to_owned(),
            message: e.to_string(),
        }],
    }
}

/// The status as the core takes it; a validation error outside 100-599.
pub(crate) fn http_status(status: HttpStatus) -> Result<u16, JengaError> {
    if (100..=599).contains(&status.0) {
        Ok(status.wire())
    } else {
        Err(JengaError::Validation {
            code: "validation_failed".to_owned(),
            field: Some("status".to_owned()),
            detail: "status: must be an HTTP status (100-599)".to_owned(),
            problems: vec![Problem {
                field: "status".to_owned(),
                code: "invalid_type".to_owned(),
                message: "must be an HTTP status (100-599)".to_owned(),
            }],
        })
    }
}
