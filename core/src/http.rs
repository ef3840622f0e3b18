//! Plain-value HTTP: the [`Environment`] (base URL) and the [`HttpRequest`]
//! the host language sends with its own client. No sockets here.

use std::fmt;

use crate::error::{ProblemCode, Problems, ValidationError};
use crate::url::{UrlError, parse_http_url};

/// Where the provider's API lives.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Environment {
    /// User acceptance testing: `https://uat.finserve.africa`.
    Uat,
    /// Production: `https://api.finserve.africa`.
    Live,
    /// Any other base URL (older gateways, a proxy, the local sandbox).
    /// Made with [`Environment::custom`], which validates it.
    Custom(String),
}

impl Environment {
    /// A custom base URL: absolute `https` (or `http` on loopback, for the
    /// sandbox), without query or fragment. A trailing `/` is removed.
    pub fn custom(base_url: &str) -> Result<Environment, ValidationError> {
        let field = "environment.baseUrl";
        let mut problems = Problems::default();
        match parse_http_url(base_url) {
            Ok(url) if url.rest.contains(['?', '#']) => problems.push(
                field,
                ProblemCode::InvalidUrl,
                "a base URL has no query or fragment",
            ),
            Ok(_) => {}
            Err(UrlError::Invalid(why)) => {
                problems.push(
                    field,
                    ProblemCode::InvalidUrl,
                    format!("is not a base URL: {why}"),
                );
            }
            Err(UrlError::Insecure) => problems.push(
                field,
                ProblemCode::InsecureUrl,
                "must use https (http only for localhost and 127.0.0.1)",
            ),
        }
        let trimmed = base_url.trim_end_matches('/').to_owned();
        problems.into_result(Environment::Custom(trimmed))
    }

    /// Parses `uat`, `live`, or a custom base URL.
    pub fn parse(text: &str) -> Result<Environment, ValidationError> {
        match text {
            "uat" | "UAT" => Ok(Environment::Uat),
            "live" | "LIVE" => Ok(Environment::Live),
            other => Environment::custom(other),
        }
    }

    /// The base URL, without a trailing `/`.
    pub fn base_url(&self) -> &str {
        match self {
            Environment::Uat => "https://uat.finserve.africa",
            Environment::Live => "https://api.finserve.africa",
            Environment::Custom(url) => url,
        }
    }

    /// The full URL of `path` (which starts with `/`).
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url())
    }
}

/// An HTTP method.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Method {
    /// `GET`.
    Get,
    /// `POST`.
    Post,
}

impl Method {
    /// The method's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Header names whose values are secrets and are redacted by `Debug`.
const SECRET_HEADERS: [&str; 2] = ["authorization", "api-key"];

/// A complete HTTP request as a plain value: send it with any client.
///
/// `Debug` and [`to_redacted_string`](Self::to_redacted_string) redact the
/// `Authorization` and `Api-Key` header values, and the body of requests
/// that carry a secret (the token request's `consumerSecret`).
#[derive(Clone, PartialEq, Eq)]
pub struct HttpRequest {
    /// The method.
    pub method: Method,
    /// The full URL.
    pub url: String,
    /// Header names and values, in a fixed order.
    pub headers: Vec<(String, String)>,
    /// The body bytes (empty for `GET`).
    pub body: Vec<u8>,
    secret_body: bool,
}

impl HttpRequest {
    pub(crate) fn new(
        method: Method,
        url: String,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    ) -> Self {
        HttpRequest {
            method,
            url,
            headers,
            body,
            secret_body: false,
        }
    }

    /// Marks the body as secret: `Debug` and logs show only its length.
    pub(crate) fn with_secret_body(mut self) -> Self {
        self.secret_body = true;
        self
    }

    /// Whether the body holds a secret and must not be logged.
    pub fn body_is_secret(&self) -> bool {
        self.secret_body
    }

    fn printable_body(&self) -> String {
        if self.secret_body {
            format!("<redacted: {} bytes>", self.body.len())
        } else {
            String::from_utf8_lossy(&self.body).into_owned()
        }
    }

    /// The value of the first header named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The request as HTTP/1.1 text, for logs and demos, with secrets redacted.
    pub fn to_redacted_string(&self) -> String {
        let mut out = format!("{} {} HTTP/1.1\n", self.method, self.url);
        for (name, value) in &self.headers {
            out.push_str(&format!("{name}: {}\n", redact(name, value)));
        }
        out.push('\n');
        out.push_str(&self.printable_body());
        out
    }
}

fn redact<'a>(name: &str, value: &'a str) -> &'a str {
    if SECRET_HEADERS.iter().any(|s| name.eq_ignore_ascii_case(s)) {
        "<redacted>"
    } else {
        value
    }
}

impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(n, v)| (n.as_str(), redact(n, v)))
            .collect();
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &headers)
            .field("body", &self.printable_body())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environments() {
        assert_eq!(Environment::Uat.url("/x"), "https://uat.finserve.africa/x");
        assert_eq!(Environment::Live.url("/x"), "https://api.finserve.africa/x");
        let c = Environment::custom("http://127.0.0.1:8080/").unwrap();
        assert_eq!(c.url("/x"), "http://127.0.0.1:8080/x");
        let e = Environment::custom("http://example.com").unwrap_err();
        assert_eq!(e.problems()[0].code, ProblemCode::InsecureUrl);
        let e = Environment::custom("https://example.com/?a=b").unwrap_err();
        assert_eq!(e.problems()[0].code, ProblemCode::InvalidUrl);
        assert_eq!(Environment::parse("uat").unwrap(), Environment::Uat);
    }

    #[test]
    fn debug_redacts_secrets() {
        let r = HttpRequest::new(
            Method::Post,
            "https://x".into(),
            vec![
                ("Authorization".into(), "Bearer s3cr3t".into()),
                ("api-key".into(), "k3y".into()),
                ("Signature".into(), "c2ln".into()),
            ],
            b"{}".to_vec(),
        );
        for text in [format!("{r:?}"), r.to_redacted_string()] {
            assert!(!text.contains("s3cr3t") && !text.contains("k3y"), "{text}");
            assert!(text.contains("c2ln"), "{text}");
        }
        assert_eq!(r.header("AUTHORIZATION"), Some("Bearer s3cr3t"));
    }
}
