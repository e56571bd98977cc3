"""The Checkout flow end to end in Chromium: product and price, a session, the hosted page in a new tab, pay
with 4242, come back to the app, and see the session complete on its state diagram."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from playground_e2e import click, open_page, ready, see
from playwright.sync_api import Page, expect


def test_checkout_through_the_hosted_page(open_app: Callable[[str], Page], artifacts_dir: Path) -> None:
    page = open_page(open_app, "flows")
    see(page, "Guided flows")
    page.locator(".st-key-flows_choice").get_by_text("Checkout (hosted payment page)").click()
    see(page, "Checkout Session: not created yet")

    amount = page.locator(".st-key-flows_checkout_amount input")
    amount.fill("4200")  # no Enter, no submit: the preview follows the typing
    see(page, "4200 usd → $42.00")
    click(page, "flows_checkout_catalog")
    see(page, "Create Price: HTTP 200, 1 object")
    click(page, "flows_checkout_session")
    see(page, "Checkout Session: open")
    ready(page)
    page.screenshot(path=str(artifacts_dir / "playground-checkout-open.png"), full_page=True)

    with page.context.expect_page() as opened:
        page.locator(".st-key-flows_checkout_open a").click()
    hosted = opened.value
    hosted.wait_for_load_state()
    expect(hosted.get_by_test_id("total")).to_have_text("$42.00")
    hosted.locator("#email").fill("buyer@example.com")
    hosted.get_by_label("…or type a card number").fill("4242 4242 4242 4242")
    hosted.screenshot(path=str(artifacts_dir / "playground-checkout-hosted.png"), full_page=True)
    hosted.get_by_test_id("submit").click()
    hosted.wait_for_url("**/flows?checkout=success&session_id=cs_test_*")
    see(hosted, "Checkout sent the customer back here")
    hosted.close()

    click(page, "flows_checkout_retrieve")
    see(page, "Checkout Session: complete")
    see(page, "payment_status paid")
    ready(page)
    page.screenshot(path=str(artifacts_dir / "playground-checkout-complete.png"), full_page=True)
