"""This browser session's :class:`core.session.StripeSession` objects: one per connection and environment.

They live in ``st.session_state`` (per user, never a module global), share the session's client cache, are
given the sandbox's control endpoints when they point at a sandbox, and publish every call to the request
log. A session is made for the key and address a slot has now: a changed key gets a new session (and
forgets what the old key was allowed to do).
"""

from __future__ import annotations

import streamlit as st

from core.client import cache_key
from core.environments import Connection, Environment
from core.runner import Target, target_for
from core.session import StripeSession
from ui import request_log, sandbox_control, target_picker

_SESSIONS = "playground_sessions"


def _store() -> dict[tuple[str, str, str], StripeSession]:
    store = st.session_state.get(_SESSIONS)
    if not isinstance(store, dict):
        store = {}
        st.session_state[_SESSIONS] = store
    return store


def for_target(target: Target, connection: Connection | None = None) -> StripeSession:
    """The session of ``target`` (made once per connection, environment and key), logging every call."""
    key = (target.connection_name, target.environment, cache_key(target.secret, target.api_base))
    store = _store()
    session = store.get(key)
    if session is None:
        session = store[key] = scratch(target, connection)
    elif connection is not None and session.connection is None:
        session.connection = connection
    return session


def of(connection: Connection, environment: Environment | str) -> StripeSession:
    """The session of one environment of ``connection`` (the setup test and its permission matrix)."""
    return for_target(target_for(connection, environment), connection)


def current() -> StripeSession:
    """The session where the playground's calls go: the sidebar's connection and environment, or this
    browser session's own sandbox account before any connection exists."""
    connection, target = target_picker.active()
    return for_target(target, connection)


def scratch(target: Target, connection: Connection | None = None) -> StripeSession:
    """A new session that logs every call (kept by :func:`for_target`; a pitfall demo's made-up keys get
    one that is never kept)."""
    session = StripeSession(
        target,
        clients=target_picker.clients(),
        control=sandbox_control.for_target(target),
        connection=connection,
    )
    session.subscribe(request_log.publish)
    return session
