//! WebAssembly bindings of the `jenga-stk` core for the npm package
//! `jenga-stk`. Thin: every function converts JavaScript values to core
//! types and back, and every error to a plain `{code, field, message,
//! problems, rejection}` object that the package's JavaScript turns into a
//! `JengaError`. No payment logic lives here.
//!
//! Bodies cross as `Uint8Array`, texts as strings, money as decimal strings,
//! times as epoch milliseconds in and RFC 3339 strings out.
//!
//! The payment flow (`flow.rs`, `tokens.rs`) is the core's `PaymentFlow`
//! as is, and a status query (`query.rs`) the core's `StatusQuery`: the
//! JavaScript `JengaClient` only carries out their actions with `fetch` and
//! timers.
//!
//! The core is built without a signing backend and without key parsing in
//! this module (the main one, with a 150 KB gzipped budget; the default
//! signer is WebCrypto). The private key check for WebCrypto, the
//! synchronous signer, the verifier and the signature doctor are a second,
//! lazily loaded module: `bindings-wasm/rsa/`.
//!
//! Outputs are serialised to JSON text here and parsed by the host's
//! `JSON.parse` (`errors::plain`): smaller than building JavaScript objects
//! field by field.

mod classes;
mod convert;
mod errors;
mod flow;
mod functions;
mod query;
mod tokens;

pub use classes::{WasmCallbackUrls, WasmIpnAuth, WasmTokenState};
pub use flow::{WasmFlowContext, WasmPaymentFlow, check_retry_policy, retry_policy_defaults};
pub use functions::*;
pub use query::WasmStatusQuery;
pub use tokens::WasmSharedTokens;
