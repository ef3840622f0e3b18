//! What the sandbox counts for tests: requests per endpoint, tokens issued,
//! prompts per order, delivery attempts and acknowledged deliveries.

use std::collections::BTreeMap;

use serde::Serialize;

/// Counts since the start or the last reset.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Counters {
    /// Calls to the token endpoint, faulty ones included.
    pub token_requests: u64,
    /// Tokens issued.
    pub tokens_issued: u64,
    /// Calls to the init endpoint, faulty and refused ones included.
    pub init_requests: u64,
    /// Prompts per order reference: accepted pushes (the customer's phone
    /// rang), including those whose answer was then lost.
    pub pushes: BTreeMap<String, u64>,
    /// All prompts.
    pub pushes_total: u64,
    /// Calls to the status endpoint, faulty ones included.
    pub status_queries: u64,
    /// Callback POSTs made, retries and duplicates included.
    pub callback_attempts: u64,
    /// Callback POSTs the merchant answered with 2xx.
    pub callbacks_delivered: u64,
    /// IPN POSTs made, retries and duplicates included.
    pub ipn_attempts: u64,
    /// IPN POSTs the merchant answered with 2xx.
    pub ipns_delivered: u64,
    /// Pushes whose deliveries (callback, IPN, retries) have not finished
    /// yet: a gauge, not a count.
    pub deliveries_pending: u64,
}
