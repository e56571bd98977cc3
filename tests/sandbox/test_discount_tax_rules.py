"""The arithmetic of sandbox._discount_tax against worked examples written out by hand."""

from __future__ import annotations

from decimal import Decimal

from sandbox._discount_tax import Discount, Line, TaxRate, applies_to_renewal, compute, spread

VAT_INCL = TaxRate("txr_vat", Decimal(20), inclusive=True)
SALES_EXCL = TaxRate("txr_sales", Decimal(10), inclusive=False)


def test_fifteen_percent_coupon_on_three_lines_with_an_exclusive_and_an_inclusive_rate() -> None:
    # $100.00 taxed 10 % exclusive, $50.00 with 20 % VAT included, $30.00 untaxed; 15 % off everything.
    totals = compute(
        [Line(10000, tax_rates=(SALES_EXCL,)), Line(5000, tax_rates=(VAT_INCL,)), Line(3000)],
        [Discount("di_15", percent_off=Decimal(15))],
    )
    assert totals.subtotal == 18000
    # 15 % of $180.00 = $27.00, spread in proportion: $15.00, $7.50, $4.50.
    assert totals.discount_amounts == (("di_15", 2700),)
    assert [line.discount_amounts for line in totals.lines] == [
        (("di_15", 1500),),
        (("di_15", 750),),
        (("di_15", 450),),
    ]
    # 10 % of $85.00 = $8.50 on top; $42.50 contains 20/120 of itself as VAT = $7.0833 → $7.08, net $35.42.
    first, second, third = (line.taxes for line in totals.lines)
    assert [(t.tax_rate, t.amount, t.inclusive, t.taxable_amount) for t in first] == [
        ("txr_sales", 850, False, 8500)
    ]
    assert [(t.tax_rate, t.amount, t.inclusive, t.taxable_amount) for t in second] == [
        ("txr_vat", 708, True, 3542)
    ]
    assert third == ()
    # $180.00 − $27.00 + $8.50 = $161.50; without any tax: $161.50 − $8.50 − $7.08 = $145.92.
    assert totals.total == 16150
    assert totals.total_excluding_tax == 14592
    assert totals.subtotal_excluding_tax == 18000 - 708


def test_percentages_round_half_up_and_spread_by_largest_remainder() -> None:
    # 3 lines of $3.33: 15 % of $9.99 = $1.4985 → $1.50; shares 49.95 each → 49, 49, 49 + 3 left: 50, 50, 50.
    totals = compute([Line(333), Line(333), Line(333)], [Discount("di", percent_off=Decimal(15))])
    assert totals.discount == 150
    assert [line.discount for line in totals.lines] == [50, 50, 50]
    # Unequal weights: $1.00 split 1:1:1 gives 34, 33, 33 (the earlier line wins the tie).
    assert spread(100, [1, 1, 1]) == [34, 33, 33]
    assert spread(7, [5, 3]) == [4, 3]  # exact 4.375 / 2.625: the larger remainder (.625) gets the cent
    assert sum(spread(9999, [17, 23, 60])) == 9999


def test_amount_off_never_exceeds_what_it_applies_to() -> None:
    totals = compute([Line(300), Line(200)], [Discount("di", amount_off=1000)])
    assert totals.discount == 500
    assert totals.total == 0
    assert [line.discount for line in totals.lines] == [300, 200]


def test_non_discountable_lines_and_product_restrictions() -> None:
    totals = compute(
        [Line(1000, product="prod_a"), Line(1000, product="prod_b"), Line(1000, discountable=False)],
        [Discount("di", percent_off=Decimal(50), products=frozenset({"prod_b"}))],
    )
    assert [line.discount for line in totals.lines] == [0, 500, 0]
    assert totals.total == 2500


def test_discounts_apply_in_order_to_what_is_left() -> None:
    # $10.00 − $2.00 (amount) = $8.00, then 50 % of $8.00 = $4.00: $4.00 due.
    totals = compute([Line(1000)], [Discount("a", amount_off=200), Discount("b", percent_off=Decimal(50))])
    assert totals.discount_amounts == (("a", 200), ("b", 400))
    assert totals.total == 400


def test_an_items_own_discount_comes_before_the_invoice_discount() -> None:
    own = Discount("di_item", amount_off=100)
    totals = compute(
        [Line(1000, discounts=(own,)), Line(1000)], [Discount("di_inv", percent_off=Decimal(10))]
    )
    assert totals.lines[0].discount_amounts == (("di_item", 100), ("di_inv", 90))
    assert totals.lines[1].discount_amounts == (("di_inv", 100),)
    assert totals.total == 2000 - 100 - 190


def test_taxes_of_the_same_rate_add_up_per_rate() -> None:
    totals = compute([Line(1000, tax_rates=(SALES_EXCL,)), Line(555, tax_rates=(SALES_EXCL,))])
    # 10 % of $5.55 = $0.555 → $0.56 (half up), per line.
    assert [t.amount for line in totals.lines for t in line.taxes] == [100, 56]
    assert [(t.tax_rate, t.amount, t.taxable_amount) for t in totals.taxes] == [("txr_sales", 156, 1555)]
    assert totals.total == 1555 + 156


def test_inclusive_rate_is_taken_out_of_the_price() -> None:
    # A $10.00 price with 15 % GST included contains 1000 × 15/115 = $1.3043 → $1.30 of tax ($8.70 net).
    totals = compute([Line(1000, tax_rates=(TaxRate("gst", Decimal(15), inclusive=True),))])
    assert [(t.amount, t.taxable_amount) for t in totals.taxes] == [(130, 870)]
    assert totals.total == 1000
    assert totals.total_excluding_tax == 870


def test_which_renewals_a_coupon_reaches() -> None:
    march = 1772323200  # 2026-03-01: a 2-month repeating discount started on 1 January ends here
    assert applies_to_renewal("forever", None, march)
    assert not applies_to_renewal("once", None, 1769904000)  # 1 February: once never reaches a renewal
    assert applies_to_renewal("repeating", march, 1769904000)  # February's period starts before the end
    assert not applies_to_renewal("repeating", march, march)  # March's starts at the end: full price
