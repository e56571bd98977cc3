"""The hosted checkout page, driven as a browser drives it (GET the page, POST its form), checked by SDK."""

from __future__ import annotations

import re
import time
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
import stripe
from payment_http import get, post_form

SUCCESS = "https://shop.example/ok?session_id={CHECKOUT_SESSION_ID}"
CANCEL = "https://shop.example/cancel"


def _payment_session(client: stripe.StripeClient, **extra: Any) -> stripe.checkout.Session:
    return client.v1.checkout.sessions.create(
        {
            "mode": "payment",
            "success_url": SUCCESS,
            "cancel_url": CANCEL,
            "line_items": [
                {
                    "price_data": {"currency": "usd", "unit_amount": 1999, "product_data": {"name": "Tea"}},
                    "quantity": 2,
                }
            ],
            **extra,
        }
    )


def _events(client: stripe.StripeClient) -> list[str]:
    return [e.type for e in client.v1.events.list({"limit": 50}).data]


def test_page_shows_items_and_total_as_money(stripe_client: stripe.StripeClient) -> None:
    session = _payment_session(stripe_client)
    assert session.url is not None
    page = get(session.url)
    assert page.status == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "Tea" in page.text
    assert "$19.99" in page.text
    assert "$39.98" in page.text
    assert CANCEL in page.text
    assert "<script" not in page.text
    assert "http://" not in page.text.replace(CANCEL, "").replace("https://", "")  # no external assets


def test_zero_decimal_total(stripe_client: stripe.StripeClient) -> None:
    session = stripe_client.v1.checkout.sessions.create(
        {
            "mode": "payment",
            "success_url": SUCCESS,
            "line_items": [
                {
                    "price_data": {"currency": "jpy", "unit_amount": 1500, "product_data": {"name": "Ramen"}},
                    "quantity": 1,
                }
            ],
        }
    )
    assert session.url is not None
    assert "¥1,500" in get(session.url).text


def test_paying_with_a_good_card_completes_and_redirects(stripe_client: stripe.StripeClient) -> None:
    session = _payment_session(stripe_client, customer_email="amy@example.com")
    assert session.url is not None
    answer = post_form(session.url, {"card": "4242424242424242", "email": "amy@example.com"})
    assert answer.status == 303
    location = answer.headers["location"]
    assert location == f"https://shop.example/ok?session_id={session.id}"
    done = stripe_client.v1.checkout.sessions.retrieve(session.id)
    assert (done.status, done.payment_status, done.url) == ("complete", "paid", None)
    assert done.customer_details is not None
    assert done.customer_details.email == "amy@example.com"
    assert done.payment_intent is not None
    pi = stripe_client.v1.payment_intents.retrieve(done.payment_intent)
    assert (pi.status, pi.amount, pi.amount_received, pi.currency) == ("succeeded", 3998, 3998, "usd")
    assert pi.latest_charge is not None
    charge = stripe_client.v1.charges.retrieve(pi.latest_charge)
    assert charge.status == "succeeded"
    assert charge.receipt_url is not None
    receipt = get(charge.receipt_url)
    assert receipt.status == 200
    assert "$39.98" in receipt.text
    assert "checkout.session.completed" in _events(stripe_client)
    # The page of a completed session says so instead of taking a second payment.
    assert "complete" in get(session.url).text
    listed = stripe_client.v1.checkout.sessions.list({"payment_intent": pi.id})
    assert [s.id for s in listed.data] == [session.id]


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("4000 0000 0000 0002", "Your card was declined."),
        ("4000000000009995", "Your card has insufficient funds."),
        ("4242424242424241", "Your card number is incorrect."),
    ],
)
def test_declines_show_the_message_and_leave_the_session_open(
    stripe_client: stripe.StripeClient, number: str, message: str
) -> None:
    session = _payment_session(stripe_client)
    assert session.url is not None
    answer = post_form(session.url, {"card": "4242424242424242", "number": number, "email": "bo@example.com"})
    assert answer.status == 200
    assert message.replace("'", "&#x27;") in answer.text
    assert "value='bo@example.com'" in answer.text  # what the person typed survives the decline
    still = stripe_client.v1.checkout.sessions.retrieve(session.id)
    assert (still.status, still.payment_status) == ("open", "unpaid")
    # A second try with a good card on the same session succeeds and reuses the PaymentIntent.
    retry = post_form(session.url, {"card": "4242424242424242", "email": "bo@example.com"})
    assert retry.status == 303
    done = stripe_client.v1.checkout.sessions.retrieve(session.id)
    assert done.status == "complete"
    if still.payment_intent:
        assert done.payment_intent == still.payment_intent


def test_three_d_secure_step_on_the_page(stripe_client: stripe.StripeClient) -> None:
    session = _payment_session(stripe_client)
    assert session.url is not None
    challenge = post_form(session.url, {"card": "4000002760003184", "email": "cy@example.com"})
    assert challenge.status == 200
    assert "Complete authentication" in challenge.text
    action = re.search(r"action='([^']+/authenticate)'", challenge.text)
    assert action is not None
    base = urlparse(session.url)
    auth_url = f"{base.scheme}://{base.netloc}{action.group(1)}"
    failed = post_form(auth_url, {"outcome": "fail"})
    assert failed.status == 200
    assert "failed authentication" in failed.text
    assert stripe_client.v1.checkout.sessions.retrieve(session.id).status == "open"
    again = post_form(session.url, {"card": "4000002760003184", "email": "cy@example.com"})
    assert "Complete authentication" in again.text
    done = post_form(auth_url, {"outcome": "succeed"})
    assert done.status == 303
    session_after = stripe_client.v1.checkout.sessions.retrieve(session.id)
    assert (session_after.status, session_after.payment_status) == ("complete", "paid")
    assert session_after.payment_intent is not None
    assert stripe_client.v1.payment_intents.retrieve(session_after.payment_intent).status == "succeeded"


def test_expired_session_page(stripe_client: stripe.StripeClient) -> None:
    session = _payment_session(stripe_client)
    assert session.url is not None
    stripe_client.v1.checkout.sessions.expire(session.id)
    page = get(session.url)
    assert page.status == 410
    assert "expired" in page.text
    refused = post_form(session.url, {"card": "4242424242424242"})
    assert refused.status == 410
    assert stripe_client.v1.checkout.sessions.retrieve(session.id).status == "expired"


def test_unknown_session_is_404(sandbox: Any, account: dict[str, str]) -> None:
    assert get(f"{sandbox.public_url}/c/pay/{account['id']}/cs_test_nope").status == 404
    assert get(f"{sandbox.public_url}/c/pay/acct_nope/cs_test_nope").status == 404


def test_setup_mode_saves_the_card(stripe_client: stripe.StripeClient) -> None:
    customer = stripe_client.v1.customers.create({"email": "save@example.com"})
    session = stripe_client.v1.checkout.sessions.create(
        {"mode": "setup", "success_url": SUCCESS, "currency": "usd", "customer": customer.id}
    )
    assert session.url is not None
    answer = post_form(session.url, {"card": "5555555555554444"})
    assert answer.status == 303
    done = stripe_client.v1.checkout.sessions.retrieve(session.id)
    assert (done.status, done.payment_status) == ("complete", "no_payment_required")
    assert done.setup_intent is not None
    si = stripe_client.v1.setup_intents.retrieve(done.setup_intent)
    assert si.status == "succeeded"
    saved = stripe_client.v1.customers.payment_methods.list(customer.id)
    assert [p.card.last4 for p in saved.data if p.card] == ["4444"]


def test_subscription_mode_creates_the_subscription(stripe_client: stripe.StripeClient) -> None:
    price = stripe_client.v1.prices.create(
        {
            "currency": "usd",
            "unit_amount": 900,
            "recurring": {"interval": "month"},
            "product_data": {"name": "Pro"},
        }
    )
    session = stripe_client.v1.checkout.sessions.create(
        {"mode": "subscription", "success_url": SUCCESS, "line_items": [{"price": price.id, "quantity": 1}]}
    )
    assert session.url is not None
    declined = post_form(session.url, {"card": "4000000000000002", "email": "sub@example.com"})
    assert declined.status == 200
    assert "Your card was declined." in declined.text
    assert stripe_client.v1.checkout.sessions.retrieve(session.id).status == "open"
    answer = post_form(session.url, {"card": "4242424242424242", "email": "sub@example.com"})
    assert answer.status == 303, answer.text[:500]
    location = parse_qs(urlparse(answer.headers["location"]).query)
    assert location["session_id"] == [session.id]
    done = stripe_client.v1.checkout.sessions.retrieve(session.id)
    assert (done.status, done.payment_status) == ("complete", "paid")
    assert done.subscription is not None
    assert done.customer is not None
    sub = stripe_client.v1.subscriptions.retrieve(done.subscription)
    assert sub.status == "active"
    assert sub.customer == done.customer


def test_customer_creation_always_makes_a_customer(stripe_client: stripe.StripeClient) -> None:
    session = _payment_session(stripe_client, customer_creation="always")
    assert session.url is not None
    assert post_form(session.url, {"card": "4242424242424242", "email": "new@example.com"}).status == 303
    done = stripe_client.v1.checkout.sessions.retrieve(session.id)
    assert done.customer is not None
    assert stripe_client.v1.customers.retrieve(done.customer).email == "new@example.com"
    assert done.payment_intent is not None
    assert stripe_client.v1.payment_intents.retrieve(done.payment_intent).customer == done.customer


def test_subscription_with_a_trial_needs_no_payment_today(stripe_client: stripe.StripeClient) -> None:
    price = stripe_client.v1.prices.create(
        {
            "currency": "usd",
            "unit_amount": 1500,
            "recurring": {"interval": "month"},
            "product_data": {"name": "Max"},
        }
    )
    session = stripe_client.v1.checkout.sessions.create(
        {
            "mode": "subscription",
            "success_url": SUCCESS,
            "line_items": [{"price": price.id, "quantity": 1}],
            "subscription_data": {"trial_period_days": 14, "metadata": {"plan": "max"}},
        }
    )
    assert (session.amount_total, session.payment_status) == (0, "unpaid")
    assert session.url is not None
    assert post_form(session.url, {"card": "4242424242424242", "email": "trial@example.com"}).status == 303
    done = stripe_client.v1.checkout.sessions.retrieve(session.id)
    assert (done.status, done.payment_status) == ("complete", "no_payment_required")
    assert done.subscription is not None
    sub = stripe_client.v1.subscriptions.retrieve(done.subscription)
    assert sub.status == "trialing"
    assert sub.metadata is not None
    assert sub.metadata.to_dict() == {"plan": "max"}


def test_next_action_redirect_page_authenticates_and_returns(stripe_client: stripe.StripeClient) -> None:
    pi = stripe_client.v1.payment_intents.create(
        {
            "amount": 1000,
            "currency": "usd",
            "payment_method": "pm_card_authenticationRequired",
            "confirm": True,
            "return_url": "https://shop.example/back?order=9",
        }
    )
    assert pi.next_action is not None
    assert pi.next_action.redirect_to_url is not None
    url = pi.next_action.redirect_to_url.url
    assert url is not None
    page = get(url)
    assert page.status == 200
    assert "$10.00" in page.text
    assert get(url.split("?")[0]).status == 404  # the client_secret is the credential
    answer = post_form(url.split("?")[0], {"client_secret": str(pi.client_secret), "outcome": "succeed"})
    assert answer.status == 303
    back = urlparse(answer.headers["location"])
    query = parse_qs(back.query)
    assert (back.netloc, query["order"], query["payment_intent"], query["redirect_status"]) == (
        "shop.example",
        ["9"],
        [pi.id],
        ["succeeded"],
    )
    assert stripe_client.v1.payment_intents.retrieve(pi.id).status == "succeeded"


def test_subscription_with_a_three_d_secure_card(stripe_client: stripe.StripeClient, sandbox: Any) -> None:
    price = stripe_client.v1.prices.create(
        {
            "currency": "usd",
            "unit_amount": 700,
            "recurring": {"interval": "month"},
            "product_data": {"name": "Lite"},
        }
    )
    session = stripe_client.v1.checkout.sessions.create(
        {"mode": "subscription", "success_url": SUCCESS, "line_items": [{"price": price.id, "quantity": 1}]}
    )
    assert session.url is not None
    challenge = post_form(session.url, {"card": "4000002760003184", "email": "sca@example.com"})
    assert "Complete authentication" in challenge.text
    failed = post_form(session.url + "/authenticate", {"outcome": "fail"})
    assert "failed authentication" in failed.text
    assert stripe_client.v1.checkout.sessions.retrieve(session.id).status == "open"
    again = post_form(session.url, {"card": "4000002760003184", "email": "sca@example.com"})
    assert "Complete authentication" in again.text
    done = post_form(session.url + "/authenticate", {"outcome": "succeed"})
    assert done.status == 303
    completed = stripe_client.v1.checkout.sessions.retrieve(session.id)
    assert (completed.status, completed.payment_status) == ("complete", "paid")
    assert completed.subscription is not None
    assert completed.invoice is not None
    sandbox.runtime.drain()  # billing settles the invoice from payment_intent.succeeded, after the commit
    deadline = time.monotonic() + 5  # on the delivery thread
    while (
        stripe_client.v1.invoices.retrieve(completed.invoice).status != "paid" and time.monotonic() < deadline
    ):
        time.sleep(0.02)
    assert stripe_client.v1.invoices.retrieve(completed.invoice).status == "paid"
    assert stripe_client.v1.subscriptions.retrieve(completed.subscription).status == "active"
    subs = stripe_client.v1.subscriptions.list({"customer": completed.customer})
    assert [s.id for s in subs.data] == [completed.subscription]  # one subscription despite two tries


def test_manual_capture_checkout_completes_unpaid_until_captured(stripe_client: stripe.StripeClient) -> None:
    session = _payment_session(stripe_client, payment_intent_data={"capture_method": "manual"})
    assert session.url is not None
    assert post_form(session.url, {"card": "4242424242424242", "email": "hold@example.com"}).status == 303
    done = stripe_client.v1.checkout.sessions.retrieve(session.id)
    assert (done.status, done.payment_status) == ("complete", "unpaid")
    assert done.payment_intent is not None
    pi = stripe_client.v1.payment_intents.retrieve(done.payment_intent)
    assert (pi.status, pi.amount_capturable) == ("requires_capture", 3998)
    assert stripe_client.v1.payment_intents.capture(pi.id).status == "succeeded"


def test_abandoned_authentication_then_another_card_reuses_the_payment(
    stripe_client: stripe.StripeClient,
) -> None:
    session = _payment_session(stripe_client)
    assert session.url is not None
    assert "Complete authentication" in post_form(session.url, {"card": "4000002760003184"}).text
    # The buyer goes back to the form and picks a card without 3D Secure instead.
    assert post_form(session.url, {"card": "5555555555554444"}).status == 303
    done = stripe_client.v1.checkout.sessions.retrieve(session.id)
    assert done.payment_intent is not None
    assert stripe_client.v1.payment_intents.list({"limit": 10}).data[0].id == done.payment_intent
    assert len(stripe_client.v1.payment_intents.list({"limit": 10}).data) == 1
