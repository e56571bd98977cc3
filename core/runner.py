"""Run one catalog action against Stripe (or the sandbox) and explain what happened.

:func:`execute` runs an action over a session's :class:`core.transport.Transport` (the product calls it
through ``core.session.StripeSession.run``; :func:`run` does the same for a bare target): validate the
inputs, check the pitfalls that can be seen before sending (a live key in the Editor, an amount that looks
like dollars, a payment that can no longer be canceled, a permission the key is known to lack), send the
request with an idempotency key for every write, and turn whatever came back into a
:class:`core.results.RunResult`.

Idempotency: a form submission is one *submission key*. The caller passes the same ``idempotency_key`` when
the same submission is sent again (a double click, a rerun), so Stripe creates one object and replays the
first answer. When none is passed we generate one and return it in the result, so the caller can keep it.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Final

import stripe

from core import _docs, catalog, money, pitfalls
from core._runner_inputs import Prepared, prepare
from core.catalog import Action
from core.client import ClientCache, ClientConfigError, Target, connection_error_message
from core.environments import MODE_FINDING_CODES, Connection, Environment, key_mode_findings
from core.findings import Finding, Severity
from core.keys import KeyField, inspect_key
from core.permissions import KeyKnowledge
from core.results import RequestRecord, RunResult, Source, to_table
from core.secrets import Secret, redact
from core.snippets import snippets_for
from core.transport import Answer, Call, Transport, error_info, quote_id

__all__ = ["MAX_LOAD_ALL", "Target", "execute", "new_submission_key", "run", "target_for"]

MAX_LOAD_ALL: Final = 1000  # objects; "load all" on a big account must not run for minutes


def target_for(connection: Connection, environment: Environment | str) -> Target:
    """A :class:`Target` for one environment of a ``core.environments.Connection``.

    The key is the cleaned value ``core.keys`` extracts (quotes, whitespace and "Bearer " removed), the same
    one the Setup page shows as accepted. A missing key gives an empty secret, which ``run`` reports as a
    clear "No API key" instead of raising.
    """
    env = Environment(environment)
    config = connection[env]
    raw = config.secret_key if config.secret_key is not None else Secret("")
    report = inspect_key(raw, KeyField.SECRET)
    secret = report.secret if report.secret is not None else raw
    return Target(secret, connection.api_base, env.label, connection.name, key=report)


@dataclass
class _Call:
    """The mutable state of one run while it is being assembled."""

    action: Action
    transport: Transport
    prepared: Prepared
    idempotency_key: str | None
    source: Source = Source.PERSON
    warnings: list[Finding] = field(default_factory=list)
    requests: list[RequestRecord] = field(default_factory=list)

    @property
    def target(self) -> Target:
        return self.transport.target

    def request(self, params: Mapping[str, Any], key: str | None) -> Call:
        """The action's own request (its first page, or a later one with ``params``)."""
        action = self.action
        return Call(
            action.id,
            action.name,
            action.method,
            _url(action, self.prepared.path_args),
            params,
            self.source,
            key,
            action.sdk_call,
            tuple(
                self.prepared.path_args[i.name]
                for i in action.path_inputs
                if i.name in self.prepared.path_args
            ),
        )


def new_submission_key() -> str:
    """A fresh idempotency key for one form submission (a UUID4, as Stripe suggests)."""
    return str(uuid.uuid4())


def run(
    action: Action | str,
    inputs: Mapping[str, object],
    connection: Connection | None = None,
    environment: Environment | str | None = None,
    *,
    target: Target | None = None,
    confirm_live_write: bool = False,
    idempotency_key: str | None = None,
    load_all: bool = False,
    client: stripe.StripeClient | None = None,
    clients: ClientCache | None = None,
    knowledge: KeyKnowledge | None = None,
    money_checks: bool = True,
) -> RunResult:
    """Validate, pre-flight check, send and explain one action. Never raises for user or network errors.

    Pass either ``connection`` and ``environment`` (from ``core.environments``) or a ready ``target``.
    ``client`` overrides the client (tests); otherwise ``clients`` (the session's cache) or a fresh one.
    ``knowledge`` is the per-connection record of what this key may do; it is updated by 403s and successes.
    """
    if target is None:
        if connection is None or environment is None:
            raise TypeError("run() needs a connection and an environment, or a target")
        target = target_for(connection, environment)
    transport = Transport(target, clients=clients, client=client)
    return execute(
        transport,
        action,
        inputs,
        knowledge=knowledge,
        confirm_live_write=confirm_live_write,
        idempotency_key=idempotency_key,
        load_all=load_all,
        money_checks=money_checks,
    )


def execute(
    transport: Transport,
    action: Action | str,
    inputs: Mapping[str, object],
    *,
    knowledge: KeyKnowledge | None = None,
    source: Source = Source.PERSON,
    confirm_live_write: bool = False,
    idempotency_key: str | None = None,
    load_all: bool = False,
    money_checks: bool = True,
) -> RunResult:
    """:func:`run` over a session's transport: every request it makes is recorded with ``source`` (its
    pre-flight reads as :attr:`Source.PREFLIGHT`) and published to the transport's subscribers."""
    act = catalog.get(action) if isinstance(action, str) else action
    tgt = transport.target
    prepared = prepare(act, inputs)
    key = (idempotency_key or new_submission_key()) if act.is_write else None
    call = _Call(act, transport, prepared, key, source)
    call.warnings.extend(prepared.findings)
    if money_checks:
        call.warnings.extend(_amount_findings(act, prepared))
    call.warnings.extend(_environment_findings(act, tgt, confirm_live_write))
    if knowledge is not None:
        call.warnings.extend(_known_permission_findings(act, knowledge))
    if _has_errors(call.warnings):
        return _blocked(call)

    try:
        transport.client()
    except ClientConfigError as error:
        call.warnings.append(
            Finding("client.config", Severity.ERROR, str(error), "Fix the connection's key or address.")
        )
        return _blocked(call)

    preflight = _PREFLIGHTS.get(act.id)
    if preflight is not None:
        call.warnings.extend(preflight(call))
        if _has_errors(call.warnings):
            return _blocked(call)

    return _send(call, load_all=load_all, knowledge=knowledge)


def _has_errors(findings: list[Finding]) -> bool:
    return any(f.severity is Severity.ERROR for f in findings)


def _amount_findings(action: Action, prepared: Prepared) -> list[Finding]:
    """Amount checks through core.money: minimums, maximums, currencies where "1000" means ¥1,000."""
    findings: list[Finding] = []
    for inp in action.amount_inputs():
        amount = prepared.values.get(inp.name)
        if not isinstance(amount, int):
            continue
        currency = prepared.values.get(inp.currency_input) if inp.currency_input else None
        if not isinstance(currency, str):
            # No currency to judge by (refund, capture): only the sign can be checked here.
            if (amount < 0 and not inp.allow_negative) or (
                amount == 0 and inp.amount_purpose in ("refund", "capture")
            ):
                findings.append(
                    Finding(
                        "amount.not_positive",
                        Severity.ERROR,
                        f"{inp.label} must be at least 1 (in the smallest currency unit); it is {amount}.",
                        "Enter a positive whole number, or leave it empty for the full amount.",
                        field=inp.name,
                    )
                )
            continue
        for f in money.check_amount(amount, currency, purpose=inp.amount_purpose or "payment"):
            findings.append(f if f.field else _with_field(f, inp.name))
    return findings


def _with_field(finding: Finding, name: str) -> Finding:
    return Finding(
        finding.code, finding.severity, finding.message, finding.fix, finding.doc_url, name, finding.pitfall
    )


def _environment_findings(action: Action, target: Target, confirm_live_write: bool) -> list[Finding]:
    """A live key outside Production must not write by accident: WeWeb's first pitfall.

    The environment × mode problem itself is :func:`core.environments.key_mode_findings`; a write on such a
    target is a second problem of its own (this action would change real data), blocked unless confirmed.
    """
    notices = environment_notices(target)
    live_outside = any(f.code == "env.live_key_outside_production" for f in notices)
    if not (live_outside and action.is_write):
        return notices
    if not confirm_live_write:
        return [
            Finding(
                "pitfall.live_key_write_outside_production",
                Severity.ERROR,
                f"{action.name} would change real data: the {target.environment} connection uses a live "
                "key (sk_live_/rk_live_), and this action writes.",
                "Use test keys (sk_test_…) in the Editor and Staging, live keys only in Production. If "
                "you really mean to write to live data, confirm the live write explicitly.",
                doc_url=catalog.WEWEB_SETUP_DOC,
                pitfall="live_key_in_editor",
            )
        ]
    return [
        Finding(
            "pitfall.live_key_write_confirmed",
            Severity.WARNING,
            f"Live write confirmed: {action.name} changes real data in live mode.",
            "Switch this environment back to test keys when you are done.",
            doc_url=catalog.WEWEB_SETUP_DOC,
            pitfall="live_key_in_editor",
        )
    ]


# Warnings about the target itself, the same for every call: pages show them once, not under every result.
ENVIRONMENT_NOTICES: Final = MODE_FINDING_CODES


def environment_notices(target: Target) -> list[Finding]:
    """What is wrong with where calls go, whatever the action, by the one environment × mode rule.

    On a target the problem is a warning, not an error: reading with a live key in the Editor is allowed
    (and shown), only writing is blocked (:func:`_environment_findings`). Setup, where the key is being
    chosen, shows the same finding as the error it is there.
    """
    try:
        env = Environment(target.environment.strip().lower())
    except ValueError:
        return []  # a target made for no known environment (a notebook's own label): nothing to compare
    if target.key is None:
        return []
    return [
        replace(f, severity=Severity.WARNING) if f.severity is Severity.ERROR else f
        for f in key_mode_findings(env, {"secret_key": target.key})
    ]


def _known_permission_findings(action: Action, knowledge: KeyKnowledge) -> list[Finding]:
    if action.permission not in knowledge.missing:
        return []
    return [
        replace(
            f,
            code="permission.known_missing",
            message=f"{f.message} Stripe answered 403 for it earlier, so {action.name} would fail the "
            "same way.",
            fix=f"{f.fix} Then re-check the key's permissions (or run again after editing the key).",
        )
        for f in pitfalls.missing_permission(action.permission)
    ]


def _read(call: _Call, action_id: str, object_id: str) -> dict[str, Any] | None:
    """Retrieve an object for a pre-flight check, recorded like any call (source: pre-flight); None when
    that failed. A failed read does not block: the action itself then fails the same way and gets its
    guidance."""
    retrieve = catalog.get(action_id)
    answer = call.transport.send(
        Call(
            retrieve.id,
            retrieve.name,
            retrieve.method,
            _url(retrieve, {"id": object_id}),
            {},
            Source.PREFLIGHT,
            sdk_call=retrieve.sdk_call,
            sdk_args=(object_id,),
        )
    )
    call.requests.append(answer.record)
    return answer.body if answer.ok else None


def _read_intent(call: _Call, intent_id: str) -> dict[str, Any] | None:
    return _read(call, "retrieve_payment_intent", intent_id)


def _checkout_preflight(call: _Call) -> list[Finding]:
    """Both discount parameters at once, and a promotion code Stripe would refuse (read first)."""
    values = call.prepared.values
    found = pitfalls.checkout_discount_findings(values)
    entries = values.get("discounts")
    for entry in entries if isinstance(entries, list) else []:
        promo_id = entry.get("promotion_code") if isinstance(entry, dict) else None
        if isinstance(promo_id, str) and promo_id:
            promo = _read(call, "retrieve_promotion_code", promo_id)
            if promo is not None:
                found += pitfalls.promotion_code_findings(promo, int(time.time()))
    return found


def _coupon_preflight(call: _Call) -> list[Finding]:
    return pitfalls.coupon_findings(call.prepared.values)


def _cancel_preflight(call: _Call) -> list[Finding]:
    """Read the PaymentIntent first: canceling a succeeded (or canceled) one is WeWeb's fourth pitfall."""
    intent_id = call.prepared.path_args.get("id")
    intent = _read_intent(call, intent_id) if intent_id else None
    if intent is None or intent_id is None:
        return []
    return pitfalls.cancel_not_allowed(str(intent.get("status", "")), intent_id)


def _capture_preflight(call: _Call) -> list[Finding]:
    """Only a requires_capture PaymentIntent can be captured, and not for more than was authorized."""
    intent_id = call.prepared.path_args.get("id")
    intent = _read_intent(call, intent_id) if intent_id else None
    if intent is None or intent_id is None:
        return []
    found = pitfalls.capture_not_allowed(str(intent.get("status", "")), intent_id)
    amount = call.prepared.values.get("amount_to_capture")
    capturable = intent.get("amount_capturable")
    currency = str(intent.get("currency") or "")
    if not found and isinstance(amount, int) and isinstance(capturable, int) and amount > capturable:
        found.append(
            Finding(
                "amount.capture_exceeds_authorization",
                Severity.ERROR,
                f"Amount to capture {amount} ({money.format_minor(amount, currency)}) is more than the "
                f"{capturable} ({money.format_minor(capturable, currency)}) that was authorized.",
                "Capture at most the authorized amount (in the smallest currency unit), or leave it empty to "
                "capture all of it.",
                field="amount_to_capture",
                pitfall="amounts_in_smallest_unit",
            )
        )
    return found


def _refund_preflight(call: _Call) -> list[Finding]:
    """A refund amount has no currency input: read it from the Payment Intent to check the amount."""
    amount = call.prepared.values.get("amount")
    intent_id = call.prepared.values.get("payment_intent")
    if not isinstance(amount, int) or not isinstance(intent_id, str):
        return []
    intent = _read_intent(call, intent_id)
    if intent is None:
        return []
    received = intent.get("amount_received")
    currency = str(intent.get("currency") or "")
    if isinstance(received, int) and received and amount > received:
        return [
            Finding(
                "amount.refund_exceeds_payment",
                Severity.ERROR,
                f"Refund amount {amount} ({money.format_minor(amount, currency)}) is more than the "
                f"{received} ({money.format_minor(received, currency)}) this payment collected.",
                "Leave the amount empty for a full refund, or enter at most the amount received, in the "
                "smallest currency unit.",
                field="amount",
                pitfall="amounts_in_smallest_unit",
            )
        ]
    return []


# Checks that need the current state of an object, read just before the action runs.
_PREFLIGHTS: Final[Mapping[str, Callable[[_Call], list[Finding]]]] = {
    "cancel_payment_intent": _cancel_preflight,
    "capture_payment_intent": _capture_preflight,
    "refund_payment": _refund_preflight,
    "create_checkout_session": _checkout_preflight,
    "create_coupon": _coupon_preflight,
}


def _snippets(call: _Call, params: Mapping[str, Any]) -> Any:
    try:
        return snippets_for(
            call.action,
            call.prepared.path_args,
            params,
            api_base=call.target.api_base,
            idempotency_key=call.idempotency_key,
        )
    except (KeyError, ClientConfigError):  # a missing path id: nothing sensible to show yet
        return None


def _blocked(call: _Call) -> RunResult:
    params = call.prepared.params
    try:
        request = call.request(params, call.idempotency_key)
    except KeyError:  # a path id is missing: record the path as the catalog writes it
        request = Call(
            call.action.id,
            call.action.name,
            call.action.method,
            call.action.path,
            params,
            call.source,
            call.idempotency_key,
            call.action.sdk_call,
        )
    record = call.transport.not_sent(request)
    return RunResult(
        action_id=call.action.id,
        action_name=call.action.name,
        ok=False,
        objects=[],
        table=to_table([]),
        request=record,
        warnings=call.warnings,
        guidance=[],
        snippets=_snippets(call, record.params),
        idempotency_key=call.idempotency_key,
        requests=[*call.requests, record],
    )


def _url(action: Action, path_args: Mapping[str, str]) -> str:
    """The request path, ids quoted as the SDK's services quote them (``sanitize_id``)."""
    if not action.path_inputs:
        return action.path
    return action.path.format(**{k: quote_id(v) for k, v in path_args.items()})


def _send(call: _Call, *, load_all: bool, knowledge: KeyKnowledge | None) -> RunResult:
    action = call.action
    params = call.prepared.params
    answer = call.transport.send(call.request(params, call.idempotency_key))
    call.requests.append(answer.record)
    if not answer.ok or answer.body is None:
        return _failed(call, answer, knowledge)
    record = answer.record
    if knowledge is not None:
        knowledge.learn_granted(action.permission)

    objects: list[dict[str, Any]]
    has_more = False
    if action.is_list:
        objects = _page_objects(answer.body)
        has_more = bool(answer.body.get("has_more", False))
        backwards = "ending_before" in params
        while load_all and has_more and len(objects) < MAX_LOAD_ALL and objects:
            page_params = dict(params)
            page_params.pop("starting_after", None)
            page_params.pop("ending_before", None)
            page_params["limit"] = 100  # the first page keeps the chosen limit; the rest come in full pages
            if backwards:
                page_params["ending_before"] = objects[0]["id"]
            else:
                page_params["starting_after"] = objects[-1]["id"]
            page = call.transport.send(call.request(page_params, None))
            call.requests.append(page.record)
            if not page.ok or page.body is None:
                failed = _failed(call, page, knowledge)
                failed.objects = objects
                failed.table = to_table(objects)
                return failed
            page_objects = _page_objects(page.body)
            objects = [*page_objects, *objects] if backwards else [*objects, *page_objects]
            has_more = bool(page.body.get("has_more", False))
        if load_all and has_more:
            call.warnings.append(
                Finding(
                    "list.truncated",
                    Severity.INFO,
                    f"Stopped after {len(objects)} objects: there are more.",
                    "Use filters or the cursors to see the rest.",
                )
            )
    else:
        objects = [answer.body]
    if record.replayed:
        call.warnings.append(
            Finding(
                "idempotency.replayed",
                Severity.INFO,
                "Stripe replayed the answer of an earlier request with the same idempotency key: this "
                "submission did not create anything new.",
                "That is the point of idempotency keys: a double submit creates one object. Start a new "
                "submission to create another.",
                doc_url=_docs.STRIPE_IDEMPOTENCY,
            )
        )
    if action.is_list and not objects:
        call.warnings.append(
            Finding(
                "list.empty",
                Severity.INFO,
                "The list is empty, and that still means the call worked.",
                "Create an object first (or check the filters) to see rows here.",
            )
        )
    return RunResult(
        action_id=action.id,
        action_name=action.name,
        ok=True,
        objects=objects,
        table=to_table(objects),
        request=record,
        warnings=call.warnings,
        snippets=_snippets(call, params),
        idempotency_key=call.idempotency_key,
        has_more=has_more,
        next_cursor=objects[-1].get("id") if objects and has_more else None,
        prev_cursor=objects[0].get("id") if objects and action.is_list else None,
        requests=call.requests,
    )


def _page_objects(body: Mapping[str, Any]) -> list[dict[str, Any]]:
    """A list page's objects as Stripe sent them."""
    data = body.get("data")
    if not isinstance(data, list) or not all(isinstance(o, dict) for o in data):
        raise stripe.APIError("Unexpected list response: no 'data' list of objects.")
    return data


def _failed(call: _Call, answer: Answer, knowledge: KeyKnowledge | None) -> RunResult:
    error = answer.error if answer.error is not None else stripe.APIError("No answer.")
    guidance = _guidance(call, error, knowledge)
    return RunResult(
        action_id=call.action.id,
        action_name=call.action.name,
        ok=False,
        objects=[],
        table=to_table([]),
        request=answer.record,
        warnings=call.warnings,
        guidance=guidance,
        error=answer.record.error or error_info(error, call.target.api_base),
        snippets=_snippets(call, call.prepared.params),
        idempotency_key=call.idempotency_key,
        requests=call.requests,
    )


def _guidance(call: _Call, error: BaseException, knowledge: KeyKnowledge | None) -> list[Finding]:
    """The pitfall catalog's reading of the error, with this call's specifics filled in."""
    if isinstance(error, stripe.APIConnectionError):
        # Ours names the address that failed and what to do about it (sandbox vs Stripe).
        return [
            Finding(
                "network.unreachable",
                Severity.ERROR,
                connection_error_message(error, call.target.api_base),
                # Only a write has an idempotency key to speak of; a read is simply run again.
                "Retry when the address answers: the retry keeps this submission's idempotency key, so if "
                "the first attempt did reach the server you get its answer, not a second object."
                if call.action.is_write
                else "Run it again when the address answers (a read changes nothing, so retrying is safe).",
                doc_url=_docs.STRIPE_STATUS,
                pitfall="stripe_unreachable",
            )
        ]
    if isinstance(error, stripe.StripeError):
        if isinstance(error, stripe.PermissionError) and knowledge is not None:
            knowledge.learn_from_error(error, call.action)
        return pitfalls.from_stripe_error(error, key=call.target.secret)
    return [
        Finding(
            "runner.unexpected",
            Severity.ERROR,
            f"The call failed before Stripe answered: {type(error).__name__}: {redact(str(error))}",
            "Check the inputs; if this keeps happening it is a bug in the playground.",
        )
    ]
