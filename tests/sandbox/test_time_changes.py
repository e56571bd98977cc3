"""Changing subscriptions over time through the SDK, on test clocks: prorations (and billing modes),
billing-cycle anchors, scheduled and immediate cancels, paused collection, trials that end without a payment
method, invoices sent for payment, and the expiry of an unpaid first invoice."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import requests
import stripe
from billing_setup import monthly_price
from time_setup import DAY, HOUR, advance, at, clock, customer_on, events, invoices_of, subscribe, swap_card

import sandbox

FEB1, FEB15, MAR1 = at(2026, 2, 1), at(2026, 2, 15), at(2026, 3, 1)


def _feb_subscription(client: stripe.StripeClient, amount: int = 1000, **params: Any) -> tuple[Any, Any, Any]:
    """A subscription created on 1 Feb 2026 (a 28-day period) on a clock, with a card that pays."""
    created = clock(client, FEB1)
    cus = customer_on(client, created.id)
    return created, cus, subscribe(client, cus.id, amount, **params)


def _pending(client: stripe.StripeClient, customer_id: str) -> list[Any]:
    items = client.v1.invoice_items.list(params={"customer": customer_id, "pending": True}).data
    return list(reversed(items))


def _change_price(client: stripe.StripeClient, sub: Any, amount: int, **params: Any) -> Any:
    price = monthly_price(client, amount)
    item = sub["items"].data[0].id
    return client.v1.subscriptions.update(
        sub.id, params={"items": [{"id": item, "price": price.id}], **params}
    )


# --- prorations ------------------------------------------------------------------------------------------


def test_an_upgrade_halfway_is_prorated_as_stripes_example(
    stripe_client: stripe.StripeClient, sandbox: sandbox.SandboxHandle
) -> None:
    """docs "Prorations": 10 USD → 20 USD halfway through: −5 USD unused, +10 USD remaining, on the next
    invoice (create_prorations, the default)."""
    created, cus, sub = _feb_subscription(stripe_client)
    advance(stripe_client, sandbox, created.id, FEB15)
    _change_price(stripe_client, sub, 2000)
    credit, debit = _pending(stripe_client, cus.id)
    assert (credit.amount, credit.description) == (-500, "Unused time on Gold plan after 15 Feb 2026")
    assert (debit.amount, debit.description) == (1000, "Remaining time on Gold plan after 15 Feb 2026")
    assert credit.proration
    assert debit.proration
    assert (credit.period.start, credit.period.end) == (FEB15, MAR1)
    assert credit.parent.subscription_details.subscription == sub.id
    assert credit.proration_details.credited_items.type == "invoice_line_items"
    assert (
        invoices_of(stripe_client, sub.id)[-1].billing_reason == "subscription_create"
    )  # nothing billed yet

    advance(stripe_client, sandbox, created.id, MAR1 + 2 * HOUR)
    renewal = invoices_of(stripe_client, sub.id)[-1]
    assert (renewal.billing_reason, renewal.status, renewal.total) == ("subscription_cycle", "paid", 2500)
    prorated = [line for line in renewal.lines.data if line.parent.subscription_item_details.proration]
    assert sorted(line.amount for line in prorated) == [-500, 1000]
    assert {line.parent.subscription_item_details.invoice_item for line in prorated} == {credit.id, debit.id}


def test_proration_date_prorates_to_the_second(
    stripe_client: stripe.StripeClient, sandbox: sandbox.SandboxHandle
) -> None:
    """A published invoice: 10.00 a month from 14 Feb 2017, proration_date 1488568488 → −3.64."""
    created = clock(stripe_client, at(2017, 2, 14))
    cus = customer_on(stripe_client, created.id)
    sub = subscribe(stripe_client, cus.id, 1000)
    advance(stripe_client, sandbox, created.id, at(2017, 3, 5))
    _change_price(stripe_client, sub, 2000, proration_date=1488568488)
    credit, debit = _pending(stripe_client, cus.id)
    assert (credit.amount, credit.description) == (-364, "Unused time on Gold plan after 03 Mar 2017")
    left, period = at(2017, 3, 14) - 1488568488, at(2017, 3, 14) - at(2017, 2, 14)
    assert debit.amount == round(2000 * left / period) == 728
    with pytest.raises(stripe.InvalidRequestError) as outside:
        _change_price(stripe_client, sub, 3000, proration_date=at(2017, 1, 1))
    assert outside.value.param == "proration_date"


def test_a_quantity_change_credits_one_and_debits_three(
    stripe_client: stripe.StripeClient, sandbox: sandbox.SandboxHandle
) -> None:
    created, cus, sub = _feb_subscription(stripe_client)
    advance(stripe_client, sandbox, created.id, at(2026, 2, 8))  # 21 of 28 days left
    item = sub["items"].data[0].id
    stripe_client.v1.subscriptions.update(sub.id, params={"items": [{"id": item, "quantity": 3}]})
    credit, debit = _pending(stripe_client, cus.id)
    assert (credit.amount, debit.amount) == (-1000 * 21 // 28, 3 * 1000 * 21 // 28)
    assert debit.description == "Remaining time on 3 × Gold plan after 08 Feb 2026"


def test_always_invoice_bills_the_prorations_at_once(
    stripe_client: stripe.StripeClient, sandbox: sandbox.SandboxHandle
) -> None:
    created, cus, sub = _feb_subscription(stripe_client)
    advance(stripe_client, sandbox, created.id, FEB15)
    updated = _change_price(stripe_client, sub, 2000, proration_behavior="always_invoice")
    invoice = stripe_client.v1.invoices.retrieve(updated.latest_invoice)
    assert (invoice.billing_reason, invoice.status, invoice.amount_paid) == (
        "subscription_update",
        "paid",
        500,
    )
    assert [line.amount for line in invoice.lines.data] == [-500, 1000]
    assert _pending(stripe_client, cus.id) == []


def test_proration_behavior_none_bills_nothing_until_the_renewal(
    stripe_client: stripe.StripeClient, sandbox: sandbox.SandboxHandle
) -> None:
    created, cus, sub = _feb_subscription(stripe_client)
    advance(stripe_client, sandbox, created.id, FEB15)
    _change_price(stripe_client, sub, 2000, proration_behavior="none")
    assert _pending(stripe_client, cus.id) == []
    advance(stripe_client, sandbox, created.id, MAR1 + 2 * HOUR)
    assert invoices_of(stripe_client, sub.id)[-1].total == 2000


def test_a_new_interval_restarts_the_cycle_and_bills_at_once(
    stripe_client: stripe.StripeClient, sandbox: sandbox.SandboxHandle
) -> None:
    created, _, sub = _feb_subscription(stripe_client)
    advance(stripe_client, sandbox, created.id, FEB15)
    yearly = stripe_client.v1.prices.create(
        params={
            "product": sub["items"].data[0].price.product,
            "unit_amount": 10000,
            "currency": "usd",
            "recurring": {"interval": "year"},
        }
    )
    item = sub["items"].data[0].id
    updated = stripe_client.v1.subscriptions.update(
        sub.id, params={"items": [{"id": item, "price": yearly.id}]}
    )
    assert updated.billing_cycle_anchor == FEB15
    assert updated["items"].data[0].current_period_end == at(2027, 2, 15)
    invoice = stripe_client.v1.invoices.retrieve(updated.latest_invoice)
    assert (invoice.billing_reason, invoice.status, invoice.total) == (
        "subscription_update",
        "paid",
        10000 - 500,
    )


def test_the_billing_mode_follows_the_api_version_unless_given(
    stripe_client: stripe.StripeClient,
    account: dict[str, str],
    make_client: Callable[..., stripe.StripeClient],
) -> None:
    created = clock(stripe_client, FEB1)
    cus = customer_on(stripe_client, created.id)
    assert subscribe(stripe_client, cus.id).billing_mode.type == "flexible"  # 2026-10-28.endive
    older = make_client(account["secret_key"], stripe_version="2025-08-27.basil")
    assert subscribe(older, cus.id).billing_mode.type == "classic"
    chosen = subscribe(stripe_client, cus.id, billing_mode={"type": "classic"})
    assert (chosen.billing_mode.type, chosen.billing_mode.flexible) == ("classic", None)


@pytest.mark.parametrize(("mode", "second_credit"), [("classic", -2990), ("flexible", -2991)])
def test_a_second_change_credits_per_the_billing_mode(
    stripe_client: stripe.StripeClient, sandbox: sandbox.SandboxHandle, mode: str, second_credit: int
) -> None:
    """1000 → 2999 at 1 Feb 01:00:07 (debit 2995, rounded), then → 500 at 02:00:00. Classic credits the
    current value, −2999 × (end − t2) / 28 days = −2990.07; flexible what was debited, −2995 × (end − t2) /
    (end − t1) = −2990.54."""
    created, cus, sub = _feb_subscription(stripe_client, billing_mode={"type": mode})
    advance(stripe_client, sandbox, created.id, FEB1 + 3607)
    sub = _change_price(stripe_client, sub, 2999)
    advance(stripe_client, sandbox, created.id, FEB1 + 7200)
    _change_price(stripe_client, sub, 500)
    amounts = [item.amount for item in _pending(stripe_client, cus.id)]
    assert amounts == [-1000 + 1, 2995, second_credit, round(500 * (MAR1 - FEB1 - 7200) / (MAR1 - FEB1))]
    debit, credit = _pending(stripe_client, cus.id)[1:3]
    assert credit.proration_details.credited_items.type == "invoice_item"
    assert credit.proration_details.credited_items.invoice_item == debit.id


# --- billing-cycle anchors -------------------------------------------------------------------------------


def test_an_anchor_prorates_the_first_period_then_bills_on_the_anchor(
    stripe_client: stripe.StripeClient, sandbox: sandbox.SandboxHandle
) -> None:
    """31.00 a month created 15 Jan, anchored 1 Feb: 17 of the 31 days of 1 Jan → 1 Feb = 17.00."""
    created = clock(stripe_client, at(2026, 1, 15))
    cus = customer_on(stripe_client, created.id)
    sub = subscribe(stripe_client, cus.id, 3100, billing_cycle_anchor=FEB1, expand=["latest_invoice"])
    assert (sub.status, sub.billing_cycle_anchor, sub["items"].data[0].current_period_end) == (
        "active",
        FEB1,
        FEB1,
    )
    (line,) = sub.latest_invoice.lines.data
    assert (line.amount, line.description) == (1700, "Remaining time on Gold plan after 15 Jan 2026")
    assert line.parent.subscription_item_details.proration
    assert (line.period.start, line.period.end) == (at(2026, 1, 15), FEB1)
    assert sub.latest_invoice.amount_paid == 1700
    advance(stripe_client, sandbox, created.id, FEB1 + 2 * HOUR)
    renewal = invoices_of(stripe_client, sub.id)[-1]
    assert (renewal.total, renewal.lines.data[0].period.end) == (3100, MAR1)


def test_an_anchor_config_and_no_proration(stripe_client: stripe.StripeClient) -> None:
    created = clock(stripe_client, at(2026, 1, 15))
    cus = customer_on(stripe_client, created.id)
    sub = subscribe(
        stripe_client,
        cus.id,
        3100,
        billing_cycle_anchor_config={"day_of_month": 1},
        proration_behavior="none",
        expand=["latest_invoice"],
    )
    assert sub.billing_cycle_anchor == FEB1
    assert (sub.billing_cycle_anchor_config.day_of_month, sub.billing_cycle_anchor_config.hour) == (1, None)
    assert (sub.latest_invoice.total, sub.latest_invoice.status, sub.status) == (0, "paid", "active")
    with pytest.raises(stripe.InvalidRequestError) as late:
        subscribe(stripe_client, cus.id, billing_cycle_anchor=at(2026, 3, 1))
    assert late.value.param == "billing_cycle_anchor"


# --- cancels ---------------------------------------------------------------------------------------------


def test_cancel_at_fires_at_its_instant(
    stripe_client: stripe.StripeClient, sandbox: sandbox.SandboxHandle
) -> None:
    created, _, sub = _feb_subscription(stripe_client)
    when = at(2026, 2, 20, 12) + 5
    stripe_client.v1.subscriptions.update(sub.id, params={"cancel_at": when})
    advance(stripe_client, sandbox, created.id, when - 1)
    assert stripe_client.v1.subscriptions.retrieve(sub.id).status == "active"
    advance(stripe_client, sandbox, created.id, when + 1)
    ended = stripe_client.v1.subscriptions.retrieve(sub.id)
    assert (ended.status, ended.ended_at, ended.cancel_at) == ("canceled", when, when)
    (deleted,) = events(stripe_client, "customer.subscription.deleted")
    assert deleted.created == when


def test_cancel_now_with_prorate_and_invoice_now_bills_the_credit(
    stripe_client: stripe.StripeClient, sandbox: sandbox.SandboxHandle
) -> None:
    created, cus, sub = _feb_subscription(stripe_client)
    advance(stripe_client, sandbox, created.id, FEB15)
    canceled = stripe_client.v1.subscriptions.cancel(sub.id, params={"prorate": True, "invoice_now": True})
    assert canceled.status == "canceled"
    final = stripe_client.v1.invoices.retrieve(canceled.latest_invoice)
    assert ([line.amount for line in final.lines.data], final.total, final.amount_due) == ([-500], -500, 0)
    assert final.status == "paid"
    assert _pending(stripe_client, cus.id) == []


def test_cancel_with_prorate_only_leaves_the_credit_pending(
    stripe_client: stripe.StripeClient, sandbox: sandbox.SandboxHandle
) -> None:
    created, cus, sub = _feb_subscription(stripe_client)
    advance(stripe_client, sandbox, created.id, FEB15)
    stripe_client.v1.subscriptions.cancel(sub.id, params={"prorate": True})
    (credit,) = _pending(stripe_client, cus.id)
    assert (credit.amount, credit.description) == (-500, "Unused time on Gold plan after 15 Feb 2026")


# --- pausing ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("behavior", "renewal_status"),
    [("keep_as_draft", "draft"), ("mark_uncollectible", "uncollectible"), ("void", "void")],
)
def test_pause_collection_keeps_the_status_and_decides_the_invoices(
    stripe_client: stripe.StripeClient, sandbox: sandbox.SandboxHandle, behavior: str, renewal_status: str
) -> None:
    created, _, sub = _feb_subscription(stripe_client)
    paused = stripe_client.v1.subscriptions.update(
        sub.id, params={"pause_collection": {"behavior": behavior}}
    )
    assert (paused.status, paused.pause_collection.behavior, paused.pause_collection.resumes_at) == (
        "active",
        behavior,
        None,
    )
    advance(stripe_client, sandbox, created.id, MAR1 + 2 * HOUR)
    renewal = invoices_of(stripe_client, sub.id)[-1]
    assert (renewal.billing_reason, renewal.status, renewal.amount_paid) == (
        "subscription_cycle",
        renewal_status,
        0,
    )
    assert stripe_client.v1.subscriptions.retrieve(sub.id).status == "active"
    resumed = stripe_client.v1.subscriptions.update(sub.id, params={"pause_collection": ""})
    assert resumed.pause_collection is None


def test_pause_collection_resumes_at_its_time(
    stripe_client: stripe.StripeClient, sandbox: sandbox.SandboxHandle
) -> None:
    created, _, sub = _feb_subscription(stripe_client)
    stripe_client.v1.subscriptions.update(
        sub.id, params={"pause_collection": {"behavior": "void", "resumes_at": FEB15}}
    )
    advance(stripe_client, sandbox, created.id, FEB15 + 1)
    assert stripe_client.v1.subscriptions.retrieve(sub.id).pause_collection is None
    update = events(stripe_client, "customer.subscription.updated")[-1]
    assert update.created == FEB15
    assert update.data.previous_attributes["pause_collection"]["behavior"] == "void"
    advance(stripe_client, sandbox, created.id, MAR1 + 2 * HOUR)
    assert invoices_of(stripe_client, sub.id)[-1].status == "paid"


def _trial_without_card(client: stripe.StripeClient, missing: str) -> tuple[Any, Any, Any]:
    created = clock(client, FEB1)
    cus = customer_on(client, created.id, test_pm=None)
    sub = subscribe(
        client,
        cus.id,
        1000,
        trial_period_days=7,
        trial_settings={"end_behavior": {"missing_payment_method": missing}},
    )
    return created, cus, sub


def test_a_trial_ending_without_a_card_pauses_then_resume_bills(
    stripe_client: stripe.StripeClient, sandbox: sandbox.SandboxHandle
) -> None:
    created, cus, sub = _trial_without_card(stripe_client, "pause")
    assert sub.trial_settings.end_behavior.missing_payment_method == "pause"
    advance(stripe_client, sandbox, created.id, FEB1 + 8 * DAY)
    paused = stripe_client.v1.subscriptions.retrieve(sub.id)
    assert paused.status == "paused"
    (event,) = events(stripe_client, "customer.subscription.paused")
    assert event.created == FEB1 + 7 * DAY
    assert [i.billing_reason for i in invoices_of(stripe_client, sub.id)] == ["subscription_create"]
    with pytest.raises(stripe.InvalidRequestError):
        stripe_client.v1.subscriptions.resume(
            subscribe(stripe_client, customer_on(stripe_client, created.id).id).id
        )

    swap_card(stripe_client, cus.id, "pm_card_visa")
    resumed = stripe_client.v1.subscriptions.resume(sub.id)
    now = FEB1 + 8 * DAY
    assert (resumed.status, resumed.billing_cycle_anchor) == ("active", now)
    assert resumed["items"].data[0].current_period_end == at(2026, 3, 9)
    invoice = stripe_client.v1.invoices.retrieve(resumed.latest_invoice)
    assert (invoice.billing_reason, invoice.status, invoice.amount_paid) == (
        "subscription_update",
        "paid",
        1000,
    )
    assert events(stripe_client, "customer.subscription.resumed")[0].data.object.status == "active"


def test_a_paused_subscription_resumed_on_its_old_anchor_is_prorated(
    stripe_client: stripe.StripeClient, sandbox: sandbox.SandboxHandle
) -> None:
    created, cus, sub = _trial_without_card(stripe_client, "pause")
    advance(stripe_client, sandbox, created.id, FEB1 + 14 * DAY)
    swap_card(stripe_client, cus.id, "pm_card_visa")
    resumed = stripe_client.v1.subscriptions.resume(sub.id, params={"billing_cycle_anchor": "unchanged"})
    anchor = FEB1 + 7 * DAY  # the trial's end; the next billing date on it is 8 Mar
    assert resumed.billing_cycle_anchor == anchor
    assert resumed["items"].data[0].current_period_end == at(2026, 3, 8)
    invoice = stripe_client.v1.invoices.retrieve(resumed.latest_invoice)
    # 21 days left (15 Feb → 8 Mar) of the 8 Feb → 8 Mar period (28 days): 1000 × 21 / 28
    assert invoice.amount_paid == 750


def test_a_trial_ending_without_a_card_can_cancel_or_invoice(
    stripe_client: stripe.StripeClient, sandbox: sandbox.SandboxHandle
) -> None:
    for missing, status in (("cancel", "canceled"), ("create_invoice", "past_due")):
        created, _, sub = _trial_without_card(stripe_client, missing)
        advance(stripe_client, sandbox, created.id, FEB1 + 8 * DAY)
        assert stripe_client.v1.subscriptions.retrieve(sub.id).status == status
    ended = stripe_client.v1.subscriptions.list(params={"status": "canceled"}).data[0]
    assert (ended.ended_at, ended.cancellation_details.reason) == (FEB1 + 7 * DAY, "cancellation_requested")
    assert events(stripe_client, "customer.subscription.paused") == []


def test_a_paused_subscription_can_be_canceled(
    stripe_client: stripe.StripeClient, sandbox: sandbox.SandboxHandle
) -> None:
    created, _, sub = _trial_without_card(stripe_client, "pause")
    advance(stripe_client, sandbox, created.id, FEB1 + 8 * DAY)
    assert stripe_client.v1.subscriptions.cancel(sub.id).status == "canceled"


def test_a_trial_can_be_added_to_an_active_subscription(
    stripe_client: stripe.StripeClient, sandbox: sandbox.SandboxHandle
) -> None:
    created, cus, sub = _feb_subscription(stripe_client)
    advance(stripe_client, sandbox, created.id, FEB15)
    trial = stripe_client.v1.subscriptions.update(sub.id, params={"trial_end": at(2026, 2, 22)})
    assert (trial.status, trial.trial_start, trial.trial_end) == ("trialing", FEB15, at(2026, 2, 22))
    assert trial["items"].data[0].current_period_end == at(2026, 2, 22)
    (credit,) = _pending(stripe_client, cus.id)
    assert credit.amount == -500
    advance(stripe_client, sandbox, created.id, at(2026, 2, 22, 2))
    first = invoices_of(stripe_client, sub.id)[-1]
    assert (first.status, first.total) == ("paid", 1000 - 500)
    assert stripe_client.v1.subscriptions.retrieve(sub.id).status == "active"


# --- invoices sent for payment ---------------------------------------------------------------------------


def test_a_sent_invoice_past_due_is_overdue_and_the_hosted_page_pays_it(
    stripe_client: stripe.StripeClient, sandbox: sandbox.SandboxHandle
) -> None:
    created = clock(stripe_client, FEB1)
    cus = customer_on(stripe_client, created.id, test_pm=None)
    sub = subscribe(
        stripe_client,
        cus.id,
        1000,
        collection_method="send_invoice",
        days_until_due=7,
        expand=["latest_invoice"],
    )
    first = sub.latest_invoice
    assert (sub.status, first.status, first.due_date) == ("active", "open", FEB1 + 7 * DAY)
    advance(stripe_client, sandbox, created.id, FEB1 + 7 * DAY - 1)
    assert events(stripe_client, "invoice.overdue") == []
    advance(stripe_client, sandbox, created.id, FEB1 + 8 * DAY)
    (overdue,) = events(stripe_client, "invoice.overdue")
    assert (overdue.created, overdue.data.object.id) == (FEB1 + 7 * DAY, first.id)
    assert stripe_client.v1.invoices.retrieve(first.id).status == "open"
    assert stripe_client.v1.subscriptions.retrieve(sub.id).status == "past_due"

    page = requests.get(first.hosted_invoice_url, timeout=30)
    assert page.status_code == 200
    assert "data-testid='pay-form'" in page.text
    declined = requests.post(first.hosted_invoice_url + "/pay", data={"card": "4000000000000002"}, timeout=30)
    assert "Your card was declined." in declined.text
    paid = requests.post(first.hosted_invoice_url + "/pay", data={"card": "4242424242424242"}, timeout=30)
    assert "Paid. Thank you." in paid.text
    assert "pay-form" not in paid.text
    assert sandbox.runtime.scheduler.wait_idle()
    assert stripe_client.v1.invoices.retrieve(first.id).status == "paid"
    assert stripe_client.v1.subscriptions.retrieve(sub.id).status == "active"


def test_an_invoice_with_a_due_date_is_overdue_on_that_date(
    stripe_client: stripe.StripeClient, sandbox: sandbox.SandboxHandle
) -> None:
    created = clock(stripe_client, FEB1)
    cus = customer_on(stripe_client, created.id, test_pm=None)
    stripe_client.v1.invoice_items.create(params={"customer": cus.id, "amount": 700, "currency": "usd"})
    draft = stripe_client.v1.invoices.create(
        params={
            "customer": cus.id,
            "collection_method": "send_invoice",
            "due_date": FEB15,
            "pending_invoice_items_behavior": "include",
        }
    )
    sent = stripe_client.v1.invoices.send_invoice(draft.id)
    assert (sent.status, sent.due_date) == ("open", FEB15)
    advance(stripe_client, sandbox, created.id, FEB15 + HOUR)
    (overdue,) = events(stripe_client, "invoice.overdue")
    assert (overdue.created, overdue.data.object.id) == (FEB15, draft.id)


# --- incomplete ------------------------------------------------------------------------------------------


def test_a_declined_first_payment_expires_after_23_hours_and_voids_the_invoice(
    stripe_client: stripe.StripeClient, sandbox: sandbox.SandboxHandle
) -> None:
    created = clock(stripe_client, FEB1)
    cus = customer_on(stripe_client, created.id, "pm_card_chargeCustomerFail")
    sub = subscribe(stripe_client, cus.id)
    assert sub.status == "incomplete"
    advance(stripe_client, sandbox, created.id, FEB1 + 23 * HOUR - 1)
    assert stripe_client.v1.subscriptions.retrieve(sub.id).status == "incomplete"
    advance(stripe_client, sandbox, created.id, FEB1 + DAY)
    expired = stripe_client.v1.subscriptions.retrieve(sub.id)
    assert (expired.status, expired.ended_at) == ("incomplete_expired", FEB1 + 23 * HOUR)
    assert stripe_client.v1.invoices.retrieve(sub.latest_invoice).status == "void"
    update = events(stripe_client, "customer.subscription.updated")[-1]
    assert (update.data.object.status, update.data.previous_attributes["status"]) == (
        "incomplete_expired",
        "incomplete",
    )
