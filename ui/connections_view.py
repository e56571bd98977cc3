"""Drawing step 2: the new-connection form, one environment's editor, the offers and the .env save."""

from __future__ import annotations

import streamlit as st

from core.client import Server
from core.environments import Connection, Environment, EnvironmentConfig, render_env, save_env_file
from core.findings import worst
from core.keys import KeyField, KeyReport
from core.secrets import Secret
from ui import connections_step, env_sources, key_input, keys_step, locality, sandbox, setup_model
from ui import findings as findings_ui
from ui.key_input import short


def _create_from_form() -> None:
    """Form callback: runs before the script, so the sidebar already shows the new connection."""
    name = st.session_state.get("connections_new_name") or ""
    problem = connections_step.name_problem(name)
    if problem:
        st.session_state["connections_new_problem"] = problem
        return
    st.session_state.pop("connections_new_problem", None)
    connections_step.create(name, st.session_state.get("connections_new_server", Server.SANDBOX))
    st.toast(f"Created “{name.strip()}”.", icon=":material/check:")


def new_connection_form() -> None:
    """Name a connection and pick its server; created on submit, then it becomes the active one."""
    with st.form("connections_new", clear_on_submit=True, border=True):
        st.markdown("**New connection**")
        name, server = st.columns([1, 2])
        name.text_input("Name", key="connections_new_name", placeholder=setup_model.NAME_PLACEHOLDER)
        server.radio(
            "Server",
            list(connections_step.SERVER_LABELS),
            format_func=connections_step.SERVER_LABELS.__getitem__,
            key="connections_new_server",
            horizontal=True,
        )
        st.form_submit_button(
            "Create connection", icon=":material/add_link:", type="primary", on_click=_create_from_form
        )
        problem = st.session_state.pop("connections_new_problem", None)
        if problem:
            st.error(problem, icon=":material/error:")


def _bind(widget_key: str, value: object) -> None:
    """Seed a widget from the connection the first time it is drawn (widget values do not survive a page
    switch; the connection does)."""
    if widget_key not in st.session_state:
        st.session_state[widget_key] = value


def _summary(report: KeyReport | None) -> None:
    if report is None:
        return
    badge = key_input.mode_badge(report.mode) if report.mode else ""
    st.markdown(f"{report.description.capitalize()} `{short(report.masked)}` {badge}")


def _status_icon(connection: Connection, env: Environment) -> str:
    found = connections_step.findings(connection, env)
    if connections_step.env_ready(connection, env):
        return ":material/check_circle:" if worst(found) in (None, "info") else ":material/warning:"
    return ":material/radio_button_unchecked:" if not connection[env].secret_key else ":material/error:"


def _env_label(connection: Connection, value: str) -> str:
    env = Environment(value)
    return f"{_status_icon(connection, env)} {env.label}"


def environment_editor(connection: Connection, env: Environment) -> None:
    """Keys and webhook settings of one environment, with the environment checks inline."""
    prefix = f"connections_{connections_step.slug(connection.name)}_{env.value}"
    hint = "live keys, once you accept real payments" if env.expects_live else "test keys only"
    st.caption(f"{env.label}: {hint}.")
    buttons = st.columns(2)
    buttons[0].button(
        "Copy keys from step 1",
        key=f"{prefix}_copy",
        icon=":material/content_copy:",
        on_click=connections_step.copy_step_one_keys,
        args=(connection, env),
        disabled=not keys_step.secret_store()[0](),
    )
    buttons[1].button(
        "Use sandbox keys",
        key=f"{prefix}_sandbox",
        icon=":material/science:",
        on_click=connections_step.use_sandbox_keys,
        args=(connection, env),
    )
    left, right = st.columns(2)
    with left:
        get, put = connections_step.key_store(connection, env, "publishable")
        _summary(
            key_input.key_field(
                "Publishable Key",
                widget_key=f"{prefix}_publishable",
                field=KeyField.PUBLISHABLE,
                placeholder="pk_live_…" if env.expects_live else "pk_test_…",
                get=get,
                put=put,
                show_verdict=False,
            )
        )
    with right:
        get, put = connections_step.key_store(connection, env, "secret")
        _summary(
            key_input.key_field(
                "Secret Key or Restricted Key",
                widget_key=f"{prefix}_secret",
                field=KeyField.SECRET,
                placeholder="sk_live_… or rk_live_…" if env.expects_live else "sk_test_… or rk_test_…",
                get=get,
                put=put,
                show_verdict=False,
            )
        )
    _webhook_editor(connection, env, prefix)
    found = connections_step.findings(connection, env)
    findings_ui.render(found)
    if connections_step.env_ready(connection, env):
        st.success(f"{env.label} is ready: run the test call in step 3.", icon=":material/task_alt:")


def _set_webhook(connection: Connection, env: Environment, widget_key: str, attribute: str) -> None:
    setattr(connection[env].webhook, attribute, st.session_state[widget_key])


def _webhook_editor(connection: Connection, env: Environment, prefix: str) -> None:
    hook = connection[env].webhook
    with st.expander("Webhook (optional: Stripe events into backend workflows)", expanded=hook.enabled):
        enabled_key, path_key = f"{prefix}_webhook_enabled", f"{prefix}_webhook_path"
        _bind(enabled_key, hook.enabled)
        _bind(path_key, hook.path)
        st.toggle(
            "Enabled", key=enabled_key, on_change=_set_webhook, args=(connection, env, enabled_key, "enabled")
        )
        st.text_input(
            "Path",
            key=path_key,
            on_change=_set_webhook,
            args=(connection, env, path_key, "path"),
            help="The endpoint URL you register in Stripe is your backend URL + /api + this path.",
        )
        get, put = connections_step.key_store(connection, env, "webhook")
        _summary(
            key_input.key_field(
                "Webhook Secret Key",
                widget_key=f"{prefix}_webhook_secret",
                field=KeyField.WEBHOOK_SECRET,
                placeholder="whsec_…",
                get=get,
                put=put,
                show_verdict=False,
            )
        )


def _use_offer(offer: env_sources.Offer) -> None:
    found = offer.connection
    if found is None:
        return
    if env_sources.is_loopback_base(found.api_base):
        # A saved sandbox address: the port changes with every start, so point it at the running sandbox.
        found.api_base = sandbox.account().api_base
    if connections_step.find(found.name) is not None:
        connections_step.replace(found)
    else:
        connections_step.add(found)


def undo_removal() -> None:
    """After a delete: what went, and a way back (until the next change)."""
    removed = st.session_state.get(connections_step.REMOVED)
    if removed is None:
        return
    name = findings_ui.escape_markdown(removed[1].name)
    left, right = st.columns([3, 1], vertical_alignment="center")
    left.info(f"Deleted “{name}”.", icon=":material/delete:")
    right.button(
        "Undo", key="connections_undo_delete", icon=":material/undo:", on_click=connections_step.undo_remove
    )


def _masked(secret: Secret | None) -> str:
    return f"`{short(secret.masked)}`" if secret else "none"


def changes(current: Connection, incoming: Connection) -> list[str]:
    """What loading ``incoming`` over ``current`` would change, masked, one line per changed setting."""
    lines = []
    if current.server is not incoming.server:
        lines.append(f"Server: {current.server.label} → {incoming.server.label}")
    for env in Environment:
        old, new = current[env], incoming[env]
        for label, before, after in (
            ("Publishable Key", old.publishable_key, new.publishable_key),
            ("Secret Key", old.secret_key, new.secret_key),
            ("Webhook secret", old.webhook.signing_secret, new.webhook.signing_secret),
        ):
            if (before.reveal() if before else "") != (after.reveal() if after else ""):
                lines.append(f"{env.label} · {label}: {_masked(before)} → {_masked(after)}")
        if (old.webhook.enabled, old.webhook.path) != (new.webhook.enabled, new.webhook.path):
            lines.append(f"{env.label} · webhook: {_hook(old)} → {_hook(new)}")
    return lines


def _hook(config: EnvironmentConfig) -> str:
    return f"{'on' if config.webhook.enabled else 'off'}, `{config.webhook.path}`"


def _describe(connection: Connection) -> str:
    parts = []
    for env in Environment:
        config = connection[env]
        keys = [short(k.masked) for k in (config.publishable_key, config.secret_key) if k]
        parts.append(f"{env.label}: {' + '.join(keys) if keys else 'no keys'}")
    where = "Stripe" if connection.server is Server.STRIPE else connection.api_base
    return f"“{connection.name}” on {where} — " + "; ".join(parts)


def offers() -> None:
    """Connections found in .env or Streamlit secrets, each with a button to use it (masked, never applied
    silently)."""
    for i, offer in enumerate(env_sources.offers()):
        if offer.problem:
            st.warning(f"{offer.source} has a problem: {offer.problem}", icon=":material/warning:")
            continue
        if offer.connection is None:
            continue
        with st.container(border=True):
            st.markdown(
                f"**Found in {offer.source}:** {findings_ui.escape_markdown(_describe(offer.connection))}"
            )
            existing = connections_step.find(offer.connection.name)
            if existing is None:
                st.button(
                    f"Use the connection from {offer.source}",
                    key=f"offer_{i}_use",
                    icon=":material/download_done:",
                    on_click=_use_offer,
                    args=(offer,),
                )
                continue
            diff = changes(existing, offer.connection)
            if not diff:
                st.caption(f"“{existing.name}” already holds exactly this.")
                continue
            st.warning(
                f"A connection named “{findings_ui.escape_markdown(existing.name)}” exists already. Loading "
                f"{offer.source} would change:  \n" + "  \n".join(diff),
                icon=":material/difference:",
            )
            st.button(
                f"Replace “{existing.name}” with the one from {offer.source}",
                key=f"offer_{i}_replace",
                icon=":material/sync_alt:",
                on_click=_use_offer,
                args=(offer,),
            )


def _save(connection: Connection) -> None:
    path = env_sources.env_file()
    st.session_state.pop("connections_save_failed", None)
    try:
        save_env_file(connection, path)
    except OSError as error:  # a read-only folder, a full disk: say so, keep the keys in the session
        st.session_state["connections_save_failed"] = f"{type(error).__name__}: {error.strerror or error}"
        return
    st.session_state["connections_saved_to"] = str(path)


def save_section(connection: Connection) -> None:
    """Save to .env only on the person's own machine; on a shared server, a download instead."""
    path = env_sources.env_file()
    st.subheader("Keep it")
    what = (
        f"the STRIPE_* lines for “{connection.name}”: its name, server address and, per environment, "
        "both keys and the webhook settings"
    )
    if locality.is_local():
        st.markdown(
            f"**Save to `.env`** writes {what} to `{path}` (file mode 0600, only you can read it). Existing "
            "STRIPE_* lines are replaced, every other line stays. A .env holds one connection."
        )
        st.button(
            "Save to .env", key="connections_save", icon=":material/save:", on_click=_save, args=(connection,)
        )
        saved = st.session_state.get("connections_saved_to")
        failed = st.session_state.get("connections_save_failed")
        if failed:
            st.error(
                f"Could not write {path} ({failed}). Nothing was saved; download the .env instead.",
                icon=":material/error:",
            )
        elif saved:
            st.success(f"Saved to {saved}.", icon=":material/check:")
    else:
        st.info(
            "This app runs on a shared server, so nothing is written to its disk. Download the .env with "
            f"{what}, and put it in your project folder.",
            icon=":material/cloud:",
        )
    st.download_button(
        "Download .env",
        data=lambda: render_env(connection),
        file_name=".env",
        mime="text/plain",
        key="connections_download",
        icon=":material/download:",
        on_click="ignore",
    )
    if connection.server is Server.SANDBOX:
        st.caption(
            "The sandbox address in STRIPE_API_BASE changes every time the app starts; when the app finds a "
            "local address in .env it points it at the sandbox that is running."
        )


def _follow_pick(widget_key: str) -> None:
    connections_step.edit(st.session_state[widget_key])


def pick(page: str, label: str = "Edit connection") -> Connection | None:
    """Which connection this page works on: the one being edited (normally the sidebar's), changeable here."""
    names = [c.name for c in connections_step.connections()]
    if not names:
        return None
    widget_key = f"{page}_pick"
    current, _ = connections_step.editing()
    st.session_state[widget_key] = current if current in names else names[-1]
    name = st.selectbox(label, names, key=widget_key, on_change=_follow_pick, args=(widget_key,))
    return connections_step.find(name)


def _follow_environment(widget_key: str) -> None:
    connections_step.edit(env=st.session_state[widget_key])


def _follow_server(connection: Connection, widget_key: str) -> None:
    connections_step.set_server(connection, st.session_state[widget_key])


def server_choice(connection: Connection) -> None:
    """Sandbox or Stripe for this connection (every environment of it)."""
    widget_key = f"connections_{connections_step.slug(connection.name)}_server"
    st.session_state[widget_key] = connection.server
    st.radio(
        "Server",
        list(connections_step.SERVER_LABELS),
        format_func=connections_step.SERVER_LABELS.__getitem__,
        key=widget_key,
        horizontal=True,
        on_change=_follow_server,
        args=(connection, widget_key),
    )


def editor(connection: Connection) -> None:
    """The server choice, an environment picker (with each environment's status) and its editor.

    The picker is the sidebar's active environment, so both always show the same one.
    """
    server_choice(connection)
    slug = connections_step.slug(connection.name)
    with st.popover(f"Delete “{connection.name}”", icon=":material/delete:", type="tertiary"):
        st.markdown(
            f"Delete “{findings_ui.escape_markdown(connection.name)}” with the keys of all its environments "
            "and its test results? You can undo it until your next change; a saved .env is not touched."
        )
        st.button(
            "Yes, delete it",
            key=f"connections_{slug}_delete",
            icon=":material/delete_forever:",
            on_click=connections_step.remove,
            args=(connection.name,),
        )
    widget_key = "connections_environment"
    st.session_state[widget_key] = connections_step.editing()[1].value
    chosen = st.segmented_control(
        "Environment",
        [env.value for env in Environment],
        format_func=lambda value: _env_label(connection, value),
        key=widget_key,
        required=True,
        on_change=_follow_environment,
        args=(widget_key,),
    )
    environment_editor(connection, Environment(chosen or "editor"))
