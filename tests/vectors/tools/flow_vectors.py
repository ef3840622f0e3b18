"""Scripted transcripts of the payment flow (tests/vectors/flows.json): the
answers given and the requests, waits and outcome expected at each step.

Every expectation is written here by hand from the rules of the flow (see
core/src/flow/ and the README), not produced by running the Rust code. The
only computed values are the ones a rule makes random: the jitter of a
backoff and the letters of a new payment reference come from the flow's
seeded splitmix64, re-implemented below, drawn in the order the script says.
"""

import base64
import copy
import hashlib
import hmac
import json
from fractions import Fraction
from urllib.parse import quote

from lifecycle_vectors import PAGE_CALLBACK, PAGE_INIT_OK, PAGE_IPN, STATUS_FOUND, deep, DELETE

BASE = "https://uat.finserve.africa"
TOKEN_URL = BASE + "/authentication/api/v3/authenticate/merchant"
INIT_URL = BASE + "/api-checkout/mpesa-stk-push/v3.0/init"
ORDER = "OR28922980077"
PAYMENT = "MKQR28922980073"
STATUS_URL = BASE + "/api-checkout/mpesa-stk-push/v3.0/status/order/" + ORDER
START = "2024-08-09T13:00:00Z"
SECRET = "test-only callback secret, 32+ bytes long"
CALLBACK_BASE = "https://shop.example.com/jenga/callback"

# The policy's defaults (core/src/flow/policy.rs), in milliseconds.
DEFAULTS = {"maxPushes": 2, "maxRetries": 2, "initialBackoffMs": 500, "maxBackoffMs": 5000,
            "confirmDelayMs": 2000, "firstPollMs": 5000, "maxPollIntervalMs": 30000,
            "timeoutMs": 180000, "requestTimeoutMs": 30000, "tokenWaitMs": 50}

TOKEN_BODY = json.dumps({"accessToken": "eyJhbGciOiJSUzI1NiJ9.flow-test.c2ln", "expiresIn": "2024-08-09T13:15:00Z",
                         "issuedAt": "2024-08-09T13:00:00Z", "tokenType": "Bearer"})
TOKEN_BODY_2 = json.dumps({"accessToken": "eyJhbGciOiJSUzI1NiJ9.flow-test-2.c2ln", "expiresIn": 900})
HTML_503 = "<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>"
HTML_502 = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"
UNAUTHORIZED = json.dumps({"status": False, "code": 401, "message": "Invalid or expired access token", "error_code": "UNAUTHORIZED"})
FORBIDDEN = json.dumps({"status": False, "code": 403, "message": "Invalid signature or insufficient permissions", "error_code": "FORBIDDEN"})
PUSH_FAILED = json.dumps({"status": False, "code": 106201, "message": "Failed to initiate push. Kindly try again after a few minutes or contact support@finserve.africa"})
NOT_FOUND = json.dumps({"status": False, "code": 111102, "message": "Transaction with the passed reference cannot be found"})
ACCEPTED = json.dumps(PAGE_INIT_OK)
STATUS_PAID = json.dumps(STATUS_FOUND)
STATUS_PENDING = json.dumps(deep(STATUS_FOUND, data__order__orderStatus="Pending", data__order__amountPaid=0, data__invoices=[
    {"amount": 2, "invoiceStatus": "Pending", "orderReference": ORDER}]))
STATUS_CANCELLED = json.dumps(deep(STATUS_FOUND, data__order__orderStatus="Pending", data__order__amountPaid=0, data__invoices=[
    {"amount": 2, "invoiceStatus": "Cancelled", "orderReference": ORDER}]))
IPN_PAID = json.dumps(PAGE_IPN)
IPN_FAILED = json.dumps(deep(PAGE_IPN, transaction__status="FAILED", transaction__reference="SH90FAILED1"))
CALLBACK_PAID = json.dumps(PAGE_CALLBACK)

MASK = (1 << 64) - 1


class Rng:
    """splitmix64, as the flow draws it (core/src/flow/machine.rs `State::random`)."""

    def __init__(self, seed):
        self.state = seed

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)


def backoff(policy, retry, random):
    """initial × 2^(retry−1), capped, jittered into [half, full]."""
    full = min(policy["initialBackoffMs"] * 2 ** (retry - 1), policy["maxBackoffMs"])
    half = full // 2
    return half + (0 if half == 0 else random % (full - half + 1))


def poll_interval(policy, polls):
    """first_poll × 1.5^polls, capped (exact, then whole milliseconds)."""
    wait = Fraction(policy["firstPollMs"])
    for _ in range(polls):
        wait = wait * 3 / 2
        if wait >= policy["maxPollIntervalMs"]:
            return policy["maxPollIntervalMs"]
    return int(min(wait, policy["maxPollIntervalMs"]))


def new_reference(rng, attempt, first=PAYMENT, max_len=32):
    """The first reference's start, R, the attempt number, 4 random letters or digits."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    random = rng.next()
    suffix = "R%d" % attempt + "".join(alphabet[(random // 32 ** i) % 32] for i in range(4))
    return first[: max_len - len(suffix)] + suffix


def callback_url(payment, secret=SECRET, base=CALLBACK_BASE, order=ORDER):
    mac = hmac.new(secret.encode(), b"jenga-stk/callback/v1\n" + order.encode() + b"\n" + payment.encode(), hashlib.sha256)
    token = base64.urlsafe_b64encode(mac.digest()).rstrip(b"=").decode()
    return f"{base}?jenga_order={quote(order, safe='')}&jenga_payment={quote(payment, safe='')}&jenga_token={token}"


# ------------------------------------------------------------------ steps

def at(ms, step):
    return dict(step, at=ms)


def send_token(ms):
    return at(ms, {"poll": {"send": {"endpoint": "token", "method": "POST", "url": TOKEN_URL}}})


def send_init(ms, payment=PAYMENT, url=None):
    send = {"endpoint": "init", "method": "POST", "url": INIT_URL, "paymentReference": payment}
    if url is not None:
        send["callbackUrl"] = url
    return at(ms, {"poll": {"send": send}})


def send_status(ms):
    return at(ms, {"poll": {"send": {"endpoint": "status", "method": "GET", "url": STATUS_URL}}})


def wait(ms, until):
    return at(ms, {"poll": {"wait": until}})


def answer(ms, status, body, retry_after=None):
    a = {"status": status, "body": body}
    if retry_after is not None:
        a["retryAfter"] = retry_after
    return at(ms, {"answer": a})


def fail(ms, failure):
    return at(ms, {"fail": failure})


def ipn(ms, body, error=None):
    step = {"ipn": body}
    if error:
        step["error"] = error
    return at(ms, step)


def callback(ms, body, error=None):
    step = {"callback": body}
    if error:
        step["error"] = error
    return at(ms, step)


def done(ms, kind, state, decided_by=None, confirmed=False, receipt=None, amount=None, refs=(PAYMENT,),
         rejection=None, failure=None):
    return at(ms, {"poll": {"done": {
        "kind": kind, "state": state, "decidedBy": decided_by, "confirmed": confirmed, "mpesaReceipt": receipt,
        "amountPaid": amount, "paymentReferences": list(refs), "rejectionKind": rejection, "transportFailure": failure}}})


def paid_by_ipn(ms, refs=(PAYMENT,), rejection=None, failure=None):
    return done(ms, "paid", "paid", "ipn", True, "SH90HU7FO2", "2", refs, rejection, failure)


def start(token_ms=100):
    """The token, then the first push."""
    return [send_token(0), answer(token_ms, 200, TOKEN_BODY), send_init(token_ms)]


def accepted(ms, policy=DEFAULTS):
    """The push accepted at `ms`: the first status query is due first_poll later."""
    return [answer(ms, 200, ACCEPTED), wait(ms, ms + policy["firstPollMs"])]


def case(case_id, description, steps, policy=None, seed=42, callback_secret=None, callback=None):
    merged = dict(DEFAULTS, **(policy or {}))
    return {"id": case_id, "description": description, "input": {
        "start": START, "seed": str(seed), "policy": merged, "callbackSecret": callback_secret,
        "callbackUrl": callback, "steps": steps}}


def flow_cases():
    c = []
    c.append(case("ipn-decides", "Token, push accepted, then the IPN decides at once.",
                  start() + accepted(900) + [ipn(3000, IPN_PAID), paid_by_ipn(3000)]))
    c.append(case("status-decides", "No IPN: the status is polled at growing intervals until it says paid.",
                  start() + accepted(900) + [
                      send_status(5900), answer(6000, 200, STATUS_PENDING), wait(6000, 6000 + poll_interval(DEFAULTS, 0)),
                      send_status(11000), answer(11100, 200, STATUS_PAID),
                      done(11100, "paid", "paid", "status_query", True, "SH90HU7FO2", "2")]))
    c.append(case("callback-asks-the-status-at-once", "The unsigned callback decides nothing; it makes the flow ask the status now.",
                  start() + accepted(900) + [
                      callback(2000, CALLBACK_PAID), send_status(2000), answer(2100, 200, STATUS_PAID),
                      done(2100, "paid", "paid", "status_query", True, "SH90HU7FO2", "2")]))
    c.append(case("timeout-then-found-one-prompt", "The push answer is lost (timeout): ask the provider first; it has the order, so no second push.",
                  start() + [fail(30100, "timeout"), wait(30100, 32100), send_status(32100), answer(32200, 200, STATUS_PENDING),
                             wait(32200, 37200), ipn(36000, IPN_PAID), paid_by_ipn(36000, failure="timeout")]))
    rng = Rng(7)
    second = new_reference(rng, 2)
    c.append(case("lost-answer-unknown-order-pushes-again",
                  "A dropped connection on the push; the provider does not know the order, twice, 2 s apart: push again with a new payment reference and its own callback URL.",
                  [send_token(0), answer(100, 200, TOKEN_BODY), send_init(100, PAYMENT, callback_url(PAYMENT)),
                   fail(200, "connection_lost"), wait(200, 2200), send_status(2200), answer(2300, 200, NOT_FOUND), wait(2300, 4300),
                   send_status(4300), answer(4400, 200, NOT_FOUND), send_init(4400, second, callback_url(second)),
                   *accepted(5000), ipn(7000, IPN_PAID), paid_by_ipn(7000, refs=(PAYMENT, second), failure="connection_lost")],
                  seed=7, callback_secret=SECRET, callback=callback_url(PAYMENT)))
    c.append(case("html-502-asks-first", "An HTML 502 to the push: the push may have happened; the status says it did.",
                  start() + [answer(900, 502, HTML_502), wait(900, 2900), send_status(2900), answer(3000, 200, STATUS_PENDING),
                             wait(3000, 8000), send_status(8000), answer(8100, 200, STATUS_PAID),
                             done(8100, "paid", "paid", "status_query", True, "SH90HU7FO2", "2", rejection="server_error")]))
    c.append(case("401-refreshes-once", "A 401 to the push: one new token, the same push again, accepted.",
                  start() + [answer(900, 401, UNAUTHORIZED), send_token(900), answer(1000, 200, TOKEN_BODY_2), send_init(1000),
                             *accepted(1500), ipn(4000, IPN_PAID), paid_by_ipn(4000, rejection="unauthorized")]))
    c.append(case("401-twice-is-rejected", "A second 401 after a new token: refused, nothing reached the customer.",
                  start() + [answer(900, 401, UNAUTHORIZED), send_token(900), answer(1000, 200, TOKEN_BODY_2), send_init(1000),
                             answer(1500, 401, UNAUTHORIZED), done(1500, "rejected", "pending", rejection="unauthorized")]))
    rng = Rng(42)
    wait1 = backoff(DEFAULTS, 1, rng.next())
    second = new_reference(rng, 2)
    c.append(case("push-failed-then-accepted", "106201 (failed to initiate push): back off, push again with a new reference.",
                  start() + [answer(900, 200, PUSH_FAILED), wait(900, 900 + wait1), send_init(900 + wait1, second),
                             *accepted(2000), ipn(4000, IPN_PAID), paid_by_ipn(4000, refs=(PAYMENT, second), rejection="push_failed")]))
    rng = Rng(42)
    wait1 = backoff(DEFAULTS, 1, rng.next())
    second = new_reference(rng, 2)
    c.append(case("push-failed-twice-is-rejected", "106201 twice: the policy allows two pushes; refused.",
                  start() + [answer(900, 200, PUSH_FAILED), wait(900, 900 + wait1), send_init(900 + wait1, second),
                             answer(2000, 200, PUSH_FAILED), done(2000, "rejected", "pending", refs=(PAYMENT, second), rejection="push_failed")]))
    c.append(case("403-is-rejected-at-once", "403: the signature; retrying the same request cannot help.",
                  start() + [answer(900, 403, FORBIDDEN), done(900, "rejected", "pending", rejection="invalid_signature")]))
    rng = Rng(42)
    w1 = backoff(DEFAULTS, 1, rng.next())
    w2 = backoff(DEFAULTS, 2, rng.next())
    t1 = 100 + w1
    t2 = t1 + 100 + w2
    c.append(case("token-unavailable-is-not-sent", "The token endpoint answers 503 three times: two retries with backoff, then not sent.",
                  [send_token(0), answer(100, 503, HTML_503), wait(100, t1), send_token(t1), answer(t1 + 100, 503, HTML_503),
                   wait(t1 + 100, t2), send_token(t2), answer(t2 + 100, 503, HTML_503),
                   done(t2 + 100, "not_sent", "pending", rejection="server_error")]))
    c.append(case("bad-credentials-are-rejected", "The token endpoint refuses the credentials: no retry.",
                  [send_token(0), answer(100, 401, UNAUTHORIZED), done(100, "rejected", "pending", rejection="unauthorized")]))
    rng = Rng(42)
    w1 = backoff(DEFAULTS, 1, rng.next())
    w2 = backoff(DEFAULTS, 2, rng.next())
    t1 = 32200 + w1
    t2 = t1 + 100 + w2
    undecided_steps = start() + [
        fail(30100, "timeout"), wait(30100, 32100), send_status(32100), answer(32200, 503, HTML_503),
        wait(32200, t1), send_status(t1), answer(t1 + 100, 503, HTML_503), wait(t1 + 100, t2),
        send_status(t2), answer(t2 + 100, 503, HTML_503),
        done(t2 + 100, "undecided", "pending", rejection="server_error", failure="timeout")]
    c.append(case("status-unavailable-while-confirming-is-undecided",
                  "After a lost push answer the status endpoint fails too: undecided, and never a second push.", undecided_steps))
    c.append(case("ipn-after-undecided-is-paid", "An undecided payment still takes the IPN: paid.",
                  undecided_steps + [ipn(t2 + 5000, IPN_PAID), paid_by_ipn(t2 + 5000, rejection="server_error", failure="timeout")]))
    c.append(case("check-after-undecided", "A job asks again later: the status says paid.",
                  undecided_steps + [at(t2 + 60000, {"check": True}), send_status(t2 + 60000), answer(t2 + 60100, 200, STATUS_PAID),
                                     done(t2 + 60100, "paid", "paid", "status_query", True, "SH90HU7FO2", "2", rejection="server_error", failure="timeout")]))
    short = {"timeoutMs": 20000}
    p = dict(DEFAULTS, **short)
    c.append(case("deadline-is-undecided", "The customer never answers: polls at 5, 7.5 and 11.25 s intervals, one last at the deadline, then undecided.",
                  start() + accepted(900, p) + [
                      send_status(5900), answer(6000, 200, STATUS_PENDING), wait(6000, 6000 + poll_interval(p, 0)),
                      send_status(11000), answer(11100, 200, STATUS_PENDING), wait(11100, 11100 + poll_interval(p, 1)),
                      send_status(18600), answer(18700, 200, STATUS_PENDING), wait(18700, 20000),
                      send_status(20000), answer(20100, 200, STATUS_PENDING),
                      done(20100, "undecided", "pending")], policy=short))
    c.append(case("failed-ipn-single-push", "A FAILED IPN for the only push: failed.",
                  start() + accepted(900) + [ipn(30000, IPN_FAILED), done(30000, "failed", "failed", "ipn", True)]))
    c.append(case("cancelled-status", "The status says the attempt was cancelled: failed.",
                  start() + accepted(900) + [send_status(5900), answer(6000, 200, STATUS_CANCELLED),
                                             done(6000, "failed", "failed", "status_query", True)]))
    rng = Rng(42)
    rng.next()  # the backoff's jitter, overridden by Retry-After
    second = new_reference(rng, 2)
    c.append(case("429-retry-after", "429 with Retry-After: 3 to the push: wait 3 s (more than the backoff), push again.",
                  start() + [answer(900, 429, "Too Many Requests", "3"), wait(900, 3900), send_init(3900, second),
                             *accepted(4500), ipn(6000, IPN_PAID), paid_by_ipn(6000, refs=(PAYMENT, second), rejection="rate_limited")]))
    rng = Rng(42)
    w1 = backoff(DEFAULTS, 1, rng.next())
    c.append(case("connect-failed-sends-the-same-push", "The connection could not be made: nothing was sent, so the same push goes again.",
                  start() + [fail(200, "connect_failed"), wait(200, 200 + w1), send_init(200 + w1),
                             *accepted(1500), ipn(3000, IPN_PAID), paid_by_ipn(3000, failure="connect_failed")]))
    other_callback = json.dumps(deep(PAGE_CALLBACK, transactionReference="MKQR00000000000"))
    other_ipn = json.dumps(deep(PAGE_IPN, customer__reference="OR00000000001"))
    c.append(case("evidence-for-another-payment", "A callback or an IPN of another payment is refused and changes nothing.",
                  start() + accepted(900) + [callback(2000, other_callback, "flow_not_this_payment"), ipn(2000, other_ipn, "flow_not_this_payment"),
                                             wait(2000, 5900)]))
    c.append(case("caller-errors", "Polling while an answer is awaited, or answering with nothing sent, is the caller's error.",
                  [send_token(0), at(0, {"poll": {"error": "flow_busy"}}), answer(100, 200, TOKEN_BODY),
                   at(100, {"answer": {"status": 200, "body": "{}"}, "error": "flow_idle"}), send_init(100)]))
    c.append(case("saved-while-pushing", "Saved while the push awaited its answer, restored elsewhere: the answer is lost, so ask first.",
                  start() + [at(150, {"restore": True}), send_status(150), answer(250, 200, STATUS_PENDING), wait(250, 5250),
                             ipn(3000, IPN_PAID), paid_by_ipn(3000, failure="connection_lost")]))
    c.append(case("callback-failed-then-status-cancelled", "A failed callback asks the status, which confirms the failure.",
                  start() + accepted(900) + [callback(20000, json.dumps(deep(PAGE_CALLBACK, data__Body__stkCallback__ResultCode=1032,
                                                                             data__Body__stkCallback__CallbackMetadata=DELETE))),
                                             send_status(20000), answer(20100, 200, STATUS_CANCELLED),
                                             done(20100, "failed", "failed", "status_query", True)]))
    c.append(case("redelivered-ipn-changes-nothing", "The same IPN three times: paid once, the same outcome.",
                  start() + accepted(900) + [ipn(3000, IPN_PAID), ipn(3001, IPN_PAID), ipn(3002, IPN_PAID), paid_by_ipn(3002)]))
    c.append(case("ipn-while-pushing-then-timeout",
                  "A successful IPN comes while the push awaits its answer: paid at once; the lost answer that follows changes nothing (no second push).",
                  start() + [ipn(500, IPN_PAID), fail(30100, "timeout"), paid_by_ipn(30100)]))
    c.append(case("ipn-while-pushing-then-accepted",
                  "A successful IPN comes while the push awaits its answer: paid at once; the acceptance that follows only informs.",
                  start() + [ipn(500, IPN_PAID), answer(900, 200, ACCEPTED), paid_by_ipn(900)]))
    c.append(case("saved-with-an-ipn-while-pushing",
                  "Paid by an IPN while the push was in flight, saved and restored: still paid, not asked about again.",
                  start() + [ipn(500, IPN_PAID), at(600, {"restore": True}), paid_by_ipn(600)]))
    return c


def all_files():
    return [("flows.json", "flow",
             "Drive a payment flow through input.steps (see tests/vectors/README.md, \"Flow transcripts\"): "
             "the page example push signed with test-pkcs1-2048 in the uat environment, credentials key/merchant/secret, "
             "a fresh token state; each step at input.start + at milliseconds.", flow_cases())]
