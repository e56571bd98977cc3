"""One ``stripe.StripeClient`` per (key, API base): never the SDK's global configuration.

Two people using the app at the same time must never share a key or data, so nothing here touches
``stripe.api_key`` / ``stripe.api_base`` / ``stripe.set_app_info``. Each client carries its own key, its own
base address (real Stripe, or the sandbox as "Stripe at another address") and its own HTTP client with an
explicit timeout, so a dead network fails in seconds instead of stripe-python's default 80.

App info: stripe-python 16's ``StripeClient`` has no ``app_info`` parameter; only the process-wide
``stripe.set_app_info`` exists, which would be shared by every session. We do not set it. Instead, every
request carries an ``X-Playground-Client`` header through the per-request ``headers`` option (see
:data:`CLIENT_HEADERS`): harmless for Stripe, and visible in the sandbox's request log.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final
from urllib.parse import urlsplit

import stripe

from core.keys import KeyField, KeyKind, KeyReport, Mode, inspect_key
from core.secrets import Secret

STRIPE_API_BASE: Final = "https://api.stripe.com"
DEFAULT_MAX_NETWORK_RETRIES: Final = 2
# (connect, read) seconds for requests: connecting fails fast, a slow Stripe answer still has room.
DEFAULT_TIMEOUT: Final[tuple[float, float]] = (5.0, 30.0)
CLIENT_HEADERS: Final[Mapping[str, str]] = {"X-Playground-Client": "stripe-setup-playground/0.1"}


class ClientConfigError(ValueError):
    """A base address or key that cannot make a client; the message says how to fix it."""


def normalize_api_base(api_base: str | None) -> str:
    """The base the SDK should prefix to ``/v1/...``: scheme and host, no trailing slash, no ``/v1``.

    stripe-python joins base and path by plain concatenation, so ``http://x/`` or ``http://x/v1`` would
    produce ``//v1`` or ``/v1/v1`` and a confusing 404; we fix the harmless cases and reject the rest.
    """
    if api_base is None or not api_base.strip():
        return STRIPE_API_BASE
    base = api_base.strip().rstrip("/")
    if base.endswith("/v1"):
        base = base[: -len("/v1")]
    parts = urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ClientConfigError(
            f"API base {api_base!r} is not an http(s) address. Use https://api.stripe.com for Stripe, "
            "or the sandbox's address such as http://127.0.0.1:12111."
        )
    if parts.query or parts.fragment:
        raise ClientConfigError(f"API base {api_base!r} must not contain a query or fragment.")
    return base


class Server(StrEnum):
    """Which server a connection's calls reach: Stripe itself, or a Stripe-compatible one at another address.

    Decided by one rule, :meth:`of`, from the connection's address, so a badge, a check and a request record
    can never disagree about where a call went (an address written out as ``https://api.stripe.com`` is
    Stripe, exactly like no address at all).
    """

    STRIPE = "stripe"
    SANDBOX = "sandbox"  # the local sandbox, or any other Stripe-compatible server

    @classmethod
    def of(cls, api_base: str | None) -> Server:
        try:
            base = urlsplit(normalize_api_base(api_base))
        except ClientConfigError:
            return cls.SANDBOX  # not Stripe's address, whatever it is
        stripe_base = urlsplit(STRIPE_API_BASE)
        same = (base.scheme.lower(), base.netloc.lower()) == (stripe_base.scheme, stripe_base.netloc)
        return cls.STRIPE if same else cls.SANDBOX

    @property
    def label(self) -> str:
        return "Stripe" if self is Server.STRIPE else "Sandbox"


def is_stripe(api_base: str | None) -> bool:
    return Server.of(api_base) is Server.STRIPE


@dataclass(frozen=True)
class Target:
    """Where a call goes: the key, the base address and the environment it is made for.

    Built from a connection by ``core.runner.target_for``; the key stays a :class:`Secret`, so a Target can
    be shown, logged or kept in the session without leaking it. The key is parsed once, by
    :func:`core.keys.inspect_key`, when the Target is made (``target_for`` hands over the report it already
    has); its kind and mode travel with it, so nothing downstream slices the key's prefix again.
    """

    secret: Secret
    api_base: str | None = None
    environment: str = "Editor"
    connection_name: str = ""
    key: KeyReport | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.key is None:
            object.__setattr__(self, "key", inspect_key(self.secret, KeyField.SECRET))

    @property
    def _report(self) -> KeyReport:
        assert self.key is not None  # set in __post_init__
        return self.key

    @property
    def kind(self) -> KeyKind:
        return self._report.kind

    @property
    def mode(self) -> Mode | None:
        """Test or live, from the parsed key; None when the value is not an API key at all."""
        report = self._report
        return report.mode if report.kind.is_api_key else None

    @property
    def mode_name(self) -> str:
        """ "test", "live" or "unknown": how records and reports spell the mode."""
        return self.mode.value if self.mode is not None else "unknown"

    @property
    def is_restricted(self) -> bool:
        return self.kind is KeyKind.RESTRICTED

    @property
    def server(self) -> Server:
        return Server.of(self.api_base)

    @property
    def is_sandbox(self) -> bool:
        return self.server is Server.SANDBOX

    @property
    def target_name(self) -> str:
        return self.server.value

    @property
    def display_base(self) -> str:
        try:
            return normalize_api_base(self.api_base)
        except ClientConfigError:
            return str(self.api_base)


def _reveal(secret: Secret | str) -> str:
    return secret if isinstance(secret, str) else secret.reveal()


def build_client(
    secret: Secret | str,
    *,
    api_base: str | None = None,
    max_network_retries: int = DEFAULT_MAX_NETWORK_RETRIES,
    timeout: float | tuple[float, float] = DEFAULT_TIMEOUT,
) -> stripe.StripeClient:
    """A fresh client for this key and base, with its own HTTP client (and connection pool)."""
    key = _reveal(secret).strip()
    if not key:
        raise ClientConfigError("No API key: paste a secret (sk_…) or restricted (rk_…) key first.")
    if inspect_key(key, KeyField.SECRET).kind is KeyKind.PUBLISHABLE:
        raise ClientConfigError(
            "A publishable key (pk_…) cannot call the API from a backend: use the secret key (sk_…) or a "
            "restricted key (rk_…). The publishable key belongs in the page (payment element)."
        )
    base = normalize_api_base(api_base)
    return stripe.StripeClient(
        key,
        base_addresses={"api": base},
        max_network_retries=max_network_retries,
        http_client=stripe.RequestsClient(timeout=timeout),
    )


def cache_key(secret: Secret | str, api_base: str | None) -> str:
    """A key for the client cache that never contains the secret itself (a SHA-256 digest of it)."""
    digest = hashlib.sha256(f"{_reveal(secret)}\0{normalize_api_base(api_base)}".encode()).hexdigest()
    return digest


@dataclass
class ClientCache:
    """Clients of one user session, keyed by a hash of (key, base); keep it in the session, not a global.

    Reusing a client keeps its HTTP connection pool warm, which matters for latency on every run.
    """

    max_network_retries: int = DEFAULT_MAX_NETWORK_RETRIES
    timeout: float | tuple[float, float] = DEFAULT_TIMEOUT
    _clients: dict[str, stripe.StripeClient] = field(default_factory=dict, repr=False)

    def get(self, secret: Secret | str, api_base: str | None = None) -> stripe.StripeClient:
        key = cache_key(secret, api_base)
        client = self._clients.get(key)
        if client is None:
            client = build_client(
                secret,
                api_base=api_base,
                max_network_retries=self.max_network_retries,
                timeout=self.timeout,
            )
            self._clients[key] = client
        return client

    def forget(self, secret: Secret | str, api_base: str | None = None) -> None:
        self._clients.pop(cache_key(secret, api_base), None)

    def clear(self) -> None:
        self._clients.clear()

    def __len__(self) -> int:
        return len(self._clients)


def connection_error_message(error: stripe.APIConnectionError, api_base: str | None) -> str:
    """Turn the SDK's network failure into what happened and what to do, without a traceback."""
    base = normalize_api_base(api_base)
    on_stripe = Server.of(base) is Server.STRIPE
    if "Timeout" in str(error) or "timed out" in str(error):
        # It answered the connection but not the request: "is it running?" would send people the wrong way.
        server = "Stripe (https://api.stripe.com)" if on_stripe else f"The sandbox at {base}"
        return (
            f"{server} did not answer in time (the request timed out): it is reachable but slow or stuck. "
            "Retry in a moment; a timed-out write may still have been carried out."
        )
    if on_stripe:
        where = (
            "Stripe (https://api.stripe.com). Check this machine's internet connection or proxy; "
            "to keep working offline, switch the connection to the local sandbox."
        )
    else:
        where = (
            f"the sandbox at {base}. Is it running? Start it with `python -m sandbox --print-keys` and "
            "use the address it prints."
        )
    return f"Could not reach {where}"
