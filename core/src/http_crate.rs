//! Conversions between the core's plain [`HttpRequest`] and the `http`
//! crate's types (cargo feature `http`), for clients built on hyper,
//! reqwest, tower or axum.
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use jenga_stk::{Credentials, Environment, HttpRequest};
//!
//! let request = Credentials::new("key", "merchant", "secret")?.token_request(&Environment::Uat);
//! let http_request: http::Request<Vec<u8>> = http::Request::try_from(&request)?;
//! assert_eq!(http_request.method(), http::Method::POST);
//! assert_eq!(HttpRequest::try_from(&http_request)?, request);
//! # Ok(())
//! # }
//! ```

use std::fmt;

use crate::http::{HttpRequest, Method};

/// An `http` request or header that has no plain [`HttpRequest`] form (a
/// method other than GET or POST, a header value that is not text), or a
/// plain request the `http` crate refuses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpConversionError(String);

impl fmt::Display for HttpConversionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot convert the HTTP request: {}", self.0)
    }
}

impl std::error::Error for HttpConversionError {}

impl TryFrom<&HttpRequest> for http::Request<Vec<u8>> {
    type Error = HttpConversionError;

    fn try_from(r: &HttpRequest) -> Result<Self, Self::Error> {
        let method = match r.method {
            Method::Get => http::Method::GET,
            Method::Post => http::Method::POST,
        };
        let mut builder = http::Request::builder().method(method).uri(&r.url);
        for (name, value) in &r.headers {
            builder = builder.header(name, value);
        }
        builder
            .body(r.body.clone())
            .map_err(|e| HttpConversionError(e.to_string()))
    }
}

impl TryFrom<&http::Request<Vec<u8>>> for HttpRequest {
    type Error = HttpConversionError;

    fn try_from(r: &http::Request<Vec<u8>>) -> Result<Self, Self::Error> {
        let method = match *r.method() {
            http::Method::GET => Method::Get,
            http::Method::POST => Method::Post,
            ref other => return Err(HttpConversionError(format!("the method {other}"))),
        };
        let headers = r
            .headers()
            .iter()
            .map(|(name, value)| {
                value
                    .to_str()
                    .map(|v| (canonical(name.as_str()), v.to_owned()))
                    .map_err(|_| HttpConversionError(format!("the header {name} is not text")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let secret_body = r.uri().path() == crate::token::TOKEN_PATH;
        let request = HttpRequest::new(method, r.uri().to_string(), headers, r.body().clone());
        Ok(if secret_body {
            request.with_secret_body()
        } else {
            request
        })
    }
}

/// The `http` crate lower-cases header names; this library writes them as
/// the provider's page does (`Content-Type`, `Api-Key`).
fn canonical(name: &str) -> String {
    name.split('-')
        .map(|part| {
            let mut chars = part.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_ascii_uppercase().to_string() + chars.as_str()
            })
        })
        .collect::<Vec<_>>()
        .join("-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_ways_for_every_request_the_core_makes() {
        let env = crate::http::Environment::Uat;
        let token = crate::token::AccessToken::new("eyJ.a.b").unwrap();
        let requests = [
            crate::token::Credentials::new("k", "m", "s")
                .unwrap()
                .token_request(&env),
            crate::status::order_status_request(
                &env,
                &token,
                "OR 1",
                crate::status::StatusSignature::None,
            )
            .unwrap(),
        ];
        for request in requests {
            let converted = http::Request::try_from(&request).unwrap();
            assert_eq!(converted.uri().to_string(), request.url);
            let back = HttpRequest::try_from(&converted).unwrap();
            assert_eq!(back, request);
            assert_eq!(back.body_is_secret(), request.body_is_secret());
        }
        let put = http::Request::builder()
            .method("PUT")
            .uri("https://x/")
            .body(Vec::new())
            .unwrap();
        assert!(HttpRequest::try_from(&put).is_err());
    }
}
