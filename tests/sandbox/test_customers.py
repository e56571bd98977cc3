"""Customers: CRUD, deleted customers, the email filter."""

from __future__ import annotations

import pytest
import stripe


def test_crud(stripe_client: stripe.StripeClient) -> None:
    customer = stripe_client.v1.customers.create(
        {
            "email": "jenny@example.com",
            "name": "Jenny",
            "metadata": {"plan": "pro"},
            "address": {"city": "Paris"},
        }
    )
    assert customer.id.startswith("cus_")
    assert len(customer.id) == len("cus_") + 14
    assert customer.balance == 0
    assert customer.delinquent is False
    assert customer.address.city == "Paris"
    assert customer.invoice_settings.default_payment_method is None
    fetched = stripe_client.v1.customers.retrieve(customer.id)
    assert fetched.email == "jenny@example.com"
    updated = stripe_client.v1.customers.update(customer.id, {"name": "Jen", "phone": "+33100000000"})
    assert updated.name == "Jen"
    assert updated.phone == "+33100000000"
    removed = stripe_client.v1.customers.delete(customer.id)
    assert removed.deleted is True
    assert removed.id == customer.id
    tombstone = stripe_client.v1.customers.retrieve(customer.id)
    assert tombstone.deleted is True
    assert stripe_client.v1.customers.list().data == []
    with pytest.raises(stripe.InvalidRequestError) as failure:
        stripe_client.v1.customers.update(customer.id, {"name": "ghost"})
    assert failure.value.code == "resource_missing"
    with pytest.raises(stripe.InvalidRequestError) as missing:
        stripe_client.v1.customers.retrieve("cus_unknown")
    assert missing.value.user_message == "No such customer: 'cus_unknown'"
    assert missing.value.http_status == 404


def test_email_filter(stripe_client: stripe.StripeClient) -> None:
    a = stripe_client.v1.customers.create({"email": "a@example.com"})
    stripe_client.v1.customers.create({"email": "b@example.com"})
    assert [c.id for c in stripe_client.v1.customers.list({"email": "a@example.com"}).data] == [a.id]


def test_invalid_tax_exempt(stripe_client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.InvalidRequestError) as failure:
        stripe_client.v1.customers.create({"tax_exempt": "maybe"})  # type: ignore[typeddict-item]
    assert failure.value.user_message == "Invalid tax_exempt: must be one of exempt, none, or reverse"
