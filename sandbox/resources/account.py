"""``GET /v1/account``: the account the key belongs to, so a connection check can say whose account it is.

The sandbox's accounts are plain test accounts: a US ``standard`` account in USD, fully onboarded (charges
and payouts enabled, nothing due). Its email and business name are whatever ``POST /_sandbox/accounts``
(or ``handle.create_account(email=..., business_name=...)``) was given, else ``null``, as on a Stripe
account whose profile was never filled in.
"""

from __future__ import annotations

from sandbox import _errors as errors
from sandbox._api import Context, endpoint
from sandbox._store import JSONObject

# [U] Which restricted-key permission unlocks GET /v1/account is not documented. The one observation
# (stripe-node#2246, 2025, test mode: a restricted key with every Read permission retrieving its account) is
# a 403 naming 'rak_accounts_kyc_id_numbers_read'; the sandbox asks for that (or its _write).
PERMISSION = "accounts_kyc_id_numbers"


def account_object(ctx: Context) -> JSONObject:
    record = ctx.store.account_record()
    if record is None:  # pragma: no cover - the key was authenticated against this very row
        raise errors.resource_missing("account", ctx.account, None, 404)
    created, settings = record
    name = settings.get("business_name")
    return {
        "id": ctx.account,
        "object": "account",
        "business_profile": {
            "annual_revenue": None,
            "estimated_worker_count": None,
            "mcc": None,
            "name": name,
            "product_description": None,
            "support_address": None,
            "support_email": None,
            "support_phone": None,
            "support_url": None,
            "url": None,
        },
        "business_type": None,
        "capabilities": {"card_payments": "active", "transfers": "active"},
        "charges_enabled": True,
        "controller": {"type": "account"},
        "country": "US",
        "created": created,
        "default_currency": "usd",
        "details_submitted": True,
        "email": settings.get("email"),
        "metadata": {},
        "payouts_enabled": True,
        "requirements": {
            "alternatives": [],
            "current_deadline": None,
            "currently_due": [],
            "disabled_reason": None,
            "errors": [],
            "eventually_due": [],
            "past_due": [],
            "pending_verification": [],
        },
        "settings": {
            "branding": {"icon": None, "logo": None, "primary_color": None, "secondary_color": None},
            "card_payments": {
                "decline_on": {"avs_failure": False, "cvc_failure": False},
                "statement_descriptor_prefix": None,
                "statement_descriptor_prefix_kana": None,
                "statement_descriptor_prefix_kanji": None,
            },
            "dashboard": {"display_name": name, "timezone": "Etc/UTC"},
            "payments": {
                "statement_descriptor": None,
                "statement_descriptor_kana": None,
                "statement_descriptor_kanji": None,
            },
            "payouts": {
                "debit_negative_balances": True,
                "schedule": {"delay_days": 2, "interval": "daily"},
                "statement_descriptor": None,
            },
        },
        "type": "standard",
    }


@endpoint("GET", "/v1/account", permission=PERMISSION)
def retrieve_account(ctx: Context) -> JSONObject:
    return account_object(ctx)
