//! Objects: everything that holds a secret or state (keys, tokens,
//! credentials, the callback secret, IPN credentials, requests carrying a
//! bearer token) lives in a Rust object, so Kotlin's data-class `toString` and
//! Swift's `description` can never print it. Their `toString` is redacted.

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use jenga_stk as core;
use jenga_stk::{Amount, DateTime, Limits};

use crate::error::{JengaError, http_status};
use crate::types::{
    CallbackRefs, HttpHeader, HttpMethod, RequestOptions, StkPushInput, VerifiedCallback,
};

type Result<T> = std::result::Result<T, JengaError>;

/// Where requests go: UAT, live, or a custom https base URL (the sandbox).
#[derive(Debug, uniffi::Object)]
#[uniffi::export(Display)]
pub struct Environment(pub(crate) core::Environment);

impl fmt::Display for Environment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Environment({})", self.0.base_url())
    }
}

#[uniffi::export]
impl Environment {
    /// `uat`, `live`, or a base URL (https, or http on loopback).
    #[uniffi::constructor]
    pub fn new(text: String) -> Result<Arc<Self>> {
        Ok(Arc::new(Environment(core::Environment::parse(&text)?)))
    }

    /// `https://uat.finserve.africa`.
    #[uniffi::constructor]
    pub fn uat() -> Arc<Self> {
        Arc::new(Environment(core::Environment::Uat))
    }

    /// `https://api.finserve.africa`.
    #[uniffi::constructor]
    pub fn live() -> Arc<Self> {
        Arc::new(Environment(core::Environment::Live))
    }

    /// The base URL.
    pub fn base_url(&self) -> String {
        self.0.base_url().to_owned()
    }
}

/// A bearer token. Its `toString` is redacted; `expose()` gives the text.
#[derive(uniffi::Object)]
#[uniffi::export(Display)]
pub struct AccessToken(pub(crate) core::AccessToken);

impl fmt::Display for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AccessToken(<redacted>)")
    }
}

#[uniffi::export]
impl AccessToken {
    /// Wraps a token: non-empty visible ASCII (`invalid_token` otherwise).
    #[uniffi::constructor]
    pub fn new(token: String) -> Result<Arc<Self>> {
        Ok(Arc::new(AccessToken(core::AccessToken::new(token)?)))
    }

    /// The token text, to send (never to log).
    pub fn expose(&self) -> String {
        self.0.expose().to_owned()
    }
}

/// The merchant's API key, merchant code and consumer secret.
#[derive(uniffi::Object)]
#[uniffi::export(Display)]
pub struct Credentials(pub(crate) core::Credentials);

impl fmt::Display for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Credentials(merchantCode={}, <secrets redacted>)",
            self.0.merchant_code()
        )
    }
}

#[uniffi::export]
impl Credentials {
    /// Each value must be non-empty visible ASCII; every problem is reported at once.
    #[uniffi::constructor]
    pub fn new(
        api_key: String,
        merchant_code: String,
        consumer_secret: String,
    ) -> Result<Arc<Self>> {
        Ok(Arc::new(Credentials(core::Credentials::new(
            api_key,
            merchant_code,
            consumer_secret,
        )?)))
    }

    /// The merchant code (not a secret).
    pub fn merchant_code(&self) -> String {
        self.0.merchant_code().to_owned()
    }

    /// The token request (its body holds the consumer secret).
    pub fn token_request(&self, environment: &Environment) -> Arc<HttpRequest> {
        Arc::new(HttpRequest(self.0.token_request(&environment.0)))
    }
}

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

/// An RSA private key (PKCS#1 or PKCS#8 PEM) that signs with RSA-SHA256 (blinded).
/// The key is zeroized when the object is destroyed.
#[derive(uniffi::Object)]
#[uniffi::export(Display)]
pub struct Signer(pub(crate) core::Signer);

impl fmt::Display for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Signer(RSA-{}, <redacted>)", self.0.bits())
    }
}

#[uniffi::export]
impl Signer {
    /// Loads a PKCS#1 (`BEGIN RSA PRIVATE KEY`) or PKCS#8 (`BEGIN PRIVATE KEY`) PEM key.
    #[uniffi::constructor]
    pub fn new(pem: String) -> Result<Arc<Self>> {
        Ok(Arc::new(Signer(core::Signer::from_pem(&pem)?)))
    }

    /// The modulus size in bits.
    pub fn bits(&self) -> u32 {
        u32::try_from(self.0.bits()).unwrap_or(u32::MAX)
    }

    /// Signs `message`; returns the Base64 signature.
    pub fn sign(&self, message: Vec<u8>) -> Result<String> {
        Ok(self.0.sign(&message)?.as_str().to_owned())
    }

    /// The key as PKCS#8 DER, to import it into a platform key store. A secret.
    pub fn pkcs8_der(&self) -> Result<Vec<u8>> {
        Ok(self.0.to_pkcs8_der()?.to_vec())
    }

    /// The matching verifier.
    pub fn verifier(&self) -> Arc<Verifier> {
        Arc::new(Verifier(self.0.verifier()))
    }
}

/// An RSA public key that verifies RSA-SHA256 signatures.
#[derive(uniffi::Object)]
#[uniffi::export(Display)]
pub struct Verifier(pub(crate) core::Verifier);

impl fmt::Display for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Verifier(RSA-{})", self.0.bits())
    }
}

#[uniffi::export]
impl Verifier {
    /// Loads an SPKI (`BEGIN PUBLIC KEY`) or PKCS#1 PEM public key.
    #[uniffi::constructor]
    pub fn new(pem: String) -> Result<Arc<Self>> {
        Ok(Arc::new(Verifier(core::Verifier::from_pem(&pem)?)))
    }

    /// The modulus size in bits.
    pub fn bits(&self) -> u32 {
        u32::try_from(self.0.bits()).unwrap_or(u32::MAX)
    }

    /// Throws `signature_mismatch` unless `signature_base64` signs `message`.
    pub fn verify(&self, message: Vec<u8>, signature_base64: String) -> Result<()> {
        let signature = core::Signature::from_base64(&signature_base64)?;
        Ok(self.0.verify(&message, &signature)?)
    }
}

/// Signs inside the app: Android Keystore, the iOS keychain, an HSM. The key
/// never enters the library.
///
/// `sign` gets the exact bytes to sign (the UTF-8 signing string) and returns
/// the raw RSA PKCS#1 v1.5 SHA-256 signature (Java: `Signature.getInstance(
/// "SHA256withRSA")`; Apple: `.rsaSignatureMessagePKCS1v15SHA256`). Any
/// exception it throws becomes a `signing_failed` error.
#[uniffi::export(callback_interface)]
pub trait ForeignSigner: Send + Sync {
    /// Returns the raw signature of `message`.
    fn sign(&self, message: Vec<u8>) -> std::result::Result<Vec<u8>, JengaError>;
}

/// A validated request: its exact body and signing string.
#[derive(Debug, uniffi::Object)]
#[uniffi::export(Display)]
pub struct StkPush(pub(crate) core::StkPush);

impl fmt::Display for StkPush {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "StkPush(orderReference={}, paymentReference={}, amount={} {})",
            self.0.order_reference(),
            self.0.payment_reference(),
            self.0.payment_amount(),
            self.0.currency()
        )
    }
}

#[uniffi::export]
impl StkPush {
    /// Validates a typed request; every problem is reported at once.
    #[uniffi::constructor]
    pub fn new(input: StkPushInput, options: RequestOptions) -> Result<Arc<Self>> {
        let input = core::StkPushInput::from(input);
        Ok(Arc::new(StkPush(core::StkPush::new(
            &input,
            &(&options).into(),
        )?)))
    }

    /// Validates a request in the provider's JSON shape, given as text (its
    /// numbers reach the core as written, never through a double).
    #[uniffi::constructor]
    pub fn from_json(json: String, options: RequestOptions) -> Result<Arc<Self>> {
        Ok(Arc::new(StkPush(core::StkPush::from_json(
            json.as_bytes(),
            &(&options).into(),
        )?)))
    }

    /// The exact JSON body.
    pub fn body(&self) -> String {
        String::from_utf8_lossy(self.0.body()).into_owned()
    }

    /// The text that is signed: `orderReference + paymentCurrency + msisdn + paymentAmount`.
    pub fn signing_string(&self) -> String {
        self.0.signing_string().to_owned()
    }

    /// `order.orderReference`.
    pub fn order_reference(&self) -> String {
        self.0.order_reference().to_owned()
    }

    /// `payment.paymentReference`.
    pub fn payment_reference(&self) -> String {
        self.0.payment_reference().to_owned()
    }

    /// `order.orderAmount`.
    pub fn order_amount(&self) -> Amount {
        self.0.order_amount()
    }

    /// `payment.details.paymentAmount`.
    pub fn payment_amount(&self) -> Amount {
        self.0.payment_amount()
    }

    /// `payment.paymentCurrency`.
    pub fn currency(&self) -> String {
        self.0.currency().to_owned()
    }

    /// `payment.details.msisdn`, as written in the body.
    pub fn msisdn(&self) -> String {
        self.0.msisdn().to_owned()
    }

    /// `payment.callbackUrl`.
    pub fn callback_url(&self) -> String {
        self.0.callback_url().to_owned()
    }

    /// Signs with the library's signer.
    pub fn sign(&self, signer: &Signer) -> Result<Arc<SignedStkPush>> {
        Ok(Arc::new(SignedStkPush(self.0.clone().sign(&signer.0)?)))
    }

    /// Signs with the app's own signer (a key in Android Keystore or the iOS keychain).
    pub fn sign_with(&self, signer: Box<dyn ForeignSigner>) -> Result<Arc<SignedStkPush>> {
        let raw = signer.sign(self.0.signing_string().as_bytes().to_vec())?;
        let signature = core::Signature::from_bytes(&raw)?;
        Ok(Arc::new(SignedStkPush(
            self.0.clone().with_signature(signature),
        )))
    }

    /// Attaches a Base64 signature made elsewhere (`invalid_signature_encoding` if malformed).
    pub fn with_signature(&self, signature_base64: String) -> Result<Arc<SignedStkPush>> {
        Ok(Arc::new(SignedStkPush(
            self.0.clone().with_signature_base64(&signature_base64)?,
        )))
    }
}

/// A signed request, ready to become the HTTP request.
#[derive(Debug, uniffi::Object)]
pub struct SignedStkPush(pub(crate) core::SignedStkPush);

#[uniffi::export]
impl SignedStkPush {
    /// The Base64 signature (the `Signature` header).
    pub fn signature(&self) -> String {
        self.0.signature().as_str().to_owned()
    }

    /// The request that was signed.
    pub fn push(&self) -> Arc<StkPush> {
        Arc::new(StkPush(self.0.push().clone()))
    }

    /// Throws `signature_mismatch` unless the signature verifies under `verifier`.
    pub fn verify(&self, verifier: &Verifier) -> Result<()> {
        Ok(self.0.verify(&verifier.0)?)
    }

    /// `POST {base}/api-checkout/mpesa-stk-push/v3.0/init` with its headers and body.
    pub fn http_request(&self, environment: &Environment, token: &AccessToken) -> Arc<HttpRequest> {
        Arc::new(HttpRequest(self.0.http_request(&environment.0, &token.0)))
    }
}

/// A merchant token (its text is a secret; `toString` is redacted).
#[derive(uniffi::Object)]
#[uniffi::export(Display)]
pub struct Token(pub(crate) core::Token);

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Token(<redacted>, expiresAt={})", self.0.expires_at())
    }
}

#[uniffi::export]
impl Token {
    /// The bearer token.
    pub fn access_token(&self) -> Arc<AccessToken> {
        Arc::new(AccessToken(self.0.access_token().clone()))
    }

    /// The refresh token, if sent (a secret).
    pub fn refresh_token(&self) -> Option<String> {
        self.0.refresh_token().map(str::to_owned)
    }

    /// `tokenType` (`Bearer`).
    pub fn token_type(&self) -> String {
        self.0.token_type().to_owned()
    }

    /// `issuedAt`, as the provider stated it.
    pub fn issued_at(&self) -> Option<DateTime> {
        self.0.issued_at()
    }

    /// `expiresIn`, as the provider stated it (a timestamp).
    pub fn provider_expires_at(&self) -> Option<DateTime> {
        self.0.provider_expires_at()
    }

    /// When the response was received (your clock).
    pub fn received_at(&self) -> DateTime {
        self.0.received_at()
    }

    /// When to consider it expired: receipt time plus the stated lifetime.
    pub fn expires_at(&self) -> DateTime {
        self.0.expires_at()
    }
}

/// The answer to the token request.
#[derive(uniffi::Enum)]
pub enum TokenResponse {
    /// A token to use.
    Token {
        /// The token.
        token: Arc<Token>,
    },
    /// The provider refused (bad credentials).
    Rejected {
        /// What was refused and what to do next.
        rejection: crate::types::Rejection,
    },
}

/// What the token state says to do now.
#[derive(uniffi::Enum)]
pub enum TokenAction {
    /// Use this token.
    Use {
        /// The token.
        token: Arc<AccessToken>,
    },
    /// Send this token request, then pass the answer to `onResponse`.
    Refresh {
        /// The token request.
        request: Arc<HttpRequest>,
    },
}

/// Holds the current token and decides when to refresh it (thread-safe).
#[derive(uniffi::Object)]
#[uniffi::export(Display)]
pub struct TokenState(Mutex<core::TokenState>);

impl fmt::Display for TokenState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TokenState(<redacted>)")
    }
}

impl TokenState {
    fn state(&self) -> std::sync::MutexGuard<'_, core::TokenState> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[uniffi::export]
impl TokenState {
    /// No token yet; refreshes 60 s before expiry.
    #[uniffi::constructor]
    pub fn new(environment: &Environment, credentials: &Credentials) -> Arc<Self> {
        Arc::new(TokenState(Mutex::new(core::TokenState::new(
            environment.0.clone(),
            credentials.0.clone(),
        ))))
    }

    /// No token yet; refreshes `margin` before expiry.
    #[uniffi::constructor]
    pub fn with_margin(
        environment: &Environment,
        credentials: &Credentials,
        margin: Duration,
    ) -> Arc<Self> {
        Arc::new(TokenState(Mutex::new(
            core::TokenState::new(environment.0.clone(), credentials.0.clone()).with_margin(margin),
        )))
    }

    /// Use the current token, or refresh first.
    pub fn next_action(&self, now: DateTime) -> TokenAction {
        match self.state().next_action(now) {
            core::TokenAction::Use(token) => TokenAction::Use {
                token: Arc::new(AccessToken(token)),
            },
            core::TokenAction::Refresh(request) => TokenAction::Refresh {
                request: Arc::new(HttpRequest(request)),
            },
        }
    }

    /// Stores the token from the token response received at `now`; a
    /// refusal throws `provider_rejected` with the rejection.
    pub fn on_response(&self, status: u16, body: Vec<u8>, now: DateTime) -> Result<Arc<Token>> {
        let status = http_status(status)?;
        let mut state = self.state();
        let token = state.on_response(status, &body, now, &Limits::default())?;
        Ok(Arc::new(Token(token.clone())))
    }

    /// The current token, if any.
    pub fn token(&self) -> Option<Arc<Token>> {
        self.state().token().map(|t| Arc::new(Token(t.clone())))
    }

    /// Forgets the token (after a 401).
    pub fn invalidate(&self) {
        self.state().invalidate();
    }
}

/// Makes and checks per-payment callback URLs carrying an HMAC token.
#[derive(uniffi::Object)]
#[uniffi::export(Display)]
pub struct CallbackUrls(core::CallbackUrls);

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
