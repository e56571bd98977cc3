"""Pitfalls & limitations: the catalog as a reference, each setup-guide pitfall triggerable in one click."""

from ui import navigation, pitfalls_view

navigation.page_header(
    "pitfalls",
    "Every mistake the app watches for, what it means and how to fix it. The four from WeWeb's setup guide "
    "can be tried for real on your sandbox account, so you recognise them when they happen.",
)
pitfalls_view.guide_pitfalls()
pitfalls_view.limitations()
pitfalls_view.reference()
