"""The one place a request to Stripe is sent and recorded: one client per target, one record per call.

A :class:`Transport` belongs to one target (a connection's environment, or the sandbox account). It resolves
its ``StripeClient`` once (from the session's client cache), sends every request through the SDK's
``raw_request`` (same encoding, headers, retries and errors as the SDK's service methods, without building
``StripeObject``s), turns each call into exactly one :class:`core.results.RequestRecord` with its
:class:`core.results.Source`, and hands that record to everyone who subscribed (the app's request log).
Calls that never left (a blocked form, a missing key) are published too, marked not sent.

:class:`core.session.StripeSession` builds the product's operations on top of it; nothing else sends.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote_plus

import stripe

from core.client import CLIENT_HEADERS, ClientCache, ClientConfigError, Target, connection_error_message
from core.results import RequestRecord, Source, StripeErrorInfo, redact_params
from core.secrets import redact

Listener = Callable[[RequestRecord], None]


def quote_id(value: str) -> str:
    """An id in a path, quoted as the SDK's services quote it (``sanitize_id``)."""
    return quote_plus(value)


def error_info(error: BaseException, api_base: str | None = None) -> StripeErrorInfo:
    """The parts of a failure worth showing, keys masked; a network failure says which address and why."""
    if isinstance(error, stripe.APIConnectionError):
        # The SDK's text is a urllib3 traceback summary ("HTTPSConnectionPool... NameResolutionError"); the
        # headline says which address failed and what to do, as the Test connection page does.
        return StripeErrorInfo(None, None, None, None, connection_error_message(error, api_base), None)
    if isinstance(error, stripe.StripeError):
        err = error.error
        message = (
            (err.message if err is not None and err.message else None) or error.user_message or str(error)
        )
        return StripeErrorInfo(
            http_status=error.http_status,
            type=err.type if err is not None else None,
            code=error.code,
            param=err.param if err is not None else None,
            message=redact(str(message)),
            request_id=error.request_id,
            decline_code=err.decline_code if err is not None else None,
            doc_url=err.doc_url if err is not None else None,
        )
    if isinstance(error, ClientConfigError):
        return StripeErrorInfo(None, None, None, None, redact(str(error)), None)
    return StripeErrorInfo(None, None, None, None, f"{type(error).__name__}: {redact(str(error))}", None)


@dataclass(frozen=True)
class Answer:
    """What one call gave back: its record, the JSON body on success, or the error."""

    record: RequestRecord
    body: dict[str, Any] | None = None
    error: BaseException | None = None
    headers: Mapping[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.error is None and self.body is not None

    @property
    def message(self) -> str | None:
        """Why it failed, in words (keys masked); None on success."""
        if self.ok:
            return None
        info = self.record.error
        return info.message if info is not None else "No answer."

    def get(self, name: str, default: Any = None) -> Any:
        return self.body.get(name, default) if self.body is not None else default


@dataclass(frozen=True)
class Call:
    """What a request is, before it is sent: enough to send it, record it and write its snippets."""

    name: str  # "create_product", "search_products", "authenticate_payment_intent"
    label: str  # "Create Product"
    method: str
    path: str  # already formatted, ids quoted
    params: Mapping[str, Any] = field(default_factory=dict)
    source: Source = Source.PERSON
    idempotency_key: str | None = None
    sdk_call: str | None = None  # the SDK service method, for the Python snippet; None: a JSON request
    sdk_args: Sequence[str] = ()


class Transport:
    """Sends calls for one target and publishes one record per call; keep it in the user's session."""

    def __init__(
        self,
        target: Target,
        *,
        clients: ClientCache | None = None,
        client: stripe.StripeClient | None = None,
    ) -> None:
        self.target = target
        self.clients = clients if clients is not None else ClientCache()
        self._client = client
        self._listeners: list[Listener] = []

    # -- subscribers ---------------------------------------------------------------------------------

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener`` with every record from now on; returns the function that unsubscribes."""
        if listener not in self._listeners:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            if listener in self._listeners:
                self._listeners.remove(listener)

        return unsubscribe

    def publish(self, record: RequestRecord) -> RequestRecord:
        for listener in list(self._listeners):
            listener(record)
        return record

    # -- the client ----------------------------------------------------------------------------------

    def client(self) -> stripe.StripeClient:
        """This target's client, resolved once; raises :class:`ClientConfigError` for a missing or
        publishable key or a base that is not an address."""
        if self._client is None:
            self._client = self.clients.get(self.target.secret, self.target.api_base)
        return self._client

    # -- records -------------------------------------------------------------------------------------

    def record(
        self,
        call: Call,
        started: float | None,
        *,
        status: int | None = None,
        request_id: str | None = None,
        replayed: bool = False,
        sent: bool = True,
        body: Any = None,
        error: StripeErrorInfo | None = None,
    ) -> RequestRecord:
        target = self.target
        return RequestRecord(
            time=dt.datetime.now(dt.UTC),
            action_id=call.name,
            action_name=call.label,
            method=call.method,
            path=call.path,
            params=redact_params(dict(call.params)),
            status=status,
            request_id=request_id,
            idempotency_key=call.idempotency_key,
            duration_ms=round((time.perf_counter() - started) * 1000, 1) if started is not None else None,
            environment=target.environment,
            mode=target.mode_name,
            target=target.target_name,
            api_base=target.display_base,
            sent=sent,
            replayed=replayed,
            source=call.source,
            error=error,
            body=body,
            sdk_call=call.sdk_call,
            sdk_args=tuple(call.sdk_args),
        )

    def not_sent(self, call: Call, error: StripeErrorInfo | None = None) -> RequestRecord:
        """Record (and publish) a call a check stopped before it left."""
        return self.publish(self.record(call, None, sent=False, error=error))

    # -- sending -------------------------------------------------------------------------------------

    def send(self, call: Call) -> Answer:
        """Send one call through the SDK and publish its record. Never raises for Stripe or network errors."""
        try:
            client = self.client()
        except ClientConfigError as error:
            return Answer(self.not_sent(call, error_info(error)), error=error)
        options: dict[str, Any] = {"headers": dict(CLIENT_HEADERS)}
        if call.idempotency_key:
            options["idempotency_key"] = call.idempotency_key
        started = time.perf_counter()
        try:
            response = client.raw_request(call.method.lower(), call.path, **dict(call.params), **options)
            body = json.loads(response.body)  # plain dicts (the SDK's own parse makes OrderedDicts)
            if not isinstance(body, dict):
                raise stripe.APIError(f"Unexpected response body (HTTP {response.code}): not a JSON object.")
        except stripe.StripeError as error:
            record = self.record(
                call,
                started,
                status=error.http_status,
                request_id=error.request_id,
                error=error_info(error, self.target.api_base),
            )
            return Answer(self.publish(record), error=error)
        except Exception as error:  # the SDK raising something unexpected must still become a message
            record = self.record(call, started, error=error_info(error, self.target.api_base))
            return Answer(self.publish(record), error=error)
        headers = response.headers
        replayed = str(headers.get("Idempotent-Replayed", "")).lower() == "true"
        record = self.record(
            call,
            started,
            status=int(response.code),
            request_id=response.request_id,
            replayed=replayed,
            body=body,
        )
        return Answer(self.publish(record), body=body, headers=headers)

    def send_with(self, call: Call, perform: Callable[[], Mapping[str, Any]]) -> Answer:
        """Record a call made by someone else's client (the sandbox's control endpoints, passed in by the
        front end as :class:`core.session.SandboxControl`): ``perform`` returns the JSON answer or raises."""
        started = time.perf_counter()
        try:
            body = dict(perform())
        except Exception as error:  # an HTTP error of the control client: recorded and shown, not raised
            status = getattr(error, "status", None) or getattr(error, "code", None)
            record = self.record(
                call,
                started,
                status=status if isinstance(status, int) else None,
                error=StripeErrorInfo(
                    status if isinstance(status, int) else None,
                    None,
                    None,
                    None,
                    redact(str(getattr(error, "message", None) or error)),
                    None,
                ),
            )
            return Answer(self.publish(record), error=error)
        record = self.record(call, started, status=200, body=body)
        return Answer(self.publish(record), body=body)
