"""The sidebar every page shares, drawn by ``app.py`` before the page runs."""

from __future__ import annotations

import streamlit as st

from ui.progress import setup_steps


def draw() -> None:
    """Setup progress, one line per step, so the person always sees what is left."""
    with st.sidebar:
        st.subheader("Setup progress")
        for step in setup_steps():
            mark = ":material/check_circle:" if step.done else ":material/radio_button_unchecked:"
            st.markdown(f"{mark} {step.number}. {step.title}")
