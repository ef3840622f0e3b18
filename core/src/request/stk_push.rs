//! [`StkPush`]: a validated request with its exact body bytes and signing
//! string, and [`SignedStkPush`]: the same with its signature, ready to become
//! an HTTP request.
//!
//! The signing string is `order.orderReference + payment.paymentCurrency +
//! payment.details.msisdn + payment.details.paymentAmount`, concatenated from
//! the very same strings that are written into the body, so the two cannot
//! differ (the usual cause of the provider's "403 Invalid signature").

use super::input::StkPushInput;
use super::json_input;
use super::validate::{self as rules, Validated, validate};
use crate::amount::Amount;
use crate::country::Country;
use crate::error::{Problems, SignatureError, ValidationError};
use crate::http::{Environment, HttpRequest, Method};
use crate::json_writer::ObjectWriter;
use crate::options::{AmountEncoding, RequestOptions};
use crate::signing::{Signature, Signer, Verifier};
use crate::token::AccessToken;

/// The path of the STK push (wallet settlement) initiation endpoint.
pub const STK_PUSH_PATH: &str = "/api-checkout/mpesa-stk-push/v3.0/init";

/// A validated STK push request: its body bytes and signing string are fixed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StkPush {
    fields: Validated,
    options: RequestOptions,
    body: Vec<u8>,
    signing_string: String,
}

impl StkPush {
    /// Validates `input` under `options`, reporting every problem at once.
    pub fn new(input: &StkPushInput, options: &RequestOptions) -> Result<StkPush, ValidationError> {
        Ok(Self::from_validated(
            validate(input, options, Problems::default())?,
            options,
        ))
    }

    /// Reads the request from JSON in the provider's shape (amounts as JSON
    /// numbers or decimal strings) and validates it; type problems and rule
    /// problems are reported together.
    pub fn from_json(json: &[u8], options: &RequestOptions) -> Result<StkPush, ValidationError> {
        let mut problems = Problems::default();
        let Some(input) = json_input::read(json, &mut problems) else {
            return Err(problems.into_error());
        };
        Ok(Self::from_validated(
            validate(&input, options, problems)?,
            options,
        ))
    }

    fn from_validated(v: Validated, options: &RequestOptions) -> StkPush {
        let body = write_body(&v, options.amount_style.encoding);
        let signing_string = [
            v.order_reference.as_str(),
            v.payment_currency.as_str(),
            v.msisdn.as_str(),
            v.payment_amount_text.as_str(),
        ]
        .concat();
        StkPush {
            fields: v,
            options: options.clone(),
            body,
            signing_string,
        }
    }

    /// The options the request was validated and written with.
    pub fn options(&self) -> &RequestOptions {
        &self.options
    }

    /// The exact JSON body bytes (compact, fields in the provider page's order).
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// The string to sign: `orderReference + paymentCurrency + msisdn + paymentAmount`,
    /// each exactly as written in the body.
    pub fn signing_string(&self) -> &str {
        &self.signing_string
    }

    /// Signs the signing string with `signer`.
    pub fn sign(self, signer: &Signer) -> Result<SignedStkPush, SignatureError> {
        let signature = signer.sign(self.signing_string.as_bytes())?;
        Ok(SignedStkPush {
            push: self,
            signature,
        })
    }

    /// Attaches a signature made elsewhere (KMS, HSM, phone keystore) over
    /// [`signing_string`](Self::signing_string).
    pub fn with_signature(self, signature: Signature) -> SignedStkPush {
        SignedStkPush {
            push: self,
            signature,
        }
    }

    /// Attaches a Base64 signature made elsewhere; malformed Base64 is refused.
    pub fn with_signature_base64(self, base64: &str) -> Result<SignedStkPush, SignatureError> {
        Ok(self.with_signature(Signature::from_base64(base64)?))
    }

    /// The order's country.
    pub fn country(&self) -> Country {
        self.fields.country
    }
    /// `order.orderReference`.
    pub fn order_reference(&self) -> &str {
        &self.fields.order_reference
    }
    /// `payment.paymentReference`.
    pub fn payment_reference(&self) -> &str {
        &self.fields.payment_reference
    }
    /// `order.orderAmount`.
    pub fn order_amount(&self) -> Amount {
        self.fields.order_amount
    }
    /// `payment.details.paymentAmount`.
    pub fn payment_amount(&self) -> Amount {
        self.fields.payment_amount
    }
    /// `payment.paymentCurrency` (equal to `order.orderCurrency`).
    pub fn currency(&self) -> &str {
        &self.fields.payment_currency
    }
    /// `payment.details.msisdn`, in the configured phone format.
    pub fn msisdn(&self) -> &str {
        &self.fields.msisdn
    }
    /// `payment.callbackUrl`.
    pub fn callback_url(&self) -> &str {
        &self.fields.callback_url
    }
    /// `customer.name`.
    pub fn customer_name(&self) -> &str {
        &self.fields.customer_name
    }
}

fn write_body(v: &Validated, encoding: AmountEncoding) -> Vec<u8> {
    let amount = |w: &mut ObjectWriter<'_>, key: &str, text: &str| match encoding {
        AmountEncoding::Number => w.raw(key, text),
        AmountEncoding::String => w.string(key, text),
    };
    let mut out = Vec::with_capacity(640);
    let mut top = ObjectWriter::new(&mut out);
    top.object("order", |o| {
        o.string("orderReference", &v.order_reference);
        amount(o, "orderAmount", &v.order_amount_text);
        o.string("orderCurrency", &v.order_currency);
        o.string("source", &v.source);
        o.string("countryCode", v.country.code());
        o.string("description", &v.description);
    });
    top.object("customer", |c| {
        c.string("name", &v.customer_name);
        c.string("email", &v.customer_email);
        c.string("phoneNumber", &v.customer_phone);
        c.string("identityNumber", &v.identity_number);
        c.string("firstAddress", &v.first_address);
        c.string("secondAddress", &v.second_address);
    });
    top.object("payment", |p| {
        p.string("paymentReference", &v.payment_reference);
        p.string("paymentCurrency", &v.payment_currency);
        p.string("channel", &v.channel);
        p.string("service", &v.service);
        p.string("provider", &v.provider);
        p.string("callbackUrl", &v.callback_url);
        p.object("details", |d| {
            d.string("msisdn", &v.msisdn);
            amount(d, "paymentAmount", &v.payment_amount_text);
        });
    });
    top.close();
    out
}

/// A validated request with its signature: everything needed to send it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedStkPush {
    push: StkPush,
    signature: Signature,
}

impl SignedStkPush {
    /// The request.
    pub fn push(&self) -> &StkPush {
        &self.push
    }

    /// The signature (the `Signature` header's value).
    pub fn signature(&self) -> &Signature {
        &self.signature
    }

    /// The same request with another `payment.paymentReference` and
    /// `payment.callbackUrl` (each validated as in [`StkPush::new`]), keeping
    /// the signature: the signing string covers neither, so it is unchanged.
    /// This is how a payment is pushed again after the provider said it does
    /// not know the first push: a new payment reference, the same order.
    pub fn with_payment_reference(
        &self,
        payment_reference: &str,
        callback_url: &str,
    ) -> Result<SignedStkPush, ValidationError> {
        let mut problems = Problems::default();
        crate::text::reference(
            &mut problems,
            "payment.paymentReference",
            payment_reference,
            self.push.options.max_reference_len,
        );
        rules::callback_url(&mut problems, callback_url);
        problems.into_result(())?;
        let mut fields = self.push.fields.clone();
        fields.payment_reference = payment_reference.to_owned();
        fields.callback_url = callback_url.to_owned();
        let push = StkPush::from_validated(fields, &self.push.options);
        debug_assert_eq!(push.signing_string, self.push.signing_string);
        Ok(SignedStkPush {
            push,
            signature: self.signature.clone(),
        })
    }

    /// Checks the signature against a public key, e.g. the one registered
    /// with the provider, before sending.
    pub fn verify(&self, verifier: &Verifier) -> Result<(), SignatureError> {
        verifier.verify(self.push.signing_string.as_bytes(), &self.signature)
    }

    /// The complete HTTP request: `POST {base}/api-checkout/mpesa-stk-push/v3.0/init`
    /// with `Content-Type`, `Authorization: Bearer …` and `Signature` headers.
    pub fn http_request(&self, environment: &Environment, token: &AccessToken) -> HttpRequest {
        HttpRequest::new(
            Method::Post,
            environment.url(STK_PUSH_PATH),
            vec![
                ("Content-Type".to_owned(), "application/json".to_owned()),
                (
                    "Authorization".to_owned(),
                    format!("Bearer {}", token.expose()),
                ),
                ("Signature".to_owned(), self.signature.as_str().to_owned()),
            ],
            self.push.body.clone(),
        )
    }
}
