"""Step 3 of the setup: WeWeb's connection test (List Products) per environment, kept in the session.

The test itself is the environment's session's ``check_connection`` (``core.connection_test``). A result
is stored with a fingerprint of the key and server it ran against (a hash, never the key), so changing a key
makes the old result stale instead of leaving a green tick for keys that were never tested.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from core import runner
from core.client import cache_key
from core.connection_test import ConnectionReport
from core.environments import Connection, Environment
from core.permissions import PermissionMatrix
from core.results import DISPLAY_SUFFIX, Source
from ui import connections_step, sessions, state


@dataclass(frozen=True)
class StoredResult:
    fingerprint: str
    report: ConnectionReport


def _fingerprint(connection: Connection, env: Environment) -> str:
    target = runner.target_for(connection, env)
    return cache_key(target.secret, target.api_base)


def _results() -> dict[tuple[str, str], StoredResult]:
    stored: dict[tuple[str, str], StoredResult] = st.session_state.setdefault(state.TEST_RESULTS, {})
    return stored


def testable(connection: Connection) -> list[Environment]:
    """The environments with a secret or restricted key: the ones a test call can run for."""
    return [env for env in Environment if connection[env].secret_key]


def run(connection: Connection, env: Environment) -> ConnectionReport:
    """Run List Products for one environment and remember the report."""
    report = sessions.of(connection, env).check_connection()
    _results()[(connection.name, env.value)] = StoredResult(_fingerprint(connection, env), report)
    return report


def result(connection: Connection, env: Environment) -> ConnectionReport | None:
    """The last report for this environment, unless its key or server changed since."""
    stored = _results().get((connection.name, env.value))
    if stored is None or not connection[env].secret_key:
        return None
    return stored.report if stored.fingerprint == _fingerprint(connection, env) else None


def passed() -> list[tuple[str, Environment]]:
    """(connection name, environment) pairs whose current keys passed the test."""
    return [
        (connection.name, env)
        for connection in connections_step.connections()
        for env in Environment
        if (report := result(connection, env)) is not None and report.ok
    ]


def done() -> bool:
    return bool(passed())


def products_table(connection: Connection, env: Environment, report: ConnectionReport) -> pd.DataFrame:
    """The products with their default price as money, for people (not every Stripe field).

    Products only name their default price by id, so the prices are listed with the same key; a key that
    may not read prices gets the table without them.
    """
    products = report.products
    if products.empty:
        return products
    prices = sessions.of(connection, env).run("list_prices", {"limit": 100}, source=Source.CONNECTION_TEST)
    amounts: dict[str, str] = {}
    column = "unit_amount" + DISPLAY_SUFFIX
    if prices.ok and not prices.table.empty and column in prices.table:
        for _, row in prices.table.iterrows():
            interval = row.get("recurring.interval")
            shown = str(row[column]) if pd.notna(row[column]) else "custom amount"
            amounts[str(row["id"])] = f"{shown} / {interval}" if isinstance(interval, str) else shown
    table = pd.DataFrame(
        {
            "Product": products.get("name"),
            "ID": products.get("id"),
            "Active": products.get("active"),
            "Default price": [
                amounts.get(str(p), p if prices.ok else "(this key may not read prices)")
                if isinstance(p, str)
                else "—"
                for p in products.get("default_price", pd.Series([None] * len(products)))
            ],
            "Created": products.get("created"),
        }
    )
    return table


def permissions(connection: Connection, env: Environment) -> PermissionMatrix:
    """Probe what this environment's restricted key may read (and show what writes taught us)."""
    return sessions.of(connection, env).permissions()
