//! How a status query ended (`QueryResult`): the provider's answer, or the
//! last transport failure when none came.

use jenga_stk as core;

use super::{StatusResponse, TransportFailure};
use crate::error::JengaError;

/// The end of a `StatusQuery`: the provider's answer (found, not found, or
/// its refusal after the retries, a refused token request included), or no
/// answer and how the last attempt failed.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct QueryResult {
    /// The answer, when one came.
    pub response: Option<StatusResponse>,
    /// When none came: how the last attempt failed (none when it got an
    /// answer that was not usable: unreadable, or the token endpoint still
    /// failing after the retries).
    pub transport_failure: Option<TransportFailure>,
}

impl From<core::QueryResult> for QueryResult {
    fn from(r: core::QueryResult) -> Self {
        QueryResult {
            response: r.response.map(StatusResponse::from),
            transport_failure: r.transport_failure.map(TransportFailure::from),
        }
    }
}

#[uniffi::export]
impl QueryResult {
    /// The answer; throws `Transport` (`transport_failed`, with the last
    /// transport failure) when none came after the retries.
    pub fn require_answer(&self) -> Result<StatusResponse, JengaError> {
        match &self.response {
            Some(answer) => Ok(answer.clone()),
            None => Err(JengaError::transport_failed(self.transport_failure)),
        }
    }
}
