"""Checkout Sessions with discounts, promotion codes (API and the hosted page's code box) and tax rates."""

from __future__ import annotations

from typing import Any

import pytest
import stripe
from billing_setup import monthly_price
from payment_http import get, post_form

SUCCESS = "https://shop.example/ok?session_id={CHECKOUT_SESSION_ID}"


def _session(client: stripe.StripeClient, *, amount: int = 2000, quantity: int = 2, **extra: Any) -> Any:
    return client.v1.checkout.sessions.create(
        {
            "mode": "payment",
            "success_url": SUCCESS,
            "line_items": [
                {
                    "price_data": {"currency": "usd", "unit_amount": amount, "product_data": {"name": "Tea"}},
                    "quantity": quantity,
                    **extra.pop("line", {}),
                }
            ],
            **extra,
        }
    )


def test_coupon_and_exclusive_tax_rate(stripe_client: stripe.StripeClient) -> None:
    coupon = stripe_client.v1.coupons.create(params={"percent_off": 15})
    rate = stripe_client.v1.tax_rates.create(
        params={"display_name": "Sales", "percentage": 8.5, "inclusive": False}
    )
    session = _session(stripe_client, discounts=[{"coupon": coupon.id}], line={"tax_rates": [rate.id]})
    # $40.00 − 15 % ($6.00) = $34.00; 8.5 % of $34.00 = $2.89; total $36.89.
    assert (session.amount_subtotal, session.amount_total) == (4000, 3689)
    assert (session.total_details.amount_discount, session.total_details.amount_tax) == (600, 289)
    assert [(d.coupon, d.promotion_code) for d in session.discounts] == [(coupon.id, None)]
    items = stripe_client.v1.checkout.sessions.line_items.list(
        session.id, params={"expand": ["data.discounts", "data.taxes"]}
    )
    (line,) = items.data
    assert (line.amount_subtotal, line.amount_discount, line.amount_tax, line.amount_total) == (
        4000,
        600,
        289,
        3689,
    )
    assert [d.amount for d in line.discounts] == [600]
    assert line.discounts[0].discount.source.coupon == coupon.id
    assert [(t.amount, t.rate.id, t.taxable_amount) for t in line.taxes] == [(289, rate.id, 3400)]
    plain = stripe_client.v1.checkout.sessions.line_items.list(session.id).data[0]
    assert "taxes" not in plain
    assert stripe_client.v1.coupons.retrieve(coupon.id).times_redeemed == 0  # counted at completion
    answer = post_form(str(session.url), {"card": "4242424242424242", "email": "amy@example.com"})
    assert answer.status == 303
    done = stripe_client.v1.checkout.sessions.retrieve(session.id, params={"expand": ["payment_intent"]})
    assert done.payment_intent.amount == 3689
    assert stripe_client.v1.coupons.retrieve(coupon.id).times_redeemed == 1


def test_inclusive_rate_keeps_the_total(stripe_client: stripe.StripeClient) -> None:
    vat = stripe_client.v1.tax_rates.create(
        params={"display_name": "VAT", "percentage": 20, "inclusive": True}
    )
    session = _session(stripe_client, amount=1200, quantity=1, line={"tax_rates": [vat.id]})
    assert (session.amount_total, session.total_details.amount_tax) == (1200, 200)


def test_allow_promotion_codes_and_discounts_exclude_each_other(stripe_client: stripe.StripeClient) -> None:
    coupon = stripe_client.v1.coupons.create(params={"percent_off": 10})
    for allow in (True, False):
        with pytest.raises(stripe.InvalidRequestError) as info:
            _session(stripe_client, allow_promotion_codes=allow, discounts=[{"coupon": coupon.id}])
        assert info.value.param == "allow_promotion_codes"
        assert info.value.error.message == (
            "You may only specify one of these parameters: allow_promotion_codes, discounts."
        )
    session = _session(stripe_client, allow_promotion_codes=True)
    assert session.allow_promotion_codes is True


def test_automatic_tax_gets_stripes_answer(stripe_client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.InvalidRequestError) as info:
        _session(stripe_client, automatic_tax={"enabled": True})
    assert info.value.error.message.startswith("Stripe Tax has not been activated on your account.")
    assert stripe_client.v1.checkout.sessions.list().data == []
    assert _session(stripe_client, automatic_tax={"enabled": False}).automatic_tax.enabled is False


def test_promotion_code_errors(stripe_client: stripe.StripeClient) -> None:
    coupon = stripe_client.v1.coupons.create(params={"percent_off": 10})
    promo = stripe_client.v1.promotion_codes.create(
        params={
            "promotion": {"type": "coupon", "coupon": coupon.id},
            "restrictions": {"minimum_amount": 5000, "minimum_amount_currency": "usd"},
        }
    )
    with pytest.raises(stripe.InvalidRequestError) as small:
        _session(stripe_client, discounts=[{"promotion_code": promo.id}])
    assert small.value.param == "discounts[0][promotion_code]"
    assert "minimum amount of $50.00" in str(small.value.error.message)
    assert _session(stripe_client, amount=2500, discounts=[{"promotion_code": promo.id}]).amount_total == 4500
    expired = stripe_client.v1.promotion_codes.create(
        params={"promotion": {"type": "coupon", "coupon": coupon.id}, "code": "GONE"}
    )
    stripe_client.v1.promotion_codes.update(expired.id, params={"active": False})
    with pytest.raises(stripe.InvalidRequestError) as inactive:
        _session(stripe_client, discounts=[{"promotion_code": expired.id}])
    assert "inactive" in str(inactive.value.error.message)
    with pytest.raises(stripe.InvalidRequestError) as two:
        _session(stripe_client, discounts=[{"coupon": coupon.id}, {"promotion_code": promo.id}])
    assert two.value.param == "discounts"


def test_hosted_code_box_applies_a_code(stripe_client: stripe.StripeClient) -> None:
    coupon = stripe_client.v1.coupons.create(params={"amount_off": 500, "currency": "usd"})
    promo = stripe_client.v1.promotion_codes.create(
        params={"promotion": {"type": "coupon", "coupon": coupon.id}, "code": "FIVEOFF", "max_redemptions": 1}
    )
    session = _session(stripe_client, allow_promotion_codes=True)
    page = get(str(session.url))
    assert "data-testid='promo-form'" in page.text
    wrong = post_form(str(session.url) + "/promotion_code", {"code": "NOPE"})
    assert "This code is invalid." in wrong.text
    right = post_form(str(session.url) + "/promotion_code", {"code": "fiveoff"})
    assert right.status == 200
    assert "$35.00" in right.text  # $40.00 − $5.00
    applied = stripe_client.v1.checkout.sessions.retrieve(session.id)
    assert (applied.amount_total, applied.total_details.amount_discount) == (3500, 500)
    assert [(d.coupon, d.promotion_code) for d in applied.discounts] == [(coupon.id, promo.id)]
    post_form(str(session.url), {"card": "4242424242424242", "email": "amy@example.com"})
    assert stripe_client.v1.promotion_codes.retrieve(promo.id).times_redeemed == 1
    other = _session(stripe_client, allow_promotion_codes=True)
    used_up = post_form(str(other.url) + "/promotion_code", {"code": "FIVEOFF"})
    assert "This code is invalid." in used_up.text


def test_full_discount_completes_without_payment(stripe_client: stripe.StripeClient) -> None:
    coupon = stripe_client.v1.coupons.create(params={"percent_off": 100})
    session = _session(stripe_client, discounts=[{"coupon": coupon.id}])
    assert session.amount_total == 0
    answer = post_form(str(session.url), {"card": "4242424242424242", "email": "amy@example.com"})
    assert answer.status == 303
    done = stripe_client.v1.checkout.sessions.retrieve(session.id)
    assert (done.status, done.payment_status, done.payment_intent) == (
        "complete",
        "no_payment_required",
        None,
    )


def test_subscription_mode_discount_reaches_the_first_invoice(stripe_client: stripe.StripeClient) -> None:
    coupon = stripe_client.v1.coupons.create(params={"percent_off": 20, "duration": "once"})
    price = monthly_price(stripe_client, amount=1500)
    session = stripe_client.v1.checkout.sessions.create(
        {
            "mode": "subscription",
            "success_url": SUCCESS,
            "line_items": [{"price": price.id, "quantity": 1}],
            "discounts": [{"coupon": coupon.id}],
        }
    )
    assert session.amount_total == 1200
    post_form(str(session.url), {"card": "4242424242424242", "email": "sub@example.com"})
    done = stripe_client.v1.checkout.sessions.retrieve(
        session.id, params={"expand": ["subscription.latest_invoice"]}
    )
    invoice = done.subscription.latest_invoice
    assert (invoice.subtotal, invoice.total, invoice.amount_paid) == (1500, 1200, 1200)
    assert len(done.subscription.discounts) == 1
