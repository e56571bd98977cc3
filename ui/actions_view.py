"""The Actions page: the picker on the left, the chosen action's form, its Run button and its result.

The form and the result are one ``st.fragment``: in the browser, typing into an amount field reruns only
that fragment (the money preview is inside it), not the router, the sidebar and the picker. Picking
another action is outside the fragment and reruns the whole page, as it must. ``AppTest`` always reruns the
whole script, so the page also keeps its full rerun small: two picker widgets, and the optional inputs
behind a toggle (bench/README.md, "Page rerun").
"""

from __future__ import annotations

import streamlit as st

from core.catalog import Action
from core.keys import Mode
from core.runner import Target
from ui import action_form, action_picker, result_view, sessions, target_picker


def draw() -> None:
    target = target_picker.picker("actions")
    menu, main = st.columns([1, 3], gap="large")
    with menu:
        action_picker.draw()
    with main:
        action = action_picker.selected()
        st.subheader(action.name)
        st.markdown(
            f"{action.description}  \n`{action.method} {action.path}` · [Stripe docs]({action.stripe_doc})"
        )
        action_form.availability(action)
        _form(action, target)


@st.fragment
def _form(action: Action, target: Target) -> None:
    """Inputs, Run and the result: what a keystroke in the form has to redraw, and nothing else."""
    values = action_form.draw_inputs(action, target, optional_toggle=True)
    live_write = action.is_write and target.mode is Mode.LIVE
    confirmed = live_write and st.checkbox(
        "I understand this writes to LIVE data (real money, real customers).",
        key=f"actions_{action.id}_confirm_live",
    )
    load_all = action.is_list and st.checkbox(
        "Load all pages (up to 1,000 objects)", key=f"actions_{action.id}_load_all"
    )
    submission = action_form.submission_key(action, values) if action.is_write else None
    if st.button(
        f"Run {action.name}",
        type="primary",
        key=f"actions_{action.id}_run",
        icon=":material/play_arrow:",
        disabled=live_write and not confirmed,
        help="A live write runs only after you confirm it above." if live_write else None,
    ):
        result = sessions.current().run(
            action, values, idempotency_key=submission, confirm_live_write=confirmed, load_all=load_all
        )
        st.session_state[f"actions_{action.id}_result"] = result
    if action.is_write:
        st.caption(
            f"Idempotency key of this submission: `{submission}`. Clicking Run again with the same inputs"
            " replays the first answer (one object, however many clicks)."
        )
        st.button(
            "Start a new submission",
            key=f"actions_{action.id}_new_submission",
            icon=":material/add:",
            on_click=action_form.new_submission,
            args=(action,),
            help="To create another object with the same inputs: the next Run gets a new idempotency key.",
        )
    shown = st.session_state.get(f"actions_{action.id}_result")
    if shown is not None:
        result_view.render(shown, key=f"actions_{action.id}")
        action_form.next_page_button(action, shown)
