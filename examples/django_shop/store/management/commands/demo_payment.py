"""`python manage.py demo_payment --server http://127.0.0.1:8000`: a customer
checks out on a running shop, then the payment is followed until decided.
Exits non-zero unless the payment ends confirmed paid (or, with
`--expect failed`, failed)."""

from __future__ import annotations

import time
from typing import Any, Dict

import requests
from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--server", required=True, help="the shop's base URL")
        parser.add_argument("--msisdn", default="0722000000", help="the sandbox decides by the last 3 digits")
        parser.add_argument("--amount", default="2")
        parser.add_argument("--expect", choices=["paid", "failed"], default="paid")
        parser.add_argument("--wait", type=float, default=30.0, help="seconds to wait for the decision")

    def handle(self, *args: Any, **options: Any) -> None:
        server = options["server"].rstrip("/")
        http = requests.Session()
        json = {"Accept": "application/json"}
        self.stdout.write(f"1. checkout at {server}/checkout/: {options['amount']} KES from {options['msisdn']}")
        http.get(f"{server}/checkout/", timeout=30).raise_for_status()  # the form, and its CSRF cookie
        reply = http.post(
            f"{server}/checkout/",
            data={"amount": options["amount"], "phone": options["msisdn"], "name": "Demo Customer", "email": "demo@example.com"},
            headers={**json, "X-CSRFToken": http.cookies.get("csrftoken", "")},
            timeout=60,
        )
        if "application/json" not in reply.headers.get("Content-Type", ""):
            raise CommandError(f"the checkout answered HTTP {reply.status_code}: {reply.text[:200]}")
        body: Dict[str, Any] = reply.json()
        self.stdout.write(f"   HTTP {reply.status_code}: {body}")
        if "order_reference" not in body:
            raise CommandError("the checkout did not start a payment")
        reference = body["order_reference"]
        self.stdout.write("2. waiting for the callback and the IPN (the customer enters the PIN)")
        deadline = time.monotonic() + options["wait"]
        while True:
            body = http.get(f"{server}/orders/{reference}/", headers=json, timeout=30).json()
            settled = body["state"] == "failed" or body["fulfilled"]  # paid: wait for the fulfilment too
            decided = body["state"] not in ("pending", "new") and settled and (body["confirmed"] or body["decided_by"] == "init_response")
            if decided or time.monotonic() > deadline:
                break
            time.sleep(0.25)
        self.stdout.write(f"3. payment {reference}: {body}")
        if body["state"] != options["expect"] or (options["expect"] == "paid" and not body["confirmed"]):
            raise CommandError(f"expected a confirmed {options['expect']} payment, got {body['state']}")
        if options["expect"] == "paid" and not body["fulfilled"]:
            raise CommandError("paid but not fulfilled (the payment_paid handler did not run)")
        self.stdout.write(
            self.style.SUCCESS(f"== {body['state']} as expected (decided by {body['decided_by']}, confirmed)")
        )
