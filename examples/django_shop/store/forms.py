from __future__ import annotations

from decimal import Decimal

from django import forms

import jenga_stk

# Where each problem of the SDK's ValidationError belongs on the form.
FIELD_OF_PROBLEM = {
    "order.orderAmount": "amount",
    "payment.details.paymentAmount": "amount",
    "payment.details.msisdn": "phone",
    "customer.phoneNumber": "phone",
    "customer.name": "name",
    "customer.email": "email",
}


class CheckoutForm(forms.Form):
    amount = forms.DecimalField(min_value=Decimal("1"), max_digits=12, decimal_places=2)
    phone = forms.CharField(label="M-Pesa phone number", max_length=16, initial="0722000000")
    name = forms.CharField(max_length=200, initial="John Doe")
    email = forms.EmailField(initial="john@example.com")

    def add_sdk_problems(self, error: jenga_stk.ValidationError) -> None:
        """Shows the SDK's validation problems on the fields they are about."""
        for problem in error.problems:
            field = FIELD_OF_PROBLEM.get(problem.field)
            message = f"{problem.message} ({problem.code})"
            if field is None or message not in self.errors.get(field, []):
                self.add_error(field, message)
