"""The Stripe CLI's private endpoints: ``stripe listen``, ``stripe logs tail`` and ``stripe events resend``.

- ``POST /v1/stripecli/sessions`` (form: ``device_name``, ``websocket_features[]`` = ``webhooks`` or
  ``request_logs``, ``filters`` as JSON for logs, ``forward_*_url``) answers the session the CLI reads:
  ``websocket_url``, ``websocket_id``, ``websocket_authorized_feature``, ``reconnect_delay``, ``secret``
  (the ``whsec_`` that ``stripe listen`` prints; the same for one device of one account every time, as on
  Stripe, so a receiver's configured secret keeps working), ``default_version``, ``latest_version``,
  ``display_connect_filter_warning``, ``device_token``.
- The websocket (``/_sandbox/stripecli/{account}/ws``; the ``Websocket-Id`` header is the credential, as the
  CLI sends no key there) carries events and request logs (``sandbox._stripecli``).
- ``POST /v1/events/{id}/retry`` with ``for_stripecli=true`` sends the event again to the account's listening
  sessions.

None of these is in Stripe's public API, so they are not in its OpenAPI spec; parameters are checked here.
Secret keys only (restricted keys are refused, as the CLI logs in with a secret key).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.websockets import WebSocket, WebSocketDisconnect

from sandbox import _errors as errors
from sandbox import _ids
from sandbox._api import DEFAULT_API_VERSION, Context, endpoint, event_sink_factory, websocket_route
from sandbox._store import JSONObject
from sandbox._stripecli import FEATURES, LOG_FILTERS, SUBPROTOCOL, Connection, StripeCLIHub, hub_of
from sandbox._webhooks import new_endpoint_secret

SESSION_KIND = "stripecli_session"
DEVICE_KIND = "stripecli_device"
WEBSOCKET_PATH = "/_sandbox/stripecli/{account}/ws"
RECONNECT_DELAY = 5
_FORWARD_PARAMS = (
    "forward_to_url",
    "forward_connect_to_url",
    "forward_thin_to_url",
    "forward_thin_connect_to_url",
)

event_sink_factory(StripeCLIHub)


def _string(ctx: Context, name: str) -> str | None:
    value = ctx.params.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise errors.invalid_string(name)
    return value


def _features(ctx: Context) -> list[str]:
    raw = ctx.params.get("websocket_features")
    values = list(raw.values()) if isinstance(raw, dict) else raw if isinstance(raw, list) else None
    if not values:
        raise errors.parameter_missing("websocket_features")
    for index, value in enumerate(values):
        if value not in FEATURES:
            raise errors.invalid_enum(f"websocket_features[{index}]", list(FEATURES))
    return [str(v) for v in values]


def _filters(ctx: Context) -> dict[str, list[str]]:
    text = _string(ctx, "filters")
    if not text:
        return {}
    try:
        parsed = json.loads(text)
    except ValueError as exc:
        raise errors.invalid_request("filters must be a JSON object of lists.", param="filters") from exc
    if not isinstance(parsed, dict):
        raise errors.invalid_request("filters must be a JSON object of lists.", param="filters")
    unknown = sorted(set(parsed) - set(LOG_FILTERS))
    if unknown:
        raise errors.invalid_request(
            f"Unknown filter {unknown[0]}; known filters are {', '.join(LOG_FILTERS)}.", param="filters"
        )
    return {name: [str(v) for v in values or []] for name, values in parsed.items()}


def _device_secret(ctx: Context, device_name: str) -> str:
    """One ``whsec_`` per device of the account, kept in the store (the sandbox signs with it)."""
    device_id = "clidev_" + hashlib.sha256(device_name.encode()).hexdigest()[:24]
    device = ctx.get(device_id)
    if device is None:
        device = {
            "id": device_id,
            "object": DEVICE_KIND,
            "created": ctx.now(),
            "secret": new_endpoint_secret(),
        }
        ctx.save(device)
    return str(device["secret"])


def _websocket_url(ctx: Context) -> str:
    base = ctx.public_url or "http://127.0.0.1"
    scheme = "wss" if base.startswith("https://") else "ws"
    return f"{scheme}://{base.split('://', 1)[-1].rstrip('/')}" + WEBSOCKET_PATH.format(account=ctx.account)


@endpoint("POST", "/v1/stripecli/sessions", permission=None)
def create_session(ctx: Context) -> JSONObject:
    device_name = _string(ctx, "device_name")
    if not device_name:
        raise errors.parameter_missing("device_name")
    features = _features(ctx)
    forward = {name: _string(ctx, name) for name in _FORWARD_PARAMS}
    known = {"device_name", "websocket_features", "filters", *_FORWARD_PARAMS}
    unknown = sorted(set(ctx.params) - known)
    if unknown:
        raise errors.parameter_unknown(unknown[0])
    websocket_id = "cliws_" + _ids.secret_chars(32)
    ctx.save(
        {
            "id": websocket_id,
            "object": SESSION_KIND,
            "created": ctx.now(),
            "device_name": device_name,
            "feature": features[0],
            "filters": _filters(ctx),
            "forward": forward,
        }
    )
    return {
        "websocket_url": _websocket_url(ctx),
        "websocket_id": websocket_id,
        "websocket_authorized_feature": features[0],
        "reconnect_delay": RECONNECT_DELAY,
        "secret": _device_secret(ctx, device_name),
        "display_connect_filter_warning": False,
        "default_version": ctx.stripe_version if ctx.stripe_version else DEFAULT_API_VERSION,
        "latest_version": DEFAULT_API_VERSION,
        "device_token": "",
    }


@endpoint("POST", "/v1/events/{id}/retry", permission=None)
def resend_event(ctx: Context) -> JSONObject:
    """``stripe events resend evt_…``: again to the CLI's listening sessions (``for_stripecli=true``)."""
    event = ctx.load("event", ctx.path["id"], param="id")
    unknown = sorted(set(ctx.params) - {"for_stripecli", "webhook_endpoint", "account"})
    if unknown:
        raise errors.parameter_unknown(unknown[0])
    if ctx.params.get("webhook_endpoint"):
        raise errors.invalid_request(
            "The sandbox resends events to `stripe listen` sessions only. To send an event to a webhook "
            "endpoint again, use POST /_sandbox/webhook_deliveries/{delivery}/redeliver.",
            param="webhook_endpoint",
        )
    if ctx.params.get("account"):
        raise errors.invalid_request("The sandbox has no connected accounts.", param="account")
    if ctx.params.get("for_stripecli") not in ("true", True):
        raise errors.parameter_missing("for_stripecli")
    account = ctx.account

    def resend(runtime: Any) -> None:
        hub = hub_of(runtime)
        if hub is not None:
            hub.resend(account, event)

    ctx.after_commit(resend)
    return event


@websocket_route(WEBSOCKET_PATH)
async def cli_websocket(websocket: WebSocket) -> None:
    runtime = websocket.app.state.runtime
    hub = hub_of(runtime)
    account = websocket.path_params["account"]
    websocket_id = websocket.headers.get("websocket-id", "")
    feature = websocket.query_params.get("websocket_feature", "")

    def session_and_secret() -> tuple[JSONObject | None, str]:
        if not account.startswith("acct_") or runtime.store.account_row(account) is None:
            return None, ""
        with runtime.context(account) as ctx:
            session = ctx.get(websocket_id) if websocket_id.startswith("cliws_") else None
            if session is None or session.get("object") != SESSION_KIND:
                return None, ""
            return session, _device_secret(ctx, str(session["device_name"]))

    session, secret = await run_in_threadpool(session_and_secret)
    if hub is None or session is None or session.get("feature") != feature:
        await websocket.close(code=4401, reason="Unknown Stripe CLI session: create one first.")
        return
    offered = websocket.headers.get("sec-websocket-protocol", "")
    await websocket.accept(subprotocol=SUBPROTOCOL if SUBPROTOCOL in offered else None)
    connection = Connection(
        account, websocket_id, feature, secret, dict(session.get("filters") or {}), asyncio.get_running_loop()
    )
    hub.add(connection)

    async def pump() -> None:
        while True:
            await websocket.send_text(await connection.queue.get())

    sender = asyncio.create_task(pump())
    try:
        while True:
            hub.received(connection, await websocket.receive_text())
    except (WebSocketDisconnect, RuntimeError):
        pass
    finally:
        hub.remove(connection)
        sender.cancel()
