"""Credit notes through the SDK: preview, create on open and paid invoices, allocation, void, events."""

from __future__ import annotations

import pytest
import stripe
from billing_setup import customer, event_types, paying_customer


def _paid_worked_example(client: stripe.StripeClient) -> tuple[stripe.Invoice, stripe.TaxRate]:
    """The worked example of test_discount_tax_rules, paid: $161.50."""
    sales = client.v1.tax_rates.create(params={"display_name": "Sales", "percentage": 10, "inclusive": False})
    vat = client.v1.tax_rates.create(params={"display_name": "VAT", "percentage": 20, "inclusive": True})
    coupon = client.v1.coupons.create(params={"percent_off": 15})
    cus = paying_customer(client)
    invoice = client.v1.invoices.create(params={"customer": cus.id, "discounts": [{"coupon": coupon.id}]})
    for amount, rates in ((10000, [sales.id]), (5000, [vat.id]), (3000, [])):
        client.v1.invoice_items.create(
            params={"customer": cus.id, "invoice": invoice.id, "amount": amount, "currency": "usd",
                    "tax_rates": rates}
        )  # fmt: skip
    paid = client.v1.invoices.pay(invoice.id)
    assert (paid.status, paid.amount_paid) == ("paid", 16150)
    return paid, sales


def test_partial_credit_note_on_a_paid_invoice_refunds(stripe_client: stripe.StripeClient) -> None:
    invoice, sales = _paid_worked_example(stripe_client)
    first = invoice.lines.data[0]
    # $40.00 of the $100.00 line: its 15 % discount share is $6.00, 10 % tax on $34.00 is $3.40: $37.40.
    params = {
        "invoice": invoice.id,
        "lines": [{"type": "invoice_line_item", "invoice_line_item": first.id, "amount": 4000}],
        "refund_amount": 3740,
        "reason": "product_unsatisfactory",
    }
    preview = stripe_client.v1.credit_notes.preview(params=params)  # type: ignore[arg-type]
    assert (preview.total, preview.subtotal, preview.discount_amount) == (3740, 4000, 600)
    assert stripe_client.v1.credit_notes.list().data == []
    note = stripe_client.v1.credit_notes.create(params=params)  # type: ignore[arg-type]
    assert note.id.startswith("cn_")
    assert note.number == f"{invoice.number}-CN-01"
    assert (note.amount, note.total, note.subtotal, note.total_excluding_tax) == (3740, 3740, 4000, 3400)
    assert (note.pre_payment_amount, note.post_payment_amount, note.type) == (0, 3740, "post_payment")
    assert [(t.amount, t.taxable_amount, t.tax_rate_details.tax_rate) for t in note.total_taxes] == [
        (340, 3400, sales.id)
    ]
    (line,) = note.lines.data
    assert (line.type, line.invoice_line_item, line.amount, line.discount_amount) == (
        "invoice_line_item", first.id, 4000, 600,
    )  # fmt: skip
    (refund_entry,) = note.refunds
    refund = stripe_client.v1.refunds.retrieve(str(refund_entry.refund))
    assert (refund.amount, refund_entry.amount_refunded) == (3740, 3740)
    after = stripe_client.v1.invoices.retrieve(invoice.id)
    assert (after.post_payment_credit_notes_amount, after.pre_payment_credit_notes_amount) == (3740, 0)
    assert [n.id for n in stripe_client.v1.credit_notes.list(params={"invoice": invoice.id}).data] == [
        note.id
    ]
    lines = stripe_client.v1.credit_notes.line_items.list(note.id)
    assert [x.id for x in lines.data] == [line.id]
    with pytest.raises(stripe.InvalidRequestError) as info:
        stripe_client.v1.credit_notes.void_credit_note(note.id)
    assert "refund" in str(info.value.error.message)
    assert "credit_note.created" in event_types(stripe_client)


def test_post_payment_amounts_must_be_allocated(stripe_client: stripe.StripeClient) -> None:
    invoice, _ = _paid_worked_example(stripe_client)
    with pytest.raises(stripe.InvalidRequestError) as info:
        stripe_client.v1.credit_notes.create(params={"invoice": invoice.id, "amount": 1000})
    assert "must equal the credit note's post-payment amount ($10.00)" in str(info.value.error.message)
    split = stripe_client.v1.credit_notes.create(
        params={"invoice": invoice.id, "amount": 1000, "credit_amount": 400, "out_of_band_amount": 600}
    )
    assert (split.out_of_band_amount, split.refunds, split.lines.data) == (600, [], [])
    with pytest.raises(stripe.InvalidRequestError) as over:
        stripe_client.v1.credit_notes.create(
            params={"invoice": invoice.id, "amount": 16000, "out_of_band_amount": 16000}
        )
    assert "remains creditable" in str(over.value.error.message)


def test_credit_note_on_an_open_invoice_lowers_what_is_due(stripe_client: stripe.StripeClient) -> None:
    cus = customer(stripe_client)
    invoice = stripe_client.v1.invoices.create(
        params={"customer": cus.id, "collection_method": "send_invoice", "days_until_due": 30}
    )
    stripe_client.v1.invoice_items.create(
        params={"customer": cus.id, "invoice": invoice.id, "amount": 5000, "currency": "usd"}
    )
    stripe_client.v1.invoices.finalize_invoice(invoice.id)
    note = stripe_client.v1.credit_notes.create(
        params={"invoice": invoice.id, "amount": 2000, "memo": "Late"}
    )
    assert (note.pre_payment_amount, note.post_payment_amount, note.type) == (2000, 0, "pre_payment")
    opened = stripe_client.v1.invoices.retrieve(invoice.id)
    assert (opened.status, opened.amount_due, opened.amount_remaining) == ("open", 3000, 3000)
    assert opened.pre_payment_credit_notes_amount == 2000
    voided = stripe_client.v1.credit_notes.void_credit_note(note.id)
    assert (voided.status, voided.voided_at is not None) == ("void", True)
    restored = stripe_client.v1.invoices.retrieve(invoice.id)
    assert (restored.amount_due, restored.pre_payment_credit_notes_amount) == (5000, 0)
    updated = stripe_client.v1.credit_notes.update(note.id, params={"memo": "Voided: wrong amount"})
    assert updated.memo == "Voided: wrong amount"
    whole = stripe_client.v1.credit_notes.create(params={"invoice": invoice.id, "amount": 5000})
    assert whole.number == f"{restored.number}-CN-02"
    assert stripe_client.v1.invoices.retrieve(invoice.id).status == "paid"
    types = event_types(stripe_client)
    assert [t for t in types if t.startswith("credit_note.")] == [
        "credit_note.created",
        "credit_note.voided",
        "credit_note.updated",
        "credit_note.created",
    ]
    assert "invoice.paid" in types


def test_credit_notes_need_a_finalized_invoice(stripe_client: stripe.StripeClient) -> None:
    cus = customer(stripe_client)
    draft = stripe_client.v1.invoices.create(params={"customer": cus.id})
    with pytest.raises(stripe.InvalidRequestError) as info:
        stripe_client.v1.credit_notes.create(params={"invoice": draft.id, "amount": 100})
    assert info.value.param == "invoice"
    with pytest.raises(stripe.InvalidRequestError) as missing:
        stripe_client.v1.credit_notes.retrieve("cn_nope")
    assert missing.value.error.message == "No such credit note: 'cn_nope'"
