"""The billing rules the invoice and subscription endpoints share, checked without a server."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from sandbox._billing import (
    FirstInvoicePlan,
    add_interval,
    customer_invoice_prefix,
    invoice_amounts,
    invoice_number,
    plan_first_invoice,
    render_invoice_page,
    subscription_status_filter,
)


def ts(y: int, m: int, d: int) -> int:
    return int(datetime(y, m, d, 12, tzinfo=UTC).timestamp())


def test_totals_sum_the_lines_and_credits_reduce_them() -> None:
    amounts = invoice_amounts([2000, 1500, -500])
    assert amounts["subtotal"] == amounts["total"] == 3000
    assert amounts["amount_due"] == amounts["amount_remaining"] == 3000
    assert amounts["amount_paid"] == 0


def test_paid_amount_leaves_nothing_remaining() -> None:
    amounts = invoice_amounts([1200], amount_paid=1200)
    assert amounts["amount_remaining"] == 0


def test_a_credit_larger_than_the_charges_is_due_as_zero() -> None:
    amounts = invoice_amounts([100, -500])
    assert amounts["total"] == -400
    assert amounts["amount_due"] == 0


def test_numbers_count_per_customer_prefix() -> None:
    assert invoice_number("ABCD1234", 1) == "ABCD1234-0001"
    assert invoice_number("ABCD1234", 12) == "ABCD1234-0012"
    prefix = customer_invoice_prefix("cus_NffrFeUfNV2Hib")
    assert len(prefix) == 8
    assert prefix.isupper() or prefix.isalnum()


@pytest.mark.parametrize(
    ("start", "interval", "count", "expected"),
    [
        (ts(2026, 1, 15), "month", 1, ts(2026, 2, 15)),
        (ts(2026, 1, 31), "month", 1, ts(2026, 2, 28)),
        (ts(2028, 1, 31), "month", 1, ts(2028, 2, 29)),
        (ts(2026, 1, 31), "month", 2, ts(2026, 3, 31)),
        (ts(2026, 11, 30), "month", 3, ts(2027, 2, 28)),
        (ts(2028, 2, 29), "year", 1, ts(2029, 2, 28)),
        (ts(2026, 1, 1), "week", 2, ts(2026, 1, 15)),
        (ts(2026, 1, 1), "day", 3, ts(2026, 1, 4)),
    ],
)
def test_billing_periods_keep_the_anchor_day(start: int, interval: str, count: int, expected: int) -> None:
    assert add_interval(start, interval, count) == expected


def test_unknown_intervals_are_rejected() -> None:
    with pytest.raises(ValueError, match="interval"):
        add_interval(0, "fortnight")


def _plan(**kw: object) -> FirstInvoicePlan:
    args: dict[str, object] = {
        "trialing": False,
        "amount_due": 1000,
        "collection_method": "charge_automatically",
        "payment_behavior": "allow_incomplete",
        "has_payment_method": True,
    }
    args.update(kw)
    return plan_first_invoice(**args)  # type: ignore[arg-type]


def test_trial_starts_trialing_without_a_charge() -> None:
    plan = _plan(trialing=True, has_payment_method=False)
    assert (plan.attempt, plan.status) == (False, "trialing")


def test_free_and_send_invoice_subscriptions_start_active() -> None:
    assert _plan(amount_due=0, has_payment_method=False).status == "active"
    plan = _plan(collection_method="send_invoice", has_payment_method=False)
    assert (plan.attempt, plan.status) == (False, "active")


def test_default_incomplete_never_charges() -> None:
    plan = _plan(payment_behavior="default_incomplete")
    assert (plan.attempt, plan.status) == (False, "incomplete")


def test_allow_incomplete_charges_and_falls_back_to_incomplete() -> None:
    plan = _plan()
    assert plan.attempt
    assert (plan.status, plan.status_if_declined, plan.error_if_declined) == (
        "active",
        "incomplete",
        False,
    )


def test_without_a_payment_method_charging_behaviours_refuse() -> None:
    for behavior in ("allow_incomplete", "error_if_incomplete"):
        plan = _plan(payment_behavior=behavior, has_payment_method=False)
        assert plan.missing_payment_method


def test_error_if_incomplete_fails_on_decline() -> None:
    assert _plan(payment_behavior="error_if_incomplete").error_if_declined


def test_status_filters() -> None:
    default = subscription_status_filter(None)
    assert default is not None
    assert "canceled" not in default
    assert "incomplete" in default
    assert subscription_status_filter("all") is None
    assert subscription_status_filter("ended") == ("canceled", "incomplete_expired")
    assert subscription_status_filter("active") == ("active",)


def test_invoice_page_shows_lines_and_totals_as_money() -> None:
    page = render_invoice_page(
        {
            "id": "in_1",
            "number": "ABC-0001",
            "status": "open",
            "currency": "usd",
            "customer_email": "a<b>@example.com",
            "subtotal": 123456,
            "total": 123456,
            "amount_paid": 0,
            "amount_remaining": 123456,
            "lines": {"data": [{"description": "Seat <pro>", "quantity": 2, "amount": 123456}]},
        }
    )
    assert "Invoice ABC-0001" in page
    assert "$1,234.56" in page
    assert "Seat &lt;pro&gt;" in page
    assert "a&lt;b&gt;@example.com" in page
    assert "<pro>" not in page
