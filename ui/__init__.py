"""Streamlit-only glue shared by the pages: navigation, session state, the sidebar, rendering helpers.

Pages stay thin (read widgets, make one call into ``ui`` or ``core``, render); anything two pages share, or
anything that touches ``st.session_state`` by name, lives here so the names are defined once.
"""
