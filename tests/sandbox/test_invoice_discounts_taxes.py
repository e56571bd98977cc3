"""Discounts and tax rates on invoices and invoice items through the SDK."""

from __future__ import annotations

from typing import Any

import pytest
import requests
import stripe
from billing_setup import customer, monthly_price, paying_customer
from time_setup import advance, at, clock, customer_on, invoices_of, subscribe


def _rates(client: stripe.StripeClient) -> tuple[stripe.TaxRate, stripe.TaxRate]:
    sales = client.v1.tax_rates.create(params={"display_name": "Sales", "percentage": 10, "inclusive": False})
    vat = client.v1.tax_rates.create(params={"display_name": "VAT", "percentage": 20, "inclusive": True})
    return sales, vat


def test_worked_example_on_an_invoice(stripe_client: stripe.StripeClient) -> None:
    """15 % coupon; $100.00 at 10 % exclusive, $50.00 at 20 % inclusive, $30.00 untaxed (written out in
    test_discount_tax_rules): total $161.50, of which $8.50 + $7.08 tax."""
    sales, vat = _rates(stripe_client)
    coupon = stripe_client.v1.coupons.create(params={"percent_off": 15})
    cus = paying_customer(stripe_client)
    invoice = stripe_client.v1.invoices.create(
        params={"customer": cus.id, "discounts": [{"coupon": coupon.id}]}
    )
    for amount, rates in ((10000, [sales.id]), (5000, [vat.id]), (3000, [])):
        stripe_client.v1.invoice_items.create(
            params={"customer": cus.id, "invoice": invoice.id, "amount": amount, "currency": "usd",
                    "tax_rates": rates}
        )  # fmt: skip
    draft = stripe_client.v1.invoices.retrieve(invoice.id, params={"expand": ["discounts"]})
    (discount,) = draft.discounts
    assert isinstance(discount, stripe.Discount)
    assert discount.id.startswith("di_")
    assert (discount.source.coupon, discount.invoice, discount.customer) == (coupon.id, invoice.id, cus.id)
    assert (draft.subtotal, draft.total, draft.total_excluding_tax) == (18000, 16150, 14592)
    assert draft.subtotal_excluding_tax == 17292
    assert draft.amount_due == 16150
    assert [(d.amount, d.discount) for d in draft.total_discount_amounts] == [(2700, discount.id)]
    assert [
        (t.amount, t.tax_behavior, t.taxable_amount, t.tax_rate_details.tax_rate) for t in draft.total_taxes
    ] == [
        (850, "exclusive", 8500, sales.id),
        (708, "inclusive", 3542, vat.id),
    ]
    lines = draft.lines.data
    assert [line.amount for line in lines] == [10000, 5000, 3000]
    assert [[d.amount for d in line.discount_amounts] for line in lines] == [[1500], [750], [450]]
    assert [line.discounts for line in lines] == [[discount.id]] * 3
    assert [[t.amount for t in line.taxes] for line in lines] == [[850], [708], []]
    paid = stripe_client.v1.invoices.pay(invoice.id)
    assert (paid.status, paid.amount_paid) == ("paid", 16150)
    assert stripe_client.v1.coupons.retrieve(coupon.id).times_redeemed == 1


def test_default_tax_rates_and_an_items_own_discount(stripe_client: stripe.StripeClient) -> None:
    sales, _ = _rates(stripe_client)
    five_off = stripe_client.v1.coupons.create(params={"amount_off": 500, "currency": "usd"})
    cus = customer(stripe_client)
    invoice = stripe_client.v1.invoices.create(params={"customer": cus.id, "default_tax_rates": [sales.id]})
    assert [r.id for r in invoice.default_tax_rates] == [sales.id]
    item = stripe_client.v1.invoice_items.create(
        params={"customer": cus.id, "invoice": invoice.id, "amount": 2000, "currency": "usd",
                "discounts": [{"coupon": five_off.id}]}
    )  # fmt: skip
    assert len(item.discounts) == 1
    draft = stripe_client.v1.invoices.retrieve(invoice.id)
    # $20.00 − $5.00 = $15.00, + 10 % = $1.50: $16.50.
    assert (draft.subtotal, draft.total) == (2000, 1650)
    assert [t.amount for t in draft.total_taxes] == [150]
    updated = stripe_client.v1.invoices.update(invoice.id, params={"default_tax_rates": ""})
    assert (updated.total, updated.total_taxes) == (1500, [])


def test_promotion_code_on_an_invoice_and_its_errors(stripe_client: stripe.StripeClient) -> None:
    coupon = stripe_client.v1.coupons.create(params={"percent_off": 10})
    cus, other = customer(stripe_client), customer(stripe_client)
    promo = stripe_client.v1.promotion_codes.create(
        params={
            "promotion": {"type": "coupon", "coupon": coupon.id},
            "customer": cus.id,
            "max_redemptions": 1,
        }
    )
    with pytest.raises(stripe.InvalidRequestError) as restricted:
        stripe_client.v1.invoices.create(
            params={"customer": other.id, "discounts": [{"promotion_code": promo.id}]}
        )
    assert restricted.value.param == "discounts[0][promotion_code]"
    assert "restricted to another customer" in str(restricted.value.error.message)
    invoice = stripe_client.v1.invoices.create(
        params={"customer": cus.id, "discounts": [{"promotion_code": promo.id}]}
    )
    assert len(invoice.discounts) == 1
    assert stripe_client.v1.promotion_codes.retrieve(promo.id).times_redeemed == 1
    with pytest.raises(stripe.InvalidRequestError) as used_up:
        stripe_client.v1.invoices.create(
            params={"customer": cus.id, "discounts": [{"promotion_code": promo.id}]}
        )
    assert "maximum number of redemptions" in str(used_up.value.error.message)
    stripe_client.v1.promotion_codes.update(promo.id, params={"active": False})
    with pytest.raises(stripe.InvalidRequestError) as inactive:
        stripe_client.v1.invoices.create(
            params={"customer": cus.id, "discounts": [{"promotion_code": promo.id}]}
        )
    assert "is inactive" in str(inactive.value.error.message)


def test_amount_coupon_in_another_currency_and_archived_rates(stripe_client: stripe.StripeClient) -> None:
    eur_off = stripe_client.v1.coupons.create(params={"amount_off": 100, "currency": "eur"})
    cus = customer(stripe_client)
    with pytest.raises(stripe.InvalidRequestError) as info:
        stripe_client.v1.invoices.create(
            params={"customer": cus.id, "currency": "usd", "discounts": [{"coupon": eur_off.id}]}
        )
    assert info.value.param == "discounts[0][coupon]"
    assert "currency_options" in str(info.value.error.message)
    rate = stripe_client.v1.tax_rates.create(
        params={"display_name": "Old", "percentage": 5, "inclusive": False}
    )
    stripe_client.v1.tax_rates.update(rate.id, params={"active": False})
    with pytest.raises(stripe.InvalidRequestError) as archived:
        stripe_client.v1.invoice_items.create(
            params={"customer": cus.id, "amount": 100, "currency": "usd", "tax_rates": [rate.id]}
        )
    assert archived.value.param == "tax_rates[0]"


def test_finalized_invoice_discounts_cannot_change(stripe_client: stripe.StripeClient) -> None:
    coupon = stripe_client.v1.coupons.create(params={"percent_off": 10})
    cus = customer(stripe_client)
    invoice = stripe_client.v1.invoices.create(
        params={"customer": cus.id, "collection_method": "send_invoice", "days_until_due": 7}
    )
    stripe_client.v1.invoice_items.create(
        params={"customer": cus.id, "invoice": invoice.id, "amount": 1000, "currency": "usd"}
    )
    stripe_client.v1.invoices.finalize_invoice(invoice.id)
    with pytest.raises(stripe.InvalidRequestError) as info:
        stripe_client.v1.invoices.update(invoice.id, params={"discounts": [{"coupon": coupon.id}]})
    assert info.value.param == "discounts"


def test_subscription_discount_and_default_tax_rates_reach_the_first_invoice(
    stripe_client: stripe.StripeClient,
) -> None:
    sales, _ = _rates(stripe_client)
    coupon = stripe_client.v1.coupons.create(
        params={"percent_off": 20, "duration": "repeating", "duration_in_months": 3}
    )
    cus = paying_customer(stripe_client)
    price = monthly_price(stripe_client, amount=1500)
    sub = stripe_client.v1.subscriptions.create(
        params={
            "customer": cus.id,
            "items": [{"price": price.id}],
            "discounts": [{"coupon": coupon.id}],
            "default_tax_rates": [sales.id],
            "expand": ["latest_invoice", "discounts"],
        }
    )
    assert sub.status == "active"
    assert [r.id for r in sub.default_tax_rates] == [sales.id]
    (discount,) = sub.discounts
    assert (discount.subscription, discount.source.coupon) == (sub.id, coupon.id)
    invoice = sub.latest_invoice
    # $15.00 − 20 % = $12.00, + 10 % tax = $13.20.
    assert (invoice.subtotal, invoice.total, invoice.amount_paid) == (1500, 1320, 1320)
    with pytest.raises(stripe.InvalidRequestError) as info:
        stripe_client.v1.subscriptions.create(
            params={"customer": cus.id, "items": [{"price": price.id, "tax_rates": [sales.id]}]}
        )
    assert info.value.param == "items[0][tax_rates]"


def test_automatic_tax_gets_stripes_answer(stripe_client: stripe.StripeClient) -> None:
    cus = customer(stripe_client)
    price = monthly_price(stripe_client)
    with pytest.raises(stripe.InvalidRequestError) as on_invoice:
        stripe_client.v1.invoices.create(params={"customer": cus.id, "automatic_tax": {"enabled": True}})
    with pytest.raises(stripe.InvalidRequestError) as on_subscription:
        stripe_client.v1.subscriptions.create(
            params={"customer": cus.id, "items": [{"price": price.id}], "automatic_tax": {"enabled": True}}
        )
    for info in (on_invoice, on_subscription):
        assert str(info.value.error.message).startswith(
            "Stripe Tax has not been activated on your account. Please visit https://stripe.com/docs/tax/set-up"
        )


def test_hosted_invoice_page_shows_discount_and_taxes(stripe_client: stripe.StripeClient) -> None:
    sales, vat = _rates(stripe_client)
    coupon = stripe_client.v1.coupons.create(params={"amount_off": 250, "currency": "usd"})
    cus = customer(stripe_client)
    invoice = stripe_client.v1.invoices.create(
        params={"customer": cus.id, "collection_method": "send_invoice", "days_until_due": 7,
                "discounts": [{"coupon": coupon.id}]}
    )  # fmt: skip
    for rates in ([sales.id], [vat.id]):
        stripe_client.v1.invoice_items.create(
            params={
                "customer": cus.id,
                "invoice": invoice.id,
                "amount": 1000,
                "currency": "usd",
                "tax_rates": rates,
            }
        )
    opened = stripe_client.v1.invoices.finalize_invoice(invoice.id)
    page = requests.get(str(opened.hosted_invoice_url), timeout=10).text
    # $2.50 off split $1.25 / $1.25; 10 % of $8.75 = $0.88 (half up); $8.75 × 20/120 = $1.46 included.
    assert "−$2.50" in page
    assert "Tax</td><td class=n>$0.88" in page
    assert "Tax (included)</td><td class=n>$1.46" in page
    assert opened.total == 2000 - 250 + 88


@pytest.mark.parametrize(
    ("coupon", "totals"),
    [
        # 20 % off $10.00 = $8.00 for 2 months (January, February), then $10.00 from March.
        ({"percent_off": 20, "duration": "repeating", "duration_in_months": 2}, [800, 800, 1000]),
        ({"percent_off": 20, "duration": "once"}, [800, 1000, 1000]),
        ({"percent_off": 20, "duration": "forever"}, [800, 800, 800]),
    ],
)
def test_a_coupons_duration_decides_which_renewals_it_reaches(
    stripe_client: stripe.StripeClient, sandbox: Any, coupon: dict[str, Any], totals: list[int]
) -> None:
    made = stripe_client.v1.coupons.create(params=coupon)
    created = clock(stripe_client)
    sub = subscribe(
        stripe_client,
        customer_on(stripe_client, created.id).id,
        amount=1000,
        discounts=[{"coupon": made.id}],
        expand=["discounts"],
    )
    (discount,) = sub.discounts
    assert discount.end == (at(2026, 3, 1) if coupon["duration"] == "repeating" else None)
    advance(stripe_client, sandbox, created.id, at(2026, 2, 1, 2))  # each renewal is charged an hour later
    advance(stripe_client, sandbox, created.id, at(2026, 3, 1, 2))
    assert [i.total for i in invoices_of(stripe_client, sub.id)] == totals
    left = stripe_client.v1.subscriptions.retrieve(sub.id).discounts
    assert len(left) == (1 if coupon["duration"] == "forever" else 0)


def test_default_tax_rates_reach_every_renewal(stripe_client: stripe.StripeClient, sandbox: Any) -> None:
    sales, _ = _rates(stripe_client)
    created = clock(stripe_client)
    sub = subscribe(
        stripe_client, customer_on(stripe_client, created.id).id, amount=1000, default_tax_rates=[sales.id]
    )
    advance(stripe_client, sandbox, created.id, at(2026, 2, 1, 2))
    renewal = invoices_of(stripe_client, sub.id)[-1]
    assert (renewal.billing_reason, renewal.status, renewal.total) == ("subscription_cycle", "paid", 1100)
    assert [t.amount for t in renewal.total_taxes] == [100]
