"""Objects the billing tests start from, made through the SDK like any integration would."""

from __future__ import annotations

from typing import Any

import stripe


def customer(client: stripe.StripeClient, **params: Any) -> stripe.Customer:
    return client.v1.customers.create(
        params={"email": "billing@example.com", "name": "Ada Billing", **params}
    )


def card(
    client: stripe.StripeClient, customer_id: str, test_pm: str = "pm_card_visa"
) -> stripe.PaymentMethod:
    """A test card attached to the customer (pm_card_chargeCustomerFail attaches but declines charges)."""
    return client.v1.payment_methods.attach(test_pm, params={"customer": customer_id})


def paying_customer(client: stripe.StripeClient, test_pm: str = "pm_card_visa") -> stripe.Customer:
    """A customer whose invoice_settings.default_payment_method is a test card."""
    cus = customer(client)
    pm = card(client, cus.id, test_pm)
    return client.v1.customers.update(cus.id, params={"invoice_settings": {"default_payment_method": pm.id}})


def product(client: stripe.StripeClient, name: str = "Gold plan") -> stripe.Product:
    return client.v1.products.create(params={"name": name})


def monthly_price(client: stripe.StripeClient, amount: int = 1500, currency: str = "usd") -> stripe.Price:
    return client.v1.prices.create(
        params={
            "product": product(client).id,
            "unit_amount": amount,
            "currency": currency,
            "recurring": {"interval": "month"},
        }
    )


def one_time_price(client: stripe.StripeClient, amount: int = 500, currency: str = "usd") -> stripe.Price:
    return client.v1.prices.create(
        params={"product": product(client, "Setup fee").id, "unit_amount": amount, "currency": currency}
    )


def event_types(client: stripe.StripeClient, **params: Any) -> list[str]:
    """Every event of the account, oldest first."""
    events = client.v1.events.list(params={"limit": 100, **params})
    return [e.type for e in reversed(events.data)]
