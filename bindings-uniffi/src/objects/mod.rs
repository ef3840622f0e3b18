//! Objects: everything that holds a secret or state (keys, tokens,
//! credentials, the callback secret, IPN credentials, requests carrying a
//! bearer token) lives in a Rust object, so Kotlin's data-class `toString` and
//! Swift's `description` can never print it. Their `toString` is redacted.
//! One file per concern; everything is re-exported here.

use crate::error::JengaError;

mod callback_urls;
mod environment;
mod flow;
mod http;
mod ipn_auth;
mod push;
mod query;
mod signing;
mod token;
mod tokens;

pub use callback_urls::*;
pub use environment::*;
pub use flow::*;
pub use http::*;
pub use ipn_auth::*;
pub use push::*;
pub use query::*;
pub use signing::*;
pub use token::*;
pub use tokens::*;

pub(crate) type Result<T> = std::result::Result<T, JengaError>;
