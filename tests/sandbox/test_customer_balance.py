"""The customer's credit balance through the SDK: credit notes feed it, the next invoice uses it, the ledger
(customer balance transactions) records every step; promotion code minimums on invoices and subscriptions."""

from __future__ import annotations

import pytest
import stripe
from billing_setup import customer, event_types, monthly_price, paying_customer


def _paid_invoice(client: stripe.StripeClient, cus: stripe.Customer, amount: int) -> stripe.Invoice:
    invoice = client.v1.invoices.create(params={"customer": cus.id})
    client.v1.invoice_items.create(
        params={"customer": cus.id, "invoice": invoice.id, "amount": amount, "currency": "usd"}
    )
    return client.v1.invoices.pay(invoice.id)


def test_a_credit_note_credit_pays_part_of_the_next_invoice(stripe_client: stripe.StripeClient) -> None:
    cus = paying_customer(stripe_client)
    first = _paid_invoice(stripe_client, cus, 5000)
    note = stripe_client.v1.credit_notes.create(
        params={"invoice": first.id, "amount": 1200, "credit_amount": 1200}
    )
    txn_id = str(note.customer_balance_transaction)
    assert txn_id.startswith("cbtxn_")
    after_note = stripe_client.v1.customers.retrieve(cus.id)
    assert (after_note.balance, after_note.currency) == (-1200, "usd")
    txn = stripe_client.v1.customers.balance_transactions.retrieve(cus.id, txn_id)
    assert (txn.type, txn.amount, txn.ending_balance, txn.credit_note, txn.invoice) == (
        "credit_note", -1200, -1200, note.id, first.id,
    )  # fmt: skip

    second = stripe_client.v1.invoices.create(params={"customer": cus.id})
    assert second.starting_balance == -1200  # a draft shows the balance as it is now
    stripe_client.v1.invoice_items.create(
        params={"customer": cus.id, "invoice": second.id, "amount": 3000, "currency": "usd"}
    )
    final = stripe_client.v1.invoices.finalize_invoice(second.id)
    # $30.00 total, $12.00 of credit: $18.00 due; the balance is used up.
    assert (final.total, final.amount_due, final.starting_balance, final.ending_balance) == (
        3000,
        1800,
        -1200,
        0,
    )
    paid = stripe_client.v1.invoices.pay(second.id)
    assert (paid.status, paid.amount_paid) == ("paid", 1800)
    assert stripe_client.v1.customers.retrieve(cus.id).balance == 0
    ledger = stripe_client.v1.customers.balance_transactions.list(cus.id).data
    assert [(t.type, t.amount, t.ending_balance) for t in ledger] == [
        ("applied_to_invoice", 1200, 0),
        ("credit_note", -1200, -1200),
    ]
    assert ledger[0].invoice == second.id
    assert "customer.updated" in event_types(stripe_client)


def test_credit_larger_than_the_invoice_pays_it_and_the_rest_stays(
    stripe_client: stripe.StripeClient,
) -> None:
    cus = customer(stripe_client)
    credit = stripe_client.v1.customers.balance_transactions.create(
        cus.id, params={"amount": -5000, "currency": "usd", "description": "Goodwill"}
    )
    assert (credit.type, credit.ending_balance, credit.description) == ("adjustment", -5000, "Goodwill")
    invoice = stripe_client.v1.invoices.create(params={"customer": cus.id})
    stripe_client.v1.invoice_items.create(
        params={"customer": cus.id, "invoice": invoice.id, "amount": 2000, "currency": "usd"}
    )
    final = stripe_client.v1.invoices.finalize_invoice(invoice.id)
    # No card needed: the credit covers it all, so it is paid at finalization.
    assert (final.status, final.amount_due, final.starting_balance, final.ending_balance) == (
        "paid", 0, -5000, -3000,
    )  # fmt: skip
    assert stripe_client.v1.customers.retrieve(cus.id).balance == -3000


def test_a_debit_is_collected_and_voiding_gives_it_back(stripe_client: stripe.StripeClient) -> None:
    cus = paying_customer(stripe_client)
    stripe_client.v1.customers.update(cus.id, params={"balance": 700})
    (initial,) = stripe_client.v1.customers.balance_transactions.list(cus.id).data
    assert (initial.type, initial.amount) == ("adjustment", 700)
    invoice = stripe_client.v1.invoices.create(params={"customer": cus.id})
    stripe_client.v1.invoice_items.create(
        params={"customer": cus.id, "invoice": invoice.id, "amount": 1000, "currency": "usd"}
    )
    final = stripe_client.v1.invoices.finalize_invoice(invoice.id)
    assert (final.amount_due, final.starting_balance, final.ending_balance) == (1700, 700, 0)
    stripe_client.v1.invoices.void_invoice(invoice.id)
    assert stripe_client.v1.customers.retrieve(cus.id).balance == 700
    types = [t.type for t in stripe_client.v1.customers.balance_transactions.list(cus.id).data]
    assert types == ["unapplied_from_invoice", "applied_to_invoice", "adjustment"]


def test_balance_transactions_are_validated_and_scoped(stripe_client: stripe.StripeClient) -> None:
    cus = customer(stripe_client, balance=-300)
    (initial,) = stripe_client.v1.customers.balance_transactions.list(cus.id).data
    assert (initial.type, initial.amount, cus.balance) == ("initial", -300, -300)
    with pytest.raises(stripe.InvalidRequestError) as missing:
        stripe_client.v1.customers.balance_transactions.create(cus.id, params={"amount": 100})  # type: ignore[typeddict-item]
    assert missing.value.error.param == "currency"
    with pytest.raises(stripe.InvalidRequestError) as other_currency:
        stripe_client.v1.customers.balance_transactions.create(
            cus.id, params={"amount": 100, "currency": "eur"}
        )
    assert "in usd" in str(other_currency.value.error.message)
    updated = stripe_client.v1.customers.balance_transactions.update(
        cus.id, initial.id, params={"metadata": {"ticket": "42"}}
    )
    assert (updated.metadata.to_dict(), updated.amount) == ({"ticket": "42"}, -300)
    stranger = customer(stripe_client)
    with pytest.raises(stripe.InvalidRequestError) as foreign:
        stripe_client.v1.customers.balance_transactions.retrieve(stranger.id, initial.id)
    assert foreign.value.http_status == 404


def test_an_invoice_below_the_minimum_moves_to_the_balance(stripe_client: stripe.StripeClient) -> None:
    cus = paying_customer(stripe_client)
    invoice = stripe_client.v1.invoices.create(params={"customer": cus.id})
    stripe_client.v1.invoice_items.create(
        params={"customer": cus.id, "invoice": invoice.id, "amount": 30, "currency": "usd"}
    )
    final = stripe_client.v1.invoices.finalize_invoice(invoice.id)
    assert (final.status, final.amount_due, final.ending_balance) == ("paid", 0, 30)
    (txn,) = stripe_client.v1.customers.balance_transactions.list(cus.id).data
    assert (txn.type, txn.amount, txn.invoice) == ("invoice_too_small", 30, invoice.id)


def test_voiding_a_credit_note_takes_its_credit_back(stripe_client: stripe.StripeClient) -> None:
    cus = paying_customer(stripe_client)
    invoice = _paid_invoice(stripe_client, cus, 4000)
    note = stripe_client.v1.credit_notes.create(
        params={"invoice": invoice.id, "amount": 500, "credit_amount": 500}
    )
    stripe_client.v1.credit_notes.void_credit_note(note.id)
    assert stripe_client.v1.customers.retrieve(cus.id).balance == 0
    amounts = [t.amount for t in stripe_client.v1.customers.balance_transactions.list(cus.id).data]
    assert amounts == [500, -500]


def _minimum_code(client: stripe.StripeClient, minimum: int) -> stripe.PromotionCode:
    coupon = client.v1.coupons.create(params={"percent_off": 10, "duration": "forever"})
    return client.v1.promotion_codes.create(
        params={
            "promotion": {"type": "coupon", "coupon": coupon.id},
            "code": f"MIN{minimum}",
            "restrictions": {"minimum_amount": minimum, "minimum_amount_currency": "usd"},
        }
    )


def test_promotion_code_minimum_on_invoices(stripe_client: stripe.StripeClient) -> None:
    promo = _minimum_code(stripe_client, 5000)
    cus = paying_customer(stripe_client)
    invoice = stripe_client.v1.invoices.create(
        params={"customer": cus.id, "discounts": [{"promotion_code": promo.id}]}
    )
    stripe_client.v1.invoice_items.create(
        params={"customer": cus.id, "invoice": invoice.id, "amount": 3000, "currency": "usd"}
    )
    with pytest.raises(stripe.InvalidRequestError) as below:
        stripe_client.v1.invoices.finalize_invoice(invoice.id)
    assert below.value.error.message == "The promotion code `MIN5000` requires a minimum amount of $50.00."
    assert below.value.error.param == "discounts"
    assert stripe_client.v1.invoices.retrieve(invoice.id).status == "draft"  # nothing changed
    stripe_client.v1.invoice_items.create(
        params={"customer": cus.id, "invoice": invoice.id, "amount": 2500, "currency": "usd"}
    )
    final = stripe_client.v1.invoices.finalize_invoice(invoice.id)
    assert (final.status, final.total) == ("open", 4950)  # $55.00 − 10 %
    with pytest.raises(stripe.InvalidRequestError) as item:
        stripe_client.v1.invoice_items.create(
            params={"customer": cus.id, "amount": 1000, "currency": "usd",
                    "discounts": [{"promotion_code": promo.id}]}
        )  # fmt: skip
    assert "minimum amount of $50.00" in str(item.value.error.message)


def test_promotion_code_minimum_on_subscriptions(stripe_client: stripe.StripeClient) -> None:
    promo = _minimum_code(stripe_client, 2000)
    cus = paying_customer(stripe_client)
    price = monthly_price(stripe_client, 1500)
    with pytest.raises(stripe.InvalidRequestError) as below:
        stripe_client.v1.subscriptions.create(
            params={"customer": cus.id, "items": [{"price": price.id}],
                    "discounts": [{"promotion_code": promo.id}]}
        )  # fmt: skip
    assert "requires a minimum amount of $20.00" in str(below.value.error.message)
    sub = stripe_client.v1.subscriptions.create(
        params={"customer": cus.id, "items": [{"price": price.id, "quantity": 2}],
                "discounts": [{"promotion_code": promo.id}]}
    )  # fmt: skip
    assert sub.status == "active"
    latest = stripe_client.v1.invoices.retrieve(str(sub.latest_invoice))
    assert latest.total == 2700
