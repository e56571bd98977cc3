"""Checkout Sessions: create, retrieve, update, list, line items, expire, and completion by the hosted page.

The session's ``url`` opens the sandbox's own hosted checkout page (:mod:`sandbox.resources.checkout_page`),
where a person pays with a test card. Paying there runs the same PaymentIntent / SetupIntent /
Subscription code as the API, then completes the session, as Stripe Checkout does.

Line items are not an object of their own in Stripe (no id lookup), so they are stored beside the session as
a sandbox-internal object and served through ``/line_items`` and ``expand[]=line_items``.
"""

from __future__ import annotations

import copy
from typing import Any

from sandbox import _errors as errors
from sandbox import hosted_pages
from sandbox._api import Context, apply_metadata, endpoint, expander, includable, page_of
from sandbox._errors import StripeError, invalid_request, parameter_missing
from sandbox._ids import random_chars
from sandbox._payment_amounts import charge_amount_problem
from sandbox._payment_lifecycle import unguessable
from sandbox.resources import coupons, discounts, prices, promotion_codes, tax_rates

KIND = "checkout.session"
LINES_KIND = "sandbox.checkout_line_items"
PERMISSION = "checkout_session"
PAGE_PATH = "/c/pay"
MIN_EXPIRY = 30 * 60
MAX_EXPIRY = 24 * 60 * 60

SUBSCRIPTION_NEEDS_RECURRING = (
    "You must provide at least one recurring price in `subscription` mode when using prices."  # [O]
)
PAYMENT_WITH_RECURRING = (
    "You specified `payment` mode but passed a recurring price. Either switch to `subscription` mode or use "
    "only one-time prices."
)  # [O]


def page_url(ctx: Context, session_id: str) -> str:
    """Where a browser pays. The account is part of the path because the page, like Stripe's, needs no key:
    the unguessable session id is the credential."""
    return f"{ctx.public_url}{PAGE_PATH}/{ctx.account}/{session_id}"


def _lines_id(session_id: str) -> str:
    return f"cslines_{session_id}"


# --- line items -----------------------------------------------------------------------------------------


def _inline_price(ctx: Context, data: dict[str, Any], prefix: str) -> dict[str, Any]:
    """``price_data``: Stripe creates an inactive, single-use price (and product for ``product_data``)."""
    if data.get("product") and data.get("product_data"):
        raise errors.exclusive([f"{prefix}[product]", f"{prefix}[product_data]"])
    if data.get("product"):
        product_id = ctx.load("product", str(data["product"]), param=f"{prefix}[product]", status=400)["id"]
    elif data.get("product_data"):
        pd = data["product_data"]
        now = ctx.now()
        product: dict[str, Any] = {
            "id": ctx.new_id("prod"),
            "object": "product",
            "active": False,
            "created": now,
            "default_price": None,
            "description": pd.get("description") or None,
            "images": list(pd.get("images") or []),
            "livemode": False,
            "marketing_features": [],
            "metadata": apply_metadata({}, pd.get("metadata")),
            "name": pd["name"],
            "package_dimensions": None,
            "shippable": None,
            "statement_descriptor": None,
            "tax_code": pd.get("tax_code"),
            "type": "service",
            "unit_label": pd.get("unit_label"),
            "updated": now,
            "url": None,
        }
        ctx.save(product)
        product_id = product["id"]
    else:
        raise parameter_missing(f"{prefix}[product]")
    price_params = {k: v for k, v in data.items() if k not in ("product", "product_data")}
    price_params["active"] = False
    return prices.create_price(ctx, price_params, product_id, prefix)


def _build_lines(ctx: Context, raw_items: Any, mode: str) -> list[dict[str, Any]]:
    items = list(raw_items or [])
    lines: list[dict[str, Any]] = []
    for i, item in enumerate(items):
        prefix = f"line_items[{i}]"
        if item.get("price") and item.get("price_data"):
            raise errors.exclusive([f"{prefix}[price]", f"{prefix}[price_data]"])
        if item.get("price"):
            price = ctx.load("price", str(item["price"]), param=f"{prefix}[price]", status=400)
            if not price.get("active", True):
                # [U] wording.
                raise invalid_request(
                    f"The price `{price['id']}` is not active. Checkout only accepts active prices.",
                    param=f"{prefix}[price]",
                )
        elif item.get("price_data"):
            price = _inline_price(ctx, item["price_data"], f"{prefix}[price_data]")
        else:
            raise parameter_missing(f"{prefix}[price]")
        if item.get("quantity") in (None, ""):
            # [O] text of Checkout's missing-quantity error.
            raise invalid_request(
                f"Quantity is required. Add `quantity` to `{prefix}`", param=f"{prefix}[quantity]"
            )
        quantity = int(item["quantity"])
        if quantity < 1:
            raise invalid_request(
                "This value must be greater than or equal to 1.", param=f"{prefix}[quantity]"
            )
        if price.get("unit_amount") is None:
            # [U] wording: tiered and customer-chosen prices are not emulated in Checkout.
            raise invalid_request(
                f"The local Stripe sandbox's Checkout needs prices with a fixed unit_amount; {price['id']} "
                "has none.",
                param=f"{prefix}[price]",
            )
        if mode == "payment" and price.get("type") == "recurring":
            raise invalid_request(PAYMENT_WITH_RECURRING, param=prefix)
        product = ctx.get(str(price["product"])) or {}
        subtotal = int(price["unit_amount"]) * quantity
        rates = tax_rates.load_many(ctx, item.get("tax_rates"), f"{prefix}[tax_rates]")
        if rates and mode == "subscription":
            # [U] The sandbox's own limitation: subscriptions do not carry tax rates yet.
            raise invalid_request(
                "The local sandbox does not emulate tax rates on subscription-mode Checkout yet; use "
                "payment mode, or tax rates on an invoice.",
                param=f"{prefix}[tax_rates]",
            )
        if item.get("dynamic_tax_rates"):
            # [U] The hosted page collects no address to choose a rate by, so this cannot be honoured.
            raise invalid_request(
                "The local sandbox's Checkout collects no customer address, so it cannot choose among "
                "`dynamic_tax_rates`; pass `tax_rates` instead.",
                param=f"{prefix}[dynamic_tax_rates]",
            )
        lines.append(
            {
                "id": "li_" + random_chars(24),
                "object": "item",
                "adjustable_quantity": None,
                "amount_discount": 0,
                "amount_subtotal": subtotal,
                "amount_tax": 0,
                "amount_total": subtotal,
                "currency": price["currency"],
                "description": product.get("name") or price.get("nickname") or "",
                "metadata": {},
                "price": copy.deepcopy(price),
                "quantity": quantity,
                "discounts": [],
                "taxes": [],
                "tax_rates": [r["id"] for r in rates],  # kept on the stored record only (see _shown)
            }
        )
    if lines:
        currencies = {line["currency"] for line in lines}
        if len(currencies) > 1:
            # [U] wording.
            raise invalid_request(
                f"All line items must use the same currency; got {', '.join(sorted(currencies))}.",
                param="line_items",
            )
    if mode == "subscription" and not any(line["price"].get("type") == "recurring" for line in lines):
        raise invalid_request(SUBSCRIPTION_NEEDS_RECURRING, param="line_items")
    return lines


def _shown(line: dict[str, Any]) -> dict[str, Any]:
    """A line item as the API shows it: the tax rate ids it was created with are not a field of it."""
    return {k: v for k, v in line.items() if k != "tax_rates"}


def stored_lines(ctx: Context, session_id: str) -> list[dict[str, Any]]:
    record = ctx.get(_lines_id(session_id))
    return [_shown(line) for line in record["data"]] if record else []


# Stripe returns a line item's discounts and taxes only when expanded (``line_items.data.taxes``).
includable("item", "discounts", "taxes")


def price_session(ctx: Context, session: dict[str, Any], record: dict[str, Any]) -> None:
    """Discounts and taxes of the session's lines (``sandbox._discount_tax``) and the totals they give.

    A trial bills nothing today, so a trialing subscription session stays at 0 whatever its discounts."""
    lines: list[dict[str, Any]] = record["data"]
    if not lines:
        return
    currency = str(session["currency"])
    rates = {r: ctx.get(r) or {} for line in lines for r in line.get("tax_rates") or []}
    totals = discounts.compute_lines(
        ctx,
        [
            (
                int(line["amount_subtotal"]),
                line["price"].get("product"),
                [rates[r] for r in line.get("tax_rates") or [] if rates[r]],
            )
            for line in lines
        ],
        record.get("discount_ids") or [],
        currency,
    )
    for line, result in zip(lines, totals.lines, strict=True):
        line.update(
            amount_discount=result.discount,
            amount_tax=sum(t.amount for t in result.taxes),
            amount_total=result.amount - result.discount + result.exclusive_tax,
            discounts=[{"amount": a, "discount": ctx.get(d)} for d, a in result.discount_amounts if a],
            taxes=[
                {
                    "amount": t.amount,
                    "rate": copy.deepcopy(rates[t.tax_rate]),
                    "taxability_reason": None,
                    "taxable_amount": t.taxable_amount,
                }
                for t in result.taxes
            ],
        )
    trial = (record.get("subscription_data") or {}).get("trial_period_days") not in (None, "", 0, "0")
    if session["mode"] == "subscription" and trial:
        return
    session["amount_subtotal"] = totals.subtotal
    session["amount_total"] = totals.total
    session["total_details"] = {
        "amount_discount": totals.discount,
        "amount_shipping": 0,
        "amount_tax": totals.tax,
    }


def apply_promotion_code(ctx: Context, session: dict[str, Any], code: str) -> str | None:
    """The hosted page's code box: apply ``code`` to an open session that allows promotion codes.
    Returns the message to show when it cannot be applied (Stripe's page words, [U] beyond them)."""
    record = ctx.get(_lines_id(session["id"]))
    if record is None or not session.get("allow_promotion_codes"):
        return "This session does not accept promotion codes."
    promo = promotion_codes.find_by_code(ctx, code) if code.strip() else None
    if promo is None:
        return "This code is invalid."
    where = discounts.Redemption(
        customer=session.get("customer"),
        currency=session.get("currency"),
        amount=session.get("amount_subtotal"),
        checkout_session=session["id"],
    )
    if discounts.promotion_code_problem(ctx, promo, where, "promotion_code") is not None:
        return "This code is invalid."
    coupon = coupons.stored(ctx, str(promo["promotion"]["coupon"]))
    products = set((coupon or {}).get("applies_to", {}).get("products") or [])
    if products and not any(line["price"].get("product") in products for line in record["data"]):
        return "This code is valid, but doesn't apply to items in your order."
    discount = discounts.create(ctx, coupon or {}, promo, where, redeem=False)
    record["discount_ids"] = [discount["id"]]
    session["discounts"] = [{"coupon": discount["source"]["coupon"], "promotion_code": promo["id"]}]
    price_session(ctx, session, record)
    ctx.save(record)
    ctx.save(session)
    return None


def redeem_discounts(ctx: Context, session: dict[str, Any]) -> list[str]:
    """At completion the session's discounts count as redeemed (coupon and promotion code)."""
    record = ctx.get(_lines_id(session["id"])) or {}
    ids = list(record.get("discount_ids") or [])
    for discount_id in ids:
        discounts.redeem(ctx, ctx.get(discount_id) or {})
    return ids


def _lines_page(ctx: Context, session_id: str, params: dict[str, Any]) -> dict[str, Any]:
    lines = stored_lines(ctx, session_id)
    limit = int(params.get("limit") or 10)
    if not 1 <= limit <= 100:
        raise invalid_request(
            f"Invalid limit: must be between 1 and 100 (inclusive), got {limit}.", param="limit"
        )
    return page_of(lines, limit, params, f"/v1/checkout/sessions/{session_id}/line_items", kind="item")


@expander(KIND, "line_items")
def _expand_line_items(ctx: Context, session: dict[str, Any]) -> Any:
    return _lines_page(ctx, str(session["id"]), {})


# --- lifecycle ------------------------------------------------------------------------------------------


def refresh(ctx: Context, session: dict[str, Any]) -> dict[str, Any]:
    """Sessions expire by themselves at ``expires_at``; the sandbox applies it whenever one is read."""
    if session["status"] == "open" and ctx.now() >= int(session["expires_at"]):
        _expire(ctx, session)
    return session


def _expire(ctx: Context, session: dict[str, Any]) -> None:
    session.update(status="expired", url=None)
    pi_id = session.get("payment_intent")
    if pi_id:
        pi = ctx.get(str(pi_id))
        if pi is not None and pi.get("status") in (
            "requires_payment_method",
            "requires_confirmation",
            "requires_action",
        ):
            pi.update(
                status="canceled", canceled_at=ctx.now(), cancellation_reason="abandoned", next_action=None
            )
            ctx.save(pi)
            ctx.emit("payment_intent.canceled", copy.deepcopy(pi))
    ctx.save(session)
    ctx.emit("checkout.session.expired", copy.deepcopy(session))


def complete(
    ctx: Context,
    session: dict[str, Any],
    *,
    email: str | None,
    name: str | None = None,
    payment_intent: str | None = None,
    setup_intent: str | None = None,
    subscription: str | None = None,
    invoice: str | None = None,
    customer: str | None = None,
    authorized_only: bool = False,
) -> str:
    """Mark ``session`` complete, emit checkout.session.completed, return where to send the browser.

    ``authorized_only``: the payment was authorized with ``capture_method=manual`` but not captured, so the
    session is complete while its funds are not there yet (``payment_status`` stays ``unpaid``).
    """
    redeem_discounts(ctx, session)
    due = session["mode"] != "setup" and (session.get("amount_total") or 0) > 0
    session.update(
        status="complete",
        payment_status=("unpaid" if authorized_only else "paid") if due else "no_payment_required",
        url=None,
        customer_details=_details(email, name),
    )
    for key, value in (
        ("payment_intent", payment_intent),
        ("setup_intent", setup_intent),
        ("subscription", subscription),
        ("invoice", invoice),
        ("customer", customer),
    ):
        if value:
            session[key] = value
    ctx.save(session)
    ctx.emit("checkout.session.completed", copy.deepcopy(session))
    target = str(session.get("success_url") or session.get("return_url") or "")
    filled = target.replace("{CHECKOUT_SESSION_ID}", session["id"])
    return filled if hosted_pages.is_redirect_url(filled) else ""  # "" shows the page's own "Thank you"


# --- endpoints ------------------------------------------------------------------------------------------


def _details(email: Any, name: Any = None) -> dict[str, Any]:
    return {
        "address": None,
        "business_name": None,
        "email": email,
        "individual_name": None,
        "name": name,
        "phone": None,
        "tax_exempt": "none",
        "tax_ids": [],
    }


def _check_minimum(amount: int, currency: str) -> None:
    problem = charge_amount_problem(amount, currency)
    if problem is not None and problem.code == "amount_too_small":
        minimum = problem.message.removeprefix("Amount must be at least ")
        # [O] text of Checkout's minimum-total error.
        raise StripeError(
            400,
            f"The Checkout Session's total amount due must add up to at least {minimum}",
            code="amount_too_small",
        )


def _check_expiry(ctx: Context, value: Any) -> int:
    now = ctx.now()
    if value in (None, ""):
        return now + MAX_EXPIRY
    expires_at = int(value)
    # [U] wording of both limits (documented range: 30 minutes to 24 hours after creation).
    if expires_at < now + MIN_EXPIRY:
        raise invalid_request(
            "The `expires_at` timestamp must be at least 30 minutes from Checkout Session creation.",
            param="expires_at",
        )
    if expires_at > now + MAX_EXPIRY:
        raise invalid_request(
            "The `expires_at` timestamp must be less than 24 hours from Checkout Session creation.",
            param="expires_at",
        )
    return expires_at


@endpoint("POST", "/v1/checkout/sessions", permission=PERMISSION)
def create(ctx: Context) -> dict[str, Any]:
    p = ctx.params
    mode = str(p.get("mode") or "")
    if not mode:
        raise parameter_missing("mode")
    ui_mode = str(p.get("ui_mode") or "hosted_page")
    if ui_mode == "hosted_page" and not p.get("success_url"):
        raise parameter_missing("success_url")
    if ui_mode != "hosted_page":
        # [U] The sandbox only hosts the redirect page; embedded and elements need Stripe.js.
        raise invalid_request(
            f"The local Stripe sandbox only emulates hosted Checkout (ui_mode=hosted_page), not {ui_mode}.",
            param="ui_mode",
        )
    if p.get("customer") and p.get("customer_email"):
        raise errors.exclusive(["customer", "customer_email"])
    customer = p.get("customer")
    if customer:
        owner = ctx.load("customer", str(customer), param="customer", status=400)
        if owner.get("deleted"):
            raise errors.resource_missing("customer", str(customer), "customer", 400)
    expires_at = _check_expiry(ctx, p.get("expires_at"))
    if mode in ("payment", "subscription") and not p.get("line_items"):
        raise parameter_missing("line_items")
    if mode == "setup" and p.get("line_items"):
        # [U] wording.
        raise invalid_request("You cannot pass `line_items` in `setup` mode.", param="line_items")
    _check_adjustments(p, mode)
    lines = _build_lines(ctx, p.get("line_items"), mode)
    currency = lines[0]["currency"] if lines else (str(p["currency"]).lower() if p.get("currency") else None)
    subtotal = sum(line["amount_subtotal"] for line in lines) if lines else None
    if mode == "payment" and currency and subtotal is not None:
        _check_minimum(subtotal, currency)
    # The id is the hosted page's only credential, so it is drawn like a secret ("cs_test_a1" + 56 characters,
    # the shape of Stripe's ids).
    session_id = "cs_test_a1" + unguessable(56)
    sub_data = p.get("subscription_data") or {}
    pi_data = p.get("payment_intent_data") or {}
    if mode == "subscription" and sub_data.get("trial_period_days") not in (None, "", 0, "0"):
        # A trial defers the first payment: nothing is due today. [U] Stripe reports 0 for both totals.
        subtotal = 0
    session: dict[str, Any] = {
        "id": session_id,
        "object": KIND,
        "adaptive_pricing": {"enabled": False} if mode != "setup" else None,
        "after_expiration": None,
        "allow_promotion_codes": bool(p["allow_promotion_codes"]) if "allow_promotion_codes" in p else None,
        "amount_subtotal": subtotal,
        "amount_total": subtotal,
        "automatic_tax": {"enabled": False, "liability": None, "provider": None, "status": None},
        "billing_address_collection": p.get("billing_address_collection"),
        "cancel_url": p.get("cancel_url"),
        "client_reference_id": p.get("client_reference_id"),
        "client_secret": None,
        "collected_information": None,
        "consent": None,
        "consent_collection": None,
        "created": ctx.now(),
        "currency": currency,
        "currency_conversion": None,
        "custom_fields": [],
        "custom_text": {
            "after_submit": None,
            "shipping_address": None,
            "submit": None,
            "terms_of_service_acceptance": None,
        },
        "customer": str(customer) if customer else None,
        "customer_creation": None
        if customer or mode != "payment"
        else str(p.get("customer_creation") or "if_required"),
        "customer_details": _details(p.get("customer_email")) if p.get("customer_email") else None,
        "customer_email": p.get("customer_email"),
        "discounts": [],
        "expires_at": expires_at,
        "invoice": None,
        "invoice_creation": (
            {
                "enabled": False,
                "invoice_data": {
                    "account_tax_ids": None,
                    "custom_fields": None,
                    "description": None,
                    "footer": None,
                    "issuer": None,
                    "metadata": {},
                    "rendering_options": None,
                },
            }
            if mode == "payment"
            else None
        ),
        "livemode": False,
        "locale": p.get("locale"),
        "metadata": apply_metadata({}, p.get("metadata")),
        "mode": mode,
        "origin_context": None,
        "payment_intent": None,
        "payment_link": None,
        "payment_method_collection": "always" if mode != "payment" else None,
        "payment_method_configuration_details": None,
        "payment_method_options": {},
        "payment_method_types": [str(t) for t in (p.get("payment_method_types") or ["card"])],
        "payment_status": "unpaid" if mode != "setup" else "no_payment_required",
        "permissions": None,
        "phone_number_collection": {"enabled": False},
        "recovered_from": None,
        "saved_payment_method_options": None,
        "setup_intent": None,
        "shipping_address_collection": None,
        "shipping_cost": None,
        "shipping_options": [],
        "status": "open",
        "submit_type": p.get("submit_type"),
        "subscription": None,
        "success_url": p.get("success_url"),
        "tax_id_collection": {"enabled": False, "required": "never"},
        "total_details": {"amount_discount": 0, "amount_shipping": 0, "amount_tax": 0} if lines else None,
        "ui_mode": ui_mode,
        "url": page_url(ctx, session_id),
        "wallet_options": None,
    }
    where = discounts.Redemption(
        customer=str(customer) if customer else None,
        currency=currency,
        amount=subtotal,
        checkout_session=session_id,
    )
    made = discounts.resolve(ctx, p.get("discounts"), "discounts", where, limit=1, redeem=False)
    session["discounts"] = [
        {"coupon": d["source"]["coupon"], "promotion_code": d.get("promotion_code")} for d in made
    ]
    # What completion needs later and Stripe keeps out of the session object.
    record: dict[str, Any] = {
        "id": _lines_id(session_id),
        "object": LINES_KIND,
        "created": ctx.now(),
        "data": lines,
        "subscription_data": {
            "trial_period_days": sub_data.get("trial_period_days"),
            "metadata": dict(sub_data.get("metadata") or {}),
        },
        "payment_intent_data": {
            "capture_method": pi_data.get("capture_method"),
            "description": pi_data.get("description"),
            "metadata": dict(pi_data.get("metadata") or {}),
            "setup_future_usage": pi_data.get("setup_future_usage"),
            "receipt_email": pi_data.get("receipt_email"),
        },
        "discount_ids": [d["id"] for d in made],
    }
    price_session(ctx, session, record)
    if mode == "payment" and made and int(session["amount_total"] or 0) > 0:
        _check_minimum(int(session["amount_total"]), str(currency))
    ctx.save(record)
    ctx.save(session)
    return session


def _check_adjustments(p: dict[str, Any], mode: str) -> None:
    """What Checkout refuses about discounts and tax before anything is built."""
    if "allow_promotion_codes" in p and p.get("discounts") not in (None, ""):
        # [O] Stripe's text (stripe-node#2248, stripe-php#1731), also when allow_promotion_codes=false.
        raise StripeError(
            400,
            "You may only specify one of these parameters: allow_promotion_codes, discounts.",
            param="allow_promotion_codes",
        )
    if mode == "setup" and (p.get("discounts") or p.get("allow_promotion_codes")):
        # [U] wording.
        raise invalid_request(
            "Discounts and promotion codes do not apply in `setup` mode: nothing is charged.",
            param="discounts" if p.get("discounts") else "allow_promotion_codes",
        )
    if (p.get("automatic_tax") or {}).get("enabled"):
        raise tax_rates.automatic_tax_not_activated()


def completion_data(ctx: Context, session_id: str) -> dict[str, Any]:
    record = ctx.get(_lines_id(session_id)) or {}
    return record


def _load(ctx: Context) -> dict[str, Any]:
    return refresh(ctx, ctx.load(KIND, ctx.path["session"], param="session"))


@endpoint("GET", "/v1/checkout/sessions/{session}", permission=PERMISSION)
def retrieve(ctx: Context) -> dict[str, Any]:
    return _load(ctx)


@endpoint("POST", "/v1/checkout/sessions/{session}", permission=PERMISSION)
def update(ctx: Context) -> dict[str, Any]:
    session = _load(ctx)
    if "metadata" in ctx.params:
        session["metadata"] = apply_metadata(session["metadata"], ctx.params["metadata"])
    ctx.save(session)
    return session


@endpoint("GET", "/v1/checkout/sessions", permission=PERMISSION)
def list_all(ctx: Context) -> dict[str, Any]:
    for session in ctx.query(KIND, {"status": "open"}):
        refresh(ctx, session)
    p = ctx.params
    filters = {
        k: p[k] for k in ("payment_intent", "customer", "status", "subscription", "payment_link") if p.get(k)
    }
    details = p.get("customer_details") or {}
    if details.get("email"):
        filters["customer_details.email"] = details["email"]
    return ctx.list_response(KIND, "/v1/checkout/sessions", filters=filters)


@endpoint("GET", "/v1/checkout/sessions/{session}/line_items", permission=PERMISSION)
def line_items(ctx: Context) -> dict[str, Any]:
    session = _load(ctx)
    return _lines_page(ctx, session["id"], ctx.params)


@endpoint("POST", "/v1/checkout/sessions/{session}/expire", permission=PERMISSION)
def expire(ctx: Context) -> dict[str, Any]:
    session = _load(ctx)
    if session["status"] != "open":
        # [O] text (reported from real responses, e.g. Sylius/PayumStripePlugin#70).
        raise StripeError(
            400,
            'Only Checkout Sessions with a status in ["open"] can be expired. This Checkout Session has a '
            f"status of `{session['status']}`.",
        )
    _expire(ctx, session)
    return session
