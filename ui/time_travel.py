"""The Time travel flow: a test clock, a customer on it with a card, a subscription with a trial, then moving
the clock to the next thing that happens (or by a chosen amount) and watching the subscription's status, its
invoices and the events that fired.

Every step is a catalog action run through :func:`ui.flows.run_step` (logged, double-click safe); the events
list is a logged call of its own. "Make the next renewal fail" swaps the subscription's card for one that
attaches and then declines; "Recover" pays the open invoice with a good card.
"""

from __future__ import annotations

import time
from datetime import UTC, date, datetime
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from core.results import Source
from ui import flows, sessions
from ui.flows import ids, run_step

FLOW = "time"
DAY = 86_400
STEPS = {"1 day": DAY, "1 week": 7 * DAY, "1 month": 30 * DAY}
READY_POLLS = 100  # retrieve the clock up to this many times (0.1 s apart) while it is advancing


def _state() -> dict[str, Any]:
    return flows.flow_state(FLOW)


def _when(ts: int | None) -> str:
    return "—" if ts is None else datetime.fromtimestamp(ts, UTC).strftime("%d %b %Y %H:%M UTC")


def next_moment(sub: dict[str, Any], invoices: list[dict[str, Any]], now: int) -> tuple[int, str] | None:
    """The next time something happens to the subscription on its own, and what: a pure function of what
    Stripe returned (trial warnings and ends, renewals, finalization an hour after a renewal, retries)."""
    found: list[tuple[int, str]] = []
    status = sub.get("status")
    trial_end = sub.get("trial_end")
    if status == "trialing" and isinstance(trial_end, int):
        found.append((trial_end - 3 * DAY, "trial_will_end: three days left"))
        found.append((trial_end, "the trial ends: first paid period"))
    items = (sub.get("items") or {}).get("data") or []
    if status in ("active", "past_due") and items:
        found.append((int(items[0]["current_period_end"]), "renewal: a new invoice"))
    if isinstance(sub.get("cancel_at"), int):
        found.append((int(sub["cancel_at"]), "the subscription is canceled"))
    for invoice in invoices:
        if invoice.get("status") == "draft" and isinstance(invoice.get("automatically_finalizes_at"), int):
            found.append((int(invoice["automatically_finalizes_at"]), "the invoice is finalized and charged"))
        if invoice.get("status") == "open" and isinstance(invoice.get("next_payment_attempt"), int):
            found.append((int(invoice["next_payment_attempt"]), "a payment retry"))
    ahead = sorted(moment for moment in found if moment[0] > now)
    return ahead[0] if ahead else None


# --- steps -------------------------------------------------------------------------------------------------


def create_clock(start: date) -> None:
    frozen = int(datetime(start.year, start.month, start.day, tzinfo=UTC).timestamp())
    result = run_step(FLOW, "clock", "create_test_clock", {"frozen_time": frozen, "name": "Time travel"})
    if result.ok and result.object:
        ids(FLOW)["clock"] = str(result.object["id"])
        _state()["now"] = frozen


def create_customer(email: str) -> None:
    customer = run_step(
        FLOW, "customer", "create_customer", {"email": email, "test_clock": ids(FLOW)["clock"]}
    )
    if not customer.ok or not customer.object:
        return
    ids(FLOW)["customer"] = str(customer.object["id"])
    pm = _card("customer", "tok_visa")
    if pm:
        ids(FLOW)["payment_method"] = pm


def _card(step: str, token: str) -> str | None:
    """A card from a test token, attached to the customer; its id."""
    method = run_step(FLOW, step, "create_payment_method", {"type": "card", "card.token": token})
    if not method.ok or not method.object:
        return None
    attached = run_step(
        FLOW, step, "attach_payment_method", {"id": method.object["id"], "customer": ids(FLOW)["customer"]}
    )
    return str(method.object["id"]) if attached.ok else None


def create_subscription(trial_days: int, amount: str, currency: str) -> None:
    if not flows.create_product_and_price(FLOW, "Time travel plan", amount, currency, "month"):
        return
    inputs: dict[str, object] = {
        "customer": ids(FLOW)["customer"],
        "items": [{"price": ids(FLOW)["price"]}],
        "default_payment_method": ids(FLOW)["payment_method"],
    }
    if trial_days > 0:
        inputs["trial_period_days"] = trial_days
    result = run_step(FLOW, "subscription", "create_subscription", inputs)
    if result.ok and result.object:
        ids(FLOW)["subscription"] = str(result.object["id"])
        refresh()


def advance(to: int) -> None:
    """Advance the clock to ``to``, wait until it is ready, then read everything again."""
    result = run_step(FLOW, "advance", "advance_test_clock", {"id": ids(FLOW)["clock"], "frozen_time": to})
    if not result.ok:
        return
    for _ in range(READY_POLLS):
        clock = flows.run_read("retrieve_test_clock", ids(FLOW)["clock"])
        if clock.ok and clock.object and clock.object.get("status") != "advancing":
            _state()["now"] = int(clock.object["frozen_time"])
            break
        time.sleep(0.1)
    refresh()


def make_next_renewal_fail() -> None:
    """Swap the subscription's card for one that attaches and then declines every charge."""
    pm = _card("fail", "tok_chargeCustomerFail")
    if pm:
        run_step(
            FLOW,
            "fail",
            "update_subscription",
            {"id": ids(FLOW)["subscription"], "default_payment_method": pm},
        )
        refresh()


def recover() -> None:
    """Pay the open invoice with a good card, and make that card the subscription's."""
    pm = _card("recover", "tok_visa")
    open_invoice = next((i for i in _state().get("invoices", []) if i.get("status") == "open"), None)
    if pm is None or open_invoice is None:
        return
    run_step(
        FLOW,
        "recover",
        "update_subscription",
        {"id": ids(FLOW)["subscription"], "default_payment_method": pm},
    )
    run_step(FLOW, "recover", "pay_invoice", {"id": open_invoice["id"], "payment_method": pm})
    refresh()


def refresh() -> None:
    """Read the subscription, its invoices and the events since the last look; record the status."""
    state = _state()
    session = sessions.current()
    sub = session.run("retrieve_subscription", {"id": ids(FLOW)["subscription"]}, source=Source.FLOW)
    if sub.ok and sub.object:
        state["subscription"] = sub.object
        flows.track(FLOW, "subscription", sub.object.get("status"))
        state.setdefault("history", []).append((state.get("now"), sub.object.get("status")))
    wanted = {"subscription": ids(FLOW)["subscription"], "limit": 100}
    listed = session.run("list_invoices", wanted, source=Source.FLOW)
    if listed.ok:
        state["invoices"] = list(reversed(listed.objects))
    state["events"] = _new_events(state.get("last_event"))
    if state["events"]:
        state["last_event"] = state["events"][-1]["id"]


def _new_events(after: str | None) -> list[dict[str, Any]]:
    """The account's events newer than ``after`` (an event id), oldest first."""
    params: Any = {"limit": 100, **({"ending_before": after} if after else {})}
    data = sessions.current().list_events(params, source=Source.FLOW).get("data", [])
    return [
        {"id": e.get("id"), "created": e.get("created"), "type": e.get("type")} for e in reversed(list(data))
    ]


# --- drawing -----------------------------------------------------------------------------------------------


def _timeline() -> None:
    state = _state()
    rows = [
        {"when": datetime.fromtimestamp(at, UTC), "lane": "subscription", "what": str(status)}
        for at, status in state.get("history", [])
        if isinstance(at, int)
    ]
    for invoice in state.get("invoices", []):
        money = flows.money_text(invoice.get("amount_due"), invoice.get("currency"))
        rows.append(
            {
                "when": datetime.fromtimestamp(int(invoice["created"]), UTC),
                "lane": "invoices",
                "what": f"{money} {invoice.get('status')}",
            }
        )
    if not rows:
        return
    chart = (
        alt.Chart(pd.DataFrame(rows))
        .mark_point(filled=True, size=120)
        .encode(x=alt.X("when:T", title="clock time"), y=alt.Y("lane:N", title=None), color="what:N")
        .properties(height=160)
    )
    st.altair_chart(chart, width="stretch")


def _invoices_table() -> None:
    invoices = _state().get("invoices", [])
    if not invoices:
        return
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "invoice": i.get("number") or i.get("id"),
                    "reason": i.get("billing_reason"),
                    "status": i.get("status"),
                    "amount due": flows.money_text(i.get("amount_due"), i.get("currency")),
                    "paid": flows.money_text(i.get("amount_paid"), i.get("currency")),
                    "created": _when(i.get("created")),
                    "attempts": i.get("attempt_count"),
                    "next attempt": _when(i.get("next_payment_attempt")),
                }
                for i in invoices
            ]
        ),
        hide_index=True,
        key="flows_time_invoices",
    )


def draw() -> None:
    steps, picture = st.columns([3, 2], gap="large")
    with picture:
        flows.diagram(FLOW, "subscription", "Subscription")
        st.button(
            "Start over",
            key="flows_time_reset",
            on_click=flows.reset,
            args=(FLOW,),
            icon=":material/restart_alt:",
        )
    with steps:
        has_clock = "clock" in ids(FLOW)
        flows.step_header(1, "Create a test clock (Create Test Clock)", has_clock)
        start = st.date_input("Start date (clock time)", value=date(2026, 1, 1), key="flows_time_start")
        if st.button("Create test clock", key="flows_time_clock", disabled=has_clock, type="primary"):
            create_clock(start if isinstance(start, date) else date.today())
            st.rerun()
        flows.last_result(FLOW, "clock")
        if not has_clock:
            return
        has_customer = "payment_method" in ids(FLOW)
        flows.step_header(
            2, "A customer on the clock, with a card (Create Customer with test_clock)", has_customer
        )
        email = st.text_input("Email", value="time.traveller@example.com", key="flows_time_email")
        if st.button("Create customer and attach card", key="flows_time_customer", disabled=has_customer):
            create_customer(email or "time.traveller@example.com")
            st.rerun()
        flows.last_result(FLOW, "customer")
        if not has_customer:
            return
        has_sub = "subscription" in ids(FLOW)
        flows.step_header(3, "A monthly subscription with a trial (Create Subscription)", has_sub)
        trial = int(st.number_input("Trial days", 0, 730, 14, key="flows_time_trial"))
        amount, currency = flows.amount_field(FLOW, "amount", "1500", "flows_time_currency", "price")
        if st.button("Create subscription", key="flows_time_subscribe", disabled=has_sub):
            create_subscription(trial, amount, currency)
            st.rerun()
        flows.last_result(FLOW, "subscription")
        if not has_sub:
            return
        _travel()


def _travel() -> None:
    state = _state()
    now = int(state.get("now") or 0)
    sub = state.get("subscription") or {}
    flows.step_header(4, "Travel in time (Advance Test Clock)", False)
    st.metric("Clock time", _when(now), help="The test clock's frozen_time: the customer's 'now'.")
    st.caption(f"Subscription **{sub.get('status', '?')}**")
    upcoming = next_moment(sub, state.get("invoices", []), now)
    left, right = st.columns(2)
    with left:
        label = f"Advance to {_when(upcoming[0])}: {upcoming[1]}" if upcoming else "Nothing more will happen"
        if st.button(label, key="flows_time_next", disabled=upcoming is None, type="primary") and upcoming:
            advance(upcoming[0])
            st.rerun()
    with right:
        by = str(st.selectbox("Or advance by", list(STEPS), key="flows_time_by"))
        if st.button(f"Advance {by}", key="flows_time_by_go"):
            advance(now + STEPS[by])
            st.rerun()
    flows.last_result(FLOW, "advance")
    fail, fix = st.columns(2)
    if fail.button(
        "Make the next renewal fail", key="flows_time_fail", help="Swap to card 0341: it declines"
    ):
        make_next_renewal_fail()
        st.rerun()
    has_open = any(i.get("status") == "open" for i in state.get("invoices", []))
    if fix.button("Recover: pay the open invoice", key="flows_time_recover", disabled=not has_open):
        recover()
        st.rerun()
    _timeline()
    _invoices_table()
    events = state.get("events", [])
    with st.expander(f"Events that fired in the last step ({len(events)})", expanded=bool(events)):
        for event in events:
            st.markdown(f"- `{_when(event['created'])}` **{event['type']}**")


__all__ = ["draw", "next_moment"]
