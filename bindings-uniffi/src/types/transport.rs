//! Which endpoint answered (or did not), and how a request failed without an
//! HTTP answer: the inputs of `adviseTransportFailure`.

use jenga_stk as core;

/// One of the provider's endpoints: the same failure can call for another
/// action on each (a timeout on the push may hide a prompt on the phone).
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum Endpoint {
    /// `POST /authentication/api/v3/authenticate/merchant`.
    Token,
    /// `POST /api-checkout/mpesa-stk-push/v3.0/init`: the push itself.
    Init,
    /// `GET /api-checkout/mpesa-stk-push/v3.0/status/order/{reference}`.
    Status,
}

impl From<core::Endpoint> for Endpoint {
    fn from(e: core::Endpoint) -> Self {
        match e {
            core::Endpoint::Token => Endpoint::Token,
            core::Endpoint::Init => Endpoint::Init,
            core::Endpoint::Status => Endpoint::Status,
        }
    }
}

impl From<Endpoint> for core::Endpoint {
    fn from(e: Endpoint) -> Self {
        match e {
            Endpoint::Token => core::Endpoint::Token,
            Endpoint::Init => core::Endpoint::Init,
            Endpoint::Status => core::Endpoint::Status,
        }
    }
}

/// How a request failed without an HTTP answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum TransportFailure {
    /// The connection could not be made (refused, DNS, connect timeout, TLS
    /// handshake): the request was certainly not sent.
    ConnectFailed,
    /// The request was sent (or may have been) and no answer came in time.
    Timeout,
    /// The connection was reset or closed before a complete answer.
    ConnectionLost,
}

impl From<core::TransportFailure> for TransportFailure {
    fn from(f: core::TransportFailure) -> Self {
        match f {
            core::TransportFailure::ConnectFailed => TransportFailure::ConnectFailed,
            core::TransportFailure::Timeout => TransportFailure::Timeout,
            core::TransportFailure::ConnectionLost => TransportFailure::ConnectionLost,
            // The core's enum is non-exhaustive: a failure a later core adds
            // is shown as a lost connection (the answer may have been lost).
            _ => TransportFailure::ConnectionLost,
        }
    }
}

impl From<TransportFailure> for core::TransportFailure {
    fn from(f: TransportFailure) -> Self {
        match f {
            TransportFailure::ConnectFailed => core::TransportFailure::ConnectFailed,
            TransportFailure::Timeout => core::TransportFailure::Timeout,
            TransportFailure::ConnectionLost => core::TransportFailure::ConnectionLost,
        }
    }
}
