"""Triggers without the Stripe CLI: ``POST /_sandbox/triggers/{event}`` runs a scenario that makes Stripe send
that event, through the sandbox's own API (every step is a real /v1 request of the account: validation,
objects, events, webhooks, listen sessions), like ``stripe trigger`` does. ``GET /_sandbox/triggers`` lists
them.

Each scenario is the shortest series of ordinary API calls after which the account's event log holds the
event: a paid PaymentIntent for ``charge.succeeded``, a declined one for ``charge.failed`` (that step is
expected to fail with a ``card_error``), a Checkout Session paid through Checkout's completion API for
``checkout.session.completed``. A step's parameters may name an earlier step's answer: ``"{customer.id}"`` is
the ``id`` of the step named ``customer`` (dotted paths reach further, ``{disputes.data.0.id}``).
"""

from __future__ import annotations

import json
import re
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from sandbox import _errors as errors
from sandbox import _ids
from sandbox._api import route
from sandbox._forms import encode

DESCRIPTION = "(created by a sandbox trigger)"
_REFERENCE = re.compile(r"\{([a-z_]+)((?:\.[A-Za-z0-9_]+)+)\}")


@dataclass(frozen=True)
class Step:
    name: str
    method: str
    path: str
    params: Mapping[str, Any] = field(default_factory=dict)
    expect_error: str | None = None  # the error type this step is meant to end with (a decline)


def _customer(name: str = "customer", **params: Any) -> Step:
    return Step(name, "POST", "/v1/customers", {"description": DESCRIPTION, **params})


def _paying_customer() -> Step:
    return _customer(
        payment_method="pm_card_visa", invoice_settings={"default_payment_method": "pm_card_visa"}
    )


def _product() -> Step:
    return Step("product", "POST", "/v1/products", {"name": "Trigger product", "description": DESCRIPTION})


def _price(**params: Any) -> Step:
    return Step(
        "price",
        "POST",
        "/v1/prices",
        {"product": "{product.id}", "unit_amount": 1500, "currency": "usd", **params},
    )


def _payment(card: str, *, error: str | None = None, **params: Any) -> Step:
    return Step(
        "payment_intent",
        "POST",
        "/v1/payment_intents",
        {
            "amount": 2000,
            "currency": "usd",
            "payment_method_types": ["card"],
            "payment_method": card,
            "confirm": True,
            "description": DESCRIPTION,
            **params,
        },
        expect_error=error,
    )


def _draft_invoice(**params: Any) -> list[Step]:
    return [
        _customer(email="trigger@example.com"),
        Step(
            "invoiceitem",
            "POST",
            "/v1/invoiceitems",
            {"customer": "{customer.id}", "amount": 2000, "currency": "usd", "description": DESCRIPTION},
        ),
        Step(
            "invoice",
            "POST",
            "/v1/invoices",
            {
                "customer": "{customer.id}",
                "pending_invoice_items_behavior": "include",
                "description": DESCRIPTION,
                **params,
            },
        ),
    ]


def _invoice(action: str, **params: Any) -> Step:
    return Step(action, "POST", f"/v1/invoices/{{invoice.id}}/{action}", params)


def _subscription() -> list[Step]:
    return [
        _paying_customer(),
        _product(),
        _price(recurring={"interval": "month"}),
        Step(
            "subscription",
            "POST",
            "/v1/subscriptions",
            {"customer": "{customer.id}", "items": [{"price": "{price.id}"}]},
        ),
    ]


def _checkout_session() -> list[Step]:
    return [
        _product(),
        _price(),
        Step(
            "checkout_session",
            "POST",
            "/v1/checkout/sessions",
            {
                "mode": "payment",
                "success_url": "https://example.com/success",
                "line_items": [{"price": "{price.id}", "quantity": 2}],
            },
        ),
    ]


def _disputed(then: Step | None) -> list[Step]:
    steps = [
        _payment("pm_card_createDisputeInquiry"),
        Step("disputes", "GET", "/v1/disputes", {"payment_intent": "{payment_intent.id}"}),
    ]
    return steps + ([then] if then else [])


def _sepa(iban: str) -> Step:
    return Step(
        "payment_method",
        "POST",
        "/v1/payment_methods",
        {
            "type": "sepa_debit",
            "sepa_debit": {"iban": iban},
            "billing_details": {"name": "Jenny Rosen", "email": "jenny@example.com"},
        },
    )


def _sepa_checkout(iban: str) -> list[Step]:
    """Checkout paid by SEPA Debit: completes unpaid, then the bank's answer (due at once) is looked at."""
    return [
        _product(),
        _price(currency="eur"),
        Step(
            "checkout_session",
            "POST",
            "/v1/checkout/sessions",
            {
                "mode": "payment",
                "success_url": "https://example.com/success",
                "payment_method_types": ["sepa_debit"],
                "line_items": [{"price": "{price.id}", "quantity": 2}],
            },
        ),
        _sepa(iban),
        Step(
            "confirm",
            "POST",
            "/v1/payment_pages/{checkout_session.id}/confirm",
            {"payment_method": "{payment_method.id}", "expected_amount": 3000},
        ),
        Step("session", "GET", "/v1/checkout/sessions/{checkout_session.id}"),
    ]


def _clock() -> Step:
    return Step(
        "test_clock", "POST", "/v1/test_helpers/test_clocks", {"frozen_time": 1767225600, "name": DESCRIPTION}
    )  # 1 January 2026


def _advance() -> Step:
    return Step(
        "advance", "POST", "/v1/test_helpers/test_clocks/{test_clock.id}/advance", {"frozen_time": 1769904000}
    )  # a month later


def _coupon() -> Step:
    return Step("coupon", "POST", "/v1/coupons", {"percent_off": 25, "duration": "once", "name": "Trigger"})


def _credit_note() -> list[Step]:
    """A credit note of 5.00 against a finalized invoice of 20.00."""
    return [
        *_draft_invoice(),
        _invoice("finalize"),
        Step("credit_note", "POST", "/v1/credit_notes", {"invoice": "{invoice.id}", "amount": 500}),
    ]


def _tax_rate() -> Step:
    return Step(
        "tax_rate",
        "POST",
        "/v1/tax_rates",
        {"display_name": "VAT", "percentage": 20, "inclusive": False, "description": DESCRIPTION},
    )


def _attached() -> list[Step]:
    return [
        _customer(),
        Step(
            "payment_method", "POST", "/v1/payment_methods/pm_card_visa/attach", {"customer": "{customer.id}"}
        ),
    ]


SCENARIOS: dict[str, list[Step]] = {
    "balance.available": [_payment("pm_card_bypassPending")],
    "charge.captured": [
        _payment("pm_card_visa", capture_method="manual"),
        Step("capture", "POST", "/v1/payment_intents/{payment_intent.id}/capture"),
    ],
    "charge.dispute.created": _disputed(None),
    "charge.dispute.updated": _disputed(
        Step("update", "POST", "/v1/disputes/{disputes.data.0.id}", {"metadata": {"note": "trigger"}})
    ),
    "charge.dispute.closed": _disputed(Step("close", "POST", "/v1/disputes/{disputes.data.0.id}/close")),
    "charge.failed": [_payment("pm_card_chargeDeclined", error="card_error")],
    "charge.refunded": [
        _payment("pm_card_visa"),
        Step("refund", "POST", "/v1/refunds", {"payment_intent": "{payment_intent.id}"}),
    ],
    "charge.refund.updated": [
        _payment("pm_card_visa"),
        Step("refund", "POST", "/v1/refunds", {"payment_intent": "{payment_intent.id}"}),
        Step("update", "POST", "/v1/refunds/{refund.id}", {"metadata": {"note": "trigger"}}),
    ],
    "charge.succeeded": [_payment("pm_card_visa")],
    "checkout.session.completed": [
        *_checkout_session(),
        Step(
            "confirm",
            "POST",
            "/v1/payment_pages/{checkout_session.id}/confirm",
            {"payment_method": "pm_card_visa", "expected_amount": 3000},
        ),
    ],
    "checkout.session.async_payment_succeeded": _sepa_checkout("AT611904300234573201"),
    "checkout.session.async_payment_failed": _sepa_checkout("AT861904300235473202"),
    "checkout.session.expired": [
        *_checkout_session(),
        Step("expire", "POST", "/v1/checkout/sessions/{checkout_session.id}/expire"),
    ],
    "coupon.created": [_coupon()],
    "coupon.updated": [
        _coupon(),
        Step("update", "POST", "/v1/coupons/{coupon.id}", {"metadata": {"note": "trigger"}}),
    ],
    "coupon.deleted": [_coupon(), Step("delete", "DELETE", "/v1/coupons/{coupon.id}")],
    "credit_note.created": _credit_note(),
    "credit_note.updated": [
        *_credit_note(),
        Step("update", "POST", "/v1/credit_notes/{credit_note.id}", {"metadata": {"note": "trigger"}}),
    ],
    "credit_note.voided": [*_credit_note(), Step("void", "POST", "/v1/credit_notes/{credit_note.id}/void")],
    "customer.created": [_customer()],
    "customer.updated": [
        _customer(),
        Step("update", "POST", "/v1/customers/{customer.id}", {"metadata": {"note": "trigger"}}),
    ],
    "customer.deleted": [_customer(), Step("delete", "DELETE", "/v1/customers/{customer.id}")],
    "customer.subscription.created": _subscription(),
    "customer.subscription.updated": [
        *_subscription(),
        Step("update", "POST", "/v1/subscriptions/{subscription.id}", {"metadata": {"note": "trigger"}}),
    ],
    "customer.subscription.trial_will_end": [
        _customer(),
        _product(),
        _price(recurring={"interval": "month"}),
        # Less than three days of trial left at the start: Stripe says so at once.
        Step(
            "subscription",
            "POST",
            "/v1/subscriptions",
            {"customer": "{customer.id}", "items": [{"price": "{price.id}"}], "trial_period_days": 1},
        ),
    ],
    "customer.subscription.deleted": [
        *_subscription(),
        Step("cancel", "DELETE", "/v1/subscriptions/{subscription.id}"),
    ],
    "invoice.created": _draft_invoice(),
    "invoice.updated": [
        *_draft_invoice(),
        Step("update", "POST", "/v1/invoices/{invoice.id}", {"metadata": {"note": "trigger"}}),
    ],
    "invoice.deleted": [*_draft_invoice(), Step("delete", "DELETE", "/v1/invoices/{invoice.id}")],
    "invoice.finalized": [*_draft_invoice(), _invoice("finalize")],
    "invoice.marked_uncollectible": [*_draft_invoice(), _invoice("finalize"), _invoice("mark_uncollectible")],
    "invoice.voided": [*_draft_invoice(), _invoice("finalize"), _invoice("void")],
    "invoice.paid": [*_draft_invoice(), _invoice("pay", payment_method="pm_card_visa")],
    "invoice.payment_succeeded": [*_draft_invoice(), _invoice("pay", payment_method="pm_card_visa")],
    "invoice.payment_failed": [
        *_draft_invoice(),
        Step(
            "pay",
            "POST",
            "/v1/invoices/{invoice.id}/pay",
            {"payment_method": "pm_card_chargeDeclined"},
            expect_error="card_error",
        ),
    ],
    "invoice.payment_action_required": [
        *_draft_invoice(),
        Step(
            "payment_method",
            "POST",
            "/v1/payment_methods/pm_card_threeDSecure2Required/attach",
            {"customer": "{customer.id}"},
        ),
        Step(
            "pay",
            "POST",
            "/v1/invoices/{invoice.id}/pay",
            {"payment_method": "{payment_method.id}"},
            expect_error="card_error",
        ),
    ],
    "invoice.sent": [*_draft_invoice(collection_method="send_invoice", days_until_due=7), _invoice("send")],
    "invoiceitem.created": _draft_invoice()[:2],
    "invoiceitem.deleted": [
        *_draft_invoice()[:2],
        Step("delete", "DELETE", "/v1/invoiceitems/{invoiceitem.id}"),
    ],
    "payment_intent.created": [
        Step(
            "payment_intent",
            "POST",
            "/v1/payment_intents",
            {"amount": 2000, "currency": "usd", "payment_method_types": ["card"], "description": DESCRIPTION},
        ),
    ],
    "payment_intent.succeeded": [_payment("pm_card_visa")],
    "payment_intent.processing": [
        _sepa("AT611904300234573201"),
        Step(
            "payment_intent",
            "POST",
            "/v1/payment_intents",
            {
                "amount": 2000,
                "currency": "eur",
                "payment_method_types": ["sepa_debit"],
                "payment_method": "{payment_method.id}",
                "confirm": True,
                "mandate_data": {"customer_acceptance": {"type": "offline"}},
            },
        ),
    ],
    "payment_intent.payment_failed": [_payment("pm_card_chargeDeclined", error="card_error")],
    "payment_intent.requires_action": [_payment("pm_card_authenticationRequired")],
    "payment_intent.amount_capturable_updated": [_payment("pm_card_visa", capture_method="manual")],
    "payment_intent.canceled": [
        Step(
            "payment_intent",
            "POST",
            "/v1/payment_intents",
            {"amount": 2000, "currency": "usd", "payment_method_types": ["card"]},
        ),
        Step("cancel", "POST", "/v1/payment_intents/{payment_intent.id}/cancel"),
    ],
    "payment_method.attached": _attached(),
    "payment_method.detached": [
        *_attached(),
        Step("detach", "POST", "/v1/payment_methods/{payment_method.id}/detach"),
    ],
    "price.created": [_product(), _price()],
    "price.updated": [
        _product(),
        _price(),
        Step("update", "POST", "/v1/prices/{price.id}", {"nickname": "Trigger"}),
    ],
    "product.created": [_product()],
    "product.updated": [_product(), Step("update", "POST", "/v1/products/{product.id}", {"name": "Renamed"})],
    "product.deleted": [_product(), Step("delete", "DELETE", "/v1/products/{product.id}")],
    "tax_rate.created": [_tax_rate()],
    "tax_rate.updated": [
        _tax_rate(),
        Step("update", "POST", "/v1/tax_rates/{tax_rate.id}", {"metadata": {"note": "trigger"}}),
    ],
    "test_helpers.test_clock.created": [_clock()],
    "test_helpers.test_clock.advancing": [_clock(), _advance()],
    "test_helpers.test_clock.ready": [_clock(), _advance()],
    "test_helpers.test_clock.deleted": [
        _clock(),
        Step("delete", "DELETE", "/v1/test_helpers/test_clocks/{test_clock.id}"),
    ],
    "setup_intent.created": [
        Step("setup_intent", "POST", "/v1/setup_intents", {"payment_method_types": ["card"]}),
    ],
    "setup_intent.succeeded": [
        Step(
            "setup_intent",
            "POST",
            "/v1/setup_intents",
            {"payment_method_types": ["card"], "payment_method": "pm_card_visa", "confirm": True},
        ),
    ],
    "setup_intent.setup_failed": [
        Step(
            "setup_intent",
            "POST",
            "/v1/setup_intents",
            {"payment_method_types": ["card"], "payment_method": "pm_card_chargeDeclined", "confirm": True},
            expect_error="card_error",
        ),
    ],
    "setup_intent.canceled": [
        Step("setup_intent", "POST", "/v1/setup_intents", {"payment_method_types": ["card"]}),
        Step(
            "cancel",
            "POST",
            "/v1/setup_intents/{setup_intent.id}/cancel",
            {"cancellation_reason": "requested_by_customer"},
        ),
    ],
}


def _dig(value: Any, path: list[str]) -> Any:
    for part in path:
        value = value[int(part)] if isinstance(value, list) else value[part]
    return value


def _resolve(value: Any, answers: Mapping[str, Any]) -> Any:
    """Fill ``{step.path}`` references with what earlier steps answered."""
    if isinstance(value, str):
        return _REFERENCE.sub(lambda m: str(_dig(answers[m.group(1)], m.group(2)[1:].split("."))), value)
    if isinstance(value, Mapping):
        return {k: _resolve(v, answers) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve(v, answers) for v in value]
    return value


def _events_of(runtime: Any, account: str, event_type: str) -> set[str]:
    with runtime.store.transaction(account) as tx:
        return {str(e["id"]) for e in tx.scan("event", {"type": event_type})}


def run(runtime: Any, authorization: str, account: str, event_type: str) -> dict[str, Any]:
    """Run one scenario as the account's own API calls; the event it made, or a StripeError saying why not."""
    before = _events_of(runtime, account, event_type)
    answers: dict[str, Any] = {}
    steps: list[dict[str, Any]] = []
    for step in SCENARIOS[event_type]:
        path = _resolve(step.path, answers)
        form = urllib.parse.urlencode(encode(dict(_resolve(dict(step.params), answers))))
        query, body = (form, b"") if step.method == "GET" else ("", form.encode())
        headers = {"authorization": authorization}
        result = runtime.handle(step.method, path, query, body, headers, _ids.new_id("req"))
        answer = json.loads(result.body)
        answers[step.name] = answer
        steps.append({"name": step.name, "method": step.method, "path": path, "status": result.status})
        failed = result.status >= 400
        if failed and (answer.get("error") or {}).get("type") != step.expect_error:
            message = (answer.get("error") or {}).get("message")
            raise errors.StripeError(
                result.status if result.status < 500 else 500,
                f"The {event_type} trigger stopped at step {step.name!r} ({step.method} {path}): {message}",
                type="api_error" if result.status >= 500 else "invalid_request_error",
            )
    scheduler = getattr(runtime, "scheduler", None)
    if scheduler is not None:
        scheduler.wait_idle()  # what the steps set in motion (a test clock's advance) happens first
    made = sorted(_events_of(runtime, account, event_type) - before)
    if not made:  # pragma: no cover - every scenario is tested to leave its event
        raise errors.StripeError(500, f"The {event_type} trigger ran but left no {event_type} event.")
    return {"object": "sandbox.trigger", "event": event_type, "events": made, "steps": steps}


def _error(error: errors.StripeError) -> Response:
    request_id = _ids.new_id("req")
    return JSONResponse(error.body(request_id), status_code=error.status, headers={"Request-Id": request_id})


@route("/_sandbox/triggers", methods=("GET",))
def list_triggers(request: Request) -> Response:
    """The events a trigger exists for (needs the account's secret key, like the rest of the control API)."""
    try:
        request.app.state.runtime.secret_auth(request.headers.get("authorization"))
    except errors.StripeError as error:
        return _error(error)
    return JSONResponse({"object": "list", "data": sorted(SCENARIOS)})


@route("/_sandbox/triggers/{event}", methods=("POST",))
async def trigger(request: Request) -> Response:
    runtime = request.app.state.runtime
    event_type = request.path_params["event"]
    try:
        header = request.headers.get("authorization") or ""
        auth = runtime.secret_auth(header)
        if event_type not in SCENARIOS:
            raise errors.StripeError(
                404,
                f"There is no trigger for {event_type!r}. Triggers exist for: "
                f"{', '.join(sorted(SCENARIOS))}.",
                code="resource_missing",
                param="event",
            )
        result = await run_in_threadpool(run, runtime, header, auth.account, event_type)
    except errors.StripeError as error:
        return _error(error)
    return JSONResponse(result)
