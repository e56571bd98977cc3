"""The PaymentIntent / SetupIntent state machines as pure functions, with Stripe's texts.

Kept apart from the HTTP handlers so the rules (which status may be confirmed, captured, canceled; what a
card does on confirm and after authentication) can be read in one place and tested without a server.
Lifecycle: https://docs.stripe.com/payments/paymentintents/lifecycle.
"""

from __future__ import annotations

import secrets
import string
from dataclasses import dataclass
from typing import Literal

from sandbox._test_cards import AUTHENTICATION_REQUIRED, Decline, TestCard

_SECRET_ALPHABET = string.ascii_letters + string.digits


def unguessable(length: int) -> str:
    """Characters for values that act as credentials (client secrets, the hosted page's session id): these
    come from the OS's CSPRNG, unlike plain object ids."""
    return "".join(secrets.choice(_SECRET_ALPHABET) for _ in range(length))


PI_CANCELABLE = (
    "requires_payment_method",
    "requires_capture",
    "requires_confirmation",
    "requires_action",
    "processing",
)
PI_CONFIRMABLE = ("requires_payment_method", "requires_confirmation", "requires_action")
PI_CAPTURABLE = ("requires_capture",)
PI_UPDATABLE = ("requires_payment_method", "requires_confirmation", "requires_action")

SI_CANCELABLE = ("requires_payment_method", "requires_confirmation", "requires_action")
SI_CONFIRMABLE = ("requires_payment_method", "requires_confirmation", "requires_action")

CANCEL_REASONS_PI = ("duplicate", "fraudulent", "requested_by_customer", "abandoned")
CANCEL_REASONS_SI = ("abandoned", "duplicate", "requested_by_customer")

CaptureMethod = Literal["automatic", "automatic_async", "manual"]


def pi_cancel_error(status: str) -> str | None:
    if status in PI_CANCELABLE:
        return None
    return (
        f"You cannot cancel this PaymentIntent because it has a status of {status}. Only a PaymentIntent "
        f"with one of the following statuses may be canceled: {', '.join(PI_CANCELABLE)}."
    )


def pi_capture_error(status: str) -> str | None:
    if status in PI_CAPTURABLE:
        return None
    return (
        f"This PaymentIntent could not be captured because it has a status of {status}. Only a "
        f"PaymentIntent with one of the following statuses may be captured: {', '.join(PI_CAPTURABLE)}."
    )


def pi_confirm_error(status: str) -> str | None:
    if status in PI_CONFIRMABLE:
        return None
    if status == "succeeded":
        # Observed verbatim in real responses (a parallel double confirm).
        return (
            "You cannot confirm this PaymentIntent because it has already succeeded after being "
            "previously confirmed."
        )
    # [U] wording, built like the cancel and capture texts.
    return (
        f"You cannot confirm this PaymentIntent because it has a status of {status}. Only a PaymentIntent "
        f"with one of the following statuses may be confirmed: {', '.join(PI_CONFIRMABLE)}."
    )


def pi_update_error(status: str) -> str | None:
    """Amount, currency and payment method can only change before the money moved. [U] wording."""
    if status in PI_UPDATABLE:
        return None
    return (
        f"You cannot update this PaymentIntent because it has a status of {status}. Only a PaymentIntent "
        f"with one of the following statuses may be updated: {', '.join(PI_UPDATABLE)}."
    )


def pi_missing_payment_method(customer: str | None) -> str:
    """Confirm without a payment method. Real texts observed for both cases."""
    if customer:
        return (
            "You cannot confirm this PaymentIntent because it's missing a payment method. To confirm the "
            f"PaymentIntent with {customer}, specify a payment method attached to this customer along with "
            "the customer ID."
        )
    return (
        "You cannot confirm this PaymentIntent because it's missing a payment method. Update the "
        "PaymentIntent with a payment_method and then confirm it again."
    )


RETURN_URL_REQUIRED = (
    "A `return_url` must be specified because this Payment Intent is configured to automatically accept the "
    "payment methods enabled in the Dashboard, some of which may require a full page redirect to succeed. If "
    "you do not want to accept redirect-based payment methods, set `automatic_payment_methods[enabled]` to "
    "`true` and `automatic_payment_methods[allow_redirects]` to `never` when creating Setup Intents and "
    "Payment Intents."
)

PI_AUTHENTICATION_FAILED = (
    "The provided PaymentMethod has failed authentication. You can provide payment_method_data or a new "
    "PaymentMethod to attempt to fulfill this PaymentIntent again."
)
# [U] wording.
SI_AUTHENTICATION_FAILED = (
    "The latest attempt to set up the payment method has failed because authentication failed. You can "
    "provide payment_method_data or a new PaymentMethod to attempt to set up this SetupIntent again."
)


def si_cancel_error(status: str) -> str | None:
    if status in SI_CANCELABLE:
        return None
    # [U] wording, the PaymentIntent text with SetupIntent's statuses.
    return (
        f"You cannot cancel this SetupIntent because it has a status of {status}. Only a SetupIntent with "
        f"one of the following statuses may be canceled: {', '.join(SI_CANCELABLE)}."
    )


def si_confirm_error(status: str) -> str | None:
    if status in SI_CONFIRMABLE:
        return None
    if status == "succeeded":
        # [U] wording, mirrors the PaymentIntent text.
        return (
            "You cannot confirm this SetupIntent because it has already succeeded after being "
            "previously confirmed."
        )
    return (
        f"You cannot confirm this SetupIntent because it has a status of {status}. Only a SetupIntent with "
        f"one of the following statuses may be confirmed: {', '.join(SI_CONFIRMABLE)}."
    )


@dataclass(frozen=True)
class Attempt:
    """Where a payment attempt leaves the PaymentIntent, and the decline when it failed."""

    status: Literal["succeeded", "requires_capture", "requires_action", "requires_payment_method"]
    decline: Decline | None = None

    @property
    def declined(self) -> bool:
        return self.decline is not None


def settle(card: TestCard, capture_method: str) -> Attempt:
    """The authorization itself, once any authentication is behind us."""
    if card.charge_decline is not None:
        return Attempt("requires_payment_method", card.charge_decline)
    return Attempt("requires_capture" if capture_method == "manual" else "succeeded")


def attempt_payment(
    card: TestCard,
    *,
    capture_method: str,
    off_session: bool,
    set_up: bool,
    error_on_requires_action: bool = False,
) -> Attempt:
    """What confirming a PaymentIntent with this card does.

    ``set_up``: the PaymentMethod is saved to a customer (attached or set up), which is what lets
    ``authenticationRequiredOnSetup`` cards pay off-session without a new challenge.
    """
    if card.needs_authentication(off_session=off_session, set_up=set_up):
        if off_session or error_on_requires_action:
            # Nobody is there to authenticate: Stripe fails the attempt instead of asking.
            return Attempt("requires_payment_method", AUTHENTICATION_REQUIRED)
        return Attempt("requires_action")
    return settle(card, capture_method)


def after_authentication(card: TestCard, *, succeeded: bool, capture_method: str) -> Attempt:
    """The customer finished (or failed) the 3D Secure challenge. A failure carries no card decline."""
    if not succeeded:
        return Attempt("requires_payment_method")
    return settle(card, capture_method)


@dataclass(frozen=True)
class SetupAttempt:
    status: Literal["succeeded", "requires_action", "requires_payment_method"]
    decline: Decline | None = None


def attempt_setup(card: TestCard) -> SetupAttempt:
    """Confirming a SetupIntent: issuer-decline cards cannot be saved; 3DS cards ask on setup."""
    if card.setup_decline is not None:
        return SetupAttempt("requires_payment_method", card.setup_decline)
    if card.setup_needs_authentication():
        return SetupAttempt("requires_action")
    return SetupAttempt("succeeded")
