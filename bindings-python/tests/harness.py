"""What the client tests run against, over real HTTP: the sandbox (the
provider's double, a separate process), a webhook receiver (this test
process, standing in for the merchant's web app: it verifies each callback
and IPN with the client and hands it to the payment), and adapters that
give `Client` and `AsyncClient` one shape, so each scenario runs against both.
"""

from __future__ import annotations

import asyncio
import json
import socket
import subprocess
import threading
import time
import urllib.request
import uuid
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, DefaultDict, Dict, List, Optional, Union

import jenga_stk as j
from conftest import KEYS, key_text, sandbox_binary

IPN_USERNAME = "client-tests-ipn"
IPN_PASSWORD = "client-tests-ipn-password"
CALLBACK_SECRET = "client tests: a callback secret of 32+ bytes"
API_KEY = "sandbox-api-key"
MERCHANT_CODE = "0000000000"
CONSUMER_SECRET = "sandbox-consumer-secret"


def ms(n: int) -> timedelta:
    return timedelta(milliseconds=n)


#: Fast enough that no test sleeps longer than it needs.
FAST = dict(
    first_poll=ms(100),
    confirm_delay=ms(50),
    initial_backoff=ms(20),
    max_backoff=ms(100),
    max_poll_interval=ms(300),
    request_timeout=ms(3000),
    timeout=ms(20_000),
    token_wait=ms(20),
)


def policy(**overrides: Any) -> j.RetryPolicy:
    return j.RetryPolicy(**{**FAST, **overrides})


def new_order() -> str:
    return "OR" + uuid.uuid4().hex[:14].upper()


# ---------------------------------------------------------------- the webhook receiver


Handed = Union[j.Payment, j.AsyncPayment]
Verifier = Union[j.Client, j.AsyncClient]


class Receiver:
    """The merchant's web app: POST /callback?… and POST /ipn, verified with
    the client, handed to the payment of the order. Unknown orders get 503
    (the sandbox delivers again a moment later)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.payments: Dict[str, Handed] = {}
        self.verifier: Optional[Verifier] = None
        self.delivered: DefaultDict[str, List[str]] = defaultdict(list)
        self.refused: List[str] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                status = receiver.handle(self.path, self.headers.get("Authorization"), body)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def handle(self, path: str, authorization: Optional[str], body: bytes) -> int:
        with self.lock:
            verifier = self.verifier
        if verifier is None:
            return 503
        try:
            if path.startswith("/callback"):
                refs, callback = verifier.verify_callback(path, body)
                order, kind = refs.order_reference, "callback"
            elif path == "/ipn":
                ipn = verifier.verify_ipn(authorization, body)
                order, kind = ipn.order_reference or "", "ipn"
            else:
                return 404
        except (j.AuthenticationError, j.ParseError) as e:
            with self.lock:
                self.refused.append(e.code)
            return 403
        with self.lock:
            payment = self.payments.get(order)
        if payment is None:
            return 503
        if kind == "callback":
            payment.handle_callback(callback)
        else:
            payment.handle_ipn(ipn)
        with self.lock:
            self.delivered[order].append(kind)
        return 200

    def register(self, payment: Handed) -> None:
        with self.lock:
            self.payments[payment.order_reference] = payment

    def reset(self, verifier: Optional[Verifier]) -> None:
        with self.lock:
            self.payments.clear()
            self.delivered.clear()
            self.refused.clear()
            self.verifier = verifier

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


# ---------------------------------------------------------------- the sandbox


class Sandbox:
    def __init__(self, receiver: Receiver) -> None:
        self.process = subprocess.Popen(
            [
                str(sandbox_binary()),
                "--bind",
                "127.0.0.1:0",
                "--public-key",
                str(KEYS / "test-pkcs1-2048.pub.pem"),
                "--ipn-url",
                f"{receiver.url}/ipn",
                "--ipn-username",
                IPN_USERNAME,
                "--ipn-password",
                IPN_PASSWORD,
                "--callback-delay-ms",
                "20",
                "--ipn-delay-ms",
                "20",
                "--retry-delay-ms",
                "20",
                "--delivery-attempts",
                "6",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert self.process.stdout is not None
        self.url = self.process.stdout.readline().strip()
        if not self.url.startswith("http://127.0.0.1:"):
            self.stop()
            raise RuntimeError(f"the sandbox did not start (first line: {self.url!r})")

    def control(self, method: str, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(f"{self.url}/sandbox/{path}", data=data, method=method)
        with urllib.request.urlopen(request, timeout=70) as reply:
            text = reply.read()
        return json.loads(text) if text else None

    def reset(self) -> None:
        self.control("POST", "reset")

    def fault(self, **fault: Any) -> None:
        self.control("POST", "faults", fault)

    def deliveries(self, **mode: Any) -> None:
        self.control("POST", "deliveries", mode)

    def counters(self) -> Dict[str, Any]:
        result: Dict[str, Any] = self.control("GET", "counters")
        return result

    def settle(self) -> Dict[str, Any]:
        result: Dict[str, Any] = self.control("POST", "settle", {"timeoutMs": 10_000})
        assert result["settled"], result
        return result["counters"]  # type: ignore[no-any-return]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class World:
    def __init__(self) -> None:
        self.receiver = Receiver()
        self.sandbox = Sandbox(self.receiver)

    def config(self, **overrides: Any) -> Dict[str, Any]:
        """Client arguments for the sandbox; `policy` overrides merge into FAST."""
        kwargs: Dict[str, Any] = dict(
            environment=self.sandbox.url,
            api_key=API_KEY,
            merchant_code=MERCHANT_CODE,
            consumer_secret=CONSUMER_SECRET,
            private_key=key_text("test-pkcs1-2048"),
            callback_url=f"{self.receiver.url}/callback",
            callback_secret=CALLBACK_SECRET,
            ipn_username=IPN_USERNAME,
            ipn_password=IPN_PASSWORD,
            policy=policy(),
        )
        kwargs.update(overrides)
        return kwargs

    def stop(self) -> None:
        self.sandbox.stop()
        self.receiver.stop()


def order_kwargs(**overrides: Any) -> Dict[str, Any]:
    kwargs: Dict[str, Any] = dict(
        order_reference=new_order(),
        amount=2,
        phone="0722000000",
        customer_name="Jane Customer",
        customer_email="jane@example.com",
        customer_identity_number="0000000",
        description="Client test",
    )
    kwargs.update(overrides)
    return kwargs


# ---------------------------------------------------------------- one shape for both clients


class Adapter:
    """`Client` or `AsyncClient` behind coroutines, so one scenario runs
    against both (the blocking one in worker threads)."""

    kind: str
    client: Any

    async def start(self, **overrides: Any) -> Any:
        raise NotImplementedError

    async def wait(self, payment: Any, timeout: Optional[float] = None) -> j.Outcome:
        raise NotImplementedError

    async def query_status(self, order_reference: str) -> Any:
        raise NotImplementedError

    async def close(self) -> None:
        raise NotImplementedError


class SyncAdapter(Adapter):
    kind = "sync"

    def __init__(self, world: World, receiver: Receiver, **config: Any) -> None:
        self.client = j.Client(**world.config(**config))
        self.receiver = receiver
        receiver.reset(self.client)

    async def start(self, **overrides: Any) -> j.Payment:
        payment: j.Payment = await asyncio.to_thread(lambda: self.client.start_payment(**order_kwargs(**overrides)))
        self.receiver.register(payment)
        return payment

    async def wait(self, payment: Any, timeout: Optional[float] = None) -> j.Outcome:
        return await asyncio.to_thread(payment.wait, timeout)

    async def query_status(self, order_reference: str) -> Any:
        return await asyncio.to_thread(self.client.query_status, order_reference)

    async def close(self) -> None:
        self.client.close()


class AsyncAdapter(Adapter):
    kind = "async"

    def __init__(self, world: World, receiver: Receiver, **config: Any) -> None:
        self.client = j.AsyncClient(**world.config(**config))
        self.receiver = receiver
        receiver.reset(self.client)

    async def start(self, **overrides: Any) -> j.AsyncPayment:
        payment = await self.client.start_payment(**order_kwargs(**overrides))
        self.receiver.register(payment)
        return payment

    async def wait(self, payment: Any, timeout: Optional[float] = None) -> j.Outcome:
        outcome: j.Outcome = await payment.wait(timeout)
        return outcome

    async def query_status(self, order_reference: str) -> Any:
        return await self.client.query_status(order_reference)

    async def close(self) -> None:
        await self.client.aclose()


def adapter(kind: str, world: World, **config: Any) -> Adapter:
    world.sandbox.reset()
    if kind == "sync":
        return SyncAdapter(world, world.receiver, **config)
    return AsyncAdapter(world, world.receiver, **config)


def run(scenario: Callable[[], Any]) -> Any:
    """Runs an async scenario to its end (a fresh event loop per test)."""
    return asyncio.run(scenario())


def many_threads(count: int, work: Callable[[int], Any]) -> List[Any]:
    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(work, range(count)))


# ---------------------------------------------------------------- misbehaving servers


class DripServer:
    """Answers every request with headers at once, then its body one byte
    every `interval` seconds: only a whole-request timeout stops the wait."""

    def __init__(self, interval: float = 0.1) -> None:
        self.interval = interval
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.connections = 0
        self.stopped = threading.Event()
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self) -> None:
        while not self.stopped.is_set():
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self.drip, args=(conn,), daemon=True).start()

    def drip(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(5)
            try:
                conn.recv(65536)
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{")
                while not self.stopped.is_set():
                    time.sleep(self.interval)
                    conn.sendall(b" ")
            except OSError:
                return

    def stop(self) -> None:
        self.stopped.set()
        self.listener.close()


def closed_port() -> int:
    """A local port nothing listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
