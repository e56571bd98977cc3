"""Subscription changes over time as pure functions: prorations, billing-cycle anchors, what a trial's end
does without a payment method, and what a paused collection does to an invoice.

Kept apart from the resource modules (as ``sandbox._billing`` is) so every formula can be read, and tested,
without a server; sandbox/README.md ("Time II") has the same formulas with a worked example each.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

PRORATION_BEHAVIORS = ("create_prorations", "always_invoice", "none")
BILLING_MODES = ("classic", "flexible")
PAUSE_BEHAVIORS = ("keep_as_draft", "mark_uncollectible", "void")
MISSING_PAYMENT_METHOD = ("create_invoice", "pause", "cancel")


def prorate(amount: int, period: tuple[int, int], at: int) -> int:
    """The part of ``amount`` (billed for ``period``) that falls after ``at``, to the second:

        amount × (end − at) / (end − start), rounded half away from zero to the currency's minor unit [U]

    ``at`` outside the period is clamped to it. Stripe's docs: prorations are computed "down to the second"
    from the period's start and end and the time of the change. Example: $10.00 for 1 Feb 00:00 → 1 Mar 00:00
    (2 419 200 s) with the change at 15 Feb 00:00 (1 209 600 s left) → 1000 × 1 209 600 / 2 419 200 = 500."""
    start, end = period
    if end <= start:
        return 0
    at = min(max(at, start), end)
    whole, rest = divmod(abs(amount) * (end - at), end - start)
    if 2 * rest >= end - start:
        whole += 1
    return whole if amount >= 0 else -whole


@dataclass(frozen=True)
class Billed:
    """What one subscription item bills per full period: its price, unit amount and quantity."""

    price: str
    unit_amount: int
    quantity: int

    @property
    def amount(self) -> int:
        return self.unit_amount * self.quantity


@dataclass(frozen=True)
class Debit:
    """An amount already charged for an item over ``[start, end)``: a period's invoice line, or a debit
    proration (``source`` is its line or invoice item id, ``invoice`` the invoice it is on, if any)."""

    amount: int
    start: int
    end: int
    source: str
    invoice: str | None = None


@dataclass(frozen=True)
class Proration:
    """One proration line: a credit (negative, the unused time of what was billed) or a debit (the
    remaining time at the new price/quantity), for ``[at, period_end)``; ``credits``: the debit it gives
    back."""

    item: str
    billed: Billed
    amount: int
    start: int
    end: int
    credits: Debit | None = None

    @property
    def is_credit(self) -> bool:
        return self.amount < 0


def latest_debit(debits: Sequence[Debit], at: int) -> Debit | None:
    """The debit that pays for the time just after ``at``: the latest-starting one whose period covers it."""
    covering = [d for d in debits if d.amount > 0 and d.start <= at < d.end]
    return max(covering, key=lambda d: (d.start, d.end)) if covering else None


def plan_prorations(
    before: Mapping[str, Billed],
    after: Mapping[str, Billed],
    *,
    period: tuple[int, int],
    at: int,
    billing_mode: str,
    debits: Mapping[str, Sequence[Debit]] | None = None,
) -> list[Proration]:
    """The proration lines of changing a subscription's items from ``before`` to ``after`` (item id →
    what it bills) at ``at`` inside the current ``period`` (docs: "Prorations", "Compare billing modes"):

    | the item                   | lines                                                            |
    |----------------------------|------------------------------------------------------------------|
    | price or quantity changed  | a credit for what it billed, then a debit for what it bills now  |
    | removed                    | a credit                                                         |
    | added                      | a debit                                                          |
    | unchanged                  | none                                                             |

    - debit = prorate(unit_amount × quantity, period, at)
    - credit, ``classic``: −prorate(unit_amount × quantity as it was, period, at): the item's current value
    - credit, ``flexible``: −prorate(d.amount, (d.start, d.end), at) for the debit ``d`` that paid for the
      time after ``at`` (:func:`latest_debit` of ``debits[item]``): what was actually charged; the classic
      formula when there is none
    In both modes a credit names that debit (``credits``: Stripe's ``proration_details.credited_items``).
    Lines of zero are left out.
    """
    debits = debits or {}
    lines: list[Proration] = []
    end = period[1]
    for item in [*before, *(i for i in after if i not in before)]:
        old, new = before.get(item), after.get(item)
        if old == new:
            continue
        if old is not None:
            paid = latest_debit(debits.get(item, ()), at)
            if billing_mode == "flexible" and paid is not None:
                amount = -prorate(paid.amount, (paid.start, paid.end), at)
            else:
                amount = -prorate(old.amount, period, at)
            lines.append(Proration(item, old, amount, at, end, paid))
        if new is not None:
            lines.append(Proration(item, new, prorate(new.amount, period, at), at, end))
    return [line for line in lines if line.amount != 0]


def describe(proration: Proration, name: str, when: int) -> str:
    """Stripe's texts: "Unused time on Gold plan after 15 Jan 2026", "Remaining time on 2 × Gold plan
    after 15 Jan 2026" (the quantity is written only when it is not 1)."""
    what = name if proration.billed.quantity == 1 else f"{proration.billed.quantity} × {name}"
    verb = "Unused time on" if proration.is_credit else "Remaining time on"
    return f"{verb} {what} after {datetime.fromtimestamp(when, UTC).strftime('%d %b %Y')}"


# --- billing-cycle anchors -------------------------------------------------------------------------------


def _months_back(moment: datetime, months: int, day: int) -> datetime:
    index = moment.month - 1 - months
    year, month = moment.year + index // 12, index % 12 + 1
    return moment.replace(year=year, month=month, day=min(day, calendar.monthrange(year, month)[1]))


def period_before(anchor: int, interval: str, count: int) -> int:
    """The billing date one interval before ``anchor`` (the start of the full period the first, partial
    period is a part of): 1 Feb → 1 Jan; 31 Mar → 28/29 Feb."""
    if interval == "day":
        return anchor - count * 86_400
    if interval == "week":
        return anchor - count * 7 * 86_400
    moment = datetime.fromtimestamp(anchor, UTC)
    months = count * (12 if interval == "year" else 1)
    return int(_months_back(moment, months, moment.day).timestamp())


def first_period_amount(amount: int, *, start: int, anchor: int, interval: str, count: int) -> int:
    """What the first, partial period ``[start, anchor)`` of a subscription created with a
    ``billing_cycle_anchor`` costs: prorate(amount, (anchor − one interval, anchor), start) (docs: "Set the
    billing cycle date": the customer pays a prorated amount up to the anchor, then full periods).

    Example: $31.00 a month, created 15 Jan 00:00, anchored 1 Feb 00:00: the full period would be 1 Jan → 1
    Feb (31 days), 17 days remain: 3100 × 17 / 31 = 1700."""
    return prorate(amount, (period_before(anchor, interval, count), anchor), start)


def anchor_from_config(start: int, config: Mapping[str, Any], interval: str) -> int:
    """The first instant after ``start`` that matches ``billing_cycle_anchor_config``: ``day_of_month``
    (clamped to the month's last day), ``month`` (yearly prices only), ``hour``/``minute``/``second``
    (default: those of ``start`` [U]), in UTC.

    Example: created 15 Jan 2026 10:00, ``day_of_month=1``, monthly → 1 Feb 2026 10:00; ``day_of_month=31``
    created 10 Feb → 28 Feb."""
    moment = datetime.fromtimestamp(start, UTC)

    def part(name: str, default: int) -> int:
        value = config.get(name)
        return default if value is None else int(value)

    hour, minute, second = (
        part("hour", moment.hour),
        part("minute", moment.minute),
        part("second", moment.second),
    )
    day = int(config["day_of_month"])
    month = config.get("month")
    for step in range(0, 25):
        index = moment.month - 1 + step
        year, mon = moment.year + index // 12, index % 12 + 1
        if interval == "year" and month is not None and mon != int(month):
            continue
        last = calendar.monthrange(year, mon)[1]
        candidate = datetime(year, mon, min(day, last), hour, minute, second, tzinfo=UTC)
        if int(candidate.timestamp()) > start:
            return int(candidate.timestamp())
    raise ValueError("no anchor within two years")  # unreachable for valid configs


# --- trials without a payment method, paused collection ---------------------------------------------------


def trial_end_outcome(missing_payment_method: str, *, has_payment_method: bool) -> str:
    """What the end of a trial does (docs: "Create free trials without payment", ``trial_settings``):

    | payment method | ``missing_payment_method``   | outcome                                         |
    |----------------|------------------------------|-------------------------------------------------|
    | yes            | any                          | ``activate``: the first period is invoiced      |
    | no             | ``create_invoice`` (default) | ``activate``: its payment fails → ``past_due``  |
    | no             | ``pause``                    | ``pause``: status ``paused``, no invoice        |
    | no             | ``cancel``                   | ``cancel``: status ``canceled``                 |
    """
    if has_payment_method or missing_payment_method == "create_invoice":
        return "activate"
    return missing_payment_method


def paused_invoice_status(behavior: str) -> str:
    """What happens to an invoice a subscription creates while ``pause_collection`` is set (docs: "Pause
    payment collection"); the subscription's status does not change:

    | ``behavior``          | the invoice                                                     |
    |-----------------------|-----------------------------------------------------------------|
    | ``keep_as_draft``     | stays ``draft`` (``auto_advance`` false), to be collected later |
    | ``mark_uncollectible``| finalized, then ``uncollectible`` (no charge)                   |
    | ``void``              | finalized, then ``void`` (never collected)                      |
    """
    return {"keep_as_draft": "draft", "mark_uncollectible": "uncollectible", "void": "void"}[behavior]
