//! Records and enums: plain values without secrets, converted field by field
//! from (and, for the reconciliation evidence, back to) the core's types.
//! Money is `Amount` (BigDecimal / Decimal), times are `DateTime` (Instant / Date).
//! One file per concern; everything is re-exported here.

mod callback;
mod diagnose;
mod flow;
mod http;
mod init;
mod ipn;
mod options;
mod problem;
mod query;
mod reconcile;
mod rejection;
mod request;
mod status;
mod token;
mod transport;

pub use callback::*;
pub use diagnose::*;
pub use flow::*;
pub use http::*;
pub use init::*;
pub use ipn::*;
pub use options::*;
pub use problem::*;
pub use query::*;
pub use reconcile::*;
pub use rejection::*;
pub use request::*;
pub use status::*;
pub use token::*;
pub use transport::*;
