"""The action picker of the Actions page: a search box and one selectbox, grouped as in the catalog.

Two widgets, not one button per action: Streamlit registers and serialises every widget on every rerun, and
each one also walks the whole session state, so the 59 buttons of the first version were ~60 % of the
cost of every keystroke in an amount field (bench/README.md, "Page rerun"). The selectbox lists the actions
in catalog (group) order, each labelled with its group (and "backend-only" where WeWeb needs a custom API),
and filters as you type; the search box above it narrows the list by description, endpoint and SDK call.
"""

from __future__ import annotations

import streamlit as st

from core import catalog
from core.catalog import Action, Availability

SELECTED = "actions_selected"  # plain session key: survives page switches (a widget's state does not)
PICK = "actions_pick"  # the selectbox's widget key
SEARCH = "actions_search"
DEFAULT = "list_products"
BACKEND_ONLY_MARK = " · backend-only"


def selected() -> Action:
    return catalog.get(st.session_state.get(SELECTED, DEFAULT))


def label(action_id: str) -> str:
    """What the selectbox shows for an action: "Name · Group", marked when WeWeb has it backend-only (the
    name first: a narrow column cuts the end of the chosen one)."""
    action = catalog.get(action_id)
    mark = BACKEND_ONLY_MARK if action.availability is Availability.BACKEND_ONLY else ""
    return f"{action.name} · {action.group}{mark}"


def _follow() -> None:
    st.session_state[SELECTED] = st.session_state[PICK]


def options(matches: set[str], current: str) -> list[str]:
    """The matching ids in catalog (group) order; the current one always stays listed, so narrowing the
    search never switches the form under the person's hands."""
    return [a.id for a in catalog.ACTIONS if a.id in matches or a.id == current]


def draw() -> None:
    """Search box, then the selectbox of matching actions; says so when nothing matches."""
    query = st.text_input("Search actions", key=SEARCH, placeholder="e.g. refund, price, invoice finalize")
    current = st.session_state.get(SELECTED, DEFAULT)
    matches = {a.id for a in catalog.search(query or "")}
    if not matches:
        st.info("No action matches. Try a resource (price, invoice) or a verb (create, list, refund).")
    if st.session_state.get(PICK) != current:
        st.session_state[PICK] = current  # after a page switch, or when set from code (SELECTED)
    st.selectbox(
        "Action",
        options(matches, current),
        key=PICK,
        format_func=label,
        on_change=_follow,
        help="Grouped as in WeWeb's catalog. Type to filter, or search above by description or endpoint.",
    )
