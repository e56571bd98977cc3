"""Invoices through the SDK: drafts, pending items, finalize, pay (and declines), void, uncollectible,
updates, deletes, lists, search, lines and the hosted invoice page."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest
import stripe
from billing_setup import card, customer, event_types, paying_customer


def _draft_with(client: stripe.StripeClient, cus_id: str, *amounts: int, **params: object) -> stripe.Invoice:
    invoice = client.v1.invoices.create(params={"customer": cus_id, **params})
    for amount in amounts:
        client.v1.invoice_items.create(
            params={"customer": cus_id, "invoice": invoice.id, "amount": amount, "currency": "usd"}
        )
    return client.v1.invoices.retrieve(invoice.id)


def test_a_new_invoice_is_an_empty_draft(stripe_client: stripe.StripeClient) -> None:
    cus = customer(stripe_client)
    invoice = stripe_client.v1.invoices.create(
        params={"customer": cus.id, "description": "March", "metadata": {"k": "v"}}
    )
    assert invoice.object == "invoice"
    assert invoice.status == "draft"
    assert invoice.number is None
    assert invoice.hosted_invoice_url is None
    assert (invoice.total, invoice.amount_due, invoice.amount_remaining) == (0, 0, 0)
    assert invoice.collection_method == "charge_automatically"
    assert invoice.auto_advance is False
    assert invoice.billing_reason == "manual"
    assert invoice.customer_email == "billing@example.com"
    assert invoice.lines.data == []
    assert "invoice.created" in event_types(stripe_client)


def test_pending_items_are_excluded_unless_asked_for(stripe_client: stripe.StripeClient) -> None:
    cus = customer(stripe_client)
    item = stripe_client.v1.invoice_items.create(
        params={"customer": cus.id, "amount": 800, "currency": "usd"}
    )
    excluded = stripe_client.v1.invoices.create(params={"customer": cus.id})
    assert excluded.total == 0
    assert stripe_client.v1.invoice_items.retrieve(item.id).invoice is None
    included = stripe_client.v1.invoices.create(
        params={"customer": cus.id, "pending_invoice_items_behavior": "include"}
    )
    assert included.total == 800
    assert stripe_client.v1.invoice_items.retrieve(item.id).invoice == included.id


def test_send_invoice_needs_a_due_date(stripe_client: stripe.StripeClient) -> None:
    cus = customer(stripe_client)
    with pytest.raises(stripe.InvalidRequestError) as info:
        stripe_client.v1.invoices.create(params={"customer": cus.id, "collection_method": "send_invoice"})
    assert info.value.error.message == (
        "Invoices with `send_invoice` collection method must have either a `due_date` or "
        "`days_until_due` set."
    )
    assert info.value.param == "days_until_due"


def test_finalize_numbers_opens_and_links_the_hosted_page(
    stripe_client: stripe.StripeClient, sandbox: object
) -> None:
    cus = customer(stripe_client)
    draft = _draft_with(stripe_client, cus.id, 123456, collection_method="send_invoice", days_until_due=14)
    opened = stripe_client.v1.invoices.finalize_invoice(draft.id)
    assert opened.status == "open"
    assert opened.number is not None
    assert opened.number.endswith("-0001")
    assert opened.status_transitions.finalized_at is not None
    assert opened.due_date == opened.status_transitions.finalized_at + 14 * 86400
    assert opened.invoice_pdf is None
    assert opened.amount_due == opened.amount_remaining == 123456
    assert opened.hosted_invoice_url.startswith(sandbox.public_url + "/i/")  # type: ignore[attr-defined]
    with urllib.request.urlopen(opened.hosted_invoice_url, timeout=10) as page:
        html = page.read().decode()
    assert opened.number in html
    assert "$1,234.56" in html
    second = _draft_with(stripe_client, cus.id, 100, collection_method="send_invoice", days_until_due=1)
    assert stripe_client.v1.invoices.finalize_invoice(second.id).number.endswith("-0002")  # type: ignore[union-attr]
    with pytest.raises(stripe.InvalidRequestError) as info:
        stripe_client.v1.invoices.finalize_invoice(draft.id)
    assert info.value.error.message == (
        "This invoice is already finalized, you can't re-finalize a non-draft invoice."
    )


def test_a_charge_automatically_invoice_gets_a_payment_intent(stripe_client: stripe.StripeClient) -> None:
    cus = customer(stripe_client)
    draft = _draft_with(stripe_client, cus.id, 900)
    opened = stripe_client.v1.invoices.finalize_invoice(draft.id)
    assert "confirmation_secret" not in opened  # includable: only returned when expanded
    assert "payments" not in opened
    opened = stripe_client.v1.invoices.retrieve(
        draft.id, params={"expand": ["confirmation_secret", "payments"]}
    )
    assert opened.payments.data[0].payment.type == "payment_intent"
    assert opened.confirmation_secret is not None
    assert opened.confirmation_secret.type == "payment_intent"
    pi_id = opened.confirmation_secret.client_secret.split("_secret_")[0]
    pi = stripe_client.v1.payment_intents.retrieve(pi_id)
    assert (pi.amount, pi.status, pi.customer) == (900, "requires_payment_method", cus.id)


def test_a_zero_total_invoice_is_paid_at_finalization(stripe_client: stripe.StripeClient) -> None:
    cus = customer(stripe_client)
    invoice = stripe_client.v1.invoices.create(params={"customer": cus.id})
    paid = stripe_client.v1.invoices.finalize_invoice(invoice.id)
    assert paid.status == "paid"
    assert paid.amount_paid == 0
    assert paid.status_transitions.paid_at == paid.status_transitions.finalized_at
    assert event_types(stripe_client)[-3:] == [
        "invoice.finalized",
        "invoice.paid",
        "invoice.payment_succeeded",
    ]


def test_less_than_the_minimum_charge_is_not_due(stripe_client: stripe.StripeClient) -> None:
    cus = customer(stripe_client)
    invoice = stripe_client.v1.invoices.finalize_invoice(_draft_with(stripe_client, cus.id, 30).id)
    assert invoice.total == 30
    assert invoice.amount_due == 0
    assert invoice.status == "paid"


def test_pay_uses_the_customers_default_payment_method(stripe_client: stripe.StripeClient) -> None:
    cus = paying_customer(stripe_client)
    invoice = stripe_client.v1.invoices.finalize_invoice(_draft_with(stripe_client, cus.id, 2000, 500).id)
    paid = stripe_client.v1.invoices.pay(invoice.id)
    assert paid.status == "paid"
    assert (paid.amount_paid, paid.amount_remaining, paid.attempt_count) == (2500, 0, 1)
    assert paid.attempted is True
    assert paid.status_transitions.paid_at is not None
    types = event_types(stripe_client)
    assert types[-2:] == ["invoice.paid", "invoice.payment_succeeded"]
    assert "payment_intent.succeeded" in types
    with pytest.raises(stripe.InvalidRequestError) as info:
        stripe_client.v1.invoices.pay(invoice.id)
    assert info.value.error.message == "Invoice is already paid"


def test_paying_a_draft_finalizes_it_first(stripe_client: stripe.StripeClient) -> None:
    cus = paying_customer(stripe_client)
    paid = stripe_client.v1.invoices.pay(_draft_with(stripe_client, cus.id, 700).id)
    assert paid.status == "paid"
    assert paid.number is not None


def test_a_declined_payment_keeps_the_invoice_open(stripe_client: stripe.StripeClient) -> None:
    cus = paying_customer(stripe_client, "pm_card_chargeCustomerFail")
    invoice = stripe_client.v1.invoices.finalize_invoice(_draft_with(stripe_client, cus.id, 3000).id)
    with pytest.raises(stripe.CardError) as info:
        stripe_client.v1.invoices.pay(invoice.id)
    assert info.value.http_status == 402
    assert info.value.code == "card_declined"
    assert info.value.error.message == "Your card was declined."
    after = stripe_client.v1.invoices.retrieve(invoice.id)
    assert after.status == "open"
    assert after.attempt_count == 1
    assert after.attempted is True
    assert after.amount_paid == 0
    assert "invoice.payment_failed" in event_types(stripe_client)
    # a working card passed explicitly pays it on the second attempt
    good = card(stripe_client, cus.id)
    paid = stripe_client.v1.invoices.pay(invoice.id, params={"payment_method": good.id})
    assert (paid.status, paid.attempt_count) == ("paid", 2)


def test_pay_without_any_payment_method(stripe_client: stripe.StripeClient) -> None:
    cus = customer(stripe_client)
    invoice = stripe_client.v1.invoices.finalize_invoice(_draft_with(stripe_client, cus.id, 3000).id)
    with pytest.raises(stripe.InvalidRequestError) as info:
        stripe_client.v1.invoices.pay(invoice.id)
    assert info.value.error.message.startswith(
        "This customer has no attached payment source or default payment method."
    )
    assert stripe_client.v1.invoices.retrieve(invoice.id).status == "open"


def test_paid_out_of_band(stripe_client: stripe.StripeClient) -> None:
    cus = customer(stripe_client)
    invoice = stripe_client.v1.invoices.finalize_invoice(_draft_with(stripe_client, cus.id, 4400).id)
    paid = stripe_client.v1.invoices.pay(invoice.id, params={"paid_out_of_band": True})
    assert paid.status == "paid"
    assert paid.amount_paid == 4400
    assert paid.attempt_count == 0
    assert paid.amount_paid_off_stripe == 4400


def test_void_only_from_open(stripe_client: stripe.StripeClient) -> None:
    cus = customer(stripe_client)
    draft = _draft_with(stripe_client, cus.id, 1000)
    with pytest.raises(stripe.InvalidRequestError) as info:
        stripe_client.v1.invoices.void_invoice(draft.id)
    assert info.value.error.message == "You can only pass in open invoices. This invoice isn't open."
    stripe_client.v1.invoices.finalize_invoice(draft.id)
    voided = stripe_client.v1.invoices.void_invoice(draft.id)
    assert voided.status == "void"
    assert voided.status_transitions.voided_at is not None
    assert "invoice.voided" in event_types(stripe_client)
    with pytest.raises(stripe.InvalidRequestError):
        stripe_client.v1.invoices.pay(draft.id)
    paid = stripe_client.v1.invoices.pay(
        stripe_client.v1.invoices.finalize_invoice(_draft_with(stripe_client, cus.id, 1000).id).id,
        params={"paid_out_of_band": True},
    )
    with pytest.raises(stripe.InvalidRequestError) as info:
        stripe_client.v1.invoices.void_invoice(paid.id)
    assert info.value.error.message == "Invoices with `paid` payments cannot be voided."


def test_mark_uncollectible_and_pay_later(stripe_client: stripe.StripeClient) -> None:
    cus = paying_customer(stripe_client)
    invoice = stripe_client.v1.invoices.finalize_invoice(_draft_with(stripe_client, cus.id, 1200).id)
    marked = stripe_client.v1.invoices.mark_uncollectible(invoice.id)
    assert marked.status == "uncollectible"
    assert marked.status_transitions.marked_uncollectible_at is not None
    with pytest.raises(stripe.InvalidRequestError) as info:
        stripe_client.v1.invoices.mark_uncollectible(invoice.id)
    assert info.value.error.message == "This invoice has already been marked uncollectible."
    assert stripe_client.v1.invoices.pay(invoice.id).status == "paid"
    assert "invoice.marked_uncollectible" in event_types(stripe_client)


def test_updates_and_previous_attributes(stripe_client: stripe.StripeClient) -> None:
    cus = customer(stripe_client)
    draft = _draft_with(stripe_client, cus.id, 100)
    updated = stripe_client.v1.invoices.update(
        draft.id, params={"description": "Renamed", "metadata": {"po": "7"}}
    )
    assert updated.description == "Renamed"
    event = stripe_client.v1.events.list(params={"type": "invoice.updated", "limit": 1}).data[0]
    assert event.data.object.description == "Renamed"
    assert event.data.previous_attributes.description is None
    assert event.data.previous_attributes.metadata.to_dict() == {}
    stripe_client.v1.invoices.finalize_invoice(draft.id)
    with pytest.raises(stripe.InvalidRequestError) as info:
        stripe_client.v1.invoices.update(draft.id, params={"description": "no"})
    assert info.value.error.message == "Finalized invoices can't be updated in this way"
    assert info.value.param == "description"
    kept = stripe_client.v1.invoices.update(draft.id, params={"metadata": {"po": "8"}})
    assert kept.metadata.to_dict() == {"po": "8"}


def test_delete_drafts_only(stripe_client: stripe.StripeClient) -> None:
    cus = customer(stripe_client)
    draft = _draft_with(stripe_client, cus.id, 100)
    gone = stripe_client.v1.invoices.delete(draft.id)
    assert gone.deleted is True
    assert "invoice.deleted" in event_types(stripe_client)
    with pytest.raises(stripe.InvalidRequestError) as info:
        stripe_client.v1.invoices.retrieve(draft.id)
    assert info.value.http_status == 404
    opened = stripe_client.v1.invoices.finalize_invoice(_draft_with(stripe_client, cus.id, 100).id)
    with pytest.raises(stripe.InvalidRequestError) as info:
        stripe_client.v1.invoices.delete(opened.id)
    assert info.value.error.message == "You can only delete draft invoices."


def test_list_search_and_lines(stripe_client: stripe.StripeClient) -> None:
    a, b = customer(stripe_client), customer(stripe_client)
    draft = _draft_with(stripe_client, a.id, 1, 2, 3)
    opened = stripe_client.v1.invoices.finalize_invoice(
        _draft_with(stripe_client, b.id, 500, collection_method="send_invoice", days_until_due=3).id
    )

    def ids(**params: object) -> set[str]:
        return {i.id for i in stripe_client.v1.invoices.list(params=params).data}

    assert ids(customer=a.id) == {draft.id}
    assert ids(status="open") == {opened.id}
    assert ids(collection_method="send_invoice") == {opened.id}
    found = stripe_client.v1.invoices.search(params={"query": f'customer:"{b.id}" AND status:"open"'})
    assert [i.id for i in found.data] == [opened.id]
    first = stripe_client.v1.invoices.line_items.list(draft.id, params={"limit": 2})
    assert [line.amount for line in first.data] == [1, 2]
    assert first.has_more is True
    rest = stripe_client.v1.invoices.line_items.list(draft.id, params={"starting_after": first.data[-1].id})
    assert [line.amount for line in rest.data] == [3]
    assert rest.has_more is False


def test_the_hosted_page_is_only_for_finalized_invoices(
    stripe_client: stripe.StripeClient, sandbox: object, account: dict[str, str]
) -> None:
    cus = customer(stripe_client)
    draft = _draft_with(stripe_client, cus.id, 100)
    base = sandbox.public_url  # type: ignore[attr-defined]
    for path in (
        f"/i/{account['id']}/{draft.id}",
        f"/i/{account['id']}/in_nope",
        f"/i/acct_other/{draft.id}",
    ):
        with pytest.raises(urllib.error.HTTPError) as info:
            urllib.request.urlopen(base + path, timeout=10)
        assert info.value.code == 404


def test_list_by_subscription(stripe_client: stripe.StripeClient) -> None:
    cus = paying_customer(stripe_client)
    price = stripe_client.v1.prices.create(
        params={
            "product": stripe_client.v1.products.create(params={"name": "Plan"}).id,
            "unit_amount": 900,
            "currency": "usd",
            "recurring": {"interval": "month"},
        }
    )
    sub = stripe_client.v1.subscriptions.create(params={"customer": cus.id, "items": [{"price": price.id}]})
    _draft_with(stripe_client, cus.id, 100)
    listed = stripe_client.v1.invoices.list(params={"subscription": sub.id}).data
    assert [i.id for i in listed] == [sub.latest_invoice]
