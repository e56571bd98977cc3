"""Regressions found by hands-on QA in Chromium: states a newcomer met that said nothing useful or the wrong
thing. Each test drives the real app (AppTest, real sandbox) to the state the person saw."""

from __future__ import annotations

from playground_helpers import no_exception, open_page, texts

from ui import data_views


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
