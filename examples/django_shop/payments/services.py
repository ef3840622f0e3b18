"""The payment's life in the shop: start it, hand it the callback and the
IPNs, ask the provider again, and show what it decided.

The SDK's client does the I/O and its payment flow decides; the shop keeps
the flow's state (`Payment.flow_state`, JSON, no secrets) with the order and
resumes it wherever evidence arrives. The raw callback and IPNs are kept as
well (the audit trail): whatever arrived while the push was still on its
way is handed in again when the state is saved, and handing the same
evidence twice changes nothing.
"""

from __future__ import annotations

import logging
import secrets
from decimal import Decimal
from typing import Optional, Tuple, Union

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

import jenga_stk

from .jenga import client
from .models import IpnEvent, Payment

log = logging.getLogger("payments")


def new_references() -> Tuple[str, str]:
    """Fresh order and payment references (ASCII letters and digits; never reused)."""
    unique = secrets.token_hex(8).upper()
    return f"OR{unique}", f"PAY{unique}"


def start_payment(*, amount: Decimal, msisdn: str, customer_name: str, customer_email: str) -> Payment:
    """Sends the STK push. Raises `jenga_stk.ValidationError` (nothing is
    stored, nothing sent). A push the provider refused, or could not be
    sent, is stored failed (`decided_by="init_response"`): nothing reached
    the customer."""
    order_reference, payment_reference = new_references()
    # Stored first: the callback and the IPN may arrive before the push's answer.
    payment = Payment.objects.create(
        order_reference=order_reference,
        payment_reference=payment_reference,
        amount=amount,
        currency="KES",
        msisdn=msisdn,
        customer_name=customer_name,
        customer_email=customer_email,
    )
    try:
        started = client().start_payment(
            order_reference=order_reference,
            payment_reference=payment_reference,
            amount=amount,
            phone=msisdn,
            customer_name=customer_name,
            customer_email=customer_email,
            customer_identity_number="0000000",
            description="Shop order",
        )
    except jenga_stk.ValidationError:
        payment.delete()
        raise
    except jenga_stk.PaymentNotStartedError as e:
        log.warning("push %s not started: %s", order_reference, e)
        rejection = e.rejection if e.code == "payment_rejected" else None
        Payment.objects.filter(pk=payment.pk).update(
            state=Payment.State.FAILED,
            decided_by="init_response",
            failure_reason=rejection.kind if rejection else (e.transport_failure or "not_sent"),
            next_action=rejection.action if rejection else "",
        )
        payment.refresh_from_db()
        return payment
    accepted = started.accepted
    log.info("push %s: %s, invoice %s", order_reference, started.phase, accepted and accepted.invoice_number)
    with transaction.atomic():
        row = Payment.objects.select_for_update().get(pk=payment.pk)
        row.invoice_number = (accepted.invoice_number or "") if accepted else ""
        if not started.push_known:
            # The push's answer was lost and the provider never said: the
            # prompt may be on the phone. Pending until the IPN or a status query.
            row.next_action = "check_status_first"
        row.save(update_fields=["invoice_number", "next_action", "updated_at"])
        _hand_in_stored_evidence(row, started)
        _save(row, started)
    return row


def record_callback(full_path: str, body: bytes) -> Optional[Payment]:
    """The callback to our callback URL. Raises `jenga_stk.AuthenticationError`
    (forged: wrong token, or about another payment) or `jenga_stk.ParseError`."""
    refs, callback = client().verify_callback(full_path, body)
    with transaction.atomic():
        row = Payment.objects.select_for_update().filter(order_reference=refs.order_reference).first()
        if row is None:
            return None
        row.callback_body = body.decode("utf-8")
        row.save(update_fields=["callback_body", "updated_at"])
        if row.flow_state:
            payment = client().resume(row.flow_state)
            payment.handle_callback(callback)
            _save(row, payment)
    log.info("callback for %s recorded: %s", refs.order_reference, row.state)
    return row


def record_ipn(authorization: Optional[str], body: bytes) -> Tuple[IpnEvent, bool]:
    """The IPN. Returns the stored event and whether it was new; a redelivery
    only counts. Raises `jenga_stk.AuthenticationError` or `jenga_stk.ParseError`."""
    ipn = client().verify_ipn(authorization, body)
    try:
        with transaction.atomic():
            if IpnEvent.objects.filter(dedupe_key=ipn.dedupe_key).exists():
                return _count_redelivery(ipn.dedupe_key), False
            # No order reference: a payment that did not come from a push (a
            # paybill payment). Stored for the books, linked to no order.
            row = None
            if ipn.order_reference is not None:
                row = Payment.objects.select_for_update().filter(order_reference=ipn.order_reference).first()
            event = IpnEvent.objects.create(
                payment=row,
                dedupe_key=ipn.dedupe_key,
                order_reference=ipn.order_reference or "",
                status=ipn.transaction.status,
                amount=ipn.transaction.amount,
                body=body.decode("utf-8"),
            )
            if row is not None and row.flow_state:
                payment = client().resume(row.flow_state)
                payment.handle_ipn(ipn)
                _save(row, payment)
    except IntegrityError:
        # The same IPN, delivered twice at once: the other delivery stored it.
        return _count_redelivery(ipn.dedupe_key), False
    log.info("IPN %s for %s (%s) recorded", ipn.dedupe_key, ipn.order_reference, ipn.transaction.status)
    return event, True


def _count_redelivery(dedupe_key: str) -> IpnEvent:
    IpnEvent.objects.filter(dedupe_key=dedupe_key).update(
        deliveries=F("deliveries") + 1, last_received_at=timezone.now()
    )
    log.info("IPN %s redelivered: ignored", dedupe_key)
    return IpnEvent.objects.get(dedupe_key=dedupe_key)


def refresh_status(row: Payment) -> Payment:
    """Asks the provider about the order now (the order status query) and
    saves what the payment then says; never waits for later queries."""
    if not row.flow_state:
        return row  # refused at initiation: nothing to ask about
    payment = client().resume(row.flow_state)
    payment.check_status()
    try:
        payment.wait(timeout=0)  # the query that is due now, no sleeping
    except TimeoutError:
        pass  # still pending: saved, ask again later
    with transaction.atomic():
        locked = Payment.objects.select_for_update().get(pk=row.pk)
        _hand_in_stored_evidence(locked, payment)  # whatever arrived meanwhile
        _save(locked, payment)
    return locked


def _hand_in_stored_evidence(row: Payment, payment: jenga_stk.Payment) -> None:
    if row.callback_body:
        payment.handle_callback(jenga_stk.parse_callback(row.callback_body))
    for event in row.ipns.all():
        payment.handle_ipn(jenga_stk.parse_ipn(event.body))


def _save(row: Payment, payment: jenga_stk.Payment) -> None:
    """Saves the flow's state and shows its decision on the row. Call it
    inside a transaction holding the row's lock."""
    row.flow_state = payment.to_json()
    outcome = payment.outcome
    fields = ["flow_state", "updated_at"]
    if outcome is not None and outcome.kind in ("paid", "failed"):
        decision = outcome.reconciliation
        row.state = Payment.State.PAID if outcome.kind == "paid" else Payment.State.FAILED
        row.confirmed = decision.confirmed
        row.decided_by = decision.decided_by or ""
        row.mpesa_receipt = decision.mpesa_receipt or ""
        row.amount_paid = decision.amount_paid
        row.conflicts = [
            {"kind": c.kind, "sources": list(c.sources), "description": c.description} for c in decision.conflicts
        ]
        row.failure_reason = _failure_reason(row) if outcome.kind == "failed" else ""
        fields += ["state", "confirmed", "decided_by", "mpesa_receipt", "amount_paid", "conflicts", "failure_reason"]
        short_paid = any(c.kind in ("amount_mismatch", "currency_mismatch") for c in decision.conflicts)
        if outcome.kind == "paid" and decision.confirmed and not short_paid and row.fulfilled_at is None:
            row.fulfilled_at = timezone.now()
            fields.append("fulfilled_at")
            payment_id = row.pk
            transaction.on_commit(lambda: send_receipt(payment_id))
    row.save(update_fields=fields)


def _failure_reason(row: Payment) -> str:
    """Why it failed, as the callback says ("cancelled", "wrong_pin", …)."""
    callback = jenga_stk.parse_callback(row.callback_body) if row.callback_body else None
    outcome: Union[jenga_stk.CallbackPayment, jenga_stk.CallbackFailure, None] = callback and callback.outcome
    return outcome.reason if isinstance(outcome, jenga_stk.CallbackFailure) else ""


def send_receipt(payment_id: int) -> None:
    """The once-only side effect of a confirmed payment."""
    payment = Payment.objects.get(pk=payment_id)
    send_mail(
        subject=f"Payment received: order {payment.order_reference}",
        message=(
            f"Thank you, {payment.customer_name}. We received {payment.amount_paid} {payment.currency} "
            f"(M-Pesa receipt {payment.mpesa_receipt}) for order {payment.order_reference}."
        ),
        from_email=None,
        recipient_list=[payment.customer_email],
    )
    log.info("order %s fulfilled, receipt mailed", payment.order_reference)
