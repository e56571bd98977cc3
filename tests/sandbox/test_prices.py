"""Prices: one-time and recurring, product_data, amount and currency rules, immutability, archive, filters."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import requests
import stripe


@pytest.fixture
def product_id(stripe_client: stripe.StripeClient) -> str:
    return str(stripe_client.v1.products.create({"name": "Plan"}).id)


def test_one_time_and_recurring(stripe_client: stripe.StripeClient, product_id: str) -> None:
    once = stripe_client.v1.prices.create({"product": product_id, "currency": "usd", "unit_amount": 1999})
    assert once.id.startswith("price_")
    assert len(once.id) == len("price_") + 24
    assert once.type == "one_time"
    assert once.recurring is None
    assert once.unit_amount == 1999
    assert str(once.unit_amount_decimal) == "1999"
    assert once.billing_scheme == "per_unit"
    assert once.active is True
    monthly = stripe_client.v1.prices.create(
        {"product": product_id, "currency": "EUR", "unit_amount": 500, "recurring": {"interval": "month"}}
    )
    assert monthly.type == "recurring"
    assert monthly.currency == "eur"
    assert monthly.recurring.interval == "month"
    assert monthly.recurring.interval_count == 1
    assert monthly.recurring.usage_type == "licensed"


def test_product_data(stripe_client: stripe.StripeClient) -> None:
    price = stripe_client.v1.prices.create(
        {"product_data": {"name": "Inline"}, "currency": "gbp", "unit_amount": 30}
    )
    product = stripe_client.v1.products.retrieve(price.product)
    assert product.name == "Inline"


def test_amount_rules(
    stripe_client: stripe.StripeClient, product_id: str, api: Callable[..., requests.Response]
) -> None:
    with pytest.raises(stripe.InvalidRequestError) as too_large:
        stripe_client.v1.prices.create({"product": product_id, "currency": "usd", "unit_amount": 100_000_000})
    assert too_large.value.code == "amount_too_large"
    assert too_large.value.user_message == "Amount must be no more than $999,999.99"
    assert too_large.value.param == "unit_amount"
    negative = api(
        "POST", "/v1/prices", params={"product": product_id, "currency": "usd", "unit_amount": "-5"}
    )
    assert negative.status_code == 400
    assert negative.json()["error"]["param"] == "unit_amount"
    decimal = api(
        "POST", "/v1/prices", params={"product": product_id, "currency": "usd", "unit_amount": "9.99"}
    )
    assert decimal.json()["error"]["message"] == "Invalid integer: 9.99"
    assert decimal.json()["error"]["code"] == "parameter_invalid_integer"
    with pytest.raises(stripe.InvalidRequestError) as missing:
        stripe_client.v1.prices.create({"product": product_id, "currency": "usd"})
    assert missing.value.code == "parameter_missing"
    free = stripe_client.v1.prices.create({"product": product_id, "currency": "jpy", "unit_amount": 0})
    assert free.unit_amount == 0


def test_currency_rules(stripe_client: stripe.StripeClient, product_id: str) -> None:
    with pytest.raises(stripe.InvalidRequestError) as failure:
        stripe_client.v1.prices.create({"product": product_id, "currency": "usdd", "unit_amount": 100})
    assert failure.value.param == "currency"
    assert failure.value.user_message.startswith(
        "Invalid currency: usdd. Stripe currently supports these currencies: usd, aed, afn,"
    )


def test_unknown_product(stripe_client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.InvalidRequestError) as failure:
        stripe_client.v1.prices.create({"product": "prod_nope", "currency": "usd", "unit_amount": 100})
    assert failure.value.http_status == 400
    assert failure.value.user_message == "No such product: 'prod_nope'"
    assert failure.value.param == "product"


def test_update_cannot_change_amount_and_archive(stripe_client: stripe.StripeClient, product_id: str) -> None:
    price = stripe_client.v1.prices.create({"product": product_id, "currency": "usd", "unit_amount": 100})
    with pytest.raises(stripe.InvalidRequestError) as failure:
        stripe_client.v1.prices.update(price.id, {"unit_amount": 200})  # type: ignore[typeddict-unknown-key]
    assert failure.value.user_message == "Received unknown parameter: unit_amount"
    renamed = stripe_client.v1.prices.update(price.id, {"nickname": "Basic", "metadata": {"tier": "1"}})
    assert renamed.nickname == "Basic"
    assert renamed.unit_amount == 100
    archived = stripe_client.v1.prices.update(price.id, {"active": False})
    assert archived.active is False


def test_default_price_cannot_be_archived(stripe_client: stripe.StripeClient) -> None:
    product = stripe_client.v1.products.create(
        {"name": "d", "default_price_data": {"currency": "usd", "unit_amount": 5}}
    )
    with pytest.raises(stripe.InvalidRequestError) as failure:
        stripe_client.v1.prices.update(product.default_price, {"active": False})
    assert (
        failure.value.user_message
        == "This price cannot be archived because it is the default price of its product."
    )
    stripe_client.v1.products.update(product.id, {"default_price": ""})
    assert stripe_client.v1.prices.update(product.default_price, {"active": False}).active is False


def test_list_filters(stripe_client: stripe.StripeClient, product_id: str) -> None:
    other = stripe_client.v1.products.create({"name": "Other"}).id
    usd = stripe_client.v1.prices.create(
        {"product": product_id, "currency": "usd", "unit_amount": 1, "lookup_key": "basic"}
    )
    eur = stripe_client.v1.prices.create(
        {"product": other, "currency": "eur", "unit_amount": 2, "recurring": {"interval": "year"}}
    )
    inactive = stripe_client.v1.prices.create(
        {"product": product_id, "currency": "usd", "unit_amount": 3, "active": False}
    )
    assert [p.id for p in stripe_client.v1.prices.list({"currency": "usd"}).data] == [inactive.id, usd.id]
    assert [p.id for p in stripe_client.v1.prices.list({"product": other}).data] == [eur.id]
    assert [p.id for p in stripe_client.v1.prices.list({"type": "recurring"}).data] == [eur.id]
    assert [p.id for p in stripe_client.v1.prices.list({"recurring": {"interval": "year"}}).data] == [eur.id]
    assert [p.id for p in stripe_client.v1.prices.list({"active": False}).data] == [inactive.id]
    assert [p.id for p in stripe_client.v1.prices.list({"lookup_keys": ["basic"]}).data] == [usd.id]


def test_lookup_key_is_unique_unless_transferred(stripe_client: stripe.StripeClient, product_id: str) -> None:
    first = stripe_client.v1.prices.create(
        {"product": product_id, "currency": "usd", "unit_amount": 1, "lookup_key": "k"}
    )
    with pytest.raises(stripe.InvalidRequestError):
        stripe_client.v1.prices.create(
            {"product": product_id, "currency": "usd", "unit_amount": 2, "lookup_key": "k"}
        )
    second = stripe_client.v1.prices.create(
        {
            "product": product_id,
            "currency": "usd",
            "unit_amount": 2,
            "lookup_key": "k",
            "transfer_lookup_key": True,
        }
    )
    assert second.lookup_key == "k"
    assert stripe_client.v1.prices.retrieve(first.id).lookup_key is None


def test_tiers_and_currency_options_only_when_expanded(
    stripe_client: stripe.StripeClient, product_id: str
) -> None:
    tiered = stripe_client.v1.prices.create(
        {
            "product": product_id,
            "currency": "usd",
            "billing_scheme": "tiered",
            "tiers_mode": "graduated",
            "tiers": [
                {"up_to": 10, "unit_amount": 500},
                {"up_to": "inf", "unit_amount": 400, "flat_amount": 100},
            ],
            "recurring": {"interval": "month"},
        }
    )
    assert tiered.unit_amount is None
    assert "tiers" not in tiered
    expanded = stripe_client.v1.prices.retrieve(tiered.id, {"expand": ["tiers"]})
    assert [t.up_to for t in expanded.tiers] == [10, None]
    assert expanded.tiers[1].flat_amount == 100
    assert "tiers" not in stripe_client.v1.prices.list({"product": product_id}).data[0]
    listed = stripe_client.v1.prices.list({"product": product_id, "expand": ["data.tiers"]})
    assert listed.data[0].tiers[0].unit_amount == 500
    with pytest.raises(stripe.InvalidRequestError) as failure:
        stripe_client.v1.prices.create(
            {
                "product": product_id,
                "currency": "usd",
                "billing_scheme": "tiered",
                "tiers_mode": "volume",
                "tiers": [{"up_to": "inf", "unit_amount": 1}, {"up_to": 5, "unit_amount": 2}],
            }
        )
    assert failure.value.param == "tiers[0][up_to]"

    multi = stripe_client.v1.prices.create(
        {
            "product": product_id,
            "currency": "usd",
            "unit_amount": 1000,
            "currency_options": {"eur": {"unit_amount": 900}},
        }
    )
    assert "currency_options" not in multi
    options = stripe_client.v1.prices.retrieve(multi.id, {"expand": ["currency_options"]}).currency_options
    assert options["usd"].unit_amount == 1000
    assert options["eur"].unit_amount == 900


def test_customer_list_expansions(stripe_client: stripe.StripeClient) -> None:
    customer = stripe_client.v1.customers.create({"name": "With lists"})
    expanded = stripe_client.v1.customers.retrieve(
        customer.id, {"expand": ["subscriptions", "sources", "tax_ids"]}
    )
    assert expanded.subscriptions.object == "list"
    assert expanded.subscriptions.url == f"/v1/customers/{customer.id}/subscriptions"
    assert expanded.sources.data == []
    assert expanded.tax_ids.data == []
