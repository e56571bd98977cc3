"""Invoice items through the SDK: amounts and prices, credits, pending items, draft invoices, the errors."""

from __future__ import annotations

import pytest
import requests
import stripe
from billing_setup import customer, event_types, monthly_price, one_time_price


def test_create_with_amount_is_a_pending_item(stripe_client: stripe.StripeClient) -> None:
    cus = customer(stripe_client)
    item = stripe_client.v1.invoice_items.create(
        params={
            "customer": cus.id,
            "amount": 2500,
            "currency": "usd",
            "description": "Onboarding",
            "metadata": {"order": "42"},
            "period": {"start": 1700000000, "end": 1700086400},
        }
    )
    assert item.object == "invoiceitem"
    assert item.id.startswith("ii_")
    assert (item.amount, item.currency, item.customer) == (2500, "usd", cus.id)
    assert item.invoice is None
    assert item.description == "Onboarding"
    assert item.metadata.to_dict() == {"order": "42"}
    assert (item.period.start, item.period.end) == (1700000000, 1700086400)
    assert item.quantity == 1
    assert item.discountable is True
    assert stripe_client.v1.invoice_items.retrieve(item.id).amount == 2500
    assert "invoiceitem.created" in event_types(stripe_client)


def test_price_and_quantity_multiply(stripe_client: stripe.StripeClient) -> None:
    cus = customer(stripe_client)
    price = one_time_price(stripe_client, amount=700)
    item = stripe_client.v1.invoice_items.create(
        params={"customer": cus.id, "pricing": {"price": price.id}, "quantity": 3}
    )
    assert item.amount == 2100
    assert item.quantity == 3
    assert item.pricing.type == "price_details"
    assert item.pricing.price_details.price == price.id
    assert str(item.pricing.unit_amount_decimal) == "700"
    assert item.description == "Setup fee"


def test_negative_amount_is_a_credit_and_not_discountable(stripe_client: stripe.StripeClient) -> None:
    cus = customer(stripe_client)
    credit = stripe_client.v1.invoice_items.create(
        params={"customer": cus.id, "amount": -300, "currency": "usd", "description": "Goodwill credit"}
    )
    assert credit.amount == -300
    assert credit.discountable is False


def test_customer_is_required(stripe_client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.InvalidRequestError) as info:
        stripe_client.v1.invoice_items.create(params={"amount": 100, "currency": "usd"})
    assert info.value.code == "parameter_missing"
    assert info.value.param == "customer"
    assert str(info.value.error.message) == "Missing required param: customer."


def test_unknown_customer(stripe_client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.InvalidRequestError) as info:
        stripe_client.v1.invoice_items.create(params={"customer": "cus_nope", "amount": 1, "currency": "usd"})
    assert info.value.http_status == 400
    assert info.value.code == "resource_missing"
    assert info.value.error.message == "No such customer: 'cus_nope'"


def test_amount_needs_a_currency(stripe_client: stripe.StripeClient) -> None:
    cus = customer(stripe_client)
    with pytest.raises(stripe.InvalidRequestError) as info:
        stripe_client.v1.invoice_items.create(params={"customer": cus.id, "amount": 100})
    assert info.value.error.message == "Missing required param: currency."


def test_something_to_bill_is_required(stripe_client: stripe.StripeClient) -> None:
    cus = customer(stripe_client)
    with pytest.raises(stripe.InvalidRequestError) as info:
        stripe_client.v1.invoice_items.create(params={"customer": cus.id, "currency": "usd"})
    assert info.value.param == "amount"


def test_a_recurring_price_is_refused(stripe_client: stripe.StripeClient) -> None:
    cus = customer(stripe_client)
    price = monthly_price(stripe_client)
    with pytest.raises(stripe.InvalidRequestError) as info:
        stripe_client.v1.invoice_items.create(params={"customer": cus.id, "pricing": {"price": price.id}})
    assert info.value.error.message == (
        "The price specified is set to `type=recurring` but this field only accepts prices with "
        "`type=one_time`."
    )
    assert info.value.param == "pricing[price]"


def test_item_on_a_draft_updates_its_totals(stripe_client: stripe.StripeClient) -> None:
    cus = customer(stripe_client)
    invoice = stripe_client.v1.invoices.create(params={"customer": cus.id})
    item = stripe_client.v1.invoice_items.create(
        params={"customer": cus.id, "invoice": invoice.id, "amount": 1200, "currency": "usd"}
    )
    assert item.invoice == invoice.id
    fresh = stripe_client.v1.invoices.retrieve(invoice.id)
    assert fresh.total == fresh.amount_due == 1200
    assert [line.parent.invoice_item_details.invoice_item for line in fresh.lines.data] == [item.id]

    stripe_client.v1.invoice_items.update(item.id, params={"amount": 900, "description": "Discounted"})
    assert stripe_client.v1.invoices.retrieve(invoice.id).total == 900
    stripe_client.v1.invoice_items.delete(item.id)
    assert stripe_client.v1.invoices.retrieve(invoice.id).total == 0


def test_item_on_another_customers_invoice_is_refused(stripe_client: stripe.StripeClient) -> None:
    invoice = stripe_client.v1.invoices.create(params={"customer": customer(stripe_client).id})
    other = customer(stripe_client)
    with pytest.raises(stripe.InvalidRequestError) as info:
        stripe_client.v1.invoice_items.create(
            params={"customer": other.id, "invoice": invoice.id, "amount": 100, "currency": "usd"}
        )
    assert info.value.param == "invoice"


def test_items_of_a_finalized_invoice_are_frozen(stripe_client: stripe.StripeClient) -> None:
    cus = customer(stripe_client)
    invoice = stripe_client.v1.invoices.create(
        params={"customer": cus.id, "collection_method": "send_invoice", "days_until_due": 30}
    )
    item = stripe_client.v1.invoice_items.create(
        params={"customer": cus.id, "invoice": invoice.id, "amount": 1200, "currency": "usd"}
    )
    stripe_client.v1.invoices.finalize_invoice(invoice.id)
    with pytest.raises(stripe.InvalidRequestError) as info:
        stripe_client.v1.invoice_items.create(
            params={"customer": cus.id, "invoice": invoice.id, "amount": 100, "currency": "usd"}
        )
    assert info.value.error.message == "You can only add invoice items to draft invoices."
    with pytest.raises(stripe.InvalidRequestError) as info:
        stripe_client.v1.invoice_items.delete(item.id)
    assert "status of open" in info.value.error.message
    with pytest.raises(stripe.InvalidRequestError):
        stripe_client.v1.invoice_items.update(item.id, params={"amount": 1})
    assert stripe_client.v1.invoice_items.retrieve(item.id).amount == 1200


def test_delete_returns_the_stub_and_emits(stripe_client: stripe.StripeClient) -> None:
    cus = customer(stripe_client)
    item = stripe_client.v1.invoice_items.create(
        params={"customer": cus.id, "amount": 100, "currency": "usd"}
    )
    gone = stripe_client.v1.invoice_items.delete(item.id)
    assert gone.deleted is True
    assert gone.id == item.id
    with pytest.raises(stripe.InvalidRequestError) as info:
        stripe_client.v1.invoice_items.retrieve(item.id)
    assert info.value.http_status == 404
    assert info.value.error.message == f"No such invoice item: '{item.id}'"
    deleted_event = stripe_client.v1.events.list(params={"type": "invoiceitem.deleted"}).data[0]
    assert deleted_event.data.object.id == item.id


def test_list_filters(stripe_client: stripe.StripeClient) -> None:
    a, b = customer(stripe_client), customer(stripe_client)
    pending = stripe_client.v1.invoice_items.create(
        params={"customer": a.id, "amount": 100, "currency": "usd"}
    )
    invoice = stripe_client.v1.invoices.create(params={"customer": a.id})
    attached = stripe_client.v1.invoice_items.create(
        params={"customer": a.id, "invoice": invoice.id, "amount": 200, "currency": "usd"}
    )
    other = stripe_client.v1.invoice_items.create(params={"customer": b.id, "amount": 300, "currency": "usd"})

    def ids(**params: object) -> set[str]:
        return {i.id for i in stripe_client.v1.invoice_items.list(params=params).data}

    assert ids(customer=a.id) == {pending.id, attached.id}
    assert ids(customer=a.id, pending=True) == {pending.id}
    assert ids(customer=a.id, pending=False) == {attached.id}
    assert ids(invoice=invoice.id) == {attached.id}
    assert other.id in ids()


def test_invoice_items_have_their_own_restricted_key_scope(
    stripe_client: stripe.StripeClient, sandbox: object, account: dict[str, str], make_client: object
) -> None:
    reply = requests.post(
        sandbox.api_base + "/_sandbox/restricted_keys",  # type: ignore[attr-defined]
        json={"permissions": ["rak_invoice_write", "rak_customer_write"]},
        headers={"Authorization": f"Bearer {account['secret_key']}"},
        timeout=10,
    )
    restricted = make_client(reply.json()["key"])  # type: ignore[operator]
    cus = restricted.v1.customers.create(params={"email": "rk@example.com"})
    assert restricted.v1.invoices.create(params={"customer": cus.id}).status == "draft"
    with pytest.raises(stripe.PermissionError) as info:
        restricted.v1.invoice_items.create(params={"customer": cus.id, "amount": 100, "currency": "usd"})
    assert "rak_invoice_item_write" in info.value.error.message
