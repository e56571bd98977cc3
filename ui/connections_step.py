"""Step 2 of the setup: named connections, each with keys and webhook settings per environment.

Connections live in the session as ``core.environments.Connection`` objects (a list, in creation order); the
checks are ``core.environments.check_environment``. This module only keeps them and wires them to widgets.
"""

from __future__ import annotations

import re

import streamlit as st

from core.client import Server
from core.environments import Connection, Environment, check_environment
from core.findings import Finding, has_errors
from core.secrets import Secret
from ui import key_input, keys_step, sandbox, state

SERVER_LABELS = {
    Server.SANDBOX: "Local sandbox (test mode, no Stripe account needed)",
    Server.STRIPE: "Stripe (api.stripe.com, needs internet)",
}
ACTIVE = "setup_active_connection"  # the name of the connection the sidebar shows
ACTIVE_ENVIRONMENT = "setup_active_environment"  # an Environment value


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
        return "Give the connection a name, e.g. “Stripe – Editor” or “Stripe – Production”."
    clash = next((c.name for c in connections() if slug(c.name) == slug(cleaned)), None)
    if clash is not None:
        return f"A connection named “{clash}” exists already: pick another name, or edit that one below."
    return None


def activate(name: str) -> None:
    """Make ``name`` the active connection; if its active environment has no key, switch to one that has."""
    st.session_state[ACTIVE] = name
    connection = find(name)
    if connection is None:
        return
    env = Environment(st.session_state.get(ACTIVE_ENVIRONMENT, Environment.EDITOR.value))
    if not connection[env].secret_key:
        with_keys = [e for e in Environment if connection[e].secret_key]
        if with_keys:
            st.session_state[ACTIVE_ENVIRONMENT] = with_keys[0].value


def add(connection: Connection) -> None:
    """Add a connection and make it the active one."""
    st.session_state[state.CONNECTIONS] = [*connections(), connection]
    activate(connection.name)


def create(name: str, server: Server | str) -> Connection:
    connection = Connection(name=name.strip(), api_base=_api_base(server))
    add(connection)
    return connection


def set_server(connection: Connection, server: Server | str) -> None:
    connection.api_base = _api_base(server)


def remove(name: str) -> None:
    st.session_state[state.CONNECTIONS] = [c for c in connections() if c.name != name]
    results = st.session_state.get(state.TEST_RESULTS, {})
    for key in [k for k in results if k[0] == name]:
        del results[key]


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
    connection[env].secret_key = mine.secret_key


def findings(connection: Connection, env: Environment) -> list[Finding]:
    return check_environment(env, connection[env])


def env_ready(connection: Connection, env: Environment) -> bool:
    """This environment has a secret key and nothing in it is an error: a test call can run."""
    return bool(connection[env].secret_key) and not has_errors(findings(connection, env))


def done() -> bool:
    """Step 2 is done: at least one environment of one connection is ready."""
    return any(env_ready(c, env) for c in connections() for env in Environment)
