"""Step 2 — Connections: name a connection, fill in each environment, see the environment checks inline."""

import streamlit as st

from ui import connections_step, connections_view, navigation

navigation.page_header(
    "connections",
    "One connection per Stripe account you use, e.g. “Stripe – Editor” and “Stripe – Production”; "
    "for each environment (Editor, Staging, Production) its own keys. Test keys in the Editor and Staging, "
    "live keys only in Production.",
)
connections_view.offers()
connections_view.new_connection_form()
connection = connections_view.pick("connections")
if connection is None:
    st.info("Create your first connection above.", icon=":material/arrow_upward:")
    st.stop()
connections_view.editor(connection)
connections_view.save_section(connection)
if connections_step.done():
    st.page_link("pages/test_connection.py", label="Next: step 3, test the connection", icon="➡️")
