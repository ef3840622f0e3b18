//! Where requests go (`Environment`), the merchant's `Credentials` and the
//! bearer `AccessToken`: objects, so their `toString` is redacted.

use std::fmt;
use std::sync::Arc;

use jenga_stk as core;

use super::{HttpRequest, Result};

/// Where requests go: UAT, live, or a custom https base URL (the sandbox).
#[derive(Debug, uniffi::Object)]
#[uniffi::export(Display)]
pub struct Environment(pub(crate) core::Environment);

impl fmt::Display for Environment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Environment({})", self.0.base_url())
    }
}

#[uniffi::export]
impl Environment {
    /// `uat`, `live`, or a base URL (https, or http on loopback).
    #[uniffi::constructor]
    pub fn new(text: String) -> Result<Arc<Self>> {
        Ok(Arc::new(Environment(core::Environment::parse(&text)?)))
    }

    /// `https://uat.finserve.africa`.
    #[uniffi::constructor]
    pub fn uat() -> Arc<Self> {
        Arc::new(Environment(core::Environment::Uat))
    }

    /// `https://api.finserve.africa`.
    #[uniffi::constructor]
    pub fn live() -> Arc<Self> {
        Arc::new(Environment(core::Environment::Live))
    }

    /// The base URL.
    pub fn base_url(&self) -> String {
        self.0.base_url().to_owned()
    }
}

/// A bearer token. Its `toString` is redacted; `expose()` gives the text.
#[derive(uniffi::Object)]
#[uniffi::export(Display)]
pub struct AccessToken(pub(crate) core::AccessToken);

impl fmt::Display for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AccessToken(<redacted>)")
    }
}

#[uniffi::export]
impl AccessToken {
    /// Wraps a token: non-empty visible ASCII (`invalid_token` otherwise).
    #[uniffi::constructor]
    pub fn new(token: String) -> Result<Arc<Self>> {
        Ok(Arc::new(AccessToken(core::AccessToken::new(token)?)))
    }

    /// The token text, to send (never to log).
    pub fn expose(&self) -> String {
        self.0.expose().to_owned()
    }
}

/// The merchant's API key, merchant code and consumer secret.
#[derive(uniffi::Object)]
#[uniffi::export(Display)]
pub struct Credentials(pub(crate) core::Credentials);

impl fmt::Display for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Credentials(merchantCode={}, <secrets redacted>)",
            self.0.merchant_code()
        )
    }
}

#[uniffi::export]
impl Credentials {
    /// Each value must be non-empty visible ASCII; every problem is reported at once.
    #[uniffi::constructor]
    pub fn new(
        api_key: String,
        merchant_code: String,
        consumer_secret: String,
    ) -> Result<Arc<Self>> {
        Ok(Arc::new(Credentials(core::Credentials::new(
            api_key,
            merchant_code,
            consumer_secret,
        )?)))
    }

    /// The merchant code (not a secret).
    pub fn merchant_code(&self) -> String {
        self.0.merchant_code().to_owned()
    }

    /// The token request (its body holds the consumer secret).
    pub fn token_request(&self, environment: &Environment) -> Arc<HttpRequest> {
        Arc::new(HttpRequest(self.0.token_request(&environment.0)))
    }
}
