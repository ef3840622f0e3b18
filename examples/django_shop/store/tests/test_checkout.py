"""The shop end to end, over real HTTP: a customer checks out on Django's
live server, the sandbox (a separate process) prompts, calls back and sends
the IPN; the jenga_stk app decides and signals; the shop's handler fulfils
the order (one receipt e-mail). Nothing is mocked."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any, Callable, Dict

import requests
from django.conf import settings
from django.core import mail
from django.test import LiveServerTestCase, override_settings

import jenga_stk

from store.models import Order

from .sandbox import KEYS, Sandbox

# The test run's own settings come from the environment (scripts/python-test.sh
# sets production-like values: `manage.py test` runs the system checks with
# DEBUG off first); the IPN credentials and the callback secret are these.
IPN_USERNAME = "shop-ipn"
IPN_PASSWORD = "Hq7Wd2Xk9Lp4Zr8T"
JSON = {"Accept": "application/json"}


class CheckoutTests(LiveServerTestCase):
    host = "127.0.0.1"
    sandbox: Sandbox
    sandbox_url: str

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.sandbox = Sandbox(
            "--public-key", str(KEYS / "test-pkcs1-2048.pub.pem"),
            "--api-key", str(settings.JENGA_STK["API_KEY"]),
            "--merchant-code", str(settings.JENGA_STK["MERCHANT_CODE"]),
            "--consumer-secret", str(settings.JENGA_STK["CONSUMER_SECRET"]),
            "--ipn-url", f"{cls.live_server_url}/jenga/ipn",
            "--ipn-username", IPN_USERNAME, "--ipn-password", IPN_PASSWORD,
            "--callback-delay-ms", "100", "--ipn-delay-ms", "150", "--retry-delay-ms", "100",
        )  # fmt: skip
        cls.addClassCleanup(cls.sandbox.stop)
        cls.sandbox_url = cls.sandbox.start()
        jenga = override_settings(
            JENGA_STK={
                **settings.JENGA_STK,
                "ENVIRONMENT": cls.sandbox_url,
                "PRIVATE_KEY": str(KEYS / "test-pkcs1-2048.pem"),
                "CALLBACK_SECRET": "Tn4Rk8Wq2Zx6Lp0Vb3Mc7Hd1Jf5Gs9Ya",
                "IPN_USERNAME": IPN_USERNAME,
                "IPN_PASSWORD": IPN_PASSWORD,
                "PUBLIC_URL": cls.live_server_url,
                "RETRY_POLICY": jenga_stk.RetryPolicy(first_poll=timedelta(milliseconds=100), request_timeout=timedelta(seconds=5)),
            }
        )
        jenga.enable()
        cls.addClassCleanup(jenga.disable)

    def checkout(self, phone: str, amount: str = "2") -> requests.Response:
        http = requests.Session()
        http.get(f"{self.live_server_url}/checkout/", timeout=30).raise_for_status()
        return http.post(
            f"{self.live_server_url}/checkout/",
            data={"amount": amount, "phone": phone, "name": "Jane Customer", "email": "jane@example.com"},
            headers={**JSON, "X-CSRFToken": http.cookies["csrftoken"]},
            timeout=60,
        )

    def wait_for(self, what: str, condition: Callable[[], bool], seconds: float = 20.0) -> None:
        deadline = time.monotonic() + seconds
        while not condition():
            if time.monotonic() > deadline:
                self.fail(f"timed out waiting for {what}\nsandbox log:\n{self.sandbox.output()}")
            time.sleep(0.05)

    def page(self, reference: str) -> Dict[str, Any]:
        result: Dict[str, Any] = requests.get(f"{self.live_server_url}/orders/{reference}/", headers=JSON, timeout=30).json()
        return result

    def test_a_paid_order_is_fulfilled_once_by_the_signal_handler(self) -> None:
        reply = self.checkout("0722000000")
        self.assertEqual(reply.status_code, 202, reply.text)
        reference = reply.json()["order_reference"]
        self.assertEqual(reply.json()["state"], "pending")
        self.wait_for("the fulfilment", lambda: Order.objects.get(reference=reference).fulfilled_at is not None)
        page = self.page(reference)
        self.assertEqual((page["state"], page["confirmed"], page["decided_by"], page["fulfilled"]), ("paid", True, "ipn", True))
        time.sleep(0.3)
        self.assertEqual(len(mail.outbox), 1)
        self.assertIn(page["receipt"], mail.outbox[0].body)
        self.assertEqual(mail.outbox[0].to, ["jane@example.com"])
        html = requests.get(f"{self.live_server_url}/orders/{reference}/", timeout=30).text
        self.assertIn("Paid, thank you", html)

    def test_a_cancelled_payment_is_not_fulfilled(self) -> None:
        reference = self.checkout("0722000001").json()["order_reference"]
        self.wait_for("the decision", lambda: self.page(reference)["state"] == "failed")
        self.wait_for("the reason", lambda: self.page(reference)["failure_reason"] == "cancelled")
        self.assertFalse(self.page(reference)["fulfilled"])
        self.assertEqual(mail.outbox, [])

    def test_a_push_refused_at_initiation(self) -> None:
        reply = self.checkout("0722000005")
        self.assertEqual(reply.status_code, 502, reply.text)
        self.assertEqual((reply.json()["state"], reply.json()["next_action"]), ("failed", "retry_with_backoff"))

    def test_invalid_input_stores_nothing(self) -> None:
        reply = self.checkout("0622000000")
        self.assertEqual(reply.status_code, 400, reply.text)
        self.assertIn("invalid_phone", str(reply.json()["errors"]["phone"]))
        self.assertFalse(Order.objects.exists())
