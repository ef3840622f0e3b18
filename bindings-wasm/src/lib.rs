//! WebAssembly bindings of the `jenga-stk` core for the npm package
//! `jenga-stk`. Thin: every function converts JavaScript values to core
//! types and back, and every error to a plain `{code, field, message,
//! problems, rejection}` object that the package's JavaScript turns into a
//! `JengaError`. No payment logic lives here.
//!
//! Bodies cross as `Uint8Array`, texts as strings, money as decimal strings,
//! times as epoch milliseconds in and RFC 3339 strings out.
//!
//! The core is built without a signing backend: this module holds no RSA
//! code (the default signer is WebCrypto). The synchronous signer and the
//! verifier are a second, lazily loaded module: `bindings-wasm/rsa/`.

mod classes;
mod convert;
mod errors;
mod functions;

pub use classes::{WasmCallbackUrls, WasmIpnAuth, WasmPkcs8Key, WasmTokenState};
pub use functions::*;
