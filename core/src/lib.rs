//! # jenga-stk
//!
//! A **sans-IO** core for the Jenga (Finserve / Equity Bank) *M-Pesa STK push
//! with wallet settlement* API: it validates a payment intent, writes the exact
//! JSON body, computes the signing string and its RSA-SHA256 signature, and
//! returns the complete HTTP request as a plain value for your own HTTP client.
//! No sockets, no clock, no global state.
//!
//! The text signed is byte-for-byte the text in the body, so the provider's
//! `403 Invalid signature` caused by `2` in the body and `2.00` in the signed
//! string cannot happen.
//!
//! ```
//! use jenga_stk::{
//!     AccessToken, Amount, CustomerInput, Environment, OrderInput, PaymentDetailsInput,
//!     PaymentInput, RequestOptions, Signer, StkPush, StkPushInput,
//! };
//!
//! # fn main() -> Result<(), jenga_stk::Error> {
//! # let pem = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/keys/test-pkcs8-2048.pem")).unwrap();
//! // Load the private key once (PKCS#1 or PKCS#8 PEM); keep the signer around.
//! let signer = Signer::from_pem(&pem)?;
//!
//! let input = StkPushInput {
//!     order: OrderInput {
//!         order_reference: "OR28922980077".into(),
//!         order_amount: Some(Amount::from_units(2)),
//!         order_currency: "KES".into(),
//!         country_code: "KE".into(),
//!         description: "Purchase".into(),
//!         ..Default::default()
//!     },
//!     customer: CustomerInput {
//!         name: "John Doe".into(),
//!         email: "xyx2@gmail.com".into(),
//!         phone_number: "0722000111".into(),
//!         identity_number: "0000000".into(),
//!         ..Default::default()
//!     },
//!     payment: PaymentInput {
//!         payment_reference: "MKQR28922980073".into(),
//!         payment_currency: "KES".into(),
//!         callback_url: "https://shop.example.com/jenga/callback".into(),
//!         details: PaymentDetailsInput {
//!             msisdn: "0722000000".into(),
//!             payment_amount: Some(Amount::from_units(2)),
//!         },
//!         ..Default::default()
//!     },
//! };
//!
//! // Validate (every problem at once), then sign.
//! let push = StkPush::new(&input, &RequestOptions::default())?;
//! assert_eq!(push.signing_string(), "OR28922980077KES07220000002");
//! let signed = push.sign(&signer)?;
//!
//! // The HTTP request as a value: send it with reqwest, hyper, ureq, …
//! let token = AccessToken::new("eyJhbGciOiJSUzI1NiJ9.example.token")?;
//! let request = signed.http_request(&Environment::Uat, &token);
//! assert_eq!(request.url, "https://uat.finserve.africa/api-checkout/mpesa-stk-push/v3.0/init");
//! assert_eq!(request.header("Signature"), Some(signed.signature().as_str()));
//! println!("{}", request.to_redacted_string()); // the token is redacted
//! # Ok(())
//! # }
//! ```
//!
//! ## Modules at a glance
//! * [`StkPushInput`] → [`StkPush::new`] (validation) → [`StkPush::sign`] or
//!   [`StkPush::with_signature`] (bring your own signature) →
//!   [`SignedStkPush::http_request`].
//! * [`Amount`]: exact money, never `f64`; [`AmountStyle`] picks `2` or
//!   `2.00`, JSON number or string; [`PhoneFormat`] picks the phone form.
//! * [`Signer`] / [`Verifier`]: RSA PKCS#1 v1.5 with SHA-256; the backend
//!   is a cargo feature (below).
//! * [`Error`]: one error type with a stable [`code`](Error::code); validation
//!   errors list every [`Problem`] with its field path.
//!
//! ## Cargo features: the signing backend
//!
//! | feature | backend | timing | RSA-2048 signing speed |
//! |---|---|---|---|
//! | `rsa` (default) | pure-Rust [`rsa`](https://docs.rs/rsa) crate; builds everywhere, WebAssembly included | blinded with fresh OS randomness on every signature, **not** constant-time (RUSTSEC-2023-0071) | ~0.1 of OpenSSL |
//! | `ring` | [`ring`](https://docs.rs/ring); a library ~250 KB smaller than with `rsa` | constant-time | ~0.45 of OpenSSL |
//! | `aws-lc-rs` | [`aws-lc-rs`](https://docs.rs/aws-lc-rs) (AWS-LC); ~2.2 MB more than with `rsa`, needs a C compiler | constant-time | OpenSSL's |
//!
//! ```toml
//! jenga-stk = { version = "0.1", default-features = false, features = ["aws-lc-rs"] }
//! ```
//!
//! The API, the keys accepted (2048 to [`MAX_PRIVATE_KEY_BITS`] bits, public
//! exponent 65537 or another odd value up to 2^33 - 1), the typed
//! [`KeyError`]s and the signature bytes are the same whichever backend is
//! built; [`SIGNER_BACKEND`] names the one in use. With several features on,
//! the fastest wins. With none (`default-features = false` alone) the crate
//! has no RSA code at all: [`Signer`] and [`Verifier`] have no constructor,
//! and you sign elsewhere (KMS, HSM, WebCrypto) and attach the signature with
//! [`StkPush::with_signature`]; [`Pkcs8Key`] still checks and exports keys. The Python wheel uses `aws-lc-rs`, the Kotlin/Swift
//! library `ring`, the npm package `rsa` (plus WebCrypto in JavaScript).

#![cfg_attr(docsrs, feature(doc_cfg))]
mod amount;
mod callback;
mod callback_url;
mod country;
mod error;
mod flow;
mod http;
#[cfg(feature = "http")]
mod http_crate;
mod ipn;
mod json;
mod json_writer;
mod keys;
mod options;
mod phone;
mod reconcile;
mod request;
mod response;
mod signing;
mod status;
mod text;
mod time;
mod token;
mod url;

pub use amount::{Amount, AmountError};
pub use callback::{
    CallbackFailure, CallbackOutcome, CallbackPayment, FailureReason, StkCallback, parse_callback,
};
pub use callback_url::{CallbackRefs, CallbackUrls, MIN_CALLBACK_SECRET_BYTES};
pub use country::Country;
pub use error::{
    AuthError, Error, FlowError, KeyError, ParseError, ParseErrorKind, Problem, ProblemCode,
    SignatureError, ValidationError,
};
pub use flow::{
    Action, FLOW_STATE_VERSION, FlowContext, FlowRequest, Outcome, OutcomeKind, PaymentFlow, Phase,
    QueryAction, QueryResult, RetryPolicy, SharedTokens, StatusQuery, TokenGrant,
};
pub use http::{Environment, HttpRequest, Method};
#[cfg(feature = "http")]
pub use http_crate::HttpConversionError;
pub use ipn::{
    Ipn, IpnAuth, IpnBank, IpnCustomer, IpnStatus, IpnTransaction, PaymentMode, parse_ipn,
};
pub use json::Limits;
pub use keys::{MAX_KEY_BITS, MAX_PRIVATE_KEY_BITS, MIN_KEY_BITS, Pkcs8Key};
pub use options::{AmountDecimals, AmountEncoding, AmountStyle, PhoneFormat, RequestOptions};
pub use reconcile::{
    Conflict, ConflictKind, Evidence, EvidenceSource, Expected, PaymentState, Reconciliation,
    reconcile,
};
pub use request::input::{
    CustomerInput, OrderInput, PaymentDetailsInput, PaymentInput, StkPushInput,
};
pub use request::received::signing_string_of_body;
pub use request::stk_push::{STK_PUSH_PATH, SignedStkPush, StkPush};
pub use response::{
    Endpoint, InitAccepted, InitResponse, NextAction, Rejection, RejectionKind, SIGNATURE_HINT,
    TransportFailure, advise_transport_failure, classify_init_response,
};
pub use signing::{SIGNER_BACKEND, SIGNER_IS_CONSTANT_TIME, Signature, Signer, Verifier};
pub use status::{
    Invoice, InvoiceState, Order, OrderState, OrderStatus, STATUS_PATH_PREFIX, StatusResponse,
    StatusSignature, order_status_request, parse_status_response,
};
pub use time::{DateTime, EAT_OFFSET_MINUTES};
pub use token::{
    AccessToken, Credentials, DEFAULT_TOKEN_LIFETIME, TOKEN_PATH, Token, TokenAction,
    TokenLifetime, TokenResponse, TokenState, parse_token_response,
};

// The signature doctor (cargo feature `diagnose`, on by default): why the
// provider answers `403 Invalid signature`. See docs/signature-doctor.md.
#[cfg(feature = "diagnose")]
mod diagnose;
#[cfg(feature = "diagnose")]
pub use diagnose::{DiagnoseError, Diagnosis, Finding, FindingCode, KeyInfo, diagnose_signature};

/// The repository README's Rust snippets, compiled and run as doctests (see
/// `build.rs`: each runs in a scratch folder with a test key pair).
#[cfg(doctest)]
#[doc = include_str!(concat!(env!("OUT_DIR"), "/README.doctest.md"))]
struct ReadmeDoctests;
