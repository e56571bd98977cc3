"""Subscriptions over time through the SDK, on test clocks and on an account's wall clock: trials, renewals,
automatic finalization and collection, failed payments and their retries, recovery, cancel_at_period_end."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import stripe
from time_setup import (
    DAY,
    HOUR,
    T0,
    advance,
    at,
    clock,
    control,
    customer_on,
    events,
    invoices_of,
    subscribe,
    swap_card,
)

import sandbox
from sandbox import _billing as billing

JAN15 = at(2026, 1, 15)


def _trialing(client: stripe.StripeClient, test_pm: str | None = "pm_card_visa") -> tuple[Any, Any, Any]:
    created = clock(client)
    cus = customer_on(client, created.id, test_pm)
    sub = subscribe(client, cus.id, trial_period_days=14, expand=["latest_invoice"])
    return created, cus, sub


# --- trials ----------------------------------------------------------------------------------------------


def test_a_trial_starts_with_a_paid_zero_invoice(stripe_client: stripe.StripeClient) -> None:
    _, _, sub = _trialing(stripe_client)
    assert (sub.status, sub.trial_start, sub.trial_end) == ("trialing", T0, JAN15)
    assert sub["items"].data[0].current_period_end == JAN15
    first = sub.latest_invoice
    assert (first.billing_reason, first.amount_due, first.status) == ("subscription_create", 0, "paid")


def test_trial_will_end_three_days_before_then_the_first_period_is_charged(
    stripe_client: stripe.StripeClient, sandbox: sandbox.SandboxHandle
) -> None:
    created, _, sub = _trialing(stripe_client)
    advance(stripe_client, sandbox, created.id, JAN15 - 3 * DAY - 1)
    assert events(stripe_client, "customer.subscription.trial_will_end") == []
    advance(stripe_client, sandbox, created.id, JAN15 - HOUR)
    (warning,) = events(stripe_client, "customer.subscription.trial_will_end")
    assert (warning.created, warning.data.object.id) == (JAN15 - 3 * DAY, sub.id)

    advance(stripe_client, sandbox, created.id, JAN15 + 2 * HOUR)
    now = stripe_client.v1.subscriptions.retrieve(sub.id)
    assert now.status == "active"
    (item,) = now["items"].data
    assert (item.current_period_start, item.current_period_end) == (JAN15, at(2026, 2, 15))
    _, paid = invoices_of(stripe_client, sub.id)
    assert (paid.billing_reason, paid.status, paid.amount_paid, paid.created) == (
        "subscription_cycle",
        "paid",
        1500,
        JAN15,
    )
    assert paid.status_transitions.finalized_at == JAN15 + HOUR  # an hour after creation
    assert paid.lines.data[0].period.start == JAN15
    assert now.latest_invoice == paid.id


def test_less_than_three_days_of_trial_warns_at_once(stripe_client: stripe.StripeClient) -> None:
    created = clock(stripe_client)
    cus = customer_on(stripe_client, created.id)
    sub = subscribe(stripe_client, cus.id, trial_end=T0 + 2 * DAY)
    (warning,) = events(stripe_client, "customer.subscription.trial_will_end")
    assert (warning.created, warning.data.object.id) == (T0, sub.id)


def test_trial_end_now_ends_the_trial_and_charges_at_once(stripe_client: stripe.StripeClient) -> None:
    _, _, sub = _trialing(stripe_client)
    ended = stripe_client.v1.subscriptions.update(sub.id, params={"trial_end": "now"})
    assert (ended.status, ended.trial_end, ended.billing_cycle_anchor) == ("active", T0, T0)
    assert ended["items"].data[0].current_period_end == at(2026, 2, 1)
    latest = stripe_client.v1.invoices.retrieve(ended.latest_invoice)
    assert (latest.billing_reason, latest.status, latest.amount_paid) == ("subscription_cycle", "paid", 1500)


def test_a_later_trial_end_moves_the_end_of_the_trial(
    stripe_client: stripe.StripeClient, sandbox: sandbox.SandboxHandle
) -> None:
    created, _, sub = _trialing(stripe_client)
    later = stripe_client.v1.subscriptions.update(sub.id, params={"trial_end": at(2026, 1, 20)})
    assert (later.trial_end, later["items"].data[0].current_period_end) == (at(2026, 1, 20), at(2026, 1, 20))
    advance(stripe_client, sandbox, created.id, JAN15 + 2 * HOUR)
    assert stripe_client.v1.subscriptions.retrieve(sub.id).status == "trialing"
    advance(stripe_client, sandbox, created.id, at(2026, 1, 20, 2))
    assert stripe_client.v1.subscriptions.retrieve(sub.id).status == "active"


# --- renewals --------------------------------------------------------------------------------------------


def test_every_renewal_inside_one_advance_happens_in_order(
    stripe_client: stripe.StripeClient, sandbox: sandbox.SandboxHandle
) -> None:
    created = clock(stripe_client)
    sub = subscribe(stripe_client, customer_on(stripe_client, created.id).id)
    advance(stripe_client, sandbox, created.id, at(2026, 3, 1))  # two months: the most Stripe allows
    invoices = invoices_of(stripe_client, sub.id)
    assert [(i.billing_reason, i.status, i.created, i.period_end) for i in invoices] == [
        ("subscription_create", "paid", T0, T0),
        ("subscription_cycle", "paid", at(2026, 2, 1), at(2026, 2, 1)),
        ("subscription_cycle", "draft", at(2026, 3, 1), at(2026, 3, 1)),  # finalized an hour later
    ]
    (item,) = stripe_client.v1.subscriptions.retrieve(sub.id)["items"].data
    assert (item.current_period_start, item.current_period_end) == (at(2026, 3, 1), at(2026, 4, 1))
    created_events = events(stripe_client, "invoice.created")
    assert [e.created for e in created_events] == [T0, at(2026, 2, 1), at(2026, 3, 1)]


def test_a_renewals_events_come_in_the_documented_order(
    stripe_client: stripe.StripeClient, sandbox: sandbox.SandboxHandle
) -> None:
    created = clock(stripe_client)
    subscribe(stripe_client, customer_on(stripe_client, created.id).id)
    advance(stripe_client, sandbox, created.id, at(2026, 2, 1, 2))
    renewal = [e for e in events(stripe_client) if at(2026, 2, 1) <= e.created <= at(2026, 2, 1, 2)]
    assert [e.type for e in renewal] == [
        "invoice.created",
        "customer.subscription.updated",
        "payment_intent.created",
        "invoice.finalized",
        "charge.succeeded",
        "payment_intent.succeeded",
        "invoice.paid",
        "invoice.payment_succeeded",
        "test_helpers.test_clock.ready",
    ]
    updated = renewal[1]
    assert updated.data.previous_attributes["items"]["data"][0]["current_period_start"] == T0


def test_a_month_anchored_on_the_31st_renews_on_the_last_day_of_shorter_months(
    stripe_client: stripe.StripeClient, sandbox: sandbox.SandboxHandle
) -> None:
    created = clock(stripe_client, frozen_time=at(2026, 1, 31))
    sub = subscribe(stripe_client, customer_on(stripe_client, created.id).id)
    advance(stripe_client, sandbox, created.id, at(2026, 3, 1))
    advance(stripe_client, sandbox, created.id, at(2026, 3, 31, 2))
    starts = [i.created for i in invoices_of(stripe_client, sub.id)]
    assert starts == [at(2026, 1, 31), at(2026, 2, 28), at(2026, 3, 31)]


def test_cancel_at_period_end_fires_at_the_period_end(
    stripe_client: stripe.StripeClient, sandbox: sandbox.SandboxHandle
) -> None:
    created = clock(stripe_client)
    sub = subscribe(stripe_client, customer_on(stripe_client, created.id).id)
    stripe_client.v1.subscriptions.update(sub.id, params={"cancel_at_period_end": True})
    advance(stripe_client, sandbox, created.id, at(2026, 2, 1) - 1)
    assert stripe_client.v1.subscriptions.retrieve(sub.id).status == "active"
    advance(stripe_client, sandbox, created.id, at(2026, 2, 5))
    ended = stripe_client.v1.subscriptions.retrieve(sub.id)
    assert (ended.status, ended.ended_at, ended.canceled_at) == ("canceled", at(2026, 2, 1), T0)
    assert ended.cancellation_details.reason == "cancellation_requested"
    (deleted,) = events(stripe_client, "customer.subscription.deleted")
    assert deleted.created == at(2026, 2, 1)
    assert [i.billing_reason for i in invoices_of(stripe_client, sub.id)] == ["subscription_create"]


def test_an_unpaid_first_invoice_expires_the_subscription_after_23_hours(
    stripe_client: stripe.StripeClient, sandbox: sandbox.SandboxHandle
) -> None:
    created = clock(stripe_client)
    cus = customer_on(stripe_client, created.id)
    sub = subscribe(stripe_client, cus.id, payment_behavior="default_incomplete")
    assert sub.status == "incomplete"
    advance(stripe_client, sandbox, created.id, T0 + 24 * HOUR)
    expired = stripe_client.v1.subscriptions.retrieve(sub.id)
    assert (expired.status, expired.ended_at) == ("incomplete_expired", T0 + 23 * HOUR)
    assert stripe_client.v1.invoices.retrieve(sub.latest_invoice).status == "void"


# --- failed payments -------------------------------------------------------------------------------------


def _failing_renewal(client: stripe.StripeClient, server: sandbox.SandboxHandle) -> tuple[Any, Any, Any, Any]:
    """A subscription whose first renewal (1 Feb) fails: its card was swapped to one that declines."""
    created = clock(client)
    cus = customer_on(client, created.id)
    sub = subscribe(client, cus.id)
    swap_card(client, cus.id, "pm_card_chargeCustomerFail")
    advance(client, server, created.id, at(2026, 2, 1, 2))
    renewal = invoices_of(client, sub.id)[-1]
    return created, cus, sub, renewal


def test_a_failed_renewal_leaves_the_invoice_open_and_the_subscription_past_due(
    stripe_client: stripe.StripeClient, sandbox: sandbox.SandboxHandle
) -> None:
    _, _, sub, renewal = _failing_renewal(stripe_client, sandbox)
    finalized = at(2026, 2, 1, 1)
    assert (renewal.status, renewal.attempt_count, renewal.attempted) == ("open", 1, True)
    assert renewal.next_payment_attempt == finalized + billing.RETRY_DAYS[0] * DAY
    assert stripe_client.v1.subscriptions.retrieve(sub.id).status == "past_due"
    (failed,) = events(stripe_client, "invoice.payment_failed")
    assert failed.data.object.next_payment_attempt == renewal.next_payment_attempt


def test_retries_follow_the_schedule_then_the_subscription_is_canceled_by_default(
    stripe_client: stripe.StripeClient, sandbox: sandbox.SandboxHandle
) -> None:
    created, _, sub, renewal = _failing_renewal(stripe_client, sandbox)
    finalized = at(2026, 2, 1, 1)
    advance(stripe_client, sandbox, created.id, finalized + 6 * DAY)
    midway = stripe_client.v1.invoices.retrieve(renewal.id)
    assert midway.attempt_count == 1 + sum(1 for d in billing.RETRY_DAYS if d <= 6)
    advance(stripe_client, sandbox, created.id, finalized + 15 * DAY)
    last = stripe_client.v1.invoices.retrieve(renewal.id)
    assert (last.status, last.attempt_count, last.next_payment_attempt) == ("open", 8, None)
    attempts = [e.created for e in events(stripe_client, "invoice.payment_failed")]
    assert attempts == [finalized] + [finalized + d * DAY for d in billing.RETRY_DAYS]
    ended = stripe_client.v1.subscriptions.retrieve(sub.id)
    assert (ended.status, ended.cancellation_details.reason) == ("canceled", "payment_failed")
    assert ended.ended_at == finalized + billing.RETRY_DAYS[-1] * DAY


@pytest.mark.parametrize("outcome", ["unpaid", "past_due"])
def test_the_account_setting_decides_the_end_state_after_the_last_retry(
    stripe_client: stripe.StripeClient,
    sandbox: sandbox.SandboxHandle,
    account: dict[str, str],
    outcome: str,
) -> None:
    reply = control(
        sandbox, account["secret_key"], "/_sandbox/settings", {"subscription_after_failed_retries": outcome}
    )
    assert reply.status_code == 200, reply.text
    assert reply.json()["subscription_after_failed_retries"] == outcome
    created, _, sub, _ = _failing_renewal(stripe_client, sandbox)
    advance(stripe_client, sandbox, created.id, at(2026, 2, 17))
    assert stripe_client.v1.subscriptions.retrieve(sub.id).status == outcome


def test_a_bad_setting_is_refused_with_what_to_send(
    sandbox: sandbox.SandboxHandle, account: dict[str, str]
) -> None:
    reply = control(
        sandbox, account["secret_key"], "/_sandbox/settings", {"subscription_after_failed_retries": "x"}
    )
    assert reply.status_code == 400
    assert "canceled, unpaid, past_due" in reply.json()["error"]["message"]


def test_paying_the_open_invoice_recovers_the_subscription(
    stripe_client: stripe.StripeClient, sandbox: sandbox.SandboxHandle
) -> None:
    created, cus, sub, renewal = _failing_renewal(stripe_client, sandbox)
    good = stripe_client.v1.payment_methods.attach("pm_card_visa", params={"customer": cus.id})
    paid = stripe_client.v1.invoices.pay(renewal.id, params={"payment_method": good.id})
    assert (paid.status, paid.attempt_count, paid.next_payment_attempt) == ("paid", 2, None)
    assert stripe_client.v1.subscriptions.retrieve(sub.id).status == "active"
    advance(stripe_client, sandbox, created.id, at(2026, 2, 20))  # the retries that were due do nothing
    assert stripe_client.v1.invoices.retrieve(renewal.id).attempt_count == 2
    assert stripe_client.v1.subscriptions.retrieve(sub.id).status == "active"


def test_a_retry_charges_the_card_that_is_the_default_by_then(
    stripe_client: stripe.StripeClient, sandbox: sandbox.SandboxHandle
) -> None:
    created, cus, sub, renewal = _failing_renewal(stripe_client, sandbox)
    swap_card(stripe_client, cus.id, "pm_card_mastercard")
    advance(stripe_client, sandbox, created.id, renewal.next_payment_attempt + HOUR)
    recovered = stripe_client.v1.invoices.retrieve(renewal.id)
    assert (recovered.status, recovered.attempt_count) == ("paid", 2)
    assert stripe_client.v1.subscriptions.retrieve(sub.id).status == "active"


def test_a_card_that_needs_authentication_is_not_retried(
    stripe_client: stripe.StripeClient, sandbox: sandbox.SandboxHandle
) -> None:
    created = clock(stripe_client)
    cus = customer_on(stripe_client, created.id)
    sub = subscribe(stripe_client, cus.id)
    swap_card(stripe_client, cus.id, "pm_card_authenticationRequired")
    advance(stripe_client, sandbox, created.id, at(2026, 2, 1, 2))
    renewal = invoices_of(stripe_client, sub.id)[-1]
    assert (renewal.status, renewal.attempt_count, renewal.next_payment_attempt) == ("open", 1, None)
    assert stripe_client.v1.subscriptions.retrieve(sub.id).status == "past_due"
    (failed,) = events(stripe_client, "charge.failed")
    assert failed.data.object.failure_code == "authentication_required"
    advance(stripe_client, sandbox, created.id, at(2026, 2, 17))
    assert stripe_client.v1.subscriptions.retrieve(sub.id).status == "canceled"


def test_no_payment_method_means_no_retries(
    stripe_client: stripe.StripeClient, sandbox: sandbox.SandboxHandle
) -> None:
    created = clock(stripe_client)
    cus = customer_on(stripe_client, created.id, test_pm=None)
    sub = subscribe(stripe_client, cus.id, trial_period_days=7)
    advance(stripe_client, sandbox, created.id, T0 + 8 * DAY)
    renewal = invoices_of(stripe_client, sub.id)[-1]
    assert (renewal.status, renewal.attempt_count, renewal.next_payment_attempt) == ("open", 1, None)
    assert stripe_client.v1.subscriptions.retrieve(sub.id).status == "past_due"


# --- finalization waits for invoice.created to be delivered ---------------------------------------------


@pytest.fixture
def receiver() -> Iterator[tuple[str, list[str]]]:
    """A webhook endpoint answering 200: its URL and the event types it got, in arrival order."""
    received: list[str] = []

    class Ok(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            received.append(json.loads(body)["type"])
            self.send_response(200)
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Ok)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook", received
    server.shutdown()
    server.server_close()


def _closed_port_url() -> str:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/hook"  # nothing listens: every delivery fails at once


def test_a_delivered_invoice_created_lets_the_invoice_finalize_after_an_hour(
    stripe_client: stripe.StripeClient, sandbox: sandbox.SandboxHandle, receiver: tuple[str, list[str]]
) -> None:
    url, received = receiver
    stripe_client.v1.webhook_endpoints.create(params={"url": url, "enabled_events": ["*"]})
    _, _, _ = _trialing(stripe_client)
    created = stripe_client.v1.test_helpers.test_clocks.list().data[0]
    advance(stripe_client, sandbox, created.id, JAN15 + 2 * HOUR)
    latest = stripe_client.v1.invoices.list(params={"limit": 1}).data[0]
    assert (latest.status, latest.status_transitions.finalized_at) == ("paid", JAN15 + HOUR)
    deadline = time.monotonic() + 10  # deliveries are asynchronous: wait for the last event to arrive
    while "test_helpers.test_clock.ready" not in received and time.monotonic() < deadline:
        time.sleep(0.02)
    for expected in ("customer.subscription.trial_will_end", "invoice.created", "invoice.paid"):
        assert expected in received  # delivered to the endpoint as the advance happened
    assert received.count("test_helpers.test_clock.ready") == 1


def test_an_undelivered_invoice_created_delays_finalization_to_72_hours(
    stripe_client: stripe.StripeClient, sandbox: sandbox.SandboxHandle
) -> None:
    stripe_client.v1.webhook_endpoints.create(
        params={"url": _closed_port_url(), "enabled_events": ["invoice.created"]}
    )
    created, _, sub = _trialing(stripe_client)
    advance(stripe_client, sandbox, created.id, JAN15 + 2 * HOUR)
    waiting = invoices_of(stripe_client, sub.id)[-1]
    assert (waiting.status, waiting.automatically_finalizes_at) == ("draft", JAN15 + 72 * HOUR)
    advance(stripe_client, sandbox, created.id, JAN15 + 73 * HOUR)
    done = stripe_client.v1.invoices.retrieve(waiting.id)
    assert (done.status, done.status_transitions.finalized_at) == ("paid", JAN15 + 72 * HOUR)


# --- the wall clock --------------------------------------------------------------------------------------


def test_without_a_clock_the_accounts_wall_clock_renews_too(
    stripe_client: stripe.StripeClient, sandbox: sandbox.SandboxHandle, account: dict[str, str]
) -> None:
    cus = stripe_client.v1.customers.create(params={"email": "wall@example.com"})
    pm = stripe_client.v1.payment_methods.attach("pm_card_visa", params={"customer": cus.id})
    stripe_client.v1.customers.update(cus.id, params={"invoice_settings": {"default_payment_method": pm.id}})
    sub = subscribe(stripe_client, cus.id)
    period_end = sub["items"].data[0].current_period_end
    reply = control(
        sandbox,
        account["secret_key"],
        "/_sandbox/time",
        {"advance_seconds": period_end - sub.created + 2 * HOUR},
    )
    assert reply.status_code == 200, reply.text
    assert reply.json()["now"] >= period_end + 2 * HOUR
    renewal = invoices_of(stripe_client, sub.id)[-1]
    assert (renewal.billing_reason, renewal.status, renewal.created) == (
        "subscription_cycle",
        "paid",
        period_end,
    )
    later = stripe_client.v1.customers.create(params={"email": "later@example.com"})
    assert later.created >= period_end + 2 * HOUR  # new objects are made on the account's (moved) time


def test_the_time_control_refuses_going_back(sandbox: sandbox.SandboxHandle, account: dict[str, str]) -> None:
    reply = control(sandbox, account["secret_key"], "/_sandbox/time", {"advance_seconds": -5})
    assert reply.status_code == 400
    assert reply.json()["error"]["param"] == "advance_seconds"


def _wall_subscription(client: stripe.StripeClient) -> Any:
    cus = client.v1.customers.create(params={"email": "wall@example.com"})
    pm = client.v1.payment_methods.attach("pm_card_visa", params={"customer": cus.id})
    client.v1.customers.update(cus.id, params={"invoice_settings": {"default_payment_method": pm.id}})
    return subscribe(client, cus.id)


def test_each_request_first_catches_up_its_account(
    stripe_client: stripe.StripeClient, sandbox: sandbox.SandboxHandle, account: dict[str, str]
) -> None:
    sub = _wall_subscription(stripe_client)
    period_end = sub["items"].data[0].current_period_end
    with sandbox.runtime.scheduler._wake:  # hold the background thread back: only the request may catch up
        sandbox.runtime.scheduler.shift(account["id"], period_end - sub.created + 2 * HOUR, catch_up=False)
        renewed = stripe_client.v1.subscriptions.retrieve(sub.id)
    assert renewed["items"].data[0].current_period_start == period_end


def test_the_background_thread_applies_what_falls_due_without_requests(
    stripe_client: stripe.StripeClient, sandbox: sandbox.SandboxHandle, account: dict[str, str]
) -> None:
    sub = _wall_subscription(stripe_client)
    period_end = sub["items"].data[0].current_period_end
    scheduler = sandbox.runtime.scheduler
    scheduler.shift(account["id"], period_end - sub.created + 2 * HOUR, catch_up=False)
    assert scheduler.wait_idle()
    due = sandbox.runtime.store.wall_due(account["id"])
    assert due is not None
    assert due > scheduler.now(account["id"])  # nothing left due: the renewal and its payment happened
    assert invoices_of(stripe_client, sub.id)[-1].status == "paid"
