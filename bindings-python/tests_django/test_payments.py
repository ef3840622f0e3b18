"""The app against the sandbox, over real HTTP: Django's live server is the
shop, the sandbox (a separate process) is the provider, and they talk as the
shop and Jenga would: token, signed push, callback to the per-payment URL,
IPN with Basic auth, status query. Nothing is mocked. Runs on SQLite and on
PostgreSQL (DATABASE_URL; scripts/python-test.sh runs both)."""

from __future__ import annotations

import json
import secrets
import threading
import time
from datetime import timedelta
from decimal import Decimal
from io import StringIO
from typing import Any, Callable, Dict, List, Tuple

import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import LiveServerTestCase, override_settings
from django.urls import reverse

import jenga_stk
from jenga_stk.django import services, signals
from jenga_stk.django.client import get_client
from jenga_stk.django.models import Evidence, Payment

from sandbox import KEYS, Sandbox

CONFIG: Dict[str, Any] = settings.JENGA_STK
FAST = jenga_stk.RetryPolicy(
    first_poll=timedelta(milliseconds=100),
    confirm_delay=timedelta(milliseconds=50),
    initial_backoff=timedelta(milliseconds=20),
    max_backoff=timedelta(milliseconds=100),
    max_poll_interval=timedelta(milliseconds=200),
    request_timeout=timedelta(seconds=5),
    timeout=timedelta(seconds=20),
)


class Signals:
    """Every payment_paid / payment_failed sent, with the thread's view of the row."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.sent: List[Tuple[str, str, str]] = []

    def __call__(self, signal: Any, sender: Any, payment: Payment, **kwargs: Any) -> None:
        name = "paid" if signal is signals.payment_paid else "failed"
        with self.lock:
            self.sent.append((name, payment.order_reference, payment.state))

    def of(self, reference: str) -> List[str]:
        with self.lock:
            return [name for name, order, _ in self.sent if order == reference]


class PaymentTests(LiveServerTestCase):
    host = "127.0.0.1"
    sandbox: Sandbox
    sandbox_url: str

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.sandbox = Sandbox(
            "--public-key", str(KEYS / "test-pkcs1-2048.pub.pem"),
            "--api-key", CONFIG["API_KEY"],
            "--merchant-code", CONFIG["MERCHANT_CODE"],
            "--consumer-secret", CONFIG["CONSUMER_SECRET"],
            "--ipn-url", f"{cls.live_server_url}/jenga/ipn",
            "--ipn-username", CONFIG["IPN_USERNAME"],
            "--ipn-password", CONFIG["IPN_PASSWORD"],
            "--callback-delay-ms", "100",
            "--ipn-delay-ms", "150",
            "--retry-delay-ms", "100",
        )  # fmt: skip
        cls.addClassCleanup(cls.sandbox.stop)
        cls.sandbox_url = cls.sandbox.start()
        jenga = override_settings(
            JENGA_STK={**CONFIG, "ENVIRONMENT": cls.sandbox_url, "PUBLIC_URL": cls.live_server_url, "RETRY_POLICY": FAST}
        )
        jenga.enable()
        cls.addClassCleanup(jenga.disable)

    def setUp(self) -> None:
        requests.post(f"{self.sandbox_url}/sandbox/reset", timeout=30).raise_for_status()
        self.signals = Signals()
        for signal in (signals.payment_paid, signals.payment_failed):
            signal.connect(self.signals, weak=False)
            self.addCleanup(signal.disconnect, self.signals)
        self.number = 0

    # ------------------------------------------------------------ helpers

    def deliveries(self, **mode: str) -> None:
        requests.post(f"{self.sandbox_url}/sandbox/deliveries", json=mode, timeout=30).raise_for_status()

    def start(self, phone: str = "0722000000", amount: str = "250", reference: str = "") -> Payment:
        self.number += 1
        return services.start_payment(
            order_reference=reference or f"ORD{secrets.token_hex(6).upper()}",
            amount=Decimal(amount),
            phone=phone,
            customer_name="Jane Customer",
            customer_email="jane@example.com",
            customer_identity_number="12345678",
            description="Test order",
        )

    def wait_for(self, what: str, condition: Callable[[], bool], seconds: float = 20.0) -> None:
        deadline = time.monotonic() + seconds
        while not condition():
            if time.monotonic() > deadline:
                self.fail(f"timed out waiting for {what}\nsandbox log:\n{self.sandbox.output()}")
            time.sleep(0.05)

    def row(self, reference: str) -> Payment:
        return Payment.objects.get(order_reference=reference)

    def ipn_body(self, payment: Payment, receipt: str, status: str = "SUCCESS") -> bytes:
        return json.dumps(
            {
                "callbackType": "IPN",
                "customer": {"name": "Jane Customer", "mobileNumber": "0722000000", "reference": payment.order_reference},
                "transaction": {
                    "date": "2026-11-30 10:00:00", "reference": receipt, "paymentMode": "MPESA",
                    "amount": int(payment.amount), "currency": "KES", "status": status,
                    "remarks": "test", "billNumber": payment.payment_reference,
                },
            }
        ).encode()  # fmt: skip

    def callback_body(self, payment: Payment, receipt: str) -> bytes:
        return json.dumps(
            {
                "transactionReference": payment.payment_reference,
                "data": {"Body": {"stkCallback": {
                    "MerchantRequestID": "m1", "CheckoutRequestID": "c1", "ResultCode": 0, "ResultDesc": "ok",
                    "CallbackMetadata": {"Item": [
                        {"Name": "Amount", "Value": int(payment.amount)},
                        {"Name": "MpesaReceiptNumber", "Value": receipt},
                        {"Name": "TransactionDate", "Value": 20261130100000},
                        {"Name": "PhoneNumber", "Value": 254722000000},
                    ]},
                }}},
            }
        ).encode()  # fmt: skip

    def callback_url(self, payment: Payment) -> str:
        urls = jenga_stk.CallbackUrls(CONFIG["CALLBACK_SECRET"])
        return urls.callback_url(f"{self.live_server_url}/jenga/callback", payment.order_reference, payment.payment_reference)

    def basic(self, password: str = "") -> str:
        return jenga_stk.IpnAuth(username=CONFIG["IPN_USERNAME"], password=password or CONFIG["IPN_PASSWORD"]).authorization_header()

    # ------------------------------------------------------------ checkouts

    def test_a_paid_checkout_end_to_end(self) -> None:
        payment = self.start()
        self.assertEqual((payment.state, payment.outcome), ("pending", ""))
        self.assertTrue(payment.flow_state and payment.invoice_number.startswith("INV"), payment.invoice_number)
        self.wait_for("the paid signal", lambda: self.signals.of(payment.order_reference) == ["paid"])
        row = self.row(payment.order_reference)
        self.assertEqual((row.state, row.confirmed, row.decided_by, row.outcome), ("paid", True, "ipn", "paid"))
        self.assertEqual(row.amount_paid, Decimal("250"))
        self.assertTrue(row.receipt.startswith("SBX"), row.receipt)
        self.assertFalse(row.needs_review)
        self.wait_for("the callback", lambda: Evidence.objects.filter(payment=row, kind="callback").exists())
        ipn = Evidence.objects.get(payment=row, kind="ipn")
        self.assertEqual((ipn.dedupe_key, ipn.deliveries, ipn.valid, ipn.processed), (row.receipt, 1, True, True))
        self.assertNotIn("authorization", {h.lower() for h in ipn.headers}, "no credentials stored")
        self.assertIn('"SUCCESS"', ipn.body)
        callback = Evidence.objects.get(payment=row, kind="callback")
        self.assertNotIn("jenga_token", json.dumps(callback.headers), "the URL's token is not stored")
        time.sleep(0.3)
        self.assertEqual(self.signals.of(row.order_reference), ["paid"], "sent once")

    def test_a_failed_checkout_end_to_end(self) -> None:
        payment = self.start(phone="0722000001")  # the sandbox: the customer cancels
        self.wait_for("the failed signal", lambda: self.signals.of(payment.order_reference) == ["failed"])
        self.wait_for("the callback's reason", lambda: self.row(payment.order_reference).failure_reason == "cancelled")
        row = self.row(payment.order_reference)
        self.assertEqual((row.state, row.confirmed, row.decided_by, row.receipt), ("failed", True, "ipn", ""))
        self.assertEqual(self.signals.of(row.order_reference), ["failed"])

    def test_a_push_refused_at_initiation_is_failed_with_the_reason(self) -> None:
        payment = self.start(phone="0722000005")  # 106201: refused, nothing reached the customer
        self.assertEqual(
            (payment.state, payment.outcome, payment.decided_by, payment.failure_reason, payment.next_action),
            ("failed", "rejected", "init_response", "push_failed", "retry_with_backoff"),
        )
        self.assertEqual(payment.flow_state, "")
        self.wait_for("the failed signal", lambda: self.signals.of(payment.order_reference) == ["failed"])

    def test_invalid_input_stores_nothing_and_a_reference_is_used_once(self) -> None:
        with self.assertRaises(jenga_stk.ValidationError) as raised:
            self.start(phone="0622000000", amount="2.50")
        self.assertEqual({p.code for p in raised.exception.problems} >= {"invalid_phone", "amount_not_whole"}, True)
        self.assertFalse(Payment.objects.exists())
        self.start(reference="ORDONCE")
        with self.assertRaises(services.PaymentExistsError):
            self.start(reference="ORDONCE")
        self.assertEqual(Payment.objects.count(), 1)

    def test_evidence_that_beats_the_push_answer_is_handed_in_when_the_flow_is_saved(self) -> None:
        fault = {"endpoint": "init", "fault": "slow", "delayMs": 900}
        requests.post(f"{self.sandbox_url}/sandbox/faults", json=fault, timeout=30).raise_for_status()
        payment = self.start()
        self.assertEqual((payment.state, payment.decided_by), ("paid", "ipn"))
        self.assertEqual(Evidence.objects.filter(payment=payment, processed=True).count(), 2)
        self.wait_for("the paid signal", lambda: self.signals.of(payment.order_reference) == ["paid"])

    # ------------------------------------------------------------ idempotency and concurrency

    def test_a_short_payment_is_paid_and_needs_review(self) -> None:
        # The provider's IPN says 249 of 250 were paid, while the push awaits its answer.
        self.deliveries(callback="never", ipn="never")
        fault = {"endpoint": "init", "fault": "slow", "delayMs": 1500}
        requests.post(f"{self.sandbox_url}/sandbox/faults", json=fault, timeout=30).raise_for_status()
        reference = f"ORD{secrets.token_hex(6).upper()}"
        answered: List[int] = []

        def short_ipn() -> None:
            deadline = time.monotonic() + 10
            while not Payment.objects.filter(order_reference=reference).exists() and time.monotonic() < deadline:
                time.sleep(0.02)
            body = json.loads(self.ipn_body(self.row(reference), "SBXSHORT01"))
            body["transaction"]["amount"] = 249
            post = requests.post(
                f"{self.live_server_url}/jenga/ipn", data=json.dumps(body).encode(), headers={"Authorization": self.basic()}, timeout=30
            )
            answered.append(post.status_code)

        sender = threading.Thread(target=short_ipn)
        sender.start()
        payment = self.start(reference=reference)
        sender.join()
        self.assertEqual(answered, [200])
        self.wait_for("the paid signal", lambda: self.signals.of(reference) == ["paid"])
        row = self.row(reference)
        self.assertEqual((row.state, row.decided_by, row.amount_paid), ("paid", "ipn", Decimal("249")))
        self.assertTrue(row.needs_review, row.conflicts)
        self.assertIn("amount_mismatch", [c["kind"] for c in row.conflicts])
        self.assertEqual(payment.order_reference, reference)

    def test_a_redelivered_ipn_answers_200_and_changes_nothing(self) -> None:
        self.deliveries(ipn="twice")
        payment = self.start()
        self.wait_for("both deliveries", lambda: Evidence.objects.filter(kind="ipn", deliveries=2).exists())
        event = Evidence.objects.get(kind="ipn")
        replay = requests.post(
            f"{self.live_server_url}/jenga/ipn", data=event.body.encode(), headers={"Authorization": self.basic()}, timeout=30
        )
        self.assertEqual((replay.status_code, replay.json()), (200, {"ok": True, "duplicate": True, "deliveries": 3}))
        row = self.row(payment.order_reference)
        self.assertEqual((row.state, Evidence.objects.filter(kind="ipn").count()), ("paid", 1))
        self.assertEqual(self.signals.of(row.order_reference), ["paid"])

    def test_the_same_ipn_20_times_at_once_while_the_callback_arrives(self) -> None:
        """One transition, one signal, whatever the interleaving (PostgreSQL:
        row locks and the unique constraint; SQLite: writers queue)."""
        self.deliveries(callback="never", ipn="never")  # this test delivers them
        payment = self.start()
        self.assertEqual(payment.state, "pending")
        ipn, callback = self.ipn_body(payment, "SBXCONC001"), self.callback_body(payment, "SBXCONC001")
        url, auth = self.callback_url(payment), self.basic()
        barrier = threading.Barrier(21)
        answers: List[int] = []

        def post(target: str, body: bytes, headers: Dict[str, str]) -> None:
            with requests.Session() as http:
                barrier.wait(timeout=30)
                reply = http.post(target, data=body, headers=headers, timeout=60)
            answers.append(reply.status_code)

        threads = [
            threading.Thread(target=post, args=(f"{self.live_server_url}/jenga/ipn", ipn, {"Authorization": auth}))
            for _ in range(20)
        ] + [threading.Thread(target=post, args=(url, callback, {}))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=90)
        self.assertEqual(answers, [200] * 21)
        row = self.row(payment.order_reference)
        self.assertEqual((row.state, row.confirmed, row.decided_by, row.receipt), ("paid", True, "ipn", "SBXCONC001"))
        self.assertEqual(Evidence.objects.get(kind="ipn").deliveries, 20)
        self.assertEqual(Evidence.objects.get(kind="callback").deliveries, 1)
        self.wait_for("the signal", lambda: bool(self.signals.of(row.order_reference)))
        time.sleep(0.3)
        self.assertEqual(self.signals.of(row.order_reference), ["paid"], "one transition, one signal")

    def test_an_ipn_for_no_order_is_kept_for_the_books(self) -> None:
        body = b'{"callbackType":"IPN","customer":{"name":"Walk-in"},"transaction":{"reference":"PAYBILL01","amount":150,"status":"SUCCESS"}}'
        for deliveries in (1, 2):
            reply = requests.post(f"{self.live_server_url}/jenga/ipn", data=body, headers={"Authorization": self.basic()}, timeout=30)
            self.assertEqual((reply.status_code, reply.json()["deliveries"]), (200, deliveries))
        event = Evidence.objects.get()
        self.assertEqual((event.payment, event.order_reference, event.valid, event.processed), (None, "", False, False))
        self.assertFalse(Payment.objects.exists())

    # ------------------------------------------------------------ forgeries

    def test_forged_callbacks_and_ipns_change_nothing(self) -> None:
        self.deliveries(callback="never", ipn="never")
        payment, other = self.start(), self.start()
        body = self.callback_body(payment, "FAKE000001")
        url = self.callback_url(payment)
        forged = {
            f"{self.live_server_url}/jenga/callback": "callback_token_missing",
            url[:-2] + ("AA" if not url.endswith("AA") else "BB"): "callback_token_invalid",
            self.callback_url(other): "callback_reference_mismatch",  # a genuine URL, another payment's
        }
        for target, code in forged.items():
            with self.subTest(code=code):
                reply = requests.post(target, data=body, timeout=30)
                self.assertEqual((reply.status_code, reply.json()["error"]), (403, code))
        ipn = self.ipn_body(payment, "FAKE000001")
        for headers, code in [({}, "ipn_auth_missing"), ({"Authorization": self.basic("guessed-password")}, "ipn_auth_invalid")]:
            reply = requests.post(f"{self.live_server_url}/jenga/ipn", data=ipn, headers=headers, timeout=30)
            self.assertEqual((reply.status_code, reply.json()["error"]), (401, code))
            self.assertTrue(reply.headers["WWW-Authenticate"].startswith("Basic "))
        garbage = requests.post(f"{self.live_server_url}/jenga/ipn", data=b"<html>", headers={"Authorization": self.basic()}, timeout=30)
        self.assertEqual((garbage.status_code, garbage.json()["error"]), (400, "not_json"))
        huge = requests.post(f"{self.live_server_url}/jenga/ipn", data=b"{" + b" " * 70000 + b"}", headers={"Authorization": self.basic()}, timeout=30)
        self.assertEqual(huge.status_code, 413)
        self.assertEqual(requests.get(f"{self.live_server_url}/jenga/ipn", timeout=30).status_code, 405)
        self.assertFalse(Evidence.objects.exists(), "nothing stored")
        self.assertEqual(self.row(payment.order_reference).state, "pending")
        self.assertEqual(self.signals.sent, [])

    # ------------------------------------------------------------ the reconcile command and the admin

    def test_the_reconcile_command_decides_a_payment_whose_callback_never_came(self) -> None:
        self.deliveries(callback="never", ipn="never")
        payment = self.start()
        failed = self.start(phone="0722000003")  # insufficient funds
        time.sleep(0.5)
        self.assertEqual(self.row(payment.order_reference).state, "pending")
        out = StringIO()
        call_command("jenga_stk_reconcile", "--older-than", "60", stdout=out)
        self.assertIn("checked 0", out.getvalue(), "too recent: left alone")
        call_command("jenga_stk_reconcile", "--older-than", "0", stdout=out)
        self.assertIn("1 paid, 1 failed, 0 still pending", out.getvalue())
        row = self.row(payment.order_reference)
        self.assertEqual((row.state, row.confirmed, row.decided_by), ("paid", True, "status_query"))
        self.assertEqual(self.row(failed.order_reference).state, "failed")
        status = Evidence.objects.filter(payment=row, kind="status")
        self.assertTrue(status.exists(), "the status answer is kept")
        self.assertIn(row.order_reference, status.first().body)  # type: ignore[union-attr]
        self.wait_for("both signals", lambda: len(self.signals.sent) == 2)
        call_command("jenga_stk_reconcile", "--older-than", "0", stdout=out)
        self.assertIn("checked 0", out.getvalue().splitlines()[-1])
        self.assertEqual(sorted(self.signals.of(row.order_reference) + self.signals.of(failed.order_reference)), ["failed", "paid"])

    def test_a_one_off_status_query_keeps_every_answer_and_decides_nothing(self) -> None:
        """The app's client's query_status (the core's StatusQuery: a 502,
        then the expired token's 401, one new token, the answer): every
        status answer is kept as evidence of the payment; the row is left to
        its flow (services.check_status asks through the flow, which decides)."""
        self.deliveries(callback="never", ipn="never")
        payment = self.start()
        before = requests.get(f"{self.sandbox_url}/sandbox/counters", timeout=30).json()
        requests.post(f"{self.sandbox_url}/sandbox/expire-tokens", timeout=30).raise_for_status()
        fault = {"endpoint": "status", "fault": "server_error_html"}
        requests.post(f"{self.sandbox_url}/sandbox/faults", json=fault, timeout=30).raise_for_status()
        answer = get_client().query_status(payment.order_reference)
        assert isinstance(answer, jenga_stk.OrderStatus)
        self.assertEqual(answer.order.order_reference, payment.order_reference)
        kept = Evidence.objects.filter(kind="status", order_reference=payment.order_reference)
        self.assertEqual(sorted(e.http_status or 0 for e in kept), [200, 401, 502])
        self.assertEqual({e.payment_id for e in kept}, {payment.pk})
        counters = requests.get(f"{self.sandbox_url}/sandbox/counters", timeout=30).json()
        spent = (counters["tokenRequests"] - before["tokenRequests"], counters["statusQueries"] - before["statusQueries"])
        self.assertEqual(spent, (1, 3), "one new token; the 502, the 401 and the answer")
        self.assertEqual(self.row(payment.order_reference).state, "pending", "a one-off query decides nothing")

    def test_the_admin_is_read_only_searchable_and_asks_again(self) -> None:
        self.deliveries(callback="never", ipn="never")
        payment = self.start()
        body = b'{"callbackType":"IPN","customer":{"name":"Walk-in"},"transaction":{"reference":"PAYBILL02","amount":9,"status":"SUCCESS"}}'
        requests.post(f"{self.live_server_url}/jenga/ipn", data=body, headers={"Authorization": self.basic()}, timeout=30)
        admin = get_user_model().objects.create_superuser("admin", "admin@example.com", "admin-password-123")
        self.client.force_login(admin)
        changelist = reverse("admin:jenga_stk_payment_changelist")
        self.assertContains(self.client.get(changelist, {"q": payment.order_reference}), payment.order_reference)
        self.assertContains(self.client.get(changelist, {"state__exact": "pending"}), payment.order_reference)
        change = self.client.get(reverse("admin:jenga_stk_payment_change", args=[payment.pk]))
        self.assertContains(change, payment.order_reference)
        self.assertNotContains(change, 'name="_save"')  # read-only
        self.assertEqual(self.client.get(reverse("admin:jenga_stk_payment_add")).status_code, 403)
        self.assertEqual(self.client.post(reverse("admin:jenga_stk_payment_delete", args=[payment.pk])).status_code, 403)
        evidence = self.client.get(reverse("admin:jenga_stk_evidence_change", args=[Evidence.objects.get(dedupe_key="PAYBILL02").pk]))
        self.assertContains(evidence, "PAYBILL02")
        self.assertNotContains(evidence, "Basic ")
        reply = self.client.post(changelist, {"action": "check_status", "_selected_action": [str(payment.pk)]}, follow=True)
        self.assertContains(reply, f"{payment.order_reference}: paid (confirmed)")
        self.assertEqual(self.row(payment.order_reference).decided_by, "status_query")

    def test_the_client_is_one_per_process_and_hides_its_secrets(self) -> None:
        self.assertIs(get_client(), get_client())
        text = repr(get_client())
        for secret in (CONFIG["CONSUMER_SECRET"], CONFIG["IPN_PASSWORD"], CONFIG["CALLBACK_SECRET"], CONFIG["API_KEY"]):
            self.assertNotIn(secret, text)
        self.assertIn("/jenga/callback", text)
