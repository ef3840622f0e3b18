"""The README's Python snippets run, in order, against the installed wheel and
the local sandbox (JENGA_ENV points the README's program at it)."""

from __future__ import annotations

import contextlib
import io
import os
from typing import Any, Dict

import pytest

from conftest import REPO
from readme_snippets import snippets


def test_the_readme_has_the_documented_sections() -> None:
    blocks = snippets()
    assert len(blocks) >= 7
    text = "\n".join(blocks)
    for needle in ["StkPush(", "ValidationError", "float", "RequestOptions(", "TokenState(", "reconcile(", "IpnAuth("]:
        assert needle in text, needle
    # It opens with the client: from install to a paid order in a few lines.
    first = blocks[0]
    assert "jenga_stk.Client(" in first and "start_payment(" in first and ".wait()" in first
    assert len(first.strip().splitlines()) <= 25
    for needle in ["AsyncClient(", "verify_callback(", "verify_ipn(", "resume(", "PaymentFlow(", "diagnose_signature("]:
        assert needle in text, needle


def test_the_readme_snippets_run(sandbox_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    monkeypatch.setenv("JENGA_ENV", sandbox_url)
    for name in ["JENGA_API_KEY", "JENGA_MERCHANT_CODE", "JENGA_CONSUMER_SECRET", "JENGA_CALLBACK_SECRET", "SHOP_PUBLIC_URL"]:
        monkeypatch.delenv(name, raising=False)
    namespace: Dict[str, Any] = {"__name__": "__readme__"}
    output = io.StringIO()
    for i, block in enumerate(snippets(), start=1):
        code = compile(block, f"README.md block {i}", "exec")
        with contextlib.redirect_stdout(output):
            exec(code, namespace)  # noqa: S102 - executing our own documentation
    printed = output.getvalue()
    assert printed.startswith("paid\n"), printed[:200]
    assert "push_failed retry_with_backoff" in printed
    assert "ship order OR" in printed and printed.count("ship order") == 1, "the redelivered IPN changed nothing"
    assert "paid status_query" in printed
    assert "accepted, invoice" in printed
    assert "Reconciliation(state='paid', decided_by='status_query', confirmed=True" in printed
    assert "eyJhbGciOiJSUzI1NiJ9.token" not in printed, "the README never prints a token"
    assert os.environ["JENGA_ENV"] == sandbox_url
