"""Data views in AppTest: each resource loads as a table, List pages by cursor and filters, Search takes a
Stripe query and explains a bad one."""

from __future__ import annotations

import pytest
from playground_helpers import errors, no_exception, open_page, texts
from streamlit.testing.v1 import AppTest

from ui import data_views

PAGE = "pages/data.py"


def with_products(*names: str) -> AppTest:
    at = open_page("pages/actions.py")
    at.selectbox(key="actions_pick").set_value("create_product").run()
    for name in names:
        at.text_input(key="actions_create_product_name").input(name).run()
        at.button(key="actions_create_product_run").click().run()
    no_exception(at)
    return at.switch_page(PAGE).run()


@pytest.mark.parametrize("resource", list(data_views.RESOURCES))
def test_every_resource_loads_as_a_table(resource: str) -> None:
    at = open_page(PAGE)
    at.selectbox(key="data_resource").select(resource).run()
    at.button(key="data_load").click().run()
    no_exception(at)
    assert not at.error
    assert "Page 1: 0 rows" in texts(at)  # a fresh account: empty, and that still means the call worked
    assert "that still means the call worked" in texts(at)


def test_list_pages_forward_and_back_by_cursor() -> None:
    at = with_products("Alpha", "Beta", "Gamma")
    at.number_input(key="data_limit").set_value(2).run()
    at.button(key="data_load").click().run()
    assert list(at.dataframe[0].value["name"]) == ["Gamma", "Beta"]  # newest first, like Stripe
    assert "more available" in texts(at)
    at.button(key="data_next").click().run()
    assert list(at.dataframe[0].value["name"]) == ["Alpha"]
    assert "Page 2: 1 row." in texts(at)  # singular: not "1 rows"
    assert at.button(key="data_next").disabled
    at.button(key="data_previous").click().run()
    assert list(at.dataframe[0].value["name"]) == ["Gamma", "Beta"]
    assert at.button(key="data_previous").disabled


def test_list_filters_are_the_catalog_filters() -> None:
    at = with_products("Active one")
    at.selectbox(key="data_list_products_active").select("false").run()
    at.button(key="data_load").click().run()
    assert "Page 1: 0 rows" in texts(at)
    at.selectbox(key="data_list_products_active").select("true").run()
    at.button(key="data_load").click().run()
    assert list(at.dataframe[0].value["name"]) == ["Active one"]


def test_search_with_a_stripe_query() -> None:
    at = with_products("Blue shirt", "Red mug", "Green shirt")
    at.segmented_control(key="data_mode").set_value("Search").run()
    at.text_input(key="data_products_query").input("name~'shirt'").run()
    at.button(key="data_load").click().run()
    no_exception(at)
    assert sorted(at.dataframe[0].value["name"]) == ["Blue shirt", "Green shirt"]


def test_a_bad_query_gets_stripes_explanation() -> None:
    at = open_page(PAGE)
    at.segmented_control(key="data_mode").set_value("Search").run()
    at.text_input(key="data_products_query").input("colour:'red'").run()
    at.button(key="data_load").click().run()
    assert any("'colour' is not a searchable field for product search" in e for e in errors(at))


def test_search_without_a_key_explains_instead_of_crashing() -> None:
    from core.environments import Connection
    from ui import connections_step, state

    at = AppTest.from_file(open_page.__globals__["APP"], default_timeout=60).run()
    at.session_state[state.CONNECTIONS] = [Connection(name="Empty")]
    at.session_state[connections_step.ACTIVE] = "Empty"
    at.switch_page(PAGE).run()
    at.segmented_control(key="data_mode").set_value("Search").run()
    at.text_input(key="data_products_query").input("active:'true'").run()
    at.button(key="data_load").click().run()
    no_exception(at)
    assert any("No API key" in e for e in errors(at))


def test_test_clocks_list_and_say_there_is_no_search() -> None:
    at = open_page(PAGE)
    at.selectbox(key="data_resource").select("Test clocks").run()
    at.segmented_control(key="data_mode").set_value("Search").run()
    assert any("Stripe has no search for test clocks" in i.value for i in at.info)
    assert at.button(key="data_load").disabled
