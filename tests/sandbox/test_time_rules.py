"""The timing rules of billing (what happens next to a subscription, when a payment is retried, how far a test
clock may advance), checked without a server."""

from __future__ import annotations

from typing import Any

import pytest
from time_setup import DAY, T0, at

from sandbox._billing import (
    RETRY_DAYS,
    Step,
    advance_limit,
    billing_settings,
    next_payment_attempt,
    next_period_end,
    subscription_step,
)


def _sub(status: str, **fields: Any) -> dict[str, Any]:
    period_end = fields.pop("period_end", at(2026, 2, 1))
    return {
        "status": status,
        "created": T0,
        "cancel_at": None,
        "trial_end": None,
        "items": {"data": [{"current_period_start": T0, "current_period_end": period_end}]},
        **fields,
    }


@pytest.mark.parametrize(
    ("sub", "now", "expected"),
    [
        (_sub("incomplete"), T0, Step("expire", T0 + 23 * 3600)),
        (_sub("trialing", trial_end=T0 + 14 * DAY), T0, Step("trial_will_end", T0 + 11 * DAY)),
        (_sub("trialing", trial_end=T0 + 14 * DAY), T0 + 11 * DAY, Step("trial_end", T0 + 14 * DAY)),
        (_sub("trialing", trial_end=T0 + 2 * DAY), T0, Step("trial_end", T0 + 2 * DAY)),
        (
            _sub("trialing", trial_end=T0 + 14 * DAY, cancel_at=T0 + 14 * DAY),
            T0,
            Step("cancel", T0 + 14 * DAY),
        ),
        (_sub("active"), T0, Step("renew", at(2026, 2, 1))),
        (_sub("past_due"), T0, Step("renew", at(2026, 2, 1))),
        (_sub("active", cancel_at=at(2026, 2, 1)), T0, Step("cancel", at(2026, 2, 1))),
        (_sub("active", cancel_at=at(2026, 1, 10)), T0, Step("cancel", at(2026, 1, 10))),
        (_sub("active", cancel_at=at(2026, 3, 1)), T0, Step("renew", at(2026, 2, 1))),
        (_sub("canceled"), T0, None),
        (_sub("unpaid"), T0, None),
        (_sub("incomplete_expired"), T0, None),
    ],
)
def test_the_next_step_of_a_subscription(sub: dict[str, Any], now: int, expected: Step | None) -> None:
    assert subscription_step(sub, now) == expected


def test_periods_keep_the_anchors_day() -> None:
    anchor = at(2026, 1, 31)
    assert next_period_end(anchor, "month", 1, anchor) == at(2026, 2, 28)
    assert next_period_end(anchor, "month", 1, at(2026, 2, 28)) == at(2026, 3, 31)
    assert next_period_end(anchor, "year", 1, anchor) == at(2027, 1, 31)
    assert next_period_end(T0, "week", 2, T0 + 14 * DAY) == T0 + 28 * DAY


def test_retries_follow_the_fixed_schedule_then_stop() -> None:
    first = T0
    assert [next_payment_attempt(first, n, retriable=True) for n in range(1, 9)] == [
        *(first + d * DAY for d in RETRY_DAYS),
        None,
    ]
    assert len(RETRY_DAYS) + 1 == 8  # 8 tries within 2 weeks
    assert RETRY_DAYS[-1] == 14
    assert next_payment_attempt(first, 1, retriable=False) is None


def test_a_clock_advances_two_intervals_of_its_shortest_subscription() -> None:
    assert advance_limit(T0, []) == at(2028, 1, 1)
    assert advance_limit(T0, [("month", 1), ("year", 1)]) == at(2026, 3, 1)
    assert advance_limit(T0, [("week", 1)]) == T0 + 14 * DAY
    assert advance_limit(T0, [("month", 3)]) == at(2026, 7, 1)


def test_settings_default_to_canceling_after_the_last_retry() -> None:
    assert billing_settings({}) == {"subscription_after_failed_retries": "canceled"}
    assert billing_settings({"subscription_after_failed_retries": "unpaid"}) == {
        "subscription_after_failed_retries": "unpaid"
    }
