"""PaymentIntents with Stripe's lifecycle: create, retrieve, update, list, search, confirm, capture, cancel.

The card decides what a confirm does (:mod:`sandbox._test_cards`), the state machine and texts live in
:mod:`sandbox._payment_lifecycle`; this module turns both into stored objects, charges and events.

Billing (invoices, subscriptions) and the hosted checkout page pay through :func:`create_and_confirm`,
:func:`confirm_intent` and :func:`authenticate`, which never raise on a decline: they return the
PaymentIntent with ``last_payment_error`` set, as the object looks after a failed attempt.
"""

from __future__ import annotations

import copy
from typing import Any

from sandbox import _payment_lifecycle as life
from sandbox._api import Context, apply_metadata, endpoint
from sandbox._currencies import normalize as normalize_currency
from sandbox._errors import StripeError, doc_url, exclusive, invalid_request, parameter_missing
from sandbox._ids import random_chars
from sandbox._payment_amounts import charge_amount_problem
from sandbox._test_cards import Decline, TestCard
from sandbox._versions import automatic_payment_methods_by_default
from sandbox.resources import balance, charges, payment_methods

KIND = "payment_intent"


# --- errors ---------------------------------------------------------------------------------------------


def unexpected_state(message: str, pi: dict[str, Any]) -> StripeError:
    """400 payment_intent_unexpected_state with the PaymentIntent in the body, as Stripe sends it."""
    return StripeError(
        400, message, code="payment_intent_unexpected_state", extra={"payment_intent": copy.deepcopy(pi)}
    )


def check_amount(amount: Any, currency: str, param: str = "amount") -> None:
    problem = charge_amount_problem(int(amount), currency)
    if problem is not None:
        raise StripeError(400, problem.message, code=problem.code, param=param)


def decline_error_object(decline: Decline, *, charge_id: str, pm: dict[str, Any]) -> dict[str, Any]:
    """``last_payment_error`` after a decline: the same fields the 402 body carries."""
    error: dict[str, Any] = {
        "charge": charge_id,
        "code": decline.code,
        "decline_code": decline.decline_code,
        "doc_url": doc_url(decline.code),
        "message": decline.message,
        "payment_method": copy.deepcopy(pm),
        "type": "card_error",
    }
    if decline.decline_code is None:
        del error["decline_code"]
    if decline.param:
        error["param"] = decline.param
    return error


def authentication_failure_error(code: str, message: str, pm: dict[str, Any]) -> dict[str, Any]:
    """The last error an intent keeps after a failed 3D Secure challenge (PaymentIntent and SetupIntent)."""
    return {
        "code": code,
        "doc_url": doc_url(code),
        "message": message,
        "payment_method": copy.deepcopy(pm),
        "type": "invalid_request_error",
    }


# --- building -------------------------------------------------------------------------------------------


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.lower() not in ("", "false", "0")
    return bool(value)


def _off_session(value: Any) -> bool:
    # Stripe accepts true/false and, for mandates, "one_off"/"recurring": both mean off-session.
    return value in ("one_off", "recurring") or _truthy(value)


def _payment_method_setup(params: dict[str, Any], version: str) -> tuple[dict[str, Any] | None, list[str]]:
    """automatic_payment_methods is on by default since API 2023-08-16 unless payment_method_types is set;
    a request at an older version gets ``["card"]`` alone (sandbox._versions)."""
    apm = params.get("automatic_payment_methods")
    types = params.get("payment_method_types")
    if apm is not None and types:
        raise exclusive(["automatic_payment_methods", "payment_method_types"])
    if types:
        return None, [str(t) for t in types]
    if isinstance(apm, dict):
        if not _truthy(apm.get("enabled", False)):
            return None, ["card"]
        return {"allow_redirects": str(apm.get("allow_redirects") or "always"), "enabled": True}, ["card"]
    if not automatic_payment_methods_by_default(version):
        return None, ["card"]
    return {"allow_redirects": "always", "enabled": True}, ["card"]


def build(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    """A new PaymentIntent in requires_payment_method; nothing saved yet."""
    for name in ("amount", "currency"):
        if params.get(name) in (None, ""):
            raise parameter_missing(name)
    currency = normalize_currency(str(params["currency"]))
    check_amount(params["amount"], currency)
    customer = params.get("customer")
    if customer:
        ctx.load("customer", str(customer), param="customer", status=400)
    apm, types = _payment_method_setup(params, ctx.stripe_version)
    capture_method = str(params.get("capture_method") or "automatic_async")
    pi_id = ctx.new_id("pi")
    return {
        "id": pi_id,
        "object": "payment_intent",
        "amount": int(params["amount"]),
        "amount_capturable": 0,
        "amount_details": {"tip": {}},
        "amount_received": 0,
        "application": None,
        "application_fee_amount": None,
        "automatic_payment_methods": apm,
        "canceled_at": None,
        "cancellation_reason": None,
        "capture_method": capture_method,
        "client_secret": f"{pi_id}_secret_{life.unguessable(25)}",
        "confirmation_method": str(params.get("confirmation_method") or "automatic"),
        "created": ctx.now(),
        "currency": currency,
        "customer": str(customer) if customer else None,
        "description": params.get("description") or None,
        "excluded_payment_method_types": None,
        "last_payment_error": None,
        "latest_charge": None,
        "livemode": False,
        "metadata": apply_metadata({}, params.get("metadata")),
        "next_action": None,
        "on_behalf_of": None,
        "payment_method": None,
        "payment_method_configuration_details": (
            {"id": "pmc_sandbox_default", "parent": None} if apm is not None else None
        ),
        "payment_method_options": {
            "card": {
                "installments": None,
                "mandate_options": None,
                "network": None,
                "request_three_d_secure": "automatic",
            }
        },
        "payment_method_types": types,
        "processing": None,
        "receipt_email": params.get("receipt_email") or None,
        "review": None,
        "setup_future_usage": params.get("setup_future_usage") or None,
        "shipping": None,
        "statement_descriptor": params.get("statement_descriptor") or None,
        "statement_descriptor_suffix": params.get("statement_descriptor_suffix") or None,
        "status": "requires_payment_method",
        "transfer_data": None,
        "transfer_group": params.get("transfer_group") or None,
    }


def _next_action(ctx: Context, pi: dict[str, Any], return_url: str | None) -> dict[str, Any]:
    """3D Secure: the challenge page of the sandbox stands in for the issuer's (hosted_pages.py)."""
    challenge = f"{ctx.public_url}/_sandbox/3ds/{ctx.account}/{pi['id']}"
    if return_url:
        return {
            "type": "redirect_to_url",
            "redirect_to_url": {
                "return_url": return_url,
                "url": f"{challenge}?client_secret={pi['client_secret']}",
            },
        }
    return {
        "type": "use_stripe_sdk",
        "use_stripe_sdk": {
            "source": "src_" + random_chars(24),
            "stripe_js": challenge,
            "type": "three_d_secure_redirect",
        },
    }


# --- the attempt ----------------------------------------------------------------------------------------


def _apply(
    ctx: Context,
    pi: dict[str, Any],
    pm: dict[str, Any],
    card: TestCard,
    attempt: life.Attempt,
    *,
    return_url: str | None,
    authenticated: bool,
) -> Decline | None:
    """Store where an attempt left ``pi`` (charge, status, events). Returns the decline, if any."""
    if attempt.status == "requires_action":
        pi.update(
            status="requires_action", next_action=_next_action(ctx, pi, return_url), last_payment_error=None
        )
        # Stripe keeps the return_url to send the customer back after the challenge (not an object field).
        ctx.save(pi)
        ctx.emit("payment_intent.requires_action", copy.deepcopy(pi))
        return None
    capture = pi["capture_method"] != "manual"
    charge = charges.build(
        ctx, pi=pi, pm=pm, card=card, decline=attempt.decline, capture=capture, authenticated=authenticated
    )
    pi["latest_charge"] = charge["id"]
    pi["next_action"] = None
    if attempt.decline is not None:
        pi.update(
            status="requires_payment_method",
            payment_method=None,
            last_payment_error=decline_error_object(attempt.decline, charge_id=charge["id"], pm=pm),
        )
        ctx.save(pi)
        ctx.emit("payment_intent.payment_failed", copy.deepcopy(pi))
        return attempt.decline
    pi["last_payment_error"] = None
    if capture:
        pi.update(status="succeeded", amount_received=pi["amount"], amount_capturable=0)
    else:
        pi.update(status="requires_capture", amount_capturable=pi["amount"])
    if pi.get("setup_future_usage") and pi.get("customer") and not pm.get("customer"):
        payment_methods.attach_to(ctx, pm, pi["customer"])
    if not pm.get("customer"):
        payment_methods.mark_consumed(ctx, pm)
    ctx.save(pi)
    if capture:
        ctx.emit("payment_intent.succeeded", copy.deepcopy(pi))
    else:
        ctx.emit("payment_intent.amount_capturable_updated", copy.deepcopy(pi))
    return None


def decline_to_error(decline: Decline, pi: dict[str, Any]) -> StripeError:
    """The 402 a declined confirm answers with: card_error plus charge, payment_intent, payment_method."""
    error = pi.get("last_payment_error") or {}
    extra: dict[str, Any] = {"payment_intent": copy.deepcopy(pi)}
    if error.get("charge"):
        extra["charge"] = error["charge"]
    if error.get("payment_method"):
        extra["payment_method"] = copy.deepcopy(error["payment_method"])
    return payment_methods.card_error(decline, extra=extra)


def confirm_intent(
    ctx: Context, pi: dict[str, Any], params: dict[str, Any]
) -> tuple[dict[str, Any], Decline | None]:
    """Confirm ``pi`` with the confirm ``params``; returns it and the decline (not raised) if any.

    Raises only for requests Stripe rejects before any attempt (wrong status, no payment method, missing
    return_url).
    """
    message = life.pi_confirm_error(pi["status"])
    if message:
        raise unexpected_state(message, pi)
    for name in ("receipt_email", "setup_future_usage", "capture_method"):
        if params.get(name):
            pi[name] = params[name]
    off_session = _off_session(params.get("off_session", False))
    return_url = str(params["return_url"]) if params.get("return_url") else None
    error_on_requires_action = _truthy(params.get("error_on_requires_action", False))
    apm = pi.get("automatic_payment_methods")
    if apm and apm.get("enabled") and error_on_requires_action:
        # [U] wording; the rule is in the 2023-08-16 changelog.
        raise invalid_request(
            "`error_on_requires_action` cannot be used with `automatic_payment_methods`. Pass "
            "`payment_method_types[]=card` when creating the PaymentIntent, or leave "
            "`error_on_requires_action` out.",
            param="error_on_requires_action",
        )
    pm_id = params.get("payment_method") or pi.get("payment_method")
    if not pm_id:
        raise unexpected_state(life.pi_missing_payment_method(pi.get("customer")), pi)
    if (
        apm
        and apm.get("enabled")
        and apm.get("allow_redirects") != "never"
        and not return_url
        and not off_session
    ):
        raise invalid_request(life.RETURN_URL_REQUIRED)
    pm = payment_methods.materialize(ctx, str(pm_id))
    owner = pm.get("customer")
    if owner and pi.get("customer") and owner != pi["customer"]:
        # [U] wording.
        raise invalid_request(
            f"The provided PaymentMethod belongs to a different Customer ({owner}). Pass that customer, or a "
            "PaymentMethod attached to the PaymentIntent's customer.",
            param="payment_method",
        )
    pi["payment_method"] = pm["id"]
    if pm.get("type") == "sepa_debit":
        from sandbox.resources import sepa_debit

        return sepa_debit.confirm(ctx, pi, pm), None
    card = payment_methods.card_of(pm)
    attempt = life.attempt_payment(
        card,
        capture_method=pi["capture_method"],
        off_session=off_session,
        set_up=bool(owner),
        error_on_requires_action=error_on_requires_action,
    )
    decline = _apply(ctx, pi, pm, card, attempt, return_url=return_url, authenticated=False)
    return pi, decline


def authenticate(ctx: Context, pi: dict[str, Any], *, succeed: bool) -> tuple[dict[str, Any], Decline | None]:
    """The customer completes or fails the 3D Secure challenge of a requires_action PaymentIntent.

    Returns the PaymentIntent and the card decline that followed a successful challenge, if any. Raises
    400 when the PaymentIntent is not waiting for authentication.
    """
    if pi["status"] != "requires_action":
        # [U] The sandbox's control endpoint; the text follows Stripe's unexpected-state style.
        raise unexpected_state(
            f"This PaymentIntent cannot be authenticated because it has a status of {pi['status']}. Only a "
            "PaymentIntent with the status requires_action is waiting for 3D Secure authentication.",
            pi,
        )
    pm = ctx.load(payment_methods.KIND, str(pi["payment_method"]), param="payment_method", status=400)
    card = payment_methods.card_of(pm)
    if not succeed:
        pi.update(
            status="requires_payment_method",
            payment_method=None,
            next_action=None,
            last_payment_error=authentication_failure_error(
                "payment_intent_authentication_failure", life.PI_AUTHENTICATION_FAILED, pm
            ),
        )
        ctx.save(pi)
        ctx.emit("payment_intent.payment_failed", copy.deepcopy(pi))
        return pi, None
    attempt = life.after_authentication(card, succeeded=True, capture_method=pi["capture_method"])
    decline = _apply(ctx, pi, pm, card, attempt, return_url=None, authenticated=True)
    return pi, decline


def create_and_confirm(
    ctx: Context,
    *,
    amount: int,
    currency: str,
    customer: str | None,
    payment_method: str,
    off_session: bool,
    description: str | None,
    metadata: dict[str, str],
) -> dict[str, Any]:
    """Create and confirm a card PaymentIntent for billing (an invoice payment) and return it.

    Signature: ``create_and_confirm(ctx, *, amount: int, currency: str, customer: str | None,
    payment_method: str, off_session: bool, description: str | None, metadata: dict[str, str]) -> dict``.

    Never raises on a decline: the returned PaymentIntent has status ``succeeded``, ``requires_action``
    (3D Secure, on-session) or ``requires_payment_method`` with ``last_payment_error`` (decline, or
    ``authentication_required`` off-session). Uses ``payment_method_types=["card"]`` so no return_url is
    needed. Emits payment_intent.created and the attempt's events. Raises StripeError only for invalid input
    (amount below the minimum, unknown customer or payment method).
    """
    pi = build(
        ctx,
        {
            "amount": amount,
            "currency": currency,
            "customer": customer,
            "description": description,
            "metadata": metadata,
            "payment_method_types": ["card"],
            "capture_method": "automatic",
        },
    )
    ctx.save(pi)
    ctx.emit("payment_intent.created", copy.deepcopy(pi))
    pi, _ = confirm_intent(ctx, pi, {"payment_method": payment_method, "off_session": off_session})
    return pi


# --- endpoints ------------------------------------------------------------------------------------------


def _load(ctx: Context) -> dict[str, Any]:
    return ctx.load(KIND, ctx.path["intent"], param="intent")


def take_payment_method(ctx: Context, intent: dict[str, Any], pm_id: str) -> None:
    """Set an intent's payment method (a ``pm_card_…`` becomes a real one); it is then ready to confirm."""
    pm = payment_methods.materialize(ctx, pm_id)
    intent["payment_method"] = pm["id"]
    if intent["status"] == "requires_payment_method":
        intent["status"] = "requires_confirmation"


def _confirm_or_raise(ctx: Context, pi: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    pi, decline = confirm_intent(ctx, pi, params)
    if decline is not None:
        # Stripe keeps the declined attempt (state, failed charge, events) and answers 402.
        raise decline_to_error(decline, pi).keeping_state()
    return pi


@endpoint("POST", "/v1/payment_intents", permission="payment_intent")
def create(ctx: Context) -> dict[str, Any]:
    p = ctx.params
    pi = build(ctx, p)
    confirm = _truthy(p.get("confirm", False))
    if p.get("off_session") not in (None, "") and not confirm:
        # [U] wording; Stripe only accepts off_session together with confirm=true.
        raise invalid_request(
            "You may only specify `off_session` when `confirm` is true.", param="off_session"
        )
    if confirm:
        apm = pi["automatic_payment_methods"]
        off = _off_session(p.get("off_session", False))
        if (
            apm
            and apm["allow_redirects"] != "never"
            and not p.get("return_url")
            and not off
            and p.get("payment_method")
        ):
            # Rejected before the PaymentIntent exists, as Stripe does.
            raise invalid_request(life.RETURN_URL_REQUIRED)
    if p.get("payment_method"):
        take_payment_method(ctx, pi, str(p["payment_method"]))
    ctx.save(pi)
    ctx.emit("payment_intent.created", copy.deepcopy(pi))
    if confirm:
        return _confirm_or_raise(ctx, pi, {**p, "payment_method": pi["payment_method"]})
    return pi


def check_client_secret(ctx: Context, intent: dict[str, Any], noun: str) -> None:
    """Publishable keys (the browser) may read and confirm an intent only with its client_secret."""
    secret = ctx.params.get("client_secret")
    if ctx.key_kind == "publishable" and not secret:
        raise parameter_missing("client_secret")
    if secret and secret != intent["client_secret"]:
        # [U] wording.
        raise invalid_request(
            f"The client_secret provided does not match the client_secret associated with the {noun}.",
            param="client_secret",
        )


@endpoint("GET", "/v1/payment_intents/{intent}", permission="payment_intent", publishable=True)
def retrieve(ctx: Context) -> dict[str, Any]:
    pi = _load(ctx)
    check_client_secret(ctx, pi, "PaymentIntent")
    return pi  # the framework leaves metadata out for publishable keys


_AMOUNT_FIELDS = ("amount", "currency", "payment_method", "capture_method", "payment_method_types")


@endpoint("POST", "/v1/payment_intents/{intent}", permission="payment_intent")
def update(ctx: Context) -> dict[str, Any]:
    pi = _load(ctx)
    p = ctx.params
    if any(p.get(f) not in (None, "") for f in _AMOUNT_FIELDS):
        message = life.pi_update_error(pi["status"])
        if message:
            raise unexpected_state(message, pi)
    previous: dict[str, Any] = {}

    def put(name: str, value: Any) -> None:
        if pi.get(name) != value:
            previous[name] = pi.get(name)
            pi[name] = value

    if p.get("currency") or p.get("amount") is not None:
        currency = normalize_currency(str(p.get("currency") or pi["currency"]))
        amount = int(p["amount"]) if p.get("amount") is not None else pi["amount"]
        check_amount(amount, currency)
        put("currency", currency)
        put("amount", amount)
    if p.get("customer"):
        ctx.load("customer", str(p["customer"]), param="customer", status=400)
        put("customer", str(p["customer"]))
    for name in ("description", "receipt_email", "setup_future_usage", "statement_descriptor",
                 "statement_descriptor_suffix", "capture_method", "transfer_group"):  # fmt: skip
        if name in p:
            put(name, p[name] or None)
    if p.get("payment_method_types"):
        put("payment_method_types", [str(t) for t in p["payment_method_types"]])
        put("automatic_payment_methods", None)
    if "metadata" in p:
        put("metadata", apply_metadata(pi["metadata"], p["metadata"]))
    if p.get("payment_method"):
        pm = payment_methods.materialize(ctx, str(p["payment_method"]))
        put("payment_method", pm["id"])
        if pi["status"] == "requires_payment_method":
            put("status", "requires_confirmation")
    ctx.save(pi)
    return pi


@endpoint("GET", "/v1/payment_intents", permission="payment_intent")
def list_all(ctx: Context) -> dict[str, Any]:
    filters = {"customer": ctx.params["customer"]} if ctx.params.get("customer") else {}
    return ctx.list_response(KIND, "/v1/payment_intents", filters=filters)


@endpoint("GET", "/v1/payment_intents/search", permission="payment_intent")
def search(ctx: Context) -> dict[str, Any]:
    return ctx.search_response(
        KIND,
        "/v1/payment_intents/search",
        fields={
            "amount": "number",
            "created": "number",
            "currency": "string",
            "customer": "string",
            "metadata": "metadata",
            "status": "string",
        },
    )


@endpoint("POST", "/v1/payment_intents/{intent}/confirm", permission="payment_intent", publishable=True)
def confirm(ctx: Context) -> dict[str, Any]:
    pi = _load(ctx)
    check_client_secret(ctx, pi, "PaymentIntent")
    return _confirm_or_raise(ctx, pi, ctx.params)


@endpoint("POST", "/v1/payment_intents/{intent}/capture", permission="payment_intent")
def capture(ctx: Context) -> dict[str, Any]:
    pi = _load(ctx)
    message = life.pi_capture_error(pi["status"])
    if message:
        raise unexpected_state(message, pi)
    p = ctx.params
    amount = (
        int(p["amount_to_capture"]) if p.get("amount_to_capture") is not None else pi["amount_capturable"]
    )
    if amount < 1:
        raise StripeError(
            400, "This value must be greater than or equal to 1.", code="parameter_invalid_integer",
            param="amount_to_capture",
        )  # fmt: skip
    if amount > pi["amount_capturable"]:
        # [U] wording.
        raise StripeError(
            400,
            f"The amount to capture ({amount}) must be less than or equal to the PaymentIntent's "
            f"amount_capturable ({pi['amount_capturable']}).",
            code="amount_too_large",
            param="amount_to_capture",
        )
    charge = ctx.load(charges.KIND, str(pi["latest_charge"]), param="charge", status=400)
    charge.update(captured=True, amount_captured=amount, balance_transaction=ctx.new_id("txn"))
    ctx.save(charge)
    balance.funds_arrived(ctx, charge)
    ctx.emit(
        "charge.captured",
        copy.deepcopy(charge),
        previous_attributes={"captured": False, "amount_captured": 0},
    )
    if "metadata" in p:
        pi["metadata"] = apply_metadata(pi["metadata"], p["metadata"])
    pi.update(status="succeeded", amount_received=amount, amount_capturable=0)
    ctx.save(pi)
    ctx.emit("payment_intent.succeeded", copy.deepcopy(pi))
    return pi


@endpoint("POST", "/v1/payment_intents/{intent}/cancel", permission="payment_intent")
def cancel(ctx: Context) -> dict[str, Any]:
    pi = _load(ctx)
    message = life.pi_cancel_error(pi["status"])
    if message:
        raise unexpected_state(message, pi)
    if pi["status"] == "requires_capture" and pi.get("latest_charge"):
        # Canceling an authorization releases it: the uncaptured charge shows as fully refunded. [U]
        charge = ctx.load(charges.KIND, str(pi["latest_charge"]), param="charge", status=400)
        charge.update(refunded=True, amount_refunded=charge["amount"])
        ctx.save(charge)
        ctx.emit(
            "charge.refunded",
            copy.deepcopy(charge),
            previous_attributes={"refunded": False, "amount_refunded": 0},
        )
    pi.update(
        status="canceled",
        canceled_at=ctx.now(),
        cancellation_reason=ctx.params.get("cancellation_reason") or None,
        amount_capturable=0,
        next_action=None,
    )
    ctx.save(pi)
    ctx.emit("payment_intent.canceled", copy.deepcopy(pi))
    return pi
