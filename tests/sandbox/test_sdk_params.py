"""Everything stripe-python 16 can send to a served operation is accepted, or refused on purpose by name.

stripe-python 16 is generated from a newer API version than the vendored spec, so it knows parameters and
enum values the spec lacks. The rule is "prefer accepting what stripe-python 16 sends over rejecting it":
``scripts/refresh_spec.py`` widens the vendored spec from the SDK's ``stripe.params`` TypedDicts, and this
test compares them again with what the framework validates (spec + each endpoint's ``extra_params``).
"""

from __future__ import annotations

from typing import Any

import pytest
import stripe

from sandbox._api import REGISTRY
from sandbox._validation import params_schema, resolve, stripe_path_templates
from scripts.sdk_surface import gaps, normalize, sdk_operations

# Parameters the framework refuses on purpose, with the reason (none at the moment: handlers that cannot
# honour a parameter accept it at validation and refuse it by name, e.g. Checkout's ui_mode=form).
DELIBERATELY_REFUSED: dict[tuple[str, str, str], str] = {}


def test_every_parameter_the_sdk_can_send_is_accepted() -> None:
    operations = sdk_operations()
    unserved, refused = [], []
    public = stripe_path_templates()
    for registered in REGISTRY.endpoints:
        if registered.template not in public:
            continue  # a private endpoint Stripe's own tools call (the CLI's payment_pages): no SDK method
        typed_dict = operations.get((registered.method, normalize(registered.template)))
        if typed_dict is None:
            unserved.append(f"{registered.method} {registered.template}")
            continue
        schema = params_schema(registered.method, registered.template) or {"properties": {}}
        schema = {**schema, "properties": {**schema["properties"], **registered.extra_params}}
        for gap in gaps(typed_dict, schema, resolve):
            if (registered.method, registered.template, gap.name) in DELIBERATELY_REFUSED:
                continue
            what = f"values {', '.join(gap.values)}" if gap.values else "the parameter"
            refused.append(f"{registered.method} {registered.template} {gap.name}: {what}")
    assert not unserved, f"no stripe-python method calls these served operations: {unserved}"
    assert not refused, "stripe-python 16 can send what the sandbox refuses:\n" + "\n".join(refused)


def test_newer_parameters_pass_through_the_sdk(stripe_client: stripe.StripeClient) -> None:
    params: Any = {
        "amount": 1500,
        "currency": "usd",
        "payment_method_types": ["card"],
        "payment_method_options": {"card": {"moto": False, "setup_credential_usage": "unscheduled"}},
        "radar_options": {"referrer": "https://shop.example.com/cart"},
    }
    pi = stripe_client.v1.payment_intents.create(params)
    assert pi.status == "requires_payment_method"
    endpoint = stripe_client.v1.webhook_endpoints.create(
        {"url": "http://127.0.0.1:9/hook", "enabled_events": ["apps.install.created"]}  # type: ignore[list-item]
    )
    assert endpoint.enabled_events == ["apps.install.created"]


def test_the_legacy_plan_parameter_of_subscription_items(stripe_client: stripe.StripeClient) -> None:
    product = stripe_client.v1.products.create({"name": "Gold"})
    price = stripe_client.v1.prices.create(
        {"product": product.id, "currency": "usd", "unit_amount": 900, "recurring": {"interval": "month"}}
    )
    customer = stripe_client.v1.customers.create({"name": "Plan user"})
    card = stripe_client.v1.payment_methods.attach("pm_card_visa", {"customer": customer.id})
    sub = stripe_client.v1.subscriptions.create(
        {"customer": customer.id, "items": [{"plan": price.id}], "default_payment_method": card.id}
    )
    assert sub.status == "active"
    assert sub["items"].data[0].price.id == price.id
    other = stripe_client.v1.prices.create(
        {"product": product.id, "currency": "usd", "unit_amount": 100, "recurring": {"interval": "month"}}
    )
    stripe_client.v1.subscriptions.create(
        {"customer": customer.id, "items": [{"price": other.id}], "default_payment_method": card.id}
    )
    assert [s.id for s in stripe_client.v1.subscriptions.list({"plan": price.id}).data] == [sub.id]


def test_a_parameter_a_handler_cannot_honour_is_refused_by_name(stripe_client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.InvalidRequestError) as refused:
        stripe_client.v1.checkout.sessions.create(
            {
                "mode": "payment",
                "ui_mode": "form",  # type: ignore[typeddict-item]
                "line_items": [
                    {
                        "price_data": {"currency": "usd", "unit_amount": 500, "product_data": {"name": "x"}},
                        "quantity": 1,
                    }
                ],
            }
        )
    assert refused.value.param == "ui_mode"
    assert "form" in str(refused.value.user_message)
    assert refused.value.code != "parameter_unknown"
