"""Step 2 of the setup: named connections, each with keys and webhook settings per environment.

Connections live in the session as ``core.environments.Connection`` objects (a list, in creation order); the
checks are ``core.environments.check_environment``. This module only keeps them and wires them to widgets.
"""

from __future__ import annotations

import re

import streamlit as st

from core import runner
from core.client import Server
from core.environments import Connection, Environment, check_environment
from core.findings import Finding, has_errors
from core.keys import Mode
from core.secrets import Secret
from ui import key_input, keys_step, sandbox, state

SERVER_LABELS = {
    Server.SANDBOX: "Local sandbox (test mode, no Stripe account needed)",
    Server.STRIPE: "Stripe (api.stripe.com, needs internet)",
}
ACTIVE = "setup_active_connection"  # the name of the connection the sidebar shows
ACTIVE_ENVIRONMENT = "setup_active_environment"  # an Environment value
EDITING = (
    "setup_editing_connection"  # the connection Step 2 edits (the active one unless a live switch waits)
)
EDITING_ENVIRONMENT = "setup_editing_environment"
CONFIRMED_LIVE = (
    "setup_confirmed_live"  # {(connection name, environment value)} the person chose to call live
)
PENDING_LIVE = "setup_pending_live"  # (connection name, environment value) waiting for a yes
_LAST_SAFE = "setup_last_safe_target"  # the last active (name, environment) that was not live
REMOVED = "setup_removed_connection"  # (index, Connection): the last deleted one, until the next change


def connections() -> list[Connection]:
    """This session's connections, oldest first."""
    stored = st.session_state.get(state.CONNECTIONS)
    if not isinstance(stored, list):
        stored = []
        st.session_state[state.CONNECTIONS] = stored
    return [c for c in stored if isinstance(c, Connection)]


def slug(name: str) -> str:
    """A widget-key-safe form of a connection name ("Stripe – Editor" → "stripe-editor")."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "connection"


def find(name: str | None) -> Connection | None:
    return next((c for c in connections() if c.name == name), None)


def _api_base(server: Server | str) -> str | None:
    return sandbox.account().api_base if Server(server) is Server.SANDBOX else None


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a new connection's name, or None."""
    cleaned = name.strip()
    if not cleaned:
        return "Give the connection a name, e.g. “Stripe” (one Stripe account, its keys per environment)."
    clash = next((c.name for c in connections() if slug(c.name) == slug(cleaned)), None)
    if clash is not None:
        return f"A connection named “{clash}” exists already: pick another name, or edit that one below."
    return None


def activate(name: str) -> None:
    """Make ``name`` the active connection; if its active environment has no key, switch to one that has
    (a test one first: a slot with live keys is only proposed, see :func:`propose`)."""
    connection = find(name)
    if connection is None:
        st.session_state[ACTIVE] = name
        return
    env = Environment(st.session_state.get(ACTIVE_ENVIRONMENT, Environment.EDITOR.value))
    if not connection[env].secret_key:
        with_keys = [e for e in Environment if connection[e].secret_key]
        with_keys.sort(key=lambda e: _is_live(name, e.value))  # test slots first
        if with_keys:
            env = with_keys[0]
    propose(name, env.value)


def propose(name: str, env: str) -> None:
    """Make (``name``, ``env``) where calls go, unless it has live keys nobody said yes to: then keep calls
    where they go and ask (the sidebar shows the question)."""
    if _is_live(name, env) and (name, env) not in st.session_state.get(CONFIRMED_LIVE, set()):
        st.session_state[PENDING_LIVE] = (name, env)
        return
    st.session_state[ACTIVE], st.session_state[ACTIVE_ENVIRONMENT] = name, env


def add(connection: Connection) -> None:
    """Add a connection and make it the active one (unless that would mean live keys: :func:`guard_live`)."""
    st.session_state.pop(REMOVED, None)  # a change: the last delete can no longer be undone
    st.session_state[state.CONNECTIONS] = [*connections(), connection]
    st.session_state[EDITING] = connection.name
    activate(connection.name)
    st.session_state[EDITING_ENVIRONMENT] = st.session_state.get(ACTIVE_ENVIRONMENT, Environment.EDITOR.value)


def editing() -> tuple[str | None, Environment]:
    """Which connection and environment Step 2 shows: the last one picked there, else the active one."""
    name = st.session_state.get(EDITING) or st.session_state.get(ACTIVE)
    env = st.session_state.get(EDITING_ENVIRONMENT) or st.session_state.get(ACTIVE_ENVIRONMENT) or "editor"
    return name, Environment(env)


def edit(name: str | None = None, env: Environment | str | None = None) -> None:
    """Step 2 moves to this connection or environment, and proposes it as the active one (the sidebar
    follows, unless it has live keys: then it asks, see :func:`guard_live`)."""
    if name is not None:
        st.session_state[EDITING] = name
        activate(name)
        st.session_state[EDITING_ENVIRONMENT] = st.session_state.get(ACTIVE_ENVIRONMENT, "editor")
    if env is not None:
        st.session_state[EDITING_ENVIRONMENT] = Environment(env).value
        name = editing()[0]
        if name is not None:
            propose(name, Environment(env).value)


def _is_live(name: str | None, env: str | None) -> bool:
    connection = find(name)
    if connection is None or env is None:
        return False
    return runner.target_for(connection, env).mode is Mode.LIVE


def guard_live() -> None:
    """No silent switch to live keys: if the active connection and environment have just become live (a new
    connection, a pasted key, a pick, a ``.env``), go back to the last test target and ask first.

    Runs at the start of every script run (the sidebar), so whatever changed the state in a callback is
    judged before anything is drawn or called. A yes is kept per (connection, environment) for the session.
    """
    name, env = st.session_state.get(ACTIVE), st.session_state.get(ACTIVE_ENVIRONMENT)
    if not _is_live(name, env):
        if find(name) is not None:
            st.session_state[_LAST_SAFE] = (name, env)
        return
    if (name, env) in st.session_state.get(CONFIRMED_LIVE, set()):
        return
    st.session_state[PENDING_LIVE] = (name, env)
    safe = st.session_state.get(_LAST_SAFE)
    if safe is None or _is_live(*safe) or find(safe[0]) is None:
        # Nothing safe to go back to: stay on this connection, on a slot without live keys.
        connection = find(name)
        assert connection is not None  # _is_live found it
        fallback = next((e.value for e in Environment if not _is_live(name, e.value)), None)
        safe = (name, fallback) if fallback is not None else None
    if safe is not None:
        st.session_state[ACTIVE], st.session_state[ACTIVE_ENVIRONMENT] = safe


def confirm_live() -> None:
    """Button callback: yes, call the pending live connection and environment."""
    pending = st.session_state.pop(PENDING_LIVE, None)
    if pending is None:
        return
    confirmed = set(st.session_state.get(CONFIRMED_LIVE, set()))
    confirmed.add(tuple(pending))
    st.session_state[CONFIRMED_LIVE] = confirmed
    st.session_state[ACTIVE], st.session_state[ACTIVE_ENVIRONMENT] = pending


def decline_live() -> None:
    """Button callback: no, stay where calls go now."""
    st.session_state.pop(PENDING_LIVE, None)


STEP_ONE_NOTE = "setup_step_one_keys_moved"  # where step 1's keys went, said once on the next run


def create(name: str, server: Server | str) -> Connection:
    """A new connection; the first one receives step 1's keys, so nobody copies them by hand."""
    first = not connections()
    connection = Connection(name=name.strip(), api_base=_api_base(server))
    if first:
        _take_step_one_keys(connection)
    add(connection)
    return connection


def _take_step_one_keys(connection: Connection) -> None:
    """Step 1's keys, when usable, into the slot their mode belongs in: test keys into the Editor, live keys
    into Production (never a live key into the Editor, the guide's first pitfall)."""
    if not keys_step.done():
        return
    _, secret = keys_step.reports()
    env = Environment.PRODUCTION if secret is not None and secret.mode is Mode.LIVE else Environment.EDITOR
    copy_step_one_keys(connection, env)
    st.session_state[STEP_ONE_NOTE] = (
        f"Your keys from step 1 are in the {env.label} slot of “{connection.name}”: nothing to copy."
    )


def set_server(connection: Connection, server: Server | str) -> None:
    connection.api_base = _api_base(server)


def remove(name: str) -> None:
    """Delete a connection; :func:`undo_remove` brings it back until the next change."""
    current = connections()
    index = next((i for i, c in enumerate(current) if c.name == name), None)
    if index is None:
        return
    st.session_state[REMOVED] = (index, current[index])
    st.session_state[state.CONNECTIONS] = [c for c in current if c.name != name]
    results = st.session_state.get(state.TEST_RESULTS, {})
    for key in [k for k in results if k[0] == name]:
        del results[key]
    if st.session_state.get(EDITING) == name:
        st.session_state.pop(EDITING, None)


def undo_remove() -> None:
    """Button callback: put the last deleted connection back where it was (its test results are gone)."""
    removed = st.session_state.pop(REMOVED, None)
    if removed is None:
        return
    index, connection = removed
    if find(connection.name) is not None:
        return  # a connection of that name was made since: nothing to put back
    current = connections()
    current.insert(min(index, len(current)), connection)
    st.session_state[state.CONNECTIONS] = current
    st.session_state[EDITING] = connection.name


def replace(connection: Connection) -> None:
    """A connection takes the place of the same-named one (a .env loaded over it), keeping its position."""
    current = connections()
    index = next((i for i, c in enumerate(current) if c.name == connection.name), len(current))
    st.session_state.pop(REMOVED, None)
    st.session_state[state.CONNECTIONS] = [*current[:index], connection, *current[index + 1 :]]
    results = st.session_state.get(state.TEST_RESULTS, {})
    for key in [k for k in results if k[0] == connection.name]:
        del results[key]
    st.session_state[EDITING] = connection.name
    activate(connection.name)


def key_store(
    connection: Connection, env: Environment, which: str
) -> tuple[key_input.Getter, key_input.Setter]:
    """Get/set one key of one environment: ``which`` is publishable, secret or webhook."""
    config = connection[env]

    def get() -> Secret | None:
        if which == "publishable":
            return config.publishable_key or None
        if which == "secret":
            return config.secret_key or None
        return config.webhook.signing_secret or None

    def put(value: Secret | None) -> None:
        if which == "publishable":
            config.publishable_key = value
        elif which == "secret":
            config.secret_key = value
        else:
            config.webhook.signing_secret = value

    return get, put


def copy_step_one_keys(connection: Connection, env: Environment) -> None:
    """Button callback: the keys pasted in step 1 go into this environment."""
    config = connection[env]
    config.publishable_key = keys_step.publishable_store()[0]()
    config.secret_key = keys_step.secret_store()[0]()


def use_sandbox_keys(connection: Connection, env: Environment) -> None:
    """Button callback: this session's sandbox keys go into this environment (and the connection to it)."""
    mine = sandbox.account()
    connection.api_base = mine.api_base
    connection[env].publishable_key = Secret(mine.publishable_key)
    connection[env].secret_key = Secret(mine.secret_key)


def findings(connection: Connection, env: Environment) -> list[Finding]:
    return check_environment(env, connection[env])


def env_ready(connection: Connection, env: Environment) -> bool:
    """This environment has a secret key and nothing in it is an error: a test call can run."""
    return bool(connection[env].secret_key) and not has_errors(findings(connection, env))


def done() -> bool:
    """Step 2 is done: at least one environment of one connection is ready."""
    return any(env_ready(c, env) for c in connections() for env in Environment)
