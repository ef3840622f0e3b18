//! Reconciliation does not depend on the order of the evidence: for any set
//! of IPNs (successes, failures, redeliveries, other orders, no order,
//! other receipts, amounts and currencies), any status query (its invoices in
//! any order) and any callback, every permutation gives the same decision.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use jenga_stk::{
    Amount, Evidence, Expected, Ipn, Limits, OrderStatus, PaymentState, StatusResponse,
    StkCallback, parse_callback, parse_ipn, parse_status_response, reconcile,
};
use proptest::prelude::*;
use serde_json::json;

const ORDER: &str = "OR28922980077";

/// An IPN for `order` (or none), with a status, receipt, amount and currency.
fn ipn_body(
    order: Option<&str>,
    status: &str,
    receipt: &str,
    amount: u32,
    currency: Option<&str>,
) -> Ipn {
    let mut customer = json!({"name": "John Doe", "mobileNumber": "0722000000"});
    if let Some(order) = order {
        customer["reference"] = json!(order);
    }
    let mut transaction = json!({
        "date": "2024-08-09 16:22:50", "reference": receipt, "paymentMode": "MPESA",
        "amount": amount, "status": status
    });
    if let Some(c) = currency {
        transaction["currency"] = json!(c);
    }
    let body = json!({"callbackType": "IPN", "customer": customer, "transaction": transaction});
    parse_ipn(body.to_string().as_bytes(), &Limits::default()).unwrap()
}

fn ipn() -> impl Strategy<Value = Ipn> {
    (
        prop_oneof![
            6 => Just(Some(ORDER)),
            1 => Just(Some("OR00000000001")),
            1 => Just(None),
        ],
        prop_oneof![Just("SUCCESS"), Just("FAILED"), Just("REVERSED")],
        prop_oneof![Just("SH90HU7FO2"), Just("SH90SECOND2"), Just("SH90FAILED1")],
        prop_oneof![Just(2u32), Just(1), Just(3)],
        prop_oneof![Just(Some("KES")), Just(None), Just(Some("USD"))],
    )
        .prop_map(|(order, status, receipt, amount, currency)| {
            ipn_body(order, status, receipt, amount, currency)
        })
}

fn invoice() -> impl Strategy<Value = serde_json::Value> {
    (
        prop_oneof![
            Just("Paid"),
            Just("Pending"),
            Just("Cancelled"),
            Just("Expired"),
            Just("Reversed")
        ],
        prop_oneof![
            Just(None),
            Just(Some("SH90HU7FO2")),
            Just(Some("SH90SECOND2"))
        ],
        prop_oneof![Just(2u32), Just(3)],
    )
        .prop_map(|(status, receipt, amount)| {
            json!({"amount": amount, "invoiceStatus": status, "orderReference": ORDER,
                   "externalReference": receipt})
        })
}

fn status_body(invoices: &[serde_json::Value], order_status: &str, paid: u32) -> OrderStatus {
    let body = json!({"status": true, "code": "0", "message": "Order found", "data": {
        "order": {"orderReference": ORDER, "orderAmount": 2, "amountPaid": paid, "orderStatus": order_status},
        "invoices": invoices}});
    match parse_status_response(200, body.to_string().as_bytes(), &Limits::default()).unwrap() {
        StatusResponse::Found(found) => found,
        other => panic!("{other:?}"),
    }
}

fn callback() -> impl Strategy<Value = Option<StkCallback>> {
    prop_oneof![
        Just(None),
        Just(Some(0)),
        Just(Some(1032)),
        Just(Some(1037))
    ]
    .prop_map(|code| {
        code.map(|code| {
            let metadata = json!({"Item": [
                {"Name": "Amount", "Value": 2}, {"Name": "MpesaReceiptNumber", "Value": "SH90HU7FO2"}]});
            let mut stk = json!({"MerchantRequestID": "m", "CheckoutRequestID": "c", "ResultCode": code});
            if code == 0 {
                stk["CallbackMetadata"] = metadata;
            }
            let body = json!({"transactionReference": "MKQR1", "data": {"Body": {"stkCallback": stk}}});
            parse_callback(body.to_string().as_bytes(), &Limits::default()).unwrap()
        })
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn every_permutation_gives_the_same_decision(
        ipns in proptest::collection::vec(ipn(), 0..6),
        invoices in proptest::collection::vec(invoice(), 0..4),
        order_status in prop_oneof![Just("Paid"), Just("Pending")],
        paid in prop_oneof![Just(0u32), Just(2), Just(4)],
        with_status in any::<bool>(),
        callback in callback(),
        seed in any::<u64>(),
        expected_amount in prop_oneof![Just(None), Just(Some(2u32))],
        expected_currency in prop_oneof![Just(None), Just(Some("KES"))],
    ) {
        let expected = Expected {
            order_reference: ORDER.to_owned(),
            amount: expected_amount.map(Amount::from_units),
            currency: expected_currency.map(str::to_owned),
        };
        let status = with_status.then(|| status_body(&invoices, order_status, paid));
        let base = reconcile(&expected, &Evidence {
            callback: callback.as_ref(),
            ipns: &ipns,
            status: status.as_ref(),
        });
        // Every rotation and reversal of the IPNs and the invoices, and a
        // seeded shuffle of both.
        let mut orders: Vec<(Vec<Ipn>, Vec<serde_json::Value>)> = Vec::new();
        for r in 0..ipns.len().max(1) {
            let mut i = ipns.clone();
            let n = i.len();
            i.rotate_left(r.min(n));
            let mut v = invoices.clone();
            let n = v.len();
            v.rotate_left(r % n.max(1));
            orders.push((i.clone(), v.clone()));
            i.reverse();
            v.reverse();
            orders.push((i, v));
        }
        let (mut i, mut v) = (ipns.clone(), invoices.clone());
        shuffle(&mut i, seed);
        shuffle(&mut v, seed.rotate_left(7));
        orders.push((i, v));
        for (i, v) in orders {
            let status = with_status.then(|| status_body(&v, order_status, paid));
            let again = reconcile(&expected, &Evidence {
                callback: callback.as_ref(),
                ipns: &i,
                status: status.as_ref(),
            });
            prop_assert_eq!(&again, &base);
        }
        // A receipt only ever comes from successful evidence.
        if base.state != PaymentState::Paid {
            prop_assert_eq!(base.mpesa_receipt, None);
            prop_assert_eq!(base.amount_paid, None);
        }
        // A success anywhere for this order wins.
        let succeeded = ipns.iter().any(|i| i.order_reference() == Some(ORDER)
                && i.transaction.status == jenga_stk::IpnStatus::Success)
            || matches!(&callback, Some(cb) if cb.result_code == 0);
        if succeeded {
            prop_assert_eq!(base.state, PaymentState::Paid);
        }
    }
}

/// A small deterministic Fisher–Yates shuffle (xorshift), so a failing case replays.
fn shuffle<T>(items: &mut [T], seed: u64) {
    let mut x = seed | 1;
    for i in (1..items.len()).rev() {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let j = usize::try_from(x % (i as u64 + 1)).unwrap();
        items.swap(i, j);
    }
}
