//! `SharedTokens`: one token state for every payment of a client
//! (thread-safe), so concurrent payments make a single token request.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use jenga_stk as core;
use jenga_stk::{DateTime, Limits};

use super::{AccessToken, Credentials, Environment, HttpRequest, Result, Token};
use crate::types::HttpStatus;

/// The token state shared by every payment of one client (thread-safe):
/// share one `SharedTokens` (by reference) between all the `PaymentFlow`s of
/// a client. `toString` is redacted.
#[derive(uniffi::Object)]
#[uniffi::export(Display)]
pub struct SharedTokens(pub(crate) Arc<core::SharedTokens>);

impl fmt::Display for SharedTokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "SharedTokens(environment={}, hasToken={}, <redacted>)",
            self.0.environment().base_url(),
            self.0.has_token()
        )
    }
}

/// What a caller may do about the token now (for callers making their own
/// requests with the client's token; a `PaymentFlow` does this itself).
#[derive(uniffi::Enum)]
pub enum TokenGrant {
    /// Use this token.
    Use {
        /// The token.
        token: Arc<AccessToken>,
    },
    /// Fetch a new token with this request, then report with
    /// `onRefreshResponse` or `onRefreshFailed`.
    Refresh {
        /// The token request (its body holds the consumer secret).
        request: Arc<HttpRequest>,
    },
    /// Another caller is fetching the token: look again shortly.
    Wait,
}

#[uniffi::export]
impl SharedTokens {
    /// No token yet, for these credentials in this environment.
    #[uniffi::constructor]
    pub fn new(environment: &Environment, credentials: &Credentials) -> Arc<Self> {
        Arc::new(SharedTokens(Arc::new(core::SharedTokens::for_credentials(
            environment.0.clone(),
            credentials.0.clone(),
        ))))
    }

    /// The environment the tokens (and so the payments) are for.
    pub fn environment(&self) -> Arc<Environment> {
        Arc::new(Environment(self.0.environment().clone()))
    }

    /// Whether a token is held (fresh or not).
    pub fn has_token(&self) -> bool {
        self.0.has_token()
    }

    /// For `now`: use the current token, fetch one (this caller holds the
    /// refresh for `lease`), or wait while another caller fetches it.
    pub fn grant(&self, now: DateTime, lease: Duration) -> TokenGrant {
        match self.0.grant(now, lease) {
            core::TokenGrant::Use(token) => TokenGrant::Use {
                token: Arc::new(AccessToken(token)),
            },
            core::TokenGrant::Refresh(request) => TokenGrant::Refresh {
                request: Arc::new(HttpRequest(request)),
            },
            core::TokenGrant::Wait => TokenGrant::Wait,
        }
    }

    /// The answer to the token request of a `Refresh`, received at `now`: the
    /// token is kept for everyone; a refusal (or an answer that is not a
    /// token) throws `provider_rejected` with the rejection, and the old
    /// token is dropped.
    pub fn on_refresh_response(
        &self,
        status: HttpStatus,
        body: Vec<u8>,
        now: DateTime,
    ) -> Result<Arc<Token>> {
        match self
            .0
            .on_refresh_response(status.wire(), &body, now, &Limits::default())?
        {
            core::TokenResponse::Token(token) => Ok(Arc::new(Token(token))),
            core::TokenResponse::Rejected(r) => Err(r.into()),
        }
    }

    /// The token request of a `Refresh` got no answer: another caller may fetch it now.
    pub fn on_refresh_failed(&self) {
        self.0.on_refresh_failed();
    }

    /// A call made with `used` was answered 401: forget that token, unless
    /// another caller has already replaced it.
    pub fn invalidate(&self, used: &AccessToken) {
        self.0.invalidate(&used.0);
    }
}
