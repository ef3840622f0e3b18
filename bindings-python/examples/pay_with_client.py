"""One STK push payment from the command line, with `jenga_stk.Client`:
the client gets the token, signs and sends the push, follows the provider's
answers and queries the status until the payment is decided.

    JENGA_ENV=uat JENGA_API_KEY=… JENGA_MERCHANT_CODE=… JENGA_CONSUMER_SECRET=… \\
    JENGA_PRIVATE_KEY=private.pem \\
      python pay_with_client.py --msisdn 0722000000 --amount 2

`JENGA_ENV` is `uat`, `live` or a base URL (the local sandbox's, for tests).
The credential defaults are the local sandbox's. Needs
`pip install 'jenga-stk[httpx]'`. Exits 0 when the payment is confirmed
paid, 1 when it failed or is undecided, 2 when it could not start.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import List, Optional

import jenga_stk


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--msisdn", default="0722000000")
    parser.add_argument("--amount", type=Decimal, default=Decimal("2"))
    parser.add_argument("--callback-base", default=os.environ.get("SHOP_PUBLIC_URL", "http://127.0.0.1:8000"))
    parser.add_argument("--first-poll", type=float, default=5.0, help="seconds before the first status query")
    args = parser.parse_args(argv)
    try:
        with jenga_stk.Client(
            environment=os.environ.get("JENGA_ENV", "uat"),
            api_key=os.environ.get("JENGA_API_KEY", "sandbox-api-key"),
            merchant_code=os.environ.get("JENGA_MERCHANT_CODE", "0000000000"),
            consumer_secret=os.environ.get("JENGA_CONSUMER_SECRET", "sandbox-consumer-secret"),
            private_key=Path(os.environ["JENGA_PRIVATE_KEY"]).read_text(),
            callback_url=f"{args.callback_base}/jenga/callback",
            policy=jenga_stk.RetryPolicy(first_poll=timedelta(seconds=args.first_poll)),
        ) as client:
            payment = client.start_payment(
                order_reference=f"OR{time.time_ns() // 1000}",
                amount=args.amount,
                phone=args.msisdn,
                customer_name="Example Customer",
                customer_email="customer@example.com",
                customer_identity_number="0000000",
                description="Example purchase",
            )
            print(f"pushed {payment.order_reference} ({payment.payment_reference}): enter the PIN on the phone")
            outcome = payment.wait()
    except jenga_stk.PaymentNotStartedError as e:
        # Nothing reached the customer: e.rejection.action says what to do
        # ("fix_signature", "retry_with_backoff", …), or e.transport_failure.
        print(f"not started ({e.code}): {e}")
        return 2
    except jenga_stk.JengaError as e:
        print(f"error ({e.code}): {e}", file=sys.stderr)
        return 2
    except KeyError as e:
        print(f"set {e.args[0]}", file=sys.stderr)
        return 2
    print(f"{outcome.kind}: {outcome.reconciliation}")
    return 0 if outcome.kind == "paid" else 1


if __name__ == "__main__":
    sys.exit(main())
