"""Disputes from Stripe's dispute test cards: retrieve, update (evidence), close, list
(https://docs.stripe.com/api/disputes, https://docs.stripe.com/testing#disputes).

A charge with a dispute card (``pm_card_createDispute``, ``…ProductNotReceived``, ``…Inquiry``) succeeds and
is disputed at once, inside the same request, as Stripe test mode does. The two kinds:

- a chargeback (``…createDispute``, ``…ProductNotReceived``) starts ``needs_response``: the amount and the
  dispute fee are withdrawn (a balance transaction on the dispute, ``charge.dispute.funds_withdrawn``);
  submitting evidence makes it ``under_review``, closing it ``lost``;
- an inquiry (``…createDisputeInquiry``) starts ``warning_needs_response`` and moves no money; submitting
  makes it ``warning_under_review``, closing it ``warning_closed``.

The fee is Stripe's US dispute fee, 15.00 in the charge's currency ([U]: Stripe's fee depends on the
account's country). ``evidence_details.due_by`` is seven days after the dispute ([U]: issuers give 7–21).
Disputes are never decided (``won``/``lost`` by the issuer): only closing settles them here.
"""

from __future__ import annotations

import copy
from typing import Any

from sandbox import _errors as errors
from sandbox._api import Context, apply_metadata, changed_fields, endpoint
from sandbox._store import JSONObject
from sandbox._test_cards import TestCard
from sandbox._validation import spec_document

KIND = "dispute"
PERMISSION = "dispute"
DISPUTE_FEE = 1500  # [U] the US fee, in the charge's currency
RESPONSE_DAYS = 7  # [U]
_SUBMITTED = {"needs_response": "under_review", "warning_needs_response": "warning_under_review"}
_CLOSED = {
    "needs_response": "lost",
    "under_review": "lost",
    "warning_needs_response": "warning_closed",
    "warning_under_review": "warning_closed",
}
# Reason → the card network's reason code Stripe shows (Visa's codes).
_NETWORK_REASON = {"fraudulent": "10.4", "product_not_received": "13.1"}


def _evidence_fields() -> list[str]:
    """Every evidence field of Stripe's schema (all null until the merchant answers)."""
    properties = spec_document()["components"]["schemas"]["dispute_evidence"]["properties"]
    return [name for name in properties if name != "enhanced_evidence"]


def _withdrawal(ctx: Context, dispute_id: str, charge: JSONObject) -> JSONObject:
    amount = int(charge["amount"])
    return {
        "id": ctx.new_id("txn"),
        "object": "balance_transaction",
        "amount": -amount,
        "available_on": ctx.now(),
        "balance_type": "payments",
        "created": ctx.now(),
        "currency": charge["currency"],
        "description": f"Chargeback withdrawal for {charge['id']}",
        "exchange_rate": None,
        "fee": DISPUTE_FEE,
        "fee_details": [
            {
                "amount": DISPUTE_FEE,
                "application": None,
                "currency": charge["currency"],
                "description": "Dispute fee",
                "type": "stripe_fee",
            }
        ],
        "net": -amount - DISPUTE_FEE,
        "reporting_category": "dispute",
        "source": dispute_id,
        "status": "available",
        "type": "adjustment",
    }


def open_for(ctx: Context, charge: JSONObject, card: TestCard) -> JSONObject | None:
    """The dispute a dispute test card opens on its succeeded charge (``None`` for other cards)."""
    if card.dispute is None:
        return None
    reason, inquiry = card.dispute
    dispute_id = ctx.new_id("dp")
    fields: dict[str, Any] = dict.fromkeys(_evidence_fields())
    dispute: JSONObject = {
        "id": dispute_id,
        "object": KIND,
        "amount": charge["amount"],
        "balance_transactions": [] if inquiry else [_withdrawal(ctx, dispute_id, charge)],
        "charge": charge["id"],
        "created": ctx.now(),
        "currency": charge["currency"],
        "enhanced_eligibility_types": [],
        "evidence": {**fields, "enhanced_evidence": {}},
        "evidence_details": {
            "due_by": ctx.now() + RESPONSE_DAYS * 86400,
            "enhanced_eligibility": {},
            "has_evidence": False,
            "past_due": False,
            "submission_count": 0,
        },
        "is_charge_refundable": inquiry,
        "livemode": False,
        "metadata": {},
        "payment_intent": charge.get("payment_intent"),
        "payment_method_details": {
            "card": {
                "brand": card.brand,
                "case_type": "inquiry" if inquiry else "chargeback",
                "network_reason_code": _NETWORK_REASON.get(reason),
            },
            "type": "card",
        },
        "reason": reason,
        "status": "warning_needs_response" if inquiry else "needs_response",
    }
    charge["disputed"] = True
    ctx.save(charge)
    ctx.save(dispute)
    ctx.emit("charge.dispute.created", dispute)
    if not inquiry:
        ctx.emit("charge.dispute.funds_withdrawn", dispute)
    return dispute


def withdrawn(ctx: Context) -> dict[str, int]:
    """Per currency, what disputes took from the balance (amounts and fees; negative)."""
    totals: dict[str, int] = {}
    for dispute in ctx.query(KIND):
        for txn in dispute.get("balance_transactions") or []:
            totals[txn["currency"]] = totals.get(txn["currency"], 0) + int(txn["net"])
    return totals


def _load(ctx: Context) -> JSONObject:
    return ctx.load(KIND, ctx.path["dispute"], param="dispute")


def _refuse_if_closed(dispute: JSONObject) -> None:
    if dispute["status"] in ("lost", "won", "warning_closed", "prevented"):
        # [U] wording
        raise errors.invalid_request(
            f"This dispute is already closed (status {dispute['status']}); it can no longer be changed.",
            param="dispute",
        )


@endpoint("GET", "/v1/disputes/{dispute}", permission=PERMISSION)
def retrieve(ctx: Context) -> JSONObject:
    return _load(ctx)


@endpoint("POST", "/v1/disputes/{dispute}", permission=PERMISSION)
def update(ctx: Context) -> JSONObject:
    dispute = _load(ctx)
    _refuse_if_closed(dispute)
    before = copy.deepcopy(dispute)
    p = ctx.params
    if "metadata" in p:
        dispute["metadata"] = apply_metadata(dispute.get("metadata"), p["metadata"])
    evidence = p.get("evidence")
    if isinstance(evidence, dict):
        for name, value in evidence.items():
            if name == "enhanced_evidence":
                continue  # Visa CE 3.0 / compliance: accepted, not modelled
            dispute["evidence"][name] = value or None
        details = dispute["evidence_details"]
        details["has_evidence"] = any(v for k, v in dispute["evidence"].items() if k != "enhanced_evidence")
    # Evidence goes to the bank with the update unless submit=false (Stripe's default is true); an update
    # without evidence (metadata only) submits nothing unless submit=true says so. [U]
    submit = p.get("submit") is True or (isinstance(evidence, dict) and p.get("submit") is not False)
    if submit and dispute["status"] in _SUBMITTED:
        dispute["status"] = _SUBMITTED[dispute["status"]]
        dispute["evidence_details"]["submission_count"] += 1
        dispute["evidence_details"]["due_by"] = None
    previous = changed_fields(before, dispute)
    if previous:
        ctx.save(dispute)
        ctx.emit("charge.dispute.updated", dispute, previous_attributes=previous)
    return dispute


@endpoint("POST", "/v1/disputes/{dispute}/close", permission=PERMISSION)
def close(ctx: Context) -> JSONObject:
    """Accepting the dispute: the merchant gives up (a chargeback is lost, an inquiry simply closes)."""
    dispute = _load(ctx)
    _refuse_if_closed(dispute)
    before = copy.deepcopy(dispute)
    dispute["status"] = _CLOSED[dispute["status"]]
    dispute["evidence_details"]["due_by"] = None
    dispute["is_charge_refundable"] = False
    ctx.save(dispute)
    ctx.emit("charge.dispute.closed", dispute, previous_attributes=changed_fields(before, dispute))
    return dispute


@endpoint("GET", "/v1/disputes", permission=PERMISSION)
def list_disputes(ctx: Context) -> JSONObject:
    filters = {"charge": ctx.params.get("charge"), "payment_intent": ctx.params.get("payment_intent")}
    return ctx.list_response(KIND, "/v1/disputes", filters=filters)
