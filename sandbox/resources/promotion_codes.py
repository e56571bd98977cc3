"""Promotion codes: the customer-facing codes of a coupon (https://docs.stripe.com/api/promotion_codes).

The shape is the one since API 2025-09-30.clover: ``promotion: {type: "coupon", coupon}`` instead of the
older top-level ``coupon``. A code is redeemable while it is ``active``, not past ``expires_at``, under its
``max_redemptions`` and its coupon is still valid; ``restrictions`` add a customer, a first purchase and
a minimum amount (:func:`redeemable_problem` is the whole rule). Stripe has no promotion code search;
``GET /v1/promotion_codes?code=`` is how an integration looks a typed code up.
"""

from __future__ import annotations

import re
from typing import Any

from sandbox import _currencies as currencies
from sandbox import _errors as errors
from sandbox._api import Context, apply_metadata, changed_fields, endpoint
from sandbox._ids import random_chars
from sandbox._store import JSONObject
from sandbox.resources import coupons

KIND = "promotion_code"
PERMISSION = "promotion_code"  # [U] the slug follows Stripe's rak_<object>_* pattern
_CODE = re.compile(r"[A-Za-z0-9-]{1,500}")
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def _generated_code() -> str:
    """Stripe generates a code when none is given; the sandbox draws 8 unambiguous characters [U]."""
    return "".join(_ALPHABET[ord(c) % len(_ALPHABET)] for c in random_chars(8))


def _restrictions(ctx: Context, raw: Any, current: JSONObject | None = None) -> JSONObject:
    raw = raw or {}
    found: JSONObject = dict(current or {"first_time_transaction": False})
    if "first_time_transaction" in raw:
        found["first_time_transaction"] = bool(raw["first_time_transaction"])
    if raw.get("minimum_amount") is not None:
        if not raw.get("minimum_amount_currency"):
            raise errors.parameter_missing("restrictions[minimum_amount_currency]")
        found["minimum_amount"] = int(raw["minimum_amount"])
        found["minimum_amount_currency"] = currencies.normalize(
            str(raw["minimum_amount_currency"]), "restrictions[minimum_amount_currency]"
        )
    elif raw.get("minimum_amount_currency"):
        raise errors.parameter_missing("restrictions[minimum_amount]")
    if raw.get("currency_options"):
        options = dict(found.get("currency_options") or {})
        for code, option in raw["currency_options"].items():
            currency = currencies.normalize(str(code), f"restrictions[currency_options][{code}]")
            options[currency] = {"minimum_amount": int((option or {}).get("minimum_amount") or 0)}
        found["currency_options"] = options
    return found


@endpoint("POST", "/v1/promotion_codes", permission=PERMISSION)
def create_promotion_code(ctx: Context) -> JSONObject:
    p = ctx.params
    promotion = p.get("promotion") or {}
    if promotion.get("type") != "coupon":
        raise errors.parameter_missing("promotion[type]")
    if not promotion.get("coupon"):
        raise errors.parameter_missing("promotion[coupon]")
    coupon = coupons.load(ctx, str(promotion["coupon"]), param="promotion[coupon]", status=400)
    code = str(p.get("code") or _generated_code())
    if not _CODE.fullmatch(code):
        # [U] wording; the allowed characters are Stripe's (documented on `code`).
        raise errors.invalid_request(
            f"Invalid code: {code!r}. Promotion codes may contain only letters (a-z, A-Z), digits (0-9) and "
            "dashes (-).",
            param="code",
        )
    customer = p.get("customer")
    if customer:
        ctx.load("customer", str(customer), param="customer", status=400)
    active = bool(p.get("active", True))
    if active and _active_with_code(ctx, code, customer):
        # [U] wording; the rule is Stripe's: unique (case-insensitively) among active codes per customer.
        raise errors.invalid_request(
            f"An active promotion code with `code: {code}` already exists.", param="code"
        )
    limit = p.get("max_redemptions")
    if limit is not None:
        if int(limit) < 1:
            raise errors.invalid_request(
                "This value must be greater than or equal to 1.", param="max_redemptions"
            )  # [U]
        if coupon.get("max_redemptions") is not None and int(limit) > int(coupon["max_redemptions"]):
            # [U] wording of the documented rule.
            raise errors.invalid_request(
                "The promotion code's `max_redemptions` cannot be greater than its coupon's "
                f"`max_redemptions` ({coupon['max_redemptions']}).",
                param="max_redemptions",
            )
    expires_at = p.get("expires_at")
    if expires_at is not None and coupon.get("redeem_by") and int(expires_at) > int(coupon["redeem_by"]):
        # [U] wording of the documented rule.
        raise errors.invalid_request(
            "The promotion code's `expires_at` cannot be after its coupon's `redeem_by`.", param="expires_at"
        )
    promo: JSONObject = {
        "id": ctx.new_id("promo"),
        "object": KIND,
        "active": active,
        "code": code,
        "created": ctx.now(),
        "customer": str(customer) if customer else None,
        "customer_account": None,
        "expires_at": int(expires_at) if expires_at is not None else None,
        "livemode": False,
        "max_redemptions": int(limit) if limit is not None else None,
        "metadata": apply_metadata({}, p.get("metadata")),
        "promotion": {"coupon": coupon["id"], "type": "coupon"},
        "restrictions": _restrictions(ctx, p.get("restrictions")),
        "times_redeemed": 0,
    }
    ctx.save(promo)
    ctx.emit("promotion_code.created", promo)
    return promo


def _active_with_code(ctx: Context, code: str, customer: Any, *, other_than: str | None = None) -> bool:
    return any(
        existing["code"].lower() == code.lower()
        and existing.get("customer") == (str(customer) if customer else None)
        and existing["id"] != other_than
        for existing in ctx.query(KIND, {"active": True})
    )


def _load(ctx: Context) -> JSONObject:
    # [U] the words of the message
    return ctx.load(KIND, ctx.path["promotion_code"], param="promotion_code", noun="promotion code")


@endpoint("GET", "/v1/promotion_codes/{promotion_code}", permission=PERMISSION)
def retrieve_promotion_code(ctx: Context) -> JSONObject:
    return _load(ctx)


@endpoint("POST", "/v1/promotion_codes/{promotion_code}", permission=PERMISSION)
def update_promotion_code(ctx: Context) -> JSONObject:
    promo = _load(ctx)
    before = dict(promo)
    p = ctx.params
    if "active" in p:
        active = bool(p["active"])
        if (
            active
            and not promo["active"]
            and _active_with_code(ctx, promo["code"], promo.get("customer"), other_than=promo["id"])
        ):
            raise errors.invalid_request(
                f"An active promotion code with `code: {promo['code']}` already exists.", param="active"
            )  # [U]
        promo["active"] = active
    if "metadata" in p:
        promo["metadata"] = apply_metadata(promo.get("metadata"), p["metadata"])
    if "restrictions" in p:
        raw = p["restrictions"] or {}
        extra = sorted(set(raw) - {"currency_options"})
        if extra:
            # Stripe lets only the per-currency minimums change after creation.
            raise errors.parameter_unknown(f"restrictions[{extra[0]}]")
        promo["restrictions"] = _restrictions(ctx, raw, promo["restrictions"])
    ctx.save(promo)
    previous = changed_fields(before, promo)
    if previous:
        ctx.emit("promotion_code.updated", promo, previous_attributes=previous)
    return promo


@endpoint("GET", "/v1/promotion_codes", permission=PERMISSION)
def list_promotion_codes(ctx: Context) -> JSONObject:
    p = ctx.params
    filters: dict[str, Any] = {}
    if p.get("active") is not None:
        filters["active"] = bool(p["active"])
    if p.get("coupon"):
        filters["promotion.coupon"] = p["coupon"]
    if p.get("customer"):
        filters["customer"] = p["customer"]
    code = p.get("code")
    predicate = None if not code else (lambda promo: str(promo["code"]).lower() == str(code).lower())
    return ctx.list_response(KIND, "/v1/promotion_codes", filters=filters, predicate=predicate)


# --- redemption --------------------------------------------------------------------------------------


def redeemable_problem(
    ctx: Context,
    promo: JSONObject,
    *,
    customer: str | None,
    currency: str | None,
    amount: int | None,
    first_time: bool,
) -> str | None:
    """Why ``promo`` cannot be redeemed here (a message), or None. [U] the messages: Stripe's hosted page
    says "This code is invalid." and, for restrictions, that it does not apply; API texts are ours."""
    code = promo["code"]
    coupon = coupons.stored(ctx, str(promo["promotion"]["coupon"]))
    if not promo.get("active"):
        return f"The promotion code `{code}` is inactive."
    if promo.get("expires_at") is not None and ctx.now() > int(promo["expires_at"]):
        return f"The promotion code `{code}` has expired."
    limit = promo.get("max_redemptions")
    if limit is not None and int(promo.get("times_redeemed") or 0) >= int(limit):
        return f"The promotion code `{code}` has reached its maximum number of redemptions ({limit})."
    if coupon is None or coupon.get("deleted") or not coupons.is_valid(coupon, ctx.now()):
        return f"The promotion code `{code}` cannot be redeemed: its coupon is no longer valid."
    if promo.get("customer") and promo["customer"] != customer:
        return f"The promotion code `{code}` is restricted to another customer."
    restrictions = promo.get("restrictions") or {}
    if restrictions.get("first_time_transaction") and not first_time:
        return f"The promotion code `{code}` is only valid for customers who have never paid before."
    if amount is not None and currency is not None and (below := minimum_problem(promo, currency, amount)):
        return below
    if coupon.get("amount_off") is not None and currency and coupons.amount_off_in(coupon, currency) is None:
        return f"The promotion code `{code}` is not valid for currency {currency}."
    return None


def minimum_problem(promo: JSONObject, currency: str, amount: int) -> str | None:
    """The ``minimum_amount`` restriction alone, for a redemption whose amount is known only later (an
    invoice's, at finalization)."""
    minimum = _minimum(promo.get("restrictions") or {}, currency)
    if minimum is not None and amount < minimum:
        return (
            f"The promotion code `{promo['code']}` requires a minimum amount of "
            f"{currencies.format_money(minimum, currency)}."
        )
    return None


def _minimum(restrictions: JSONObject, currency: str | None) -> int | None:
    if restrictions.get("minimum_amount") is None or currency is None:
        return None
    if restrictions.get("minimum_amount_currency") == currency:
        return int(restrictions["minimum_amount"])
    option = (restrictions.get("currency_options") or {}).get(currency)
    return None if option is None else int(option["minimum_amount"])


def find_by_code(ctx: Context, code: str) -> JSONObject | None:
    """The promotion code a customer typed (case-insensitive), preferring an active one."""
    matches = [p for p in ctx.query(KIND) if str(p["code"]).lower() == code.strip().lower()]
    matches.sort(key=lambda p: not p.get("active"))
    return matches[0] if matches else None
