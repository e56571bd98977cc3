"""The Starlette app: auth, routing, validation, idempotency, expansion, errors, logging, control API.

Every /v1 request runs the same pipeline (``Runtime.handle``) in Starlette's thread pool:

    authenticate → route → permission → idempotency → validate → handler (one transaction) → expand → JSON

Events a handler emits are handed to the event sinks after the transaction commits, on a background thread.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import copy
import functools
import hashlib
import json
import logging
import queue
import re
import threading
import time
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.types import Message, Receive, Scope, Send

from sandbox import _errors as errors
from sandbox import _ids, hosted_pages
from sandbox._api import (
    DEFAULT_API_VERSION,
    REGISTRY,
    Context,
    Endpoint,
    EventSink,
    apply_metadata,
    drop_metadata,
    strip_includable,
)
from sandbox._billing import billing_settings, check_settings
from sandbox._forms import decode
from sandbox._scheduler import Scheduler
from sandbox._store import IdempotencyRecord, JSONObject, KeyRecord, Store, Tx, dumps
from sandbox._validation import spec_document, stripe_path_templates, validate_params
from sandbox._versions import legacy_params, resolve_singular_discounts
from sandbox._webhooks import event_matches

log = logging.getLogger("sandbox")
request_log = logging.getLogger("sandbox.requests")

MAX_EXPAND_DEPTH = 4
_ID_LIKE = re.compile(r"[a-z]+(_[a-z]+)?_[A-Za-z0-9]+")
_NO_KEY_WORDS = {"null", "undefined", "bearer"}
# YYYY-MM-DD, an optional release name (".endive") and optional beta flags ("; feature_beta=v1"). [U] Stripe
# also refuses dates that were never released; the sandbox cannot know every release, so it checks the shape.
_API_VERSION = re.compile(
    r"(19|20)\d\d-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])(\.[a-z]+)?(\s*;\s*[A-Za-z0-9_]+=[A-Za-z0-9_.]+)*"
)

# Restricted-key stems Stripe uses for the resources the sandbox serves (facts §2.2). Stems of registered
# endpoints are added at run time, so a new resource module needs no edit here.
KNOWN_STEMS = {
    "product", "plan", "customer", "payment_intent", "setup_intent", "payment_method", "charge", "refund",
    "checkout_session", "invoice", "invoice_item", "subscription", "event", "webhook", "balance",
}  # fmt: skip


@dataclass(frozen=True)
class Auth:
    """Who is calling. The raw key is kept only to build Stripe's masked messages; it is never shown."""

    record: KeyRecord
    key: str = field(repr=False)

    @property
    def account(self) -> str:
        return self.record.account


@dataclass(frozen=True)
class Result:
    status: int
    body: bytes
    headers: dict[str, str]


@functools.cache
def _stripe_templates() -> tuple[tuple[re.Pattern[str], str, list[str]], ...]:
    """Compiled once per process: the spec is immutable and every Runtime routes against the same paths."""
    from sandbox._api import template_regex

    return tuple((template_regex(t), t, methods) for t, methods in stripe_path_templates().items())


class Runtime:
    """One running sandbox: its store, its event sinks and the request pipeline. Apps share nothing else."""

    def __init__(self, store: Store, public_url: str = "", log_requests: bool = False) -> None:
        import sandbox.resources  # noqa: F401 - registers every resource module's endpoints

        self.store = store
        self.public_url = public_url
        self.api_base = ""
        self.log_requests = log_requests
        self.sinks: list[EventSink] = []
        self._inflight: set[tuple[str, str]] = set()
        self._inflight_lock = threading.Lock()
        self._latency: dict[str, float] = {}
        self._versions: dict[str, str] = {}  # account → default API version (a cache of its settings)
        self._templates = _stripe_templates()
        self._events: queue.Queue[tuple[str, list[JSONObject]] | None] = queue.Queue()
        self._worker = threading.Thread(target=self._deliver, name="sandbox-events", daemon=True)
        self._worker.start()
        # Handlers run here, off the event loop, so a slow request never stalls the others (and a concurrent
        # duplicate idempotent request is seen while the first is in flight).
        self.executor = ThreadPoolExecutor(max_workers=16, thread_name_prefix="sandbox-handler")
        self.scheduler = Scheduler(
            self
        )  # before the sinks: the webhook dispatcher gives it its delivery gate
        for factory in REGISTRY.sink_factories:
            self.sinks.append(factory(self))

    # --- lifecycle and events ----------------------------------------------------------------------------

    def add_sink(self, sink: EventSink) -> None:
        self.sinks.append(sink)

    def publish(self, account: str, events: list[JSONObject]) -> None:
        if events and self.sinks:
            self._events.put((account, events))

    def _deliver(self) -> None:
        while (item := self._events.get()) is not None:
            account, events = item
            for sink in list(self.sinks):
                try:
                    sink.publish(account, events)
                except Exception:
                    log.exception("event sink %r failed", sink)
            self._events.task_done()

    def request_finished(self, headers: Mapping[str, str], method: str, path: str, result: Result) -> None:
        """Tell the sinks that follow the request log (``stripe logs tail``) that a /v1 request was
        answered. Runs on the event loop right after the response: sinks only queue work here."""
        for sink in self.sinks:
            observe = getattr(sink, "request_finished", None)
            if observe is not None:
                try:
                    observe(headers, method, path, result.status, result.body, result.headers)
                except Exception:
                    log.exception("request observer %r failed", sink)

    def drain(self, timeout: float = 5.0) -> bool:
        """Wait until every queued event reached the sinks (tests use it instead of sleeping)."""
        deadline = time.monotonic() + timeout
        while self._events.unfinished_tasks:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.002)
        return True

    def close(self) -> None:
        """Stop serving: finish running handlers, hand the queued events over, close every sink that has a
        ``close()`` (the webhook dispatcher's workers read the store, so sinks close before it does)."""
        self.executor.shutdown(wait=True)
        self.scheduler.close()
        self._events.put(None)
        self._worker.join(timeout=5)
        for sink in list(self.sinks):
            closer = getattr(sink, "close", None)
            if callable(closer):
                try:
                    closer()
                except Exception:
                    log.exception("closing event sink %r failed", sink)
        self.store.close()

    # --- accounts and keys -------------------------------------------------------------------------------

    def create_account(self, email: str | None = None, business_name: str | None = None) -> dict[str, str]:
        """A new account and its keys. ``email`` and ``business_name`` show in ``GET /v1/account``."""
        account = _ids.new_account_id()
        secret, publishable = _ids.new_api_key("sk", account), _ids.new_api_key("pk", account)
        settings = {"email": email, "business_name": business_name}
        self.store.create_account(account, secret, publishable, settings)
        return {"id": account, "publishable_key": publishable, "secret_key": secret}

    def authenticate(self, authorization: str | None) -> Auth:
        """Stripe's authentication rules (facts §1.2): Bearer or Basic, test keys only."""
        header = (authorization or "").strip()
        if not header:
            raise errors.no_api_key()
        scheme, _, rest = header.partition(" ")
        if scheme.lower() == "bearer":
            key = rest.strip()
        elif scheme.lower() == "basic":
            try:
                key = base64.b64decode(rest.strip(), validate=True).decode("utf-8").partition(":")[0]
            except (binascii.Error, UnicodeDecodeError):
                key = ""
        else:
            key = header
        if key.lower() in _NO_KEY_WORDS or (not key and scheme.lower() == "bearer"):
            raise errors.null_api_key(key or scheme)
        if not key:
            raise errors.no_api_key()
        if " " in key:
            raise errors.key_with_space()
        if key.startswith(("sk_live_", "rk_live_", "pk_live_")):
            raise errors.live_key_refused(key)
        record = self.store.lookup_key(key)
        if record is None:
            raise errors.invalid_api_key(key)
        return Auth(record, key)

    def secret_auth(self, authorization: str | None) -> Auth:
        auth = self.authenticate(authorization)
        if auth.record.kind != "secret":
            if auth.record.kind == "publishable":
                raise errors.secret_key_required()
            raise errors.StripeError(
                403, "The sandbox control API needs the account's secret key (sk_test_…)."
            )
        return auth

    def known_permissions(self) -> set[str]:
        stems = KNOWN_STEMS | {e.permission for e in REGISTRY.endpoints if e.permission}
        return {f"rak_{stem}_{level}" for stem in stems for level in ("read", "write")}

    def default_version(self, account: str) -> str:
        """The API version of the account's requests that send no ``Stripe-Version`` (the Stripe CLI's)."""
        cached = self._versions.get(account)
        if cached is None:
            row = self.store.account_row(account)
            cached = str((row[1] if row else {}).get("api_version") or DEFAULT_API_VERSION)
            self._versions[account] = cached
        return cached

    def set_default_version(self, account: str, version: str) -> None:
        self.store.update_settings(account, {"api_version": version})
        self._versions[account] = version

    def set_latency(self, account: str, seconds: float) -> None:
        self._latency[account] = seconds

    # --- routing -----------------------------------------------------------------------------------------

    def match(self, method: str, path: str) -> tuple[Endpoint, dict[str, str]]:
        for candidate in REGISTRY.endpoints:
            if candidate.method != method:
                continue
            found = candidate.regex.match(path)
            if found:
                return candidate, {k: v for k, v in found.groupdict().items()}
        for regex, template, methods in self._templates:
            if regex.match(path) and method in methods:
                raise errors.not_emulated(method, template)
        error = errors.unrecognized_url(method, path)
        if path.endswith("/"):
            error.message += (
                " If you are trying to list objects, remove the trailing slash. If you are trying to "
                "retrieve an "
                "object, make sure you passed a valid (non-empty) identifier in your code."
            )
        raise error

    @staticmethod
    def authorize(endpoint: Endpoint, auth: Auth) -> None:
        kind = auth.record.kind
        if kind == "secret":
            return
        if kind == "publishable":
            if endpoint.publishable:
                return
            raise errors.secret_key_required()
        # restricted: write implies read (https://docs.stripe.com/keys/restricted-api-keys)
        stem = endpoint.permission
        write = f"rak_{stem}_write"
        needed = {write} if endpoint.method != "GET" else {write, f"rak_{stem}_read"}
        if stem is None or not (needed & auth.record.permissions):
            slug = write if endpoint.method != "GET" else f"rak_{stem}_read"
            if stem is None:
                raise errors.StripeError(
                    403,
                    f"The provided key '{errors.mask_permission_key(auth.key)}' does not have the required "
                    f"permissions for this endpoint on account '{auth.account}'. This is a restricted API "
                    "key, "
                    "but the required permissions are not available for use by restricted keys.",
                )
            raise errors.missing_permission(auth.key, auth.account, [slug])

    # --- the request pipeline ----------------------------------------------------------------------------

    def pending_webhooks(self, tx: Tx, event_type: str) -> int:
        """How many enabled webhook endpoints of the account will receive an event of this type."""
        if not tx.may_have_webhook_endpoints():
            return 0
        return sum(
            1
            for endpoint_obj in tx.scan("webhook_endpoint")
            if endpoint_obj.get("status", "enabled") == "enabled"
            and event_matches(endpoint_obj.get("enabled_events") or [], event_type)
        )

    def handle(
        self, method: str, path: str, query: str, body: bytes, headers: Mapping[str, str], request_id: str
    ) -> Result:
        asked = headers.get("stripe-version")
        if asked is not None and not _API_VERSION.fullmatch(asked):
            bad = errors.invalid_request(f"Invalid Stripe API version: {asked}")
            return Result(400, dumps(bad.body(request_id)).encode(), {"Request-Id": request_id})
        version = asked or DEFAULT_API_VERSION
        out_headers = {"Request-Id": request_id, "Stripe-Version": version}
        idem_key = headers.get("idempotency-key") if method == "POST" else None
        if idem_key is not None:
            out_headers["Idempotency-Key"] = idem_key
        try:
            # Routing comes before authentication, as on Stripe: a URL Stripe does not have answers
            # "Unrecognized request URL" with or without a key ([U] see errors.unrecognized_url). An operation
            # Stripe has but the sandbox does not emulate is only named to an authenticated caller.
            not_emulated: errors.StripeError | None = None
            try:
                endpoint, path_params = self.match(method, path)
            except errors.StripeError as error:
                if error.code != "sandbox_operation_not_emulated":
                    raise
                not_emulated = error
            auth = self.authenticate(headers.get("authorization"))
            if asked is None:  # no Stripe-Version: the account's default version applies, as on Stripe
                version = out_headers["Stripe-Version"] = self.default_version(auth.account)
            if not_emulated is not None:
                raise not_emulated
            self.authorize(endpoint, auth)
            raw = decode(query) if query else {}
            if body:
                raw.update(decode(body.decode("utf-8", errors="replace")))
            if idem_key is None:
                return self._execute(
                    endpoint, auth, raw, path_params, path, request_id, version, None, out_headers
                )
            if len(idem_key) > 255:
                raise errors.idempotency_key_too_long()
            slot = (auth.account, idem_key)
            with self._inflight_lock:
                if slot in self._inflight:
                    raise errors.idempotency_key_in_use(idem_key)
                self._inflight.add(slot)
            try:
                digest = hashlib.sha256(json.dumps(raw, sort_keys=True).encode()).hexdigest()
                record = self.store.idempotency_record(auth.account, idem_key)
                if record is not None:
                    if record.path != path or record.method != method:
                        raise errors.idempotency_endpoint_mismatch(idem_key, record.path, path)
                    if record.params_digest != digest:
                        raise errors.idempotency_params_mismatch(idem_key)
                    replay = {
                        **out_headers,
                        "Idempotent-Replayed": "true",
                        "Original-Request": record.request_id,
                    }
                    return Result(record.status, record.body, replay)
                return self._execute(
                    endpoint,
                    auth,
                    raw,
                    path_params,
                    path,
                    request_id,
                    version,
                    (idem_key, digest),
                    out_headers,
                )
            finally:
                with self._inflight_lock:
                    self._inflight.discard(slot)
        except errors.StripeError as error:
            return Result(
                error.status, dumps(error.body(request_id)).encode(), {**out_headers, **error.headers}
            )

    def _execute(
        self,
        endpoint: Endpoint,
        auth: Auth,
        raw: JSONObject,
        path_params: dict[str, str],
        path: str,
        request_id: str,
        version: str,
        idempotency: tuple[str, str] | None,
        out_headers: dict[str, str],
    ) -> Result:
        # Validation failures are answered before anything is stored, idempotency record included (facts §7).
        legacy = legacy_params(endpoint.method, endpoint.template, version)
        params = validate_params(endpoint.method, endpoint.template, raw, {**endpoint.extra_params, **legacy})
        expand = params.pop("expand", None) or []
        if isinstance(params.get("metadata"), dict):
            apply_metadata({}, params["metadata"])  # the stateless metadata rules are validation, too
        hosted_pages.check_redirect_params(params)  # every URL a browser will be sent to (hosted_pages.py)
        delay = self._latency.get(auth.account)
        if delay:
            time.sleep(delay)
        self.scheduler.catch_up(auth.account)  # what fell due on the wall clock happens before this request
        ctx: Context | None = None
        status, payload = 200, b""
        kept: errors.StripeError | None = None
        try:
            with self.store.transaction(auth.account) as tx:
                ctx = self._context(tx, auth.account, params, path_params, request_id, version, idempotency)
                ctx.key_kind = auth.record.kind
                ctx.method, ctx.url_path = endpoint.method, path
                try:
                    if legacy:
                        resolve_singular_discounts(ctx, endpoint.template)
                    result = endpoint.handler(ctx)
                    if expand:
                        result = expand_object(ctx, copy.deepcopy(result), expand)
                    result = strip_includable(result, expand)
                    if auth.record.kind == "publishable":
                        result = drop_metadata(copy.deepcopy(result))
                    payload = dumps(result).encode()
                except errors.StripeError as error:
                    if auth.record.kind == "publishable":
                        error.extra = drop_metadata(copy.deepcopy(error.extra))
                    if not error.commit:
                        raise
                    # A declined attempt: what it stored stays, and so does its answer (see StripeError).
                    kept, status = error, error.status
                    payload = dumps(error.body(request_id)).encode()
                if idempotency:
                    tx.save_idempotency(
                        idempotency[0],
                        IdempotencyRecord(endpoint.method, path, idempotency[1], status, payload, request_id),
                    )
        except errors.StripeError as error:
            status, payload = error.status, dumps(error.body(request_id)).encode()
            out_headers = {**out_headers, **error.headers}
            if not error.validation:
                self._remember_failure(auth.account, endpoint, path, idempotency, status, payload, request_id)
            return Result(status, payload, out_headers)
        except Exception:
            log.exception(
                "handler for %s %s failed (request %s)", endpoint.method, endpoint.template, request_id
            )
            failure = errors.api_error()
            status, payload = failure.status, dumps(failure.body(request_id)).encode()
            self._remember_failure(auth.account, endpoint, path, idempotency, status, payload, request_id)
            return Result(status, payload, out_headers)
        if ctx is not None:
            self.publish(auth.account, ctx.events)
            self._run_hooks(ctx)
        if kept is not None:
            out_headers = {**out_headers, **kept.headers}
        return Result(status, payload, out_headers)

    def _remember_failure(
        self,
        account: str,
        endpoint: Endpoint,
        path: str,
        idempotency: tuple[str, str] | None,
        status: int,
        payload: bytes,
        request_id: str,
    ) -> None:
        """Stripe saves the result of an idempotent request once execution started, errors included."""
        if idempotency is None:
            return
        with self.store.transaction(account) as tx:
            tx.save_idempotency(
                idempotency[0],
                IdempotencyRecord(endpoint.method, path, idempotency[1], status, payload, request_id),
            )

    def _context(
        self,
        tx: Tx,
        account: str,
        params: JSONObject,
        path_params: Mapping[str, str],
        request_id: str,
        version: str = DEFAULT_API_VERSION,
        idempotency: tuple[str, str] | None = None,
    ) -> Context:
        return Context(
            store=tx,
            account=account,
            params=params,
            path=path_params,
            request_id=request_id,
            idempotency_key=idempotency[0] if idempotency else None,
            public_url=self.public_url,
            stripe_version=version,
            pending_webhooks=self.pending_webhooks,
            time_source=functools.partial(self.scheduler.now, account),
        )

    @contextmanager
    def context(self, account: str, params: JSONObject | None = None) -> Iterator[Context]:
        """A Context outside a /v1 request (hosted pages, control endpoints): one transaction, events
        published after it commits. A StripeError with ``commit=True`` commits too, then propagates. Use it
        only with an account the caller has authenticated."""
        request_id = _ids.new_id("req")
        kept: errors.StripeError | None = None
        with self.store.transaction(account) as tx:
            ctx = self._context(tx, account, params or {}, {}, request_id)
            try:
                yield ctx
            except errors.StripeError as error:
                if not error.commit:
                    raise
                kept = error  # a declined attempt is kept, as in a /v1 request (see StripeError.commit)
        self.publish(account, ctx.events)
        self._run_hooks(ctx)
        if kept is not None:
            raise kept

    def _run_hooks(self, ctx: Context) -> None:
        for hook in ctx.after_commit_hooks:
            try:
                hook(self)
            except Exception:
                log.exception("an after-commit hook failed")


# --- expansion -------------------------------------------------------------------------------------------


def expand_object(ctx: Context, obj: Any, paths: list[str]) -> Any:
    for path in paths:
        parts = path.split(".")
        if len(parts) > MAX_EXPAND_DEPTH:
            raise errors.invalid_request(
                f"You cannot expand more than {MAX_EXPAND_DEPTH} levels of a property. Property: {path}",
                param="expand",
            )
        _expand(ctx, obj, parts, path)
    return obj


def _expand(ctx: Context, obj: Any, parts: list[str], full: str) -> None:
    if not isinstance(obj, dict):
        return
    name, rest = parts[0], parts[1:]
    if obj.get("object") in ("list", "search_result") and name == "data":
        for item in obj.get("data", []):
            if rest:
                _expand(ctx, item, rest, full)
        return
    custom = REGISTRY.expanders.get((str(obj.get("object")), name))
    if custom is not None:
        obj[name] = custom(ctx, obj)
    elif name not in obj:
        raise errors.invalid_request(f"This property cannot be expanded ({name}).", param="expand")
    else:
        value = obj[name]
        if isinstance(value, str):
            obj[name] = _load_for_expand(ctx, value, name)
        elif isinstance(value, list):
            obj[name] = [_load_for_expand(ctx, v, name) if isinstance(v, str) else v for v in value]
        elif value is not None and not isinstance(value, dict):
            raise errors.invalid_request(f"This property cannot be expanded ({name}).", param="expand")
    if rest:
        target = obj.get(name)
        if isinstance(target, list):
            for item in target:
                _expand(ctx, item, rest, full)
        else:
            _expand(ctx, target, rest, full)


def _load_for_expand(ctx: Context, value: str, name: str) -> Any:
    loaded = ctx.get(value)  # custom ids (products may have any id) resolve too
    if loaded is not None:
        return loaded
    if not _ID_LIKE.fullmatch(value):
        raise errors.invalid_request(f"This property cannot be expanded ({name}).", param="expand")
    return value


# --- the ASGI app ----------------------------------------------------------------------------------------


def _error_response(error: errors.StripeError) -> Response:
    request_id = _ids.new_id("req")
    return JSONResponse(error.body(request_id), status_code=error.status, headers={"Request-Id": request_id})


async def _json_body(request: Request) -> JSONObject:
    raw = await request.body()
    if not raw:
        return {}
    try:
        value = json.loads(raw)
    except ValueError as exc:
        raise errors.invalid_request("The request body must be a JSON object.") from exc
    if not isinstance(value, dict):
        raise errors.invalid_request("The request body must be a JSON object.")
    return value


class SandboxApp:
    """The ASGI entry point. /v1 requests take a lean path (raw ASGI, a dedicated thread pool) because the
    per-request overhead of a framework Request/Response is a large share of a call this small; everything
    else (control API, hosted pages) goes through Starlette."""

    def __init__(self, runtime: Runtime, inner: Starlette) -> None:
        self.runtime = runtime
        self.inner = inner
        self.state = inner.state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/v1/"):
            if scope["type"] == "http":
                send = _with_request_id(send, scope, self.runtime.log_requests)
                if hosted_pages.is_hosted_path(scope["path"]):
                    send = _with_headers(send, hosted_pages.SECURITY_HEADERS)
            await self.inner(scope, receive, send)
            return
        started = time.perf_counter()
        request_id = _ids.new_id("req")
        chunks = []
        more = True
        while more:
            message = await receive()
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False)
        headers = {name.decode("latin-1"): value.decode("latin-1") for name, value in scope["headers"]}
        method, path = scope["method"], scope["path"]
        result = await asyncio.get_running_loop().run_in_executor(
            self.runtime.executor,
            self.runtime.handle,
            method,
            path,
            scope["query_string"].decode("latin-1"),
            b"".join(chunks),
            headers,
            request_id,
        )
        raw_headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(result.body)).encode()),
            *(
                (name.lower().encode(), value.encode("latin-1", "replace"))
                for name, value in result.headers.items()
            ),
        ]
        await send({"type": "http.response.start", "status": result.status, "headers": raw_headers})
        await send({"type": "http.response.body", "body": result.body})
        self.runtime.request_finished(headers, method, path, result)
        if self.runtime.log_requests:
            elapsed = (time.perf_counter() - started) * 1000
            request_log.info("%s %s %d %s %.1fms", method, path, result.status, request_id, elapsed)


def _with_headers(send: Send, extra: tuple[tuple[str, str], ...]) -> Send:
    """Add ``extra`` to the response's headers (the hosted pages' Content-Security-Policy and friends)."""
    raw = [(name.encode("latin-1"), value.encode("latin-1")) for name, value in extra]

    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            message = {**message, "headers": [*message.get("headers", []), *raw]}
        await send(message)

    return wrapped


def _with_request_id(send: Send, scope: Scope, log_requests: bool) -> Send:
    """Give every response a Request-Id, as Stripe does (control API, hosted pages), and log it."""
    started = time.perf_counter()

    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = list(message.get("headers", []))
            request_id = next((v.decode() for k, v in headers if k.lower() == b"request-id"), None)
            if request_id is None:
                request_id = _ids.new_id("req")
                headers.append((b"request-id", request_id.encode()))
            message = {**message, "headers": headers}
            if log_requests:
                elapsed = (time.perf_counter() - started) * 1000
                request_log.info(
                    "%s %s %d %s %.1fms",
                    scope["method"],
                    scope["path"],
                    message["status"],
                    request_id,
                    elapsed,
                )
        await send(message)

    return wrapped


def build_app(runtime: Runtime) -> SandboxApp:
    async def v1(request: Request) -> Response:
        """Paths outside /v1/ (e.g. ``/foo``): Stripe's unrecognized-URL error, through the same pipeline."""
        request_id = _ids.new_id("req")
        body = await request.body()
        result = await asyncio.get_running_loop().run_in_executor(
            runtime.executor,
            runtime.handle,
            request.method,
            request.url.path,
            request.url.query,
            body,
            request.headers,
            request_id,
        )
        return Response(result.body, result.status, result.headers, media_type="application/json")

    async def health(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def create_account(request: Request) -> Response:
        try:
            payload = await _json_body(request)
            profile: dict[str, str | None] = {}
            for name in ("email", "business_name"):
                value = payload.get(name)
                if value is not None and (not isinstance(value, str) or not 0 < len(value) <= 200):
                    raise errors.invalid_request(
                        f'"{name}" must be a string of 1 to 200 characters (or left out).', param=name
                    )
                profile[name] = value
            unknown = sorted(set(payload) - set(profile))
            if unknown:
                raise errors.invalid_request(
                    f"Unknown field(s): {', '.join(unknown)}. Send {{}} or "
                    '{"email": "...", "business_name": "..."}.',
                    param=unknown[0],
                )
        except errors.StripeError as error:
            return _error_response(error)
        return JSONResponse(
            await run_in_threadpool(runtime.create_account, profile["email"], profile["business_name"])
        )

    async def restricted_keys(request: Request) -> Response:
        try:
            auth = runtime.secret_auth(request.headers.get("authorization"))
            payload = await _json_body(request)
            permissions = payload.get("permissions")
            if not isinstance(permissions, list) or not all(isinstance(p, str) for p in permissions):
                raise errors.invalid_request(
                    'Send {"permissions": ["rak_product_write", ...]}: a JSON list of permission slugs.',
                    param="permissions",
                )
            known = runtime.known_permissions()
            unknown = sorted(set(permissions) - known)
            if unknown:
                resources = sorted(p[4:-5] for p in known if p.endswith("_read"))
                raise errors.invalid_request(
                    f"Unknown permission(s): {', '.join(unknown)}. Known permissions are "
                    f"rak_<resource>_read and rak_<resource>_write for: {', '.join(resources)}.",
                    param="permissions",
                )
            key = _ids.new_api_key("rk", auth.account)
            runtime.store.add_key(auth.account, key, "restricted", permissions)
            return JSONResponse({"key": key, "permissions": sorted(set(permissions))})
        except errors.StripeError as error:
            return _error_response(error)

    async def reset(request: Request) -> Response:
        try:
            auth = runtime.secret_auth(request.headers.get("authorization"))
        except errors.StripeError as error:
            return _error_response(error)

        def wipe() -> None:
            with runtime.store.transaction(auth.account) as tx:
                tx.reset()

        await run_in_threadpool(wipe)
        return JSONResponse({"account": auth.account, "reset": True})

    async def delete_account(request: Request) -> Response:
        """The account and all its data, gone (its keys stop working): a workspace being forgotten."""
        try:
            auth = runtime.secret_auth(request.headers.get("authorization"))
        except errors.StripeError as error:
            return _error_response(error)
        await run_in_threadpool(runtime.store.delete_account, auth.account)
        return JSONResponse({"account": auth.account, "deleted": True})

    async def latency(request: Request) -> Response:
        try:
            auth = runtime.secret_auth(request.headers.get("authorization"))
            payload = await _json_body(request)
            ms = payload.get("ms")
            if not isinstance(ms, int | float) or isinstance(ms, bool) or not 0 <= ms <= 30_000:
                raise errors.invalid_request('Send {"ms": N} with 0 <= N <= 30000.', param="ms")
        except errors.StripeError as error:
            return _error_response(error)
        runtime.set_latency(auth.account, ms / 1000)
        return JSONResponse({"account": auth.account, "latency_ms": ms})

    async def shift_time(request: Request) -> Response:
        try:
            auth = runtime.secret_auth(request.headers.get("authorization"))
            payload = await _json_body(request)
            seconds = payload.get("advance_seconds")
            if (
                not isinstance(seconds, int)
                or isinstance(seconds, bool)
                or not 0 <= seconds <= 5 * 365 * 86400
            ):
                raise errors.invalid_request(
                    'Send {"advance_seconds": N} with 0 <= N <= 157680000 (five years): the account\'s wall '
                    "clock moves forward by N seconds and everything that falls due happens.",
                    param="advance_seconds",
                )
        except errors.StripeError as error:
            return _error_response(error)
        now = await run_in_threadpool(runtime.scheduler.shift, auth.account, seconds)
        await run_in_threadpool(runtime.scheduler.wait_idle)
        return JSONResponse({"account": auth.account, "now": now})

    def checked_version(payload: Mapping[str, Any]) -> str:
        version = payload.get("api_version")
        if not isinstance(version, str) or not _API_VERSION.fullmatch(version):
            raise errors.invalid_request(
                'Send {"api_version": "YYYY-MM-DD"} or a release such as "2025-03-31.basil".',
                param="api_version",
            )
        return version

    def account_settings(account: str) -> JSONObject:
        row = runtime.store.account_row(account)
        return {
            "account": account,
            **billing_settings(row[1] if row else {}),
            "api_version": runtime.default_version(account),
            "served_api_version": DEFAULT_API_VERSION,
        }

    async def settings(request: Request) -> Response:
        """Every setting of the account in one place: ``GET`` reads them, ``POST`` changes the ones sent
        (billing settings and ``api_version``, the default version of requests without ``Stripe-Version``)."""
        try:
            auth = runtime.secret_auth(request.headers.get("authorization"))
            if request.method == "POST":
                payload = await _json_body(request)
                version = checked_version(payload) if "api_version" in payload else None
                rest = {k: v for k, v in payload.items() if k != "api_version"}
                changes = check_settings(rest) if rest or version is None else {}
                if changes:
                    await run_in_threadpool(runtime.store.update_settings, auth.account, changes)
                if version is not None:
                    await run_in_threadpool(runtime.set_default_version, auth.account, version)
        except errors.StripeError as error:
            return _error_response(error)
        return JSONResponse(await run_in_threadpool(account_settings, auth.account))

    async def api_version(request: Request) -> Response:
        """The older, one-setting form of ``/_sandbox/settings`` (kept for scripts that use it)."""
        try:
            auth = runtime.secret_auth(request.headers.get("authorization"))
            if request.method == "POST":
                payload = await _json_body(request)
                version = checked_version(payload if set(payload) == {"api_version"} else {})
                await run_in_threadpool(runtime.set_default_version, auth.account, version)
        except errors.StripeError as error:
            return _error_response(error)
        current = await run_in_threadpool(runtime.default_version, auth.account)
        return JSONResponse({"account": auth.account, "api_version": current, "served": DEFAULT_API_VERSION})

    async def openapi(request: Request) -> Response:
        return JSONResponse(served_spec())

    routes = [
        Route("/_sandbox/health", health, methods=["GET"]),
        Route("/_sandbox/accounts", create_account, methods=["POST"]),
        Route("/_sandbox/account", delete_account, methods=["DELETE"]),
        Route("/_sandbox/restricted_keys", restricted_keys, methods=["POST"]),
        Route("/_sandbox/reset", reset, methods=["POST"]),
        Route("/_sandbox/latency", latency, methods=["POST"]),
        Route("/_sandbox/api_version", api_version, methods=["GET", "POST"]),
        Route("/_sandbox/openapi.json", openapi, methods=["GET"]),
        Route("/_sandbox/time", shift_time, methods=["POST"]),
        Route("/_sandbox/settings", settings, methods=["GET", "POST"]),
        *(
            WebSocketRoute(r.path, r.endpoint)
            if r.websocket
            else Route(r.path, r.endpoint, methods=list(r.methods))
            for r in REGISTRY.routes
        ),
        Route("/{path:path}", v1, methods=["GET", "POST", "DELETE"]),
    ]
    inner = Starlette(routes=routes)
    inner.state.runtime = runtime
    return SandboxApp(runtime, inner)


def served_spec() -> JSONObject:
    """The vendored spec restricted to the operations registered endpoints serve."""
    document = spec_document()
    served: dict[str, dict[str, Any]] = {}
    for registered in REGISTRY.endpoints:
        op = document["paths"].get(registered.template, {}).get(registered.method.lower())
        if op is not None:
            served.setdefault(registered.template, {})[registered.method.lower()] = op
    return {**document, "paths": served}
