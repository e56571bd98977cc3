"""Step 3 in AppTest: List Products per environment against this session's sandbox account, every outcome."""

from __future__ import annotations

from setup_helpers import (
    LIVE_SK,
    TEST_SK,
    account,
    errors,
    open_page,
    plain,
    restricted_key,
    sandbox_client,
    sandbox_connection,
    texts,
)
from streamlit.testing.v1 import AppTest

from core.connection_test import EMPTY_LIST_MESSAGE
from core.environments import Environment
from core.secrets import Secret

PAGE = "pages/test_connection.py"


def page_with(name: str, env: Environment = Environment.EDITOR, secret: Secret | None = None) -> AppTest:
    at = open_page(PAGE)
    sandbox_connection(at, name, env, secret)
    return at.run()


def run_test(at: AppTest) -> AppTest:
    return at.button(key="test_connection_run").click().run()


def test_without_a_connection_the_page_points_to_step_two() -> None:
    at = open_page(PAGE)
    assert "Create a connection in step 2 first." in texts(at)


def test_a_connection_without_secret_keys_cannot_be_tested() -> None:
    at = open_page(PAGE)
    sandbox_connection(at, "Stripe – Editor")
    at.session_state["setup_connections"][0][Environment.EDITOR].secret_key = None
    at.run()
    assert any("has no secret key in any environment yet" in w.value for w in at.warning)


def test_an_empty_product_list_still_means_the_connection_works() -> None:
    at = run_test(page_with("Stripe – Editor"))
    assert not at.exception
    assert EMPTY_LIST_MESSAGE in texts(at)
    assert not at.dataframe
    assert f"**Account:** {account(at).id}" in texts(at)
    assert "Latency:" in texts(at)
    assert ":green-badge[:material/science: TEST] :violet-badge[Sandbox]" in texts(at)
    stored = at.session_state["setup_test_results"][("Stripe – Editor", "editor")]
    assert stored.report.ok


def test_products_are_listed_with_their_price_as_money() -> None:
    at = page_with("Stripe – Editor")
    sandbox_client(at).v1.products.create(
        params={"name": "Mug", "default_price_data": {"currency": "jpy", "unit_amount": 1500}}
    )
    at = run_test(at)
    assert "The connection works: List Products returned 1 product." in texts(at)
    table = at.dataframe[0].value
    assert list(table["Product"]) == ["Mug"]
    assert list(table["Default price"]) == ["¥1,500"]


def test_environments_are_tested_side_by_side_with_their_own_checks() -> None:
    at = open_page(PAGE)
    connection = sandbox_connection(at, "Stripe – Both")
    mine = account(at)
    connection[Environment.PRODUCTION].publishable_key = Secret(mine.publishable_key)
    connection[Environment.PRODUCTION].secret_key = Secret(mine.secret_key)
    at = run_test(at.run())
    assert [h.value for h in at.main.subheader] == ["Editor", "Production"]
    assert texts(at).count(EMPTY_LIST_MESSAGE) == 2
    mode_warnings = [plain(w.value) for w in at.warning if "Production uses" in w.value]
    assert len(mode_warnings) == 1, mode_warnings  # one problem, one warning on the page
    assert "Production uses test keys (pk_test_…, sk_test_…)" in mode_warnings[0]


def test_an_unknown_key_fails_with_the_401_guidance() -> None:
    at = run_test(page_with("Stripe – Editor", secret=Secret(TEST_SK)))
    found = errors(at)
    assert any(e.startswith("The connection does not work yet") for e in found)
    assert any("Invalid API Key" in e for e in found)
    assert TEST_SK not in texts(at)


def test_a_restricted_key_without_product_access_gets_a_403_and_the_permission_matrix() -> None:
    at = open_page(PAGE)
    key = restricted_key(account(at), [])
    sandbox_connection(at, "Stripe – Restricted", secret=key)
    at = run_test(at.run())
    found = errors(at)
    assert any("rak_product_read" in e for e in found)
    assert "unknown" not in "\n".join(e for e in found if "acct_" in e)
    at.button(key="test_connection_stripe-restricted_editor_permissions").click().run()
    matrix = at.dataframe[0].value
    products = matrix[matrix["resource"] == "Products"].iloc[0]
    assert products["read"] == "no"


def test_changing_the_key_makes_the_old_result_stale() -> None:
    at = run_test(page_with("Stripe – Editor"))
    at.session_state["setup_connections"][0][Environment.EDITOR].secret_key = Secret(TEST_SK)
    at.run()
    assert "Not tested with these keys yet." in texts(at)


def test_an_unreachable_server_fails_with_the_network_guidance() -> None:
    at = open_page(PAGE)
    connection = sandbox_connection(at, "Stripe – Editor")
    connection.api_base = (
        "http://127.0.0.1:9"  # the discard port: nothing listens, nothing leaves the machine
    )
    at = run_test(at.run())
    found = errors(at)
    assert any("could not reach the sandbox at http://127.0.0.1:9" in e.lower() for e in found)


def test_the_mode_badge_shows_before_the_first_run() -> None:
    """QA: before the first run only the "Sandbox" badge showed; TEST/LIVE is known from the key itself."""

    def badges(at: AppTest) -> list[str]:  # every badge line of the page (the sidebar has one as well)
        return [str(m.value).strip() for m in at.markdown if "-badge[Sandbox]" in str(m.value)]

    at = page_with("Stripe – Editor")
    assert "Not tested with these keys yet." in texts(at)
    assert badges(at)
    assert all(b.startswith(":green-badge[:material/science: TEST]") for b in badges(at)), badges(at)
    live = page_with("Stripe – Production", Environment.PRODUCTION, Secret(LIVE_SK))
    main = [str(m.value).strip() for m in live.main.markdown if "-badge[Sandbox]" in str(m.value)]
    assert main  # the page's own column; the sidebar asks before it makes a live key the active one
    assert all(b.startswith(":red-badge[:material/bolt: LIVE]") for b in main), main


def test_a_key_without_a_mode_renders_the_page_without_a_badge_or_an_exception() -> None:
    """A pasted string that is no key at all has no mode: the page must still render and say what is wrong."""
    at = page_with("Stripe – Editor", secret=Secret("not-a-stripe-key-at-all"))
    assert not at.exception
    badges = [str(m.value) for m in at.markdown if "-badge[Sandbox]" in str(m.value)]
    assert not any("TEST]" in b or "LIVE]" in b for b in badges[1:]), badges  # [0] may be the sidebar's
