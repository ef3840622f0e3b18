"""What every payment of a client shares, and what both clients do without
I/O: the credentials' token state, the signer, the callback URLs, the IPN
credentials, the settings; building, signing and restoring a payment's flow;
the webhook checks. No sockets here: ``Client`` and ``AsyncClient`` move the
bytes, the core's ``PaymentFlow`` decides.
"""

from __future__ import annotations

import secrets
import typing
from datetime import datetime, timezone

from . import (
    AmountInput,
    CallbackRefs,
    CallbackUrls,
    Credentials,
    Environment,
    FlowContext,
    Ipn,
    IpnAuth,
    Limits,
    OrderNotFound,
    OrderStatus,
    Outcome,
    PaymentFlow,
    QueryDone,
    Rejection,
    RequestOptions,
    RetryPolicy,
    SharedTokens,
    Signature,
    SignedStkPush,
    Signer,
    StatusQuery,
    StkCallback,
    StkPush,
    parse_ipn,
)
from ._errors import PaymentNotStartedError, TransportError, ValidationError


class ProviderAnswer(typing.NamedTuple):
    """One answer of the provider to a push (``endpoint="init"``) or a
    status query (``"status"``), as received: handed to a client's
    ``on_answer`` hook (an audit trail). Token answers are never handed
    over (they hold the access token)."""

    endpoint: typing.Literal["init", "status"]
    order_reference: str
    http_status: int
    body: bytes
    received_at: datetime


#: An answer a request got: its endpoint, HTTP status and body.
Answered = typing.Tuple[str, int, bytes]


class PushSigner(typing.Protocol):
    """Anything that signs like ``jenga_stk.Signer``: RSA PKCS#1 v1.5 with
    SHA-256 over ``message``, returning a ``Signature`` or its Base64 text
    (a KMS or an HSM client, wrapped in a ``sign`` method)."""

    def sign(self, message: bytes) -> typing.Union[Signature, str]: ...


def now() -> datetime:
    """The clock the clients hand to the flow (aware, UTC)."""
    return datetime.now(timezone.utc)


def new_payment_reference() -> str:
    """A random payment reference: 16 letters and digits from the OS's CSPRNG."""
    return "P" + secrets.token_hex(8).upper()[:15]


class Setup:
    """The shared, I/O-free part of a client (see the module docstring)."""

    def __init__(
        self,
        *,
        environment: typing.Union[Environment, str],
        api_key: str,
        merchant_code: str,
        consumer_secret: str,
        callback_url: str,
        private_key: typing.Union[str, bytes, None],
        signer: typing.Optional[PushSigner],
        callback_secret: typing.Union[str, bytes, None],
        ipn_username: typing.Optional[str],
        ipn_password: typing.Optional[str],
        options: typing.Optional[RequestOptions],
        policy: typing.Optional[RetryPolicy],
        sign_status_queries: bool,
        limits: typing.Optional[Limits],
        on_answer: typing.Optional[typing.Callable[[ProviderAnswer], None]] = None,
    ) -> None:
        if (private_key is None) == (signer is None):
            raise TypeError("give the private key (private_key=PEM text) or a signer (signer=…), exactly one")
        if (ipn_username is None) != (ipn_password is None):
            raise TypeError("give both ipn_username and ipn_password, or neither")
        self.signer: PushSigner = Signer.from_pem(private_key) if private_key is not None else typing.cast(PushSigner, signer)
        self.tokens = SharedTokens(
            environment,
            Credentials(api_key=api_key, merchant_code=merchant_code, consumer_secret=consumer_secret),
        )
        self.environment = self.tokens.environment
        self.merchant_code = merchant_code
        self.callback_url = callback_url
        self.callback_urls = CallbackUrls(callback_secret) if callback_secret is not None else None
        self.ipn_auth = (
            IpnAuth(username=ipn_username, password=ipn_password)
            if ipn_username is not None and ipn_password is not None
            else None
        )
        self.options = options if options is not None else RequestOptions()
        self.policy = policy if policy is not None else RetryPolicy()
        self.limits = limits if limits is not None else Limits()
        self.sign_status_queries = sign_status_queries
        self.on_answer = on_answer
        self.context = FlowContext(self.tokens, callback_urls=self.callback_urls, limits=self.limits)

    # ------------------------------------------------------------ payments

    def new_flow(
        self,
        *,
        order_reference: str,
        amount: AmountInput,
        phone: str,
        customer_name: str,
        customer_email: str,
        customer_identity_number: str,
        description: str,
        payment_reference: typing.Optional[str],
        currency: str,
        country_code: str,
    ) -> PaymentFlow:
        """Builds and validates the push (``ValidationError``: every problem),
        signs it and makes its flow (seeded from the OS's CSPRNG)."""
        reference = payment_reference if payment_reference is not None else new_payment_reference()
        url = self.callback_url
        url_error: typing.Optional[ValidationError] = None
        if self.callback_urls is not None:
            try:
                url = self.callback_urls.callback_url(self.callback_url, order_reference, reference)
            except ValidationError as e:
                # Bad references: the push's validation below reports them
                # with every other problem at once.
                url_error = e
        push = StkPush(
            order_reference=order_reference,
            order_amount=amount,
            order_currency=currency,
            country_code=country_code,
            description=description,
            customer_name=customer_name,
            customer_email=customer_email,
            customer_phone_number=phone,
            customer_identity_number=customer_identity_number,
            payment_reference=reference,
            payment_currency=currency,
            callback_url=url,
            msisdn=phone,
            payment_amount=amount,
            options=self.options,
        )
        if url_error is not None:
            raise url_error
        return PaymentFlow(
            self.sign(push),
            self.context,
            seed=secrets.randbits(64),
            now=now(),
            policy=self.policy,
            status_signature=self.sign_text(order_reference) if self.sign_status_queries else None,
        )

    def sign(self, push: StkPush) -> SignedStkPush:
        if isinstance(self.signer, Signer):
            return push.sign(self.signer)  # the GIL is released while signing
        return push.with_signature(self.signer.sign(push.signing_string.encode()))

    def sign_text(self, text: str) -> typing.Union[Signature, str]:
        return self.signer.sign(text.encode())

    def restore(self, saved: typing.Union[str, bytes]) -> PaymentFlow:
        return PaymentFlow.from_json(saved, self.context)

    def not_started(self, flow: PaymentFlow, outcome: typing.Optional[Outcome]) -> typing.Optional[PaymentNotStartedError]:
        """The error for a flow that ended with nothing reaching the customer."""
        if outcome is None or outcome.kind not in ("rejected", "not_sent"):
            return None
        order = flow.order_reference
        if outcome.kind == "rejected":
            message = f"the provider refused the push for order {order}: {outcome.rejection}"
            code = "payment_rejected"
        else:
            cause = outcome.transport_failure or (outcome.rejection and outcome.rejection.kind) or "unknown"
            message = f"the push for order {order} could not be sent ({cause}): nothing reached the customer"
            code = "payment_not_sent"
        return PaymentNotStartedError(message, code=code, outcome=outcome, order_reference=order)

    def answered(self, endpoint: str, order_reference: str, status: int, body: bytes) -> None:
        """Hands an init or status answer to the ``on_answer`` hook, if any
        (never a token answer)."""
        kind: typing.Literal["init", "status"]
        if self.on_answer is None:
            return
        if endpoint == "init":
            kind = "init"
        elif endpoint == "status":
            kind = "status"
        else:
            return
        self.on_answer(ProviderAnswer(kind, order_reference, status, bytes(body), now()))

    # ------------------------------------------------------------ one status query

    def status_query(self, order_reference: str) -> StatusQuery:
        """The core's query for the order, signed when this client signs
        status queries. A bad order reference raises ``ValidationError``
        before anything is signed."""
        query = StatusQuery(
            order_reference, self.tokens, seed=secrets.randbits(64), policy=self.policy, limits=self.limits
        )
        if not self.sign_status_queries:
            return query
        # The signature is of the reference the query sends (trimmed by the core).
        signature = self.sign_text(query.order_reference)
        return StatusQuery(
            order_reference,
            self.tokens,
            seed=secrets.randbits(64),
            policy=self.policy,
            status_signature=signature,
            limits=self.limits,
        )

    def query_result(self, query: StatusQuery, done: QueryDone) -> typing.Union[OrderStatus, OrderNotFound, Rejection]:
        """The end of ``query_status``: the provider's answer (an answer that
        could not be read is a ``Rejection`` of kind "invalid_response"), or
        ``TransportError`` when none came at all."""
        if done.response is not None:
            return done.response
        # The core ends a query without an answer only with the failure.
        failure = done.transport_failure or "connection_lost"
        message = f"the status query for order {query.order_reference} got no answer ({failure})"
        raise TransportError(message, code=failure)

    # ------------------------------------------------------------ webhooks

    def verify_callback(self, url: str, body: typing.Union[bytes, str]) -> typing.Tuple[CallbackRefs, StkCallback]:
        if self.callback_urls is None:
            raise RuntimeError("verify_callback needs the client's callback_secret (the callback URLs carry no token without it)")
        return self.callback_urls.verify_callback(url, body, limits=self.limits)

    def verify_ipn(self, authorization: typing.Optional[str], body: typing.Union[bytes, str]) -> Ipn:
        if self.ipn_auth is None:
            raise RuntimeError("verify_ipn needs the client's ipn_username and ipn_password")
        self.ipn_auth.verify(authorization)
        return parse_ipn(body, limits=self.limits)

    def describe(self, name: str) -> str:
        return (
            f"{name}(environment={self.environment!r}, merchant_code={self.merchant_code!r}, "
            f"callback_url={self.callback_url!r}, signer={type(self.signer).__name__})"
        )
