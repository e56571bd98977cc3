"""A declined attempt answers 402 yet stays recorded, as on Stripe: the framework's ``commit=True`` errors.

The state, the error's idempotent result and the events are kept together (one transaction), and the events
reach the event sinks (here: the webhook dispatcher, seen through its control API).
"""

from __future__ import annotations

from typing import Any

import pytest
import requests
import stripe
from billing_setup import event_types, paying_customer


def _deliveries(sandbox: Any, secret_key: str, event_id: str) -> list[dict[str, Any]]:
    response = requests.get(
        sandbox.api_base + "/_sandbox/webhook_deliveries",
        params={"event": event_id},
        headers={"Authorization": f"Bearer {secret_key}"},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    return list(response.json()["data"])


def test_a_declined_invoice_payment_is_kept_replayed_and_published(
    sandbox: Any, account: dict[str, str], stripe_client: stripe.StripeClient
) -> None:
    # Nothing listens on port 9: the dispatcher records the delivery attempt, which is all this test needs.
    stripe_client.v1.webhook_endpoints.create({"url": "http://127.0.0.1:9/hook", "enabled_events": ["*"]})
    cus = paying_customer(stripe_client, "pm_card_chargeCustomerFail")
    invoice = stripe_client.v1.invoices.create({"customer": cus.id})
    stripe_client.v1.invoice_items.create(
        {"customer": cus.id, "invoice": invoice.id, "amount": 4200, "currency": "usd"}
    )
    stripe_client.v1.invoices.finalize_invoice(invoice.id)
    options: Any = {"idempotency_key": "pay-once-" + invoice.id}
    with pytest.raises(stripe.CardError) as first:
        stripe_client.v1.invoices.pay(invoice.id, options=options)
    with pytest.raises(stripe.CardError) as replay:
        stripe_client.v1.invoices.pay(invoice.id, options=options)
    assert first.value.http_status == replay.value.http_status == 402
    assert first.value.json_body == replay.value.json_body
    assert replay.value.headers is not None
    assert replay.value.headers.get("Idempotent-Replayed") == "true"
    # the replay did not attempt again: one attempt, one failed charge
    after = stripe_client.v1.invoices.retrieve(invoice.id)
    assert (after.status, after.attempt_count, after.attempted) == ("open", 1, True)
    charges = stripe_client.v1.charges.list({"customer": cus.id}).data
    assert [(c.status, c.amount) for c in charges] == [("failed", 4200)]
    types = event_types(stripe_client)
    assert types.count("invoice.payment_failed") == 1
    assert types.count("charge.failed") == 1
    sandbox.runtime.drain()
    failed = stripe_client.v1.events.list({"type": "invoice.payment_failed"}).data[0]
    assert _deliveries(sandbox, account["secret_key"], failed.id), "the kept event never reached the sinks"


def test_a_declined_legacy_charge_is_kept(stripe_client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.CardError) as info:
        stripe_client.v1.charges.create({"amount": 1000, "currency": "usd", "source": "tok_chargeDeclined"})
    charge_id = info.value.json_body["error"]["charge"] if info.value.json_body else None
    assert charge_id
    kept = stripe_client.v1.charges.retrieve(charge_id)
    assert (kept.status, kept.paid, kept.failure_code) == ("failed", False, "card_declined")
    assert "charge.failed" in event_types(stripe_client)


def test_a_declined_setup_is_kept(stripe_client: stripe.StripeClient) -> None:
    si = stripe_client.v1.setup_intents.create({"payment_method_types": ["card"]})
    with pytest.raises(stripe.CardError):
        stripe_client.v1.setup_intents.confirm(si.id, {"payment_method": "pm_card_chargeDeclined"})
    after = stripe_client.v1.setup_intents.retrieve(si.id)
    assert after.status == "requires_payment_method"
    assert after.last_setup_error is not None
    assert after.last_setup_error.code == "card_declined"
    assert "setup_intent.setup_failed" in event_types(stripe_client)
