"""The payment flow: start a push, record the callback and IPNs, query the
status, and decide. The decision itself is `jenga_stk.reconcile`'s, recomputed
from the stored evidence each time something arrives, so a redelivered or
late message can never apply twice or out of order.
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

from .jenga import Gateway, gateway
from .models import IpnEvent, Payment

log = logging.getLogger("payments")

InitAnswer = Union[jenga_stk.InitAccepted, jenga_stk.Rejection]


def new_references() -> Tuple[str, str]:
    """Fresh order and payment references (ASCII letters and digits; never reused)."""
    unique = secrets.token_hex(8).upper()
    return f"OR{unique}", f"PAY{unique}"


def start_payment(*, amount: Decimal, msisdn: str, customer_name: str, customer_email: str) -> Tuple[Payment, InitAnswer]:
    """Validates and sends the STK push. Raises `jenga_stk.ValidationError`
    (nothing stored) or `requests.RequestException` (the payment stays
    pending: the IPN or a status query will settle it)."""
    gw = gateway()
    order_reference, payment_reference = new_references()
    push = jenga_stk.StkPush(
        order_reference=order_reference,
        order_amount=amount,
        order_currency="KES",
        country_code="KE",
        description="Shop order",
        customer_name=customer_name,
        customer_email=customer_email,
        customer_phone_number=msisdn,
        customer_identity_number="0000000",
        payment_reference=payment_reference,
        payment_currency="KES",
        callback_url=gw.callback_url(order_reference, payment_reference),
        msisdn=msisdn,
        payment_amount=amount,
        options=gw.options,
    )
    payment = Payment.objects.create(
        order_reference=order_reference,
        payment_reference=payment_reference,
        amount=amount,
        currency=push.currency,
        msisdn=push.msisdn,
        customer_name=customer_name,
        customer_email=customer_email,
    )
    signed = push.sign(gw.signer)
    answer = _send_push(gw, signed)
    # Only these fields: the callback may already have arrived and been recorded.
    if isinstance(answer, jenga_stk.InitAccepted):
        log.info("push %s accepted, invoice %s", order_reference, answer.invoice_number)
        Payment.objects.filter(pk=payment.pk).update(invoice_number=answer.invoice_number or "")
    elif answer.action == "check_status_first":
        # A 5xx, an unreadable answer, a duplicate reference: the prompt may be
        # on the customer's phone. Not failed: the IPN or a status query decides.
        log.warning("push %s unclear, query its status before pushing again: %s", order_reference, answer)
        Payment.objects.filter(pk=payment.pk).update(next_action=answer.action)
    else:
        log.warning("push %s refused: %s", order_reference, answer)
        Payment.objects.filter(pk=payment.pk, state=Payment.State.PENDING).update(
            state=Payment.State.FAILED,
            decided_by="init_response",
            failure_reason=answer.kind,
            next_action=answer.action,
        )
    payment.refresh_from_db()
    return payment, answer


def _send_push(gw: Gateway, signed: jenga_stk.SignedStkPush) -> InitAnswer:
    answer = jenga_stk.classify_init_response(*gw.send(signed.http_request(gw.environment, gw.access_token())))
    if isinstance(answer, jenga_stk.Rejection) and answer.action == "refresh_token_and_retry":
        # The token was refused before its time (revoked, clock skew): once more with a new one.
        gw.tokens.invalidate()
        answer = jenga_stk.classify_init_response(*gw.send(signed.http_request(gw.environment, gw.access_token())))
    return answer


def record_callback(full_path: str, body: bytes) -> Optional[Payment]:
    """The callback to our callback URL. Raises `jenga_stk.AuthenticationError`
    (forged: wrong token, or about another payment) or `jenga_stk.ParseError`."""
    refs, _callback = gateway().callback_urls.verify_callback(full_path, body)
    with transaction.atomic():
        payment = Payment.objects.select_for_update().filter(order_reference=refs.order_reference).first()
        if payment is None:
            return None
        payment.callback_body = body.decode("utf-8")
        payment.save(update_fields=["callback_body", "updated_at"])
        decide(payment)
    log.info("callback for %s recorded: %s", refs.order_reference, payment.state)
    return payment


def record_ipn(authorization: Optional[str], body: bytes) -> Tuple[IpnEvent, bool]:
    """The IPN. Returns the stored event and whether it was new; a redelivery
    only counts. Raises `jenga_stk.AuthenticationError` or `jenga_stk.ParseError`."""
    gateway().ipn_auth.verify(authorization)
    ipn = jenga_stk.parse_ipn(body)
    try:
        with transaction.atomic():
            if IpnEvent.objects.filter(dedupe_key=ipn.dedupe_key).exists():
                return _count_redelivery(ipn.dedupe_key), False
            # No order reference: a payment that did not come from a push (a
            # paybill payment). Stored for the books, linked to no order.
            payment = None
            if ipn.order_reference is not None:
                payment = Payment.objects.select_for_update().filter(order_reference=ipn.order_reference).first()
            event = IpnEvent.objects.create(
                payment=payment,
                dedupe_key=ipn.dedupe_key,
                order_reference=ipn.order_reference or "",
                status=ipn.transaction.status,
                amount=ipn.transaction.amount,
                body=body.decode("utf-8"),
            )
            if payment is not None:
                decide(payment)
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


def refresh_status(payment: Payment) -> Payment:
    """Asks the provider (the order status query) and decides again."""
    gw = gateway()
    status, body = gw.send(gw.status_request(payment.order_reference))
    answer = jenga_stk.parse_status_response(status, body)
    if isinstance(answer, jenga_stk.Rejection) and answer.action == "refresh_token_and_retry":
        gw.tokens.invalidate()
        status, body = gw.send(gw.status_request(payment.order_reference))
        answer = jenga_stk.parse_status_response(status, body)
    if not isinstance(answer, jenga_stk.OrderStatus):
        log.warning("status of %s: %r", payment.order_reference, answer)
        return payment
    with transaction.atomic():
        locked = Payment.objects.select_for_update().get(pk=payment.pk)
        locked.status_body = body.decode("utf-8")
        locked.save(update_fields=["status_body", "updated_at"])
        decide(locked)
    return locked


def decide(payment: Payment) -> None:
    """Recomputes the payment's state from all stored evidence. Call it inside
    a transaction holding the payment's row lock."""
    callback = jenga_stk.parse_callback(payment.callback_body) if payment.callback_body else None
    ipns = [jenga_stk.parse_ipn(event.body) for event in payment.ipns.all()]
    status: Optional[jenga_stk.OrderStatus] = None
    if payment.status_body:
        parsed = jenga_stk.parse_status_response(200, payment.status_body)
        status = parsed if isinstance(parsed, jenga_stk.OrderStatus) else None
    decision = jenga_stk.reconcile(
        order_reference=payment.order_reference,
        amount=payment.amount,
        currency=payment.currency,
        callback=callback,
        ipns=ipns,
        status=status,
    )
    if decision.state == "pending" and payment.decided_by == "init_response":
        return  # refused at initiation, and nothing since says otherwise
    payment.state = decision.state
    payment.confirmed = decision.confirmed
    payment.decided_by = decision.decided_by or ""
    payment.mpesa_receipt = decision.mpesa_receipt or ""
    payment.amount_paid = decision.amount_paid
    payment.conflicts = [
        {"kind": c.kind, "sources": list(c.sources), "description": c.description} for c in decision.conflicts
    ]
    if decision.state == "failed" and callback is not None and isinstance(callback.outcome, jenga_stk.CallbackFailure):
        payment.failure_reason = callback.outcome.reason
    short_paid = any(c.kind in ("amount_mismatch", "currency_mismatch") for c in decision.conflicts)
    fulfil = decision.state == "paid" and decision.confirmed and not short_paid and payment.fulfilled_at is None
    if fulfil:
        payment.fulfilled_at = timezone.now()
        payment_id = payment.pk
        transaction.on_commit(lambda: send_receipt(payment_id))
    payment.save(
        update_fields=[
            "state",
            "confirmed",
            "decided_by",
            "mpesa_receipt",
            "amount_paid",
            "conflicts",
            "failure_reason",
            "fulfilled_at",
            "updated_at",
        ]
    )


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
