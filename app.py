"""Stripe Setup Playground: the Streamlit entry point and router.

Everything drawn here, before ``page.run()``, is the frame every page shares (page config, session defaults,
the sidebar). The pages themselves are registered in ``ui.navigation``.
"""

import streamlit as st

from ui import navigation, sidebar, start, state

st.set_page_config(page_title="Stripe Setup Playground", page_icon=":material/credit_card:", layout="wide")
state.init_session()
start.ensure_sandbox()
page = st.navigation(navigation.sections())
sidebar.draw()
page.run()
