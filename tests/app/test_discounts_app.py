"""Coupons and tax rates in the app (AppTest): the money preview of amount_off, the pitfalls caught before the
call, and the Data view's money column."""

from __future__ import annotations

from playground_helpers import errors, no_exception, open_page, pick_action, texts


def test_coupon_amount_off_preview_warning_and_data_view() -> None:
    at = pick_action(open_page("pages/actions.py"), "create_coupon", optional=True)
    at.selectbox(key="actions_create_coupon_currency").select("eur").run()
    at.text_input(key="actions_create_coupon_amount_off").input("5").run()
    page = texts(at)
    assert "5 eur → €0.05" in page
    assert "Did you mean 500 (€5.00)?" in page  # amount_off typed in euros, not cents
    at.text_input(key="actions_create_coupon_amount_off").input("500").run()
    at.button(key="actions_create_coupon_run").click().run()
    no_exception(at)
    assert not at.error
    at.switch_page("pages/data.py").run()
    at.selectbox(key="data_resource").select("Coupons").run()
    at.button(key="data_load").click().run()
    no_exception(at)
    assert list(at.dataframe[0].value["amount_off (display)"]) == ["€5.00"]


def test_percent_coupon_with_a_currency_is_caught_before_sending() -> None:
    at = pick_action(open_page("pages/actions.py"), "create_coupon", optional=True)
    at.text_input(key="actions_create_coupon_percent_off").input("15").run()
    at.selectbox(key="actions_create_coupon_currency").select("usd").run()
    at.button(key="actions_create_coupon_run").click().run()
    no_exception(at)
    assert any("takes no currency" in e for e in errors(at))


def test_tax_rate_form_shows_inclusive_and_exclusive_totals_side_by_side() -> None:
    at = pick_action(open_page("pages/actions.py"), "create_tax_rate")
    at.text_input(key="actions_create_tax_rate_display_name").input("VAT").run()
    at.text_input(key="actions_create_tax_rate_percentage").input("20").run()
    assert (
        "exclusive adds $20.00 (the customer pays $120.00); inclusive means $100.00 contains $16.67"
        in texts(at)
    )
    at.selectbox(key="actions_create_tax_rate_inclusive").select("true").run()
    at.button(key="actions_create_tax_rate_run").click().run()
    no_exception(at)
    assert not at.error
    at.text_input(key="actions_create_tax_rate_percentage").input("0.2").run()
    assert "Did you mean 20?" in texts(at)


def test_a_customer_balance_credit_from_the_actions_page() -> None:
    at = pick_action(open_page("pages/actions.py"), "create_customer")
    at.button(key="actions_create_customer_run").click().run()
    customer_id = at.dataframe[0].value["id"][0]
    pick_action(at, "create_customer_balance_transaction")
    at.selectbox(key="actions_create_customer_balance_transaction_customer").set_value(customer_id).run()
    at.text_input(key="actions_create_customer_balance_transaction_amount").input("-500").run()
    at.selectbox(key="actions_create_customer_balance_transaction_currency").select("usd").run()
    at.button(key="actions_create_customer_balance_transaction_run").click().run()
    no_exception(at)
    assert not at.error
    table = at.dataframe[0].value
    assert (table["type"][0], table["ending_balance (display)"][0]) == ("adjustment", "-$5.00")
