"""Webhooks: the connection's webhook settings, a live feed from the app's own receiver (sandbox), recent
events for any connection, and a signature verifier with Stripe's exact verdicts."""

import streamlit as st

from ui import (
    findings,
    navigation,
    result_view,
    sessions,
    target_picker,
    webhook_session,
    webhook_verifier,
)

navigation.page_header(
    "webhooks",
    "Stripe calls your backend when something happens (checkout completed, payment succeeded). "
    "In WeWeb: enable the webhook on the connection, set a path, add the endpoint in Stripe, paste its "
    "whsec_.",
)
target = target_picker.picker("webhooks")
settings_tab, live_tab, events_tab, verify_tab = st.tabs(
    ["Connection settings", "Live feed", "Recent events", "Verify a signature"]
)

with settings_tab:
    settings = webhook_session.connection_settings()
    if not settings:
        st.info(
            "No environment with keys yet: fill a connection's Editor, Staging or Production slot in step 2 "
            "to see its webhook path and signing secret here."
        )
    for item in settings:
        with st.container(border=True):
            state = "Enabled" if item.enabled else "Disabled"
            secret = f"`{item.secret_masked}`" if item.secret_masked else "not set"
            st.markdown(f"**{item.where}**: {state} · path `{item.path}` · signing secret {secret}")
            st.caption(f"Endpoint URL in Stripe: https://<your-backend>.weweb.io/api{item.path}")
            findings.render(item.findings)

with live_tab:
    if not target_picker.is_sandbox_account():
        st.info(
            "The live feed works with the local sandbox: real Stripe cannot reach this machine. For real "
            "test-mode events use the Stripe CLI (`stripe listen --forward-to <your endpoint>`) or a tunnel."
        )
    else:
        endpoint = webhook_session.endpoint(target)
        if endpoint is None:
            st.markdown("Register a webhook endpoint on the sandbox that points at this app's own receiver.")
            if st.button(
                "Register endpoint", type="primary", key="webhooks_register", icon=":material/add_link:"
            ):
                problem = webhook_session.register(target)
                if problem:
                    st.error(problem)
                else:
                    st.rerun()
        else:
            st.markdown(
                f"Endpoint `{endpoint.id}` → `{endpoint.url}` · signing secret `{endpoint.secret.masked}`"
            )
            cols = st.columns(3)
            if cols[0].button("Trigger an event (create a product)", key="webhooks_trigger"):
                sessions.for_target(target).run("create_product", {"name": "Webhook test product"})
            if cols[1].button(
                "Send a forged event", key="webhooks_forge", help="Signed with the wrong secret"
            ):
                st.session_state["webhooks_forged_status"] = webhook_session.send_forged(target)
            if cols[2].button("Remove endpoint", key="webhooks_remove"):
                webhook_session.remove(target)
                st.rerun()
            names = webhook_session.trigger_names(target)
            if names:
                pick, fire = st.columns([3, 1], vertical_alignment="bottom")
                chosen = pick.selectbox(
                    "Trigger an event",
                    names,
                    index=names.index("checkout.session.completed")
                    if "checkout.session.completed" in names
                    else 0,
                    key="webhooks_trigger_event",
                    help="Runs the API calls that make Stripe send this event, as `stripe trigger` does.",
                )
                if fire.button("Trigger", key="webhooks_trigger_run", icon=":material/bolt:"):
                    problem = webhook_session.trigger(target, chosen)
                    if problem:
                        st.error(problem)
            forged = st.session_state.get("webhooks_forged_status")
            if forged is not None:
                st.caption(f"The receiver answered the forged event with HTTP {forged}.")

            @st.fragment(run_every="2s")
            def live_feed() -> None:
                frame = webhook_session.feed(target)
                count = len(frame)
                noun = "request" if count == 1 else "requests"
                st.markdown(f"**{count} {noun} received** (refreshes every 2 seconds)")
                if not frame.empty:
                    result_view.table(frame, key="webhooks_feed", file_name="webhook-feed.csv")

            live_feed()

with events_tab:
    kind = st.text_input(
        "Event type (optional)", key="webhooks_events_type", placeholder="e.g. payment_intent.succeeded"
    )
    if st.button("Load recent events", key="webhooks_events_load", icon=":material/refresh:"):
        st.session_state["webhooks_events"] = webhook_session.recent_events(target, event_type=kind or "")
    frame, problem = st.session_state.get("webhooks_events", (None, None))
    if problem:
        st.error(problem)
    elif frame is not None:
        result_view.table(frame, key="webhooks_events", file_name="events.csv")

with verify_tab:
    webhook_verifier.draw()
