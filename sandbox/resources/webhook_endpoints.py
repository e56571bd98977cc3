"""Webhook endpoints: where the sandbox POSTs the events of an account, signed with the endpoint's secret.

The ``secret`` (``whsec_…``) is returned only by the create call, as in Stripe [U: facts §9]. Signing needs it
in clear, so it is kept in a companion object of kind ``sandbox.webhook_secret`` that no API route lists or
returns; see :func:`endpoint_targets` for the dispatcher's side.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from sandbox import _errors as errors
from sandbox._api import Context, apply_metadata, deleted, endpoint, event_sink_factory, route
from sandbox._ids import new_id
from sandbox._store import JSONObject, Tx
from sandbox._webhooks import (
    EndpointTarget,
    RetryPolicy,
    WebhookDispatcher,
    new_endpoint_secret,
)
from sandbox.hosted_pages import MAX_URL_LENGTH, url_too_long

KIND = "webhook_endpoint"
SECRET_KIND = "sandbox.webhook_secret"  # noqa: S105 - a kind name, not a secret
PERMISSION = "webhook"  # rak_webhook_read / rak_webhook_write [O-ish, facts §2.2]
MAX_ENDPOINTS = 16  # per account and mode (docs: "up to 16 webhook endpoints")


def _secret_id(endpoint_id: str) -> str:
    return f"{endpoint_id}_secret"


def _check_url(url: Any) -> str:
    """Stripe's checks on an endpoint URL: an absolute http(s) URL of at most 5000 characters.

    Stripe also requires https in live mode; the sandbox is test mode only, where http is allowed.
    """
    text = url if isinstance(url, str) else ""
    if len(text) > MAX_URL_LENGTH:
        raise url_too_long("url")
    try:
        parts = urlsplit(text)
        _ = parts.port  # raises for a port that is not a number
    except ValueError:
        parts = None
    if parts is not None and not parts.scheme:
        raise errors.StripeError(  # [O] Stripe's answer for a URL without http:// or https://
            400,
            "Invalid URL: An explicit scheme (such as https) must be provided.",
            code="url_invalid",
            param="url",
        )
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname or " " in text:
        raise errors.url_invalid("url")  # [O]
    return text


def _check_events(values: Any) -> list[str]:
    """At least one event name (the spec's enum has already refused unknown names), each kept once."""
    events = [str(v) for v in values] if isinstance(values, list) else []
    if not events:
        # [U] wording: Stripe refuses an empty list of events for an endpoint.
        raise errors.invalid_request(
            "You must specify at least one event type in enabled_events, or '*' to receive every event.",
            param="enabled_events",
        )
    return list(dict.fromkeys(events))  # Stripe keeps each event once, in the order given


def _load(ctx: Context) -> JSONObject:
    """Stripe names the object in words: "No such webhook endpoint: 'we_…'" [U: the style of its messages]."""
    endpoint_id = ctx.path["webhook_endpoint"]
    obj = ctx.get(endpoint_id)
    if obj is None or obj.get("object") != KIND:
        raise errors.resource_missing("webhook endpoint", endpoint_id, "webhook_endpoint", 404)
    return obj


def _public(obj: JSONObject) -> JSONObject:
    return {k: v for k, v in obj.items() if k != "secret"}


@endpoint("POST", "/v1/webhook_endpoints", permission=PERMISSION)
def create_webhook_endpoint(ctx: Context) -> JSONObject:
    p = ctx.params
    url = _check_url(p.get("url"))
    events = _check_events(p.get("enabled_events"))
    if len(ctx.query(KIND)) >= MAX_ENDPOINTS:
        raise errors.invalid_request("You have reached the maximum of 16 test webhook endpoints.")  # [O]
    endpoint_id = ctx.new_id("we")
    secret = new_endpoint_secret()
    obj: JSONObject = {
        "id": endpoint_id,
        "object": KIND,
        "api_version": p.get("api_version"),
        "application": None,
        "created": ctx.now(),
        "description": p.get("description") or None,
        "enabled_events": events,
        "livemode": False,
        "metadata": apply_metadata({}, p.get("metadata")),
        "status": "enabled",
        "url": url,
    }
    ctx.save(obj)
    ctx.save({"id": _secret_id(endpoint_id), "object": SECRET_KIND, "created": ctx.now(), "secret": secret})
    return {**obj, "secret": secret}


@endpoint("GET", "/v1/webhook_endpoints/{webhook_endpoint}", permission=PERMISSION)
def retrieve_webhook_endpoint(ctx: Context) -> JSONObject:
    return _public(_load(ctx))


@endpoint("POST", "/v1/webhook_endpoints/{webhook_endpoint}", permission=PERMISSION)
def update_webhook_endpoint(ctx: Context) -> JSONObject:
    obj = _load(ctx)
    p = ctx.params
    if "url" in p:
        obj["url"] = _check_url(p["url"])
    if "enabled_events" in p:
        obj["enabled_events"] = _check_events(p["enabled_events"])
    if "description" in p:
        obj["description"] = p["description"] or None
    if "disabled" in p:
        obj["status"] = "disabled" if p["disabled"] else "enabled"
    if "metadata" in p:
        obj["metadata"] = apply_metadata(obj.get("metadata"), p["metadata"])
    ctx.save(obj)
    return _public(obj)


@endpoint("DELETE", "/v1/webhook_endpoints/{webhook_endpoint}", permission=PERMISSION)
def delete_webhook_endpoint(ctx: Context) -> JSONObject:
    obj = _load(ctx)
    ctx.delete(obj["id"])
    ctx.delete(_secret_id(obj["id"]))
    return deleted(obj["id"], KIND)


@endpoint("GET", "/v1/webhook_endpoints", permission=PERMISSION)
def list_webhook_endpoints(ctx: Context) -> JSONObject:
    listing = ctx.list_response(KIND, "/v1/webhook_endpoints")
    listing["data"] = [_public(o) for o in listing["data"]]
    return listing


# --- what the dispatcher reads ------------------------------------------------------------------------------


def _endpoints(tx: Tx) -> Iterator[JSONObject]:
    yield from tx.scan(KIND)


def endpoint_targets(tx: Tx) -> Sequence[EndpointTarget]:
    """Every endpoint of the transaction's account with its signing secret, for the webhook dispatcher."""
    targets = []
    for e in _endpoints(tx):
        vault = tx.get(_secret_id(e["id"]))
        if vault is None:
            continue
        targets.append(
            EndpointTarget(
                id=e["id"],
                url=e["url"],
                secret=str(vault["secret"]),
                enabled_events=tuple(e.get("enabled_events") or ()),
                enabled=e.get("status") == "enabled",
            )
        )
    return targets


# --- the dispatcher of each running sandbox, and its control API ----------------------------------------


@event_sink_factory
def make_dispatcher(runtime: Any) -> WebhookDispatcher:
    """One dispatcher per app (per ``Runtime``): it reads the account's endpoints after each commit."""

    def endpoints_for(account: str) -> Sequence[EndpointTarget]:
        if not runtime.store.may_have_webhook_endpoints(account):
            return ()  # most accounts have none: no lock, no transaction per committed request
        with runtime.store.transaction(account) as tx:
            return endpoint_targets(tx)

    def delivered(account: str, event_id: str) -> None:
        # Stripe's pending_webhooks counts the endpoints that have not received the event yet.
        with runtime.store.transaction(account) as tx:
            event = tx.get(event_id)
            if event is not None and event.get("pending_webhooks", 0) > 0:
                event["pending_webhooks"] -= 1
                tx.put(event)

    dispatcher = WebhookDispatcher(endpoints_for, on_delivered=delivered)
    scheduler = getattr(runtime, "scheduler", None)
    if scheduler is not None:
        scheduler.delivery_gate = dispatcher.wait_delivered
    return dispatcher


def configure(
    runtime: Any, *, allow_hosts: Sequence[str] | None = None, retry: RetryPolicy | None = None
) -> WebhookDispatcher | None:
    """Set a running sandbox's webhook options: extra hosts it may deliver to, and the retry policy."""
    dispatcher = dispatcher_of(runtime)
    if dispatcher is not None:
        if allow_hosts is not None:
            dispatcher.allow_hosts = tuple(allow_hosts)
        if retry is not None:
            dispatcher.retry = retry
    return dispatcher


def dispatcher_of(runtime: Any) -> WebhookDispatcher | None:
    """The webhook dispatcher among a runtime's event sinks."""
    for sink in getattr(runtime, "sinks", []):
        if isinstance(sink, WebhookDispatcher):
            return sink
    return None


def _error(error: errors.StripeError) -> Response:
    request_id = new_id("req")
    return JSONResponse(error.body(request_id), status_code=error.status, headers={"Request-Id": request_id})


def _authenticated(request: Request) -> tuple[str, WebhookDispatcher]:
    runtime = request.app.state.runtime
    auth = runtime.secret_auth(request.headers.get("authorization"))
    dispatcher = dispatcher_of(runtime)
    if dispatcher is None:  # pragma: no cover - every app built by the framework has one
        raise errors.StripeError(500, "This sandbox has no webhook dispatcher.", type="api_error")
    return str(auth.account), dispatcher


@route("/_sandbox/webhook_deliveries", methods=("GET",))
def list_deliveries(request: Request) -> Response:
    """This account's webhook deliveries, newest first, each with every attempt; ``?event=evt_…`` and
    ``?webhook_endpoint=we_…`` narrow the list. Needs the account's secret key."""
    try:
        account, dispatcher = _authenticated(request)
    except errors.StripeError as error:
        return _error(error)
    data = dispatcher.deliveries(account)
    for name in ("event", "webhook_endpoint", "status"):
        wanted = request.query_params.get(name)
        if wanted:
            data = [d for d in data if d.get(name) == wanted]
    return JSONResponse(
        {"object": "list", "url": "/_sandbox/webhook_deliveries", "has_more": False, "data": data}
    )


@route("/_sandbox/webhook_deliveries/{delivery}/redeliver", methods=("POST",))
def redeliver(request: Request) -> Response:
    """Send a delivery's event again to its endpoint (as configured now); answers the new delivery."""
    try:
        account, dispatcher = _authenticated(request)
        delivery_id = request.path_params["delivery"]
        try:
            created = dispatcher.redeliver(account, delivery_id)
        except LookupError as exc:
            raise errors.invalid_request(str(exc), param="delivery") from exc
        if created is None:
            raise errors.StripeError(
                404, f"No such webhook delivery: '{delivery_id}'", code="resource_missing", param="delivery"
            )
    except errors.StripeError as error:
        return _error(error)
    return JSONResponse(created)
