"""WeWeb's connection test, done the same way: run List Products with the environment's key.

The Setup page says "If you see a list (even if empty), the connection works", so an empty list is a
success here too, said in so many words. On top of that we report what a person setting up keys needs to
know: which mode the key is in, which account it belongs to, how fast the answer came, everything wrong with
the key/environment pairing, and on failure the pitfall guidance.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Final

import pandas as pd
import stripe

from core.client import ClientCache, ClientConfigError
from core.environments import Connection, Environment, check_environment
from core.findings import Finding, Severity
from core.keys import Mode
from core.permissions import KeyKnowledge
from core.results import RunResult, Source
from core.runner import Target, execute, target_for
from core.transport import Call, Transport

EMPTY_LIST_MESSAGE: Final = "The list is empty, and that still means the connection works."
_ACCOUNT_IN_MESSAGE: Final = re.compile(r"on account '(acct_[0-9A-Za-z]+)'")


@dataclass(frozen=True)
class AccountInfo:
    id: str | None
    name: str | None = None
    email: str | None = None
    country: str | None = None
    source: str = ""  # "GET /v1/account", "403 message", or why it is unknown


@dataclass
class ConnectionReport:
    ok: bool
    message: str
    environment: str
    mode: str
    target: str
    account: AccountInfo
    latency_ms: float | None
    result: RunResult
    findings: list[Finding] = field(default_factory=list)  # key/environment problems, before the call

    @property
    def products(self) -> pd.DataFrame:
        return self.result.table

    @property
    def guidance(self) -> list[Finding]:
        return self.result.guidance

    def __str__(self) -> str:
        lines = [
            ("OK: " if self.ok else "FAILED: ") + self.message,
            f"  environment {self.environment}, {self.mode} mode, {self.target}"
            + (f", account {self.account.id}" if self.account.id else "")
            + (f" ({self.account.name})" if self.account.name else "")
            + (f", {self.latency_ms:.0f} ms" if self.latency_ms is not None else ""),
        ]
        for f in [*self.findings, *self.result.guidance]:
            lines.append(f"  [{f.severity.value}] {f.message} → {f.fix}")
        return "\n".join(lines)


def _environment_findings(
    connection: Connection | None, environment: Environment | str | None
) -> list[Finding]:
    if connection is None or environment is None:
        return []
    return list(check_environment(environment, connection[environment]))


def fetch_account(transport: Transport, source: Source = Source.CONNECTION_TEST) -> AccountInfo:
    """The account behind the key, when the server can say (the local sandbox may not emulate it)."""
    answer = transport.send(
        Call(
            "retrieve_account",
            "Retrieve Account",
            "GET",
            "/v1/account",
            {},
            source,
            sdk_call="v1.accounts.retrieve_current",
        )
    )
    error = answer.error
    if isinstance(error, stripe.PermissionError):
        found = _ACCOUNT_IN_MESSAGE.search(str(error.user_message or error))
        return AccountInfo(
            found.group(1) if found else None,
            source="from the 403 message (the restricted key may not read account details)",
        )
    if isinstance(error, stripe.InvalidRequestError):
        return AccountInfo(None, source="this server does not provide GET /v1/account (the local sandbox)")
    if error is not None or answer.body is None:
        return AccountInfo(None, source=f"GET /v1/account failed: {type(error).__name__}")
    account = answer.body
    settings = account.get("settings") or {}
    dashboard = settings.get("dashboard") or {} if isinstance(settings, dict) else {}
    profile = account.get("business_profile") or {}
    name = dashboard.get("display_name") or (profile.get("name") if isinstance(profile, dict) else None)
    return AccountInfo(
        account.get("id"),
        name=name,
        email=account.get("email"),
        country=account.get("country"),
        source="GET /v1/account",
    )


def check_connection(
    connection: Connection | None = None,
    environment: Environment | str | None = None,
    *,
    target: Target | None = None,
    clients: ClientCache | None = None,
    client: stripe.StripeClient | None = None,
    knowledge: KeyKnowledge | None = None,
    limit: int = 10,
) -> ConnectionReport:
    """List Products for one environment and explain the outcome. Never raises for bad keys or networks."""
    if target is None:
        if connection is None or environment is None:
            raise TypeError("check_connection() needs a connection and an environment, or a target")
        target = target_for(connection, environment)
    transport = Transport(target, clients=clients, client=client)
    return connection_report(
        transport, knowledge=knowledge, findings=_environment_findings(connection, environment), limit=limit
    )


def connection_report(
    transport: Transport,
    *,
    knowledge: KeyKnowledge | None = None,
    findings: list[Finding] | None = None,
    limit: int = 10,
    source: Source = Source.CONNECTION_TEST,
) -> ConnectionReport:
    """:func:`check_connection` over a session's transport; ``findings`` are the environment's own
    problems, found before the call (``core.environments.check_environment``)."""
    tgt = transport.target
    findings = list(findings or [])
    reachable = True
    try:
        transport.client()
    except ClientConfigError as error:
        reachable = False
        findings.append(Finding("client.config", Severity.ERROR, str(error), "Fix the connection settings."))
    result = execute(transport, "list_products", {"limit": limit}, knowledge=knowledge, source=source)
    latency = result.request.duration_ms if result.request else None
    if result.ok:
        count = len(result.objects)
        message = (
            EMPTY_LIST_MESSAGE
            if count == 0
            else f"The connection works: List Products returned {count} product{'s' if count != 1 else ''}"
            + (" (and more)." if result.has_more else ".")
        )
        account = fetch_account(transport, source) if reachable else AccountInfo(None)
        modes = {o.get("livemode") for o in result.objects}
        if (modes == {True} and tgt.mode is Mode.TEST) or (modes == {False} and tgt.mode is Mode.LIVE):
            findings.append(
                Finding(
                    "connection.mode_mismatch",
                    Severity.WARNING,
                    f"The key says {tgt.mode_name} mode but the products came back with "
                    f"livemode={modes.pop()}.",
                    "Check that the key and the server belong together.",
                )
            )
    else:
        message = result.headline()
        if result.request is not None and result.request.sent and result.request.status is None:
            # No answer at all: the guidance below says which address failed and what to do; said once.
            message = "The connection does not work yet: the server did not answer."
        elif result.error is not None:
            message = f"The connection does not work yet: {result.error.message}"
        account = AccountInfo(None, source="unknown: the call failed")
        if result.error is not None and result.error.http_status == 403:
            found = _ACCOUNT_IN_MESSAGE.search(result.error.message)
            if found:
                account = AccountInfo(found.group(1), source="from the 403 message")
    return ConnectionReport(
        ok=result.ok,
        message=message,
        environment=tgt.environment,
        mode=tgt.mode_name,
        target=tgt.target_name,
        account=account,
        latency_ms=latency,
        result=result,
        findings=findings,
    )
