"""``GET /v1/balance``: what the payments add up to, per currency, so a demo can show money arriving.

Stripe's balance is the sum of balance transactions. The sandbox derives it from the charges instead: every
captured, succeeded charge adds ``amount_captured``, every refund takes ``amount_refunded`` back, and a
chargeback takes its amount and fee (``sandbox.resources.disputes``). Choices where test mode differs or is
unconfirmed ([U]):

- a charge's funds are ``pending`` for :data:`PENDING_SECONDS` (two days) after they arrive, then
  ``available``, announced by ``balance.available`` at that moment (on the charge's timeline: its test clock,
  else the wall clock); Stripe's cards that bypass the pending balance (``pm_card_bypassPending`` and the
  international one) are available, and announced, at once;
- a refund nets against its own charge (pending while the charge is); a chargeback comes out of the
  available balance, which may go negative (as Stripe's can);
- no processing fees are deducted (Stripe's balance is net of its fees; the sandbox charges none).

A currency with no activity is left out, except the account's default currency (USD), which is always listed,
as on a new Stripe account (``[{"amount": 0, "currency": "usd", ...}]``).
"""

from __future__ import annotations

from sandbox import _scheduler as scheduler
from sandbox._api import Context, endpoint
from sandbox._store import JSONObject
from sandbox._test_cards import card_for_number
from sandbox.resources import disputes

DEFAULT_CURRENCY = "usd"
PENDING_SECONDS = 2 * 24 * 3600  # [U] Stripe names no test-mode delay; two days is the common US schedule
RELEASE = "balance.release"
_BYPASSING = frozenset(
    card.fingerprint
    for number in ("4000000000000077", "4000003720000278")
    if (card := card_for_number(number)) is not None and card.bypasses_pending
)


def _entry(amount: int, currency: str) -> JSONObject:
    return {"amount": amount, "currency": currency, "source_types": {"card": amount}}


def _bypasses_pending(charge: JSONObject) -> bool:
    card = (charge.get("payment_method_details") or {}).get("card") or {}
    return card.get("fingerprint") in _BYPASSING


def _is_pending(ctx: Context, charge: JSONObject) -> bool:
    return any(row.action == RELEASE for row in ctx.store.jobs_of(str(charge["id"])))


def balance_object(ctx: Context) -> JSONObject:
    available: dict[str, int] = {DEFAULT_CURRENCY: 0}
    pending: dict[str, int] = {DEFAULT_CURRENCY: 0}
    for charge in ctx.query("charge"):
        if charge.get("status") != "succeeded" or not charge.get("captured"):
            continue
        currency = str(charge.get("currency") or DEFAULT_CURRENCY)
        net = int(charge.get("amount_captured") or 0) - int(charge.get("amount_refunded") or 0)
        bucket = pending if _is_pending(ctx, charge) else available
        bucket[currency] = bucket.get(currency, 0) + net
        pending.setdefault(currency, 0)
        available.setdefault(currency, 0)
    for currency, net in disputes.withdrawn(ctx).items():
        available[currency] = available.get(currency, 0) + net
        pending.setdefault(currency, 0)
    currencies = sorted(available.keys() | pending.keys(), key=lambda c: (c != DEFAULT_CURRENCY, c))
    return {
        "object": "balance",
        "available": [_entry(available.get(c, 0), c) for c in currencies],
        "livemode": False,
        "pending": [_entry(pending.get(c, 0), c) for c in currencies],
    }


def funds_arrived(ctx: Context, charge: JSONObject) -> None:
    """A charge's money reached the balance (captured, or a debit settled): pending until released, or
    available at once for the cards that bypass the pending balance."""
    if _bypasses_pending(charge):
        announce_available(ctx)
        return
    scheduler.schedule(ctx, RELEASE, at=ctx.now() + PENDING_SECONDS, target=str(charge["id"]))


@scheduler.handler(RELEASE)
def _release(ctx: Context, job: scheduler.Job) -> None:
    """The job is removed before it runs, so the charge's funds count as available here."""
    if ctx.get(job.target) is not None:
        announce_available(ctx)


def announce_available(ctx: Context) -> None:
    """``balance.available``: Stripe sends it when funds become available, with the balance as its object."""
    ctx.emit("balance.available", balance_object(ctx))


@endpoint("GET", "/v1/balance", permission="balance")
def retrieve_balance(ctx: Context) -> JSONObject:
    return balance_object(ctx)
