"""jenga_stk: the Jenga (Finserve / Equity Bank) M-Pesa STK push API.

``Client`` (blocking) and ``AsyncClient`` (asyncio) take a payment from the
push to its outcome over httpx (``pip install 'jenga-stk[httpx]'``):
``client.start_payment(...)`` then ``payment.wait()``. They only move bytes:
every decision is the core's payment flow (``PaymentFlow``) or status query
(``StatusQuery``), which you can also drive yourself.

Underneath, everything is sans-IO: build and sign the STK push, get it back
as a plain HTTP request, and read every answer: tokens, the init response,
order status, the ``callbackUrl`` callback (authenticated by a token in its
URL), the IPN (Basic auth), and the reconciled decision. No sockets, no
clock: you send the requests and pass ``now``. ``diagnose_signature`` says
why the provider refuses a signature.

Money is ``decimal.Decimal`` (``int`` and ``str`` are accepted in; ``float``
is refused). Times are timezone-aware ``datetime``s. Results are immutable.
Errors derive from ``JengaError`` and carry a stable ``code``.

The logic lives in the Rust core ``jenga-stk``; this package is its thin
binding (the native module ``jenga_stk._native``).
"""

from typing import Literal, Union
from decimal import Decimal

from ._errors import (
    AuthenticationError,
    FlowError,
    JengaError,
    KeyLoadError,
    ParseError,
    PaymentNotStartedError,
    Problem,
    ProviderRejectedError,
    SignatureError,
    TransportError,
    ValidationError,
)
from ._native import (
    DEFAULT_TOKEN_LIFETIME,
    EAT,
    FINDING_CODES,
    FLOW_STATE_VERSION,
    MAX_KEY_BITS,
    MAX_PRIVATE_KEY_BITS,
    MIN_CALLBACK_SECRET_BYTES,
    MIN_KEY_BITS,
    PROBLEM_CODES,
    SIGNATURE_HINT,
    SIGNER_BACKEND,
    SIGNER_IS_CONSTANT_TIME,
    STATUS_PATH_PREFIX,
    STK_PUSH_PATH,
    TOKEN_PATH,
    AccessToken,
    CallbackFailure,
    CallbackPayment,
    CallbackRefs,
    CallbackUrls,
    Conflict,
    Credentials,
    Diagnosis,
    Done,
    Environment,
    Finding,
    FlowContext,
    FlowRequest,
    HttpRequest,
    InitAccepted,
    Invoice,
    Ipn,
    IpnAuth,
    IpnBank,
    IpnCustomer,
    IpnTransaction,
    KeyInfo,
    Limits,
    Order,
    OrderNotFound,
    OrderStatus,
    Outcome,
    PaymentFlow,
    QueryDone,
    Reconciliation,
    Rejection,
    RequestOptions,
    RetryPolicy,
    Send,
    SharedTokens,
    Signature,
    SignedStkPush,
    Signer,
    StatusQuery,
    StkCallback,
    StkPush,
    Token,
    TokenState,
    Verifier,
    Wait,
    __version__,
    advise_transport_failure,
    classify_init_response,
    diagnose_signature,
    order_status_request,
    parse_callback,
    parse_ipn,
    parse_status_response,
    parse_token_response,
    reconcile,
    signing_string_of_body,
)

# The aliases below are unions of one-value Literals: the same types as
# Literal["a", "b"], spelled so that mypy.stubtest can match them to the stubs.

#: What an amount argument accepts: exact values only, never ``float``.
AmountInput = Union[Decimal, int, str]
#: ``RequestOptions.amount_decimals``.
AmountDecimals = Union[
    Literal["whole"],
    Literal["two"],
]
#: ``RequestOptions.amount_encoding``.
AmountEncoding = Union[
    Literal["number"],
    Literal["string"],
]
#: ``RequestOptions.phone_format``.
PhoneFormat = Union[
    Literal["as_given"],
    Literal["local"],
    Literal["international"],
]
#: ``Rejection.action``.
NextAction = Union[
    Literal["do_not_retry"],
    Literal["refresh_token_and_retry"],
    Literal["retry_with_backoff"],
    Literal["fix_signature"],
    Literal["check_status_first"],
]
#: ``Rejection.kind``.
RejectionKind = Union[
    Literal["invalid_request"],
    Literal["duplicate_reference"],
    Literal["unauthorized"],
    Literal["invalid_signature"],
    Literal["not_found"],
    Literal["telco_not_authorized"],
    Literal["push_failed"],
    Literal["service_error"],
    Literal["transaction_not_found"],
    Literal["rate_limited"],
    Literal["server_error"],
    Literal["invalid_response"],
    Literal["unknown"],
]
#: ``CallbackFailure.reason``.
FailureReason = Union[
    Literal["insufficient_funds"],
    Literal["subscriber_busy"],
    Literal["expired"],
    Literal["push_not_sent"],
    Literal["cancelled"],
    Literal["timeout"],
    Literal["wrong_pin"],
    Literal["provider_error"],
    Literal["unknown"],
]
#: ``Reconciliation.state``.
PaymentState = Union[
    Literal["paid"],
    Literal["failed"],
    Literal["pending"],
]
#: ``Reconciliation.decided_by`` and ``Conflict.sources``.
EvidenceSource = Union[
    Literal["ipn"],
    Literal["status_query"],
    Literal["callback"],
]
#: ``Conflict.kind``.
ConflictKind = Union[
    Literal["sources_disagree"],
    Literal["payments_disagree"],
    Literal["reference_mismatch"],
    Literal["amount_mismatch"],
    Literal["currency_mismatch"],
]
#: The provider's endpoint that answered (or did not): ``advise_transport_failure``.
Endpoint = Union[
    Literal["token"],
    Literal["init"],
    Literal["status"],
]
#: How a request failed without an HTTP answer: ``advise_transport_failure``.
TransportFailure = Union[
    Literal["connect_failed"],
    Literal["timeout"],
    Literal["connection_lost"],
]
#: ``Token.lifetime``: where the token's lifetime came from.
TokenLifetime = Union[
    Literal["timestamps"],
    Literal["seconds"],
    Literal["assumed"],
]
#: ``PaymentFlow.phase``.
Phase = Union[
    Literal["starting"],
    Literal["confirming"],
    Literal["waiting"],
    Literal["done"],
]
#: ``Outcome.kind``.
OutcomeKind = Union[
    Literal["paid"],
    Literal["failed"],
    Literal["rejected"],
    Literal["not_sent"],
    Literal["undecided"],
]
#: ``Finding.code`` (the signature doctor's codes, ``FINDING_CODES``).
FindingCode = Union[
    Literal["not_base64"],
    Literal["wrong_length"],
    Literal["key_mismatch"],
    Literal["unknown_key"],
    Literal["wrong_algorithm"],
    Literal["wrong_order"],
    Literal["separators"],
    Literal["amount_text"],
    Literal["msisdn_text"],
    Literal["wrong_field"],
    Literal["missing_value"],
    Literal["unknown"],
]
#: What ``PaymentFlow.poll`` answers.
Action = Union[Send, Wait, Done]
#: What ``StatusQuery.poll`` answers.
QueryAction = Union[Send, Wait, QueryDone]

# The clients are plain Python over the names above (imported last: they
# import them from this package).
from ._setup import ProviderAnswer, PushSigner  # noqa: E402
from ._client import Client, Payment  # noqa: E402
from ._async_client import AsyncClient, AsyncPayment  # noqa: E402

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
