"""The jenga-sandbox binary shipped in this wheel, started on a free port.

    from jenga_sandbox import Sandbox

    with Sandbox(public_key="public.pem", ipn_url="http://127.0.0.1:8000/jenga/ipn") as sandbox:
        client = jenga_stk.Client(environment=sandbox.base_url, ...)

Under pytest the `jenga_sandbox` fixture does the same (see `pytest_plugin`).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import urllib.request
from pathlib import Path
from typing import Any, Dict, List, Optional, Union

__all__ = ["Sandbox", "binary"]

# The documented test credentials the sandbox accepts by default.
API_KEY = "sandbox-api-key"
MERCHANT_CODE = "0000000000"
CONSUMER_SECRET = "sandbox-consumer-secret"


def binary() -> str:
    """The path of the jenga-sandbox executable: the one this wheel installed
    (in the environment's scripts folder), else one on PATH."""
    name = "jenga-sandbox.exe" if os.name == "nt" else "jenga-sandbox"
    for folder in (sysconfig.get_path("scripts"), str(Path(sys.executable).parent)):
        candidate = Path(folder) / name
        if candidate.is_file():
            return str(candidate)
    found = shutil.which("jenga-sandbox")
    if found is None:
        raise FileNotFoundError("jenga-sandbox is not installed: pip install jenga-sandbox (or cargo install --path sandbox)")
    return found


class Sandbox:
    """A running sandbox process, on a free loopback port.

    Every keyword becomes the flag of the same name (``ipn_url`` is
    ``--ipn-url``; ``True`` is a bare flag); see ``jenga-sandbox --help``.
    """

    def __init__(self, public_key: Union[str, os.PathLike], **settings: Any) -> None:
        self.public_key = os.fspath(public_key)
        self.settings = settings
        self.process: Optional["subprocess.Popen[str]"] = None
        self.base_url = ""

    def args(self) -> List[str]:
        args = [binary(), "--bind", "127.0.0.1:0", "--public-key", self.public_key]
        for name, value in self.settings.items():
            flag = "--" + name.replace("_", "-")
            if value is True:
                args.append(flag)
            elif value is not None and value is not False:
                args += [flag, str(value)]
        return args

    def start(self) -> "Sandbox":
        self.process = subprocess.Popen(self.args(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert self.process.stdout is not None
        line = self.process.stdout.readline().strip()
        if not line.startswith("http"):
            self.process.kill()
            _, err = self.process.communicate(timeout=5)
            raise RuntimeError(f"jenga-sandbox did not start: {err.strip() or line}")
        self.base_url = line
        return self

    def stop(self) -> str:
        """Stops the sandbox; returns its log (standard error)."""
        if self.process is None:
            return ""
        self.process.terminate()
        try:
            _, err = self.process.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            _, err = self.process.communicate()
        self.process = None
        return err

    def __enter__(self) -> "Sandbox":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # The control API (sandbox/README.md, "Control API"), for tests.
    def control(self, method: str, path: str, body: Optional[Any] = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base_url + path, data=data, method=method,
                                         headers={"content-type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            text = response.read().decode()
        return json.loads(text) if text else None

    def counters(self) -> Dict[str, Any]:
        return self.control("GET", "/sandbox/counters")

    def fault(self, **fault: Any) -> None:
        self.control("POST", "/sandbox/faults", fault)

    def reset(self) -> None:
        self.control("POST", "/sandbox/reset")
