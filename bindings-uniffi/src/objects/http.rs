//! The HTTP request as an object (it carries the bearer token): method,
//! URL, headers and body for any client; `toString` is redacted.

use std::fmt;

use jenga_stk as core;

use crate::types::{HttpHeader, HttpMethod};

/// An HTTP request to send with any client. `toString` redacts the token and secret bodies.
#[derive(uniffi::Object)]
#[uniffi::export(Display)]
pub struct HttpRequest(pub(crate) core::HttpRequest);

impl fmt::Display for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.to_redacted_string())
    }
}

#[uniffi::export]
impl HttpRequest {
    /// GET or POST.
    pub fn method(&self) -> HttpMethod {
        match self.0.method {
            core::Method::Get => HttpMethod::Get,
            _ => HttpMethod::Post,
        }
    }

    /// The full URL.
    pub fn url(&self) -> String {
        self.0.url.clone()
    }

    /// The headers, in order (`Authorization` is a secret).
    pub fn headers(&self) -> Vec<HttpHeader> {
        self.0
            .headers
            .iter()
            .map(|(name, value)| HttpHeader {
                name: name.clone(),
                value: value.clone(),
            })
            .collect()
    }

    /// A header's value (names compared case-insensitively).
    pub fn header(&self, name: String) -> Option<String> {
        self.0.header(&name).map(str::to_owned)
    }

    /// The body bytes (empty for GET).
    pub fn body(&self) -> Vec<u8> {
        self.0.body.clone()
    }

    /// True when the body holds a secret (the token request).
    pub fn body_is_secret(&self) -> bool {
        self.0.body_is_secret()
    }

    /// The request for logs: token and secret bodies redacted.
    pub fn to_redacted_string(&self) -> String {
        self.0.to_redacted_string()
    }
}
