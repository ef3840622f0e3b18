"""Signing and parsing release the GIL, and everything works from many threads.

How the GIL release is shown, deterministically: the interpreter's switch
interval is raised to 100 s, so a thread running Python code (or native code
that keeps the GIL) is never preempted. A helper thread appends to a list in
a loop. Across one call of the function under test, the list can only grow
if that call released the GIL. A pure-Python busy loop is the control: the
list must not grow across it, which shows the method can tell the difference.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from typing import Callable, Iterator, List

import pytest

import jenga_stk as j
from conftest import key_text


@pytest.fixture
def no_preemption() -> Iterator[None]:
    previous = sys.getswitchinterval()
    sys.setswitchinterval(100.0)
    try:
        yield
    finally:
        sys.setswitchinterval(previous)


def releases_the_gil(work: Callable[[], object], calls: int = 20) -> bool:
    """True if, during at least one of `calls` calls of `work`, another
    Python thread ran (which, without preemption, needs a GIL release)."""
    stamps: List[float] = []
    stop = threading.Event()

    def spin() -> None:
        while not stop.is_set():
            stamps.append(time.perf_counter())
            time.sleep(0)  # blocks briefly: hands the GIL back

    helper = threading.Thread(target=spin)
    helper.start()
    try:
        released = False
        for _ in range(calls):
            before = len(stamps)
            work()
            if len(stamps) > before:
                released = True
        return released
    finally:
        stop.set()
        helper.join()


def busy_python(seconds: float) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass


def test_the_method_detects_a_held_gil(no_preemption: None) -> None:
    assert not releases_the_gil(lambda: busy_python(0.01), calls=10)
    # Native code that keeps the GIL (the json module's C parser) reads as held too.
    big = '{"padding":"' + "x" * 8_000_000 + '"}'
    assert not releases_the_gil(lambda: json.loads(big), calls=10)


def test_signing_releases_the_gil(no_preemption: None) -> None:
    signer = j.Signer.from_pem(key_text("test-pkcs8-4096"))
    assert releases_the_gil(lambda: signer.sign(b"OR28922980077KES07220000002"))


def test_signing_a_push_releases_the_gil(no_preemption: None) -> None:
    signer = j.Signer.from_pem(key_text("test-pkcs8-4096"))
    push = j.StkPush.from_json(
        b'{"order":{"orderReference":"OR1","orderAmount":2,"orderCurrency":"KES","countryCode":"KE",'
        b'"description":"Purchase"},"customer":{"name":"J","email":"j@example.com","phoneNumber":"0722000111",'
        b'"identityNumber":"1"},"payment":{"paymentReference":"PAY1","paymentCurrency":"KES",'
        b'"callbackUrl":"https://shop.example.com/cb","details":{"msisdn":"0722000000","paymentAmount":2}}}'
    )
    assert releases_the_gil(lambda: push.sign(signer))


def test_parsing_releases_the_gil(no_preemption: None) -> None:
    # A valid callback carrying 8 MB of an unknown field: parsing takes milliseconds.
    padding = b"x" * 8_000_000
    body = (
        b'{"padding":"' + padding + b'","transactionReference":"PAY1","data":{"Body":{"stkCallback":'
        b'{"MerchantRequestID":"m","CheckoutRequestID":"c","ResultDesc":"cancelled","ResultCode":1032}}}}'
    )
    limits = j.Limits(max_body_bytes=16_000_000)
    assert j.parse_callback(body, limits=limits).result_code == 1032
    assert releases_the_gil(lambda: j.parse_callback(body, limits=limits))
    ipn = (
        b'{"padding":"' + padding + b'","customer":{"reference":"OR1"},"transaction":{"date":"2024-08-09 16:22:50",'
        b'"reference":"SH90HU7FO2","paymentMode":"MPESA","amount":2,"currency":"KES","status":"SUCCESS"}}'
    )
    assert releases_the_gil(lambda: j.parse_ipn(ipn, limits=limits))
    init = b'{"padding":"' + padding + b'","status":true,"code":"0"}'
    assert releases_the_gil(lambda: j.classify_init_response(200, init, limits=limits))
    received = (
        b'{"padding":"' + padding + b'","order":{"orderReference":"OR1"},'
        b'"payment":{"paymentCurrency":"KES","details":{"msisdn":"0722000000","paymentAmount":2}}}'
    )
    assert j.signing_string_of_body(received, limits=limits) == "OR1KES07220000002"
    assert releases_the_gil(lambda: j.signing_string_of_body(received, limits=limits))


def test_the_flow_and_the_doctor_release_the_gil(no_preemption: None) -> None:
    # The flow parses the answer it is handed with the GIL released.
    padding = b"x" * 8_000_000
    limits = j.Limits(max_body_bytes=16_000_000)
    push = j.StkPush.from_json(
        b'{"order":{"orderReference":"OR1","orderAmount":2,"orderCurrency":"KES","countryCode":"KE",'
        b'"description":"Purchase"},"customer":{"name":"J","email":"j@example.com","phoneNumber":"0722000111",'
        b'"identityNumber":"1"},"payment":{"paymentReference":"PAY1","paymentCurrency":"KES",'
        b'"callbackUrl":"https://shop.example.com/cb","details":{"msisdn":"0722000000","paymentAmount":2}}}'
    ).sign(j.Signer.from_pem(key_text("test-pkcs1-2048")))
    tokens = j.SharedTokens("uat", j.Credentials(api_key="k", merchant_code="m", consumer_secret="s"))
    context = j.FlowContext(tokens, limits=limits)
    now = datetime(2024, 8, 9, 13, 0, tzinfo=timezone.utc)
    token = b'{"padding":"' + padding + b'","accessToken":"eyJ.x.y","expiresIn":900}'

    def answer_the_token_request() -> None:
        flow = j.PaymentFlow(push, context, seed=1, now=now)
        flow.poll(now)
        flow.handle_response(now, 200, None, token)
        tokens.invalidate(j.AccessToken("eyJ.x.y"))

    assert releases_the_gil(answer_the_token_request, calls=10)
    # The doctor tries thousands of candidate texts (all of them for a text
    # it cannot rebuild: its slowest case, about a millisecond).
    signer = j.Signer.from_pem(key_text("test-pkcs1-2048"))
    body = push.push.body
    other = signer.sign("a text no mistake of this body makes")
    public = key_text("test-pkcs1-2048.pub")
    assert j.diagnose_signature(body, other.base64, public).codes == ("unknown",)
    assert releases_the_gil(lambda: j.diagnose_signature(body, other.base64, public), calls=50)


def test_a_status_query_releases_the_gil(no_preemption: None) -> None:
    # The query reads its answer with the GIL released: a found order with
    # many invoices, near the core's default 64 KiB limit (the query's).
    invoice = (
        '{"amount":2,"amountDebited":2,"charge":0,"invoiceStatus":"Paid","orderReference":"OR1",'
        '"externalReference":"SBX0000001","createdOn":1723209770000,"completedOn":1723209790000}'
    )
    found = (
        '{"status":true,"code":"0","data":{"order":{"orderReference":"OR1","orderAmount":2,"amountPaid":2,'
        '"orderStatus":"Paid"},"invoices":[' + ",".join([invoice] * 300) + "]}}"
    ).encode()
    assert 50_000 < len(found) < 64 * 1024
    tokens = j.SharedTokens("uat", j.Credentials(api_key="k", merchant_code="m", consumer_secret="s"))
    now = datetime(2024, 8, 9, 13, 0, tzinfo=timezone.utc)

    def answer_a_query() -> None:
        query = j.StatusQuery("OR1", tokens, seed=1)
        if query.poll(now).request.endpoint == "token":  # type: ignore[union-attr]
            query.handle_response(now, 200, None, b'{"accessToken":"eyJ.x.y","expiresIn":900}')
            query.poll(now)
        query.handle_response(now, 200, None, found)
        done = query.poll(now)
        assert isinstance(done, j.QueryDone) and isinstance(done.response, j.OrderStatus)
        assert len(done.response.invoices) == 300

    assert releases_the_gil(answer_a_query, calls=20)


def test_signing_from_several_threads() -> None:
    signer = j.Signer.from_pem(key_text("test-pkcs1-2048"))
    verifier = signer.verifier()
    messages = [f"OR{n:06d}KES0722000000{n % 97 + 1}".encode() for n in range(160)]
    expected = [signer.sign(m) for m in messages]  # PKCS#1 v1.5 is deterministic

    def sign(index: int) -> j.Signature:
        return signer.sign(messages[index])

    with ThreadPoolExecutor(max_workers=8) as pool:
        got = list(pool.map(sign, range(len(messages))))
    assert got == expected
    for message, signature in zip(messages, got):
        verifier.verify(message, signature)


def test_one_token_state_shared_by_threads() -> None:
    credentials = j.Credentials(api_key="k", merchant_code="m", consumer_secret="s")
    state = j.TokenState("uat", credentials)
    now = datetime(2021, 7, 13, 7, 3, 5, tzinfo=timezone.utc)
    body = (
        b'{"accessToken":"eyJ.x.y","expiresIn":"2021-07-13T07:18:02Z",'
        b'"issuedAt":"2021-07-13T07:03:02Z","tokenType":"Bearer"}'
    )

    def worker(n: int) -> str:
        kinds = []
        for i in range(200):
            when = now + timedelta(seconds=i)
            action = state.next_action(when)
            if isinstance(action, j.HttpRequest):
                state.on_response(200, body, now=when)
                kinds.append("refresh")
            else:
                assert action.expose() == "eyJ.x.y"
                kinds.append("use")
            # Thread 0 drops the token mid-run (never on its last step), so
            # its own next step must refresh: the state ends with a token
            # whatever order the threads finish in.
            if n == 0 and i % 50 == 25:
                state.invalidate()
        return ",".join(kinds)

    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(worker, range(6)))
    assert all("use" in r for r in results)
    assert state.token is not None
