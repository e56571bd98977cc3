"""What the API version of a request changes here (``Stripe-Version``, else the account's default version).

Clients may send an older version than the one the sandbox serves (curl and old integrations pin one; the
Stripe CLI sends none on v1 calls, so the account's default applies, set with ``POST /_sandbox/api_version``).
Responses always have the served version's shape; only Stripe's documented behaviour changes below follow the
request's version. sandbox/README.md ("API versions") is the table for people; these constants are the rule:

- ``AUTOMATIC_PAYMENT_METHODS_SINCE`` (changelog 2023-08-16): PaymentIntents and SetupIntents created with
  neither ``payment_method_types`` nor ``automatic_payment_methods`` get automatic payment methods; before,
  they default to ``payment_method_types: ["card"]`` (so confirming needs no ``return_url``);
- ``SINGULAR_DISCOUNTS_REMOVED_IN`` (changelog 2025-03-31.basil): the singular ``coupon`` and
  ``promotion_code`` parameters of customers and subscriptions are gone (``parameter_unknown``, as for any
  parameter Stripe does not know); before, they are accepted;
- ``FLEXIBLE_BILLING_SINCE`` (changelog 2025-09-30.clover): a subscription created without ``billing_mode``
  gets ``billing_mode.type=flexible``; before, ``classic`` (how credit prorations are computed differs:
  ``sandbox._prorations.plan_prorations``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sandbox import _errors as errors

AUTOMATIC_PAYMENT_METHODS_SINCE = "2023-08-16"
SINGULAR_DISCOUNTS_REMOVED_IN = "2025-03-31"
FLEXIBLE_BILLING_SINCE = "2025-09-30"

# Operations that took ``coupon`` / ``promotion_code`` before 2025-03-31.basil and that the sandbox serves.
_SINGULAR_DISCOUNT_OPERATIONS = {
    ("POST", "/v1/customers"),
    ("POST", "/v1/customers/{customer}"),
    ("POST", "/v1/subscriptions"),
    ("POST", "/v1/subscriptions/{subscription_exposed_id}"),
}
_ID = {"type": "string", "maxLength": 5000}


def release_date(version: str) -> str:
    """``2025-03-31.basil`` → ``2025-03-31`` (ISO dates compare as strings)."""
    return version[:10]


def automatic_payment_methods_by_default(version: str) -> bool:
    return release_date(version) >= AUTOMATIC_PAYMENT_METHODS_SINCE


def default_billing_mode(version: str) -> str:
    return "flexible" if release_date(version) >= FLEXIBLE_BILLING_SINCE else "classic"


def legacy_params(method: str, template: str, version: str) -> Mapping[str, Any]:
    """Parameter schemas an operation accepted at ``version`` that the served spec no longer has."""
    if (method, template) in _SINGULAR_DISCOUNT_OPERATIONS and release_date(
        version
    ) < SINGULAR_DISCOUNTS_REMOVED_IN:
        return {"coupon": _ID, "promotion_code": _ID}
    return {}


def resolve_singular_discounts(ctx: Any, template: str) -> None:
    """Before basil, ``coupon=X`` / ``promotion_code=Y`` meant one discount: check that it exists (Stripe's
    ``No such coupon``) and hand it to a subscription as today's ``discounts=[{coupon: X}]``. A customer-level
    discount is not emulated: refused by name rather than dropped."""
    for name, kind in (("coupon", "coupon"), ("promotion_code", "promotion_code")):
        value = ctx.params.pop(name, None)
        if value in (None, ""):
            continue
        ctx.load(kind, str(value), param=name, status=400)
        if template.startswith("/v1/customers"):
            raise errors.invalid_request(
                f"The local sandbox does not emulate a customer's own discount (`{name}` on a customer, "
                "before 2025-03-31.basil). Put the discount on the subscription or invoice (`discounts`).",
                param=name,
            )
        ctx.params.setdefault("discounts", []).append({name: str(value)})
