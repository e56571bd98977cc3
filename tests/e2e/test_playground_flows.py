"""The other guided flows end to end in Chromium on the sandbox: a payment through 3D Secure to a refund,
a subscription to its paid first invoice, and an invoice from item to paid; each diagram ends in the
state the flow promises."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from playground_e2e import click, open_page, ready, see
from playwright.sync_api import Page


def choose(page: Page, flow: str) -> None:
    page.locator(".st-key-flows_choice").get_by_text(flow).click()
    ready(page)


def test_payment_with_3d_secure_then_refund(open_app: Callable[[str], Page], artifacts_dir: Path) -> None:
    page = open_page(open_app, "flows")
    click(page, "flows_payment_create")
    see(page, "Payment Intent: requires_payment_method")
    page.locator(".st-key-flows_payment_card").click()
    page.get_by_role("option", name="3184 — needs 3D Secure authentication").click()
    ready(page)
    click(page, "flows_payment_confirm")
    see(page, "Payment Intent: requires_action")
    click(page, "flows_payment_3ds_ok")
    see(page, "Payment Intent: succeeded")
    page.locator(".st-key-flows_payment_refund_amount input").press_sequentially("750", delay=40)
    see(page, "750 usd → $7.50")
    ready(page)
    click(page, "flows_payment_refund")
    see(page, "Payment Intent: succeeded (charge partly refunded)")
    see(page, "Done: created, paid, refunded.")
    ready(page)
    page.screenshot(path=str(artifacts_dir / "playground-payment-refunded.png"), full_page=True)


def test_subscription_to_paid_first_invoice(open_app: Callable[[str], Page], artifacts_dir: Path) -> None:
    page = open_page(open_app, "flows")
    choose(page, "Subscription")
    click(page, "flows_subscription_catalog")
    see(page, "Create Price: HTTP 200, 1 object")
    click(page, "flows_subscription_customer")
    see(page, "Attach Payment Method: HTTP 200, 1 object")
    click(page, "flows_subscription_create")
    see(page, "Subscription: active")
    click(page, "flows_subscription_invoice")
    see(page, "Its first invoice: paid")
    see(page, "Subscription active, first invoice paid")
    ready(page)
    page.screenshot(path=str(artifacts_dir / "playground-subscription.png"), full_page=True)


def test_invoice_from_item_to_paid(open_app: Callable[[str], Page], artifacts_dir: Path) -> None:
    page = open_page(open_app, "flows")
    choose(page, "Invoice")
    click(page, "flows_invoice_customer")
    see(page, "Attach Payment Method: HTTP 200, 1 object")
    click(page, "flows_invoice_item")
    see(page, "Create Invoice Item: HTTP 200, 1 object")
    click(page, "flows_invoice_create")
    see(page, "Invoice: draft")
    click(page, "flows_invoice_finalize")
    see(page, "Invoice: open")
    click(page, "flows_invoice_pay")
    see(page, "Invoice: paid")
    ready(page)
    page.screenshot(path=str(artifacts_dir / "playground-invoice-paid.png"), full_page=True)
