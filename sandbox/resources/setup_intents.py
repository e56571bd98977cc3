"""SetupIntents: save a card for later without charging it (create, retrieve, update, list, confirm, cancel).

Saving is where issuer-decline test cards fail and where ``pm_card_authenticationRequiredOnSetup`` asks
for 3D Secure; a successful setup attaches the card to the customer, which is what later lets it pay
off-session.
"""

from __future__ import annotations

import copy
from typing import Any

from sandbox import _payment_lifecycle as life
from sandbox._api import Context, apply_metadata, endpoint
from sandbox._errors import StripeError, doc_url, invalid_request
from sandbox._ids import random_chars
from sandbox._test_cards import Decline
from sandbox.resources import payment_methods
from sandbox.resources.payment_intents import (
    _next_action,
    _payment_method_setup,
    _truthy,
    authentication_failure_error,
    check_client_secret,
    take_payment_method,
)

KIND = "setup_intent"

# [U] The 2023-08-16 return_url rule applies to SetupIntents too ("when creating Setup Intents and Payment
# Intents"); Stripe's text names the Setup Intent here.
RETURN_URL_REQUIRED = life.RETURN_URL_REQUIRED.replace("this Payment Intent", "this Setup Intent", 1)


def unexpected_state(message: str, si: dict[str, Any]) -> StripeError:
    return StripeError(
        400, message, code="setup_intent_unexpected_state", extra={"setup_intent": copy.deepcopy(si)}
    )


def _load(ctx: Context) -> dict[str, Any]:
    return ctx.load(KIND, ctx.path["intent"], param="intent")


def _setup_error(decline: Decline, pm: dict[str, Any]) -> dict[str, Any]:
    error: dict[str, Any] = {
        "code": decline.code,
        "doc_url": doc_url(decline.code),
        "message": decline.message,
        "payment_method": copy.deepcopy(pm),
        "type": "card_error",
    }
    if decline.decline_code:
        error["decline_code"] = decline.decline_code
    return error


def _succeed(ctx: Context, si: dict[str, Any], pm: dict[str, Any]) -> None:
    if si.get("customer") and pm.get("customer") != si["customer"]:
        pm["customer"] = si["customer"]
        ctx.save(pm)
        ctx.emit("payment_method.attached", copy.deepcopy(pm))
    si.update(status="succeeded", next_action=None, last_setup_error=None)
    ctx.save(si)
    ctx.emit("setup_intent.succeeded", copy.deepcopy(si))


def confirm_setup(ctx: Context, si: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    """Confirm; raises the 402 card_error (after storing the failed attempt) when the card cannot be saved."""
    message = life.si_confirm_error(si["status"])
    if message:
        raise unexpected_state(message, si)
    pm_id = params.get("payment_method") or si.get("payment_method")
    if not pm_id:
        # [U] wording, mirrors the PaymentIntent text.
        raise unexpected_state(
            "You cannot confirm this SetupIntent because it's missing a payment method. Update the "
            "SetupIntent with a payment_method and then confirm it again.",
            si,
        )
    return_url = str(params["return_url"]) if params.get("return_url") else None
    apm = si.get("automatic_payment_methods")
    if apm and apm.get("enabled") and apm.get("allow_redirects") != "never" and not return_url:
        raise invalid_request(RETURN_URL_REQUIRED)
    pm = payment_methods.materialize(ctx, str(pm_id))
    si["payment_method"] = pm["id"]
    si["latest_attempt"] = "setatt_" + random_chars(24)
    attempt = life.attempt_setup(payment_methods.card_of(pm))
    if attempt.status == "requires_action":
        next_action = _next_action(ctx, si, return_url)
        si.update(status="requires_action", next_action=next_action, last_setup_error=None)
        ctx.save(si)
        ctx.emit("setup_intent.requires_action", copy.deepcopy(si))
        return si
    if attempt.decline is not None:
        si.update(
            status="requires_payment_method",
            payment_method=None,
            next_action=None,
            last_setup_error=_setup_error(attempt.decline, pm),
        )
        ctx.save(si)
        ctx.emit("setup_intent.setup_failed", copy.deepcopy(si))
        # Stripe keeps the failed setup (and setup_intent.setup_failed) although it answers 402.
        raise payment_methods.card_error(
            attempt.decline,
            extra={"setup_intent": copy.deepcopy(si), "payment_method": copy.deepcopy(pm)},
        ).keeping_state()
    _succeed(ctx, si, pm)
    return si


def authenticate_setup(ctx: Context, si: dict[str, Any], *, succeed: bool) -> dict[str, Any]:
    """The sandbox's 3D Secure step for a SetupIntent (control endpoint and challenge page)."""
    if si["status"] != "requires_action":
        raise unexpected_state(
            f"This SetupIntent cannot be authenticated because it has a status of {si['status']}. Only a "
            "SetupIntent with the status requires_action is waiting for 3D Secure authentication.",
            si,
        )
    pm = ctx.load(payment_methods.KIND, str(si["payment_method"]), param="payment_method", status=400)
    if succeed:
        _succeed(ctx, si, pm)
        return si
    si.update(
        status="requires_payment_method",
        payment_method=None,
        next_action=None,
        last_setup_error=authentication_failure_error(
            "setup_intent_authentication_failure", life.SI_AUTHENTICATION_FAILED, pm
        ),
    )
    ctx.save(si)
    ctx.emit("setup_intent.setup_failed", copy.deepcopy(si))
    return si


@endpoint("POST", "/v1/setup_intents", permission="setup_intent")
def create(ctx: Context) -> dict[str, Any]:
    p = ctx.params
    customer = p.get("customer")
    if customer:
        ctx.load("customer", str(customer), param="customer", status=400)
    apm, types = _payment_method_setup(p, ctx.stripe_version)
    si_id = ctx.new_id("seti")
    si: dict[str, Any] = {
        "id": si_id,
        "object": "setup_intent",
        "application": None,
        "automatic_payment_methods": apm,
        "cancellation_reason": None,
        "client_secret": f"{si_id}_secret_{life.unguessable(25)}",
        "created": ctx.now(),
        "customer": str(customer) if customer else None,
        "description": p.get("description") or None,
        "excluded_payment_method_types": None,
        "flow_directions": None,
        "last_setup_error": None,
        "latest_attempt": None,
        "livemode": False,
        "mandate": None,
        "metadata": apply_metadata({}, p.get("metadata")),
        "next_action": None,
        "on_behalf_of": None,
        "payment_method": None,
        "payment_method_configuration_details": (
            {"id": "pmc_sandbox_default", "parent": None} if apm is not None else None
        ),
        "payment_method_options": {
            "card": {"mandate_options": None, "network": None, "request_three_d_secure": "automatic"}
        },
        "payment_method_types": types,
        "single_use_mandate": None,
        "status": "requires_payment_method",
        "usage": str(p.get("usage") or "off_session"),
    }
    if p.get("payment_method"):
        take_payment_method(ctx, si, str(p["payment_method"]))
    ctx.save(si)
    ctx.emit("setup_intent.created", copy.deepcopy(si))
    if _truthy(p.get("confirm", False)):
        params = dict(p)
        params["payment_method"] = si["payment_method"]
        return confirm_setup(ctx, si, params)
    return si


@endpoint("GET", "/v1/setup_intents/{intent}", permission="setup_intent", publishable=True)
def retrieve(ctx: Context) -> dict[str, Any]:
    si = _load(ctx)
    check_client_secret(ctx, si, "SetupIntent")
    return si  # the framework leaves metadata out for publishable keys


@endpoint("POST", "/v1/setup_intents/{intent}", permission="setup_intent")
def update(ctx: Context) -> dict[str, Any]:
    si = _load(ctx)
    p = ctx.params
    if "metadata" in p:
        si["metadata"] = apply_metadata(si["metadata"], p["metadata"])
    if "description" in p:
        si["description"] = p["description"] or None
    if p.get("customer"):
        ctx.load("customer", str(p["customer"]), param="customer", status=400)
        si["customer"] = str(p["customer"])
    if p.get("payment_method"):
        if si["status"] not in life.SI_CONFIRMABLE:
            raise unexpected_state(
                f"You cannot update this SetupIntent because it has a status of {si['status']}.", si
            )  # [U] wording
        take_payment_method(ctx, si, str(p["payment_method"]))
    ctx.save(si)
    return si


@endpoint("GET", "/v1/setup_intents", permission="setup_intent")
def list_all(ctx: Context) -> dict[str, Any]:
    filters = {k: ctx.params[k] for k in ("customer", "payment_method") if ctx.params.get(k)}
    return ctx.list_response(KIND, "/v1/setup_intents", filters=filters)


@endpoint("POST", "/v1/setup_intents/{intent}/confirm", permission="setup_intent", publishable=True)
def confirm(ctx: Context) -> dict[str, Any]:
    si = _load(ctx)
    check_client_secret(ctx, si, "SetupIntent")
    return confirm_setup(ctx, si, ctx.params)


@endpoint("POST", "/v1/setup_intents/{intent}/cancel", permission="setup_intent")
def cancel(ctx: Context) -> dict[str, Any]:
    si = _load(ctx)
    message = life.si_cancel_error(si["status"])
    if message:
        raise unexpected_state(message, si)
    si.update(
        status="canceled", cancellation_reason=ctx.params.get("cancellation_reason") or None, next_action=None
    )
    ctx.save(si)
    ctx.emit("setup_intent.canceled", copy.deepcopy(si))
    return si
