//! # jenga-sandbox
//!
//! A deterministic local stand-in for the Jenga M-Pesa STK push API: merchant
//! auth, STK push init with signature verification, order status, and the
//! callback and IPN deliveries, with outcomes chosen by the test phone number
//! (see [`outcome`]).
//!
//! It is the provider's double, not the core's mirror: it judges a push by
//! the rules the provider's page documents (`rules.rs`, each rule labelled
//! documented or assumption), not by the core's stricter merchant-side
//! checks. The core serves as the reference on the provider's side only:
//! the signature verifier, the signing string of a received body, and the
//! callback and IPN types the deliveries are built from.
//!
//! For tests it misbehaves on purpose and counts what happened: faults on
//! the next calls to an endpoint (401, 5xx HTML, 429, slow, a connection
//! dropped after an accepted push), delivery modes (twice, never, callback
//! after the IPN, per-push delays), counters, settle and reset, through
//! [`Running::control`] or the HTTP control API under `/sandbox/`
//! (sandbox/README.md).
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let pem = std::fs::read_to_string("public.pem")?;
//! let sandbox = jenga_sandbox::start(jenga_sandbox::Config::with_public_key(pem)).await?;
//! println!("{}", sandbox.base_url()); // http://127.0.0.1:PORT
//! let control = sandbox.control();
//! control.inject(jenga_sandbox::FaultSpec::once(
//!     jenga_sandbox::Endpoint::Init,
//!     jenga_sandbox::Fault::DropAfterAccept,
//! ))?;
//! // … a payment through your client …
//! assert!(control.settle(std::time::Duration::from_secs(5)).await);
//! println!("{:?}", control.counters().pushes);
//! sandbox.stop().await;
//! # Ok(()) }
//! ```

mod admin;
mod app;
mod auth;
pub mod config;
mod control;
mod delivery;
mod diagnosis;
mod init;
mod misbehave;
pub mod outcome;
mod raw_json;
mod responses;
mod rules;
mod send;
mod serve;
mod signature;
mod state;
mod status;

use std::net::SocketAddr;
use std::sync::Arc;

use jenga_stk::{IpnAuth, Verifier};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use config::{Args, Config};
pub use control::Control;
pub use control::counters::Counters;
pub use control::fault::{Endpoint, Fault, FaultError, FaultSpec, MAX_DELAY};
pub use control::modes::{CallbackMode, Deliveries, IpnMode};
pub use signature::SignatureAmount;

/// A running sandbox.
#[derive(Debug)]
pub struct Running {
    addr: SocketAddr,
    control: Control,
    shutdown: oneshot::Sender<()>,
    task: JoinHandle<()>,
}

impl Running {
    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`: the base URL to give the client.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The test controls: faults, delivery modes, counters, reset (what the
    /// HTTP control API under `/sandbox/` does, without HTTP).
    pub fn control(&self) -> Control {
        self.control.clone()
    }

    /// Stops accepting requests and waits for the server to end (open
    /// connections finish their current request, for at most 5 s).
    /// Deliveries not yet posted are dropped.
    pub async fn stop(self) {
        self.control.disown_deliveries();
        let _ = self.shutdown.send(());
        let _ = self.task.await;
    }
}

/// Why the sandbox could not start.
#[derive(Debug)]
pub enum StartError {
    /// The registered public key is unusable.
    Key(jenga_stk::KeyError),
    /// The IPN credentials are unusable.
    IpnCredentials(jenga_stk::ValidationError),
    /// The HTTP client could not be built.
    Client(String),
    /// The address could not be bound.
    Bind(std::io::Error),
}

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StartError::Key(e) => write!(f, "the merchant public key: {e}"),
            StartError::IpnCredentials(e) => write!(f, "the IPN credentials: {e}"),
            StartError::Client(e) => write!(f, "the HTTP client: {e}"),
            StartError::Bind(e) => write!(f, "cannot listen: {e}"),
        }
    }
}

impl std::error::Error for StartError {}

/// Starts the sandbox in the current tokio runtime.
pub async fn start(config: Config) -> Result<Running, StartError> {
    let verifier = Verifier::from_pem(&config.public_key_pem).map_err(StartError::Key)?;
    let ipn_auth = IpnAuth::new(&config.ipn_username, &config.ipn_password)
        .map_err(StartError::IpnCredentials)?;
    let client = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(10))
        .build()
        .map_err(|e| StartError::Client(e.to_string()))?;
    let listener = tokio::net::TcpListener::bind(config.bind)
        .await
        .map_err(StartError::Bind)?;
    let addr = listener.local_addr().map_err(StartError::Bind)?;
    let app = Arc::new(app::App::new(config, verifier, ipn_auth, client));
    let (shutdown, stopped) = oneshot::channel::<()>();
    let control = Control::new(Arc::clone(&app));
    let router = app::router(app);
    let task = tokio::spawn(serve::serve(listener, router, stopped));
    Ok(Running {
        addr,
        control,
        shutdown,
        task,
    })
}
