"""Events through the SDK: what state changes record, the event's envelope, list filters and retrieve."""

from __future__ import annotations

import time

import pytest
import stripe
from billing_setup import customer, event_types


def test_retrieve_has_stripes_envelope(stripe_client: stripe.StripeClient) -> None:
    cus = stripe_client.v1.customers.create(
        params={"email": "ev@example.com"}, options={"idempotency_key": "evt-test-key-1"}
    )
    listed = stripe_client.v1.events.list(params={"limit": 1}).data[0]
    event = stripe_client.v1.events.retrieve(listed.id)
    assert event.object == "event"
    assert event.id.startswith("evt_")
    assert event.type == "customer.created"
    assert event.api_version == stripe.api_version
    assert event.livemode is False
    assert event.pending_webhooks == 0
    assert event.request.id.startswith("req_")
    assert event.request.idempotency_key == "evt-test-key-1"
    assert event.data.object.id == cus.id
    assert abs(event.created - time.time()) < 60


def test_unknown_event(stripe_client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.InvalidRequestError) as info:
        stripe_client.v1.events.retrieve("evt_nope")
    assert info.value.http_status == 404
    assert info.value.error.message == "No such event: 'evt_nope'"


def test_events_are_per_account(
    stripe_client: stripe.StripeClient, sandbox: object, make_client: object
) -> None:
    customer(stripe_client)
    other = make_client(sandbox.create_account()["secret_key"])  # type: ignore[attr-defined,operator]
    assert other.v1.events.list().data == []


def test_type_filters(stripe_client: stripe.StripeClient) -> None:
    cus = customer(stripe_client)
    stripe_client.v1.customers.update(cus.id, params={"name": "Renamed"})
    item = stripe_client.v1.invoice_items.create(
        params={"customer": cus.id, "amount": 100, "currency": "usd"}
    )
    stripe_client.v1.invoice_items.delete(item.id)
    assert event_types(stripe_client) == [
        "customer.created",
        "customer.updated",
        "invoiceitem.created",
        "invoiceitem.deleted",
    ]
    assert event_types(stripe_client, type="customer.updated") == ["customer.updated"]
    assert event_types(stripe_client, type="invoiceitem.*") == ["invoiceitem.created", "invoiceitem.deleted"]
    assert event_types(stripe_client, types=["customer.created", "invoiceitem.deleted"]) == [
        "customer.created",
        "invoiceitem.deleted",
    ]
    with pytest.raises(stripe.InvalidRequestError) as info:
        stripe_client.v1.events.list(params={"type": "customer.created", "types": ["customer.updated"]})
    assert "type" in info.value.error.message


def test_created_filter_and_pagination(stripe_client: stripe.StripeClient) -> None:
    for _ in range(3):
        customer(stripe_client)
    everything = stripe_client.v1.events.list().data
    assert len(everything) == 3
    # Lists are newest first, and the three creates may straddle a second: filter from the oldest one.
    oldest = min(event.created for event in everything)
    assert len(stripe_client.v1.events.list(params={"created": {"gte": oldest}}).data) == 3
    newest = max(event.created for event in everything)
    assert stripe_client.v1.events.list(params={"created": {"gt": newest}}).data == []
    page = stripe_client.v1.events.list(params={"limit": 2})
    assert page.has_more is True
    rest = stripe_client.v1.events.list(params={"limit": 2, "starting_after": page.data[-1].id})
    assert [e.id for e in page.data + rest.data] == [e.id for e in everything]


def test_updates_carry_previous_attributes(stripe_client: stripe.StripeClient) -> None:
    cus = customer(stripe_client)
    invoice = stripe_client.v1.invoices.create(params={"customer": cus.id})
    stripe_client.v1.invoices.update(invoice.id, params={"metadata": {"stage": "review"}})
    event = stripe_client.v1.events.list(params={"type": "invoice.updated"}).data[0]
    assert event.data.object.metadata.to_dict() == {"stage": "review"}
    assert event.data.previous_attributes.to_dict() == {"metadata": {}}
    created = stripe_client.v1.events.list(params={"type": "invoice.created"}).data[0]
    assert "previous_attributes" not in created.data
