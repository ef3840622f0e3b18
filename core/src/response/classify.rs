//! The one table that turns an endpoint, an HTTP status and the provider's
//! code into a [`RejectionKind`] and a [`NextAction`].
//!
//! The provider's own code wins over the HTTP status (its 106401 comes with
//! HTTP 401 but is no token problem). On the push endpoint, anything that
//! leaves open whether the prompt reached the phone (a 5xx, an unknown code,
//! a 2xx that is neither clearly accepted nor clearly refused, a duplicate
//! reference) is [`NextAction::CheckStatusFirst`], never a blind retry.

use super::{Endpoint, NextAction, RejectionKind};

/// What the answer says beyond its status and code.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Signals {
    /// The body's `status` is `false`: an explicit refusal.
    pub(crate) refused: bool,
    /// The message says the reference was used before.
    pub(crate) duplicate: bool,
}

impl Signals {
    pub(crate) fn from_message(refused: bool, message: Option<&str>) -> Signals {
        let duplicate = message.is_some_and(|m| {
            let m = m.to_ascii_lowercase();
            m.contains("duplicate")
                || m.contains("already exist")
                || m.contains("already been used")
        });
        Signals { refused, duplicate }
    }
}

/// Decides kind and action for an answer that is not an acceptance.
pub(crate) fn classify(
    endpoint: Endpoint,
    http_status: u16,
    code: Option<&str>,
    signals: Signals,
) -> (RejectionKind, NextAction) {
    use NextAction::*;
    use RejectionKind::*;
    let (kind, action) = match code.and_then(|c| by_code(endpoint, c, signals)) {
        Some(decided) => decided,
        None => by_status(endpoint, http_status, signals),
    };
    // On the push, an answer this table does not understand may hide an
    // accepted push: ask the provider before doing anything else.
    if endpoint == Endpoint::Init && kind == Unknown {
        return (Unknown, CheckStatusFirst);
    }
    (kind, action)
}

fn by_code(
    endpoint: Endpoint,
    code: &str,
    signals: Signals,
) -> Option<(RejectionKind, NextAction)> {
    use NextAction::*;
    use RejectionKind::*;
    Some(match code {
        "106401" => (TelcoNotAuthorized, DoNotRetry),
        "106201" => (PushFailed, RetryWithBackoff),
        "106500" | "106501" => (ServiceError, server_error_action(endpoint)),
        "111102" => (TransactionNotFound, DoNotRetry),
        "111101" => (InvalidRequest, DoNotRetry),
        "400" | "401" | "403" | "404" | "408" | "429" => {
            let status = code.parse().unwrap_or_default();
            return Some(by_status(endpoint, status, signals));
        }
        _ => return None,
    })
}

fn by_status(
    endpoint: Endpoint,
    http_status: u16,
    signals: Signals,
) -> (RejectionKind, NextAction) {
    use NextAction::*;
    use RejectionKind::*;
    match http_status {
        400 if signals.duplicate => (DuplicateReference, duplicate_action(endpoint)),
        400 => (InvalidRequest, DoNotRetry),
        401 => (Unauthorized, unauthorized_action(endpoint)),
        // The token request carries no signature: a 403 there is about the credentials.
        403 if endpoint == Endpoint::Token => (Unauthorized, DoNotRetry),
        403 => (InvalidSignature, FixSignature),
        404 => (NotFound, DoNotRetry),
        429 => (RateLimited, RetryWithBackoff),
        408 | 500..=599 => (ServerError, server_error_action(endpoint)),
        // A 2xx that is an explicit refusal (`status: false`) with a code we
        // do not know: nothing to retry automatically.
        200..=299 if signals.refused => (Unknown, DoNotRetry),
        // A 2xx that neither accepts nor refuses: harmless to ask again on
        // the token and status endpoints (the push is handled above).
        200..=299 => (Unknown, RetryWithBackoff),
        _ => (Unknown, DoNotRetry),
    }
}

fn server_error_action(endpoint: Endpoint) -> NextAction {
    match endpoint {
        Endpoint::Init => NextAction::CheckStatusFirst,
        Endpoint::Token | Endpoint::Status => NextAction::RetryWithBackoff,
    }
}

fn unauthorized_action(endpoint: Endpoint) -> NextAction {
    match endpoint {
        // Bad merchant credentials: a new token cannot help.
        Endpoint::Token => NextAction::DoNotRetry,
        Endpoint::Init | Endpoint::Status => NextAction::RefreshTokenAndRetry,
    }
}

fn duplicate_action(endpoint: Endpoint) -> NextAction {
    match endpoint {
        // The reference was used: perhaps by an earlier push of this very
        // order whose answer was lost. Its payment must not be lost.
        Endpoint::Init => NextAction::CheckStatusFirst,
        Endpoint::Token | Endpoint::Status => NextAction::DoNotRetry,
    }
}

/// The action for an answer whose body could not be read at all.
pub(crate) fn unreadable(endpoint: Endpoint, http_status: u16) -> (RejectionKind, NextAction) {
    if (200..300).contains(&http_status) {
        let action = match endpoint {
            Endpoint::Init => NextAction::CheckStatusFirst,
            Endpoint::Token | Endpoint::Status => NextAction::RetryWithBackoff,
        };
        (RejectionKind::InvalidResponse, action)
    } else {
        classify(endpoint, http_status, None, Signals::default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_push_never_retries_blindly_after_an_ambiguous_answer() {
        for status in [408, 500, 502, 503, 504, 599] {
            assert_eq!(
                classify(Endpoint::Init, status, None, Signals::default()).1,
                NextAction::CheckStatusFirst,
                "{status}"
            );
            assert_eq!(
                classify(Endpoint::Status, status, None, Signals::default()).1,
                NextAction::RetryWithBackoff,
                "{status}"
            );
        }
        for status in [200, 201, 302, 405, 409, 418] {
            assert_eq!(
                classify(Endpoint::Init, status, Some("777"), Signals::default()).1,
                NextAction::CheckStatusFirst,
                "{status}"
            );
        }
        // An explicit, documented failure to push is safe to retry.
        assert_eq!(
            classify(Endpoint::Init, 200, Some("106201"), Signals::default()),
            (RejectionKind::PushFailed, NextAction::RetryWithBackoff)
        );
        assert_eq!(
            classify(Endpoint::Init, 429, None, Signals::default()),
            (RejectionKind::RateLimited, NextAction::RetryWithBackoff)
        );
    }

    #[test]
    fn codes_win_over_statuses() {
        assert_eq!(
            classify(Endpoint::Init, 401, Some("106401"), Signals::default()).0,
            RejectionKind::TelcoNotAuthorized
        );
        assert_eq!(
            classify(Endpoint::Init, 200, Some("401"), Signals::default()),
            (
                RejectionKind::Unauthorized,
                NextAction::RefreshTokenAndRetry
            )
        );
        assert_eq!(
            classify(Endpoint::Token, 401, Some("401"), Signals::default()),
            (RejectionKind::Unauthorized, NextAction::DoNotRetry)
        );
    }
}
