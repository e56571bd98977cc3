"""The signature verifier: paste a payload, a ``Stripe-Signature`` header and a ``whsec_`` secret, and get
Stripe's exact verdict (``core.webhooks``) with what it means and how to fix it.

"Fill in a signed example" makes a fresh example secret and signs a small event with it, so a person can
break it on purpose (edit one character of the body, change the secret) and see each verdict.
"""

from __future__ import annotations

import json
import secrets
import string
import time

import streamlit as st

from core import webhooks
from core.secrets import Secret
from ui.findings import escape_markdown

PAYLOAD = "webhooks_verify_payload"
HEADER = "webhooks_verify_header"
SECRET = "webhooks_verify_secret"  # noqa: S105 - a widget key, not a secret
STORED = "webhooks_verify_secret_stored"  # the pasted whsec as a Secret, once it left the widget
TOLERANCE = "webhooks_verify_tolerance"
VERDICT = "webhooks_verify_verdict"


def _example() -> None:
    """Button callback: a signed example event, signed now with a fresh example secret."""
    secret = "whsec_" + "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32))
    body = json.dumps(
        {
            "id": "evt_example",
            "object": "event",
            "type": "checkout.session.completed",
            "created": int(time.time()),
            "data": {"object": {"id": "cs_test_example", "object": "checkout.session", "status": "complete"}},
        },
        indent=2,
    )
    st.session_state[PAYLOAD] = body
    st.session_state[HEADER] = webhooks.sign(body, secret)
    st.session_state[STORED] = Secret(secret)
    st.session_state.pop(VERDICT, None)


def _verify() -> None:
    """Form submit: the verdict on exactly what the fields hold at the click.

    The fields live in one form, so the click sends the payload, the header, the secret field and the
    tolerance together. (When the secret field committed on its own, a click made while that rerun was
    still running was lost, and the previous "Valid signature" stayed on the page for a different secret.)
    A secret typed into the field replaces the stored one and leaves the page; an empty field means the
    stored secret, which its placeholder shows masked.
    """
    pasted = (st.session_state.get(SECRET) or "").strip()
    if pasted:
        st.session_state[STORED] = Secret(pasted)
    st.session_state[SECRET] = ""
    st.session_state[VERDICT] = webhooks.verify(
        st.session_state.get(PAYLOAD) or "",
        st.session_state.get(HEADER) or None,
        st.session_state.get(STORED),
        tolerance=int(st.session_state.get(TOLERANCE) or 0) or None,
    )


def draw() -> None:
    st.button(
        "Fill in a signed example",
        key="webhooks_verify_example",
        on_click=_example,
        icon=":material/edit_note:",
    )
    with st.form("webhooks_verify_form", border=False, enter_to_submit=False):
        st.text_area("Payload (the raw request body, exactly as received)", key=PAYLOAD, height=160)
        st.text_input("Stripe-Signature header", key=HEADER, placeholder="t=1700000000,v1=5257a8…")
        stored = st.session_state.get(STORED)
        st.text_input(
            "Signing secret",
            key=SECRET,
            type="password",
            placeholder=f"Stored: {stored.masked}. Paste another to replace it." if stored else "whsec_…",
            autocomplete="off",
        )
        st.number_input(
            "Tolerance (seconds; 0 turns the age check off)",
            min_value=0,
            value=webhooks.DEFAULT_TOLERANCE,
            step=60,
            key=TOLERANCE,
        )
        st.form_submit_button(
            "Verify", type="primary", key="webhooks_verify_run", icon=":material/verified:", on_click=_verify
        )
    verdict = st.session_state.get(VERDICT)
    if isinstance(verdict, webhooks.Verdict):
        show(verdict)


def show(verdict: webhooks.Verdict) -> None:
    """Stripe's message verbatim (as code, so it reads exactly), then the explanation and the fix."""
    if verdict.ok:
        st.success(escape_markdown(verdict.title), icon=":material/verified:")
        st.caption(escape_markdown(verdict.explanation))
    else:
        st.error(
            f"**Rejected ({verdict.code})**  \n{escape_markdown(verdict.explanation)}",
            icon=":material/gpp_bad:",
        )
        if verdict.stripe_message:
            st.markdown("stripe-python says:")
            st.code(verdict.stripe_message, language=None)
        if verdict.fix:
            st.info(escape_markdown(verdict.fix), icon=":material/build:")
    for hint in verdict.hints:
        st.warning(escape_markdown(hint), icon=":material/warning:")
