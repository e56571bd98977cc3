"""SEPA Direct Debit with Stripe's test IBANs, through the SDK (responses validated against the schema):
processing first, then succeeded or failed after the IBAN's delay on the account's clock."""

from __future__ import annotations

from typing import Any

import pytest
import requests
import stripe
from billing_setup import event_types

import sandbox as sandbox_package

SUCCEEDS, SUCCEEDS_LATER = "AT611904300234573201", "AT321904300235473204"
FAILS, FAILS_LATER = "AT861904300235473202", "AT051904300235473205"


def _advance(sandbox: sandbox_package.SandboxHandle, key: str, seconds: int) -> None:
    answer = requests.post(
        sandbox.api_base + "/_sandbox/time",
        json={"advance_seconds": seconds},
        headers={"Authorization": f"Bearer {key}"},
        timeout=30,
    )
    assert answer.status_code == 200, answer.text


def _pay(client: stripe.StripeClient, iban: str, **extra: Any) -> stripe.PaymentIntent:
    pm = client.v1.payment_methods.create(
        params={
            "type": "sepa_debit",
            "sepa_debit": {"iban": iban},
            "billing_details": {"name": "Jenny Rosen", "email": "jenny@example.com"},
        }
    )
    return client.v1.payment_intents.create(
        params={
            "amount": 1000,
            "currency": "eur",
            "payment_method_types": ["sepa_debit"],
            "payment_method": pm.id,
            "confirm": True,
            "mandate_data": {"customer_acceptance": {"type": "offline"}},
            **extra,
        }
    )


def test_a_sepa_payment_method_never_shows_the_iban(stripe_client: stripe.StripeClient) -> None:
    pm = stripe_client.v1.payment_methods.create(
        params={"type": "sepa_debit", "sepa_debit": {"iban": "AT61 1904 3002 3457 3201"}}
    )
    assert pm.type == "sepa_debit"
    assert pm.sepa_debit is not None
    assert (pm.sepa_debit.country, pm.sepa_debit.last4, pm.sepa_debit.bank_code) == ("AT", "3201", "19043")
    assert SUCCEEDS not in str(stripe_client.v1.payment_methods.retrieve(pm.id))
    with pytest.raises(stripe.InvalidRequestError) as info:
        stripe_client.v1.payment_methods.create(
            params={"type": "sepa_debit", "sepa_debit": {"iban": "AT61190430"}}
        )
    assert info.value.param == "sepa_debit[iban]"


def test_processing_then_succeeded(stripe_client: stripe.StripeClient) -> None:
    pi = _pay(stripe_client, SUCCEEDS)
    assert pi.status == "processing"
    # The next request finds the bank's answer (due right after the confirming request).
    assert stripe_client.v1.payment_intents.retrieve(pi.id).status == "succeeded"
    assert stripe_client.v1.charges.retrieve(str(pi.latest_charge)).status == "succeeded"
    types = event_types(stripe_client)
    assert types.index("payment_intent.processing") < types.index("payment_intent.succeeded")
    [pending] = stripe_client.v1.events.list(params={"type": "charge.pending"}).data
    assert (pending.data.object["status"], pending.data.object["paid"]) == ("pending", False)
    assert pending.data.object["payment_method_details"]["type"] == "sepa_debit"


def test_the_slow_ibans_answer_after_three_minutes(
    stripe_client: stripe.StripeClient, sandbox: sandbox_package.SandboxHandle, account: dict[str, str]
) -> None:
    later = _pay(stripe_client, SUCCEEDS_LATER)
    failing = _pay(stripe_client, FAILS_LATER)
    _advance(sandbox, account["secret_key"], 170)
    assert stripe_client.v1.payment_intents.retrieve(later.id).status == "processing"
    assert stripe_client.v1.payment_intents.retrieve(failing.id).status == "processing"
    _advance(sandbox, account["secret_key"], 20)
    assert stripe_client.v1.payment_intents.retrieve(later.id).status == "succeeded"
    assert stripe_client.v1.payment_intents.retrieve(failing.id).status == "requires_payment_method"


def test_a_failing_iban(stripe_client: stripe.StripeClient) -> None:
    pi = _pay(stripe_client, FAILS)
    assert pi.status == "processing"
    failed = stripe_client.v1.payment_intents.retrieve(pi.id)
    assert failed.status == "requires_payment_method"
    assert failed.last_payment_error is not None
    assert failed.last_payment_error.code == "insufficient_funds"
    assert stripe_client.v1.charges.retrieve(str(pi.latest_charge)).status == "failed"
    assert "payment_intent.payment_failed" in event_types(stripe_client)


def test_sepa_needs_the_intent_to_allow_it(stripe_client: stripe.StripeClient) -> None:
    pm = stripe_client.v1.payment_methods.create(
        params={"type": "sepa_debit", "sepa_debit": {"iban": SUCCEEDS}}
    )
    with pytest.raises(stripe.InvalidRequestError) as info:
        stripe_client.v1.payment_intents.create(
            params={
                "amount": 1000,
                "currency": "eur",
                "payment_method_types": ["card"],
                "payment_method": pm.id,
                "confirm": True,
            }
        )
    assert info.value.param == "payment_method"


@pytest.mark.parametrize(("iban", "event"), [(SUCCEEDS, "succeeded"), (FAILS, "failed")])
def test_checkout_completes_unpaid_then_reports_the_debit(
    iban: str,
    event: str,
    stripe_client: stripe.StripeClient,
    sandbox: sandbox_package.SandboxHandle,
    account: dict[str, str],
) -> None:
    price = stripe_client.v1.prices.create(
        params={"currency": "eur", "unit_amount": 1500, "product_data": {"name": "Shirt"}}
    )
    session = stripe_client.v1.checkout.sessions.create(
        params={
            "mode": "payment",
            "success_url": "https://example.com/ok",
            "payment_method_types": ["sepa_debit"],
            "line_items": [{"price": price.id, "quantity": 2}],
        }
    )
    pm = stripe_client.v1.payment_methods.create(
        params={
            "type": "sepa_debit",
            "sepa_debit": {"iban": iban},
            "billing_details": {"email": "j@example.com"},
        }
    )
    confirmed = requests.post(
        f"{sandbox.api_base}/v1/payment_pages/{session.id}/confirm",
        data={"payment_method": pm.id, "expected_amount": 3000},
        headers={"Authorization": f"Bearer {account['secret_key']}"},
        timeout=30,
    )
    assert confirmed.status_code == 200, confirmed.text
    assert (confirmed.json()["status"], confirmed.json()["payment_status"]) == ("complete", "unpaid")
    done = stripe_client.v1.checkout.sessions.retrieve(session.id)
    assert done.payment_status == ("paid" if event == "succeeded" else "unpaid")
    types = event_types(stripe_client)
    assert types.index("checkout.session.completed") < types.index(f"checkout.session.async_payment_{event}")
