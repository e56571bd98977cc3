"""What the Stripe CLI's trigger fixtures rely on, through the SDK (responses validated against the schema):
Stripe's test PaymentMethod ids wherever a PaymentMethod is accepted, invoices sent, the off-session 3D Secure
invoice, refund updates, ``balance.available``, and Checkout's private completion API (``payment_pages``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import requests
import stripe
from billing_setup import customer, event_types, monthly_price

import sandbox as sandbox_package


def test_customer_create_attaches_a_test_payment_method_and_makes_it_the_default(
    stripe_client: stripe.StripeClient,
) -> None:
    cus = stripe_client.v1.customers.create(
        params={
            "payment_method": "pm_card_visa",
            "invoice_settings": {"default_payment_method": "pm_card_visa"},
        }
    )
    default = cus.invoice_settings.default_payment_method
    assert isinstance(default, str)
    assert default.startswith("pm_")
    assert default != "pm_card_visa", "Stripe attaches a copy of the test card"
    [pm] = stripe_client.v1.customers.payment_methods.list(cus.id).data
    assert pm.id == default
    assert pm.card
    assert pm.card.last4 == "4242"
    # The subscription is charged with that default, as the CLI's customer.subscription.* triggers expect.
    sub = stripe_client.v1.subscriptions.create(
        params={"customer": cus.id, "items": [{"price": monthly_price(stripe_client).id}]}
    )
    assert sub.status == "active"
    assert event_types(stripe_client)[:2] == ["payment_method.attached", "customer.created"]


def test_subscription_default_payment_method_takes_a_test_id(stripe_client: stripe.StripeClient) -> None:
    cus = customer(stripe_client)
    sub = stripe_client.v1.subscriptions.create(
        params={
            "customer": cus.id,
            "items": [{"price": monthly_price(stripe_client).id}],
            "default_payment_method": "pm_card_mastercard",
        }
    )
    assert sub.status == "active"
    assert isinstance(sub.default_payment_method, str)
    attached = stripe_client.v1.payment_methods.retrieve(sub.default_payment_method)
    assert attached.customer == cus.id
    assert attached.card
    assert attached.card.brand == "mastercard"


def test_invoice_pay_takes_a_test_id(stripe_client: stripe.StripeClient) -> None:
    cus = customer(stripe_client)
    stripe_client.v1.invoice_items.create(params={"customer": cus.id, "amount": 700, "currency": "usd"})
    invoice = stripe_client.v1.invoices.create(
        params={"customer": cus.id, "pending_invoice_items_behavior": "include"}
    )
    assert (
        stripe_client.v1.invoices.pay(invoice.id, params={"payment_method": "pm_card_visa"}).status == "paid"
    )


def _draft(client: stripe.StripeClient, cus_id: str | None = None, **params: Any) -> stripe.Invoice:
    cus_id = cus_id or customer(client).id
    client.v1.invoice_items.create(params={"customer": cus_id, "amount": 2000, "currency": "usd"})
    return client.v1.invoices.create(
        params={"customer": cus_id, "pending_invoice_items_behavior": "include", **params}
    )


def test_sending_a_draft_finalizes_it_first(stripe_client: stripe.StripeClient) -> None:
    draft = _draft(stripe_client, collection_method="send_invoice", days_until_due=7)
    sent = stripe_client.v1.invoices.send_invoice(draft.id)
    assert sent.status == "open"
    assert sent.number
    assert sent.hosted_invoice_url
    types = event_types(stripe_client)
    assert types[-2:] == ["invoice.finalized", "invoice.sent"]
    # Sending again is allowed (a reminder): one more invoice.sent.
    stripe_client.v1.invoices.send_invoice(draft.id)
    assert event_types(stripe_client).count("invoice.sent") == 2


def test_only_send_invoice_invoices_are_sent(stripe_client: stripe.StripeClient) -> None:
    draft = _draft(stripe_client)
    with pytest.raises(stripe.InvalidRequestError) as info:
        stripe_client.v1.invoices.send_invoice(draft.id)
    assert "collection_method is `send_invoice`" in info.value.user_message
    assert stripe_client.v1.invoices.retrieve(draft.id).status == "draft"


def test_an_off_session_invoice_payment_that_needs_3ds_asks_for_action(
    stripe_client: stripe.StripeClient,
) -> None:
    cus = customer(stripe_client)
    pm = stripe_client.v1.payment_methods.attach("pm_card_threeDSecure2Required", params={"customer": cus.id})
    invoice = _draft(stripe_client, cus.id)
    with pytest.raises(stripe.CardError) as info:
        stripe_client.v1.invoices.pay(invoice.id, params={"payment_method": pm.id})
    assert info.value.code == "authentication_required"
    types = event_types(stripe_client)
    assert types[-2:] == ["invoice.payment_failed", "invoice.payment_action_required"]


def test_updating_a_refund_emits_charge_refund_updated(stripe_client: stripe.StripeClient) -> None:
    pi = stripe_client.v1.payment_intents.create(
        params={
            "amount": 100,
            "currency": "usd",
            "payment_method": "pm_card_visa",
            "confirm": True,
            "payment_method_types": ["card"],
        }
    )
    refund = stripe_client.v1.refunds.create(params={"payment_intent": pi.id})
    stripe_client.v1.refunds.update(refund.id, params={"metadata": {"order_id": "6735"}})
    [event] = stripe_client.v1.events.list(params={"type": "charge.refund.updated"}).data
    assert event.data.object["id"] == refund.id
    assert event.data.previous_attributes
    assert event.data.previous_attributes.to_dict() == {"metadata": {}}


def test_balance_available_follows_a_bypass_pending_charge(stripe_client: stripe.StripeClient) -> None:
    for card in ("pm_card_visa", "pm_card_bypassPending"):
        stripe_client.v1.payment_intents.create(
            params={
                "amount": 2000,
                "currency": "usd",
                "payment_method": card,
                "confirm": True,
                "payment_method_types": ["card"],
            }
        )
    [event] = stripe_client.v1.events.list(params={"type": "balance.available"}).data
    assert event.data.object["object"] == "balance"
    # pm_card_visa's funds are pending for two days (tests/sandbox/test_balance.py); the bypass card's are not
    assert event.data.object["available"][0].to_dict() == {
        "amount": 2000,
        "currency": "usd",
        "source_types": {"card": 2000},
    }
    assert event.data.object["pending"][0]["amount"] == 2000


# --- payment_pages: private, so not in Stripe's spec; the sandbox's own shape is the contract -------------

PAGE_KEYS = {
    "id", "object", "amount_total", "currency", "customer", "customer_email", "livemode", "mode",
    "payment_intent", "payment_method_types", "payment_status", "setup_intent", "status", "subscription",
    "success_url",
}  # fmt: skip


@pytest.fixture
def private(
    sandbox: sandbox_package.SandboxHandle, account: dict[str, str]
) -> Callable[..., requests.Response]:
    """A raw call of a private endpoint (the ``api`` fixture would hold it to a schema Stripe does not
    publish)."""

    def call(method: str, path: str, params: dict[str, Any] | None = None) -> requests.Response:
        return requests.request(
            method,
            sandbox.api_base + path,
            data=params,
            headers={"Authorization": f"Bearer {account['secret_key']}"},
            timeout=30,
        )

    return call


@pytest.fixture
def session(stripe_client: stripe.StripeClient) -> stripe.checkout.Session:
    price = stripe_client.v1.prices.create(
        params={"currency": "usd", "unit_amount": 1500, "product_data": {"name": "Shirt"}}
    )
    return stripe_client.v1.checkout.sessions.create(
        params={
            "mode": "payment",
            "success_url": "https://example.com/ok",
            "line_items": [{"price": price.id, "quantity": 2}],
        }
    )


def test_payment_page_confirm_completes_the_session(
    session: stripe.checkout.Session,
    private: Callable[..., requests.Response],
    stripe_client: stripe.StripeClient,
) -> None:
    page = private("GET", f"/v1/payment_pages/{session.id}")
    assert page.status_code == 200
    assert set(page.json()) == PAGE_KEYS
    assert page.json()["object"] == "payment_page"
    assert (page.json()["status"], page.json()["amount_total"]) == ("open", 3000)

    pm = stripe_client.v1.payment_methods.create(
        params={
            "type": "card",
            "card": {"token": "tok_visa"},
            "billing_details": {"email": "jenny@example.com"},
        }
    )
    done = private(
        "POST",
        f"/v1/payment_pages/{session.id}/confirm",
        params={"payment_method": pm.id, "expected_amount": 3000},
    )
    assert done.status_code == 200, done.text
    assert set(done.json()) == PAGE_KEYS
    assert (done.json()["status"], done.json()["payment_status"]) == ("complete", "paid")
    completed = stripe_client.v1.checkout.sessions.retrieve(session.id)
    assert completed.status == "complete"
    assert completed.customer_details
    assert completed.customer_details.email == "jenny@example.com"
    pi = stripe_client.v1.payment_intents.retrieve(str(completed.payment_intent))
    assert (pi.status, pi.amount) == ("succeeded", 3000)
    assert "checkout.session.completed" in event_types(stripe_client)


def test_payment_page_refuses_another_amount_and_keeps_a_declined_session_open(
    session: stripe.checkout.Session,
    private: Callable[..., requests.Response],
    stripe_client: stripe.StripeClient,
) -> None:
    wrong = private(
        "POST", f"/v1/payment_pages/{session.id}/confirm",
        params={"payment_method": "pm_card_visa", "expected_amount": 2999},
    )  # fmt: skip
    assert wrong.status_code == 400
    assert wrong.json()["error"]["param"] == "expected_amount"
    declined = private(
        "POST", f"/v1/payment_pages/{session.id}/confirm", params={"payment_method": "pm_card_chargeDeclined"}
    )
    assert declined.status_code == 402
    assert declined.json()["error"]["type"] == "card_error"
    assert declined.json()["error"]["message"] == "Your card was declined."
    assert stripe_client.v1.checkout.sessions.retrieve(session.id).status == "open"
    missing = private("POST", f"/v1/payment_pages/{session.id}/confirm", params={})
    assert missing.status_code == 400
    assert missing.json()["error"]["param"] == "payment_method"
    ok = private("POST", f"/v1/payment_pages/{session.id}/confirm", params={"payment_method": "pm_card_visa"})
    assert ok.json()["status"] == "complete"
    again = private(
        "POST", f"/v1/payment_pages/{session.id}/confirm", params={"payment_method": "pm_card_visa"}
    )
    assert again.status_code == 400
    assert private("GET", "/v1/payment_pages/cs_test_missing").status_code == 404
