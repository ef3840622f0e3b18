"""Payments end to end, over real HTTP: this shop (Django's live server) and
the local sandbox (a separate process) talk to each other exactly as the shop
and the provider would: token, signed push, callback to the per-payment URL,
IPN with Basic auth (redelivered when its acknowledgement is lost), status
query. Nothing is mocked."""

from __future__ import annotations

import time
from decimal import Decimal
from typing import Any, Callable, Dict

import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import LiveServerTestCase, modify_settings, override_settings
from django.urls import reverse

import jenga_stk

from payments.jenga import client
from payments.models import IpnEvent, Payment

from .faults import IpnFaults
from .sandbox import KEYS, Sandbox

IPN_USERNAME = "shop-ipn"
IPN_PASSWORD = "shop-ipn-password-for-tests"
CALLBACK_SECRET = "test-only callback secret, at least 32 bytes"
JSON = {"Accept": "application/json"}


@modify_settings(MIDDLEWARE={"append": "payments.tests.faults.IpnFaults"})
class PaymentFlowTests(LiveServerTestCase):
    host = "127.0.0.1"
    sandbox: Sandbox
    sandbox_url: str

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.sandbox = Sandbox(
            "--public-key",
            str(KEYS / "test-pkcs1-2048.pub.pem"),
            "--ipn-url",
            f"{cls.live_server_url}/jenga/ipn",
            "--ipn-username",
            IPN_USERNAME,
            "--ipn-password",
            IPN_PASSWORD,
            "--callback-delay-ms",
            "150",
            "--ipn-delay-ms",
            "150",
            "--retry-delay-ms",
            "100",
            "--delivery-attempts",
            "3",
        )
        cls.addClassCleanup(cls.sandbox.stop)
        cls.sandbox_url = cls.sandbox.start()
        jenga = override_settings(
            JENGA={
                **settings.JENGA,
                "ENVIRONMENT": cls.sandbox_url,
                "API_KEY": "sandbox-api-key",
                "MERCHANT_CODE": "0000000000",
                "CONSUMER_SECRET": "sandbox-consumer-secret",
                "PRIVATE_KEY_PATH": str(KEYS / "test-pkcs1-2048.pem"),
                "CALLBACK_SECRET": CALLBACK_SECRET,
                "PUBLIC_URL": cls.live_server_url,
                "IPN_USERNAME": IPN_USERNAME,
                "IPN_PASSWORD": IPN_PASSWORD,
            }
        )
        jenga.enable()
        cls.addClassCleanup(jenga.disable)

    def setUp(self) -> None:
        IpnFaults.reset()

    def tearDown(self) -> None:
        IpnFaults.reset()

    # ------------------------------------------------------------ helpers

    def checkout(self, msisdn: str, amount: str = "2") -> requests.Response:
        """A customer's checkout: the form (for its CSRF token), then the POST."""
        http = requests.Session()
        http.get(f"{self.live_server_url}/checkout/", timeout=30).raise_for_status()
        return http.post(
            f"{self.live_server_url}/checkout/",
            data={"amount": amount, "msisdn": msisdn, "name": "Jane Customer", "email": "jane@example.com"},
            headers={**JSON, "X-CSRFToken": http.cookies["csrftoken"]},
            timeout=60,
        )

    def wait_for(self, what: str, condition: Callable[[], bool], seconds: float = 20.0) -> None:
        deadline = time.monotonic() + seconds
        while not condition():
            if time.monotonic() > deadline:
                self.fail(f"timed out waiting for {what}\nsandbox log:\n{self.sandbox.output()}")
            time.sleep(0.05)

    def payment(self, reference: str) -> Payment:
        return Payment.objects.get(order_reference=reference)

    def page(self, reference: str) -> Dict[str, Any]:
        reply = requests.get(f"{self.live_server_url}/payments/{reference}/", headers=JSON, timeout=30)
        reply.raise_for_status()
        result: Dict[str, Any] = reply.json()
        return result

    # ------------------------------------------------------------ payments

    def test_a_payment_completes_paid(self) -> None:
        reply = self.checkout("0722000000")
        self.assertEqual(reply.status_code, 202, reply.text)
        started = reply.json()
        reference = started["order_reference"]
        self.assertEqual(started["state"], "pending")
        self.assertTrue(started["invoice_number"].startswith("INV"))

        self.wait_for("the confirmed payment", lambda: self.payment(reference).fulfilled_at is not None)
        payment = self.payment(reference)
        self.assertEqual((payment.state, payment.confirmed, payment.decided_by), ("paid", True, "ipn"))
        self.assertEqual(payment.amount_paid, Decimal("2.00"))
        self.assertTrue(payment.mpesa_receipt.startswith("SBX"), payment.mpesa_receipt)
        self.assertTrue(payment.callback_body, "the callback came, with a verified URL token")
        self.assertEqual(payment.conflicts, [])
        event = IpnEvent.objects.get(order_reference=reference)
        self.assertEqual((event.status, event.deliveries, event.payment_id), ("SUCCESS", 1, payment.pk))
        self.assertEqual(event.dedupe_key, payment.mpesa_receipt)
        self.assertEqual(len(mail.outbox), 1)
        self.assertIn(payment.mpesa_receipt, mail.outbox[0].body)
        self.assertEqual(mail.outbox[0].to, ["jane@example.com"])

        page = self.page(reference)
        self.assertEqual((page["state"], page["confirmed"], page["fulfilled"]), ("paid", True, True))
        html = requests.get(f"{self.live_server_url}/payments/{reference}/", timeout=30).text
        self.assertIn("Paid, thank you", html)

    def test_evidence_that_beats_the_push_answer_is_handed_in_when_the_state_is_saved(self) -> None:
        """The push is processed at once but its answer takes 0.8 s: the
        callback and the IPN arrive before the shop has the payment's flow.
        They are stored, and handed to the flow when it is saved: the
        checkout already answers paid."""
        fault = {"endpoint": "init", "fault": "slow", "delayMs": 800}
        requests.post(f"{self.sandbox_url}/sandbox/faults", json=fault, timeout=30).raise_for_status()
        reply = self.checkout("0722000000")
        self.assertEqual(reply.status_code, 202, reply.text)
        body = reply.json()
        self.assertEqual((body["state"], body["confirmed"], body["decided_by"], body["fulfilled"]), ("paid", True, "ipn", True))
        payment = self.payment(body["order_reference"])
        self.assertTrue(payment.callback_body)
        self.assertEqual(IpnEvent.objects.get(order_reference=payment.order_reference).payment_id, payment.pk)
        self.assertEqual(len(mail.outbox), 1)

    def test_failed_payments(self) -> None:
        """Cancelled, timeout, insufficient funds, wrong PIN: failed, with the reason."""
        cases = {"0722000001": "cancelled", "0722000002": "timeout", "0722000003": "insufficient_funds", "0722000004": "wrong_pin"}
        started = {}
        for msisdn, reason in cases.items():
            reply = self.checkout(msisdn)
            self.assertEqual(reply.status_code, 202, reply.text)
            started[reply.json()["order_reference"]] = reason
        for reference, reason in started.items():
            with self.subTest(reason=reason):
                self.wait_for(f"{reason} confirmed", lambda: self.payment(reference).confirmed)
                payment = self.payment(reference)
                self.assertEqual((payment.state, payment.decided_by, payment.failure_reason), ("failed", "ipn", reason))
                self.assertIsNone(payment.fulfilled_at)
                self.assertEqual(IpnEvent.objects.get(order_reference=reference).status, "FAILED")
        self.assertEqual(mail.outbox, [])

    def test_a_push_refused_at_initiation(self) -> None:
        reply = self.checkout("0722000005")  # the sandbox answers 106201 (HTTP 200, status false)
        self.assertEqual(reply.status_code, 502, reply.text)
        body = reply.json()
        self.assertEqual(
            (body["state"], body["failure_reason"], body["next_action"], body["decided_by"]),
            ("failed", "push_failed", "retry_with_backoff", "init_response"),
        )
        time.sleep(0.5)
        self.assertEqual(self.payment(body["order_reference"]).state, "failed")
        self.assertFalse(IpnEvent.objects.exists())

    def test_invalid_checkouts_store_nothing(self) -> None:
        reply = self.checkout("0622000000")  # not a Kenyan mobile number: the SDK says so
        self.assertEqual(reply.status_code, 400, reply.text)
        codes = [e["message"] for e in reply.json()["errors"]["msisdn"]]
        self.assertTrue(codes and all("invalid_phone" in c for c in codes), codes)
        self.assertEqual(len(codes), 1, "customer.phoneNumber and msisdn problems shown once")
        bad_amount = self.checkout("0722000000", amount="2.50")  # whole units by default: never rounded
        self.assertEqual(bad_amount.status_code, 400)
        self.assertIn("amount_not_whole", str(bad_amount.json()["errors"]["amount"]))
        self.assertFalse(Payment.objects.exists())
        form = requests.get(f"{self.live_server_url}/checkout/", timeout=30)
        self.assertIn("Pay with M-Pesa", form.text)

    # ------------------------------------------------------------ IPN redelivery

    def test_a_duplicated_ipn_is_recorded_once(self) -> None:
        IpnFaults.lose_acks = 1  # the first IPN is processed, but the sandbox sees 503 and redelivers
        reference = self.checkout("0722000000").json()["order_reference"]
        self.wait_for("the redelivered IPN", lambda: IpnEvent.objects.filter(order_reference=reference, deliveries=2).exists())
        payment = self.payment(reference)
        self.assertEqual((payment.state, payment.confirmed), ("paid", True))
        fulfilled_at = payment.fulfilled_at
        self.assertIsNotNone(fulfilled_at)
        self.assertEqual(IpnEvent.objects.count(), 1)
        self.assertEqual(len(mail.outbox), 1, "fulfilled once")
        self.assertIn("IPN to http://127.0.0.1", self.sandbox.output())

        # Later, the provider delivers it once more: the same request, replayed.
        event = IpnEvent.objects.get()
        authorization = jenga_stk.IpnAuth(username=IPN_USERNAME, password=IPN_PASSWORD).authorization_header()
        replay = requests.post(
            f"{self.live_server_url}/jenga/ipn",
            data=event.body.encode(),
            headers={"Authorization": authorization, "Content-Type": "application/json"},
            timeout=30,
        )
        self.assertEqual(replay.status_code, 200)
        self.assertEqual(replay.json(), {"ok": True, "duplicate": True, "deliveries": 3})
        self.assertEqual((IpnEvent.objects.count(), len(mail.outbox)), (1, 1))
        self.assertEqual(self.payment(reference).fulfilled_at, fulfilled_at)

    def test_a_lost_ipn_is_settled_by_a_status_query_from_the_admin(self) -> None:
        IpnFaults.refuse_all = True  # every IPN delivery fails: the sandbox gives up
        reference = self.checkout("0722000000").json()["order_reference"]
        self.wait_for("the callback", lambda: bool(self.payment(reference).callback_body))
        self.wait_for("the sandbox to give up the IPN", lambda: "IPN to" in self.sandbox.output() and "gave up" in self.sandbox.output())
        payment = self.payment(reference)
        # The unsigned callback alone decides nothing: still pending, not fulfilled.
        self.assertEqual((payment.state, payment.confirmed, payment.decided_by), ("pending", False, ""))
        self.assertTrue(payment.flow_state, "the payment's flow is saved with the order")
        self.assertIsNone(payment.fulfilled_at)
        self.assertEqual(mail.outbox, [])

        admin = get_user_model().objects.create_superuser("admin", "admin@example.com", "admin-password")
        self.client.force_login(admin)
        changelist = reverse("admin:payments_payment_changelist")
        self.assertContains(self.client.get(changelist), reference)
        self.assertContains(self.client.get(reverse("admin:payments_payment_change", args=[payment.pk])), reference)
        reply = self.client.post(changelist, {"action": "query_status", "_selected_action": [str(payment.pk)]}, follow=True)
        self.assertContains(reply, f"{reference}: paid (confirmed)")
        payment = self.payment(reference)
        self.assertEqual((payment.state, payment.confirmed, payment.decided_by), ("paid", True, "status_query"))
        self.assertIsNotNone(payment.fulfilled_at)
        self.assertEqual(len(mail.outbox), 1)
        self.assertFalse(IpnEvent.objects.exists())

    def test_an_ipn_without_an_order_reference_is_stored_for_no_order(self) -> None:
        """A payment that did not come from a push (no customer.reference):
        answered 200 and kept for the books, attached to no order."""
        authorization = jenga_stk.IpnAuth(username=IPN_USERNAME, password=IPN_PASSWORD).authorization_header()
        body = (
            b'{"callbackType":"IPN","customer":{"name":"Walk-in Customer","mobileNumber":"0722000000"},'
            b'"transaction":{"reference":"PAYBILL0001","amount":150,"status":"SUCCESS"}}'
        )
        for deliveries in (1, 2):
            reply = requests.post(
                f"{self.live_server_url}/jenga/ipn",
                data=body,
                headers={"Authorization": authorization, "Content-Type": "application/json"},
                timeout=30,
            )
            self.assertEqual(reply.status_code, 200, reply.text)
            self.assertEqual(reply.json(), {"ok": True, "duplicate": deliveries > 1, "deliveries": deliveries})
        event = IpnEvent.objects.get()
        self.assertEqual((event.payment, event.order_reference, event.amount), (None, "", Decimal("150")))
        self.assertFalse(Payment.objects.exists())
        self.assertEqual(mail.outbox, [])

    # ------------------------------------------------------------ forgeries and tokens

    def test_forged_callbacks_and_ipns_are_refused(self) -> None:
        payment = Payment.objects.create(
            order_reference="ORFORGED1",
            payment_reference="PAYFORGED1",
            amount=Decimal("2"),
            msisdn="0722000000",
            customer_name="Jane Customer",
            customer_email="jane@example.com",
        )
        paid = (
            b'{"transactionReference":"PAYFORGED1","data":{"Body":{"stkCallback":{"MerchantRequestID":"m",'
            b'"CheckoutRequestID":"c","ResultDesc":"ok","ResultCode":0,"CallbackMetadata":{"Item":['
            b'{"Value":2,"Name":"Amount"},{"Value":"FAKE000001","Name":"MpesaReceiptNumber"},'
            b'{"Value":20240809162247,"Name":"TransactionDate"},{"Value":254722000000,"Name":"PhoneNumber"}]}}}}}'
        )
        urls = jenga_stk.CallbackUrls(CALLBACK_SECRET)
        url = urls.callback_url(f"{self.live_server_url}/jenga/callback", "ORFORGED1", "PAYFORGED1")
        other = urls.callback_url(f"{self.live_server_url}/jenga/callback", "ORFORGED2", "PAYFORGED2")
        forgeries = {
            f"{self.live_server_url}/jenga/callback": "callback_token_missing",
            url[:-2] + ("AA" if not url.endswith("AA") else "BB"): "callback_token_invalid",
            url.replace("PAYFORGED1", "PAYFORGED2"): "callback_token_invalid",
            other: "callback_reference_mismatch",  # a genuine URL, for another payment
        }
        for target, code in forgeries.items():
            with self.subTest(code=code):
                reply = requests.post(target, data=paid, timeout=30)
                self.assertEqual((reply.status_code, reply.json()["error"]), (403, code))
        self.assertEqual(self.payment("ORFORGED1").state, "pending")

        ipn = (
            b'{"callbackType":"IPN","customer":{"reference":"ORFORGED1"},"transaction":{"date":"2024-08-09 16:22:50",'
            b'"reference":"FAKE000001","paymentMode":"MPESA","amount":2,"currency":"KES","status":"SUCCESS"}}'
        )
        wrong = jenga_stk.IpnAuth(username=IPN_USERNAME, password="guessed").authorization_header()
        for headers, code in [({}, "ipn_auth_missing"), ({"Authorization": wrong}, "ipn_auth_invalid")]:
            reply = requests.post(f"{self.live_server_url}/jenga/ipn", data=ipn, headers=headers, timeout=30)
            self.assertEqual((reply.status_code, reply.json()["error"]), (401, code))
            self.assertEqual(reply.headers["WWW-Authenticate"], 'Basic realm="jenga-ipn"')
        good = jenga_stk.IpnAuth(username=IPN_USERNAME, password=IPN_PASSWORD).authorization_header()
        garbage = requests.post(f"{self.live_server_url}/jenga/ipn", data=b"<html>", headers={"Authorization": good}, timeout=30)
        self.assertEqual((garbage.status_code, garbage.json()["error"]), (400, "not_json"))
        self.assertFalse(IpnEvent.objects.exists())
        self.assertEqual(self.payment("ORFORGED1").state, "pending")

        # The genuine URL with the genuine body: recorded, but the callback
        # alone is unsigned evidence: still pending, not fulfilled.
        reply = requests.post(url, data=paid, timeout=30)
        self.assertEqual(reply.status_code, 200, reply.text)
        payment.refresh_from_db()
        self.assertEqual((payment.state, payment.confirmed, payment.decided_by), ("pending", False, ""))
        self.assertEqual(payment.callback_body, paid.decode())
        self.assertIsNone(payment.fulfilled_at)
        self.assertEqual(mail.outbox, [])

    def test_an_expired_token_is_refreshed(self) -> None:
        requests.post(f"{self.sandbox_url}/sandbox/reset", timeout=30).raise_for_status()
        had_token = client().tokens.has_token  # from an earlier test: then the first push needs none
        first = self.checkout("0722000000")
        self.assertEqual(first.status_code, 202, first.text)
        # Every token the sandbox issued expires now; ours still looks fresh locally.
        requests.post(f"{self.sandbox_url}/sandbox/expire-tokens", timeout=30).raise_for_status()
        second = self.checkout("0722000000")
        self.assertEqual(second.status_code, 202, second.text)  # 401, new token, the same push again
        counters = requests.get(f"{self.sandbox_url}/sandbox/counters", timeout=30).json()
        # One refresh after the 401, plus the first token if there was none.
        self.assertEqual(counters["tokenRequests"], 1 if had_token else 2, counters)
        self.assertEqual((counters["initRequests"], counters["pushesTotal"]), (3, 2), counters)
        for reply in (first, second):
            reference = reply.json()["order_reference"]
            self.wait_for("both payments", lambda: self.payment(reference).fulfilled_at is not None)
