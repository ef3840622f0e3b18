"""The one abi3 wheel on other CPython versions (3.9 is the minimum):
standard library only, so it runs in a bare venv with just the wheel.

    python abi3_smoke.py REPO_ROOT

Runs every signature and every key case of the vectors, the page's example
push with its exact body, and representative lifecycle parsing; exits
non-zero on the first mismatch.
"""

import json
import sys
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import jenga_stk as j


def main(root: Path) -> None:
    vectors = root / "tests" / "vectors"
    keys = root / "tests" / "keys"

    def key(stem: str) -> str:
        return (keys / f"{stem}.pem").read_text()

    checked = 0
    for case in json.loads((vectors / "signatures.json").read_text())["cases"]:
        inp = case["input"]
        if inp["operation"] == "sign":
            assert j.Signer.from_pem(key(inp["key"])).sign(inp["message"]).base64 == case["expected"]["signature"]
            checked += 1
    for case in json.loads((vectors / "keys.json").read_text())["cases"]:
        loader = j.Signer.from_pem if case["input"]["kind"] == "private" else j.Verifier.from_pem
        try:
            bits = loader(key(case["input"]["key"])).bits
            assert "expected" in case and bits == case["expected"]["bits"], case["id"]
        except j.KeyLoadError as e:
            assert "error" in case and e.code == case["error"]["code"], case["id"]
        checked += 1

    page = json.loads((vectors / "stk_push.json").read_text())["cases"][0]
    assert page["id"] == "page-example"
    push = j.StkPush.from_json(json.dumps(page["input"]["request"]))
    request = push.sign(j.Signer.from_pem(key(page["input"]["key"]))).http_request("uat", page["input"]["accessToken"])
    assert request.body.decode() == page["expected"]["body"]
    assert list(request.headers.items()) == [tuple(h) for h in page["expected"]["headers"]]
    assert isinstance(push.payment_amount, Decimal)

    now = datetime(2021, 7, 13, 7, 3, 5, tzinfo=timezone.utc)
    token = j.parse_token_response(
        200,
        b'{"accessToken":"a.b.c","expiresIn":"2021-07-13T07:18:02Z","issuedAt":"2021-07-13T07:03:02Z"}',
        now=now,
    )
    assert isinstance(token, j.Token) and token.expires_at == now + timedelta(minutes=15)
    callbacks = json.loads((vectors / "callbacks.json").read_text())["cases"]
    paid = j.parse_callback(callbacks[0]["input"]["body"])
    assert isinstance(paid.outcome, j.CallbackPayment)
    assert paid.outcome.transaction_date.utcoffset() == timedelta(hours=3)
    try:
        j.StkPush.from_json(b"{}")
        raise AssertionError("an empty request validated")
    except ValueError as e:
        assert isinstance(e, j.ValidationError) and len(e.problems) > 5
    try:
        j.reconcile(order_reference="OR1", amount=2.0)  # type: ignore[arg-type]
        raise AssertionError("a float amount was accepted")
    except TypeError:
        pass
    # The payment flow: token, push, accepted, then the IPN decides.
    tokens = j.SharedTokens("uat", j.Credentials(api_key="k", merchant_code="m", consumer_secret="s"))
    flow = j.PaymentFlow(push.sign(j.Signer.from_pem(key("test-pkcs1-2048"))), j.FlowContext(tokens), seed=1, now=now)
    flow.poll(now)
    flow.handle_response(now, 200, None, b'{"accessToken":"a.b.c","expiresIn":900}')
    flow.poll(now)
    flow.handle_response(now, 200, None, b'{"status":true,"code":"0","message":"ok"}')
    assert isinstance(flow.poll(now), j.Wait)
    flow.handle_ipn(j.parse_ipn(
        b'{"customer":{"reference":"OR28922980077"},"transaction":{"reference":"R1","amount":2,"status":"SUCCESS"}}'
    ))
    done = j.PaymentFlow.from_json(flow.to_json(), j.FlowContext(tokens)).poll(now)
    assert isinstance(done, j.Done) and done.outcome.kind == "paid"
    assert flow.reconciliation == done.outcome.reconciliation
    # One status query with the same tokens: a 401, one new token, the answer.
    query = j.StatusQuery(" OR28922980077 ", tokens, seed=1)
    sent = query.poll(now)
    assert isinstance(sent, j.Send) and sent.request.http.url.endswith("/OR28922980077")
    query.handle_response(now, 401, None, b'{"status":false,"code":401,"message":"Invalid or expired access token"}')
    query.poll(now)
    query.handle_response(now, 200, None, b'{"accessToken":"d.e.f","expiresIn":900}')
    query.poll(now)
    query.handle_response(now, 200, None, b'{"status":false,"code":"111102","message":"Transaction not found"}')
    ended = query.poll(now)
    assert isinstance(ended, j.QueryDone) and isinstance(ended.response, j.OrderNotFound)
    # The clients need the httpx extra: this bare environment has none, and says so.
    try:
        import httpx  # noqa: F401
    except ImportError:
        try:
            j.Client(environment="uat", api_key="k", merchant_code="m", consumer_secret="s",
                     private_key=key("test-pkcs1-2048"), callback_url="https://shop.example.com/cb")
            raise AssertionError("a Client without httpx")
        except ImportError as e:
            assert "jenga-stk[httpx]" in str(e)
    print(f"abi3 wheel OK on Python {sys.version.split()[0]}: {checked} key/signature cases, push, token, callback, flow, status query")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
