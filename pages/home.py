"""Home: what the product does, what is running, the three setup steps with their state, where to go next."""

import streamlit as st

from ui import connections_view, navigation, start
from ui.progress import lines_by_connection, next_step, setup_steps

navigation.page_header(
    "home",
    "Connect Stripe the way the WeWeb setup guide describes, then run every Stripe action safely.",
)
st.markdown(
    "This playground walks you through connecting Stripe: **your keys**, **a connection per environment** "
    "(Editor, Staging, Production) and **a first test call**. Afterwards you can run every Stripe action "
    "and see exactly what happens, with amounts shown as money and mistakes caught before they cost you."
)
start.sandbox_banner()
connections_view.offers()

st.subheader("The three steps")
steps = setup_steps()
for step in steps:
    with st.container(border=True):
        icon = ":material/check_circle:" if step.done else ":material/pending:"
        st.markdown(f"**{icon} Step {step.number}: {step.title}**")
        st.caption(step.note)
        st.page_link(step.page, label=f"Open step {step.number}", icon=":material/arrow_forward:")

in_use = {name: lines for name, lines in lines_by_connection().items() if lines}
if in_use:
    st.subheader("Your connections")
    for name, lines in in_use.items():
        st.markdown(f"**{name}**  \n" + "  \n".join(lines))

upcoming = next_step(steps)
st.subheader("Where to go next")
if upcoming is None:
    st.success("All three steps are done: your connection works.")
else:
    st.info(f"Next: step {upcoming.number}, {upcoming.title}.")
    st.page_link(upcoming.page, label=f"Go to step {upcoming.number}", icon="➡️")
