"""Resource modules; importing one registers its endpoints. Add one import line per module."""

from sandbox.resources import (  # noqa: F401
    account,
    balance,
    charges,
    checkout_page,
    checkout_sessions,
    customers,
    events,
    invoice_items,
    invoices,
    payment_controls,
    payment_intents,
    payment_methods,
    prices,
    products,
    refunds,
    setup_intents,
    subscriptions,
    test_clocks,
    webhook_endpoints,
)
