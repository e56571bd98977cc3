"""Fields Stripe returns only when expanded stay out of NESTED objects too (an expanded latest_invoice, an
embedded price), unless the expand path names them from the response's root."""

from __future__ import annotations

import stripe
from billing_setup import monthly_price, paying_customer


def test_an_expanded_invoice_has_no_includable_fields_unless_named(
    stripe_client: stripe.StripeClient,
) -> None:
    params: dict[str, object] = {
        "customer": paying_customer(stripe_client).id,
        "items": [{"price": monthly_price(stripe_client).id}],
        "payment_behavior": "default_incomplete",
        "expand": ["latest_invoice"],
    }
    sub = stripe_client.v1.subscriptions.create(params)  # type: ignore[arg-type]
    assert sub.latest_invoice.object == "invoice"
    assert "confirmation_secret" not in sub.latest_invoice
    assert "payments" not in sub.latest_invoice
    named = stripe_client.v1.subscriptions.retrieve(
        sub.id, {"expand": ["latest_invoice.confirmation_secret"]}
    )
    assert named.latest_invoice.confirmation_secret.client_secret.startswith("pi_")
    assert "payments" not in named.latest_invoice
    listed = stripe_client.v1.subscriptions.list({"expand": ["data.latest_invoice"]})
    assert "confirmation_secret" not in listed.data[0].latest_invoice


def test_an_expanded_tiered_price_has_no_tiers_unless_named(stripe_client: stripe.StripeClient) -> None:
    product = stripe_client.v1.products.create({"name": "Seats"})
    price = stripe_client.v1.prices.create(
        {
            "product": product.id,
            "currency": "usd",
            "billing_scheme": "tiered",
            "tiers_mode": "volume",
            "tiers": [{"up_to": 10, "unit_amount": 500}, {"up_to": "inf", "unit_amount": 400}],
            "recurring": {"interval": "month"},
        }
    )
    stripe_client.v1.products.update(product.id, {"default_price": price.id})
    plain = stripe_client.v1.products.retrieve(product.id, {"expand": ["default_price"]})
    assert plain.default_price.id == price.id
    assert "tiers" not in plain.default_price
    named = stripe_client.v1.products.retrieve(product.id, {"expand": ["default_price.tiers"]})
    assert [t.unit_amount for t in named.default_price.tiers] == [500, 400]
