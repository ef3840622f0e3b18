//! Advice when no HTTP answer came at all: the connection could not be made,
//! timed out, or was lost. Only a failure to connect proves the request was
//! never sent; after any other, a push may already be on the customer's phone.

use serde::Serialize;

use super::{Endpoint, NextAction};

/// How a request failed without an HTTP answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum TransportFailure {
    /// The connection could not be made (refused, DNS, connect timeout, TLS
    /// handshake): the request was certainly not sent.
    ConnectFailed,
    /// The request was sent (or may have been) and no answer came in time.
    Timeout,
    /// The connection was reset or closed before a complete answer.
    ConnectionLost,
}

impl TransportFailure {
    /// The stable machine code.
    pub fn code(self) -> &'static str {
        match self {
            TransportFailure::ConnectFailed => "connect_failed",
            TransportFailure::Timeout => "timeout",
            TransportFailure::ConnectionLost => "connection_lost",
        }
    }

    /// Looks a failure up by its code.
    pub fn from_code(code: &str) -> Option<TransportFailure> {
        match code {
            "connect_failed" => Some(TransportFailure::ConnectFailed),
            "timeout" => Some(TransportFailure::Timeout),
            "connection_lost" => Some(TransportFailure::ConnectionLost),
            _ => None,
        }
    }
}

/// What to do after `failure` on `endpoint`: a push that may have been sent
/// is [`NextAction::CheckStatusFirst`]; everything else may be retried with
/// backoff (the token and status calls change nothing at the provider).
///
/// ```
/// use jenga_stk::{Endpoint, NextAction, TransportFailure, advise_transport_failure};
///
/// assert_eq!(advise_transport_failure(Endpoint::Init, TransportFailure::Timeout), NextAction::CheckStatusFirst);
/// assert_eq!(advise_transport_failure(Endpoint::Init, TransportFailure::ConnectFailed), NextAction::RetryWithBackoff);
/// assert_eq!(advise_transport_failure(Endpoint::Status, TransportFailure::Timeout), NextAction::RetryWithBackoff);
/// ```
pub fn advise_transport_failure(endpoint: Endpoint, failure: TransportFailure) -> NextAction {
    match (endpoint, failure) {
        (Endpoint::Init, TransportFailure::Timeout | TransportFailure::ConnectionLost) => {
            NextAction::CheckStatusFirst
        }
        _ => NextAction::RetryWithBackoff,
    }
}
