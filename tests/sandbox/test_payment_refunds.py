"""Refunds over HTTP through the SDK: full, partial, over-refund, refunds of payments that took no money."""

from __future__ import annotations

from typing import Any

import pytest
import stripe


def _paid(
    client: stripe.StripeClient, amount: int = 2000, currency: str = "usd", **extra: Any
) -> stripe.PaymentIntent:
    return client.v1.payment_intents.create(
        {
            "amount": amount,
            "currency": currency,
            "payment_method": "pm_card_visa",
            "payment_method_types": ["card"],
            "confirm": True,
            **extra,
        }
    )


def test_full_refund_by_payment_intent(stripe_client: stripe.StripeClient) -> None:
    pi = _paid(stripe_client)
    refund = stripe_client.v1.refunds.create({"payment_intent": pi.id, "reason": "requested_by_customer"})
    assert refund.id.startswith("re_")
    assert (refund.amount, refund.status, refund.currency) == (2000, "succeeded", "usd")
    assert (refund.payment_intent, refund.charge, refund.reason) == (
        pi.id,
        pi.latest_charge,
        "requested_by_customer",
    )
    assert pi.latest_charge is not None
    charge = stripe_client.v1.charges.retrieve(pi.latest_charge)
    assert (charge.amount_refunded, charge.refunded) == (2000, True)
    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe_client.v1.refunds.create({"payment_intent": pi.id})
    assert caught.value.code == "charge_already_refunded"
    assert caught.value.user_message == f"Charge {pi.latest_charge} has already been refunded."


def test_partial_refunds_by_charge_then_over_refund(stripe_client: stripe.StripeClient) -> None:
    pi = _paid(stripe_client)
    assert pi.latest_charge is not None
    first = stripe_client.v1.refunds.create({"charge": pi.latest_charge, "amount": 500})
    assert first.amount == 500
    charge = stripe_client.v1.charges.retrieve(pi.latest_charge)
    assert (charge.amount_refunded, charge.refunded) == (500, False)
    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe_client.v1.refunds.create({"payment_intent": pi.id, "amount": 1600})
    assert caught.value.param == "amount"
    assert caught.value.user_message == (
        "Refund amount ($16.00) is greater than unrefunded amount on charge ($15.00)"
    )
    rest = stripe_client.v1.refunds.create({"payment_intent": pi.id})
    assert rest.amount == 1500
    assert stripe_client.v1.charges.retrieve(pi.latest_charge).refunded is True
    listed = stripe_client.v1.refunds.list({"charge": pi.latest_charge})
    assert [r.id for r in listed.data] == [rest.id, first.id]
    by_pi = stripe_client.v1.refunds.list({"payment_intent": pi.id})
    assert len(by_pi.data) == 2
    assert stripe_client.v1.refunds.retrieve(first.id).amount == 500


def test_over_refund_text_uses_the_currency(stripe_client: stripe.StripeClient) -> None:
    pi = _paid(stripe_client, amount=1000, currency="eur")
    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe_client.v1.refunds.create({"payment_intent": pi.id, "amount": 1001})
    assert (
        caught.value.user_message
        == "Refund amount (€10.01) is greater than unrefunded amount on charge (€10.00)"
    )


@pytest.mark.parametrize("state", ["uncaptured", "canceled", "unpaid"])
def test_refund_of_a_payment_without_money(stripe_client: stripe.StripeClient, state: str) -> None:
    if state == "unpaid":
        pi = stripe_client.v1.payment_intents.create({"amount": 2000, "currency": "usd"})
    else:
        pi = _paid(stripe_client, capture_method="manual")
        if state == "canceled":
            stripe_client.v1.payment_intents.cancel(pi.id)
    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe_client.v1.refunds.create({"payment_intent": pi.id})
    assert caught.value.http_status == 400
    assert (
        caught.value.user_message
        == f"This PaymentIntent ({pi.id}) does not have a successful charge to refund."
    )


def test_refund_of_a_failed_charge(stripe_client: stripe.StripeClient) -> None:
    pi = stripe_client.v1.payment_intents.create(
        {"amount": 2000, "currency": "usd", "payment_method_types": ["card"]}
    )
    with pytest.raises(stripe.CardError) as declined:
        stripe_client.v1.payment_intents.confirm(pi.id, {"payment_method": "pm_card_visa_chargeDeclined"})
    body = declined.value.json_body
    assert body is not None
    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe_client.v1.refunds.create({"charge": body["error"]["charge"]})
    assert "does not have a successful charge to refund" in str(caught.value.user_message)


def test_refund_needs_a_target(stripe_client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.InvalidRequestError):
        stripe_client.v1.refunds.create({"amount": 100})


def test_charges_list_and_search_by_customer_and_payment_intent(stripe_client: stripe.StripeClient) -> None:
    customer = stripe_client.v1.customers.create({"email": "ch@example.com"})
    paid = _paid(stripe_client, customer=customer.id, metadata={"order": "77"})
    _paid(stripe_client)  # another payment of the account
    by_customer = stripe_client.v1.charges.list({"customer": customer.id})
    assert [c.id for c in by_customer.data] == [paid.latest_charge]
    by_pi = stripe_client.v1.charges.list({"payment_intent": paid.id})
    assert [c.id for c in by_pi.data] == [paid.latest_charge]
    found = stripe_client.v1.charges.search({"query": 'metadata["order"]:"77"'})
    assert [c.id for c in found.data] == [paid.latest_charge]
    assert found.data[0].metadata.to_dict() == {"order": "77"}


def test_legacy_charges_with_a_source_token(stripe_client: stripe.StripeClient) -> None:
    charge = stripe_client.v1.charges.create(
        {
            "amount": 2500,
            "currency": "usd",
            "source": "tok_amex",
            "description": "Legacy",
            "metadata": {"k": "v"},
        }
    )
    assert (charge.status, charge.paid, charge.captured, charge.payment_intent) == (
        "succeeded",
        True,
        True,
        None,
    )
    assert charge.payment_method_details is not None
    assert charge.payment_method_details.card is not None
    assert (charge.payment_method_details.card.brand, charge.payment_method_details.card.last4) == (
        "amex",
        "0005",
    )
    updated = stripe_client.v1.charges.update(
        charge.id, {"description": "Legacy order 5", "metadata": {"n": "1"}}
    )
    assert updated.description == "Legacy order 5"
    assert updated.metadata.to_dict() == {"k": "v", "n": "1"}
    refund = stripe_client.v1.refunds.create({"charge": charge.id, "amount": 500})
    assert (refund.amount, refund.payment_intent) == (500, None)
    with pytest.raises(stripe.CardError) as declined:
        stripe_client.v1.charges.create(
            {"amount": 2500, "currency": "usd", "source": "tok_chargeDeclinedInsufficientFunds"}
        )
    body = declined.value.json_body
    assert body is not None
    assert body["error"]["decline_code"] == "insufficient_funds"
    failed = stripe_client.v1.charges.retrieve(body["error"]["charge"])
    assert (failed.status, failed.failure_code) == ("failed", "card_declined")
    with pytest.raises(stripe.InvalidRequestError) as no_source:
        stripe_client.v1.charges.create({"amount": 2500, "currency": "usd"})
    assert no_source.value.user_message == "Must provide source or customer."
