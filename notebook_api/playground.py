"""A connection in one environment, in a notebook: run catalog actions by name and see what happened.

The app's pages and this module call the same ``core`` functions (the runner, the connection test); this
module only makes them read well in a cell. State lives in the objects a cell creates, never in module
globals, so two playgrounds never share a key or a client.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import TYPE_CHECKING, Final

import pandas as pd

from core import catalog, money, webhooks
from core.catalog import Action
from core.client import ClientCache, normalize_api_base
from core.environments import Connection, Environment, EnvironmentConfig
from core.keys import KeyField
from core.keys import inspect_key as _inspect_key
from core.permissions import KeyKnowledge
from core.results import RequestRecord
from core.runner import Target
from core.secrets import Secret
from core.session import StripeSession
from notebook_api.checks import check_environment, inspect_key, preview_amount, secret_or_none, verify_webhook
from notebook_api.views import Result, View, connection_view
from sandbox.control import ControlClient

if TYPE_CHECKING:
    from notebook_api.local_sandbox import Sandbox

__all__ = ["Playground", "connect"]


# The catalog is fixed at import, so the name index is built once rather than on every run().
_ACTIONS_BY_NAME: Final[Mapping[str, Action]] = {a.name.lower(): a for a in catalog.ACTIONS}


def _action(action: Action | str) -> Action:
    if isinstance(action, Action):
        return action
    text = action.strip()
    found = _ACTIONS_BY_NAME.get(text.lower())
    return found if found is not None else catalog.get(text.lower().replace(" ", "_"))


def _flatten_inputs(action: Action, inputs: Mapping[str, object]) -> dict[str, object]:
    """``recurring={"interval": "month"}`` → ``{"recurring.interval": "month"}``, as the catalog names it.

    Catalog inputs are flat with dotted names (forms stay flat); in Python a nested dict reads better. An
    input that *is* a dict (metadata) is left alone.
    """
    known = {i.name for i in action.inputs}
    flat: dict[str, object] = {}
    for name, value in inputs.items():
        if name not in known and isinstance(value, Mapping) and any(k.startswith(name + ".") for k in known):
            for sub, sub_value in value.items():
                flat[f"{name}.{sub}"] = sub_value
        else:
            flat[name] = value
    return flat


class Playground:
    """One connection in one environment: a key (never shown), where it points, and what it has learned.

    Create it with :func:`connect` or :meth:`Sandbox.connect`. It wraps the app's own session object
    (``core.session.StripeSession``, ``.session``): its own client cache and its own record of what a
    restricted key may do (``.knowledge``), so a 403 is remembered: the next call that needs the same
    permission is stopped before it is sent, with the fix. ``.requests`` is every call it made, as the app's
    request log shows them.
    """

    def __init__(
        self,
        secret_key: str | Secret,
        *,
        publishable_key: str | Secret | None = None,
        environment: Environment | str = Environment.EDITOR,
        api_base: str | None = None,
        name: str = "Stripe",
        account_id: str | None = None,
    ) -> None:
        raw = secret_key if isinstance(secret_key, Secret) else Secret(secret_key)
        cleaned = _inspect_key(raw, KeyField.SECRET)
        self._secret = cleaned.secret if cleaned.secret is not None else raw
        self._publishable = secret_or_none(publishable_key)
        self.environment = Environment(
            environment.strip().lower() if isinstance(environment, str) else environment
        )
        self.api_base = normalize_api_base(api_base)
        self.name = name
        self.account_id = account_id
        target = Target(self._secret, self.api_base, self.environment.label, self.name)
        control = ControlClient(self.api_base, self._secret) if target.is_sandbox else None
        self.session = StripeSession(
            target, clients=ClientCache(), control=control, connection=self.connection
        )
        self.requests: list[RequestRecord] = []
        self.session.subscribe(self.requests.append)

    @property
    def target(self) -> Target:
        return self.session.target

    @property
    def knowledge(self) -> KeyKnowledge:
        return self.session.knowledge

    @property
    def connection(self) -> Connection:
        """This playground as a ``core.environments.Connection`` with only its own environment filled in."""
        config = EnvironmentConfig(self._publishable, self._secret)
        return Connection(self.name, {self.environment: config}, self.api_base)

    @property
    def masked_key(self) -> str:
        return self._secret.masked

    @property
    def secret_key(self) -> Secret:
        """The key as a :class:`Secret`: printing it shows the masked form; ``.reveal()`` is deliberate."""
        return self._secret

    def __repr__(self) -> str:
        where = "sandbox" if self.target.is_sandbox else "Stripe"
        account = f", {self.account_id}" if self.account_id else ""
        return (
            f"<Playground {self.name!r}: {self.environment.label}, {self.target.mode_name} mode, {where} "
            f"{self.api_base}{account}, key {self.masked_key}>"
        )

    __str__ = __repr__

    def _repr_html_(self) -> str:
        rows = {
            "connection": self.name,
            "environment": self.environment.label,
            "mode": self.target.mode_name,
            "talks to": f"{'the sandbox' if self.target.is_sandbox else 'Stripe'} at {self.api_base}",
            "account": self.account_id or "(not known until a call names it)",
            "secret key": self.masked_key,
            "publishable key": self._publishable.masked if self._publishable else "(none)",
        }
        body = "".join(
            f"<tr><th style='text-align:left'>{html.escape(k)}</th>"
            f"<td><code>{html.escape(v)}</code></td></tr>"
            for k, v in rows.items()
        )
        return f"<p><b>Playground</b></p><table>{body}</table>"

    def run(
        self,
        action: Action | str,
        /,
        *,
        idempotency_key: str | None = None,
        confirm_live_write: bool = False,
        load_all: bool = False,
        **inputs: object,
    ) -> Result:
        """Run one catalog action (by id, e.g. ``"create_price"``, or by its WeWeb name, ``"Create Price"``).

        Inputs are keyword arguments named as in the catalog; nested ones may be dicts
        (``recurring={"interval": "month"}``). The result is the runner's :class:`RunResult`: check
        ``.ok``, use ``.object`` / ``.objects`` / ``.table``; it never raises for Stripe or input errors.
        """
        act = _action(action)
        result = self.session.run(
            act,
            _flatten_inputs(act, inputs),
            confirm_live_write=confirm_live_write,
            idempotency_key=idempotency_key,
            load_all=load_all,
        )
        return Result.of(result)

    def check(self) -> View:
        """WeWeb's connection test: List Products. A list, even an empty one, means the connection works."""
        return connection_view(self.session.check_connection())

    def check_keys(self) -> View:
        """This environment's keys judged before any call: a live key in the Editor, a pk/sk mix-up…"""
        return check_environment(self.environment, publishable_key=self._publishable, secret_key=self._secret)

    def inspect_key(self, raw: str | Secret | None = None, field: KeyField | str | None = None) -> View:
        """:func:`inspect_key`; without arguments, this playground's own secret key."""
        if raw is None:
            return inspect_key(self._secret, KeyField.SECRET)
        return inspect_key(raw, field)

    def preview_amount(
        self, amount: str | int, currency: str = "usd", *, purpose: money.Purpose | str = "payment"
    ) -> View:
        return preview_amount(amount, currency, purpose=purpose)

    def verify_webhook(
        self,
        payload: bytes | str,
        signature_header: str | None,
        secret: str | Secret | None,
        *,
        tolerance: int | None = webhooks.DEFAULT_TOLERANCE,
    ) -> View:
        return verify_webhook(payload, signature_header, secret, tolerance=tolerance)

    @staticmethod
    def actions(search: str = "") -> View:
        """The catalog (or the actions matching ``search``): what ``run`` accepts, and what each needs."""
        found = catalog.search(search)
        table = pd.DataFrame(
            [
                {
                    "id": a.id,
                    "WeWeb name": a.name,
                    "request": f"{a.method} {a.path}",
                    "restricted key needs": a.permission,
                    "inputs": ", ".join(i.name + ("*" if i.required else "") for i in a.inputs),
                }
                for a in found
            ]
        )
        return View(f"{len(found)} actions (* = required input)", table=table, value=found)


def connect(
    secret_key: str | Secret | None = None,
    publishable_key: str | Secret | None = None,
    *,
    environment: Environment | str = Environment.EDITOR,
    api_base: str | None = None,
    sandbox: Sandbox | None = None,
    name: str = "Stripe",
) -> Playground:
    """A :class:`Playground` for one environment of a connection.

    ``api_base`` None means real Stripe; pass the sandbox's address (or ``sandbox=``) to use the sandbox.
    With ``sandbox=`` and no ``secret_key``, a fresh sandbox account and its test keys are used.
    """
    if sandbox is not None:
        if secret_key is None:
            return sandbox.connect(environment=environment, name=name)
        api_base = api_base or sandbox.api_base
    if secret_key is None:
        raise ValueError(
            "connect() needs a secret_key (sk_test_… or rk_test_…). To try things without a Stripe account, "
            "start the sandbox and use its keys: sb = start_sandbox(); pg = sb.connect()."
        )
    return Playground(
        secret_key,
        publishable_key=publishable_key,
        environment=environment,
        api_base=api_base,
        name=name,
    )
