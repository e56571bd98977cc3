"""GET /v1/balance: captured charges minus refunds, per currency (schema-checked by the fixtures)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import requests
import stripe


def _amounts(balance: stripe.Balance, part: str = "available") -> dict[str, int]:
    return {entry.currency: entry.amount for entry in getattr(balance, part)}


def _pay(
    client: stripe.StripeClient, amount: int, currency: str = "usd", **params: Any
) -> stripe.PaymentIntent:
    return client.v1.payment_intents.create(
        {
            "amount": amount,
            "currency": currency,
            "payment_method_types": ["card"],
            "payment_method": "pm_card_visa",
            "confirm": True,
            **params,
        }
    )


def test_a_new_account_has_an_empty_usd_balance(stripe_client: stripe.StripeClient) -> None:
    balance = stripe_client.v1.balance.retrieve()
    assert balance.object == "balance"
    assert balance.livemode is False
    assert _amounts(balance) == {"usd": 0}
    assert _amounts(balance, "pending") == {"usd": 0}


def _advance_wall(sandbox: Any, secret_key: str, seconds: int) -> None:
    reply = requests.post(
        sandbox.api_base + "/_sandbox/time",
        json={"advance_seconds": seconds},
        headers={"Authorization": f"Bearer {secret_key}"},
        timeout=10,
    )
    assert reply.status_code == 200, reply.text


def test_payments_are_pending_for_two_days_then_available_and_announced(
    stripe_client: stripe.StripeClient, sandbox: Any, account: dict[str, str]
) -> None:
    first = _pay(stripe_client, 5000)
    _pay(stripe_client, 1200, "eur")
    stripe_client.v1.refunds.create({"payment_intent": first.id, "amount": 1500})  # nets against its charge
    with pytest.raises(stripe.CardError):  # a decline moves no money
        _pay(stripe_client, 999, payment_method="pm_card_visa_chargeDeclined")
    held = _pay(stripe_client, 700, capture_method="manual")  # authorized, not captured: not in the balance
    assert held.status == "requires_capture"
    balance = stripe_client.v1.balance.retrieve()
    assert _amounts(balance, "pending") == {"usd": 3500, "eur": 1200}
    assert _amounts(balance) == {"usd": 0, "eur": 0}
    assert balance.pending[0].source_types is not None
    assert balance.pending[0].source_types.card == 3500
    assert not list(stripe_client.v1.events.list({"type": "balance.available"}).auto_paging_iter())

    _advance_wall(sandbox, account["secret_key"], 2 * 24 * 3600 - 60)  # a minute short of two days
    assert _amounts(stripe_client.v1.balance.retrieve()) == {"usd": 0, "eur": 0}
    _advance_wall(sandbox, account["secret_key"], 120)
    balance = stripe_client.v1.balance.retrieve()
    assert _amounts(balance) == {"usd": 3500, "eur": 1200}
    assert _amounts(balance, "pending") == {"usd": 0, "eur": 0}
    announced = list(stripe_client.v1.events.list({"type": "balance.available"}).auto_paging_iter())
    assert len(announced) == 2  # one per charge whose funds became available
    assert max(e.data.object["available"][0]["amount"] for e in announced) == 3500

    stripe_client.v1.payment_intents.capture(held.id, {"amount_to_capture": 500})  # pending from the capture
    assert _amounts(stripe_client.v1.balance.retrieve(), "pending")["usd"] == 500
    assert _amounts(stripe_client.v1.balance.retrieve())["usd"] == 3500


def test_a_bypass_pending_card_is_available_at_once(stripe_client: stripe.StripeClient) -> None:
    _pay(stripe_client, 2000, payment_method="pm_card_bypassPending")
    balance = stripe_client.v1.balance.retrieve()
    assert _amounts(balance) == {"usd": 2000}
    assert _amounts(balance, "pending") == {"usd": 0}
    assert [e.type for e in stripe_client.v1.events.list({"type": "balance.available"}).data] == [
        "balance.available"
    ]


def test_who_may_read_the_balance(
    sandbox: Any, account: dict[str, str], make_client: Callable[..., stripe.StripeClient]
) -> None:
    with pytest.raises(stripe.AuthenticationError):
        make_client(account["publishable_key"]).v1.balance.retrieve()
    made = requests.post(
        sandbox.api_base + "/_sandbox/restricted_keys",
        json={"permissions": ["rak_balance_read"]},
        headers={"Authorization": f"Bearer {account['secret_key']}"},
        timeout=10,
    ).json()
    assert _amounts(make_client(made["key"]).v1.balance.retrieve()) == {"usd": 0}
