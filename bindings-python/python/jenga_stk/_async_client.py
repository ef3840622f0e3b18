"""The asyncio client: ``AsyncClient`` and its ``AsyncPayment`` handles.

The same driver loop as ``Client``'s over the core's ``PaymentFlow``, with an
``httpx.AsyncClient``; a payment waits on an ``asyncio.Event`` that a callback
or IPN handed in (from the loop, or from another thread) sets. A cancellation
while a request is in flight is reported to the flow as a lost connection
before it propagates, so the saved state asks about an abandoned push
instead of sending it again.
"""

from __future__ import annotations

import asyncio
import threading
import time
import typing
from datetime import datetime
from types import TracebackType

from . import (
    AmountInput,
    CallbackRefs,
    Done,
    Environment,
    FlowRequest,
    InitAccepted,
    Ipn,
    Limits,
    OrderNotFound,
    OrderStatus,
    Outcome,
    PaymentFlow,
    Phase,
    QueryDone,
    Reconciliation,
    Rejection,
    RequestOptions,
    RetryPolicy,
    Send,
    SharedTokens,
    StatusQuery,
    StkCallback,
)
from ._setup import Answered, ProviderAnswer, PushSigner, Setup, now
from ._transport import NoAnswer, require_httpx, send_async

if typing.TYPE_CHECKING:  # pragma: no cover
    import httpx


class AsyncClient:
    """``Client`` for asyncio: the same arguments, with ``http_client`` an
    ``httpx.AsyncClient``; its methods that do I/O are coroutines. Use it
    from one event loop (``async with``, or ``await client.aclose()``).
    Needs httpx (``pip install 'jenga-stk[httpx]'``)."""

    def __init__(
        self,
        *,
        environment: typing.Union[Environment, str],
        api_key: str,
        merchant_code: str,
        consumer_secret: str,
        callback_url: str,
        private_key: typing.Union[str, bytes, None] = None,
        signer: typing.Optional[PushSigner] = None,
        callback_secret: typing.Union[str, bytes, None] = None,
        ipn_username: typing.Optional[str] = None,
        ipn_password: typing.Optional[str] = None,
        options: typing.Optional[RequestOptions] = None,
        policy: typing.Optional[RetryPolicy] = None,
        sign_status_queries: bool = False,
        limits: typing.Optional[Limits] = None,
        on_answer: typing.Optional[typing.Callable[[ProviderAnswer], None]] = None,
        http_client: typing.Optional["httpx.AsyncClient"] = None,
    ) -> None:
        module = require_httpx("AsyncClient")
        self._setup = Setup(
            environment=environment,
            api_key=api_key,
            merchant_code=merchant_code,
            consumer_secret=consumer_secret,
            callback_url=callback_url,
            private_key=private_key,
            signer=signer,
            callback_secret=callback_secret,
            ipn_username=ipn_username,
            ipn_password=ipn_password,
            options=options,
            policy=policy,
            sign_status_queries=sign_status_queries,
            limits=limits,
            on_answer=on_answer,
        )
        self._owns_http = http_client is None
        self._http: "httpx.AsyncClient" = http_client if http_client is not None else module.AsyncClient()

    # ------------------------------------------------------------ settings

    @property
    def environment(self) -> Environment:
        """Where the requests go."""
        return self._setup.environment

    @property
    def tokens(self) -> SharedTokens:
        """The token state every payment of this client shares."""
        return self._setup.tokens

    @property
    def policy(self) -> RetryPolicy:
        """The retry, polling and timeout settings of every payment."""
        return self._setup.policy

    # ------------------------------------------------------------ payments

    async def start_payment(
        self,
        *,
        order_reference: str,
        amount: AmountInput,
        phone: str,
        customer_name: str,
        customer_email: str,
        customer_identity_number: str,
        description: str,
        payment_reference: typing.Optional[str] = None,
        currency: str = "KES",
        country_code: str = "KE",
    ) -> "AsyncPayment":
        """As ``Client.start_payment``. Cancelled while the push is in
        flight, the push is never sent again by this client; the order's
        fate is then known from ``query_status(order_reference)``."""
        flow = self._setup.new_flow(
            order_reference=order_reference,
            amount=amount,
            phone=phone,
            customer_name=customer_name,
            customer_email=customer_email,
            customer_identity_number=customer_identity_number,
            description=description,
            payment_reference=payment_reference,
            currency=currency,
            country_code=country_code,
        )
        payment = AsyncPayment(self, flow)
        error = self._setup.not_started(flow, await payment._drive(until_pushed=True, deadline=None))
        if error is not None:
            raise error
        return payment

    def resume(self, saved: typing.Union[str, bytes]) -> "AsyncPayment":
        """The payment saved by ``AsyncPayment.to_json()``. Raises
        ``FlowError`` (``flow_state_invalid``) for other text."""
        return AsyncPayment(self, self._setup.restore(saved))

    # ------------------------------------------------------------ webhooks (no I/O)

    def verify_callback(self, url: str, body: typing.Union[bytes, str]) -> typing.Tuple[CallbackRefs, StkCallback]:
        """As ``Client.verify_callback``."""
        return self._setup.verify_callback(url, body)

    def verify_ipn(self, authorization: typing.Optional[str], body: typing.Union[bytes, str]) -> Ipn:
        """As ``Client.verify_ipn``."""
        return self._setup.verify_ipn(authorization, body)

    # ------------------------------------------------------------ one status query

    async def query_status(self, order_reference: str) -> typing.Union[OrderStatus, OrderNotFound, Rejection]:
        """As ``Client.query_status``. Cancelled while a request is in
        flight, the query tells the core (a token request is released for
        others) and the cancellation propagates."""
        query = self._setup.status_query(order_reference)
        while True:
            action = query.poll(now())
            if isinstance(action, QueryDone):
                return self._setup.query_result(query, action)
            if isinstance(action, Send):
                await self._exchange(query, query.order_reference, action.request)
                continue
            delay = (action.until - now()).total_seconds()
            if delay > 0:
                await asyncio.sleep(delay)

    # ------------------------------------------------------------ the I/O of a flow or a query

    async def _exchange(
        self, machine: typing.Union[PaymentFlow, StatusQuery], order_reference: str, request: FlowRequest
    ) -> typing.Optional[Answered]:
        """Sends one request of a flow (or a status query) and hands in what
        happened; returns the answer, if one came. A cancellation (or
        anything else) is reported as a lost connection before it propagates."""
        try:
            status, retry_after, body = await send_async(
                self._http, request.http, request.timeout.total_seconds(), self._setup.limits.max_body_bytes
            )
        except NoAnswer as e:
            machine.handle_transport_failure(now(), e.failure)
            return None
        except BaseException:
            machine.handle_transport_failure(now(), "connection_lost")
            raise
        machine.handle_response(now(), status, retry_after, body)
        self._setup.answered(request.endpoint, order_reference, status, body)
        return request.endpoint, status, body

    # ------------------------------------------------------------ lifetime

    async def aclose(self) -> None:
        """Closes the HTTP client if this client made it (an injected one is yours)."""
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> "AsyncClient":
        return self

    async def __aexit__(
        self,
        exc_type: typing.Optional[typing.Type[BaseException]],
        exc: typing.Optional[BaseException],
        traceback: typing.Optional[TracebackType],
    ) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        return self._setup.describe("AsyncClient")


class AsyncPayment:
    """One payment of an ``AsyncClient``: ``await payment.wait()`` drives it
    to its end; ``handle_callback``/``handle_ipn`` (plain methods, callable
    from the loop or from another thread) hand in evidence and wake it."""

    def __init__(self, client: AsyncClient, flow: PaymentFlow) -> None:
        self._client = client
        self._flow = flow
        self._guard = threading.Lock()
        self._signal: typing.Optional[typing.Tuple[asyncio.AbstractEventLoop, asyncio.Event]] = None
        self._driving: typing.Optional[asyncio.Lock] = None

    # ------------------------------------------------------------ state

    @property
    def flow(self) -> PaymentFlow:
        """The core's flow (for those who drive it themselves)."""
        return self._flow

    @property
    def order_reference(self) -> str:
        return self._flow.order_reference

    @property
    def payment_reference(self) -> str:
        """The payment reference of the latest push."""
        return self._flow.payment_reference

    @property
    def payment_references(self) -> typing.Tuple[str, ...]:
        """Every payment reference pushed, the first one first."""
        return self._flow.payment_references

    @property
    def phase(self) -> Phase:
        """``"starting"``, ``"confirming"``, ``"waiting"`` or ``"done"``."""
        return self._flow.phase

    @property
    def accepted(self) -> typing.Optional[InitAccepted]:
        """The provider's acceptance of the push, once it came."""
        return self._flow.accepted

    @property
    def push_known(self) -> bool:
        """Whether the provider is known to have the push."""
        return self._flow.push_known

    @property
    def outcome(self) -> typing.Optional[Outcome]:
        """The ``Outcome`` once the flow has ended, else ``None``."""
        return self._flow.outcome

    @property
    def deadline(self) -> datetime:
        """When the flow stops trying and ends undecided."""
        return self._flow.deadline

    @property
    def reconciliation(self) -> Reconciliation:
        """As ``Payment.reconciliation``: the decision so far, before the end too."""
        return self._flow.reconciliation

    # ------------------------------------------------------------ driving

    async def wait(self, timeout: typing.Optional[float] = None) -> Outcome:
        """As ``Payment.wait``: drives the payment to its end. When
        ``timeout`` seconds pass first, the requests already due are still
        sent, then ``TimeoutError`` is raised (cancel the task instead to
        abandon a request in flight: the flow is told)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        if self._driving is None:
            self._driving = asyncio.Lock()
        async with self._driving:
            outcome = await self._drive(until_pushed=False, deadline=deadline)
        assert outcome is not None
        return outcome

    async def _drive(self, *, until_pushed: bool, deadline: typing.Optional[float]) -> typing.Optional[Outcome]:
        flow = self._flow
        event = asyncio.Event()
        signal = (asyncio.get_running_loop(), event)
        with self._guard:
            self._signal = signal
        try:
            while True:
                if until_pushed and (flow.push_known or flow.phase == "waiting"):
                    return None
                event.clear()
                action = flow.poll(now())
                if isinstance(action, Done):
                    return action.outcome
                if isinstance(action, Send):
                    await self._client._exchange(flow, flow.order_reference, action.request)
                    continue
                delay = (action.until - now()).total_seconds()
                if deadline is not None:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        raise TimeoutError(f"payment {flow.order_reference} not decided in the time given")
                    delay = min(delay, left)
                if delay > 0:
                    # Woken by the timer, or earlier by evidence handed in.
                    timer = signal[0].call_later(delay, event.set)
                    try:
                        await event.wait()
                    finally:
                        timer.cancel()
        finally:
            with self._guard:
                if self._signal is signal:
                    self._signal = None

    def _wake(self) -> None:
        with self._guard:
            signal = self._signal
        if signal is None:
            return  # nobody waits: the next poll sees the evidence
        loop, event = signal
        try:
            running: typing.Optional[asyncio.AbstractEventLoop] = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            event.set()
        else:
            try:
                loop.call_soon_threadsafe(event.set)
            except RuntimeError:
                pass  # the loop has closed: nobody waits any more

    # ------------------------------------------------------------ evidence

    def handle_callback(self, callback: StkCallback) -> None:
        """As ``Payment.handle_callback``."""
        self._flow.handle_callback(callback)
        self._wake()

    def handle_ipn(self, ipn: Ipn) -> None:
        """As ``Payment.handle_ipn``."""
        self._flow.handle_ipn(ipn)
        self._wake()

    def check_status(self) -> None:
        """As ``Payment.check_status``."""
        self._flow.check_status()
        self._wake()

    def to_json(self) -> str:
        """The flow's state (versioned JSON, no secrets): store it with the order."""
        return self._flow.to_json()

    def __repr__(self) -> str:
        outcome = self._flow.outcome
        return (
            f"AsyncPayment(order_reference={self.order_reference!r}, payment_reference={self.payment_reference!r}, "
            f"phase={self.phase!r}, outcome={None if outcome is None else outcome.kind!r})"
        )
