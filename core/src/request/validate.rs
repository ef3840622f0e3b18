//! Validation of an [`StkPushInput`] into the exact texts the body will carry.
//! Every rule of the request lives here, and every problem is reported.

use super::input::StkPushInput;
use crate::amount::Amount;
use crate::country::Country;
use crate::error::{ProblemCode, Problems};
use crate::options::{AmountDecimals, PhoneFormat, RequestOptions};
use crate::phone::Msisdn;
use crate::text;
use crate::url::{UrlError, parse_http_url};

/// Longest accepted free text (names, identity numbers, addresses, URLs).
const MAX_TEXT: usize = 200;
const MAX_URL: usize = 2048;

/// The validated texts, exactly as they will be written to the body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Validated {
    pub(crate) country: Country,
    pub(crate) order_reference: String,
    pub(crate) order_amount: Amount,
    pub(crate) order_amount_text: String,
    pub(crate) order_currency: String,
    pub(crate) source: String,
    pub(crate) description: String,
    pub(crate) customer_name: String,
    pub(crate) customer_email: String,
    pub(crate) customer_phone: String,
    pub(crate) identity_number: String,
    pub(crate) first_address: String,
    pub(crate) second_address: String,
    pub(crate) payment_reference: String,
    pub(crate) payment_currency: String,
    pub(crate) channel: String,
    pub(crate) service: String,
    pub(crate) provider: String,
    pub(crate) callback_url: String,
    pub(crate) msisdn: String,
    pub(crate) payment_amount: Amount,
    pub(crate) payment_amount_text: String,
}

pub(crate) fn validate(
    input: &StkPushInput,
    options: &RequestOptions,
    mut problems: Problems,
) -> Result<Validated, crate::ValidationError> {
    let p = &mut problems;
    let order = &input.order;
    let customer = &input.customer;
    let payment = &input.payment;

    // The country decides currency, phone numbers and the default maximum, so
    // it is read first; its own problems are reported in the page's order below.
    let country = Country::from_code(&order.country_code);
    let max_amount = options
        .max_amount
        .or_else(|| country.map(Country::default_max_amount));

    text::reference(
        p,
        "order.orderReference",
        &order.order_reference,
        options.max_reference_len,
    );
    let order_amount = amount(
        p,
        "order.orderAmount",
        order.order_amount,
        options,
        max_amount,
    );
    currency(p, "order.orderCurrency", &order.order_currency, country);
    let source = defaulted(p, "order.source", order.source.as_deref(), "APICHECKOUT");
    country_code(p, &order.country_code);
    text::description(
        p,
        "order.description",
        &order.description,
        options.max_description_len,
    );

    text::required(p, "customer.name", &customer.name, MAX_TEXT);
    text::email(p, "customer.email", &customer.email);
    let customer_phone = phone(
        p,
        "customer.phoneNumber",
        &customer.phone_number,
        country,
        options,
    );
    text::required(
        p,
        "customer.identityNumber",
        &customer.identity_number,
        MAX_TEXT,
    );
    let first_address = customer.first_address.as_deref().unwrap_or("");
    let second_address = customer.second_address.as_deref().unwrap_or("");
    text::optional(p, "customer.firstAddress", first_address, MAX_TEXT);
    text::optional(p, "customer.secondAddress", second_address, MAX_TEXT);

    text::reference(
        p,
        "payment.paymentReference",
        &payment.payment_reference,
        options.max_reference_len,
    );
    payment_currency(p, &payment.payment_currency, &order.order_currency, country);
    let channel = defaulted(p, "payment.channel", payment.channel.as_deref(), "MOBILE");
    let service = defaulted(p, "payment.service", payment.service.as_deref(), "MPESA");
    let provider = defaulted(p, "payment.provider", payment.provider.as_deref(), "JENGA");
    callback_url(p, &payment.callback_url);
    let msisdn = phone(
        p,
        "payment.details.msisdn",
        &payment.details.msisdn,
        country,
        options,
    );
    let payment_amount = amount(
        p,
        "payment.details.paymentAmount",
        payment.details.payment_amount,
        options,
        max_amount,
    );
    if let (Some((pay, _)), Some((ord, _))) = (&payment_amount, &order_amount)
        && pay > ord
    {
        p.push(
            "payment.details.paymentAmount",
            ProblemCode::AmountExceedsOrder,
            format!("{pay} is more than the order amount {ord}"),
        );
    }

    if !problems.is_empty() {
        return Err(problems.into_error());
    }
    // Every Option below is Some when no problem was recorded; the match
    // keeps that an error rather than a panic if a rule ever forgets to report.
    match (
        country,
        order_amount,
        customer_phone,
        msisdn,
        payment_amount,
    ) {
        (
            Some(country),
            Some(order_amount),
            Some(customer_phone),
            Some(msisdn),
            Some(payment_amount),
        ) => Ok(Validated {
            country,
            order_reference: order.order_reference.clone(),
            order_amount: order_amount.0,
            order_amount_text: order_amount.1,
            order_currency: order.order_currency.clone(),
            source,
            description: order.description.clone(),
            customer_name: customer.name.clone(),
            customer_email: customer.email.clone(),
            customer_phone,
            identity_number: customer.identity_number.clone(),
            first_address: first_address.to_owned(),
            second_address: second_address.to_owned(),
            payment_reference: payment.payment_reference.clone(),
            payment_currency: payment.payment_currency.clone(),
            channel,
            service,
            provider,
            callback_url: payment.callback_url.clone(),
            msisdn,
            payment_amount: payment_amount.0,
            payment_amount_text: payment_amount.1,
        }),
        _ => {
            let mut problems = Problems::default();
            problems.push("request", ProblemCode::Required, "is incomplete");
            Err(problems.into_error())
        }
    }
}

fn country_code(p: &mut Problems, code: &str) {
    let field = "order.countryCode";
    if let Some(code) = text::required(p, field, code, MAX_TEXT)
        && Country::from_code(code).is_none()
    {
        p.push(
            field,
            ProblemCode::UnsupportedCountry,
            "must be one of KE, UG, TZ, RW, SS, DRC (upper case)",
        );
    }
}

/// Checks a currency against the country.
fn currency(p: &mut Problems, field: &str, value: &str, country: Option<Country>) {
    let Some(value) = text::required(p, field, value, MAX_TEXT) else {
        return;
    };
    if let Some(c) = country.filter(|c| c.currency() != value) {
        p.push(
            field,
            ProblemCode::CurrencyCountryMismatch,
            format!("must be {} for country {}", c.currency(), c.code()),
        );
    }
}

fn payment_currency(p: &mut Problems, value: &str, order_currency: &str, country: Option<Country>) {
    let field = "payment.paymentCurrency";
    if text::required(p, field, value, MAX_TEXT).is_none() {
        return;
    }
    if !order_currency.is_empty() && value != order_currency {
        p.push(
            field,
            ProblemCode::CurrencyMismatch,
            format!("must equal order.orderCurrency ({order_currency})"),
        );
    } else if order_currency.is_empty() {
        // The order's currency is missing (reported there): check against the country.
        currency(p, field, value, country);
    }
}

fn defaulted(p: &mut Problems, field: &str, value: Option<&str>, default: &str) -> String {
    match value {
        None => default.to_owned(),
        Some(v) => text::required(p, field, v, MAX_TEXT)
            .unwrap_or_default()
            .to_owned(),
    }
}

/// Checks an amount and renders it in the configured style.
fn amount(
    p: &mut Problems,
    field: &str,
    value: Option<Amount>,
    options: &RequestOptions,
    max: Option<Amount>,
) -> Option<(Amount, String)> {
    if p.has(field) {
        return None;
    }
    let Some(value) = value else {
        p.push(field, ProblemCode::Required, "is required");
        return None;
    };
    if value.is_zero() {
        p.push(
            field,
            ProblemCode::AmountNotPositive,
            "must be more than zero",
        );
        return None;
    }
    if let Some(max) = max
        && value > max
    {
        p.push(
            field,
            ProblemCode::AmountTooLarge,
            format!("{value} is above the maximum of {max}"),
        );
        return None;
    }
    match options.amount_style.text(value) {
        Some(text) => Some((value, text)),
        None => {
            debug_assert_eq!(options.amount_style.decimals, AmountDecimals::Whole);
            p.push(
                field,
                ProblemCode::AmountNotWhole,
                format!(
                    "{value} has a fraction, but the amount style is whole units; \
                     it is never rounded (choose two-decimal style to send fractions)"
                ),
            );
            None
        }
    }
}

fn phone(
    p: &mut Problems,
    field: &str,
    value: &str,
    country: Option<Country>,
    options: &RequestOptions,
) -> Option<String> {
    let value = text::required(p, field, value, MAX_TEXT)?;
    // Without a valid country the number cannot be checked; the country's own
    // problem is already reported.
    let country = country?;
    let Some(number) = Msisdn::parse(value, country) else {
        p.push(
            field,
            ProblemCode::InvalidPhone,
            format!(
                "is not a mobile number of {}: use 0XXXXXXXXX, {cc}XXXXXXXXX or +{cc}XXXXXXXXX \
                 with ASCII digits (spaces, dashes, dots and parentheses are fine)",
                country.code(),
                cc = country.calling_code()
            ),
        );
        return None;
    };
    Some(match options.phone_format {
        PhoneFormat::AsGiven => number.as_given(),
        PhoneFormat::Local => number.local(),
        PhoneFormat::International => number.international(),
    })
}

pub(crate) fn callback_url(p: &mut Problems, value: &str) {
    let field = "payment.callbackUrl";
    let Some(value) = text::required(p, field, value, MAX_URL) else {
        return;
    };
    match parse_http_url(value) {
        Ok(_) => {}
        Err(UrlError::Invalid(why)) => {
            p.push(
                field,
                ProblemCode::InvalidUrl,
                format!("is not an absolute https URL: {why}"),
            );
        }
        Err(UrlError::Insecure) => p.push(
            field,
            ProblemCode::InsecureUrl,
            "must use https (http is accepted only for localhost and 127.0.0.1, for testing)",
        ),
    }
}
