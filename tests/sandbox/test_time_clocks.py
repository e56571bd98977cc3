"""Test clocks through the SDK: create, retrieve, list, delete, advance with Stripe's limits, and objects of
a customer on a clock living on the clock's time."""

from __future__ import annotations

import pytest
import stripe
from time_setup import DAY, T0, advance, at, clock, customer_on, events, subscribe

import sandbox


def test_a_clock_is_created_ready_at_its_frozen_time(stripe_client: stripe.StripeClient) -> None:
    created = clock(stripe_client, name="Trial demo")
    assert created.object == "test_helpers.test_clock"
    assert created.id.startswith("clock_")
    assert (created.status, created.frozen_time, created.name, created.livemode) == (
        "ready",
        T0,
        "Trial demo",
        False,
    )
    assert created.deletes_after == created.created + 30 * DAY
    assert stripe_client.v1.test_helpers.test_clocks.retrieve(created.id).id == created.id
    listed = stripe_client.v1.test_helpers.test_clocks.list()
    assert [c.id for c in listed.data] == [created.id]
    assert [e.type for e in events(stripe_client)] == ["test_helpers.test_clock.created"]


def test_an_unknown_clock_is_resource_missing(stripe_client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.InvalidRequestError) as info:
        stripe_client.v1.test_helpers.test_clocks.retrieve("clock_nope")
    assert (info.value.http_status, info.value.code) == (404, "resource_missing")
    with pytest.raises(stripe.InvalidRequestError) as info:
        stripe_client.v1.customers.create(params={"test_clock": "clock_nope"})
    assert (info.value.http_status, info.value.param) == (400, "test_clock")


def test_advancing_answers_advancing_then_the_clock_is_ready(
    stripe_client: stripe.StripeClient, sandbox: sandbox.SandboxHandle
) -> None:
    created = clock(stripe_client)
    ready = advance(stripe_client, sandbox, created.id, T0 + 10 * DAY)
    assert ready.status_details.to_dict() == {}
    fired = events(stripe_client, "test_helpers.test_clock.advancing", "test_helpers.test_clock.ready")
    assert [(e.type, e.created) for e in fired] == [
        ("test_helpers.test_clock.advancing", T0),
        ("test_helpers.test_clock.ready", T0 + 10 * DAY),
    ]


@pytest.mark.parametrize("to", [T0, T0 - 1])
def test_the_new_time_must_be_after_the_current_one(stripe_client: stripe.StripeClient, to: int) -> None:
    created = clock(stripe_client)
    with pytest.raises(stripe.InvalidRequestError) as info:
        stripe_client.v1.test_helpers.test_clocks.advance(created.id, params={"frozen_time": to})
    assert (info.value.http_status, info.value.param) == (400, "frozen_time")
    assert "must be after its current frozen_time" in str(info.value.user_message)


def test_without_subscriptions_a_clock_advances_at_most_two_years(
    stripe_client: stripe.StripeClient, sandbox: sandbox.SandboxHandle
) -> None:
    created = clock(stripe_client)
    with pytest.raises(stripe.InvalidRequestError) as info:
        stripe_client.v1.test_helpers.test_clocks.advance(
            created.id, params={"frozen_time": at(2028, 1, 1) + 1}
        )
    assert info.value.param == "frozen_time"
    assert "two years" in str(info.value.user_message)
    advance(stripe_client, sandbox, created.id, at(2028, 1, 1))


def test_a_monthly_subscription_limits_an_advance_to_two_months(
    stripe_client: stripe.StripeClient, sandbox: sandbox.SandboxHandle
) -> None:
    created = clock(stripe_client)
    subscribe(stripe_client, customer_on(stripe_client, created.id).id)
    with pytest.raises(stripe.InvalidRequestError) as info:
        stripe_client.v1.test_helpers.test_clocks.advance(
            created.id, params={"frozen_time": at(2026, 3, 1) + 1}
        )
    assert "two intervals of the shortest subscription" in str(info.value.user_message)
    advance(stripe_client, sandbox, created.id, at(2026, 3, 1))


def test_a_customers_objects_live_on_its_clocks_time(stripe_client: stripe.StripeClient) -> None:
    created = clock(stripe_client, frozen_time=at(2030, 6, 15))
    cus = customer_on(stripe_client, created.id)
    assert (cus.test_clock, cus.created) == (created.id, at(2030, 6, 15))
    sub = subscribe(stripe_client, cus.id, expand=["latest_invoice"])
    assert (sub.test_clock, sub.created, sub.start_date) == (created.id, at(2030, 6, 15), at(2030, 6, 15))
    (item,) = sub["items"].data
    assert (item.current_period_start, item.current_period_end) == (at(2030, 6, 15), at(2030, 7, 15))
    assert (sub.latest_invoice.test_clock, sub.latest_invoice.created) == (created.id, at(2030, 6, 15))
    assert events(stripe_client, "customer.subscription.created")[0].created == at(2030, 6, 15)


def test_deleting_a_clock_deletes_its_customers_and_their_subscriptions(
    stripe_client: stripe.StripeClient,
) -> None:
    created = clock(stripe_client)
    cus = customer_on(stripe_client, created.id)
    sub = subscribe(stripe_client, cus.id)
    gone = stripe_client.v1.test_helpers.test_clocks.delete(created.id)
    assert (gone.id, gone.object, gone.deleted) == (created.id, "test_helpers.test_clock", True)
    assert stripe_client.v1.customers.retrieve(cus.id).deleted is True
    with pytest.raises(stripe.InvalidRequestError):
        stripe_client.v1.subscriptions.retrieve(sub.id)
    with pytest.raises(stripe.InvalidRequestError):
        stripe_client.v1.test_helpers.test_clocks.retrieve(created.id)
    assert [e.type for e in events(stripe_client)][-3:] == [
        "customer.subscription.deleted",
        "customer.deleted",
        "test_helpers.test_clock.deleted",
    ]


@pytest.mark.parametrize("when", [-1, 4_102_444_801])
def test_a_frozen_time_outside_1970_to_2100_is_refused(stripe_client: stripe.StripeClient, when: int) -> None:
    with pytest.raises(stripe.InvalidRequestError) as info:
        stripe_client.v1.test_helpers.test_clocks.create(params={"frozen_time": when})
    assert (info.value.http_status, info.value.param) == (400, "frozen_time")


def test_customers_and_subscriptions_list_by_test_clock(stripe_client: stripe.StripeClient) -> None:
    created = clock(stripe_client)
    on_clock = customer_on(stripe_client, created.id)
    stripe_client.v1.customers.create(params={"email": "elsewhere@example.com"})
    sub = subscribe(stripe_client, on_clock.id)
    listed = stripe_client.v1.customers.list(params={"test_clock": created.id})
    assert [c.id for c in listed.data] == [on_clock.id]
    subs = stripe_client.v1.subscriptions.list(params={"test_clock": created.id})
    assert [s.id for s in subs.data] == [sub.id]
