"""Payments per second through the sandbox with `jenga_stk.Client` (threads)
and `jenga_stk.AsyncClient` (asyncio), 1 and 100 in flight, and the time each
side spends per payment: the client's own CPU time (the library and the
driver: the core, httpx, the event loop or threads; waiting on the network
is not CPU time) beside the sandbox's.

Run by `scripts/python-bench.sh client` in a scratch venv holding the built
wheel and httpx, against a release build of the sandbox started here with no
delays (`--callback-delay-ms 0 --ipn-delay-ms 0`) and no deliveries (the
status query decides: the invoice settles at once), and a RetryPolicy whose
first status query comes 1 ms after the push is accepted. Each payment is
then the push and its status queries (the invoice settles a moment after
the push: usually one or two queries), plus the shared token once per client. Rounds alternate the scenarios so machine noise hits them
alike; medians are reported.

For scale, the same exchanges written by hand with httpx and `cryptography`
(no jenga_stk: build the JSON, sign, push, query on the same schedule until
paid, read the JSON; no retries, no checks) run in the same process, one in
flight.

Environment: JENGA_ROOT (repository root), JENGA_SANDBOX_BIN (default
target/release/jenga-sandbox), BENCH_ROUNDS (default 3), BENCH_SERIAL
(payments per one-in-flight run, default 300), BENCH_PARALLEL (payments per
100-in-flight run, default 1000).
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import platform
import statistics
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any, Callable, Dict, List

import httpx
import jenga_stk

ROOT = Path(os.environ.get("JENGA_ROOT", Path(__file__).resolve().parents[2]))
SANDBOX = Path(os.environ.get("JENGA_SANDBOX_BIN", ROOT / "target" / "release" / "jenga-sandbox"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
SERIAL = int(os.environ.get("BENCH_SERIAL", "300"))
PARALLEL = int(os.environ.get("BENCH_PARALLEL", "1000"))
IN_FLIGHT = 100
TICKS = os.sysconf("SC_CLK_TCK")

POLICY = jenga_stk.RetryPolicy(
    first_poll=timedelta(milliseconds=1),
    confirm_delay=timedelta(milliseconds=1),
    initial_backoff=timedelta(milliseconds=1),
    max_backoff=timedelta(milliseconds=10),
    max_poll_interval=timedelta(milliseconds=10),
    token_wait=timedelta(milliseconds=1),
)


class Sandbox:
    def __init__(self) -> None:
        if not SANDBOX.is_file():
            raise SystemExit(f"{SANDBOX} is missing: cargo build --release -p jenga-sandbox")
        self.process = subprocess.Popen(
            [
                str(SANDBOX),
                "--bind",
                "127.0.0.1:0",
                "--public-key",
                str(ROOT / "tests/keys/test-pkcs1-2048.pub.pem"),
                "--callback-delay-ms",
                "0",
                "--ipn-delay-ms",
                "0",
                "--delivery-attempts",
                "1",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert self.process.stdout is not None
        self.url = self.process.stdout.readline().strip()
        assert self.url.startswith("http://127.0.0.1:"), self.url

    def control(self, method: str, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(f"{self.url}/sandbox/{path}", data=data, method=method)
        with urllib.request.urlopen(request, timeout=60) as reply:
            text = reply.read()
        return json.loads(text) if text else None

    def prepare(self) -> None:
        self.control("POST", "reset")
        self.control("POST", "deliveries", {"callback": "never", "ipn": "never"})

    def cpu(self) -> float:
        """The sandbox process's CPU time so far (user + system), in seconds."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICKS

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


@dataclass
class Run:
    payments: int
    seconds: float
    client_cpu: float
    sandbox_cpu: float
    requests: int


def config(sandbox: Sandbox) -> Dict[str, Any]:
    return dict(
        environment=sandbox.url,
        api_key="sandbox-api-key",
        merchant_code="0000000000",
        consumer_secret="sandbox-consumer-secret",
        private_key=(ROOT / "tests/keys/test-pkcs1-2048.pem").read_text(),
        callback_url="http://127.0.0.1:9/jenga/callback",
        policy=POLICY,
    )


def order(tag: str, n: int) -> Dict[str, Any]:
    return dict(
        order_reference=f"{tag}{n:07d}",
        amount=2,
        phone="0722000000",
        customer_name="Bench Customer",
        customer_email="bench@example.com",
        customer_identity_number="0000000",
        description="Benchmark",
    )


_runs = 0


def tag() -> str:
    global _runs
    _runs += 1
    return f"B{os.getpid() % 10000:04d}R{_runs:03d}N"


def measure(sandbox: Sandbox, payments: int, body: Callable[[], None]) -> Run:
    sandbox.prepare()
    cpu0, sandbox0, wall0 = time.process_time(), sandbox.cpu(), time.perf_counter()
    body()
    wall, cpu, sandbox_cpu = time.perf_counter() - wall0, time.process_time() - cpu0, sandbox.cpu() - sandbox0
    c = sandbox.control("GET", "counters")
    assert c["pushesTotal"] == payments, c
    return Run(payments, wall, cpu, sandbox_cpu, c["tokenRequests"] + c["initRequests"] + c["statusQueries"])


def sync_serial(sandbox: Sandbox) -> Run:
    def body() -> None:
        t = tag()
        with jenga_stk.Client(**config(sandbox)) as client:
            for n in range(SERIAL):
                assert client.start_payment(**order(t, n)).wait().kind == "paid"

    return measure(sandbox, SERIAL, body)


def sync_parallel(sandbox: Sandbox) -> Run:
    def body() -> None:
        t = tag()
        limits = httpx.Limits(max_connections=IN_FLIGHT, max_keepalive_connections=IN_FLIGHT)
        with httpx.Client(limits=limits) as http, jenga_stk.Client(**config(sandbox), http_client=http) as client:

            def pay(n: int) -> str:
                return client.start_payment(**order(t, n)).wait().kind

            with ThreadPoolExecutor(max_workers=IN_FLIGHT) as pool:
                assert set(pool.map(pay, range(PARALLEL))) == {"paid"}

    return measure(sandbox, PARALLEL, body)


def async_serial(sandbox: Sandbox) -> Run:
    async def main() -> None:
        t = tag()
        async with jenga_stk.AsyncClient(**config(sandbox)) as client:
            for n in range(SERIAL):
                assert (await (await client.start_payment(**order(t, n))).wait()).kind == "paid"

    return measure(sandbox, SERIAL, lambda: asyncio.run(main()))


def async_parallel(sandbox: Sandbox) -> Run:
    async def main() -> None:
        t = tag()
        limits = httpx.Limits(max_connections=IN_FLIGHT, max_keepalive_connections=IN_FLIGHT)
        async with httpx.AsyncClient(limits=limits) as http:
            async with jenga_stk.AsyncClient(**config(sandbox), http_client=http) as client:
                gate = asyncio.Semaphore(IN_FLIGHT)

                async def pay(n: int) -> str:
                    async with gate:
                        return (await (await client.start_payment(**order(t, n))).wait()).kind

                kinds = await asyncio.gather(*(pay(n) for n in range(PARALLEL)))
                assert set(kinds) == {"paid"}

    return measure(sandbox, PARALLEL, lambda: asyncio.run(main()))


def by_hand_serial(sandbox: Sandbox) -> Run:
    """The same exchanges without jenga_stk: httpx, json and `cryptography`."""
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding, rsa

    key = serialization.load_pem_private_key((ROOT / "tests/keys/test-pkcs1-2048.pem").read_bytes(), password=None)
    assert isinstance(key, rsa.RSAPrivateKey)

    def body() -> None:
        t = tag()
        with httpx.Client(base_url=sandbox.url) as http:
            token = http.post(
                "/authentication/api/v3/authenticate/merchant",
                headers={"Api-Key": "sandbox-api-key"},
                json={"merchantCode": "0000000000", "consumerSecret": "sandbox-consumer-secret"},
            ).json()["accessToken"]
            for n in range(SERIAL):
                ref = f"{t}{n:07d}"
                text = json.dumps(
                    {
                        "order": {"orderReference": ref, "orderAmount": 2, "orderCurrency": "KES",
                                  "source": "APICHECKOUT", "countryCode": "KE", "description": "Benchmark"},
                        "customer": {"name": "Bench Customer", "email": "bench@example.com",
                                     "phoneNumber": "0722000000", "identityNumber": "0000000"},
                        "payment": {"paymentReference": f"P{ref}", "paymentCurrency": "KES", "channel": "MOBILE",
                                    "service": "MPESA", "provider": "JENGA",
                                    "callbackUrl": "http://127.0.0.1:9/jenga/callback",
                                    "details": {"msisdn": "0722000000", "paymentAmount": 2}},
                    },
                    separators=(",", ":"),
                )
                signature = key.sign(f"{ref}KES07220000002".encode(), padding.PKCS1v15(), hashes.SHA256())
                headers = {"Authorization": f"Bearer {token}", "Signature": base64.b64encode(signature).decode()}
                accepted = http.post("/api-checkout/mpesa-stk-push/v3.0/init", content=text, headers=headers).json()
                assert accepted["status"] is True, accepted
                wait = 0.001  # the client's schedule: 1 ms, then ×1.5 up to 10 ms
                for _ in range(100):
                    time.sleep(wait)
                    status = http.get(
                        f"/api-checkout/mpesa-stk-push/v3.0/status/order/{ref}",
                        headers={"Authorization": f"Bearer {token}"},
                    ).json()
                    if status["data"]["order"]["orderStatus"] == "Paid":
                        break
                    wait = min(wait * 1.5, 0.01)
                else:
                    raise AssertionError(f"{ref} never paid")

    return measure(sandbox, SERIAL, body)


SCENARIOS: Dict[str, Callable[[Sandbox], Run]] = {
    "`Client`, 1 in flight": sync_serial,
    "`AsyncClient`, 1 in flight": async_serial,
    "by hand (httpx + cryptography, no checks), 1 in flight": by_hand_serial,
    f"`Client`, {IN_FLIGHT} in flight ({IN_FLIGHT} threads)": sync_parallel,
    f"`AsyncClient`, {IN_FLIGHT} in flight (one event loop)": async_parallel,
}


def main() -> int:
    sandbox = Sandbox()
    try:
        results: Dict[str, List[Run]] = {name: [] for name in SCENARIOS}
        for _ in range(ROUNDS):
            for name, scenario in SCENARIOS.items():
                results[name].append(scenario(sandbox))
    finally:
        sandbox.stop()
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), "?")
    print(
        f"Python {platform.python_version()}, httpx {httpx.__version__}, jenga_stk {jenga_stk.__version__} "
        f"(signer {jenga_stk.SIGNER_BACKEND}); sandbox {SANDBOX.relative_to(ROOT) if SANDBOX.is_relative_to(ROOT) else SANDBOX}; "
        f"{os.cpu_count()} cores ({cpu}), shared by the client and the sandbox"
    )
    print(f"{ROUNDS} rounds, alternating; {SERIAL} payments per 1-in-flight run, {PARALLEL} per {IN_FLIGHT}-in-flight run; medians")
    print()
    print("| scenario | payments/s | client CPU per payment | sandbox CPU per payment | requests per payment | payments/s per round |")
    print("|---|---:|---:|---:|---:|---|")
    for name, runs in results.items():
        rate = statistics.median(r.payments / r.seconds for r in runs)
        client_ms = statistics.median(1000 * r.client_cpu / r.payments for r in runs)
        sandbox_ms = statistics.median(1000 * r.sandbox_cpu / r.payments for r in runs)
        per = statistics.median(r.requests / r.payments for r in runs)
        rounds = ", ".join(f"{r.payments / r.seconds:,.0f}" for r in runs)
        print(f"| {name} | {rate:,.0f} | {client_ms:.2f} ms | {sandbox_ms:.2f} ms | {per:.2f} | {rounds} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
