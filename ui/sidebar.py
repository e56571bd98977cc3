"""The sidebar every page shares, drawn by ``app.py`` before the page runs: where calls go, and progress."""

from __future__ import annotations

import streamlit as st

from core.environments import Environment
from core.keys import KeyField, inspect_key
from ui import connections_step, key_input, sandbox, test_step
from ui.progress import setup_steps

_CONNECTION = "sidebar_connection"
_ENVIRONMENT = "sidebar_environment"


def _follow(widget_key: str, target: str) -> None:
    st.session_state[target] = st.session_state[widget_key]


def _active_connection() -> None:
    connections = connections_step.connections()
    if not connections:
        st.markdown("**Connection:** none yet")
        st.caption("Until you create one in step 2, the playground calls this session's sandbox account.")
        badges = st.columns(2)
        with badges[0]:
            key_input.mode_badge("test")
        badges[1].badge("Sandbox", color="violet")
        return
    names = [c.name for c in connections]
    active = st.session_state.get(connections_step.ACTIVE)
    st.session_state[_CONNECTION] = active if active in names else names[-1]
    st.session_state[connections_step.ACTIVE] = st.session_state[_CONNECTION]
    name = st.selectbox(
        "Connection", names, key=_CONNECTION, on_change=_follow, args=(_CONNECTION, connections_step.ACTIVE)
    )
    envs = [e.value for e in Environment]
    st.session_state[_ENVIRONMENT] = st.session_state.get(connections_step.ACTIVE_ENVIRONMENT, "editor")
    env = Environment(
        st.selectbox(
            "Environment",
            envs,
            format_func=lambda v: Environment(v).label,
            key=_ENVIRONMENT,
            on_change=_follow,
            args=(_ENVIRONMENT, connections_step.ACTIVE_ENVIRONMENT),
        )
    )
    connection = connections_step.find(name)
    if connection is None:
        return
    key = connection[env].secret_key
    badges = st.columns(2)
    with badges[0]:
        if key:
            key_input.mode_badge(inspect_key(key, KeyField.SECRET).mode)
        else:
            st.badge("no key", color="gray")
    on_sandbox = connection.api_base is not None
    badges[1].badge("Sandbox" if on_sandbox else "Stripe", color="violet" if on_sandbox else "blue")


def _environment_marks() -> str:
    name = st.session_state.get(connections_step.ACTIVE)
    connection = connections_step.find(name)
    if connection is None:
        return ""
    marks = []
    for env in Environment:
        ready = connections_step.env_ready(connection, env)
        tested = (report := test_step.result(connection, env)) is not None and report.ok
        marks.append(f"{env.label} {'✓' if ready else '·'}{' ✓ test' if tested else ''}")
    return " · ".join(marks)


def draw() -> None:
    """Active connection and environment, TEST/LIVE, sandbox or Stripe, and the three steps."""
    with st.sidebar:
        _active_connection()
        mine = st.session_state.get(sandbox.ACCOUNT)
        if isinstance(mine, sandbox.SandboxAccount):
            st.caption(f"Sandbox account of this session: `{mine.id}`")
        st.divider()
        st.subheader("Setup progress")
        for step in setup_steps():
            mark = ":material/check_circle:" if step.done else ":material/radio_button_unchecked:"
            st.markdown(f"{mark} {step.number}. {step.title}")
        marks = _environment_marks()
        if marks:
            st.caption(marks)
