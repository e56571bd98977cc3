"""Where the playground's calls go: this session's sandbox account, or one environment of a connection.

Every playground page shares one choice, kept in a plain session key (widget values do not survive a page
switch). The sandbox is always offered and is the default, so the playground works before any setup; each
connection adds one entry per environment that has a secret or restricted key.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from core.client import ClientCache
from core.environments import Connection, Environment
from core.runner import Target, target_for
from ui import sandbox, state

SANDBOX = "sandbox"
_CHOICE = "playground_target"  # plain session key: the chosen entry's value
_CLIENTS = "playground_clients"


@dataclass(frozen=True)
class Entry:
    """One place calls can go, as the picker lists it."""

    value: str  # stable id: "sandbox" or "<connection name>/<environment>"
    label: str


def _connections() -> list[Connection]:
    stored = st.session_state.get(state.CONNECTIONS, [])
    return [c for c in stored if isinstance(c, Connection)]


def entries() -> list[Entry]:
    """The sandbox first, then every connection environment that has a key to call with."""
    found = [Entry(SANDBOX, "Local sandbox (this session's test account)")]
    for connection in _connections():
        where = "sandbox" if connection.api_base else "Stripe"
        for env in Environment:
            if connection[env].secret_key:
                found.append(
                    Entry(f"{connection.name}/{env.value}", f"{connection.name} · {env.label} ({where})")
                )
    return found


def current_value() -> str:
    values = [e.value for e in entries()]
    chosen = st.session_state.get(_CHOICE, SANDBOX)
    return chosen if chosen in values else SANDBOX


def current() -> Target:
    """The target of the current choice (the sandbox account is created on first use)."""
    value = current_value()
    if value == SANDBOX:
        mine = sandbox.account()
        return Target(mine.secret_key, mine.api_base, "Editor", "Local sandbox")
    name, _, env = value.rpartition("/")
    for connection in _connections():
        if connection.name == name:
            return target_for(connection, env)
    mine = sandbox.account()  # pragma: no cover - current_value() only returns listed entries
    return Target(mine.secret_key, mine.api_base, "Editor", "Local sandbox")


def is_sandbox_account() -> bool:
    """True when calls go to this session's own sandbox account (its control endpoints are usable)."""
    return current_value() == SANDBOX


def clients() -> ClientCache:
    """This session's StripeClient cache (warm connection pools); never a module global."""
    cache = st.session_state.get(_CLIENTS)
    if not isinstance(cache, ClientCache):
        cache = ClientCache()
        st.session_state[_CLIENTS] = cache
    return cache


def _keep(widget_key: str) -> None:
    st.session_state[_CHOICE] = st.session_state[widget_key]


def picker(page: str) -> Target:
    """A select box for the target, drawn on ``page``; returns the chosen target."""
    options = entries()
    values = [e.value for e in options]
    labels = {e.value: e.label for e in options}
    widget_key = f"{page}_target"
    st.selectbox(
        "Calls go to",
        values,
        index=values.index(current_value()),
        format_func=lambda v: labels.get(v, v),
        key=widget_key,
        on_change=_keep,
        args=(widget_key,),
        help="The local sandbox needs no keys. Connections you set up appear here once they have a key.",
    )
    target = current()
    mode = target.mode.upper()
    where = "the local sandbox" if target.is_sandbox else "Stripe"
    st.caption(f"{target.environment} environment, {mode} mode, on {where}.")
    return target
