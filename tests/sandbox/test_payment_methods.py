"""PaymentMethods and SetupIntents over HTTP through the SDK: test ids, raw test numbers, attach, detach."""

from __future__ import annotations

from typing import Any

import pytest
import stripe
from payment_http import post_json


def test_test_ids_are_cloned_per_use(stripe_client: stripe.StripeClient) -> None:
    customer = stripe_client.v1.customers.create({"name": "Ada"})
    first = stripe_client.v1.payment_methods.attach("pm_card_visa", {"customer": customer.id})
    second = stripe_client.v1.payment_methods.attach("pm_card_visa", {"customer": customer.id})
    assert first.id != second.id
    assert first.id.startswith("pm_")
    assert first.id != "pm_card_visa"
    assert first.customer == customer.id
    assert first.card is not None
    assert (first.card.brand, first.card.last4, first.card.funding, first.card.country) == (
        "visa",
        "4242",
        "credit",
        "US",
    )
    assert first.card.fingerprint == second.card.fingerprint if second.card else False


def test_create_from_test_number_and_token(stripe_client: stripe.StripeClient) -> None:
    amex = stripe_client.v1.payment_methods.create(
        {
            "type": "card",
            "card": {"number": "3782 822463 10005", "exp_month": 12, "exp_year": 2034, "cvc": "1234"},
        }
    )
    assert amex.card is not None
    assert (amex.card.brand, amex.card.last4, amex.card.exp_month, amex.card.exp_year) == (
        "amex",
        "0005",
        12,
        2034,
    )
    assert amex.customer is None
    from_token = stripe_client.v1.payment_methods.create(
        {"type": "card", "card": {"token": "tok_mastercard"}}
    )
    assert from_token.card is not None
    assert (from_token.card.brand, from_token.card.last4) == ("mastercard", "4444")
    got = stripe_client.v1.payment_methods.retrieve(amex.id)
    assert got.id == amex.id


@pytest.mark.parametrize(
    ("card", "code", "param"),
    [
        ({"number": "4242424242424241", "exp_month": 12, "exp_year": 2034}, "incorrect_number", "number"),
        (
            {"number": "4242424242424242", "exp_month": 13, "exp_year": 2034},
            "invalid_expiry_month",
            "exp_month",
        ),
        (
            {"number": "4242424242424242", "exp_month": 12, "exp_year": 2001},
            "invalid_expiry_year",
            "exp_year",
        ),
        (
            {"number": "4242424242424242", "exp_month": 12, "exp_year": 2034, "cvc": "99"},
            "invalid_cvc",
            "cvc",
        ),
    ],
)
def test_invalid_card_data_is_a_card_error(
    stripe_client: stripe.StripeClient, card: dict[str, Any], code: str, param: str
) -> None:
    with pytest.raises(stripe.CardError) as caught:
        stripe_client.v1.payment_methods.create({"type": "card", "card": card})
    assert (caught.value.http_status, caught.value.code, caught.value.param) == (402, code, param)


def test_declining_cards_cannot_be_attached(stripe_client: stripe.StripeClient) -> None:
    customer = stripe_client.v1.customers.create({"name": "Bo"})
    with pytest.raises(stripe.CardError) as caught:
        stripe_client.v1.payment_methods.attach("pm_card_visa_chargeDeclined", {"customer": customer.id})
    assert caught.value.code == "card_declined"
    body = caught.value.json_body
    assert body is not None
    assert body["error"]["decline_code"] == "generic_decline"
    assert stripe_client.v1.customers.payment_methods.list(customer.id, {"type": "card"}).data == []
    # chargeCustomerFail attaches fine; only charging it fails.
    ok = stripe_client.v1.payment_methods.attach("pm_card_chargeCustomerFail", {"customer": customer.id})
    assert ok.customer == customer.id


def test_attach_list_detach(stripe_client: stripe.StripeClient) -> None:
    customer = stripe_client.v1.customers.create({"name": "Cy"})
    other = stripe_client.v1.customers.create({"name": "Di"})
    visa = stripe_client.v1.payment_methods.attach("pm_card_visa", {"customer": customer.id})
    mc = stripe_client.v1.payment_methods.attach("pm_card_mastercard", {"customer": customer.id})
    stripe_client.v1.payment_methods.attach("pm_card_amex", {"customer": other.id})
    listed = stripe_client.v1.payment_methods.list({"customer": customer.id, "type": "card"})
    assert [p.id for p in listed.data] == [mc.id, visa.id]
    nested = stripe_client.v1.customers.payment_methods.list(customer.id)
    assert [p.id for p in nested.data] == [mc.id, visa.id]
    detached = stripe_client.v1.payment_methods.detach(visa.id)
    assert detached.customer is None
    assert [p.id for p in stripe_client.v1.customers.payment_methods.list(customer.id).data] == [mc.id]
    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe_client.v1.payment_methods.detach(visa.id)
    assert "not attached to a customer" in str(caught.value.user_message)
    with pytest.raises(stripe.InvalidRequestError) as missing:
        stripe_client.v1.payment_methods.retrieve("pm_doesnotexist")
    assert missing.value.http_status == 404
    assert missing.value.user_message == "No such payment_method: 'pm_doesnotexist'"


def test_saved_on_setup_card_pays_off_session(stripe_client: stripe.StripeClient) -> None:
    customer = stripe_client.v1.customers.create({"name": "Ed"})
    si = stripe_client.v1.setup_intents.create(
        {
            "customer": customer.id,
            "payment_method": "pm_card_visa",
            "payment_method_types": ["card"],
            "confirm": True,
        }
    )
    assert (si.status, si.usage) == ("succeeded", "off_session")
    assert si.client_secret.startswith(si.id + "_secret_")
    assert si.payment_method is not None
    pm = stripe_client.v1.payment_methods.retrieve(si.payment_method)
    assert pm.customer == customer.id
    pi = stripe_client.v1.payment_intents.create(
        {
            "amount": 1500,
            "currency": "usd",
            "customer": customer.id,
            "payment_method": si.payment_method,
            "off_session": True,
            "confirm": True,
        }
    )
    assert pi.status == "succeeded"


def test_setup_intent_authentication_required_on_setup(
    stripe_client: stripe.StripeClient, sandbox: Any, account: dict[str, str]
) -> None:
    customer = stripe_client.v1.customers.create({"name": "Flo"})
    si = stripe_client.v1.setup_intents.create(
        {
            "customer": customer.id,
            "payment_method_types": ["card"],
            "payment_method": "pm_card_authenticationRequiredOnSetup",
        }
    )
    assert si.status == "requires_confirmation"
    confirmed = stripe_client.v1.setup_intents.confirm(si.id)
    assert confirmed.status == "requires_action"
    assert confirmed.next_action is not None
    answer = post_json(
        f"{sandbox.api_base}/_sandbox/setup_intents/{si.id}/authenticate",
        {"outcome": "succeed"},
        account["secret_key"],
    )
    assert answer.status == 200, answer.text
    done = stripe_client.v1.setup_intents.retrieve(si.id)
    assert done.status == "succeeded"
    assert done.payment_method is not None
    # Once set up, the card pays off-session without a new challenge.
    pi = stripe_client.v1.payment_intents.create(
        {
            "amount": 900,
            "currency": "usd",
            "customer": customer.id,
            "payment_method": done.payment_method,
            "off_session": True,
            "confirm": True,
        }
    )
    assert pi.status == "succeeded"


def test_setup_intent_with_declining_card(stripe_client: stripe.StripeClient) -> None:
    si = stripe_client.v1.setup_intents.create({"payment_method_types": ["card"]})
    with pytest.raises(stripe.CardError) as caught:
        stripe_client.v1.setup_intents.confirm(
            si.id, {"payment_method": "pm_card_visa_chargeDeclinedInsufficientFunds"}
        )
    assert caught.value.code == "card_declined"
    body = caught.value.json_body
    assert body is not None
    assert body["error"]["setup_intent"]["id"] == si.id
    stored = stripe_client.v1.setup_intents.retrieve(si.id)
    assert stored.status == "requires_payment_method"
    assert stored.last_setup_error is not None
    assert stored.last_setup_error.decline_code == "insufficient_funds"


def test_setup_intent_cancel_and_list(stripe_client: stripe.StripeClient) -> None:
    customer = stripe_client.v1.customers.create({"name": "Gus"})
    si = stripe_client.v1.setup_intents.create({"customer": customer.id, "payment_method_types": ["card"]})
    canceled = stripe_client.v1.setup_intents.cancel(si.id, {"cancellation_reason": "abandoned"})
    assert (canceled.status, canceled.cancellation_reason) == ("canceled", "abandoned")
    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe_client.v1.setup_intents.cancel(si.id)
    assert caught.value.code == "setup_intent_unexpected_state"
    listed = stripe_client.v1.setup_intents.list({"customer": customer.id})
    assert [s.id for s in listed.data] == [si.id]


def test_setup_intent_without_return_url_under_automatic_payment_methods(
    stripe_client: stripe.StripeClient,
) -> None:
    si = stripe_client.v1.setup_intents.create({})
    assert si.automatic_payment_methods is not None
    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe_client.v1.setup_intents.confirm(si.id, {"payment_method": "pm_card_visa"})
    assert str(caught.value.user_message).startswith("A `return_url` must be specified")


def test_a_payment_method_used_without_a_customer_cannot_be_reused(
    stripe_client: stripe.StripeClient,
) -> None:
    pm = stripe_client.v1.payment_methods.create({"type": "card", "card": {"token": "tok_visa"}})
    first = stripe_client.v1.payment_intents.create(
        {
            "amount": 1000,
            "currency": "usd",
            "payment_method_types": ["card"],
            "payment_method": pm.id,
            "confirm": True,
        }
    )
    assert first.status == "succeeded"
    with pytest.raises(stripe.InvalidRequestError) as again:
        stripe_client.v1.payment_intents.create(
            {
                "amount": 1000,
                "currency": "usd",
                "payment_method_types": ["card"],
                "payment_method": pm.id,
                "confirm": True,
            }
        )
    assert str(again.value.user_message).startswith(
        "The provided PaymentMethod was previously used with a PaymentIntent"
    )
    customer = stripe_client.v1.customers.create({"name": "Hal"})
    with pytest.raises(stripe.InvalidRequestError) as attach:
        stripe_client.v1.payment_methods.attach(pm.id, {"customer": customer.id})
    assert "may not be used again" in str(attach.value.user_message)


def test_customer_created_with_a_test_payment_method(stripe_client: stripe.StripeClient) -> None:
    customer = stripe_client.v1.customers.create(
        {"email": "ivy@example.com", "payment_method": "pm_card_mastercard"}
    )
    saved = stripe_client.v1.customers.payment_methods.list(customer.id)
    assert [(p.card.brand, p.card.last4) for p in saved.data if p.card] == [("mastercard", "4444")]
