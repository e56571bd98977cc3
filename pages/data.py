"""Data: Stripe objects as tables: List (every resource) and Search (where Stripe has a search API)."""

import streamlit as st

from ui import action_form, data_views, navigation, result_view, target_picker

navigation.page_header(
    "data",
    "Like WeWeb's Stripe tables: List loads with filters and cursor paging, Search takes a Stripe query. "
    "Stripe's search index can lag up to a minute behind a write.",
)
target = target_picker.picker("data")
name = str(st.selectbox("Resource", list(data_views.RESOURCES), key="data_resource"))
mode = st.segmented_control("View", ["List", "Search"], default="List", key="data_mode") or "List"
limit = int(st.number_input("Limit", min_value=1, max_value=100, value=10, key="data_limit"))
slug = name.split()[0].lower()

kind = "list" if mode == "List" else "search"
unsearchable = kind == "search" and data_views.RESOURCES[name].example_query is None
filters: dict[str, object] = {}
query = ""
if kind == "list":
    with st.expander("Filters", expanded=False):
        filters = action_form.draw_inputs(
            data_views.list_action(name), target, prefix="data", skip=data_views.PAGING
        )
elif unsearchable:
    st.info(f"Stripe has no search for {name.lower()}: choose List.")
else:
    example = data_views.RESOURCES[name].example_query
    query = st.text_input("Query", key=f"data_{slug}_query", placeholder=example) or ""

buttons = st.columns(4)
view = data_views.shown(name, kind)
moves = {
    "first": buttons[0].button(
        "Load", type="primary", key="data_load", icon=":material/table_view:", disabled=unsearchable
    ),
    "previous": buttons[1].button(
        "Previous page", key="data_previous", disabled=data_views.page_number(name, kind) == 1
    ),
    "next": buttons[2].button("Next page", key="data_next", disabled=view is None or not view.has_more),
}
for move, clicked in moves.items():
    if clicked and kind == "search" and not query.strip():
        # Stripe's answer to an empty query is about "unsetting a parameter", which tells a newcomer nothing.
        st.warning(
            f"Type a search query first, e.g. `{data_views.RESOURCES[name].example_query}`: a field, a colon "
            "and a quoted value. Or choose List to see every object."
        )
    elif clicked:
        data_views.load(name, kind, move, filters=filters, query=query, limit=limit)
        st.rerun()
if view is not None:
    if view.error:
        st.error(view.error)
    else:
        more = " · more available" if view.has_more else ""
        rows = len(view.table)
        st.caption(f"Page {data_views.page_number(name, kind)}: {rows} row{'' if rows == 1 else 's'}{more}.")
        if view.table.empty:
            st.info("No rows: that still means the call worked. Create objects, or loosen the filters.")
        else:
            result_view.table(view.table, key=f"data_{slug}_{kind}", file_name=f"{slug}.csv")
