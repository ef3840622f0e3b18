//! Authenticating the unsigned `callbackUrl` callback with a token in its URL.
//!
//! The provider does not sign the callback it posts to `payment.callbackUrl`,
//! so anyone who learns the URL could post a fake "paid". [`CallbackUrls`]
//! derives, per payment, a URL carrying the order and payment references and
//! an HMAC-SHA256 token over them under a merchant secret; on receipt it
//! recomputes the token and compares in constant time, then checks the body is
//! about the same payment.
//!
//! Token: `base64url(HMAC-SHA256(secret, "jenga-stk/callback/v1\n" +
//! orderReference + "\n" + paymentReference))`, unpadded, in the query
//! parameters `jenga_order`, `jenga_payment`, `jenga_token`.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::callback::{StkCallback, parse_callback};
use crate::error::{AuthError, Error, ProblemCode, Problems, ValidationError};
use crate::json::Limits;
use crate::status::percent_encode;
use crate::url::{UrlError, parse_http_url};

const DOMAIN: &[u8] = b"jenga-stk/callback/v1\n";
/// The shortest accepted secret, in bytes.
pub const MIN_CALLBACK_SECRET_BYTES: usize = 32;

const ORDER_PARAM: &str = "jenga_order";
const PAYMENT_PARAM: &str = "jenga_payment";
const TOKEN_PARAM: &str = "jenga_token";

/// The references a verified callback URL was made for.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CallbackRefs {
    /// The order reference.
    pub order_reference: String,
    /// The payment reference.
    pub payment_reference: String,
}

/// Makes and checks per-payment callback URLs. The secret is zeroized on
/// drop and never shown by `Debug`.
#[derive(Clone)]
pub struct CallbackUrls {
    secret: Zeroizing<Vec<u8>>,
}

impl CallbackUrls {
    /// A merchant secret of at least 32 bytes (for example 32 random bytes,
    /// or a 43-character random Base64 string). Keep it with your other secrets.
    pub fn new(secret: &[u8]) -> Result<CallbackUrls, ValidationError> {
        if secret.len() < MIN_CALLBACK_SECRET_BYTES {
            let mut problems = Problems::default();
            problems.push(
                "callbackSecret",
                ProblemCode::SecretTooShort,
                format!("must be at least {MIN_CALLBACK_SECRET_BYTES} bytes"),
            );
            return Err(problems.into_error());
        }
        Ok(CallbackUrls {
            secret: Zeroizing::new(secret.to_vec()),
        })
    }

    fn mac(&self, order_reference: &str, payment_reference: &str) -> Hmac<Sha256> {
        // HMAC accepts keys of any length, so this cannot fail; the fallback
        // key is never used but keeps the code free of panics.
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&self.secret)
            .unwrap_or_else(|_| <Hmac<Sha256> as KeyInit>::new(&Default::default()));
        mac.update(DOMAIN);
        mac.update(order_reference.as_bytes());
        mac.update(b"\n");
        mac.update(payment_reference.as_bytes());
        mac
    }

    /// The token for a payment (what goes into `jenga_token`).
    pub fn token(&self, order_reference: &str, payment_reference: &str) -> String {
        URL_SAFE_NO_PAD.encode(
            self.mac(order_reference, payment_reference)
                .finalize()
                .into_bytes(),
        )
    }

    /// The callback URL for a payment: `base_url` (absolute https, or http on
    /// loopback; no fragment) plus the references and the token as query parameters.
    pub fn callback_url(
        &self,
        base_url: &str,
        order_reference: &str,
        payment_reference: &str,
    ) -> Result<String, ValidationError> {
        let field = "callbackBaseUrl";
        let mut problems = Problems::default();
        match parse_http_url(base_url) {
            Ok(url) if url.rest.contains('#') => {
                problems.push(field, ProblemCode::InvalidUrl, "must not have a fragment");
            }
            // A URL already carrying one of our parameters would repeat it, and
            // verification refuses repeated parameters (found by fuzzing).
            Ok(url) if has_reserved_parameter(url.rest) => problems.push(
                field,
                ProblemCode::InvalidUrl,
                "must not already have jenga_order, jenga_payment or jenga_token in its query",
            ),
            Ok(_) => {}
            Err(UrlError::Invalid(why)) => problems.push(field, ProblemCode::InvalidUrl, why),
            Err(UrlError::Insecure) => problems.push(
                field,
                ProblemCode::InsecureUrl,
                "must use https (http only for localhost and 127.0.0.1)",
            ),
        }
        for (name, value) in [
            ("orderReference", order_reference),
            ("paymentReference", payment_reference),
        ] {
            if value.is_empty() {
                problems.push(name, ProblemCode::Required, "is required");
            }
        }
        if !problems.is_empty() {
            return Err(problems.into_error());
        }
        let separator = if base_url.contains('?') { '&' } else { '?' };
        Ok(format!(
            "{base_url}{separator}{ORDER_PARAM}={}&{PAYMENT_PARAM}={}&{TOKEN_PARAM}={}",
            percent_encode(order_reference),
            percent_encode(payment_reference),
            self.token(order_reference, payment_reference)
        ))
    }

    /// Checks the token of a received callback URL (the full URL, or the
    /// request target `/path?query` as your server sees it).
    pub fn verify_url(&self, url: &str) -> Result<CallbackRefs, AuthError> {
        let query = url.split_once('?').map_or("", |(_, q)| q);
        let query = query.split_once('#').map_or(query, |(q, _)| q);
        let (mut order, mut payment, mut token) = (None, None, None);
        for pair in query.split('&') {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            let slot = match name {
                ORDER_PARAM => &mut order,
                PAYMENT_PARAM => &mut payment,
                TOKEN_PARAM => &mut token,
                _ => continue,
            };
            if slot.is_some() {
                // A repeated parameter is an attempt to confuse; refuse it.
                return Err(AuthError::CallbackTokenInvalid);
            }
            *slot = Some(percent_decode(value).ok_or(AuthError::CallbackTokenInvalid)?);
        }
        let (Some(order), Some(payment), Some(token)) = (order, payment, token) else {
            return Err(AuthError::CallbackTokenMissing);
        };
        let given = URL_SAFE_NO_PAD
            .decode(token.as_bytes())
            .map_err(|_| AuthError::CallbackTokenInvalid)?;
        // `verify_slice` compares in constant time.
        self.mac(&order, &payment)
            .verify_slice(&given)
            .map_err(|_| AuthError::CallbackTokenInvalid)?;
        Ok(CallbackRefs {
            order_reference: order,
            payment_reference: payment,
        })
    }

    /// The URL made by [`callback_url`](Self::callback_url) for the same
    /// base and order but another payment reference (a payment pushed again),
    /// or `None` when `url` is not one of this secret's URLs.
    pub fn for_payment_reference(&self, url: &str, payment_reference: &str) -> Option<String> {
        let refs = self.verify_url(url).ok()?;
        let start = [format!("?{ORDER_PARAM}="), format!("&{ORDER_PARAM}=")]
            .iter()
            .filter_map(|marker| url.find(marker.as_str()))
            .min()?;
        self.callback_url(&url[..start], &refs.order_reference, payment_reference)
            .ok()
    }

    /// Verifies the URL's token, parses the body, and checks that the
    /// callback's `transactionReference` is the payment the URL was made for.
    pub fn verify_callback(
        &self,
        url: &str,
        body: &[u8],
        limits: &Limits,
    ) -> Result<(CallbackRefs, StkCallback), Error> {
        let refs = self.verify_url(url)?;
        let callback = parse_callback(body, limits)?;
        if callback.transaction_reference != refs.payment_reference {
            return Err(AuthError::CallbackReferenceMismatch.into());
        }
        Ok((refs, callback))
    }
}

impl fmt::Debug for CallbackUrls {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CallbackUrls { secret: <redacted> }")
    }
}

/// Whether a query already names one of the parameters this module adds.
fn has_reserved_parameter(rest: &str) -> bool {
    let query = rest.split_once('?').map_or("", |(_, q)| q);
    query.split('&').any(|pair| {
        let name = pair.split_once('=').map_or(pair, |(n, _)| n);
        percent_decode(name)
            .is_some_and(|n| [ORDER_PARAM, PAYMENT_PARAM, TOKEN_PARAM].contains(&n.as_str()))
    })
}

/// Decodes `%XX` escapes (and `+` as space); `None` for malformed escapes or non-UTF-8.
fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = text.get(i + 1..i + 3)?;
                if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return None;
                }
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_for_another_payment_of_the_same_order() {
        let urls = CallbackUrls::new(b"0123456789abcdef0123456789abcdef").unwrap();
        for base in [
            "https://shop.example.com/cb",
            "https://shop.example.com/cb?shop=7",
        ] {
            let first = urls.callback_url(base, "OR1", "PAY1").unwrap();
            let second = urls.for_payment_reference(&first, "PAY1R2").unwrap();
            assert_eq!(second, urls.callback_url(base, "OR1", "PAY1R2").unwrap());
            let refs = urls.verify_url(&second).unwrap();
            assert_eq!(
                (
                    refs.order_reference.as_str(),
                    refs.payment_reference.as_str()
                ),
                ("OR1", "PAY1R2")
            );
        }
        // Not one of this secret's URLs: no new URL is made for it.
        let other = CallbackUrls::new(b"another secret of 32 bytes or more!").unwrap();
        let foreign = other
            .callback_url("https://x.example/cb", "OR1", "PAY1")
            .unwrap();
        assert_eq!(urls.for_payment_reference(&foreign, "PAY2"), None);
        assert_eq!(
            urls.for_payment_reference("https://x.example/cb", "PAY2"),
            None
        );
    }

    const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";

    #[test]
    fn round_trip_and_tamper() {
        let urls = CallbackUrls::new(SECRET).unwrap();
        let url = urls
            .callback_url("https://shop.example.com/jenga/cb", "OR1", "PAY1")
            .unwrap();
        assert!(url.starts_with(
            "https://shop.example.com/jenga/cb?jenga_order=OR1&jenga_payment=PAY1&jenga_token="
        ));
        let refs = urls.verify_url(&url).unwrap();
        assert_eq!(refs.payment_reference, "PAY1");
        // The request target alone works too.
        let target = &url["https://shop.example.com".len()..];
        assert!(urls.verify_url(target).is_ok());
        // Tampering with either reference or the token fails.
        for bad in [
            url.replace("PAY1", "PAY2"),
            url.replace("OR1", "OR2"),
            format!("{}x", url),
            url.replace("jenga_token=", "jenga_token=A"),
            format!("{url}&jenga_payment=PAY2"),
        ] {
            assert_eq!(
                urls.verify_url(&bad).unwrap_err(),
                AuthError::CallbackTokenInvalid,
                "{bad}"
            );
        }
        assert_eq!(
            urls.verify_url("https://shop.example.com/jenga/cb")
                .unwrap_err(),
            AuthError::CallbackTokenMissing
        );
        // Another secret does not verify.
        let other = CallbackUrls::new(b"another secret of at least 32 bytes!").unwrap();
        assert_eq!(
            other.verify_url(&url).unwrap_err(),
            AuthError::CallbackTokenInvalid
        );
        assert!(!format!("{urls:?}").contains("0123"));
    }

    #[test]
    fn refuses_short_secrets_and_bad_bases() {
        assert!(CallbackUrls::new(b"short").is_err());
        let urls = CallbackUrls::new(SECRET).unwrap();
        assert!(
            urls.callback_url("http://shop.example.com/cb", "A", "B")
                .is_err()
        );
        assert!(
            urls.callback_url("https://shop.example.com/cb#x", "A", "B")
                .is_err()
        );
        let with_query = urls
            .callback_url("http://127.0.0.1:9/cb?x=1", "A", "B")
            .unwrap();
        assert!(with_query.contains("?x=1&jenga_order=A"));
        assert!(urls.verify_url(&with_query).is_ok());
    }
}
