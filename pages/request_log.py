"""Request log: every call this session made, filterable, with the request and response of a selected row."""

import streamlit as st

from ui import navigation, request_log, result_view

navigation.page_header(
    "request-log",
    "Every call of this browser session, newest first: where it went, who made it, what was sent, what came "
    "back. Keys are never logged; secret fields in responses are masked.",
)
everything = request_log.newest_first(request_log.entries())
if not everything:
    st.info("No calls yet. Run an action or a guided flow and it appears here.")
    st.stop()

hidden = len(everything) - len(request_log.foreground(everything))
show_background = st.toggle(
    f"Show background lookups ({hidden})",
    key="request_log_background",
    help="Calls the app made by itself: pickers filling their choices, reads before an action (pre-flight).",
)
log = everything if show_background else request_log.foreground(everything)
if not log:
    st.info("Only background lookups so far: turn on the toggle above to see them.")
    st.stop()

frame = request_log.to_frame(log)
filters = st.columns(5)
picked = {
    column: filters[i].multiselect(
        column.replace("_", " ").capitalize(),
        sorted(frame[column].dropna().unique()),
        key=f"request_log_filter_{column}",
    )
    for i, column in enumerate(("source", "environment", "action", "method", "status"))
}
text = st.text_input("Path or request id contains", key="request_log_filter_text")
shown = request_log.filter_frame(frame, picked, text)
st.caption(f"{len(shown)} of {len(frame)} calls.")
if shown.empty:
    # An empty table, an empty CSV and a greyed-out row picker read as "the log is broken".
    st.info("No call matches these filters. Clear a filter or change the text to see more calls.")
    st.stop()
result_view.table(shown, key="request_log", file_name="request-log.csv")

row = st.selectbox(
    "Show request and response of",
    list(shown.index),
    format_func=lambda i: request_log.row_label(log[i]) if i < len(log) else str(i),
    key="request_log_row",
)
if row is not None and row < len(log):  # the toggle can shorten the list under a kept choice
    entry = log[row]
    left, right = st.columns(2)
    with left:
        st.markdown("**Request**")
        st.json(entry.record.as_dict())
    with right:
        st.markdown("**Response**")
        st.json(request_log.response_of(entry))
    python_tab, curl_tab = st.tabs(["Python", "curl"])
    snippets = entry.record.snippets
    python_tab.code(snippets.python, language="python")
    curl_tab.code(snippets.curl, language="bash")
