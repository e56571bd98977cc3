"""Products through the official SDK over HTTP: CRUD, list filters, events, refusals with Stripe's texts."""

from __future__ import annotations

from typing import Any

import pytest
import stripe


def test_create_retrieve_update_delete(stripe_client: stripe.StripeClient) -> None:
    product = stripe_client.v1.products.create(
        {"name": "T-shirt", "description": "Cotton", "metadata": {"sku": "1"}}
    )
    assert product.id.startswith("prod_")
    assert len(product.id) == len("prod_") + 14
    assert product.object == "product"
    assert product.livemode is False
    assert product.active is True
    assert product.metadata.to_dict() == {"sku": "1"}
    assert stripe_client.v1.products.retrieve(product.id).name == "T-shirt"

    updated = stripe_client.v1.products.update(
        product.id, {"name": "Shirt", "description": "", "active": False}
    )
    assert updated.name == "Shirt"
    assert updated.description is None
    assert updated.active is False

    gone = stripe_client.v1.products.delete(product.id)
    assert gone.deleted is True
    assert gone.id == product.id
    with pytest.raises(stripe.InvalidRequestError) as missing:
        stripe_client.v1.products.retrieve(product.id)
    assert missing.value.http_status == 404
    assert missing.value.code == "resource_missing"
    assert missing.value.user_message == f"No such product: '{product.id}'"
    assert missing.value.param == "id"


def test_custom_id_and_duplicate(stripe_client: stripe.StripeClient) -> None:
    product = stripe_client.v1.products.create({"name": "Custom", "id": "my_product_1"})
    assert product.id == "my_product_1"
    with pytest.raises(stripe.InvalidRequestError) as duplicate:
        stripe_client.v1.products.create({"name": "Again", "id": "my_product_1"})
    assert duplicate.value.code == "resource_already_exists"


def test_delete_refused_while_prices_exist(stripe_client: stripe.StripeClient) -> None:
    product = stripe_client.v1.products.create(
        {"name": "With price", "default_price_data": {"currency": "usd", "unit_amount": 1500}}
    )
    assert product.default_price.startswith("price_")
    with pytest.raises(stripe.InvalidRequestError) as refused:
        stripe_client.v1.products.delete(product.id)
    assert refused.value.http_status == 400
    assert (
        refused.value.user_message
        == "This product cannot be deleted because it has one or more user-created prices."
    )


def test_list_filters(stripe_client: stripe.StripeClient) -> None:
    a = stripe_client.v1.products.create({"name": "A", "shippable": True, "url": "https://a.example"})
    b = stripe_client.v1.products.create({"name": "B", "active": False})
    c = stripe_client.v1.products.create({"name": "C"})
    listed = stripe_client.v1.products.list()
    assert [p.id for p in listed.data] == [c.id, b.id, a.id]
    assert listed.url == "/v1/products"
    assert listed.has_more is False
    assert [p.id for p in stripe_client.v1.products.list({"active": False}).data] == [b.id]
    assert [p.id for p in stripe_client.v1.products.list({"active": True}).data] == [c.id, a.id]
    assert [p.id for p in stripe_client.v1.products.list({"shippable": True}).data] == [a.id]
    assert [p.id for p in stripe_client.v1.products.list({"url": "https://a.example"}).data] == [a.id]
    assert [p.id for p in stripe_client.v1.products.list({"ids": [a.id, c.id]}).data] == [c.id, a.id]


def test_events_are_recorded(
    stripe_client: stripe.StripeClient, sandbox: Any, account: dict[str, str]
) -> None:
    product = stripe_client.v1.products.create({"name": "Evented"}, {"idempotency_key": "evt-key-1"})
    stripe_client.v1.products.update(product.id, {"name": "Renamed"})
    with sandbox.runtime.store.transaction(account["id"]) as tx:
        events = list(tx.scan("event"))
    types = [e["type"] for e in events]
    assert types[:2] == ["product.updated", "product.created"]
    updated, created = events[0], events[1]
    assert updated["data"]["previous_attributes"]["name"] == "Evented"
    assert updated["data"]["object"]["name"] == "Renamed"
    assert "previous_attributes" not in created["data"]
    assert created["request"]["idempotency_key"] == "evt-key-1"
    assert created["request"]["id"].startswith("req_")
    assert created["api_version"] == "2026-10-28.endive"
    assert created["id"].startswith("evt_")
    assert created["livemode"] is False


def test_default_price_data_events(
    stripe_client: stripe.StripeClient, sandbox: Any, account: dict[str, str]
) -> None:
    product = stripe_client.v1.products.create(
        {
            "name": "Bundle",
            "default_price_data": {"currency": "eur", "unit_amount": 900, "recurring": {"interval": "month"}},
        }
    )
    price = stripe_client.v1.prices.retrieve(product.default_price)
    assert price.product == product.id
    assert price.type == "recurring"
    with sandbox.runtime.store.transaction(account["id"]) as tx:
        events = {e["type"]: e for e in tx.scan("event")}
    assert events["product.created"]["data"]["object"]["default_price"] == price.id
    assert events["price.created"]["data"]["object"]["id"] == price.id
