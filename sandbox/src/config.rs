//! Sandbox configuration: defaults, then a TOML file, then environment
//! variables and flags (each `--flag` also reads `JENGA_SANDBOX_FLAG`).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;
use serde::Deserialize;

pub use crate::signature::SignatureAmount;

/// The documented test credentials the sandbox accepts by default.
pub const DEFAULT_API_KEY: &str = "sandbox-api-key";
/// Default merchant code.
pub const DEFAULT_MERCHANT_CODE: &str = "0000000000";
/// Default consumer secret.
pub const DEFAULT_CONSUMER_SECRET: &str = "sandbox-consumer-secret";

/// Everything the sandbox needs, resolved.
#[derive(Clone, Debug)]
pub struct Config {
    /// Where to listen; port 0 picks a free port.
    pub bind: SocketAddr,
    /// The `Api-Key` header the token endpoint expects.
    pub api_key: String,
    /// The merchant code the token endpoint expects.
    pub merchant_code: String,
    /// The consumer secret the token endpoint expects.
    pub consumer_secret: String,
    /// The merchant's registered public key (PEM text).
    pub public_key_pem: String,
    /// Where IPNs go (none: no IPN is sent).
    pub ipn_url: Option<String>,
    /// IPN Basic-auth username.
    pub ipn_username: String,
    /// IPN Basic-auth password.
    pub ipn_password: String,
    /// Whether failed payments get an IPN too (the provider's default).
    pub send_failed_ipns: bool,
    /// Delay between the init and the callback (the customer "typing the PIN").
    pub callback_delay: Duration,
    /// Delay between the callback and the IPN.
    pub ipn_delay: Duration,
    /// Attempts per delivery (the first included) on non-2xx or no answer.
    pub delivery_attempts: u32,
    /// Delay before the first retry; doubles each time.
    pub retry_delay: Duration,
    /// Token lifetime (the provider's is 15 minutes).
    pub token_lifetime: Duration,
    /// Whether callbacks and IPNs may go to non-loopback hosts.
    pub allow_remote_callbacks: bool,
    /// Which text of the amount the signature is checked over.
    pub signature_amount: SignatureAmount,
}

impl Config {
    /// A configuration with defaults and the given registered public key.
    pub fn with_public_key(public_key_pem: impl Into<String>) -> Config {
        Config {
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            api_key: DEFAULT_API_KEY.into(),
            merchant_code: DEFAULT_MERCHANT_CODE.into(),
            consumer_secret: DEFAULT_CONSUMER_SECRET.into(),
            public_key_pem: public_key_pem.into(),
            ipn_url: None,
            ipn_username: "sandbox-ipn".into(),
            ipn_password: "sandbox-ipn-password".into(),
            send_failed_ipns: true,
            callback_delay: Duration::from_millis(300),
            ipn_delay: Duration::from_millis(300),
            delivery_attempts: 3,
            retry_delay: Duration::from_millis(200),
            token_lifetime: Duration::from_secs(15 * 60),
            allow_remote_callbacks: false,
            signature_amount: SignatureAmount::AsSent,
        }
    }
}

/// The TOML file's shape: every key optional, named as the flags with `_`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    bind: Option<SocketAddr>,
    api_key: Option<String>,
    merchant_code: Option<String>,
    consumer_secret: Option<String>,
    public_key: Option<PathBuf>,
    ipn_url: Option<String>,
    ipn_username: Option<String>,
    ipn_password: Option<String>,
    send_failed_ipns: Option<bool>,
    callback_delay_ms: Option<u64>,
    ipn_delay_ms: Option<u64>,
    delivery_attempts: Option<u32>,
    retry_delay_ms: Option<u64>,
    token_lifetime_secs: Option<u64>,
    allow_remote_callbacks: Option<bool>,
    signature_amount: Option<SignatureAmount>,
}

/// A local stand-in for the Jenga M-Pesa STK push API.
///
/// Prints the base URL it listens on as the first line of standard output.
#[derive(Debug, Parser)]
#[command(name = "jenga-sandbox", version, about)]
pub struct Args {
    /// A TOML file with any of the settings below (flags and environment win).
    #[arg(long, env = "JENGA_SANDBOX_CONFIG")]
    pub config: Option<PathBuf>,
    /// Address to listen on; port 0 picks a free port [default: 127.0.0.1:0].
    #[arg(long, env = "JENGA_SANDBOX_BIND")]
    pub bind: Option<SocketAddr>,
    /// The merchant's Api-Key [default: sandbox-api-key].
    #[arg(long, env = "JENGA_SANDBOX_API_KEY")]
    pub api_key: Option<String>,
    /// The merchant code [default: 0000000000].
    #[arg(long, env = "JENGA_SANDBOX_MERCHANT_CODE")]
    pub merchant_code: Option<String>,
    /// The consumer secret [default: sandbox-consumer-secret].
    #[arg(long, env = "JENGA_SANDBOX_CONSUMER_SECRET")]
    pub consumer_secret: Option<String>,
    /// The merchant's registered public key (PEM file). Required.
    #[arg(long, env = "JENGA_SANDBOX_PUBLIC_KEY")]
    pub public_key: Option<PathBuf>,
    /// Where to send IPNs (none: no IPN).
    #[arg(long, env = "JENGA_SANDBOX_IPN_URL")]
    pub ipn_url: Option<String>,
    /// IPN Basic-auth username [default: sandbox-ipn].
    #[arg(long, env = "JENGA_SANDBOX_IPN_USERNAME")]
    pub ipn_username: Option<String>,
    /// IPN Basic-auth password [default: sandbox-ipn-password].
    #[arg(long, env = "JENGA_SANDBOX_IPN_PASSWORD")]
    pub ipn_password: Option<String>,
    /// Send IPNs for failed payments too [default: true].
    #[arg(long, env = "JENGA_SANDBOX_SEND_FAILED_IPNS")]
    pub send_failed_ipns: Option<bool>,
    /// Milliseconds between init and callback [default: 300].
    #[arg(long, env = "JENGA_SANDBOX_CALLBACK_DELAY_MS")]
    pub callback_delay_ms: Option<u64>,
    /// Milliseconds between callback and IPN [default: 300].
    #[arg(long, env = "JENGA_SANDBOX_IPN_DELAY_MS")]
    pub ipn_delay_ms: Option<u64>,
    /// Attempts per delivery on non-2xx [default: 3].
    #[arg(long, env = "JENGA_SANDBOX_DELIVERY_ATTEMPTS")]
    pub delivery_attempts: Option<u32>,
    /// Milliseconds before the first retry, doubling [default: 200].
    #[arg(long, env = "JENGA_SANDBOX_RETRY_DELAY_MS")]
    pub retry_delay_ms: Option<u64>,
    /// Token lifetime in seconds [default: 900].
    #[arg(long, env = "JENGA_SANDBOX_TOKEN_LIFETIME_SECS")]
    pub token_lifetime_secs: Option<u64>,
    /// Allow callbacks and IPNs to non-loopback hosts.
    #[arg(long, env = "JENGA_SANDBOX_ALLOW_REMOTE_CALLBACKS")]
    pub allow_remote_callbacks: bool,
    /// Which text of payment.details.paymentAmount the signature is checked
    /// over: as written in the body, re-written with two decimals, or as a
    /// whole number [default: as-sent].
    #[arg(long, env = "JENGA_SANDBOX_SIGNATURE_AMOUNT", value_enum)]
    pub signature_amount: Option<SignatureAmount>,
}

impl Args {
    /// Resolves defaults, the TOML file and these arguments into a [`Config`].
    pub fn resolve(self) -> Result<Config, String> {
        let file: FileConfig = match &self.config {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
                toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?
            }
            None => FileConfig::default(),
        };
        let key_path = self
            .public_key
            .or(file.public_key)
            .ok_or("the merchant's public key is required: --public-key public.pem")?;
        let pem = std::fs::read_to_string(&key_path)
            .map_err(|e| format!("cannot read {}: {e}", key_path.display()))?;
        let mut c = Config::with_public_key(pem);
        let ms = Duration::from_millis;
        c.bind = self.bind.or(file.bind).unwrap_or(c.bind);
        c.api_key = self.api_key.or(file.api_key).unwrap_or(c.api_key);
        c.merchant_code = self
            .merchant_code
            .or(file.merchant_code)
            .unwrap_or(c.merchant_code);
        c.consumer_secret = self
            .consumer_secret
            .or(file.consumer_secret)
            .unwrap_or(c.consumer_secret);
        c.ipn_url = self.ipn_url.or(file.ipn_url);
        c.ipn_username = self
            .ipn_username
            .or(file.ipn_username)
            .unwrap_or(c.ipn_username);
        c.ipn_password = self
            .ipn_password
            .or(file.ipn_password)
            .unwrap_or(c.ipn_password);
        c.send_failed_ipns = self
            .send_failed_ipns
            .or(file.send_failed_ipns)
            .unwrap_or(c.send_failed_ipns);
        c.callback_delay = self
            .callback_delay_ms
            .or(file.callback_delay_ms)
            .map_or(c.callback_delay, ms);
        c.ipn_delay = self
            .ipn_delay_ms
            .or(file.ipn_delay_ms)
            .map_or(c.ipn_delay, ms);
        c.delivery_attempts = self
            .delivery_attempts
            .or(file.delivery_attempts)
            .unwrap_or(c.delivery_attempts)
            .max(1);
        c.retry_delay = self
            .retry_delay_ms
            .or(file.retry_delay_ms)
            .map_or(c.retry_delay, ms);
        c.token_lifetime = self
            .token_lifetime_secs
            .or(file.token_lifetime_secs)
            .map_or(c.token_lifetime, Duration::from_secs);
        c.allow_remote_callbacks =
            self.allow_remote_callbacks || file.allow_remote_callbacks.unwrap_or(false);
        c.signature_amount = self
            .signature_amount
            .or(file.signature_amount)
            .unwrap_or(c.signature_amount);
        Ok(c)
    }
}
