"""The exceptions of jenga_stk.

Every error has a stable machine ``code`` (``snake_case``, never changed once
published) and, when it is about one field, its ``field`` path in the
provider's JSON (``payment.details.msisdn``, ``data.Body.stkCallback.ResultCode``).
Match on ``code``, never on the message: messages are for humans. No message
ever contains a secret.

``JengaError``
    ``ValidationError`` (also a ``ValueError``): the caller's input is invalid;
    ``problems`` lists every problem at once.
    ``KeyLoadError``: a private or public key cannot be used (``key_*``).
    ``SignatureError``: a signature is malformed or does not verify.
    ``ParseError``: the peer (the provider, a callback sender) sent something
    unusable (``not_json``, ``missing_field``, …).
    ``AuthenticationError``: a callback or IPN failed authentication; treat it
    as forged.
    ``ProviderRejectedError``: the provider refused; ``rejection`` says what to do.
    ``FlowError``: a ``PaymentFlow`` was misused (``flow_busy``, ``flow_idle``,
    ``flow_not_this_payment``) or a saved flow is not one (``flow_state_invalid``).
    ``PaymentNotStartedError``: ``Client.start_payment`` ended with nothing
    reaching the customer (``payment_rejected``, ``payment_not_sent``).
    ``TransportError``: a ``Client`` call got no HTTP answer (``connect_failed``,
    ``timeout``, ``connection_lost``).

The native module creates these; they are plain Python classes so that
``ValidationError`` can derive from both ``JengaError`` and ``ValueError``.
"""

from __future__ import annotations

# `typing` as a module (not names from it), so that mypy.stubtest, which
# reads this file as its own stub, finds only this module's classes here.
import typing

if typing.TYPE_CHECKING:  # pragma: no cover
    from . import Outcome as _Outcome
    from . import Rejection as _Rejection

__all__ = [
    "Problem",
    "JengaError",
    "ValidationError",
    "KeyLoadError",
    "SignatureError",
    "ParseError",
    "AuthenticationError",
    "ProviderRejectedError",
    "FlowError",
    "PaymentNotStartedError",
    "TransportError",
]


class Problem(typing.NamedTuple):
    """One validation problem: the field path, a stable code, and a message."""

    field: str
    code: str
    message: str


def _restore(
    cls: "typing.Type[JengaError]", args: typing.Tuple[typing.Any, ...], state: typing.Dict[str, typing.Any]
) -> "JengaError":
    error = cls.__new__(cls, *args)
    Exception.__init__(error, *args)
    error.__dict__.update(state)
    return error


class JengaError(Exception):
    """Any error of jenga_stk: ``code`` is stable, ``field`` names the field at fault."""

    code: str
    field: typing.Optional[str]

    def __init__(self, message: str, *, code: str, field: typing.Optional[str] = None) -> None:
        super().__init__(message)
        self.code = code
        self.field = field

    def __reduce__(self) -> typing.Tuple[typing.Any, ...]:
        return (_restore, (type(self), self.args, dict(self.__dict__)))


class ValidationError(JengaError, ValueError):
    """The input is invalid; ``problems`` lists every problem, in field order."""

    problems: typing.Tuple[Problem, ...]

    def __init__(
        self,
        message: str,
        *,
        code: str = "validation_failed",
        field: typing.Optional[str] = None,
        problems: typing.Tuple[Problem, ...] = (),
    ) -> None:
        super().__init__(message, code=code, field=field)
        self.problems = tuple(problems)


class KeyLoadError(JengaError):
    """A key cannot be used: ``key_invalid``, ``key_is_public``, ``key_is_private``,
    ``key_encrypted``, ``key_unsupported`` or ``key_too_small``."""


class SignatureError(JengaError):
    """``invalid_signature_encoding``, ``signature_mismatch`` or ``signing_failed``."""


class ParseError(JengaError):
    """The peer sent something unusable; ``field`` is the JSON path, when known."""


class AuthenticationError(JengaError):
    """A callback or IPN failed authentication: treat it as forged."""


class ProviderRejectedError(JengaError):
    """The provider refused a request; ``rejection`` keeps its code and says what to do."""

    rejection: "_Rejection"

    def __init__(
        self,
        message: str,
        *,
        code: str = "provider_rejected",
        field: typing.Optional[str] = None,
        rejection: "_Rejection",
    ) -> None:
        super().__init__(message, code=code, field=field)
        self.rejection = rejection


class FlowError(JengaError):
    """A ``PaymentFlow`` was misused: ``flow_busy`` (a request awaits its
    answer), ``flow_idle`` (no request awaits one), ``flow_not_this_payment``
    (a callback or IPN of another payment); or ``flow_state_invalid`` (the
    text is not a saved flow of this version)."""


class PaymentNotStartedError(JengaError):
    """``Client.start_payment`` ended with nothing reaching the customer:
    ``payment_rejected`` (the provider refused the push: ``rejection`` says
    why and what to do) or ``payment_not_sent`` (the provider could not be
    reached: ``transport_failure``, or the token ``rejection``). ``outcome``
    is the flow's ``Outcome``. A new attempt may be made (fix the cause first)."""

    outcome: "_Outcome"
    order_reference: str

    def __init__(
        self,
        message: str,
        *,
        code: str,
        field: typing.Optional[str] = None,
        outcome: "_Outcome",
        order_reference: str,
    ) -> None:
        super().__init__(message, code=code, field=field)
        self.outcome = outcome
        self.order_reference = order_reference

    @property
    def rejection(self) -> "typing.Optional[_Rejection]":
        """The provider's refusal (for ``payment_rejected``), or the last one seen."""
        return self.outcome.rejection

    @property
    def transport_failure(self) -> typing.Optional[str]:
        """The last request that got no answer (``connect_failed``, ``timeout``,
        ``connection_lost``), or ``None``."""
        return self.outcome.transport_failure


class TransportError(JengaError):
    """A request got no HTTP answer; ``code`` (and ``failure``) is
    ``connect_failed`` (nothing was sent), ``timeout`` or ``connection_lost``."""

    @property
    def failure(self) -> str:
        """The same as ``code``: ``connect_failed``, ``timeout`` or ``connection_lost``."""
        return self.code


# Shown (and pickled) under their public name.
for _cls in (
    Problem,
    JengaError,
    ValidationError,
    KeyLoadError,
    SignatureError,
    ParseError,
    AuthenticationError,
    ProviderRejectedError,
    FlowError,
    PaymentNotStartedError,
    TransportError,
):
    _cls.__module__ = "jenga_stk"
del _cls
