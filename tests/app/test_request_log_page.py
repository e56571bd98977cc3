"""The request log in AppTest: every call of the session with its columns, filters, the request and response
of a selected row, CSV export, and never a key anywhere."""

from __future__ import annotations

import io

import pandas as pd
from playground_helpers import no_exception, open_page, texts
from streamlit.testing.v1 import AppTest

from ui import request_log, sandbox

PAGE = "pages/request_log.py"


def with_calls() -> AppTest:
    at = open_page("pages/actions.py")
    at.selectbox(key="actions_pick").set_value("create_product").run()
    at.text_input(key="actions_create_product_name").input("Logged product").run()
    at.button(key="actions_create_product_run").click().run()
    at.selectbox(key="actions_pick").set_value("retrieve_product").run()
    at.selectbox(key="actions_retrieve_product_id").select_index(0).run()
    at.button(key="actions_retrieve_product_run").click().run()
    at.selectbox(key="actions_pick").set_value("list_products").run()
    at.button(key="actions_list_products_run").click().run()
    no_exception(at)
    return at.switch_page(PAGE).run()


def test_empty_log_says_how_to_fill_it() -> None:
    at = open_page(PAGE)
    no_exception(at)
    assert "No calls yet" in texts(at)


def test_every_call_is_a_row_with_the_columns_people_need() -> None:
    at = with_calls()
    no_exception(at)
    frame = at.dataframe[0].value
    for column in (
        "time",
        "environment",
        "mode",
        "action",
        "method",
        "path",
        "status",
        "request_id",
        "duration_ms",
    ):
        assert column in frame.columns
    # Newest first, and only what the person ran: the product picker of Retrieve Product listed the products
    # once (a real call, logged), as a background lookup the log hides until asked.
    assert list(frame["action"]) == ["list_products", "retrieve_product", "create_product"]
    assert set(frame["source"]) == {"person"}
    at.toggle(key="request_log_background").set_value(True).run()
    frame = at.dataframe[0].value
    assert list(frame["action"]) == ["list_products", "retrieve_product", "list_products", "create_product"]
    assert list(frame["source"]) == ["person", "person", "picker lookup", "person"]
    assert set(frame["status"]) == {200}
    assert set(frame["environment"]) == {"Editor"}
    assert set(frame["mode"]) == {"test"}
    assert all(str(r).startswith("req_") for r in frame["request_id"])
    created = frame[frame["action"] == "create_product"]
    assert created["method"].iloc[0] == "POST"
    assert created["idempotency_key"].iloc[0]


def test_filters_narrow_the_rows() -> None:
    at = with_calls()
    at.multiselect(key="request_log_filter_method").select("POST").run()
    assert list(at.dataframe[0].value["action"]) == ["create_product"]
    at.multiselect(key="request_log_filter_method").unselect("POST").run()
    at.text_input(key="request_log_filter_text").input("/v1/products/prod_").run()
    assert list(at.dataframe[0].value["action"]) == ["retrieve_product"]


def test_selected_row_shows_request_and_response() -> None:
    at = with_calls()
    log = request_log.foreground(request_log.newest_first(at.session_state[request_log.LOG]))
    index = next(i for i, e in enumerate(log) if e.record.action_id == "create_product")
    at.selectbox(key="request_log_row").select(index).run()
    request, response = (j.value for j in at.json)
    assert '"path": "/v1/products"' in request
    assert '"name": "Logged product"' in request
    assert '"object": "product"' in response


def test_no_key_appears_on_the_page_or_in_the_csv() -> None:
    at = with_calls()
    at.toggle(key="request_log_background").set_value(True).run()  # the picker's lookup too
    secret = at.session_state[sandbox.ACCOUNT].secret_key
    shown = texts(at) + "".join(j.value for j in at.json)
    assert secret not in shown
    frame = at.dataframe[0].value
    csv = frame.to_csv(index=False)
    assert secret not in csv
    assert len(pd.read_csv(io.StringIO(csv))) == 4
    assert at.get("download_button")
