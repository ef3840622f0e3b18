"""The two endpoints the provider calls. Both are CSRF-exempt, outside
``ATOMIC_REQUESTS`` (each delivery is processed in its own transaction, and
a failure is kept as evidence before the 500 that makes the provider
retry), limited in size (``MAX_BODY_BYTES``: 413), and idempotent: a
redelivery answers 200 and changes nothing.

* callback: the URL's HMAC token is verified (403 when forged or about
  another payment), the body parsed (400), then stored and handed in.
* IPN: HTTP Basic auth verified in constant time (401 with
  ``WWW-Authenticate``), the body parsed (400), then stored and handed in.
  An IPN naming no order answers 200 and is stored for the books.
"""

from __future__ import annotations

import logging
import typing

from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .. import AuthenticationError, ParseError
from . import conf, services

log = logging.getLogger("jenga_stk")

_View = typing.Callable[[HttpRequest], HttpResponse]

def _provider_endpoint(view: _View) -> _View:
    # login_not_required: exempt from LoginRequiredMiddleware (Django 5.1+).
    return login_not_required(csrf_exempt(require_POST(transaction.non_atomic_requests(view))))


class _TooLarge(Exception):
    pass


def _delivery(request: HttpRequest) -> services.Delivery:
    limit = conf.get().max_body_bytes
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        raise _TooLarge()
    body = request.read(limit + 1)
    if len(body) > limit:
        raise _TooLarge()
    return services.Delivery(body=body, headers=dict(request.headers), remote_addr=request.META.get("REMOTE_ADDR"))


def _too_large() -> JsonResponse:
    return JsonResponse({"error": "body_too_large", "max_bytes": conf.get().max_body_bytes}, status=413)


@_provider_endpoint
def callback(request: HttpRequest) -> HttpResponse:
    """The provider's (unsigned) callback, to a per-payment URL."""
    try:
        event = services.receive_callback(request.get_full_path(), _delivery(request))
    except _TooLarge:
        return _too_large()
    except AuthenticationError as e:
        log.warning("callback refused (%s) from %s", e.code, request.META.get("REMOTE_ADDR"))
        return JsonResponse({"error": e.code}, status=403)
    except ParseError as e:
        log.warning("callback not understood (%s at %s)", e.code, e.field)
        return JsonResponse({"error": e.code, "field": e.field}, status=400)
    return JsonResponse({"ok": True, "duplicate": event.deliveries > 1, "deliveries": event.deliveries})


@_provider_endpoint
def ipn(request: HttpRequest) -> HttpResponse:
    """The IPN (HTTP Basic auth)."""
    try:
        event = services.receive_ipn(request.headers.get("Authorization"), _delivery(request))
    except _TooLarge:
        return _too_large()
    except AuthenticationError as e:
        log.warning("IPN refused (%s) from %s", e.code, request.META.get("REMOTE_ADDR"))
        response = JsonResponse({"error": e.code}, status=401)
        response["WWW-Authenticate"] = 'Basic realm="jenga-ipn", charset="UTF-8"'
        return response
    except ParseError as e:
        log.warning("IPN not understood (%s at %s)", e.code, e.field)
        return JsonResponse({"error": e.code, "field": e.field}, status=400)
    return JsonResponse({"ok": True, "duplicate": event.deliveries > 1, "deliveries": event.deliveries})
