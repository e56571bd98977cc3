"""Step 3 — Test the connection: List Products per environment, side by side, as WeWeb's guide does it."""

import streamlit as st

from ui import connections_view, navigation, test_view

navigation.page_header(
    "test-connection",
    "WeWeb's check: run List Products with each environment's key. "
    "If you see a list, even an empty one, the connection works.",
)
connection = connections_view.pick("test_connection", "Connection to test")
if connection is None:
    st.info("Create a connection in step 2 first.", icon=":material/arrow_back:")
    st.page_link("pages/connections.py", label="Step 2: connections", icon="⬅️")
    st.stop()
test_view.results(connection)
