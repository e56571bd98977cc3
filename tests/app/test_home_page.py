"""Home shows the three setup steps with their state in this session and points at the next one."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.secrets import Secret
from ui import keys_step, sandbox
from ui.navigation import ROOT

APP = str(ROOT / "app.py")


def _markdown(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def next_hint(at: AppTest) -> str:
    return next(i.value for i in at.info if i.value.startswith("Next:"))


def test_fresh_session_shows_three_open_steps_and_step_one_next() -> None:
    at = AppTest.from_file(APP, default_timeout=30).run()
    text = _markdown(at)
    for title in (
        "Get your Stripe keys",
        "Create a connection and fill the environments you use",
        "Test the connection",
    ):
        assert title in text
    assert next_hint(at) == "Next: step 1, Get your Stripe keys."
    assert not at.success


# Keys of one made-up account: every key of an account shares its id after the "5" (core.keys).
ACCOUNT = "1PlaygroundAcct0"


def test_step_one_done_moves_next_to_step_two() -> None:
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state[keys_step.PUBLISHABLE] = Secret("pk_test_5" + ACCOUNT + "A1b2C3d4E5" * 8 + "f6")
    at.session_state[keys_step.SECRET] = Secret("sk_test_5" + ACCOUNT + "Z9y8X7w6V5" * 8 + "u4")
    at.run()
    assert next_hint(at) == "Next: step 2, Create a connection and fill the environments you use."


def test_after_the_three_steps_home_says_the_connection_works() -> None:
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("pages/keys.py").run()
    at.button[0].click().run()  # "Use sandbox keys": step 1
    at.switch_page("pages/connections.py").run()
    at.text_input(key="connections_new_name").input("Stripe – Editor")
    next(b for b in at.button if b.label == "Create connection").click().run()
    at.button(key="connections_stripe-editor_editor_sandbox").click().run()  # step 2
    at.switch_page("pages/test_connection.py").run()
    at.button(key="test_connection_run").click().run()  # step 3
    at.switch_page("pages/home.py").run()
    assert not at.exception
    assert [s.value for s in at.success] == ["All three steps are done: your connection works."]
    assert "List Products answered for Stripe – Editor · Editor." in [c.value for c in at.caption]


def test_a_sandbox_that_cannot_start_is_reported_and_the_app_still_works(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the sandbox wants its data folder")
    monkeypatch.setenv("PLAYGROUND_DATA_DIR", str(blocker))
    sandbox._started.clear()  # the next session starts the server again, and fails
    try:
        at = AppTest.from_file(APP, default_timeout=30).run()
        assert not at.exception
        assert any("The local sandbox could not start" in e.value for e in at.error)
        assert next_hint(at) == "Next: step 1, Get your Stripe keys."
    finally:
        monkeypatch.undo()
        sandbox._started.clear()  # later tests start a working one
