"""Signed webhook delivery: Stripe's signature scheme and a dispatcher that POSTs events off the request path.

Why a dispatcher of its own: the API call that caused an event must never wait for, or fail because of,
the receiver. Events are queued after the request's transaction commits and a few worker threads deliver
them, retrying failures with exponential backoff. Every attempt is recorded so a developer can see in the
control API exactly what their endpoint answered.

Only loopback receivers are contacted unless the operator allow-lists another host: a sandbox that anybody
can point at any URL is an open HTTP relay (SSRF), so everything else is recorded as refused, with the reason.
"""

from __future__ import annotations

import hashlib
import heapq
import hmac
import ipaddress
import itertools
import json
import logging
import secrets
import string
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

log = logging.getLogger("sandbox.webhooks")

SIGNATURE_SCHEME = "v1"
# Stripe's own deliveries identify themselves like this.
USER_AGENT = "Stripe/1.0 (+https://stripe.com/docs/webhooks)"
CONTENT_TYPE = "application/json; charset=utf-8"
SECRET_PREFIX = "whsec_"  # noqa: S105 - the prefix of every signing secret, not a secret
_BASE62 = string.ascii_letters + string.digits


def new_endpoint_secret() -> str:
    """A fresh signing secret shaped like Stripe's (``whsec_`` + 32 random base62 characters)."""
    return SECRET_PREFIX + "".join(secrets.choice(_BASE62) for _ in range(32))


def compute_signature(secret: str, timestamp: int, payload: str) -> str:
    """Stripe's v1 signature: hex HMAC-SHA256 keyed with the WHOLE secret (``whsec_`` included)
    over ``"{timestamp}.{payload}"``, the payload being the exact body that is sent."""
    message = f"{timestamp}.{payload}".encode()
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def signature_header(secret: str, payload: str, timestamp: int | None = None) -> str:
    """The ``Stripe-Signature`` header value: ``t=…,v1=…,v0=…``.

    Stripe adds a meaningless ``v0`` signature to test-mode deliveries; it is reproduced (keyed with a
    throwaway secret) so receivers learn to ignore every scheme but v1.
    """
    t = int(time.time()) if timestamp is None else timestamp
    v1 = compute_signature(secret, t, payload)
    v0 = compute_signature(secrets.token_hex(16), t, payload)
    return f"t={t},{SIGNATURE_SCHEME}={v1},v0={v0}"


def event_matches(enabled_events: Sequence[str], event_type: str) -> bool:
    """Whether an endpoint listening to ``enabled_events`` receives an event of ``event_type``."""
    return "*" in enabled_events or event_type in enabled_events


def delivery_refusal(url: str, allow_hosts: Iterable[str]) -> str | None:
    """Why the sandbox will not POST to ``url`` (``None`` when it will).

    Loopback hosts (127.0.0.0/8, ::1, localhost) are always allowed; anything else only when its host is in
    ``allow_hosts`` (exact, case-insensitive; ``*`` allows every host).
    """
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
    except ValueError:
        return f"{url!r} is not a valid URL."
    if parts.scheme not in ("http", "https") or not host:
        return f"{url!r} is not an http(s) URL with a host."
    allowed = {h.strip().lower().strip("[]") for h in allow_hosts if h.strip()}
    if "*" in allowed or host in allowed or host == "localhost":
        return None
    try:
        if ipaddress.ip_address(host).is_loopback:
            return None
    except ValueError:
        pass
    return (
        f"Host {host!r} is not a loopback address. The sandbox only delivers webhooks to 127.0.0.0/8, ::1 "
        f"and localhost unless the host is allow-listed: start it with --allow-webhook-host {host} "
        f"(or sandbox.start(allow_webhook_hosts=[{host!r}]))."
    )


@dataclass(frozen=True)
class EndpointTarget:
    """What the dispatcher needs to know about one webhook endpoint at the moment an event happens."""

    id: str
    url: str
    secret: str = field(repr=False)  # a whsec never appears in a repr or a log line
    enabled_events: tuple[str, ...]
    enabled: bool = True

    def wants(self, event_type: str) -> bool:
        return self.enabled and event_matches(self.enabled_events, event_type)


EndpointLookup = Callable[[str], Sequence[EndpointTarget]]
"""Given an account id, its webhook endpoints (read from the store by the app that owns the dispatcher)."""
DeliveredCallback = Callable[[str, str], None]
"""Called with (account, event id) the first time an event reaches one of its endpoints."""


@dataclass
class DeliveryAttempt:
    attempt: int
    started_at: float
    duration_ms: int
    status_code: int | None
    error: str | None
    response_body: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "attempt": self.attempt,
            "created": int(self.started_at),
            "duration_ms": self.duration_ms,
            "status_code": self.status_code,
            "error": self.error,
            "response_body": self.response_body,
        }


@dataclass
class Delivery:
    """One event sent to one endpoint, with every attempt made so far."""

    id: str
    account: str
    event_id: str
    event_type: str
    endpoint: EndpointTarget
    payload: str = field(repr=False)
    created: float
    status: str = "pending"  # pending -> succeeded | failed; or refused without any attempt
    refused_reason: str | None = None
    attempts: list[DeliveryAttempt] = field(default_factory=list)
    next_attempt_at: float | None = None
    redelivery_of: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "object": "sandbox.webhook_delivery",
            "created": int(self.created),
            "event": self.event_id,
            "event_type": self.event_type,
            "webhook_endpoint": self.endpoint.id,
            "url": self.endpoint.url,
            "status": self.status,
            "refused_reason": self.refused_reason,
            "attempt_count": len(self.attempts),
            "attempts": [a.to_dict() for a in self.attempts],
            "next_attempt_at": None if self.next_attempt_at is None else int(self.next_attempt_at),
            "redelivery_of": self.redelivery_of,
        }


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Stripe treats a redirect as a failed delivery; following it would also escape the host rule."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _opener() -> urllib.request.OpenerDirector:
    # No proxies: an HTTP(S)_PROXY in the environment must not capture loopback deliveries.
    return urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect())


@dataclass(frozen=True)
class RetryPolicy:
    """Attempt ``max_attempts`` times in all, waiting ``base_delay * 2**(n-1)`` seconds after failure n.

    Stripe's sandbox retries a few times over hours; the defaults here are short because a local
    playground wants to see the outcome, and tests pass tiny delays.
    """

    max_attempts: int = 4
    base_delay: float = 5.0
    timeout: float = 10.0

    def delay_after(self, failed_attempt: int) -> float:
        return float(self.base_delay * (2 ** (failed_attempt - 1)))


_MAX_KEPT = 5000
_BODY_KEPT = 1000


class WebhookDispatcher:
    """Delivers events to the matching webhook endpoints of their account, off the request path.

    It is an event sink: the app calls :meth:`publish` after each request's transaction commits. Deliveries
    live in memory, per app (per sandbox instance), and are visible through :meth:`deliveries`.
    """

    def __init__(
        self,
        endpoints_for: EndpointLookup,
        *,
        allow_hosts: Iterable[str] = (),
        retry: RetryPolicy | None = None,
        workers: int = 3,
        on_delivered: DeliveredCallback | None = None,
    ) -> None:
        self._endpoints_for = endpoints_for
        self._on_delivered = on_delivered
        self._delivered: set[tuple[str, str]] = set()  # (event id, endpoint id) that succeeded once
        self.allow_hosts: tuple[str, ...] = tuple(allow_hosts)
        self.retry = retry or RetryPolicy()
        self._lock = threading.Condition()
        self._queue: list[tuple[float, int, str]] = []  # (due, seq, delivery id)
        self._seq = itertools.count()
        self._deliveries: dict[str, Delivery] = {}
        self._in_flight = 0
        self._closed = False
        self._opener = _opener()
        self._workers = max(1, workers)
        self._threads: list[threading.Thread] = []  # started with the first delivery

    def _ensure_workers(self) -> None:
        """Start the worker threads on first use (called with the lock held): a sandbox whose accounts have
        no webhook endpoint never runs them."""
        if self._threads or self._closed:
            return
        for i in range(self._workers):
            thread = threading.Thread(target=self._work, name=f"sandbox-webhooks-{i}", daemon=True)
            thread.start()
            self._threads.append(thread)

    # -- the event sink -------------------------------------------------------------------------------

    def publish(self, account: str, events: Sequence[Mapping[str, Any]]) -> None:
        """Queue every event for each endpoint that listens to it. Never blocks on the network."""
        if not events:
            return
        try:
            endpoints = list(self._endpoints_for(account))
        except Exception:  # a broken lookup must not break the request that already committed
            endpoints = []
        for event in events:
            event_type = str(event.get("type", ""))
            targets = [e for e in endpoints if e.wants(event_type)]
            if not targets:
                continue
            payload = json.dumps(event, indent=2)
            for target in targets:
                self._start(account, str(event.get("id", "")), event_type, target, payload, None)

    # -- the control API ------------------------------------------------------------------------------

    def deliveries(self, account: str) -> list[dict[str, Any]]:
        """This account's deliveries, newest first."""
        with self._lock:
            mine = [d for d in self._deliveries.values() if d.account == account]
            mine.sort(key=lambda d: (d.created, d.id), reverse=True)
            return [d.to_dict() for d in mine]

    def delivery(self, account: str, delivery_id: str) -> dict[str, Any] | None:
        with self._lock:
            found = self._deliveries.get(delivery_id)
            return found.to_dict() if found is not None and found.account == account else None

    def redeliver(self, account: str, delivery_id: str) -> dict[str, Any] | None:
        """Send the same event again to the endpoint as it is configured now (a new delivery record).

        ``None`` when the delivery is not this account's; ``LookupError`` when its endpoint was deleted.
        """
        with self._lock:
            original = self._deliveries.get(delivery_id)
            if original is None or original.account != account:
                return None
        current = {e.id: e for e in self._endpoints_for(account)}.get(original.endpoint.id)
        if current is None:
            raise LookupError(f"The webhook endpoint {original.endpoint.id} no longer exists.")
        created = self._start(
            account, original.event_id, original.event_type, current, original.payload, original.id
        )
        return created.to_dict()

    def wait_idle(self, timeout: float = 5.0) -> bool:
        """Block until nothing is queued or in flight (retries included). For orderly shutdown and tests."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while self._queue or self._in_flight:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._lock.wait(left)
            return True

    def wait_delivered(self, account: str, event_id: str, timeout: float) -> bool:
        """Wait (at most ``timeout`` s) until the first attempt of every delivery of an event has finished;
        True when each endpoint accepted it (or none wanted it). The scheduler's delivery gate: Stripe
        finalizes a subscription's invoice only once ``invoice.created`` was delivered."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                mine = [
                    d
                    for d in self._deliveries.values()
                    if d.account == account and d.event_id == event_id and d.redelivery_of is None
                ]
                if all(d.status != "pending" or d.attempts for d in mine):
                    return all(d.status == "succeeded" for d in mine)
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._lock.wait(left)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._lock.notify_all()
        for thread in list(self._threads):
            thread.join(timeout=2.0)

    # -- internals ------------------------------------------------------------------------------------

    def _start(
        self,
        account: str,
        event_id: str,
        event_type: str,
        target: EndpointTarget,
        payload: str,
        redelivery_of: str | None,
    ) -> Delivery:
        now = time.time()
        delivery = Delivery(
            id="whdel_" + "".join(secrets.choice(_BASE62) for _ in range(24)),
            account=account,
            event_id=event_id,
            event_type=event_type,
            endpoint=target,
            payload=payload,
            created=now,
            redelivery_of=redelivery_of,
        )
        refusal = delivery_refusal(target.url, self.allow_hosts)
        with self._lock:
            self._deliveries[delivery.id] = delivery
            self._prune()
            if refusal is not None:
                delivery.status = "refused"
                delivery.refused_reason = refusal
            else:
                delivery.next_attempt_at = now
                heapq.heappush(self._queue, (time.monotonic(), next(self._seq), delivery.id))
                self._ensure_workers()
                self._lock.notify()
        return delivery

    def _prune(self) -> None:
        if len(self._deliveries) <= _MAX_KEPT:
            return
        done = sorted(
            (d for d in self._deliveries.values() if d.status != "pending"), key=lambda d: d.created
        )
        for old in done[: len(self._deliveries) - _MAX_KEPT]:
            del self._deliveries[old.id]

    def _work(self) -> None:
        while True:
            with self._lock:
                while not self._closed:
                    if self._queue and self._queue[0][0] <= time.monotonic():
                        break
                    timeout = self._queue[0][0] - time.monotonic() if self._queue else None
                    self._lock.wait(timeout)
                if self._closed:
                    return
                _, _, delivery_id = heapq.heappop(self._queue)
                delivery = self._deliveries.get(delivery_id)
                if delivery is None:
                    continue
                self._in_flight += 1
            try:
                self._attempt(delivery)
            finally:
                with self._lock:
                    self._in_flight -= 1
                    self._lock.notify_all()

    def _attempt(self, delivery: Delivery) -> None:
        number = len(delivery.attempts) + 1
        headers = {
            "Content-Type": CONTENT_TYPE,
            "User-Agent": USER_AGENT,
            "Accept": "*/*; q=0.5, application/xml",
            "Cache-Control": "no-cache",
            "Stripe-Signature": signature_header(delivery.endpoint.secret, delivery.payload),
        }
        # S310: only http(s) URLs get here; delivery_refusal() refused every other scheme.
        request = urllib.request.Request(  # noqa: S310
            delivery.endpoint.url, data=delivery.payload.encode("utf-8"), headers=headers, method="POST"
        )
        started = time.time()
        clock = time.monotonic()
        status: int | None = None
        error: str | None = None
        body: str | None = None
        try:
            with self._opener.open(request, timeout=self.retry.timeout) as response:
                status = int(response.status)
                body = response.read(_BODY_KEPT).decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:
            status = int(exc.code)
            try:
                body = exc.read(_BODY_KEPT).decode("utf-8", "replace")
            except Exception:
                body = None
            error = f"HTTP {exc.code}" + (" (redirects are not followed)" if 300 <= exc.code < 400 else "")
        except TimeoutError:
            error = f"Timed out after {self.retry.timeout:g} s"
        except urllib.error.URLError as exc:
            error = f"Could not connect: {exc.reason}"
        except OSError as exc:
            error = f"Could not connect: {exc}"
        took = int((time.monotonic() - clock) * 1000)
        ok = status is not None and 200 <= status < 300
        first_success = False
        with self._lock:
            delivery.attempts.append(DeliveryAttempt(number, started, took, status, error, body))
            if ok:
                delivery.status = "succeeded"
                delivery.next_attempt_at = None
                pair = (delivery.event_id, delivery.endpoint.id)
                first_success = pair not in self._delivered
                self._delivered.add(pair)
            elif number >= self.retry.max_attempts:
                delivery.status = "failed"
                delivery.next_attempt_at = None
            else:
                wait = self.retry.delay_after(number)
                delivery.next_attempt_at = time.time() + wait
                heapq.heappush(self._queue, (time.monotonic() + wait, next(self._seq), delivery.id))
                self._lock.notify()
        if first_success and self._on_delivered is not None:
            try:
                self._on_delivered(delivery.account, delivery.event_id)
            except Exception:  # bookkeeping must never stop deliveries
                log.exception("could not record the delivery of %s", delivery.event_id)
