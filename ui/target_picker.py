"""Where the playground's calls go: the sidebar's active connection and environment, else the sandbox.

The sidebar (drawn before every page) owns the choice; the playground follows it so the person chooses in
one place. Before any connection exists, calls go to this session's own sandbox account, so the playground
works before the setup is done.
"""

from __future__ import annotations

import streamlit as st

from core.client import ClientCache
from core.environments import Connection, Environment
from core.runner import Target, environment_notices, target_for
from core.secrets import Secret
from ui import connections_step, findings, sandbox

_CLIENTS = "playground_clients"


def active() -> tuple[Connection | None, Target]:
    """The active connection (None before there is one) and where its active environment's calls go."""
    connections = connections_step.connections()
    if not connections:
        mine = sandbox.account()
        return None, Target(Secret(mine.secret_key), mine.api_base, "Editor", "Local sandbox")
    chosen = connections_step.find(st.session_state.get(connections_step.ACTIVE)) or connections[-1]
    env = st.session_state.get(connections_step.ACTIVE_ENVIRONMENT) or Environment.EDITOR.value
    return chosen, target_for(chosen, env)


def current() -> Target:
    """The target of the active connection and environment, or this session's sandbox account."""
    return active()[1]


def is_sandbox_account() -> bool:
    """True when calls go to a local sandbox (its control endpoints, e.g. 3D Secure, are usable)."""
    target = current()
    return target.is_sandbox and bool(target.secret)


def clients() -> ClientCache:
    """This session's one StripeClient cache (warm pools), for the setup test and the playground alike."""
    cache = st.session_state.get(_CLIENTS)
    if not isinstance(cache, ClientCache):
        cache = ClientCache()
        st.session_state[_CLIENTS] = cache
    return cache


def picker(page: str) -> Target:
    """One line saying where calls go (chosen in the sidebar); returns that target."""
    del page  # kept so every page states where it draws the line
    target = current()
    where = "the local sandbox" if target.is_sandbox else "Stripe (api.stripe.com)"
    name = target.connection_name or "Local sandbox"
    mode = f"{target.mode.upper()} mode" if target.mode is not None else "no key yet"
    line = f"Calls go to **{name} · {target.environment}** on {where}, {mode}."
    if connections_step.connections():
        st.caption(line + " Change the connection and environment in the sidebar.")
    else:  # the sidebar has nothing to change yet: say where a choice comes from
        st.caption(line + " To call another account, create a connection in step 2 (Connections).")
    if not target.secret:
        st.warning(
            f"The {target.environment} environment of {name} has no secret or restricted key: add one in "
            "step 2 (Connections), or pick another environment in the sidebar.",
            icon=":material/key_off:",
        )
    # Once per page, here at the top: under every result (every step of a flow) the same warning was noise.
    findings.render(environment_notices(target))
    return target
