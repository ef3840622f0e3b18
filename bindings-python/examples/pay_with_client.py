"""One STK push payment from the command line, with `requests`, no webhooks:
token, signed push, then status queries until the order is decided.

    JENGA_ENV=uat JENGA_API_KEY=… JENGA_MERCHANT_CODE=… JENGA_CONSUMER_SECRET=… \\
    JENGA_PRIVATE_KEY=private.pem \\
      python pay_with_requests.py --msisdn 0722000000 --amount 2

`JENGA_ENV` is `uat`, `live` or a base URL (the local sandbox's, for tests).
The credential defaults are the local sandbox's. Exits 0 only when the
payment is confirmed paid.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import Optional, Tuple

import requests

import jenga_stk


class Client:
    """The I/O around the sans-IO core: one session, one token state."""

    def __init__(self, environment: jenga_stk.Environment, credentials: jenga_stk.Credentials) -> None:
        self.environment = environment
        self.http = requests.Session()
        self.tokens = jenga_stk.TokenState(environment, credentials)

    def send(self, request: jenga_stk.HttpRequest) -> Tuple[int, bytes]:
        reply = self.http.request(request.method, request.url, headers=request.headers, data=request.body, timeout=30)
        return reply.status_code, reply.content

    def token(self) -> jenga_stk.AccessToken:
        action = self.tokens.next_action(datetime.now(timezone.utc))
        if isinstance(action, jenga_stk.AccessToken):
            return action
        status, body = self.send(action)
        return self.tokens.on_response(status, body, now=datetime.now(timezone.utc)).access_token


def push_once(
    client: Client, signer: jenga_stk.Signer, msisdn: str, amount: Decimal, callback_base: str
) -> Tuple[str, jenga_stk.InitAccepted | jenga_stk.Rejection]:
    """Builds, signs and sends one push with new references."""
    stamp = str(time.time_ns())[:16]
    order_reference = f"OR{stamp}"
    push = jenga_stk.StkPush(
        order_reference=order_reference,
        order_amount=amount,
        order_currency="KES",
        country_code="KE",
        description="Example purchase",
        customer_name="Example Customer",
        customer_email="customer@example.com",
        customer_phone_number=msisdn,
        customer_identity_number="0000000",
        payment_reference=f"PAY{stamp}",
        payment_currency="KES",
        callback_url=f"{callback_base}/jenga/callback",
        msisdn=msisdn,
        payment_amount=amount,
    )
    print(f"push {order_reference}: signing string {push.signing_string}")
    signed = push.sign(signer)
    answer = jenga_stk.classify_init_response(*client.send(signed.http_request(client.environment, client.token())))
    if isinstance(answer, jenga_stk.Rejection) and answer.action == "refresh_token_and_retry":
        client.tokens.invalidate()  # the token expired early: once more with a new one
        answer = jenga_stk.classify_init_response(*client.send(signed.http_request(client.environment, client.token())))
    return order_reference, answer


def pay(client: Client, signer: jenga_stk.Signer, msisdn: str, amount: Decimal, callback_base: str) -> int:
    order_reference: Optional[str] = None
    for attempt in range(3):
        order_reference, answer = push_once(client, signer, msisdn, amount, callback_base)
        if isinstance(answer, jenga_stk.InitAccepted):
            print(f"accepted (code {answer.code}), invoice {answer.invoice_number}")
            break
        print(f"refused: {answer}")
        if answer.action == "check_status_first":
            break  # the prompt may be on the phone: never push again blindly; ask the provider
        if answer.action != "retry_with_backoff":
            return 2
        time.sleep(0.2 * 2**attempt)  # a transient failure: back off, then new references
    else:
        return 2
    assert order_reference is not None
    decision = jenga_stk.reconcile(order_reference=order_reference)
    for _ in range(300):
        query = jenga_stk.order_status_request(client.environment, client.token(), order_reference)
        status = jenga_stk.parse_status_response(*client.send(query))
        if isinstance(status, jenga_stk.OrderStatus):
            decision = jenga_stk.reconcile(order_reference=order_reference, amount=amount, currency="KES", status=status)
            if decision.state != "pending":
                break
        time.sleep(0.1)
    print(decision)
    return 0 if decision.state == "paid" and decision.confirmed else 1


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--msisdn", default="0722000000")
    parser.add_argument("--amount", type=Decimal, default=Decimal("2"))
    parser.add_argument("--callback-base", default=os.environ.get("SHOP_PUBLIC_URL", "http://127.0.0.1:8000"))
    args = parser.parse_args(argv)
    try:
        environment = jenga_stk.Environment(os.environ.get("JENGA_ENV", "uat"))
        credentials = jenga_stk.Credentials(
            api_key=os.environ.get("JENGA_API_KEY", "sandbox-api-key"),
            merchant_code=os.environ.get("JENGA_MERCHANT_CODE", "0000000000"),
            consumer_secret=os.environ.get("JENGA_CONSUMER_SECRET", "sandbox-consumer-secret"),
        )
        signer = jenga_stk.Signer.from_pem(Path(os.environ["JENGA_PRIVATE_KEY"]).read_text())
        return pay(Client(environment, credentials), signer, args.msisdn, args.amount, args.callback_base)
    except jenga_stk.JengaError as e:
        print(f"error ({e.code}): {e}", file=sys.stderr)
        return 2
    except KeyError as e:
        print(f"set {e.args[0]}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
