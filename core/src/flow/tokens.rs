//! One token for every payment of a client: [`SharedTokens`] wraps the
//! [`TokenState`] so that concurrent payments make a single token request.
//! The first payment that needs a token is told to fetch it; the others are
//! told to wait a moment while it does, then use it. A refresh whose payment
//! never reports back (its process died) expires after a lease.

use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use crate::error::ParseError;
use crate::http::{Environment, HttpRequest};
use crate::json::Limits;
use crate::time::DateTime;
use crate::token::{AccessToken, Credentials, TokenAction, TokenResponse, TokenState};

/// What a payment may do about the token now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TokenGrant {
    /// Use this token.
    Use(AccessToken),
    /// Fetch a new token with this request, then report with
    /// [`SharedTokens::on_refresh_response`] or [`SharedTokens::on_refresh_failed`].
    Refresh(HttpRequest),
    /// Another payment is fetching the token: look again shortly.
    Wait,
}

struct Inner {
    state: TokenState,
    /// Set while one payment fetches the token; past it, another may.
    refreshing_until: Option<DateTime>,
}

/// The token state shared by every payment of one client (thread-safe).
pub struct SharedTokens {
    environment: Environment,
    inner: Mutex<Inner>,
}

impl SharedTokens {
    /// Shares `state`.
    pub fn new(state: TokenState) -> SharedTokens {
        SharedTokens {
            environment: state.environment().clone(),
            inner: Mutex::new(Inner {
                state,
                refreshing_until: None,
            }),
        }
    }

    /// A fresh state for `credentials` in `environment`.
    pub fn for_credentials(environment: Environment, credentials: Credentials) -> SharedTokens {
        SharedTokens::new(TokenState::new(environment, credentials))
    }

    /// The provider environment the tokens (and so the payments) are for.
    pub fn environment(&self) -> &Environment {
        &self.environment
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding the lock cannot leave the state half-written
        // (every update is one assignment), so a poisoned lock is recovered.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// For `now`: use the current token, fetch one (this caller holds the
    /// refresh for `lease`), or wait while another caller fetches it.
    pub fn grant(&self, now: DateTime, lease: Duration) -> TokenGrant {
        let mut inner = self.lock();
        match inner.state.next_action(now) {
            TokenAction::Use(token) => TokenGrant::Use(token),
            TokenAction::Refresh(request) => match inner.refreshing_until {
                Some(until) if now.unix_millis() < until.unix_millis() => TokenGrant::Wait,
                _ => {
                    inner.refreshing_until = Some(now.plus(lease));
                    TokenGrant::Refresh(request)
                }
            },
        }
    }

    /// The answer to the token request of a [`TokenGrant::Refresh`]: a token
    /// is kept for everyone; a rejection drops the old token.
    pub fn on_refresh_response(
        &self,
        status: u16,
        body: &[u8],
        now: DateTime,
        limits: &Limits,
    ) -> Result<TokenResponse, ParseError> {
        let mut inner = self.lock();
        inner.refreshing_until = None;
        let response = crate::token::parse_token_response(status, body, now, limits)?;
        inner.state.accept(&response);
        Ok(response)
    }

    /// The token request of a [`TokenGrant::Refresh`] got no answer: another
    /// caller may fetch it now.
    pub fn on_refresh_failed(&self) {
        self.lock().refreshing_until = None;
    }

    /// A call made with `used` was answered 401: forget the token, unless
    /// another caller has already replaced it.
    pub fn invalidate(&self, used: &AccessToken) {
        let mut inner = self.lock();
        if inner
            .state
            .token()
            .is_some_and(|t| t.access_token() == used)
        {
            inner.state.invalidate();
        }
    }

    /// Whether a token is held (whether or not it is still fresh).
    pub fn has_token(&self) -> bool {
        self.lock().state.token().is_some()
    }
}

impl std::fmt::Debug for SharedTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let inner = self.lock();
        f.debug_struct("SharedTokens")
            .field("environment", &self.environment)
            .field("has_token", &inner.state.token().is_some())
            .field("refreshing_until", &inner.refreshing_until)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens() -> SharedTokens {
        SharedTokens::for_credentials(Environment::Uat, Credentials::new("k", "m", "s").unwrap())
    }

    const BODY: &[u8] = br#"{"accessToken":"eyJ.a.b","expiresIn":900}"#;

    #[test]
    fn one_refresh_at_a_time_then_everyone_uses_it() {
        let t = tokens();
        let now = DateTime::from_unix_millis(1_700_000_000_000);
        let lease = Duration::from_secs(30);
        assert!(matches!(t.grant(now, lease), TokenGrant::Refresh(_)));
        for _ in 0..5 {
            assert_eq!(t.grant(now, lease), TokenGrant::Wait);
        }
        t.on_refresh_response(200, BODY, now, &Limits::default())
            .unwrap();
        let TokenGrant::Use(token) = t.grant(now, lease) else {
            panic!("no token")
        };
        // A 401 with an older token does not drop the current one.
        t.invalidate(&AccessToken::new("old").unwrap());
        assert!(t.has_token());
        t.invalidate(&token);
        assert!(!t.has_token());
    }

    #[test]
    fn a_lost_refresh_expires_and_a_failed_one_frees_the_lease() {
        let t = tokens();
        let now = DateTime::from_unix_millis(1_700_000_000_000);
        let lease = Duration::from_secs(30);
        assert!(matches!(t.grant(now, lease), TokenGrant::Refresh(_)));
        assert_eq!(
            t.grant(now.plus(Duration::from_secs(29)), lease),
            TokenGrant::Wait
        );
        assert!(matches!(
            t.grant(now.plus(Duration::from_secs(30)), lease),
            TokenGrant::Refresh(_)
        ));
        t.on_refresh_failed();
        assert!(matches!(t.grant(now, lease), TokenGrant::Refresh(_)));
        assert!(!format!("{t:?}").contains("eyJ"));
    }
}
