"""Checkout's private completion API, as the Stripe CLI's ``checkout.session.*`` triggers call it:
``GET /v1/payment_pages/{session}`` and ``POST /v1/payment_pages/{session}/confirm``.

Stripe's hosted Checkout page talks to these endpoints; they are not in Stripe's public API or its OpenAPI
spec, so their parameters are checked here, not by the spec validator. Confirming pays the session with a
PaymentMethod exactly as a submit of the sandbox's own hosted page does (``checkout_page.pay_with``): the
PaymentIntent, SetupIntent or Subscription, ``checkout.session.completed``, a decline that leaves the session
open.

[U] The answer's shape is the sandbox's own (``object: "payment_page"``): Stripe's private object has many
more fields, which no public client reads. It carries what a caller needs: the session's id, status, mode,
amount, currency, and after confirming the objects the payment created.
"""

from __future__ import annotations

from typing import Any

from sandbox import _errors as errors
from sandbox._api import Context, endpoint
from sandbox._store import JSONObject
from sandbox.resources import checkout_page, payment_methods
from sandbox.resources import checkout_sessions as sessions

PERMISSION = "checkout_session"


def _session(ctx: Context) -> JSONObject:
    session = ctx.load(sessions.KIND, ctx.path["session"], param="session")
    return sessions.refresh(ctx, session)


def page(session: JSONObject) -> JSONObject:
    """The session as the payment page shows it."""
    return {
        "id": session["id"],
        "object": "payment_page",
        "amount_total": session.get("amount_total"),
        "currency": session.get("currency"),
        "customer": session.get("customer"),
        "customer_email": session.get("customer_email"),
        "livemode": False,
        "mode": session["mode"],
        "payment_intent": session.get("payment_intent"),
        "payment_method_types": list(session.get("payment_method_types") or ["card"]),
        "payment_status": session.get("payment_status"),
        "setup_intent": session.get("setup_intent"),
        "status": session["status"],
        "subscription": session.get("subscription"),
        "success_url": session.get("success_url"),
    }


# Publishable keys may call both: Stripe's hosted page runs in the buyer's browser with one.
@endpoint("GET", "/v1/payment_pages/{session}", permission=PERMISSION, publishable=True)
def retrieve(ctx: Context) -> JSONObject:
    return page(_session(ctx))


@endpoint("POST", "/v1/payment_pages/{session}/confirm", permission=PERMISSION, publishable=True)
def confirm(ctx: Context) -> JSONObject:
    session = _session(ctx)
    p: dict[str, Any] = ctx.params
    unknown = sorted(set(p) - {"payment_method", "expected_amount"})
    if unknown:
        raise errors.parameter_unknown(unknown[0])
    pm_id = p.get("payment_method")
    if not pm_id or not isinstance(pm_id, str):
        raise errors.parameter_missing("payment_method")
    if session["status"] != "open":
        # [U] wording
        raise errors.invalid_request(
            f"This Checkout Session is {session['status']}: it can no longer be paid.", param="session"
        )
    expected = p.get("expected_amount")
    due = int(session.get("amount_total") or 0)
    if expected is not None:
        if not isinstance(expected, str) or not expected.isdigit():
            raise errors.invalid_integer("expected_amount", expected)
        if int(expected) != due:
            # [U] wording: the page refuses to charge another amount than the one the buyer saw.
            raise errors.invalid_request(
                f"The expected_amount ({expected}) does not match the amount due on this Checkout Session "
                f"({due}). Reload the payment page and confirm the amount shown.",
                param="expected_amount",
            )
    pm = payment_methods.materialize(ctx, pm_id)
    details = pm.get("billing_details") or {}
    email = details.get("email") or session.get("customer_email")
    outcome = checkout_page.pay_with(ctx, session, pm, email, details.get("name"))
    if outcome.error is not None:
        raise errors.StripeError(402, outcome.error, type="card_error").keeping_state()
    return page(ctx.load(sessions.KIND, session["id"]))
