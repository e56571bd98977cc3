"""Step 1 — Keys: paste the publishable key and the secret or restricted key; each is judged as it lands."""

import streamlit as st

from core.keys import KeyField, Mode
from ui import findings, key_input, keys_step, navigation

navigation.page_header(
    "keys",
    "Stripe Dashboard → Developers → API keys, in Test mode while you build. "
    "Paste both keys here: each field says at once what it got and what is wrong with it.",
)
st.button(
    "Use sandbox keys",
    icon=":material/science:",
    on_click=keys_step.use_sandbox_keys,
    help="Fills both fields with this session's own keys for the local sandbox (test mode).",
)
left, right = st.columns(2)
with left:
    publishable = key_input.key_field(
        "Publishable Key",
        widget_key="keys_publishable",
        field=KeyField.PUBLISHABLE,
        placeholder="pk_test_…",
        get=keys_step.publishable_store()[0],
        put=keys_step.publishable_store()[1],
    )
with right:
    secret = key_input.key_field(
        "Secret Key or Restricted Key",
        widget_key="keys_secret",
        field=KeyField.SECRET,
        placeholder="sk_test_… or rk_test_…",
        get=keys_step.secret_store()[0],
        put=keys_step.secret_store()[1],
    )
pair = keys_step.pair_findings(publishable, secret)
findings.render(pair)
if keys_step.done():
    together = "" if pair else " and belong together"  # not said over a warning that they may not
    st.success(f"Step 1 is done: both keys are usable{together}.", icon=":material/task_alt:")
    if secret is not None and secret.mode is Mode.LIVE:
        # Step 1 cannot know the environment yet, so "Looks right." alone let live keys pass unremarked.
        st.info(
            "These are **live** keys: every call with them moves real money and touches real customers. "
            "Use them only in Production (step 2 flags them anywhere else). While you build, copy the test "
            "keys instead (Stripe Dashboard → Developers → API keys, Test mode on), or use the sandbox keys.",
            icon=":material/bolt:",
        )
