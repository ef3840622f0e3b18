"""Moving bytes for the clients, over httpx (the optional extra ``jenga-stk[httpx]``).

One request at a time, as the core's ``FlowRequest`` describes it: its
``timeout`` covers the whole request, body included, so a server dripping
its body cannot hold a payment. The async send is cut exactly at the
deadline (``asyncio.timeout``). The blocking one streams the body and stops
at the deadline between chunks; each socket operation is also bounded by
httpx's per-operation timeouts (the same value), so a connection that stalls
completely mid-body is cut at most one timeout late. A request that got no
HTTP answer raises ``NoAnswer`` with the core's ``TransportFailure`` code:

* ``connect_failed``: nothing was sent (refused, DNS, TLS, a connection
  that could not be had in time);
* ``timeout``: the answer did not come in time;
* ``connection_lost``: anything else (reset, closed early, a protocol error,
  a body that could not be read): the request may have arrived.

This module decides nothing about payments: the core's flow does.
"""

from __future__ import annotations

import asyncio
import sys
import time
import typing

from . import HttpRequest, TransportFailure

if typing.TYPE_CHECKING:  # pragma: no cover
    import httpx

#: The answer: HTTP status, the ``Retry-After`` header (or ``None``), the body.
Answer = typing.Tuple[int, typing.Optional[str], bytes]

EXTRA_HINT = "pip install 'jenga-stk[httpx]'"


def require_httpx(what: str) -> typing.Any:
    """The ``httpx`` module, or an ``ImportError`` naming the extra."""
    try:
        import httpx
    except ImportError as e:  # pragma: no cover - exercised in a subprocess test
        raise ImportError(
            f"jenga_stk.{what} sends its requests with httpx, which is not installed: {EXTRA_HINT}",
            name="httpx",
        ) from e
    return httpx


class NoAnswer(Exception):
    """A request got no HTTP answer; ``failure`` is the core's code."""

    def __init__(self, failure: TransportFailure, cause: BaseException) -> None:
        super().__init__(f"{failure}: {type(cause).__name__}")
        self.failure: TransportFailure = failure


def failure_of(error: BaseException) -> typing.Optional[TransportFailure]:
    """The ``TransportFailure`` code of an httpx error, or ``None`` when the
    error is not about the transport (a bug, a cancellation: the caller
    reports ``connection_lost`` and lets it propagate)."""
    import httpx

    if isinstance(error, (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)):
        return "connect_failed"
    if isinstance(error, (httpx.ProxyError, httpx.UnsupportedProtocol)):
        return "connect_failed"
    if isinstance(error, httpx.TimeoutException):  # read or write timeout
        return "timeout"
    if isinstance(error, httpx.TransportError):  # read/write errors, protocol errors
        return "connection_lost"
    if isinstance(error, httpx.StreamError):
        return "connection_lost"
    return None


def _request_args(request: HttpRequest, seconds: float) -> typing.Dict[str, typing.Any]:
    import httpx

    return {
        "method": request.method,
        "url": request.url,
        "headers": request.headers,
        # POST always carries its body; a GET none.
        "content": request.body if request.method == "POST" else None,
        "timeout": httpx.Timeout(seconds),
    }


class _Body:
    """Collects a body up to one byte past ``limit`` (the core refuses a
    body over its limit anyway: the rest is never held in memory)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.parts: typing.List[bytes] = []
        self.size = 0

    def add(self, chunk: bytes) -> bool:
        """Adds a chunk; False once enough has been read."""
        room = self.limit + 1 - self.size
        self.parts.append(chunk[:room])
        self.size += min(len(chunk), room)
        return self.size <= self.limit

    def bytes(self) -> bytes:
        return b"".join(self.parts)


class _Deadline(Exception):
    """The whole-request deadline passed while the body was being read."""


def send(client: "httpx.Client", request: HttpRequest, timeout: float, max_body: int) -> Answer:
    """Sends ``request`` within ``timeout`` seconds in all; raises ``NoAnswer``."""
    deadline = time.monotonic() + timeout
    try:
        with client.stream(**_request_args(request, timeout)) as reply:
            body = _Body(max_body)
            for chunk in reply.iter_bytes():
                if not body.add(chunk):
                    break
                if time.monotonic() > deadline:
                    raise _Deadline()
            return reply.status_code, reply.headers.get("retry-after"), body.bytes()
    except _Deadline as e:
        raise NoAnswer("timeout", e) from None
    except Exception as e:
        failure = failure_of(e)
        if failure is None:
            raise
        raise NoAnswer(failure, e) from e


async def send_async(
    client: "httpx.AsyncClient", request: HttpRequest, timeout: float, max_body: int
) -> Answer:
    """Sends ``request`` within ``timeout`` seconds in all; raises ``NoAnswer``.
    A cancellation propagates (the caller reports it)."""

    async def exchange() -> Answer:
        async with client.stream(**_request_args(request, timeout)) as reply:
            body = _Body(max_body)
            async for chunk in reply.aiter_bytes():
                if not body.add(chunk):
                    break
            return reply.status_code, reply.headers.get("retry-after"), body.bytes()

    try:
        if sys.version_info >= (3, 11):
            async with asyncio.timeout(timeout):  # no extra task per request
                return await exchange()
        return await asyncio.wait_for(exchange(), timeout)
    except asyncio.TimeoutError as e:
        raise NoAnswer("timeout", e) from None
    except Exception as e:
        failure = failure_of(e)
        if failure is None:
            raise
        raise NoAnswer(failure, e) from e
