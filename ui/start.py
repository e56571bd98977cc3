"""The first screen's job: say what is running (the sandbox, this session's own account) and how to switch
to a real Stripe account."""

from __future__ import annotations

import streamlit as st

from ui import sandbox


def sandbox_banner() -> None:
    """Start this session's sandbox account (the server starts once per process) and say so."""
    try:
        mine = sandbox.account()
    except Exception as error:  # the app still works with real Stripe keys; say what broke and move on
        st.error(
            f"The local sandbox could not start ({type(error).__name__}). You can still use real Stripe test "
            "keys: paste them in step 1.",
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
