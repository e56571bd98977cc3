"""The local Stripe sandbox behind the app: one server per process, one account per browser session.

The server is a shared resource (``st.cache_resource``: started once, on first use, by whichever session
comes first). Data is not shared: each session asks the server for its own account and keys
(``POST /_sandbox/accounts``), so two people on one server never see each other's products or payments.
The account lives in that session's state and nowhere else.

The server can die under a running app (a crash, a killed thread, a laptop's sleep). Every use probes it
(``/_sandbox/health``); a dead one is replaced by a new server on the same SQLite file, so each session keeps
its account and data, moves its connections to the new address and is told what happened.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import threading
from pathlib import Path

import streamlit as st

import sandbox
from core.secrets import Secret
from sandbox.control import ControlClient, SandboxAccount
from ui import state

__all__ = ["ACCOUNT", "DATA_DIR_ENV_VAR", "SandboxAccount", "account", "alive", "restricted_key", "server"]

DATA_DIR_ENV_VAR = "PLAYGROUND_DATA_DIR"
ACCOUNT = "setup_sandbox_account"


def data_dir() -> Path:
    """Where the sandbox keeps its SQLite file: a per-user cache folder, never the project folder."""
    configured = os.environ.get(DATA_DIR_ENV_VAR)
    path = Path(configured) if configured else Path(tempfile.gettempdir()) / "stripe-setup-playground"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


@st.cache_resource(show_spinner="Starting the local Stripe sandbox…")
def _started() -> sandbox.SandboxHandle:
    handle = sandbox.start(port=0, db=str(data_dir() / "sandbox.sqlite3"))
    _servers()[handle.api_base] = handle
    return handle


@st.cache_resource
def _servers() -> dict[str, sandbox.SandboxHandle]:
    """The servers this process started, by address (process-wide, like ``_started``; no user data)."""
    return {}


def _running_here(api_base: str) -> bool:
    """True, without a network round trip, when this process's own server at ``api_base`` is still serving.

    The HTTP probe (``alive``) on every script run cost about 0.5 ms of each rerun (bench/page_rerun.py);
    a server this process started is alive exactly while it runs (``SandboxHandle.is_running``). Anything
    else (another address, a stopped server) still gets the real probe.
    """
    handle = _servers().get(api_base)
    return handle is not None and handle.is_running


def alive(api_base: str) -> bool:
    """Does a sandbox answer at ``api_base``? (Its health endpoint, with a short timeout.)"""
    return ControlClient(api_base).health()


def server() -> sandbox.SandboxHandle:
    """The process-wide sandbox server on a free loopback port; restarted (same database) if it died."""
    handle = _started()
    if alive(handle.api_base):
        return handle
    _started.clear()
    # Release the dead server's threads and file off the request path.
    threading.Thread(target=_stop_quietly, args=(handle,), daemon=True).start()
    return _started()


def _stop_quietly(handle: sandbox.SandboxHandle) -> None:
    with contextlib.suppress(Exception):
        handle.stop()


def account() -> SandboxAccount:
    """This session's account, created on first use (and moved to a restarted server)."""
    existing = st.session_state.get(ACCOUNT)
    if isinstance(existing, SandboxAccount) and (
        _running_here(existing.api_base) or alive(existing.api_base)
    ):
        return existing
    handle = server()
    if isinstance(existing, SandboxAccount):
        return _moved(existing, handle)
    fresh = handle.control().create_account()
    st.session_state[ACCOUNT] = fresh
    return fresh


def _moved(old: SandboxAccount, handle: sandbox.SandboxHandle) -> SandboxAccount:
    """The sandbox at ``old.api_base`` is gone and ``handle`` replaced it: keep the account when the new
    server knows it (same database file), else make a new one; point this session's connections at the new
    address and say what happened."""
    kept = handle.control(old.secret_key).knows_key()
    if kept:
        fresh = SandboxAccount(old.id, handle.api_base, old.publishable_key, old.secret_key)
        st.session_state[ACCOUNT] = fresh
    else:
        st.session_state.pop(ACCOUNT, None)
        fresh = account()
    for connection in st.session_state.get(state.CONNECTIONS, []):
        if getattr(connection, "api_base", None) == old.api_base:
            connection.api_base = handle.api_base
    what = (
        f"your sandbox account `{fresh.id}` and its data were kept"
        if kept
        else f"this session got a new sandbox account `{fresh.id}` (the old one was not in its database)"
    )
    st.warning(
        f"The local sandbox stopped answering at {old.api_base}, so it was restarted at {handle.api_base}: "
        f"{what}, and your sandbox connections now use the new address.",
        icon=":material/restart_alt:",
    )
    return fresh


def restricted_key(permissions: list[str]) -> Secret:
    """A new restricted key on this session's account with exactly ``permissions`` (``rak_product_read``…)."""
    mine = account()
    return Secret(ControlClient(mine.api_base, mine.secret_key).restricted_key(permissions))
