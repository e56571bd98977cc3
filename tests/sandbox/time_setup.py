"""What the time tests start from: a test clock, a paying customer on it, and advancing it like an integration
would (advance, then wait until the clock is ready)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import requests
import stripe
from billing_setup import monthly_price

import sandbox

DAY = 86_400
HOUR = 3_600
T0 = int(datetime(2026, 1, 1, tzinfo=UTC).timestamp())  # every clock starts on 1 January 2026, 00:00 UTC


def at(year: int, month: int, day: int, hour: int = 0) -> int:
    return int(datetime(year, month, day, hour, tzinfo=UTC).timestamp())


def clock(client: stripe.StripeClient, frozen_time: int = T0, name: str = "time test") -> Any:
    return client.v1.test_helpers.test_clocks.create(params={"frozen_time": frozen_time, "name": name})


def advance(client: stripe.StripeClient, server: sandbox.SandboxHandle, clock_id: str, to: int) -> Any:
    """Advance and wait for ``ready`` (the scheduler's idle wait instead of polling with sleeps)."""
    answer = client.v1.test_helpers.test_clocks.advance(clock_id, params={"frozen_time": to})
    assert answer.status == "advancing"
    assert answer.status_details.advancing.target_frozen_time == to
    assert server.runtime.scheduler.wait_idle(), "the clock did not finish advancing"
    ready = client.v1.test_helpers.test_clocks.retrieve(clock_id)
    assert (ready.status, ready.frozen_time) == ("ready", to)
    return ready


def customer_on(
    client: stripe.StripeClient, clock_id: str, test_pm: str | None = "pm_card_visa"
) -> stripe.Customer:
    """A customer on the clock whose invoice_settings.default_payment_method is ``test_pm`` (if any)."""
    cus = client.v1.customers.create(params={"test_clock": clock_id, "email": "time@example.com"})
    if test_pm is None:
        return cus
    pm = client.v1.payment_methods.attach(test_pm, params={"customer": cus.id})
    return client.v1.customers.update(cus.id, params={"invoice_settings": {"default_payment_method": pm.id}})


def swap_card(client: stripe.StripeClient, customer_id: str, test_pm: str) -> str:
    """Make ``test_pm`` the customer's default card (how the app makes the next renewal fail or recover)."""
    pm = client.v1.payment_methods.attach(test_pm, params={"customer": customer_id})
    client.v1.customers.update(customer_id, params={"invoice_settings": {"default_payment_method": pm.id}})
    return str(pm.id)


def subscribe(client: stripe.StripeClient, customer_id: str, amount: int = 1500, **params: Any) -> Any:
    price = monthly_price(client, amount)
    return client.v1.subscriptions.create(
        params={"customer": customer_id, "items": [{"price": price.id}], **params}
    )


def invoices_of(client: stripe.StripeClient, sub_id: str) -> list[Any]:
    """The subscription's invoices, oldest first."""
    return list(reversed(client.v1.invoices.list(params={"subscription": sub_id, "limit": 100}).data))


def events(client: stripe.StripeClient, *types: str) -> list[Any]:
    """The account's events (of ``types`` if given), oldest first."""
    found = list(reversed(client.v1.events.list(params={"limit": 100}).data))
    return [e for e in found if not types or e.type in types]


def control(server: sandbox.SandboxHandle, secret_key: str, path: str, body: Any) -> requests.Response:
    return requests.post(
        server.api_base + path, json=body, headers={"Authorization": f"Bearer {secret_key}"}, timeout=30
    )
