"""`Client` and `AsyncClient` against the sandbox over real HTTP (issue 14,
item 4): one scenario per fault, asserting on the sandbox's own counters,
each run with both clients. Callbacks and IPNs travel for real: the sandbox
posts them to a receiver in this process, which verifies them with the
client (`verify_callback`, `verify_ipn`) and hands them to the payment."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any, Dict, Iterator, List

import pytest

import jenga_stk as j
from conftest import key_text
from harness import (
    Adapter,
    DripServer,
    World,
    adapter,
    closed_port,
    many_threads,
    ms,
    new_order,
    order_kwargs,
    policy,
    run,
)

KINDS = ["sync", "async"]


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    w = World()
    try:
        yield w
    finally:
        w.stop()


def saved(payment: Any) -> Dict[str, Any]:
    data: Dict[str, Any] = json.loads(payment.to_json())
    return data


# ---------------------------------------------------------------- the normal path


@pytest.mark.parametrize("kind", KINDS)
def test_a_payment_is_decided_by_the_ipn_which_wakes_the_wait(world: World, kind: str) -> None:
    """The first status query is 30 s away and no callback comes (a callback
    would make the flow ask at once): only the IPN, handed in from the
    receiver's thread, can end the wait this soon."""

    async def scenario() -> None:
        a = adapter(kind, world, policy=policy(first_poll=ms(30_000)))
        try:
            world.sandbox.deliveries(callback="never")
            payment = await a.start()
            assert payment.phase == "waiting" and payment.push_known and payment.outcome is None
            assert payment.accepted is not None and payment.accepted.invoice_number
            started = time.monotonic()
            outcome = await a.wait(payment, timeout=15)
            assert time.monotonic() - started < 10
            r = outcome.reconciliation
            assert (outcome.kind, r.state, r.decided_by, r.confirmed) == ("paid", "paid", "ipn", True)
            assert r.mpesa_receipt and r.mpesa_receipt.startswith("SBX")
            assert payment.outcome == outcome and payment.phase == "done"
            counters = world.sandbox.settle()
            assert counters["statusQueries"] == 0, "decided without polling"
            assert counters["pushes"] == {payment.order_reference: 1}
            assert counters["tokenRequests"] == 1
            assert world.receiver.delivered[payment.order_reference] == ["ipn"]
            # A decided payment answers at once, from its saved state too.
            assert await a.wait(payment) == outcome
            assert a.client.resume(payment.to_json()).outcome == outcome
        finally:
            await a.close()

    run(scenario)


@pytest.mark.parametrize("kind", KINDS)
def test_failed_refused_and_misconfigured_payments(world: World, kind: str) -> None:
    async def scenario() -> None:
        a = adapter(kind, world)
        try:
            cancelled = await a.start(phone="0722000001")
            outcome = await a.wait(cancelled, timeout=15)
            assert (outcome.kind, outcome.reconciliation.state, outcome.reconciliation.confirmed) == (
                "failed",
                "failed",
                True,
            )
            # 005: every push fails at initiation (106201, retry_with_backoff):
            # pushed again with a new reference, then reported; nothing reached the customer.
            with pytest.raises(j.PaymentNotStartedError) as refused:
                await a.start(phone="0722000005")
            e = refused.value
            assert (e.code, e.outcome.kind) == ("payment_rejected", "rejected")
            assert e.rejection is not None and (e.rejection.kind, e.rejection.action) == ("push_failed", "retry_with_backoff")
            assert len(set(e.outcome.payment_references)) == 2 and e.order_reference in str(e)
            assert isinstance(e, j.JengaError) and e.field is None
        finally:
            await a.close()
        # A key the provider does not know: 403, fix the signature.
        b = adapter(kind, world, private_key=key_text("test-pkcs8-2048"))
        try:
            with pytest.raises(j.PaymentNotStartedError) as forbidden:
                await b.start()
            assert forbidden.value.rejection is not None
            assert forbidden.value.rejection.action == "fix_signature"
            assert world.sandbox.counters()["pushesTotal"] == 0
            with pytest.raises(j.ValidationError) as invalid:
                await b.start(phone="0622000000", amount="2.50", customer_email="nope")
            assert {p.code for p in invalid.value.problems} >= {"invalid_phone", "amount_not_whole"}
            assert world.sandbox.counters()["initRequests"] == 1, "an invalid push is never sent"
        finally:
            await b.close()

    run(scenario)


# ---------------------------------------------------------------- lost answers: one prompt


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    "fault",
    [
        {"endpoint": "init", "fault": "drop_after_accept"},
        {"endpoint": "init", "fault": "slow", "delayMs": 1500},
        {"endpoint": "init", "fault": "server_error_html", "status": 504, "afterAccept": True},
    ],
    ids=["dropped", "slow-past-the-timeout", "5xx-after-accept"],
)
def test_a_lost_push_answer_never_prompts_twice(world: World, kind: str, fault: Dict[str, Any]) -> None:
    async def scenario() -> None:
        a = adapter(kind, world, policy=policy(request_timeout=ms(500)))
        try:
            world.sandbox.fault(**fault)
            payment = await a.start()
            assert payment.push_known and payment.accepted is None, "found by the status query, not accepted"
            outcome = await a.wait(payment, timeout=15)
            assert outcome.kind == "paid"
            expected = {"drop_after_accept": "connection_lost", "slow": "timeout"}.get(fault["fault"])
            if expected is not None:
                assert outcome.transport_failure == expected
            else:
                assert outcome.rejection is not None and outcome.rejection.action == "check_status_first"
            counters = world.sandbox.settle()
            assert counters["pushes"] == {payment.order_reference: 1}, "one prompt"
            assert counters["initRequests"] == 1, "never pushed again"
            assert counters["statusQueries"] >= 1, "asked before anything else"
            assert payment.payment_references == (payment.payment_reference,)
        finally:
            await a.close()

    run(scenario)


# ---------------------------------------------------------------- tokens


def test_one_token_for_a_hundred_concurrent_payments_of_the_blocking_client(world: World) -> None:
    a = adapter("sync", world)
    client: j.Client = a.client
    try:

        def pay(_: int) -> j.Outcome:
            payment = client.start_payment(**order_kwargs())
            world.receiver.register(payment)
            return payment.wait(timeout=30)

        outcomes = many_threads(100, pay)
        assert [o.kind for o in outcomes] == ["paid"] * 100
        counters = world.sandbox.settle()
        assert counters["tokenRequests"] == 1
        assert counters["pushesTotal"] == 100 and counters["initRequests"] == 100
    finally:
        client.close()


def test_one_token_for_a_hundred_concurrent_payments_of_the_async_client(world: World) -> None:
    async def scenario() -> None:
        a = adapter("async", world)
        try:

            async def pay() -> j.Outcome:
                return await a.wait(await a.start(), timeout=30)

            outcomes = await asyncio.gather(*(pay() for _ in range(100)))
            assert [o.kind for o in outcomes] == ["paid"] * 100
            counters = world.sandbox.settle()
            assert counters["tokenRequests"] == 1
            assert counters["pushesTotal"] == 100 and counters["initRequests"] == 100
        finally:
            await a.close()

    run(scenario)


@pytest.mark.parametrize("kind", KINDS)
def test_a_401_is_recovered_with_one_refresh(world: World, kind: str) -> None:
    async def scenario() -> None:
        a = adapter(kind, world)
        try:
            world.sandbox.fault(endpoint="init", fault="unauthorized")
            payment = await a.start()
            assert (await a.wait(payment, timeout=15)).kind == "paid"
            counters = world.sandbox.settle()
            assert counters["tokenRequests"] == 2
            assert counters["pushes"] == {payment.order_reference: 1} and counters["initRequests"] == 2
            # The status query too: the token expires early, one refresh.
            world.sandbox.control("POST", "expire-tokens")
            found = await a.query_status(payment.order_reference)
            assert isinstance(found, j.OrderStatus) and found.order.status == "Paid"
            assert world.sandbox.counters()["tokenRequests"] == 3
            missing = await a.query_status(new_order())
            assert isinstance(missing, j.OrderNotFound)
        finally:
            await a.close()

    run(scenario)


# ---------------------------------------------------------------- 5xx and 429: bounded, then reported


@pytest.mark.parametrize("kind", KINDS)
def test_a_token_endpoint_failing_beyond_the_retries_is_not_sent(world: World, kind: str) -> None:
    async def scenario() -> None:
        a = adapter(kind, world, policy=policy(max_retries=2))
        try:
            world.sandbox.fault(endpoint="token", fault="server_error_html", status=502, count=3)
            with pytest.raises(j.PaymentNotStartedError) as info:
                await a.start()
            e = info.value
            assert (e.code, e.outcome.kind) == ("payment_not_sent", "not_sent")
            assert e.rejection is not None and e.rejection.kind == "server_error"
            counters = world.sandbox.counters()
            assert counters["tokenRequests"] == 3, "max_retries + 1"
            assert counters["initRequests"] == 0 and counters["pushesTotal"] == 0
        finally:
            await a.close()

    run(scenario)


@pytest.mark.parametrize("kind", KINDS)
def test_init_rate_limited_twice_is_rejected_after_honouring_retry_after(world: World, kind: str) -> None:
    async def scenario() -> None:
        a = adapter(kind, world)
        try:
            world.sandbox.fault(endpoint="init", fault="rate_limited", count=2, retryAfterSecs=1)
            started = time.monotonic()
            with pytest.raises(j.PaymentNotStartedError) as info:
                await a.start()
            assert time.monotonic() - started >= 0.9, "Retry-After: 1 was honoured"
            e = info.value
            assert e.code == "payment_rejected" and e.rejection is not None and e.rejection.kind == "rate_limited"
            counters = world.sandbox.counters()
            assert counters["initRequests"] == 2 and counters["pushesTotal"] == 0
        finally:
            await a.close()

    run(scenario)


@pytest.mark.parametrize("kind", KINDS)
def test_an_unclear_push_whose_status_never_answers_is_undecided_not_an_error(world: World, kind: str) -> None:
    """A 502 before processing: the client cannot know, so it asks; the status
    endpoint fails max_retries + 1 times: undecided (keep the order pending),
    returned as a payment, never pushed again."""

    async def scenario() -> None:
        a = adapter(kind, world, policy=policy(max_retries=2))
        try:
            world.sandbox.fault(endpoint="init", fault="server_error_html")
            world.sandbox.fault(endpoint="status", fault="server_error_html", count=3)
            payment = await a.start()
            outcome = payment.outcome
            assert outcome is not None and outcome.kind == "undecided"
            assert outcome.rejection is not None and outcome.rejection.kind == "server_error"
            counters = world.sandbox.counters()
            assert counters["statusQueries"] == 3 and counters["initRequests"] == 1
            assert counters["pushesTotal"] == 0
        finally:
            await a.close()

    run(scenario)


# ---------------------------------------------------------------- deliveries


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    "mode",
    [{"callback": "twice", "ipn": "twice"}, {"callback": "after_ipn", "ipnDelayMs": 50}],
    ids=["twice", "callback-after-ipn"],
)
def test_duplicate_and_late_deliveries_change_nothing(world: World, kind: str, mode: Dict[str, Any]) -> None:
    async def scenario() -> None:
        a = adapter(kind, world, policy=policy(first_poll=ms(30_000)))
        try:
            world.sandbox.deliveries(**mode)
            payment = await a.start()
            outcome = await a.wait(payment, timeout=15)
            assert outcome.kind == "paid"
            world.sandbox.settle()
            delivered = world.receiver.delivered[payment.order_reference]
            if mode.get("ipn") == "twice":
                assert delivered.count("ipn") == 2 and delivered.count("callback") == 2
            else:
                assert delivered.index("ipn") < delivered.index("callback"), delivered
                assert payment.outcome == outcome, "the late callback changed nothing"
            final = payment.outcome
            assert final is not None and final.kind == "paid", "one paid outcome"
            r = final.reconciliation
            assert (r.decided_by, r.confirmed, r.conflicts) == ("ipn", True, ())
            assert r.mpesa_receipt == outcome.reconciliation.mpesa_receipt
            state = saved(payment)
            assert (len(state["ipns"]), len(state["callbacks"])) == (1, 1), "each piece of evidence kept once"
            assert state["ended"] == "paid"
        finally:
            await a.close()

    run(scenario)


@pytest.mark.parametrize("kind", KINDS)
def test_no_callback_and_no_ipn_still_end_in_a_decision(world: World, kind: str) -> None:
    async def scenario() -> None:
        a = adapter(kind, world)
        try:
            world.sandbox.deliveries(callback="never", ipn="never")
            payment = await a.start()
            outcome = await a.wait(payment, timeout=15)
            r = outcome.reconciliation
            assert (outcome.kind, r.decided_by, r.confirmed) == ("paid", "status_query", True)
            counters = world.sandbox.settle()
            assert counters["callbackAttempts"] == 0 and counters["ipnAttempts"] == 0
            assert counters["statusQueries"] >= 1
        finally:
            await a.close()

    run(scenario)


# ---------------------------------------------------------------- saved state, timeouts, cancellation


@pytest.mark.parametrize("kind", KINDS)
def test_a_payment_saved_mid_way_is_finished_by_another_client(world: World, kind: str) -> None:
    async def scenario() -> None:
        first = adapter(kind, world, policy=policy(first_poll=ms(30_000)))
        world.sandbox.deliveries(callback="never", ipn="never")
        try:
            payment = await first.start()
            with pytest.raises(TimeoutError):
                await first.wait(payment, timeout=0.2)
            state = saved(payment)
            assert state["pending"] is None and state["phase"] == "waiting"
        finally:
            await first.close()
        # Another process, later: the same settings, a new client, the saved JSON.
        second = adapter(kind, world)
        world.sandbox.deliveries(callback="never", ipn="never")
        try:
            again = second.client.resume(payment.to_json())
            assert (again.order_reference, again.phase) == (payment.order_reference, "waiting")
            again.check_status()  # at once, not in 30 s
            outcome = await second.wait(again, timeout=10)
            assert (outcome.kind, outcome.reconciliation.decided_by) == ("paid", "status_query")
            with pytest.raises(j.FlowError) as invalid:
                second.client.resume("{}")
            assert invalid.value.code == "flow_state_invalid"
        finally:
            await second.close()

    run(scenario)


def test_cancelling_an_async_wait_mid_request_is_reported_to_the_flow(world: World) -> None:
    async def scenario() -> None:
        a = adapter("async", world)
        try:
            world.sandbox.deliveries(callback="never", ipn="never")
            payment = await a.start()
            world.sandbox.fault(endpoint="status", fault="slow", delayMs=2000)
            task = asyncio.ensure_future(a.wait(payment))
            for _ in range(200):
                await asyncio.sleep(0.02)
                if world.sandbox.counters()["statusQueries"] >= 1:
                    break
            await asyncio.sleep(0.05)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            state = saved(payment)
            assert state["pending"] is None and state["lastFailure"] == "connection_lost"
            assert (await a.wait(payment, timeout=10)).kind == "paid"
        finally:
            await a.close()

    run(scenario)


def test_cancelling_an_async_start_mid_push_never_pushes_again(world: World) -> None:
    async def scenario() -> None:
        a = adapter("async", world)
        try:
            world.sandbox.fault(endpoint="init", fault="slow", delayMs=800)
            order = new_order()
            task = asyncio.ensure_future(a.start(order_reference=order))
            await asyncio.sleep(0.4)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            await asyncio.sleep(0.8)
            counters = world.sandbox.settle()
            assert counters["pushes"] == {order: 1} and counters["initRequests"] == 1
            found = await a.query_status(order)
            assert isinstance(found, j.OrderStatus), "the order's fate is the provider's to tell"
        finally:
            await a.close()

    run(scenario)


class Interrupt(BaseException):
    """Stands for a KeyboardInterrupt in the middle of a blocking request."""


def test_an_interrupted_blocking_request_is_reported_to_the_flow(world: World) -> None:
    import httpx

    interrupt = {"on": False}

    class Interrupting(httpx.BaseTransport):
        def __init__(self) -> None:
            self.inner = httpx.HTTPTransport()

        def handle_request(self, request: httpx.Request) -> httpx.Response:
            if interrupt["on"] and "/status/" in request.url.path:
                interrupt["on"] = False
                raise Interrupt()
            return self.inner.handle_request(request)

    http = httpx.Client(transport=Interrupting())
    a = adapter("sync", world, http_client=http)
    client: j.Client = a.client
    try:
        world.sandbox.deliveries(callback="never", ipn="never")
        payment = client.start_payment(**order_kwargs())
        interrupt["on"] = True
        with pytest.raises(Interrupt):
            payment.wait(timeout=10)
        state = saved(payment)
        assert state["pending"] is None and state["lastFailure"] == "connection_lost"
        assert payment.wait(timeout=10).kind == "paid"
        client.close()
        assert not http.is_closed, "an injected HTTP client is the caller's to close"
    finally:
        http.close()


# ---------------------------------------------------------------- transport failures


@pytest.mark.parametrize("kind", KINDS)
def test_the_request_timeout_covers_the_whole_body(world: World, kind: str) -> None:
    """A server that answers at once but drips its body: the request timeout
    (0.5 s) ends the wait, not the 100 s the body would take."""
    drip = DripServer(interval=0.1)

    async def scenario() -> None:
        a = adapter(kind, world, environment=drip.url, policy=policy(request_timeout=ms(500), max_retries=0))
        try:
            started = time.monotonic()
            with pytest.raises(j.PaymentNotStartedError) as info:
                await a.start()
            elapsed = time.monotonic() - started
            assert info.value.code == "payment_not_sent" and info.value.transport_failure == "timeout"
            assert elapsed < 1.5, elapsed
            assert drip.connections == 1
        finally:
            await a.close()

    try:
        run(scenario)
    finally:
        drip.stop()


@pytest.mark.parametrize("kind", KINDS)
def test_a_refused_connection_is_connect_failed(world: World, kind: str) -> None:
    async def scenario() -> None:
        a = adapter(kind, world, environment=f"http://127.0.0.1:{closed_port()}")
        try:
            with pytest.raises(j.PaymentNotStartedError) as info:
                await a.start()
            assert (info.value.code, info.value.transport_failure) == ("payment_not_sent", "connect_failed")
            with pytest.raises(j.TransportError) as query:
                await a.query_status("OR1")
            assert (query.value.code, query.value.failure) == ("connect_failed", "connect_failed")
        finally:
            await a.close()

    run(scenario)


# ---------------------------------------------------------------- one status query (over the core's StatusQuery)


@pytest.mark.parametrize("kind", KINDS)
def test_query_status_after_an_expired_token_costs_one_new_token_and_answers(world: World, kind: str) -> None:
    async def scenario() -> None:
        answers: List[j.ProviderAnswer] = []
        a = adapter(kind, world, on_answer=answers.append)
        try:
            payment = await a.start()
            assert (await a.wait(payment, timeout=15)).kind == "paid"
            order = payment.order_reference
            before = world.sandbox.settle()
            assert before["tokenRequests"] == 1
            answers.clear()
            # Every token issued so far expires: the first query is refused (401), one new token, the answer.
            world.sandbox.control("POST", "expire-tokens")
            found = await a.query_status(order)
            assert isinstance(found, j.OrderStatus) and found.order.status == "Paid"
            assert found.order.order_reference == order
            counters = world.sandbox.counters()
            assert counters["tokenRequests"] == 2, "one new token"
            assert counters["statusQueries"] - before["statusQueries"] == 2
            # A token revoked by the provider (401 on the status endpoint): the same.
            world.sandbox.fault(endpoint="status", fault="unauthorized")
            missing = await a.query_status(new_order())
            assert isinstance(missing, j.OrderNotFound)
            assert world.sandbox.counters()["tokenRequests"] == 3
            # Every status answer went to on_answer, as received (never a token answer).
            assert [(x.endpoint, x.http_status) for x in answers] == [("status", 401), ("status", 200)] * 2
            assert answers[1].order_reference == order and b'"Paid"' in answers[1].body
        finally:
            await a.close()

    run(scenario)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    "faults",
    [
        [{"endpoint": "status", "fault": "server_error_html", "status": 503, "count": 2}],
        [{"endpoint": "status", "fault": "slow", "delayMs": 1000}, {"endpoint": "status", "fault": "rate_limited"}],
        [{"endpoint": "token", "fault": "server_error_html"}, {"endpoint": "status", "fault": "slow", "delayMs": 1000}],
    ],
    ids=["5xx-twice", "no-answer-then-429", "token-5xx-then-no-answer"],
)
def test_query_status_retries_5xx_429_and_lost_answers_within_the_policy(
    world: World, kind: str, faults: List[Dict[str, Any]]
) -> None:
    async def scenario() -> None:
        a = adapter(kind, world, policy=policy(max_retries=2, request_timeout=ms(400)))
        try:
            for fault in faults:
                world.sandbox.fault(**fault)
            started = time.monotonic()
            answer = await a.query_status(new_order())
            assert isinstance(answer, j.OrderNotFound), answer
            counters = world.sandbox.counters()
            assert counters["statusQueries"] + counters["tokenRequests"] == 4, "two failures, two answers"
            assert world.sandbox.control("GET", "faults")["pending"] == [], "every fault was met"
            if any(f["fault"] == "rate_limited" for f in faults):
                assert time.monotonic() - started >= 0.9, "Retry-After: 1 was honoured"
        finally:
            await a.close()

    run(scenario)


@pytest.mark.parametrize("kind", KINDS)
def test_query_status_beyond_the_retries(world: World, kind: str) -> None:
    """No answer at all: TransportError with how the last attempt failed.
    A 5xx every time: the provider's refusal, returned. A refused token
    request: returned too (it used to raise ProviderRejectedError)."""

    async def scenario() -> None:
        a = adapter(kind, world, policy=policy(max_retries=2, request_timeout=ms(300)))
        try:
            await a.query_status(new_order())  # the token, first
            world.sandbox.fault(endpoint="status", fault="slow", delayMs=1000, count=3)
            started = time.monotonic()
            with pytest.raises(j.TransportError) as lost:
                await a.query_status(new_order())
            assert (lost.value.code, lost.value.failure) == ("timeout", "timeout")
            assert isinstance(lost.value, j.JengaError) and "no answer" in str(lost.value)
            assert 0.9 <= time.monotonic() - started < 5
            assert world.sandbox.counters()["statusQueries"] == 1 + 3, "max_retries + 1"
            world.sandbox.fault(endpoint="status", fault="server_error_html", count=3)
            refused = await a.query_status(new_order())
            assert isinstance(refused, j.Rejection) and (refused.kind, refused.action) == ("server_error", "retry_with_backoff")
            assert world.sandbox.counters()["statusQueries"] == 4 + 3
        finally:
            await a.close()
        b = adapter(kind, world)
        try:
            world.sandbox.fault(endpoint="token", fault="unauthorized")
            token_refused = await b.query_status(new_order())
            assert isinstance(token_refused, j.Rejection)
            assert (token_refused.kind, token_refused.action) == ("unauthorized", "do_not_retry")
            counters = world.sandbox.counters()
            assert (counters["tokenRequests"], counters["statusQueries"]) == (1, 0), "refused credentials: no retry"
        finally:
            await b.close()

    run(scenario)


@pytest.mark.parametrize("kind", KINDS)
def test_query_status_refuses_a_blank_reference_before_sending(world: World, kind: str) -> None:
    async def scenario() -> None:
        kms = KmsSigner()
        a = adapter(kind, world, private_key=None, signer=kms, sign_status_queries=True)
        try:
            for blank in ("", "   "):
                with pytest.raises(j.ValidationError) as invalid:
                    await a.query_status(blank)
                e = invalid.value
                assert (e.code, e.field) == ("validation_failed", "orderReference")
                assert [(p.field, p.code) for p in e.problems] == [("orderReference", "required")]
            with pytest.raises(j.ValidationError) as control:
                await a.query_status("OR1\r\nX-Evil: 1")
            assert [p.code for p in control.value.problems] == ["control_character"]
            assert kms.signed == [], "nothing signed"
            counters = world.sandbox.counters()
            assert (counters["tokenRequests"], counters["statusQueries"]) == (0, 0), "nothing sent"
            # Spaces around a reference: the trimmed one is queried and signed
            # (the sandbox verifies the signature against the path's reference).
            payment = await a.start()
            found = await a.query_status(f"  {payment.order_reference} ")
            assert isinstance(found, j.OrderStatus) and found.order.order_reference == payment.order_reference
            assert kms.signed[-1] == payment.order_reference.encode()
        finally:
            await a.close()

    run(scenario)


def test_cancelling_an_async_query_mid_token_request_releases_the_token(world: World) -> None:
    async def scenario() -> None:
        a = adapter("async", world)
        try:
            world.sandbox.fault(endpoint="token", fault="slow", delayMs=1500)
            task = asyncio.ensure_future(a.query_status(new_order()))
            for _ in range(100):
                await asyncio.sleep(0.02)
                if world.sandbox.counters()["tokenRequests"] >= 1:
                    break
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            # The abandoned token request is released: the next query fetches its own at once.
            started = time.monotonic()
            assert isinstance(await a.query_status(new_order()), j.OrderNotFound)
            assert time.monotonic() - started < 1.0
            assert world.sandbox.counters()["tokenRequests"] == 2
        finally:
            await a.close()

    run(scenario)


# ---------------------------------------------------------------- the decision so far


@pytest.mark.parametrize("kind", KINDS)
def test_the_reconciliation_before_the_end_after_a_callback_only(world: World, kind: str) -> None:
    """The callback says paid; nothing confirms it yet (no IPN, and nobody
    drives the payment, so its status query is not made): paid, not
    confirmed, no outcome. Then wait(): confirmed by the status query."""

    async def scenario() -> None:
        a = adapter(kind, world, policy=policy(first_poll=ms(30_000)))
        try:
            world.sandbox.deliveries(ipn="never", callbackDelayMs=500)
            payment = await a.start()
            before = payment.reconciliation
            assert (before.state, before.decided_by, before.confirmed) == ("pending", None, False)
            world.sandbox.settle()
            assert world.receiver.delivered[payment.order_reference] == ["callback"]
            so_far = payment.reconciliation
            assert (so_far.state, so_far.decided_by, so_far.confirmed) == ("paid", "callback", False)
            assert so_far.mpesa_receipt and so_far.mpesa_receipt.startswith("SBX")
            assert payment.outcome is None and payment.phase == "waiting"
            assert payment.flow.reconciliation == so_far
            assert a.client.resume(payment.to_json()).reconciliation == so_far, "from the saved state too"
            outcome = await a.wait(payment, timeout=10)
            r = outcome.reconciliation
            assert (outcome.kind, r.decided_by, r.confirmed) == ("paid", "status_query", True)
            assert payment.reconciliation == r
        finally:
            await a.close()

    run(scenario)


# ---------------------------------------------------------------- signers, status signatures, webhooks


class KmsSigner:
    """A signer that is not jenga_stk's (a KMS client, say): returns Base64 text."""

    def __init__(self) -> None:
        self.inner = j.Signer.from_pem(key_text("test-pkcs1-2048"))
        self.signed: List[bytes] = []

    def sign(self, message: bytes) -> str:
        self.signed.append(message)
        return self.inner.sign(message).base64


@pytest.mark.parametrize("kind", KINDS)
def test_any_signer_and_signed_status_queries(world: World, kind: str) -> None:
    async def scenario() -> None:
        kms = KmsSigner()
        a = adapter(kind, world, private_key=None, signer=kms, sign_status_queries=True)
        try:
            world.sandbox.deliveries(callback="never", ipn="never")
            payment = await a.start()
            outcome = await a.wait(payment, timeout=15)
            assert (outcome.kind, outcome.reconciliation.decided_by) == ("paid", "status_query")
            order = payment.order_reference.encode()
            assert order in kms.signed, "the status query's signature"
            assert any(m.startswith(order + b"KES") for m in kms.signed), "the push's signing string"
            assert saved(payment)["statusSignature"] is not None
            # The sandbox verifies a status signature when present: a query it accepted.
            assert isinstance(await a.query_status(payment.order_reference), j.OrderStatus)
        finally:
            await a.close()

    run(scenario)


@pytest.mark.parametrize("kind", KINDS)
def test_the_webhook_helpers_refuse_forgeries(world: World, kind: str) -> None:
    async def scenario() -> None:
        a = adapter(kind, world)
        client: Any = a.client
        try:
            body = (
                b'{"transactionReference":"P1","data":{"Body":{"stkCallback":{"MerchantRequestID":"m",'
                b'"CheckoutRequestID":"c","ResultDesc":"ok","ResultCode":1032}}}}'
            )
            with pytest.raises(j.AuthenticationError) as forged:
                client.verify_callback("/callback?jenga_order=OR1&jenga_payment=P1&jenga_token=forged", body)
            assert forged.value.code in ("callback_token_invalid", "callback_token_missing")
            genuine = j.CallbackUrls(world.config()["callback_secret"]).callback_url(f"{world.receiver.url}/callback", "OR1", "P1")
            refs, callback = client.verify_callback(genuine, body)
            assert (refs.order_reference, callback.transaction_reference) == ("OR1", "P1")
            ipn = b'{"customer":{"reference":"OR1"},"transaction":{"reference":"R1","amount":2,"status":"SUCCESS"}}'
            with pytest.raises(j.AuthenticationError) as missing:
                client.verify_ipn(None, ipn)
            assert missing.value.code == "ipn_auth_missing"
            auth = j.IpnAuth(username=world.config()["ipn_username"], password=world.config()["ipn_password"])
            assert client.verify_ipn(auth.authorization_header(), ipn).order_reference == "OR1"
            with pytest.raises(j.ParseError):
                client.verify_ipn(auth.authorization_header(), b"<html>")
            # A payment refuses another payment's evidence.
            payment = await a.start()
            with pytest.raises(j.FlowError) as other:
                payment.handle_ipn(j.parse_ipn(ipn))
            assert other.value.code == "flow_not_this_payment"
        finally:
            await a.close()
        bare = adapter(kind, world, callback_secret=None, ipn_username=None, ipn_password=None)
        try:
            with pytest.raises(RuntimeError, match="callback_secret"):
                bare.client.verify_callback("/callback", body)
            with pytest.raises(RuntimeError, match="ipn_username"):
                bare.client.verify_ipn(None, ipn)
        finally:
            await bare.close()

    run(scenario)
