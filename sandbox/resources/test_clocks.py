"""Test clocks (https://docs.stripe.com/api/test_clocks): a frozen time that customers live on, advanced on
request, so a year of billing happens in seconds.

A customer created with ``test_clock`` (and its subscriptions, invoices and their events) takes its time
from the clock: ``ctx.enter_clock`` makes ``ctx.now()`` the clock's ``frozen_time``. Advancing queues the
clock's timeline on the scheduler (sandbox/_scheduler.py) and answers ``advancing`` at once; the scheduler
applies every job due up to the new time, in order, then the clock becomes ``ready``.
"""

from __future__ import annotations

from typing import Any

from sandbox import _billing as billing
from sandbox import _errors as errors
from sandbox._api import Context, deleted, endpoint
from sandbox._store import JSONObject

KIND = "test_helpers.test_clock"
PERMISSION = "test_clock"  # [U] restricted-key stem
DELETES_AFTER = 30 * billing.DAY  # [U] the docs' example shows 7 days; the test-clocks guide says 30
LATEST = 4_102_444_800  # [U] 2100-01-01: a frozen_time must lie between 1970 and 2100


def _frozen_time(value: Any) -> int:
    when = int(value)
    if not 0 <= when <= LATEST:
        raise errors.invalid_request(  # [U] wording
            f"Invalid frozen_time: {when} must be a Unix timestamp between 0 (1970) and {LATEST} (2100).",
            param="frozen_time",
        )
    return when


def load_clock(ctx: Context, clock_id: Any, param: str | None, status: int) -> JSONObject:
    clock = ctx.get(str(clock_id))
    if clock is None or clock.get("object") != KIND:
        raise errors.resource_missing("test clock", str(clock_id), param, status)  # [U] wording
    return clock


def _load(ctx: Context) -> JSONObject:
    return load_clock(ctx, ctx.path["test_clock"], "test_clock", 404)


def _customers(ctx: Context, clock_id: str) -> list[JSONObject]:
    return ctx.query("customer", {"test_clock": clock_id})


def _subscriptions(ctx: Context, clock_id: str) -> list[JSONObject]:
    return [
        sub
        for sub in ctx.query("subscription", {"test_clock": clock_id})
        if sub.get("status") not in billing.ENDED_SUBSCRIPTION_STATUSES
    ]


@endpoint("POST", "/v1/test_helpers/test_clocks", permission=PERMISSION)
def create_clock(ctx: Context) -> JSONObject:
    p = ctx.params
    now = ctx.now()
    clock: JSONObject = {
        "id": ctx.new_id("clock"),
        "object": KIND,
        "created": now,
        "deletes_after": now + DELETES_AFTER,
        "frozen_time": _frozen_time(p["frozen_time"]),
        "livemode": False,
        "name": p.get("name") or None,
        "status": "ready",
        "status_details": {},
    }
    if p.get("customer"):
        customer = ctx.load("customer", str(p["customer"]), param="customer", status=400)
        if customer.get("test_clock"):
            # [U] wording. Docs: once attached to a test clock, a customer cannot be removed from it.
            raise errors.invalid_request(
                f"The customer {customer['id']} is already attached to test clock {customer['test_clock']}.",
                param="customer",
            )
        customer["test_clock"] = clock["id"]
        ctx.save(customer)
    ctx.save(clock)
    ctx.emit("test_helpers.test_clock.created", clock)
    return clock


@endpoint("GET", "/v1/test_helpers/test_clocks/{test_clock}", permission=PERMISSION)
def retrieve_clock(ctx: Context) -> JSONObject:
    return _load(ctx)


@endpoint("GET", "/v1/test_helpers/test_clocks", permission=PERMISSION)
def list_clocks(ctx: Context) -> JSONObject:
    return ctx.list_response(KIND, "/v1/test_helpers/test_clocks")


@endpoint("DELETE", "/v1/test_helpers/test_clocks/{test_clock}", permission=PERMISSION)
def delete_clock(ctx: Context) -> JSONObject:
    """Deleting a clock deletes its customers and their subscriptions (docs), and whatever was due on it."""
    from sandbox.resources import subscriptions  # subscriptions needs test clocks only here

    clock = _load(ctx)
    ctx.enter_clock(clock["id"])
    for customer in _customers(ctx, clock["id"]):
        for sub in ctx.query("subscription", {"customer": customer["id"]}):
            if sub.get("status") != "canceled":
                subscriptions.end(ctx, sub, reason="cancellation_requested")
            ctx.delete(sub["id"])
        ctx.save(deleted(customer["id"], "customer"))
        ctx.emit("customer.deleted", customer)
    ctx.store.remove_timeline(clock["id"])
    ctx.delete(clock["id"])
    ctx.emit("test_helpers.test_clock.deleted", clock)
    return deleted(clock["id"], KIND)


@endpoint("POST", "/v1/test_helpers/test_clocks/{test_clock}/advance", permission=PERMISSION)
def advance_clock(ctx: Context) -> JSONObject:
    clock = _load(ctx)
    target = _frozen_time(ctx.params["frozen_time"])
    if clock["status"] == "advancing":
        raise errors.invalid_request(  # [U] wording
            f"The test clock {clock['id']} is already advancing. Wait until its status is `ready` before "
            "advancing it again.",
        )
    if clock["status"] == "internal_failure":
        raise errors.invalid_request(  # docs: "Future requests to advance time will fail." [U] wording
            f"The test clock {clock['id']} failed to advance (status `internal_failure`) and cannot be "
            "advanced again. Create a new test clock.",
        )
    current = int(clock["frozen_time"])
    if target <= current:
        raise errors.invalid_request(  # [U] wording
            f"The test clock's new frozen_time ({target}) must be after its current frozen_time ({current}).",
            param="frozen_time",
        )
    subs = _subscriptions(ctx, clock["id"])
    intervals = sorted(
        {
            (
                str(item["price"]["recurring"]["interval"]),
                int(item["price"]["recurring"].get("interval_count") or 1),
            )
            for sub in subs
            for item in sub["items"]["data"]
        }
    )
    limit = billing.advance_limit(current, intervals)
    if target > limit:
        what = "two years" if not intervals else "two intervals of the shortest subscription on it"
        raise errors.invalid_request(  # [U] wording, after the docs' rule
            f"A test clock cannot advance more than {what}: the latest frozen_time allowed now is {limit} "
            f"(asked for {target}). Advance in smaller steps.",
            param="frozen_time",
        )
    clock["status"] = "advancing"
    clock["status_details"] = {"advancing": {"target_frozen_time": target}}
    ctx.save(clock)
    ctx.enter_clock(clock["id"])
    ctx.emit("test_helpers.test_clock.advancing", clock)
    account, clock_id = ctx.account, clock["id"]
    ctx.after_commit(lambda runtime: runtime.scheduler.advance(account, clock_id, target, _advanced))
    return clock


def _advanced(ctx: Context, ok: bool) -> None:
    """The scheduler applied everything due on the clock up to its target: ready (or internal_failure)."""
    clock = ctx.get(str(ctx.clock))
    if clock is None or clock.get("object") != KIND or clock.get("status") != "advancing":
        return  # deleted while advancing
    target = int(clock["status_details"]["advancing"]["target_frozen_time"])
    clock["frozen_time"] = target
    clock["status"] = "ready" if ok else "internal_failure"
    clock["status_details"] = {}
    ctx.save(clock)
    ctx.emit("test_helpers.test_clock.ready" if ok else "test_helpers.test_clock.internal_failure", clock)
