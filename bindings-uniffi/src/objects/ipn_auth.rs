//! `IpnAuth`: the IPN's Basic-auth credentials, checked in constant time.

use std::fmt;
use std::sync::Arc;

use jenga_stk as core;

use super::Result;

/// The IPN's Basic-auth credentials, checked in constant time.
#[derive(uniffi::Object)]
#[uniffi::export(Display)]
pub struct IpnAuth(core::IpnAuth);

impl fmt::Display for IpnAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("IpnAuth(<redacted>)")
    }
}

#[uniffi::export]
impl IpnAuth {
    /// The username and password configured on the portal.
    #[uniffi::constructor]
    pub fn new(username: String, password: String) -> Result<Arc<Self>> {
        Ok(Arc::new(IpnAuth(core::IpnAuth::new(&username, &password)?)))
    }

    /// Throws `ipn_auth_missing` / `ipn_auth_invalid` unless the
    /// `Authorization` header (none: absent) carries these credentials.
    pub fn verify(&self, authorization: Option<String>) -> Result<()> {
        Ok(self.0.verify(authorization.as_deref())?)
    }

    /// The `Authorization` header value for these credentials (a secret).
    pub fn authorization_header(&self) -> String {
        self.0.authorization_header()
    }
}
