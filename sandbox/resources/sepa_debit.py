"""SEPA Direct Debit with Stripe's test IBANs (https://docs.stripe.com/payments/sepa-debit): a PaymentMethod
``type=sepa_debit`` from an IBAN, and payments that stay ``processing`` until the bank answers.

Confirming a PaymentIntent with one answers ``processing`` (``payment_intent.processing``, a ``pending``
charge, ``charge.pending``); the outcome is a scheduled job (``sandbox._scheduler``), so it follows the wall
clock or the customer's test clock like everything else that happens later. The IBAN decides:

| IBAN | outcome | after |
|---|---|---|
| ``AT611904300234573201`` | succeeded | at once |
| ``AT321904300235473204`` | succeeded | 3 minutes |
| ``AT861904300235473202`` | failed | at once |
| ``AT051904300235473205`` | failed | 3 minutes |
| ``IT60X0542811101000000123456`` | failed | at once |
| any other IBAN with a valid checksum | succeeded | at once |

"At once" is the first moment the scheduler looks after the confirming request ([U]: Stripe's docs say only
that these IBANs move from processing to their outcome; the sandbox runs the job right after the request so
the ``processing`` step is still seen). [U] the Italian IBAN (the Stripe CLI's failing example). Success: the
charge and the PaymentIntent succeed (``charge.succeeded``, ``payment_intent.succeeded``). Failure: the charge
fails (``failure_code: insufficient_funds`` [U]) and the PaymentIntent returns to ``requires_payment_method``
(``payment_intent.payment_failed``). A Checkout Session paid this way completes ``unpaid`` at once, then sends
``checkout.session.async_payment_succeeded`` or ``async_payment_failed``.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib

from sandbox import _errors as errors
from sandbox import _scheduler as scheduler
from sandbox._api import Context, apply_metadata
from sandbox._store import JSONObject
from sandbox.resources import balance

SETTLE = "payment_intent.sepa_debit_settle"
DELAY_LONG = 180
_TEST_IBANS: dict[str, tuple[str, int]] = {
    "AT611904300234573201": ("succeeded", 0),
    "AT321904300235473204": ("succeeded", DELAY_LONG),
    "AT861904300235473202": ("failed", 0),
    "AT051904300235473205": ("failed", DELAY_LONG),
    "IT60X0542811101000000123456": ("failed", 0),
}
FAILURE_MESSAGE = "The customer's account has insufficient funds to cover this payment."  # [U]


def normalize_iban(raw: str) -> str:
    return "".join(raw.split()).upper()


def iban_ok(iban: str) -> bool:
    """ISO 13616: two letters, two check digits, then the account; mod 97 of the rearranged number is 1."""
    if (
        len(iban) < 15
        or len(iban) > 34
        or not iban[:2].isalpha()
        or not iban[2:4].isdigit()
        or not iban.isalnum()
    ):
        return False
    rearranged = iban[4:] + iban[:4]
    digits = "".join(str(int(c, 36)) for c in rearranged)
    return int(digits) % 97 == 1


def fingerprint(iban: str) -> str:
    """Stable per IBAN, as Stripe's is, without revealing it (the full IBAN is never stored)."""
    return hashlib.sha256(b"sandbox-iban:" + iban.encode()).hexdigest()[:16]


_BY_FINGERPRINT = {fingerprint(iban): outcome for iban, outcome in _TEST_IBANS.items()}


def outcome_of(pm: JSONObject) -> tuple[str, int]:
    return _BY_FINGERPRINT.get(str((pm.get("sepa_debit") or {}).get("fingerprint")), ("succeeded", 0))


def create_payment_method(ctx: Context, billing_details: JSONObject) -> JSONObject:
    """``POST /v1/payment_methods`` with ``type=sepa_debit`` and ``sepa_debit[iban]``."""
    p = ctx.params
    given = p.get("sepa_debit")
    if not isinstance(given, dict) or not given.get("iban"):
        raise errors.parameter_missing("sepa_debit[iban]")
    iban = normalize_iban(str(given["iban"]))
    if not iban_ok(iban):
        # [U] wording and code
        raise errors.invalid_request(
            f"The IBAN you provided ({iban[:4]}…) is invalid: check its country code, check digits and "
            "length.",
            param="sepa_debit[iban]",
            code="invalid_bank_account_iban",
        )
    pm: JSONObject = {
        "id": ctx.new_id("pm"),
        "object": "payment_method",
        "allow_redisplay": str(p.get("allow_redisplay") or "unspecified"),
        "billing_details": billing_details,
        "created": ctx.now(),
        "customer": None,
        "livemode": False,
        "metadata": apply_metadata({}, p.get("metadata")),
        "sepa_debit": {
            "bank_code": iban[4:9],
            "branch_code": "",
            "country": iban[:2],
            "fingerprint": fingerprint(iban),
            "generated_from": {"charge": None, "setup_attempt": None},
            "last4": iban[-4:],
        },
        "type": "sepa_debit",
    }
    ctx.save(pm)
    return pm


def _debit_date(when: int) -> str:
    return dt.datetime.fromtimestamp(when, dt.UTC).date().isoformat()


def _charge(ctx: Context, pi: JSONObject, pm: JSONObject) -> JSONObject:
    sepa = pm["sepa_debit"]
    return {
        "id": ctx.new_id("py"),
        "object": "charge",
        "amount": pi["amount"],
        "amount_captured": pi["amount"],
        "amount_refunded": 0,
        "application": None,
        "application_fee": None,
        "application_fee_amount": None,
        "balance_transaction": None,
        "billing_details": copy.deepcopy(pm.get("billing_details")),
        "calculated_statement_descriptor": "SANDBOX",
        "captured": True,
        "created": ctx.now(),
        "currency": pi["currency"],
        "customer": pi.get("customer"),
        "description": pi.get("description"),
        "disputed": False,
        "failure_balance_transaction": None,
        "failure_code": None,
        "failure_message": None,
        "fraud_details": {},
        "livemode": False,
        "metadata": dict(pi.get("metadata") or {}),
        "on_behalf_of": None,
        "outcome": {
            "network_status": "approved_by_network",
            "reason": None,
            "risk_level": "not_assessed",
            "seller_message": "Payment complete.",
            "type": "authorized",
        },
        "paid": False,
        "payment_intent": pi["id"],
        "payment_method": pm["id"],
        "payment_method_details": {
            "sepa_debit": {
                "bank_code": sepa["bank_code"],
                "branch_code": sepa["branch_code"],
                "country": sepa["country"],
                "expected_debit_date": _debit_date(ctx.now() + outcome_of(pm)[1]),
                "fingerprint": sepa["fingerprint"],
                "last4": sepa["last4"],
                "mandate": None,
            },
            "type": "sepa_debit",
        },
        "radar_options": {},
        "receipt_email": pi.get("receipt_email"),
        "receipt_number": None,
        "receipt_url": None,
        "refunded": False,
        "review": None,
        "shipping": None,
        "source_transfer": None,
        "statement_descriptor": pi.get("statement_descriptor"),
        "statement_descriptor_suffix": pi.get("statement_descriptor_suffix"),
        "status": "pending",
        "transfer_data": None,
        "transfer_group": None,
    }


def confirm(ctx: Context, pi: JSONObject, pm: JSONObject) -> JSONObject:
    """The debit is submitted: ``processing`` until the settle job decides."""
    if "sepa_debit" not in (pi.get("payment_method_types") or []):
        raise errors.invalid_request(
            "The PaymentMethod provided (sepa_debit) is not allowed for this PaymentIntent. Create it with "
            "payment_method_types[]=sepa_debit.",
            param="payment_method",
        )  # [U] wording
    if str(pi.get("currency")) != "eur":
        raise errors.invalid_request(
            "SEPA Direct Debit payments must be in EUR.", param="currency"
        )  # [U] wording
    charge = _charge(ctx, pi, pm)
    ctx.save(charge)
    pi.update(
        status="processing",
        payment_method=pm["id"],
        latest_charge=charge["id"],
        last_payment_error=None,
        next_action=None,
    )
    ctx.save(pi)
    ctx.emit("charge.pending", copy.deepcopy(charge))
    ctx.emit("payment_intent.processing", copy.deepcopy(pi))
    outcome, delay = outcome_of(pm)
    scheduler.schedule(ctx, SETTLE, at=ctx.now() + delay, target=pi["id"], data={"outcome": outcome})
    return pi


@scheduler.handler(SETTLE)
def settle(ctx: Context, job: scheduler.Job) -> None:
    pi = ctx.get(job.target)
    if pi is None or pi.get("status") != "processing":
        return
    charge = ctx.get(str(pi.get("latest_charge")))
    if charge is None:
        return
    before_charge = {"status": charge["status"], "paid": charge["paid"]}
    if job.data.get("outcome") == "succeeded":
        charge.update(status="succeeded", paid=True, balance_transaction=ctx.new_id("txn"))
        pi.update(status="succeeded", amount_received=pi["amount"])
        ctx.save(charge)
        balance.funds_arrived(ctx, charge)
        ctx.save(pi)
        ctx.emit("charge.succeeded", copy.deepcopy(charge), previous_attributes=before_charge)
        ctx.emit("payment_intent.succeeded", copy.deepcopy(pi))
    else:
        charge.update(status="failed", failure_code="insufficient_funds", failure_message=FAILURE_MESSAGE)
        pm = ctx.get(str(pi.get("payment_method"))) or {}
        pi.update(
            status="requires_payment_method",
            payment_method=None,
            latest_charge=charge["id"],
            last_payment_error={
                "charge": charge["id"],
                "code": "insufficient_funds",
                "doc_url": errors.doc_url("insufficient_funds"),
                "message": FAILURE_MESSAGE,
                "payment_method": copy.deepcopy(pm) if pm else None,
                "type": "card_error",  # [U] Stripe reports bank debits' failures with this type too
            },
        )
        ctx.save(charge)
        ctx.save(pi)
        ctx.emit("charge.failed", copy.deepcopy(charge), previous_attributes=before_charge)
        ctx.emit("payment_intent.payment_failed", copy.deepcopy(pi))
    _settle_checkout(ctx, pi)


def _settle_checkout(ctx: Context, pi: JSONObject) -> None:
    from sandbox.resources import checkout_sessions as sessions

    for session in ctx.query(sessions.KIND, {"payment_intent": pi["id"]}):
        if session.get("status") != "complete" or session.get("payment_status") != "unpaid":
            continue
        if pi["status"] == "succeeded":
            session["payment_status"] = "paid"
            ctx.save(session)
            ctx.emit("checkout.session.async_payment_succeeded", copy.deepcopy(session))
        else:
            ctx.emit("checkout.session.async_payment_failed", copy.deepcopy(session))
