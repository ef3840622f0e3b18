//! The validated `StkPush` and the `SignedStkPush`.

use std::fmt;
use std::sync::Arc;

use jenga_stk as core;
use jenga_stk::Amount;

use super::{AccessToken, Environment, ForeignSigner, HttpRequest, Result, Signer, Verifier};
use crate::types::{RequestOptions, StkPushInput};

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

    /// Signs with your own signer (a key in an HSM or a cloud KMS on your server).
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
