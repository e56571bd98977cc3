"""The customer's invoice credit balance and its ledger (https://docs.stripe.com/billing/customer/balance).

``customer.balance`` is a debit (positive: the customer owes it) or a credit (negative: owed to the
customer) that the *next invoice finalized* for the customer absorbs. Every change is a Customer Balance
Transaction (``cbtxn_…``), an immutable ledger row with the ``ending_balance`` it left; ``customer.balance``
is always the last row's ``ending_balance``. What writes one:

| source | type | amount |
|---|---|---|
| ``POST /v1/customers/{id}/balance_transactions`` | ``adjustment`` | as given |
| customer create / update with ``balance`` | ``initial`` / ``adjustment`` [U] | the difference |
| a credit note's ``credit_amount`` | ``credit_note`` | ``-credit_amount`` (voiding it: the opposite [U]) |
| finalizing an invoice (:func:`apply_to_invoice`) | ``applied_to_invoice`` | what the invoice used |
| an invoice whose total is negative | ``applied_to_invoice`` [U] | the total (credit for later) |
| an amount due below the currency's minimum | ``invoice_too_small`` | the amount due (a debit) |
| voiding an invoice that used the balance | ``unapplied_from_invoice`` | the opposite of what it used |

The balance has one currency, the customer's ``currency`` (set by the first transaction when it is
``null``, as Stripe documents); an invoice in another currency neither uses nor changes it [U: Stripe keeps
one balance per currency in ``invoice_credit_balance``].
"""

from __future__ import annotations

from typing import Any

from sandbox import _currencies as currencies
from sandbox import _errors as errors
from sandbox._api import Context, apply_metadata, changed_fields, endpoint
from sandbox._store import JSONObject

KIND = "customer_balance_transaction"
PERMISSION = "customer"  # [U] Stripe groups balance transactions under the customer's permission


def record(
    ctx: Context,
    customer: JSONObject,
    amount: int,
    currency: str,
    kind: str,
    *,
    credit_note: str | None = None,
    invoice: str | None = None,
    description: str | None = None,
    metadata: dict[str, str] | None = None,
    emit: bool = True,
) -> JSONObject:
    """Add ``amount`` to the customer's balance as one ledger row (saved), and save the customer.

    ``emit``: send ``customer.updated`` for the new balance (a caller that changes more of the customer in
    the same step, e.g. customer update, sends its own)."""
    before = {"balance": customer.get("balance"), "currency": customer.get("currency")}
    if customer.get("currency") is None:
        customer["currency"] = currency
    elif customer["currency"] != currency:
        # [U] wording.
        raise errors.invalid_request(
            f"The customer's balance is in {customer['currency']}; a transaction in {currency} cannot be "
            "added to it.",
            param="currency",
        )
    ending = int(customer.get("balance") or 0) + amount
    customer["balance"] = ending
    txn: JSONObject = {
        "id": ctx.new_id("cbtxn"),
        "object": KIND,
        "amount": amount,
        "checkout_session": None,
        "created": ctx.now(),
        "credit_note": credit_note,
        "currency": currency,
        "customer": customer["id"],
        "customer_account": None,
        "description": description,
        "ending_balance": ending,
        "invoice": invoice,
        "livemode": False,
        "metadata": dict(metadata or {}),
        "type": kind,
    }
    ctx.save(txn)
    ctx.save(customer)
    previous = changed_fields(before, {"balance": ending, "currency": customer["currency"]})
    if emit and previous:
        ctx.emit("customer.updated", customer, previous_attributes=previous)
    return txn


def set_balance(ctx: Context, customer: JSONObject, balance: int, *, initial: bool) -> None:
    """``balance`` given on customer create/update: a ledger row for the difference (no event of its own;
    the customer's ``customer.created`` / ``customer.updated`` carries it)."""
    difference = balance - int(customer.get("balance") or 0)
    if difference:
        currency = str(customer.get("currency") or "usd")  # [U] a customer without a currency: usd
        record(ctx, customer, difference, currency, "initial" if initial else "adjustment", emit=False)


def _customer(ctx: Context) -> JSONObject:
    customer = ctx.load("customer", ctx.path["customer"], param="customer")
    ctx.enter_clock(customer.get("test_clock"))
    return customer


@endpoint("POST", "/v1/customers/{customer}/balance_transactions", permission=PERMISSION)
def create_transaction(ctx: Context) -> JSONObject:
    customer = _customer(ctx)
    p = ctx.params
    for name in ("amount", "currency"):
        if p.get(name) in (None, ""):
            raise errors.parameter_missing(name)
    currency = currencies.normalize(str(p["currency"]))
    return record(
        ctx,
        customer,
        int(p["amount"]),
        currency,
        "adjustment",
        description=p.get("description") or None,
        metadata=apply_metadata({}, p.get("metadata")),
    )


def _transaction(ctx: Context) -> JSONObject:
    customer = _customer(ctx)
    txn = ctx.load(KIND, ctx.path["transaction"], param="transaction", noun="customer balance transaction")
    if txn["customer"] != customer["id"]:
        raise errors.resource_missing("customer balance transaction", txn["id"], "transaction")
    return txn


@endpoint("GET", "/v1/customers/{customer}/balance_transactions/{transaction}", permission=PERMISSION)
def retrieve_transaction(ctx: Context) -> JSONObject:
    return _transaction(ctx)


@endpoint("POST", "/v1/customers/{customer}/balance_transactions/{transaction}", permission=PERMISSION)
def update_transaction(ctx: Context) -> JSONObject:
    """Only ``description`` and ``metadata`` change: the ledger itself is immutable."""
    txn = _transaction(ctx)
    if "description" in ctx.params:
        txn["description"] = ctx.params["description"] or None
    if "metadata" in ctx.params:
        txn["metadata"] = apply_metadata(txn.get("metadata"), ctx.params["metadata"])
    ctx.save(txn)
    return txn


@endpoint("GET", "/v1/customers/{customer}/balance_transactions", permission=PERMISSION)
def list_transactions(ctx: Context) -> JSONObject:
    customer = _customer(ctx)
    filters: dict[str, Any] = {"customer": customer["id"]}
    if ctx.params.get("invoice"):
        filters["invoice"] = ctx.params["invoice"]
    return ctx.list_response(KIND, f"/v1/customers/{customer['id']}/balance_transactions", filters=filters)


# --- invoices --------------------------------------------------------------------------------------------


def apply_to_invoice(ctx: Context, invoice: JSONObject, customer: JSONObject) -> None:
    """At finalization: the invoice starts from the customer's balance and uses it.

    ``starting_balance`` is the balance before; a credit lowers ``amount_due`` (never below 0), a debit
    raises it; a negative total adds its excess to the credit. ``ending_balance`` is what is left."""
    currency = str(invoice["currency"])
    balance = int(customer.get("balance") or 0)
    same_currency = customer.get("currency") in (None, currency)
    starting = balance if same_currency else 0
    total = int(invoice["total"])
    due = int(invoice["amount_due"])
    if not same_currency:
        used = 0
    elif total < 0:
        used = total  # the excess of a negative invoice becomes credit [U: type applied_to_invoice]
    elif starting > 0:
        used = -starting  # a debit is collected with this invoice
    else:
        used = min(-starting, due)  # a credit pays what it can
    invoice["starting_balance"] = starting
    invoice["ending_balance"] = starting + used
    if used:
        invoice["amount_due"] = max(due - used, 0) if total >= 0 else 0
        invoice["amount_remaining"] = max(int(invoice["amount_due"]) - int(invoice["amount_paid"]), 0)
        record(ctx, customer, used, currency, "applied_to_invoice", invoice=invoice["id"])


def carry_too_small(ctx: Context, invoice: JSONObject, customer: JSONObject) -> None:
    """An amount due below the currency's minimum is not charged: it moves to the balance as a debit and
    the invoice is paid (docs: "less than the minimum chargeable amount")."""
    due = int(invoice["amount_due"])
    txn = record(ctx, customer, due, str(invoice["currency"]), "invoice_too_small", invoice=invoice["id"])
    invoice.update(amount_due=0, amount_remaining=0, ending_balance=txn["ending_balance"])


def unapply_from_invoice(ctx: Context, invoice: JSONObject) -> None:
    """Voiding an invoice gives back the balance it used (``unapplied_from_invoice``)."""
    used = sum(
        int(t["amount"])
        for t in ctx.query(KIND, {"invoice": invoice["id"]})
        if t["type"] in ("applied_to_invoice", "invoice_too_small")
    )
    customer = ctx.get(str(invoice["customer"]))
    if used and customer is not None and not customer.get("deleted"):
        record(
            ctx, customer, -used, str(invoice["currency"]), "unapplied_from_invoice", invoice=invoice["id"]
        )


def credit_from_note(ctx: Context, note: JSONObject, amount: int) -> JSONObject | None:
    """A credit note's ``credit_amount`` as a credit in the customer's balance; the note names the row."""
    customer = ctx.get(str(note["customer"]))
    if not amount or customer is None or customer.get("deleted"):
        return None
    txn = record(
        ctx,
        customer,
        -amount,
        str(note["currency"]),
        "credit_note",
        credit_note=note["id"],
        invoice=str(note["invoice"]),
    )
    note["customer_balance_transaction"] = txn["id"]
    return txn


def reverse_note_credit(ctx: Context, note: JSONObject) -> None:
    """Voiding a credit note takes its credit back out of the balance [U: Stripe documents no rule; the
    balance may turn into a debit if the credit was already used]."""
    txn = ctx.get(str(note.get("customer_balance_transaction") or ""))
    customer = ctx.get(str(note["customer"]))
    if txn is None or customer is None or customer.get("deleted"):
        return
    record(
        ctx,
        customer,
        -int(txn["amount"]),
        str(txn["currency"]),
        "credit_note",
        credit_note=note["id"],
        invoice=str(note["invoice"]),
    )
