"""Starts and stops the local sandbox (`jenga-sandbox`) for the tests.

The binary is `$JENGA_SANDBOX_BIN`, else `target/debug/jenga-sandbox` of the
repository (`cargo build -p jenga-sandbox`). A missing binary fails the tests:
they never skip.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path
from typing import List, Optional

REPO = Path(__file__).resolve().parents[4]
KEYS = REPO / "tests" / "keys"


class Sandbox:
    def __init__(self, *args: str) -> None:
        configured = os.environ.get("JENGA_SANDBOX_BIN")
        self.binary = Path(configured) if configured else REPO / "target" / "debug" / "jenga-sandbox"
        self.args: List[str] = list(args)
        self.process: Optional["subprocess.Popen[str]"] = None
        self.log = tempfile.NamedTemporaryFile("w+", prefix="jenga-sandbox-", suffix=".log", delete=False)

    def start(self) -> str:
        if not self.binary.is_file():
            raise RuntimeError(
                f"the sandbox binary {self.binary} is missing: run `cargo build -p jenga-sandbox` "
                "or set JENGA_SANDBOX_BIN (scripts/python-test.sh does)"
            )
        self.process = subprocess.Popen(
            [str(self.binary), "--bind", "127.0.0.1:0", *self.args],
            stdout=subprocess.PIPE,
            stderr=self.log,
            text=True,
        )
        assert self.process.stdout is not None
        url = self.process.stdout.readline().strip()
        if not url.startswith("http://127.0.0.1:"):
            self.stop()
            raise RuntimeError(f"the sandbox did not start:\n{self.output()}")
        return url

    def output(self) -> str:
        return Path(self.log.name).read_text()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
