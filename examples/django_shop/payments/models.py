"""A payment, and every IPN received for it (deduplicated).

`flow_state` is the SDK's payment flow, saved (JSON, no secrets): the
callback and IPN views resume it and hand it what they verified; its
decision is shown in the other fields. The raw bodies of the verified
callback and the IPNs are kept too: the audit trail.
"""

from __future__ import annotations

from django.db import models


class Payment(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        PAID = "paid", "Paid"
        FAILED = "failed", "Failed"

    order_reference = models.CharField(max_length=32, unique=True)
    payment_reference = models.CharField(max_length=32, unique=True)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3, default="KES")
    msisdn = models.CharField("phone number", max_length=16)
    customer_name = models.CharField(max_length=200)
    customer_email = models.EmailField()

    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    # True only when the IPN or a status query decided (never the unsigned callback alone).
    confirmed = models.BooleanField(default=False)
    decided_by = models.CharField(max_length=16, blank=True)
    mpesa_receipt = models.CharField(max_length=32, blank=True)
    amount_paid = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    invoice_number = models.CharField(max_length=32, blank=True)
    # Why it failed: the callback's reason ("cancelled", …) or the refusal's kind ("push_failed", …).
    failure_reason = models.CharField(max_length=32, blank=True)
    # What the provider said to do after a refusal ("retry_with_backoff", …).
    next_action = models.CharField(max_length=32, blank=True)
    conflicts = models.JSONField(default=list, blank=True)

    callback_body = models.TextField(blank=True)
    # The SDK's payment flow (jenga_stk.Payment.to_json()): resumed wherever evidence arrives.
    flow_state = models.TextField(blank=True)

    # Set once, when the payment is confirmed paid: the order ships, the receipt is mailed.
    fulfilled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.order_reference} {self.amount} {self.currency} ({self.state})"


class IpnEvent(models.Model):
    """One IPN, stored once per `dedupe_key` however often it is delivered."""

    payment = models.ForeignKey(Payment, null=True, blank=True, on_delete=models.SET_NULL, related_name="ipns")
    dedupe_key = models.CharField(max_length=64, unique=True)
    order_reference = models.CharField(max_length=32)
    status = models.CharField(max_length=16)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    body = models.TextField()
    deliveries = models.PositiveIntegerField(default=1)
    first_received_at = models.DateTimeField(auto_now_add=True)
    last_received_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["first_received_at"]
        verbose_name = "IPN"

    def __str__(self) -> str:
        return f"IPN {self.dedupe_key} {self.status} for {self.order_reference}"
