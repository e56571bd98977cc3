"""The first screen's job: say what is running (the sandbox, this session's own account) and how to switch
to a real Stripe account."""

from __future__ import annotations

import streamlit as st

from ui import sandbox

_FAILURE = "setup_sandbox_failure"


def ensure_sandbox() -> None:
    """Called by the frame on every run: this session's sandbox account exists from its first page on.

    The server starts once per process; the account is created once per session; a dead server is restarted
    (``ui.sandbox.account`` probes it on every run). If the sandbox cannot start, the app still works with
    real Stripe keys, so the failure is remembered and shown, not raised.
    """
    try:
        sandbox.account()  # created on first use; moved to a restarted server if the sandbox died
        st.session_state.pop(_FAILURE, None)
    except Exception as error:  # a port, disk or SQLite problem: report it on Home, keep the app usable
        st.session_state[_FAILURE] = type(error).__name__


def sandbox_banner() -> None:
    """Say what is running: this session's sandbox account, and how to switch to real Stripe."""
    mine = st.session_state.get(sandbox.ACCOUNT)
    if not isinstance(mine, sandbox.SandboxAccount):
        failure = st.session_state.get(_FAILURE, "unknown error")
        st.error(
            f"The local sandbox could not start ({failure}). You can still use real Stripe test keys: "
            "paste them in step 1.",
            icon=":material/error:",
        )
        return
    st.info(
        f"**You are on the local sandbox.** A Stripe-compatible test server started with this app, and your "
        f"browser session got its own sandbox account (`{mine.id}`) with its own test keys: nobody else on "
        "this server sees your data, and nothing here reaches Stripe or moves money.  \n"
        "**To use your real Stripe account:** copy your test keys from the Stripe Dashboard → Developers → "
        "API keys (Test mode on) into step 1, then choose *Stripe* as the server of your connection in "
        "step 2. Keys stay in this browser session unless you save them.",
        icon=":material/science:",
    )
    st.caption(f"Sandbox API address (for the snippets and curl): `{mine.api_base}`")
