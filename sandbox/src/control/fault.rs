//! Faults a test can make the sandbox commit on purpose: which endpoint, what
//! it does instead of (or besides) answering, how many calls. The same types
//! serve the Rust API and, through [`FaultWire`], the HTTP control API.

use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// An endpoint of the provider's API that can misbehave.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Endpoint {
    /// `POST /authentication/api/v3/authenticate/merchant`.
    Token,
    /// `POST /api-checkout/mpesa-stk-push/v3.0/init`.
    Init,
    /// `GET /api-checkout/mpesa-stk-push/v3.0/status/order/{orderReference}`.
    Status,
}

/// What a faulty call does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// 401 in the provider's shape. On init and status the token presented
    /// is revoked too (it "expired early"): retrying with it gets 401 again.
    /// On the token endpoint: refused credentials, no token issued.
    Unauthorized,
    /// A 5xx with an nginx-style HTML page (`text/html`), as a gateway in
    /// front of the provider answers.
    ServerErrorHtml {
        /// 500 to 599; 502 unless said.
        status: u16,
        /// Init only: the push is processed first (the prompt happens, its
        /// deliveries are scheduled), then the 5xx replaces the answer.
        after_accept: bool,
    },
    /// 429 with a `Retry-After` header (seconds).
    RateLimited {
        /// The `Retry-After` value; 1 unless said.
        retry_after_secs: u32,
    },
    /// Answers late. On init the push is processed first and only the answer
    /// waits; elsewhere the call waits, then is handled.
    Slow {
        /// How late.
        delay: Duration,
    },
    /// Init only: the push is processed (the prompt happens, its deliveries
    /// are scheduled), then the connection is closed with no HTTP answer.
    DropAfterAccept,
}

/// A fault for the next `count` calls to an endpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FaultSpec {
    /// Which endpoint.
    pub endpoint: Endpoint,
    /// What it does.
    pub fault: Fault,
    /// How many calls (at least 1).
    pub count: u32,
}

impl FaultSpec {
    /// `fault` on the next call to `endpoint`.
    pub fn once(endpoint: Endpoint, fault: Fault) -> FaultSpec {
        FaultSpec {
            endpoint,
            fault,
            count: 1,
        }
    }

    /// The same fault for the next `count` calls.
    pub fn times(self, count: u32) -> FaultSpec {
        FaultSpec { count, ..self }
    }

    /// Checks the combination makes sense.
    pub fn validate(&self) -> Result<(), FaultError> {
        let init = self.endpoint == Endpoint::Init;
        match self.fault {
            _ if self.count == 0 => Err(FaultError::ZeroCount),
            Fault::DropAfterAccept
            | Fault::ServerErrorHtml {
                after_accept: true, ..
            } if !init => Err(FaultError::InitOnly),
            Fault::ServerErrorHtml { status, .. } if !(500..=599).contains(&status) => {
                Err(FaultError::NotAServerError)
            }
            Fault::Slow { delay } if delay > MAX_DELAY => Err(FaultError::DelayTooLong),
            _ => Ok(()),
        }
    }
}

/// The longest `slow` delay accepted (10 minutes).
pub const MAX_DELAY: Duration = Duration::from_secs(600);

/// Why a fault was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum FaultError {
    /// `count` is 0.
    ZeroCount,
    /// `drop_after_accept` or `afterAccept` on an endpoint other than init.
    InitOnly,
    /// A `server_error_html` status outside 500-599.
    NotAServerError,
    /// A `slow` delay over [`MAX_DELAY`].
    DelayTooLong,
    /// The JSON is not a fault (HTTP control API only): serde's reason.
    Invalid(String),
}

impl FaultError {
    /// A stable code.
    pub fn code(&self) -> &'static str {
        match self {
            FaultError::ZeroCount => "zero_count",
            FaultError::InitOnly => "init_only",
            FaultError::NotAServerError => "not_a_server_error",
            FaultError::DelayTooLong => "delay_too_long",
            FaultError::Invalid(_) => "invalid_fault",
        }
    }
}

impl fmt::Display for FaultError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FaultError::ZeroCount => f.write_str("count must be at least 1"),
            FaultError::InitOnly => {
                f.write_str("drop_after_accept and afterAccept apply to the init endpoint only")
            }
            FaultError::NotAServerError => f.write_str("status must be between 500 and 599"),
            FaultError::DelayTooLong => f.write_str("delayMs must be at most 600000"),
            FaultError::Invalid(reason) => write!(f, "not a fault: {reason}"),
        }
    }
}

impl std::error::Error for FaultError {}

/// A fault's name on the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum FaultName {
    Unauthorized,
    ServerErrorHtml,
    RateLimited,
    Slow,
    DropAfterAccept,
}

/// A fault as JSON: `{"endpoint":"init","fault":"slow","delayMs":1500,"count":1}`.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FaultWire {
    endpoint: Endpoint,
    fault: FaultName,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    count: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    delay_ms: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    status: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    retry_after_secs: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    after_accept: Option<bool>,
}

impl FaultWire {
    /// The fault it describes, checked; a setting that does not belong to
    /// the fault (`delayMs` on `rate_limited`) is refused, not ignored.
    pub fn into_spec(self) -> Result<FaultSpec, FaultError> {
        let stray = |what: &str| Err(FaultError::Invalid(format!("{what} does not apply")));
        let fault = match self.fault {
            FaultName::Unauthorized | FaultName::DropAfterAccept
                if self.delay_ms.is_some()
                    || self.status.is_some()
                    || self.retry_after_secs.is_some()
                    || self.after_accept.is_some() =>
            {
                return stray("only endpoint and count");
            }
            FaultName::Unauthorized => Fault::Unauthorized,
            FaultName::DropAfterAccept => Fault::DropAfterAccept,
            FaultName::ServerErrorHtml
                if self.delay_ms.is_some() || self.retry_after_secs.is_some() =>
            {
                return stray("only status and afterAccept");
            }
            FaultName::ServerErrorHtml => Fault::ServerErrorHtml {
                status: self.status.unwrap_or(502),
                after_accept: self.after_accept.unwrap_or(false),
            },
            FaultName::RateLimited
                if self.delay_ms.is_some()
                    || self.status.is_some()
                    || self.after_accept.is_some() =>
            {
                return stray("only retryAfterSecs");
            }
            FaultName::RateLimited => Fault::RateLimited {
                retry_after_secs: self.retry_after_secs.unwrap_or(1),
            },
            FaultName::Slow
                if self.status.is_some()
                    || self.retry_after_secs.is_some()
                    || self.after_accept.is_some() =>
            {
                return stray("only delayMs");
            }
            FaultName::Slow => Fault::Slow {
                delay: Duration::from_millis(
                    self.delay_ms
                        .ok_or_else(|| FaultError::Invalid("slow needs delayMs".to_owned()))?,
                ),
            },
        };
        let spec = FaultSpec {
            endpoint: self.endpoint,
            fault,
            count: self.count.unwrap_or(1),
        };
        spec.validate()?;
        Ok(spec)
    }

    /// The JSON form of a fault (`count`: the calls it still applies to).
    pub fn from_spec(spec: &FaultSpec) -> FaultWire {
        let mut wire = FaultWire {
            endpoint: spec.endpoint,
            fault: FaultName::Unauthorized,
            count: Some(spec.count),
            delay_ms: None,
            status: None,
            retry_after_secs: None,
            after_accept: None,
        };
        match spec.fault {
            Fault::Unauthorized => {}
            Fault::DropAfterAccept => wire.fault = FaultName::DropAfterAccept,
            Fault::ServerErrorHtml {
                status,
                after_accept,
            } => {
                wire.fault = FaultName::ServerErrorHtml;
                wire.status = Some(status);
                wire.after_accept = Some(after_accept);
            }
            Fault::RateLimited { retry_after_secs } => {
                wire.fault = FaultName::RateLimited;
                wire.retry_after_secs = Some(retry_after_secs);
            }
            Fault::Slow { delay } => {
                wire.fault = FaultName::Slow;
                wire.delay_ms = Some(u64::try_from(delay.as_millis()).unwrap_or(u64::MAX));
            }
        }
        wire
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn parse(json: &str) -> Result<FaultSpec, FaultError> {
        serde_json::from_str::<FaultWire>(json)
            .map_err(|e| FaultError::Invalid(e.to_string()))
            .and_then(FaultWire::into_spec)
    }

    #[test]
    fn wire_forms_and_defaults() {
        assert_eq!(
            parse(r#"{"endpoint":"init","fault":"drop_after_accept"}"#).unwrap(),
            FaultSpec::once(Endpoint::Init, Fault::DropAfterAccept)
        );
        assert_eq!(
            parse(r#"{"endpoint":"token","fault":"server_error_html","count":3}"#).unwrap(),
            FaultSpec::once(
                Endpoint::Token,
                Fault::ServerErrorHtml {
                    status: 502,
                    after_accept: false
                }
            )
            .times(3)
        );
        assert_eq!(
            parse(r#"{"endpoint":"status","fault":"rate_limited"}"#)
                .unwrap()
                .fault,
            Fault::RateLimited {
                retry_after_secs: 1
            }
        );
        assert_eq!(
            parse(r#"{"endpoint":"init","fault":"slow","delayMs":250}"#)
                .unwrap()
                .fault,
            Fault::Slow {
                delay: Duration::from_millis(250)
            }
        );
        // Round trip through the JSON form.
        for json in [
            r#"{"endpoint":"init","fault":"server_error_html","count":2,"status":503,"afterAccept":true}"#,
            r#"{"endpoint":"status","fault":"rate_limited","count":1,"retryAfterSecs":7}"#,
            r#"{"endpoint":"token","fault":"slow","count":4,"delayMs":10}"#,
            r#"{"endpoint":"init","fault":"unauthorized","count":1}"#,
        ] {
            let spec = parse(json).unwrap();
            assert_eq!(
                serde_json::to_string(&FaultWire::from_spec(&spec)).unwrap(),
                json
            );
        }
    }

    #[test]
    fn nonsense_is_refused_with_a_code() {
        for (json, code) in [
            (
                r#"{"endpoint":"token","fault":"drop_after_accept"}"#,
                "init_only",
            ),
            (
                r#"{"endpoint":"status","fault":"server_error_html","afterAccept":true}"#,
                "init_only",
            ),
            (
                r#"{"endpoint":"init","fault":"server_error_html","status":200}"#,
                "not_a_server_error",
            ),
            (r#"{"endpoint":"init","fault":"slow"}"#, "invalid_fault"),
            (
                r#"{"endpoint":"init","fault":"slow","delayMs":600001}"#,
                "delay_too_long",
            ),
            (
                r#"{"endpoint":"init","fault":"unauthorized","count":0}"#,
                "zero_count",
            ),
            (
                r#"{"endpoint":"init","fault":"rate_limited","delayMs":5}"#,
                "invalid_fault",
            ),
            (r#"{"endpoint":"init","fault":"explode"}"#, "invalid_fault"),
            (r#"{"endpoint":"refund","fault":"slow"}"#, "invalid_fault"),
            (
                r#"{"endpoint":"init","fault":"slow","delay_ms":5}"#,
                "invalid_fault",
            ),
        ] {
            assert_eq!(parse(json).unwrap_err().code(), code, "{json}");
        }
    }
}
