"""Lists: limit, cursors, has_more, created filters, auto-paging, and expansion (including inside lists)."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
import requests
import stripe


def _make(client: stripe.StripeClient, count: int) -> list[str]:
    return [client.v1.customers.create({"name": f"c{i}"}).id for i in range(count)]


def test_limit_cursors_and_has_more(stripe_client: stripe.StripeClient) -> None:
    ids = _make(stripe_client, 25)
    newest_first = list(reversed(ids))
    first = stripe_client.v1.customers.list()
    assert [c.id for c in first.data] == newest_first[:10]  # default limit 10
    assert first.has_more is True
    second = stripe_client.v1.customers.list({"limit": 10, "starting_after": first.data[-1].id})
    assert [c.id for c in second.data] == newest_first[10:20]
    last = stripe_client.v1.customers.list({"limit": 10, "starting_after": second.data[-1].id})
    assert [c.id for c in last.data] == newest_first[20:]
    assert last.has_more is False
    back = stripe_client.v1.customers.list({"limit": 3, "ending_before": second.data[0].id})
    assert [c.id for c in back.data] == newest_first[7:10]
    assert back.has_more is True
    assert [c.id for c in stripe_client.v1.customers.list({"limit": 100}).data] == newest_first


def test_auto_paging_iter(stripe_client: stripe.StripeClient) -> None:
    ids = _make(stripe_client, 23)
    seen = [c.id for c in stripe_client.v1.customers.list({"limit": 5}).auto_paging_iter()]
    assert seen == list(reversed(ids))


def test_limit_out_of_range_and_exclusive_cursors(stripe_client: stripe.StripeClient) -> None:
    for bad in (0, 101):
        with pytest.raises(stripe.InvalidRequestError) as failure:
            stripe_client.v1.customers.list({"limit": bad})
        assert failure.value.param == "limit"
    customer = stripe_client.v1.customers.create({})
    with pytest.raises(stripe.InvalidRequestError) as both:
        stripe_client.v1.customers.list({"starting_after": customer.id, "ending_before": customer.id})
    assert (
        both.value.user_message
        == "You may only specify one of these parameters: starting_after, ending_before."
    )
    with pytest.raises(stripe.InvalidRequestError) as missing:
        stripe_client.v1.customers.list({"starting_after": "cus_doesnotexist"})
    assert missing.value.code == "resource_missing"
    assert missing.value.param == "starting_after"


def test_created_filters(stripe_client: stripe.StripeClient, api: Callable[..., requests.Response]) -> None:
    early = stripe_client.v1.products.create({"name": "early"})
    time.sleep(1.05)
    late = stripe_client.v1.products.create({"name": "late"})
    assert late.created > early.created
    assert [p.id for p in stripe_client.v1.products.list({"created": {"gte": late.created}}).data] == [
        late.id
    ]
    assert [p.id for p in stripe_client.v1.products.list({"created": {"lt": late.created}}).data] == [
        early.id
    ]
    assert [p.id for p in stripe_client.v1.products.list({"created": {"gt": early.created}}).data] == [
        late.id
    ]
    assert [p.id for p in stripe_client.v1.products.list({"created": {"lte": early.created}}).data] == [
        early.id
    ]
    exact = api("GET", "/v1/products", params={"created": str(early.created)}).json()
    assert [p["id"] for p in exact["data"]] == [early.id]


def test_expand(stripe_client: stripe.StripeClient) -> None:
    product = stripe_client.v1.products.create(
        {"name": "x", "default_price_data": {"currency": "usd", "unit_amount": 700}}
    )
    price_id = product.default_price
    one = stripe_client.v1.products.retrieve(product.id, {"expand": ["default_price"]})
    assert one.default_price.id == price_id
    assert one.default_price.unit_amount == 700
    listed = stripe_client.v1.products.list({"expand": ["data.default_price"]})
    assert listed.data[0].default_price.object == "price"
    nested = stripe_client.v1.prices.retrieve(price_id, {"expand": ["product.default_price"]})
    assert nested.product.id == product.id
    assert nested.product.default_price.unit_amount == 700
    with pytest.raises(stripe.InvalidRequestError) as failure:
        stripe_client.v1.products.retrieve(product.id, {"expand": ["name"]})
    assert failure.value.user_message == "This property cannot be expanded (name)."


def test_expand_custom_product_id(stripe_client: stripe.StripeClient) -> None:
    stripe_client.v1.products.create({"name": "Custom", "id": "shirt"})
    price = stripe_client.v1.prices.create({"product": "shirt", "currency": "usd", "unit_amount": 5})
    assert stripe_client.v1.prices.retrieve(price.id, {"expand": ["product"]}).product.name == "Custom"
