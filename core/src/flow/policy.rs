//! How patient a payment flow is: retries, backoff with jitter, the status
//! polling schedule, timeouts and the deadline. Every figure is a setting;
//! the defaults follow what peers ship (stripe: 2 retries, 0.5 s doubling
//! backoff capped at 5 s, with jitter).

use std::time::Duration;

/// The flow's retry, polling and timeout settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Pushes sent for one payment at most, the first included (a push is
    /// only repeated when the provider refused it explicitly, or said it does
    /// not know the order). Default 2.
    pub max_pushes: u32,
    /// Retries of one token or status request after a transient failure
    /// (5xx, 429, timeout); and, after an ambiguous push, status queries that
    /// fail before the payment is reported undecided. Default 2.
    pub max_retries: u32,
    /// The first backoff; it doubles each retry. Default 500 ms.
    pub initial_backoff: Duration,
    /// The longest backoff. Default 5 s.
    pub max_backoff: Duration,
    /// After an ambiguous push (a timeout, a 5xx), the wait before asking the
    /// provider about the order, so a push still being processed is found.
    /// Default 2 s.
    pub confirm_delay: Duration,
    /// After an accepted push, the wait before the first status query (the
    /// customer needs time to type the PIN). Default 5 s.
    pub first_poll: Duration,
    /// The longest wait between status queries; the wait grows ×1.5 from
    /// `first_poll`. Default 30 s.
    pub max_poll_interval: Duration,
    /// How long the flow keeps trying, from its creation: past this instant
    /// it ends undecided (the payment may still complete: hand in the IPN,
    /// or check again later). Default 3 minutes.
    pub timeout: Duration,
    /// Each HTTP request's timeout, for the caller's client. Default 30 s.
    pub request_timeout: Duration,
    /// While another payment of the same client refreshes the token, how
    /// long to wait before looking again. Default 50 ms.
    pub token_wait: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_pushes: 2,
            max_retries: 2,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(5),
            confirm_delay: Duration::from_secs(2),
            first_poll: Duration::from_secs(5),
            max_poll_interval: Duration::from_secs(30),
            timeout: Duration::from_secs(180),
            request_timeout: Duration::from_secs(30),
            token_wait: Duration::from_millis(50),
        }
    }
}

impl RetryPolicy {
    /// Checks the policy makes sense, reporting every problem at once (field
    /// paths `policy.<field>`): at least one push; a first poll, a confirm
    /// delay and a token wait of at least a millisecond (zero would poll the
    /// provider in a tight loop); backoff and poll caps not below their
    /// starts; a positive timeout and request timeout.
    pub fn validate(&self) -> Result<(), crate::ValidationError> {
        use crate::error::{ProblemCode, Problems};
        let mut p = Problems::default();
        let ms = Duration::from_millis(1);
        if self.max_pushes == 0 {
            p.push(
                "policy.maxPushes",
                ProblemCode::InvalidOption,
                "must be at least 1",
            );
        }
        for (field, value) in [
            ("policy.confirmDelay", self.confirm_delay),
            ("policy.firstPoll", self.first_poll),
            ("policy.tokenWait", self.token_wait),
            ("policy.timeout", self.timeout),
            ("policy.requestTimeout", self.request_timeout),
        ] {
            if value < ms {
                p.push(field, ProblemCode::InvalidOption, "must be at least 1 ms");
            }
        }
        if self.max_backoff < self.initial_backoff {
            p.push(
                "policy.maxBackoff",
                ProblemCode::InvalidOption,
                "must not be shorter than initialBackoff",
            );
        }
        if self.max_poll_interval < self.first_poll {
            p.push(
                "policy.maxPollInterval",
                ProblemCode::InvalidOption,
                "must not be shorter than firstPoll",
            );
        }
        p.into_result(())
    }

    /// The wait before retry number `retry` (1 for the first): `initial ×
    /// 2^(retry−1)`, capped at `max_backoff`, then jittered to between half
    /// and all of it by `random` (so many clients do not retry in step).
    pub fn backoff(&self, retry: u32, random: u64) -> Duration {
        let doubling = 2u32.saturating_pow(retry.saturating_sub(1));
        let full = self
            .initial_backoff
            .saturating_mul(doubling)
            .min(self.max_backoff);
        let ms = u64::try_from(full.as_millis()).unwrap_or(u64::MAX);
        let half = ms / 2;
        Duration::from_millis(
            half + if half == 0 {
                0
            } else {
                random % (ms - half + 1)
            },
        )
    }

    /// The wait after status query number `polls` (0 for the first): `first_poll
    /// × 1.5^polls`, capped at `max_poll_interval`.
    pub fn poll_interval(&self, polls: u32) -> Duration {
        let mut wait = self.first_poll;
        for _ in 0..polls.min(32) {
            wait = wait.saturating_mul(3) / 2;
            if wait >= self.max_poll_interval {
                return self.max_poll_interval;
            }
        }
        wait.min(self.max_poll_interval)
    }
}

/// The next number of the seeded splitmix64 sequence in `state`: the flows'
/// only source of randomness (jitter, new payment references), saved with
/// them so a restored flow draws the same numbers.
pub(crate) fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A `Retry-After` of delta-seconds, believed from 1 s to 5 minutes (an
/// HTTP date, or anything else, is ignored).
pub(crate) fn parse_retry_after(value: &str) -> Option<Duration> {
    let seconds: u64 = value.trim().parse().ok()?;
    (1..=300)
        .contains(&seconds)
        .then(|| Duration::from_secs(seconds))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_caps_and_jitters_within_half_to_full() {
        let p = RetryPolicy::default();
        for (retry, full) in [
            (1, 500),
            (2, 1000),
            (3, 2000),
            (4, 4000),
            (5, 5000),
            (40, 5000),
        ] {
            for random in [0, 1, 7, 12_345, u64::MAX] {
                let ms = p.backoff(retry, random).as_millis();
                assert!(ms >= full / 2 && ms <= full, "retry {retry}: {ms} ms");
            }
        }
        assert_ne!(p.backoff(3, 1), p.backoff(3, 2));
        let zero = RetryPolicy {
            initial_backoff: Duration::ZERO,
            ..p
        };
        assert_eq!(zero.backoff(3, 99), Duration::ZERO);
    }

    #[test]
    fn a_policy_that_would_spin_is_refused_with_every_problem() {
        assert!(RetryPolicy::default().validate().is_ok());
        let bad = RetryPolicy {
            max_pushes: 0,
            first_poll: Duration::ZERO,
            max_backoff: Duration::from_millis(1),
            ..RetryPolicy::default()
        };
        let e = bad.validate().unwrap_err();
        let fields: Vec<&str> = e.problems().iter().map(|p| p.field.as_str()).collect();
        assert_eq!(
            fields,
            ["policy.maxPushes", "policy.firstPoll", "policy.maxBackoff"]
        );
        assert!(
            e.problems()
                .iter()
                .all(|p| p.code.as_str() == "invalid_option")
        );
    }

    #[test]
    fn polls_grow_by_half_up_to_the_cap() {
        let p = RetryPolicy::default();
        let secs: Vec<u64> = (0..8)
            .map(|n| p.poll_interval(n).as_millis() as u64)
            .collect();
        assert_eq!(secs, [5000, 7500, 11250, 16875, 25312, 30000, 30000, 30000]);
        assert_eq!(p.poll_interval(u32::MAX), p.max_poll_interval);
    }
}
