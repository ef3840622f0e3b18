//! Where a token's lifetime came from (`Token.lifetime()`).

use jenga_stk as core;

/// Where a token's lifetime came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum TokenLifetime {
    /// `expiresIn − issuedAt`, both timestamps (the provider's documented form).
    Timestamps,
    /// `expiresIn` as a number of seconds.
    Seconds,
    /// No usable lifetime (missing, unreadable, not positive, or above a
    /// day): the documented 15 minutes were assumed.
    Assumed,
}

impl From<core::TokenLifetime> for TokenLifetime {
    fn from(l: core::TokenLifetime) -> Self {
        match l {
            core::TokenLifetime::Timestamps => TokenLifetime::Timestamps,
            core::TokenLifetime::Seconds => TokenLifetime::Seconds,
            core::TokenLifetime::Assumed => TokenLifetime::Assumed,
        }
    }
}
