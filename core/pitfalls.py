"""The pitfall catalog: what goes wrong when connecting Stripe to WeWeb, as data, plus the detectors that
recognise each pitfall before a call (from the inputs) or after a failed call (from the Stripe error).

Every detector returns :class:`~core.findings.Finding` objects whose ``pitfall`` is the id of a
:data:`CATALOG` entry, so the UI can show the specific message first and the background on demand. The
catalog follows WeWeb's setup guide (its four pitfalls and the editor limitations) and its error table
(400–500), plus the Stripe mistakes we see most.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

import stripe

from core import _docs, catalog
from core._permissions_data import permission_label
from core.findings import Finding, Severity
from core.keys import Mode
from core.money import Purpose, check_amount
from core.secrets import Secret, mask, redact

__all__ = [
    "CANCELABLE_STATUSES",
    "CAPTURABLE_STATUSES",
    "CATALOG",
    "EDITOR_LIMITATIONS",
    "Pitfall",
    "amount_findings",
    "cancel_not_allowed",
    "capture_not_allowed",
    "checkout_discount_findings",
    "coupon_findings",
    "describe_permission",
    "editor_limitation",
    "explain",
    "from_stripe_error",
    "get",
    "missing_permission",
    "promotion_code_findings",
]


@dataclass(frozen=True)
class Pitfall:
    id: str
    title: str
    severity: Severity
    what_happened: str
    how_to_fix: str
    doc_url: str


_P = Pitfall

CATALOG: tuple[Pitfall, ...] = (
    # --- WeWeb setup guide: "Common pitfalls" ------------------------------------------------------------
    _P(
        "live_key_in_editor",
        "Live key in the Editor",
        Severity.ERROR,
        "A live key (pk_live_/sk_live_) is used in the Editor or Staging: every test click acts on real "
        "data (real charges, real customers), and test objects are not found.",
        "Use pk_test_/sk_test_ keys in the Editor and Staging; keep live keys for Production only.",
        _docs.WEWEB_SETUP,
    ),
    _P(
        "test_key_in_production",
        "Test key in Production",
        Severity.WARNING,
        "Production uses a test key: the site looks like it works, but no real payment happens and live "
        "objects are invisible.",
        "When you are ready for real payments, put pk_live_/sk_live_ keys in Production.",
        _docs.WEWEB_SETUP,
    ),
    _P(
        "key_mode_mismatch",
        "Publishable and secret key from different modes",
        Severity.ERROR,
        "The publishable key and the secret key of one environment come from different modes (test vs "
        "live), so what the backend creates cannot be used by the interface (and the reverse).",
        "Copy both keys from the same mode of the Dashboard (Test mode toggle).",
        _docs.WEWEB_SETUP,
    ),
    _P(
        "amounts_in_cents",
        "Amounts are in cents",
        Severity.WARNING,
        "Create Payment Intent, Create Price, Refund Payment and the other money actions take the amount "
        "in the currency's smallest unit: for USD, 1000 means $10.00, and 10 means $0.10.",
        "Multiply the display amount by 100 (by 1 for zero-decimal currencies such as JPY, by 1000 for "
        "three-decimal ones such as KWD) and send a whole number.",
        _docs.WEWEB_SETUP,
    ),
    _P(
        "zero_decimal_multiplied",
        "Zero-decimal currency multiplied by 100",
        Severity.WARNING,
        "JPY, KRW and the other zero-decimal currencies have no cents: 1000 jpy is ¥1,000. Multiplying by "
        "100 charges a hundred times too much.",
        "Send the amount in whole units for zero-decimal currencies.",
        _docs.STRIPE_ZERO_DECIMAL,
    ),
    _P(
        "three_decimal_rounding",
        "Three-decimal currency not rounded to 10",
        Severity.ERROR,
        "BHD, JOD, KWD, OMR and TND amounts have three decimals, and Stripe requires the last one to be 0.",
        "Round the minor-unit amount to a multiple of ten: KWD 5.124 is 5124, which Stripe refuses; send "
        "5120 (KWD 5.120, the nearest) or 5130 (KWD 5.130, rounded up).",
        _docs.STRIPE_THREE_DECIMAL,
    ),
    _P(
        "amount_too_small",
        "Amount below Stripe's minimum charge",
        Severity.ERROR,
        "Stripe refuses charges below a minimum per settlement currency ($0.50, €0.50, £0.30, ¥50, …) with "
        "400 amount_too_small.",
        "Charge at least the minimum; check the amount is in the smallest unit (50 = $0.50).",
        _docs.STRIPE_MINIMUMS,
    ),
    _P(
        "amount_too_large",
        "Amount above Stripe's maximum",
        Severity.ERROR,
        "Stripe amounts have at most 8 digits (99999999 = $999,999.99) except a few currencies (IDR 12, "
        "INR 9).",
        "Check the amount was not multiplied by 100 twice.",
        _docs.STRIPE_MINIMUMS,
    ),
    _P(
        "restricted_key_permissions",
        "Restricted key without the needed permission",
        Severity.ERROR,
        "A restricted key (rk_…) can only do what its permissions allow; anything else fails with 403 "
        "naming the permission (e.g. rak_plan_write).",
        "In the Stripe Dashboard → Developers → API keys, edit the restricted key and give the named "
        "resource Read or Write access (Payment Intents, Customers, Products, Prices, Subscriptions, "
        "Invoices, …).",
        _docs.STRIPE_RESTRICTED_KEYS,
    ),
    _P(
        "payment_intent_cannot_be_canceled",
        "Payment Intent cannot be canceled",
        Severity.ERROR,
        "Stripe cancels a Payment Intent only in status requires_payment_method, requires_capture, "
        "requires_confirmation, requires_action or processing; a succeeded or canceled one cannot be "
        "canceled.",
        "Check the status (Retrieve Payment Intent) and your flow. A succeeded payment is undone with "
        "Refund Payment.",
        _docs.STRIPE_PI_CANCEL,
    ),
    _P(
        "payment_intent_cannot_be_captured",
        "Payment Intent cannot be captured",
        Severity.ERROR,
        "Only a Payment Intent in status requires_capture (created with capture_method=manual and "
        "confirmed) can be captured.",
        "Create the Payment Intent with capture_method=manual, confirm it, then capture.",
        _docs.STRIPE_PI_CAPTURE,
    ),
    # --- WeWeb setup guide: "Limitations and what's not in the editor" ---
    _P(
        "editor_limitation_setup_intents",
        "Setup Intents are not in the editor",
        Severity.WARNING,
        "Setup Intents (saving a card for later without charging) are supported by WeWeb's backend but are "
        "not in the workflow action picker.",
        "Build a custom API in WeWeb's backend that calls Stripe's Setup Intents endpoint.",
        _docs.WEWEB_SETUP,
    ),
    _P(
        "editor_limitation_charges",
        "Charges are not in the editor",
        Severity.WARNING,
        "Charges exist in WeWeb's backend but are not among the Stripe actions in the editor.",
        "Prefer Payment Intents and Checkout for new flows; use a custom API if you really need Charges.",
        _docs.WEWEB_SETUP,
    ),
    _P(
        "editor_limitation_payment_methods",
        "Payment Methods are not in the editor",
        Severity.WARNING,
        "Payment Methods (create, attach, detach, list) exist in WeWeb's backend but are not among the "
        "Stripe actions in the editor.",
        "Prefer Payment Intents and Checkout; use a custom API for Payment Method operations.",
        _docs.WEWEB_SETUP,
    ),
    _P(
        "editor_limitation_checkout_sessions",
        "Only Create Checkout Session is in the editor",
        Severity.WARNING,
        "For Checkout Sessions the editor offers only Create; Update, Retrieve, List, List Line Items and "
        "Expire are backend-only.",
        "Use a custom API in WeWeb's backend for those operations.",
        _docs.WEWEB_SETUP,
    ),
    _P(
        "editor_limitation_invoice_items",
        "Only Create Invoice Item is in the editor",
        Severity.WARNING,
        "For Invoice Items the editor offers only Create; the other operations are backend-only.",
        "Use a custom API in WeWeb's backend for those operations.",
        _docs.WEWEB_SETUP,
    ),
    # --- WeWeb error table (errors-and-faqs) ----------------------------------------------------------------
    _P(
        "http_400",
        "400 Bad Request",
        Severity.ERROR,
        "A value is missing or invalid, e.g. an empty required field or a wrong type.",
        "Read the message and the param it names, fix that input and try again.",
        _docs.WEWEB_ERRORS,
    ),
    _P(
        "http_401",
        "401 Unauthorized",
        Severity.ERROR,
        "No valid API key was provided: empty, mistyped, truncated, rolled or deleted.",
        "Copy the secret key again from the Stripe Dashboard → Developers → API keys and paste it whole.",
        _docs.WEWEB_ERRORS,
    ),
    _P(
        "http_402",
        "402 Request Failed",
        Severity.ERROR,
        "The request was valid but failed, most often a declined card.",
        "Read the decline reason; ask the customer for another card or to contact their bank.",
        _docs.WEWEB_ERRORS,
    ),
    _P(
        "http_403",
        "403 Forbidden",
        Severity.ERROR,
        "The key lacks permission for this request, usually a restricted key.",
        "Give the restricted key the permission the message names, or use the secret key.",
        _docs.WEWEB_ERRORS,
    ),
    _P(
        "http_404",
        "404 Not Found",
        Severity.ERROR,
        "The object does not exist for this key: a wrong or truncated ID, an object from the other mode "
        "(test vs live), or from another Stripe account.",
        "Check the ID, and that it was created with a key of the same mode and account.",
        _docs.WEWEB_ERRORS,
    ),
    _P(
        "http_409",
        "409 Conflict",
        Severity.ERROR,
        "The request conflicts with another one, e.g. the same idempotency key is still in use.",
        "Wait a moment and retry; don't submit the same action twice at once.",
        _docs.WEWEB_ERRORS,
    ),
    _P(
        "http_429",
        "429 Too Many Requests",
        Severity.ERROR,
        "Too many requests in a short time (or the object is locked by another request).",
        "Retry after a short delay; avoid calling Stripe in loops.",
        _docs.WEWEB_ERRORS,
    ),
    _P(
        "http_500",
        "500 Internal Server Error",
        Severity.ERROR,
        "An error on Stripe's side.",
        "Retry after a short delay (with the same idempotency key); check status.stripe.com if it persists.",
        _docs.WEWEB_ERRORS,
    ),
    # --- More mistakes worth catching -----------------------------------------------------------------------
    _P(
        "publishable_key_as_secret",
        "Publishable key used as the secret key",
        Severity.ERROR,
        "The publishable key (pk_…) was used for a backend call; Stripe answers 401 'This API call cannot "
        "be made with a publishable API key'.",
        "Put the secret key (sk_…) or a restricted key (rk_…) in the Secret Key field.",
        _docs.STRIPE_KEYS,
    ),
    _P(
        "secret_key_in_publishable_field",
        "Secret key in the publishable field",
        Severity.ERROR,
        "A secret or restricted key was put where the publishable key goes. The publishable key is shipped "
        "to every visitor's browser, so the secret key would be public.",
        "Put the pk_… key there instead, and roll the secret key in the Dashboard if it was ever published.",
        _docs.STRIPE_KEYS,
    ),
    _P(
        "webhook_secret_as_api_key",
        "Webhook secret and API key mixed up",
        Severity.ERROR,
        "The webhook signing secret (whsec_…) only verifies events; it is not an API key, and an API key "
        "is not a signing secret.",
        "Put whsec_… in Webhook Secret Key and the pk_/sk_ keys in their fields.",
        _docs.WEWEB_WEBHOOKS,
    ),
    _P(
        "api_key_expired",
        "Expired API key",
        Severity.ERROR,
        "The key was rolled or reached its expiry date; Stripe answers 401 api_key_expired.",
        "Copy the current key from the Stripe Dashboard → Developers → API keys.",
        _docs.error_code_url("api_key_expired"),
    ),
    _P(
        "livemode_mismatch",
        "Object from the other mode",
        Severity.ERROR,
        "The ID belongs to the other mode: 'a similar object exists in live mode, but a test mode key was "
        "used' (or the reverse). Test and live data are separate.",
        "Use an ID created with a key of the same mode, or switch to the matching key.",
        _docs.STRIPE_KEYS,
    ),
    _P(
        "missing_return_url",
        "Confirm without return_url",
        Severity.ERROR,
        "Since API 2023-08-16, Payment Intents accept all Dashboard payment methods by default, some of "
        "which redirect; confirming on the server then needs a return_url.",
        "Pass return_url, or create the intent with automatic_payment_methods[allow_redirects]=never (or "
        "payment_method_types[]=card).",
        _docs.STRIPE_AUTOMATIC_PAYMENT_METHODS,
    ),
    _P(
        "customer_without_payment_method",
        "Nothing to charge the customer with",
        Severity.ERROR,
        "Stripe wanted to charge the customer (a subscription's first invoice, an invoice paid now) but the "
        "customer has no default payment method or source. Stripe says so with code resource_missing, "
        "which is about the missing card, not about a wrong ID.",
        "Attach a payment method to the customer (in test mode pm_card_visa) and set it as "
        "invoice_settings.default_payment_method, or pass default_payment_method on the subscription. To "
        "create the subscription first and collect the card after, use payment_behavior=default_incomplete.",
        _docs.STRIPE_SUBSCRIPTION_PAYMENT_METHODS,
    ),
    _P(
        "card_declined",
        "Card declined",
        Severity.ERROR,
        "The card issuer (or Stripe's test card) declined the payment; the Payment Intent goes back to "
        "requires_payment_method.",
        "Show the customer a clear message and let them try another card. In test mode, use pm_card_visa "
        "for a successful payment.",
        _docs.STRIPE_DECLINE_CODES,
    ),
    _P(
        "idempotency_key_reused",
        "Idempotency key reused with different parameters",
        Severity.ERROR,
        "An idempotency key replays the first request's result; reusing it with other parameters (or "
        "another endpoint) is refused.",
        "Use a new idempotency key for a different request.",
        _docs.STRIPE_IDEMPOTENCY,
    ),
    _P(
        "coupon_percent_with_currency",
        "A percentage coupon given a currency",
        Severity.ERROR,
        "percent_off is the same in every currency, so Stripe refuses a currency with it; a currency belongs "
        "to amount_off (a fixed amount off).",
        "Remove the currency for a percentage coupon, or use amount_off (in the smallest unit) with it.",
        _docs.STRIPE_COUPONS,
    ),
    _P(
        "promotion_code_not_redeemable",
        "Promotion code that cannot be redeemed",
        Severity.ERROR,
        "The promotion code is inactive, past its expires_at, or has used up its max_redemptions; Stripe "
        "refuses it on Checkout, invoices and subscriptions.",
        "Create a new promotion code (or reactivate this one with active=true), or raise the limit on a new "
        "code: max_redemptions cannot change afterwards.",
        _docs.STRIPE_CHECKOUT_DISCOUNTS,
    ),
    _P(
        "checkout_promotion_codes_and_discounts",
        "Checkout with both allow_promotion_codes and discounts",
        Severity.ERROR,
        "Stripe Checkout takes either a discount you apply (discounts) or a code box for the customer "
        "(allow_promotion_codes), never both, even with allow_promotion_codes=false.",
        "Send only one of them: leave allow_promotion_codes out when you pass discounts.",
        _docs.STRIPE_CHECKOUT_DISCOUNTS,
    ),
    _P(
        "stripe_unreachable",
        "Stripe could not be reached",
        Severity.ERROR,
        "No answer from the API address: offline, a firewall or proxy, a wrong API base URL, or a sandbox "
        "that is not running.",
        "Check the network and the API base address (empty = api.stripe.com), start the sandbox if you use "
        "one, and retry.",
        _docs.STRIPE_STATUS,
    ),
    _P(
        "webhook_signature",
        "Webhook signature does not match",
        Severity.ERROR,
        "The event's Stripe-Signature did not verify: a wrong whsec_ (each endpoint and mode has its own), "
        "a body changed before verification, or an old timestamp.",
        "Paste the signing secret of this exact endpoint, and verify the raw request body.",
        _docs.STRIPE_WEBHOOK_SIGNATURES,
    ),
)

_BY_ID: Final[dict[str, Pitfall]] = {p.id: p for p in CATALOG}
# Other spellings in use, so an older id still finds its entry.
_ALIASES: Final[dict[str, str]] = {
    "amounts_in_smallest_unit": "amounts_in_cents",
    "restricted_key_permission": "restricted_key_permissions",
    "payment_intent_not_cancelable": "payment_intent_cannot_be_canceled",
}


def get(pitfall_id: str) -> Pitfall:
    """The catalog entry for ``pitfall_id`` (or a known alias); KeyError naming the known ids otherwise."""
    try:
        return _BY_ID[_ALIASES.get(pitfall_id, pitfall_id)]
    except KeyError:
        raise KeyError(f"Unknown pitfall {pitfall_id!r}; known: {', '.join(sorted(_BY_ID))}") from None


def explain(finding: Finding) -> Pitfall | None:
    """The catalog entry behind a finding (for a "why?" expander), or None when it has none."""
    if not finding.pitfall:
        return None
    try:
        return get(finding.pitfall)
    except KeyError:
        return None


def _finding(
    code: str,
    pitfall_id: str,
    message: str,
    fix: str | None = None,
    *,
    severity: Severity | None = None,
    field: str | None = None,
    doc_url: str | None = None,
) -> Finding:
    entry = get(pitfall_id)
    return Finding(
        code=code,
        severity=severity or entry.severity,
        message=message,
        fix=fix or entry.how_to_fix,
        doc_url=doc_url or entry.doc_url,
        field=field,
        pitfall=pitfall_id,
    )


# ----------------------------------------------------------------------------------------------------------
# Before a call


def amount_findings(
    amount: int | str, currency: str, *, purpose: Purpose | str | None = Purpose.PAYMENT
) -> list[Finding]:
    """The amount checks of :func:`core.money.check_amount` (minor units; minimums, steps, "looks like
    dollars"); every finding about a known pitfall carries its id."""
    return check_amount(amount, currency, purpose=purpose)


def coupon_findings(values: Mapping[str, object]) -> list[Finding]:
    """What Stripe would refuse about a new coupon's inputs: a percentage with a currency, ``repeating``
    without ``duration_in_months`` (the percentage's own range is checked with the input)."""
    found: list[Finding] = []
    percent = values.get("percent_off")
    if percent is not None and values.get("currency"):
        found.append(
            _finding(
                "pitfall.coupon_percent_with_currency",
                "coupon_percent_with_currency",
                f"A {percent} % coupon takes no currency ({values['currency']} was given).",
                field="currency",
            )
        )
    if values.get("duration") == "repeating" and values.get("duration_in_months") is None:
        found.append(
            Finding(
                "input.duration_in_months",
                Severity.ERROR,
                "A repeating coupon needs Duration in months (Stripe: 'Missing required param: "
                "duration_in_months.').",
                "Enter how many months it applies, e.g. 3.",
                field="duration_in_months",
            )
        )
    return found


def promotion_code_findings(promo: Mapping[str, Any], now: int) -> list[Finding]:
    """Why a promotion code cannot be redeemed right now (inactive, expired, used up), or nothing."""
    code = promo.get("code") or promo.get("id")
    limit, used = promo.get("max_redemptions"), int(promo.get("times_redeemed") or 0)
    expires = promo.get("expires_at")
    if not promo.get("active"):
        reason = f"the promotion code {code} is inactive"
    elif isinstance(expires, int) and now > expires:
        reason = f"the promotion code {code} expired"
    elif isinstance(limit, int) and used >= limit:
        reason = f"the promotion code {code} is used up ({used} of {limit} redemptions)"
    else:
        return []
    return [
        _finding(
            "pitfall.promotion_code_not_redeemable",
            "promotion_code_not_redeemable",
            f"Stripe would refuse this: {reason}.",
            field="discounts",
        )
    ]


def checkout_discount_findings(values: Mapping[str, object]) -> list[Finding]:
    """Stripe's "You may only specify one of these parameters: allow_promotion_codes, discounts."."""
    if "allow_promotion_codes" in values and values.get("discounts"):
        return [
            _finding(
                "pitfall.checkout_promotion_codes_and_discounts",
                "checkout_promotion_codes_and_discounts",
                "Checkout refuses allow_promotion_codes together with discounts (Stripe: 'You may only "
                "specify one of these parameters: allow_promotion_codes, discounts.').",
                field="allow_promotion_codes",
            )
        ]
    return []


#: Stripe's own list (the cancel error message names exactly these).
CANCELABLE_STATUSES: Final = (
    "requires_payment_method",
    "requires_capture",
    "requires_confirmation",
    "requires_action",
    "processing",
)
CAPTURABLE_STATUSES: Final = ("requires_capture",)


def cancel_not_allowed(status: str, intent_id: str | None = None) -> list[Finding]:
    """An ERROR when a Payment Intent in ``status`` cannot be canceled (Stripe would answer 400)."""
    if status in CANCELABLE_STATUSES:
        return []
    name = f"Payment Intent {intent_id}" if intent_id else "This Payment Intent"
    if status == "succeeded":
        detail = "has succeeded: the money was collected, so it can no longer be canceled, only refunded"
        fix = "Use Refund Payment with this Payment Intent's ID to give the money back."
    elif status == "canceled":
        detail = "is already canceled"
        fix = "Nothing to cancel. Check your flow: is the cancel step running twice?"
    else:
        detail = f"has status '{status}'"
        fix = "Retrieve the Payment Intent to see its status, and cancel only before it succeeds."
    return [
        _finding(
            "pitfall.payment_intent_not_cancelable",
            "payment_intent_cannot_be_canceled",
            f"{name} {detail}. Stripe cancels only a Payment Intent with one of the following statuses: "
            f"{', '.join(CANCELABLE_STATUSES)}.",
            fix,
            field="id",
        )
    ]


def capture_not_allowed(status: str, intent_id: str | None = None) -> list[Finding]:
    """An ERROR when a Payment Intent in ``status`` cannot be captured."""
    if status in CAPTURABLE_STATUSES:
        return []
    name = f"Payment Intent {intent_id}" if intent_id else "This Payment Intent"
    if status == "succeeded":
        fix = "It was captured already (or used automatic capture): nothing to capture."
    elif status in ("requires_payment_method", "requires_confirmation", "requires_action"):
        fix = "Confirm it first (with capture_method=manual it then waits in requires_capture)."
    else:
        fix = get("payment_intent_cannot_be_captured").how_to_fix
    return [
        _finding(
            "pitfall.payment_intent_not_capturable",
            "payment_intent_cannot_be_captured",
            f"{name} has status '{status}'. Only a Payment Intent with status requires_capture may be "
            "captured.",
            fix,
            field="id",
        )
    ]


# WeWeb's editor: which operations of these resources the Stripe action picker offers (setup guide).
def _editor_limitations() -> dict[str, tuple[str, str, frozenset[str]]]:
    """resource key: (pitfall id, label, operations available in the editor), read from the catalog."""
    return {
        r.key: (f"editor_limitation_{r.key}", r.group, catalog.editor_operations(r))
        for r in catalog.RESOURCES
        if r.editor_limitation
    }


#: What WeWeb's Setup page lists as not (or only partly) in the editor, derived from ``core.catalog``.
EDITOR_LIMITATIONS: Final = _editor_limitations()


def _norm(text: str) -> str:
    return re.sub(r"[\s.\-/]+", "_", text.strip().lower()).strip("_")


def _resource_names(resource: catalog.Resource) -> set[str]:
    """Every way a person may name a resource: "setup_intents", "Setup Intent", "setupintent", "checkout"…"""
    singular = resource.key.removesuffix("s")
    obj = _norm(resource.object_name)
    names = {resource.key, singular, obj, f"{obj}s", resource.docs.split("/")[0]}
    return names | {n.replace("_", "") for n in names}


_RESOURCE_ALIASES: Final = {
    name: r.key for r in catalog.RESOURCES if r.editor_limitation for name in _resource_names(r)
}


def editor_limitation(resource: str, operation: str) -> list[Finding]:
    """A WARNING when WeWeb's editor has no action for ``operation`` on ``resource`` (backend-only: it needs
    a custom API). ``resource`` like "setup_intents", "Checkout Session", "checkout.session"; ``operation``
    like "create", "list_line_items", "attach"."""
    key = _norm(resource)
    key = _RESOURCE_ALIASES.get(key, key)
    entry = EDITOR_LIMITATIONS.get(key)
    op = _norm(operation)
    if entry is None:
        return []
    pitfall_id, label, available = entry
    if op in available:
        return []
    op_label = op.replace("_", " ")
    if available:
        offered = ", ".join(sorted(a.title() for a in available))
        message = (
            f"'{op_label.title()}' for {label} is not in WeWeb's editor: only {offered} is in the action "
            "picker; the other operations are backend-only."
        )
    else:
        message = (
            f"{label} ('{op_label}') are not in WeWeb's Stripe actions in the editor; they are available in "
            "the backend only."
        )
    return [
        _finding(
            "pitfall.editor_limitation",
            pitfall_id,
            message + " This playground can run it, but in WeWeb you need a custom API that calls it.",
        )
    ]


# ----------------------------------------------------------------------------------------------------------
# Restricted key permissions


_SLUG_RE: Final = re.compile(r"^rak_([a-z0-9_]+?)_(read|write)$")
_SLUG_IN_TEXT_RE: Final = re.compile(r"'(rak_[a-z0-9_]+)'")


def describe_permission(slug: str) -> tuple[str, str]:
    """``rak_plan_write`` → ``("Prices", "Write")``: the Dashboard row and access level to grant."""
    m = _SLUG_RE.match(slug.strip())
    if not m:
        raise ValueError(f"{slug!r} is not a restricted-key permission (rak_<resource>_read|write)")
    stem, level = m.groups()
    return permission_label(stem), level.title()


def missing_permission(slug: str, *, alternatives: Iterable[str] = ()) -> list[Finding]:
    """What to grant for a 403 naming ``slug`` (and, when Stripe lists several, any of ``alternatives``)."""
    slugs = [slug, *[s for s in alternatives if s != slug]]
    grants = []
    for s in slugs:
        try:
            label, level = describe_permission(s)
            grants.append(f"{label}: {level} (`{s}`)")
        except ValueError:
            grants.append(f"`{s}`")
    named = " or ".join(f"`{s}`" for s in slugs)
    how = " — or ".join(grants)
    return [
        _finding(
            "pitfall.missing_permission",
            "restricted_key_permissions",
            f"This restricted key lacks {named}.",
            f"In the Dashboard, API keys → edit the key → {how}. Write includes Read. Or use the secret key "
            "(sk_…) for this environment.",
        )
    ]


# ----------------------------------------------------------------------------------------------------------
# After a failed call


_DECLINES: Final[dict[str, tuple[str, str | None]]] = {
    # decline_code (or error code): (what it means, the test PaymentMethod that produces it)
    "generic_decline": ("The card was declined for an unspecified reason.", "pm_card_visa_chargeDeclined"),
    "insufficient_funds": (
        "The card has insufficient funds.",
        "pm_card_visa_chargeDeclinedInsufficientFunds",
    ),
    "lost_card": ("The card was reported lost.", "pm_card_visa_chargeDeclinedLostCard"),
    "stolen_card": ("The card was reported stolen.", "pm_card_visa_chargeDeclinedStolenCard"),
    "expired_card": ("The card has expired.", "pm_card_chargeDeclinedExpiredCard"),
    "incorrect_cvc": ("The card's security code (CVC) is incorrect.", "pm_card_chargeDeclinedIncorrectCvc"),
    "processing_error": (
        "An error occurred while processing the card; trying again may work.",
        "pm_card_chargeDeclinedProcessingError",
    ),
    "incorrect_number": ("The card number is incorrect.", None),
    "card_velocity_exceeded": (
        "The customer exceeded the card's balance or credit limit in a short time.",
        "pm_card_visa_chargeDeclinedVelocityLimitExceeded",
    ),
    "fraudulent": ("Stripe suspects the payment is fraudulent.", "pm_card_radarBlock"),
    "do_not_honor": ("The issuer declined without giving a reason.", None),
    "authentication_required": (
        "The card needs 3D Secure authentication, which cannot happen off-session.",
        "pm_card_authenticationRequired",
    ),
    "invalid_amount": ("The issuer refused the amount (too large or not allowed).", None),
    "card_not_supported": ("The card does not support this type of purchase.", None),
    "currency_not_supported": ("The card does not support the currency.", None),
    "try_again_later": ("The issuer asks to try again later.", None),
    "call_issuer": ("The issuer declined; the customer should call their bank.", None),
    "pickup_card": ("The card cannot be used (the issuer asks to retain it).", None),
    "duplicate_transaction": ("An identical payment was made very recently.", None),
    "testmode_decline": ("A real card number was used in test mode.", None),
    "test_mode_live_card": ("A real card was used in test mode.", None),
    "live_mode_test_card": ("A test card was used in live mode.", None),
}

_NO_SUCH_RE: Final = re.compile(r"No such ([a-z_ ]+?): '?([A-Za-z0-9_]+)'?(?:;|$|\.|\s)")
_OTHER_MODE_RE: Final = re.compile(
    r"a similar object exists in (live|test) mode, but an? (live|test) mode key"
)
_STATUS_RE: Final = re.compile(r"status of ([a-z_]+)")
_MASKED_KEY_RE: Final = re.compile(r"\b(?:sk|rk|pk)_(?:test|live)_[0-9A-Za-z*]+")


def _said(error: stripe.StripeError) -> str:
    message = redact(str(error.user_message or "")).strip()
    if not message:
        return ""
    request = f" (request {error.request_id})" if error.request_id else ""
    return f" Stripe said: “{message}”{request}"


def _error_fields(
    error: stripe.StripeError,
) -> tuple[str | None, str | None, str | None, str | None, str | None]:
    obj = error.error
    code = error.code or (obj.code if obj is not None else None)
    etype = obj.type if obj is not None else None
    param = obj.param if obj is not None else getattr(error, "param", None)
    decline = obj.decline_code if obj is not None else None
    doc_url = obj.doc_url if obj is not None else None
    return code, etype, param, decline, doc_url


def from_stripe_error(error: BaseException, *, key: Secret | str | None = None) -> list[Finding]:
    """Read a failed call's ``stripe`` exception as catalog pitfalls with this call's specifics filled in.

    ``key`` (optional) is the key that was used, to name it (masked) on a 401. Never echoes a key: Stripe's
    messages are passed through :func:`core.secrets.redact`.
    """
    if isinstance(error, stripe.SignatureVerificationError):
        return [
            _finding(
                "stripe.webhook_signature",
                "webhook_signature",
                f"The webhook signature did not verify: {redact(str(error.user_message or error))}.",
            )
        ]
    if isinstance(error, stripe.APIConnectionError):
        return [
            _finding(
                "stripe.unreachable",
                "stripe_unreachable",
                # A connection error may come after the request was sent (a timeout, a dropped answer), so
                # "nothing changed" would be a promise we cannot keep for writes.
                "Stripe could not be reached or did not answer. A read changed nothing; a write may or may"
                " not have been carried out. Sending the same submission again is safe: it reuses its"
                " idempotency key, so Stripe carries it out at most once."
                + _said(error).replace(" Stripe said:", " The library said:"),
            )
        ]
    if not isinstance(error, stripe.StripeError):
        return []
    status = error.http_status
    code, etype, param, decline, doc_url = _error_fields(error)
    message = str(error.user_message or "")
    said = _said(error)

    if isinstance(error, stripe.AuthenticationError) or status == 401:
        return [_from_401(error, code, message, said, key)]
    if isinstance(error, stripe.CardError) or status == 402:
        return [_from_402(code, decline, param, said, doc_url)]
    if isinstance(error, stripe.PermissionError) or status == 403:
        slugs = _SLUG_IN_TEXT_RE.findall(message)
        if slugs:
            findings = missing_permission(slugs[0], alternatives=slugs[1:])
            return [_with_message_suffix(findings[0], said)]
        if "not available for use by restricted keys" in message:
            return [
                _finding(
                    "stripe.permission_not_for_restricted_keys",
                    "restricted_key_permissions",
                    "This endpoint cannot be used with any restricted key." + said,
                    "Use the secret key (sk_…) for this call.",
                )
            ]
        return [_finding("stripe.http_403", "http_403", "Stripe refused this key (403)." + said)]
    if isinstance(error, stripe.IdempotencyError) or etype == "idempotency_error":
        return [
            _finding(
                "stripe.idempotency_key_reused",
                "idempotency_key_reused",
                "This idempotency key was already used for a different request." + said,
            )
        ]
    if isinstance(error, stripe.RateLimitError) or status == 429:
        detail = (
            "Another request is using this object right now (lock_timeout)."
            if code == "lock_timeout"
            else "Too many requests in a short time (429)."
        )
        return [_finding("stripe.http_429", "http_429", detail + said)]
    if status == 409:
        return [
            _finding("stripe.http_409", "http_409", "The request conflicts with another one (409)." + said)
        ]
    if status is not None and status >= 500:
        return [_finding("stripe.http_500", "http_500", f"Stripe had an internal error ({status})." + said)]
    if status in (400, 404) or isinstance(error, stripe.InvalidRequestError):
        return [_from_invalid_request(status, code, param, message, said, doc_url)]
    return [
        _finding(
            "stripe.error",
            "http_400",
            f"Stripe returned an error{f' ({status})' if status else ''}." + said,
            "Read Stripe's message; it says which value to change.",
        )
    ]


def _with_message_suffix(f: Finding, suffix: str) -> Finding:
    return Finding(f.code, f.severity, f.message + suffix, f.fix, f.doc_url, f.field, f.pitfall)


def _from_401(
    error: stripe.StripeError, code: str | None, message: str, said: str, key: Secret | str | None
) -> Finding:
    shown = _MASKED_KEY_RE.search(message)
    if shown:
        masked = mask(shown.group(0)) if "*" not in shown.group(0) else shown.group(0)
    elif key is not None:
        masked = mask(key.reveal() if isinstance(key, Secret) else key)
    else:
        masked = ""
    which = f" ({masked})" if masked else ""
    if code == "api_key_expired" or message.startswith("Expired API Key"):
        return _finding(
            "stripe.api_key_expired", "api_key_expired", f"The key{which} has expired or was rolled." + said
        )
    if code == "secret_key_required" or "publishable API key" in message:
        return _finding(
            "stripe.publishable_key_as_secret",
            "publishable_key_as_secret",
            f"A publishable key{which} was used where a secret key is needed." + said,
            field="secret_key",
        )
    if "contains at least one space" in message:
        return _finding(
            "stripe.key_contains_space",
            "http_401",
            f"The key{which} contains a space or line break." + said,
            "Delete the spaces inside the key, or copy it again with the Dashboard's copy button.",
            field="secret_key",
        )
    if "only emulates test mode" in message:
        # The local sandbox's own refusal (sandbox/_errors.py live_key_refused): the key may be perfectly
        # valid, so "mistyped, truncated, rolled or deleted" would send people to the Dashboard for nothing.
        return _finding(
            "sandbox.live_key_refused",
            "http_401",
            f"The local sandbox does not accept live keys{which}: it only emulates test mode, so the key "
            "was refused here without being checked." + said,
            "Use test keys (sk_test_…/pk_test_…) with the sandbox, or point this connection at real Stripe "
            "to use live keys (live mode moves real money: Production only).",
            field="secret_key",
        )
    if "did not provide an API key" in message:
        return _finding(
            "stripe.no_api_key",
            "http_401",
            "No API key was sent with the request." + said,
            "Fill in the Secret Key of this environment.",
            field="secret_key",
        )
    return _finding(
        "stripe.http_401",
        "http_401",
        f"Stripe does not accept the key{which}: it is mistyped, truncated, rolled or deleted." + said,
        field="secret_key",
    )


def _from_402(
    code: str | None, decline: str | None, param: str | None, said: str, doc_url: str | None
) -> Finding:
    reason = decline or code or ""
    meaning, test_pm = _DECLINES.get(reason, (None, None))
    if meaning is None and code != "card_declined" and code is not None:
        return _finding(
            "stripe.http_402",
            "http_402",
            f"The request was valid but failed ({code})." + said,
            doc_url=doc_url,
        )
    label = f" ({reason})" if reason else ""
    text = f"The card was declined{label}: {meaning or 'see the decline code.'}"
    if test_pm:
        text += f" In test mode, {test_pm} produces exactly this."
    fix = (
        "Ask the customer to try another payment method or contact their bank; don't retry the same card "
        "repeatedly. In test mode, pm_card_visa succeeds."
    )
    if reason == "authentication_required":
        fix = (
            "Bring the customer back on-session to authenticate (3D Secure), or set the card up for "
            "off-session use first (SetupIntent / setup_future_usage)."
        )
    elif reason in ("incorrect_cvc", "expired_card", "incorrect_number"):
        fix = "Ask the customer to check and re-enter the card details."
    elif reason == "processing_error":
        fix = "Try again in a little while; if it keeps failing, use another card."
    return _finding(
        "stripe.card_declined",
        "card_declined",
        text + said,
        fix,
        field=param,
        doc_url=doc_url or get("card_declined").doc_url,
    )


_NO_PAYMENT_SOURCE: Final = "has no attached payment source or default payment method"


def _from_invalid_request(
    status: int | None, code: str | None, param: str | None, message: str, said: str, doc_url: str | None
) -> Finding:
    if _NO_PAYMENT_SOURCE in message:
        # Stripe's code here is resource_missing, so the code alone pointed at "a wrong ID": read the words.
        return _finding(
            "stripe.customer_without_payment_method",
            "customer_without_payment_method",
            "The customer has no default payment method or source, so Stripe had nothing to charge." + said,
            field=param,
        )
    if code == "resource_missing" or message.startswith("No such "):
        other_mode = _OTHER_MODE_RE.search(message)
        missing = _NO_SUCH_RE.search(message)
        obj, obj_id = (missing.group(1), missing.group(2)) if missing else ("object", "")
        ident = f" '{obj_id}'" if obj_id else ""
        if other_mode:
            exists_in, key_mode = Mode(other_mode.group(1)), Mode(other_mode.group(2))
            return _finding(
                "stripe.livemode_mismatch",
                "livemode_mismatch",
                f"The {obj}{ident} exists in {exists_in.label}, but this request used a {key_mode} key."
                + said,
                f"Use a {exists_in} key for this object, or create the {obj} again in {key_mode.label}.",
                field=param,
            )
        where = f" (param {param})" if param else ""
        return _finding(
            "stripe.resource_missing",
            "http_404",
            f"No {obj}{ident} exists for this key{where}. Either the ID is wrong or truncated, it was "
            "created "
            "in the other mode (test vs live), or in another Stripe account." + said,
            f"Copy the {obj} ID again (e.g. from the create action's result or the Dashboard), and check it "
            "was created with this environment's key.",
            field=param,
        )
    if code == "payment_intent_unexpected_state":
        state = _STATUS_RE.search(message)
        current = state.group(1) if state else "unknown"
        if "cancel" in message:
            found = cancel_not_allowed(current)
            if found:
                return _with_message_suffix(found[0], said)
        if "captured" in message:
            found = capture_not_allowed(current)
            if found:
                return _with_message_suffix(found[0], said)
    if "return_url" in message:
        return _finding(
            "stripe.missing_return_url",
            "missing_return_url",
            "Confirming this Payment Intent needs a return_url, because some of the payment methods enabled "
            "in the Dashboard redirect the customer." + said,
            field="return_url",
        )
    if code == "amount_too_small":
        return _finding(
            "stripe.amount_too_small", "amount_too_small", "The amount is too small." + said, field=param
        )
    if code == "amount_too_large":
        return _finding(
            "stripe.amount_too_large", "amount_too_large", "The amount is too large." + said, field=param
        )
    if code == "parameter_invalid_integer" and param and "amount" in param:
        return _finding(
            "stripe.amount_not_integer",
            "amounts_in_cents",
            f"{param} must be a whole number in the smallest currency unit (1000 = $10.00)." + said,
            field=param,
        )
    if code == "parameter_missing":
        return _finding(
            "stripe.parameter_missing",
            "http_400",
            f"A required value is missing: {param or 'see the message'}." + said,
            f"Fill in {param}." if param else None,
            field=param,
        )
    if status == 404:
        return _finding("stripe.http_404", "http_404", "Stripe found nothing at this address (404)." + said)
    what = f" in {param}" if param else ""
    return _finding(
        "stripe.http_400",
        "http_400",
        f"Stripe refused the request: a value{what} is missing or invalid." + said,
        field=param,
        doc_url=doc_url,
    )
