"""``GET /v1/balance``: what the payments add up to, per currency, so a demo can show money arriving.

Stripe's balance is the sum of balance transactions. The sandbox derives it from the charges instead: every
captured, succeeded charge adds ``amount_captured``, every refund takes ``amount_refunded`` back, and a
chargeback takes its amount and fee (``sandbox.resources.disputes``). Two choices where test mode differs or
is unconfirmed ([U]):

- funds are ``available`` at once and ``pending`` stays 0 (Stripe test mode holds most card funds as pending
  for a couple of days; a local sandbox has no clock that would release them);
- no processing fees are deducted (Stripe's balance is net of its fees; the sandbox charges none).

A currency with no activity is left out, except the account's default currency (USD), which is always listed,
as on a new Stripe account (``[{"amount": 0, "currency": "usd", ...}]``).
"""

from __future__ import annotations

from typing import Any

from sandbox._api import Context, endpoint
from sandbox._store import JSONObject
from sandbox.resources import disputes

DEFAULT_CURRENCY = "usd"


def _entry(amount: int, currency: str) -> JSONObject:
    return {"amount": amount, "currency": currency, "source_types": {"card": amount}}


def balance_object(ctx: Context) -> JSONObject:
    totals: dict[str, int] = {DEFAULT_CURRENCY: 0}
    for charge in ctx.query("charge"):
        if charge.get("status") != "succeeded" or not charge.get("captured"):
            continue
        net = int(charge.get("amount_captured") or 0) - int(charge.get("amount_refunded") or 0)
        currency = str(charge.get("currency") or DEFAULT_CURRENCY)
        totals[currency] = totals.get(currency, 0) + net
    for currency, net in disputes.withdrawn(ctx).items():
        totals[currency] = totals.get(currency, 0) + net
    ordered: list[tuple[str, int]] = sorted(
        totals.items(), key=lambda item: (item[0] != DEFAULT_CURRENCY, item[0])
    )
    available: list[Any] = [_entry(amount, currency) for currency, amount in ordered]
    pending: list[Any] = [_entry(0, currency) for currency, _ in ordered]
    return {"object": "balance", "available": available, "livemode": False, "pending": pending}


def announce_available(ctx: Context) -> None:
    """``balance.available``: Stripe sends it when funds become available, with the balance as its object.
    Here that is the moment a card that bypasses the pending balance is charged; other cards' funds show as
    available at once too (see above) but announce nothing, as on Stripe they would still be pending."""
    ctx.emit("balance.available", balance_object(ctx))


@endpoint("GET", "/v1/balance", permission="balance")
def retrieve_balance(ctx: Context) -> JSONObject:
    return balance_object(ctx)
