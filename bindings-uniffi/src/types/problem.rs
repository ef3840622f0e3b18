//! A validation problem as a record: field path, stable code, message.

use jenga_stk as core;

/// One validation problem: its field path and stable code.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct Problem {
    /// The field path, e.g. `payment.details.msisdn`.
    pub field: String,
    /// The stable code, e.g. `invalid_phone`.
    pub code: String,
    /// A readable explanation.
    pub message: String,
}

impl From<core::Problem> for Problem {
    fn from(p: core::Problem) -> Self {
        Problem {
            field: p.field,
            code: p.code.as_str().to_owned(),
            message: p.message,
        }
    }
}
