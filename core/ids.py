"""Stripe's object-id prefixes: one table for the key inspector, the runner's input checks and the pickers.

People paste ids into key fields and the wrong id into an id field ("price_…" where a product belongs), and
the Actions page fills id pickers from the account's objects. All three need the same facts about a prefix:
which object it names, what to call it in a sentence, and which catalog action lists such objects.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

__all__ = ["ID_KINDS", "IdKind", "by_prefix", "kind_of"]


@dataclass(frozen=True)
class IdKind:
    """One id prefix. ``prefix`` has no trailing underscore: ``prod`` for ``prod_…``."""

    prefix: str
    object: str  # Stripe's object name, e.g. "payment_intent", "checkout.session"
    label: str  # how a sentence names it: "a PaymentIntent ID"
    list_action: str | None = None  # the catalog action that lists them (fills the pickers)


ID_KINDS: Final[tuple[IdKind, ...]] = (
    IdKind("acct", "account", "Account"),
    IdKind("prod", "product", "Product", "list_products"),
    IdKind("price", "price", "Price", "list_prices"),
    IdKind("plan", "plan", "Plan"),
    IdKind("cus", "customer", "Customer", "list_customers"),
    IdKind("pi", "payment_intent", "PaymentIntent", "list_payment_intents"),
    IdKind("seti", "setup_intent", "SetupIntent", "list_setup_intents"),
    IdKind("pm", "payment_method", "PaymentMethod", "list_payment_methods"),
    IdKind("ch", "charge", "Charge", "list_charges"),
    IdKind("py", "charge", "Payment"),
    IdKind("re", "refund", "Refund"),
    IdKind("pyr", "refund", "Refund"),
    IdKind("in", "invoice", "Invoice", "list_invoices"),
    IdKind("ii", "invoiceitem", "Invoice item", "list_invoice_items"),
    IdKind("il", "line_item", "Invoice line item"),
    IdKind("li", "item", "Line item"),
    IdKind("sub", "subscription", "Subscription", "list_subscriptions"),
    IdKind("si", "subscription_item", "Subscription item"),
    IdKind("sub_sched", "subscription_schedule", "Subscription schedule"),
    IdKind("cs", "checkout.session", "Checkout Session", "list_checkout_sessions"),
    IdKind("evt", "event", "Event"),
    IdKind("clock", "test_helpers.test_clock", "Test clock", "list_test_clocks"),
    IdKind("we", "webhook_endpoint", "Webhook endpoint"),
    IdKind("txn", "balance_transaction", "Balance transaction"),
    IdKind("card", "card", "Card"),
    IdKind("src", "source", "Source"),
    IdKind("tok", "token", "Token"),
    IdKind("btok", "token", "Bank account token"),
    IdKind("ba", "bank_account", "Bank account"),
    IdKind("promo", "promotion_code", "Promotion code", "list_promotion_codes"),
    IdKind("txr", "tax_rate", "Tax rate", "list_tax_rates"),
    IdKind("po", "payout", "Payout"),
    IdKind("tr", "transfer", "Transfer"),
    IdKind("du", "dispute", "Dispute"),
    IdKind("dp", "dispute", "Dispute"),
    IdKind("cn", "credit_note", "Credit note", "list_credit_notes"),
    IdKind("file", "file", "File"),
    IdKind("link", "file_link", "File link"),
    IdKind("plink", "payment_link", "Payment link"),
    IdKind("bps", "billing_portal.session", "Customer portal session"),
    IdKind("bpc", "billing_portal.configuration", "Customer portal configuration"),
    IdKind("cbtxn", "customer_balance_transaction", "Customer balance transaction"),
    IdKind("pmc", "payment_method_configuration", "Payment method configuration"),
    IdKind("req", "request", "Request"),
    IdKind("ek", "ephemeral_key", "Ephemeral key"),
)

_BY_PREFIX: Final = {kind.prefix: kind for kind in ID_KINDS}
_LONGEST_FIRST: Final = sorted(ID_KINDS, key=lambda kind: len(kind.prefix), reverse=True)


def by_prefix(prefix: str) -> IdKind | None:
    """The entry for ``prefix``, written with or without its underscore (``"prod"``, ``"prod_"``)."""
    return _BY_PREFIX.get(prefix.removesuffix("_"))


def kind_of(value: str) -> IdKind | None:
    """What ``value`` names by its prefix (``sub_sched_…`` is a schedule, not a subscription), or None."""
    return next((kind for kind in _LONGEST_FIRST if value.startswith(kind.prefix + "_")), None)
