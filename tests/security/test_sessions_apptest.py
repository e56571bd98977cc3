"""Sessions never mix (AppTest): two sessions of the same app process, side by side, each with its own
connection. Neither sees the other's keys, objects, request log or webhook events."""

from __future__ import annotations

from secrets_scan import LIVE_SK, tree_strings
from setup_helpers import open_page, sandbox_connection
from streamlit.testing.v1 import AppTest

from ui import request_log, sandbox


def _create_product(at: AppTest, name: str) -> None:
    at.switch_page("pages/actions.py").run()
    at.selectbox(key="actions_pick").set_value("create_product").run()
    at.text_input(key="actions_create_product_name").input(name).run()
    at.button(key="actions_create_product_run").click().run()
    assert not at.exception, [e.value for e in at.exception]
    created = [e for e in at.session_state[request_log.LOG] if e.record.action_id == "create_product"]
    assert created
    assert created[-1].record.status == 200


def _list_products(at: AppTest) -> str:
    at.switch_page("pages/actions.py").run()
    at.selectbox(key="actions_pick").set_value("list_products").run()
    at.button(key="actions_list_products_run").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return tree_strings(at)


def test_two_sessions_never_see_each_other() -> None:
    a = open_page("pages/home.py")
    b = open_page("pages/home.py")
    account_a, account_b = a.session_state[sandbox.ACCOUNT], b.session_state[sandbox.ACCOUNT]
    assert account_a.id != account_b.id
    sandbox_connection(a, "Session A")
    sandbox_connection(b, "Session B")
    a.switch_page("pages/keys.py").run()
    a.text_input(key="keys_secret").input(LIVE_SK).run()

    _create_product(a, "Only in session A")
    _create_product(b, "Only in session B")
    a.switch_page("pages/webhooks.py").run()
    a.button(key="webhooks_register").click().run()
    a.button(key="webhooks_trigger").click().run()
    b.switch_page("pages/webhooks.py").run()
    assert b.button(key="webhooks_register")  # b has no endpoint: a's registration is a's alone

    seen_by_b = _list_products(b)
    for page in ("pages/keys.py", "pages/connections.py", "pages/request_log.py", "pages/webhooks.py"):
        b.switch_page(page).run()
        seen_by_b += tree_strings(b)
    seen_by_a = _list_products(a)
    assert "Only in session B" in seen_by_b  # b sees its own product…
    assert "Only in session A" not in seen_by_b  # …and never a's
    assert "Only in session A" in seen_by_a
    assert "Only in session B" not in seen_by_a
    for secret in (account_a.secret_key, LIVE_SK, account_a.id, "Session A"):
        assert secret not in seen_by_b
    ids_a = {e.record.request_id for e in a.session_state[request_log.LOG]}
    ids_b = {e.record.request_id for e in b.session_state[request_log.LOG]}
    assert ids_a
    assert ids_b
    assert not ids_a & ids_b
    assert not any(i in seen_by_b for i in ids_a if i)
