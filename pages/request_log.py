"""Request log: every call this session made, filterable, with the request and response of a selected row."""

import streamlit as st

from ui import navigation, request_log, result_view

navigation.page_header(
    "request-log",
    "Every call of this browser session, newest first: where it went, what was sent, what came back. "
    "Keys are never logged; secret fields in responses are masked.",
)
log = request_log.newest_first(request_log.entries())
if not log:
    st.info("No calls yet. Run an action or a guided flow and it appears here.")
    st.stop()

frame = request_log.to_frame(log)
filters = st.columns(4)
picked = {
    column: filters[i].multiselect(
        column.replace("_", " ").capitalize(),
        sorted(frame[column].dropna().unique()),
        key=f"request_log_filter_{column}",
    )
    for i, column in enumerate(("environment", "action", "method", "status"))
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
    format_func=lambda i: request_log.row_label(log[i]),
    key="request_log_row",
)
if row is not None:
    entry = log[row]
    left, right = st.columns(2)
    with left:
        st.markdown("**Request**")
        st.json(entry.record.as_dict())
    with right:
        st.markdown("**Response**")
        st.json(request_log.response_of(entry))
