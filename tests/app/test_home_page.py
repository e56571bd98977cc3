"""Home shows the three setup steps with their state in this session and points at the next one."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from core.secrets import Secret
from ui import keys_step
from ui.navigation import ROOT

APP = str(ROOT / "app.py")


def _markdown(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def next_hint(at: AppTest) -> str:
    return next(i.value for i in at.info if i.value.startswith("Next:"))


def test_fresh_session_shows_three_open_steps_and_step_one_next() -> None:
    at = AppTest.from_file(APP, default_timeout=30).run()
    text = _markdown(at)
    for title in ("Get your Stripe keys", "Create a connection per environment", "Test the connection"):
        assert title in text
    assert next_hint(at) == "Next: step 1, Get your Stripe keys."
    assert not at.success


def test_step_one_done_moves_next_to_step_two() -> None:
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state[keys_step.PUBLISHABLE] = Secret("pk_test_" + "51" + "A1b2C3d4E5" * 9 + "f6G7h8I")
    at.session_state[keys_step.SECRET] = Secret("sk_test_" + "51" + "Z9y8X7w6V5" * 9 + "u4T3s2R")
    at.run()
    assert next_hint(at) == "Next: step 2, Create a connection per environment."
