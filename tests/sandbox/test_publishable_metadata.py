"""Stripe does not return metadata to publishable-key requests, on any endpoint a publishable key may call
(and not inside the objects an error embeds); secret keys still see it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import stripe

NOTE = {"secret_note": "server only"}


def test_no_metadata_for_publishable_keys(
    stripe_client: stripe.StripeClient,
    make_client: Callable[..., stripe.StripeClient],
    account: dict[str, str],
) -> None:
    browser = make_client(account["publishable_key"])
    pm = browser.v1.payment_methods.create({"type": "card", "card": {"token": "tok_visa"}, "metadata": NOTE})
    assert "metadata" not in pm
    assert stripe_client.v1.payment_methods.retrieve(pm.id).metadata.to_dict() == NOTE

    si = stripe_client.v1.setup_intents.create({"payment_method_types": ["card"], "metadata": NOTE})
    assert si.metadata.to_dict() == NOTE
    seen = browser.v1.setup_intents.retrieve(si.id, {"client_secret": si.client_secret})
    assert seen.id == si.id
    assert "metadata" not in seen
    confirmed = browser.v1.setup_intents.confirm(
        si.id, {"payment_method": "pm_card_visa", "client_secret": si.client_secret}
    )
    assert confirmed.status == "succeeded"
    assert "metadata" not in confirmed


def test_no_metadata_in_a_decline_answered_to_a_publishable_key(
    stripe_client: stripe.StripeClient,
    make_client: Callable[..., stripe.StripeClient],
    account: dict[str, str],
) -> None:
    pi = stripe_client.v1.payment_intents.create(
        {"amount": 1000, "currency": "usd", "payment_method_types": ["card"], "metadata": NOTE}
    )
    browser = make_client(account["publishable_key"])
    with pytest.raises(stripe.CardError) as declined:
        browser.v1.payment_intents.confirm(
            pi.id, {"payment_method": "pm_card_visa_chargeDeclined", "client_secret": pi.client_secret}
        )
    body = declined.value.json_body or {}
    embedded = body["error"]["payment_intent"]
    assert embedded["id"] == pi.id
    assert "metadata" not in embedded
    assert stripe_client.v1.payment_intents.retrieve(pi.id).metadata.to_dict() == NOTE
