"""The pitfall catalog as a readable reference: the setup guide's four (each with a one-click example), the
editor's limitations as a table, then every other entry grouped."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.pitfalls import CATALOG, EDITOR_LIMITATIONS, Pitfall
from core.pitfalls import get as get_pitfall
from ui import findings as findings_ui
from ui import pitfall_demos

_ICONS = findings_ui.ICONS
_esc = findings_ui.escape_markdown


def _body(pitfall: Pitfall) -> None:
    st.markdown(_esc(pitfall.what_happened))
    st.markdown(f"**Fix:** {_esc(pitfall.how_to_fix)} [Read more]({pitfall.doc_url})")


def _demo(pitfall_id: str) -> None:
    demo = pitfall_demos.DEMOS[pitfall_id]
    st.button(
        demo.button,
        key=f"pitfalls_{pitfall_id}_try",
        icon=":material/play_arrow:",
        on_click=pitfall_demos.trigger,
        args=(pitfall_id,),
        help=demo.what_it_does,
    )
    outcome = pitfall_demos.outcome(pitfall_id)
    if outcome is None:
        st.caption(f"Try it in your sandbox: {demo.what_it_does}")
        return
    for note in outcome.notes:
        st.caption(note)
    st.markdown(f"**What the app says:** {_esc(outcome.headline)}")
    findings_ui.render(outcome.findings)


def guide_pitfalls() -> None:
    """The four pitfalls of WeWeb's setup guide, each with an example that runs in the sandbox."""
    st.subheader("The setup guide's pitfalls: try each one")
    for pitfall_id in pitfall_demos.DEMOS:
        pitfall = get_pitfall(pitfall_id)
        with st.container(border=True):
            st.markdown(f"#### {_ICONS[pitfall.severity]} {_esc(pitfall.title)}")
            _body(pitfall)
            _demo(pitfall_id)


def limitations() -> None:
    """What WeWeb's editor does not offer, and what to do instead."""
    st.subheader("What is not in WeWeb's editor")
    st.caption(
        "These Stripe operations exist in WeWeb's backend but not in the editor's action picker. "
        "The playground runs them all; in WeWeb you call them through a custom API."
    )
    rows = []
    for pitfall_id, label, available in EDITOR_LIMITATIONS.values():
        pitfall = get_pitfall(pitfall_id)
        rows.append(
            {
                "Resource": label,
                "In the editor": ", ".join(sorted(a.title() for a in available)) or "nothing",
                "What is missing": pitfall.what_happened,
                "What to do instead": pitfall.how_to_fix,
            }
        )
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


def reference() -> None:
    """Every other catalog entry: Stripe's HTTP errors (WeWeb's error table), then the other mistakes."""
    shown = set(pitfall_demos.DEMOS) | {entry[0] for entry in EDITOR_LIMITATIONS.values()}
    rest = [p for p in CATALOG if p.id not in shown]
    groups = (
        ("Errors Stripe returns", [p for p in rest if p.id.startswith("http_")]),
        ("More mistakes the app catches", [p for p in rest if not p.id.startswith("http_")]),
    )
    for title, entries in groups:
        st.subheader(title)
        for pitfall in entries:
            with st.expander(pitfall.title, icon=_ICONS[pitfall.severity]):
                _body(pitfall)
