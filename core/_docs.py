"""Documentation links the findings point to (WeWeb's Stripe pages first, then Stripe's own)."""

from __future__ import annotations

WEWEB_SETUP = "https://docs.weweb.io/integrations/stripe/setup.html"
WEWEB_ERRORS = "https://docs.weweb.io/integrations/stripe/errors-and-faqs.html"
WEWEB_WEBHOOKS = "https://docs.weweb.io/integrations/stripe/webhooks.html"
WEWEB_PAYMENT_INTENTS = "https://docs.weweb.io/integrations/stripe/payment-intents-and-subscriptions.html"

STRIPE_KEYS = "https://docs.stripe.com/keys"
STRIPE_RESTRICTED_KEYS = "https://docs.stripe.com/keys/restricted-api-keys"
STRIPE_CURRENCIES = "https://docs.stripe.com/currencies"
STRIPE_ZERO_DECIMAL = "https://docs.stripe.com/currencies#zero-decimal"
STRIPE_THREE_DECIMAL = "https://docs.stripe.com/currencies#three-decimal"
STRIPE_SPECIAL_CASES = "https://docs.stripe.com/currencies#special-cases"
STRIPE_MINIMUMS = "https://docs.stripe.com/currencies#minimum-and-maximum-charge-amounts"
STRIPE_ERRORS = "https://docs.stripe.com/api/errors"
STRIPE_ERROR_CODES = "https://docs.stripe.com/error-codes"
STRIPE_DECLINE_CODES = "https://docs.stripe.com/declines/codes"
STRIPE_TESTING = "https://docs.stripe.com/testing"
STRIPE_PI_LIFECYCLE = "https://docs.stripe.com/payments/paymentintents/lifecycle"
STRIPE_PI_CANCEL = "https://docs.stripe.com/api/payment_intents/cancel"
STRIPE_PI_CAPTURE = "https://docs.stripe.com/api/payment_intents/capture"
STRIPE_AUTOMATIC_PAYMENT_METHODS = "https://docs.stripe.com/changelog/2023-08-16/automatic-payment-methods"
STRIPE_RATE_LIMITS = "https://docs.stripe.com/rate-limits"
STRIPE_IDEMPOTENCY = "https://docs.stripe.com/api/idempotent_requests"
STRIPE_SUBSCRIPTION_PAYMENT_METHODS = "https://docs.stripe.com/billing/subscriptions/payment-methods-setting"
STRIPE_WEBHOOK_SIGNATURES = "https://docs.stripe.com/webhooks#verify-events"
STRIPE_STATUS = "https://status.stripe.com"
STRIPE_COUPONS = "https://docs.stripe.com/billing/subscriptions/coupons"
STRIPE_CHECKOUT_DISCOUNTS = "https://docs.stripe.com/payments/checkout/discounts"
STRIPE_API_KEYS_DASHBOARD = "https://dashboard.stripe.com/apikeys"


def error_code_url(code: str) -> str:
    """Stripe's page for one error code (Stripe builds ``doc_url`` the same way: underscores → dashes)."""
    return f"https://docs.stripe.com/error-codes/{code.replace('_', '-')}"
