"""Disputes from Stripe's dispute test cards, through the SDK (responses validated against the schema)."""

from __future__ import annotations

import pytest
import stripe
from billing_setup import event_types


def _disputed(client: stripe.StripeClient, card: str, amount: int = 5000) -> stripe.PaymentIntent:
    return client.v1.payment_intents.create(
        params={
            "amount": amount,
            "currency": "usd",
            "payment_method": card,
            "payment_method_types": ["card"],
            "confirm": True,
        }
    )


def _total(client: stripe.StripeClient) -> int:
    """Available plus pending USD: where a charge's funds are does not change what a dispute takes."""
    balance = client.v1.balance.retrieve()
    return int(balance.available[0].amount) + int(balance.pending[0].amount)


def test_a_chargeback_is_open_at_once_and_withdraws_the_amount_and_fee(
    stripe_client: stripe.StripeClient,
) -> None:
    before = _total(stripe_client)
    pi = _disputed(stripe_client, "pm_card_createDispute")
    assert pi.status == "succeeded"
    [dispute] = stripe_client.v1.disputes.list(params={"payment_intent": pi.id}).data
    assert dispute.id.startswith("dp_")
    assert (dispute.status, dispute.reason, dispute.amount) == ("needs_response", "fraudulent", 5000)
    assert dispute.charge == pi.latest_charge
    assert dispute.payment_method_details
    assert dispute.payment_method_details.card
    assert dispute.payment_method_details.card.case_type == "chargeback"
    [txn] = dispute.balance_transactions
    assert (txn.amount, txn.fee, txn.net, txn.reporting_category) == (-5000, 1500, -6500, "dispute")
    assert dispute.is_charge_refundable is False
    charge = stripe_client.v1.charges.retrieve(str(pi.latest_charge))
    assert charge.disputed is True
    # +5000 charged (pending for two days), -5000 disputed and -1500 fee (out of the available balance)
    assert _total(stripe_client) == before - 1500
    assert stripe_client.v1.balance.retrieve().available[0].amount == -6500
    types = event_types(stripe_client)
    assert types.index("charge.succeeded") < types.index("charge.dispute.created")
    assert "charge.dispute.funds_withdrawn" in types


def test_an_inquiry_moves_no_money(stripe_client: stripe.StripeClient) -> None:
    pi = _disputed(stripe_client, "pm_card_createDisputeInquiry", 2000)
    [dispute] = stripe_client.v1.disputes.list(params={"charge": str(pi.latest_charge)}).data
    assert dispute.status == "warning_needs_response"
    assert dispute.balance_transactions == []
    assert dispute.is_charge_refundable is True
    assert _total(stripe_client) == 2000  # the charge's own funds, still pending
    assert "charge.dispute.funds_withdrawn" not in event_types(stripe_client)


def test_product_not_received(stripe_client: stripe.StripeClient) -> None:
    pi = _disputed(stripe_client, "pm_card_createDisputeProductNotReceived")
    [dispute] = stripe_client.v1.disputes.list(params={"payment_intent": pi.id}).data
    assert dispute.reason == "product_not_received"


def test_evidence_submits_and_close_settles(stripe_client: stripe.StripeClient) -> None:
    pi = _disputed(stripe_client, "pm_card_createDispute")
    [dispute] = stripe_client.v1.disputes.list(params={"payment_intent": pi.id}).data

    staged = stripe_client.v1.disputes.update(
        dispute.id, params={"evidence": {"customer_name": "Jenny Rosen"}, "submit": False}
    )
    assert staged.status == "needs_response"
    assert staged.evidence.customer_name == "Jenny Rosen"
    assert staged.evidence_details.has_evidence is True
    assert staged.evidence_details.submission_count == 0

    tagged = stripe_client.v1.disputes.update(dispute.id, params={"metadata": {"case": "42"}})
    assert tagged.status == "needs_response", "a metadata-only update submits nothing"
    assert tagged.metadata.to_dict() == {"case": "42"}

    submitted = stripe_client.v1.disputes.update(
        dispute.id, params={"evidence": {"uncategorized_text": "Delivered on time."}}
    )
    assert submitted.status == "under_review"
    assert submitted.evidence_details.submission_count == 1

    closed = stripe_client.v1.disputes.close(dispute.id)
    assert closed.status == "lost"
    assert stripe_client.v1.disputes.retrieve(dispute.id).status == "lost"
    with pytest.raises(stripe.InvalidRequestError) as info:
        stripe_client.v1.disputes.close(dispute.id)
    assert "already closed" in info.value.user_message
    types = event_types(stripe_client)
    assert types.count("charge.dispute.updated") == 3
    assert types[-1] == "charge.dispute.closed"


def test_closing_an_inquiry(stripe_client: stripe.StripeClient) -> None:
    pi = _disputed(stripe_client, "pm_card_createDisputeInquiry")
    [dispute] = stripe_client.v1.disputes.list(params={"payment_intent": pi.id}).data
    assert stripe_client.v1.disputes.close(dispute.id).status == "warning_closed"


def test_an_unknown_dispute(stripe_client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.InvalidRequestError) as info:
        stripe_client.v1.disputes.retrieve("dp_missing")
    assert info.value.http_status == 404
    assert info.value.user_message == "No such dispute: 'dp_missing'"


def test_ordinary_cards_are_not_disputed(stripe_client: stripe.StripeClient) -> None:
    _disputed(stripe_client, "pm_card_visa")
    assert stripe_client.v1.disputes.list().data == []
