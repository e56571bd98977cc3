"""Proration invoice items of a subscription, and the invoices a change bills at once.

The arithmetic is ``sandbox._prorations`` (pure); this module turns its lines into Stripe's objects: an
``invoiceitem`` with ``proration: true`` and ``parent.subscription_details`` (pending until the next invoice
takes it, or billed at once with ``always_invoice``), and finds what an item was already charged (the debits
``flexible`` billing mode credits back).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any

from sandbox import _prorations as rules
from sandbox._api import Context
from sandbox._store import JSONObject
from sandbox.resources import invoices


def billed(sub: Mapping[str, Any]) -> dict[str, rules.Billed]:
    """Item id → what it bills per full period, as the subscription is now."""
    return {
        str(item["id"]): rules.Billed(
            str(item["price"]["id"]), int(item["price"]["unit_amount"]), int(item["quantity"])
        )
        for item in sub["items"]["data"]
    }


def _item_of(line: Mapping[str, Any]) -> str | None:
    parent = line.get("parent") or {}
    details = parent.get("subscription_item_details") or parent.get("subscription_details") or {}
    item = details.get("subscription_item")
    return str(item) if item else None


def debits(ctx: Context, sub: Mapping[str, Any]) -> dict[str, list[rules.Debit]]:
    """Everything already charged (or about to be) for each item: the lines of the subscription's invoices
    that are not void, and its pending proration items."""
    found: dict[str, list[rules.Debit]] = {}
    for invoice in ctx.query(invoices.KIND, {"parent.subscription_details.subscription": sub["id"]}):
        if invoice.get("status") == "void":
            continue
        for line in invoice["lines"]["data"]:
            item = _item_of(line)
            period = line.get("period") or {}
            if item and int(line.get("amount") or 0) > 0 and period:
                found.setdefault(item, []).append(
                    rules.Debit(
                        int(line["amount"]),
                        int(period["start"]),
                        int(period["end"]),
                        str(line["id"]),
                        str(invoice["id"]),
                    )
                )
    for pending in pending_items(ctx, sub):
        item = _item_of(pending)
        if item and int(pending["amount"]) > 0:
            period = pending["period"]
            found.setdefault(item, []).append(
                rules.Debit(int(pending["amount"]), int(period["start"]), int(period["end"]), pending["id"])
            )
    return found


def pending_items(ctx: Context, sub: Mapping[str, Any]) -> list[JSONObject]:
    """The subscription's invoice items not on an invoice yet, oldest first."""
    items = ctx.query(invoices.ITEM_KIND, {"parent.subscription_details.subscription": sub["id"]})
    return [item for item in items[::-1] if not item.get("invoice")]


def _credited(credits: rules.Debit | None) -> JSONObject | None:
    if credits is None:
        return None
    if credits.invoice is None:
        return {"invoice_item": credits.source, "type": "invoice_item"}
    return {
        "invoice_line_item_details": {"invoice": credits.invoice, "invoice_line_items": [credits.source]},
        "type": "invoice_line_items",
    }


def create_items(
    ctx: Context, sub: Mapping[str, Any], lines: Sequence[rules.Proration], at: int
) -> list[JSONObject]:
    """Save each proration line as a pending invoice item (``invoiceitem.created`` each)."""
    made = []
    prices = {str(i["price"]["id"]): i["price"] for i in sub["items"]["data"]}
    for line in lines:
        price = prices.get(line.billed.price) or ctx.get(line.billed.price) or {}
        product = ctx.get(str(price.get("product"))) or {}
        name = str(product.get("name") or price.get("nickname") or line.billed.price)
        item: JSONObject = {
            "id": ctx.new_id("ii"),
            "object": invoices.ITEM_KIND,
            "amount": line.amount,
            "currency": sub["currency"],
            "customer": sub["customer"],
            "customer_account": None,
            "date": ctx.now(),
            "description": rules.describe(line, name, at),
            "discountable": False,  # [U] prorations are billed as computed; coupons are not applied to them
            "discounts": [],
            "invoice": None,
            "livemode": False,
            "metadata": {},
            "net_amount": line.amount,
            "parent": {
                "subscription_details": {"subscription": sub["id"], "subscription_item": line.item},
                "type": "subscription_details",
            },
            "period": {"end": line.end, "start": line.start},
            "pricing": {
                "price_details": {"price": line.billed.price, "product": price.get("product")},
                "type": "price_details",
                "unit_amount_decimal": str(line.billed.unit_amount),
            },
            "proration": True,
            "proration_details": {"credited_items": _credited(line.credits), "discount_amounts": []},
            "quantity": line.billed.quantity,
            "quantity_decimal": str(line.billed.quantity),
            "tax_rates": [],
            "test_clock": sub.get("test_clock"),
        }
        ctx.save(item)
        ctx.emit("invoiceitem.created", copy.deepcopy(item))
        made.append(item)
    return made


def invoice_now(
    ctx: Context, sub: JSONObject, *, billing_reason: str = "subscription_update"
) -> JSONObject | None:
    """Bill the subscription's pending items on an invoice of their own, now: finalized and, for
    ``charge_automatically``, charged (a failure leaves it open and the subscription ``past_due``, as a
    renewal's would). ``None`` when nothing is pending."""
    pending = pending_items(ctx, sub)
    if not pending:
        return None
    customer = ctx.get(str(sub["customer"])) or {"id": sub["customer"]}
    invoice = invoices.new_draft(
        ctx,
        customer,
        currency=sub["currency"],
        collection_method=sub["collection_method"],
        days_until_due=sub.get("days_until_due"),
        billing_reason=billing_reason,
        subscription=sub,
        period=(ctx.now(), ctx.now()),
    )
    for item in pending:
        item["invoice"] = invoice["id"]
        ctx.save(item)
    invoices.refresh(ctx, invoice)
    invoices.save(ctx, invoice)
    invoices.emit(ctx, "invoice.created", invoice)
    sub["latest_invoice"] = invoice["id"]
    ctx.save(sub)
    invoices.finalize(ctx, invoice)
    if invoice["status"] == "open" and invoice["collection_method"] == "charge_automatically":
        invoices.collect(ctx, invoice)
    return ctx.get(invoice["id"]) or invoice
