"""A string wrapper for keys, so a secret cannot reach a log, a page, an exception or a pickle by accident.

Every key in a connection travels as a :class:`Secret`. Printing, formatting, ``repr`` and f-strings show
only the masked form; :meth:`Secret.reveal` is the one deliberate way out (for the ``stripe.StripeClient``
and the explicit ``.env`` save). Pickling raises, because a pickle (Streamlit cache, multiprocessing) is a
copy we no longer control.

Masking follows Stripe's own rule (first 8 characters, ``*`` for the middle, last 4, length preserved) for
inputs of 24 characters or more, where 12 revealed characters are a small part of the key. Shorter inputs
reveal less, see :func:`mask`.
"""

from __future__ import annotations

import hmac
import re
from typing import Any, NoReturn

__all__ = ["MAX_REVEALED", "Secret", "mask", "redact"]

#: No masked form ever shows more than this many original characters.
MAX_REVEALED = 12

# Prefixes that say what a value is but nothing secret about it; a short value may show them.
_PUBLIC_PREFIXES = (
    "pk_test_",
    "pk_live_",
    "sk_test_",
    "sk_live_",
    "rk_test_",
    "rk_live_",
    "ek_test_",
    "ek_live_",
    "whsec_",
)

# Long enough that Stripe's 8 + 4 revealed characters leave at least half the value hidden.
_STRIPE_RULE_MIN_LENGTH = 24
# A short value shows its last 4 characters only when at least this many characters after the prefix stay.
_TAIL_MIN_BODY = 16


def mask(value: str) -> str:
    """Mask ``value`` the way Stripe does, revealing at most :data:`MAX_REVEALED` characters.

    Length is always preserved (so a truncated key still *looks* truncated). The rule:

    * 24 characters or more: Stripe's rule, first 8 + ``*`` × (len − 12) + last 4.
    * shorter: only a well-known public prefix (``sk_test_``, ``whsec_``, …) stays visible, plus the last 4
      characters when at least 16 characters follow the prefix; everything else is ``*``. A short string
      that is not key-shaped (a password, a fragment) is therefore fully starred.
    """
    n = len(value)
    if n == 0:
        return ""
    if n >= _STRIPE_RULE_MIN_LENGTH:
        return value[:8] + "*" * (n - 12) + value[-4:]
    head = 0
    for prefix in _PUBLIC_PREFIXES:
        if value.startswith(prefix) and n > len(prefix):
            head = len(prefix)
            break
    body = n - head
    tail = 4 if head and body >= _TAIL_MIN_BODY else 0
    return value[:head] + "*" * (body - tail) + (value[n - tail :] if tail else "")


# Anything that looks like a Stripe credential inside free text (an error message, a log line).
_CREDENTIAL_RE = re.compile(
    r"(?:(?:sk|rk|pk|ek)_(?:test|live)_[0-9A-Za-z]+|whsec_[0-9A-Za-z+/=]+|"
    r"(?:pi|seti|cs_test|cs_live)_[0-9A-Za-z]+_secret_[0-9A-Za-z]+)"
)


def redact(text: str) -> str:
    """Mask every key-shaped token in ``text`` (for messages that may echo a key, e.g. a server error)."""
    return _CREDENTIAL_RE.sub(lambda m: mask(m.group(0)), text)


class Secret:
    """An immutable secret string whose every textual form is masked."""

    __slots__ = ("_value",)
    _value: str

    def __init__(self, value: str) -> None:
        if isinstance(value, Secret):
            value = value.reveal()
        if not isinstance(value, str):
            raise TypeError(f"Secret wraps a str, got {type(value).__name__}")
        object.__setattr__(self, "_value", value)

    def reveal(self) -> str:
        """The raw value. Call it only where the value must leave the program: the Stripe client, the .env."""
        return self._value

    @property
    def masked(self) -> str:
        return mask(self._value)

    def __repr__(self) -> str:
        return f"Secret({self.masked!r})"

    def __str__(self) -> str:
        return self.masked

    def __format__(self, format_spec: str) -> str:
        return format(self.masked, format_spec)

    def __bool__(self) -> bool:
        return bool(self._value)

    def __len__(self) -> int:
        return len(self._value)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Secret):
            return NotImplemented
        # Constant-time, so comparing a guess against a stored key leaks nothing through timing.
        # surrogatepass: a pasted value may hold lone surrogates, which plain UTF-8 cannot encode.
        mine = self._value.encode("utf-8", "surrogatepass")
        theirs = other._value.encode("utf-8", "surrogatepass")
        return hmac.compare_digest(mine, theirs)

    def __hash__(self) -> int:
        return hash(("Secret", self._value))

    def __setattr__(self, name: str, value: Any) -> NoReturn:
        raise AttributeError("Secret is immutable")

    def __delattr__(self, name: str) -> NoReturn:
        raise AttributeError("Secret is immutable")

    # Immutable, so copies can share the instance; this also keeps dataclasses.asdict/deepcopy working.
    def __copy__(self) -> Secret:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> Secret:
        return self

    def __reduce_ex__(self, protocol: Any) -> NoReturn:
        _refuse_pickle()

    def __reduce__(self) -> NoReturn:
        _refuse_pickle()

    def __getstate__(self) -> NoReturn:
        _refuse_pickle()


def _refuse_pickle() -> NoReturn:
    raise TypeError(
        "Secret values are not picklable, so a key never lands in a cache or a file by accident; call "
        ".reveal() explicitly where the raw value is really needed"
    )
