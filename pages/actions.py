"""Actions: every Stripe action of the catalog as a form; the result as a table with its request and code.

The page's body lives in ``ui.actions_view`` (a function, so its form can be an ``st.fragment``).
"""

from ui import actions_view, navigation

navigation.page_header(
    "actions",
    "Pick an action, fill in its inputs and run it. Amounts are previewed as money while you type.",
)
actions_view.draw()
