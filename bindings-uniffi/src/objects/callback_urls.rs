//! `CallbackUrls`: per-payment callback URLs carrying an HMAC token.

use std::fmt;
use std::sync::Arc;

use jenga_stk as core;
use jenga_stk::Limits;

use super::Result;
use crate::types::{CallbackRefs, VerifiedCallback};

/// Makes and checks per-payment callback URLs carrying an HMAC token.
#[derive(uniffi::Object)]
#[uniffi::export(Display)]
pub struct CallbackUrls(pub(crate) core::CallbackUrls);

impl fmt::Display for CallbackUrls {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CallbackUrls(<redacted>)")
    }
}

#[uniffi::export]
impl CallbackUrls {
    /// A merchant secret of at least 32 bytes (`secret_too_short` otherwise).
    #[uniffi::constructor]
    pub fn new(secret: Vec<u8>) -> Result<Arc<Self>> {
        Ok(Arc::new(CallbackUrls(core::CallbackUrls::new(&secret)?)))
    }

    /// The callback URL for a payment: `baseUrl?jenga_order=…&jenga_payment=…&jenga_token=…`.
    pub fn callback_url(
        &self,
        base_url: String,
        order_reference: String,
        payment_reference: String,
    ) -> Result<String> {
        Ok(self
            .0
            .callback_url(&base_url, &order_reference, &payment_reference)?)
    }

    /// Checks a received URL (or request target); returns its references.
    pub fn verify_url(&self, url: String) -> Result<CallbackRefs> {
        Ok(self.0.verify_url(&url)?.into())
    }

    /// Checks the URL, parses the body and checks they agree.
    pub fn verify_callback(&self, url: String, body: Vec<u8>) -> Result<VerifiedCallback> {
        let (refs, callback) = self.0.verify_callback(&url, &body, &Limits::default())?;
        Ok(VerifiedCallback {
            refs: refs.into(),
            callback: callback.into(),
        })
    }
}
