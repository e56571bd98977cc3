"""Time in the sandbox: what falls due later, on the wall clock or on a test clock, and the one scheduler that
applies it.

Why one engine for both: Stripe's billing timeline (trials ending, renewals, finalization an hour after an
invoice is created, payment retries) must behave the same whether a developer advances a test clock by a month
or leaves the sandbox running for a month. So everything that happens later is a **job**: *do ``action`` to
``target`` for this account at time T, on this timeline*. A timeline is a test clock (its id) or the wall
clock (``""``, the real time plus the account's test offset).

The API resource modules use::

    @scheduler.handler("invoice.advance")
    def advance_invoice(ctx: Context, job: scheduler.Job) -> None:
        ...                                 # ctx.now() == job.due, ctx.clock == the job's test clock or None

    scheduler.schedule(ctx, "invoice.advance", at=ctx.now() + 3600, target=invoice["id"])
    scheduler.unschedule(ctx, invoice["id"])        # every job of that target (or one action of it)

``schedule`` puts the job on the timeline of ``ctx`` (the test clock the request works on, else the wall
clock). The scheduler applies each job in its own transaction, with the context's time pinned to the job's due
time, and publishes its events after it commits, so webhooks go out as each step happens. Jobs of one timeline
run strictly in ``(due, scheduled first)`` order, one at a time; a job may schedule more jobs, and those that
fall due before the timeline's target run in the same catch-up.

When it runs: each ``/v1`` request first catches up its account's wall-clock timeline, a background thread
does the same for accounts nobody calls (a sandbox left running for a week behaves like Stripe over that
week), and a test clock's timeline only moves when the clock is advanced (:meth:`Scheduler.advance`,
asynchronous like Stripe's). Tests never sleep: they move an account's wall clock with :meth:`Scheduler.shift`
(control API ``POST /_sandbox/time``) or advance a test clock, then :meth:`Scheduler.wait_idle`.

A job may name an event (``await_event``): before applying it the scheduler waits, outside any transaction and
for at most :data:`DELIVERY_WAIT` seconds of real time, until that event's first webhook delivery attempts
have finished, and tells the handler whether every endpoint accepted it (``job.delivered``). Invoices use it
to wait for ``invoice.created`` as Stripe does.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sandbox._api import REGISTRY, Context
from sandbox._store import WALL, JobRow, JSONObject

log = logging.getLogger("sandbox.scheduler")

JobHandler = Callable[[Context, "Job"], None]
DeliveryGate = Callable[[str, str, float], bool]
"""(account, event id, timeout) -> whether every webhook endpoint that wanted the event accepted it."""
DELIVERY_WAIT = 5.0  # [U] real seconds a job waits for the first delivery attempts of the event it awaits
POLL = 1.0  # real seconds between two looks at the accounts' wall-clock jobs


@dataclass(frozen=True)
class Job:
    action: str
    target: str
    due: int
    clock: str | None
    data: Mapping[str, Any]
    delivered: bool | None = None  # set when the job awaited an event: did every endpoint accept it?


def handler(action: str) -> Callable[[JobHandler], JobHandler]:
    """Register what a job of ``action`` does (at import time, like ``@endpoint``)."""

    def register(fn: JobHandler) -> JobHandler:
        REGISTRY.jobs[action] = fn
        return fn

    return register


def schedule(
    ctx: Context,
    action: str,
    *,
    at: int,
    target: str,
    data: Mapping[str, Any] | None = None,
    await_event: str | None = None,
) -> None:
    """Do ``action`` to ``target`` at ``at`` on the timeline ``ctx`` lives on (its test clock, else the wall
    clock). Stored in the request's transaction: a request that fails schedules nothing."""
    if action not in REGISTRY.jobs:
        raise KeyError(f"no job handler registered for {action!r}")
    payload: JSONObject = dict(data or {})
    if await_event:
        payload["_await_event"] = await_event
    ctx.store.add_job(ctx.clock or WALL, int(at), action, target, payload)


def unschedule(ctx: Context, target: str, action: str | None = None) -> None:
    """Forget the jobs of ``target`` (only those of ``action`` if given)."""
    ctx.store.remove_jobs(target, action)


def scheduled(ctx: Context, target: str) -> list[tuple[str, int]]:
    """``(action, due)`` of every job of ``target``, soonest first (tests and the control API read it)."""
    return [(row.action, row.due) for row in ctx.store.jobs_of(target)]


@dataclass
class _Advance:
    account: str
    clock: str
    until: int
    then: Callable[[Context, bool], None]  # called pinned at ``until``; False when a job failed


class Scheduler:
    """The one scheduler of a running sandbox (one per ``Runtime``)."""

    def __init__(self, runtime: Any) -> None:
        self._runtime = runtime
        self.delivery_gate: DeliveryGate | None = None  # the webhook dispatcher sets it
        self._offsets: dict[str, int] = {}
        self._locks: dict[tuple[str, str], threading.Lock] = {}
        self._guard = threading.Lock()
        self._wake = threading.Condition()
        self._advances: deque[_Advance] = deque()
        self._busy = 0
        self._closed = False
        self._thread = threading.Thread(target=self._loop, name="sandbox-scheduler", daemon=True)
        self._thread.start()

    # --- time -------------------------------------------------------------------------------------------

    def now(self, account: str) -> float:
        """The account's wall clock: real time plus the offset tests moved it by."""
        return time.time() + self._offsets.get(account, 0)

    def shift(self, account: str, seconds: int, *, catch_up: bool = True) -> int:
        """Move the account's wall clock forward by ``seconds`` and apply what fell due (else the next request
        or the background thread does); returns the account's new time."""
        if seconds < 0:
            raise ValueError("the wall clock only moves forward")
        self._offsets[account] = self._offsets.get(account, 0) + int(seconds)
        if catch_up:
            self.catch_up(account)
        else:
            with self._wake:
                self._wake.notify_all()
        return int(self.now(account))

    # --- running jobs -----------------------------------------------------------------------------------

    def _lock(self, account: str, timeline: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault((account, timeline), threading.Lock())

    def catch_up(self, account: str) -> int:
        """Apply the account's wall-clock jobs that are due; cheap when none is (no query)."""
        due = self._runtime.store.wall_due(account)
        if due is None or due > self.now(account):
            return 0
        try:
            return self.run_due(account, WALL, lambda: int(self.now(account)))
        except JobFailed:
            return 0  # logged; the jobs after it run on the next catch-up
        finally:
            self._runtime.store.refresh_wall_due(account)

    def run_due(self, account: str, timeline: str, until: Callable[[], int]) -> int:
        """Apply every job of ``timeline`` due at or before ``until()``, in order; returns how many. A job
        that raises is dropped (logged), and :class:`JobFailed` raised once the jobs before it committed."""
        applied = 0
        with self._lock(account, timeline):
            while True:
                with self._runtime.store.transaction(account) as tx:
                    row = tx.next_job(timeline, until())
                if row is None:
                    return applied
                delivered = self._await(account, row)
                try:
                    with self._runtime.context(account) as ctx:
                        ctx.store.pop_job(row.seq)
                        ctx.pin_time(row.due, timeline or None)
                        REGISTRY.jobs[row.action](ctx, _job(row, delivered))
                except Exception as exc:
                    log.exception("job %s for %s failed", row.action, row.target)
                    with self._runtime.store.transaction(account) as tx:
                        tx.pop_job(row.seq)
                    raise JobFailed(row.action, row.target) from exc
                applied += 1

    def _await(self, account: str, row: JobRow) -> bool | None:
        event_id = row.data.get("_await_event")
        if not event_id:
            return None
        if not self._runtime.store.may_have_webhook_endpoints(account):
            return True  # no endpoint ever: nothing to wait for (and no query, no lock)
        self._runtime.drain(DELIVERY_WAIT)  # the event must have reached the webhook dispatcher
        if self.delivery_gate is None:
            return True
        return self.delivery_gate(account, str(event_id), DELIVERY_WAIT)

    # --- test clocks ------------------------------------------------------------------------------------

    def advance(self, account: str, clock: str, until: int, then: Callable[[Context, bool], None]) -> None:
        """Apply the clock's jobs up to ``until`` on the scheduler's thread, then ``then(ctx, ok)`` pinned at
        ``until`` (the clock becomes ready, or ``internal_failure`` when a job failed)."""
        with self._wake:
            self._advances.append(_Advance(account, clock, until, then))
            self._wake.notify_all()

    def forget_clock(self, ctx: Context, clock: str) -> None:
        ctx.store.remove_timeline(clock)

    def _run_advance(self, item: _Advance) -> None:
        ok = True
        try:
            self.run_due(item.account, item.clock, lambda: item.until)
        except JobFailed:
            ok = False
        with self._runtime.context(item.account) as ctx:
            ctx.pin_time(item.until, item.clock)
            item.then(ctx, ok)

    # --- the background thread --------------------------------------------------------------------------

    def _loop(self) -> None:
        while True:
            with self._wake:
                while not self._closed and not self._advances and not self._wall_work():
                    self._wake.wait(POLL)
                if self._closed:
                    return
                item = self._advances.popleft() if self._advances else None
                self._busy += 1
            try:
                if item is not None:
                    self._run_advance(item)
                else:
                    for account, due in self._runtime.store.accounts_with_wall_jobs():
                        if due <= self.now(account):
                            self.catch_up(account)
            except Exception:
                log.exception("the scheduler failed to apply due jobs")
            finally:
                with self._wake:
                    self._busy -= 1
                    self._wake.notify_all()

    def _wall_work(self) -> bool:
        return any(due <= self.now(a) for a, due in self._runtime.store.accounts_with_wall_jobs())

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Block until no advance is queued or running and no wall-clock job is due (tests use it)."""
        deadline = time.monotonic() + timeout
        with self._wake:
            while self._advances or self._busy or self._wall_work():
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._wake.notify_all()
                self._wake.wait(min(left, 0.05))
        return bool(self._runtime.drain(max(deadline - time.monotonic(), 0.1)))

    def close(self) -> None:
        with self._wake:
            self._closed = True
            self._wake.notify_all()
        self._thread.join(timeout=5)


class JobFailed(Exception):
    def __init__(self, action: str, target: str) -> None:
        super().__init__(f"job {action} for {target} failed")


def _job(row: JobRow, delivered: bool | None) -> Job:
    data = {k: v for k, v in row.data.items() if k != "_await_event"}
    return Job(row.action, row.target, row.due, row.timeline or None, data, delivered)
