"""Cross-check through uniffi's *Python* bindings (not the Python product:
that is the pyo3 wheel in bindings-python/). The same library that Kotlin and
Swift load must give the vectors' bytes and codes from a third language,
including the payment-flow transcripts and the signature doctor.

python3 cross_check.py <repo root> <dir with jenga_stk.py and the .so>
"""

import json
import os
import sys

root, gen = sys.argv[1], sys.argv[2]
sys.path.insert(0, gen)
import jenga_stk as j  # noqa: E402  (uniffi-generated module, not the pyo3 wheel)

vectors = os.path.join(root, "tests", "vectors")


def key(stem):
    with open(os.path.join(root, "tests", "keys", stem + ".pem"), encoding="utf-8") as f:
        return f.read()


def raw_requests(text):
    """The raw text of every "request": value, in file order (2e0 kept as written)."""
    out, marker = [], '"request": '
    at = text.find(marker)
    while at != -1:
        i = start = at + len(marker)
        if text[i] == '"':
            i += 1
            while text[i] != '"':
                i += 2 if text[i] == "\\" else 1
            out.append(json.loads(text[start : i + 1]))
        else:
            depth = 0
            while True:
                c = text[i]
                if c == '"':
                    i += 1
                    while text[i] != '"':
                        i += 2 if text[i] == "\\" else 1
                elif c in "{[":
                    depth += 1
                elif c in "}]":
                    depth -= 1
                    if depth == 0:
                        break
                i += 1
            out.append(text[start : i + 1])
        at = text.find(marker, i)
    return out


def error_matches(e, want):
    if isinstance(e, j.JengaError.Validation):
        got = [{"code": p.code, "field": p.field} for p in e.problems]
        return got == want.get("problems", [{"code": want["code"], "field": want["field"]}])
    return e.code == want["code"] and e.field == want.get("field")


def run(name, fn):
    with open(os.path.join(vectors, name), encoding="utf-8") as f:
        cases = json.load(f)["cases"]
    for c in cases:
        try:
            got = fn(c["input"], c)
        except j.JengaError as e:
            assert "error" in c, f"{name} {c['id']}: unexpected {e}"
            assert error_matches(e, c["error"]), f"{name} {c['id']}: {e!r} vs {c['error']}"
            continue
        assert "error" not in c, f"{name} {c['id']}: expected {c['error']}, got {got}"
        assert got == c["expected"], f"{name} {c['id']}:\n got  {got}\n want {c['expected']}"
    return len(cases)


with open(os.path.join(vectors, "stk_push.json"), encoding="utf-8") as f:
    raws = iter(raw_requests(f.read()))


def stk_push(i, _):
    raw = next(raws)
    options = j.request_options_from_json(json.dumps(i.get("options") or {}))
    push = j.StkPush.from_json(raw, options)
    signed = push.sign(j.Signer(key(i["key"])))
    request = signed.http_request(j.Environment(i["environment"]), j.AccessToken(i["accessToken"]))
    return {
        "body": push.body(),
        "signingString": push.signing_string(),
        "signature": signed.signature(),
        "method": "GET" if request.method() == j.HttpMethod.GET else "POST",
        "url": request.url(),
        "headers": [[h.name, h.value] for h in request.headers()],
    }


def keys(i, _):
    pem = key(i["key"])
    return {"bits": (j.Signer(pem) if i["kind"] == "private" else j.Verifier(pem)).bits()}


def signatures(i, _):
    if i["operation"] == "sign":
        return {"signature": j.Signer(key(i["key"])).sign(i["message"].encode())}
    with open(os.path.join(vectors, "stk_push.json"), encoding="utf-8") as f:
        page = raw_requests(f.read())[0]
    signed = j.StkPush.from_json(page, j.RequestOptions()).with_signature(i["signature"])
    j.Verifier(key("test-pkcs1-2048.pub")).verify(b"OR28922980077KES07220000002", signed.signature())
    return {"verifiesWith": "test-pkcs1-2048.pub"}


def callbacks(i, _):
    c = j.parse_callback(i["body"].encode())
    o = c.outcome
    if isinstance(o, j.CallbackOutcome.PAID):
        p = o.payment
        outcome = {"result": "paid", "mpesaReceipt": p.mpesa_receipt, "amount": p.amount,
                   "phoneNumber": p.phone_number, "transactionDate": p.transaction_date, "balance": p.balance}
    else:
        outcome = {"result": "failed", "reason": o.reason.name.lower()}
    return {"transactionReference": c.transaction_reference, "merchantRequestId": c.merchant_request_id,
            "checkoutRequestId": c.checkout_request_id, "resultCode": c.result_code,
            "resultDesc": c.result_desc, "outcome": outcome}


def normalize_callback(expected):
    # Times cross as instants (datetime); compare them as instants.
    from datetime import datetime
    out = dict(expected)
    if isinstance(out.get("outcome"), dict) and out["outcome"].get("transactionDate") is not None:
        o = dict(out["outcome"])
        o["transactionDate"] = datetime.fromisoformat(o["transactionDate"])
        out["outcome"] = o
    return out


def callbacks_checked(i, c):
    got = callbacks(i, c)
    if "expected" in c:
        c["expected"] = normalize_callback(c["expected"])
    return got


def answer_view(kind, rejection=None):
    if rejection is None:
        return {"type": kind}
    return {"type": "rejected", "kind": rejection.kind.name.lower(), "action": rejection.action.name.lower()}


def answers(i, _):
    """answers.json: compare only type, kind and action (tests/vectors/README.md)."""
    from datetime import datetime, timezone
    status, body = i["status"], i["body"].encode()
    if i["endpoint"] == "token":
        now = datetime.fromtimestamp(1_626_159_785, tz=timezone.utc)  # core/tests/lifecycle_vectors.rs
        r = j.parse_token_response(status, body, now)
        return answer_view("token") if isinstance(r, j.TokenResponse.TOKEN) else answer_view("", r.rejection)
    if i["endpoint"] == "init":
        r = j.classify_init_response(status, body)
        return answer_view("accepted") if isinstance(r, j.InitResponse.ACCEPTED) else answer_view("", r.rejection)
    r = j.parse_status_response(status, body)
    if isinstance(r, j.StatusResponse.FOUND):
        return answer_view("found")
    if isinstance(r, j.StatusResponse.NOT_FOUND):
        return answer_view("not_found")
    return answer_view("", r.rejection)


def transport(i, _):
    endpoint = j.Endpoint[i["endpoint"].upper()]
    failure = j.TransportFailure[i["failure"].upper()]
    return {"action": j.advise_transport_failure(endpoint, failure).name.lower()}


def flows():
    """flows.json (tests/vectors/README.md "Flow transcripts"), saved and restored between steps."""
    from datetime import datetime, timedelta
    with open(os.path.join(vectors, "stk_push.json"), encoding="utf-8") as f:
        page = next(c for c in json.load(f)["cases"] if c["id"] == "page-example")["input"]["request"]
    with open(os.path.join(vectors, "flows.json"), encoding="utf-8") as f:
        cases = json.load(f)["cases"]
    signer = j.Signer(key("test-pkcs1-2048"))
    ms = lambda p, k: timedelta(milliseconds=p[k])  # noqa: E731
    steps = 0
    for c in cases:
        i = c["input"]
        request = json.loads(json.dumps(page))
        if i["callbackUrl"] is not None:
            request["payment"]["callbackUrl"] = i["callbackUrl"]
        push = j.StkPush.from_json(json.dumps(request), j.RequestOptions()).sign(signer)
        tokens = j.SharedTokens(j.Environment("uat"), j.Credentials("key", "merchant", "secret"))
        urls = j.CallbackUrls(i["callbackSecret"].encode()) if i["callbackSecret"] is not None else None
        context = j.FlowContext(tokens=tokens, callback_urls=urls)
        p = i["policy"]
        policy = j.RetryPolicy(
            max_pushes=p["maxPushes"], max_retries=p["maxRetries"], initial_backoff=ms(p, "initialBackoffMs"),
            max_backoff=ms(p, "maxBackoffMs"), confirm_delay=ms(p, "confirmDelayMs"), first_poll=ms(p, "firstPollMs"),
            max_poll_interval=ms(p, "maxPollIntervalMs"), timeout=ms(p, "timeoutMs"),
            request_timeout=ms(p, "requestTimeoutMs"), token_wait=ms(p, "tokenWaitMs"))
        start = datetime.fromisoformat(i["start"].replace("Z", "+00:00"))
        flow = j.PaymentFlow(push, context, policy, j.StatusSignature.NONE(), int(i["seed"]), start)
        awaiting = False
        for n, step in enumerate(i["steps"]):
            at = f"flows.json {c['id']} step {n}"
            now = start + timedelta(milliseconds=step["at"])

            def code(call):
                try:
                    call()
                except j.JengaError as e:
                    return e.code
                return None

            if "poll" in step:
                want = step["poll"]
                try:
                    a = flow.poll(now)
                except j.JengaError as e:
                    assert e.code == want.get("error"), f"{at}: {e!r}"
                    continue
                if isinstance(a, j.Action.SEND):
                    r = a.request
                    assert r.endpoint.name.lower() == want["send"]["endpoint"] and r.http.url() == want["send"]["url"], at
                    if r.endpoint == j.Endpoint.INIT:
                        body = json.loads(bytes(r.http.body()))
                        assert body["payment"]["paymentReference"] == want["send"]["paymentReference"], at
                    awaiting = True
                elif isinstance(a, j.Action.WAIT):
                    assert a.until == start + timedelta(milliseconds=want["wait"]), f"{at}: {a.until}"
                else:
                    o, rec = a.outcome, a.outcome.reconciliation
                    got = {"kind": o.kind.name.lower(), "state": rec.state.name.lower(),
                           "decidedBy": rec.decided_by.name.lower() if rec.decided_by else None,
                           "confirmed": rec.confirmed, "mpesaReceipt": rec.mpesa_receipt,
                           "amountPaid": rec.amount_paid, "paymentReferences": o.payment_references,
                           "rejectionKind": o.rejection.kind.name.lower() if o.rejection else None,
                           "transportFailure": o.transport_failure.name.lower() if o.transport_failure else None}
                    assert got == want["done"], f"{at}:\n got  {got}\n want {want['done']}"
            elif "answer" in step:
                ans = step["answer"]
                assert code(lambda: flow.handle_response(now, ans["status"], ans.get("retryAfter"), ans["body"].encode())) == step.get("error"), at
                awaiting = False
            elif "fail" in step:
                failure = j.TransportFailure[step["fail"].upper()]
                assert code(lambda: flow.handle_transport_failure(now, failure)) == step.get("error"), at
                awaiting = False
            elif "callback" in step:
                assert code(lambda: flow.handle_callback(j.parse_callback(step["callback"].encode()))) == step.get("error"), at
            elif "ipn" in step:
                assert code(lambda: flow.handle_ipn(j.parse_ipn(step["ipn"].encode()))) == step.get("error"), at
            elif "check" in step:
                flow.check_status()
            else:
                flow = j.PaymentFlow.from_json(flow.to_json(), context)
                awaiting = False
            if not awaiting:
                saved = flow.to_json()
                flow = j.PaymentFlow.from_json(saved, context)
                assert flow.to_json() == saved, f"{at}: restored flow saves differently"
            steps += 1
    return len(cases)


def doctor(i, _):
    import base64
    header = i["signature"].encode() if i.get("signature") is not None else base64.b64decode(i["signatureBytesBase64"])
    d = j.diagnose_signature(i["body"].encode(), header, key(i["publicKey"]),
                             key(i["privateKey"]) if i.get("privateKey") else None)
    out = {"ok": d.ok, "codes": [f.code.name.lower() for f in d.findings], "signedText": d.signed_text,
           "registeredFingerprint": d.registered_key.fingerprint}
    if d.signing_key is not None:
        out["signingKeyFingerprint"] = d.signing_key.fingerprint
    return out


counts = {
    "stk_push.json": run("stk_push.json", stk_push),
    "keys.json": run("keys.json", keys),
    "signatures.json": run("signatures.json", signatures),
    "callbacks.json": run("callbacks.json", callbacks_checked),
    "answers.json": run("answers.json", answers),
    "transport.json": run("transport.json", transport),
    "flows.json": flows(),
    "signature_doctor.json": run("signature_doctor.json", doctor),
}
print("uniffi-python cross-check: " + ", ".join(f"{k} {v} cases" for k, v in counts.items()) + ": all match")
