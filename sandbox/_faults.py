"""Fault injection: make an account's next API requests fail the ways a real network and a real Stripe do.

Retries, idempotency keys and error messages are only trustworthy if they are exercised, and real Stripe
cannot be asked to fail on demand. So a test (or a curious person) arms faults for *its own* account::

    POST   /_sandbox/faults   Authorization: Bearer sk_test_…
           {"mode": "500" | "429" | "timeout" | "drop", "count": N, "path_prefix": "/v1/products"}
    DELETE /_sandbox/faults   clears every armed fault of the account

and the next ``count`` /v1 requests of that account whose path starts with ``path_prefix`` (default: any):

- ``500``: answer Stripe's ``api_error`` envelope (HTTP 500). The SDK retries it (same Idempotency-Key).
- ``429``: answer Stripe's rate-limit error (HTTP 429, ``code: rate_limit``). The SDK does not retry it.
- ``timeout``: hold the request without answering for ``seconds`` (default 35, longer than the app's 30 s
  read timeout) or until the client gives up, then close the connection. Nothing is carried out.
- ``drop``: carry the request out, then close the connection before the answer is sent: the "lost response"
  case idempotency keys exist for. A retry with the same key gets the stored answer, not a second object.

The wrapper sits outside the app (``wrap``), so the request pipeline itself is untouched, and it costs one
dict lookup per request while no fault is armed anywhere. Faults live in the running server only (memory),
scoped to the account whose secret key armed them: one account can never make another's requests fail.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Final

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sandbox import _errors as errors
from sandbox import _ids

__all__ = ["FAULTS_PATH", "MODES", "Fault", "FaultInjector", "wrap"]

FAULTS_PATH: Final = "/_sandbox/faults"
MODES: Final = ("500", "429", "timeout", "drop")
MAX_COUNT: Final = 1000
DEFAULT_HANG_S: Final = 35.0
MAX_HANG_S: Final = 120.0

log = logging.getLogger("sandbox.faults")

# Stripe's rate-limit answer (facts: `Request rate limit exceeded`, code rate_limit, modern status 429) [O].
RATE_LIMIT_MESSAGE: Final = (
    "Request rate limit exceeded. You can learn more about rate limits here "
    "https://stripe.com/docs/rate-limits."
)
# Stripe's api_error text for an unexplained server failure [U: Stripe words it this way in its docs].
API_ERROR_MESSAGE: Final = "An unknown error occurred while processing the request (injected sandbox fault)."


@dataclass
class Fault:
    """One armed fault: ``remaining`` more requests under ``path_prefix`` get ``mode``."""

    mode: str
    remaining: int
    path_prefix: str = "/v1/"
    seconds: float = DEFAULT_HANG_S


class FaultInjector:
    """The ASGI wrapper: serves the control endpoint and applies armed faults to /v1 requests."""

    def __init__(self, app: ASGIApp, runtime: Any) -> None:
        self.app = app
        self.runtime = runtime
        self._faults: dict[str, list[Fault]] = {}
        self._lock = threading.Lock()

    def __getattr__(self, name: str) -> Any:
        # Callers of build_app() use ``.state`` and ``.runtime``; keep them reachable through the wrapper.
        return getattr(self.app, name)

    # --- arming ------------------------------------------------------------------------------------------

    def arm(self, account: str, fault: Fault) -> None:
        with self._lock:
            self._faults.setdefault(account, []).append(fault)

    def clear(self, account: str) -> int:
        with self._lock:
            return sum(f.remaining for f in self._faults.pop(account, []))

    def armed(self, account: str) -> list[Fault]:
        with self._lock:
            return [
                Fault(f.mode, f.remaining, f.path_prefix, f.seconds) for f in self._faults.get(account, [])
            ]

    def _take(self, account: str, path: str) -> Fault | None:
        with self._lock:
            faults = self._faults.get(account)
            if not faults:
                return None
            for fault in faults:
                if path.startswith(fault.path_prefix):
                    fault.remaining -= 1
                    if fault.remaining <= 0:
                        faults.remove(fault)
                    if not faults:
                        del self._faults[account]
                    return fault
            return None

    # --- ASGI --------------------------------------------------------------------------------------------

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        if path == FAULTS_PATH:
            await self._control(scope, receive, send)
            return
        if not self._faults or not path.startswith("/v1/"):
            await self.app(scope, receive, send)
            return
        account = await asyncio.to_thread(self._account, _header(scope, b"authorization"))
        fault = self._take(account, path) if account else None
        if fault is None:
            await self.app(scope, receive, send)
            return
        log.info("injected fault %s on %s %s", fault.mode, scope["method"], path)
        if fault.mode == "500":
            await _send_error(send, errors.StripeError(500, API_ERROR_MESSAGE, type="api_error"))
        elif fault.mode == "429":
            error = errors.StripeError(429, RATE_LIMIT_MESSAGE, code="rate_limit")
            await _send_error(send, error)
        elif fault.mode == "timeout":
            await _hang(receive, fault.seconds)
            await _drop(send)
        else:  # drop: carry the request out, lose the answer
            await self.app(scope, receive, _swallow)
            await _drop(send)

    def _account(self, authorization: str | None) -> str | None:
        try:
            return str(self.runtime.authenticate(authorization).account)
        except errors.StripeError:
            return None  # the app itself answers the authentication error

    async def _control(self, scope: Scope, receive: Receive, send: Send) -> None:
        method = scope["method"]
        try:
            if method not in ("POST", "DELETE", "GET"):
                raise errors.StripeError(405, f"Use POST, GET or DELETE on {FAULTS_PATH}.")
            auth = await asyncio.to_thread(self.runtime.secret_auth, _header(scope, b"authorization"))
            account = str(auth.account)
            body = await _read_body(receive)
            if method == "DELETE":
                cleared = self.clear(account)
                await _send_json(send, 200, {"account": account, "cleared": cleared, "faults": []})
                return
            if method == "POST":
                self.arm(account, parse_fault(body))
            faults = [
                {"mode": f.mode, "remaining": f.remaining, "path_prefix": f.path_prefix}
                for f in self.armed(account)
            ]
            await _send_json(send, 200, {"account": account, "faults": faults})
        except errors.StripeError as error:
            await _send_error(send, error)


def parse_fault(body: bytes) -> Fault:
    """The control endpoint's JSON body as a :class:`Fault`, or a 400 that says exactly what to send."""
    usage = (
        'Send {"mode": "500" | "429" | "timeout" | "drop", "count": N} with 1 <= N <= '
        f'{MAX_COUNT}, and optionally "path_prefix": "/v1/…" and (timeout only) "seconds".'
    )
    try:
        payload = json.loads(body or b"{}")
    except (ValueError, UnicodeDecodeError) as exc:
        raise errors.invalid_request("The request body must be a JSON object. " + usage) from exc
    if not isinstance(payload, dict):
        raise errors.invalid_request("The request body must be a JSON object. " + usage)
    mode = payload.get("mode")
    if not isinstance(mode, str) or mode not in MODES:
        raise errors.invalid_request(f"Unknown fault mode {mode!r}. " + usage, param="mode")
    count = payload.get("count", 1)
    if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= MAX_COUNT:
        raise errors.invalid_request(f"Invalid count {count!r}. " + usage, param="count")
    prefix = payload.get("path_prefix", "/v1/")
    if not isinstance(prefix, str) or not prefix.startswith("/v1/"):
        raise errors.invalid_request(
            f"Invalid path_prefix {prefix!r}: it must start with /v1/ (e.g. /v1/products). " + usage,
            param="path_prefix",
        )
    seconds = payload.get("seconds", DEFAULT_HANG_S)
    if not isinstance(seconds, int | float) or isinstance(seconds, bool) or not 0 < seconds <= MAX_HANG_S:
        raise errors.invalid_request(
            f"Invalid seconds {seconds!r}: 0 < seconds <= {MAX_HANG_S:g}. " + usage, param="seconds"
        )
    return Fault(mode, count, prefix, float(seconds))


def wrap(app: ASGIApp, runtime: Any) -> FaultInjector:
    """``app`` behind the fault injector (``sandbox.start`` serves this)."""
    return FaultInjector(app, runtime)


# --- raw ASGI helpers ------------------------------------------------------------------------------------


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key.lower() == name:
            return bytes(value).decode("latin-1")
    return None


async def _read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


async def _send_json(
    send: Send, status: int, payload: dict[str, Any], extra: dict[str, str] | None = None
) -> None:
    body = json.dumps(payload).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    headers += [(k.lower().encode(), v.encode("latin-1")) for k, v in (extra or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _send_error(send: Send, error: errors.StripeError) -> None:
    request_id = _ids.new_id("req")
    await _send_json(send, error.status, error.body(request_id), {"Request-Id": request_id, **error.headers})


async def _swallow(message: Message) -> None:
    """The inner app's answer to a request whose connection is about to be dropped goes nowhere."""


async def _hang(receive: Receive, seconds: float) -> None:
    """Wait ``seconds`` or until the client disconnects, whichever comes first."""
    await _read_body(receive)

    async def disconnected() -> None:
        while (await receive())["type"] != "http.disconnect":
            pass

    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(disconnected(), timeout=seconds)


async def _drop(send: Send) -> None:
    """Close the TCP connection without an HTTP answer, so the client sees a connection error (which the
    SDK retries), not a status code. uvicorn's ``send`` is a method of the connection's request cycle, which
    holds the transport; without one, a truncated answer makes uvicorn close the connection instead."""
    cycle = getattr(send, "__self__", None)
    transport = getattr(cycle, "transport", None)
    close: Callable[[], None] | None = getattr(transport, "close", None)
    if close is not None:
        close()
        for _ in range(3):  # let connection_lost run, so uvicorn knows the client is gone
            await asyncio.sleep(0)
        return
    start: Awaitable[None] = send(
        {"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"1000000")]}
    )
    await start
