"""A person pays on the sandbox's hosted Checkout page in real headless Chromium; the SDK confirms the result.

The browser goes through the whole flow a buyer sees: the line items and total as money, a declined card
with its message, a card that needs 3D Secure with the extra authentication step, and the redirect to
``success_url``. The success URL points back at the sandbox so the test never needs the network.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import stripe
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e


def test_buyer_pays_on_the_hosted_checkout_page(
    page: Page, stripe_client: stripe.StripeClient, sandbox: Any, artifacts_dir: Path
) -> None:
    success = f"{sandbox.public_url}/_sandbox/health?session_id={{CHECKOUT_SESSION_ID}}"
    session = stripe_client.v1.checkout.sessions.create(
        {
            "mode": "payment",
            "success_url": success,
            "cancel_url": f"{sandbox.public_url}/_sandbox/health?canceled=1",
            "customer_email": "buyer@example.com",
            "line_items": [
                {
                    "price_data": {"currency": "eur", "unit_amount": 1250, "product_data": {"name": "Mug"}},
                    "quantity": 2,
                },
                {
                    "price_data": {"currency": "eur", "unit_amount": 499, "product_data": {"name": "Tea"}},
                    "quantity": 1,
                },
            ],
        }
    )
    assert session.url is not None
    page.goto(session.url)
    expect(page.get_by_test_id("line-item")).to_have_count(2)
    expect(page.get_by_test_id("total")).to_have_text("€29.99")
    expect(page.get_by_test_id("submit")).to_have_text("Pay €29.99")
    page.screenshot(path=str(artifacts_dir / "hosted-checkout-form.png"), full_page=True)

    # A declined card: the message shows and the session stays open.
    page.get_by_label("…or type a card number").fill("4000 0000 0000 0002")
    page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("error")).to_have_text("Your card was declined.")
    page.screenshot(path=str(artifacts_dir / "hosted-checkout-declined.png"), full_page=True)
    assert stripe_client.v1.checkout.sessions.retrieve(session.id).status == "open"

    # A card that asks for 3D Secure: complete the challenge.
    page.get_by_label("Test card").select_option("4000002760003184")
    page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("auth-succeed")).to_be_visible()
    page.screenshot(path=str(artifacts_dir / "hosted-checkout-3ds.png"), full_page=True)
    page.get_by_test_id("auth-succeed").click()
    page.wait_for_url(f"**/_sandbox/health?session_id={session.id}")

    done = stripe_client.v1.checkout.sessions.retrieve(session.id)
    assert (done.status, done.payment_status) == ("complete", "paid")
    assert done.customer_details is not None
    assert done.customer_details.email == "buyer@example.com"
    assert done.payment_intent is not None
    pi = stripe_client.v1.payment_intents.retrieve(done.payment_intent)
    assert (pi.status, pi.amount_received, pi.currency) == ("succeeded", 2999, "eur")

    # Coming back to the page shows it is paid instead of charging twice.
    page.goto(session.url)
    expect(page.get_by_test_id("complete")).to_be_visible()
    page.screenshot(path=str(artifacts_dir / "hosted-checkout-complete.png"), full_page=True)


def test_buyer_enters_a_promotion_code(page: Page, stripe_client: stripe.StripeClient, sandbox: Any) -> None:
    coupon = stripe_client.v1.coupons.create(params={"percent_off": 25})
    promo = stripe_client.v1.promotion_codes.create(
        params={"promotion": {"type": "coupon", "coupon": coupon.id}, "code": "WELCOME25"}
    )
    session = stripe_client.v1.checkout.sessions.create(
        {
            "mode": "payment",
            "success_url": f"{sandbox.public_url}/_sandbox/health?session_id={{CHECKOUT_SESSION_ID}}",
            "allow_promotion_codes": True,
            "line_items": [
                {
                    "price_data": {"currency": "usd", "unit_amount": 2000, "product_data": {"name": "Mug"}},
                    "quantity": 1,
                }
            ],
        }
    )
    assert session.url is not None
    page.goto(session.url)
    expect(page.get_by_test_id("total")).to_have_text("$20.00")
    page.get_by_label("Promotion code").fill("NOTACODE")
    page.get_by_test_id("promo-apply").click()
    expect(page.get_by_test_id("error")).to_have_text("This code is invalid.")
    page.get_by_label("Promotion code").fill("welcome25")
    page.get_by_test_id("promo-apply").click()
    expect(page.get_by_test_id("promo-applied")).to_be_visible()
    expect(page.get_by_test_id("discount")).to_contain_text("−$5.00")
    expect(page.get_by_test_id("total")).to_have_text("$15.00")
    expect(page.get_by_test_id("submit")).to_have_text("Pay $15.00")
    page.get_by_test_id("submit").click()
    page.wait_for_url(f"**/_sandbox/health?session_id={session.id}")
    done = stripe_client.v1.checkout.sessions.retrieve(session.id, params={"expand": ["payment_intent"]})
    assert done.amount_total == 1500
    assert [d.promotion_code for d in done.discounts] == [promo.id]
    assert done.payment_intent.amount_received == 1500
    assert stripe_client.v1.promotion_codes.retrieve(promo.id).times_redeemed == 1
