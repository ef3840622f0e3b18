"""A pytest fixture that starts the sandbox on a free port and stops it.

    def test_checkout(jenga_sandbox):
        client = jenga_stk.Client(environment=jenga_sandbox.base_url, ...)

It needs the registered public key: set the ini option ``jenga_sandbox_public_key``
(a path, relative to the rootdir) or the environment variable
``JENGA_SANDBOX_PUBLIC_KEY``; other flags through ``jenga_sandbox_args``
(for example ``--ipn-url http://127.0.0.1:8000/jenga/ipn --callback-delay-ms 20``).
"""

from __future__ import annotations

import os
import shlex
from typing import Iterator

import pytest

from . import Sandbox


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini("jenga_sandbox_public_key", "the merchant public key the sandbox verifies signatures with")
    parser.addini("jenga_sandbox_args", "more jenga-sandbox flags, as on a command line")


@pytest.fixture
def jenga_sandbox(request: pytest.FixtureRequest) -> Iterator[Sandbox]:
    """A running sandbox, stopped at the end of the test."""
    key = os.environ.get("JENGA_SANDBOX_PUBLIC_KEY") or request.config.getini("jenga_sandbox_public_key")
    if not key:
        pytest.fail("set jenga_sandbox_public_key (pytest ini) or JENGA_SANDBOX_PUBLIC_KEY to the public key's path")
    path = key if os.path.isabs(key) else os.path.join(str(request.config.rootpath), key)
    sandbox = Sandbox(path)
    extra = shlex.split(request.config.getini("jenga_sandbox_args") or "")
    sandbox.settings = {}
    args = sandbox.args()
    sandbox.args = lambda: args + extra  # type: ignore[method-assign]
    sandbox.start()
    try:
        yield sandbox
    finally:
        log = sandbox.stop()
        if log:
            print(log)
