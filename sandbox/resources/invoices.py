"""Invoices with Stripe's lifecycle: draft → open → paid | void | uncollectible.

A draft collects lines (invoice items, or a subscription's items); finalizing numbers it, opens it and, for
``charge_automatically``, prepares the PaymentIntent that will pay it; paying charges a card through the
PaymentIntents module, so declines, 3D Secure and test cards behave exactly as on a PaymentIntent.

Automatic collection runs on the scheduler (sandbox/_scheduler.py), on the wall clock or the customer's test
clock: a draft with ``auto_advance`` is finalized an hour after it was created (once ``invoice.created`` was
delivered to the webhook endpoints, else after 72 hours), then charged to the default payment method; a failed
charge is retried on the fixed schedule of :data:`sandbox._billing.RETRY_DAYS`, and when the retries are used
up the subscription ends as the account's setting says (:func:`sandbox._billing.billing_settings`).

The functions without ``@endpoint`` (:func:`new_draft`, :func:`finalize`, :func:`attempt_payment`, …) are
shared with invoice items and subscriptions.
"""

from __future__ import annotations

import copy
import html
import operator
import urllib.parse
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from sandbox import _billing as billing
from sandbox import _errors as errors
from sandbox import _scheduler as scheduler
from sandbox import _test_cards as cards
from sandbox._api import (
    Context,
    apply_metadata,
    changed_fields,
    deleted,
    endpoint,
    event_sink_factory,
    includable,
    page_of,
    route,
)
from sandbox._currencies import MINIMUMS
from sandbox._errors import StripeError
from sandbox._ids import random_chars
from sandbox._store import JSONObject
from sandbox._test_cards import Decline
from sandbox.resources import customer_balance, discounts, payment_intents, payment_methods, tax_rates

KIND = "invoice"
ITEM_KIND = "invoiceitem"
PERMISSION = "invoice"
HOSTED_PATH = "/i"

NOT_OPEN = (
    "You can only pass in open invoices. This invoice isn't open."  # [O: recorded by a Stripe emulator]
)
NO_PAYMENT_METHOD = (
    "This customer has no attached payment source or default payment method. Please consider adding a "
    "default payment method. For more information, visit "
    "https://stripe.com/docs/billing/subscriptions/payment-methods-setting#payment-method-priority."
)  # [O] many integrations quote it for subscriptions; used for invoice payments too [U]
SEND_INVOICE_NEEDS_DUE = (  # [U] as a Stripe emulator quotes it
    "Invoices with `send_invoice` collection method must have either a `due_date` or `days_until_due` set."
)
# Fields Stripe still lets you change once an invoice is finalized (docs: "Update an invoice").
FINALIZED_UPDATABLE = ("metadata", "auto_advance", "default_payment_method", "footer")


# --- shapes ----------------------------------------------------------------------------------------------


def _lines_list(invoice_id: str, lines: Sequence[JSONObject]) -> JSONObject:
    return {
        "object": "list",
        "data": list(lines),
        "has_more": False,
        "url": f"/v1/invoices/{invoice_id}/lines",
    }


def _customer_snapshot(customer: Mapping[str, Any]) -> dict[str, Any]:
    """Until finalization an invoice mirrors its customer's details (docs on ``customer_email`` etc.)."""
    return {
        "customer_address": copy.deepcopy(customer.get("address")),
        "customer_email": customer.get("email"),
        "customer_name": customer.get("name"),
        "customer_phone": customer.get("phone"),
        "customer_shipping": copy.deepcopy(customer.get("shipping")),
        "customer_tax_exempt": customer.get("tax_exempt") or "none",
    }


def load_customer(ctx: Context, customer_id: Any, param: str = "customer") -> JSONObject:
    customer = ctx.load("customer", str(customer_id), param=param, status=400)
    if customer.get("deleted"):
        raise errors.resource_missing("customer", str(customer_id), param, 400)
    ctx.enter_clock(customer.get("test_clock"))  # its invoices and subscriptions live on the clock's time
    return customer


def new_draft(
    ctx: Context,
    customer: Mapping[str, Any],
    *,
    currency: str,
    collection_method: str = "charge_automatically",
    days_until_due: int | None = None,
    due_date: int | None = None,
    auto_advance: bool = False,
    description: str | None = None,
    metadata: Mapping[str, str] | None = None,
    default_payment_method: str | None = None,
    billing_reason: str = "manual",
    subscription: Mapping[str, Any] | None = None,
    period: tuple[int, int] | None = None,
) -> JSONObject:
    """A draft invoice (not saved). ``subscription`` links it through ``parent`` as API 2025+ does."""
    now = ctx.now()
    invoice_id = ctx.new_id("in")
    start, end = period or (now, now)
    parent = None
    if subscription is not None:
        parent = {
            "quote_details": None,
            "subscription_details": {
                "metadata": copy.deepcopy(subscription.get("metadata") or {}),
                "subscription": subscription["id"],
            },
            "type": "subscription_details",
        }
    invoice: JSONObject = {
        "id": invoice_id,
        "object": KIND,
        "account_country": "US",
        "account_name": "Stripe sandbox",
        "account_tax_ids": None,
        "amount_overpaid": 0,
        "amount_paid_off_stripe": 0,
        "amount_shipping": 0,
        "application": None,
        "attempt_count": 0,
        "attempted": False,
        "auto_advance": auto_advance,
        "automatic_tax": {
            "disabled_reason": None,
            "enabled": False,
            "liability": None,
            "provider": None,
            "status": None,
        },
        "automatically_finalizes_at": now + billing.FINALIZE_AFTER if auto_advance else None,
        "billing_reason": billing_reason,
        "collection_method": collection_method,
        "confirmation_secret": None,
        "created": now,
        "currency": currency,
        "custom_fields": None,
        "customer": customer["id"],
        "customer_account": None,
        **_customer_snapshot(customer),
        "customer_tax_ids": [],
        "days_until_due": days_until_due,
        "default_payment_method": default_payment_method,
        "default_source": None,
        "default_tax_rates": [],
        "description": description,
        "discounts": [],
        "due_date": due_date,
        "effective_at": None,
        "ending_balance": None,
        "footer": None,
        "from_invoice": None,
        "hosted_invoice_url": None,
        "invoice_pdf": None,
        "issuer": {"type": "self"},
        "last_finalization_error": None,
        "latest_revision": None,
        "lines": _lines_list(invoice_id, []),
        "livemode": False,
        "metadata": dict(metadata or {}),
        "next_payment_attempt": None,
        "number": None,
        "on_behalf_of": None,
        "parent": parent,
        "payment_settings": {
            "default_mandate": None,
            "payment_method_options": None,
            "payment_method_types": None,
        },
        "payments": {
            "object": "list",
            "data": [],
            "has_more": False,
            "url": f"/v1/invoice_payments?invoice={invoice_id}",
        },
        "period_end": end,
        "period_start": start,
        "post_payment_credit_notes_amount": 0,
        "pre_payment_credit_notes_amount": 0,
        "receipt_number": None,
        "rendering": None,
        "shipping_cost": None,
        "shipping_details": None,
        "starting_balance": _current_balance(customer, currency),
        "statement_descriptor": None,
        "status": "draft",
        "status_transitions": {
            "finalized_at": None,
            "marked_uncollectible_at": None,
            "paid_at": None,
            "voided_at": None,
        },
        "test_clock": customer.get("test_clock"),
        "total_discount_amounts": [],
        "total_pretax_credit_amounts": [],
        "total_taxes": [],
        "webhooks_delivered_at": None,
    }
    invoice.update(billing.invoice_amounts([]))
    return invoice


def _current_balance(customer: Mapping[str, Any], currency: str) -> int:
    """A draft's ``starting_balance`` is the customer's balance as it is now (Stripe's field docs); finalizing
    fixes it (:func:`sandbox.resources.customer_balance.apply_to_invoice`)."""
    return int(customer.get("balance") or 0) if customer.get("currency") in (None, currency) else 0


def subscription_of(invoice: Mapping[str, Any]) -> str | None:
    parent = invoice.get("parent") or {}
    details = parent.get("subscription_details") or {}
    sub = details.get("subscription")
    return str(sub) if sub else None


def _line_parent(item: Mapping[str, Any]) -> JSONObject:
    """A subscription's invoice item (a proration) becomes a ``subscription_item_details`` line naming the
    item it came from; any other, an ``invoice_item_details`` line."""
    owner = (item.get("parent") or {}).get("subscription_details")
    if owner:
        credited = (item.get("proration_details") or {}).get("credited_items") or {}
        details = credited.get("invoice_line_item_details")
        return {
            "invoice_item_details": None,
            "subscription_item_details": {
                "invoice_item": item["id"],
                "proration": bool(item.get("proration")),
                "proration_details": {"credited_items": copy.deepcopy(details)},
                "subscription": owner["subscription"],
                "subscription_item": owner["subscription_item"],
            },
            "type": "subscription_item_details",
        }
    return {
        "invoice_item_details": {
            "invoice_item": item["id"],
            "proration": bool(item.get("proration")),
            "proration_details": {"credited_items": None},
            "subscription": None,
        },
        "subscription_item_details": None,
        "type": "invoice_item_details",
    }


def line_for_item(item: Mapping[str, Any]) -> JSONObject:
    """The invoice line an invoice item becomes (id derived from the item's, so it is stable)."""
    owner = (item.get("parent") or {}).get("subscription_details") or {}
    return {
        "id": "il_" + str(item["id"]).removeprefix("ii_"),
        "object": "line_item",
        "amount": item["amount"],
        "currency": item["currency"],
        "description": item.get("description"),
        "discount_amounts": [],
        "discountable": item.get("discountable", True),
        "discounts": [],
        "invoice": item.get("invoice"),
        "livemode": False,
        "metadata": copy.deepcopy(item.get("metadata") or {}),
        "parent": _line_parent(item),
        "period": copy.deepcopy(item.get("period")),
        "pretax_credit_amounts": [],
        "pricing": copy.deepcopy(item.get("pricing")),
        "quantity": item.get("quantity"),
        "quantity_decimal": str(item.get("quantity") or 1),
        "subscription": owner.get("subscription"),
        "subtotal": item["amount"],
        "taxes": [],
    }


def _from_invoice_item(line: Mapping[str, Any]) -> bool:
    parent = line.get("parent") or {}
    if parent.get("type") == "invoice_item_details":
        return True
    return bool((parent.get("subscription_item_details") or {}).get("invoice_item"))


def refresh(ctx: Context, invoice: JSONObject) -> JSONObject:
    """Rebuild a draft's lines from its attached invoice items (keeping subscription lines) and its totals."""
    kept = [line for line in invoice["lines"]["data"] if not _from_invoice_item(line)]
    items = ctx.query(ITEM_KIND, {"invoice": invoice["id"]})[::-1]  # oldest first
    lines = kept + [line_for_item(item) for item in items]
    invoice["lines"] = _lines_list(invoice["id"], lines)
    return discounts.apply_to_invoice(ctx, invoice)


EMBEDDED_LINES = 10
# Stripe returns these only when the request expands them (API 2025-03-31.basil and later).
INCLUDABLE = ("confirmation_secret", "payments")
includable(KIND, *INCLUDABLE)


def public(invoice: Mapping[str, Any]) -> JSONObject:
    """The invoice as the API shows it: ``days_until_due`` is kept for finalization but is not a field, and
    ``lines`` carries the first 10 lines (``has_more`` says whether /lines has more), as Stripe's does.
    ``confirmation_secret`` and ``payments`` are still here; the framework drops them from a response unless
    the request expands them, and events never carry them."""
    shown = {k: copy.deepcopy(v) for k, v in invoice.items() if k != "days_until_due"}
    lines = shown["lines"]["data"]
    if len(lines) > EMBEDDED_LINES:
        shown["lines"]["data"] = lines[:EMBEDDED_LINES]
        shown["lines"]["has_more"] = True
    return shown


def save(ctx: Context, invoice: JSONObject) -> JSONObject:
    ctx.save(invoice)
    return invoice


def _event_view(invoice: Mapping[str, Any]) -> JSONObject:
    """What an event carries: :func:`public` without the includable fields, as a shallow view (``ctx.emit``
    copies it anyway, and invoices are emitted at every step of their lifecycle)."""
    shown = {k: v for k, v in invoice.items() if k != "days_until_due" and k not in INCLUDABLE}
    lines = invoice["lines"]["data"]
    if len(lines) > EMBEDDED_LINES:
        shown["lines"] = {**invoice["lines"], "data": lines[:EMBEDDED_LINES], "has_more": True}
    return shown


def emit(
    ctx: Context, type_: str, invoice: Mapping[str, Any], previous: Mapping[str, Any] | None = None
) -> None:
    before = None if previous is None else {k: v for k, v in previous.items() if k not in INCLUDABLE}
    ctx.emit(type_, _event_view(invoice), before)


# --- lifecycle -------------------------------------------------------------------------------------------


def _next_number(ctx: Context, customer: JSONObject) -> str:
    """The customer's ``next_invoice_sequence`` numbers the invoice and moves on (no event [U])."""
    prefix = customer.get("invoice_prefix") or billing.customer_invoice_prefix(customer["id"])
    sequence = int(customer.get("next_invoice_sequence") or 1)
    customer["next_invoice_sequence"] = sequence + 1
    ctx.save(customer)
    return billing.invoice_number(str(prefix), sequence)


def finalize(ctx: Context, invoice: JSONObject) -> JSONObject:
    """Draft → open: number, due date, hosted page, and the PaymentIntent a charge_automatically invoice is
    paid with (its client secret is ``confirmation_secret``). A total of zero is paid at once."""
    if invoice["status"] != "draft":
        raise errors.invalid_request(
            "This invoice is already finalized, you can't re-finalize a non-draft invoice."
        )  # [O: recorded by a Stripe emulator]
    if invoice["collection_method"] == "send_invoice" and not (
        invoice.get("due_date") or invoice.get("days_until_due")
    ):
        raise errors.invalid_request(SEND_INVOICE_NEEDS_DUE, param="days_until_due")
    now = ctx.now()
    customer = load_customer(ctx, invoice["customer"])
    refresh(ctx, invoice)
    discounts.check_invoice_minimums(ctx, invoice)
    invoice.update(
        status="open",
        number=_next_number(ctx, customer),
        effective_at=now,
        automatically_finalizes_at=None,
        hosted_invoice_url=f"{ctx.public_url}{HOSTED_PATH}/{ctx.account}/{invoice['id']}",
        **_customer_snapshot(customer),
    )
    invoice["status_transitions"]["finalized_at"] = now
    customer_balance.apply_to_invoice(ctx, invoice, customer)
    minimum = MINIMUMS.get(str(invoice["currency"]))
    if minimum is not None and 0 < invoice["amount_due"] < minimum:
        # Stripe does not charge less than the currency's minimum: nothing is due now and the amount is
        # carried to the customer's balance (docs on ``amount_due``).
        customer_balance.carry_too_small(ctx, invoice, customer)
    if invoice["collection_method"] == "send_invoice" and not invoice.get("due_date"):
        invoice["due_date"] = now + int(invoice["days_until_due"]) * billing.DAY
    if invoice["collection_method"] == "send_invoice" and invoice["amount_due"] > 0:
        scheduler.schedule(ctx, OVERDUE, at=max(int(invoice["due_date"]), now), target=invoice["id"])
    if invoice["collection_method"] == "charge_automatically" and invoice["auto_advance"]:
        invoice["next_payment_attempt"] = now + billing.FINALIZE_AFTER
        if invoice["amount_due"] > 0:
            scheduler.schedule(ctx, COLLECT, at=invoice["next_payment_attempt"], target=invoice["id"])
    if invoice["amount_due"] > 0:
        _new_payment_intent(ctx, invoice)
    save(ctx, invoice)
    emit(ctx, "invoice.finalized", invoice)
    if invoice["amount_due"] == 0:
        mark_paid(ctx, invoice, attempted=False)
    return invoice


def _new_payment_intent(ctx: Context, invoice: JSONObject) -> JSONObject:
    """The card PaymentIntent that collects ``amount_due``; the invoice's payment and secret point to it."""
    pi = payment_intents.build(
        ctx,
        {
            "amount": invoice["amount_due"],
            "currency": invoice["currency"],
            "customer": invoice["customer"],
            "description": _payment_description(invoice),
            "payment_method_types": ["card"],
            "capture_method": "automatic",
        },
    )
    ctx.save(pi)
    ctx.emit("payment_intent.created", copy.deepcopy(pi))
    invoice["confirmation_secret"] = {"client_secret": pi["client_secret"], "type": "payment_intent"}
    invoice["payments"]["data"] = [_invoice_payment(ctx, invoice, pi["id"])]
    return pi


def _payment_description(invoice: Mapping[str, Any]) -> str:
    if invoice.get("billing_reason") == "subscription_create":
        return "Subscription creation"
    if subscription_of(invoice):
        return "Subscription update"
    return f"Payment for Invoice {invoice.get('number') or invoice['id']}"


def _invoice_payment(ctx: Context, invoice: Mapping[str, Any], pi_id: str) -> JSONObject:
    return {
        "id": "inpay_" + random_chars(24),
        "object": "invoice_payment",
        "amount_paid": None,
        "amount_requested": invoice["amount_due"],
        "created": ctx.now(),
        "currency": invoice["currency"],
        "invoice": invoice["id"],
        "is_default": True,
        "livemode": False,
        "payment": {"payment_intent": pi_id, "type": "payment_intent"},
        "status": "open",
        "status_transitions": {"canceled_at": None, "paid_at": None},
    }


def _default_payment(invoice: Mapping[str, Any]) -> JSONObject | None:
    data = invoice.get("payments", {}).get("data") or []
    return data[0] if data else None


def mark_paid(ctx: Context, invoice: JSONObject, *, attempted: bool, out_of_band: bool = False) -> JSONObject:
    """Open → paid: amounts settle, ``invoice.paid`` and ``invoice.payment_succeeded``; a subscription
    waiting for this invoice becomes active."""
    now = ctx.now()
    amount = invoice["amount_due"]
    invoice.update(status="paid", amount_paid=amount, amount_remaining=0, next_payment_attempt=None)
    invoice["auto_advance"] = False
    if attempted:
        invoice["attempted"] = True
    if out_of_band:
        invoice["amount_paid_off_stripe"] = amount
        payment = _default_payment(invoice)
        if payment is not None:
            payment.update(status="canceled")
            payment["status_transitions"]["canceled_at"] = now
    invoice["status_transitions"]["paid_at"] = now
    save(ctx, invoice)
    emit(ctx, "invoice.paid", invoice)
    emit(ctx, "invoice.payment_succeeded", invoice)
    sub_id = subscription_of(invoice)
    if sub_id:
        from sandbox.resources import subscriptions  # subscriptions imports this module

        subscriptions.after_invoice_paid(ctx, sub_id, invoice)
    return invoice


def choose_payment_method(ctx: Context, invoice: Mapping[str, Any], explicit: str | None) -> str | None:
    """Stripe's order: the ``payment_method`` passed, the invoice's default, the subscription's default, the
    customer's ``invoice_settings.default_payment_method``."""
    if explicit:
        return explicit
    if invoice.get("default_payment_method"):
        return str(invoice["default_payment_method"])
    sub_id = subscription_of(invoice)
    if sub_id:
        sub = ctx.get(sub_id)
        if sub and sub.get("default_payment_method"):
            return str(sub["default_payment_method"])
    customer = ctx.get(str(invoice["customer"])) or {}
    settings = customer.get("invoice_settings") or {}
    pm = settings.get("default_payment_method")
    return str(pm) if pm else None


def attempt_payment(
    ctx: Context,
    invoice: JSONObject,
    payment_method: str,
    *,
    off_session: bool,
    on_failure: Callable[[JSONObject, Decline | None], None] | None = None,
) -> tuple[JSONObject, StripeError | None]:
    """Charge an open invoice with ``payment_method`` through its PaymentIntent.

    Returns the invoice and, when the charge did not succeed, the error the request answers with (a 402
    card_error for a decline; the invoice stays open with ``attempt_count`` up by one and
    ``invoice.payment_failed`` emitted). 3D Secure leaves the invoice open and the PaymentIntent in
    ``requires_action``, as Stripe does for on-session payments. ``on_failure(invoice, decline)`` may still
    change the invoice (``next_payment_attempt``) before the failure is saved and its events are emitted.
    """
    payment = _default_payment(invoice)
    pi = ctx.get(str(payment["payment"]["payment_intent"])) if payment else None
    if pi is None or pi.get("status") in ("canceled", "succeeded"):
        pi = _new_payment_intent(ctx, invoice)
    pi, decline = payment_intents.confirm_intent(
        ctx, pi, {"payment_method": payment_method, "off_session": off_session}
    )
    invoice["attempted"] = True
    invoice["attempt_count"] = int(invoice.get("attempt_count") or 0) + 1
    if pi["status"] == "succeeded":
        payment = _default_payment(invoice)
        if payment is not None:
            payment.update(status="paid", amount_paid=pi["amount"])
            payment["status_transitions"]["paid_at"] = ctx.now()
        return mark_paid(ctx, invoice, attempted=True), None
    if on_failure is not None:
        on_failure(invoice, decline)
    save(ctx, invoice)
    if decline is not None:
        emit(ctx, "invoice.payment_failed", invoice)
        if decline.code == "authentication_required":
            # Off-session and the issuer wants 3D Secure: Stripe also asks the integration to bring the
            # customer back to authenticate (the invoice's PaymentIntent, on-session).
            emit(ctx, "invoice.payment_action_required", invoice)
        return invoice, payment_intents.decline_to_error(decline, pi)
    # requires_action: the customer has to authenticate the PaymentIntent (confirmation_secret) [U]
    emit(ctx, "invoice.payment_action_required", invoice)
    return invoice, StripeError(
        402,
        "This payment requires additional user action before it can be completed successfully. Payment can "
        "be completed using the PaymentIntent associated with the invoice. For more details see: "
        "https://stripe.com/docs/billing/subscriptions/overview#requires-action",
        type="card_error",
        code="invoice_payment_intent_requires_action",
        extra={"payment_intent": copy.deepcopy(pi)},
    )  # [U] the code is in Stripe's error-code list; the text follows its docs


def on_payment_intent_succeeded(ctx: Context, pi: Mapping[str, Any]) -> JSONObject | None:
    """The customer paid an invoice's PaymentIntent themselves (``confirmation_secret`` with Stripe.js, or
    ``POST /v1/payment_intents/{id}/confirm``): the invoice becomes paid, and its subscription active."""
    found = ctx.query(KIND, {"payments.data[0].payment.payment_intent": pi.get("id")})
    if not found or found[0]["status"] not in ("open", "uncollectible"):
        return None
    invoice = found[0]
    invoice["attempted"] = True
    invoice["attempt_count"] = int(invoice.get("attempt_count") or 0) + 1
    payment = _default_payment(invoice)
    if payment is not None:
        payment.update(status="paid", amount_paid=pi.get("amount"))
        payment["status_transitions"]["paid_at"] = ctx.now()
    return mark_paid(ctx, invoice, attempted=True)


# --- automatic collection (the scheduler's jobs) ---------------------------------------------------------

ADVANCE, COLLECT, RETRIES_EXHAUSTED = "invoice.advance", "invoice.collect", "invoice.retries_exhausted"
OVERDUE = "invoice.overdue"


def schedule_finalization(ctx: Context, invoice: Mapping[str, Any]) -> None:
    """Finalize (and charge) an ``auto_advance`` draft an hour after its creation, once ``invoice.created``
    reached the webhook endpoints (the scheduler waits for the delivery; see :func:`_auto_advance`)."""
    created_event = next(
        (
            e["id"]
            for e in reversed(ctx.events)
            if e["type"] == "invoice.created" and e["data"]["object"].get("id") == invoice["id"]
        ),
        None,
    )
    scheduler.schedule(
        ctx,
        ADVANCE,
        at=int(invoice["created"]) + billing.FINALIZE_AFTER,
        target=str(invoice["id"]),
        await_event=created_event,
    )


@scheduler.handler(ADVANCE)
def _auto_advance(ctx: Context, job: scheduler.Job) -> None:
    """Stripe's automatic advancement: an hour after creation the draft is finalized and charged, unless
    ``invoice.created`` could not be delivered to every webhook endpoint: then it waits until 72 hours after
    creation (docs: "Automatic advancement", webhooks and finalization)."""
    invoice = ctx.get(job.target)
    if invoice is None or invoice.get("object") != KIND or invoice["status"] != "draft":
        return
    if not invoice.get("auto_advance"):
        return
    later = int(invoice["created"]) + billing.WEBHOOK_GRACE
    if job.delivered is False and not job.data.get("waited") and later > ctx.now():
        invoice["automatically_finalizes_at"] = later
        save(ctx, invoice)
        scheduler.schedule(ctx, ADVANCE, at=later, target=job.target, data={"waited": True})
        return
    paused = _paused_behavior(ctx, invoice)
    if paused == "keep_as_draft":
        invoice.update(auto_advance=False, automatically_finalizes_at=None)
        save(ctx, invoice)
        return
    try:
        finalize(ctx, invoice)
    except StripeError as failure:
        # Stripe keeps the draft, says why in last_finalization_error and sends invoice.finalization_failed.
        body = failure.body(ctx.request_id)["error"]
        invoice["last_finalization_error"] = {
            k: body.get(k) for k in ("code", "doc_url", "message", "param", "type")
        }
        invoice["automatically_finalizes_at"] = None
        save(ctx, invoice)
        emit(ctx, "invoice.finalization_failed", invoice)
        return
    if invoice["status"] != "open":
        return
    if paused == "void":
        void(ctx, invoice)
    elif paused == "mark_uncollectible":
        uncollectible(ctx, invoice)
    elif invoice["collection_method"] == "charge_automatically":
        collect(ctx, invoice)


def _paused_behavior(ctx: Context, invoice: Mapping[str, Any]) -> str | None:
    """The ``pause_collection.behavior`` of the invoice's subscription, if its collection is paused
    (:func:`sandbox._prorations.paused_invoice_status` is the table)."""
    sub_id = subscription_of(invoice)
    sub = ctx.get(sub_id) if sub_id else None
    behavior = ((sub or {}).get("pause_collection") or {}).get("behavior")
    return str(behavior) if behavior else None


@scheduler.handler(OVERDUE)
def _overdue(ctx: Context, job: scheduler.Job) -> None:
    """A sent invoice still unpaid at its due date stays ``open`` and is announced as ``invoice.overdue``
    (at the due date [U]: Stripe sends it after the number of days its Automations set); its subscription
    becomes ``past_due`` (docs: "Configure collection methods")."""
    invoice = ctx.get(job.target)
    if invoice is None or invoice.get("object") != KIND or invoice["status"] != "open":
        return
    if invoice.get("collection_method") != "send_invoice":
        return
    emit(ctx, "invoice.overdue", invoice)
    sub_id = subscription_of(invoice)
    if sub_id:
        from sandbox.resources import subscriptions  # subscriptions imports this module

        subscriptions.after_payment_failed(ctx, sub_id)


@scheduler.handler(COLLECT)
def _collect_job(ctx: Context, job: scheduler.Job) -> None:
    invoice = ctx.get(job.target)
    if invoice is None or invoice.get("object") != KIND or invoice["status"] != "open":
        return
    if (
        invoice.get("next_payment_attempt") != job.due
        or invoice["collection_method"] != "charge_automatically"
    ):
        return  # paid, voided, or rescheduled since
    collect(ctx, invoice)


def _retriable(decline: Decline | None) -> bool:
    """Only a plain decline may succeed later; a hard decline or a card that needs the customer cannot."""
    return decline is not None and not {decline.code, decline.decline_code} & billing.NEVER_RETRIED


def collect(ctx: Context, invoice: JSONObject) -> None:
    """One automatic payment attempt, off-session, with the default payment method as it is *now* (so a card
    swapped in before a retry is the one charged). A failure schedules the next retry, or the end of the
    retry window, and makes the subscription ``past_due``."""
    if int(invoice["amount_due"]) <= 0:
        mark_paid(ctx, invoice, attempted=False)
        return
    first = int(invoice["status_transitions"]["finalized_at"] or ctx.now())

    def plan_retry(inv: JSONObject, decline: Decline | None) -> None:
        inv["next_payment_attempt"] = billing.next_payment_attempt(
            first, int(inv["attempt_count"]), retriable=_retriable(decline)
        )

    pm = choose_payment_method(ctx, invoice, None)
    if pm is None:
        invoice["attempted"] = True
        invoice["attempt_count"] = int(invoice.get("attempt_count") or 0) + 1
        invoice["next_payment_attempt"] = None
        save(ctx, invoice)
        emit(ctx, "invoice.payment_failed", invoice)  # [U] nothing to charge is a failed attempt
    else:
        invoice, failure = attempt_payment(ctx, invoice, pm, off_session=True, on_failure=plan_retry)
        if failure is None:
            return
    retry_at = invoice.get("next_payment_attempt")
    if retry_at:
        scheduler.schedule(ctx, COLLECT, at=int(retry_at), target=str(invoice["id"]))
    else:
        ends = max(ctx.now(), first + billing.RETRY_WINDOW)
        scheduler.schedule(ctx, RETRIES_EXHAUSTED, at=ends, target=str(invoice["id"]))
    sub_id = subscription_of(invoice)
    if sub_id:
        from sandbox.resources import subscriptions  # subscriptions imports this module

        subscriptions.after_payment_failed(ctx, sub_id)


@scheduler.handler(RETRIES_EXHAUSTED)
def _retries_exhausted(ctx: Context, job: scheduler.Job) -> None:
    invoice = ctx.get(job.target)
    if invoice is None or invoice.get("object") != KIND or invoice["status"] != "open":
        return
    sub_id = subscription_of(invoice)
    if sub_id:
        from sandbox.resources import subscriptions  # subscriptions imports this module

        subscriptions.after_retries_exhausted(ctx, sub_id)


class InvoicePaymentWatcher:
    """Settles invoices whose PaymentIntent succeeded outside ``/pay``. Stripe does this asynchronously as
    well: the invoice turns paid shortly after ``payment_intent.succeeded``, not inside the confirm call."""

    def __init__(self, runtime: Any) -> None:
        self._runtime = runtime

    def publish(self, account: str, events: list[JSONObject]) -> None:
        for event in events:
            if event.get("type") != "payment_intent.succeeded":
                continue
            pi = event["data"]["object"]
            with self._runtime.context(account) as ctx:
                on_payment_intent_succeeded(ctx, pi)


event_sink_factory(InvoicePaymentWatcher)


# --- endpoints -------------------------------------------------------------------------------------------


def load(ctx: Context) -> JSONObject:
    invoice = ctx.load(KIND, ctx.path["invoice"], param="invoice")
    ctx.enter_clock(invoice.get("test_clock"))
    return invoice


def _int_or_none(value: Any) -> int | None:
    return int(value) if isinstance(value, int) and not isinstance(value, bool) else None


@endpoint("POST", "/v1/invoices", permission=PERMISSION)
def create_invoice(ctx: Context) -> JSONObject:
    p = ctx.params
    if not p.get("customer"):
        raise errors.parameter_missing("customer")
    customer = load_customer(ctx, p["customer"])
    if (p.get("automatic_tax") or {}).get("enabled"):
        raise tax_rates.automatic_tax_not_activated()
    collection = str(p.get("collection_method") or "charge_automatically")
    days = _int_or_none(p.get("days_until_due"))
    due_date = _int_or_none(p.get("due_date"))
    if collection == "send_invoice" and days is None and due_date is None:
        raise errors.invalid_request(SEND_INVOICE_NEEDS_DUE, param="days_until_due")
    if collection == "charge_automatically" and (days is not None or due_date is not None):
        # [U] wording; Stripe only takes a due date for invoices that are sent.
        raise errors.invalid_request(
            "Invoices with `charge_automatically` collection method cannot have a `due_date` or "
            "`days_until_due`. Use collection_method=send_invoice to give the customer time to pay.",
            param="days_until_due" if days is not None else "due_date",
        )
    include = (
        p.get("pending_invoice_items_behavior") == "include"
    )  # "exclude" is the default since 2022-08-01
    pending = (
        [i for i in ctx.query(ITEM_KIND, {"customer": customer["id"]}) if not i.get("invoice")]
        if include
        else []
    )
    currency = str(
        p.get("currency") or customer.get("currency") or (pending[-1]["currency"] if pending else "usd")
    )
    currency = currency.lower()
    sub = None
    if p.get("subscription"):
        sub = ctx.load("subscription", str(p["subscription"]), param="subscription", status=400)
    pm = p.get("default_payment_method")
    if pm:
        ctx.load(payment_methods.KIND, str(pm), param="default_payment_method", status=400)
    invoice = new_draft(
        ctx,
        customer,
        currency=currency,
        collection_method=collection,
        days_until_due=days,
        due_date=due_date,
        auto_advance=bool(p.get("auto_advance", False)),
        description=p.get("description") or None,
        metadata=apply_metadata({}, p.get("metadata")),
        default_payment_method=str(pm) if pm else None,
        subscription=sub,
    )
    for key in ("footer", "statement_descriptor"):
        if p.get(key):
            invoice[key] = p[key]
    _set_adjustments(ctx, invoice, p)
    for item in pending:
        if item["currency"] != currency:
            continue  # an item in another currency waits for an invoice in its currency [U]
        item["invoice"] = invoice["id"]
        ctx.save(item)
    refresh(ctx, invoice)
    save(ctx, invoice)
    emit(ctx, "invoice.created", invoice)
    if invoice["auto_advance"]:
        schedule_finalization(ctx, invoice)
    return public(invoice)


def _set_adjustments(ctx: Context, invoice: JSONObject, p: Mapping[str, Any]) -> None:
    """``discounts`` and ``default_tax_rates`` of a draft (the arithmetic is ``sandbox._discount_tax``)."""
    if "default_tax_rates" in p:
        invoice["default_tax_rates"] = tax_rates.load_many(ctx, p["default_tax_rates"], "default_tax_rates")
    if "discounts" in p:
        where = discounts.Redemption(
            customer=str(invoice["customer"]), currency=str(invoice["currency"]), invoice=invoice["id"]
        )
        invoice["discounts"] = [d["id"] for d in discounts.resolve(ctx, p["discounts"], "discounts", where)]


@endpoint("GET", "/v1/invoices/{invoice}", permission=PERMISSION)
def retrieve_invoice(ctx: Context) -> JSONObject:
    return public(load(ctx))


@endpoint("POST", "/v1/invoices/{invoice}", permission=PERMISSION)
def update_invoice(ctx: Context) -> JSONObject:
    invoice = load(ctx)
    before = public(invoice)
    p = ctx.params
    if invoice["status"] != "draft":
        for name in p:
            if name not in FINALIZED_UPDATABLE:
                raise errors.invalid_request("Finalized invoices can't be updated in this way", param=name)
    if "metadata" in p:
        invoice["metadata"] = apply_metadata(invoice.get("metadata"), p["metadata"])
    if "auto_advance" in p:
        invoice["auto_advance"] = bool(p["auto_advance"])
        if invoice["status"] == "draft":
            invoice["automatically_finalizes_at"] = (
                invoice["created"] + billing.FINALIZE_AFTER if invoice["auto_advance"] else None
            )
            scheduler.unschedule(ctx, invoice["id"])
            if invoice["auto_advance"]:
                schedule_finalization(ctx, invoice)
    if "default_payment_method" in p:
        pm = p["default_payment_method"]
        if pm:
            ctx.load(payment_methods.KIND, str(pm), param="default_payment_method", status=400)
        invoice["default_payment_method"] = pm or None
    for key in ("description", "footer", "statement_descriptor"):
        if key in p:
            invoice[key] = p[key] or None
    if "collection_method" in p:
        invoice["collection_method"] = p["collection_method"]
    if "days_until_due" in p:
        invoice["days_until_due"] = _int_or_none(p["days_until_due"])
    if "due_date" in p:
        invoice["due_date"] = _int_or_none(p["due_date"])
    if "discounts" in p or "default_tax_rates" in p:
        _set_adjustments(ctx, invoice, p)
        refresh(ctx, invoice)
    needs_due = invoice["status"] == "draft" and invoice["collection_method"] == "send_invoice"
    if needs_due and invoice.get("days_until_due") is None and invoice.get("due_date") is None:
        raise errors.invalid_request(SEND_INVOICE_NEEDS_DUE, param="days_until_due")
    save(ctx, invoice)
    after = public(invoice)
    previous = changed_fields(before, after)
    if previous:
        emit(ctx, "invoice.updated", invoice, previous)
    return after


@endpoint("DELETE", "/v1/invoices/{invoice}", permission=PERMISSION)
def delete_invoice(ctx: Context) -> JSONObject:
    invoice = load(ctx)
    if invoice["status"] != "draft":
        raise errors.invalid_request("You can only delete draft invoices.")  # [O: recorded by an emulator]
    if subscription_of(invoice):
        # [U] wording; Stripe's docs: a subscription's invoice must be voided, not deleted.
        raise errors.invalid_request(
            "You can't delete an invoice created by a subscription. Void it instead once it is finalized."
        )
    for item in ctx.query(ITEM_KIND, {"invoice": invoice["id"]}):
        ctx.delete(item["id"])  # the draft's items go with it [U]
    ctx.delete(invoice["id"])
    emit(ctx, "invoice.deleted", invoice)
    return deleted(invoice["id"], KIND)


@endpoint("GET", "/v1/invoices", permission=PERMISSION)
def list_invoices(ctx: Context) -> JSONObject:
    p = ctx.params
    filters = {k: p[k] for k in ("customer", "status", "collection_method") if p.get(k) is not None}
    if p.get("subscription"):
        filters["parent.subscription_details.subscription"] = p["subscription"]
    due = p.get("due_date")
    predicate = None if due is None else (lambda inv: _in_range(inv.get("due_date"), due))
    listing = ctx.list_response(KIND, "/v1/invoices", filters=filters, predicate=predicate)
    listing["data"] = [public(i) for i in listing["data"]]
    return listing


def _in_range(value: Any, bound: Any) -> bool:
    """``due_date`` filters: an exact timestamp or ``{gt, gte, lt, lte}``."""
    if value is None:
        return False
    if isinstance(bound, int):
        return bool(value == bound)
    ops = {"gt": operator.gt, "gte": operator.ge, "lt": operator.lt, "lte": operator.le}
    return all(ops[name](value, limit) for name, limit in bound.items() if name in ops)


SEARCH_FIELDS = {
    "created": "number",
    "currency": "string",
    "customer": "string",
    "metadata": "metadata",
    "number": "string",
    "receipt_number": "string",
    "status": "string",
    "total": "number",
}


@endpoint("GET", "/v1/invoices/search", permission=PERMISSION)
def search_invoices(ctx: Context) -> JSONObject:
    result = ctx.search_response(KIND, "/v1/invoices/search", SEARCH_FIELDS)
    result["data"] = [public(i) for i in result["data"]]
    return result


@endpoint("POST", "/v1/invoices/{invoice}/finalize", permission=PERMISSION)
def finalize_invoice(ctx: Context) -> JSONObject:
    invoice = load(ctx)
    if "auto_advance" in ctx.params:
        invoice["auto_advance"] = bool(ctx.params["auto_advance"])
    return public(finalize(ctx, invoice))


@endpoint("POST", "/v1/invoices/{invoice}/pay", permission=PERMISSION)
def pay_invoice(ctx: Context) -> JSONObject:
    invoice = load(ctx)
    p = ctx.params
    if invoice["status"] == "paid":
        raise errors.invalid_request("Invoice is already paid")  # [O: recorded by an emulator]
    if invoice["status"] == "void":
        raise errors.invalid_request(NOT_OPEN)
    if invoice["status"] == "draft":
        finalize(ctx, invoice)
        if invoice["status"] == "paid":
            return public(invoice)
    if p.get("paid_out_of_band"):
        return public(mark_paid(ctx, invoice, attempted=False, out_of_band=True))
    if invoice["amount_due"] == 0:
        return public(mark_paid(ctx, invoice, attempted=False))
    pm = choose_payment_method(ctx, invoice, p.get("payment_method"))
    if pm is None:
        raise errors.invalid_request(NO_PAYMENT_METHOD, code="resource_missing")
    off_session = p.get("off_session")
    invoice, failure = attempt_payment(
        ctx, invoice, pm, off_session=True if off_session is None else bool(off_session)
    )
    if failure is not None:
        # Stripe keeps the failed attempt (attempt_count, PaymentIntent, charge, events) and answers 402.
        raise failure.keeping_state()
    return public(invoice)


@endpoint("POST", "/v1/invoices/{invoice}/void", permission=PERMISSION)
def void_invoice(ctx: Context) -> JSONObject:
    invoice = load(ctx)
    if invoice["status"] == "paid":
        raise errors.invalid_request("Invoices with `paid` payments cannot be voided.")  # [O: emulator]
    if invoice["status"] not in ("open", "uncollectible"):
        raise errors.invalid_request(NOT_OPEN)
    return public(void(ctx, invoice))


def void(ctx: Context, invoice: JSONObject) -> JSONObject:
    """Open or uncollectible → void; its PaymentIntent is canceled."""
    invoice["status"] = "void"
    invoice["next_payment_attempt"] = None
    invoice["status_transitions"]["voided_at"] = ctx.now()
    customer_balance.unapply_from_invoice(ctx, invoice)
    payment = _default_payment(invoice)
    if payment is not None:
        pi = ctx.get(str(payment["payment"]["payment_intent"]))
        if pi is not None and pi.get("status") not in ("succeeded", "canceled"):
            pi.update(status="canceled", canceled_at=ctx.now(), cancellation_reason="void_invoice")
            ctx.save(pi)
            ctx.emit("payment_intent.canceled", copy.deepcopy(pi))
        payment.update(status="canceled")
        payment["status_transitions"]["canceled_at"] = ctx.now()
    save(ctx, invoice)
    emit(ctx, "invoice.voided", invoice)
    return invoice


@endpoint("POST", "/v1/invoices/{invoice}/mark_uncollectible", permission=PERMISSION)
def mark_uncollectible(ctx: Context) -> JSONObject:
    invoice = load(ctx)
    if invoice["status"] == "uncollectible":
        raise errors.invalid_request("This invoice has already been marked uncollectible.")  # [O: emulator]
    if invoice["status"] != "open":
        raise errors.invalid_request(NOT_OPEN)
    return public(uncollectible(ctx, invoice))


def uncollectible(ctx: Context, invoice: JSONObject) -> JSONObject:
    """Open → uncollectible: no more payment attempts."""
    invoice["status"] = "uncollectible"
    invoice["next_payment_attempt"] = None
    invoice["status_transitions"]["marked_uncollectible_at"] = ctx.now()
    save(ctx, invoice)
    emit(ctx, "invoice.marked_uncollectible", invoice)
    return invoice


@endpoint("POST", "/v1/invoices/{invoice}/send", permission=PERMISSION)
def send_invoice(ctx: Context) -> JSONObject:
    """Send the invoice to the customer now: a draft is finalized first (``invoice.finalized``), then
    ``invoice.sent``. Test mode sends no email (Stripe's docs say the same), and neither does the sandbox."""
    invoice = load(ctx)
    if invoice["collection_method"] != "send_invoice":
        # [U] wording; Stripe emails only invoices the customer pays themselves.
        raise errors.invalid_request(
            "You can only send an invoice whose collection_method is `send_invoice`. Invoices charged "
            "automatically are paid with the customer's payment method instead.",
            param="invoice",
        )
    if invoice["status"] == "void":
        raise errors.invalid_request("You can't send a voided invoice.", param="invoice")  # [U] wording
    if invoice["status"] == "draft":
        finalize(ctx, invoice)
    emit(ctx, "invoice.sent", invoice)
    return public(invoice)


@endpoint("GET", "/v1/invoices/{invoice}/lines", permission=PERMISSION)
def list_lines(ctx: Context) -> JSONObject:
    from sandbox._api import check_limit

    invoice = load(ctx)
    lines: list[JSONObject] = invoice["lines"]["data"]
    limit = check_limit(ctx.params.get("limit"))
    return page_of(lines, limit, ctx.params, f"/v1/invoices/{invoice['id']}/lines", kind="line_item")


# --- the hosted invoice page -----------------------------------------------------------------------------


def _pay_form(invoice: Mapping[str, Any]) -> str:
    """An open invoice with something left to pay gets a test-card picker (Stripe's page has a card form)."""
    if invoice.get("status") != "open" or int(invoice.get("amount_remaining") or 0) <= 0:
        return ""
    options = "".join(
        f"<option value='{number}'>{html.escape(cards.format_number(number))} — "
        f"{html.escape(cards.CARDS[number].label)}</option>"
        for number in cards.CHECKOUT_PICKER
    )
    return (
        f"<form method='post' action='{HOSTED_PATH}/{invoice['account']}/{invoice['id']}/pay' "
        "data-testid='pay-form'><label for='card'>Test card</label> "
        f"<select id='card' name='card'>{options}</select> "
        "<button type='submit' data-testid='submit'>Pay</button></form>"
    )


def _invoice_page(invoice: Mapping[str, Any], account: str, notice: str = "") -> HTMLResponse:
    shown = public(invoice)
    return HTMLResponse(billing.render_invoice_page(shown, _pay_form({**shown, "account": account}), notice))


@route(HOSTED_PATH + "/{account}/{invoice_id}")
def hosted_invoice_page(request: Request) -> Response:
    """Stripe's hosted invoice URL carries the account too (``invoice.stripe.com/i/acct_…/…``); the sandbox's
    does the same, so the page can be served without an API key."""
    runtime = request.app.state.runtime
    account, invoice_id = request.path_params["account"], request.path_params["invoice_id"]
    with runtime.context(account) as ctx:
        found = ctx.get(invoice_id)
    if not found or found.get("object") != KIND or found.get("status") == "draft":
        return HTMLResponse("<h1>No such invoice</h1>", status_code=404)
    return _invoice_page(found, account)


@route(HOSTED_PATH + "/{account}/{invoice_id}/pay", methods=("POST",))
async def pay_hosted_invoice(request: Request) -> Response:
    """The customer pays an open invoice on its page with the test card they picked (on-session, through the
    invoice's PaymentIntent, as ``/pay`` does): paid, or the card's decline message on the page."""
    runtime = request.app.state.runtime
    account, invoice_id = request.path_params["account"], request.path_params["invoice_id"]
    form = dict(urllib.parse.parse_qsl((await request.body()).decode("utf-8", errors="replace")))

    def work() -> Response:
        if not account.startswith("acct_") or runtime.store.account_row(account) is None:
            return HTMLResponse("<h1>No such invoice</h1>", status_code=404)
        notice = ""
        with runtime.context(account) as ctx:
            invoice = ctx.get(invoice_id)
            if not invoice or invoice.get("object") != KIND or invoice.get("status") == "draft":
                return HTMLResponse("<h1>No such invoice</h1>", status_code=404)
            ctx.enter_clock(invoice.get("test_clock"))
            card = cards.card_for_number(cards.normalize_number(form.get("card", "")))
            if invoice["status"] != "open":
                notice = f"This invoice is {invoice['status']}; there is nothing to pay."
            elif card is None:
                notice = cards.INCORRECT_NUMBER.message
            else:
                pm = payment_methods.build(ctx, card, exp_month=12, exp_year=2099, billing_details={})
                ctx.save(pm)
                invoice, failure = attempt_payment(ctx, invoice, str(pm["id"]), off_session=False)
                notice = "Paid. Thank you." if failure is None else failure.message
        with runtime.context(account) as ctx:
            return _invoice_page(ctx.get(invoice_id) or invoice, account, notice)

    return await run_in_threadpool(work)
