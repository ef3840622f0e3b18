"""The blocking client: ``Client`` and its ``Payment`` handles.

A short driver loop over the core's ``PaymentFlow`` with an ``httpx.Client``:
send what the flow asks, hand in the answer or the failure, sleep while it
says wait (waking early when a callback or IPN is handed in from another
thread). Every decision (tokens, retries, asking before pushing again,
polling, the outcome) is the flow's; ``query_status`` drives the core's
``StatusQuery`` the same way.
"""

from __future__ import annotations

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
from ._transport import NoAnswer, require_httpx, send

if typing.TYPE_CHECKING:  # pragma: no cover
    import httpx


class Client:
    """A Jenga STK push client: one per process (thread-safe), one token for
    all its payments.

    ``environment``: ``"uat"``, ``"live"``, an ``Environment`` or a base URL
    (the local sandbox's). The credentials are the portal's. ``private_key``:
    the PEM text of your key (its public half is registered on the portal),
    or ``signer``: any object with ``sign(message: bytes)`` (a KMS). Every
    push's ``callbackUrl`` is ``callback_url``, with a per-payment HMAC token
    added when ``callback_secret`` (32+ bytes) is given (``verify_callback``
    checks it). ``ipn_username``/``ipn_password``: the IPN's Basic auth, for
    ``verify_ipn``. ``options``: how amounts and phones are written;
    ``policy``: retries, polling and timeouts; ``sign_status_queries``: send a
    ``Signature`` header with status queries (unconfirmed by the provider's
    docs); ``limits``: applied to every answer. ``on_answer``: called with a
    ``ProviderAnswer`` for every answer to a push or a status query, as
    received (for an audit trail; never token answers; it runs in the thread
    that drives the payment, and what it raises propagates). ``http_client``: an
    ``httpx.Client`` to use (yours to close); by default the client makes one
    and closes it in ``close()`` or at the end of a ``with`` block.

    Needs httpx (``pip install 'jenga-stk[httpx]'``). Secrets never appear in
    its ``repr``.
    """

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
        http_client: typing.Optional["httpx.Client"] = None,
    ) -> None:
        module = require_httpx("Client")
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
        self._http: "httpx.Client" = http_client if http_client is not None else module.Client()

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

    def start_payment(
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
    ) -> "Payment":
        """Validates the push (``ValidationError`` lists every problem, and
        nothing is sent), signs it, and sends it until the provider has it,
        then returns the ``Payment`` (call ``wait()`` for the outcome).

        ``amount``: a ``Decimal``, ``int`` or ``str``, never a ``float``.
        ``phone``: as the customer typed it (``0722 000 000``, ``+254…``).
        ``payment_reference``: default a random one.

        Raises ``PaymentNotStartedError`` only when nothing reached the
        customer (the provider refused the push, or could not be reached).
        A push whose answer was lost is asked about, never sent again
        blindly: if the provider's word never comes, the payment is returned
        with an ``undecided`` outcome (the prompt may be on the phone).
        """
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
        payment = Payment(self, flow)
        error = self._setup.not_started(flow, payment._drive(until_pushed=True, deadline=None))
        if error is not None:
            raise error
        return payment

    def resume(self, saved: typing.Union[str, bytes]) -> "Payment":
        """The payment saved by ``Payment.to_json()`` (in this process or
        another). Raises ``FlowError`` (``flow_state_invalid``) for other text."""
        return Payment(self, self._setup.restore(saved))

    # ------------------------------------------------------------ webhooks

    def verify_callback(self, url: str, body: typing.Union[bytes, str]) -> typing.Tuple[CallbackRefs, StkCallback]:
        """The callback posted to a payment's callback URL: checks the URL's
        token (``url``: the full URL or the request target, e.g. Django's
        ``request.get_full_path()``), parses the body (the raw bytes) and
        checks it is about that payment. Returns the references (find the
        payment by ``order_reference``) and the callback (hand it to
        ``Payment.handle_callback``). Raises ``AuthenticationError`` (forged)
        or ``ParseError``."""
        return self._setup.verify_callback(url, body)

    def verify_ipn(self, authorization: typing.Optional[str], body: typing.Union[bytes, str]) -> Ipn:
        """The IPN: checks its ``Authorization`` header (Basic auth, constant
        time; ``None`` when absent) and parses the body. Find the payment by
        ``ipn.order_reference`` (``None``: a payment that did not come from a
        push) and hand it to ``Payment.handle_ipn``. Raises
        ``AuthenticationError`` or ``ParseError``."""
        return self._setup.verify_ipn(authorization, body)

    # ------------------------------------------------------------ one status query

    def query_status(self, order_reference: str) -> typing.Union[OrderStatus, OrderNotFound, Rejection]:
        """One order status query, driven over the core's ``StatusQuery``:
        the token from the shared state (after a 401, one retry with a new
        token), a 5xx, a 429 (its ``Retry-After`` honoured) or a request
        without an answer retried within the policy's ``max_retries``, with
        backoff. Returns the provider's answer: ``OrderStatus``,
        ``OrderNotFound``, or its refusal as a ``Rejection`` (a refused token
        request included: ``kind`` "unauthorized", ``action`` "do_not_retry";
        a 5xx, or an answer that could not be read, still there after the
        retries: ``kind`` "server_error" or "invalid_response"). Raises
        ``ValidationError`` (field ``orderReference``) for a blank reference,
        ``TransportError`` (``code``: how the last attempt failed) when no
        answer came at all. Every status answer goes to ``on_answer``."""
        query = self._setup.status_query(order_reference)
        while True:
            action = query.poll(now())
            if isinstance(action, QueryDone):
                return self._setup.query_result(query, action)
            if isinstance(action, Send):
                self._exchange(query, query.order_reference, action.request)
                continue
            delay = (action.until - now()).total_seconds()
            if delay > 0:
                time.sleep(delay)

    # ------------------------------------------------------------ the I/O of a flow or a query

    def _exchange(
        self, machine: typing.Union[PaymentFlow, StatusQuery], order_reference: str, request: FlowRequest
    ) -> typing.Optional[Answered]:
        """Sends one request of a flow (or a status query) and hands in what
        happened; returns the answer, if one came. Anything else that
        interrupts it (KeyboardInterrupt, a bug) is reported as a lost
        connection before it propagates, so a push whose answer was
        abandoned is asked about, never sent again blindly (and a token
        request is released for others)."""
        try:
            status, retry_after, body = send(
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

    def close(self) -> None:
        """Closes the HTTP client if this client made it (an injected one is yours)."""
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> "Client":
        return self

    def __exit__(
        self,
        exc_type: typing.Optional[typing.Type[BaseException]],
        exc: typing.Optional[BaseException],
        traceback: typing.Optional[TracebackType],
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return self._setup.describe("Client")


class Payment:
    """One payment of a ``Client``: a handle on its flow.

    ``wait()`` drives it to its end; ``handle_callback``/``handle_ipn`` hand
    in evidence (from any thread: a waiting ``wait()`` wakes at once);
    ``to_json()`` saves it with the order, ``Client.resume`` restores it.
    """

    def __init__(self, client: Client, flow: PaymentFlow) -> None:
        self._client = client
        self._flow = flow
        self._changed = threading.Condition()
        self._evidence = 0
        self._driving = threading.Lock()

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
        """Whether the provider is known to have the push (the customer has, or had, the prompt)."""
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
        """The decision over the evidence seen so far, before the end too
        (after a callback saying paid: ``state`` "paid", ``confirmed``
        False, while the status query is awaited). Show it; fulfil on the
        ``Outcome``."""
        return self._flow.reconciliation

    # ------------------------------------------------------------ driving

    def wait(self, timeout: typing.Optional[float] = None) -> Outcome:
        """Drives the payment to its end and returns the ``Outcome``: status
        queries when due, sleeping in between (woken early when evidence is
        handed in). ``timeout``: seconds; when they pass first, the requests
        already due are still sent, then ``TimeoutError`` is raised with the
        flow left ready to save or wait again (``timeout=0``: do what is due
        now, without sleeping). The flow's own deadline (``RetryPolicy.timeout``)
        ends it ``undecided``."""
        deadline = None if timeout is None else time.monotonic() + timeout
        if not self._driving.acquire(timeout=-1 if timeout is None else max(timeout, 0.0)):
            raise TimeoutError(f"payment {self.order_reference}: another thread is waiting on it")
        try:
            outcome = self._drive(until_pushed=False, deadline=deadline)
        finally:
            self._driving.release()
        assert outcome is not None
        return outcome

    def _drive(self, *, until_pushed: bool, deadline: typing.Optional[float]) -> typing.Optional[Outcome]:
        flow = self._flow
        while True:
            if until_pushed and (flow.push_known or flow.phase == "waiting"):
                return None
            with self._changed:
                seen = self._evidence
            action = flow.poll(now())
            if isinstance(action, Done):
                return action.outcome
            if isinstance(action, Send):
                self._client._exchange(flow, flow.order_reference, action.request)
                continue
            delay = (action.until - now()).total_seconds()
            if deadline is not None:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"payment {flow.order_reference} not decided in the time given")
                delay = min(delay, left)
            if delay > 0:
                with self._changed:
                    self._changed.wait_for(lambda: self._evidence != seen, timeout=delay)

    def _wake(self) -> None:
        with self._changed:
            self._evidence += 1
            self._changed.notify_all()

    # ------------------------------------------------------------ evidence

    def handle_callback(self, callback: StkCallback) -> None:
        """A callback verified by ``Client.verify_callback``. Unsigned: it
        decides nothing alone (a status query confirms it). Raises
        ``FlowError`` (``flow_not_this_payment``) for another payment's."""
        self._flow.handle_callback(callback)
        self._wake()

    def handle_ipn(self, ipn: Ipn) -> None:
        """An IPN verified by ``Client.verify_ipn``: a successful one decides
        at once, redeliveries change nothing. Raises ``FlowError``
        (``flow_not_this_payment``) for another order's."""
        self._flow.handle_ipn(ipn)
        self._wake()

    def check_status(self) -> None:
        """Asks for a status query at once, even past the deadline or after an
        ``undecided`` end (then ``wait()``): for a job re-checking payments."""
        self._flow.check_status()
        self._wake()

    def to_json(self) -> str:
        """The flow's state (versioned JSON, no secrets): store it with the order."""
        return self._flow.to_json()

    def __repr__(self) -> str:
        outcome = self._flow.outcome
        return (
            f"Payment(order_reference={self.order_reference!r}, payment_reference={self.payment_reference!r}, "
            f"phase={self.phase!r}, outcome={None if outcome is None else outcome.kind!r})"
        )
