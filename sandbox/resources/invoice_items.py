"""Invoice items: charges (or, with a negative amount, credits) waiting to be billed on a customer's invoice.

An item is either pending (no invoice yet: the next invoice created with
``pending_invoice_items_behavior=include`` takes it) or on a draft invoice, whose lines and totals follow it.
Once the invoice is finalized its items are frozen.

Stripe's current event list has ``invoiceitem.created`` and ``invoiceitem.deleted`` but no
``invoiceitem.updated`` (it is absent from the OpenAPI spec's event enum and stripe-python 16's Event types),
so an update emits nothing of its own; the draft invoice it sits on emits ``invoice.updated``.
"""

from __future__ import annotations

import copy
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from sandbox import _errors as errors
from sandbox._api import Context, apply_metadata, changed_fields, deleted, endpoint
from sandbox._store import JSONObject
from sandbox.resources import discounts, invoices, tax_rates

KIND = "invoiceitem"
PERMISSION = "invoice_item"  # a scope of its own, distinct from rak_invoice_* [O, facts §2.2]
SOURCES = ("amount", "pricing", "price_data", "unit_amount_decimal")
# [O] quoted by many integrations
ONE_TIME_ONLY = (
    "The price specified is set to `type=recurring` but this field only accepts prices with `type=one_time`."
)


def _frozen(invoice: JSONObject) -> errors.StripeError:
    # [U] wording: Stripe refuses to change the items of an invoice that is no longer a draft.
    return errors.invalid_request(
        f"This invoice item is attached to invoice {invoice['id']}, which has a status of "
        f"{invoice['status']}. Only items on a draft invoice (or pending items) can be changed or deleted.",
    )


def _decimal_string(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text


def _priced(ctx: Context, p: dict[str, Any], quantity: int, currency: str | None) -> dict[str, Any]:
    """Amount, currency, pricing and default description from whichever price source was given."""
    given = [name for name in SOURCES if p.get(name) not in (None, "")]
    if len(given) > 1:
        raise errors.exclusive(given)
    if not given:
        # [U] wording.
        raise errors.invalid_request(
            "You must pass one of `amount`, `pricing[price]`, `price_data` or `unit_amount_decimal` to say "
            "what the invoice item costs.",
            param="amount",
        )
    source = given[0]
    if source == "amount":
        if not currency:
            raise errors.parameter_missing("currency")
        amount = int(p["amount"])
        unit = Decimal(amount) / Decimal(quantity or 1)
        return {"amount": amount, "currency": currency, "pricing": None, "description": None, "unit": unit}
    if source == "unit_amount_decimal":
        if not currency:
            raise errors.parameter_missing("currency")
        try:
            unit = Decimal(str(p["unit_amount_decimal"]))
        except InvalidOperation as exc:
            raise errors.invalid_decimal("unit_amount_decimal", p["unit_amount_decimal"]) from exc
        amount = int((unit * quantity).quantize(Decimal(1), rounding=ROUND_HALF_UP))
        return {"amount": amount, "currency": currency, "pricing": None, "description": None, "unit": unit}
    if source == "pricing":
        price_id = (p["pricing"] or {}).get("price")
        if not price_id:
            raise errors.parameter_missing("pricing[price]")
        price = ctx.load("price", str(price_id), param="pricing[price]", status=400)
        if price.get("type") == "recurring" or price.get("recurring"):
            raise errors.invalid_request(ONE_TIME_ONLY, param="pricing[price]")
        if price.get("unit_amount") is None:
            # [U] wording: tiered and customer-chosen prices have no unit amount to bill.
            raise errors.invalid_request(
                f"The price {price['id']} has no unit_amount (tiered or customer-chosen amount); invoice "
                "items need a price with a fixed unit_amount.",
                param="pricing[price]",
            )
        unit = Decimal(str(price.get("unit_amount_decimal") or price["unit_amount"]))
        product = ctx.get(str(price.get("product")))
        return {
            "amount": int((unit * quantity).quantize(Decimal(1), rounding=ROUND_HALF_UP)),
            "currency": str(price["currency"]),
            "pricing": {
                "price_details": {"price": price["id"], "product": price.get("product")},
                "type": "price_details",
                "unit_amount_decimal": _decimal_string(unit),
            },
            "description": (product or {}).get("name"),
            "unit": unit,
        }
    data = p["price_data"] or {}
    for name in ("currency", "product"):
        if not data.get(name):
            raise errors.parameter_missing(f"price_data[{name}]")
    product = ctx.load("product", str(data["product"]), param="price_data[product]", status=400)
    if data.get("unit_amount") is not None:
        unit = Decimal(int(data["unit_amount"]))
    elif data.get("unit_amount_decimal") is not None:
        unit = Decimal(str(data["unit_amount_decimal"]))
    else:
        raise errors.parameter_missing("price_data[unit_amount]")
    return {
        "amount": int((unit * quantity).quantize(Decimal(1), rounding=ROUND_HALF_UP)),
        "currency": str(data["currency"]).lower(),
        # Stripe makes an inline price for price_data; the sandbox only names one [U].
        "pricing": {
            "price_details": {"price": ctx.new_id("price"), "product": product["id"]},
            "type": "price_details",
            "unit_amount_decimal": _decimal_string(unit),
        },
        "description": product.get("name"),
        "unit": unit,
    }


def _period(ctx: Context, value: Any) -> dict[str, int]:
    if isinstance(value, dict) and "start" in value and "end" in value:
        start, end = int(value["start"]), int(value["end"])
        if end < start:
            # [U] wording.
            raise errors.invalid_request(
                "The period end must be greater than or equal to the period start.", param="period[end]"
            )
        return {"end": end, "start": start}
    return {"end": ctx.now(), "start": ctx.now()}


def _draft_invoice(ctx: Context, invoice_id: Any, customer_id: str) -> JSONObject:
    invoice = ctx.load(invoices.KIND, str(invoice_id), param="invoice", status=400)
    if invoice["status"] != "draft":
        # [U] wording taken from Stripe's parameter docs ("You can only add invoice items to draft invoices").
        raise errors.invalid_request("You can only add invoice items to draft invoices.", param="invoice")
    if invoice["customer"] != customer_id:
        # [U] wording.
        raise errors.invalid_request(
            f"The invoice {invoice['id']} belongs to customer {invoice['customer']}, not {customer_id}. "
            "Add the item to an invoice of the same customer.",
            param="invoice",
        )
    return invoice


def _refresh_invoice(ctx: Context, invoice_id: str) -> None:
    invoice = ctx.get(invoice_id)
    if invoice is None or invoice.get("status") != "draft":
        return
    before = invoices.public(invoice)
    invoices.refresh(ctx, invoice)
    invoices.save(ctx, invoice)
    previous = changed_fields(before, invoices.public(invoice))
    if previous:
        invoices.emit(ctx, "invoice.updated", invoice, previous)


def _quantity(value: Any) -> int:
    quantity = 1 if value is None else int(value)
    if quantity < 0:
        raise errors.invalid_request(
            "This value must be greater than or equal to 0.", param="quantity"
        )  # [U]
    return quantity


@endpoint("POST", "/v1/invoiceitems", permission=PERMISSION)
def create_invoice_item(ctx: Context) -> JSONObject:
    p = ctx.params
    if not p.get("customer"):
        raise errors.parameter_missing("customer")
    customer = invoices.load_customer(ctx, p["customer"])
    invoice = _draft_invoice(ctx, p["invoice"], customer["id"]) if p.get("invoice") else None
    if p.get("subscription"):
        ctx.load("subscription", str(p["subscription"]), param="subscription", status=400)
    quantity = _quantity(p.get("quantity"))
    currency = str(p["currency"]).lower() if p.get("currency") else None
    priced = _priced(ctx, p, quantity, currency)
    if currency and priced["currency"] != currency:
        # [U] wording.
        raise errors.invalid_request(
            f"The currency {currency} does not match the price's currency {priced['currency']}.",
            param="currency",
        )
    if invoice is not None and priced["currency"] != invoice["currency"]:
        # [U] wording.
        raise errors.invalid_request(
            f"The invoice item's currency ({priced['currency']}) must match the invoice's currency "
            f"({invoice['currency']}).",
            param="currency",
        )
    amount = priced["amount"]
    discountable = p.get("discountable")
    item_id = ctx.new_id("ii")
    where = discounts.Redemption(
        customer=customer["id"],
        currency=priced["currency"],
        amount=amount,
        invoice=invoice["id"] if invoice else None,
        invoice_item=item_id,
    )
    item_discounts = [d["id"] for d in discounts.resolve(ctx, p.get("discounts"), "discounts", where)]
    item: JSONObject = {
        "id": item_id,
        "object": KIND,
        "amount": amount,
        "currency": priced["currency"],
        "customer": customer["id"],
        "customer_account": None,
        "date": ctx.now(),
        "description": p.get("description") or priced["description"],
        # Stripe: defaults to false for negative amounts (credits), true otherwise.
        "discountable": bool(discountable) if discountable is not None else amount >= 0,
        "discounts": item_discounts,
        "invoice": invoice["id"] if invoice else None,
        "livemode": False,
        "metadata": apply_metadata({}, p.get("metadata")),
        "net_amount": amount,
        "parent": None,
        "period": _period(ctx, p.get("period")),
        "pricing": priced["pricing"],
        "proration": False,
        "proration_details": {"credited_items": None, "discount_amounts": []},
        "quantity": quantity,
        "quantity_decimal": str(quantity),
        "tax_rates": tax_rates.load_many(ctx, p.get("tax_rates"), "tax_rates"),
        "test_clock": None,
    }
    ctx.save(item)
    ctx.emit("invoiceitem.created", item)
    if invoice is not None:
        _refresh_invoice(ctx, invoice["id"])
    return item


def _load(ctx: Context) -> JSONObject:
    """Stripe names the object in words: "No such invoice item: 'ii_…'" [U: the style of its messages]."""
    return ctx.load(KIND, ctx.path["invoiceitem"], param="invoiceitem", noun="invoice item")


def _check_editable(ctx: Context, item: JSONObject) -> None:
    if item.get("invoice"):
        invoice = ctx.get(str(item["invoice"]))
        if invoice is not None and invoice.get("status") != "draft":
            raise _frozen(invoice)


@endpoint("GET", "/v1/invoiceitems/{invoiceitem}", permission=PERMISSION)
def retrieve_invoice_item(ctx: Context) -> JSONObject:
    return _load(ctx)


@endpoint("POST", "/v1/invoiceitems/{invoiceitem}", permission=PERMISSION)
def update_invoice_item(ctx: Context) -> JSONObject:
    item = _load(ctx)
    _check_editable(ctx, item)
    p = dict(ctx.params)
    if "quantity" in p:
        item["quantity"] = _quantity(p["quantity"])
        item["quantity_decimal"] = str(item["quantity"])
    if any(p.get(name) not in (None, "") for name in SOURCES):
        priced = _priced(ctx, p, item["quantity"], item["currency"])
        if priced["currency"] != item["currency"]:
            # [U] wording.
            raise errors.invalid_request("An invoice item's currency cannot be changed.", param="currency")
        item.update(amount=priced["amount"], pricing=priced["pricing"])
    elif "quantity" in p and item.get("pricing"):
        unit = Decimal(str(item["pricing"].get("unit_amount_decimal") or 0))
        item["amount"] = int((unit * item["quantity"]).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    item["net_amount"] = item["amount"]
    if "description" in p:
        item["description"] = p["description"] or None
    if "discountable" in p:
        item["discountable"] = bool(p["discountable"])
    if "metadata" in p:
        item["metadata"] = apply_metadata(item.get("metadata"), p["metadata"])
    if "period" in p:
        item["period"] = _period(ctx, p["period"])
    if "tax_rates" in p:
        item["tax_rates"] = tax_rates.load_many(ctx, p["tax_rates"], "tax_rates")
    if "discounts" in p:
        where = discounts.Redemption(
            customer=item["customer"],
            currency=item["currency"],
            amount=int(item["amount"]),
            invoice=item.get("invoice"),
            invoice_item=item["id"],
        )
        item["discounts"] = [d["id"] for d in discounts.resolve(ctx, p["discounts"], "discounts", where)]
    ctx.save(item)
    if item.get("invoice"):
        _refresh_invoice(ctx, str(item["invoice"]))
    return copy.deepcopy(item)


@endpoint("DELETE", "/v1/invoiceitems/{invoiceitem}", permission=PERMISSION)
def delete_invoice_item(ctx: Context) -> JSONObject:
    item = _load(ctx)
    _check_editable(ctx, item)
    ctx.delete(item["id"])
    ctx.emit("invoiceitem.deleted", item)
    if item.get("invoice"):
        _refresh_invoice(ctx, str(item["invoice"]))
    return deleted(item["id"], KIND)


@endpoint("GET", "/v1/invoiceitems", permission=PERMISSION)
def list_invoice_items(ctx: Context) -> JSONObject:
    p = ctx.params
    filters = {k: p[k] for k in ("customer", "invoice") if p.get(k)}
    pending = p.get("pending")
    predicate = None
    if pending is not None:
        want_pending = bool(pending)

        def predicate(item: JSONObject) -> bool:
            return (item.get("invoice") is None) == want_pending

    return ctx.list_response(KIND, "/v1/invoiceitems", filters=filters, predicate=predicate)
