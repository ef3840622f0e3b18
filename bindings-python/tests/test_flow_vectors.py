"""The payment-flow transcripts (tests/vectors/flows.json) through the wheel's
`PaymentFlow`, as core/tests/flow_vectors.rs runs them: every poll compared
with the expected request, wait or outcome; every answer, failure, callback
and IPN handed in. Between steps that leave no request awaiting its answer,
the flow is saved to JSON and restored (as a web app does between requests),
and the restored flow must save to the same JSON.

No network: the transcripts are the provider.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any, Dict, List, Optional

import pytest

import jenga_stk as j
import views
from conftest import VECTORS, key_text
from views import dump_exact, load_exact


def load_flows() -> List[Dict[str, Any]]:
    data = json.loads((VECTORS / "flows.json").read_text())
    assert data["operation"] == "flow"
    assert len(data["cases"]) >= 20
    cases: List[Dict[str, Any]] = data["cases"]
    return cases


FLOW_CASES = load_flows()


def ms(value: Any) -> timedelta:
    assert isinstance(value, int) and value >= 0
    return timedelta(milliseconds=value)


def policy_of(p: Dict[str, Any]) -> j.RetryPolicy:
    return j.RetryPolicy(
        max_pushes=p["maxPushes"],
        max_retries=p["maxRetries"],
        initial_backoff=ms(p["initialBackoffMs"]),
        max_backoff=ms(p["maxBackoffMs"]),
        confirm_delay=ms(p["confirmDelayMs"]),
        first_poll=ms(p["firstPollMs"]),
        max_poll_interval=ms(p["maxPollIntervalMs"]),
        timeout=ms(p["timeoutMs"]),
        request_timeout=ms(p["requestTimeoutMs"]),
        token_wait=ms(p["tokenWaitMs"]),
    )


def push_body(callback_url: Optional[str]) -> bytes:
    """The page example (stk_push.json, `page-example`), its callbackUrl replaced when given."""
    cases = load_exact((VECTORS / "stk_push.json").read_text())["cases"]
    request = next(c for c in cases if c["id"] == "page-example")["input"]["request"]
    if callback_url is not None:
        request["payment"]["callbackUrl"] = callback_url
    return dump_exact(request).encode()


def outcome_view(o: j.Outcome) -> Dict[str, Any]:
    r = o.reconciliation
    assert isinstance(o.payment_references, tuple)
    return {
        "kind": o.kind,
        "state": r.state,
        "decidedBy": r.decided_by,
        "confirmed": r.confirmed,
        "mpesaReceipt": r.mpesa_receipt,
        "amountPaid": views.amount(r.amount_paid),
        "paymentReferences": list(o.payment_references),
        "rejectionKind": None if o.rejection is None else o.rejection.kind,
        "transportFailure": o.transport_failure,
    }


def check_error(call: Any, want: Optional[str], at: str) -> None:
    """`call()` succeeds when `want` is None, else raises FlowError with that code."""
    try:
        call()
    except j.FlowError as e:
        assert e.code == want, f"{at}: {e.code} ({e})"
        assert isinstance(e, j.JengaError) and not isinstance(e, ValueError)
        return
    assert want is None, f"{at}: expected {want}"


def run_case(case: Dict[str, Any]) -> None:
    id_, inp = case["id"], case["input"]
    signer = j.Signer.from_pem(key_text("test-pkcs1-2048"))
    push = j.StkPush.from_json(push_body(inp["callbackUrl"]), j.RequestOptions()).sign(signer)
    tokens = j.SharedTokens("uat", j.Credentials(api_key="key", merchant_code="merchant", consumer_secret="secret"))
    urls = j.CallbackUrls(inp["callbackSecret"].encode()) if inp["callbackSecret"] is not None else None
    context = j.FlowContext(tokens, callback_urls=urls)
    start = datetime.fromisoformat(inp["start"].replace("Z", "+00:00"))
    policy = policy_of(inp["policy"])
    seed = int(inp["seed"])
    assert 0 <= seed < 2**64
    flow = j.PaymentFlow(push, context, seed=seed, now=start, policy=policy)
    awaiting = False
    for n, step in enumerate(inp["steps"]):
        at = f"{id_} step {n} {json.dumps(step)[:200]}"
        now = start + ms(step["at"])
        want_error = step.get("error")
        if "poll" in step:
            poll = step["poll"]
            try:
                action = flow.poll(now)
            except j.FlowError as e:
                assert e.code == poll.get("error"), f"{at}: {e.code}"
            else:
                assert "error" not in poll, f"{at}: got {action!r}"
                if isinstance(action, j.Send):
                    want = poll.get("send")
                    assert isinstance(want, dict), f"{at}: sent {action.request!r}"
                    request = action.request
                    assert (request.endpoint, request.http.method, request.http.url) == (
                        want["endpoint"],
                        want["method"],
                        want["url"],
                    ), at
                    if request.endpoint == "init":
                        body = load_exact(request.http.body.decode())
                        assert body["payment"]["paymentReference"] == want["paymentReference"], at
                        if "callbackUrl" in want:
                            assert body["payment"]["callbackUrl"] == want["callbackUrl"], at
                    assert request.timeout == policy.request_timeout, at
                    awaiting = True
                elif isinstance(action, j.Wait):
                    assert isinstance(poll.get("wait"), int), f"{at}: waits until {action.until}"
                    assert action.until == start + ms(poll["wait"]), f"{at}: {action.until}"
                    assert action.until.tzinfo is not None
                else:
                    assert isinstance(action, j.Done), action
                    assert outcome_view(action.outcome) == poll.get("done"), at
                    assert flow.outcome == action.outcome, at
                    assert flow.phase == "done"
        elif "answer" in step:
            answer = step["answer"]
            check_error(
                lambda: flow.handle_response(now, answer["status"], answer.get("retryAfter"), answer["body"].encode()),
                want_error,
                at,
            )
            awaiting = False
        elif "fail" in step:
            check_error(lambda: flow.handle_transport_failure(now, step["fail"]), want_error, at)
            awaiting = False
        elif "callback" in step:
            callback = j.parse_callback(step["callback"].encode())
            check_error(lambda: flow.handle_callback(callback), want_error, at)
        elif "ipn" in step:
            ipn = j.parse_ipn(step["ipn"].encode())
            check_error(lambda: flow.handle_ipn(ipn), want_error, at)
        elif "check" in step:
            flow.check_status()
        elif "restore" in step:
            flow = j.PaymentFlow.from_json(flow.to_json(), context)
            awaiting = False
        else:
            raise AssertionError(f"{at}: unknown step")
        # Saved and restored between steps, as a web app does: the same JSON again.
        if not awaiting:
            saved = flow.to_json()
            flow = j.PaymentFlow.from_json(saved, context)
            assert flow.to_json() == saved, f"{at}: the restored flow saves differently"
            assert j.PaymentFlow.from_json(saved.encode(), context).to_json() == saved, "bytes and str agree"


@pytest.mark.parametrize("case", [pytest.param(c, id=c["id"]) for c in FLOW_CASES])
def test_flow_transcript(case: Dict[str, Any]) -> None:
    run_case(case)


def test_the_transcripts_cover_every_outcome_and_flow_error() -> None:
    """The runner is not vacuous: the transcripts reach every outcome kind and
    every flow error code this runner checks."""
    kinds = set()
    errors = set()
    for case in FLOW_CASES:
        for step in case["input"]["steps"]:
            if "poll" in step and "done" in step["poll"]:
                kinds.add(step["poll"]["done"]["kind"])
            if "poll" in step and "error" in step["poll"]:
                errors.add(step["poll"]["error"])
            if "error" in step:
                errors.add(step["error"])
    assert kinds == {"paid", "failed", "rejected", "not_sent", "undecided"}, kinds
    assert {"flow_busy", "flow_idle", "flow_not_this_payment"} <= errors, errors
