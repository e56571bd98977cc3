"""A typed client for the sandbox's control API (``/_sandbox/…``), the one every front end and test uses.

The control API stands in for what a person does in Stripe's Dashboard or browser and for what a test needs
from a server it controls: make an account, make a restricted key, move the clock, arm a fault, play the
customer on a 3D Secure challenge or a hosted Checkout page. It is not Stripe's API, so the official SDK
cannot call it; this module is its one client (standard library only, so it runs wherever the sandbox does)::

    from sandbox.control import ControlClient

    control = ControlClient("http://127.0.0.1:12111")
    account = control.create_account()               # SandboxAccount: id, api_base, keys
    mine = control.for_account(account)               # the same client, with the account's secret key
    mine.restricted_key(["rak_product_read"])         # "rk_test_…"
    mine.advance_time(86_400)

A key is a ``str`` or anything with ``reveal() -> str`` (``core.secrets.Secret``), so the app and the notebook
pass their masked keys without this package importing ``core``. A refusal raises :class:`ControlError`
(Stripe's error envelope: status, type, code, param, message); an unreachable server raises the ``OSError``
urllib raises. ``ControlError`` is an ``OSError`` too, so ``except OSError`` covers "the sandbox did not do
it" whatever the reason.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final, Literal, Protocol

__all__ = [
    "DEFAULT_TIMEOUT_S",
    "CheckoutAttempt",
    "ControlClient",
    "ControlError",
    "Delivery",
    "FaultMode",
    "Key",
    "Revealable",
    "SandboxAccount",
    "TriggerRun",
]

DEFAULT_TIMEOUT_S: Final = 10.0
_PROBE_TIMEOUT_S: Final = 2.0

FaultMode = Literal["500", "429", "timeout", "drop"]
Delivery = dict[str, Any]


class Revealable(Protocol):
    """A key wrapper that masks itself everywhere except :meth:`reveal` (``core.secrets.Secret``)."""

    def reveal(self) -> str: ...


Key = str | Revealable


def _raw(key: Key) -> str:
    return key if isinstance(key, str) else key.reveal()


@dataclass(frozen=True)
class SandboxAccount:
    """One sandbox account: where it lives and its test keys.

    The secret key is left out of ``repr`` (and so of every log line and traceback that prints the account);
    front ends wrap it in their own masked type where they keep it (``Secret(account.secret_key)``).
    """

    id: str
    api_base: str
    publishable_key: str
    secret_key: str = field(repr=False)


@dataclass(frozen=True)
class TriggerRun:
    """What ``POST /_sandbox/triggers/{event}`` did: the event asked for, every event it made, its steps."""

    event: str
    events: tuple[str, ...]
    steps: tuple[dict[str, Any], ...]


@dataclass(frozen=True)
class CheckoutAttempt:
    """One submit of a hosted Checkout page, as the control API reports it.

    ``result`` is ``"complete"`` (``redirect_url`` is where the customer's browser goes next),
    ``"requires_action"`` (the card needs 3D Secure: :meth:`ControlClient.authenticate_checkout`) or
    ``"failed"`` (``message`` is what the page shows, e.g. "Your card was declined.").
    """

    result: Literal["complete", "requires_action", "failed"]
    message: str | None
    redirect_url: str | None
    checkout_session: dict[str, Any]

    @property
    def paid(self) -> bool:
        return self.result == "complete"


class ControlError(OSError):
    """The sandbox refused a control call; the fields are its Stripe-shaped error envelope."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        type: str | None = None,
        code: str | None = None,
        param: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.type = type
        self.code = code
        self.param = param

    def __str__(self) -> str:
        return self.message


class ControlClient:
    """Calls of one sandbox's control API, optionally on behalf of one account (its secret key).

    Every endpoint but :meth:`health` and :meth:`create_account` acts on the account whose secret key the
    client holds (:meth:`for_account`); one account can never act on another's data.
    """

    def __init__(self, api_base: str, secret_key: Key | None = None, *, timeout: float = DEFAULT_TIMEOUT_S):
        self.api_base = api_base.rstrip("/")
        self._key = secret_key
        self.timeout = timeout

    def __repr__(self) -> str:
        return f"<ControlClient {self.api_base}{' with a key' if self._key is not None else ''}>"

    def for_account(self, account: SandboxAccount | Key) -> ControlClient:
        """This client with ``account``'s secret key (an account, or the key itself)."""
        key = account.secret_key if isinstance(account, SandboxAccount) else account
        return ControlClient(self.api_base, key, timeout=self.timeout)

    # -- transport ------------------------------------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        payload: Mapping[str, object] | None = None,
        *,
        query: Mapping[str, str] | None = None,
        authenticated: bool = True,
        timeout: float | None = None,
    ) -> Any:
        """One JSON call; the decoded answer, or :class:`ControlError` with the sandbox's message."""
        headers = {"Content-Type": "application/json"}
        if authenticated:
            if self._key is None:
                raise ControlError(
                    401,
                    f"{method} {path} acts on an account: make the client with its secret key "
                    "(ControlClient(api_base, secret_key) or client.for_account(account)).",
                    type="invalid_request_error",
                )
            headers["Authorization"] = f"Bearer {_raw(self._key)}"
        url = self.api_base + path + (f"?{urllib.parse.urlencode(query)}" if query else "")
        data = None if payload is None and method == "GET" else json.dumps(dict(payload or {})).encode()
        # The sandbox's own address (http on loopback by design); callers pass it, users never type a path.
        request = urllib.request.Request(url, data=data, headers=headers, method=method)  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=timeout or self.timeout) as response:  # noqa: S310
                return json.load(response)
        except urllib.error.HTTPError as error:
            raise _control_error(method, path, error) from None

    # -- server and accounts --------------------------------------------------------------------------

    def health(self, timeout: float = _PROBE_TIMEOUT_S) -> bool:
        """Does a sandbox answer here? (Never raises: an unreachable or broken server is ``False``.)"""
        try:
            answer = self.request("GET", "/_sandbox/health", authenticated=False, timeout=timeout)
        except (OSError, ValueError):
            return False
        return isinstance(answer, dict) and answer.get("status") == "ok"

    def create_account(self, email: str | None = None, business_name: str | None = None) -> SandboxAccount:
        """A fresh, empty account and its test keys (``email``/``business_name``: what /v1/account shows)."""
        profile = {k: v for k, v in (("email", email), ("business_name", business_name)) if v is not None}
        created = self.request("POST", "/_sandbox/accounts", profile, authenticated=False)
        return SandboxAccount(created["id"], self.api_base, created["publishable_key"], created["secret_key"])

    def knows_key(self) -> bool:
        """Does this server accept the client's key? (A restarted server on the same database does.)"""
        try:
            self.settings()
        except OSError:
            return False
        return True

    def restricted_key(self, permissions: Iterable[str]) -> str:
        """A new ``rk_test_…`` key on the account with exactly ``permissions`` (``rak_product_read``, …)."""
        answer = self.request("POST", "/_sandbox/restricted_keys", {"permissions": list(permissions)})
        return str(answer["key"])

    def reset(self) -> None:
        """Delete every object and idempotency record of the account (its keys stay)."""
        self.request("POST", "/_sandbox/reset", {})

    def delete_account(self) -> None:
        """Delete the account itself with everything it owns; its keys stop working at once."""
        self.request("DELETE", "/_sandbox/account")

    # -- behaviour of the server ----------------------------------------------------------------------

    def arm_fault(
        self,
        mode: FaultMode,
        count: int = 1,
        *,
        path_prefix: str | None = None,
        seconds: float | None = None,
    ) -> dict[str, Any]:
        """Make the account's next ``count`` /v1 requests (under ``path_prefix``) fail: sandbox/_faults.py."""
        payload: dict[str, object] = {"mode": mode, "count": count}
        if path_prefix is not None:
            payload["path_prefix"] = path_prefix
        if seconds is not None:
            payload["seconds"] = seconds
        answer: dict[str, Any] = self.request("POST", "/_sandbox/faults", payload)
        return answer

    def faults(self) -> list[dict[str, Any]]:
        """The account's armed faults."""
        return list(self.request("GET", "/_sandbox/faults")["faults"])

    def clear_faults(self) -> None:
        self.request("DELETE", "/_sandbox/faults")

    def set_latency(self, ms: float) -> None:
        """Every /v1 request of the account waits ``ms`` before it runs (0 to 30,000; 0 switches it off)."""
        self.request("POST", "/_sandbox/latency", {"ms": ms})

    def advance_time(self, seconds: int) -> int:
        """Move the account's wall clock forward; everything that falls due happens first. Answers "now"."""
        return int(self.request("POST", "/_sandbox/time", {"advance_seconds": seconds})["now"])

    def settings(self, **changes: str) -> dict[str, Any]:
        """The account's settings (billing settings and ``api_version``), after applying ``changes``."""
        if changes:
            answer: dict[str, Any] = self.request("POST", "/_sandbox/settings", changes)
        else:
            answer = self.request("GET", "/_sandbox/settings")
        return answer

    def set_api_version(self, version: str) -> None:
        """The default API version of the account's requests that send no ``Stripe-Version`` header."""
        self.settings(api_version=version)

    # -- webhooks and triggers ------------------------------------------------------------------------

    def deliveries(
        self, *, event: str | None = None, webhook_endpoint: str | None = None, status: str | None = None
    ) -> list[Delivery]:
        """The account's webhook deliveries, newest first, each with every attempt."""
        wanted = {"event": event, "webhook_endpoint": webhook_endpoint, "status": status}
        query = {k: v for k, v in wanted.items() if v}
        return list(self.request("GET", "/_sandbox/webhook_deliveries", query=query)["data"])

    def redeliver(self, delivery: str) -> Delivery:
        """Send a delivery's event again to its endpoint; answers the new delivery."""
        quoted = urllib.parse.quote(delivery, safe="")
        answer: Delivery = self.request("POST", f"/_sandbox/webhook_deliveries/{quoted}/redeliver", {})
        return answer

    def triggers(self) -> list[str]:
        """The events the sandbox can trigger by itself (the Stripe CLI's ``stripe trigger`` names)."""
        return [str(name) for name in self.request("GET", "/_sandbox/triggers")["data"]]

    def trigger(self, event: str) -> TriggerRun:
        """Run the scenario that makes Stripe send ``event`` (ordinary API calls of the account)."""
        answer = self.request("POST", f"/_sandbox/triggers/{urllib.parse.quote(event, safe='')}", {})
        return TriggerRun(str(answer["event"]), tuple(answer["events"]), tuple(answer.get("steps") or ()))

    # -- the customer's side --------------------------------------------------------------------------

    def authenticate_payment_intent(self, intent: str, *, succeed: bool = True) -> dict[str, Any]:
        """Complete (or fail) a PaymentIntent's 3D Secure challenge; answers the intent afterwards."""
        return self._authenticate("payment_intents", intent, succeed)

    def authenticate_setup_intent(self, intent: str, *, succeed: bool = True) -> dict[str, Any]:
        """Complete (or fail) a SetupIntent's 3D Secure challenge; answers the intent afterwards."""
        return self._authenticate("setup_intents", intent, succeed)

    def _authenticate(self, kind: str, intent: str, succeed: bool) -> dict[str, Any]:
        path = f"/_sandbox/{kind}/{urllib.parse.quote(intent, safe='')}/authenticate"
        answer: dict[str, Any] = self.request("POST", path, {"outcome": "succeed" if succeed else "fail"})
        return answer

    def pay_checkout(
        self,
        session: str,
        *,
        card: str = "4242424242424242",
        email: str | None = None,
        name: str | None = None,
    ) -> CheckoutAttempt:
        """Submit the hosted Checkout page of ``session`` (cs_…) as a customer would, with a test card."""
        payload = {k: v for k, v in (("card", card), ("email", email), ("name", name)) if v is not None}
        return self._checkout(session, "pay", payload)

    def authenticate_checkout(self, session: str, *, succeed: bool = True) -> CheckoutAttempt:
        """Complete (or fail) the 3D Secure step a Checkout payment is waiting on."""
        return self._checkout(session, "authenticate", {"outcome": "succeed" if succeed else "fail"})

    def _checkout(self, session: str, action: str, payload: Mapping[str, object]) -> CheckoutAttempt:
        path = f"/_sandbox/checkout_sessions/{urllib.parse.quote(session, safe='')}/{action}"
        answer = self.request("POST", path, payload)
        return CheckoutAttempt(
            answer["result"], answer.get("message"), answer.get("redirect_url"), answer["checkout_session"]
        )


def _control_error(method: str, path: str, error: urllib.error.HTTPError) -> ControlError:
    body = error.read().decode("utf-8", errors="replace")
    try:
        envelope = json.loads(body)["error"]
        message = str(envelope["message"])
    except (ValueError, KeyError, TypeError):
        return ControlError(error.code, f"{method} {path} answered {error.code}: {body[:300]}")
    return ControlError(
        error.code,
        message,
        type=envelope.get("type"),
        code=envelope.get("code"),
        param=envelope.get("param"),
    )
