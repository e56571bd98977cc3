"""Regressions found by hands-on QA in Chromium: states a newcomer met that said nothing useful or the wrong
thing. Each test drives the real app (AppTest, real sandbox) to the state the person saw."""

from __future__ import annotations

import socket

import pytest
from playground_helpers import no_exception, open_page, pick_action, texts
from setup_helpers import LIVE_PK, LIVE_SK, TEST_PK, TEST_SK, account, sandbox_client, sandbox_connection
from setup_helpers import open_page as setup_open_page
from setup_helpers import texts as setup_texts
from streamlit.testing.v1 import AppTest

from core.environments import Connection, Environment, EnvironmentConfig
from core.secrets import Secret
from ui import connections_step, data_views, state


def test_request_log_says_when_no_call_matches_the_filters() -> None:
    at = open_page("pages/data.py")
    at.button(key="data_load").click().run()  # one real call, so the log is not empty
    at.switch_page("pages/request_log.py").run()
    at.text_input(key="request_log_filter_text").input("nothing-has-this-path").run()
    no_exception(at)
    assert "0 of 1 calls." in texts(at)
    assert "No call matches these filters" in texts(at)
    assert not at.dataframe  # no empty table, empty CSV or greyed-out row picker
    assert not [s for s in at.selectbox if s.key == "request_log_row"]


def test_request_log_filters_that_match_still_show_the_table() -> None:
    at = open_page("pages/data.py")
    at.button(key="data_load").click().run()
    at.switch_page("pages/request_log.py").run()
    at.text_input(key="request_log_filter_text").input("/v1/products").run()
    assert "1 of 1 calls." in texts(at)
    assert "No call matches" not in texts(at)
    assert at.dataframe


def test_empty_search_query_is_explained_before_anything_is_sent() -> None:
    at = open_page("pages/data.py")
    at.segmented_control(key="data_mode").set_value("Search").run()
    at.button(key="data_load").click().run()
    no_exception(at)
    example = data_views.RESOURCES["Products"].example_query
    assert "Type a search query first" in texts(at)
    assert example in texts(at)
    assert "empty string for 'query'" not in texts(at)  # Stripe's own wording, meaningless to a newcomer
    at.switch_page("pages/request_log.py").run()
    assert "No calls yet" in texts(at)  # nothing was sent


def test_search_with_a_query_still_loads() -> None:
    at = open_page("pages/data.py")
    at.segmented_control(key="data_mode").set_value("Search").run()
    at.text_input(key="data_products_query").input("name:'nothing'").run()
    at.button(key="data_load").click().run()
    no_exception(at)
    assert "Type a search query first" not in texts(at)
    assert "Page 1: 0 rows" in texts(at)


def test_without_a_connection_the_playground_does_not_point_at_an_empty_sidebar() -> None:
    at = open_page("pages/flows.py")
    no_exception(at)
    assert "Change the connection and environment in the sidebar" not in texts(at)
    assert "create a connection in step 2" in texts(at)


def test_with_a_connection_the_playground_points_at_the_sidebar() -> None:
    at = open_page("pages/connections.py")
    at.text_input(key="connections_new_name").input("Stripe – Editor")
    next(b for b in at.button if b.label == "Create connection").click().run()
    no_exception(at)
    at.switch_page("pages/flows.py").run()
    assert "Change the connection and environment in the sidebar" in texts(at)


@pytest.mark.parametrize("server", ["stripe", "another address"])
def test_sandbox_keys_on_a_connection_to_another_server_are_named_as_the_cause(server: str) -> None:
    """ "Use sandbox keys", then Stripe as the server: the failed test call used to claim this session's
    sandbox account answered, and nothing said the keys and the server do not belong together."""
    at = setup_open_page("pages/home.py")
    mine = account(at)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{sock.getsockname()[1]}"
    connection = Connection(
        name="Mixed",
        environments={
            Environment.EDITOR: EnvironmentConfig(Secret(mine.publishable_key), Secret(mine.secret_key))
        },
        api_base=None if server == "stripe" else closed,
    )
    at.session_state[state.CONNECTIONS] = [connection]
    at.session_state[connections_step.ACTIVE] = "Mixed"
    at.switch_page("pages/test_connection.py").run()
    next(b for b in at.button if str(b.label).startswith("Run List Products")).click().run()
    no_exception(at)
    shown = setup_texts(at)
    assert "These are this session's sandbox keys, but this connection's server is" in shown
    assert "set the server to *Local sandbox*" in shown
    assert f"{mine.id} (this session's sandbox account)" not in shown
    assert mine.secret_key not in shown


def test_sandbox_keys_on_the_sandbox_still_name_the_sandbox_account() -> None:
    at = setup_open_page("pages/home.py")
    mine = account(at)
    sandbox_connection(at, "Sandbox")
    at.switch_page("pages/test_connection.py").run()
    next(b for b in at.button if str(b.label).startswith("Run List Products")).click().run()
    shown = setup_texts(at)
    assert "The list is empty" in shown
    assert "sandbox keys, but this connection's server" not in shown
    assert mine.id in shown


def _keys_with(publishable: str, secret: str) -> AppTest:
    at = setup_open_page("pages/keys.py")
    at.text_input(key="keys_publishable").input(publishable).run()
    return at.text_input(key="keys_secret").input(secret).run()


def test_a_live_key_pair_is_accepted_with_a_word_about_real_money() -> None:
    """Step 1 said only "Looks right." and "Step 1 is done" for live keys, though the guide says to build in
    Test mode and keep live keys for Production."""
    at = _keys_with(LIVE_PK, LIVE_SK)
    no_exception(at)
    shown = setup_texts(at)
    assert "Step 1 is done" in shown
    assert "These are **live** keys" in shown
    assert "Use them only in Production" in shown
    assert LIVE_SK not in shown


def test_a_test_key_pair_gets_no_live_key_note() -> None:
    at = _keys_with(TEST_PK, TEST_SK)
    shown = setup_texts(at)
    assert "Step 1 is done" in shown
    assert "live** keys" not in shown


def _connection_with_webhook_path(path: str) -> AppTest:
    at = setup_open_page("pages/connections.py")
    at.text_input(key="connections_new_name").input("Stripe – Editor")
    next(b for b in at.button if b.label == "Create connection").click().run()
    enabled = "connections_stripe-editor_editor_webhook_enabled"
    toggles = [t for t in at.toggle if t.key == enabled] or [c for c in at.checkbox if c.key == enabled]
    toggles[0].set_value(True).run()
    return at.text_input(key="connections_stripe-editor_editor_webhook_path").input(path).run()


def test_a_webhook_path_with_a_space_is_not_fixed_into_another_invalid_path() -> None:
    """'stripe webhook' was answered with "Use '/stripe webhook'.", itself an invalid path."""
    at = _connection_with_webhook_path("stripe webhook")
    no_exception(at)
    shown = setup_texts(at)
    assert "the webhook path 'stripe webhook' must start with '/'" in shown
    assert "Use '/stripe webhook'" not in shown
    assert "Use a plain path such as /stripe/webhook" in shown


def test_a_webhook_path_missing_only_its_slash_still_gets_it_suggested() -> None:
    at = _connection_with_webhook_path("stripe/webhook")
    assert "Use '/stripe/webhook'." in setup_texts(at)


def test_an_environment_without_a_key_is_not_called_unknown_mode() -> None:
    at = setup_open_page("pages/home.py")
    mine = account(at)
    connection = Connection(name="Stripe – Production", environments={}, api_base=mine.api_base)
    at.session_state[state.CONNECTIONS] = [connection]
    at.session_state[connections_step.ACTIVE] = "Stripe – Production"
    at.session_state[connections_step.ACTIVE_ENVIRONMENT] = Environment.PRODUCTION.value
    at.switch_page("pages/flows.py").run()
    no_exception(at)
    shown = setup_texts(at)
    assert "Calls go to **Stripe – Production · Production** on the local sandbox, no key yet." in shown
    assert "UNKNOWN" not in shown
    assert "has no secret or restricted key" in shown


def test_a_blocked_call_says_not_sent_and_shows_no_request_record() -> None:
    """QA: Create Payment Intent for 10 usd (below the minimum) showed a "Request record" for a request that
    never left the app; the snippets are only what *would* be sent."""
    at = pick_action(open_page("pages/actions.py"), "create_payment_intent")
    at.text_input(key="actions_create_payment_intent_amount").input("10").run()
    at.button(key="actions_create_payment_intent_run").click().run()
    no_exception(at)
    assert at.session_state["actions_create_payment_intent_result"].blocked
    assert "Request record" not in [e.label for e in at.expander]
    assert "Not sent" in texts(at)
    assert "What would be sent" in texts(at)


def test_a_sent_call_still_shows_its_request_record() -> None:
    at = pick_action(open_page("pages/actions.py"), "create_product")
    at.text_input(key="actions_create_product_name").input("Recorded").run()
    at.button(key="actions_create_product_run").click().run()
    no_exception(at)
    assert "Request record" in [e.label for e in at.expander]
    assert "Not sent" not in texts(at)


def test_empty_lists_dicts_and_nulls_show_as_empty_cells_and_money_comes_first() -> None:
    """QA: ``images`` [] and ``metadata`` {} showed "None", and the money column sat far right."""
    at = pick_action(open_page("pages/actions.py"), "create_product")
    at.text_input(key="actions_create_product_name").input("Empty cells").run()
    at.button(key="actions_create_product_run").click().run()
    no_exception(at)
    frame = at.dataframe[0].value
    assert frame.loc[0, "images"] == ""
    assert frame.loc[0, "metadata"] == ""
    assert frame.loc[0, "description"] == ""
    assert "None" not in {str(v) for v in frame.iloc[0]}
    assert list(frame.columns)[:2] == ["id", "name"]
    result = at.session_state["actions_create_product_result"]
    assert result.table.loc[0, "images"] is None  # the data itself keeps its missing values (CSV, notebook)


def test_the_environment_warning_shows_once_per_page_not_under_every_flow_step() -> None:
    """QA: "The Production connection uses a test key" repeated after every step of a flow (4-5 times)."""
    at = setup_open_page("pages/home.py")
    sandbox_connection(at, "Prod on the sandbox", Environment.PRODUCTION)
    at.switch_page("pages/flows.py").run()

    def notices() -> int:
        return sum("Production uses a test secret key" in str(w.value) for w in at.warning)

    assert notices() == 1  # before any call: where calls go is known already
    at.button(key="flows_payment_create").click().run()
    at.selectbox(key="flows_payment_card").select("pm_card_visa").run()
    at.button(key="flows_payment_confirm").click().run()
    no_exception(at)
    assert at.session_state["flows_payment"]["status"]["payment_intent"] == "succeeded"
    assert notices() == 1
    at.switch_page("pages/actions.py").run()
    assert notices() == 1


def test_create_product_has_one_currency_picker_for_its_default_price() -> None:
    """QA: Create Product showed "Currency" (the default price's) and a second "Currency for the preview"."""
    at = pick_action(open_page("pages/actions.py"), "create_product", optional=True)
    at.text_input(key="actions_create_product_default_price_data__unit_amount").input("1000").run()
    no_exception(at)
    labels = [str(s.label) for s in at.selectbox if "currency" in str(s.label).lower()]
    assert labels == ["Default price: currency"]
    assert "Choose “Default price: currency” above to see this amount as money." in texts(at)
    at.selectbox(key="actions_create_product_default_price_data__currency").select("usd").run()
    assert "1000 usd → $10.00" in texts(at)


def test_a_subscription_without_a_card_gets_the_card_guidance_with_its_link_intact() -> None:
    """Issue "tells the truth", item 3: Stripe's "no attached payment source" (code resource_missing) was
    explained as a wrong ID, and the link in its message showed a stray backslash before the "#"."""
    at = open_page("pages/actions.py")
    client = sandbox_client(at)
    customer = client.v1.customers.create(params={"email": "no-card@example.com"})
    plan = {"currency": "usd", "unit_amount": 900, "recurring": {"interval": "month"}}
    price = client.v1.prices.create(params={**plan, "product_data": {"name": "Plan"}})
    at = pick_action(at, "create_subscription")
    at.selectbox(key="actions_create_subscription_customer").set_value(customer.id).run()
    at.text_area(key="actions_create_subscription_items").input(f'[{{"price": "{price.id}"}}]').run()
    at.button(key="actions_create_subscription_run").click().run()
    no_exception(at)
    shown = texts(at)
    assert "The customer has no default payment method or source" in shown
    assert "wrong or truncated" not in shown
    assert "payment-methods-setting\\#" not in "\n".join(e.value for e in at.error)
