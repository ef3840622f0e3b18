"""Checkout, the payment page, and the two endpoints the provider calls
(each hands what it verified to the order's payment: `services`).

The checkout and payment pages answer JSON to `Accept: application/json`
(the tests and `manage.py demo_payment` use it) and HTML otherwise.
"""

from __future__ import annotations

import logging
from typing import Any, Dict

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

import jenga_stk

from . import services
from .forms import CheckoutForm
from .models import Payment

log = logging.getLogger("payments")


def wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def payment_json(payment: Payment) -> Dict[str, Any]:
    return {
        "order_reference": payment.order_reference,
        "state": payment.state,
        "confirmed": payment.confirmed,
        "decided_by": payment.decided_by or None,
        "amount": str(payment.amount),
        "amount_paid": None if payment.amount_paid is None else str(payment.amount_paid),
        "mpesa_receipt": payment.mpesa_receipt or None,
        "invoice_number": payment.invoice_number or None,
        "failure_reason": payment.failure_reason or None,
        "next_action": payment.next_action or None,
        "conflicts": payment.conflicts,
        "fulfilled": payment.fulfilled_at is not None,
    }


@require_http_methods(["GET", "POST"])
def checkout(request: HttpRequest) -> HttpResponse:
    form = CheckoutForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            payment = services.start_payment(
                amount=form.cleaned_data["amount"],
                msisdn=form.cleaned_data["msisdn"],
                customer_name=form.cleaned_data["name"],
                customer_email=form.cleaned_data["email"],
            )
        except jenga_stk.ValidationError as e:
            form.add_sdk_problems(e)
        else:
            # Refused (or never sent): nothing reached the customer.
            refused = payment.decided_by == "init_response"
            if wants_json(request):
                return JsonResponse(payment_json(payment), status=502 if refused else 202)
            return HttpResponseRedirect(reverse("payment", args=[payment.order_reference]), status=303)
    status = 400 if request.method == "POST" else 200
    if wants_json(request):
        return JsonResponse({"errors": form.errors.get_json_data()}, status=status)
    return render(request, "payments/checkout.html", {"form": form}, status=status)


def payment(request: HttpRequest, order_reference: str) -> HttpResponse:
    payment = get_object_or_404(Payment, order_reference=order_reference)
    if wants_json(request):
        return JsonResponse(payment_json(payment))
    return render(request, "payments/payment.html", {"payment": payment})


@csrf_exempt
@require_POST
def jenga_callback(request: HttpRequest) -> HttpResponse:
    """The provider's (unsigned) callback: its URL's token must verify."""
    try:
        payment = services.record_callback(request.get_full_path(), request.body)
    except jenga_stk.AuthenticationError as e:
        log.warning("callback refused (%s) from %s", e.code, request.META.get("REMOTE_ADDR"))
        return JsonResponse({"error": e.code}, status=403)
    except jenga_stk.ParseError as e:
        return JsonResponse({"error": e.code, "field": e.field}, status=400)
    if payment is None:
        return JsonResponse({"error": "unknown order"}, status=404)
    return JsonResponse({"ok": True})


@csrf_exempt
@require_POST
def jenga_ipn(request: HttpRequest) -> HttpResponse:
    """The IPN: Basic auth, then stored once per dedupe key (redeliveries answer 200)."""
    try:
        event, new = services.record_ipn(request.headers.get("Authorization"), request.body)
    except jenga_stk.AuthenticationError as e:
        log.warning("IPN refused (%s) from %s", e.code, request.META.get("REMOTE_ADDR"))
        response = JsonResponse({"error": e.code}, status=401)
        response["WWW-Authenticate"] = 'Basic realm="jenga-ipn"'
        return response
    except jenga_stk.ParseError as e:
        return JsonResponse({"error": e.code, "field": e.field}, status=400)
    return JsonResponse({"ok": True, "duplicate": not new, "deliveries": event.deliveries})
