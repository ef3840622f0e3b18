"""Type stubs for jenga_stk (checked against the built module by mypy.stubtest)."""

from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any, ClassVar, Literal, NamedTuple, Optional, Sequence, Tuple, Union, final

from typing_extensions import TypeAlias

__version__: str

# ---------------------------------------------------------------- aliases

#: What an amount argument accepts: exact values only, never ``float``.
AmountInput: TypeAlias = Union[Decimal, int, str]
AmountDecimals: TypeAlias = Literal["whole", "two"]
AmountEncoding: TypeAlias = Literal["number", "string"]
PhoneFormat: TypeAlias = Literal["as_given", "local", "international"]
NextAction: TypeAlias = Literal[
    "do_not_retry",
    "refresh_token_and_retry",
    "retry_with_backoff",
    "fix_signature",
    "check_status_first",
]
PaymentState: TypeAlias = Literal["paid", "failed", "pending"]
EvidenceSource: TypeAlias = Literal["ipn", "status_query", "callback"]
ConflictKind: TypeAlias = Literal[
    "sources_disagree",
    "payments_disagree",
    "reference_mismatch",
    "amount_mismatch",
    "currency_mismatch",
]
Endpoint: TypeAlias = Literal["token", "init", "status"]
TransportFailure: TypeAlias = Literal["connect_failed", "timeout", "connection_lost"]
TokenLifetime: TypeAlias = Literal["timestamps", "seconds", "assumed"]
Phase: TypeAlias = Literal["starting", "confirming", "waiting", "done"]
OutcomeKind: TypeAlias = Literal["paid", "failed", "rejected", "not_sent", "undecided"]
FindingCode: TypeAlias = Literal[
    "not_base64",
    "wrong_length",
    "key_mismatch",
    "unknown_key",
    "wrong_algorithm",
    "wrong_order",
    "separators",
    "amount_text",
    "msisdn_text",
    "wrong_field",
    "missing_value",
    "unknown",
]
RejectionKind: TypeAlias = Literal[
    "invalid_request",
    "duplicate_reference",
    "unauthorized",
    "invalid_signature",
    "not_found",
    "telco_not_authorized",
    "push_failed",
    "service_error",
    "transaction_not_found",
    "rate_limited",
    "server_error",
    "invalid_response",
    "unknown",
]
FailureReason: TypeAlias = Literal[
    "insufficient_funds",
    "subscriber_busy",
    "expired",
    "push_not_sent",
    "cancelled",
    "timeout",
    "wrong_pin",
    "provider_error",
    "unknown",
]

_Bytes: TypeAlias = Union[bytes, bytearray, str]

# ---------------------------------------------------------------- constants

STK_PUSH_PATH: str
STATUS_PATH_PREFIX: str
TOKEN_PATH: str
SIGNATURE_HINT: str
MIN_CALLBACK_SECRET_BYTES: int
MIN_KEY_BITS: int
MAX_KEY_BITS: int
#: The largest private (signing) key, in bits; every signing backend stops there.
MAX_PRIVATE_KEY_BITS: int
#: The signing backend compiled into this wheel: "aws-lc-rs" (the default), "ring" or "rsa".
SIGNER_BACKEND: str
#: True for the constant-time native backends, False for the blinded pure-Rust "rsa".
SIGNER_IS_CONSTANT_TIME: bool
DEFAULT_TOKEN_LIFETIME: timedelta
#: East Africa Time (UTC+03:00), the offset of M-Pesa and IPN times.
EAT: timezone
#: Every validation problem code, in declaration order.
PROBLEM_CODES: Tuple[str, ...]
#: Every signature doctor finding code, in the order findings are reported.
FINDING_CODES: Tuple[FindingCode, ...]
#: The version written into saved flows (``PaymentFlow.to_json``).
FLOW_STATE_VERSION: int

# ---------------------------------------------------------------- errors

class Problem(NamedTuple):
    """One validation problem: the field path, a stable code, and a message."""

    field: str
    code: str
    message: str

class JengaError(Exception):
    """Any error of jenga_stk: ``code`` is stable, ``field`` names the field at fault."""

    code: str
    field: Optional[str]
    def __init__(self, message: str, *, code: str, field: Optional[str] = None) -> None: ...

class ValidationError(JengaError, ValueError):
    """The input is invalid; ``problems`` lists every problem, in field order."""

    problems: Tuple[Problem, ...]
    def __init__(
        self,
        message: str,
        *,
        code: str = "validation_failed",
        field: Optional[str] = None,
        problems: Tuple[Problem, ...] = (),
    ) -> None: ...

class KeyLoadError(JengaError):
    """A private or public key cannot be used (``key_*`` codes)."""

class SignatureError(JengaError):
    """A signature is malformed, does not verify, or could not be made."""

class ParseError(JengaError):
    """The peer sent something unusable; ``field`` is the JSON path, when known."""

class AuthenticationError(JengaError):
    """A callback or IPN failed authentication: treat it as forged."""

class ProviderRejectedError(JengaError):
    """The provider refused a request; ``rejection`` says what to do next."""

    rejection: Rejection
    def __init__(
        self,
        message: str,
        *,
        code: str = "provider_rejected",
        field: Optional[str] = None,
        rejection: Rejection,
    ) -> None: ...

class FlowError(JengaError):
    """A ``PaymentFlow`` was misused (``flow_busy``, ``flow_idle``,
    ``flow_not_this_payment``) or a saved flow is not one (``flow_state_invalid``)."""

class PaymentNotStartedError(JengaError):
    """``start_payment`` ended with nothing reaching the customer
    (``payment_rejected``, ``payment_not_sent``)."""

    outcome: Outcome
    order_reference: str
    def __init__(
        self,
        message: str,
        *,
        code: str,
        field: Optional[str] = None,
        outcome: Outcome,
        order_reference: str,
    ) -> None: ...
    @property
    def rejection(self) -> Optional[Rejection]: ...
    @property
    def transport_failure(self) -> Optional[str]: ...

class TransportError(JengaError):
    """A request got no HTTP answer (``connect_failed``, ``timeout``, ``connection_lost``)."""

    @property
    def failure(self) -> str: ...

# ---------------------------------------------------------------- settings

@final
class Limits:
    """Limits applied to every body received from the peer, before parsing."""

    def __new__(
        cls, *, max_body_bytes: Optional[int] = None, max_depth: Optional[int] = None
    ) -> Limits: ...
    @property
    def max_body_bytes(self) -> int: ...
    @property
    def max_depth(self) -> int: ...
    def __eq__(self, other: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

@final
class RequestOptions:
    """How amounts and phone numbers are written; ``None`` keeps the default."""

    def __new__(
        cls,
        *,
        amount_decimals: Optional[AmountDecimals] = None,
        amount_encoding: Optional[AmountEncoding] = None,
        phone_format: Optional[PhoneFormat] = None,
        max_amount: Optional[AmountInput] = None,
        max_reference_length: Optional[int] = None,
        max_description_length: Optional[int] = None,
    ) -> RequestOptions: ...
    @staticmethod
    def from_json(json: _Bytes) -> RequestOptions: ...
    @property
    def amount_decimals(self) -> AmountDecimals: ...
    @property
    def amount_encoding(self) -> AmountEncoding: ...
    @property
    def phone_format(self) -> PhoneFormat: ...
    @property
    def max_amount(self) -> Optional[Decimal]: ...
    @property
    def max_reference_length(self) -> int: ...
    @property
    def max_description_length(self) -> int: ...
    def __eq__(self, other: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

# ---------------------------------------------------------------- request

@final
class Environment:
    """Where the provider's API lives: ``"uat"``, ``"live"`` or a base URL."""

    UAT: ClassVar[Environment]
    LIVE: ClassVar[Environment]
    def __new__(cls, name_or_base_url: str) -> Environment: ...
    @staticmethod
    def parse(text: str) -> Environment: ...
    @staticmethod
    def custom(base_url: str) -> Environment: ...
    @property
    def kind(self) -> Literal["uat", "live", "custom"]: ...
    @property
    def base_url(self) -> str: ...
    def url(self, path: str) -> str: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class AccessToken:
    """A bearer access token; its ``repr`` never shows it."""

    def __new__(cls, token: str) -> AccessToken: ...
    def expose(self) -> str: ...

@final
class Signature:
    """An RSA-SHA256 signature as standard padded Base64."""

    @staticmethod
    def from_base64(text: str) -> Signature: ...
    @staticmethod
    def from_bytes(data: _Bytes) -> Signature: ...
    @property
    def base64(self) -> str: ...
    def to_bytes(self) -> bytes: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class Signer:
    """Signs with an RSA private key (PKCS#1 v1.5, SHA-256; the backend is
    ``SIGNER_BACKEND``). The key is never shown; its memory is zeroed when the
    signer is collected."""

    @staticmethod
    def from_pem(pem: _Bytes) -> Signer: ...
    @property
    def bits(self) -> int: ...
    def sign(self, message: _Bytes) -> Signature: ...
    def verifier(self) -> Verifier: ...
    def to_pkcs8_der(self) -> bytes: ...

@final
class Verifier:
    """Verifies RSA-SHA256 (PKCS#1 v1.5) signatures with a public key."""

    @staticmethod
    def from_pem(pem: _Bytes) -> Verifier: ...
    @property
    def bits(self) -> int: ...
    def verify(self, message: _Bytes, signature: Union[Signature, str]) -> None: ...

@final
class StkPush:
    """A validated STK push request: its body and signing string are fixed."""

    def __new__(
        cls,
        *,
        order_reference: str,
        order_amount: AmountInput,
        order_currency: str,
        country_code: str,
        description: str,
        customer_name: str,
        customer_email: str,
        customer_phone_number: str,
        customer_identity_number: str,
        payment_reference: str,
        payment_currency: str,
        callback_url: str,
        msisdn: str,
        payment_amount: AmountInput,
        source: Optional[str] = None,
        customer_first_address: Optional[str] = None,
        customer_second_address: Optional[str] = None,
        channel: Optional[str] = None,
        service: Optional[str] = None,
        provider: Optional[str] = None,
        options: Optional[RequestOptions] = None,
    ) -> StkPush: ...
    @staticmethod
    def from_json(request: _Bytes, options: Optional[RequestOptions] = None) -> StkPush: ...
    @property
    def body(self) -> bytes: ...
    @property
    def signing_string(self) -> str: ...
    @property
    def country(self) -> str: ...
    @property
    def order_reference(self) -> str: ...
    @property
    def payment_reference(self) -> str: ...
    @property
    def order_amount(self) -> Decimal: ...
    @property
    def payment_amount(self) -> Decimal: ...
    @property
    def currency(self) -> str: ...
    @property
    def msisdn(self) -> str: ...
    @property
    def callback_url(self) -> str: ...
    @property
    def customer_name(self) -> str: ...
    def sign(self, signer: Signer) -> SignedStkPush: ...
    def with_signature(self, signature: Union[Signature, str]) -> SignedStkPush: ...
    def __eq__(self, other: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

@final
class SignedStkPush:
    """A validated request with its signature: everything needed to send it."""

    @property
    def push(self) -> StkPush: ...
    @property
    def signature(self) -> Signature: ...
    def verify(self, verifier: Verifier) -> None: ...
    def http_request(
        self, environment: Union[Environment, str], access_token: Union[AccessToken, str]
    ) -> HttpRequest: ...
    def __eq__(self, other: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

@final
class HttpRequest:
    """A complete HTTP request as a plain value, for ``requests`` or ``httpx``."""

    @property
    def method(self) -> Literal["GET", "POST"]: ...
    @property
    def url(self) -> str: ...
    @property
    def headers(self) -> dict[str, str]: ...
    @property
    def body(self) -> bytes: ...
    @property
    def body_is_secret(self) -> bool: ...
    def header(self, name: str) -> Optional[str]: ...
    def to_redacted_string(self) -> str: ...
    def __eq__(self, other: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

def signing_string_of_body(body: _Bytes, *, limits: Optional[Limits] = None) -> str: ...

# ---------------------------------------------------------------- responses

@final
class Rejection:
    """A refusal by the provider (or an unreadable answer), with its code kept
    and what to do next."""

    @property
    def http_status(self) -> int: ...
    @property
    def provider_code(self) -> Optional[str]: ...
    @property
    def message(self) -> Optional[str]: ...
    @property
    def error_code(self) -> Optional[str]: ...
    @property
    def kind(self) -> RejectionKind: ...
    @property
    def action(self) -> NextAction: ...
    @property
    def body_excerpt(self) -> Optional[str]: ...
    @property
    def hint(self) -> str: ...
    def __eq__(self, other: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

@final
class InitAccepted:
    """The provider accepted an STK push initiation."""

    @property
    def code(self) -> str: ...
    @property
    def message(self) -> Optional[str]: ...
    @property
    def invoice_number(self) -> Optional[str]: ...
    @property
    def amount(self) -> Optional[Decimal]: ...
    @property
    def charge(self) -> Optional[Decimal]: ...
    @property
    def amount_debited(self) -> Optional[Decimal]: ...
    @property
    def payment_reference(self) -> Optional[str]: ...
    @property
    def order_reference(self) -> Optional[str]: ...
    def __eq__(self, other: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

def classify_init_response(
    status: int, body: _Bytes, *, limits: Optional[Limits] = None
) -> Union[InitAccepted, Rejection]: ...
def advise_transport_failure(endpoint: Endpoint, failure: TransportFailure) -> NextAction: ...

# ---------------------------------------------------------------- tokens

@final
class Credentials:
    """The merchant's API credentials; only the merchant code is ever shown."""

    def __new__(cls, *, api_key: str, merchant_code: str, consumer_secret: str) -> Credentials: ...
    @property
    def merchant_code(self) -> str: ...
    def token_request(self, environment: Union[Environment, str]) -> HttpRequest: ...

@final
class Token:
    """A token from the provider; ``expires_at`` is on your clock."""

    @property
    def access_token(self) -> AccessToken: ...
    @property
    def refresh_token(self) -> Optional[str]: ...
    @property
    def token_type(self) -> str: ...
    @property
    def issued_at(self) -> Optional[datetime]: ...
    @property
    def provider_expires_at(self) -> Optional[datetime]: ...
    @property
    def lifetime(self) -> TokenLifetime: ...
    @property
    def received_at(self) -> datetime: ...
    @property
    def expires_at(self) -> datetime: ...
    def __eq__(self, other: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

def parse_token_response(
    status: int, body: _Bytes, *, now: datetime, limits: Optional[Limits] = None
) -> Union[Token, Rejection]: ...
@final
class TokenState:
    """Holds the current token and says when to refresh it; thread-safe."""

    DEFAULT_MARGIN: ClassVar[timedelta]
    def __new__(
        cls,
        environment: Union[Environment, str],
        credentials: Credentials,
        *,
        margin: Optional[timedelta] = None,
    ) -> TokenState: ...
    def next_action(self, now: datetime) -> Union[AccessToken, HttpRequest]: ...
    def on_response(
        self, status: int, body: _Bytes, *, now: datetime, limits: Optional[Limits] = None
    ) -> Token: ...
    @property
    def token(self) -> Optional[Token]: ...
    def invalidate(self) -> None: ...

# ---------------------------------------------------------------- order status

def order_status_request(
    environment: Union[Environment, str],
    access_token: Union[AccessToken, str],
    order_reference: str,
    *,
    signature: Union[Signer, Signature, str, None] = None,
) -> HttpRequest: ...
@final
class Order:
    """The order as the status query reports it."""

    @property
    def order_reference(self) -> str: ...
    @property
    def order_amount(self) -> Decimal: ...
    @property
    def amount_paid(self) -> Decimal: ...
    @property
    def status(self) -> str: ...
    @property
    def created_on(self) -> Optional[datetime]: ...
    def __eq__(self, other: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

@final
class Invoice:
    """One payment attempt (invoice) of the order."""

    @property
    def amount(self) -> Optional[Decimal]: ...
    @property
    def amount_debited(self) -> Optional[Decimal]: ...
    @property
    def charge(self) -> Optional[Decimal]: ...
    @property
    def status(self) -> str: ...
    @property
    def order_reference(self) -> Optional[str]: ...
    @property
    def mpesa_receipt(self) -> Optional[str]: ...
    @property
    def created_on(self) -> Optional[datetime]: ...
    @property
    def completed_on(self) -> Optional[datetime]: ...
    def __eq__(self, other: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

@final
class OrderStatus:
    """A found order and its invoices."""

    @property
    def order(self) -> Order: ...
    @property
    def invoices(self) -> Tuple[Invoice, ...]: ...
    def __eq__(self, other: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

@final
class OrderNotFound:
    """The provider's ``111102``: no transaction with this reference."""

    @property
    def message(self) -> Optional[str]: ...
    def __eq__(self, other: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

def parse_status_response(
    status: int, body: _Bytes, *, limits: Optional[Limits] = None
) -> Union[OrderStatus, OrderNotFound, Rejection]: ...

# ---------------------------------------------------------------- callbacks

@final
class CallbackPayment:
    """A successful payment as the callback reports it."""

    @property
    def mpesa_receipt(self) -> str: ...
    @property
    def amount(self) -> Decimal: ...
    @property
    def phone_number(self) -> Optional[str]: ...
    @property
    def transaction_date(self) -> Optional[datetime]: ...
    @property
    def balance(self) -> Optional[Decimal]: ...
    def __eq__(self, other: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

@final
class CallbackFailure:
    """A failed payment as the callback reports it."""

    @property
    def reason(self) -> FailureReason: ...
    def __eq__(self, other: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

@final
class StkCallback:
    """A parsed (unsigned) callback to ``payment.callbackUrl``."""

    @property
    def transaction_reference(self) -> str: ...
    @property
    def merchant_request_id(self) -> Optional[str]: ...
    @property
    def checkout_request_id(self) -> Optional[str]: ...
    @property
    def result_code(self) -> int: ...
    @property
    def result_desc(self) -> Optional[str]: ...
    @property
    def outcome(self) -> Union[CallbackPayment, CallbackFailure]: ...
    def to_json(self) -> bytes: ...
    def __eq__(self, other: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

def parse_callback(body: _Bytes, *, limits: Optional[Limits] = None) -> StkCallback: ...
@final
class CallbackRefs:
    """The references a verified callback URL was made for."""

    @property
    def order_reference(self) -> str: ...
    @property
    def payment_reference(self) -> str: ...
    def __eq__(self, other: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

@final
class CallbackUrls:
    """Makes and checks per-payment callback URLs (HMAC-SHA256 token)."""

    def __new__(cls, secret: _Bytes) -> CallbackUrls: ...
    def token(self, order_reference: str, payment_reference: str) -> str: ...
    def callback_url(self, base_url: str, order_reference: str, payment_reference: str) -> str: ...
    def verify_url(self, url: str) -> CallbackRefs: ...
    def verify_callback(
        self, url: str, body: _Bytes, *, limits: Optional[Limits] = None
    ) -> Tuple[CallbackRefs, StkCallback]: ...

# ---------------------------------------------------------------- IPN

@final
class IpnCustomer:
    """``customer.*`` of an IPN."""

    @property
    def name(self) -> Optional[str]: ...
    @property
    def mobile_number(self) -> Optional[str]: ...
    @property
    def reference(self) -> Optional[str]: ...
    def __eq__(self, other: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

@final
class IpnTransaction:
    """``transaction.*`` of an IPN."""

    @property
    def date(self) -> Optional[datetime]: ...
    @property
    def reference(self) -> str: ...
    @property
    def payment_mode(self) -> Optional[str]: ...
    @property
    def amount(self) -> Decimal: ...
    @property
    def currency(self) -> Optional[str]: ...
    @property
    def service_charge(self) -> Optional[Decimal]: ...
    @property
    def bill_number(self) -> Optional[str]: ...
    @property
    def served_by(self) -> Optional[str]: ...
    @property
    def additional_info(self) -> Optional[str]: ...
    @property
    def order_amount(self) -> Optional[Decimal]: ...
    @property
    def order_currency(self) -> Optional[str]: ...
    @property
    def status(self) -> str: ...
    @property
    def remarks(self) -> Optional[str]: ...
    def __eq__(self, other: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

@final
class IpnBank:
    """``bank.*`` of an IPN."""

    @property
    def reference(self) -> Optional[str]: ...
    @property
    def transaction_type(self) -> Optional[str]: ...
    @property
    def account(self) -> Optional[str]: ...
    def __eq__(self, other: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

@final
class Ipn:
    """A parsed IPN; drop redeliveries by ``dedupe_key``."""

    @property
    def callback_type(self) -> str: ...
    @property
    def customer(self) -> IpnCustomer: ...
    @property
    def transaction(self) -> IpnTransaction: ...
    @property
    def bank(self) -> Optional[IpnBank]: ...
    @property
    def dedupe_key(self) -> str: ...
    @property
    def order_reference(self) -> Optional[str]: ...
    def to_json(self) -> bytes: ...
    def __eq__(self, other: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

def parse_ipn(body: _Bytes, *, limits: Optional[Limits] = None) -> Ipn: ...
@final
class IpnAuth:
    """The IPN's Basic-auth credentials, compared in constant time, never shown."""

    def __new__(cls, *, username: str, password: str) -> IpnAuth: ...
    def verify(self, authorization: Optional[str]) -> None: ...
    def authorization_header(self) -> str: ...

# ---------------------------------------------------------------- reconcile

@final
class Conflict:
    """One disagreement between the sources."""

    @property
    def kind(self) -> ConflictKind: ...
    @property
    def sources(self) -> Tuple[EvidenceSource, ...]: ...
    @property
    def description(self) -> str: ...
    def __eq__(self, other: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

@final
class Reconciliation:
    """The decision: state, which source decided, whether it is confirmed."""

    @property
    def state(self) -> PaymentState: ...
    @property
    def decided_by(self) -> Optional[EvidenceSource]: ...
    @property
    def confirmed(self) -> bool: ...
    @property
    def mpesa_receipt(self) -> Optional[str]: ...
    @property
    def amount_paid(self) -> Optional[Decimal]: ...
    @property
    def currency_paid(self) -> Optional[str]: ...
    @property
    def currency_confirmed(self) -> bool: ...
    @property
    def conflicts(self) -> Tuple[Conflict, ...]: ...
    @property
    def needs_review(self) -> bool: ...
    def __eq__(self, other: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

def reconcile(
    *,
    order_reference: str,
    amount: Optional[AmountInput] = None,
    currency: Optional[str] = None,
    callback: Optional[StkCallback] = None,
    ipns: Sequence[Ipn] = ...,
    status: Optional[OrderStatus] = None,
) -> Reconciliation: ...

# ---------------------------------------------------------------- the payment flow

@final
class SharedTokens:
    """The token state every payment of one client shares; thread-safe."""

    def __new__(
        cls,
        environment: Union[Environment, str],
        credentials: Credentials,
        *,
        margin: Optional[timedelta] = None,
    ) -> SharedTokens: ...
    @property
    def environment(self) -> Environment: ...
    @property
    def has_token(self) -> bool: ...
    def grant(self, now: datetime, lease: timedelta) -> Union[AccessToken, HttpRequest, None]: ...
    def on_refresh_response(
        self, status: int, body: _Bytes, *, now: datetime, limits: Optional[Limits] = None
    ) -> Union[Token, Rejection]: ...
    def on_refresh_failed(self) -> None: ...
    def invalidate(self, used: AccessToken) -> None: ...

@final
class RetryPolicy:
    """Retries, backoff with jitter, the polling schedule, timeouts, the deadline."""

    def __new__(
        cls,
        *,
        max_pushes: Optional[int] = None,
        max_retries: Optional[int] = None,
        initial_backoff: Optional[timedelta] = None,
        max_backoff: Optional[timedelta] = None,
        confirm_delay: Optional[timedelta] = None,
        first_poll: Optional[timedelta] = None,
        max_poll_interval: Optional[timedelta] = None,
        timeout: Optional[timedelta] = None,
        request_timeout: Optional[timedelta] = None,
        token_wait: Optional[timedelta] = None,
    ) -> RetryPolicy: ...
    @property
    def max_pushes(self) -> int: ...
    @property
    def max_retries(self) -> int: ...
    @property
    def initial_backoff(self) -> timedelta: ...
    @property
    def max_backoff(self) -> timedelta: ...
    @property
    def confirm_delay(self) -> timedelta: ...
    @property
    def first_poll(self) -> timedelta: ...
    @property
    def max_poll_interval(self) -> timedelta: ...
    @property
    def timeout(self) -> timedelta: ...
    @property
    def request_timeout(self) -> timedelta: ...
    @property
    def token_wait(self) -> timedelta: ...
    def backoff(self, retry: int, random: int) -> timedelta: ...
    def poll_interval(self, polls: int) -> timedelta: ...
    def __eq__(self, other: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

@final
class FlowContext:
    """What a flow needs besides the push (given again on restore)."""

    def __new__(
        cls,
        tokens: SharedTokens,
        *,
        callback_urls: Optional[CallbackUrls] = None,
        limits: Optional[Limits] = None,
    ) -> FlowContext: ...
    @property
    def tokens(self) -> SharedTokens: ...
    @property
    def callback_urls(self) -> Optional[CallbackUrls]: ...
    @property
    def limits(self) -> Limits: ...

@final
class FlowRequest:
    """One request the flow asks for, with its endpoint and whole-request timeout."""

    @property
    def endpoint(self) -> Endpoint: ...
    @property
    def http(self) -> HttpRequest: ...
    @property
    def timeout(self) -> timedelta: ...
    def __eq__(self, other: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

@final
class Send:
    """``poll``: send this request now."""

    __match_args__: ClassVar[Tuple[Literal["request"]]]
    @property
    def request(self) -> FlowRequest: ...
    def __eq__(self, other: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

@final
class Wait:
    """``poll``: nothing to do before ``until``."""

    __match_args__: ClassVar[Tuple[Literal["until"]]]
    @property
    def until(self) -> datetime: ...
    def __eq__(self, other: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

@final
class Done:
    """``poll``: the flow has ended."""

    __match_args__: ClassVar[Tuple[Literal["outcome"]]]
    @property
    def outcome(self) -> Outcome: ...
    def __eq__(self, other: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

Action: TypeAlias = Union[Send, Wait, Done]

@final
class Outcome:
    """How a payment flow ended."""

    @property
    def kind(self) -> OutcomeKind: ...
    @property
    def reconciliation(self) -> Reconciliation: ...
    @property
    def rejection(self) -> Optional[Rejection]: ...
    @property
    def transport_failure(self) -> Optional[TransportFailure]: ...
    @property
    def payment_references(self) -> Tuple[str, ...]: ...
    def __eq__(self, other: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

@final
class PaymentFlow:
    """The core's sans-IO payment flow for one STK push; thread-safe."""

    def __new__(
        cls,
        push: SignedStkPush,
        context: FlowContext,
        *,
        seed: int,
        now: datetime,
        policy: Optional[RetryPolicy] = None,
        status_signature: Union[Signature, str, None] = None,
    ) -> PaymentFlow: ...
    def poll(self, now: datetime) -> Action: ...
    def handle_response(self, now: datetime, status: int, retry_after: Optional[str], body: _Bytes) -> None: ...
    def handle_transport_failure(self, now: datetime, failure: TransportFailure) -> None: ...
    def handle_callback(self, callback: StkCallback) -> None: ...
    def handle_ipn(self, ipn: Ipn) -> None: ...
    def check_status(self) -> None: ...
    @property
    def outcome(self) -> Optional[Outcome]: ...
    @property
    def phase(self) -> Phase: ...
    @property
    def accepted(self) -> Optional[InitAccepted]: ...
    @property
    def push_known(self) -> bool: ...
    @property
    def order_reference(self) -> str: ...
    @property
    def payment_reference(self) -> str: ...
    @property
    def payment_references(self) -> Tuple[str, ...]: ...
    @property
    def deadline(self) -> datetime: ...
    @property
    def reconciliation(self) -> Reconciliation: ...
    def to_json(self) -> str: ...
    @staticmethod
    def from_json(json: _Bytes, context: FlowContext) -> PaymentFlow: ...

# ---------------------------------------------------------------- one status query

@final
class QueryDone:
    """``StatusQuery.poll``: the query has ended, with the provider's answer or without one."""

    __match_args__: ClassVar[Tuple[Literal["response"], Literal["transport_failure"]]]
    @property
    def response(self) -> Union[OrderStatus, OrderNotFound, Rejection, None]: ...
    @property
    def transport_failure(self) -> Optional[TransportFailure]: ...
    def __eq__(self, other: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

QueryAction: TypeAlias = Union[Send, Wait, QueryDone]

@final
class StatusQuery:
    """The core's sans-IO status query for one order; thread-safe."""

    def __new__(
        cls,
        order_reference: str,
        tokens: SharedTokens,
        *,
        seed: int,
        policy: Optional[RetryPolicy] = None,
        status_signature: Union[Signature, str, None] = None,
        limits: Optional[Limits] = None,
    ) -> StatusQuery: ...
    @property
    def order_reference(self) -> str: ...
    def poll(self, now: datetime) -> QueryAction: ...
    def handle_response(self, now: datetime, status: int, retry_after: Optional[str], body: _Bytes) -> None: ...
    def handle_transport_failure(self, now: datetime, failure: TransportFailure) -> None: ...

# ---------------------------------------------------------------- the signature doctor

@final
class KeyInfo:
    """A public key as the doctor saw it: size and SHA-256 fingerprint."""

    @property
    def bits(self) -> int: ...
    @property
    def fingerprint(self) -> str: ...
    def __eq__(self, other: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

@final
class Finding:
    """One reason the provider refuses the signature."""

    @property
    def code(self) -> FindingCode: ...
    @property
    def message(self) -> str: ...
    @property
    def fix(self) -> str: ...
    @property
    def signed_text(self) -> Optional[str]: ...
    def __eq__(self, other: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

@final
class Diagnosis:
    """The doctor's answer; ``str()`` is the human report."""

    @property
    def ok(self) -> bool: ...
    @property
    def findings(self) -> Tuple[Finding, ...]: ...
    @property
    def codes(self) -> Tuple[FindingCode, ...]: ...
    @property
    def signing_string(self) -> str: ...
    @property
    def signed_text(self) -> Optional[str]: ...
    @property
    def registered_key(self) -> KeyInfo: ...
    @property
    def signing_key(self) -> Optional[KeyInfo]: ...
    @property
    def algorithm(self) -> Optional[str]: ...
    @property
    def notes(self) -> Tuple[str, ...]: ...
    def __eq__(self, other: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

def diagnose_signature(
    body: _Bytes,
    signature_header: _Bytes,
    registered_public_key_pem: _Bytes,
    private_key_pem: Optional[_Bytes] = None,
) -> Diagnosis: ...

# ---------------------------------------------------------------- the clients (plain Python)

from ._async_client import AsyncClient as AsyncClient
from ._async_client import AsyncPayment as AsyncPayment
from ._client import Client as Client
from ._client import Payment as Payment
from ._setup import ProviderAnswer as ProviderAnswer
from ._setup import PushSigner as PushSigner

__all__ = [
    "AccessToken",
    "Action",
    "AmountDecimals",
    "AmountEncoding",
    "AmountInput",
    "AsyncClient",
    "AsyncPayment",
    "AuthenticationError",
    "CallbackFailure",
    "CallbackPayment",
    "CallbackRefs",
    "CallbackUrls",
    "Client",
    "Conflict",
    "ConflictKind",
    "Credentials",
    "DEFAULT_TOKEN_LIFETIME",
    "Diagnosis",
    "Done",
    "EAT",
    "Endpoint",
    "Environment",
    "EvidenceSource",
    "FINDING_CODES",
    "FLOW_STATE_VERSION",
    "FailureReason",
    "Finding",
    "FindingCode",
    "FlowContext",
    "FlowError",
    "FlowRequest",
    "HttpRequest",
    "InitAccepted",
    "Invoice",
    "Ipn",
    "IpnAuth",
    "IpnBank",
    "IpnCustomer",
    "IpnTransaction",
    "JengaError",
    "KeyInfo",
    "KeyLoadError",
    "Limits",
    "MAX_KEY_BITS",
    "MAX_PRIVATE_KEY_BITS",
    "MIN_CALLBACK_SECRET_BYTES",
    "MIN_KEY_BITS",
    "NextAction",
    "Order",
    "OrderNotFound",
    "OrderStatus",
    "Outcome",
    "OutcomeKind",
    "PROBLEM_CODES",
    "ParseError",
    "Payment",
    "PaymentFlow",
    "PaymentNotStartedError",
    "PaymentState",
    "Phase",
    "PhoneFormat",
    "Problem",
    "ProviderAnswer",
    "ProviderRejectedError",
    "PushSigner",
    "QueryAction",
    "QueryDone",
    "Reconciliation",
    "Rejection",
    "RejectionKind",
    "RequestOptions",
    "RetryPolicy",
    "SIGNATURE_HINT",
    "SIGNER_BACKEND",
    "SIGNER_IS_CONSTANT_TIME",
    "STATUS_PATH_PREFIX",
    "STK_PUSH_PATH",
    "Send",
    "SharedTokens",
    "Signature",
    "SignatureError",
    "SignedStkPush",
    "Signer",
    "StatusQuery",
    "StkCallback",
    "StkPush",
    "TOKEN_PATH",
    "Token",
    "TokenLifetime",
    "TokenState",
    "TransportError",
    "TransportFailure",
    "ValidationError",
    "Verifier",
    "Wait",
    "__version__",
    "advise_transport_failure",
    "classify_init_response",
    "diagnose_signature",
    "order_status_request",
    "parse_callback",
    "parse_ipn",
    "parse_status_response",
    "parse_token_response",
    "reconcile",
    "signing_string_of_body",
]
