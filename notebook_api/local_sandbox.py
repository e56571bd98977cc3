"""The sandbox in a notebook: start it (or find a running one) and play the Dashboard and the customer.

The control endpoints (``/_sandbox/…``, through :class:`sandbox.control.ControlClient`) stand in for what a
person does in the Dashboard or in the browser: create an account, create a restricted key, pass 3D Secure,
fill in the hosted Checkout page. Their refusals come back as :class:`SandboxError` with the sandbox's
message (keys masked).
"""

from __future__ import annotations

import os
import urllib.parse
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final, TypeVar

import sandbox
from core.client import normalize_api_base
from core.environments import Environment
from core.results import RunResult, to_table
from core.secrets import Secret, redact
from notebook_api.playground import Playground
from notebook_api.views import View
from sandbox.control import ControlClient, ControlError, SandboxAccount

__all__ = ["SANDBOX_URL_VARIABLE", "Sandbox", "SandboxAccount", "SandboxError", "start_sandbox"]

#: When set, :func:`start_sandbox` uses the sandbox already running at this address instead of starting
#: one (the notebook test points the tour at its own sandbox this way; so can a classroom server).
SANDBOX_URL_VARIABLE: Final = "PLAYGROUND_SANDBOX_URL"
_INTENT_COLUMNS: Final = (
    "id",
    "status",
    "amount",
    "amount (display)",
    "amount_received",
    "amount_received (display)",
    "last_payment_error.code",
    "last_payment_error.message",
)
_T = TypeVar("_T")


class SandboxError(RuntimeError):
    """A control-API call the sandbox refused; the message is the sandbox's, with keys masked."""


class Sandbox:
    """A running sandbox and its control API (accounts, restricted keys, the customer's side of payments)."""

    def __init__(self, api_base: str, handle: sandbox.SandboxHandle | None = None) -> None:
        self.api_base = normalize_api_base(api_base)
        self.public_url = handle.public_url if handle is not None else self.api_base
        self._handle = handle
        self._control = ControlClient(self.api_base)
        # The accounts this object made, by id: whose key plays the customer on their Checkout pages.
        self._accounts: dict[str, SandboxAccount] = {}

    def __repr__(self) -> str:
        kind = "in-process" if self._handle is not None else "external"
        return f"<Sandbox {kind} at {self.api_base}>"

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        """Stop the server if this notebook started it (an external sandbox keeps running)."""
        if self._handle is not None:
            self._handle.stop()
            self._handle = None

    def _as(self, owner: Playground | SandboxAccount | None, call: Callable[[ControlClient], _T]) -> _T:
        """Run one control call (as ``owner``), turning a refusal into a :class:`SandboxError`."""
        control = self._control if owner is None else self._control.for_account(owner.secret_key)
        try:
            return call(control)
        except ControlError as error:
            raise SandboxError(f"The sandbox refused ({error.status}): {redact(error.message)}") from None

    # -- accounts and keys ----------------------------------------------------------------------------

    def new_account(self) -> SandboxAccount:
        """A fresh, empty account: every playground gets its own data."""
        account = self._as(None, lambda control: control.create_account())
        self._accounts[account.id] = account
        return account

    def connect(
        self,
        *,
        environment: Environment | str = Environment.EDITOR,
        secret_key: str | Secret | None = None,
        publishable_key: str | Secret | None = None,
        name: str = "Stripe",
    ) -> Playground:
        """A playground on this sandbox: a new account's test keys, or the key you pass (a restricted key)."""
        account_id = None
        if secret_key is None:
            account = self.new_account()
            secret_key, publishable_key, account_id = account.secret_key, account.publishable_key, account.id
        return Playground(
            secret_key,
            publishable_key=publishable_key,
            environment=environment,
            api_base=self.api_base,
            name=name,
            account_id=account_id,
        )

    def restricted_key(self, owner: Playground | SandboxAccount, permissions: Sequence[str]) -> Secret:
        """A new restricted key (rk_test_…) on ``owner``'s account with exactly ``permissions``.

        This is the sandbox's stand-in for Dashboard → Developers → API keys → Create restricted key; the
        slugs are Stripe's (``rak_product_read``, ``rak_plan_write`` for Prices, …).
        """
        return Secret(self._as(owner, lambda control: control.restricted_key(permissions)))

    # -- the customer's side --------------------------------------------------------------------------

    def authenticate(
        self, owner: Playground | SandboxAccount, payment_intent: str, *, succeed: bool = True
    ) -> View:
        """Complete (or fail) the 3D Secure challenge of a PaymentIntent in ``requires_action``.

        In real Stripe the customer does this in their bank's window (Stripe.js shows it); the sandbox's
        control endpoint plays the customer.
        """
        intent = self._as(
            owner, lambda control: control.authenticate_payment_intent(payment_intent, succeed=succeed)
        )
        status = intent.get("status")
        title = f"3D Secure {'completed' if succeed else 'failed'}: {payment_intent} is now {status}"
        table = to_table([intent])
        table = table[[c for c in _INTENT_COLUMNS if c in table.columns]]
        return View(title, ok=status in ("succeeded", "requires_capture"), table=table, value=intent)

    def pay_checkout(
        self,
        session: Mapping[str, Any] | RunResult | str,
        owner: Playground | SandboxAccount | None = None,
        *,
        card: str = "4242424242424242",
        email: str = "customer@example.com",
    ) -> View:
        """Fill in the hosted Checkout page the way a customer would: the page's submit, without a browser.

        ``session`` is the Checkout Session (a run's result, the object, its id or its ``url``); ``owner``
        the playground whose account made it (left out: the account named in the session's url, if this
        Sandbox's ``connect()`` made it), whose key the control endpoint needs. When the payment goes
        through, the page sends the customer to the ``success_url``: that address is reported, not fetched.
        """
        session_id, account = self._session(session)
        key: str | Secret = owner.secret_key if owner is not None else self._owner_key(account)
        try:
            attempt = self._control.for_account(key).pay_checkout(session_id, card=card, email=email)
        except ControlError as error:
            if error.param != "session" or error.status != 400:
                raise SandboxError(f"The sandbox refused ({error.status}): {redact(error.message)}") from None
            return View(f"Not paid: {redact(error.message)}", ok=False, value=error)  # e.g. already complete
        if attempt.paid:
            return View(
                f"Paid: the Checkout page redirected the customer to {attempt.redirect_url}",
                ok=True,
                notes=("Stripe would now send checkout.session.completed to your webhook endpoint.",),
                value=attempt.redirect_url,
            )
        if attempt.result == "requires_action":
            return View(
                "Not paid yet: the card needs 3D Secure, and the page now asks the customer to authenticate.",
                ok=False,
                value=attempt,
            )
        return View(f"Not paid: {attempt.message}", ok=False, value=attempt)

    def _session(self, session: Mapping[str, Any] | RunResult | str) -> tuple[str, str | None]:
        """The session's id and, when its url says so, its account (``/c/pay/{account}/{session}``)."""
        if isinstance(session, RunResult):
            if session.object is None:
                raise ValueError("This result holds no Checkout Session: run create_checkout_session first.")
            session = session.object
        if isinstance(session, str) and session.startswith("cs_"):
            return session, None
        url = session if isinstance(session, str) else session.get("url")
        if not isinstance(url, str) or not url:
            if isinstance(session, Mapping) and str(session.get("id", "")).startswith("cs_"):
                return str(session["id"]), None  # a closed session has no url; the sandbox says why
            raise ValueError("This Checkout Session has no url (is it still open, and in payment mode?).")
        if not (url.startswith(self.api_base + "/") or url.startswith(self.public_url + "/")):
            raise ValueError(
                f"{redact(url)} is not a page of this sandbox ({self.api_base}): the sandbox helpers only "
                "talk to the sandbox, never to the internet."
            )
        parts = urllib.parse.urlsplit(url).path.rstrip("/").split("/")
        return parts[-1], (parts[-2] if len(parts) >= 2 and parts[-2].startswith("acct_") else None)

    def _owner_key(self, account: str | None) -> str:
        if account in self._accounts:
            return self._accounts[account].secret_key
        if account is None and len(self._accounts) == 1:
            return next(iter(self._accounts.values())).secret_key
        raise ValueError(
            "Whose Checkout Session is this? Pass the playground that created it: "
            "sb.pay_checkout(session, editor)."
        )


def start_sandbox(port: int = 0, db: str | None = None) -> Sandbox:
    """Start a sandbox in this process (in memory unless ``db`` is a file), or use the one named by the
    ``PLAYGROUND_SANDBOX_URL`` environment variable. Stop it with ``.stop()`` (or a ``with`` block)."""
    external = os.environ.get(SANDBOX_URL_VARIABLE, "").strip()
    if external:
        return Sandbox(external)
    handle = sandbox.start(port=port, db=db)
    return Sandbox(handle.api_base, handle)
