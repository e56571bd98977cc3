"""The sidebar: active connection and environment, TEST/LIVE, sandbox or Stripe, and the setup progress.

Under AppTest, Streamlit 1.67 runs an app that has a ``pages/`` folder the legacy way on every rerun and page
switch (AppTest resets its own "uses the pages folder" flag before each run; the server does not, see
``ui.navigation``), so the sidebar drawn by ``app.py`` is there only on a session's first run. These tests
prepare the session the way the setup pages leave it and look at that first run; selecting in the sidebar is
covered in Chromium (tests/e2e/test_app_setup.py).
"""

from __future__ import annotations

from setup_helpers import APP, LIVE_PK, LIVE_SK, TEST_PK, TEST_SK, plain
from streamlit.testing.v1 import AppTest

from core.environments import Connection, Environment, EnvironmentConfig
from core.secrets import Secret
from ui import connections_step, state


def sidebar_text(at: AppTest) -> str:
    return plain("\n".join([m.value for m in at.sidebar.markdown] + [c.value for c in at.sidebar.caption]))


def test_fresh_session_is_on_the_sandbox_in_test_mode_with_nothing_done() -> None:
    at = AppTest.from_file(APP, default_timeout=60).run()
    text = sidebar_text(at)
    assert "**Connection:** none yet" in text
    assert ":green-badge[:material/science: TEST]" in text
    assert ":violet-badge[Sandbox]" in text
    assert text.count(":material/radio_button_unchecked:") == 3
    assert "Sandbox account of this session: `acct_" in text


def test_active_connection_and_environment_are_selectable_with_live_badge_on_stripe() -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    production = EnvironmentConfig(Secret(LIVE_PK), Secret(LIVE_SK))
    at.session_state[state.CONNECTIONS] = [
        Connection("Stripe – Editor"),
        Connection("Stripe – Production", {Environment.PRODUCTION: production}),
    ]
    at.session_state[connections_step.ACTIVE] = "Stripe – Production"
    at.session_state[connections_step.ACTIVE_ENVIRONMENT] = "production"
    at.session_state[connections_step.CONFIRMED_LIVE] = {("Stripe – Production", "production")}
    at.run()
    assert at.sidebar.selectbox(key="sidebar_connection").options == [
        "Stripe – Editor",
        "Stripe – Production",
    ]
    assert at.sidebar.selectbox(key="sidebar_connection").value == "Stripe – Production"
    assert at.sidebar.selectbox(key="sidebar_environment").value == "production"
    text = sidebar_text(at)
    assert ":red-badge[:material/bolt: LIVE]" in text
    assert ":blue-badge[Stripe]" in text
    assert "Production: keys ✓ · not tested" in text
    assert "**Stripe – Editor**  \nno keys yet" in text  # every connection's progress, not the active one's
    assert "**Stripe – Production**  \nProduction: keys ✓ · not tested" in text
    assert ":material/check_circle: 2. Create a connection and fill the environments you use" in text


def test_a_test_key_in_production_is_named_in_the_sidebar_by_the_same_rule() -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    production = EnvironmentConfig(Secret(TEST_PK), Secret(TEST_SK))
    at.session_state[state.CONNECTIONS] = [
        Connection("Stripe – Production", {Environment.PRODUCTION: production})
    ]
    at.session_state[connections_step.ACTIVE] = "Stripe – Production"
    at.session_state[connections_step.ACTIVE_ENVIRONMENT] = "production"
    at.run()
    captions = [plain(c.value) for c in at.sidebar.caption]
    assert ":material/warning: Test key in Production" in captions
    assert not at.sidebar.warning  # a word in the sidebar; the page says it in full once


def test_live_keys_never_become_the_active_target_without_a_yes() -> None:
    """Issue "setup model": a connection with live keys became the active one silently (it was created, or
    its Production tab opened). Now calls stay where they went, and the sidebar asks."""
    at = AppTest.from_file(APP, default_timeout=60)
    editor = EnvironmentConfig(Secret(TEST_PK), Secret(TEST_SK))
    production = EnvironmentConfig(Secret(LIVE_PK), Secret(LIVE_SK))
    at.session_state[state.CONNECTIONS] = [
        Connection("Stripe", {Environment.EDITOR: editor, Environment.PRODUCTION: production})
    ]
    at.session_state[connections_step.ACTIVE] = "Stripe"
    at.session_state[connections_step.ACTIVE_ENVIRONMENT] = "production"
    at.run()
    assert at.session_state[connections_step.ACTIVE_ENVIRONMENT] == "editor"
    assert at.session_state[connections_step.PENDING_LIVE] == ("Stripe", "production")
    question = [plain(w.value) for w in at.sidebar.warning]
    assert any("“Stripe” · Production has live keys" in q for q in question), question
    text = sidebar_text(at)
    assert ":green-badge[:material/science: TEST]" in text
    assert "LIVE]" not in text
    at.sidebar.button(key="sidebar_live_yes").click().run()
    assert at.session_state[connections_step.ACTIVE_ENVIRONMENT] == "production"
    assert ("Stripe", "production") in at.session_state[connections_step.CONFIRMED_LIVE]
