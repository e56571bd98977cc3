"""Subscriptions: recurring prices billed to a customer, started by a first invoice whose payment decides the
status (:func:`sandbox._billing.plan_first_invoice` holds the rules).

API 2025-03-31.basil moved ``current_period_start``/``current_period_end`` from the subscription to each
subscription item, and links invoices to their subscription through ``invoice.parent.subscription_details``;
the objects here have the shapes of the version stripe-python 16 pins (2026-10-28.endive).

Over time (sandbox/_scheduler.py, on the wall clock or the customer's test clock) each subscription has one
job, its next step (:func:`sandbox._billing.subscription_step`): ``trial_will_end`` three days before the
trial ends, the trial's end, each renewal (a ``subscription_cycle`` invoice, finalized and charged an hour
later by the invoices module), ``cancel_at``, the expiry of an unpaid first invoice after 23 hours, and
``pause_collection.resumes_at``. What a change bills (prorations, anchors, a restarted cycle) follows
:mod:`sandbox._prorations`; its invoice items are made by :mod:`sandbox.resources.prorations`.
Events of one step are emitted in this order [U]: ``invoice.created`` (renewals), then
``customer.subscription.updated`` (or ``.deleted`` when it ends).

:func:`create_from_checkout` is the entry point Checkout uses for a completed subscription-mode session.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any

from sandbox import _billing as billing
from sandbox import _errors as errors
from sandbox import _prorations as rules
from sandbox import _scheduler as scheduler
from sandbox import _versions as versions
from sandbox._api import Context, apply_metadata, changed_fields, endpoint
from sandbox._currencies import format_money
from sandbox._store import JSONObject
from sandbox.resources import discounts as discounts_module
from sandbox.resources import invoices, payment_methods, prorations, tax_rates

KIND = "subscription"
ITEM_KIND = "subscription_item"
PERMISSION = "subscription"
# [O] quoted by many integrations
ONE_TIME_ONLY = (
    "The price specified is set to `type=one_time` but this field only accepts prices with `type=recurring`."
)
INACTIVE_PRICE = "The price specified is inactive. This field only accepts active prices."  # [U]
UPDATABLE = (
    "items",
    "metadata",
    "cancel_at_period_end",
    "cancel_at",
    "cancellation_details",
    "default_payment_method",
    "description",
    "proration_behavior",
    "proration_date",
    "payment_behavior",
    "collection_method",
    "days_until_due",
    "off_session",
    "trial_end",
    "trial_settings",
    "pause_collection",
    "billing_cycle_anchor",
)
# Docs: "A subscription in this status can only have metadata and default_source updated."
INCOMPLETE_UPDATABLE = ("metadata", "default_payment_method", "description", "cancellation_details")


# --- items and prices ------------------------------------------------------------------------------------


def _item_price(ctx: Context, item: Mapping[str, Any], index: int) -> JSONObject:
    """An item's price: ``items[i][price]``, or the legacy ``items[i][plan]`` that stripe-python still sends
    (a price id is a valid plan id: Stripe's Plans API reads prices)."""
    if not item.get("price") and item.get("plan"):
        return _price(ctx, item["plan"], f"items[{index}][plan]")
    return _price(ctx, item.get("price"), f"items[{index}][price]")


def _price(ctx: Context, price_id: Any, param: str) -> JSONObject:
    if not price_id:
        raise errors.parameter_missing(param)
    price = ctx.load("price", str(price_id), param=param, status=400)
    if not price.get("recurring"):
        raise errors.invalid_request(ONE_TIME_ONLY, param=param)
    if price.get("active") is False:
        raise errors.invalid_request(INACTIVE_PRICE, param=param)
    if price.get("unit_amount") is None:
        # [U] wording: metered and tiered prices are not emulated.
        raise errors.invalid_request(
            f"The sandbox only bills prices with a fixed unit_amount; {price['id']} has none (tiered or "
            "metered).",
            param=param,
        )
    return price


def _check_compatible(prices: Sequence[JSONObject]) -> None:
    """Every price of one subscription bills in the same currency on the same interval."""
    first = prices[0]
    for price in prices[1:]:
        for field_name, a, b in (
            ("currency", first["currency"], price["currency"]),
            ("interval", first["recurring"]["interval"], price["recurring"]["interval"]),
            (
                "interval",
                first["recurring"].get("interval_count", 1),
                price["recurring"].get("interval_count", 1),
            ),
        ):
            if a != b:
                raise errors.invalid_request(  # [U: as quoted by Stripe emulators]
                    "Currency and interval fields must match across all plans on this subscription. Found "
                    f"mismatch in {field_name} field.",
                    param="items",
                )


def _quantity(value: Any, param: str) -> int:
    quantity = 1 if value in (None, "") else int(value)
    if quantity < 0:
        raise errors.invalid_request("This value must be greater than or equal to 0.", param=param)  # [U]
    return quantity


def _new_item(
    ctx: Context, sub_id: str, price: JSONObject, quantity: int, period: tuple[int, int], metadata: Any
) -> JSONObject:
    return {
        "id": ctx.new_id("si"),
        "object": ITEM_KIND,
        "billing_thresholds": None,
        "created": ctx.now(),
        "current_period_end": period[1],
        "current_period_start": period[0],
        "discounts": [],
        "metadata": apply_metadata({}, metadata),
        "price": copy.deepcopy(price),
        "quantity": quantity,
        "subscription": sub_id,
        "tax_rates": [],
    }


def _items_list(sub_id: str, items: Sequence[JSONObject]) -> JSONObject:
    return {
        "object": "list",
        "data": list(items),
        "has_more": False,
        "url": f"/v1/subscription_items?subscription={sub_id}",
    }


def _money(price: Mapping[str, Any]) -> str:
    return format_money(int(price["unit_amount"]), str(price["currency"]))


def _item_name(ctx: Context, price: Mapping[str, Any]) -> str:
    product = ctx.get(str(price.get("product"))) or {}
    return str(product.get("name") or price.get("nickname") or price.get("product"))


def _line_for_item(
    ctx: Context,
    invoice_id: str,
    sub_id: str,
    item: JSONObject,
    *,
    trial: bool,
    partial: int | None = None,
) -> JSONObject:
    """The line of one item for its current period; ``partial``: the prorated amount of a first period that
    ends at the billing-cycle anchor (written as Stripe writes prorations, "Remaining time on …")."""
    price = item["price"]
    name = _item_name(ctx, price)
    quantity = int(item["quantity"])
    amount = 0 if trial else int(price["unit_amount"]) * quantity
    interval = price["recurring"]["interval"]
    count = int(price["recurring"].get("interval_count") or 1)
    every = interval if count == 1 else f"{count} {interval}s"
    description = (
        f"Trial period for {name}" if trial else f"{quantity} × {name} (at {_money(price)} / {every})"
    )
    if partial is not None and not trial:
        amount = partial
        billed = rules.Billed(str(price["id"]), int(price["unit_amount"]), quantity)
        line = rules.Proration(str(item["id"]), billed, partial, int(item["current_period_start"]), 0)
        description = rules.describe(line, name, int(item["current_period_start"]))
    return {
        "id": "il_" + str(item["id"]).removeprefix("si_") + ctx.new_id("x")[-6:],
        "object": "line_item",
        "amount": amount,
        "currency": price["currency"],
        "description": description,
        "discount_amounts": [],
        "discountable": True,
        "discounts": [],
        "invoice": invoice_id,
        "livemode": False,
        "metadata": copy.deepcopy(item.get("metadata") or {}),
        "parent": {
            "invoice_item_details": None,
            "subscription_item_details": {
                "invoice_item": None,
                "proration": partial is not None and not trial,
                "proration_details": {"credited_items": None},
                "subscription": sub_id,
                "subscription_item": item["id"],
            },
            "type": "subscription_item_details",
        },
        "period": {"end": item["current_period_end"], "start": item["current_period_start"]},
        "pretax_credit_amounts": [],
        "pricing": {
            "price_details": {"price": price["id"], "product": price.get("product")},
            "type": "price_details",
            "unit_amount_decimal": str(price.get("unit_amount_decimal") or price["unit_amount"]),
        },
        "quantity": quantity,
        "quantity_decimal": str(quantity),
        "subscription": sub_id,
        "subtotal": amount,
        "taxes": [],
    }


def _attached_payment_method(ctx: Context, pm_id: Any, customer_id: str, param: str) -> str:
    """A subscription's default payment method must already be attached to its customer. A test id
    (``pm_card_visa``) is attached as a fresh copy first, as ``POST /v1/customers`` does with one. [U]"""
    if payment_methods.is_test_id(str(pm_id)):
        return str(payment_methods.attach_to_customer(ctx, str(pm_id), customer_id, param)["id"])
    pm = ctx.get(str(pm_id))
    if pm is None or pm.get("object") != payment_methods.KIND or pm.get("customer") != customer_id:
        raise errors.invalid_request(  # [O] quoted by integrations
            f"The customer does not have a payment method with the ID {pm_id}. The payment method must be "
            "attached to the customer.",
            param=param,
        )
    return str(pm["id"])


def customer_default_payment_method(ctx: Context, customer: Mapping[str, Any]) -> str | None:
    settings = customer.get("invoice_settings") or {}
    pm = settings.get("default_payment_method")
    return str(pm) if pm else None


# --- creation --------------------------------------------------------------------------------------------


def create(
    ctx: Context,
    *,
    customer: JSONObject,
    items: Sequence[Mapping[str, Any]],
    payment_behavior: str = "allow_incomplete",
    collection_method: str = "charge_automatically",
    days_until_due: int | None = None,
    trial_period_days: int | None = None,
    trial_end: int | None = None,
    default_payment_method: str | None = None,
    charge_payment_method: str | None = None,
    off_session: bool = False,
    cancel_at_period_end: bool = False,
    description: str | None = None,
    metadata: Mapping[str, str] | None = None,
    save_default_payment_method: str = "off",
    discounts: Sequence[str] = (),
    default_tax_rates: Sequence[JSONObject] = (),
    billing_mode: Mapping[str, Any] | None = None,
    billing_cycle_anchor: int | None = None,
    billing_cycle_anchor_config: Mapping[str, Any] | None = None,
    proration_behavior: str = "create_prorations",
    cancel_at: int | None = None,
    missing_payment_method: str = "create_invoice",
) -> JSONObject:
    """Create a subscription and its first invoice, pay it per ``payment_behavior`` and return it.

    ``billing_mode``: ``{"type": …}`` as sent, else the default of the request's API version
    (:func:`sandbox._versions.default_billing_mode`). ``billing_cycle_anchor`` (or its ``_config``): the
    first period ends there and is billed prorated (:func:`sandbox._prorations.first_period_amount`; free
    with ``proration_behavior=none``).

    ``discounts``: ids of discount objects already made; with ``default_tax_rates`` they apply to the first
    invoice through ``sandbox.resources.discounts``, and to renewals while the coupon's duration lasts.

    Raises (so the request's transaction rolls back and nothing is created) when Stripe would refuse: no
    payment method to charge, or a failed charge with ``error_if_incomplete``.
    """
    if payment_behavior == "pending_if_incomplete":
        # [U] wording: pending updates exist only for changes to an existing subscription.
        raise errors.invalid_request(
            "payment_behavior=pending_if_incomplete can only be used when updating a subscription.",
            param="payment_behavior",
        )
    if not items:
        raise errors.parameter_missing("items")
    now = ctx.now()
    prices = [_item_price(ctx, item, i) for i, item in enumerate(items)]
    _check_compatible(prices)
    recurring = prices[0]["recurring"]
    if trial_end is None and trial_period_days:
        trial_end = now + int(trial_period_days) * billing.DAY
    trialing = trial_end is not None and trial_end > now
    interval, count = recurring["interval"], int(recurring.get("interval_count") or 1)
    if billing_cycle_anchor_config is not None:
        billing_cycle_anchor = rules.anchor_from_config(now, billing_cycle_anchor_config, interval)
    anchored = billing_cycle_anchor is not None and billing_cycle_anchor != now
    if anchored and trialing:
        # [U] The sandbox's own limitation, said plainly.
        raise errors.invalid_request(
            "The local sandbox does not emulate a billing_cycle_anchor together with a trial: pass one or "
            "the other.",
            param="billing_cycle_anchor",
        )
    natural_end = billing.add_interval(now, interval, count)
    if anchored and billing_cycle_anchor is not None and not now < billing_cycle_anchor <= natural_end:
        raise errors.invalid_request(  # [U] wording, after the docs' rule
            "billing_cycle_anchor must be in the future and no later than the next natural billing date "
            f"({natural_end}).",
            param="billing_cycle_anchor",
        )
    if trialing and trial_end is not None:
        period_end = int(trial_end)
    elif anchored and billing_cycle_anchor is not None:
        period_end = int(billing_cycle_anchor)
    else:
        period_end = natural_end
    mode = dict(billing_mode or {})
    mode_type = str(mode.get("type") or versions.default_billing_mode(ctx.stripe_version))
    flexible = mode.get("flexible") or {}
    sub_id = ctx.new_id("sub")
    sub_items = [
        _new_item(
            ctx,
            sub_id,
            price,
            _quantity(item.get("quantity"), f"items[{i}][quantity]"),
            (now, period_end),
            item.get("metadata"),
        )
        for i, (item, price) in enumerate(zip(items, prices, strict=True))
    ]
    sub: JSONObject = {
        "id": sub_id,
        "object": KIND,
        "application": None,
        "application_fee_percent": None,
        "automatic_tax": {"disabled_reason": None, "enabled": False, "liability": None},
        "billing_cycle_anchor": period_end if trialing or anchored else now,
        "billing_cycle_anchor_config": _anchor_config(billing_cycle_anchor_config),
        "billing_mode": {
            # [U] Stripe does not document the default of proration_discounts
            "flexible": (
                {"proration_discounts": str(flexible.get("proration_discounts") or "included")}
                if mode_type == "flexible"
                else None
            ),
            "type": mode_type,
            "updated_at": now,
        },
        "billing_schedules": [],
        "billing_thresholds": None,
        "cancel_at": period_end if cancel_at_period_end else cancel_at,
        "cancel_at_period_end": cancel_at_period_end,
        "canceled_at": now if cancel_at_period_end else None,
        "cancellation_details": {
            "comment": None,
            "feedback": None,
            "reason": "cancellation_requested" if cancel_at_period_end or cancel_at else None,
        },
        "collection_method": collection_method,
        "created": now,
        "currency": prices[0]["currency"],
        "customer": customer["id"],
        "customer_account": None,
        "days_until_due": days_until_due,
        "default_payment_method": default_payment_method,
        "default_source": None,
        "default_tax_rates": [],
        "description": description,
        "discounts": [],
        "ended_at": None,
        "invoice_settings": {"account_tax_ids": None, "issuer": {"type": "self"}},
        "items": _items_list(sub_id, sub_items),
        "latest_invoice": None,
        "livemode": False,
        "metadata": dict(metadata or {}),
        "next_pending_invoice_item_invoice": None,
        "on_behalf_of": None,
        "pause_collection": None,
        "payment_settings": {
            "payment_method_options": None,
            "payment_method_types": None,
            "save_default_payment_method": save_default_payment_method,
        },
        "pending_invoice_item_interval": None,
        "pending_setup_intent": None,
        "pending_update": None,
        "schedule": None,
        "start_date": now,
        "status": "incomplete",
        "test_clock": customer.get("test_clock"),
        "transfer_data": None,
        "trial_end": int(trial_end) if trialing and trial_end is not None else None,
        "trial_settings": {"end_behavior": {"missing_payment_method": missing_payment_method}},
        "trial_start": now if trialing else None,
    }
    invoice = invoices.new_draft(
        ctx,
        customer,
        currency=sub["currency"],
        collection_method=collection_method,
        days_until_due=days_until_due,
        billing_reason="subscription_create",
        subscription=sub,
        period=(now, now),
    )
    partial = None
    if anchored:
        partial = {
            str(item["id"]): 0
            if proration_behavior == "none"
            else rules.first_period_amount(
                int(item["price"]["unit_amount"]) * int(item["quantity"]),
                start=now,
                anchor=period_end,
                interval=interval,
                count=count,
            )
            for item in sub_items
        }
    lines = [
        _line_for_item(
            ctx, invoice["id"], sub_id, item, trial=trialing, partial=(partial or {}).get(str(item["id"]))
        )
        for item in sub_items
    ]
    invoice["lines"]["data"] = lines
    sub["discounts"] = list(discounts)
    invoice["discounts"] = list(discounts)
    discounts_module.attach_to_subscription(ctx, discounts, sub_id, now)
    sub["default_tax_rates"] = copy.deepcopy(list(default_tax_rates))
    invoice["default_tax_rates"] = copy.deepcopy(list(default_tax_rates))
    invoices.refresh(ctx, invoice)
    invoices.save(ctx, invoice)
    invoices.emit(ctx, "invoice.created", invoice)
    charge_with = (
        charge_payment_method or default_payment_method or customer_default_payment_method(ctx, customer)
    )
    plan = billing.plan_first_invoice(
        trialing=trialing,
        amount_due=int(invoice["amount_due"]),
        collection_method=collection_method,
        payment_behavior=payment_behavior,
        has_payment_method=charge_with is not None,
    )
    if plan.missing_payment_method:
        raise errors.invalid_request(invoices.NO_PAYMENT_METHOD, code="resource_missing")
    # The subscription is stored only once its first invoice is settled, so paying that invoice does not
    # look like a later status change (no customer.subscription.updated inside the create call).
    invoices.finalize(ctx, invoice)
    status = plan.status
    if plan.attempt and invoice["status"] == "open" and charge_with is not None:
        invoice, failure = invoices.attempt_payment(ctx, invoice, charge_with, off_session=off_session)
        if failure is not None:
            if plan.error_if_declined:
                raise failure
            status = plan.status_if_declined or "incomplete"
        elif save_default_payment_method == "on_subscription" and not sub["default_payment_method"]:
            sub["default_payment_method"] = _paid_with(ctx, invoice)
    sub["status"] = status
    sub["latest_invoice"] = invoice["id"]
    ctx.save(sub)
    ctx.emit("customer.subscription.created", sub)
    if trialing and trial_end is not None and trial_end - billing.TRIAL_WILL_END_NOTICE <= now:
        ctx.emit("customer.subscription.trial_will_end", sub)  # less than three days left: at once
    reschedule(ctx, sub)
    return sub


def _anchor_config(config: Mapping[str, Any] | None) -> JSONObject | None:
    if config is None:
        return None
    return {
        "day_of_month": int(config["day_of_month"]),
        **{key: config.get(key) for key in ("hour", "minute", "month", "second")},
    }


def create_from_checkout(
    ctx: Context,
    *,
    customer: str,
    items: Sequence[Mapping[str, Any]],
    payment_method: str | None,
    trial_period_days: int | None = None,
    metadata: Mapping[str, str] | None = None,
    discounts: Sequence[str] = (),
) -> JSONObject:
    """Create the subscription of a completed subscription-mode Checkout Session; returns it (a dict).

    Signature: ``create_from_checkout(ctx, *, customer: str, items: [{"price": str, "quantity": int}],
    payment_method: str | None, trial_period_days: int | None = None, metadata: dict | None = None) -> dict``.

    The payment method Checkout collected is attached to the customer (test ids such as ``pm_card_visa`` are
    materialized first) and becomes the subscription's ``default_payment_method``; the first invoice is
    charged with it on-session, as the customer is on the page. A declined card raises the 402 StripeError
    (``error_if_incomplete``): Checkout shows the decline and the session stays open, nothing is created.
    With a trial, or a free price, ``payment_method`` may be ``None``. ``latest_invoice`` is the invoice id.
    Errors in ``items`` name ``items[i][price]`` as the Subscriptions API does.
    """
    owner = invoices.load_customer(ctx, customer)
    pm_id: str | None = None
    if payment_method:
        pm = payment_methods.materialize(ctx, payment_method)
        payment_methods.attach_to(ctx, pm, owner["id"])
        pm_id = str(pm["id"])
    return create(
        ctx,
        customer=owner,
        items=items,
        payment_behavior="error_if_incomplete",
        trial_period_days=trial_period_days,
        default_payment_method=pm_id,
        metadata=metadata,
        discounts=discounts,
    )


def _paid_with(ctx: Context, invoice: Mapping[str, Any]) -> str | None:
    """The payment method that paid ``invoice`` (through its PaymentIntent)."""
    for payment in (invoice.get("payments") or {}).get("data") or []:
        pi = ctx.get(str(payment["payment"].get("payment_intent")))
        if pi is not None and pi.get("status") == "succeeded" and pi.get("payment_method"):
            return str(pi["payment_method"])
    return None


def after_invoice_paid(ctx: Context, sub_id: str, invoice: Mapping[str, Any]) -> None:
    """An invoice of ``sub_id`` was paid after the subscription was created (``/pay``, or its PaymentIntent
    confirmed by the customer): incomplete → active, and with ``payment_settings.save_default_payment_method=
    on_subscription`` the card that paid becomes the subscription's default payment method."""
    sub = ctx.get(sub_id)
    if sub is None or sub.get("object") != KIND:
        return
    before = copy.deepcopy(sub)
    if sub["status"] in ("incomplete", "past_due", "unpaid"):
        trial_end = sub.get("trial_end")
        sub["status"] = "trialing" if trial_end and trial_end > ctx.now() else "active"
    settings = sub.get("payment_settings") or {}
    if settings.get("save_default_payment_method") == "on_subscription" and not sub.get(
        "default_payment_method"
    ):
        sub["default_payment_method"] = _paid_with(ctx, invoice)
    previous = changed_fields(before, sub)
    if previous:
        ctx.save(sub)
        ctx.emit("customer.subscription.updated", sub, previous)
        reschedule(ctx, sub)


# --- over time: the subscription's next step, on the scheduler --------------------------------------------

TICK = "subscription.step"


def reschedule(ctx: Context, sub: Mapping[str, Any]) -> None:
    """Replace the subscription's pending step by the one its current state calls for."""
    scheduler.unschedule(ctx, str(sub["id"]), TICK)
    step = billing.subscription_step(sub, ctx.now())
    if step is not None:
        data = {"step": step.kind, "as_of": ctx.now()}
        scheduler.schedule(ctx, TICK, at=max(step.at, ctx.now()), target=str(sub["id"]), data=data)


@scheduler.handler(TICK)
def _step(ctx: Context, job: scheduler.Job) -> None:
    sub = ctx.get(job.target)
    if sub is None or sub.get("object") != KIND:
        return
    step = billing.subscription_step(sub, int(job.data["as_of"]))
    if step is None or step.kind != job.data["step"]:
        reschedule(ctx, sub)  # the subscription changed since; do what it calls for now
        return
    before = copy.deepcopy(sub)
    outcome = _trial_outcome(ctx, sub) if step.kind == "trial_end" else "activate"
    if step.kind == "trial_will_end":
        ctx.emit("customer.subscription.trial_will_end", sub)
    elif step.kind == "cancel" or outcome == "cancel":
        end(ctx, sub, reason="cancellation_requested", keep_cancel_at=step.kind == "cancel")
        return
    elif step.kind == "expire":
        _expire(ctx, sub)
    elif step.kind == "resume_collection":
        sub["pause_collection"] = None
    elif outcome == "pause":
        sub["status"] = "paused"
    else:  # "trial_end" or "renew": the next period begins with its invoice
        if step.kind == "trial_end":
            sub["status"] = "active"
        start_period(ctx, sub, int(sub["items"]["data"][0]["current_period_end"]))
    ctx.save(sub)
    previous = changed_fields(before, sub)
    if previous:
        ctx.emit("customer.subscription.updated", sub, previous)
    if sub["status"] == "paused" and before["status"] != "paused":
        ctx.emit("customer.subscription.paused", sub)
    reschedule(ctx, sub)


def _trial_outcome(ctx: Context, sub: Mapping[str, Any]) -> str:
    """At the end of a trial: is there a payment method to charge, and what does ``trial_settings`` say
    when there is none (:func:`sandbox._prorations.trial_end_outcome`)."""
    customer = ctx.get(str(sub["customer"])) or {}
    has_pm = bool(sub.get("default_payment_method") or customer_default_payment_method(ctx, customer))
    settings = ((sub.get("trial_settings") or {}).get("end_behavior") or {}).get("missing_payment_method")
    return rules.trial_end_outcome(str(settings or "create_invoice"), has_payment_method=has_pm)


def start_period(
    ctx: Context,
    sub: JSONObject,
    start: int,
    *,
    billing_reason: str = "subscription_cycle",
    partial: str | None = None,
) -> JSONObject:
    """A billing period begins at ``start``: the items' periods move on and the period's
    ``subscription_cycle`` invoice is created as an ``auto_advance`` draft (with the customer's pending
    invoice items), to be finalized and charged an hour later. Returns the draft.

    ``partial`` (a ``proration_behavior``): ``start`` is not a billing date of the anchor (a resume that
    keeps the anchor), so the period up to the next one is billed prorated (free with ``none``). While
    ``pause_collection`` is ``keep_as_draft`` the draft is not advanced."""
    items: list[JSONObject] = sub["items"]["data"]
    recurring = items[0]["price"]["recurring"]
    interval, count = recurring["interval"], int(recurring.get("interval_count") or 1)
    previous_start = int(items[0]["current_period_start"])
    end_at = billing.next_period_end(int(sub["billing_cycle_anchor"]), interval, count, start)
    for item in items:
        item["current_period_start"], item["current_period_end"] = start, end_at
    customer = ctx.get(str(sub["customer"])) or {"id": sub["customer"]}
    invoice = invoices.new_draft(
        ctx,
        customer,
        currency=sub["currency"],
        collection_method=sub["collection_method"],
        days_until_due=sub.get("days_until_due"),
        auto_advance=True,
        billing_reason=billing_reason,
        subscription=sub,
        period=(previous_start, start),
    )

    def amount_of(item: JSONObject) -> int | None:
        if partial is None:
            return None
        if partial == "none":
            return 0
        full = int(item["price"]["unit_amount"]) * int(item["quantity"])
        return rules.first_period_amount(full, start=start, anchor=end_at, interval=interval, count=count)

    invoice["lines"]["data"] = [
        _line_for_item(ctx, invoice["id"], sub["id"], item, trial=False, partial=amount_of(item))
        for item in items
    ]
    invoice["discounts"] = discounts_module.for_renewal(ctx, sub, start)
    invoice["default_tax_rates"] = copy.deepcopy(sub.get("default_tax_rates") or [])
    for pending in ctx.query(invoices.ITEM_KIND, {"customer": sub["customer"]}):
        if not pending.get("invoice") and pending.get("currency") == sub["currency"]:
            pending["invoice"] = invoice["id"]  # pending invoice items go on the next subscription invoice
            ctx.save(pending)
    invoices.refresh(ctx, invoice)
    invoices.save(ctx, invoice)
    invoices.emit(ctx, "invoice.created", invoice)
    if (sub.get("pause_collection") or {}).get("behavior") == "keep_as_draft":
        invoice.update(auto_advance=False, automatically_finalizes_at=None)
        invoices.save(ctx, invoice)
    else:
        invoices.schedule_finalization(ctx, invoice)
    sub["latest_invoice"] = invoice["id"]
    return invoice


def charge_now(ctx: Context, sub: JSONObject, invoice: JSONObject) -> None:
    """Finalize a draft the request itself bills and charge it at once (``charge_automatically``); the
    subscription takes what paying (or failing to pay) did to it."""
    ctx.save(sub)  # the invoice's payment looks the subscription up
    invoices.finalize(ctx, invoice)
    if invoice["status"] == "open" and invoice["collection_method"] == "charge_automatically":
        invoices.collect(ctx, invoice)
    _take_stored(ctx, sub)


def _take_stored(ctx: Context, sub: JSONObject) -> None:
    fresh = ctx.get(sub["id"]) or sub
    for key in ("status", "default_payment_method", "latest_invoice"):
        sub[key] = fresh.get(key)


def end(ctx: Context, sub: JSONObject, *, reason: str, keep_cancel_at: bool = False) -> None:
    """The subscription is canceled now (a request, its ``cancel_at``, or failed payments)."""
    now = ctx.now()
    sub.update(status="canceled", canceled_at=sub.get("canceled_at") or now, ended_at=now)
    if not keep_cancel_at:
        sub.update(cancel_at=None, canceled_at=now)
    sub["cancellation_details"] = {**(sub.get("cancellation_details") or {}), "reason": reason}
    ctx.save(sub)
    scheduler.unschedule(ctx, str(sub["id"]), TICK)
    ctx.emit("customer.subscription.deleted", sub)


def _expire(ctx: Context, sub: JSONObject) -> None:
    """23 hours without paying the first invoice: ``incomplete_expired`` and the invoice is voided."""
    sub.update(status="incomplete_expired", ended_at=ctx.now())
    invoice = ctx.get(str(sub.get("latest_invoice")))
    if invoice is not None and invoice.get("status") == "open":
        invoices.void(ctx, invoice)


def after_payment_failed(ctx: Context, sub_id: str) -> None:
    """An automatic payment of a later invoice failed, or a sent invoice is past its due date: the
    subscription is ``past_due``."""
    sub = ctx.get(sub_id)
    if sub is None or sub.get("object") != KIND or sub["status"] not in ("active", "trialing"):
        return
    before = copy.deepcopy(sub)
    sub["status"] = "past_due"
    ctx.save(sub)
    ctx.emit("customer.subscription.updated", sub, changed_fields(before, sub))


def after_retries_exhausted(ctx: Context, sub_id: str) -> None:
    """The last retry failed: the account's setting decides (``canceled`` by default [U])."""
    sub = ctx.get(sub_id)
    if sub is None or sub.get("object") != KIND or sub["status"] not in ("past_due", "active"):
        return
    record = ctx.store.account_record()
    outcome = billing.billing_settings(record[1] if record else {})["subscription_after_failed_retries"]
    if outcome == "canceled":
        end(ctx, sub, reason="payment_failed")
    elif outcome == "unpaid":
        before = copy.deepcopy(sub)
        sub["status"] = "unpaid"
        ctx.save(sub)
        ctx.emit("customer.subscription.updated", sub, changed_fields(before, sub))
        reschedule(ctx, sub)


def _change_trial_end(ctx: Context, sub: JSONObject, value: Any, behavior: str) -> None:
    """``trial_end`` on update: ``now`` ends the trial at once (its first paid period is invoiced and charged
    in the same request [U]); a future timestamp moves the end of the trial, or, on an ``active``
    subscription, starts a trial until then: the unused time of the paid period is credited (a proration,
    unless ``proration_behavior=none``) and the trial becomes the current period."""
    adding = sub["status"] == "active" and value != "now"
    if sub["status"] != "trialing" and not adding:
        # [U] The sandbox's own limitation, said plainly.
        raise errors.invalid_request(
            f"The local sandbox changes trial_end of a trialing subscription, or starts a trial on an active "
            f"one; this subscription is {sub['status']}.",
            param="trial_end",
        )
    now = ctx.now()
    if value == "now":
        sub.update(status="active", trial_end=now, billing_cycle_anchor=now)
        charge_now(ctx, sub, start_period(ctx, sub, now))
        return
    when = _int(value)
    if when is None or when <= now:
        raise errors.invalid_request(  # [U] wording
            f"Invalid timestamp: must be in the future (trial_end={value}).", param="trial_end"
        )
    if adding:
        if behavior != "none":
            _prorate(ctx, sub, prorations.billed(sub), {}, now)
        sub.update(status="trialing", trial_start=now)
        for item in sub["items"]["data"]:
            item["current_period_start"] = now
    sub.update(trial_end=when, billing_cycle_anchor=when)
    for item in sub["items"]["data"]:
        item["current_period_end"] = when


def _period(sub: Mapping[str, Any]) -> tuple[int, int]:
    first = sub["items"]["data"][0]
    return int(first["current_period_start"]), int(first["current_period_end"])


def _prorate(
    ctx: Context,
    sub: JSONObject,
    before: Mapping[str, rules.Billed],
    after: Mapping[str, rules.Billed],
    at: int,
    period: tuple[int, int] | None = None,
) -> list[JSONObject]:
    """Proration items for the change ``before`` → ``after`` at ``at`` (pending until invoiced)."""
    lines = rules.plan_prorations(
        before,
        after,
        period=period or _period(sub),
        at=at,
        billing_mode=str((sub.get("billing_mode") or {}).get("type") or "classic"),
        debits=prorations.debits(ctx, sub),
    )
    return prorations.create_items(ctx, sub, lines, at)


def _proration_date(ctx: Context, sub: Mapping[str, Any], value: Any) -> int:
    """``proration_date``: prorate as if the change happened then; it must lie in the current period."""
    if value in (None, ""):
        return ctx.now()
    at = int(value)
    start, end = _period(sub)
    if not start <= at <= end:
        raise errors.invalid_request(  # [U] wording
            f"proration_date must be within the subscription's current billing period ({start} to {end}); "
            f"got {at}.",
            param="proration_date",
        )
    return at


def _bill_item_change(
    ctx: Context,
    sub: JSONObject,
    before: Mapping[str, rules.Billed],
    behavior: str,
    at: int,
    *,
    period: tuple[int, int],
    reset: bool,
) -> None:
    """What a change of prices or quantities bills (docs: "Prorations", "Change the billing cycle"):

    | the change                          | ``create_prorations``     | ``always_invoice`` | ``none``     |
    |-------------------------------------|---------------------------|--------------------|--------------|
    | price/quantity, same interval       | pending proration items   | invoiced at once   | nothing      |
    | new interval, or                    | credits + the new full    | the same           | the new      |
    | ``billing_cycle_anchor=now``        | period, invoiced at once  |                    | period only  |

    Only ``active`` and ``past_due`` subscriptions are billed for a change (a trial bills nothing).
    """
    if sub["status"] not in ("active", "past_due"):
        return
    if behavior != "none":
        _prorate(ctx, sub, before, {} if reset else prorations.billed(sub), at, period)
    if reset:
        now = ctx.now()
        sub["billing_cycle_anchor"] = now
        charge_now(ctx, sub, start_period(ctx, sub, now, billing_reason="subscription_update"))
    elif behavior == "always_invoice":
        ctx.save(sub)
        if prorations.invoice_now(ctx, sub) is not None:
            _take_stored(ctx, sub)


def _set_pause(ctx: Context, sub: JSONObject, value: Any) -> None:
    """``pause_collection``: ``""`` resumes collection; the subscription's status never changes."""
    if value in ("", None):
        sub["pause_collection"] = None
        return
    resumes = _int(value.get("resumes_at"))
    if resumes is not None and resumes <= ctx.now():
        raise errors.invalid_request(  # [U] wording
            f"Invalid timestamp: must be in the future (pause_collection[resumes_at]={resumes}).",
            param="pause_collection[resumes_at]",
        )
    sub["pause_collection"] = {"behavior": str(value["behavior"]), "resumes_at": resumes}


# --- endpoints -------------------------------------------------------------------------------------------


def _load(ctx: Context) -> JSONObject:
    sub = ctx.load(KIND, ctx.path["subscription_exposed_id"], param="subscription_exposed_id")
    ctx.enter_clock(sub.get("test_clock"))
    return sub


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


# What POST /v1/subscriptions understands; anything else is refused by name rather than silently ignored.
CREATE_PARAMS = (
    "customer",
    "items",
    "payment_behavior",
    "collection_method",
    "days_until_due",
    "trial_period_days",
    "trial_end",
    "default_payment_method",
    "off_session",
    "cancel_at_period_end",
    "description",
    "metadata",
    "payment_settings",
    "proration_behavior",
    "currency",
    "discounts",
    "default_tax_rates",
    "automatic_tax",
    "billing_mode",
    "billing_cycle_anchor",
    "billing_cycle_anchor_config",
    "cancel_at",
    "trial_settings",
)


def _missing_payment_method(settings: Any) -> str:
    end_behavior = (settings or {}).get("end_behavior") or {}
    return str(end_behavior.get("missing_payment_method") or "create_invoice")


def _create_cancel_at(ctx: Context, value: Any) -> int | None:
    if value in (None, ""):
        return None
    at = _int(value)
    if at is None:
        # [U] The sandbox's own limitation, said plainly.
        raise errors.invalid_request(
            f"The local sandbox only takes a timestamp for cancel_at when creating a subscription (got "
            f"{value}).",
            param="cancel_at",
        )
    if at <= ctx.now():
        raise errors.invalid_request(  # [U] wording
            f"Invalid timestamp: must be in the future (cancel_at={at}).", param="cancel_at"
        )
    return at


@endpoint("POST", "/v1/subscriptions", permission=PERMISSION)
def create_subscription(ctx: Context) -> JSONObject:
    p = ctx.params
    for name in p:
        if name not in CREATE_PARAMS:
            # [U] The sandbox's own limitation, said plainly.
            raise errors.invalid_request(
                f"The local sandbox does not emulate `{name}` when creating a subscription. It supports: "
                + ", ".join(CREATE_PARAMS)
                + ".",
                param=name,
            )
    if not p.get("customer"):
        raise errors.parameter_missing("customer")
    customer = invoices.load_customer(ctx, p["customer"])
    items = p.get("items")
    if not items:
        raise errors.parameter_missing("items")
    for i, item in enumerate(items):
        if item.get("tax_rates"):
            # [U] The sandbox's own limitation, said plainly.
            raise errors.invalid_request(
                "The local sandbox does not emulate items[].tax_rates yet: pass default_tax_rates for the "
                "whole subscription.",
                param=f"items[{i}][tax_rates]",
            )
        if item.get("price_data"):
            # [U] The sandbox's own limitation, said plainly.
            raise errors.invalid_request(
                "The local sandbox does not emulate items[].price_data yet: create the Price first "
                "(POST /v1/prices with recurring[interval]) and pass items[][price].",
                param=f"items[{i}][price_data]",
            )
    collection = str(p.get("collection_method") or "charge_automatically")
    days = _int(p.get("days_until_due"))
    if collection == "send_invoice" and days is None:
        raise errors.parameter_missing("days_until_due")
    if collection == "charge_automatically" and days is not None:
        # [U] wording.
        raise errors.invalid_request(
            "days_until_due can only be set when collection_method is send_invoice.", param="days_until_due"
        )
    pm = p.get("default_payment_method")
    default_pm = _attached_payment_method(ctx, pm, customer["id"], "default_payment_method") if pm else None
    trial_end_param = p.get("trial_end")
    trial_end = ctx.now() if trial_end_param == "now" else _int(trial_end_param)
    if trial_end is not None and trial_end_param != "now" and trial_end <= ctx.now():
        # [U] wording.
        raise errors.invalid_request(
            f"Invalid timestamp: must be in the future (trial_end={trial_end}).", param="trial_end"
        )
    if (p.get("automatic_tax") or {}).get("enabled"):
        raise tax_rates.automatic_tax_not_activated()
    prices = [_item_price(ctx, item, i) for i, item in enumerate(items)]
    where = discounts_module.Redemption(
        customer=customer["id"],
        currency=str(prices[0]["currency"]),
        # a promotion code's minimum_amount is compared with one period of the items [U]
        amount=sum(
            int(price.get("unit_amount") or 0) * int(item.get("quantity") or 1)
            for price, item in zip(prices, items, strict=True)
        ),
    )
    made = discounts_module.resolve(ctx, p.get("discounts"), "discounts", where)
    sub = create(
        ctx,
        customer=customer,
        items=items,
        discounts=[d["id"] for d in made],
        default_tax_rates=tax_rates.load_many(ctx, p.get("default_tax_rates"), "default_tax_rates"),
        payment_behavior=str(p.get("payment_behavior") or "allow_incomplete"),
        collection_method=collection,
        days_until_due=days,
        trial_period_days=_int(p.get("trial_period_days")),
        trial_end=trial_end if trial_end_param != "now" else None,
        default_payment_method=default_pm,
        off_session=bool(p.get("off_session", False)),
        cancel_at_period_end=bool(p.get("cancel_at_period_end", False)),
        description=p.get("description") or None,
        metadata=apply_metadata({}, p.get("metadata")),
        save_default_payment_method=str(
            (p.get("payment_settings") or {}).get("save_default_payment_method") or "off"
        ),
        billing_mode=p.get("billing_mode"),
        billing_cycle_anchor=_int(p.get("billing_cycle_anchor")),
        billing_cycle_anchor_config=p.get("billing_cycle_anchor_config"),
        proration_behavior=str(p.get("proration_behavior") or "create_prorations"),
        cancel_at=_create_cancel_at(ctx, p.get("cancel_at")),
        missing_payment_method=_missing_payment_method(p.get("trial_settings")),
    )
    if p.get("currency") and str(p["currency"]).lower() != sub["currency"]:
        # [U] wording.
        raise errors.invalid_request(
            f"The currency {p['currency']} does not match the prices' currency {sub['currency']}.",
            param="currency",
        )
    return sub


@endpoint("GET", "/v1/subscriptions/{subscription_exposed_id}", permission=PERMISSION)
def retrieve_subscription(ctx: Context) -> JSONObject:
    return _load(ctx)


def _update_items(ctx: Context, sub: JSONObject, changes: Sequence[Mapping[str, Any]]) -> None:
    current: list[JSONObject] = list(sub["items"]["data"])
    by_id = {item["id"]: item for item in current}
    period = (
        int(current[0]["current_period_start"]) if current else ctx.now(),
        int(current[0]["current_period_end"]) if current else ctx.now(),
    )
    for i, change in enumerate(changes):
        item_id = change.get("id")
        if item_id:
            item = by_id.get(str(item_id))
            if item is None:
                raise errors.resource_missing("subscription_item", str(item_id), f"items[{i}][id]", 400)
            if change.get("deleted"):
                current = [c for c in current if c["id"] != item["id"]]
                continue
            if change.get("price") or change.get("plan"):
                item["price"] = copy.deepcopy(_item_price(ctx, change, i))
            if change.get("quantity") not in (None, ""):
                item["quantity"] = _quantity(change["quantity"], f"items[{i}][quantity]")
            if "metadata" in change:
                item["metadata"] = apply_metadata(item.get("metadata"), change["metadata"])
        else:
            price = _item_price(ctx, change, i)
            if any(c["price"]["id"] == price["id"] for c in current):
                # [U: as quoted by integrations]
                raise errors.invalid_request(
                    "Cannot add multiple subscription items with the same plan: " + price["id"],
                    param=f"items[{i}][price]",
                )
            new = _new_item(
                ctx,
                sub["id"],
                price,
                _quantity(change.get("quantity"), f"items[{i}][quantity]"),
                period,
                change.get("metadata"),
            )
            current.append(new)
    if not current:
        # [U] wording.
        raise errors.invalid_request(
            "A subscription must keep at least one item. Cancel the subscription instead of deleting every "
            "item.",
            param="items",
        )
    _check_compatible([item["price"] for item in current])
    sub["items"] = _items_list(sub["id"], current)
    sub["currency"] = current[0]["price"]["currency"]


@endpoint("POST", "/v1/subscriptions/{subscription_exposed_id}", permission=PERMISSION)
def update_subscription(ctx: Context) -> JSONObject:
    sub = _load(ctx)
    p = ctx.params
    for name in p:
        if name not in UPDATABLE:
            # [U] The sandbox's own limitation, said plainly.
            raise errors.invalid_request(
                f"The local sandbox does not emulate updating `{name}` on a subscription. It supports: "
                + ", ".join(UPDATABLE)
                + ".",
                param=name,
            )
    if sub["status"] in ("canceled", "incomplete_expired"):
        for name in p:
            if name not in ("metadata", "cancellation_details"):
                # [O] integrations quote this text (the canceled case; incomplete_expired treated alike [U])
                raise errors.invalid_request(
                    "A canceled subscription can only update its cancellation_details and metadata."
                )
    if sub["status"] == "incomplete":
        for name in p:
            if name not in INCOMPLETE_UPDATABLE:
                raise errors.invalid_request(  # [U] wording, after the docs' sentence
                    "A subscription in status incomplete can only have metadata and its default payment "
                    "method updated, until its first invoice is paid.",
                    param=name,
                )
    before = copy.deepcopy(sub)
    behavior = str(p.get("proration_behavior") or "create_prorations")
    at = _proration_date(ctx, sub, p.get("proration_date"))
    billed_before, period_before = prorations.billed(sub), _period(sub)
    if "items" in p:
        _update_items(ctx, sub, p["items"] or [])
    if "metadata" in p:
        sub["metadata"] = apply_metadata(sub.get("metadata"), p["metadata"])
    if "description" in p:
        sub["description"] = p["description"] or None
    if "default_payment_method" in p:
        pm = p["default_payment_method"]
        sub["default_payment_method"] = (
            _attached_payment_method(ctx, pm, sub["customer"], "default_payment_method") if pm else None
        )
    if "collection_method" in p:
        sub["collection_method"] = p["collection_method"]
    if "days_until_due" in p:
        sub["days_until_due"] = _int(p["days_until_due"])
    if sub["collection_method"] == "send_invoice" and sub.get("days_until_due") is None:
        raise errors.parameter_missing("days_until_due")
    if "cancellation_details" in p:
        details = p["cancellation_details"] or {}
        for key in ("comment", "feedback"):
            if key in details:
                sub["cancellation_details"][key] = details[key] or None
    period_end = int(sub["items"]["data"][0]["current_period_end"])
    if "cancel_at_period_end" in p:
        flag = bool(p["cancel_at_period_end"])
        sub["cancel_at_period_end"] = flag
        sub["cancel_at"] = period_end if flag else None
        # Docs: canceled_at reflects the request that asked for the cancellation.
        sub["canceled_at"] = ctx.now() if flag else None
        sub["cancellation_details"]["reason"] = "cancellation_requested" if flag else None
    if "cancel_at" in p:
        at = p["cancel_at"]
        if at in ("", None):
            sub["cancel_at"] = None
        elif at in ("max_period_end", "min_period_end", "max_billed_until"):
            sub["cancel_at"] = period_end
        else:
            sub["cancel_at"] = int(at)
        sub["cancellation_details"]["reason"] = "cancellation_requested" if sub["cancel_at"] else None
    if "pause_collection" in p:
        _set_pause(ctx, sub, p["pause_collection"])
    if "trial_settings" in p:
        sub["trial_settings"] = {
            "end_behavior": {"missing_payment_method": _missing_payment_method(p["trial_settings"])}
        }
    recurring = [
        (i["price"]["recurring"]["interval"], i["price"]["recurring"].get("interval_count") or 1)
        for i in (before["items"]["data"][0], sub["items"]["data"][0])
    ]
    reset = p.get("billing_cycle_anchor") == "now" or recurring[0] != recurring[1]
    if "items" in p or reset:
        _bill_item_change(ctx, sub, billed_before, behavior, at, period=period_before, reset=reset)
    if "trial_end" in p:
        _change_trial_end(ctx, sub, p["trial_end"], behavior)
    ctx.save(sub)
    previous = changed_fields(before, sub)
    if previous:
        ctx.emit("customer.subscription.updated", sub, previous)
    reschedule(ctx, sub)
    return sub


@endpoint("DELETE", "/v1/subscriptions/{subscription_exposed_id}", permission=PERMISSION)
def cancel_subscription(ctx: Context) -> JSONObject:
    sub = _load(ctx)
    if sub["status"] == "canceled":
        # [O] Canceling twice answers "No such subscription" (observed by an integration, 2026-09-13),
        # although the canceled subscription can still be retrieved.
        raise errors.resource_missing("subscription", sub["id"], "subscription_exposed_id", 404)
    details = ctx.params.get("cancellation_details") or {}
    sub["cancellation_details"] = {
        "comment": details.get("comment") or None,
        "feedback": details.get("feedback") or None,
    }
    if ctx.params.get("prorate") and sub["status"] in ("active", "past_due"):
        _prorate(ctx, sub, prorations.billed(sub), {}, ctx.now())  # credit the unused time
    if ctx.params.get("invoice_now"):
        # [U] billing_reason: Stripe names none for the final invoice; the pending items are billed now
        prorations.invoice_now(ctx, sub)
    end(ctx, sub, reason="cancellation_requested")
    return sub


@endpoint("POST", "/v1/subscriptions/{subscription}/resume", permission=PERMISSION)
def resume_subscription(ctx: Context) -> JSONObject:
    """A ``paused`` subscription (its trial ended without a payment method under
    ``trial_settings.end_behavior.missing_payment_method=pause``) becomes ``active``: a new period starts
    now and is invoiced and charged at once (``billing_cycle_anchor=now``, the default), or the period up
    to the next billing date of the old anchor is invoiced prorated (``unchanged``). Events:
    ``customer.subscription.updated``, ``customer.subscription.resumed``."""
    sub = ctx.load(KIND, ctx.path["subscription"], param="subscription")
    ctx.enter_clock(sub.get("test_clock"))
    if sub["status"] != "paused":
        raise errors.invalid_request(  # [U] wording
            f"Only a paused subscription can be resumed; this one is {sub['status']}. To stop collecting "
            "payments without pausing the subscription, update its pause_collection instead.",
            param="subscription",
        )
    p = ctx.params
    before = copy.deepcopy(sub)
    now = ctx.now()
    sub["status"] = "active"
    keep_anchor = p.get("billing_cycle_anchor") == "unchanged"
    if not keep_anchor:
        sub["billing_cycle_anchor"] = now
    behavior = str(p.get("proration_behavior") or "create_prorations")
    invoice = start_period(
        ctx, sub, now, billing_reason="subscription_update", partial=behavior if keep_anchor else None
    )
    charge_now(ctx, sub, invoice)
    ctx.save(sub)
    ctx.emit("customer.subscription.updated", sub, changed_fields(before, sub))
    ctx.emit("customer.subscription.resumed", sub)
    reschedule(ctx, sub)
    return sub


@endpoint("GET", "/v1/subscriptions", permission=PERMISSION)
def list_subscriptions(ctx: Context) -> JSONObject:
    p = ctx.params
    filters: dict[str, Any] = {k: p[k] for k in ("customer", "collection_method", "test_clock") if p.get(k)}
    statuses = billing.subscription_status_filter(p.get("status"))
    if statuses is not None:
        filters["status"] = list(statuses)
    # stripe-python still sends the legacy ``plan`` filter; a price id is a plan id.
    param = "price" if p.get("price") else "plan"
    price = p.get(param)
    if price:
        ctx.load("price", str(price), param=param, status=400)

    def has_price(sub: JSONObject) -> bool:
        return any(item["price"]["id"] == price for item in sub["items"]["data"])

    return ctx.list_response(
        KIND, "/v1/subscriptions", filters=filters, predicate=has_price if price else None
    )


# The fields Stripe documents for subscription search (docs.stripe.com/search#query-fields-for-subscriptions).
SEARCH_FIELDS = {"created": "number", "metadata": "metadata", "status": "string"}


@endpoint("GET", "/v1/subscriptions/search", permission=PERMISSION)
def search_subscriptions(ctx: Context) -> JSONObject:
    return ctx.search_response(KIND, "/v1/subscriptions/search", SEARCH_FIELDS)


__all__ = [
    "after_invoice_paid",
    "after_payment_failed",
    "after_retries_exhausted",
    "create",
    "create_from_checkout",
    "end",
    "reschedule",
    "start_period",
]
