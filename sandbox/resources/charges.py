"""Charges: the record of one payment attempt.

Every confirm that reaches the card network (success or decline) leaves a charge, as in Stripe; the
PaymentIntent points at the newest through ``latest_charge``. The legacy ``POST /v1/charges`` (a ``source``
token such as ``tok_visa``, no PaymentIntent) is served too, because older integrations still use it.
"""

from __future__ import annotations

import copy
from typing import Any

from sandbox import _test_cards as cards
from sandbox._api import Context, apply_metadata, endpoint
from sandbox._currencies import normalize as normalize_currency
from sandbox._errors import invalid_request, parameter_missing, resource_missing
from sandbox._test_cards import Decline, TestCard
from sandbox.resources import balance, disputes

KIND = "charge"


def _outcome(decline: Decline | None) -> dict[str, Any]:
    if decline is None:
        return {
            "advice_code": None,
            "network_advice_code": None,
            "network_decline_code": None,
            "network_status": "approved_by_network",
            "reason": None,
            "risk_level": "normal",
            "risk_score": 32,
            "seller_message": "Payment complete.",
            "type": "authorized",
        }
    return {
        "advice_code": None,
        "network_advice_code": None,
        "network_decline_code": None,
        "network_status": decline.network_status,
        "reason": decline.outcome_reason,
        "risk_level": "elevated"
        if decline.decline_code in ("lost_card", "stolen_card", "fraudulent")
        else "normal",
        "risk_score": 70 if decline.decline_code in ("lost_card", "stolen_card", "fraudulent") else 32,
        "seller_message": decline.seller_message,
        "type": decline.outcome_type,
    }


def build(
    ctx: Context,
    *,
    pi: dict[str, Any],
    pm: dict[str, Any],
    card: TestCard,
    decline: Decline | None,
    capture: bool,
    authenticated: bool,
) -> dict[str, Any]:
    """A charge for one attempt of ``pi`` with ``pm``; saved by the caller's flow (here)."""
    charge_id = ctx.new_id("ch")
    succeeded = decline is None
    captured = succeeded and capture
    pm_card = pm.get("card") or {}
    charge: dict[str, Any] = {
        "id": charge_id,
        "object": "charge",
        "amount": pi["amount"],
        "amount_captured": pi["amount"] if captured else 0,
        "amount_refunded": 0,
        "application": None,
        "application_fee": None,
        "application_fee_amount": None,
        "balance_transaction": ctx.new_id("txn") if captured else None,
        "billing_details": copy.deepcopy(pm.get("billing_details")),
        "calculated_statement_descriptor": "SANDBOX",
        "captured": captured,
        "created": ctx.now(),
        "currency": pi["currency"],
        "customer": pi.get("customer"),
        "description": pi.get("description"),
        "disputed": False,
        "failure_balance_transaction": None,
        "failure_code": None if succeeded else decline.code,  # type: ignore[union-attr]
        "failure_message": None if succeeded else decline.message,  # type: ignore[union-attr]
        "fraud_details": {},
        "livemode": False,
        "metadata": dict(pi.get("metadata") or {}),
        "on_behalf_of": None,
        "outcome": _outcome(decline),
        "paid": succeeded,
        "payment_intent": pi["id"],
        "payment_method": pm["id"],
        "payment_method_details": {
            "card": {
                "amount_authorized": pi["amount"] if succeeded else None,
                "authorization_code": None,
                "brand": card.brand,
                "checks": {"address_line1_check": None, "address_postal_code_check": None, "cvc_check": None},
                "country": card.country,
                "exp_month": pm_card.get("exp_month"),
                "exp_year": pm_card.get("exp_year"),
                "extended_authorization": {"status": "disabled"},
                "fingerprint": card.fingerprint,
                "funding": card.funding,
                "incremental_authorization": {"status": "unavailable"},
                "installments": None,
                "last4": card.last4,
                "mandate": None,
                "multicapture": {"status": "unavailable"},
                "network": card.brand,
                "network_token": {"used": False},
                "network_transaction_id": None,
                "overcapture": {"maximum_amount_capturable": pi["amount"], "status": "unavailable"},
                "regulated_status": "unregulated",
                "three_d_secure": (
                    {
                        "authentication_flow": "challenge",
                        "electronic_commerce_indicator": "05",
                        "result": "authenticated",
                        "result_reason": None,
                        "transaction_id": None,
                        "version": "2.2.0",
                    }
                    if authenticated
                    else None
                ),
                "wallet": None,
            },
            "type": "card",
        },
        "radar_options": {},
        "receipt_email": pi.get("receipt_email"),
        "receipt_number": None,
        "receipt_url": f"{ctx.public_url}/receipts/{ctx.account}/{charge_id}" if succeeded else None,
        "refunded": False,
        "review": None,
        "shipping": None,
        "source_transfer": None,
        "statement_descriptor": pi.get("statement_descriptor"),
        "statement_descriptor_suffix": pi.get("statement_descriptor_suffix"),
        "status": "succeeded" if succeeded else "failed",
        "transfer_data": None,
        "transfer_group": None,
    }
    ctx.save(charge)
    ctx.emit("charge.succeeded" if succeeded else "charge.failed", copy.deepcopy(charge))
    if captured:
        disputes.open_for(ctx, charge, card)
        balance.funds_arrived(ctx, charge)
    return charge


# The Charges API has no "requires_action": a card whose issuer insists on 3D Secure is declined. [U] text.
LEGACY_AUTHENTICATION_DECLINE = Decline(
    "card_declined",
    "authentication_required",
    "Your card was declined. This transaction requires authentication.",
    seller_message="The bank returned the decline code `authentication_required`.",
)


@endpoint("POST", "/v1/charges", permission="charge")
def create(ctx: Context) -> dict[str, Any]:
    """The legacy Charges API: charge a ``source`` token directly, without a PaymentIntent."""
    from sandbox.resources import payment_intents, payment_methods

    p = ctx.params
    for name in ("amount", "currency"):
        if p.get(name) in (None, ""):
            raise parameter_missing(name)
    currency = normalize_currency(str(p["currency"]))
    payment_intents.check_amount(p["amount"], currency)
    source = p.get("source")
    if not source:
        # [O] Stripe's text when neither is given; a customer's default source does not exist here.
        raise invalid_request(
            "Must provide source or customer.", param="source" if not p.get("customer") else None
        )
    card = cards.card_for_token(str(source))
    if card is None:
        raise resource_missing("source", str(source), param="source", status=400)
    if p.get("capture") is False or str(p.get("capture")).lower() == "false":
        # [U] The sandbox's own limit: authorize-only needs POST /v1/charges/{id}/capture, not emulated.
        raise invalid_request(
            "The local Stripe sandbox does not emulate uncaptured legacy charges. Use a PaymentIntent with "
            "capture_method=manual to authorize now and capture later.",
            param="capture",
        )
    customer = p.get("customer")
    if customer:
        ctx.load("customer", str(customer), param="customer", status=400)
    month, year = payment_methods.default_expiry(ctx)
    pm = payment_methods.build(ctx, card, exp_month=month, exp_year=year)
    ctx.save(pm)
    decline = card.charge_decline
    if decline is None and card.needs_authentication(off_session=False, set_up=False):
        decline = LEGACY_AUTHENTICATION_DECLINE
    attempt = {
        "id": None,
        "amount": int(p["amount"]),
        "currency": currency,
        "customer": str(customer) if customer else None,
        "description": p.get("description") or None,
        "metadata": apply_metadata({}, p.get("metadata")),
        "receipt_email": p.get("receipt_email") or None,
        "statement_descriptor": p.get("statement_descriptor") or None,
        "statement_descriptor_suffix": p.get("statement_descriptor_suffix") or None,
    }
    charge = build(ctx, pi=attempt, pm=pm, card=card, decline=decline, capture=True, authenticated=False)
    if decline is not None:
        # Stripe keeps the failed charge (and charge.failed) although it answers 402.
        raise payment_methods.card_error(decline, extra={"charge": charge["id"]}).keeping_state()
    return charge


@endpoint("POST", "/v1/charges/{charge}", permission="charge")
def update(ctx: Context) -> dict[str, Any]:
    charge = ctx.load(KIND, ctx.path["charge"], param="charge")
    before = copy.deepcopy(charge)
    p = ctx.params
    if "metadata" in p:
        charge["metadata"] = apply_metadata(charge["metadata"], p["metadata"])
    for name in ("description", "receipt_email"):
        if name in p:
            charge[name] = p[name] or None
    if p.get("customer"):
        if charge.get("customer") and charge["customer"] != p["customer"]:
            # [U] wording; Stripe only lets you set the customer of a charge that has none.
            raise invalid_request("This charge already belongs to a customer.", param="customer")
        ctx.load("customer", str(p["customer"]), param="customer", status=400)
        charge["customer"] = str(p["customer"])
    changed = {k: before.get(k) for k in charge if before.get(k) != charge.get(k)}
    ctx.save(charge)
    if changed:
        ctx.emit("charge.updated", copy.deepcopy(charge), previous_attributes=changed)
    return charge


@endpoint("GET", "/v1/charges/{charge}", permission="charge")
def retrieve(ctx: Context) -> dict[str, Any]:
    return ctx.load(KIND, ctx.path["charge"], param="charge")


@endpoint("GET", "/v1/charges", permission="charge")
def list_all(ctx: Context) -> dict[str, Any]:
    filters = {
        k: ctx.params[k] for k in ("customer", "payment_intent", "transfer_group") if ctx.params.get(k)
    }
    return ctx.list_response(KIND, "/v1/charges", filters=filters)


@endpoint("GET", "/v1/charges/search", permission="charge")
def search(ctx: Context) -> dict[str, Any]:
    return ctx.search_response(
        KIND,
        "/v1/charges/search",
        fields={
            "amount": "number",
            "billing_details.address.postal_code": "string",
            "created": "number",
            "currency": "string",
            "customer": "string",
            "disputed": "boolean",
            "metadata": "metadata",
            "payment_method_details.card.last4": "string",
            "payment_method_details.card.brand": "string",
            "payment_intent": "string",
            "refunded": "boolean",
            "status": "string",
        },
    )
