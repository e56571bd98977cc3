"""The rules of changing a subscription over time (prorations, billing modes, anchors, trials without a
payment method, paused collection), checked without a server against Stripe's worked examples and the formulas
written out by hand."""

from __future__ import annotations

import pytest
from time_setup import DAY, at

from sandbox import _versions as versions
from sandbox._billing import Step, subscription_step
from sandbox._prorations import (
    Billed,
    Debit,
    anchor_from_config,
    describe,
    first_period_amount,
    paused_invoice_status,
    period_before,
    plan_prorations,
    prorate,
    trial_end_outcome,
)

FEB = (at(2026, 2, 1), at(2026, 3, 1))  # 28 days: 2 419 200 seconds


def test_stripes_upgrade_example_halfway_through() -> None:
    """docs "Prorations": from 10 USD to 20 USD halfway through the period: −5 USD, +10 USD."""
    lines = plan_prorations(
        {"si_1": Billed("price_10", 1000, 1)},
        {"si_1": Billed("price_20", 2000, 1)},
        period=FEB,
        at=at(2026, 2, 15),
        billing_mode="classic",
    )
    assert [(line.amount, line.start, line.end) for line in lines] == [
        (-500, at(2026, 2, 15), FEB[1]),
        (1000, at(2026, 2, 15), FEB[1]),
    ]


def test_a_proration_is_computed_to_the_second() -> None:
    """A published invoice: 10.00 a month, period 14 Feb 2017 → 14 Mar 2017, proration_date 1488568488:
    "Unused time on monthly widgets after 03 Mar 2017", −3.64 (1000 × 881 112 / 2 419 200 = 364.2…)."""
    period = (at(2017, 2, 14), at(2017, 3, 14))
    assert prorate(-1000, period, 1488568488) == -364
    credit = plan_prorations(
        {"si": Billed("plan", 1000, 1)}, {}, period=period, at=1488568488, billing_mode="classic"
    )
    assert (
        describe(credit[0], "monthly widgets", 1488568488)
        == "Unused time on monthly widgets after 03 Mar 2017"
    )


def test_rounding_is_half_away_from_zero() -> None:
    assert prorate(1, (0, 2), 1) == 1  # 0.5 → 1
    assert prorate(-1, (0, 2), 1) == -1
    assert prorate(1000, (0, 3), 1) == 667  # 666.67
    assert prorate(1000, (0, 10), 20) == 0  # after the period: nothing left


def test_a_quantity_change_credits_the_old_quantity_and_debits_the_new() -> None:
    at_ = at(2026, 2, 8)  # 21 of 28 days left
    lines = plan_prorations(
        {"si": Billed("p", 1000, 1)}, {"si": Billed("p", 1000, 3)}, period=FEB, at=at_, billing_mode="classic"
    )
    assert [line.amount for line in lines] == [-750, 2250]
    assert describe(lines[1], "Gold plan", at_) == "Remaining time on 3 × Gold plan after 08 Feb 2026"


def test_added_removed_and_unchanged_items() -> None:
    lines = plan_prorations(
        {"keep": Billed("a", 1000, 1), "gone": Billed("b", 2800, 1)},
        {"keep": Billed("a", 1000, 1), "new": Billed("c", 560, 2)},
        period=FEB,
        at=at(2026, 2, 15),
        billing_mode="classic",
    )
    assert [(line.item, line.amount) for line in lines] == [("gone", -1400), ("new", 560)]


def test_flexible_credits_what_was_debited_classic_the_current_value() -> None:
    """Two changes in one period: the second credit differs by the first debit's rounding."""
    start, end = FEB
    t1, t2 = start + 3607, start + 7200
    first = plan_prorations(
        {"si": Billed("a", 1000, 1)}, {"si": Billed("b", 2999, 1)}, period=FEB, at=t1, billing_mode="flexible"
    )
    debit = first[1].amount
    assert debit == (2999 * (end - t1) * 2 + (end - start)) // (2 * (end - start)) == 2995
    debits = {"si": [Debit(1000, start, end, "il_create", "in_1"), Debit(debit, t1, end, "ii_debit")]}
    change = ({"si": Billed("b", 2999, 1)}, {"si": Billed("c", 500, 1)})
    classic = plan_prorations(*change, period=FEB, at=t2, billing_mode="classic", debits=debits)
    flexible = plan_prorations(*change, period=FEB, at=t2, billing_mode="flexible", debits=debits)
    # classic: −2999 × (end − t2) / (end − start); flexible: −2995 × (end − t2) / (end − t1)
    assert classic[0].amount == -2990  # 2990.07…
    assert flexible[0].amount == -2991  # 2990.54…
    assert flexible[0].credits == Debit(debit, t1, end, "ii_debit")
    assert classic[1].amount == flexible[1].amount == prorate(500, FEB, t2)


def test_the_default_billing_mode_follows_the_api_version() -> None:
    assert versions.default_billing_mode("2025-09-30.clover") == "flexible"
    assert versions.default_billing_mode("2026-10-28.endive") == "flexible"
    assert versions.default_billing_mode("2025-08-27.basil") == "classic"


def test_the_first_period_up_to_the_anchor_is_prorated() -> None:
    """31.00 a month from 15 Jan, anchored on 1 Feb: 17 of the 31 days of 1 Jan → 1 Feb."""
    assert period_before(at(2026, 2, 1), "month", 1) == at(2026, 1, 1)
    assert period_before(at(2026, 3, 31), "month", 1) == at(2026, 2, 28)
    assert (
        first_period_amount(3100, start=at(2026, 1, 15), anchor=at(2026, 2, 1), interval="month", count=1)
        == 1700
    )


@pytest.mark.parametrize(
    ("start", "config", "interval", "anchor"),
    [
        (at(2026, 1, 15, 10), {"day_of_month": 1}, "month", at(2026, 2, 1, 10)),
        (at(2026, 2, 10), {"day_of_month": 31}, "month", at(2026, 2, 28)),
        (at(2026, 1, 15), {"day_of_month": 20, "hour": 6}, "month", at(2026, 1, 20, 6)),
        (at(2026, 3, 5), {"day_of_month": 1, "month": 1}, "year", at(2027, 1, 1)),
    ],
)
def test_the_anchor_config_names_the_next_matching_instant(
    start: int, config: dict[str, int], interval: str, anchor: int
) -> None:
    assert anchor_from_config(start, config, interval) == anchor


def test_what_a_trials_end_does_without_a_payment_method() -> None:
    assert trial_end_outcome("pause", has_payment_method=True) == "activate"
    assert trial_end_outcome("create_invoice", has_payment_method=False) == "activate"
    assert trial_end_outcome("pause", has_payment_method=False) == "pause"
    assert trial_end_outcome("cancel", has_payment_method=False) == "cancel"


def test_what_paused_collection_does_to_an_invoice() -> None:
    assert [paused_invoice_status(b) for b in ("keep_as_draft", "mark_uncollectible", "void")] == [
        "draft",
        "uncollectible",
        "void",
    ]


def test_collection_resumes_at_resumes_at_unless_something_comes_first() -> None:
    sub = {
        "status": "active",
        "created": FEB[0],
        "cancel_at": None,
        "trial_end": None,
        "items": {"data": [{"current_period_start": FEB[0], "current_period_end": FEB[1]}]},
        "pause_collection": {"behavior": "void", "resumes_at": at(2026, 2, 10)},
    }
    assert subscription_step(sub, FEB[0]) == Step("resume_collection", at(2026, 2, 10))
    sub["pause_collection"] = {"behavior": "void", "resumes_at": FEB[1] + DAY}
    assert subscription_step(sub, FEB[0]) == Step("renew", FEB[1])
    assert subscription_step({**sub, "status": "paused"}, FEB[0]) is None
