"""PaymentMethods (cards only): create, retrieve, update, attach, detach, list.

Test mode lets any account use the well-known ids (``pm_card_visa`` …) without creating them; using one
makes "a copy of that test card … with a new, unique ID" (Stripe's behaviour, reported e.g. in
pay-rails/pay#128), so :func:`materialize` clones it into the account. Creating from a raw card number
needs special access on real Stripe; the sandbox accepts test numbers because it never sees a real card.
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from sandbox import _test_cards as cards
from sandbox._api import Context, apply_metadata, endpoint
from sandbox._errors import (
    StripeError,
    invalid_request,
    parameter_missing,
    resource_missing,
    secret_key_required,
)
from sandbox._test_cards import Decline, TestCard

KIND = "payment_method"

# Fingerprint → card, so a stored PaymentMethod (which, like Stripe's, keeps no card number) still knows how
# its test card behaves.
_BY_FINGERPRINT: dict[str, TestCard] = {c.fingerprint: c for c in cards.CARDS.values()}


def card_error(
    decline: Decline, *, extra: dict[str, Any] | None = None, param: str | None = None
) -> StripeError:
    """A 402 card_error as Stripe sends it for a decline (facts §5.2, §6)."""
    body: dict[str, Any] = {}
    if decline.decline_code:
        body["decline_code"] = decline.decline_code
    body.update(extra or {})
    return StripeError(
        402,
        decline.message,
        type="card_error",
        code=decline.code,
        param=param if param is not None else decline.param,
        extra=body,
    )


def card_of(pm: dict[str, Any]) -> TestCard:
    """The test card behind a stored PaymentMethod; an unknown number behaves like a plain good card."""
    card = pm.get("card") or {}
    known = _BY_FINGERPRINT.get(str(card.get("fingerprint")))
    if known is not None:
        return known
    last4 = str(card.get("last4") or "0000")
    return TestCard(
        "0" * 12 + last4, str(card.get("brand") or "visa"), funding=str(card.get("funding") or "credit")
    )


def _billing_details(given: dict[str, Any] | None) -> dict[str, Any]:
    given = given or {}
    address = given.get("address") or {}
    return {
        "address": {
            k: address.get(k) or None for k in ("city", "country", "line1", "line2", "postal_code", "state")
        },
        "email": given.get("email") or None,
        "name": given.get("name") or None,
        "phone": given.get("phone") or None,
        "tax_id": None,
    }


def build(
    ctx: Context,
    card: TestCard,
    *,
    exp_month: int,
    exp_year: int,
    billing_details: dict[str, Any] | None = None,
    metadata: dict[str, str] | None = None,
    cvc_given: bool = False,
    allow_redisplay: str = "unspecified",
) -> dict[str, Any]:
    supports_3ds = card.brand != "amex"
    return {
        "id": ctx.new_id("pm"),
        "object": "payment_method",
        "allow_redisplay": allow_redisplay,
        "billing_details": _billing_details(billing_details),
        "card": {
            "brand": card.brand,
            "checks": {
                "address_line1_check": None,
                "address_postal_code_check": None,
                "cvc_check": "unchecked" if cvc_given else None,
            },
            "country": card.country,
            "display_brand": card.brand,
            "exp_month": exp_month,
            "exp_year": exp_year,
            "fingerprint": card.fingerprint,
            "funding": card.funding,
            "generated_from": None,
            "last4": card.last4,
            "networks": {"available": [card.brand], "preferred": None},
            "regulated_status": "unregulated",
            "three_d_secure_usage": {"supported": supports_3ds},
            "wallet": None,
        },
        "created": ctx.now(),
        "customer": None,
        "livemode": False,
        "metadata": apply_metadata({}, metadata),
        "type": "card",
    }


def default_expiry(ctx: Context) -> tuple[int, int]:
    # Stripe's test PaymentMethods carry a future expiry; any future date works the same.
    year = dt.datetime.fromtimestamp(ctx.now(), tz=dt.UTC).year
    return 12, year + 3


# A PaymentMethod used for a payment without being saved to a customer, or detached from one, cannot be
# used again (Stripe's rule; both texts observed in real responses). The sandbox remembers that beside the
# PaymentMethod, whose public shape has no such field.
CONSUMED_KIND = "sandbox.payment_method_consumed"
REUSE_AFTER_CONSUMED = (
    "The provided PaymentMethod was previously used with a PaymentIntent without Customer attachment, "
    "shared with a connected account without Customer attachment, or was detached from a Customer. It may "
    "not be used again. To use a PaymentMethod multiple times, you must attach it to a Customer first."
)
ATTACH_AFTER_CONSUMED = (
    "This PaymentMethod was previously used without being attached to a Customer or was detached from a "
    "Customer, and may not be used again."
)


def mark_consumed(ctx: Context, pm: dict[str, Any]) -> None:
    ctx.save(
        {
            "id": f"pmused_{pm['id']}",
            "object": CONSUMED_KIND,
            "created": ctx.now(),
            "payment_method": pm["id"],
        }
    )


def is_consumed(ctx: Context, pm_id: str) -> bool:
    return ctx.get(f"pmused_{pm_id}") is not None


def is_test_id(pm_id: str) -> bool:
    return pm_id in cards.TEST_PAYMENT_METHODS


def materialize(
    ctx: Context, pm_id: str, *, param: str = "payment_method", status: int = 400
) -> dict[str, Any]:
    """The account's PaymentMethod for ``pm_id``: a fresh clone for ``pm_card_*``, else the stored one."""
    card = cards.card_for_test_payment_method(pm_id)
    if card is not None:
        month, year = default_expiry(ctx)
        pm = build(ctx, card, exp_month=month, exp_year=year)
        ctx.save(pm)
        return pm
    pm = ctx.load(KIND, pm_id, param=param, status=status)
    if is_consumed(ctx, pm_id):
        raise invalid_request(REUSE_AFTER_CONSUMED, param=param)
    return pm


def attach_to_customer(
    ctx: Context, pm_id: str, customer_id: str, param: str = "payment_method"
) -> dict[str, Any]:
    """``POST /v1/customers`` with ``payment_method``: attach it (a copy for test ids) to the new customer."""
    if not is_test_id(pm_id) and is_consumed(ctx, pm_id):
        raise invalid_request(ATTACH_AFTER_CONSUMED, param=param)
    return attach_to(ctx, materialize(ctx, pm_id, param=param, status=400), customer_id)


def _validate_expiry(ctx: Context, exp_month: Any, exp_year: Any) -> tuple[int, int]:
    try:
        month = int(exp_month)
    except (TypeError, ValueError):
        month = 0
    if not 1 <= month <= 12:
        raise card_error(Decline("invalid_expiry_month", None, "Your card's expiration month is invalid."),
                         param="exp_month")  # fmt: skip
    try:
        year = int(exp_year)
    except (TypeError, ValueError):
        year = 0
    if year < 100:
        year += 2000
    _, this_year = default_expiry(ctx)
    this_year -= 3
    if year < this_year:
        raise card_error(Decline("invalid_expiry_year", None, "Your card's expiration year is invalid."),
                         param="exp_year")  # fmt: skip
    return month, year


def _card_from_params(ctx: Context, card_params: dict[str, Any]) -> tuple[TestCard, int, int, bool]:
    token = card_params.get("token")
    if token:
        from_token = cards.card_for_token(str(token))
        if from_token is None:
            raise resource_missing("token", str(token), param="card[token]", status=400)
        month, year = default_expiry(ctx)
        return from_token, month, year, False
    number = card_params.get("number")
    if not number:
        raise parameter_missing("card[number]")
    card = cards.card_for_number(str(number))
    if card is None:
        raise card_error(cards.INCORRECT_NUMBER)
    for field in ("exp_month", "exp_year"):
        if card_params.get(field) in (None, ""):
            raise parameter_missing(f"card[{field}]")
    month, year = _validate_expiry(ctx, card_params.get("exp_month"), card_params.get("exp_year"))
    cvc = card_params.get("cvc")
    if cvc not in (None, ""):
        digits = str(cvc)
        wanted = (4,) if card.brand == "amex" else (3,)
        if not digits.isdigit() or len(digits) not in wanted:
            raise card_error(
                Decline("invalid_cvc", None, "Your card's security code is invalid."), param="cvc"
            )
    return card, month, year, cvc not in (None, "")


def attach_to(ctx: Context, pm: dict[str, Any], customer_id: str) -> dict[str, Any]:
    """Save a card to a customer. Issuer-decline test cards refuse, as Stripe's docs say they do."""
    card = card_of(pm)
    if card.setup_decline is not None:
        raise card_error(card.setup_decline, extra={"payment_method": pm})
    if pm.get("customer") == customer_id:
        return pm
    pm["customer"] = customer_id
    ctx.save(pm)
    ctx.emit("payment_method.attached", copy.deepcopy(pm))
    return pm


# Stripe.js creates PaymentMethods in the browser with the publishable key.
@endpoint("POST", "/v1/payment_methods", permission="payment_method", publishable=True)
def create(ctx: Context) -> dict[str, Any]:
    p = ctx.params
    customer = p.get("customer")
    source_pm = p.get("payment_method")
    if source_pm and not p.get("type"):
        # Cloning a customer's PaymentMethod (Connect) — here: a copy of the given one.
        original = materialize(ctx, str(source_pm))
        clone = copy.deepcopy(original)
        clone.update({"id": ctx.new_id("pm"), "customer": None, "created": ctx.now()})
        ctx.save(clone)
        return clone
    pm_type = p.get("type")
    if not pm_type:
        raise parameter_missing("type")
    if pm_type == "sepa_debit":
        from sandbox.resources import sepa_debit

        pm = sepa_debit.create_payment_method(ctx, _billing_details(p.get("billing_details")))
        if customer:
            ctx.load("customer", str(customer), param="customer", status=400)
            attach_to(ctx, pm, str(customer))
        return pm
    if pm_type != "card":
        # [U] The sandbox's own limit: only card and SEPA Debit PaymentMethods are emulated.
        raise invalid_request(
            f"The local Stripe sandbox emulates card and sepa_debit PaymentMethods, not `{pm_type}`. Use "
            "type=card with a test card (card[token]=tok_visa, or a test number such as 4242424242424242).",
            param="type",
        )
    card_params = p.get("card")
    if not isinstance(card_params, dict):
        raise parameter_missing("card")
    if customer and ctx.key_kind == "publishable":
        raise secret_key_required()
    card, month, year, cvc_given = _card_from_params(ctx, card_params)
    pm = build(
        ctx,
        card,
        exp_month=month,
        exp_year=year,
        billing_details=p.get("billing_details"),
        metadata=p.get("metadata"),
        cvc_given=cvc_given,
        allow_redisplay=str(p.get("allow_redisplay") or "unspecified"),
    )
    ctx.save(pm)
    if customer:
        ctx.load("customer", str(customer), param="customer", status=400)
        attach_to(ctx, pm, str(customer))
    return pm


@endpoint("GET", "/v1/payment_methods/{payment_method}", permission="payment_method")
def retrieve(ctx: Context) -> dict[str, Any]:
    pm_id = ctx.path["payment_method"]
    if is_test_id(pm_id):
        # Each use of a test id is a fresh copy; retrieving one shows what such a copy looks like.
        return materialize(ctx, pm_id)
    return ctx.load(KIND, pm_id, param="payment_method")


@endpoint("POST", "/v1/payment_methods/{payment_method}", permission="payment_method")
def update(ctx: Context) -> dict[str, Any]:
    pm = ctx.load(KIND, ctx.path["payment_method"], param="payment_method")
    p = ctx.params
    previous: dict[str, Any] = {}
    if "metadata" in p:
        previous["metadata"] = dict(pm["metadata"])
        pm["metadata"] = apply_metadata(pm["metadata"], p["metadata"])
    if "billing_details" in p:
        previous["billing_details"] = pm["billing_details"]
        pm["billing_details"] = _billing_details(p.get("billing_details"))
    if "allow_redisplay" in p:
        previous["allow_redisplay"] = pm["allow_redisplay"]
        pm["allow_redisplay"] = p["allow_redisplay"]
    card_params = p.get("card") or {}
    for field in ("exp_month", "exp_year"):
        if field in card_params:
            previous.setdefault("card", {})[field] = pm["card"][field]
    if card_params:
        month, year = _validate_expiry(
            ctx,
            card_params.get("exp_month", pm["card"]["exp_month"]),
            card_params.get("exp_year", pm["card"]["exp_year"]),
        )
        pm["card"]["exp_month"], pm["card"]["exp_year"] = month, year
    ctx.save(pm)
    ctx.emit("payment_method.updated", copy.deepcopy(pm), previous_attributes=previous)
    return pm


@endpoint("POST", "/v1/payment_methods/{payment_method}/attach", permission="payment_method")
def attach(ctx: Context) -> dict[str, Any]:
    customer = ctx.params.get("customer")
    if not customer:
        raise parameter_missing("customer")
    pm_id = ctx.path["payment_method"]
    if not is_test_id(pm_id) and is_consumed(ctx, pm_id):
        raise invalid_request(ATTACH_AFTER_CONSUMED, param="payment_method")
    pm = materialize(ctx, pm_id, param="payment_method", status=404)
    ctx.load("customer", str(customer), param="customer", status=400)
    owner = pm.get("customer")
    if owner and owner != customer:
        # [U] wording.
        raise invalid_request(
            "The payment method you provided has already been attached to a customer.",
            param="payment_method",
        )
    return attach_to(ctx, pm, str(customer))


@endpoint("POST", "/v1/payment_methods/{payment_method}/detach", permission="payment_method")
def detach(ctx: Context) -> dict[str, Any]:
    pm = ctx.load(KIND, ctx.path["payment_method"], param="payment_method")
    if not pm.get("customer"):
        raise invalid_request(
            "The payment method you provided is not attached to a customer so detachment is impossible."
        )
    previous = {"customer": pm["customer"]}
    pm["customer"] = None
    ctx.save(pm)
    mark_consumed(ctx, pm)
    ctx.emit("payment_method.detached", copy.deepcopy(pm), previous_attributes=previous)
    return pm


def _type_filter(ctx: Context) -> str | None:
    pm_type = ctx.params.get("type")
    return str(pm_type) if pm_type else None


@endpoint("GET", "/v1/payment_methods", permission="payment_method")
def list_all(ctx: Context) -> dict[str, Any]:
    filters: dict[str, Any] = {}
    if ctx.params.get("customer"):
        customer = str(ctx.params["customer"])
        ctx.load("customer", customer, param="customer", status=400)
        filters["customer"] = customer
    pm_type = _type_filter(ctx)
    if pm_type:
        filters["type"] = pm_type
    return ctx.list_response(KIND, "/v1/payment_methods", filters=filters)


@endpoint("GET", "/v1/customers/{customer}/payment_methods", permission="customer")
def list_for_customer(ctx: Context) -> dict[str, Any]:
    customer = ctx.path["customer"]
    ctx.load("customer", customer, param="customer")
    filters: dict[str, Any] = {"customer": customer}
    pm_type = _type_filter(ctx)
    if pm_type:
        filters["type"] = pm_type
    return ctx.list_response(KIND, f"/v1/customers/{customer}/payment_methods", filters=filters)
