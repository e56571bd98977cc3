"""Coupons, promotion codes and tax rates through the SDK: CRUD, lists, events, restricted keys, errors."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
import requests
import stripe
from billing_setup import customer, event_types


def _restricted(sandbox: Any, account: dict[str, str], *permissions: str) -> str:
    made = requests.post(
        sandbox.api_base + "/_sandbox/restricted_keys",
        json={"permissions": list(permissions)},
        headers={"Authorization": f"Bearer {account['secret_key']}"},
        timeout=10,
    )
    assert made.status_code == 200, made.text
    return str(made.json()["key"])


# --- coupons -------------------------------------------------------------------------------------------


def test_percent_coupon_lifecycle(stripe_client: stripe.StripeClient) -> None:
    coupon = stripe_client.v1.coupons.create(
        params={"percent_off": 25.5, "duration": "forever", "name": "Launch", "metadata": {"k": "v"}}
    )
    assert coupon.object == "coupon"
    assert len(coupon.id) == 8
    assert (coupon.percent_off, coupon.amount_off, coupon.currency) == (25.5, None, None)
    assert (coupon.duration, coupon.valid, coupon.times_redeemed) == ("forever", True, 0)
    renamed = stripe_client.v1.coupons.update(coupon.id, params={"name": "Launch week"})
    assert renamed.name == "Launch week"
    assert stripe_client.v1.coupons.retrieve(coupon.id).name == "Launch week"
    assert [c.id for c in stripe_client.v1.coupons.list().data] == [coupon.id]
    gone = stripe_client.v1.coupons.delete(coupon.id)
    assert (gone.id, gone.deleted) == (coupon.id, True)
    with pytest.raises(stripe.InvalidRequestError) as info:
        stripe_client.v1.coupons.retrieve(coupon.id)
    assert info.value.http_status == 404
    assert info.value.error.message == f"No such coupon: '{coupon.id}'"
    assert stripe_client.v1.coupons.list().data == []
    assert [t for t in event_types(stripe_client) if t.startswith("coupon.")] == [
        "coupon.created",
        "coupon.updated",
        "coupon.deleted",
    ]


def test_amount_coupon_with_id_currency_options_and_repeating(stripe_client: stripe.StripeClient) -> None:
    coupon = stripe_client.v1.coupons.create(
        params={
            "id": "SAVE5",
            "amount_off": 500,
            "currency": "usd",
            "currency_options": {"eur": {"amount_off": 450}},
            "duration": "repeating",
            "duration_in_months": 3,
            "max_redemptions": 10,
            "expand": ["currency_options"],
        }
    )
    assert (coupon.id, coupon.amount_off, coupon.currency) == ("SAVE5", 500, "usd")
    assert (coupon.duration, coupon.duration_in_months, coupon.max_redemptions) == ("repeating", 3, 10)
    assert coupon.currency_options["eur"].amount_off == 450
    with pytest.raises(stripe.InvalidRequestError) as info:
        stripe_client.v1.coupons.create(params={"id": "SAVE5", "percent_off": 5})
    assert (info.value.code, info.value.error.message) == (
        "resource_already_exists",
        "Coupon already exists.",
    )


@pytest.mark.parametrize(
    ("params", "param", "text"),
    [
        ({"duration": "once"}, "percent_off", "You must pass either `percent_off` or `amount_off`"),
        ({"percent_off": 10, "amount_off": 100, "currency": "usd"}, None, "You may only specify one of"),
        ({"amount_off": 100}, "currency", "Missing required param: currency."),
        ({"percent_off": 10, "currency": "usd"}, "currency", "A `percent_off` coupon takes no `currency`"),
        ({"percent_off": 120}, "percent_off", "Invalid percent_off"),
        ({"percent_off": 10, "duration": "repeating"}, "duration_in_months", "Missing required param"),
        ({"percent_off": 10, "duration_in_months": 2}, "duration_in_months", "only valid with"),
        ({"percent_off": 10, "redeem_by": 1_000_000}, "redeem_by", "must be in the future"),
    ],
)
def test_coupon_parameter_errors(
    stripe_client: stripe.StripeClient, params: dict[str, Any], param: str | None, text: str
) -> None:
    with pytest.raises(stripe.InvalidRequestError) as info:
        stripe_client.v1.coupons.create(params=params)
    assert info.value.http_status == 400
    assert info.value.param == param
    assert text in str(info.value.error.message)
    assert stripe_client.v1.coupons.list().data == []


def test_coupon_becomes_invalid_when_used_up(stripe_client: stripe.StripeClient) -> None:
    coupon = stripe_client.v1.coupons.create(params={"percent_off": 10, "max_redemptions": 1})
    cus = customer(stripe_client)
    stripe_client.v1.invoices.create(params={"customer": cus.id, "discounts": [{"coupon": coupon.id}]})
    used = stripe_client.v1.coupons.retrieve(coupon.id)
    assert (used.times_redeemed, used.valid) == (1, False)
    with pytest.raises(stripe.InvalidRequestError) as info:
        stripe_client.v1.invoices.create(params={"customer": cus.id, "discounts": [{"coupon": coupon.id}]})
    assert info.value.code == "coupon_expired"
    assert info.value.param == "discounts[0][coupon]"


# --- promotion codes -----------------------------------------------------------------------------------


def test_promotion_code_lifecycle(stripe_client: stripe.StripeClient) -> None:
    coupon = stripe_client.v1.coupons.create(params={"percent_off": 20})
    promo = stripe_client.v1.promotion_codes.create(
        params={
            "promotion": {"type": "coupon", "coupon": coupon.id},
            "code": "SPRING-20",
            "max_redemptions": 5,
            "restrictions": {"minimum_amount": 1000, "minimum_amount_currency": "usd"},
        }
    )
    assert promo.object == "promotion_code"
    assert promo.id.startswith("promo_")
    assert (promo.code, promo.active, promo.times_redeemed, promo.max_redemptions) == (
        "SPRING-20",
        True,
        0,
        5,
    )
    assert (promo.promotion.type, promo.promotion.coupon) == ("coupon", coupon.id)
    assert (promo.restrictions.minimum_amount, promo.restrictions.minimum_amount_currency) == (1000, "usd")
    assert promo.restrictions.first_time_transaction is False
    expanded = stripe_client.v1.promotion_codes.retrieve(promo.id, params={"expand": ["promotion.coupon"]})
    assert expanded.promotion.coupon.percent_off == 20
    found = stripe_client.v1.promotion_codes.list(params={"code": "spring-20"}).data
    assert [p.id for p in found] == [promo.id]
    off = stripe_client.v1.promotion_codes.update(promo.id, params={"active": False})
    assert off.active is False
    assert stripe_client.v1.promotion_codes.list(params={"active": True}).data == []
    assert [p.id for p in stripe_client.v1.promotion_codes.list(params={"coupon": coupon.id}).data] == [
        promo.id
    ]
    assert [t for t in event_types(stripe_client) if t.startswith("promotion_code.")] == [
        "promotion_code.created",
        "promotion_code.updated",
    ]


def test_generated_code_and_uniqueness(stripe_client: stripe.StripeClient) -> None:
    coupon = stripe_client.v1.coupons.create(params={"percent_off": 5})
    made = stripe_client.v1.promotion_codes.create(
        params={"promotion": {"type": "coupon", "coupon": coupon.id}}
    )
    assert len(made.code) == 8
    assert made.code.isalnum()
    with pytest.raises(stripe.InvalidRequestError) as info:
        stripe_client.v1.promotion_codes.create(
            params={"promotion": {"type": "coupon", "coupon": coupon.id}, "code": made.code.lower()}
        )
    assert info.value.param == "code"
    assert "already exists" in str(info.value.error.message)
    with pytest.raises(stripe.InvalidRequestError) as bad:
        stripe_client.v1.promotion_codes.create(
            params={"promotion": {"type": "coupon", "coupon": coupon.id}, "code": "NO SPACES"}
        )
    assert bad.value.param == "code"
    with pytest.raises(stripe.InvalidRequestError) as missing:
        stripe_client.v1.promotion_codes.create(params={"promotion": {"type": "coupon", "coupon": "nope"}})
    assert missing.value.error.message == "No such coupon: 'nope'"
    assert missing.value.param == "promotion[coupon]"


def test_promotion_code_limits_follow_the_coupon(stripe_client: stripe.StripeClient) -> None:
    coupon = stripe_client.v1.coupons.create(
        params={"percent_off": 5, "max_redemptions": 3, "redeem_by": int(time.time()) + 3600}
    )
    with pytest.raises(stripe.InvalidRequestError) as info:
        stripe_client.v1.promotion_codes.create(
            params={"promotion": {"type": "coupon", "coupon": coupon.id}, "max_redemptions": 4}
        )
    assert info.value.param == "max_redemptions"
    with pytest.raises(stripe.InvalidRequestError) as late:
        stripe_client.v1.promotion_codes.create(
            params={
                "promotion": {"type": "coupon", "coupon": coupon.id},
                "expires_at": int(time.time()) + 7200,
            }
        )
    assert late.value.param == "expires_at"


# --- tax rates -----------------------------------------------------------------------------------------


def test_tax_rate_lifecycle(stripe_client: stripe.StripeClient) -> None:
    rate = stripe_client.v1.tax_rates.create(
        params={
            "display_name": "VAT",
            "percentage": 20,
            "inclusive": True,
            "country": "FR",
            "jurisdiction": "FR",
            "tax_type": "vat",
        }
    )
    assert rate.object == "tax_rate"
    assert rate.id.startswith("txr_")
    assert (rate.percentage, rate.inclusive, rate.active, rate.effective_percentage) == (20, True, True, 20)
    assert (rate.country, rate.jurisdiction, rate.tax_type, rate.rate_type) == (
        "FR",
        "FR",
        "vat",
        "percentage",
    )
    archived = stripe_client.v1.tax_rates.update(rate.id, params={"active": False, "description": "old"})
    assert (archived.active, archived.description) == (False, "old")
    exclusive = stripe_client.v1.tax_rates.create(
        params={"display_name": "Sales tax", "percentage": 8.25, "inclusive": False}
    )
    assert [r.id for r in stripe_client.v1.tax_rates.list(params={"active": True}).data] == [exclusive.id]
    assert [r.id for r in stripe_client.v1.tax_rates.list(params={"inclusive": True}).data] == [rate.id]
    assert [t for t in event_types(stripe_client) if t.startswith("tax_rate.")] == [
        "tax_rate.created",
        "tax_rate.updated",
        "tax_rate.created",
    ]
    with pytest.raises(stripe.InvalidRequestError) as info:
        stripe_client.v1.tax_rates.update(rate.id, params={"percentage": 10})  # type: ignore[typeddict-unknown-key]
    assert info.value.code == "parameter_unknown"
    with pytest.raises(stripe.InvalidRequestError) as missing:
        stripe_client.v1.tax_rates.retrieve("txr_nope")
    assert missing.value.error.message == "No such tax rate: 'txr_nope'"


def test_tax_rate_needs_its_three_fields(stripe_client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.InvalidRequestError) as info:
        stripe_client.v1.tax_rates.create(params={"display_name": "VAT", "percentage": 20})  # type: ignore[typeddict-item]
    assert info.value.error.message == "Missing required param: inclusive."


# --- restricted keys -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("slug", "call"),
    [
        ("rak_coupon_write", lambda c: c.v1.coupons.create(params={"percent_off": 5})),
        ("rak_tax_rate_write", lambda c: c.v1.tax_rates.create(
            params={"display_name": "T", "percentage": 5, "inclusive": False})),
        ("rak_promotion_code_read", lambda c: c.v1.promotion_codes.list()),
    ],
)  # fmt: skip
def test_restricted_keys_need_the_resource_permission(
    sandbox: Any,
    account: dict[str, str],
    make_client: Callable[..., stripe.StripeClient],
    slug: str,
    call: Callable[[stripe.StripeClient], Any],
) -> None:
    other = _restricted(sandbox, account, "rak_product_write")
    with pytest.raises(stripe.PermissionError) as info:
        call(make_client(other))
    assert slug in str(info.value.error.message)
    allowed = _restricted(sandbox, account, slug.replace("_read", "_write"))
    assert call(make_client(allowed)) is not None
