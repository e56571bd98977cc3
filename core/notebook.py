"""The playground in Jupyter: start the sandbox, connect, run actions by name, and see what happened.

The app's pages and this module call the same ``core`` functions; this module only makes them read well in a
notebook cell (and in a terminal)::

    from core import notebook as nb

    sb = nb.start_sandbox()                    # a local Stripe-compatible server, no network
    pg = sb.connect()                          # a fresh sandbox account, its test keys, the Editor
    pg.check()                                 # WeWeb's connection test: List Products
    price = pg.run("create_price", product="prod_…", unit_amount=1000, currency="usd")
    nb.preview_amounts(1000, ["usd", "jpy", "kwd"])

Everything a cell returns renders twice: as HTML in Jupyter (``_repr_html_``: tables with a money column next
to every amount, warnings and guidance in colour) and as plain text in a terminal (``str``/``repr``). Keys
travel as :class:`core.secrets.Secret`, so no cell output, repr or error message ever contains a full key.

State lives in the objects a cell creates (a :class:`Sandbox`, a :class:`Playground`), never in module
globals, so two notebooks (or two playgrounds in one notebook) never share a key or a client.
"""

from __future__ import annotations

import dataclasses
import html
import importlib
import json
import os
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

import pandas as pd

from core import catalog, money, webhooks
from core.catalog import Action
from core.client import ClientCache, normalize_api_base
from core.connection_test import ConnectionReport, check_connection
from core.environments import Connection, Environment, EnvironmentConfig, WebhookSettings
from core.environments import check_environment as _check_environment
from core.findings import Finding, Severity, worst
from core.keys import KeyField, KeyReport
from core.keys import inspect_key as _inspect_key
from core.permissions import KeyKnowledge
from core.results import DISPLAY_SUFFIX, RunResult, to_table
from core.runner import Target, run
from core.secrets import Secret, redact

if TYPE_CHECKING:
    from sandbox import SandboxHandle

__all__ = [
    "SANDBOX_URL_VARIABLE",
    "Playground",
    "Result",
    "Sandbox",
    "SandboxAccount",
    "View",
    "brief",
    "check_environment",
    "connect",
    "inspect_key",
    "preview_amount",
    "preview_amounts",
    "show",
    "start_sandbox",
    "verify_webhook",
    "view",
]

#: When set, :func:`start_sandbox` uses the sandbox already running at this address instead of starting
#: one (the notebook test points the tour at its own sandbox this way; so can a classroom server).
SANDBOX_URL_VARIABLE: Final = "PLAYGROUND_SANDBOX_URL"
_HTTP_TIMEOUT_S: Final = 10
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
_COLORS: Final = {Severity.ERROR: "#b00020", Severity.WARNING: "#8a6d00", Severity.INFO: "#1f5f8b"}
_MARKS: Final = {Severity.ERROR: "✗", Severity.WARNING: "!", Severity.INFO: "i"}
_FIELD_ALIASES: Final[Mapping[str, KeyField]] = {
    "publishable": KeyField.PUBLISHABLE,
    "publishable_key": KeyField.PUBLISHABLE,
    "pk": KeyField.PUBLISHABLE,
    "secret": KeyField.SECRET,
    "secret_key": KeyField.SECRET,
    "restricted": KeyField.SECRET,
    "sk": KeyField.SECRET,
    "webhook": KeyField.WEBHOOK_SECRET,
    "webhook_secret": KeyField.WEBHOOK_SECRET,
    "whsec": KeyField.WEBHOOK_SECRET,
}


# ----------------------------------------------------------------------------------------------------------
# Rendering


@dataclass(frozen=True)
class View:
    """Anything worth showing in a cell: a headline, findings with their fixes, an optional table.

    ``value`` keeps what was shown (a KeyReport, a Verdict, a PaymentIntent dict…) for the next cell to use;
    it is left out of every textual form, which is built only from already-masked parts.
    """

    title: str
    ok: bool | None = None  # None: neither success nor failure (a table of facts)
    findings: tuple[Finding, ...] = ()
    table: pd.DataFrame | None = None
    notes: tuple[str, ...] = ()
    value: Any = field(default=None, repr=False, compare=False)

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.is_error)

    def _status(self) -> str:
        if self.ok is None:
            return ""
        return "OK: " if self.ok else "FAILED: "

    def __str__(self) -> str:
        lines = [redact(self._status() + self.title)]
        lines += [f"  {redact(n)}" for n in self.notes]
        if self.table is not None and not self.table.empty:
            with pd.option_context("display.max_columns", 12, "display.width", 120):
                text = self.table.to_string(max_rows=30, max_colwidth=60, index=False)
            lines += ["  " + line for line in redact(text).splitlines()]
        for f in self.findings:
            lines.append(f"  [{f.severity.value}] {redact(f.message)}")
            if f.fix:
                lines.append(f"      fix: {redact(f.fix)}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        color = "" if self.ok is None else ("#1b7f3b" if self.ok else "#b00020")
        style = f' style="color:{color}"' if color else ""
        parts = [f"<p><b{style}>{html.escape(redact(self._status() + self.title))}</b></p>"]
        parts += [f"<p>{html.escape(redact(n))}</p>" for n in self.notes]
        if self.table is not None and not self.table.empty:
            parts.append(redact(self.table.to_html(max_rows=50, escape=True, index=False)))
        parts += [_finding_html(f) for f in self.findings]
        return "\n".join(parts)


@dataclass(repr=False, eq=False)
class Result(RunResult):
    """A :class:`RunResult` whose ``repr`` is its readable text.

    The dataclass ``repr`` of a RunResult dumps every field, raw objects included (a PaymentIntent's
    ``client_secret`` unmasked); a terminal and Jupyter's text/plain should show the headline, the table
    (secrets masked) and the guidance instead.
    """

    def __repr__(self) -> str:
        return str(self)

    @classmethod
    def of(cls, result: RunResult) -> Result:
        if isinstance(result, Result):
            return result
        return cls(**{f.name: getattr(result, f.name) for f in dataclasses.fields(result)})


def _finding_html(f: Finding) -> str:
    doc = f' <a href="{html.escape(f.doc_url)}" target="_blank">docs</a>' if f.doc_url else ""
    fix = f"<br/><i>Fix: {html.escape(redact(f.fix))}</i>" if f.fix else ""
    return (
        f'<p style="color:{_COLORS[f.severity]}">{_MARKS[f.severity]} [{f.severity.value}] '
        f"{html.escape(redact(f.message))}{fix}{doc}</p>"
    )


def _findings_view(title: str, findings: Sequence[Finding], *, value: Any = None) -> View:
    ordered = sorted(findings, key=lambda f: -f.severity.rank)
    return View(title, ok=worst(findings) is not Severity.ERROR, findings=tuple(ordered), value=value)


def _key_view(report: KeyReport, field_: KeyField | None) -> View:
    where = f" in the {field_.label} field" if field_ is not None else ""
    title = f"{report.masked or '(empty)'}: a {report.description}{where}"
    notes = []
    if report.mode is not None:
        notes.append(
            "Test mode: safe to experiment, no real money moves."
            if report.mode.value == "test"
            else "Live mode: real customers, real money. Keep it out of the Editor and Staging."
        )
    return View(title, ok=report.ok, findings=report.findings, notes=tuple(notes), value=report)


def _connection_view(report: ConnectionReport) -> View:
    account = report.account.id or "unknown account"
    notes = [
        f"{report.environment}, {report.mode} mode, {report.target}, {account}"
        + (f", {report.latency_ms:.0f} ms" if report.latency_ms is not None else "")
    ]
    table = report.products if not report.products.empty else None
    findings = (*report.findings, *report.result.warnings, *report.result.guidance)
    return View(
        report.message, ok=report.ok, findings=findings, table=table, notes=tuple(notes), value=report
    )


def _verdict_view(verdict: webhooks.Verdict) -> View:
    notes = [verdict.explanation]
    if verdict.stripe_message and not verdict.ok:
        notes.insert(0, f"Stripe's SDK says: {verdict.stripe_message}")
    notes += list(verdict.hints)
    findings: tuple[Finding, ...] = ()
    if not verdict.ok:
        findings = (
            Finding(
                f"webhook.{verdict.code}", Severity.ERROR, verdict.explanation, verdict.fix, verdict.doc_url
            ),
        )
        notes.remove(verdict.explanation)
    return View(verdict.title, ok=verdict.ok, findings=findings, notes=tuple(notes), value=verdict)


def _preview_row(p: money.AmountPreview) -> dict[str, Any]:
    errors = [f for f in p.findings if f.is_error]
    others = [f for f in p.findings if not f.is_error]
    cur = money.CURRENCIES.get(p.currency)
    return {
        "you typed": p.text,
        "currency": p.currency,
        "decimals": cur.decimals if cur is not None else None,
        "sent to Stripe as": p.minor,
        "means": p.display,
        "verdict": errors[0].message if errors else (others[0].message if others else "ok"),
    }


def view(obj: object) -> Any:
    """The renderable form of a core result (RunResults already render themselves and come back as is)."""
    if isinstance(obj, View):
        return obj
    if isinstance(obj, RunResult):
        return Result.of(obj)
    if isinstance(obj, KeyReport):
        return _key_view(obj, None)
    if isinstance(obj, ConnectionReport):
        return _connection_view(obj)
    if isinstance(obj, webhooks.Verdict):
        return _verdict_view(obj)
    if isinstance(obj, money.AmountPreview):
        return _previews_view([obj])
    if isinstance(obj, Finding):
        return _findings_view(obj.message, [obj])
    if isinstance(obj, list | tuple) and all(isinstance(o, Finding) for o in obj):
        count = len(obj)
        return _findings_view(f"{count} finding{'s' if count != 1 else ''}", list(obj))
    if isinstance(obj, Mapping) and isinstance(obj.get("object"), str):
        return View(f"{obj['object']} {obj.get('id', '')}".strip(), table=to_table([obj]), value=obj)
    raise TypeError(
        f"Nothing to show for a {type(obj).__name__}: pass a RunResult, a KeyReport, a Verdict, findings, "
        "an AmountPreview or a Stripe object (dict)."
    )


def show(*objects: object) -> None:
    """Display each object: rich HTML inside Jupyter, plain text anywhere else.

    A cell shows only its last expression; ``show`` is for the ones before it.
    """
    rendered = [view(o) for o in objects]
    display = _jupyter_display()
    for r in rendered:
        if display is not None:
            display(r)
        else:
            print(str(r))


def _jupyter_display() -> Any:
    """IPython's ``display`` inside a kernel; None in plain Python (IPython is no dependency of core)."""
    try:
        getipython = importlib.import_module("IPython.core.getipython")
        display_module = importlib.import_module("IPython.display")
    except ImportError:
        return None
    if getipython.get_ipython() is None:
        return None
    return display_module.display


def brief(result: RunResult, *columns: str) -> View:
    """A run with only the columns that tell the story (each amount keeps its money column next to it).

    ``brief(intent, "status", "amount")`` → id, status, amount, amount (display), plus the warnings and the
    guidance of the run. Columns the objects do not have are skipped, not an error.
    """
    wanted = ["id", *columns] if "id" not in columns else list(columns)
    chosen: list[str] = []
    for name in wanted:
        for candidate in (name, name + DISPLAY_SUFFIX):
            if candidate in result.table.columns and candidate not in chosen:
                chosen.append(candidate)
    table = result.table[chosen] if chosen and not result.table.empty else None
    notes: tuple[str, ...] = ()
    if result.error is not None:
        e = result.error
        code = ", ".join(x for x in (e.type, e.code, e.decline_code) if x)
        notes = (f"Stripe answered {e.http_status}" + (f" ({code})" if code else "") + f": {e.message}",)
    return View(
        result.headline(),
        ok=result.ok,
        findings=(*result.warnings, *result.guidance),
        table=table,
        notes=notes,
        value=result,
    )


# ----------------------------------------------------------------------------------------------------------
# Keys, environments, money, webhooks: no connection needed


def _key_field(field_: KeyField | str | None) -> KeyField | None:
    if field_ is None or isinstance(field_, KeyField):
        return field_
    try:
        return _FIELD_ALIASES[field_.strip().lower()]
    except KeyError:
        raise ValueError(
            f"Unknown key field {field_!r}: use 'publishable', 'secret' (also for restricted keys) or "
            "'webhook_secret', or leave it out to judge the value alone."
        ) from None


def inspect_key(raw: str | Secret | None, field: KeyField | str | None = None) -> View:
    """What a pasted value is (publishable / secret / restricted key, whsec_, an object id…) and what is wrong
    with it for the field it was pasted into. The view shows only the masked key."""
    where = _key_field(field)
    return _key_view(_inspect_key(raw, where), where)


def check_environment(
    environment: Environment | str,
    *,
    publishable_key: str | Secret | None = None,
    secret_key: str | Secret | None = None,
    webhook_secret: str | Secret | None = None,
) -> View:
    """One environment's keys as WeWeb's connection form would hold them: mode, pairing, webhook settings."""
    env = Environment(environment.strip().lower() if isinstance(environment, str) else environment)
    config = EnvironmentConfig(
        _secret_or_none(publishable_key),
        _secret_or_none(secret_key),
        WebhookSettings(enabled=webhook_secret is not None, signing_secret=_secret_or_none(webhook_secret)),
    )
    findings = _check_environment(env, config)
    errors = sum(1 for f in findings if f.is_error)
    warnings = sum(1 for f in findings if f.severity is Severity.WARNING)
    if errors:
        title = f"{env.label}: {errors} problem{'s' if errors != 1 else ''} to fix"
    elif warnings:
        title = f"{env.label}: usable, but read the {warnings} warning{'s' if warnings != 1 else ''}"
    else:
        title = f"{env.label}: the keys fit this environment"
    return _findings_view(title, findings, value=findings)


def preview_amount(
    amount: str | int, currency: str = "usd", *, purpose: money.Purpose | str = money.Purpose.PAYMENT
) -> View:
    """What a minor-unit amount means in ``currency`` ("1000 usd → $10.00"), with every finding about it."""
    p = money.preview(amount, currency, purpose=purpose)
    title = p.line or f"{p.text} {p.currency}"
    return View(title, ok=p.ok, findings=p.findings, value=p)


def preview_amounts(
    amount: str | int,
    currencies: Iterable[str] = ("usd", "eur", "jpy", "kwd"),
    *,
    purpose: money.Purpose | str = money.Purpose.PAYMENT,
) -> View:
    """The same number in several currencies: why "1000" is $10.00 but ¥1,000 and KWD 1.000."""
    return _previews_view([money.preview(amount, c, purpose=purpose) for c in currencies])


def _previews_view(previews: Sequence[money.AmountPreview]) -> View:
    table = pd.DataFrame([_preview_row(p) for p in previews])
    table["decimals"] = table["decimals"].astype("Int64")
    table["sent to Stripe as"] = table["sent to Stripe as"].astype("Int64")
    text = ", ".join(sorted({p.text for p in previews}))
    title = f"{text} in the smallest currency unit means:"
    return View(title, ok=all(p.ok for p in previews), table=table, value=list(previews))


def verify_webhook(
    payload: bytes | str,
    signature_header: str | None,
    secret: str | Secret | None,
    *,
    tolerance: int | None = webhooks.DEFAULT_TOLERANCE,
) -> View:
    """Check a webhook the way a backend must (raw body, Stripe-Signature header, the endpoint's whsec_)."""
    return _verdict_view(webhooks.verify(payload, signature_header, secret, tolerance=tolerance))


def _secret_or_none(value: str | Secret | None) -> Secret | None:
    if value is None:
        return None
    return value if isinstance(value, Secret) else Secret(value)


# ----------------------------------------------------------------------------------------------------------
# A connection to Stripe or the sandbox


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

    Create it with :func:`connect` or :meth:`Sandbox.connect`. Each playground has its own client cache and
    its own record of what a restricted key may do (``KeyKnowledge``), so a 403 is remembered: the next call
    that needs the same permission is stopped before it is sent, with the fix.
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
        self._publishable = _secret_or_none(publishable_key)
        self.environment = Environment(
            environment.strip().lower() if isinstance(environment, str) else environment
        )
        self.api_base = normalize_api_base(api_base)
        self.name = name
        self.account_id = account_id
        self.knowledge = KeyKnowledge()
        self._clients = ClientCache()

    @property
    def target(self) -> Target:
        return Target(self._secret, self.api_base, self.environment.label, self.name)

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
        result = run(
            act,
            _flatten_inputs(act, inputs),
            target=self.target,
            confirm_live_write=confirm_live_write,
            idempotency_key=idempotency_key,
            load_all=load_all,
            clients=self._clients,
            knowledge=self.knowledge,
        )
        return Result.of(result)

    def check(self) -> View:
        """WeWeb's connection test: List Products. A list, even an empty one, means the connection works."""
        report = check_connection(
            self.connection, self.environment, clients=self._clients, knowledge=self.knowledge
        )
        return _connection_view(report)

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


# ----------------------------------------------------------------------------------------------------------
# The sandbox


@dataclass(frozen=True)
class SandboxAccount:
    """One sandbox account and its test keys (the secret key only as a :class:`Secret`)."""

    id: str
    publishable_key: Secret
    secret_key: Secret


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """The hosted page redirects to the merchant's success_url, which is not ours to fetch (no network)."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class Sandbox:
    """A running sandbox and its control API (accounts, restricted keys, the customer's side of payments).

    The control endpoints (``/_sandbox/…``) stand in for what a person does in the Dashboard or in the
    browser: create an account, create a restricted key, pass 3D Secure, fill in the Checkout page.
    """

    def __init__(self, api_base: str, handle: SandboxHandle | None = None) -> None:
        self.api_base = normalize_api_base(api_base)
        self.public_url = handle.public_url if handle is not None else self.api_base
        self._handle = handle

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

    # -- HTTP ------------------------------------------------------------------------------------------

    def _own(self, url: str) -> str:
        if not (url.startswith(self.api_base + "/") or url.startswith(self.public_url + "/")):
            raise ValueError(
                f"{redact(url)} is not a page of this sandbox ({self.api_base}): the sandbox helpers only "
                "talk to the sandbox, never to the internet."
            )
        return url

    def _post_json(self, path: str, payload: Mapping[str, object], key: Secret | None) -> dict[str, Any]:
        headers = {"Content-Type": "application/json"}
        if key is not None:
            headers["Authorization"] = f"Bearer {key.reveal()}"
        url = self._own(self.api_base + path)
        request = urllib.request.Request(  # noqa: S310 - the sandbox's own http address, checked above
            url, data=json.dumps(dict(payload)).encode(), headers=headers, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=_HTTP_TIMEOUT_S) as response:  # noqa: S310
                answer: dict[str, Any] = json.load(response)
                return answer
        except urllib.error.HTTPError as error:
            body = error.read().decode("utf-8", errors="replace")
            try:
                message = json.loads(body)["error"]["message"]
            except (ValueError, KeyError, TypeError):
                message = body[:300]
            raise SandboxError(f"POST {path} answered {error.code}: {redact(str(message))}") from None

    # -- accounts and keys ----------------------------------------------------------------------------

    def new_account(self) -> SandboxAccount:
        """A fresh, empty account: every playground gets its own data."""
        created = self._post_json("/_sandbox/accounts", {}, None)
        return SandboxAccount(
            created["id"], Secret(created["publishable_key"]), Secret(created["secret_key"])
        )

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
        key = owner.secret_key
        answer = self._post_json("/_sandbox/restricted_keys", {"permissions": list(permissions)}, key)
        return Secret(answer["key"])

    # -- the customer's side --------------------------------------------------------------------------

    def authenticate(
        self, owner: Playground | SandboxAccount, payment_intent: str, *, succeed: bool = True
    ) -> View:
        """Complete (or fail) the 3D Secure challenge of a PaymentIntent in ``requires_action``.

        In real Stripe the customer does this in their bank's window (Stripe.js shows it); the sandbox's
        control endpoint plays the customer.
        """
        outcome = "succeed" if succeed else "fail"
        path = f"/_sandbox/payment_intents/{urllib.parse.quote(payment_intent)}/authenticate"
        intent = self._post_json(path, {"outcome": outcome}, owner.secret_key)
        status = intent.get("status")
        title = f"3D Secure {'completed' if succeed else 'failed'}: {payment_intent} is now {status}"
        table = to_table([intent])
        table = table[[c for c in _INTENT_COLUMNS if c in table.columns]]
        return View(title, ok=status in ("succeeded", "requires_capture"), table=table, value=intent)

    def pay_checkout(
        self,
        session: Mapping[str, Any] | RunResult | str,
        *,
        card: str = "4242424242424242",
        email: str = "customer@example.com",
    ) -> View:
        """Fill in the hosted Checkout page the way a customer would: one plain form POST, no browser.

        ``session`` is the Checkout Session (or its ``url``). The page answers with a redirect to the
        ``success_url`` when the payment went through; that address is reported, not fetched.
        """
        url = self._session_url(session)
        body = urllib.parse.urlencode({"card": card, "email": email}).encode()
        request = urllib.request.Request(  # noqa: S310 - the sandbox's own page, checked by _session_url
            url, data=body, headers={"Content-Type": "application/x-www-form-urlencoded"}, method="POST"
        )
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            with opener.open(request, timeout=_HTTP_TIMEOUT_S) as response:
                page = response.read().decode("utf-8", errors="replace")
                status = int(response.status)
        except urllib.error.HTTPError as error:
            if error.code in (301, 302, 303, 307):
                location = error.headers.get("Location", "")
                return View(
                    f"Paid: the Checkout page redirected the customer to {location}",
                    ok=True,
                    notes=("Stripe would now send checkout.session.completed to your webhook endpoint.",),
                    value=location,
                )
            page, status = error.read().decode("utf-8", errors="replace"), error.code
        if "data-testid='auth-succeed'" in page:
            return View(
                "Not paid yet: the card needs 3D Secure, and the page now asks the customer to authenticate.",
                ok=False,
                value=page,
            )
        return View(f"Not paid (HTTP {status}): {_page_message(page)}", ok=False, value=page)

    def _session_url(self, session: Mapping[str, Any] | RunResult | str) -> str:
        if isinstance(session, RunResult):
            if session.object is None:
                raise ValueError("This result holds no Checkout Session: run create_checkout_session first.")
            session = session.object
        url = session if isinstance(session, str) else session.get("url")
        if not isinstance(url, str) or not url:
            raise ValueError("This Checkout Session has no url (is it still open, and in payment mode?).")
        return self._own(url)


class SandboxError(RuntimeError):
    """A control-API call the sandbox refused; the message is the sandbox's, with keys masked."""


_ERROR_RE: Final = re.compile(r"data-testid='(?:error|expired|complete)'>(.*?)</(?:div|p)>", re.DOTALL)


def _page_message(page: str) -> str:
    found = _ERROR_RE.search(page)
    if found:
        return html.unescape(re.sub(r"<[^>]+>", "", found.group(1))).strip()
    return "the page did not accept the payment."


def start_sandbox(port: int = 0, db: str | None = None) -> Sandbox:
    """Start a sandbox in this process (in memory unless ``db`` is a file), or use the one named by the
    ``PLAYGROUND_SANDBOX_URL`` environment variable. Stop it with ``.stop()`` (or a ``with`` block)."""
    external = os.environ.get(SANDBOX_URL_VARIABLE, "").strip()
    if external:
        return Sandbox(external)
    # Imported here, not at the top: core works without the sandbox (against real Stripe), and the sandbox
    # must never import core, so the dependency points one way only.
    from sandbox import start

    handle = start(port=port, db=db)
    return Sandbox(handle.api_base, handle)
