"""Signing speed of the installed jenga-stk wheel next to Python `cryptography`.

Run by `scripts/python-bench.sh` (`make bench-python`) in a scratch venv
holding only the built wheel and `cryptography`. Both sign the page example's
signing string with tests/keys/test-pkcs8-2048.pem, the key loaded once
beforehand. Rounds alternate the two signers so machine noise hits them alike;
medians are reported. Before timing, the script checks that both give the
same bytes (PKCS#1 v1.5 is deterministic).

Environment: JENGA_ROOT (repository root), BENCH_SECONDS (per round, default 2),
BENCH_ROUNDS (default 5).
"""

from __future__ import annotations

import base64
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Callable

import cryptography
import jenga_stk
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

ROOT = Path(os.environ.get("JENGA_ROOT", Path(__file__).resolve().parents[2]))
SECONDS = float(os.environ.get("BENCH_SECONDS", "2"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
MESSAGE = b"OR28922980077KES07220000002"


def rate(sign: Callable[[], object]) -> float:
    count = 0
    start = time.perf_counter()
    deadline = start + SECONDS
    while True:
        for _ in range(20):
            sign()
        count += 20
        now = time.perf_counter()
        if now >= deadline:
            return count / (now - start)


def main() -> int:
    pem = (ROOT / "tests/keys/test-pkcs8-2048.pem").read_bytes()
    ours = jenga_stk.Signer.from_pem(pem)
    theirs = serialization.load_pem_private_key(pem, password=None)
    assert isinstance(theirs, rsa.RSAPrivateKey)
    pkcs1v15 = padding.PKCS1v15()
    sha256 = hashes.SHA256()

    expected = base64.b64encode(theirs.sign(MESSAGE, pkcs1v15, sha256)).decode()
    got = str(ours.sign(MESSAGE))
    if got != expected:
        print("jenga-stk and cryptography signatures differ", file=sys.stderr)
        return 1

    signers: dict[str, Callable[[], object]] = {
        "cryptography": lambda: theirs.sign(MESSAGE, pkcs1v15, sha256),
        "jenga_stk": lambda: ours.sign(MESSAGE),
    }
    results: dict[str, list[float]] = {name: [] for name in signers}
    for _ in range(ROUNDS):
        for name, sign in signers.items():
            results[name].append(rate(sign))

    base = statistics.median(results["cryptography"])
    print(
        f"Python {platform.python_version()}, cryptography {cryptography.__version__} "
        f"({_openssl_version()}), jenga_stk {jenga_stk.__version__} "
        f"(signer backend: {jenga_stk.SIGNER_BACKEND}, constant-time: {jenga_stk.SIGNER_IS_CONSTANT_TIME})"
    )
    print(f"{ROUNDS} rounds of {SECONDS:g} s, alternating; identical signatures checked first")
    print("| signer | signatures/s (median) | rounds | vs cryptography |")
    print("|---|---:|---|---:|")
    labels = {
        "cryptography": "`cryptography` `RSAPrivateKey.sign` (OpenSSL), key pre-loaded",
        "jenga_stk": f"`jenga_stk.Signer.sign` (wheel default: `{jenga_stk.SIGNER_BACKEND}`)",
    }
    for name, rates in results.items():
        median = statistics.median(rates)
        shown = ", ".join(f"{r:,.0f}" for r in rates)
        print(f"| {labels[name]} | {median:,.0f} | {shown} | {median / base:.2f} |")
    return 0


def _openssl_version() -> str:
    try:
        from cryptography.hazmat.backends.openssl.backend import backend

        return str(backend.openssl_version_text())
    except Exception:  # noqa: BLE001 - informational only
        return "OpenSSL"


if __name__ == "__main__":
    sys.exit(main())
