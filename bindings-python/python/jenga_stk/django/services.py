"""The app's service API: start a payment, receive the callback and the IPN,
ask the provider again. The SDK's ``Client`` moves the bytes and its payment
flow decides; this module keeps the flow's state with the ``Payment`` row,
under the row's lock, and sends the signals once, after commit.

    from jenga_stk.django.services import start_payment
    payment = start_payment(order_reference="ORDER42", amount=Decimal("250"),
                            phone="0722000000", customer_name="Jane",
                            customer_identity_number="12345678", description="Order 42")

Call ``start_payment`` outside a transaction (not under ``ATOMIC_REQUESTS``):
the callback and the IPN may arrive before it returns, and are then stored
and handed in when the payment's flow is saved.
"""

from __future__ import annotations

import hashlib
import logging
import traceback
import typing
from datetime import timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.dispatch import Signal
from django.utils import timezone

from .. import (
    CallbackFailure,
    Ipn,
    Outcome,
    Payment as FlowPayment,
    PaymentNotStartedError,
    ProviderAnswer,
    StkCallback,
    ValidationError,
    parse_callback,
    parse_ipn,
)
from . import signals
from .client import get_client
from .models import Evidence, Payment

log = logging.getLogger("jenga_stk")

#: Request headers never stored with evidence (they hold credentials).
SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "x-api-key", "api-key"})


class PaymentExistsError(ValueError):
    """The order reference already has a payment: Jenga's order reference is
    the push's idempotency key, so a new attempt needs a new reference."""


# ---------------------------------------------------------------- starting


def start_payment(
    *,
    order_reference: str,
    amount: typing.Union[Decimal, int, str],
    phone: str,
    customer_name: str,
    customer_identity_number: str,
    description: str,
    customer_email: str = "",
    payment_reference: typing.Optional[str] = None,
    currency: str = "KES",
) -> Payment:
    """Stores the ``Payment``, sends the STK push through the client and
    saves its flow. Returns the row: ``pending`` while the customer has the
    prompt; ``failed`` (``outcome`` "rejected" or "not_sent", with
    ``failure_reason``/``next_action``) when nothing reached the customer
    (``payment_failed`` is sent). Raises ``jenga_stk.ValidationError``
    (every problem; nothing stored, nothing sent) and ``PaymentExistsError``."""
    if Payment.objects.filter(order_reference=order_reference).exists():
        raise PaymentExistsError(f"order {order_reference} already has a payment: use a new order reference")
    try:
        # Stored first: the callback and the IPN may arrive before the push's answer.
        row = Payment.objects.create(
            order_reference=order_reference,
            payment_reference=payment_reference or "",
            amount=amount,
            currency=currency,
            phone=phone,
            customer_name=customer_name,
            customer_email=customer_email,
            description=description,
        )
    except IntegrityError:
        raise PaymentExistsError(f"order {order_reference} already has a payment: use a new order reference") from None
    try:
        started = get_client().start_payment(
            order_reference=order_reference,
            amount=amount,
            phone=phone,
            customer_name=customer_name,
            customer_email=customer_email,
            customer_identity_number=customer_identity_number,
            description=description,
            payment_reference=payment_reference,
            currency=currency,
        )
    except ValidationError:
        row.delete()
        raise
    except PaymentNotStartedError as e:
        log.warning("push for %s not started: %s", order_reference, e)
        with transaction.atomic():
            locked = Payment.objects.select_for_update().get(pk=row.pk)
            locked.payment_reference = e.outcome.payment_references[-1] if e.outcome.payment_references else ""
            _apply_outcome(locked, e.outcome.kind, e.outcome, flow_state="")
            locked.save()
        return locked
    with transaction.atomic():
        locked = Payment.objects.select_for_update().get(pk=row.pk)
        locked.payment_reference = started.payment_reference
        accepted = started.accepted
        locked.invoice_number = (accepted.invoice_number or "") if accepted is not None else ""
        if not started.push_known:
            # The push's answer was lost and the provider never said: the prompt
            # may be on the phone. Pending until the IPN or a status query.
            locked.next_action = "check_status_first"
        _hand_in(locked, started, Evidence.objects.filter(order_reference=order_reference, kind__in=_DELIVERED))
        _save(locked, started)
    log.info("push for %s: %s (invoice %s)", order_reference, started.phase, locked.invoice_number or "-")
    return locked


# ---------------------------------------------------------------- deliveries


class Delivery(typing.NamedTuple):
    """What the views pass in: the raw request, never parsed before verification."""

    body: bytes
    headers: typing.Mapping[str, str]
    remote_addr: typing.Optional[str]


def receive_callback(full_path: str, delivery: Delivery) -> Evidence:
    """The callback to a payment's callback URL (``full_path``: with its
    query, ``request.get_full_path()``). Raises ``jenga_stk.AuthenticationError``
    (a forged URL token, or about another payment) or ``ParseError``: then
    nothing is stored. Idempotent: a redelivery is counted, nothing else."""
    refs, callback = get_client().verify_callback(full_path, delivery.body)
    headers = {**_safe_headers(delivery.headers), "path": full_path.split("?", 1)[0]}
    key = f"{callback.transaction_reference}:{callback.result_code}"

    def hand_in(payment: FlowPayment) -> None:
        payment.handle_callback(callback)

    return _receive(Evidence.Kind.CALLBACK, key, refs.order_reference, headers, delivery, hand_in)


def receive_ipn(authorization: typing.Optional[str], delivery: Delivery) -> Evidence:
    """The IPN. Raises ``jenga_stk.AuthenticationError`` (Basic auth) or
    ``ParseError``: then nothing is stored. An IPN that names no order is
    stored, linked to no payment. Idempotent: a redelivery is counted."""
    ipn = get_client().verify_ipn(authorization, delivery.body)

    def hand_in(payment: FlowPayment) -> None:
        payment.handle_ipn(ipn)

    return _receive(
        Evidence.Kind.IPN, ipn.dedupe_key, ipn.order_reference or "", _safe_headers(delivery.headers), delivery, hand_in
    )


def _receive(
    kind: str,
    key: str,
    order_reference: str,
    headers: typing.Dict[str, str],
    delivery: Delivery,
    hand_in: typing.Callable[[FlowPayment], None],
) -> Evidence:
    """Stores the delivery once per ``(kind, key)`` and hands it to its
    payment's flow, in one transaction under the payment's lock. A
    concurrent first delivery of the same evidence wins the unique
    constraint; this one is then counted as a redelivery."""
    for attempt in range(3):
        try:
            with transaction.atomic():
                payment = _lock(order_reference)
                event = Evidence.objects.select_for_update().filter(kind=kind, dedupe_key=key).first()
                if event is None:
                    with transaction.atomic():  # a savepoint: the IntegrityError below leaves the outer usable
                        event = Evidence.objects.create(
                            kind=kind,
                            dedupe_key=key,
                            payment=payment,
                            order_reference=order_reference,
                            headers=headers,
                            body=delivery.body.decode("utf-8", errors="replace"),
                            remote_addr=delivery.remote_addr,
                            valid=bool(order_reference),  # an IPN for no order: kept for the books
                        )
                else:
                    Evidence.objects.filter(pk=event.pk).update(deliveries=F("deliveries") + 1, last_received_at=timezone.now())
                    event.refresh_from_db()
                    log.info("%s %s redelivered (%d deliveries)", kind, key, event.deliveries)
                if payment is not None and payment.flow_state and not event.processed:
                    flow = get_client().resume(payment.flow_state)
                    hand_in(flow)
                    event.payment = payment
                    event.processed = True
                    event.error = ""
                    event.save(update_fields=["payment", "processed", "error"])
                    _save(payment, flow)
                return event
        except IntegrityError:
            if attempt == 2:
                raise
            continue  # stored meanwhile by a concurrent delivery: count this one
        except Exception:
            _keep_error(kind, key, order_reference, headers, delivery, traceback.format_exc())
            raise
    raise AssertionError("unreachable")


def _keep_error(
    kind: str, key: str, order_reference: str, headers: typing.Dict[str, str], delivery: Delivery, error: str
) -> None:
    """The delivery whose processing failed, kept outside the rolled-back
    transaction; the view answers 500 so the provider delivers it again."""
    try:
        Evidence.objects.update_or_create(
            kind=kind,
            dedupe_key=key,
            defaults={"error": error[-4000:]},
            create_defaults={
                "order_reference": order_reference,
                "headers": headers,
                "body": delivery.body.decode("utf-8", errors="replace"),
                "remote_addr": delivery.remote_addr,
                "error": error[-4000:],
            },
        )
    except Exception:  # never hide the original error
        log.exception("could not keep the failed %s %s", kind, key)


def record_answer(answer: ProviderAnswer) -> None:
    """The client's ``on_answer`` hook: every status answer is kept as
    evidence, once per distinct body (the flow has already handled it)."""
    if answer.endpoint != "status":
        return
    digest = hashlib.sha256(answer.order_reference.encode() + b"\n" + answer.body).hexdigest()
    try:
        with transaction.atomic():
            updated = Evidence.objects.filter(kind=Evidence.Kind.STATUS, dedupe_key=digest).update(
                deliveries=F("deliveries") + 1, last_received_at=timezone.now()
            )
            if not updated:
                Evidence.objects.create(
                    kind=Evidence.Kind.STATUS,
                    dedupe_key=digest,
                    payment=Payment.objects.filter(order_reference=answer.order_reference).first(),
                    order_reference=answer.order_reference,
                    body=answer.body.decode("utf-8", errors="replace"),
                    http_status=answer.http_status,
                    processed=True,
                )
    except IntegrityError:
        pass  # the same answer, stored at the same moment by another worker


# ---------------------------------------------------------------- asking again


def check_status(row: Payment) -> Payment:
    """Asks the provider about the payment now (one status query, when the
    flow has one to make: never after a confirmed payment) and saves what its
    flow then says; never sleeps. For the admin's action and the reconcile
    command."""
    if not row.flow_state:
        return row  # refused at initiation: nothing to ask about
    payment = get_client().resume(row.flow_state)
    payment.check_status()
    try:
        payment.wait(timeout=0)  # the query that is due now, no sleeping
    except TimeoutError:
        pass  # still pending: saved; ask again later
    with transaction.atomic():
        locked = Payment.objects.select_for_update().get(pk=row.pk)
        # Whatever was handed to the saved flow meanwhile, again (harmless twice).
        _hand_in(locked, payment, Evidence.objects.filter(payment=locked, kind__in=_DELIVERED))
        locked.last_checked_at = timezone.now()
        _save(locked, payment)
    return locked


def pending_payments(older_than: timedelta) -> "QuerySet[Payment]":
    """Payments still pending ``older_than`` after they started, those never
    checked or checked longest ago first."""
    return (
        Payment.objects.filter(state=Payment.State.PENDING, created_at__lte=timezone.now() - older_than)
        .exclude(flow_state="")
        .order_by(F("last_checked_at").asc(nulls_first=True), "created_at")
    )


# ---------------------------------------------------------------- the row follows the flow

_DELIVERED = (Evidence.Kind.CALLBACK, Evidence.Kind.IPN)


def _lock(order_reference: str) -> typing.Optional[Payment]:
    if not order_reference:
        return None
    return Payment.objects.select_for_update().filter(order_reference=order_reference).first()


def _hand_in(row: Payment, payment: FlowPayment, events: "QuerySet[Evidence]") -> None:
    """Hands stored callbacks and IPNs of this order to the flow (under the
    row's lock) and links them to the row."""
    for event in events.filter(Q(payment=row) | Q(payment__isnull=True)).order_by("received_at", "id"):
        evidence: typing.Union[StkCallback, Ipn]
        if event.kind == Evidence.Kind.CALLBACK:
            evidence = parse_callback(event.body)
            payment.handle_callback(evidence)
        else:
            evidence = parse_ipn(event.body)
            payment.handle_ipn(evidence)
        if event.payment_id != row.pk or not event.processed:
            Evidence.objects.filter(pk=event.pk).update(payment=row, processed=True, error="")


def _save(row: Payment, payment: FlowPayment) -> None:
    """Saves the flow's state and shows its outcome on the row (inside a
    transaction holding the row's lock); queues the signal, once."""
    outcome = payment.outcome
    _apply_outcome(row, outcome.kind if outcome is not None else "", outcome, flow_state=payment.to_json())
    row.save()


def _apply_outcome(row: Payment, kind: str, outcome: typing.Optional[Outcome], *, flow_state: str) -> None:
    row.flow_state = flow_state
    row.outcome = kind
    if outcome is None:
        return
    if kind in ("paid", "failed"):
        decision = outcome.reconciliation
        row.state = Payment.State.PAID if kind == "paid" else Payment.State.FAILED
        row.confirmed = decision.confirmed
        row.decided_by = decision.decided_by or ""
        row.receipt = decision.mpesa_receipt or ""
        row.amount_paid = decision.amount_paid
        row.conflicts = [{"kind": c.kind, "sources": list(c.sources), "description": c.description} for c in decision.conflicts]
        row.needs_review = decision.needs_review
        row.failure_reason = _callback_failure(row) if kind == "failed" else ""
    elif kind in ("rejected", "not_sent"):
        # Nothing reached the customer.
        rejection = outcome.rejection
        row.state = Payment.State.FAILED
        row.decided_by = "init_response"
        row.failure_reason = rejection.kind if kind == "rejected" and rejection is not None else (outcome.transport_failure or "not_sent")
        row.next_action = rejection.action if rejection is not None else ""
    if row.state != Payment.State.PENDING and row.decided_at is None:
        row.decided_at = timezone.now()
    if row.state == Payment.State.PAID and row.paid_signalled_at is None:
        row.paid_signalled_at = timezone.now()
        _send_on_commit(signals.payment_paid, row.pk)
    elif row.state == Payment.State.FAILED and row.failed_signalled_at is None and row.paid_signalled_at is None:
        row.failed_signalled_at = timezone.now()
        _send_on_commit(signals.payment_failed, row.pk)


def _callback_failure(row: Payment) -> str:
    """Why it failed, as the (verified) callback says: "cancelled", "wrong_pin", …"""
    for event in Evidence.objects.filter(order_reference=row.order_reference, kind=Evidence.Kind.CALLBACK).order_by("-id"):
        outcome = parse_callback(event.body).outcome
        if isinstance(outcome, CallbackFailure):
            return outcome.reason
    return ""


def _send_on_commit(signal: Signal, pk: int) -> None:
    def send() -> None:
        payment = Payment.objects.get(pk=pk)
        for receiver, result in signal.send_robust(sender=Payment, payment=payment):
            if isinstance(result, Exception):
                log.error(
                    "a %s receiver (%s) failed for %s: %r; the payment stays %s",
                    "payment_paid" if signal is signals.payment_paid else "payment_failed",
                    getattr(receiver, "__qualname__", receiver),
                    payment.order_reference,
                    result,
                    payment.state,
                    exc_info=result,
                )

    transaction.on_commit(send)


def _safe_headers(headers: typing.Mapping[str, str]) -> typing.Dict[str, str]:
    return {name: value for name, value in headers.items() if name.lower() not in SECRET_HEADERS}
