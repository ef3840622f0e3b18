"""The checkout page and the order page (HTML, or JSON to ``Accept:
application/json``: the tests and ``manage.py demo_payment`` use it). The
provider's endpoints are the app's (``jenga_stk.django.urls``)."""

from __future__ import annotations

from typing import Any, Dict

from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

import jenga_stk
from jenga_stk.django.services import start_payment

from .forms import CheckoutForm
from .models import Order


def wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def order_json(order: Order) -> Dict[str, Any]:
    payment = order.payment
    return {
        "order_reference": order.reference,
        "state": payment.state if payment else "new",
        "confirmed": bool(payment and payment.confirmed),
        "decided_by": (payment.decided_by or None) if payment else None,
        "receipt": (payment.receipt or None) if payment else None,
        "failure_reason": (payment.failure_reason or None) if payment else None,
        "next_action": (payment.next_action or None) if payment else None,
        "fulfilled": order.fulfilled_at is not None,
    }


@require_http_methods(["GET", "POST"])
@transaction.non_atomic_requests  # the payment's callback may arrive before this view returns
def checkout(request: HttpRequest) -> HttpResponse:
    form = CheckoutForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        order = Order.objects.create(amount=data["amount"], phone=data["phone"], name=data["name"], email=data["email"])
        try:
            payment = start_payment(
                order_reference=order.reference,
                amount=order.amount,
                phone=order.phone,
                customer_name=order.name,
                customer_email=order.email,
                customer_identity_number="0000000",
                description=f"Order {order.reference}",
            )
        except jenga_stk.ValidationError as e:
            order.delete()
            form.add_sdk_problems(e)
        else:
            if wants_json(request):
                refused = payment.decided_by == "init_response"  # nothing reached the customer
                return JsonResponse(order_json(order), status=502 if refused else 202)
            return HttpResponseRedirect(reverse("order", args=[order.reference]), status=303)
    status = 400 if request.method == "POST" else 200
    if wants_json(request):
        return JsonResponse({"errors": form.errors.get_json_data()}, status=status)
    return render(request, "store/checkout.html", {"form": form}, status=status)


def order(request: HttpRequest, reference: str) -> HttpResponse:
    order = get_object_or_404(Order, reference=reference)
    if wants_json(request):
        return JsonResponse(order_json(order))
    return render(request, "store/order.html", {"order": order, "payment": order.payment})
