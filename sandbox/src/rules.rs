//! How the sandbox, as the provider's double, reads an STK push body: the
//! rules the provider's page documents (every field of its request table that
//! is Required "Y" present, with the table's Format), plus the few rules the
//! sandbox assumes, each labelled. It deliberately does not apply the core's
//! stricter merchant-side checks (description characters, reference lengths,
//! the customer's phone kind, e-mail shape, country and currency lists): a
//! client built without the SDK is judged as the provider would judge it.
//!
//! Every problem is reported at once, as `field code`.

use jenga_stk::{Amount, AmountError, Country};

use crate::raw_json::{self, Json, Lookup};

/// A field's Format in the page's table.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    String,
    Number,
}

/// One row of the page's "Request Parameters" table.
struct Row {
    path: &'static str,
    format: Format,
    required: bool,
}

const fn row(path: &'static str, format: Format, required: bool) -> Row {
    Row {
        path,
        format,
        required,
    }
}

// documented: the page's "Request Parameters" table, row by row (Field,
// Format, Required). Paths are the table's; their nesting is the page's
// "Example Request".
const TABLE: [Row; 20] = [
    row("order.orderReference", Format::String, true),
    row("order.orderAmount", Format::Number, true),
    row("order.orderCurrency", Format::String, true),
    row("order.source", Format::String, true),
    row("order.countryCode", Format::String, true),
    row("order.description", Format::String, true),
    row("customer.name", Format::String, true),
    row("customer.email", Format::String, true),
    row("customer.phoneNumber", Format::String, true),
    row("customer.identityNumber", Format::String, true),
    row("customer.firstAddress", Format::String, false),
    row("customer.secondAddress", Format::String, false),
    row("payment.paymentReference", Format::String, true),
    row("payment.paymentCurrency", Format::String, true),
    row("payment.channel", Format::String, true),
    row("payment.service", Format::String, true),
    row("payment.provider", Format::String, true),
    row("payment.callbackUrl", Format::String, true),
    row("payment.details.msisdn", Format::String, true),
    row("payment.details.paymentAmount", Format::Number, true),
];

/// A problem with one field: its path and a stable code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// The field's path (`payment.details.msisdn`), or `body`.
    pub field: String,
    /// A stable code: see [`describe`] and sandbox/README.md.
    pub code: &'static str,
}

/// What the sandbox keeps of an acceptable push.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Push {
    pub order_reference: String,
    pub order_amount: Amount,
    pub country_code: String,
    pub customer_name: String,
    pub payment_reference: String,
    pub payment_currency: String,
    pub callback_url: String,
    /// As sent.
    pub msisdn: String,
    pub payment_amount: Amount,
}

impl Push {
    /// The msisdn in international form, digits only, as M-Pesa writes it in
    /// the callback's `PhoneNumber`.
    // assumption: the page's example pushes to `0722000000` and its callback
    // says `254722000000`; a number with a trunk `0` and 9 more digits is read
    // as national in `order.countryCode` (Kenya when that code is unknown).
    pub fn msisdn_international(&self) -> String {
        let digits = self.msisdn.trim_start_matches('+');
        match digits.strip_prefix('0') {
            Some(national) if national.len() == 9 => {
                let country = Country::from_code(&self.country_code).unwrap_or(Country::Kenya);
                format!("{}{national}", country.calling_code())
            }
            _ => digits.to_owned(),
        }
    }
}

/// The 400 message's detail: `field code, field code`.
pub fn describe(problems: &[Problem]) -> String {
    problems
        .iter()
        .map(|p| format!("{} {}", p.field, p.code))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Reads a push body; every problem at once.
pub fn read(body: &[u8], allow_remote_callbacks: bool) -> Result<Push, Vec<Problem>> {
    // documented: "400 Bad Request: Missing or invalid parameters in the request body".
    let Some(root) = raw_json::object(body) else {
        return Err(vec![problem("body", "not_a_json_object")]);
    };
    let mut problems = Vec::new();
    let mut texts = std::collections::HashMap::new();
    let mut scratch = Vec::new();
    for row in &TABLE {
        let value = match raw_json::lookup(&root, row.path, &mut scratch) {
            Lookup::Found(raw) => raw_json::classify(raw),
            Lookup::Missing => Json::Null,
            Lookup::NotAnObject(parent) => {
                // documented: the table's dotted paths make these objects.
                let p = problem(&parent, "not_an_object");
                if !problems.contains(&p) {
                    problems.push(p);
                }
                continue;
            }
        };
        match (value, row.format) {
            // documented: Required "Y". assumption: `null` counts as absent.
            (Json::Null, _) if row.required => problems.push(problem(row.path, "missing")),
            (Json::Null, _) => {}
            // documented: Format "String".
            (Json::String(text), Format::String) => {
                texts.insert(row.path, text);
            }
            (_, Format::String) => problems.push(problem(row.path, "not_a_string")),
            // documented: Format "Number".
            (Json::Number(text), Format::Number) => {
                texts.insert(row.path, text);
            }
            // assumption: a JSON string holding a decimal is read as a Number
            // too: the page's best-practice section says "Pass amounts as
            // strings" while its table says Number, and public clients do both.
            (Json::String(text), Format::Number)
                if !matches!(Amount::parse(&text), Err(AmountError::Invalid)) =>
            {
                texts.insert(row.path, text);
            }
            (_, Format::Number) => problems.push(problem(row.path, "not_a_number")),
        }
    }
    let mut take = |path: &str| texts.remove(path).unwrap_or_default();
    let order_amount = amount(
        "order.orderAmount",
        &take("order.orderAmount"),
        &mut problems,
    );
    let payment_amount = amount(
        "payment.details.paymentAmount",
        &take("payment.details.paymentAmount"),
        &mut problems,
    );
    let push = Push {
        order_reference: take("order.orderReference"),
        order_amount,
        country_code: take("order.countryCode"),
        customer_name: take("customer.name"),
        payment_reference: take("payment.paymentReference"),
        payment_currency: take("payment.paymentCurrency"),
        callback_url: take("payment.callbackUrl"),
        msisdn: take("payment.details.msisdn"),
        payment_amount,
    };
    assumed_rules(&push, allow_remote_callbacks, &mut problems);
    if problems.is_empty() {
        Ok(push)
    } else {
        Err(problems)
    }
}

/// Whether a problem is already reported for `field` or an object holding it.
fn reported(problems: &[Problem], field: &str) -> bool {
    problems.iter().any(|p| {
        field
            .strip_prefix(p.field.as_str())
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
    })
}

fn problem(field: &str, code: &'static str) -> Problem {
    Problem {
        field: field.to_owned(),
        code,
    }
}

/// The amount of a field that passed its Format check (`text` empty: it did not).
fn amount(field: &str, text: &str, problems: &mut Vec<Problem>) -> Amount {
    if text.is_empty() || reported(problems, field) {
        return Amount::ZERO;
    }
    match Amount::parse(text) {
        // assumption: amounts are positive. The best-practice section
        // (copied from another endpoint's page) says "Ensure the amount is
        // positive"; the table does not say.
        Ok(a) if a.is_zero() => {
            problems.push(problem(field, "amount_not_positive"));
            Amount::ZERO
        }
        Ok(a) => a,
        Err(AmountError::Negative) => {
            problems.push(problem(field, "amount_not_positive"));
            Amount::ZERO
        }
        // assumption: money in plain decimal notation with at most two
        // decimals (`2`, `2.5`, `2.50`); no exponent (`2e2`), no `2.005`.
        Err(_) => {
            problems.push(problem(field, "invalid_amount"));
            Amount::ZERO
        }
    }
}

/// The rules the sandbox needs or assumes, beyond the table.
fn assumed_rules(push: &Push, allow_remote: bool, problems: &mut Vec<Problem>) {
    let mut check = |field: &str, ok: bool, code: &'static str| {
        if !ok && !reported(problems, field) {
            problems.push(problem(field, code));
        }
    };
    // assumption: a reference identifies the order or the request, so it is
    // not empty: the page says each "should be unique", and the sandbox keys
    // orders, status queries and duplicate checks by them. Any other text,
    // of any length and with any characters, is accepted.
    check(
        "order.orderReference",
        !push.order_reference.is_empty(),
        "empty",
    );
    check(
        "payment.paymentReference",
        !push.payment_reference.is_empty(),
        "empty",
    );
    // assumption: the msisdn is a phone number M-Pesa can push to: an
    // optional `+` and 9 to 15 ASCII digits (E.164's longest). The sandbox
    // needs its last three digits to choose the outcome. Any country, local
    // or international form; `customer.phoneNumber` is not checked at all.
    let digits = push.msisdn.strip_prefix('+').unwrap_or(&push.msisdn);
    check(
        "payment.details.msisdn",
        (9..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()),
        "not_a_phone_number",
    );
    // assumption: the callback URL is an absolute http(s) URL: the sandbox
    // POSTs the callback to it.
    let url = url::Url::parse(&push.callback_url)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some());
    check("payment.callbackUrl", url.is_some(), "not_a_url");
    // sandbox safety rule, not the provider's: callbacks go only to loopback
    // hosts unless started with --allow-remote-callbacks, so a sandbox never
    // posts to the internet by accident.
    if let Some(url) = url {
        check(
            "payment.callbackUrl",
            allow_remote || is_loopback(&url),
            "not_loopback",
        );
    }
}

/// Whether a URL's host is a loopback address or `localhost`.
pub fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d == "localhost" || d.ends_with(".localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

#[cfg(test)]
#[path = "rules_tests.rs"]
mod tests;
