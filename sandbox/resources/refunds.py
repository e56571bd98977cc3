"""Refunds: create (by payment_intent or charge, full or partial), retrieve, update, list.

Card refunds in test mode succeed at once (status ``succeeded``), and the charge's ``amount_refunded`` /
``refunded`` follow. Texts observed in real responses: "Charge ch_… has already been refunded." and
"Refund amount ($20.00) is greater than unrefunded amount on charge ($0.00)".
"""

from __future__ import annotations

import copy
from typing import Any

from sandbox._api import Context, apply_metadata, endpoint
from sandbox._currencies import format_money
from sandbox._errors import StripeError, invalid_request
from sandbox.resources import charges

KIND = "refund"


def _no_successful_charge(pi_id: str) -> StripeError:
    # [O] text; seen for canceled PaymentIntents and for their (failed or released) charges.
    return invalid_request(f"This PaymentIntent ({pi_id}) does not have a successful charge to refund.")


def _charge_to_refund(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    charge_id = params.get("charge")
    pi_id = params.get("payment_intent")
    if not charge_id and not pi_id:
        # [U] wording.
        raise invalid_request(
            "One of the following params should be provided for this request: payment_intent or charge."
        )
    if pi_id:
        pi = ctx.load("payment_intent", str(pi_id), param="payment_intent", status=400)
        latest = pi.get("latest_charge")
        if pi["status"] != "succeeded" or not latest:
            raise _no_successful_charge(pi["id"])
        if charge_id and charge_id != latest:
            # [U] wording.
            raise invalid_request(
                f"Charge {charge_id} does not belong to PaymentIntent {pi['id']}; pass only one of them.",
                param="charge",
            )
        charge = ctx.load(charges.KIND, str(latest), param="charge", status=400)
    else:
        charge = ctx.load(charges.KIND, str(charge_id), param="charge", status=400)
    if charge["status"] != "succeeded" or not charge["captured"]:
        if not charge.get("payment_intent"):
            # [U] wording, for legacy charges (no PaymentIntent).
            raise invalid_request(f"Charge {charge['id']} has failed and cannot be refunded.", param="charge")
        raise _no_successful_charge(str(charge.get("payment_intent")))
    return charge


@endpoint("POST", "/v1/refunds", permission="refund")
def create(ctx: Context) -> dict[str, Any]:
    p = ctx.params
    charge = _charge_to_refund(ctx, p)
    remaining = charge["amount_captured"] - charge["amount_refunded"]
    if remaining <= 0:
        raise invalid_request(
            f"Charge {charge['id']} has already been refunded.", code="charge_already_refunded"
        )
    amount = int(p["amount"]) if p.get("amount") is not None else remaining
    return refund_charge(ctx, charge, amount, metadata=p.get("metadata"), reason=p.get("reason") or None)


def refund_charge(
    ctx: Context, charge: dict[str, Any], amount: int, *, metadata: Any = None, reason: str | None = None
) -> dict[str, Any]:
    """Refund ``amount`` of a succeeded charge (the API's rules and texts); credit notes refund through it."""
    remaining = charge["amount_captured"] - charge["amount_refunded"]
    if amount < 1:
        raise StripeError(
            400,
            "This value must be greater than or equal to 1.",
            code="parameter_invalid_integer",
            param="amount",
        )
    if amount > remaining:
        # [O] text; Stripe sends it without a code.
        currency = charge["currency"]
        raise invalid_request(
            f"Refund amount ({format_money(amount, currency)}) is greater than unrefunded amount on charge "
            f"({format_money(remaining, currency)})",
            param="amount",
        )
    refund = {
        "id": ctx.new_id("re"),
        "object": "refund",
        "amount": amount,
        "balance_transaction": ctx.new_id("txn"),
        "charge": charge["id"],
        "created": ctx.now(),
        "currency": charge["currency"],
        "destination_details": {
            "card": {
                "reference_status": "pending",
                "reference_type": "acquirer_reference_number",
                "type": "refund",
            },
            "type": "card",
        },
        "metadata": apply_metadata({}, metadata),
        "payment_intent": charge.get("payment_intent"),
        "reason": reason,
        "receipt_number": None,
        "source_transfer_reversal": None,
        "status": "succeeded",
        "transfer_reversal": None,
    }
    ctx.save(refund)
    previous = {"amount_refunded": charge["amount_refunded"], "refunded": charge["refunded"]}
    charge["amount_refunded"] += amount
    charge["refunded"] = charge["amount_refunded"] >= charge["amount_captured"]
    ctx.save(charge)
    ctx.emit("refund.created", copy.deepcopy(refund))
    ctx.emit("charge.refunded", copy.deepcopy(charge), previous_attributes=previous)
    return refund


@endpoint("GET", "/v1/refunds/{refund}", permission="refund")
def retrieve(ctx: Context) -> dict[str, Any]:
    return ctx.load(KIND, ctx.path["refund"], param="refund")


@endpoint("POST", "/v1/refunds/{refund}", permission="refund")
def update(ctx: Context) -> dict[str, Any]:
    refund = ctx.load(KIND, ctx.path["refund"], param="refund")
    if "metadata" in ctx.params:
        previous = {"metadata": dict(refund["metadata"])}
        refund["metadata"] = apply_metadata(refund["metadata"], ctx.params["metadata"])
        ctx.save(refund)
        # Stripe sends refund.updated for some payment methods and charge.refund.updated for every refund
        # (its event-types list says to listen to the latter for all updates); both carry the refund.
        ctx.emit("refund.updated", copy.deepcopy(refund), previous_attributes=previous)
        ctx.emit("charge.refund.updated", copy.deepcopy(refund), previous_attributes=previous)
    return refund


@endpoint("GET", "/v1/refunds", permission="refund")
def list_all(ctx: Context) -> dict[str, Any]:
    filters = {k: ctx.params[k] for k in ("charge", "payment_intent") if ctx.params.get(k)}
    return ctx.list_response(KIND, "/v1/refunds", filters=filters)
