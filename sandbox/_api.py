"""The contract resource modules build on: ``@endpoint``, ``Context``, extra routes, expanders, event sinks.

A resource module registers handlers at import time::

    @endpoint("POST", "/v1/products", permission="product")
    def create_product(ctx: Context) -> dict[str, Any]:
        product = {"id": ctx.new_id("prod"), "object": "product", ...}
        ctx.save(product)
        ctx.emit("product.created", product)
        return product

By the time a handler runs, the framework has authenticated the key, checked ``rak_<permission>_read`` (GET)
or ``rak_<permission>_write`` (anything else), validated and coerced ``ctx.params`` against the operation in
Stripe's OpenAPI spec, and opened the request's transaction. The handler returns the response object or
raises :class:`sandbox._errors.StripeError`. Expansion, idempotency, request ids, logging and the error
envelope are the framework's job.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from sandbox import _errors as errors
from sandbox import _ids
from sandbox._store import JSONObject, Predicate, Tx, dumps

DEFAULT_API_VERSION = "2026-10-28.endive"  # what stripe-python 16.1.0 pins
Handler = Callable[["Context"], JSONObject]
Expander = Callable[["Context", JSONObject], Any]


class EventSink(Protocol):
    """Receives events after their request committed, on a background thread (never the request path).

    A sink that owns threads or connections may also have a ``close()`` method: ``Runtime.close()`` calls
    it (after the last event was handed over, before the store closes), so stopping a sandbox stops them.
    """

    def publish(self, account: str, events: list[JSONObject]) -> None: ...


@dataclass(frozen=True)
class Endpoint:
    method: str
    template: str
    permission: str | None
    handler: Handler
    regex: re.Pattern[str]
    publishable: bool
    extra_params: Mapping[str, Any]

    @property
    def specificity(self) -> tuple[int, int]:
        """Literal segments win over parameters: /v1/products/search before /v1/products/{id}."""
        return (self.template.count("{"), -len(self.template))


@dataclass(frozen=True)
class ExtraRoute:
    path: str
    endpoint: Callable[..., Any]
    methods: tuple[str, ...]
    websocket: bool = False


@dataclass
class Registry:
    endpoints: list[Endpoint] = field(default_factory=list)
    routes: list[ExtraRoute] = field(default_factory=list)
    expanders: dict[tuple[str, str], Expander] = field(default_factory=dict)
    includable: dict[str, frozenset[str]] = field(default_factory=dict)
    sink_factories: list[Callable[[Any], EventSink]] = field(default_factory=list)
    jobs: dict[str, Callable[[Context, Any], None]] = field(default_factory=dict)


# Module-level on purpose: registration happens at import time and is the same for every app instance.
# It holds code (handlers), never request or account state.
REGISTRY = Registry()


def template_regex(template: str) -> re.Pattern[str]:
    pattern = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(template))
    return re.compile(pattern + r"\Z")


def endpoint(
    method: str,
    spec_path: str,
    *,
    permission: str | None,
    publishable: bool = False,
    extra_params: Mapping[str, Any] | None = None,
) -> Callable[[Handler], Handler]:
    """Register a handler for ``method spec_path`` (the path template exactly as Stripe's spec writes it).

    ``permission`` is the restricted-key stem ("product", "plan" for prices, ...); ``publishable=True`` lets
    publishable keys call it (Stripe allows them on a few client-side endpoints); ``extra_params`` are JSON
    schemas for parameters stripe-python sends that the vendored spec lacks.
    """

    def register(handler: Handler) -> Handler:
        REGISTRY.endpoints.append(
            Endpoint(
                method.upper(),
                spec_path,
                permission,
                handler,
                template_regex(spec_path),
                publishable,
                dict(extra_params or {}),
            )
        )
        REGISTRY.endpoints.sort(key=lambda e: e.specificity)
        return handler

    return register


def route(path: str, methods: Sequence[str] = ("GET",)) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register an extra Starlette route (hosted pages, control endpoints). The endpoint receives a
    ``starlette.requests.Request``; ``request.app.state.runtime`` is the :class:`sandbox._app.Runtime`."""

    def register(fn: Callable[..., Any]) -> Callable[..., Any]:
        REGISTRY.routes.append(ExtraRoute(path, fn, tuple(methods)))
        return fn

    return register


def websocket_route(path: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a Starlette websocket route; the endpoint receives a ``starlette.websockets.WebSocket``."""

    def register(fn: Callable[..., Any]) -> Callable[..., Any]:
        REGISTRY.routes.append(ExtraRoute(path, fn, (), websocket=True))
        return fn

    return register


def expander(kind: str, field_name: str) -> Callable[[Expander], Expander]:
    """Register how to expand a field that is not a stored id (e.g. ``checkout.session.line_items``)."""

    def register(fn: Expander) -> Expander:
        REGISTRY.expanders[(kind, field_name)] = fn
        return fn

    return register


def includable(kind: str, *fields: str) -> None:
    """Declare stored fields Stripe returns only when expanded (``price.tiers``, ``price.currency_options``):
    responses drop them unless the request expands them."""
    REGISTRY.includable[kind] = REGISTRY.includable.get(kind, frozenset()) | frozenset(fields)


def strip_includable(result: Any, expand: Sequence[str]) -> Any:
    """Remove not-expanded includable fields from a response, at every depth.

    Paths are Stripe's expand paths from the response's root: ``confirmation_secret`` on an invoice,
    ``data.confirmation_secret`` on a list of invoices, ``latest_invoice.confirmation_secret`` on a
    subscription whose invoice is expanded, ``items.data.price.tiers`` on an embedded price. Runs after
    expansion, so objects that expansion loaded are stripped like the response itself."""
    if REGISTRY.includable:
        _strip(result, "", tuple(expand))
    return result


def _strip(value: Any, prefix: str, expand: tuple[str, ...]) -> None:
    if isinstance(value, list):
        for item in value:
            if isinstance(item, dict | list):
                _strip(item, prefix, expand)
        return
    if not isinstance(value, dict):
        return
    for name in REGISTRY.includable.get(str(value.get("object")), ()):
        if name in value:
            full = prefix + name
            if not any(path == full or path.startswith(full + ".") for path in expand):
                del value[name]
    for key, child in value.items():
        if isinstance(child, dict | list):
            _strip(child, f"{prefix}{key}.", expand)


def drop_metadata(value: Any) -> Any:
    """Remove ``metadata`` from every object in a response: Stripe does not return metadata to
    publishable-key requests (client-side code must not see what the server stored there)."""
    if isinstance(value, list):
        for item in value:
            drop_metadata(item)
    elif isinstance(value, dict):
        if "object" in value:
            value.pop("metadata", None)
        for child in value.values():
            if isinstance(child, dict | list):
                drop_metadata(child)
    return value


def event_sink_factory(factory: Callable[[Any], EventSink]) -> Callable[[Any], EventSink]:
    """Register ``factory(runtime) -> EventSink``; every app built afterwards gets one sink from it."""
    REGISTRY.sink_factories.append(factory)
    return factory


def _as_int(value: Any, default: int) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else default


class Context:
    """Everything a handler may touch for one request, scoped to one account and one transaction."""

    def __init__(
        self,
        *,
        store: Tx,
        account: str,
        params: JSONObject,
        path: Mapping[str, str],
        request_id: str,
        idempotency_key: str | None = None,
        public_url: str = "",
        stripe_version: str = DEFAULT_API_VERSION,
        key_kind: str = "secret",
        method: str = "GET",
        url_path: str = "",
        pending_webhooks: Callable[[Tx, str], int] | None = None,
        time_source: Callable[[], float] = time.time,
    ) -> None:
        self.store = store
        self.account = account
        self.params = params
        self.path = dict(path)
        self.request_id = request_id
        self.idempotency_key = idempotency_key
        self.public_url = public_url
        self.stripe_version = stripe_version
        self.key_kind = key_kind
        self.method = method
        self.url_path = url_path
        self.events: list[JSONObject] = []
        self.after_commit_hooks: list[Callable[[Any], None]] = []
        self._pending_webhooks = pending_webhooks
        self._time_source = time_source
        self._now: int | None = None
        self._clock: str | None = None
        self._pinned = False

    def now(self) -> int:
        """Unix seconds, fixed for the whole request so every timestamp of one request agrees: the account's
        wall clock, or the frozen time of the test clock the request works on (:meth:`enter_clock`), or the
        due time of the scheduled job being applied (sandbox/_scheduler.py)."""
        if self._now is None:
            self._now = int(self._time_source())
        return self._now

    @property
    def clock(self) -> str | None:
        """The test clock whose time this context lives on (``None``: the wall clock)."""
        return self._clock

    def enter_clock(self, clock_id: Any) -> None:
        """From here on, live on the time of test clock ``clock_id`` (an object of a customer on a clock was
        loaded). A job's context keeps the time it was pinned to."""
        if not clock_id or self._clock == clock_id:
            return
        clock = self.store.get(str(clock_id))
        if clock is None or clock.get("object") != "test_helpers.test_clock":
            return
        self._clock = str(clock_id)
        if not self._pinned:
            self._now = int(clock["frozen_time"])

    def after_commit(self, hook: Callable[[Any], None]) -> None:
        """Call ``hook(runtime)`` once this request's transaction has committed and its events are published
        (e.g. to start advancing a test clock on the scheduler's thread)."""
        self.after_commit_hooks.append(hook)

    def pin_time(self, when: int, clock: str | None) -> None:
        """The scheduler applies a job at its due time, on its timeline."""
        self._now, self._clock, self._pinned = int(when), clock, True

    def new_id(self, prefix: str) -> str:
        return _ids.new_id(prefix, self.account)

    # --- objects -----------------------------------------------------------------------------------------

    def get(self, object_id: str) -> JSONObject | None:
        return self.store.get(object_id)

    def load(
        self,
        kind: str,
        object_id: str,
        param: str | None = "id",
        status: int = 404,
        *,
        allow_deleted: bool = False,
        noun: str | None = None,
    ) -> JSONObject:
        """The stored object, or Stripe's ``No such <kind>: '<id>'`` (404 for a URL id, 400 for a param).

        ``noun``: how the message names the kind when Stripe writes it in words ("No such tax rate").
        A deleted object (a ``{"deleted": true}`` tombstone, e.g. a customer) counts as missing, as on Stripe,
        unless ``allow_deleted`` (retrieving a deleted customer returns its tombstone)."""
        obj = self.store.get(object_id)
        if obj is None or obj.get("object") != kind or (obj.get("deleted") and not allow_deleted):
            raise errors.resource_missing(noun or kind, object_id, param, status)
        return obj

    def save(self, obj: JSONObject) -> JSONObject:
        self.store.put(obj)
        return obj

    def delete(self, object_id: str) -> None:
        self.store.delete(object_id)

    def query(self, kind: str, filters: Mapping[str, Any] | None = None) -> list[JSONObject]:
        """Visible objects of a kind matching equality ``filters`` (dotted paths allowed), newest first."""
        return list(self.store.scan(kind, filters))

    def exists(self, kind: str, filters: Mapping[str, Any]) -> bool:
        return bool(self.store.page(kind, limit=1, filters=filters).data)

    # --- lists and search --------------------------------------------------------------------------------

    def list_response(
        self,
        kind: str,
        url: str,
        filters: Mapping[str, Any] | None = None,
        predicate: Predicate | None = None,
    ) -> JSONObject:
        """A Stripe list: ``limit`` (1–100, default 10), ``starting_after``/``ending_before``, ``created``."""
        limit = check_limit(self.params.get("limit"))
        after = self.params.get("starting_after")
        before = self.params.get("ending_before")
        if after and before:
            raise errors.exclusive(["starting_after", "ending_before"])
        after_seq = before_seq = None
        if after:
            after_seq = self._cursor_seq(kind, after, "starting_after")
        if before:
            before_seq = self._cursor_seq(kind, before, "ending_before")
        page = self.store.page(
            kind,
            limit=limit,
            filters=filters,
            created=self.params.get("created"),
            after_seq=after_seq,
            before_seq=before_seq,
            predicate=predicate,
        )
        return {"object": "list", "data": page.data, "has_more": page.has_more, "url": url}

    def _cursor_seq(self, kind: str, object_id: str, param: str) -> int:
        seq = self.store.seq_of(object_id)
        if seq is None:
            raise errors.resource_missing(kind, object_id, param, 404)
        return seq

    def search_response(self, kind: str, url: str, fields: Mapping[str, str]) -> JSONObject:
        """Stripe's search query language over ``fields`` ({name: "string"|"number"|"boolean"|"metadata"})."""
        from sandbox import _search  # local import: search is only loaded when used

        return _search.search_response(self, kind, url, fields)

    # --- events ------------------------------------------------------------------------------------------

    def emit(
        self, type: str, obj: Mapping[str, Any], previous_attributes: Mapping[str, Any] | None = None
    ) -> JSONObject:
        """Record an event (stored as kind "event"); sinks get it after this request commits."""
        # A JSON round trip is the cheapest deep copy of plain JSON data (several times faster than deepcopy).
        data: JSONObject = {"object": json.loads(dumps(obj))}
        if previous_attributes is not None:
            data["previous_attributes"] = json.loads(dumps(previous_attributes))
        event: JSONObject = {
            "id": self.new_id("evt"),
            "object": "event",
            "api_version": self.stripe_version,
            "created": self.now(),
            "data": data,
            "livemode": False,
            "pending_webhooks": self._pending_webhooks(self.store, type) if self._pending_webhooks else 0,
            "request": {"id": self.request_id, "idempotency_key": self.idempotency_key},
            "type": type,
        }
        self.store.put(event)
        self.events.append(event)
        return event


def check_limit(value: Any) -> int:
    limit = _as_int(value, 10)
    if value is not None and not 1 <= limit <= 100:
        # [U] Stripe's exact wording for an out-of-range limit is not confirmed.
        raise errors.invalid_request(
            f"Invalid limit: must be between 1 and 100 (inclusive), got {limit}.", param="limit"
        )
    return limit


def page_of(
    items: Sequence[JSONObject], limit: int, params: Mapping[str, Any], url: str, *, kind: str
) -> JSONObject:
    """One page of a list held inside another object (invoice lines, Checkout line items).

    Stripe pages these like any list (``starting_after``/``ending_before`` by id), but they are not rows of
    their own, so the store's paging does not apply. An unknown cursor is ``resource_missing`` for ``kind``.
    """
    after, before = params.get("starting_after"), params.get("ending_before")
    if after and before:
        raise errors.exclusive(["starting_after", "ending_before"])
    ids = [item["id"] for item in items]
    if after:
        if after not in ids:
            raise errors.resource_missing(kind, str(after), "starting_after", 404)
        start = ids.index(after) + 1
        window, has_more = items[start : start + limit], start + limit < len(items)
    elif before:
        if before not in ids:
            raise errors.resource_missing(kind, str(before), "ending_before", 404)
        end = ids.index(before)
        window, has_more = items[max(0, end - limit) : end], end > limit
    else:
        window, has_more = items[:limit], limit < len(items)
    return {"object": "list", "data": list(window), "has_more": has_more, "url": url}


# --- metadata (https://docs.stripe.com/api/metadata) -------------------------------------------------------


def apply_metadata(current: Mapping[str, str] | None, update: Any) -> dict[str, str]:
    """Merge ``metadata`` params into ``current``: ``""`` for the whole field clears it, ``""`` for a key
    unsets that key. Enforces Stripe's limits with Stripe's messages."""
    result = dict(current or {})
    if update is None:
        return result
    if update == "":
        return {}
    if not isinstance(update, Mapping):
        raise errors.invalid_hash("metadata")
    for key, value in update.items():
        if "[" in key or "]" in key:
            raise errors.invalid_request(
                f"Metadata keys may not contain square brackets ('[' or ']'): {key}",
                param=f"metadata[{key}]",
                validation=True,
            )
        if len(key) > 40:
            raise errors.invalid_request(
                f"Metadata key length can't exceed 40 characters. The key '{key}' is {len(key)} characters.",
                param=f"metadata[{key}]",
                validation=True,
            )
        text = "" if value is None else str(value)
        if len(text) > 500:
            raise errors.invalid_request(
                f"Metadata values can have up to 500 characters, but you passed in a value that is "
                f"{len(text)} characters. Invalid value: {text[:20]}...",
                param=f"metadata[{key}]",
                validation=True,
            )
        if text == "":
            result.pop(key, None)
        else:
            result[key] = text
    if len(result) > 50:
        raise errors.invalid_request(
            "You can include up to 50 metadata keys, but you passed in " + str(len(result)) + ".",
            param="metadata",
            validation=True,
        )
    return result


_URL = re.compile(r"https?://[^\s/$.?#][^\s]*", re.IGNORECASE)
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def check_url(value: Any, param: str) -> None:
    """Stripe's ``url_invalid`` ("Not a valid URL") for http(s) URL parameters."""
    if isinstance(value, str) and value and not _URL.fullmatch(value):
        raise errors.url_invalid(param)


def check_email(value: Any, param: str) -> None:
    """A lenient shape check (something@domain.tld): Stripe refuses addresses that are clearly not one."""
    if isinstance(value, str) and value and not _EMAIL.fullmatch(value):
        raise errors.email_invalid(param, value)


def changed_fields(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, Any]:
    """``previous_attributes`` for an ``*.updated`` event: the old values of fields that changed."""
    return {key: before.get(key) for key in after if before.get(key) != after.get(key)}


def deleted(obj_id: str, kind: str) -> JSONObject:
    return {"id": obj_id, "object": kind, "deleted": True}
