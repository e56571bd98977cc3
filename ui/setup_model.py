"""What a connection is, said once and drawn once: the words Step 2, Home and the README share.

WeWeb's guide says "Create a connection (e.g. “Stripe – Editor”, “Stripe – Production”)" and then "for each
environment you use (Editor, Staging, Production), fill in" the keys. Read quickly, that sounds like one
connection per environment *and* three environments per connection. The model is simpler: a connection is
one Stripe account's keys, with one slot per WeWeb environment; the guide's names are only names.
"""

from __future__ import annotations

from typing import Final

import streamlit as st

CAPTION: Final = (
    "A connection is one Stripe account's keys under a name you choose. It has a slot for each WeWeb "
    "environment: Editor and Staging take the account's test keys, Production its live keys. Fill only the "
    "slots you use."
)
MODEL: Final = (
    "**A connection** is one Stripe account's keys, under a name you choose. "
    "**Inside it, one slot per WeWeb environment:** **Editor** (where you build) and **Staging** take the "
    "account's *test* keys (`pk_test_…`, `sk_test_…`); **Production** (your live site) takes its *live* keys "
    "(`pk_live_…`, `sk_live_…`). Fill only the slots you use.\n\n"
    "WeWeb's guide suggests names like “Stripe – Editor” or “Stripe – Production”: they are just names. "
    "Most projects need **one** connection, with test keys in its Editor slot and live keys in its "
    "Production slot. Create a second connection only for a second Stripe account."
)
NAME_PLACEHOLDER: Final = "Stripe"

# The picture of MODEL: one account, its two modes, the three slots and where each mode's keys go.
DIAGRAM: Final = """digraph connection {
  rankdir=LR; bgcolor="transparent";
  node [shape=box, style="rounded,filled", fontname="sans-serif", fontsize=11];
  account [label="Your Stripe account", fillcolor="#e8e3ff"];
  test [label="Test mode keys\\npk_test_… · sk_test_…", fillcolor="#dff5e1"];
  live [label="Live mode keys\\npk_live_… · sk_live_…", fillcolor="#fde2e1"];
  subgraph cluster_connection {
    label="One WeWeb connection (e.g. “Stripe”)"; fontname="sans-serif"; fontsize=11; style="rounded";
    editor [label="Editor slot", fillcolor="#ffffff"];
    staging [label="Staging slot", fillcolor="#ffffff"];
    production [label="Production slot", fillcolor="#ffffff"];
  }
  account -> test; account -> live;
  test -> editor; test -> staging; live -> production;
}"""


DIAGRAM_ALT: Final = (
    "One Stripe account has test keys and live keys. The test keys go into the Editor and Staging slots of "
    "one WeWeb connection, the live keys into its Production slot."
)


def explain(*, expanded: bool = False) -> None:
    """The model in words and as a small diagram (drawn by the browser: no image, no network)."""
    with st.expander("What is a connection?", expanded=expanded, icon=":material/help:"):
        st.markdown(MODEL)
        st.graphviz_chart(DIAGRAM, width="content", alt=DIAGRAM_ALT)
