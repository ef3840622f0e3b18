"""`StatusQuery`, the core's sans-IO status query, driven by hand: first
with answers written here (no network: the core's decisions as Python sees
them), then against the sandbox over real HTTP with its fault injection,
as someone who owns their I/O would drive it."""

from __future__ import annotations

import threading
import time
import urllib.error
import urllib.request
from datetime import datetime, timedelta, timezone
from typing import Iterator, List, Optional, Tuple

import pytest

import jenga_stk as j
from conftest import key_text, push_kwargs
from harness import World, ms, new_order, policy

NOW = datetime(2024, 8, 9, 13, 0, tzinfo=timezone.utc)
TOKEN_BODY = b'{"accessToken":"eyJhbGciOiJSUzI1NiJ9.Qu3ry-T0ken.c2ln","expiresIn":900}'
FOUND = (
    b'{"status":true,"code":"0","data":{"order":{"orderReference":"OR1","orderAmount":2,'
    b'"amountPaid":2,"orderStatus":"Paid"},"invoices":[]}}'
)
NOT_FOUND = b'{"status":false,"code":"111102","message":"Transaction not found"}'
EXPIRED = b'{"status":false,"code":401,"message":"Invalid or expired access token"}'
HTML_502 = b"<html><body><h1>502 Bad Gateway</h1></body></html>"
BUSY = b'{"statusCode":429,"message":"Rate limit is exceeded. Try again in 120 seconds."}'


def tokens() -> j.SharedTokens:
    return j.SharedTokens("uat", j.Credentials(api_key="k", merchant_code="m", consumer_secret="s"))


def sends(query: j.StatusQuery, now: datetime = NOW) -> j.FlowRequest:
    action = query.poll(now)
    assert isinstance(action, j.Send), action
    return action.request


def done(query: j.StatusQuery, now: datetime = NOW) -> j.QueryDone:
    action = query.poll(now)
    assert isinstance(action, j.QueryDone), action
    return action


# ---------------------------------------------------------------- the core's decisions, by hand


def test_a_401_costs_one_new_token_then_the_answer() -> None:
    shared = tokens()
    q = j.StatusQuery(" OR1 ", shared, seed=1)
    assert q.order_reference == "OR1" and repr(q) == "StatusQuery(order_reference='OR1')"
    token = sends(q)
    assert token.endpoint == "token" and token.timeout == timedelta(seconds=30)
    q.handle_response(NOW, 200, None, TOKEN_BODY)
    status = sends(q)
    assert status.endpoint == "status"
    assert status.http.method == "GET" and status.http.url.endswith("/status/order/OR1"), "the trimmed reference"
    assert status.http.header("Signature") is None
    q.handle_response(NOW, 401, None, EXPIRED)
    assert not shared.has_token, "the refused token is dropped"
    assert sends(q).endpoint == "token", "one new token"
    q.handle_response(NOW, 200, None, TOKEN_BODY)
    assert sends(q).endpoint == "status"
    q.handle_response(NOW, 200, None, FOUND)
    end = done(q)
    assert isinstance(end.response, j.OrderStatus) and end.response.order.status == "Paid"
    assert end.transport_failure is None
    assert done(q) == end, "a finished query answers the same again"
    with pytest.raises(j.FlowError) as idle:
        q.handle_response(NOW, 200, None, FOUND)
    assert idle.value.code == "flow_idle"


def test_a_second_401_is_the_answer_not_a_loop() -> None:
    q = j.StatusQuery("OR1", tokens(), seed=1)
    for _ in range(2):
        assert sends(q).endpoint == "token"
        q.handle_response(NOW, 200, None, TOKEN_BODY)
        assert sends(q).endpoint == "status"
        q.handle_response(NOW, 401, None, EXPIRED)
    end = done(q)
    assert isinstance(end.response, j.Rejection)
    assert (end.response.kind, end.response.action) == ("unauthorized", "refresh_token_and_retry")


def test_a_refused_token_request_is_the_answer() -> None:
    q = j.StatusQuery("OR1", tokens(), seed=1)
    assert sends(q).endpoint == "token"
    q.handle_response(NOW, 401, None, b'{"status":false,"code":401,"message":"Invalid credentials"}')
    end = done(q)
    assert isinstance(end.response, j.Rejection)
    assert (end.response.kind, end.response.action) == ("unauthorized", "do_not_retry")
    match end:  # QueryDone supports pattern matching
        case j.QueryDone(j.Rejection() as refusal, None):
            assert refusal == end.response
        case _:
            raise AssertionError("QueryDone did not match")


def test_no_answer_is_retried_within_the_policy_then_reported() -> None:
    q = j.StatusQuery("OR1", tokens(), seed=7, policy=j.RetryPolicy(max_retries=2))
    sends(q)
    q.handle_response(NOW, 200, None, TOKEN_BODY)
    now = NOW
    attempts = 0
    waits: List[timedelta] = []
    while True:
        action = q.poll(now)
        if isinstance(action, j.Wait):
            waits.append(action.until - now)
            now = action.until
            continue
        if isinstance(action, j.QueryDone):
            break
        assert action.request.endpoint == "status"
        with pytest.raises(j.FlowError) as busy:
            q.poll(now)
        assert busy.value.code == "flow_busy"
        attempts += 1
        q.handle_transport_failure(now, "timeout" if attempts < 3 else "connect_failed")
    assert attempts == 3, "max_retries + 1"
    assert len(waits) == 2 and all(timedelta(milliseconds=250) <= w <= timedelta(seconds=1) for w in waits), waits
    assert (action.response, action.transport_failure) == (None, "connect_failed"), "the last failure"
    with pytest.raises(j.FlowError) as idle:
        q.handle_transport_failure(now, "timeout")
    assert idle.value.code == "flow_idle"


def test_a_5xx_then_an_answer_and_a_429_waits_its_retry_after() -> None:
    q = j.StatusQuery("OR1", tokens(), seed=3)
    sends(q)
    q.handle_response(NOW, 200, None, TOKEN_BODY)
    sends(q)
    q.handle_response(NOW, 502, None, HTML_502)
    wait = q.poll(NOW)
    assert isinstance(wait, j.Wait) and NOW < wait.until <= NOW + timedelta(seconds=5)
    assert isinstance(q.poll(wait.until), j.Send)
    q.handle_response(wait.until, 429, "120", BUSY)
    later = q.poll(wait.until)
    assert isinstance(later, j.Wait) and later.until == wait.until + timedelta(seconds=120), "Retry-After honoured"
    assert isinstance(q.poll(later.until), j.Send)
    q.handle_response(later.until, 200, None, NOT_FOUND)
    end = done(q, later.until)
    assert isinstance(end.response, j.OrderNotFound)


def test_5xx_beyond_the_retries_is_the_providers_refusal() -> None:
    q = j.StatusQuery("OR1", tokens(), seed=3, policy=j.RetryPolicy(max_retries=1))
    sends(q)
    q.handle_response(NOW, 200, None, TOKEN_BODY)
    now = NOW
    for _ in range(2):
        action = q.poll(now)
        if isinstance(action, j.Wait):
            now = action.until
            action = q.poll(now)
        assert isinstance(action, j.Send) and action.request.endpoint == "status"
        q.handle_response(now, 503, None, HTML_502)
    end = done(q, now)
    assert isinstance(end.response, j.Rejection) and end.response.kind == "server_error"
    assert end.transport_failure is None


def test_an_unreadable_answer_after_the_retries_is_an_invalid_response() -> None:
    q = j.StatusQuery("OR1", tokens(), seed=3, policy=j.RetryPolicy(max_retries=0))
    sends(q)
    q.handle_response(NOW, 200, None, TOKEN_BODY)
    sends(q)
    q.handle_response(NOW, 200, None, b'{"status":true,"code":"0"}')  # found, but no data
    end = done(q)
    assert isinstance(end.response, j.Rejection), end
    assert (end.response.kind, end.response.http_status, end.transport_failure) == ("invalid_response", 200, None)


def test_the_token_endpoints_last_refusal_ends_the_query() -> None:
    q = j.StatusQuery("OR1", tokens(), seed=3, policy=j.RetryPolicy(max_retries=0))
    sends(q)
    q.handle_response(NOW, 503, None, HTML_502)
    end = done(q)
    assert isinstance(end.response, j.Rejection) and end.response.http_status == 503, end
    assert end.transport_failure is None


def test_the_limits_given_apply_to_status_answers() -> None:
    assert len(TOKEN_BODY) < 96 < len(FOUND)
    answers = []
    for limits in (None, j.Limits(max_body_bytes=96)):
        q = j.StatusQuery("OR1", tokens(), seed=3, policy=j.RetryPolicy(max_retries=0), limits=limits)
        sends(q)
        q.handle_response(NOW, 200, None, TOKEN_BODY)
        sends(q)
        q.handle_response(NOW, 200, None, FOUND)
        answers.append(done(q).response)
    assert isinstance(answers[0], j.OrderStatus), answers
    assert isinstance(answers[1], j.Rejection) and answers[1].kind == "invalid_response", answers


def test_a_bad_reference_and_a_spinning_policy_are_refused_together() -> None:
    with pytest.raises(j.ValidationError) as blank:
        j.StatusQuery("  ", tokens(), seed=1, policy=j.RetryPolicy(first_poll=timedelta(0)))
    e = blank.value
    assert (e.code, e.field) == ("validation_failed", "orderReference")
    assert [p.field for p in e.problems] == ["orderReference", "policy.firstPoll"]
    assert isinstance(e, ValueError)
    with pytest.raises(j.ValidationError) as control:
        j.StatusQuery("OR\n1", tokens(), seed=1)
    assert [(p.field, p.code) for p in control.value.problems] == [("orderReference", "control_character")]
    q = j.StatusQuery("OR1", tokens(), seed=1)
    with pytest.raises(j.ValidationError) as bad:
        q.poll(NOW)
        q.handle_transport_failure(NOW, "broken_pipe")  # type: ignore[arg-type]
    assert [(p.field, p.code) for p in bad.value.problems] == [("failure", "invalid_option")]
    with pytest.raises(TypeError):
        q.poll(datetime(2024, 1, 1))  # naive
    with pytest.raises(TypeError):
        j.StatusQuery("OR1", tokens())  # type: ignore[call-arg]  # the seed is required


def test_the_status_signature_is_sent_and_the_tokens_are_shared_with_payments() -> None:
    shared = tokens()
    signature = j.Signer.from_pem(key_text("test-pkcs1-2048")).sign("OR1")
    q = j.StatusQuery("OR1", shared, seed=1, status_signature=signature.base64)
    sends(q)
    # A payment of the same client meanwhile: it waits for the query's token.
    flow = j.PaymentFlow(
        j.StkPush(**push_kwargs()).sign(j.Signer.from_pem(key_text("test-pkcs1-2048"))),
        j.FlowContext(shared),
        seed=1,
        now=NOW,
    )
    assert isinstance(flow.poll(NOW), j.Wait), "one token request for the client"
    q.handle_response(NOW, 200, None, TOKEN_BODY)
    assert sends(q).http.header("Signature") == signature.base64
    push = flow.poll(NOW)
    assert isinstance(push, j.Send) and push.request.endpoint == "init", "the query's token"


def test_a_query_is_shared_between_threads() -> None:
    """Many threads poll one query: one of them gets the Send, the others
    `flow_busy`; none crashes."""
    q = j.StatusQuery("OR1", tokens(), seed=1)
    outcomes: List[str] = []
    lock = threading.Lock()

    def poll() -> None:
        try:
            action = q.poll(NOW)
            kind = type(action).__name__
        except j.FlowError as e:
            kind = e.code
        with lock:
            outcomes.append(kind)

    threads = [threading.Thread(target=poll) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["Send"] + ["flow_busy"] * 7


# ---------------------------------------------------------------- by hand, against the sandbox


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    w = World()
    try:
        yield w
    finally:
        w.stop()


def exchange(request: j.FlowRequest) -> Tuple[Optional[int], Optional[str], bytes, Optional[j.TransportFailure]]:
    """One request with the standard library: (status, Retry-After, body, None) or the failure."""
    http = request.http
    sent = urllib.request.Request(http.url, headers=http.headers, method=http.method, data=http.body or None)
    try:
        with urllib.request.urlopen(sent, timeout=request.timeout.total_seconds()) as reply:
            return reply.status, reply.headers.get("Retry-After"), reply.read(), None
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Retry-After"), e.read(), None
    except TimeoutError:
        return None, None, b"", "timeout"
    except urllib.error.URLError as e:
        return None, None, b"", "timeout" if isinstance(e.reason, TimeoutError) else "connection_lost"


def drive(query: j.StatusQuery) -> Tuple[j.QueryDone, List[Tuple[str, Optional[int]]]]:
    """The loop of someone who owns their I/O; returns the end and what was sent."""
    sent: List[Tuple[str, Optional[int]]] = []
    while True:
        now = datetime.now(timezone.utc)
        action = query.poll(now)
        if isinstance(action, j.QueryDone):
            return action, sent
        if isinstance(action, j.Wait):
            time.sleep(max(0.0, (action.until - now).total_seconds()))
            continue
        status, retry_after, body, failure = exchange(action.request)
        sent.append((action.request.endpoint, status))
        if failure is not None:
            query.handle_transport_failure(datetime.now(timezone.utc), failure)
        else:
            assert status is not None
            query.handle_response(datetime.now(timezone.utc), status, retry_after, body)


def sandbox_tokens(world: World) -> j.SharedTokens:
    c = world.config()
    return j.SharedTokens(
        c["environment"],
        j.Credentials(api_key=c["api_key"], merchant_code=c["merchant_code"], consumer_secret=c["consumer_secret"]),
    )


def test_by_hand_against_the_sandbox_401_5xx_and_429_then_the_answer(world: World) -> None:
    world.sandbox.reset()
    shared = sandbox_tokens(world)
    end, sent = drive(j.StatusQuery(new_order(), shared, seed=5, policy=policy()))
    assert isinstance(end.response, j.OrderNotFound) and sent == [("token", 200), ("status", 200)]
    # A 502 page, a 429 saying "1 s" (the sandbox's faults come before its
    # token check), then the expired token's 401.
    world.sandbox.control("POST", "expire-tokens")
    world.sandbox.fault(endpoint="status", fault="server_error_html", status=502)
    world.sandbox.fault(endpoint="status", fault="rate_limited", retryAfterSecs=1)
    started = time.monotonic()
    end, sent = drive(j.StatusQuery(new_order(), shared, seed=5, policy=policy(max_retries=2)))
    assert isinstance(end.response, j.OrderNotFound), end
    assert sent == [("status", 502), ("status", 429), ("status", 401), ("token", 200), ("status", 200)]
    assert time.monotonic() - started >= 0.9, "the Retry-After was waited"
    counters = world.sandbox.counters()
    assert (counters["tokenRequests"], counters["statusQueries"]) == (2, 5)


def test_by_hand_against_the_sandbox_no_answer_at_all(world: World) -> None:
    world.sandbox.reset()
    shared = sandbox_tokens(world)
    world.sandbox.fault(endpoint="status", fault="slow", delayMs=1500, count=2)
    end, sent = drive(j.StatusQuery(new_order(), shared, seed=5, policy=policy(max_retries=1, request_timeout=ms(300))))
    assert (end.response, end.transport_failure) == (None, "timeout")
    assert sent == [("token", 200), ("status", None), ("status", None)]
    assert world.sandbox.counters()["statusQueries"] == 2
