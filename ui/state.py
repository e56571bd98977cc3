"""Session-state names and defaults, defined once.

Per-user state lives in ``st.session_state`` (one per browser session), never in module globals, which every
user of a shared server would see. Widget keys are prefixed with their page name (``keys_secret``,
``connections_…``, ``sidebar_…``); plain state shared across pages uses the ``setup_`` prefix and is named
as a constant in the module that owns it (``ui.connections_step.ACTIVE``, ``ui.sandbox.ACCOUNT``, …). The
two collections several modules read are named here, with their defaults.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

# Shared (cross-page) state.
CONNECTIONS = "setup_connections"  # list of connections created on the Connections page
TEST_RESULTS = "setup_test_results"  # {(connection name, environment): result of the test call}

_DEFAULTS: dict[str, Any] = {
    CONNECTIONS: [],
    TEST_RESULTS: {},
}


def init_session() -> None:
    """Give every shared key its default once per session, so pages can read without guarding."""
    for name, default in _DEFAULTS.items():
        if name not in st.session_state:
            # Copy containers: a shared default object would leak between sessions.
            st.session_state[name] = default.copy() if hasattr(default, "copy") else default
