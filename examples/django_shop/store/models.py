"""The shop's order. Its payment is the app's ``jenga_stk.django.models.Payment``,
found by the same reference."""

from __future__ import annotations

import secrets
from typing import Optional

from django.db import models

from jenga_stk.django.models import Payment


def new_reference() -> str:
    return "OR" + secrets.token_hex(8).upper()


class Order(models.Model):
    reference = models.CharField(max_length=32, unique=True, default=new_reference)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    phone = models.CharField(max_length=20)
    name = models.CharField(max_length=200)
    email = models.EmailField()
    #: Set once, by the payment_paid handler: the order ships, the receipt is mailed.
    fulfilled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"order {self.reference}"

    @property
    def payment(self) -> Optional[Payment]:
        return Payment.objects.filter(order_reference=self.reference).first()
