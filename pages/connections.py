"""Step 2 — Connections: name a connection, fill in each environment, see the environment checks inline."""

import streamlit as st

from ui import connections_step, connections_view, navigation, setup_model

navigation.page_header("connections", setup_model.CAPTION)
setup_model.explain(expanded=not connections_step.connections())
connections_view.offers()
connections_view.new_connection_form()
if note := st.session_state.pop(connections_step.STEP_ONE_NOTE, None):
    st.info(note, icon=":material/move_down:")
connections_view.undo_removal()
connection = connections_view.pick("connections")
if connection is None:
    st.info("Create your first connection above.", icon=":material/arrow_upward:")
    st.stop()
connections_view.editor(connection)
connections_view.save_section(connection)
if connections_step.done():
    st.page_link("pages/test_connection.py", label="Next: step 3, test the connection", icon="➡️")
