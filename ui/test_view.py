"""Drawing step 3: one column per environment with the List Products outcome, side by side."""

from __future__ import annotations

import streamlit as st

from core.client import Server
from core.connection_test import ConnectionReport
from core.environments import Connection, Environment
from core.keys import Mode
from core.runner import target_for
from core.secrets import Secret
from ui import connections_step, key_input, sandbox, test_step
from ui import findings as findings_ui


def run_all(connection: Connection) -> None:
    """Button callback: the test call for every environment that has a key."""
    for env in test_step.testable(connection):
        test_step.run(connection, env)


def _account(connection: Connection, env: Environment, report: ConnectionReport) -> str:
    if report.account.id:
        name = f" ({report.account.name})" if report.account.name else ""
        return f"{report.account.id}{name}"
    if _sandbox_key_off_sandbox(connection, env):
        return "none reached (sandbox keys sent to another server)"
    mine = st.session_state.get(sandbox.ACCOUNT)
    key = connection[env].secret_key
    if isinstance(mine, sandbox.SandboxAccount) and key is not None and key == Secret(mine.secret_key):
        return f"{mine.id} (this session's sandbox account)"
    return f"unknown ({report.account.source})" if report.account.source else "unknown"


def _sandbox_key_off_sandbox(connection: Connection, env: Environment) -> bool:
    """This session's sandbox key on a connection whose server is not that sandbox (e.g. "Use sandbox keys",
    then Stripe as the server): no other server knows the key, so the call can only fail."""
    mine = st.session_state.get(sandbox.ACCOUNT)
    key = connection[env].secret_key
    return (
        isinstance(mine, sandbox.SandboxAccount)
        and key is not None
        and key == Secret(mine.secret_key)
        and connection.api_base != mine.api_base
    )


def _mode(connection: Connection, env: Environment, report: ConnectionReport | None) -> Mode | str | None:
    """The tested mode, else the key's own prefix (sk_test_/sk_live_): TEST or LIVE must show before the first
    call too, it is the one thing that must never be mixed up."""
    if report is not None:
        return report.mode
    return target_for(connection, env).mode  # a key without a mode (garbage) shows no badge


def _permission_matrix(connection: Connection, env: Environment) -> None:
    key = f"test_connection_{connections_step.slug(connection.name)}_{env.value}_permissions"
    with st.expander("Restricted key: what may it do?", icon=":material/admin_panel_settings:"):
        st.caption(
            "Reads are probed with a harmless List call (limit 1) per resource; writes show once tried."
        )
        if st.button("Check permissions", key=key):
            st.session_state[f"{key}_matrix"] = test_step.permissions(connection, env)
        matrix = st.session_state.get(f"{key}_matrix")
        if matrix is not None:
            st.dataframe(matrix.to_frame(), hide_index=True, width="stretch")
            st.caption(matrix.note)


def environment_result(connection: Connection, env: Environment) -> None:
    """What the last test call for ``env`` found (or that it has not run with these keys yet)."""
    report = test_step.result(connection, env)
    st.subheader(env.label)
    mode = key_input.mode_badge(_mode(connection, env, report))
    st.markdown(f"{mode} {key_input.server_badge(connection.server)}")
    if report is None:
        st.caption("Not tested with these keys yet.")
        return
    if report.ok:
        st.success(findings_ui.escape_markdown(report.message), icon=":material/check_circle:")
    else:
        st.error(findings_ui.escape_markdown(report.message), icon=":material/error:")
    latency = f"{report.latency_ms:.0f} ms" if report.latency_ms is not None else "—"
    st.markdown(
        f"**Mode:** {report.mode} · **Server:** {report.target} · **Latency:** {latency}  \n"
        f"**Account:** {findings_ui.escape_markdown(_account(connection, env, report))}"
    )
    if _sandbox_key_off_sandbox(connection, env):
        server = "Stripe (api.stripe.com)" if connection.server is Server.STRIPE else connection.api_base
        st.warning(
            f"These are this session's sandbox keys, but this connection's server is {server}, which does "
            "not know them.  \n"
            "In step 2 (Connections), set the server to *Local sandbox*, or paste your own keys from the "
            "Stripe Dashboard → Developers → API keys.",
            icon=":material/key_off:",
        )
    findings_ui.render([*report.findings, *report.guidance])
    if report.ok and not report.products.empty:
        st.dataframe(
            test_step.products_table(connection, env, report),
            hide_index=True,
            width="stretch",
            column_config={"Created": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm")},
        )
    if target_for(connection, env).is_restricted:
        _permission_matrix(connection, env)


def results(connection: Connection) -> None:
    """The run button and the environments side by side."""
    envs = test_step.testable(connection)
    if not envs:
        st.warning(
            f"“{connection.name}” has no secret key in any environment yet: add one in step 2.",
            icon=":material/key_off:",
        )
        return
    st.button(
        f"Run List Products ({', '.join(e.label for e in envs)})",
        key="test_connection_run",
        type="primary",
        icon=":material/play_arrow:",
        on_click=run_all,
        args=(connection,),
    )
    for env, column in zip(envs, st.columns(len(envs), gap="large"), strict=True):
        with column:
            environment_result(connection, env)
