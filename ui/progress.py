"""Where the person stands in the three setup steps of the WeWeb guide, read from the session.

Home and the sidebar both show it, so it is computed once here from the state the setup pages store.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from ui import keys_step, state


@dataclass(frozen=True)
class Step:
    """One setup step: what it is, whether it is done, and a one-line note on what is missing."""

    number: int
    title: str
    done: bool
    note: str


def setup_steps() -> list[Step]:
    """The three steps in order, with their state in this session."""
    connections = st.session_state.get(state.CONNECTIONS, [])
    results = st.session_state.get(state.TEST_RESULTS, {})
    keys_ok = keys_step.done()
    passed = [name for name, result in results.items() if getattr(result, "ok", False)]
    return [
        Step(
            1,
            "Get your Stripe keys",
            keys_ok,
            "A publishable and a secret (or restricted) key, checked."
            if keys_ok
            else "Paste a publishable key and a secret or restricted key.",
        ),
        Step(
            2,
            "Create a connection per environment",
            bool(connections),
            f"{len(connections)} connection(s) set up."
            if connections
            else "Name a connection and fill in keys for Editor, Staging and Production.",
        ),
        Step(
            3,
            "Test the connection",
            bool(passed),
            f"List Products answered for {len(passed)} environment(s)."
            if passed
            else "Run List Products: a list, even an empty one, means the connection works.",
        ),
    ]
