"""The Time travel flow in AppTest against the real sandbox: a clock, a customer with a card, a subscription
with a trial; then advancing to the next thing that happens, a failed renewal, and the recovery."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from playground_helpers import current_states, no_exception, open_page, texts
from streamlit.testing.v1 import AppTest

from ui.time_travel import next_moment

PAGE = "pages/flows.py"
JAN1 = int(datetime(2026, 1, 1, tzinfo=UTC).timestamp())
DAY = 86_400


def click(at: AppTest, key: str) -> AppTest:
    at.button(key=key).click().run()
    no_exception(at)
    return at


def started() -> AppTest:
    at = open_page(PAGE)
    at.segmented_control(key="flows_choice").set_value("time").run()
    for key in ("flows_time_clock", "flows_time_customer", "flows_time_subscribe"):
        at = click(at, key)
    return at


def state(at: AppTest) -> dict[str, Any]:
    found: dict[str, Any] = at.session_state["flows_time"]
    return found


def test_a_trial_ends_and_the_first_period_is_charged() -> None:
    at = started()
    assert current_states(at)[0] == "trialing"
    assert state(at)["now"] == JAN1
    at = click(at, "flows_time_next")  # three days before the trial ends
    assert state(at)["now"] == JAN1 + 11 * DAY
    assert "customer.subscription.trial_will_end" in texts(at)
    at = click(at, "flows_time_next")  # the trial ends: a renewal invoice
    at = click(at, "flows_time_next")  # an hour later it is finalized and charged
    assert current_states(at)[0] == "active"
    invoices = state(at)["invoices"]
    assert [(i["billing_reason"], i["status"]) for i in invoices] == [
        ("subscription_create", "paid"),
        ("subscription_cycle", "paid"),
    ]
    assert invoices[1]["amount_paid"] == 1500
    (table,) = [d.value for d in at.dataframe if "next attempt" in d.value.columns]
    assert list(table["paid"]) == ["$0.00", "$15.00"]  # amounts shown as money


def test_a_failed_renewal_goes_past_due_and_paying_recovers_it() -> None:
    at = started()
    at = click(at, "flows_time_fail")
    for _ in range(3):  # trial_will_end, trial end, finalization and charge
        at = click(at, "flows_time_next")
    assert current_states(at)[0] == "past_due"
    assert not at.button(key="flows_time_recover").disabled
    at = click(at, "flows_time_recover")
    assert current_states(at)[0] == "active"
    assert state(at)["invoices"][-1]["status"] == "paid"


def test_the_next_moment_is_the_earliest_thing_ahead() -> None:
    sub = {"status": "trialing", "trial_end": JAN1 + 14 * DAY, "cancel_at": None, "items": {"data": []}}
    assert next_moment(sub, [], JAN1) == (JAN1 + 11 * DAY, "trial_will_end: three days left")
    assert next_moment(sub, [], JAN1 + 11 * DAY) == (JAN1 + 14 * DAY, "the trial ends: first paid period")
    active = {"status": "active", "items": {"data": [{"current_period_end": JAN1 + 31 * DAY}]}}
    draft = {"status": "draft", "automatically_finalizes_at": JAN1 + 3600}
    assert next_moment(active, [draft], JAN1) == (JAN1 + 3600, "the invoice is finalized and charged")
    assert next_moment({"status": "canceled"}, [], JAN1) is None
