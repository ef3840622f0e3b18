"""A payment and its evidence.

``Payment``: one STK push for one of the shop's orders (``order_reference``),
with the SDK's payment flow saved in ``flow_state`` (JSON, no secrets): a
callback or IPN reaching any worker resumes it and hands the evidence in; the
flow decides, and the row's state follows its outcome.

``Evidence``: every authenticated callback, IPN and status answer as
received (headers without secrets, the raw body), stored once per
``(kind, dedupe_key)``: the audit trail. A redelivery only counts.
"""

from __future__ import annotations

import typing

from django.db import models


class Payment(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        PAID = "paid", "Paid"
        FAILED = "failed", "Failed"

    order_reference = models.CharField(max_length=64, unique=True)
    payment_reference = models.CharField(max_length=64)
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    currency = models.CharField(max_length=3, default="KES")
    phone = models.CharField("phone number", max_length=20)
    customer_name = models.CharField(max_length=200)
    customer_email = models.EmailField(blank=True)
    description = models.CharField(max_length=200, blank=True)

    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING, db_index=True)
    #: The flow's outcome once it ended ("paid", "failed", "rejected", "not_sent", "undecided"), else "".
    outcome = models.CharField(max_length=12, blank=True)
    #: True only when the IPN or a status query decided (never the unsigned callback alone).
    confirmed = models.BooleanField(default=False)
    decided_by = models.CharField(max_length=16, blank=True)
    receipt = models.CharField("M-Pesa receipt", max_length=64, blank=True)
    amount_paid = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    invoice_number = models.CharField(max_length=64, blank=True)
    #: Why it failed: the callback's reason ("cancelled", …), the refusal's kind ("push_failed", …) or the transport failure.
    failure_reason = models.CharField(max_length=32, blank=True)
    #: What the provider said to do after a refusal ("retry_with_backoff", …).
    next_action = models.CharField(max_length=32, blank=True)
    #: Disagreements between the sources (an amount_mismatch, two receipts…).
    conflicts = models.JSONField(default=list, blank=True)
    #: The core's word that a person should look before shipping: an amount or a currency that is
    #: not the order's, two receipts, contradicting sources (evidence about another order does not count).
    needs_review = models.BooleanField(default=False, db_index=True)

    #: The SDK's payment flow (``jenga_stk.Payment.to_json()``).
    flow_state = models.TextField(blank=True, editable=False)
    #: Set in the transaction that decided the payment: each signal is sent once, after commit.
    paid_signalled_at = models.DateTimeField(null=True, blank=True)
    failed_signalled_at = models.DateTimeField(null=True, blank=True)
    last_checked_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state", "created_at"], name="jenga_stk_pending_idx")]

    def __str__(self) -> str:
        return f"{self.order_reference} {self.amount} {self.currency} ({self.state})"


class Evidence(models.Model):
    class Kind(models.TextChoices):
        CALLBACK = "callback", "Callback"
        IPN = "ipn", "IPN"
        STATUS = "status", "Status answer"

    kind = models.CharField(max_length=8, choices=Kind.choices)
    #: Callbacks: "<payment reference>:<result code>"; IPNs: the IPN's dedupe key; status answers: a digest of the body.
    dedupe_key = models.CharField(max_length=128)
    payment = models.ForeignKey(Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="evidence")
    #: "" for an IPN that names no order (a payment that did not come from a push).
    order_reference = models.CharField(max_length=64, blank=True, db_index=True)
    #: The request's headers without Authorization or Cookie (and the callback's path without its token).
    headers = models.JSONField(default=dict, blank=True)
    body = models.TextField()
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    remote_addr = models.GenericIPAddressField(null=True, blank=True)
    #: Parsed and about a known payment (False: kept for the books, handed to nothing).
    valid = models.BooleanField(default=True)
    #: Handed to the payment's flow.
    processed = models.BooleanField(default=False)
    #: The error of a failed processing (the delivery was answered 500, so the provider retries).
    error = models.TextField(blank=True)
    deliveries = models.PositiveIntegerField(default=1)
    received_at = models.DateTimeField(auto_now_add=True)
    last_received_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["received_at", "id"]
        verbose_name_plural = "evidence"
        constraints = [models.UniqueConstraint(fields=["kind", "dedupe_key"], name="jenga_stk_evidence_once")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.dedupe_key} for {self.order_reference or 'no order'}"


__all__: typing.List[str] = ["Evidence", "Payment"]
