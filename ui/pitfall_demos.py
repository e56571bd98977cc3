"""One-click examples of the setup guide's pitfalls, each run for real against this session's sandbox.

Every example goes through a :class:`core.session.StripeSession` like a real call (its connection test, its
``run``), recorded in the request log as a demo, so what the person sees is exactly what the app would show
them if they made the mistake themselves.
"""

from __future__ import annotations

import secrets
import string
from collections.abc import Callable
from dataclasses import dataclass, field

import streamlit as st

from core.environments import Connection, Environment, EnvironmentConfig
from core.findings import Finding
from core.money import format_minor
from core.results import Source
from core.runner import Target, target_for
from core.secrets import Secret
from core.session import StripeSession
from ui import sandbox, sessions

_ALPHANUMERIC = string.ascii_letters + string.digits


@dataclass(frozen=True)
class Outcome:
    """What the example produced: the app's headline, the findings with fixes, and notes on what ran."""

    headline: str
    findings: list[Finding]
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Demo:
    pitfall_id: str
    button: str
    what_it_does: str
    run: Callable[[], Outcome]


def _fake_key(prefix: str) -> str:
    """A well-formed but made-up key (current keys: prefix + "51" + 97 characters); it opens no account."""
    return prefix + "51" + "".join(secrets.choice(_ALPHANUMERIC) for _ in range(97))


def _sandbox_connection(publishable: str, secret: Secret, name: str) -> Connection:
    mine = sandbox.account()
    config = EnvironmentConfig(publishable_key=Secret(publishable), secret_key=secret)
    return Connection(name=name, environments={Environment.EDITOR: config}, api_base=mine.api_base)


def _session() -> StripeSession:
    """This browser session's own sandbox account (the same session the playground uses before setup)."""
    mine = sandbox.account()
    return sessions.for_target(
        Target(Secret(mine.secret_key), mine.api_base, Environment.EDITOR.label, "Local sandbox")
    )


def _demo_session(connection: Connection) -> StripeSession:
    """A one-off session for a demo's made-up or throwaway keys: logged, never kept."""
    return sessions.scratch(target_for(connection, Environment.EDITOR), connection)


def live_key_in_editor() -> Outcome:
    connection = _sandbox_connection(
        _fake_key("pk_live_"), Secret(_fake_key("sk_live_")), "Example: live keys in the Editor"
    )
    report = _demo_session(connection).check_connection(source=Source.DEMO)
    return Outcome(
        report.message,
        [*report.findings, *report.guidance],
        ["Made-up live keys (pk_live_…, sk_live_…) went into an Editor connection; List Products ran."],
    )


def amount_in_dollars() -> Outcome:
    inputs = {"amount": 10, "currency": "usd"}
    result = _session().run("create_payment_intent", inputs, source=Source.DEMO)
    return Outcome(
        result.headline(),
        [*result.warnings, *result.guidance],
        [
            f"Create Payment Intent with amount 10 and currency usd: 10 is {format_minor(10, 'usd')}, "
            f"{format_minor(1000, 'usd')} would be 1000.",
        ],
    )


def restricted_key_without_products() -> Outcome:
    key = sandbox.restricted_key([])
    connection = _sandbox_connection(
        sandbox.account().publishable_key, key, "Example: restricted key without permissions"
    )
    report = _demo_session(connection).check_connection(source=Source.DEMO)
    return Outcome(
        report.message,
        [*report.findings, *report.guidance],
        [f"A new restricted key ({key.masked[:8]}…) with no permissions at all ran List Products."],
    )


def cancel_succeeded_payment_intent() -> Outcome:
    session = _session()
    created = session.run(
        "create_payment_intent",
        {
            "amount": 1000,
            "currency": "usd",
            "payment_method": "pm_card_visa",
            "payment_method_types": ["card"],
            "confirm": True,
        },
        source=Source.DEMO,
    )
    intent = created.object
    if not created.ok or intent is None:
        return Outcome(created.headline(), [*created.warnings, *created.guidance])
    canceled = session.run("cancel_payment_intent", {"id": intent["id"]}, source=Source.DEMO)
    return Outcome(
        canceled.headline(),
        [*canceled.warnings, *canceled.guidance],
        [
            f"A {format_minor(1000, 'usd')} Payment Intent was paid with the test card pm_card_visa "
            f"(status: {intent.get('status')}), then Cancel Payment Intent ran on it.",
        ],
    )


DEMOS: dict[str, Demo] = {
    demo.pitfall_id: demo
    for demo in (
        Demo(
            "live_key_in_editor",
            "Put live keys in the Editor",
            "Creates an Editor connection with made-up live keys and runs the connection test.",
            live_key_in_editor,
        ),
        Demo(
            "amounts_in_cents",
            "Charge “10” meaning $10",
            "Runs Create Payment Intent with amount 10 in usd on your sandbox account.",
            amount_in_dollars,
        ),
        Demo(
            "restricted_key_permissions",
            "Use a restricted key without Products access",
            "Creates a restricted key with no permissions on your sandbox account and runs List Products.",
            restricted_key_without_products,
        ),
        Demo(
            "payment_intent_cannot_be_canceled",
            "Cancel a succeeded Payment Intent",
            "Pays a $10.00 Payment Intent with a test card, then tries to cancel it.",
            cancel_succeeded_payment_intent,
        ),
    )
}


def _state_key(pitfall_id: str) -> str:
    return f"pitfalls_demo_{pitfall_id}"


def trigger(pitfall_id: str) -> None:
    """Button callback: run the example and keep its outcome for this session."""
    st.session_state[_state_key(pitfall_id)] = DEMOS[pitfall_id].run()


def outcome(pitfall_id: str) -> Outcome | None:
    found = st.session_state.get(_state_key(pitfall_id))
    return found if isinstance(found, Outcome) else None
