"""Coupons: create, retrieve, update, delete, list (https://docs.stripe.com/api/coupons).

A coupon says how much a discount takes off (``percent_off``, or ``amount_off`` in ``currency`` with
``currency_options`` for other currencies) and for how long on a subscription (``duration``). It is never
applied by itself: a ``discount`` object applies it (see :mod:`sandbox.resources.discounts`), and each
application counts in ``times_redeemed``. ``valid`` turns false once ``redeem_by`` has passed or
``max_redemptions`` is used up; discounts already made keep working, as on Stripe (also after deletion).
Stripe has no coupon search.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sandbox import _currencies as currencies
from sandbox import _errors as errors
from sandbox._api import Context, apply_metadata, changed_fields, deleted, endpoint
from sandbox._ids import random_chars
from sandbox._store import JSONObject

KIND = "coupon"
PERMISSION = "coupon"  # rak_coupon_read / rak_coupon_write [O: facts §2.2 "rak_coupon_*"]
DURATIONS = ("once", "repeating", "forever")


def is_valid(coupon: JSONObject, now: int) -> bool:
    """Stripe's ``valid``: still redeemable (not past ``redeem_by``, ``max_redemptions`` not used up)."""
    redeem_by = coupon.get("redeem_by")
    limit = coupon.get("max_redemptions")
    if redeem_by is not None and now > int(redeem_by):
        return False
    return not (limit is not None and int(coupon.get("times_redeemed") or 0) >= int(limit))


def public(coupon: JSONObject, now: int) -> JSONObject:
    """The coupon as the API shows it; ``valid`` is evaluated at read time (time passes without a write)."""
    shown = dict(coupon)
    shown["valid"] = is_valid(coupon, now)
    return shown


def load(ctx: Context, coupon_id: str, param: str | None = "coupon", status: int = 404) -> JSONObject:
    return ctx.load(KIND, coupon_id, param=param, status=status)


def amount_off_in(coupon: JSONObject, currency: str) -> int | None:
    """An ``amount_off`` coupon's amount in ``currency`` (its own, or a ``currency_options`` entry)."""
    if coupon.get("amount_off") is None:
        return None
    if coupon.get("currency") == currency:
        return int(coupon["amount_off"])
    option = (coupon.get("currency_options") or {}).get(currency)
    return None if option is None else int(option["amount_off"])


def percent(coupon: JSONObject) -> Decimal | None:
    value = coupon.get("percent_off")
    return None if value is None else Decimal(str(value))


def _currency_options(raw: Any, base: str | None) -> dict[str, dict[str, int]]:
    options: dict[str, dict[str, int]] = {}
    for code, option in (raw or {}).items():
        currency = currencies.normalize(str(code), f"currency_options[{code}]")
        if currency == base:
            continue
        if not isinstance(option, dict) or option.get("amount_off") in (None, ""):
            raise errors.parameter_missing(f"currency_options[{code}][amount_off]")
        options[currency] = {"amount_off": int(option["amount_off"])}
    return options


def _check_create(ctx: Context, p: dict[str, Any]) -> None:
    has_percent, has_amount = p.get("percent_off") is not None, p.get("amount_off") is not None
    if has_percent and has_amount:
        raise errors.exclusive(["amount_off", "percent_off"])
    if not has_percent and not has_amount:
        # [U] wording: Stripe requires one of the two.
        raise errors.invalid_request(
            "You must pass either `percent_off` or `amount_off` (with `currency`) to say what the coupon "
            "takes off.",
            param="percent_off",
        )
    if has_percent and not 0 < Decimal(str(p["percent_off"])) <= 100:
        # [U] wording.
        raise errors.invalid_request(
            "Invalid percent_off: must be greater than 0 and at most 100.", param="percent_off"
        )
    if has_amount:
        if not p.get("currency"):
            raise errors.parameter_missing("currency")
        if int(p["amount_off"]) < 1:
            raise errors.invalid_request(
                "This value must be greater than or equal to 1.", param="amount_off"
            )  # [U]
    elif p.get("currency"):
        # [U] wording: a percentage is the same in every currency (a common integration mistake).
        raise errors.invalid_request(
            "A `percent_off` coupon takes no `currency`: a percentage applies in every currency. Remove "
            "`currency`, or use `amount_off` for a fixed amount.",
            param="currency",
        )
    if p.get("currency_options") and not has_amount:
        raise errors.invalid_request(
            "`currency_options` is only supported with `amount_off`.", param="currency_options"
        )  # [U]
    duration = str(p.get("duration") or "once")
    months = p.get("duration_in_months")
    if duration == "repeating" and months in (None, ""):
        raise errors.parameter_missing("duration_in_months")
    if duration != "repeating" and months not in (None, ""):
        # [U] wording.
        raise errors.invalid_request(
            "`duration_in_months` is only valid with `duration=repeating`.", param="duration_in_months"
        )
    if months not in (None, "") and int(months) < 1:
        raise errors.invalid_request(
            "This value must be greater than or equal to 1.", param="duration_in_months"
        )  # [U]
    if p.get("max_redemptions") is not None and int(p["max_redemptions"]) < 1:
        raise errors.invalid_request(
            "This value must be greater than or equal to 1.", param="max_redemptions"
        )  # [U]
    if p.get("redeem_by") is not None and int(p["redeem_by"]) <= ctx.now():
        # [U] wording.
        raise errors.invalid_request("The `redeem_by` timestamp must be in the future.", param="redeem_by")


@endpoint("POST", "/v1/coupons", permission=PERMISSION)
def create_coupon(ctx: Context) -> JSONObject:
    p = ctx.params
    _check_create(ctx, p)
    coupon_id = str(p.get("id") or random_chars(8))
    if ctx.get(coupon_id) is not None:
        raise errors.StripeError(400, "Coupon already exists.", code="resource_already_exists", param="id")
    currency = currencies.normalize(str(p["currency"])) if p.get("currency") else None
    amount_off = int(p["amount_off"]) if p.get("amount_off") is not None else None
    if amount_off is not None and currency is not None:
        currencies.check_amount_range(amount_off, currency, "amount_off", minimum=1)
    percent_off = p.get("percent_off")
    products = ((p.get("applies_to") or {}).get("products")) or None
    for index, product in enumerate(products or []):
        ctx.load("product", str(product), param=f"applies_to[products][{index}]", status=400)
    duration = str(p.get("duration") or "once")
    coupon: JSONObject = {
        "id": coupon_id,
        "object": KIND,
        "amount_off": amount_off,
        "created": ctx.now(),
        "currency": currency,
        "duration": duration,
        "duration_in_months": int(p["duration_in_months"]) if duration == "repeating" else None,
        "livemode": False,
        "max_redemptions": int(p["max_redemptions"]) if p.get("max_redemptions") is not None else None,
        "metadata": apply_metadata({}, p.get("metadata")),
        "name": p.get("name") or None,
        "percent_off": float(percent_off) if percent_off is not None else None,
        "redeem_by": int(p["redeem_by"]) if p.get("redeem_by") is not None else None,
        "times_redeemed": 0,
        "valid": True,
    }
    if products:
        coupon["applies_to"] = {"products": [str(x) for x in products]}
    if p.get("currency_options"):
        coupon["currency_options"] = _currency_options(p["currency_options"], currency)
    ctx.save(coupon)
    ctx.emit("coupon.created", public(coupon, ctx.now()))
    return public(coupon, ctx.now())


@endpoint("GET", "/v1/coupons/{coupon}", permission=PERMISSION)
def retrieve_coupon(ctx: Context) -> JSONObject:
    return public(load(ctx, ctx.path["coupon"]), ctx.now())


@endpoint("POST", "/v1/coupons/{coupon}", permission=PERMISSION)
def update_coupon(ctx: Context) -> JSONObject:
    """Only ``name``, ``metadata`` and ``currency_options`` change: what a coupon takes off is fixed."""
    coupon = load(ctx, ctx.path["coupon"])
    before = public(coupon, ctx.now())
    p = ctx.params
    if "name" in p:
        coupon["name"] = p["name"] or None
    if "metadata" in p:
        coupon["metadata"] = apply_metadata(coupon.get("metadata"), p["metadata"])
    if "currency_options" in p:
        if coupon.get("amount_off") is None:
            raise errors.invalid_request(
                "`currency_options` is only supported with `amount_off`.", param="currency_options"
            )  # [U]
        merged = dict(coupon.get("currency_options") or {})
        merged.update(_currency_options(p["currency_options"], coupon.get("currency")))
        coupon["currency_options"] = merged
    ctx.save(coupon)
    after = public(coupon, ctx.now())
    previous = changed_fields(before, after)
    if previous:
        ctx.emit("coupon.updated", after, previous_attributes=previous)
    return after


@endpoint("DELETE", "/v1/coupons/{coupon}", permission=PERMISSION)
def delete_coupon(ctx: Context) -> JSONObject:
    """Deleting stops new redemptions; discounts that already use it keep it (Stripe's docs). The coupon
    stays stored as ``deleted`` so those discounts can still be computed."""
    coupon = load(ctx, ctx.path["coupon"])
    ctx.emit("coupon.deleted", public(coupon, ctx.now()))
    coupon["deleted"] = True
    ctx.save(coupon)
    return deleted(coupon["id"], KIND)


def stored(ctx: Context, coupon_id: str) -> JSONObject | None:
    """A coupon even if deleted: existing discounts keep computing from it."""
    found = ctx.get(coupon_id)
    return found if found is not None and found.get("object") == KIND else None


@endpoint("GET", "/v1/coupons", permission=PERMISSION)
def list_coupons(ctx: Context) -> JSONObject:
    listing = ctx.list_response(KIND, "/v1/coupons", predicate=lambda c: not c.get("deleted"))
    listing["data"] = [public(c, ctx.now()) for c in listing["data"]]
    return listing
