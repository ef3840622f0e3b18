"""Fulfilment: the app sends ``payment_paid`` once, after the payment's
transaction commits; the shop ships the order and mails the receipt."""

from __future__ import annotations

import logging
from typing import Any

from django.core.mail import send_mail
from django.dispatch import receiver
from django.utils import timezone

from jenga_stk.django.models import Payment
from jenga_stk.django.signals import payment_failed, payment_paid

from .models import Order

log = logging.getLogger("store")


@receiver(payment_paid)
def fulfil(sender: Any, payment: Payment, **kwargs: Any) -> None:
    if payment.needs_review:  # paid another amount, or two receipts: a person looks first
        log.warning("order %s paid but needs review: %s", payment.order_reference, payment.conflicts)
        return
    fulfilled = Order.objects.filter(reference=payment.order_reference, fulfilled_at__isnull=True).update(
        fulfilled_at=timezone.now()
    )
    if fulfilled:
        order = Order.objects.get(reference=payment.order_reference)
        send_mail(
            subject=f"Payment received: order {order.reference}",
            message=f"Thank you, {order.name}. We received {payment.amount_paid} {payment.currency} "
            f"(M-Pesa receipt {payment.receipt}) for order {order.reference}.",
            from_email=None,
            recipient_list=[order.email],
        )
        log.info("order %s fulfilled, receipt mailed", order.reference)


@receiver(payment_failed)
def release(sender: Any, payment: Payment, **kwargs: Any) -> None:
    log.info("order %s not paid (%s)", payment.order_reference, payment.failure_reason or payment.outcome)
