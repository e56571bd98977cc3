"""Credit notes: preview, create, retrieve, update, void, list, line items (https://docs.stripe.com/api/credit_notes).

A credit note lowers what a finalized (open or paid) invoice is worth. Stripe's rule (API reference, "Create a
credit note"): it first reduces the invoice's ``amount_remaining``, not below zero (``pre_payment_amount``);
the rest (``post_payment_amount``) must be allocated, exactly, to ``refund_amount`` (a new Refund of the
invoice's payment), ``credit_amount`` (a credit in the customer's balance,
:mod:`sandbox.resources.customer_balance`) and ``out_of_band_amount`` (settled outside Stripe); since API
2019-12-03 nothing is allocated implicitly. The invoice adds each note to
``pre_payment_credit_notes_amount`` / ``post_payment_credit_notes_amount``; an open invoice whose
``amount_remaining`` reaches 0 is paid.

What a note credits comes from ``lines`` (an invoice line, by ``quantity`` or ``amount``, or a custom line)
or a bare ``amount``; its discounts and taxes follow the invoice line's, computed by
:mod:`sandbox._discount_tax`. [U] choices (also in sandbox/README.md): a credited invoice line carries the
same share of its discounts as of its amount; a bare ``amount`` makes a note without lines or taxes; ``pdf``
is the invoice's hosted page.
"""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

from sandbox import _discount_tax as math
from sandbox import _errors as errors
from sandbox._api import Context, apply_metadata, changed_fields, check_limit, endpoint, page_of
from sandbox._currencies import format_money
from sandbox._store import JSONObject
from sandbox.resources import charges, customer_balance, discounts, invoices, refunds, tax_rates

KIND = "credit_note"
PERMISSION = "credit_note"  # rak_credit_note_read [O: facts §2.2]
ALLOCATIONS = ("refund_amount", "credit_amount", "out_of_band_amount")


def _credited_line(ctx: Context, invoice: JSONObject, raw: dict[str, Any], index: int) -> JSONObject:
    """One credit note line from a ``lines[]`` entry (not saved)."""
    prefix = f"lines[{index}]"
    kind = raw.get("type")
    if kind == "custom_line_item":
        for name in ("description", "unit_amount"):
            if raw.get(name) in (None, ""):
                raise errors.parameter_missing(f"{prefix}[{name}]")
        quantity = int(raw.get("quantity") or 1)
        amount = int(raw["unit_amount"]) * quantity
        rates = tax_rates.load_many(ctx, raw.get("tax_rates"), f"{prefix}[tax_rates]")
        taxes = math.line_taxes(amount, tax_rates.as_rates(rates))
        return _line(ctx, "custom_line_item", amount, (), taxes, rates, raw, quantity, None)
    if kind != "invoice_line_item":
        raise errors.parameter_missing(f"{prefix}[type]")
    line_id = raw.get("invoice_line_item")
    if not line_id:
        raise errors.parameter_missing(f"{prefix}[invoice_line_item]")
    found = next((line for line in invoice["lines"]["data"] if line["id"] == line_id), None)
    if found is None:
        raise errors.resource_missing("line_item", str(line_id), f"{prefix}[invoice_line_item]", 400)
    full = int(found["amount"])
    credited_quantity: int | None = None
    if raw.get("amount") is not None:
        amount = int(raw["amount"])
    else:
        credited_quantity = int(raw.get("quantity") or found.get("quantity") or 1)
        amount = math.round_half_up(Decimal(full) * credited_quantity / int(found.get("quantity") or 1))
    if not 0 < amount <= full:
        # [U] wording.
        raise errors.invalid_request(
            f"The amount credited for line {line_id} must be between 1 and the line's amount "
            f"({format_money(full, str(invoice['currency']))}).",
            param=f"{prefix}[amount]" if raw.get("amount") is not None else f"{prefix}[quantity]",
        )
    shares = tuple(
        (str(d["discount"]), math.round_half_up(Decimal(int(d["amount"])) * amount / full))
        for d in found.get("discount_amounts") or []
    )
    rates = [ctx.get(t["tax_rate_details"]["tax_rate"]) or {} for t in found.get("taxes") or []]
    rates = [r for r in rates if r]
    taxable = amount - sum(a for _, a in shares)
    taxes = math.line_taxes(taxable, tax_rates.as_rates(rates))
    return _line(ctx, "invoice_line_item", amount, shares, taxes, rates, raw, credited_quantity, found)


def _line(
    ctx: Context,
    kind: str,
    amount: int,
    shares: tuple[tuple[str, int], ...],
    taxes: tuple[math.Tax, ...],
    rates: list[JSONObject],
    raw: dict[str, Any],
    quantity: int | None,
    invoice_line: JSONObject | None,
) -> JSONObject:
    line: JSONObject = {
        "id": ctx.new_id("cnli"),
        "object": "credit_note_line_item",
        "amount": amount,
        "description": raw.get("description") or (invoice_line or {}).get("description"),
        "discount_amount": sum(a for _, a in shares),
        "discount_amounts": discounts.discount_json(shares),
        "livemode": False,
        "metadata": apply_metadata({}, raw.get("metadata")),
        "pretax_credit_amounts": [{"amount": a, "discount": d, "type": "discount"} for d, a in shares if a],
        "quantity": quantity,
        "tax_rates": copy.deepcopy(rates),
        "taxes": [discounts.tax_json(t) for t in taxes],
        "type": kind,
        "unit_amount": int(raw["unit_amount"]) if raw.get("unit_amount") is not None else None,
        "unit_amount_decimal": str(raw["unit_amount"]) if raw.get("unit_amount") is not None else None,
    }
    if invoice_line is not None:
        line["invoice_line_item"] = invoice_line["id"]
    return line


def _credited_so_far(ctx: Context, invoice_id: str) -> int:
    return sum(
        int(cn["total"]) for cn in ctx.query(KIND, {"invoice": invoice_id}) if cn["status"] == "issued"
    )


def build(ctx: Context, p: dict[str, Any]) -> tuple[JSONObject, JSONObject]:
    """The credit note ``p`` describes and its invoice, checked against Stripe's rules (nothing saved)."""
    if not p.get("invoice"):
        raise errors.parameter_missing("invoice")
    invoice = ctx.load(invoices.KIND, str(p["invoice"]), param="invoice", status=400)
    if invoice["status"] not in ("open", "paid"):
        # [U] wording.
        raise errors.invalid_request(
            f"Credit notes can only be issued for finalized invoices that are open or paid; {invoice['id']} "
            f"is {invoice['status']}.",
            param="invoice",
        )
    currency = str(invoice["currency"])
    lines = [_credited_line(ctx, invoice, dict(raw), i) for i, raw in enumerate(p.get("lines") or [])]
    if lines:
        subtotal = sum(int(line["amount"]) for line in lines)
        discount_total = sum(int(line["discount_amount"]) for line in lines)
        all_taxes = [t for line in lines for t in line["taxes"]]
        exclusive = sum(int(t["amount"]) for t in all_taxes if t["tax_behavior"] == "exclusive")
        inclusive = sum(int(t["amount"]) for t in all_taxes if t["tax_behavior"] == "inclusive")
        total = subtotal - discount_total + exclusive
        if p.get("amount") is not None and int(p["amount"]) != total:
            # [U] wording.
            raise errors.invalid_request(
                f"The `amount` ({format_money(int(p['amount']), currency)}) must equal the total of the "
                f"lines ({format_money(total, currency)}); pass only one of them.",
                param="amount",
            )
    elif p.get("amount") is not None:
        subtotal = total = int(p["amount"])
        discount_total = exclusive = inclusive = 0
        all_taxes = []
    else:
        # [U] wording.
        raise errors.invalid_request(
            "Pass `lines` or `amount` to say what the credit note credits.", param="lines"
        )
    if total < 1:
        raise errors.invalid_request("The credit note total must be greater than 0.", param="amount")  # [U]
    creditable = int(invoice["total"]) - _credited_so_far(ctx, invoice["id"])
    if total > creditable:
        # [U] wording.
        raise errors.invalid_request(
            f"The credit note total ({format_money(total, currency)}) is greater than what remains "
            f"creditable on invoice {invoice['id']} ({format_money(max(creditable, 0), currency)}).",
            param="amount" if not lines else "lines",
        )
    pre = min(total, int(invoice["amount_remaining"])) if invoice["status"] == "open" else 0
    post = total - pre
    allocated = {name: int(p.get(name) or 0) for name in ALLOCATIONS}
    if sum(allocated.values()) != post:
        # [U] wording of Stripe's documented rule (refund + credit + out of band = post-payment amount).
        raise errors.invalid_request(
            f"The sum of refund_amount, credit_amount and out_of_band_amount "
            f"({format_money(sum(allocated.values()), currency)}) must equal the credit note's post-payment "
            f"amount ({format_money(post, currency)}): the part of the total the invoice's amount remaining "
            "does not absorb.",
            param="refund_amount" if p.get("refund_amount") is not None else "out_of_band_amount",
        )
    cn_id = ctx.new_id("cn")
    merged = _merge_taxes(all_taxes)
    note: JSONObject = {
        "id": cn_id,
        "object": KIND,
        "amount": total,
        "amount_shipping": 0,
        "created": ctx.now(),
        "currency": currency,
        "customer": invoice["customer"],
        "customer_account": None,
        "customer_balance_transaction": None,
        "discount_amount": discount_total,
        "discount_amounts": _merge_discounts(lines),
        "effective_at": int(p["effective_at"]) if p.get("effective_at") is not None else ctx.now(),
        "invoice": invoice["id"],
        "lines": {
            "object": "list",
            "data": lines,
            "has_more": False,
            "url": f"/v1/credit_notes/{cn_id}/lines",
        },
        "livemode": False,
        "memo": p.get("memo") or None,
        "metadata": apply_metadata({}, p.get("metadata")),
        "number": _number(ctx, invoice),
        "out_of_band_amount": allocated["out_of_band_amount"] or None,
        "pdf": str(invoice.get("hosted_invoice_url") or ""),
        "post_payment_amount": post,
        "pre_payment_amount": pre,
        "pretax_credit_amounts": [
            {"amount": d["amount"], "discount": d["discount"], "type": "discount"}
            for d in _merge_discounts(lines)
            if d["amount"]
        ],
        "reason": p.get("reason") or None,
        "refunds": [],
        "shipping_cost": None,
        "status": "issued",
        "subtotal": subtotal,
        "subtotal_excluding_tax": subtotal - inclusive,
        "total": total,
        "total_excluding_tax": total - exclusive - inclusive,
        "total_taxes": merged,
        "type": "pre_payment" if post == 0 else "post_payment" if pre == 0 else "mixed",
        "voided_at": None,
    }
    return note, invoice


def _merge_taxes(taxes: list[JSONObject]) -> list[JSONObject]:
    merged: dict[str, JSONObject] = {}
    for tax in taxes:
        rate = tax["tax_rate_details"]["tax_rate"]
        if rate in merged:
            merged[rate]["amount"] += tax["amount"]
            merged[rate]["taxable_amount"] += tax["taxable_amount"]
        else:
            merged[rate] = dict(tax)
    return list(merged.values())


def _merge_discounts(lines: list[JSONObject]) -> list[JSONObject]:
    merged: dict[str, int] = {}
    for line in lines:
        for d in line["discount_amounts"]:
            merged[d["discount"]] = merged.get(d["discount"], 0) + int(d["amount"])
    return [{"amount": a, "discount": d} for d, a in merged.items()]


def _number(ctx: Context, invoice: JSONObject) -> str:
    """Stripe numbers a credit note after its invoice: ``{invoice number}-CN-01``, ``-CN-02``, …"""
    count = len(ctx.query(KIND, {"invoice": invoice["id"]}))
    return f"{invoice.get('number') or invoice['id']}-CN-{count + 1:02d}"


def _refund(ctx: Context, invoice: JSONObject, amount: int) -> JSONObject:
    payment = next(iter((invoice.get("payments") or {}).get("data") or []), None)
    pi_id = ((payment or {}).get("payment") or {}).get("payment_intent")
    pi = ctx.get(str(pi_id)) if pi_id else None
    charge = ctx.get(str(pi.get("latest_charge"))) if pi and pi.get("latest_charge") else None
    if charge is None or charge.get("object") != charges.KIND or charge.get("status") != "succeeded":
        # [U] wording: an invoice paid out of band (or not yet paid) has no payment to refund.
        raise errors.invalid_request(
            f"Invoice {invoice['id']} has no successful payment to refund; use out_of_band_amount or "
            "credit_amount instead of refund_amount.",
            param="refund_amount",
        )
    return refunds.refund_charge(ctx, charge, amount)


def _apply_to_invoice(ctx: Context, invoice: JSONObject, note: JSONObject, sign: int) -> None:
    before = invoices.public(invoice)
    invoice["pre_payment_credit_notes_amount"] += sign * int(note["pre_payment_amount"])
    invoice["post_payment_credit_notes_amount"] += sign * int(note["post_payment_amount"])
    if invoice["status"] == "open":
        invoice["amount_due"] = max(int(invoice["amount_due"]) - sign * int(note["pre_payment_amount"]), 0)
        invoice["amount_remaining"] = max(invoice["amount_due"] - int(invoice["amount_paid"]), 0)
        _resize_payment_intent(ctx, invoice)
    invoices.save(ctx, invoice)
    previous = changed_fields(before, invoices.public(invoice))
    if previous:
        invoices.emit(ctx, "invoice.updated", invoice, previous)
    if invoice["status"] == "open" and invoice["amount_remaining"] == 0:
        invoices.mark_paid(ctx, invoice, attempted=False)


def _resize_payment_intent(ctx: Context, invoice: JSONObject) -> None:
    """The open invoice's unpaid PaymentIntent collects what is still due after the credit."""
    payment = next(iter((invoice.get("payments") or {}).get("data") or []), None)
    pi_id = ((payment or {}).get("payment") or {}).get("payment_intent")
    pi = ctx.get(str(pi_id)) if pi_id else None
    if (
        pi is not None
        and pi.get("status") not in ("succeeded", "canceled")
        and invoice["amount_remaining"] > 0
    ):
        pi["amount"] = invoice["amount_remaining"]
        ctx.save(pi)
        if payment is not None:
            payment["amount_requested"] = invoice["amount_remaining"]


@endpoint("POST", "/v1/credit_notes", permission=PERMISSION)
def create_credit_note(ctx: Context) -> JSONObject:
    note, invoice = build(ctx, dict(ctx.params))
    refund_amount = int(ctx.params.get("refund_amount") or 0)
    if refund_amount:
        refund = _refund(ctx, invoice, refund_amount)
        note["refunds"] = [
            {
                "amount_refunded": refund_amount,
                "payment_record_refund": None,
                "refund": refund["id"],
                "type": "refund",
            }
        ]
    customer_balance.credit_from_note(ctx, note, int(ctx.params.get("credit_amount") or 0))
    ctx.save(note)
    ctx.emit("credit_note.created", note)
    _apply_to_invoice(ctx, invoice, note, +1)
    return note


def _preview(ctx: Context) -> JSONObject:
    note, _ = build(ctx, dict(ctx.params))
    note["id"] = "cn_preview_" + note["id"].removeprefix("cn_")
    note["lines"]["url"] = "/v1/credit_notes/preview/lines"
    return note


@endpoint("GET", "/v1/credit_notes/preview", permission=PERMISSION)
def preview_credit_note(ctx: Context) -> JSONObject:
    """What creating with these parameters would give; nothing is saved or refunded."""
    return _preview(ctx)


@endpoint("GET", "/v1/credit_notes/preview/lines", permission=PERMISSION)
def preview_credit_note_lines(ctx: Context) -> JSONObject:
    lines = _preview(ctx)["lines"]["data"]
    return page_of(
        lines,
        check_limit(ctx.params.get("limit")),
        ctx.params,
        "/v1/credit_notes/preview/lines",
        kind="credit_note_line_item",
    )


def _load(ctx: Context, name: str) -> JSONObject:
    return ctx.load(KIND, ctx.path[name], param=name, noun="credit note")  # [U] the words


@endpoint("GET", "/v1/credit_notes/{id}", permission=PERMISSION)
def retrieve_credit_note(ctx: Context) -> JSONObject:
    return _load(ctx, "id")


@endpoint("POST", "/v1/credit_notes/{id}", permission=PERMISSION)
def update_credit_note(ctx: Context) -> JSONObject:
    note = _load(ctx, "id")
    before = copy.deepcopy(note)
    if "memo" in ctx.params:
        note["memo"] = ctx.params["memo"] or None
    if "metadata" in ctx.params:
        note["metadata"] = apply_metadata(note.get("metadata"), ctx.params["metadata"])
    ctx.save(note)
    previous = changed_fields(before, note)
    if previous:
        ctx.emit("credit_note.updated", note, previous_attributes=previous)
    return note


@endpoint("POST", "/v1/credit_notes/{id}/void", permission=PERMISSION)
def void_credit_note(ctx: Context) -> JSONObject:
    """Voiding gives the invoice back what the note took. [U] A note that refunded money cannot be voided
    (the refund cannot be taken back), nor can one on an invoice that has since been paid."""
    note = _load(ctx, "id")
    if note["status"] == "void":
        raise errors.invalid_request("This credit note has already been voided.")  # [U]
    invoice = ctx.load(invoices.KIND, str(note["invoice"]), param=None, status=400)
    if note["refunds"]:
        raise errors.invalid_request(
            "A credit note that created a refund cannot be voided; the refund has already been sent."
        )  # [U]
    if int(note["pre_payment_amount"]) and invoice["status"] != "open":
        raise errors.invalid_request(
            f"The credit note's invoice {invoice['id']} is {invoice['status']}; only credit notes of open "
            "invoices can be voided."
        )  # [U]
    note.update(status="void", voided_at=ctx.now())
    customer_balance.reverse_note_credit(ctx, note)
    ctx.save(note)
    ctx.emit("credit_note.voided", note)
    _apply_to_invoice(ctx, invoice, note, -1)
    return note


@endpoint("GET", "/v1/credit_notes", permission=PERMISSION)
def list_credit_notes(ctx: Context) -> JSONObject:
    filters = {k: ctx.params[k] for k in ("customer", "invoice") if ctx.params.get(k)}
    return ctx.list_response(KIND, "/v1/credit_notes", filters=filters)


@endpoint("GET", "/v1/credit_notes/{credit_note}/lines", permission=PERMISSION)
def list_credit_note_lines(ctx: Context) -> JSONObject:
    note = _load(ctx, "credit_note")
    limit = check_limit(ctx.params.get("limit"))
    return page_of(
        note["lines"]["data"],
        limit,
        ctx.params,
        f"/v1/credit_notes/{note['id']}/lines",
        kind="credit_note_line_item",
    )
