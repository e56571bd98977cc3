"""Tax rates: create, retrieve, update, list (https://docs.stripe.com/api/tax_rates).

A tax rate is a percentage that is either ``inclusive`` (already in the price) or exclusive (added on
top); its percentage and inclusiveness never change after creation, and it cannot be deleted, only
archived with ``active=false`` (an archived rate stays on the objects that have it but cannot be added to
new ones). The arithmetic is in :mod:`sandbox._discount_tax`. Stripe has no tax rate search.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sandbox import _errors as errors
from sandbox._api import Context, apply_metadata, changed_fields, endpoint
from sandbox._discount_tax import TaxRate
from sandbox._store import JSONObject

KIND = "tax_rate"
PERMISSION = "tax_rate"  # [U] the slug follows Stripe's rak_<object>_* pattern
_TEXT = ("country", "description", "display_name", "jurisdiction", "state", "tax_type")
MAX_PER_LINE = 10  # "You can add up to ten tax rates to each line item" (Stripe's tax rate guide)


@endpoint("POST", "/v1/tax_rates", permission=PERMISSION)
def create_tax_rate(ctx: Context) -> JSONObject:
    p = ctx.params
    for name in ("display_name", "percentage", "inclusive"):
        if p.get(name) in (None, ""):
            raise errors.parameter_missing(name)
    percentage = Decimal(str(p["percentage"]))
    if not 0 <= percentage <= 100:
        # [U] wording.
        raise errors.invalid_request(
            "Invalid percentage: must be between 0 and 100 (inclusive).", param="percentage"
        )
    rate: JSONObject = {
        "id": ctx.new_id("txr"),
        "object": KIND,
        "active": bool(p.get("active", True)),
        "country": None,
        "created": ctx.now(),
        "description": None,
        "display_name": p["display_name"],
        "effective_percentage": float(percentage),
        "flat_amount": None,
        "inclusive": bool(p["inclusive"]),
        "jurisdiction": None,
        "jurisdiction_level": None,
        "livemode": False,
        "metadata": apply_metadata({}, p.get("metadata")),
        "percentage": float(percentage),
        "rate_type": "percentage",
        "state": None,
        "tax_type": None,
    }
    for name in _TEXT:
        if p.get(name) not in (None, ""):
            rate[name] = p[name]
    ctx.save(rate)
    ctx.emit("tax_rate.created", rate)
    return rate


def _load(ctx: Context) -> JSONObject:
    return ctx.load(KIND, ctx.path["tax_rate"], param="tax_rate", noun="tax rate")  # [U] the words


@endpoint("GET", "/v1/tax_rates/{tax_rate}", permission=PERMISSION)
def retrieve_tax_rate(ctx: Context) -> JSONObject:
    return _load(ctx)


@endpoint("POST", "/v1/tax_rates/{tax_rate}", permission=PERMISSION)
def update_tax_rate(ctx: Context) -> JSONObject:
    rate = _load(ctx)
    before = dict(rate)
    p = ctx.params
    if "active" in p:
        rate["active"] = bool(p["active"])
    for name in _TEXT:
        if name in p:
            if name == "display_name" and not p[name]:
                raise errors.empty_string("display_name")
            rate[name] = p[name] or None
    if "metadata" in p:
        rate["metadata"] = apply_metadata(rate.get("metadata"), p["metadata"])
    ctx.save(rate)
    previous = changed_fields(before, rate)
    if previous:
        ctx.emit("tax_rate.updated", rate, previous_attributes=previous)
    return rate


@endpoint("GET", "/v1/tax_rates", permission=PERMISSION)
def list_tax_rates(ctx: Context) -> JSONObject:
    p = ctx.params
    filters = {name: bool(p[name]) for name in ("active", "inclusive") if p.get(name) is not None}
    return ctx.list_response(KIND, "/v1/tax_rates", filters=filters)


# --- applying rates ----------------------------------------------------------------------------------


def load_many(ctx: Context, ids: Any, param: str, *, new: bool = True) -> list[JSONObject]:
    """The tax rates named by a ``tax_rates[]`` parameter. ``new``: being added now, so archived rates are
    refused (Stripe keeps an archived rate where it already is, but it cannot be applied again)."""
    if ids in (None, ""):
        return []
    rates = []
    for index, rate_id in enumerate(ids):
        name = f"{param}[{index}]"
        found = ctx.get(str(rate_id))
        if found is None or found.get("object") != KIND:
            raise errors.resource_missing("tax_rate", str(rate_id), name, 400)
        if new and not found.get("active"):
            # [U] wording.
            raise errors.invalid_request(
                f"The tax rate {rate_id} is inactive and cannot be applied. Use an active tax rate, or "
                "reactivate it with active=true.",
                param=name,
            )
        rates.append(found)
    if len(rates) > MAX_PER_LINE:
        # [U] wording of the documented limit.
        raise errors.invalid_request(f"You can pass at most {MAX_PER_LINE} tax rates.", param=param)
    if len({r["id"] for r in rates}) != len(rates):
        raise errors.invalid_request("The same tax rate was passed twice.", param=param)  # [U]
    return rates


def as_rates(rates: Sequence[JSONObject]) -> tuple[TaxRate, ...]:
    return tuple(TaxRate(r["id"], Decimal(str(r["percentage"])), bool(r["inclusive"])) for r in rates)


def automatic_tax_not_activated() -> errors.StripeError:
    """Stripe's answer to ``automatic_tax[enabled]=true`` on an account where Stripe Tax is not set up,
    which is every sandbox account. [O] text quoted by integrations (open-saas#78, echoCTF.RED#1070);
    [U] the param."""
    return errors.StripeError(
        400,
        "Stripe Tax has not been activated on your account. Please visit https://stripe.com/docs/tax/set-up "
        "to get started.",
        param="automatic_tax[enabled]",
    )
