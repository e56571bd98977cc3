"""Prices: create (one-time or recurring), retrieve, update, list, search (https://docs.stripe.com/api/prices).

Restricted keys need ``rak_plan_*`` for prices: Stripe kept the legacy Plans slug (facts §2.2).
Amounts cannot change after creation, as on Stripe: ``unit_amount`` is not an update parameter, so the
spec validation answers "Received unknown parameter: unit_amount".
"""

from __future__ import annotations

from typing import Any

from sandbox import _currencies as currencies
from sandbox import _errors as errors
from sandbox._api import Context, apply_metadata, changed_fields, endpoint, includable

KIND = "price"
PERMISSION = "plan"
# Stripe returns these only when expanded (expand[]=tiers, expand[]=currency_options).
includable(KIND, "tiers", "currency_options")
SEARCH_FIELDS = {
    "active": "boolean",
    "currency": "string",
    "lookup_key": "string",
    "product": "string",
    "type": "string",
    "created": "number",
    "metadata": "metadata",
}


def _name(prefix: str, name: str) -> str:
    return f"{prefix}[{name}]" if prefix else name


def _release_lookup_key(ctx: Context, key: str, transfer: Any, param: str) -> None:
    """A lookup key names one price: taking it needs ``transfer_lookup_key``, and the old holder loses it."""
    holders = ctx.query(KIND, {"lookup_key": key})
    if holders and not transfer:
        raise errors.invalid_request(
            f"A price (`{holders[0]['id']}`) already uses that lookup key.", param=param
        )
    for holder in holders:
        previous = {"lookup_key": holder["lookup_key"]}
        holder["lookup_key"] = None
        ctx.save(holder)
        ctx.emit("price.updated", holder, previous_attributes=previous)


def create_price(ctx: Context, params: dict[str, Any], product_id: str, prefix: str = "") -> dict[str, Any]:
    """Build, store and announce a price. ``prefix`` names nested params in errors (``default_price_data``),
    so products can create their default price through the same rules."""
    currency = currencies.normalize(params["currency"], _name(prefix, "currency"))
    billing_scheme = params.get("billing_scheme", "per_unit")
    unit_amount = params.get("unit_amount")
    decimal = params.get("unit_amount_decimal")
    custom = params.get("custom_unit_amount")
    if unit_amount is not None and decimal is not None:
        raise errors.exclusive([_name(prefix, "unit_amount"), _name(prefix, "unit_amount_decimal")])
    if billing_scheme == "per_unit" and unit_amount is None and decimal is None and custom is None:
        raise errors.parameter_missing(_name(prefix, "unit_amount"))
    tiers = None
    if billing_scheme == "tiered":
        if not params.get("tiers"):
            raise errors.parameter_missing(_name(prefix, "tiers"))
        if not params.get("tiers_mode"):
            raise errors.parameter_missing(_name(prefix, "tiers_mode"))
        if unit_amount is not None or decimal is not None:
            raise errors.exclusive([_name(prefix, "tiers"), _name(prefix, "unit_amount")])
        tiers = _tiers(params["tiers"], currency, _name(prefix, "tiers"))
    if unit_amount is not None:
        currencies.check_amount_range(unit_amount, currency, _name(prefix, "unit_amount"))
        decimal = str(unit_amount)
    elif decimal is not None:
        if float(decimal) < 0:
            raise errors.invalid_request(
                "This value must be greater than or equal to 0.", param=_name(prefix, "unit_amount_decimal")
            )
        unit_amount = int(float(decimal)) if float(decimal).is_integer() else None
    recurring = None
    if params.get("recurring"):
        raw = params["recurring"]
        recurring = {
            "interval": raw["interval"],
            "interval_count": raw.get("interval_count", 1),
            "meter": raw.get("meter"),
            "trial_period_days": raw.get("trial_period_days"),
            "usage_type": raw.get("usage_type", "licensed"),
        }
        limits = {"day": 1095, "week": 156, "month": 36, "year": 3}
        if not 1 <= recurring["interval_count"] <= limits[recurring["interval"]]:
            # [U] wording: Stripe allows at most three years between billings.
            raise errors.invalid_request(
                "The maximum billing interval is three years (1095 days, 156 weeks or 36 months).",
                param=_name(prefix, "recurring[interval_count]"),
            )
    lookup_key = params.get("lookup_key")
    if lookup_key:
        _release_lookup_key(ctx, lookup_key, params.get("transfer_lookup_key"), _name(prefix, "lookup_key"))
    price: dict[str, Any] = {
        "id": ctx.new_id("price"),
        "object": KIND,
        "active": params.get("active", True),
        "billing_scheme": billing_scheme,
        "created": ctx.now(),
        "currency": currency,
        "custom_unit_amount": (
            {
                "maximum": custom.get("maximum"),
                "minimum": custom.get("minimum"),
                "preset": custom.get("preset"),
            }
            if custom
            else None
        ),
        "livemode": False,
        "lookup_key": lookup_key or None,
        "metadata": apply_metadata({}, params.get("metadata")),
        "nickname": params.get("nickname"),
        "product": product_id,
        "recurring": recurring,
        "tax_behavior": params.get("tax_behavior", "unspecified"),
        "tiers_mode": params.get("tiers_mode"),
        "transform_quantity": params.get("transform_quantity"),
        "type": "recurring" if recurring else "one_time",
        "unit_amount": unit_amount if not custom else None,
        "unit_amount_decimal": decimal if not custom else None,
    }
    if tiers is not None:
        price["tiers"] = tiers
    price["currency_options"] = _currency_options(price, params.get("currency_options"), prefix)
    ctx.save(price)
    ctx.emit("price.created", price)
    return price


def _tiers(raw: list[dict[str, Any]], currency: str, name: str) -> list[dict[str, Any]]:
    """Stripe's tier rules: ascending ``up_to`` limits, the last one ``inf``. [U] exact texts."""
    tiers: list[dict[str, Any]] = []
    previous = 0
    for index, tier in enumerate(raw):
        up_to = tier["up_to"]
        last = index == len(raw) - 1
        if (up_to == "inf") != last:
            raise errors.invalid_request(
                "Only the last tier may (and must) have `up_to` set to `inf`.",
                param=f"{name}[{index}][up_to]",
            )
        if up_to != "inf" and up_to <= previous:
            raise errors.invalid_request(
                "Tiers must be in ascending order of `up_to`.", param=f"{name}[{index}][up_to]"
            )
        for field in ("flat_amount", "unit_amount"):
            if tier.get(field) is not None:
                currencies.check_amount_range(tier[field], currency, f"{name}[{index}][{field}]")
        tiers.append(
            {
                "flat_amount": tier.get("flat_amount"),
                "flat_amount_decimal": tier.get("flat_amount_decimal")
                or (str(tier["flat_amount"]) if tier.get("flat_amount") is not None else None),
                "unit_amount": tier.get("unit_amount"),
                "unit_amount_decimal": tier.get("unit_amount_decimal")
                or (str(tier["unit_amount"]) if tier.get("unit_amount") is not None else None),
                "up_to": None if up_to == "inf" else up_to,
            }
        )
        previous = up_to if up_to != "inf" else previous
    return tiers


def _currency_options(price: dict[str, Any], raw: Any, prefix: str) -> dict[str, Any]:
    """The default currency plus the extra ones, as Stripe shows them when currency_options is expanded."""
    options: dict[str, Any] = {
        price["currency"]: {
            "custom_unit_amount": price["custom_unit_amount"],
            "tax_behavior": price["tax_behavior"],
            "unit_amount": price["unit_amount"],
            "unit_amount_decimal": price["unit_amount_decimal"],
        }
    }
    for code, option in (raw or {}).items():
        name = _name(prefix, f"currency_options[{code}]")
        currency = currencies.normalize(code, name)
        amount = option.get("unit_amount")
        if amount is not None:
            currencies.check_amount_range(amount, currency, f"{name}[unit_amount]")
        options[currency] = {
            "custom_unit_amount": option.get("custom_unit_amount"),
            "tax_behavior": option.get("tax_behavior", "unspecified"),
            "unit_amount": amount,
            "unit_amount_decimal": option.get("unit_amount_decimal")
            or (str(amount) if amount is not None else None),
        }
    return options


@endpoint("POST", "/v1/prices", permission=PERMISSION)
def create(ctx: Context) -> dict[str, Any]:
    params = ctx.params
    if "product" in params and "product_data" in params:
        raise errors.exclusive(["product", "product_data"])
    if "product_data" in params:
        from sandbox.resources import products

        data = params["product_data"]
        product_params: dict[str, Any] = {k: v for k, v in data.items() if k in ("name", "active", "metadata",
                                          "statement_descriptor", "tax_code", "unit_label")}  # fmt: skip
        product_id = data.get("id") or ctx.new_id("prod")
        now = ctx.now()
        product: dict[str, Any] = {
            "id": product_id, "object": "product", "active": True, "created": now, "default_price": None,
            "description": None, "images": [], "livemode": False, "marketing_features": [], "metadata": {},
            "name": data["name"], "package_dimensions": None, "shippable": None, "statement_descriptor": None,
            "tax_code": None, "type": "service", "unit_label": None, "updated": now, "url": None,
        }  # fmt: skip
        products._set_fields(product, product_params)
        ctx.save(product)
        ctx.emit("product.created", product)
    elif "product" in params:
        product_id = ctx.load("product", params["product"], param="product", status=400)["id"]
    else:
        raise errors.parameter_missing("product")
    return create_price(ctx, params, product_id)


@endpoint("GET", "/v1/prices/{price}", permission=PERMISSION)
def retrieve(ctx: Context) -> dict[str, Any]:
    return ctx.load(KIND, ctx.path["price"], param="price")


@endpoint("POST", "/v1/prices/{price}", permission=PERMISSION)
def update(ctx: Context) -> dict[str, Any]:
    price = ctx.load(KIND, ctx.path["price"], param="price")
    before = dict(price)
    params = ctx.params
    if params.get("active") is False and price["active"]:
        product = ctx.get(price["product"])
        if product is not None and product.get("default_price") == price["id"]:
            raise errors.invalid_request(
                "This price cannot be archived because it is the default price of its product.",
                param="active",
            )
    for name in ("active", "nickname", "tax_behavior"):
        if name in params:
            price[name] = None if params[name] == "" else params[name]
    if "lookup_key" in params:
        key = params["lookup_key"] or None
        if key and key != price.get("lookup_key"):
            _release_lookup_key(ctx, key, params.get("transfer_lookup_key"), "lookup_key")
        price["lookup_key"] = key
    if "metadata" in params:
        price["metadata"] = apply_metadata(price.get("metadata"), params["metadata"])
    previous = changed_fields(before, price)
    if previous:
        ctx.save(price)
        ctx.emit("price.updated", price, previous_attributes=previous)
    return price


@endpoint("GET", "/v1/prices", permission=PERMISSION)
def list_prices(ctx: Context) -> dict[str, Any]:
    params = ctx.params
    recurring = params.get("recurring") or {}
    filters: dict[str, Any] = {
        "active": params.get("active"),
        "currency": params["currency"].lower() if params.get("currency") else None,
        "product": params.get("product"),
        "type": params.get("type"),
        "lookup_key": params.get("lookup_keys") or None,
        "recurring.interval": recurring.get("interval"),
        "recurring.usage_type": recurring.get("usage_type"),
        "recurring.meter": recurring.get("meter"),
    }
    return ctx.list_response(KIND, "/v1/prices", filters=filters)


@endpoint("GET", "/v1/prices/search", permission=PERMISSION)
def search(ctx: Context) -> dict[str, Any]:
    return ctx.search_response(KIND, "/v1/prices/search", SEARCH_FIELDS)
