"""Subscriptions through the SDK: how the first invoice and its payment decide the status, updates,
cancellation, lists and search, and the package function Checkout calls."""

from __future__ import annotations

import time
from typing import Any

import pytest
import stripe
from billing_setup import card, customer, event_types, monthly_price, one_time_price, paying_customer

import sandbox
from sandbox._errors import StripeError
from sandbox.resources import subscriptions

MONTH = 30 * 86400


def _create(client: stripe.StripeClient, **params: Any) -> stripe.Subscription:
    return client.v1.subscriptions.create(params={"expand": ["latest_invoice"], **params})


def test_a_working_default_payment_method_makes_it_active(stripe_client: stripe.StripeClient) -> None:
    cus = paying_customer(stripe_client)
    price = monthly_price(stripe_client, 1500)
    sub = _create(
        stripe_client, customer=cus.id, items=[{"price": price.id, "quantity": 2}], metadata={"a": "1"}
    )
    assert sub.object == "subscription"
    assert sub.status == "active"
    assert sub.metadata.to_dict() == {"a": "1"}
    (item,) = sub["items"].data
    assert (item.price.id, item.quantity) == (price.id, 2)
    assert item.current_period_end - item.current_period_start in (
        28 * 86400,
        29 * 86400,
        30 * 86400,
        31 * 86400,
    )
    invoice = sub.latest_invoice
    assert isinstance(invoice, stripe.Invoice)
    assert (invoice.status, invoice.amount_paid, invoice.billing_reason) == (
        "paid",
        3000,
        "subscription_create",
    )
    assert invoice.parent.subscription_details.subscription == sub.id
    assert invoice.lines.data[0].parent.subscription_item_details.subscription_item == item.id
    assert invoice.lines.data[0].description == "2 × Gold plan (at $15.00 / month)"
    types = event_types(stripe_client)
    assert types[-1] == "customer.subscription.created"
    assert {"invoice.created", "invoice.finalized", "invoice.paid", "invoice.payment_succeeded"} <= set(types)
    assert "customer.subscription.updated" not in types


def test_the_subscriptions_own_default_payment_method_is_charged(stripe_client: stripe.StripeClient) -> None:
    cus = customer(stripe_client)
    pm = card(stripe_client, cus.id)
    sub = _create(
        stripe_client,
        customer=cus.id,
        items=[{"price": monthly_price(stripe_client).id}],
        default_payment_method=pm.id,
    )
    assert sub.status == "active"
    assert sub.default_payment_method == pm.id


def test_a_default_payment_method_must_belong_to_the_customer(stripe_client: stripe.StripeClient) -> None:
    cus = customer(stripe_client)
    stranger = card(stripe_client, customer(stripe_client).id)
    with pytest.raises(stripe.InvalidRequestError) as info:
        _create(
            stripe_client,
            customer=cus.id,
            items=[{"price": monthly_price(stripe_client).id}],
            default_payment_method=stranger.id,
        )
    assert info.value.param == "default_payment_method"


def test_a_trial_starts_trialing_with_a_paid_zero_invoice(stripe_client: stripe.StripeClient) -> None:
    cus = customer(stripe_client)
    sub = _create(
        stripe_client,
        customer=cus.id,
        items=[{"price": monthly_price(stripe_client).id}],
        trial_period_days=7,
    )
    assert sub.status == "trialing"
    assert sub.trial_end - sub.trial_start == 7 * 86400
    assert sub["items"].data[0].current_period_end == sub.trial_end
    assert (sub.latest_invoice.status, sub.latest_invoice.total) == ("paid", 0)
    assert sub.latest_invoice.lines.data[0].description == "Trial period for Gold plan"


def test_default_incomplete_waits_for_the_customer(stripe_client: stripe.StripeClient) -> None:
    cus = paying_customer(stripe_client)
    sub = _create(
        stripe_client,
        customer=cus.id,
        items=[{"price": monthly_price(stripe_client).id}],
        payment_behavior="default_incomplete",
        expand=["latest_invoice.confirmation_secret"],
    )
    assert sub.status == "incomplete"
    assert sub.latest_invoice.status == "open"
    assert sub.latest_invoice.attempt_count == 0
    secret = sub.latest_invoice.confirmation_secret.client_secret
    pi = stripe_client.v1.payment_intents.retrieve(secret.split("_secret_")[0])
    assert pi.status == "requires_payment_method"


def test_confirming_the_invoice_payment_intent_activates_it(
    stripe_client: stripe.StripeClient, sandbox: sandbox.SandboxHandle
) -> None:
    cus = customer(stripe_client)
    sub = _create(
        stripe_client,
        customer=cus.id,
        items=[{"price": monthly_price(stripe_client).id}],
        payment_behavior="default_incomplete",
        payment_settings={"save_default_payment_method": "on_subscription"},
        expand=["latest_invoice.confirmation_secret"],  # includable: only when the path names it
    )
    assert sub.payment_settings.save_default_payment_method == "on_subscription"
    pi_id = sub.latest_invoice.confirmation_secret.client_secret.split("_secret_")[0]
    paid = stripe_client.v1.payment_intents.confirm(pi_id, params={"payment_method": "pm_card_visa"})
    # Like Stripe, the invoice settles right after payment_intent.succeeded, not inside the confirm call.
    sandbox.runtime.drain()
    deadline = time.monotonic() + 10
    while stripe_client.v1.subscriptions.retrieve(sub.id).status != "active" and time.monotonic() < deadline:
        time.sleep(0.05)
    assert stripe_client.v1.subscriptions.retrieve(sub.id).status == "active"
    invoice = stripe_client.v1.invoices.retrieve(sub.latest_invoice.id)
    assert (invoice.status, invoice.amount_paid) == ("paid", sub.latest_invoice.amount_due)
    # payment_settings[save_default_payment_method]=on_subscription keeps the card that paid
    assert stripe_client.v1.subscriptions.retrieve(sub.id).default_payment_method == paid.payment_method


def test_unsupported_create_params_are_named(stripe_client: stripe.StripeClient) -> None:
    cus = paying_customer(stripe_client)
    with pytest.raises(stripe.InvalidRequestError) as info:
        _create(
            stripe_client,
            customer=cus.id,
            items=[{"price": monthly_price(stripe_client).id}],
            backdate_start_date=1700000000,
        )
    assert info.value.param == "backdate_start_date"
    assert "does not emulate" in info.value.error.message


def test_without_a_payment_method_allow_incomplete_is_refused(stripe_client: stripe.StripeClient) -> None:
    cus = customer(stripe_client)
    for behavior in ("allow_incomplete", "error_if_incomplete"):
        with pytest.raises(stripe.InvalidRequestError) as info:
            _create(
                stripe_client,
                customer=cus.id,
                items=[{"price": monthly_price(stripe_client).id}],
                payment_behavior=behavior,
            )
        assert info.value.error.message.startswith(
            "This customer has no attached payment source or default payment method."
        )
    assert stripe_client.v1.subscriptions.list(params={"customer": cus.id, "status": "all"}).data == []
    assert stripe_client.v1.invoices.list(params={"customer": cus.id}).data == []


def test_a_decline_leaves_it_incomplete_then_paying_activates(stripe_client: stripe.StripeClient) -> None:
    cus = paying_customer(stripe_client, "pm_card_chargeCustomerFail")
    sub = _create(stripe_client, customer=cus.id, items=[{"price": monthly_price(stripe_client).id}])
    assert sub.status == "incomplete"
    assert (sub.latest_invoice.status, sub.latest_invoice.attempt_count) == ("open", 1)
    assert "invoice.payment_failed" in event_types(stripe_client)
    good = card(stripe_client, cus.id)
    stripe_client.v1.invoices.pay(sub.latest_invoice.id, params={"payment_method": good.id})
    assert stripe_client.v1.subscriptions.retrieve(sub.id).status == "active"
    updated = stripe_client.v1.events.list(params={"type": "customer.subscription.updated"}).data[0]
    assert updated.data.object.status == "active"
    assert updated.data.previous_attributes.status == "incomplete"


def test_error_if_incomplete_answers_402_and_creates_nothing(stripe_client: stripe.StripeClient) -> None:
    cus = paying_customer(stripe_client, "pm_card_chargeCustomerFail")
    with pytest.raises(stripe.CardError) as info:
        _create(
            stripe_client,
            customer=cus.id,
            items=[{"price": monthly_price(stripe_client).id}],
            payment_behavior="error_if_incomplete",
        )
    assert info.value.http_status == 402
    assert info.value.code == "card_declined"
    assert stripe_client.v1.subscriptions.list(params={"customer": cus.id, "status": "all"}).data == []


def test_send_invoice_is_active_with_an_open_invoice(stripe_client: stripe.StripeClient) -> None:
    cus = customer(stripe_client)
    price = monthly_price(stripe_client)
    with pytest.raises(stripe.InvalidRequestError) as info:
        _create(stripe_client, customer=cus.id, items=[{"price": price.id}], collection_method="send_invoice")
    assert info.value.error.message == "Missing required param: days_until_due."
    sub = _create(
        stripe_client,
        customer=cus.id,
        items=[{"price": price.id}],
        collection_method="send_invoice",
        days_until_due=10,
    )
    assert sub.status == "active"
    assert sub.latest_invoice.status == "open"
    assert sub.latest_invoice.due_date is not None


def test_a_one_time_price_is_refused(stripe_client: stripe.StripeClient) -> None:
    cus = paying_customer(stripe_client)
    with pytest.raises(stripe.InvalidRequestError) as info:
        _create(stripe_client, customer=cus.id, items=[{"price": one_time_price(stripe_client).id}])
    assert info.value.error.message == (
        "The price specified is set to `type=one_time` but this field only accepts prices with "
        "`type=recurring`."
    )
    assert info.value.param == "items[0][price]"


def test_customer_and_items_are_required(stripe_client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.InvalidRequestError) as info:
        stripe_client.v1.subscriptions.create(params={"items": [{"price": "price_x"}]})
    assert info.value.param == "customer"
    with pytest.raises(stripe.InvalidRequestError) as info:
        stripe_client.v1.subscriptions.create(params={"customer": customer(stripe_client).id})
    assert info.value.param == "items"


def test_updates_emit_previous_attributes(stripe_client: stripe.StripeClient) -> None:
    cus = paying_customer(stripe_client)
    sub = _create(stripe_client, customer=cus.id, items=[{"price": monthly_price(stripe_client).id}])
    item = sub["items"].data[0]
    extra = monthly_price(stripe_client, 300)
    updated = stripe_client.v1.subscriptions.update(
        sub.id,
        params={
            "items": [{"id": item.id, "quantity": 3}, {"price": extra.id}],
            "metadata": {"plan": "team"},
            "proration_behavior": "none",
        },
    )
    assert [(i.price.id, i.quantity) for i in updated["items"].data] == [(item.price.id, 3), (extra.id, 1)]
    event = stripe_client.v1.events.list(params={"type": "customer.subscription.updated"}).data[0]
    assert event.data.previous_attributes.metadata.to_dict() == {}
    assert event.data.previous_attributes["items"].data[0].quantity == 1

    later = stripe_client.v1.subscriptions.update(sub.id, params={"cancel_at_period_end": True})
    assert later.cancel_at_period_end is True
    assert later.cancel_at == item.current_period_end
    assert later.status == "active"
    event = stripe_client.v1.events.list(params={"type": "customer.subscription.updated"}).data[0]
    assert event.data.previous_attributes.cancel_at_period_end is False


def test_cancel_now(stripe_client: stripe.StripeClient) -> None:
    cus = paying_customer(stripe_client)
    sub = _create(stripe_client, customer=cus.id, items=[{"price": monthly_price(stripe_client).id}])
    canceled = stripe_client.v1.subscriptions.cancel(sub.id)
    assert canceled.status == "canceled"
    assert canceled.canceled_at is not None
    assert canceled.ended_at == canceled.canceled_at
    deleted = stripe_client.v1.events.list(params={"type": "customer.subscription.deleted"}).data[0]
    assert deleted.data.object.id == sub.id
    with pytest.raises(stripe.InvalidRequestError) as info:
        stripe_client.v1.subscriptions.cancel(sub.id)
    assert info.value.http_status == 404
    assert info.value.error.message == f"No such subscription: '{sub.id}'"
    assert stripe_client.v1.subscriptions.retrieve(sub.id).status == "canceled"
    with pytest.raises(stripe.InvalidRequestError) as info:
        stripe_client.v1.subscriptions.update(sub.id, params={"cancel_at_period_end": True})
    assert info.value.error.message == (
        "A canceled subscription can only update its cancellation_details and metadata."
    )
    kept = stripe_client.v1.subscriptions.update(sub.id, params={"metadata": {"why": "moved"}})
    assert kept.metadata.to_dict() == {"why": "moved"}


def test_lists_and_search(stripe_client: stripe.StripeClient) -> None:
    cus = paying_customer(stripe_client)
    price, other_price = monthly_price(stripe_client), monthly_price(stripe_client, 900)
    active = _create(stripe_client, customer=cus.id, items=[{"price": price.id}])
    trialing = _create(stripe_client, customer=cus.id, items=[{"price": other_price.id}], trial_period_days=3)
    gone = _create(stripe_client, customer=cus.id, items=[{"price": price.id}])
    stripe_client.v1.subscriptions.cancel(gone.id)

    def ids(**params: object) -> set[str]:
        return {s.id for s in stripe_client.v1.subscriptions.list(params={"customer": cus.id, **params}).data}

    assert ids() == {active.id, trialing.id}
    assert ids(status="all") == {active.id, trialing.id, gone.id}
    assert ids(status="ended") == {gone.id}
    assert ids(status="trialing") == {trialing.id}
    assert ids(price=other_price.id) == {trialing.id}
    found = stripe_client.v1.subscriptions.search(params={"query": 'status:"trialing"'})
    assert [s.id for s in found.data] == [trialing.id]


def test_create_from_checkout(
    sandbox: sandbox.SandboxHandle, account: dict[str, str], stripe_client: stripe.StripeClient
) -> None:
    cus = customer(stripe_client)
    price = monthly_price(stripe_client, 2000)
    with sandbox.runtime.context(account["id"]) as ctx:
        created = subscriptions.create_from_checkout(
            ctx,
            customer=cus.id,
            items=[{"price": price.id, "quantity": 1}],
            payment_method="pm_card_visa",
            metadata={"checkout": "yes"},
        )
    sub = stripe_client.v1.subscriptions.retrieve(created["id"], params={"expand": ["latest_invoice"]})
    assert sub.status == "active"
    assert sub.latest_invoice.status == "paid"
    assert sub.metadata.to_dict() == {"checkout": "yes"}
    pm = stripe_client.v1.payment_methods.retrieve(sub.default_payment_method)
    assert pm.customer == cus.id
    with pytest.raises(StripeError) as info, sandbox.runtime.context(account["id"]) as ctx:
        subscriptions.create_from_checkout(
            ctx, customer=cus.id, items=[{"price": price.id}], payment_method="pm_card_chargeCustomerFail"
        )
    assert (info.value.status, info.value.type, info.value.code) == (402, "card_error", "card_declined")
    assert len(stripe_client.v1.subscriptions.list(params={"customer": cus.id}).data) == 1


def test_a_card_that_needs_3d_secure_leaves_it_incomplete(stripe_client: stripe.StripeClient) -> None:
    cus = paying_customer(stripe_client, "pm_card_authenticationRequired")
    sub = _create(
        stripe_client,
        customer=cus.id,
        items=[{"price": monthly_price(stripe_client).id}],
        expand=["latest_invoice.confirmation_secret"],
    )
    assert sub.status == "incomplete"
    assert sub.latest_invoice.status == "open"
    pi = stripe_client.v1.payment_intents.retrieve(
        sub.latest_invoice.confirmation_secret.client_secret.split("_secret_")[0]
    )
    assert pi.status == "requires_action"
    assert "invoice.payment_action_required" in event_types(stripe_client)
