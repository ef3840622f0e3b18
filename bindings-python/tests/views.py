"""The conformance vectors' JSON view of each Python result, built only from
the public Python API (attributes), so a wrong conversion in the binding
shows up as a mismatch with the independently written expectations.

Values in outputs (tests/vectors/README.md): amounts are exact decimal
strings in shortest form, times are RFC 3339 at the offset they were given
in (``Z`` for UTC, milliseconds only when non-zero), absent values null,
enum values snake_case codes.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, Dict, List, Optional

import jenga_stk as j


def amount(value: Optional[Decimal]) -> Optional[str]:
    if value is None:
        return None
    assert isinstance(value, Decimal), f"money must be Decimal, got {type(value).__name__}"
    return str(value)


def rfc3339(value: Optional[datetime]) -> Optional[str]:
    if value is None:
        return None
    assert isinstance(value, datetime), f"times must be datetime, got {type(value).__name__}"
    offset = value.utcoffset()
    assert offset is not None, "times must be timezone-aware"
    assert value.microsecond % 1000 == 0, "the core keeps milliseconds"
    text = value.strftime("%Y-%m-%dT%H:%M:%S")
    if value.microsecond:
        text += f".{value.microsecond // 1000:03d}"
    if offset == timedelta(0):
        return text + "Z"
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    minutes = abs(minutes)
    return f"{text}{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def optional_str(value: Optional[str]) -> Optional[str]:
    assert value is None or isinstance(value, str)
    return value


def rejection(r: j.Rejection) -> Dict[str, Any]:
    assert type(r.http_status) is int
    assert r.hint, "every rejection has advice"
    assert str(r), "str() summarises the rejection"
    return {
        "type": "rejected",
        "httpStatus": r.http_status,
        "providerCode": optional_str(r.provider_code),
        "message": optional_str(r.message),
        "errorCode": optional_str(r.error_code),
        "kind": r.kind,
        "action": r.action,
        "bodyExcerpt": optional_str(r.body_excerpt),
    }


def answer(r: Any) -> Dict[str, Any]:
    """The answers table's view (answers.json): the type, and kind and action
    for a rejection; nothing else is compared there."""
    if isinstance(r, j.Rejection):
        return {"type": "rejected", "kind": r.kind, "action": r.action}
    types = {j.Token: "token", j.InitAccepted: "accepted", j.OrderStatus: "found", j.OrderNotFound: "not_found"}
    return {"type": types[type(r)]}


def init_response(r: Any) -> Dict[str, Any]:
    if isinstance(r, j.Rejection):
        return rejection(r)
    assert isinstance(r, j.InitAccepted), r
    return {
        "type": "accepted",
        "code": r.code,
        "message": optional_str(r.message),
        "invoiceNumber": optional_str(r.invoice_number),
        "amount": amount(r.amount),
        "charge": amount(r.charge),
        "amountDebited": amount(r.amount_debited),
        "paymentReference": optional_str(r.payment_reference),
        "orderReference": optional_str(r.order_reference),
    }


def token_response(r: Any) -> Dict[str, Any]:
    if isinstance(r, j.Rejection):
        return rejection(r)
    assert isinstance(r, j.Token), r
    assert isinstance(r.access_token, j.AccessToken)
    return {
        "type": "token",
        "accessToken": r.access_token.expose(),
        "tokenType": r.token_type,
        "issuedAt": rfc3339(r.issued_at),
        "providerExpiresAt": rfc3339(r.provider_expires_at),
        "lifetime": r.lifetime,
        "expiresAt": rfc3339(r.expires_at),
    }


def status_response(r: Any) -> Dict[str, Any]:
    if isinstance(r, j.Rejection):
        return rejection(r)
    if isinstance(r, j.OrderNotFound):
        return {"type": "not_found", "message": optional_str(r.message)}
    assert isinstance(r, j.OrderStatus), r
    assert isinstance(r.invoices, tuple)
    o = r.order
    return {
        "type": "found",
        "order": {
            "orderReference": o.order_reference,
            "orderAmount": amount(o.order_amount),
            "amountPaid": amount(o.amount_paid),
            "status": o.status,
            "createdOn": rfc3339(o.created_on),
        },
        "invoices": [
            {
                "amount": amount(i.amount),
                "amountDebited": amount(i.amount_debited),
                "charge": amount(i.charge),
                "status": i.status,
                "orderReference": optional_str(i.order_reference),
                "mpesaReceipt": optional_str(i.mpesa_receipt),
                "createdOn": rfc3339(i.created_on),
                "completedOn": rfc3339(i.completed_on),
            }
            for i in r.invoices
        ],
    }


def callback(c: j.StkCallback) -> Dict[str, Any]:
    assert type(c.result_code) is int
    outcome: Dict[str, Any]
    if isinstance(c.outcome, j.CallbackPayment):
        p = c.outcome
        outcome = {
            "result": "paid",
            "mpesaReceipt": p.mpesa_receipt,
            "amount": amount(p.amount),
            "phoneNumber": optional_str(p.phone_number),
            "transactionDate": rfc3339(p.transaction_date),
            "balance": amount(p.balance),
        }
    else:
        assert isinstance(c.outcome, j.CallbackFailure), c.outcome
        outcome = {"result": "failed", "reason": c.outcome.reason}
    return {
        "transactionReference": c.transaction_reference,
        "merchantRequestId": optional_str(c.merchant_request_id),
        "checkoutRequestId": optional_str(c.checkout_request_id),
        "resultCode": c.result_code,
        "resultDesc": optional_str(c.result_desc),
        "outcome": outcome,
    }


def callback_refs(r: j.CallbackRefs) -> Dict[str, Any]:
    return {"orderReference": r.order_reference, "paymentReference": r.payment_reference}


def ipn(i: j.Ipn) -> Dict[str, Any]:
    t = i.transaction
    c = i.customer
    b = i.bank
    return {
        "callbackType": i.callback_type,
        "customer": {
            "name": optional_str(c.name),
            "mobileNumber": optional_str(c.mobile_number),
            "reference": optional_str(c.reference),
        },
        "transaction": {
            "date": rfc3339(t.date),
            "reference": t.reference,
            "paymentMode": optional_str(t.payment_mode),
            "amount": amount(t.amount),
            "currency": optional_str(t.currency),
            "serviceCharge": amount(t.service_charge),
            "billNumber": optional_str(t.bill_number),
            "servedBy": optional_str(t.served_by),
            "additionalInfo": optional_str(t.additional_info),
            "orderAmount": amount(t.order_amount),
            "orderCurrency": optional_str(t.order_currency),
            "status": t.status,
            "remarks": optional_str(t.remarks),
        },
        "bank": None
        if b is None
        else {
            "reference": optional_str(b.reference),
            "transactionType": optional_str(b.transaction_type),
            "account": optional_str(b.account),
        },
        "dedupeKey": i.dedupe_key,
        "orderReference": optional_str(i.order_reference),
    }


def reconciliation(r: j.Reconciliation) -> Dict[str, Any]:
    assert type(r.confirmed) is bool
    assert type(r.currency_confirmed) is bool
    assert type(r.needs_review) is bool
    assert isinstance(r.conflicts, tuple)
    conflicts: List[Dict[str, Any]] = []
    for c in r.conflicts:
        assert c.description, "descriptions are for humans, but must exist"
        assert isinstance(c.sources, tuple)
        conflicts.append({"kind": c.kind, "sources": list(c.sources)})
    return {
        "state": r.state,
        "decidedBy": r.decided_by,
        "confirmed": r.confirmed,
        "mpesaReceipt": optional_str(r.mpesa_receipt),
        "amountPaid": amount(r.amount_paid),
        "currencyPaid": optional_str(r.currency_paid),
        "currencyConfirmed": r.currency_confirmed,
        "needsReview": r.needs_review,
        "conflicts": conflicts,
    }


# ---------------------------------------------------------------- exact JSON text


class RawNumber(str):
    """A JSON number kept as its literal text (`2e0` stays `2e0`, never a float)."""


def load_exact(text: str) -> Any:
    return json.loads(text, parse_float=RawNumber, parse_int=RawNumber, parse_constant=RawNumber)


def dump_exact(value: Any) -> str:
    """JSON text with numbers written exactly as they were read."""
    if isinstance(value, RawNumber):
        return str.__str__(value)
    if value is None or isinstance(value, (bool, str)):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ",".join(dump_exact(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ",".join(json.dumps(k) + ":" + dump_exact(v) for k, v in value.items()) + "}"
    raise TypeError(f"unexpected {type(value).__name__} in a vector")
