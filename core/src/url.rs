//! A small, strict parser for the absolute `http(s)` URLs this API uses
//! (callback URLs and custom base URLs).
//!
//! Deliberately narrow: ASCII only (internationalised hosts must be given in
//! punycode), no user-info (credentials in URLs leak into logs), a DNS name,
//! IPv4 or bracketed IPv6 host, an optional port, then any path and query.
//! `http` is accepted only for loopback hosts, for local testing.

/// The parts of a URL that validation needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct HttpUrl<'a> {
    pub(crate) https: bool,
    pub(crate) host: &'a str,
    /// Everything after the authority: path, query and fragment (may be empty).
    pub(crate) rest: &'a str,
}

/// Why a URL is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum UrlError {
    /// Not an absolute http(s) URL of the accepted shape.
    Invalid(&'static str),
    /// `http` with a host that is not loopback.
    Insecure,
}

pub(crate) fn parse_http_url(text: &str) -> Result<HttpUrl<'_>, UrlError> {
    if !text.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(UrlError::Invalid(
            "URLs must be ASCII without spaces or control characters",
        ));
    }
    let (https, after_scheme) = if let Some(rest) = strip_prefix_ci(text, "https://") {
        (true, rest)
    } else if let Some(rest) = strip_prefix_ci(text, "http://") {
        (false, rest)
    } else {
        return Err(UrlError::Invalid("must start with https://"));
    };
    let authority_end = after_scheme
        .find(['/', '?', '#'])
        .unwrap_or(after_scheme.len());
    let (authority, rest) = after_scheme.split_at(authority_end);
    if authority.contains('@') {
        return Err(UrlError::Invalid(
            "must not contain user credentials (user:password@)",
        ));
    }
    let (host, port) = split_host_port(authority)?;
    if let Some(port) = port {
        let valid = !port.is_empty()
            && port.len() <= 5
            && port.bytes().all(|b| b.is_ascii_digit())
            && port.parse::<u32>().is_ok_and(|p| (1..=65535).contains(&p));
        if !valid {
            return Err(UrlError::Invalid("has an invalid port"));
        }
    }
    if !valid_host(host) {
        return Err(UrlError::Invalid("has an invalid host"));
    }
    if !https && !is_loopback(host) {
        return Err(UrlError::Insecure);
    }
    Ok(HttpUrl { https, host, rest })
}

fn strip_prefix_ci<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

fn split_host_port(authority: &str) -> Result<(&str, Option<&str>), UrlError> {
    if let Some(rest) = authority.strip_prefix('[') {
        let close = rest
            .find(']')
            .ok_or(UrlError::Invalid("has an unclosed IPv6 bracket"))?;
        let host = &authority[..close + 2];
        let after = &rest[close + 1..];
        return match after {
            "" => Ok((host, None)),
            _ => after
                .strip_prefix(':')
                .map(|p| (host, Some(p)))
                .ok_or(UrlError::Invalid("has text after the IPv6 host")),
        };
    }
    Ok(match authority.split_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (authority, None),
    })
}

fn valid_host(host: &str) -> bool {
    if let Some(inner) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        return inner.parse::<std::net::Ipv6Addr>().is_ok();
    }
    if host.is_empty() || host.len() > 253 {
        return false;
    }
    let host = host.strip_suffix('.').unwrap_or(host);
    host.split('.').all(|label| {
        !label.is_empty()
            && label.len() <= 63
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
    }) && !looks_like_bad_ipv4(host)
}

/// All-numeric dotted hosts must be valid IPv4 addresses.
fn looks_like_bad_ipv4(host: &str) -> bool {
    let numeric = host.bytes().all(|b| b.is_ascii_digit() || b == b'.');
    numeric && host.parse::<std::net::Ipv4Addr>().is_err()
}

/// `localhost`, `*.localhost`, `127.0.0.0/8` and `[::1]`.
pub(crate) fn is_loopback(host: &str) -> bool {
    let lower = host.to_ascii_lowercase();
    let lower = lower.strip_suffix('.').unwrap_or(&lower);
    if lower == "localhost" || lower.ends_with(".localhost") {
        return true;
    }
    if let Ok(v4) = lower.parse::<std::net::Ipv4Addr>() {
        return v4.is_loopback();
    }
    lower
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .and_then(|h| h.parse::<std::net::Ipv6Addr>().ok())
        .is_some_and(|v6| v6.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_https_and_loopback_http() {
        for ok in [
            "https://webhook.site/5c74a733-1caa-4f10-b876-3df9c0d7453c",
            "https://shop.example.co.ke",
            "https://shop.example.co.ke:8443/jenga/callback?t=abc#x",
            "HTTPS://EXAMPLE.COM/",
            "https://[2001:db8::1]/cb",
            "https://203.0.113.9/cb",
            "http://127.0.0.1:8080/cb",
            "http://localhost/cb",
            "http://api.localhost:3000",
            "http://[::1]:9/cb",
        ] {
            assert!(parse_http_url(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn refuses_the_rest() {
        for bad in [
            "",
            "webhook.site/cb",
            "ftp://example.com",
            "https://",
            "https:///path",
            "https://user:pw@example.com/",
            "https://exa mple.com",
            "https://example.com/a b",
            "https://exämple.com",
            "https://-bad.com",
            "https://example.com:0",
            "https://example.com:65536",
            "https://example.com:",
            "https://example.com:80a",
            "https://[::1",
            "https://[zz::1]",
            "https://999.1.1.1",
            "https://a..b",
            "https://example.com\n",
        ] {
            assert!(
                matches!(parse_http_url(bad), Err(UrlError::Invalid(_))),
                "{bad:?}"
            );
        }
        for insecure in [
            "http://example.com/cb",
            "http://10.0.0.1/cb",
            "http://128.0.0.1",
        ] {
            assert_eq!(
                parse_http_url(insecure),
                Err(UrlError::Insecure),
                "{insecure}"
            );
        }
    }
}
