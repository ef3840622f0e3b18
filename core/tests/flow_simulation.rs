//! The payment flow against a simulated provider on a faulty link, in
//! simulated time (as h11 and quinn test their state machines): for any mix
//! of lost answers, refused connections, 5xx and 429 answers, slow customers
//! and missing IPNs, the flow
//! * never prompts a customer twice (a push that reached the provider is
//!   never followed by another one),
//! * never reports a paid customer as failed, rejected or not sent, and
//!   reports paid whenever the IPN reached it or the status query could tell,
//! * always ends, within its deadline plus one request.
//!
//! A second test runs a hundred payments of one client at once: one token
//! request serves them all.

#![cfg(any(feature = "rsa", feature = "ring", feature = "aws-lc-rs"))]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use jenga_stk::{
    Action, Credentials, DateTime, Endpoint, Environment, FlowContext, FlowRequest, OutcomeKind,
    PaymentFlow, RequestOptions, RetryPolicy, SharedTokens, Signer, StkPush, TransportFailure,
    parse_ipn,
};
use proptest::prelude::*;
use serde_json::{Value, json};

fn signed_push(order: &str, payment: &str) -> jenga_stk::SignedStkPush {
    use std::sync::OnceLock;
    static SIGNER: OnceLock<Signer> = OnceLock::new();
    let signer = SIGNER.get_or_init(|| {
        Signer::from_pem(include_str!("../../tests/keys/test-pkcs1-2048.pem")).unwrap()
    });
    let body = json!({
        "order": {"orderReference": order, "orderAmount": 2, "orderCurrency": "KES",
                  "countryCode": "KE", "description": "Purchase"},
        "customer": {"name": "John Doe", "email": "a@example.com", "phoneNumber": "0722000111",
                     "identityNumber": "1"},
        "payment": {"paymentReference": payment, "paymentCurrency": "KES",
                    "callbackUrl": "https://shop.example.com/cb",
                    "details": {"msisdn": "0722000000", "paymentAmount": 2}}
    });
    StkPush::from_json(body.to_string().as_bytes(), &RequestOptions::default())
        .unwrap()
        .sign(signer)
        .unwrap()
}

/// What happens to one request on the link.
#[derive(Clone, Copy, Debug)]
enum Fault {
    /// Delivered and answered.
    None,
    /// Refused before anything was sent.
    ConnectFailed,
    /// Processed by the provider, but the answer is lost.
    LostAfter,
    /// Reset before the provider processed it.
    LostBefore,
    /// A gateway 502 (HTML) without processing.
    Gateway,
    /// A gateway 502 after processing.
    GatewayAfter,
    /// 429 with Retry-After: 1, without processing.
    RateLimited,
}

fn fault() -> impl Strategy<Value = Fault> {
    prop_oneof![
        6 => Just(Fault::None),
        1 => Just(Fault::ConnectFailed),
        1 => Just(Fault::LostAfter),
        1 => Just(Fault::LostBefore),
        1 => Just(Fault::Gateway),
        1 => Just(Fault::GatewayAfter),
        1 => Just(Fault::RateLimited),
    ]
}

/// The simulated provider for one order.
#[derive(Default)]
struct Provider {
    /// Prompts sent to the customer (pushes processed).
    prompts: u32,
    /// When the customer answers, after the first prompt (ms of sim time).
    prompted_at: Option<u64>,
    token_requests: u32,
}

struct Scenario {
    faults: Vec<Fault>,
    /// The customer pays (true) or cancels, this long after the prompt.
    pays: bool,
    answers_after_ms: u64,
    /// The IPN reaches the merchant this long after the customer answers (None: never).
    ipn_after_ms: Option<u64>,
    /// The IPN may be handed in while a request is in flight (a webhook on
    /// another thread), not only between requests.
    ipn_during_requests: bool,
}

impl Provider {
    fn order_state(&self, now: u64, s: &Scenario) -> Option<&'static str> {
        let at = self.prompted_at?;
        Some(if now >= at + s.answers_after_ms {
            if s.pays { "Paid" } else { "Cancelled" }
        } else {
            "Pending"
        })
    }

    fn status_body(&self, now: u64, s: &Scenario) -> String {
        match self.order_state(now, s) {
            None => json!({"status": false, "code": 111102, "message": "Transaction with the passed reference cannot be found"}).to_string(),
            Some(invoice) => {
                let paid = invoice == "Paid";
                json!({"status": true, "code": "0", "message": "Order found", "data": {
                    "order": {"orderReference": "OR1", "orderAmount": 2, "amountPaid": if paid {2} else {0},
                              "orderStatus": if paid {"Paid"} else {"Pending"}},
                    "invoices": [{"amount": 2, "invoiceStatus": invoice, "orderReference": "OR1",
                                  "externalReference": if paid {"SIMRECEIPT1"} else {""}}]}}).to_string()
            }
        }
    }

    /// Processes `request` at `now`; the answer (status, retry-after, body).
    fn process(
        &mut self,
        request: &FlowRequest,
        now: u64,
        s: &Scenario,
    ) -> (u16, Option<&'static str>, String) {
        match request.endpoint {
            Endpoint::Token => {
                self.token_requests += 1;
                (
                    200,
                    None,
                    r#"{"accessToken":"eyJ.sim.tok","expiresIn":900}"#.to_owned(),
                )
            }
            Endpoint::Init => {
                // The sandbox's rule: an order already prompted refuses a second push.
                self.prompts += 1;
                self.prompted_at.get_or_insert(now);
                (
                    200,
                    None,
                    r#"{"status":true,"code":"0","message":"Success"}"#.to_owned(),
                )
            }
            Endpoint::Status => (200, None, self.status_body(now, s)),
        }
    }
}

const HTML_502: &str = "<html><body>502 Bad Gateway</body></html>";

fn ipn_body(paid: bool) -> Vec<u8> {
    json!({"callbackType": "IPN", "customer": {"reference": "OR1"},
           "transaction": {"date": "2024-08-09 16:22:50", "reference": if paid {"SIMRECEIPT1"} else {"SIMFAILED1"},
                           "paymentMode": "MPESA", "amount": 2, "currency": "KES",
                           "status": if paid {"SUCCESS"} else {"FAILED"}}})
    .to_string()
    .into_bytes()
}

/// Hands the IPN in once its time has come.
fn deliver_ipn(
    flow: &mut PaymentFlow,
    provider: &Provider,
    s: &Scenario,
    now: u64,
    delivered: &mut bool,
) {
    if let (Some(prompted), Some(after)) = (provider.prompted_at, s.ipn_after_ms)
        && !*delivered
        && now >= prompted + s.answers_after_ms + after
    {
        *delivered = true;
        let ipn = parse_ipn(&ipn_body(s.pays), &Default::default()).unwrap();
        flow.handle_ipn(ipn).unwrap();
    }
}

/// Runs one payment to its end; returns the outcome kind and the provider.
fn simulate(s: &Scenario, policy: RetryPolicy, seed: u64) -> (OutcomeKind, Provider, u64) {
    let tokens = Arc::new(SharedTokens::for_credentials(
        Environment::Uat,
        Credentials::new("k", "m", "s").unwrap(),
    ));
    let start = DateTime::from_unix_millis(1_723_200_000_000);
    let mut flow = PaymentFlow::new(
        signed_push("OR1", "PAY1"),
        FlowContext::new(tokens),
        policy,
        None,
        seed,
        start,
    );
    let mut provider = Provider::default();
    let mut faults = s.faults.iter().copied().cycle().take(10_000);
    let mut now: u64 = 0;
    let mut ipn_delivered = false;
    let at = |ms: u64| start.plus(Duration::from_millis(ms));
    for _ in 0..10_000 {
        // The IPN, when its time has come.
        deliver_ipn(&mut flow, &provider, s, now, &mut ipn_delivered);
        match flow.poll(at(now)).unwrap() {
            Action::Done(outcome) => return (outcome.kind, provider, now),
            Action::Wait(until) => {
                let until = (until.unix_millis() - start.unix_millis()) as u64;
                assert!(until > now, "waits must move time forward");
                // Wake early for the IPN, as a driver does when one is handed in.
                let ipn_at = match (provider.prompted_at, s.ipn_after_ms, ipn_delivered) {
                    (Some(p), Some(a), false) => p + s.answers_after_ms + a,
                    _ => u64::MAX,
                };
                now = until.min(ipn_at.max(now + 1));
            }
            Action::Send(request) => {
                let fault = if request.endpoint == Endpoint::Token && provider.token_requests == 0 {
                    Fault::None
                } else {
                    faults.next().unwrap_or(Fault::None)
                };
                now += 100;
                match fault {
                    Fault::None => {
                        let (status, ra, body) = provider.process(&request, now, s);
                        if s.ipn_during_requests {
                            deliver_ipn(&mut flow, &provider, s, now, &mut ipn_delivered);
                        }
                        flow.handle_response(at(now), status, ra, body.as_bytes())
                            .unwrap();
                    }
                    Fault::ConnectFailed => flow
                        .handle_transport_failure(at(now), TransportFailure::ConnectFailed)
                        .unwrap(),
                    Fault::LostAfter => {
                        provider.process(&request, now, s);
                        now += request.timeout.as_millis() as u64;
                        if s.ipn_during_requests {
                            deliver_ipn(&mut flow, &provider, s, now, &mut ipn_delivered);
                        }
                        flow.handle_transport_failure(at(now), TransportFailure::Timeout)
                            .unwrap();
                    }
                    Fault::LostBefore => flow
                        .handle_transport_failure(at(now), TransportFailure::ConnectionLost)
                        .unwrap(),
                    Fault::Gateway => flow
                        .handle_response(at(now), 502, None, HTML_502.as_bytes())
                        .unwrap(),
                    Fault::GatewayAfter => {
                        provider.process(&request, now, s);
                        if s.ipn_during_requests {
                            deliver_ipn(&mut flow, &provider, s, now, &mut ipn_delivered);
                        }
                        flow.handle_response(at(now), 502, None, HTML_502.as_bytes())
                            .unwrap();
                    }
                    Fault::RateLimited => flow
                        .handle_response(at(now), 429, Some("1"), b"Too Many Requests")
                        .unwrap(),
                }
            }
        }
    }
    panic!("the flow did not end in 10,000 steps");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn never_a_second_prompt_and_never_a_lost_payment(
        faults in proptest::collection::vec(fault(), 1..12),
        pays in any::<bool>(),
        answers_after_ms in 0u64..120_000,
        ipn_after_ms in proptest::option::of(0u64..60_000),
        ipn_during_requests in any::<bool>(),
        seed in any::<u64>(),
    ) {
        let s = Scenario { faults, pays, answers_after_ms, ipn_after_ms, ipn_during_requests };
        let policy = RetryPolicy::default();
        let (kind, provider, ended_at) = simulate(&s, policy, seed);
        // Never a second prompt: every push after the first found the order unknown.
        prop_assert!(provider.prompts <= 1, "{} prompts", provider.prompts);
        // Ends within the deadline plus one request (and its timeout).
        let bound = policy.timeout + policy.request_timeout * 2 + Duration::from_secs(1);
        prop_assert!(Duration::from_millis(ended_at) <= bound, "ended at {ended_at} ms");
        if provider.prompts == 1 && pays {
            // A paying customer is never reported failed, refused or not sent.
            prop_assert!(
                matches!(kind, OutcomeKind::Paid | OutcomeKind::Undecided),
                "{kind:?}"
            );
        }
        if provider.prompts == 1 && !pays {
            prop_assert!(matches!(kind, OutcomeKind::Failed | OutcomeKind::Undecided), "{kind:?}");
        }
        if provider.prompts == 0 {
            // Nothing reached the customer: never paid or failed (undecided
            // when the provider could not even be asked).
            prop_assert!(
                matches!(kind, OutcomeKind::NotSent | OutcomeKind::Rejected | OutcomeKind::Undecided),
                "{kind:?}"
            );
        }
    }
}

#[test]
fn a_clean_link_always_decides() {
    for pays in [true, false] {
        for answers_after_ms in [0, 4_000, 30_000, 100_000] {
            for ipn_after_ms in [None, Some(0), Some(20_000)] {
                let s = Scenario {
                    faults: vec![Fault::None],
                    pays,
                    answers_after_ms,
                    ipn_after_ms,
                    ipn_during_requests: true,
                };
                let (kind, provider, _) = simulate(&s, RetryPolicy::default(), 1);
                assert_eq!(provider.prompts, 1);
                let want = if pays {
                    OutcomeKind::Paid
                } else {
                    OutcomeKind::Failed
                };
                assert_eq!(
                    kind, want,
                    "pays {pays}, after {answers_after_ms}, ipn {ipn_after_ms:?}"
                );
            }
        }
    }
}

#[test]
fn a_hundred_payments_share_one_token_request() {
    let tokens = Arc::new(SharedTokens::for_credentials(
        Environment::Uat,
        Credentials::new("k", "m", "s").unwrap(),
    ));
    let start = DateTime::from_unix_millis(1_723_200_000_000);
    let mut flows: Vec<PaymentFlow> = (0..100)
        .map(|i| {
            PaymentFlow::new(
                signed_push(&format!("OR{i}"), &format!("PAY{i}")),
                FlowContext::new(Arc::clone(&tokens)),
                RetryPolicy::default(),
                None,
                i,
                start,
            )
        })
        .collect();
    let mut sent: HashMap<&'static str, u32> = HashMap::new();
    let mut token_holder = None;
    // Every payment polls before the token answer comes: one fetches, 99 wait.
    for (i, flow) in flows.iter_mut().enumerate() {
        match flow.poll(start).unwrap() {
            Action::Send(r) => {
                assert_eq!(r.endpoint, Endpoint::Token);
                *sent.entry("token").or_default() += 1;
                token_holder = Some(i);
            }
            Action::Wait(until) => assert_eq!(until.unix_millis(), start.unix_millis() + 50),
            Action::Done(o) => panic!("{o:?}"),
        }
    }
    assert_eq!(sent.get("token"), Some(&1));
    let t = start.plus(Duration::from_millis(40));
    flows[token_holder.unwrap()]
        .handle_response(
            t,
            200,
            None,
            br#"{"accessToken":"eyJ.one.tok","expiresIn":900}"#,
        )
        .unwrap();
    let later = start.plus(Duration::from_millis(60));
    for flow in &mut flows {
        match flow.poll(later).unwrap() {
            Action::Send(r) => {
                assert_eq!(r.endpoint, Endpoint::Init);
                assert_eq!(r.http.header("Authorization"), Some("Bearer eyJ.one.tok"));
                *sent.entry("init").or_default() += 1;
            }
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(sent.get("token"), Some(&1));
    assert_eq!(sent.get("init"), Some(&100));
}

#[test]
fn saved_flows_are_versioned_and_refuse_what_they_are_not() {
    let tokens = Arc::new(SharedTokens::for_credentials(
        Environment::Uat,
        Credentials::new("k", "m", "s").unwrap(),
    ));
    let context = FlowContext::new(tokens);
    let start = DateTime::from_unix_millis(1_723_200_000_000);
    let flow = PaymentFlow::new(
        signed_push("OR1", "PAY1"),
        context.clone(),
        RetryPolicy::default(),
        None,
        9,
        start,
    );
    let saved: Value = serde_json::from_str(&flow.to_json()).unwrap();
    assert_eq!(saved["version"], 1);
    // No secret is saved: not the token state, not the callback secret.
    assert!(!flow.to_json().contains("\"k\""));
    let mut other = saved.clone();
    other["version"] = json!(2);
    let e = PaymentFlow::from_json(other.to_string().as_bytes(), context.clone()).unwrap_err();
    assert_eq!(e.code(), "flow_state_invalid");
    assert!(e.to_string().contains("version 2"), "{e}");
    let mut tampered = saved.clone();
    tampered["push"]["body"] = json!(
        saved["push"]["body"]
            .as_str()
            .unwrap()
            .replace("\"orderAmount\":2", "\"orderAmount\":2.00")
    );
    assert_eq!(
        PaymentFlow::from_json(tampered.to_string().as_bytes(), context.clone())
            .unwrap_err()
            .code(),
        "flow_state_invalid"
    );
    for junk in ["", "{}", "[]", "{\"version\":1}", "null"] {
        assert_eq!(
            PaymentFlow::from_json(junk.as_bytes(), context.clone())
                .unwrap_err()
                .code(),
            "flow_state_invalid",
            "{junk}"
        );
    }
}
