//! Merchant authentication: the token request, the token response, and a
//! small state holder that says, for a given `now`, "use this token" or
//! "refresh first, here is the request".
//!
//! The provider's documentation gives `issuedAt` and `expiresIn` as
//! **timestamps**; peers also send `expiresIn` as a number of seconds. Both
//! are read ([`TokenLifetime`] says which was used), and the lifetime is
//! counted from the moment the response was received (the caller's `now`),
//! so a skewed local clock cannot make a token look valid for hours or
//! already expired. Only `accessToken` decides: a missing or unreadable
//! expiry falls back to the documented 15 minutes and says so, instead of
//! discarding a valid token.

use std::fmt;
use std::time::Duration;

use zeroize::Zeroizing;

use crate::error::{ParseError, ParseErrorKind, ProblemCode, Problems, ValidationError};
use crate::http::{Environment, HttpRequest, Method};
use crate::json::{self, Field, Kind, Limits, Shape, lenient};
use crate::json_writer::ObjectWriter;
use crate::response::{Endpoint, Rejection, read_answer, unreadable_answer};
use crate::time::DateTime;

/// The merchant authentication endpoint.
pub const TOKEN_PATH: &str = "/authentication/api/v3/authenticate/merchant";

/// Tokens live 15 minutes (provider documentation); used when a response
/// carries no usable lifetime.
pub const DEFAULT_TOKEN_LIFETIME: Duration = Duration::from_secs(15 * 60);

/// A bearer access token.
#[derive(Clone, PartialEq, Eq)]
pub struct AccessToken(Zeroizing<String>);

impl AccessToken {
    /// Wraps a token. It must be non-empty visible ASCII (a JWT is), so that
    /// it can never inject another header.
    pub fn new(token: impl Into<String>) -> Result<AccessToken, ValidationError> {
        let token = Zeroizing::new(token.into());
        if token.is_empty() || !token.bytes().all(|b| b.is_ascii_graphic()) {
            let mut problems = Problems::default();
            problems.push(
                "accessToken",
                ProblemCode::InvalidToken,
                "must be non-empty visible ASCII without spaces",
            );
            return Err(problems.into_error());
        }
        Ok(AccessToken(token))
    }

    /// The token text, for the `Authorization` header. Never log it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AccessToken(<redacted>)")
    }
}

/// The merchant's API credentials, from the provider's portal.
/// `Debug` shows the merchant code only; secrets are zeroized on drop.
#[derive(Clone)]
pub struct Credentials {
    api_key: Zeroizing<String>,
    merchant_code: String,
    consumer_secret: Zeroizing<String>,
}

impl Credentials {
    /// Checks that each value is non-empty visible ASCII (they go into a
    /// header and a JSON body), reporting every problem at once.
    pub fn new(
        api_key: impl Into<String>,
        merchant_code: impl Into<String>,
        consumer_secret: impl Into<String>,
    ) -> Result<Credentials, ValidationError> {
        let creds = Credentials {
            api_key: Zeroizing::new(api_key.into()),
            merchant_code: merchant_code.into(),
            consumer_secret: Zeroizing::new(consumer_secret.into()),
        };
        let mut problems = Problems::default();
        for (field, value) in [
            ("credentials.apiKey", creds.api_key.as_str()),
            ("credentials.merchantCode", creds.merchant_code.as_str()),
            ("credentials.consumerSecret", creds.consumer_secret.as_str()),
        ] {
            if value.is_empty() {
                problems.push(field, ProblemCode::Required, "is required");
            } else if !value.bytes().all(|b| b.is_ascii_graphic()) {
                problems.push(
                    field,
                    ProblemCode::ControlCharacter,
                    "must be visible ASCII without spaces or control characters",
                );
            }
        }
        problems.into_result(creds)
    }

    /// The merchant code (not secret).
    pub fn merchant_code(&self) -> &str {
        &self.merchant_code
    }

    /// The token request: `POST {base}/authentication/api/v3/authenticate/merchant`
    /// with the `Api-Key` header and `{"merchantCode","consumerSecret"}`.
    pub fn token_request(&self, environment: &Environment) -> HttpRequest {
        let mut body = Vec::with_capacity(96);
        let mut w = ObjectWriter::new(&mut body);
        w.string("merchantCode", &self.merchant_code);
        w.string("consumerSecret", &self.consumer_secret);
        w.close();
        HttpRequest::new(
            Method::Post,
            environment.url(TOKEN_PATH),
            vec![
                ("Content-Type".to_owned(), "application/json".to_owned()),
                ("Api-Key".to_owned(), self.api_key.to_string()),
            ],
            body,
        )
        .with_secret_body()
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("merchant_code", &self.merchant_code)
            .field("api_key", &"<redacted>")
            .field("consumer_secret", &"<redacted>")
            .finish()
    }
}

/// Where a token's lifetime came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenLifetime {
    /// `expiresIn − issuedAt`, both timestamps (the provider's documented form).
    Timestamps,
    /// `expiresIn` as a number of seconds (a number or a numeric string).
    Seconds,
    /// No usable lifetime (missing, unreadable, not positive, or above a
    /// day): the documented 15 minutes were assumed.
    Assumed,
}

impl TokenLifetime {
    /// The stable machine code (`timestamps`, `seconds`, `assumed`).
    pub fn code(self) -> &'static str {
        match self {
            TokenLifetime::Timestamps => "timestamps",
            TokenLifetime::Seconds => "seconds",
            TokenLifetime::Assumed => "assumed",
        }
    }
}

/// A token obtained from the provider, with the instant it stops being usable
/// on the caller's clock.
#[derive(Clone, PartialEq, Eq)]
pub struct Token {
    access_token: AccessToken,
    refresh_token: Option<Zeroizing<String>>,
    token_type: String,
    issued_at: Option<DateTime>,
    provider_expires_at: Option<DateTime>,
    lifetime: TokenLifetime,
    received_at: DateTime,
    expires_at: DateTime,
}

impl Token {
    /// The bearer token.
    pub fn access_token(&self) -> &AccessToken {
        &self.access_token
    }
    /// The refresh token, if the provider sent one (no refresh endpoint is documented).
    pub fn refresh_token(&self) -> Option<&str> {
        self.refresh_token.as_deref().map(String::as_str)
    }
    /// `tokenType`, normally `Bearer`.
    pub fn token_type(&self) -> &str {
        &self.token_type
    }
    /// `issuedAt` as the provider wrote it.
    pub fn issued_at(&self) -> Option<DateTime> {
        self.issued_at
    }
    /// `expiresIn` as the provider wrote it, when it is a timestamp.
    pub fn provider_expires_at(&self) -> Option<DateTime> {
        self.provider_expires_at
    }
    /// Where the lifetime came from; [`TokenLifetime::Assumed`] means the
    /// response gave none that could be used and 15 minutes were assumed.
    pub fn lifetime(&self) -> TokenLifetime {
        self.lifetime
    }
    /// When the response was received, on the caller's clock.
    pub fn received_at(&self) -> DateTime {
        self.received_at
    }
    /// When the token expires on the caller's clock: `received_at` plus the
    /// provider's stated lifetime.
    pub fn expires_at(&self) -> DateTime {
        self.expires_at
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Token")
            .field("access_token", &self.access_token)
            .field(
                "refresh_token",
                &self.refresh_token.as_ref().map(|_| "<redacted>"),
            )
            .field("token_type", &self.token_type)
            .field("issued_at", &self.issued_at)
            .field("provider_expires_at", &self.provider_expires_at)
            .field("lifetime", &self.lifetime)
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// The token response body: `accessToken` decides; the rest are side fields.
static TOKEN_BODY: Shape = Shape::new(
    "TokenBody",
    &[
        Field::required("accessToken", Kind::Text),
        Field::optional("refreshToken", Kind::OptRaw),
        Field::optional("expiresIn", Kind::OptRaw),
        Field::optional("issuedAt", Kind::OptRaw),
        Field::optional("tokenType", Kind::OptRaw),
    ],
);

/// The outcome of a token request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TokenResponse {
    /// A token to use.
    Token(Token),
    /// The provider refused (bad credentials: 401), or answered something
    /// unreadable, with what to do next.
    Rejected(Rejection),
}

/// The longest lifetime believed: a day. Anything longer is a malformed
/// response, which must not make a token live forever.
const MAX_LIFETIME_MS: i64 = 86_400_000;

/// The lifetime a response states, and how it states it.
fn stated_lifetime(
    issued_at: Option<DateTime>,
    expires_in: Option<&str>,
) -> Option<(Duration, TokenLifetime)> {
    let text = expires_in?.trim();
    let (ms, source) = if let Some(expires_at) = DateTime::parse_rfc3339(text) {
        let ms = expires_at
            .unix_millis()
            .saturating_sub(issued_at?.unix_millis());
        (ms, TokenLifetime::Timestamps)
    } else if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        let seconds: i64 = text.parse().ok()?;
        (seconds.saturating_mul(1000), TokenLifetime::Seconds)
    } else {
        return None;
    };
    (1..=MAX_LIFETIME_MS)
        .contains(&ms)
        .then(|| (Duration::from_millis(ms.unsigned_abs()), source))
}

/// Parses the token response received at `now`.
///
/// Only `accessToken` decides: it must be non-empty visible ASCII. `expiresIn`
/// may be a timestamp (with `issuedAt`, as documented) or a number of
/// seconds (a number or numeric string); a missing, unreadable, non-positive
/// or longer-than-a-day lifetime gives the documented 15 minutes, and
/// [`Token::lifetime`] says [`TokenLifetime::Assumed`]. A non-2xx answer, or
/// one that is not JSON, is a [`TokenResponse::Rejected`].
pub fn parse_token_response(
    status: u16,
    body: &[u8],
    now: DateTime,
    limits: &Limits,
) -> Result<TokenResponse, ParseError> {
    if !(200..300).contains(&status) {
        return Ok(TokenResponse::Rejected(
            match read_answer(Endpoint::Token, status, body, limits) {
                Ok(envelope) => envelope.rejection(Endpoint::Token, status),
                Err(rejection) => rejection,
            },
        ));
    }
    let mut parsed = match json::parse(body, limits, &TOKEN_BODY) {
        Ok(parsed) => parsed,
        // Not a JSON object at all (an HTML page, an empty body): an answer
        // to classify, not a token with a bad field.
        Err(e) if e.field().is_none() => {
            return Ok(TokenResponse::Rejected(unreadable_answer(
                Endpoint::Token,
                status,
                body,
            )));
        }
        // No token, but the provider's envelope with a refusal or a code
        // (`{"status":false,"code":401,…}` with HTTP 200): classify it.
        Err(e) if e.kind() == ParseErrorKind::MissingField => {
            if let Ok(envelope) = read_answer(Endpoint::Token, status, body, limits)
                && (envelope.status() == Some(false) || envelope.code.is_some())
            {
                return Ok(TokenResponse::Rejected(
                    envelope.rejection(Endpoint::Token, status),
                ));
            }
            return Err(e);
        }
        Err(e) => return Err(e),
    };
    let access_token =
        AccessToken::new(parsed.text("accessToken").unwrap_or_default()).map_err(|_| {
            ParseError::new(
                ParseErrorKind::InvalidField,
                Some("accessToken".into()),
                "must be non-empty visible ASCII",
            )
        })?;
    let stamp = |text: Option<&String>| text.and_then(|t| DateTime::parse_rfc3339(t.trim()));
    let issued_text = lenient::text(parsed.raw("issuedAt"));
    let expires_text = lenient::text(parsed.raw("expiresIn"));
    let issued_at = stamp(issued_text.as_ref());
    let provider_expires_at = stamp(expires_text.as_ref());
    let (lifetime, source) = stated_lifetime(issued_at, expires_text.as_deref())
        .unwrap_or((DEFAULT_TOKEN_LIFETIME, TokenLifetime::Assumed));
    Ok(TokenResponse::Token(Token {
        access_token,
        refresh_token: lenient::text(parsed.raw("refreshToken")).map(Zeroizing::new),
        token_type: lenient::text(parsed.raw("tokenType")).unwrap_or_else(|| "Bearer".to_owned()),
        issued_at,
        provider_expires_at,
        lifetime: source,
        received_at: now,
        expires_at: now.plus(lifetime),
    }))
}

/// What to do before the next API call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TokenAction {
    /// Use this token.
    Use(AccessToken),
    /// Send this token request first, then pass the response to
    /// [`TokenState::on_response`].
    Refresh(HttpRequest),
}

/// Holds the current token and decides when to refresh it.
///
/// ```
/// use jenga_stk::{Credentials, DateTime, Environment, Limits, TokenAction, TokenState};
///
/// let creds = Credentials::new("api-key", "4445776666", "consumer-secret")?;
/// let mut state = TokenState::new(Environment::Uat, creds);
/// let now = DateTime::from_unix_millis(1_700_000_000_000);
/// let TokenAction::Refresh(request) = state.next_action(now) else { unreachable!() };
/// assert!(request.url.ends_with("/authentication/api/v3/authenticate/merchant"));
/// // … send `request`, then:
/// let body = br#"{"accessToken":"eyJ.a.b","expiresIn":"2023-11-14T22:28:20Z","issuedAt":"2023-11-14T22:13:20Z","tokenType":"Bearer"}"#;
/// state.on_response(200, body, now, &Limits::default())?;
/// assert!(matches!(state.next_action(now), TokenAction::Use(_)));
/// # Ok::<(), jenga_stk::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct TokenState {
    environment: Environment,
    credentials: Credentials,
    margin: Duration,
    current: Option<Token>,
}

impl TokenState {
    /// The default refresh margin: a token is refreshed 60 s before it expires.
    pub const DEFAULT_MARGIN: Duration = Duration::from_secs(60);

    /// A state with no token yet and the default margin.
    pub fn new(environment: Environment, credentials: Credentials) -> TokenState {
        TokenState {
            environment,
            credentials,
            margin: Self::DEFAULT_MARGIN,
            current: None,
        }
    }

    /// Refreshes `margin` before expiry instead of 60 s.
    pub fn with_margin(mut self, margin: Duration) -> TokenState {
        self.margin = margin;
        self
    }

    /// The environment the token requests go to.
    pub fn environment(&self) -> &Environment {
        &self.environment
    }

    /// Keeps the outcome of a token request parsed elsewhere: a token is
    /// stored, a rejection drops the old one.
    pub(crate) fn accept(&mut self, response: &TokenResponse) {
        self.current = match response {
            TokenResponse::Token(token) => Some(token.clone()),
            TokenResponse::Rejected(_) => None,
        };
    }

    /// The current token, if any (whether or not it is still fresh).
    pub fn token(&self) -> Option<&Token> {
        self.current.as_ref()
    }

    /// For `now`: use the current token, or refresh first.
    pub fn next_action(&self, now: DateTime) -> TokenAction {
        match &self.current {
            Some(t) if now.unix_millis() < t.expires_at.minus(self.margin).unix_millis() => {
                TokenAction::Use(t.access_token.clone())
            }
            _ => TokenAction::Refresh(self.credentials.token_request(&self.environment)),
        }
    }

    /// Takes the token response (received at `now`). On success the new token
    /// is kept; on a rejection the old token is dropped and the rejection returned.
    pub fn on_response(
        &mut self,
        status: u16,
        body: &[u8],
        now: DateTime,
        limits: &Limits,
    ) -> Result<&Token, crate::Error> {
        match parse_token_response(status, body, now, limits)? {
            TokenResponse::Token(token) => Ok(self.current.insert(token)),
            TokenResponse::Rejected(rejection) => {
                self.current = None;
                Err(crate::Error::Rejected(rejection))
            }
        }
    }

    /// Forgets the token, for example after an API call answered 401.
    pub fn invalidate(&mut self) {
        self.current = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_header_injection_and_hides_itself() {
        assert!(AccessToken::new("").is_err());
        assert!(AccessToken::new("a\r\nX-Evil: 1").is_err());
        assert!(AccessToken::new("a b").is_err());
        let t = AccessToken::new("eyJhbGciOi.s3cr3t").unwrap();
        assert_eq!(format!("{t:?}"), "AccessToken(<redacted>)");
        assert_eq!(t.expose(), "eyJhbGciOi.s3cr3t");
    }

    #[test]
    fn credentials_hide_secrets_and_build_the_request() {
        let c = Credentials::new("k3y", "4445776666", "s3cr3t").unwrap();
        let text = format!("{c:?}");
        assert!(!text.contains("k3y") && !text.contains("s3cr3t"), "{text}");
        let r = c.token_request(&Environment::Uat);
        assert_eq!(
            r.url,
            "https://uat.finserve.africa/authentication/api/v3/authenticate/merchant"
        );
        assert_eq!(r.header("Api-Key"), Some("k3y"));
        assert_eq!(
            r.body,
            br#"{"merchantCode":"4445776666","consumerSecret":"s3cr3t"}"#
        );
        assert!(!format!("{r:?}").contains("k3y"));
        assert!(!format!("{r:?}").contains("s3cr3t"));
        assert!(!r.to_redacted_string().contains("s3cr3t"));
        assert!(r.body_is_secret());
        let e = Credentials::new("", "m", "a b").unwrap_err();
        assert_eq!(e.problems().len(), 2);
    }
}
