//! The sandbox's memory: issued tokens, orders and their invoices. Counters
//! make every identifier deterministic for a given sequence of requests.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, SystemTime};

use jenga_stk::Amount;

/// One payment attempt.
#[derive(Clone, Debug)]
pub struct Invoice {
    pub invoice_number: String,
    pub payment_reference: String,
    pub amount: Amount,
    pub currency: String,
    pub msisdn: String,
    pub callback_url: String,
    /// `Pending`, `Paid`, `Cancelled` or `Expired`.
    pub status: &'static str,
    pub receipt: Option<String>,
    pub created_ms: i64,
    pub completed_ms: Option<i64>,
}

/// An order and its attempts.
#[derive(Clone, Debug)]
pub struct Order {
    pub order_reference: String,
    pub order_amount: Amount,
    pub customer_name: String,
    pub created_ms: i64,
    pub invoices: Vec<Invoice>,
}

impl Order {
    pub fn amount_paid(&self) -> Amount {
        self.invoices
            .iter()
            .filter(|i| i.status == "Paid")
            .fold(Amount::ZERO, |sum, i| {
                sum.checked_add(i.amount).unwrap_or(sum)
            })
    }

    pub fn is_paid(&self) -> bool {
        self.amount_paid() >= self.order_amount
    }
}

#[derive(Debug, Default)]
pub struct State {
    tokens: HashMap<String, SystemTime>,
    pub orders: HashMap<String, Order>,
    payment_references: HashSet<String>,
    counter: u64,
}

impl State {
    /// A fresh number for identifiers.
    pub fn next(&mut self) -> u64 {
        self.counter += 1;
        self.counter
    }

    pub fn issue_token(&mut self, token: String, expires: SystemTime) {
        self.tokens.retain(|_, exp| *exp > SystemTime::now());
        self.tokens.insert(token, expires);
    }

    pub fn token_valid(&self, token: &str, now: SystemTime) -> bool {
        self.tokens.get(token).is_some_and(|exp| *exp > now)
    }

    /// Forgets one token: it is refused from now on.
    pub fn revoke_token(&mut self, token: &str) {
        self.tokens.remove(token);
    }

    /// Makes every issued token expired (the `/sandbox/expire-tokens` admin call).
    pub fn expire_tokens(&mut self) {
        let past = SystemTime::now()
            .checked_sub(Duration::from_secs(1))
            .unwrap_or(SystemTime::UNIX_EPOCH);
        for exp in self.tokens.values_mut() {
            *exp = past;
        }
    }

    /// Records a payment reference; false if it was used before.
    pub fn claim_payment_reference(&mut self, reference: &str) -> bool {
        self.payment_references.insert(reference.to_owned())
    }
}

pub fn unix_ms(t: SystemTime) -> i64 {
    t.duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}
