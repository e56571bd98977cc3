"""Discount objects, and the glue between stored objects and the arithmetic of :mod:`sandbox._discount_tax`.

A ``discount`` (``di_…``) is one application of a coupon (possibly through a promotion code) to an invoice,
an invoice item or a Checkout Session. Stripe exposes them as ids in ``discounts[]`` (expandable), so they
are stored like any object. Making one redeems the coupon and the promotion code (``times_redeemed`` + 1)
[U: Stripe counts a Checkout redemption when the session completes, which is when the sandbox makes the
session's discount]. The ``discounts`` parameter takes ``{coupon}``, ``{promotion_code}`` or an existing
``{discount}`` per entry, as on Stripe.

:func:`apply_to_invoice` fills an invoice's lines and totals (``discount_amounts``, ``taxes``,
``total_discount_amounts``, ``total_taxes``, totals); Checkout and credit notes use :func:`compute_lines`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sandbox import _billing as billing
from sandbox import _discount_tax as math
from sandbox import _errors as errors
from sandbox._api import Context
from sandbox._store import JSONObject
from sandbox.resources import coupons, promotion_codes, tax_rates

KIND = "discount"


@dataclass(frozen=True)
class Redemption:
    """Where a discount applies and what the promotion code's restrictions are checked against."""

    customer: str | None
    currency: str | None
    amount: int | None = None  # the amount a minimum_amount restriction is compared with
    invoice: str | None = None
    invoice_item: str | None = None
    checkout_session: str | None = None


def coupon_expired(coupon_id: str, param: str) -> errors.StripeError:
    # [U] wording; `coupon_expired` is in Stripe's list of error codes ("The coupon has expired").
    return errors.StripeError(400, f"Coupon expired: {coupon_id}", code="coupon_expired", param=param)


def check_coupon(ctx: Context, coupon: JSONObject, currency: str | None, param: str) -> None:
    if not coupons.is_valid(coupon, ctx.now()):
        raise coupon_expired(coupon["id"], param)
    if coupon.get("amount_off") is not None and currency and coupons.amount_off_in(coupon, currency) is None:
        # [U] wording.
        raise errors.invalid_request(
            f"The coupon {coupon['id']} takes off an amount in {coupon['currency']} and has no "
            f"currency_options entry for {currency}; add one, or use a coupon in {currency}.",
            param=param,
        )


def first_time(ctx: Context, customer: str | None) -> bool:
    """A customer who has never paid (no paid invoice, no succeeded charge): ``first_time_transaction``."""
    if customer is None:
        return True
    if ctx.exists("invoice", {"customer": customer, "status": "paid"}):
        return False
    return not ctx.exists("charge", {"customer": customer, "status": "succeeded"})


def promotion_code_problem(
    ctx: Context, promo: JSONObject, where: Redemption, param: str
) -> errors.StripeError | None:
    problem = promotion_codes.redeemable_problem(
        ctx,
        promo,
        customer=where.customer,
        currency=where.currency,
        amount=where.amount,
        first_time=first_time(ctx, where.customer),
    )
    return None if problem is None else errors.invalid_request(problem, param=param)


def resolve(
    ctx: Context,
    raw: Any,
    param: str,
    where: Redemption,
    *,
    limit: int | None = None,
    redeem: bool = True,
) -> list[JSONObject]:
    """Make (and save) the discount objects a ``discounts`` parameter asks for; ``""`` means none.
    ``redeem=False`` (Checkout) leaves the counting to :func:`redeem` at completion."""
    if raw in (None, ""):
        return []
    entries = list(raw)
    if limit is not None and len(entries) > limit:
        # [U] wording; Checkout documents "only up to one may be specified".
        raise errors.invalid_request(f"You may only specify up to {limit} discount.", param=param)
    made: list[JSONObject] = []
    for index, entry in enumerate(entries):
        name = f"{param}[{index}]"
        given = [k for k in ("coupon", "promotion_code", "discount") if (entry or {}).get(k)]
        if len(given) != 1:
            raise errors.invalid_request(
                f"Each entry of `{param}` needs exactly one of `coupon`, `promotion_code` or `discount`.",
                param=name,
            )  # [U]
        if given[0] == "discount":
            found = ctx.get(str(entry["discount"]))
            if found is None or found.get("object") != KIND:
                raise errors.resource_missing("discount", str(entry["discount"]), f"{name}[discount]", 400)
            made.append(found)
            continue
        promo = None
        if given[0] == "promotion_code":
            promo = ctx.get(str(entry["promotion_code"]))
            if promo is None or promo.get("object") != promotion_codes.KIND:
                raise errors.resource_missing(
                    "promotion_code", str(entry["promotion_code"]), f"{name}[promotion_code]", 400
                )
            failure = promotion_code_problem(ctx, promo, where, f"{name}[promotion_code]")
            if failure is not None:
                raise failure
            coupon_id = str(promo["promotion"]["coupon"])
        else:
            coupon_id = str(entry["coupon"])
        coupon = coupons.load(ctx, coupon_id, param=f"{name}[coupon]", status=400)
        check_coupon(ctx, coupon, where.currency, f"{name}[{given[0]}]")
        made.append(create(ctx, coupon, promo, where, redeem=redeem))
    if len({d["source"]["coupon"] for d in made}) != len(made):
        # [U] wording.
        raise errors.invalid_request("The same coupon was passed twice.", param=param)
    return made


def create(
    ctx: Context, coupon: JSONObject, promo: JSONObject | None, where: Redemption, *, redeem: bool = True
) -> JSONObject:
    """A discount object, saved; ``redeem``: count it on its coupon (and promotion code) now."""
    discount: JSONObject = {
        "id": ctx.new_id("di"),
        "object": KIND,
        "checkout_session": where.checkout_session,
        "customer": where.customer,
        "customer_account": None,
        "end": None,
        "invoice": where.invoice,
        "invoice_item": where.invoice_item,
        "promotion_code": promo["id"] if promo else None,
        "source": {"coupon": coupon["id"], "type": "coupon"},
        "start": ctx.now(),
        "subscription": None,
        "subscription_item": None,
    }
    ctx.save(discount)
    if redeem:
        _count(ctx, coupon, promo)
    return discount


def redeem(ctx: Context, discount: JSONObject) -> None:
    """Count a discount made earlier without counting (a Checkout Session's, once it completes)."""
    if not discount:
        return
    coupon = coupons.stored(ctx, str(discount["source"]["coupon"]))
    promo = ctx.get(str(discount["promotion_code"])) if discount.get("promotion_code") else None
    if coupon is not None:
        _count(ctx, coupon, promo)


def _count(ctx: Context, coupon: JSONObject, promo: JSONObject | None) -> None:
    for redeemed in (coupon, promo):
        if redeemed is not None:
            redeemed["times_redeemed"] = int(redeemed.get("times_redeemed") or 0) + 1
            if redeemed is coupon:
                coupon["valid"] = coupons.is_valid(coupon, ctx.now())  # as stored, for expansions
            ctx.save(redeemed)


def attach_to_subscription(ctx: Context, discount_ids: Sequence[str], sub_id: str, start: int) -> None:
    """The subscription's discounts name it, and a ``repeating`` coupon's discount gets its ``end``
    (``start`` + ``duration_in_months``), as Stripe sets it."""
    for discount_id in discount_ids:
        discount = ctx.get(discount_id)
        if discount is None:
            continue
        discount["subscription"] = discount.get("subscription") or sub_id
        coupon = coupons.stored(ctx, str(discount["source"]["coupon"])) or {}
        if coupon.get("duration") == "repeating" and discount.get("end") is None:
            discount["end"] = billing.add_interval(start, "month", int(coupon["duration_in_months"]))
        ctx.save(discount)


def for_renewal(ctx: Context, sub: JSONObject, period_start: int) -> list[str]:
    """The subscription's discounts that still apply to a renewal starting at ``period_start``
    (:func:`sandbox._discount_tax.applies_to_renewal`); the ones that ended leave ``sub["discounts"]`` [U:
    Stripe removes an ended discount from the subscription; the sandbox emits no event of its own for it]."""
    kept = []
    for discount_id in sub.get("discounts") or []:
        discount = ctx.get(str(discount_id))
        coupon = coupons.stored(ctx, str(discount["source"]["coupon"])) if discount else None
        if discount is None or coupon is None:
            continue
        end = discount.get("end")
        if math.applies_to_renewal(str(coupon.get("duration")), int(end) if end else None, period_start):
            kept.append(str(discount_id))
    sub["discounts"] = kept
    return kept


def as_math(ctx: Context, discount_ids: Sequence[Any], currency: str) -> tuple[math.Discount, ...]:
    """The arithmetic's view of stored discounts: what each coupon takes off in ``currency``."""
    found = []
    for value in discount_ids:
        discount_id = value["id"] if isinstance(value, Mapping) else str(value)
        discount = ctx.get(discount_id)
        if discount is None:
            continue
        coupon = coupons.stored(ctx, str(discount["source"]["coupon"]))
        if coupon is None:
            continue
        products = (coupon.get("applies_to") or {}).get("products")
        found.append(
            math.Discount(
                discount_id,
                percent_off=coupons.percent(coupon),
                amount_off=coupons.amount_off_in(coupon, currency),
                products=frozenset(products) if products else None,
            )
        )
    return tuple(found)


def tax_json(tax: math.Tax) -> JSONObject:
    """An invoice line's (and credit note line's) tax entry, API 2025+ shape."""
    return {
        "amount": tax.amount,
        "tax_behavior": "inclusive" if tax.inclusive else "exclusive",
        "tax_rate_details": {"tax_rate": tax.tax_rate},
        "taxability_reason": "not_available",
        "taxable_amount": tax.taxable_amount,
        "type": "tax_rate_details",
    }


def discount_json(pairs: Sequence[tuple[str, int]]) -> list[JSONObject]:
    return [{"amount": amount, "discount": discount} for discount, amount in pairs]


# --- invoices ------------------------------------------------------------------------------------------


def _line_sources(ctx: Context, invoice: JSONObject, line: JSONObject) -> tuple[list[str], list[Any]]:
    """(tax rate ids, own discount ids) of an invoice line: its invoice item's, else the invoice's
    ``default_tax_rates`` (subscription lines take the invoice's defaults too)."""
    parent = line.get("parent") or {}
    item_id = (parent.get("invoice_item_details") or {}).get("invoice_item")
    item = ctx.get(str(item_id)) if item_id else None
    rates = [r["id"] for r in (item or {}).get("tax_rates") or []]
    if not rates:
        rates = [r["id"] for r in invoice.get("default_tax_rates") or []]
    own = list((item or {}).get("discounts") or [])
    return rates, own


def apply_to_invoice(ctx: Context, invoice: JSONObject) -> JSONObject:
    """Discounts and taxes of a draft's lines, and the invoice totals that follow from them."""
    lines: list[JSONObject] = invoice["lines"]["data"]
    currency = str(invoice["currency"])
    math_lines = []
    rate_objects: dict[str, JSONObject] = {}
    for line in lines:
        rate_ids, own = _line_sources(ctx, invoice, line)
        rates = []
        for rate_id in rate_ids:
            rate = rate_objects.setdefault(rate_id, ctx.get(rate_id) or {})
            if rate:
                rates.append(rate)
        details = (line.get("pricing") or {}).get("price_details") or {}
        math_lines.append(
            math.Line(
                int(line["amount"]),
                discountable=bool(line.get("discountable", True)),
                product=details.get("product"),
                tax_rates=tax_rates.as_rates(rates),
                discounts=as_math(ctx, own, currency),
            )
        )
    totals = math.compute(math_lines, as_math(ctx, invoice.get("discounts") or [], currency))
    for line, result in zip(lines, totals.lines, strict=True):
        line["discount_amounts"] = discount_json(result.discount_amounts)
        line["discounts"] = [d for d, _ in result.discount_amounts]
        line["taxes"] = [tax_json(t) for t in result.taxes]
    invoice["total_discount_amounts"] = discount_json(totals.discount_amounts)
    invoice["total_taxes"] = [tax_json(t) for t in totals.taxes]
    invoice.update(
        billing.invoice_amounts(
            [int(line["amount"]) for line in lines],
            amount_paid=int(invoice.get("amount_paid") or 0),
            discount=totals.discount,
            exclusive_tax=totals.exclusive_tax,
            inclusive_tax=totals.tax - totals.exclusive_tax,
            credited=int(invoice.get("pre_payment_credit_notes_amount") or 0),
        )
    )
    return invoice


def check_invoice_minimums(ctx: Context, invoice: JSONObject) -> None:
    """Promotion codes given to this invoice with ``restrictions.minimum_amount``: checked when it is
    finalized, against its subtotal (an invoice's amount is not known while its lines are being added) [U:
    Stripe documents the restriction, not when an invoice checks it]."""
    currency = str(invoice["currency"])
    for discount_id in invoice.get("discounts") or []:
        discount = ctx.get(str(discount_id)) or {}
        promo = ctx.get(str(discount.get("promotion_code") or "")) if discount.get("invoice") else None
        if promo is None or discount.get("invoice") != invoice["id"]:
            continue
        problem = promotion_codes.minimum_problem(promo, currency, int(invoice["subtotal"]))
        if problem is not None:
            raise errors.invalid_request(problem, param="discounts")


def compute_lines(
    ctx: Context,
    amounts: Sequence[tuple[int, str | None, Sequence[JSONObject]]],
    discount_ids: Sequence[Any],
    currency: str,
) -> math.Totals:
    """The arithmetic for lines given as (amount, product, tax rate objects), with shared discounts."""
    return math.compute(
        [math.Line(a, product=p, tax_rates=tax_rates.as_rates(r)) for a, p, r in amounts],
        as_math(ctx, discount_ids, currency),
    )
