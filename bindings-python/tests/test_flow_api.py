"""The flow's Python surface beyond the transcripts: RetryPolicy settings,
SharedTokens (one token request for many payments), the flow's getters and
errors, saved state without secrets, threads."""

from __future__ import annotations

import json
import threading
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import List

import pytest

import jenga_stk as j
from conftest import key_text, push_kwargs

NOW = datetime(2024, 8, 9, 13, 0, tzinfo=timezone.utc)
TOKEN = "eyJhbGciOiJSUzI1NiJ9.Fl0w-T0ken-55ee.c2ln"
TOKEN_BODY = json.dumps({"accessToken": TOKEN, "expiresIn": 900}).encode()
CALLBACK_SECRET = "Fl0w-callback-secret-of-32-bytes-or-more"
CONSUMER_SECRET = "C0nsum3r-S3cr3t-flow"


def tokens() -> j.SharedTokens:
    return j.SharedTokens("uat", j.Credentials(api_key="k", merchant_code="m", consumer_secret=CONSUMER_SECRET))


def signed(**overrides: object) -> j.SignedStkPush:
    return j.StkPush(**push_kwargs(**overrides)).sign(j.Signer.from_pem(key_text("test-pkcs1-2048")))


def flow(**policy: timedelta) -> j.PaymentFlow:
    context = j.FlowContext(tokens(), callback_urls=j.CallbackUrls(CALLBACK_SECRET))
    return j.PaymentFlow(signed(), context, seed=7, now=NOW, policy=j.RetryPolicy(**policy))


# ---------------------------------------------------------------- RetryPolicy


def test_retry_policy_defaults_and_settings() -> None:
    p = j.RetryPolicy()
    assert (p.max_pushes, p.max_retries) == (2, 2)
    assert (p.initial_backoff, p.max_backoff) == (timedelta(milliseconds=500), timedelta(seconds=5))
    assert (p.confirm_delay, p.first_poll, p.max_poll_interval) == (
        timedelta(seconds=2),
        timedelta(seconds=5),
        timedelta(seconds=30),
    )
    assert (p.timeout, p.request_timeout, p.token_wait) == (
        timedelta(minutes=3),
        timedelta(seconds=30),
        timedelta(milliseconds=50),
    )
    fast = j.RetryPolicy(first_poll=timedelta(milliseconds=100), max_retries=5)
    assert (fast.first_poll, fast.max_retries, fast.max_pushes) == (timedelta(milliseconds=100), 5, 2)
    assert fast != p and j.RetryPolicy(first_poll=timedelta(milliseconds=100), max_retries=5) == fast
    assert "first_poll=100ms" in repr(fast)
    # The core's schedule: polls grow ×1.5 up to the cap; backoff doubles, jittered within half to full.
    assert [p.poll_interval(n) for n in range(3)] == [
        timedelta(seconds=5),
        timedelta(milliseconds=7500),
        timedelta(milliseconds=11250),
    ]
    assert p.poll_interval(100) == p.max_poll_interval
    for random in (0, 1, 12345, 2**64 - 1):
        assert timedelta(milliseconds=500) <= p.backoff(2, random) <= timedelta(seconds=1)


def test_retry_policy_refuses_bad_values() -> None:
    with pytest.raises(ValueError):
        j.RetryPolicy(timeout=timedelta(seconds=-1))
    with pytest.raises(TypeError):
        j.RetryPolicy(first_poll=5)  # type: ignore[arg-type]
    with pytest.raises(OverflowError):
        j.RetryPolicy(max_pushes=-1)
    with pytest.raises(TypeError):
        j.RetryPolicy(2)  # type: ignore[misc]


# ---------------------------------------------------------------- SharedTokens


def test_shared_tokens_make_one_refresh_for_everyone() -> None:
    t = tokens()
    lease = timedelta(seconds=30)
    first = t.grant(NOW, lease)
    assert isinstance(first, j.HttpRequest) and first.body_is_secret
    assert [t.grant(NOW, lease) for _ in range(5)] == [None] * 5, "the others wait"
    token = t.on_refresh_response(200, TOKEN_BODY, now=NOW)
    assert isinstance(token, j.Token) and t.has_token
    use = t.grant(NOW, lease)
    assert isinstance(use, j.AccessToken) and use.expose() == TOKEN
    t.invalidate(j.AccessToken("someone-elses-old-token"))
    assert t.has_token, "a 401 with an older token keeps the current one"
    t.invalidate(use)
    assert not t.has_token
    # A lost refresh frees the lease at once; an unanswered one after the lease.
    assert isinstance(t.grant(NOW, lease), j.HttpRequest)
    t.on_refresh_failed()
    assert isinstance(t.grant(NOW, lease), j.HttpRequest)
    assert t.grant(NOW + timedelta(seconds=29), lease) is None
    assert isinstance(t.grant(NOW + timedelta(seconds=30), lease), j.HttpRequest)
    refused = t.on_refresh_response(401, b'{"status":false,"code":401,"message":"Invalid credentials"}', now=NOW)
    assert isinstance(refused, j.Rejection) and refused.kind == "unauthorized"
    assert t.environment == j.Environment.UAT


def test_shared_tokens_from_many_threads() -> None:
    t = tokens()
    barrier = threading.Barrier(16)
    grants: List[object] = []
    lock = threading.Lock()

    def grab() -> None:
        barrier.wait()
        g = t.grant(NOW, timedelta(seconds=30))
        with lock:
            grants.append(g)

    threads = [threading.Thread(target=grab) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(isinstance(g, j.HttpRequest) for g in grants) == 1
    assert grants.count(None) == 15


# ---------------------------------------------------------------- PaymentFlow


def test_a_flow_says_what_to_send_and_reads_every_getter() -> None:
    f = flow()
    assert (f.order_reference, f.payment_reference, f.payment_references) == (
        "OR28922980077",
        "MKQR28922980073",
        ("MKQR28922980073",),
    )
    assert (f.phase, f.accepted, f.push_known, f.outcome) == ("starting", None, False, None)
    assert f.deadline == NOW + timedelta(minutes=3)
    action = f.poll(NOW)
    assert isinstance(action, j.Send)
    assert action.request.endpoint == "token" and action.request.timeout == timedelta(seconds=30)
    with pytest.raises(j.FlowError) as busy:
        f.poll(NOW)
    assert busy.value.code == "flow_busy" and busy.value.field is None
    f.handle_response(NOW, 200, None, TOKEN_BODY)
    with pytest.raises(j.FlowError) as idle:
        f.handle_response(NOW, 200, None, TOKEN_BODY)
    assert idle.value.code == "flow_idle"
    push = f.poll(NOW)
    assert isinstance(push, j.Send) and push.request.endpoint == "init"
    assert push.request.http.header("Authorization") == f"Bearer {TOKEN}"
    f.handle_response(NOW, 200, None, b'{"status":true,"code":"0","message":"ok","data":{"invoiceNumber":"INV1"}}')
    assert f.phase == "waiting" and f.push_known
    assert f.accepted is not None and f.accepted.invoice_number == "INV1"
    wait = f.poll(NOW)
    assert isinstance(wait, j.Wait) and wait.until == NOW + timedelta(seconds=5)
    match wait:  # the actions support pattern matching
        case j.Wait(until):
            assert until == wait.until
        case _:
            raise AssertionError("Wait did not match")
    ipn = j.parse_ipn(
        b'{"callbackType":"IPN","customer":{"reference":"OR28922980077"},"transaction":{"reference":"R1",'
        b'"amount":2,"currency":"KES","status":"SUCCESS"}}'
    )
    f.handle_ipn(ipn)
    done = f.poll(NOW)
    assert isinstance(done, j.Done) and done.outcome == f.outcome
    o = done.outcome
    r = o.reconciliation
    assert (o.kind, r.state, r.decided_by, r.confirmed, r.amount_paid) == ("paid", "paid", "ipn", True, Decimal("2"))
    assert o.payment_references == ("MKQR28922980073",) and o.rejection is None and o.transport_failure is None
    assert "kind='paid'" in repr(o) and "phase='done'" in repr(f)


def test_flow_errors_and_bad_arguments() -> None:
    f = flow()
    other_ipn = j.parse_ipn(
        b'{"callbackType":"IPN","customer":{"reference":"OTHER"},"transaction":{"reference":"R1",'
        b'"amount":2,"status":"SUCCESS"}}'
    )
    with pytest.raises(j.FlowError) as other:
        f.handle_ipn(other_ipn)
    assert other.value.code == "flow_not_this_payment"
    f.poll(NOW)
    with pytest.raises(j.ValidationError) as bad:
        f.handle_transport_failure(NOW, "broken_pipe")  # type: ignore[arg-type]
    assert [(p.field, p.code) for p in bad.value.problems] == [("failure", "invalid_option")]
    with pytest.raises(TypeError):
        f.poll(datetime(2024, 1, 1))  # naive
    f.handle_transport_failure(NOW, "connect_failed")
    for text in ("", "{}", "not json", json.dumps({"version": 99})):
        with pytest.raises(j.FlowError) as invalid:
            j.PaymentFlow.from_json(text, j.FlowContext(tokens()))
        assert invalid.value.code == "flow_state_invalid"


def test_the_saved_state_holds_no_secret_and_restores_the_same() -> None:
    t = tokens()
    urls = j.CallbackUrls(CALLBACK_SECRET)
    context = j.FlowContext(t, callback_urls=urls, limits=j.Limits(max_body_bytes=10_000))
    f = j.PaymentFlow(signed(), context, seed=2**64 - 1, now=NOW, status_signature=j.Signer.from_pem(key_text("test-pkcs1-2048")).sign("OR28922980077"))
    f.poll(NOW)
    f.handle_response(NOW, 200, None, TOKEN_BODY)
    f.poll(NOW)  # the push is in flight when the process dies
    saved = f.to_json()
    for secret in (TOKEN, CALLBACK_SECRET, CONSUMER_SECRET):
        assert secret not in saved
        for shown in (repr(f), repr(context), repr(t)):
            assert secret not in shown
    data = json.loads(saved)
    assert data["version"] == j.FLOW_STATE_VERSION and data["pending"] == "push"
    restored = j.PaymentFlow.from_json(saved, context)
    # The lost answer of a push: ask about the order before anything else.
    assert restored.phase == "confirming"
    assert restored.to_json() == j.PaymentFlow.from_json(restored.to_json(), context).to_json()
    assert context.tokens is t and context.callback_urls is urls and context.limits.max_body_bytes == 10_000
    assert "CallbackUrls(secret=<redacted>)" in repr(context) and "<redacted>" in repr(t)


def test_flow_calls_release_the_gil_and_a_flow_is_shared_between_threads() -> None:
    """One thread drives (poll, handle_response) while others hand in IPNs:
    every call is serialised by the flow's lock, none crashes."""
    f = flow()
    f.poll(NOW)
    f.handle_response(NOW, 200, None, TOKEN_BODY)
    f.poll(NOW)
    f.handle_response(NOW, 200, None, b'{"status":true,"code":"0","message":"ok"}')
    ipn = j.parse_ipn(
        b'{"callbackType":"IPN","customer":{"reference":"OR28922980077"},"transaction":{"reference":"R1",'
        b'"amount":2,"currency":"KES","status":"SUCCESS"}}'
    )
    errors: List[BaseException] = []

    def feed() -> None:
        try:
            for _ in range(200):
                f.handle_ipn(ipn)
                f.to_json()
        except BaseException as e:  # noqa: BLE001 - collected for the assertion
            errors.append(e)

    threads = [threading.Thread(target=feed) for _ in range(4)]
    for thread in threads:
        thread.start()
    for _ in range(200):
        f.poll(NOW)
    for thread in threads:
        thread.join()
    assert errors == []
    assert f.outcome is not None and f.outcome.kind == "paid"
    assert len(json.loads(f.to_json())["ipns"]) == 1, "redeliveries change nothing"
