"""``payment_paid`` and ``payment_failed``: sent once per payment, after the
transaction that decided it commits (``sender=Payment``, ``payment=`` the
row). A receiver that raises is logged (``jenga_stk`` logger) and does not
undo the decision.

``payment_paid`` means the IPN or a status query confirmed the payment;
check ``payment.needs_review`` (an amount that differs, two receipts) before
shipping. ``payment_failed`` covers failed payments and pushes that never
reached the customer (``payment.outcome`` "rejected" or "not_sent").
"""

from __future__ import annotations

from django.dispatch import Signal

payment_paid = Signal()
payment_failed = Signal()
