"""The sidebar every page shares, drawn by ``app.py`` before the page runs: where calls go, and progress."""

from __future__ import annotations

import streamlit as st

from core import pitfalls
from core.client import Server
from core.environments import Environment
from core.runner import environment_notices, target_for
from ui import connections_step, key_input, sandbox
from ui.progress import lines_by_connection, setup_steps

_CONNECTION = "sidebar_connection"
_ENVIRONMENT = "sidebar_environment"


def _follow_environment() -> None:
    """The sidebar's choice is where calls go (a slot with live keys is asked for first) and what Step 2
    shows."""
    name, env = st.session_state.get(connections_step.ACTIVE), st.session_state[_ENVIRONMENT]
    st.session_state[connections_step.EDITING] = name
    st.session_state[connections_step.EDITING_ENVIRONMENT] = env
    if name is not None:
        connections_step.propose(name, env)


def _follow_connection() -> None:
    connections_step.edit(st.session_state[_CONNECTION])


def _active_connection() -> None:
    connections = connections_step.connections()
    if not connections:
        st.markdown("**Connection:** none yet")
        st.caption("Until you create one in step 2, the playground calls this session's sandbox account.")
        st.markdown(f"{key_input.mode_badge('test')} {key_input.server_badge(Server.SANDBOX)}")
        return
    names = [c.name for c in connections]
    active = st.session_state.get(connections_step.ACTIVE)
    st.session_state[_CONNECTION] = active if active in names else names[-1]
    st.session_state[connections_step.ACTIVE] = st.session_state[_CONNECTION]
    name = st.selectbox("Connection", names, key=_CONNECTION, on_change=_follow_connection)
    envs = [e.value for e in Environment]
    st.session_state[_ENVIRONMENT] = st.session_state.get(connections_step.ACTIVE_ENVIRONMENT, "editor")
    env = Environment(
        st.selectbox(
            "Environment",
            envs,
            format_func=lambda v: Environment(v).label,
            key=_ENVIRONMENT,
            on_change=_follow_environment,
        )
    )
    connection = connections_step.find(name)
    if connection is None:
        return
    # The Target the playground calls with: the badges cannot disagree with where calls go.
    target = target_for(connection, env)
    st.markdown(f"{key_input.mode_badge(target.mode)} {key_input.server_badge(target.server)}")
    # The same environment x mode rule as every page (core.environments.key_mode_findings), said in a word.
    for notice in environment_notices(target):
        title = pitfalls.get(notice.pitfall).title if notice.pitfall else notice.message
        st.caption(f":material/warning: {title}")


def _environment_lines() -> list[str]:
    """Every connection's slots in use: keys ready, test call passed (connections without keys say so)."""
    lines = []
    for name, slots in lines_by_connection().items():
        lines.append(f"**{name}**")
        lines.extend(slots or ["no keys yet"])
    return lines


def _live_question() -> None:
    """The one place a switch to live keys is asked for (``connections_step.guard_live`` holds it back)."""
    pending = st.session_state.get(connections_step.PENDING_LIVE)
    if not pending:
        return
    name, env = pending
    st.warning(
        f"“{name}” · {Environment(env).label} has live keys: calls there act on real data (real charges, "
        "real customers). Calls still go where they went before. Switch?",
        icon=":material/bolt:",
    )
    left, right = st.columns(2)
    left.button(
        "Use it (LIVE)", key="sidebar_live_yes", on_click=connections_step.confirm_live, type="primary"
    )
    right.button("Not now", key="sidebar_live_no", on_click=connections_step.decline_live)


def draw() -> None:
    """Active connection and environment, TEST/LIVE, sandbox or Stripe, and the three steps."""
    connections_step.guard_live()
    with st.sidebar:
        _live_question()
        _active_connection()
        mine = st.session_state.get(sandbox.ACCOUNT)
        if isinstance(mine, sandbox.SandboxAccount):
            st.caption(f"Sandbox account of this session: `{mine.id}`")
        st.divider()
        st.subheader("Setup progress")
        for step in setup_steps():
            mark = ":material/check_circle:" if step.done else ":material/radio_button_unchecked:"
            st.markdown(f"{mark} {step.number}. {step.title}")
        lines = _environment_lines()
        if lines:
            st.caption("  \n".join(lines))
