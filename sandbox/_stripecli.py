"""The Stripe CLI's live connections (``stripe listen``, ``stripe logs tail``) to one running sandbox.

The CLI first asks ``POST /v1/stripecli/sessions`` for a session (``sandbox.resources.stripecli``), then opens
the websocket the session names and waits. What flows on it was captured from CLI 1.52.0 talking to a
recorder (``tests/node/stripe_cli_capture.json`` is that capture and the tests' contract):

- to the CLI, ``webhook_event``: ``{type, webhook_id, webhook_conversation_id, event_payload (the event as
  JSON text), http_headers (what the CLI forwards: Stripe-Signature, Content-Type, User-Agent), endpoint:
  {api_version: null}}``. ``api_version: null`` means "the account's default version"; the CLI drops
  events with any other value unless it runs with ``--latest`` (then it keeps only those), so each event
  goes out twice, for the default and for the latest version;
- to the CLI, ``request_log_event``: ``{type, request_log_id, event_payload: JSON of {created_at, livemode,
  method, request_id, status, url, error: {type, code, decline_code, message, param, charge}}}``;
- from the CLI, ``event_ack`` (``{type, event_id, webhook_id, webhook_conversation_id}``; for a request log
  the ``event_id`` is the ``request_log_id``) and, after forwarding, ``webhook_response`` (``{type,
  forward_url, status, body, http_headers, request_headers, request_body, webhook_id,
  webhook_conversation_id, notification_id}``).

The hub is an event sink: every committed event of an account goes to that account's ``webhooks``
connections, signed with the session's ``whsec_`` exactly as a webhook endpoint's deliveries are
(``sandbox._webhooks``), so ``stripe.Webhook.construct_event`` accepts what the CLI forwards. Connections live
in memory, per sandbox; each has a queue drained by its own task on the server's event loop, so sinks on
other threads never block.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sandbox import _ids
from sandbox._api import DEFAULT_API_VERSION
from sandbox._webhooks import signature_header

log = logging.getLogger("sandbox.stripecli")

SUBPROTOCOL = "stripecli-devproxy-v1"
FEATURES = ("webhooks", "request_logs")
WEBHOOK_USER_AGENT = "Stripe/1.0 (+https://stripe.com/docs/webhooks)"
# The filters `stripe logs tail` sends (its LogFilters, as JSON): each is a list of accepted values.
LOG_FILTERS = (
    "filter_account",
    "filter_ip_address",
    "filter_http_method",
    "filter_request_path",
    "filter_request_status",
    "filter_source",
    "filter_status_code",
    "filter_status_code_type",
)


@dataclass
class Connection:
    """One open websocket of a CLI session."""

    account: str
    websocket_id: str
    feature: str
    secret: str
    filters: Mapping[str, Sequence[str]]
    loop: asyncio.AbstractEventLoop
    queue: asyncio.Queue[str] = field(default_factory=asyncio.Queue)
    acked: list[str] = field(default_factory=list)
    responses: list[dict[str, Any]] = field(default_factory=list)

    def send(self, message: Mapping[str, Any]) -> None:
        """Queue a message from any thread."""
        self.loop.call_soon_threadsafe(self.queue.put_nowait, json.dumps(message))


def webhook_messages(connection: Connection, event: Mapping[str, Any], latest: str) -> list[dict[str, Any]]:
    """The event twice: for the account's default version (``api_version: null``) and for the latest one.
    The CLI keeps the first unless it runs with ``--latest``, then only the second. [U] Both carry the served
    version's shape: the sandbox renders no other."""
    return [webhook_message(connection, event, None), webhook_message(connection, event, latest)]


def webhook_message(
    connection: Connection, event: Mapping[str, Any], api_version: str | None
) -> dict[str, Any]:
    payload = json.dumps(event, indent=2)
    return {
        "type": "webhook_event",
        "webhook_id": connection.websocket_id,
        "webhook_conversation_id": _ids.new_id("wc"),
        "event_payload": payload,
        "http_headers": {
            "Content-Type": "application/json; charset=utf-8",
            "Stripe-Signature": signature_header(connection.secret, payload),
            "User-Agent": WEBHOOK_USER_AGENT,
        },
        "endpoint": {"api_version": api_version},
    }


def request_log_payload(
    method: str, path: str, status: int, body: bytes, request_id: str, created: int
) -> dict[str, Any]:
    """What ``stripe logs tail`` prints for one request; an error's fields come from Stripe's envelope."""
    error: dict[str, Any] = {}
    if status >= 400:
        try:
            envelope = json.loads(body).get("error") or {}
        except (ValueError, AttributeError):
            envelope = {}
        error = {
            name: envelope.get(name) or ""
            for name in ("type", "charge", "code", "decline_code", "message", "param")
        }
    return {
        "created_at": created,
        "livemode": False,
        "method": method,
        "request_id": request_id,
        "status": status,
        "url": path,
        "error": error,
    }


def log_matches(filters: Mapping[str, Sequence[str]], account: str, payload: Mapping[str, Any]) -> bool:
    """``stripe logs tail --filter-…``: every given filter must accept the request (values are ORed)."""
    status = int(payload["status"])
    facts: dict[str, set[str]] = {
        "filter_account": {account},
        "filter_http_method": {str(payload["method"]).upper()},
        "filter_request_path": {str(payload["url"])},
        "filter_request_status": {"failed" if status >= 400 else "succeeded"},
        "filter_source": {"api"},  # everything here comes through the API, nothing from a dashboard
        "filter_status_code": {str(status)},
        # The CLI turns --filter-status-code-type 4XX into "400", the start of the range.
        "filter_status_code_type": {f"{status // 100}00", f"{status // 100}XX"},
        "filter_ip_address": {"127.0.0.1"},  # [U] the sandbox does not track the caller's address
    }
    for name, wanted in filters.items():
        if not wanted:
            continue
        values = {str(v).upper() if name != "filter_request_path" else str(v) for v in wanted}
        have = {v.upper() if name != "filter_request_path" else v for v in facts.get(name, set())}
        if not values & have:
            return False
    return True


class StripeCLIHub:
    """The open CLI connections of one running sandbox, by account (an event sink of its ``Runtime``)."""

    def __init__(self, runtime: Any) -> None:
        self._runtime = runtime
        self._lock = threading.Lock()
        self._connections: list[Connection] = []
        self._latest = DEFAULT_API_VERSION

    def add(self, connection: Connection) -> None:
        with self._lock:
            self._connections.append(connection)

    def remove(self, connection: Connection) -> None:
        with self._lock:
            if connection in self._connections:
                self._connections.remove(connection)

    def connections(self, account: str, feature: str) -> list[Connection]:
        with self._lock:
            return [c for c in self._connections if c.account == account and c.feature == feature]

    # -- the event sink -------------------------------------------------------------------------------

    def publish(self, account: str, events: list[dict[str, Any]]) -> None:
        listeners = self.connections(account, "webhooks")
        for event in events:
            for connection in listeners:
                for message in webhook_messages(connection, event, self._latest):
                    connection.send(message)

    def resend(self, account: str, event: Mapping[str, Any]) -> int:
        """``stripe events resend``: the event again to every listening session of the account."""
        listeners = self.connections(account, "webhooks")
        for connection in listeners:
            for message in webhook_messages(connection, event, self._latest):
                connection.send(message)
        return len(listeners)

    # -- the request log --------------------------------------------------------------------------------

    def request_finished(
        self,
        headers: Mapping[str, str],
        method: str,
        path: str,
        status: int,
        body: bytes,
        response_headers: Mapping[str, str],
    ) -> None:
        with self._lock:
            tailing = any(c.feature == "request_logs" for c in self._connections)
        if not tailing or path.startswith("/v1/stripecli/"):
            return
        try:
            account = self._runtime.authenticate(headers.get("authorization")).account
        except Exception:
            return  # a request without a valid key belongs to no account's log
        payload = request_log_payload(
            method, path, status, body, str(response_headers.get("Request-Id", "")), int(time.time())
        )
        for connection in self.connections(account, "request_logs"):
            if log_matches(connection.filters, account, payload):
                connection.send(
                    {
                        "type": "request_log_event",
                        "request_log_id": _ids.new_id("resp"),
                        "event_payload": json.dumps(payload),
                    }
                )

    # -- what the CLI says ----------------------------------------------------------------------------

    @staticmethod
    def received(connection: Connection, text: str) -> None:
        """An ``event_ack`` or a ``webhook_response`` (the forward target's answer, which the CLI prints)."""
        try:
            message = json.loads(text)
        except ValueError:
            log.debug("malformed message from the Stripe CLI: %r", text[:200])
            return
        if not isinstance(message, dict):
            return
        if message.get("type") == "event_ack":
            connection.acked.append(str(message.get("event_id")))
        elif message.get("type") == "webhook_response":
            connection.responses.append(
                {k: message.get(k) for k in ("forward_url", "status", "notification_id")}
            )
            del connection.responses[:-100]
        del connection.acked[:-100]


def hub_of(runtime: Any) -> StripeCLIHub | None:
    for sink in getattr(runtime, "sinks", []):
        if isinstance(sink, StripeCLIHub):
            return sink
    return None
