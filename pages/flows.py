"""Guided flows: one-time payment, Checkout, subscription, invoice and time travel (test clocks), step by step
with state diagrams."""

import streamlit as st

from ui import flow_steps, flows, navigation, target_picker

navigation.page_header(
    "flows",
    "The flows of the WeWeb guide, one step at a time. Every step is a real call (see the request log) and "
    "the diagram shows where the object is in its lifecycle.",
)
if st.query_params.get("checkout") == "success":
    st.info(
        f"Checkout sent the customer back here (session {st.query_params.get('session_id', '?')}). "
        "Go back to "
        "the tab where you started the flow and press Retrieve Checkout Session.",
        icon=":material/shopping_cart_checkout:",
    )
target_picker.picker("flows")
choice = st.segmented_control(
    "Flow",
    list(flows.FLOWS),
    format_func=lambda v: flows.FLOWS.get(v, v),
    default="payment",
    key="flows_choice",
)
flow_steps.DRAW[str(choice or "payment")]()
