//! The merchant `Token`, the token response and the thread-safe `TokenState`.

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use jenga_stk as core;
use jenga_stk::{DateTime, Limits};

use super::{AccessToken, Credentials, Environment, HttpRequest, Result};
use crate::error::http_status;
use crate::types::{HttpStatus, TokenLifetime};

/// A merchant token (its text is a secret; `toString` is redacted).
#[derive(uniffi::Object)]
#[uniffi::export(Display)]
pub struct Token(pub(crate) core::Token);

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Token(<redacted>, expiresAt={}, lifetime={})",
            self.0.expires_at(),
            self.0.lifetime().code()
        )
    }
}

#[uniffi::export]
impl Token {
    /// The bearer token.
    pub fn access_token(&self) -> Arc<AccessToken> {
        Arc::new(AccessToken(self.0.access_token().clone()))
    }

    /// The refresh token, if sent (a secret).
    pub fn refresh_token(&self) -> Option<String> {
        self.0.refresh_token().map(str::to_owned)
    }

    /// `tokenType` (`Bearer`).
    pub fn token_type(&self) -> String {
        self.0.token_type().to_owned()
    }

    /// `issuedAt`, as the provider stated it.
    pub fn issued_at(&self) -> Option<DateTime> {
        self.0.issued_at()
    }

    /// `expiresIn`, as the provider stated it, when it is a timestamp.
    pub fn provider_expires_at(&self) -> Option<DateTime> {
        self.0.provider_expires_at()
    }

    /// Where the lifetime came from: two timestamps, `expiresIn` in seconds,
    /// or assumed (the documented 15 minutes, when none was usable).
    pub fn lifetime(&self) -> TokenLifetime {
        self.0.lifetime().into()
    }

    /// When the response was received (your clock).
    pub fn received_at(&self) -> DateTime {
        self.0.received_at()
    }

    /// When to consider it expired: receipt time plus the stated lifetime.
    pub fn expires_at(&self) -> DateTime {
        self.0.expires_at()
    }
}

/// The answer to the token request.
#[derive(uniffi::Enum)]
pub enum TokenResponse {
    /// A token to use.
    Token {
        /// The token.
        token: Arc<Token>,
    },
    /// The provider refused (bad credentials), or the answer was not a token.
    Rejected {
        /// What was refused and what to do next.
        rejection: crate::types::Rejection,
    },
}

/// What the token state says to do now.
#[derive(uniffi::Enum)]
pub enum TokenAction {
    /// Use this token.
    Use {
        /// The token.
        token: Arc<AccessToken>,
    },
    /// Send this token request, then pass the answer to `onResponse`.
    Refresh {
        /// The token request.
        request: Arc<HttpRequest>,
    },
}

/// Holds the current token and decides when to refresh it (thread-safe).
#[derive(uniffi::Object)]
#[uniffi::export(Display)]
pub struct TokenState(Mutex<core::TokenState>);

impl fmt::Display for TokenState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TokenState(<redacted>)")
    }
}

impl TokenState {
    fn state(&self) -> std::sync::MutexGuard<'_, core::TokenState> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[uniffi::export]
impl TokenState {
    /// No token yet; refreshes 60 s before expiry.
    #[uniffi::constructor]
    pub fn new(environment: &Environment, credentials: &Credentials) -> Arc<Self> {
        Arc::new(TokenState(Mutex::new(core::TokenState::new(
            environment.0.clone(),
            credentials.0.clone(),
        ))))
    }

    /// No token yet; refreshes `margin` before expiry.
    #[uniffi::constructor]
    pub fn with_margin(
        environment: &Environment,
        credentials: &Credentials,
        margin: Duration,
    ) -> Arc<Self> {
        Arc::new(TokenState(Mutex::new(
            core::TokenState::new(environment.0.clone(), credentials.0.clone()).with_margin(margin),
        )))
    }

    /// Use the current token, or refresh first.
    pub fn next_action(&self, now: DateTime) -> TokenAction {
        match self.state().next_action(now) {
            core::TokenAction::Use(token) => TokenAction::Use {
                token: Arc::new(AccessToken(token)),
            },
            core::TokenAction::Refresh(request) => TokenAction::Refresh {
                request: Arc::new(HttpRequest(request)),
            },
        }
    }

    /// Stores the token from the token response received at `now`; a
    /// refusal throws `provider_rejected` with the rejection.
    pub fn on_response(
        &self,
        status: HttpStatus,
        body: Vec<u8>,
        now: DateTime,
    ) -> Result<Arc<Token>> {
        let status = http_status(status)?;
        let mut state = self.state();
        let token = state.on_response(status, &body, now, &Limits::default())?;
        Ok(Arc::new(Token(token.clone())))
    }

    /// The current token, if any.
    pub fn token(&self) -> Option<Arc<Token>> {
        self.state().token().map(|t| Arc::new(Token(t.clone())))
    }

    /// Forgets the token (after a 401).
    pub fn invalidate(&self) {
        self.state().invalidate();
    }
}
