"""One session per connection and environment: the only way the product calls Stripe.

A :class:`StripeSession` holds where calls go (a :class:`core.client.Target`), the client cache, and what the
key is known to allow (:class:`core.permissions.KeyKnowledge`, learned from 403s and successes). Every call
the product makes goes through one of its methods — catalog actions, picker lookups, search, events, webhook
endpoints, the connection test, permission probes, the guided flows' steps, the pitfall demos, the sandbox's
control endpoints — and each call becomes one :class:`core.results.RequestRecord` with its
:class:`core.results.Source`, published to the session's subscribers (the app's request log, a notebook's
history). Keep one per user (``st.session_state``, a notebook variable), never in a module global.

The sandbox's control endpoints (3-D Secure, triggers, moving time) are not Stripe's: core never imports the
sandbox, so a front end that has one passes a :class:`SandboxControl`; the session records its calls like
any other.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any, Protocol

import stripe

from core.catalog import Action
from core.client import ClientCache, Target
from core.connection_test import ConnectionReport, connection_report
from core.environments import Connection, Environment, check_environment
from core.findings import Finding
from core.permissions import KeyKnowledge, PermissionMatrix, check_permissions
from core.results import RunResult, Source, StripeErrorInfo
from core.runner import execute, target_for
from core.transport import Answer, Call, Transport, quote_id

__all__ = ["SEARCHABLE", "Answer", "SandboxControl", "Source", "StripeSession"]

#: The resources Stripe's search API serves (``client.v1.<service>.search``).
SEARCHABLE = ("products", "prices", "customers", "invoices", "subscriptions", "payment_intents", "charges")


class SandboxControl(Protocol):
    """What a flow asks of the sandbox besides Stripe's API: the customer's part and the Dashboard's.

    Core never imports the sandbox; the front end passes an object with these methods for the session's own
    key and address (the sandbox's typed control client has exactly them). A refusal raises; the session
    records the call either way. Results that are not JSON objects (a trigger run, the clock's new "now") are
    recorded as their fields.
    """

    def authenticate_payment_intent(self, intent: str, /, *, succeed: bool = True) -> Mapping[str, Any]:
        """Complete (or fail) a PaymentIntent's 3-D Secure challenge; the intent afterwards."""
        ...

    def triggers(self) -> Sequence[str]:
        """The events the sandbox can trigger by itself (as ``stripe trigger`` does)."""
        ...

    def trigger(self, event: str, /) -> object:
        """Run the sandbox's scenario for ``event``."""
        ...

    def advance_time(self, seconds: int, /) -> int:
        """Move the account's wall clock forward (what waiting would do); the new "now"."""
        ...


class StripeSession(Transport):
    """Every Stripe call of one connection's environment, recorded with its source and published."""

    def __init__(
        self,
        target: Target,
        *,
        clients: ClientCache | None = None,
        client: stripe.StripeClient | None = None,
        knowledge: KeyKnowledge | None = None,
        control: SandboxControl | None = None,
        connection: Connection | None = None,
    ) -> None:
        super().__init__(target, clients=clients, client=client)
        self.knowledge = knowledge if knowledge is not None else KeyKnowledge()
        self.control = control
        self.connection = connection

    @classmethod
    def for_connection(
        cls, connection: Connection, environment: Environment | str, **options: Any
    ) -> StripeSession:
        """The session of one environment of a ``core.environments.Connection``."""
        return cls(target_for(connection, environment), connection=connection, **options)

    def __repr__(self) -> str:
        t = self.target
        name = t.connection_name or "unnamed"
        return f"<StripeSession {name} · {t.environment}, {t.mode_name} mode, {t.server.label}>"

    # -- catalog actions -----------------------------------------------------------------------------

    def run(
        self,
        action: Action | str,
        inputs: Mapping[str, object],
        *,
        source: Source = Source.PERSON,
        idempotency_key: str | None = None,
        confirm_live_write: bool = False,
        load_all: bool = False,
        money_checks: bool = True,
    ) -> RunResult:
        """Validate, pre-flight check, send and explain one catalog action (``core.runner``), with what the
        key is known to allow: an action Stripe refused with 403 before is stopped before it is sent."""
        return execute(
            self,
            action,
            inputs,
            knowledge=self.knowledge,
            source=source,
            confirm_live_write=confirm_live_write,
            idempotency_key=idempotency_key,
            load_all=load_all,
            money_checks=money_checks,
        )

    def lookup(self, list_action: Action | str, limit: int = 100) -> RunResult:
        """A list the app runs by itself to fill a picker (a background call in the log)."""
        return self.run(list_action, {"limit": limit}, source=Source.PICKER)

    # -- calls that are not catalog actions ----------------------------------------------------------

    def search(self, service: str, params: Mapping[str, Any], *, source: Source = Source.PERSON) -> Answer:
        """Stripe's search API for one resource (``query``, ``limit``, ``page``)."""
        if service not in SEARCHABLE:
            raise ValueError(f"Stripe has no search for {service!r}; searchable: {', '.join(SEARCHABLE)}")
        name = service.replace("_", " ").title()
        path = f"/v1/{service}/search"
        call = Call(f"search_{service}", f"Search {name}", "GET", path, params, source)
        return self.send(replace(call, sdk_call=f"v1.{service}.search"))

    def list_events(self, params: Mapping[str, Any], *, source: Source = Source.PERSON) -> Answer:
        """``GET /v1/events``: what happened on the account, newest first."""
        call = Call("list_events", "List Events", "GET", "/v1/events", params, source)
        return self.send(replace(call, sdk_call="v1.events.list"))

    def create_webhook_endpoint(
        self,
        params: Mapping[str, Any],
        *,
        idempotency_key: str | None = None,
        source: Source = Source.PERSON,
    ) -> Answer:
        """``POST /v1/webhook_endpoints``; the body holds the signing secret (the record masks it)."""
        call = Call(
            "create_webhook_endpoint",
            "Create Webhook Endpoint",
            "POST",
            "/v1/webhook_endpoints",
            params,
            source,
            idempotency_key,
            sdk_call="v1.webhook_endpoints.create",
        )
        return self.send(call)

    def delete_webhook_endpoint(self, endpoint_id: str, *, source: Source = Source.PERSON) -> Answer:
        path = f"/v1/webhook_endpoints/{quote_id(endpoint_id)}"
        call = Call("delete_webhook_endpoint", "Delete Webhook Endpoint", "DELETE", path, {}, source)
        return self.send(replace(call, sdk_call="v1.webhook_endpoints.delete", sdk_args=(endpoint_id,)))

    # -- setup checks --------------------------------------------------------------------------------

    def check_connection(
        self, *, limit: int = 10, source: Source = Source.CONNECTION_TEST
    ) -> ConnectionReport:
        """WeWeb's connection test (List Products), with the environment's own checks when the session was
        made for a connection."""
        findings: list[Finding] = []
        env = _environment(self.target)
        if self.connection is not None and env is not None:
            findings = list(check_environment(env, self.connection[env]))
        return connection_report(
            self, knowledge=self.knowledge, findings=findings, limit=limit, source=source
        )

    def permissions(self, *, source: Source = Source.PROBE) -> PermissionMatrix:
        """What a restricted key may read (probed, each probe recorded) and write (learned)."""
        return check_permissions(self, self.knowledge, source=source)

    # -- the sandbox's control endpoints -------------------------------------------------------------

    def _control(self, call: Call, perform: Callable[[SandboxControl], object]) -> Answer:
        control = self.control
        if control is None:
            why = (
                "Only the local sandbox has this control endpoint: on Stripe the customer (or the "
                "Dashboard) does this part."
            )
            record = self.not_sent(call, StripeErrorInfo(None, None, None, None, why, None))
            return Answer(record, error=RuntimeError(why))
        return self.send_with(call, lambda: _as_json(perform(control)))

    def authenticate(self, payment_intent: str, *, succeed: bool, source: Source = Source.FLOW) -> Answer:
        """The customer completes or fails 3-D Secure (sandbox only); the body is the intent afterwards."""
        path = f"/_sandbox/payment_intents/{quote_id(payment_intent)}/authenticate"
        params = {"outcome": "succeed" if succeed else "fail"}
        label = "Authenticate Payment Intent (sandbox)"
        call = Call("authenticate_payment_intent", label, "POST", path, params, source)
        return self._control(call, lambda c: c.authenticate_payment_intent(payment_intent, succeed=succeed))

    def trigger_names(self, *, source: Source = Source.PICKER) -> Answer:
        """The sandbox's trigger scenarios; the body is ``{"data": [names]}``."""
        call = Call("list_triggers", "List Triggers (sandbox)", "GET", "/_sandbox/triggers", {}, source)
        return self._control(call, lambda c: {"data": list(c.triggers())})

    def trigger(self, event_type: str, *, source: Source = Source.PERSON) -> Answer:
        """Run the sandbox's scenario for ``event_type``; its events arrive like any others."""
        path = f"/_sandbox/triggers/{quote_id(event_type)}"
        call = Call("trigger_event", "Trigger Event (sandbox)", "POST", path, {}, source)
        return self._control(call, lambda c: c.trigger(event_type))

    def advance_time(self, seconds: int, *, source: Source = Source.FLOW) -> Answer:
        """Move the sandbox account's wall clock ``seconds`` ahead; the body is ``{"now": …}``."""
        params = {"advance_seconds": seconds}
        call = Call("advance_time", "Advance Time (sandbox)", "POST", "/_sandbox/time", params, source)
        return self._control(call, lambda c: {"now": c.advance_time(seconds)})


def _as_json(answer: object) -> Mapping[str, Any]:
    """A control answer as a JSON object for the record: a mapping as it is, a dataclass as its fields."""
    if isinstance(answer, Mapping):
        return answer
    if dataclasses.is_dataclass(answer) and not isinstance(answer, type):
        return dataclasses.asdict(answer)
    return {"value": answer}


def _environment(target: Target) -> Environment | None:
    try:
        return Environment(target.environment.strip().lower())
    except ValueError:
        return None  # a target made for no known environment (a notebook's own label)
