"""The Dashboard's label for each restricted-key stem (``rak_<stem>_read|write``), as data.

One table for both the permission checks (core.permissions) and the pitfall guidance (core.pitfalls), so the
row a person is told to edit is named the same way everywhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

PERMISSION_LABELS: Final[Mapping[str, str]] = {
    "product": "Products",
    "plan": "Prices",  # Stripe's legacy name: Prices are "plan" in permission slugs
    "price": "Prices",
    "customer": "Customers",
    "invoice": "Invoices",
    "invoice_item": "Invoice Items",
    "subscription": "Subscriptions",
    "subscription_schedule": "Subscription Schedules",
    "payment_intent": "Payment Intents",
    "setup_intent": "Setup Intents",
    "payment_method": "Payment Methods",
    "charge": "Charges",
    "refund": "Refunds",
    "checkout_session": "Checkout Sessions",
    "event": "Events",
    "webhook": "Webhook Endpoints",
    "balance": "Balance",
    "balance_transaction_source": "Balance Transaction Sources",
    "credit_note": "Credit Notes",
    "dispute": "Disputes",
    "payout": "Payouts",
    "coupon": "Coupons",
    "promotion_code": "Promotion Codes",
    "payment_link": "Payment Links",
    "tax_rate": "Tax Rates",
    "file": "Files",
    "ephemeral_key": "Ephemeral Keys",
    "connected_account": "Connected Accounts",
    "confirmation_token_client": "Confirmation Tokens",
    "billing_portal_session": "Customer Portal",
}


def permission_label(stem: str) -> str:
    """``plan`` → ``Prices``; a stem the table lacks is title-cased, which matches most Dashboard rows."""
    return PERMISSION_LABELS.get(stem, stem.replace("_", " ").title())
