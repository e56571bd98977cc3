"""The list of actions on the Actions page: grouped as in the catalog, filtered by a search box."""

from __future__ import annotations

import streamlit as st

from core import catalog
from core.catalog import Action, Availability

SELECTED = "actions_selected"  # plain session key: survives page switches
DEFAULT = "list_products"


def selected() -> Action:
    return catalog.get(st.session_state.get(SELECTED, DEFAULT))


def _select(action_id: str) -> None:
    st.session_state[SELECTED] = action_id


def draw() -> None:
    """Search box, then each group with a button per matching action (backend-only ones marked)."""
    query = st.text_input(
        "Search actions", key="actions_search", placeholder="e.g. refund, price, invoice finalize"
    )
    matches = set(a.id for a in catalog.search(query or ""))
    if not matches:
        st.info("No action matches. Try a resource (price, invoice) or a verb (create, list, refund).")
    current = st.session_state.get(SELECTED, DEFAULT)
    for group, actions in catalog.grouped().items():
        shown = [a for a in actions if a.id in matches]
        if not shown:
            continue
        st.markdown(f"**{group}**")
        for action in shown:
            mark = " ·  backend-only" if action.availability is Availability.BACKEND_ONLY else ""
            st.button(
                f"{action.name}{mark}",
                key=f"actions_pick_{action.id}",
                on_click=_select,
                args=(action.id,),
                type="primary" if action.id == current else "tertiary",
            )
