"""Run one catalog action against Stripe (or the sandbox) and explain what happened.

``run`` is the one path every page, notebook and test uses: validate the inputs, check the pitfalls that can
be seen before sending (a live key in the Editor, an amount that looks like dollars, a payment that can no
longer be canceled, a permission the key is known to lack), send the request with an idempotency key for
every write, and turn whatever came back into a :class:`core.results.RunResult`.

Idempotency: a form submission is one *submission key*. The caller passes the same ``idempotency_key`` when
the same submission is sent again (a double click, a rerun), so Stripe creates one object and replays the
first answer. When none is passed we generate one and return it in the result, so the caller can keep it.
"""

from __future__ import annotations

import datetime as dt
import json
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Final
from urllib.parse import quote_plus

import stripe

from core import _docs, catalog, money, pitfalls
from core._runner_inputs import Prepared, prepare
from core.catalog import Action
from core.client import (
    CLIENT_HEADERS,
    ClientCache,
    ClientConfigError,
    Target,
    build_client,
    connection_error_message,
)
from core.environments import MODE_FINDING_CODES, Connection, Environment, key_mode_findings
from core.findings import Finding, Severity
from core.keys import KeyField, inspect_key
from core.permissions import KeyKnowledge
from core.results import RequestRecord, RunResult, StripeErrorInfo, redact_params, to_table
from core.secrets import Secret, redact
from core.snippets import snippets_for

__all__ = ["MAX_LOAD_ALL", "Target", "new_submission_key", "run", "target_for"]

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
    target: Target
    prepared: Prepared
    idempotency_key: str | None
    warnings: list[Finding] = field(default_factory=list)
    requests: list[RequestRecord] = field(default_factory=list)


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
    act = catalog.get(action) if isinstance(action, str) else action
    if target is None:
        if connection is None or environment is None:
            raise TypeError("run() needs a connection and an environment, or a target")
        target = target_for(connection, environment)
    tgt = target
    prepared = prepare(act, inputs)
    key = (idempotency_key or new_submission_key()) if act.is_write else None
    call = _Call(act, tgt, prepared, key)
    call.warnings.extend(prepared.findings)
    if money_checks:
        call.warnings.extend(_amount_findings(act, prepared))
    call.warnings.extend(_environment_findings(act, tgt, confirm_live_write))
    if knowledge is not None:
        call.warnings.extend(_known_permission_findings(act, knowledge))
    if _has_errors(call.warnings):
        return _blocked(call)

    try:
        stripe_client = client or (clients.get(tgt.secret, tgt.api_base) if clients is not None else None)
        if stripe_client is None:
            stripe_client = build_client(tgt.secret, api_base=tgt.api_base)
    except ClientConfigError as error:
        call.warnings.append(
            Finding("client.config", Severity.ERROR, str(error), "Fix the connection's key or address.")
        )
        return _blocked(call)

    preflight = _PREFLIGHTS.get(act.id)
    if preflight is not None:
        call.warnings.extend(preflight(call, stripe_client))
        if _has_errors(call.warnings):
            return _blocked(call)

    return _send(call, stripe_client, load_all=load_all, knowledge=knowledge)


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


def _read(call: _Call, action_id: str, object_id: str, fetch: Callable[..., Any]) -> Any:
    """Retrieve an object for a pre-flight check (``fetch`` is the SDK's retrieve), recorded like any call;
    None when that failed. A failed read does not block: the action itself then fails the same way and gets
    its guidance."""
    retrieve = catalog.get(action_id)
    started = time.perf_counter()
    try:
        found = fetch(object_id, options={"headers": dict(CLIENT_HEADERS)})
    except stripe.StripeError as error:
        call.requests.append(_record(call, retrieve, {"id": object_id}, {}, started, error=error, key=None))
        return None
    call.requests.append(_record(call, retrieve, {"id": object_id}, {}, started, response=found, key=None))
    return found


def _read_intent(call: _Call, client: stripe.StripeClient, intent_id: str) -> Any:
    return _read(call, "retrieve_payment_intent", intent_id, client.v1.payment_intents.retrieve)


def _checkout_preflight(call: _Call, client: stripe.StripeClient) -> list[Finding]:
    """Both discount parameters at once, and a promotion code Stripe would refuse (read first)."""
    values = call.prepared.values
    found = pitfalls.checkout_discount_findings(values)
    entries = values.get("discounts")
    for entry in entries if isinstance(entries, list) else []:
        promo_id = entry.get("promotion_code") if isinstance(entry, dict) else None
        if isinstance(promo_id, str) and promo_id:
            promo = _read(call, "retrieve_promotion_code", promo_id, client.v1.promotion_codes.retrieve)
            if promo is not None:
                found += pitfalls.promotion_code_findings(promo.to_dict(), int(time.time()))
    return found


def _coupon_preflight(call: _Call, client: stripe.StripeClient) -> list[Finding]:
    return pitfalls.coupon_findings(call.prepared.values)


def _cancel_preflight(call: _Call, client: stripe.StripeClient) -> list[Finding]:
    """Read the PaymentIntent first: canceling a succeeded (or canceled) one is WeWeb's fourth pitfall."""
    intent_id = call.prepared.path_args.get("id")
    intent = _read_intent(call, client, intent_id) if intent_id else None
    if intent is None or intent_id is None:
        return []
    return pitfalls.cancel_not_allowed(str(getattr(intent, "status", "")), intent_id)


def _capture_preflight(call: _Call, client: stripe.StripeClient) -> list[Finding]:
    """Only a requires_capture PaymentIntent can be captured, and not for more than was authorized."""
    intent_id = call.prepared.path_args.get("id")
    intent = _read_intent(call, client, intent_id) if intent_id else None
    if intent is None or intent_id is None:
        return []
    found = pitfalls.capture_not_allowed(str(getattr(intent, "status", "")), intent_id)
    amount = call.prepared.values.get("amount_to_capture")
    capturable = getattr(intent, "amount_capturable", None)
    currency = str(getattr(intent, "currency", "") or "")
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


def _refund_preflight(call: _Call, client: stripe.StripeClient) -> list[Finding]:
    """A refund amount has no currency input: read it from the Payment Intent to check the amount."""
    amount = call.prepared.values.get("amount")
    intent_id = call.prepared.values.get("payment_intent")
    if not isinstance(amount, int) or not isinstance(intent_id, str):
        return []
    intent = _read_intent(call, client, intent_id)
    if intent is None:
        return []
    received = getattr(intent, "amount_received", None)
    currency = str(getattr(intent, "currency", "") or "")
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
_PREFLIGHTS: Final[Mapping[str, Callable[[_Call, stripe.StripeClient], list[Finding]]]] = {
    "cancel_payment_intent": _cancel_preflight,
    "capture_payment_intent": _capture_preflight,
    "refund_payment": _refund_preflight,
    "create_checkout_session": _checkout_preflight,
    "create_coupon": _coupon_preflight,
}


def _record(
    call: _Call,
    action: Action,
    path_args: Mapping[str, str],
    params: Mapping[str, Any],
    started: float | None,
    *,
    response: Any = None,
    error: BaseException | None = None,
    key: str | None,
    sent: bool = True,
) -> RequestRecord:
    status: int | None = None
    request_id: str | None = None
    replayed = False
    if isinstance(response, _Answer):
        status, request_id, replayed = response.code, response.request_id, response.replayed
    elif response is not None and (last := getattr(response, "last_response", None)) is not None:
        status = int(last.code)  # an SDK object (pre-flight reads)
        request_id = last.request_id
        replayed = str(last.headers.get("Idempotent-Replayed", "")).lower() == "true"
    if isinstance(error, stripe.StripeError):
        status = error.http_status
        request_id = error.request_id
    return RequestRecord(
        time=dt.datetime.now(dt.UTC),
        action_id=action.id,
        action_name=action.name,
        method=action.method,
        path=action.path.format(**path_args) if path_args else action.path,
        params=redact_params(dict(params)),
        status=status,
        request_id=request_id,
        idempotency_key=key,
        duration_ms=round((time.perf_counter() - started) * 1000, 1) if started is not None else None,
        environment=call.target.environment,
        mode=call.target.mode_name,
        target=call.target.target_name,
        api_base=call.target.display_base,
        sent=sent,
        replayed=replayed,
    )


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
    params = redact_params(call.prepared.params)
    record = _record(
        call, call.action, call.prepared.path_args, params, None, key=call.idempotency_key, sent=False
    )
    return RunResult(
        action_id=call.action.id,
        action_name=call.action.name,
        ok=False,
        objects=[],
        table=to_table([]),
        request=record,
        warnings=call.warnings,
        guidance=[],
        snippets=_snippets(call, params),
        idempotency_key=call.idempotency_key,
        requests=[*call.requests, record],
    )


def _request(
    client: stripe.StripeClient, action: Action, url: str, params: Mapping[str, Any], page_key: str | None
) -> _Answer:
    """One HTTP call as the SDK's service method would make it (same encoding, headers, retries, errors),
    through ``raw_request``: the answer stays JSON and no SDK objects are built.

    Building ``StripeObject``s and converting them back to plain JSON cost more than the sandbox's whole
    answer to a create, and ~50 ms per 1,000 listed objects (bench/core_overhead.py); the JSON is the same.
    """
    options: dict[str, Any] = {"headers": dict(CLIENT_HEADERS)}
    if page_key:
        options["idempotency_key"] = page_key
    response = client.raw_request(action.method.lower(), url, **dict(params), **options)
    body = json.loads(response.body)  # plain dicts (the SDK's own parse makes OrderedDicts)
    if not isinstance(body, dict):
        raise stripe.APIError(f"Unexpected response body (HTTP {response.code}): not a JSON object.")
    return _Answer(body, int(response.code), response.request_id, response.headers)


@dataclass(frozen=True)
class _Answer:
    """A successful answer: its JSON body and what the request record needs from its headers."""

    body: dict[str, Any]
    code: int
    request_id: str | None
    headers: Mapping[str, str]

    @property
    def replayed(self) -> bool:
        return str(self.headers.get("Idempotent-Replayed", "")).lower() == "true"


def _url(action: Action, path_args: Mapping[str, str]) -> str:
    """The request path, ids quoted as the SDK's services quote them (``sanitize_id``)."""
    if not action.path_inputs:
        return action.path
    return action.path.format(**{k: quote_plus(v) for k, v in path_args.items()})


def _send(
    call: _Call, client: stripe.StripeClient, *, load_all: bool, knowledge: KeyKnowledge | None
) -> RunResult:
    action = call.action
    url = _url(action, call.prepared.path_args)
    params = call.prepared.params
    started = time.perf_counter()
    try:
        response = _request(client, action, url, params, call.idempotency_key)
    except stripe.StripeError as error:
        return _failed(call, error, started, knowledge)
    except Exception as error:  # the SDK raising something unexpected must still become a message
        return _failed(call, error, started, knowledge)
    record = _record(
        call, action, call.prepared.path_args, params, started, response=response, key=call.idempotency_key
    )
    call.requests.append(record)
    if knowledge is not None:
        knowledge.learn_granted(action.permission)

    objects: list[dict[str, Any]]
    has_more = False
    if action.is_list:
        objects = _page_objects(response)
        has_more = bool(response.body.get("has_more", False))
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
            started = time.perf_counter()
            try:
                page = _request(client, action, url, page_params, None)
            except stripe.StripeError as error:
                failed = _failed(call, error, started, knowledge)
                failed.objects = objects
                failed.table = to_table(objects)
                return failed
            call.requests.append(
                _record(call, action, call.prepared.path_args, page_params, started, response=page, key=None)
            )
            page_objects = _page_objects(page)
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
        objects = [response.body]
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


def _page_objects(page: _Answer) -> list[dict[str, Any]]:
    """A list page's objects as Stripe sent them."""
    data = page.body.get("data")
    if not isinstance(data, list) or not all(isinstance(o, dict) for o in data):
        raise stripe.APIError("Unexpected list response: no 'data' list of objects.")
    return data


def _error_info(error: BaseException, api_base: str | None = None) -> StripeErrorInfo:
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
    return StripeErrorInfo(None, None, None, None, f"{type(error).__name__}: {redact(str(error))}", None)


def _failed(call: _Call, error: BaseException, started: float, knowledge: KeyKnowledge | None) -> RunResult:
    params = call.prepared.params
    record = _record(
        call, call.action, call.prepared.path_args, params, started, error=error, key=call.idempotency_key
    )
    call.requests.append(record)
    guidance = _guidance(call, error, knowledge)
    return RunResult(
        action_id=call.action.id,
        action_name=call.action.name,
        ok=False,
        objects=[],
        table=to_table([]),
        request=record,
        warnings=call.warnings,
        guidance=guidance,
        error=_error_info(error, call.target.api_base),
        snippets=_snippets(call, params),
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
