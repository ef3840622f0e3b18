"""The examples in bindings-python/examples run (they are also `mypy --strict` checked)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import List

from conftest import KEYS, REPO

EXAMPLES = REPO / "bindings-python" / "examples"


def run(script: str, args: List[str], **env: str) -> "subprocess.CompletedProcess[str]":
    return subprocess.run(
        [sys.executable, str(EXAMPLES / script), *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_pay_with_client_against_the_sandbox(sandbox_url: str) -> None:
    key = str(KEYS / "test-pkcs1-2048.pem")
    fast = ["--first-poll", "0.1"]
    paid = run("pay_with_client.py", ["--msisdn", "0722000000", *fast], JENGA_ENV=sandbox_url, JENGA_PRIVATE_KEY=key)
    assert paid.returncode == 0, paid.stdout + paid.stderr
    assert "paid: Reconciliation(state='paid', decided_by='status_query', confirmed=True" in paid.stdout
    cancelled = run("pay_with_client.py", ["--msisdn", "0722000001", *fast], JENGA_ENV=sandbox_url, JENGA_PRIVATE_KEY=key)
    assert cancelled.returncode == 1, cancelled.stdout + cancelled.stderr
    assert "failed: Reconciliation(state='failed'" in cancelled.stdout
    # 005: every push fails at initiation (106201): pushed again once (the
    # policy's max_pushes), then reported: nothing reached the customer.
    failing = run("pay_with_client.py", ["--msisdn", "0722000005", *fast], JENGA_ENV=sandbox_url, JENGA_PRIVATE_KEY=key)
    assert failing.returncode == 2, failing.stdout + failing.stderr
    assert "not started (payment_rejected)" in failing.stdout and "retry_with_backoff" in failing.stdout
    wrong_key = run(
        "pay_with_client.py", fast, JENGA_ENV=sandbox_url, JENGA_PRIVATE_KEY=str(KEYS / "test-pkcs8-2048.pem")
    )
    assert wrong_key.returncode == 2 and "fix_signature" in wrong_key.stdout
    assert "sandbox-consumer-secret" not in paid.stdout + paid.stderr + wrong_key.stdout


def test_the_example_leaves_the_protocol_to_the_client() -> None:
    """No token, retry or polling code in what a merchant writes."""
    text = (EXAMPLES / "pay_with_client.py").read_text()
    for word in ["TokenState", "next_action", "classify_init_response", "parse_status_response", "time.sleep", "for attempt"]:
        assert word not in text, word


def test_check_keys() -> None:
    pair = run("check_keys.py", [str(KEYS / "test-pkcs1-2048.pem"), str(KEYS / "test-pkcs1-2048.pub.pem")])
    assert pair.returncode == 0 and "OK" in pair.stdout, pair.stderr
    other = run("check_keys.py", [str(KEYS / "test-pkcs8-2048.pem"), str(KEYS / "test-pkcs1-2048.pub.pem")])
    assert other.returncode == 1 and "signature_mismatch" in other.stderr
    swapped = run("check_keys.py", [str(KEYS / "test-pkcs1-2048.pub.pem"), str(KEYS / "test-pkcs1-2048.pem")])
    assert swapped.returncode == 1 and "key_is_public" in swapped.stderr
    assert Path(EXAMPLES / "check_keys.py").is_file()
