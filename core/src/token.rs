//! Access tokens: the bearer token sent with every API call, kept out of
//! logs (`Debug` is redacted) and zeroized when dropped.

use std::fmt;

use zeroize::Zeroizing;

use crate::error::{ProblemCode, Problems, ValidationError};

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
}
