"""Stripe or sandbox is decided once (``core.client.Server.of``): a connection whose address is written out
as ``https://api.stripe.com`` is Stripe everywhere it is shown, exactly like a connection with no address.

Issue "Parse once": the sidebar and the test page said "Sandbox" for such a connection (they asked
``api_base is not None``) while its calls went to Stripe. The test call itself goes nowhere: the suite's
loopback-only proxy (tests/conftest.py) turns Stripe's address into "could not reach Stripe".
"""

from __future__ import annotations

import pytest
from playground_helpers import pick_action
from setup_helpers import APP, TEST_PK, TEST_SK, plain, texts
from streamlit.testing.v1 import AppTest

from core.environments import Connection, Environment, EnvironmentConfig
from core.secrets import Secret
from ui import connections_step, request_log, state

WRITTEN_OUT = ("https://api.stripe.com", "https://api.stripe.com/v1/", "HTTPS://API.STRIPE.COM")


def _on(api_base: str | None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    config = EnvironmentConfig(Secret(TEST_PK), Secret(TEST_SK))
    at.session_state[state.CONNECTIONS] = [
        Connection("Stripe – Editor", {Environment.EDITOR: config}, api_base)
    ]
    at.session_state[connections_step.ACTIVE] = "Stripe – Editor"
    at.session_state[connections_step.ACTIVE_ENVIRONMENT] = "editor"
    return at.run()


@pytest.mark.parametrize("api_base", WRITTEN_OUT)
def test_the_sidebar_says_stripe_for_stripes_address_written_out(api_base: str) -> None:
    text = plain("\n".join(m.value for m in _on(api_base).sidebar.markdown))
    assert ":blue-badge[Stripe]" in text
    assert "Sandbox]" not in text


def test_the_sidebar_says_sandbox_for_any_other_address() -> None:
    text = plain("\n".join(m.value for m in _on("http://127.0.0.1:12111").sidebar.markdown))
    assert ":violet-badge[Sandbox]" in text
    assert ":blue-badge[Stripe]" not in text


def test_the_test_page_and_its_records_say_stripe() -> None:
    at = _on("https://api.stripe.com")
    at.switch_page("pages/test_connection.py").run()
    assert ":green-badge[:material/science: TEST] :blue-badge[Stripe]" in texts(at)
    at.button(key="test_connection_run").click().run()
    assert not at.exception
    report = at.session_state[state.TEST_RESULTS][("Stripe – Editor", "editor")].report
    assert report.target == "stripe"
    assert report.result.request is not None
    assert report.result.request.target == "stripe"
    assert "**Server:** stripe" in texts(at)
    assert "Could not reach Stripe (https://api.stripe.com)" in texts(at)


def test_a_playground_record_says_stripe() -> None:
    at = _on("https://api.stripe.com/")
    at.switch_page("pages/actions.py").run()
    at = pick_action(at, "list_products")
    at.button(key="actions_list_products_run").click().run()
    assert not at.exception
    records = at.session_state[request_log.LOG]
    assert [e.record.action_id for e in records][-1:] == ["list_products"]
    assert {e.record.target for e in records} == {"stripe"}
