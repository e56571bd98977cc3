"""Stripe's test cards as data: which test PaymentMethod, token or number does what.

Stripe test mode decides the fate of a payment from the card alone (https://docs.stripe.com/testing), so
the sandbox does the same: every payment, setup and attach looks its card up here. Keeping the whole
catalogue in one table means the hosted checkout page, PaymentMethods, PaymentIntents and SetupIntents
can never disagree about what ``4000 0000 0000 0002`` does.

Where Stripe's documentation gives no exact message or field, the choice is marked ``[U]``.
"""

from __future__ import annotations

import enum
import hashlib
from dataclasses import dataclass


class Auth(enum.Enum):
    """When the issuer asks for 3D Secure."""

    NONE = "none"
    # Every payment and every setup asks, on-session or off (4000 0027 6000 3184).
    ALWAYS = "always"
    # On-session payments and setups ask; an off-session payment with a card that was set up (attached to
    # a customer) goes through (4000 0025 0000 3155, 4000 0038 0000 0446).
    UNLESS_SET_UP = "unless_set_up"


@dataclass(frozen=True)
class Decline:
    """What the issuer answers when it refuses a charge: the card_error fields and the charge outcome."""

    code: str
    decline_code: str | None
    message: str
    param: str | None = None
    outcome_type: str = "issuer_declined"
    network_status: str = "declined_by_network"
    seller_message: str = "The bank did not return any further details with this decline."

    @property
    def outcome_reason(self) -> str:
        return self.decline_code or self.code


def _bank_said(code: str) -> str:
    return f"The bank returned the decline code `{code}`."


GENERIC_DECLINE = Decline("card_declined", "generic_decline", "Your card was declined.")
INSUFFICIENT_FUNDS = Decline(
    "card_declined",
    "insufficient_funds",
    "Your card has insufficient funds.",
    seller_message=_bank_said("insufficient_funds"),
)
LOST_CARD = Decline(
    "card_declined", "lost_card", "Your card was declined.", seller_message=_bank_said("lost_card")
)
STOLEN_CARD = Decline(
    "card_declined", "stolen_card", "Your card was declined.", seller_message=_bank_said("stolen_card")
)
# [U] decline_code repeats the code and param names the field at fault, as third-party captures of real
# responses show for these three.
EXPIRED_CARD = Decline(
    "expired_card",
    "expired_card",
    "Your card has expired.",
    param="exp_month",
    seller_message=_bank_said("expired_card"),
)
INCORRECT_CVC = Decline(
    "incorrect_cvc",
    "incorrect_cvc",
    "Your card's security code is incorrect.",
    param="cvc",
    seller_message=_bank_said("incorrect_cvc"),
)
PROCESSING_ERROR = Decline(
    "processing_error",
    "processing_error",
    "An error occurred while processing your card. Try again in a little bit.",
    seller_message=_bank_said("processing_error"),
)
# [U] message wording.
VELOCITY_EXCEEDED = Decline(
    "card_declined",
    "card_velocity_exceeded",
    "Your card was declined for making repeated attempts too frequently or exceeding its amount limit.",
    seller_message=_bank_said("card_velocity_exceeded"),
)
# [U] Radar blocks never reach the network; Stripe reports them as a generic card decline.
RADAR_BLOCK = Decline(
    "card_declined",
    "fraudulent",
    "Your card was declined.",
    outcome_type="blocked",
    network_status="not_sent_to_network",
    seller_message="Stripe blocked this payment as too risky.",
)
INCORRECT_NUMBER = Decline("incorrect_number", None, "Your card number is incorrect.", param="number")

# Off-session payment with a card whose issuer insists on 3D Secure. [U] message wording.
AUTHENTICATION_REQUIRED = Decline(
    "authentication_required",
    "authentication_required",
    "Your card was declined. This transaction requires authentication.",
    seller_message=_bank_said("authentication_required"),
)


@dataclass(frozen=True)
class TestCard:
    """One test card number and everything Stripe test mode does with it."""

    number: str
    brand: str  # as Stripe writes it in payment_method.card.brand: visa, mastercard, amex, …
    funding: str = "credit"
    country: str = "US"
    # The charge fails with this (after authentication, when the card asks for it).
    charge_decline: Decline | None = None
    # Cards that simulate an issuer decline cannot be saved: attaching or setting them up fails with this.
    setup_decline: Decline | None = None
    auth: Auth = Auth.NONE
    label: str = ""
    # The charge succeeds, then the cardholder disputes it at once: (reason, inquiry?) of the dispute.
    dispute: tuple[str, bool] | None = None

    @property
    def bypasses_pending(self) -> bool:
        """Stripe's cards whose funds skip the pending balance (``pm_card_bypassPending`` and the
        international one): ``balance.available`` follows the charge at once."""
        return self.number in ("4000000000000077", "4000003720000278")

    @property
    def last4(self) -> str:
        return self.number[-4:]

    @property
    def fingerprint(self) -> str:
        """Stable per card number, as Stripe's fingerprint is, without revealing the number."""
        return hashlib.sha256(b"sandbox-card:" + self.number.encode()).hexdigest()[:16]

    def needs_authentication(self, *, off_session: bool, set_up: bool) -> bool:
        """Whether a payment (not a setup) with this card stops at requires_action."""
        if self.auth is Auth.ALWAYS:
            return True
        if self.auth is Auth.UNLESS_SET_UP:
            return not (off_session and set_up)
        return False

    def setup_needs_authentication(self) -> bool:
        """Whether saving the card for later (a SetupIntent) asks the customer to authenticate."""
        return self.auth is not Auth.NONE


_VISA = "4242424242424242"

# Card number → behaviour. Numbers without spaces.
CARDS: dict[str, TestCard] = {
    c.number: c
    for c in (
        TestCard(_VISA, "visa", label="Visa — succeeds"),
        TestCard("4000056655665556", "visa", funding="debit", label="Visa (debit) — succeeds"),
        TestCard("5555555555554444", "mastercard", label="Mastercard — succeeds"),
        TestCard("2223003122003222", "mastercard", label="Mastercard (2-series) — succeeds"),
        TestCard("5200828282828210", "mastercard", funding="debit", label="Mastercard (debit) — succeeds"),
        TestCard(
            "5105105105105100", "mastercard", funding="prepaid", label="Mastercard (prepaid) — succeeds"
        ),
        TestCard("378282246310005", "amex", label="American Express — succeeds"),
        TestCard("371449635398431", "amex", label="American Express — succeeds"),
        TestCard("6011111111111117", "discover", label="Discover — succeeds"),
        TestCard("6011000990139424", "discover", label="Discover — succeeds"),
        TestCard("3056930009020004", "diners", label="Diners Club — succeeds"),
        TestCard("36227206271667", "diners", label="Diners Club (14 digits) — succeeds"),
        TestCard("3566002020360505", "jcb", country="JP", label="JCB — succeeds"),
        TestCard("6200000000000005", "unionpay", country="CN", label="UnionPay — succeeds"),
        TestCard("4000000000000077", "visa", label="Visa — succeeds, funds available at once"),
        TestCard("4000000760000002", "visa", country="US", label="United States (US) — succeeds"),
        TestCard("4000001240000000", "visa", country="CA", label="Canada (CA) — succeeds"),
        TestCard("4000008260000000", "visa", country="GB", label="United Kingdom (GB) — succeeds"),
        TestCard("4000002760000016", "visa", country="DE", label="Germany (DE) — succeeds"),
        TestCard("4000002500000003", "visa", country="FR", label="France (FR) — succeeds"),
        TestCard("4000000360000006", "visa", country="AU", label="Australia (AU) — succeeds"),
        TestCard("4000003920000003", "visa", country="JP", label="Japan (JP) — succeeds"),
        # Declines: charging fails, and (being issuer declines) so does saving the card.
        TestCard(
            "4000000000000002",
            "visa",
            charge_decline=GENERIC_DECLINE,
            setup_decline=GENERIC_DECLINE,
            label="Declined — generic decline",
        ),
        TestCard(
            "4000000000009995",
            "visa",
            charge_decline=INSUFFICIENT_FUNDS,
            setup_decline=INSUFFICIENT_FUNDS,
            label="Declined — insufficient funds",
        ),
        TestCard(
            "4000000000009987",
            "visa",
            charge_decline=LOST_CARD,
            setup_decline=LOST_CARD,
            label="Declined — lost card",
        ),
        TestCard(
            "4000000000009979",
            "visa",
            charge_decline=STOLEN_CARD,
            setup_decline=STOLEN_CARD,
            label="Declined — stolen card",
        ),
        TestCard(
            "4000000000000069",
            "visa",
            charge_decline=EXPIRED_CARD,
            setup_decline=EXPIRED_CARD,
            label="Declined — expired card",
        ),
        TestCard(
            "4000000000000127",
            "visa",
            charge_decline=INCORRECT_CVC,
            setup_decline=INCORRECT_CVC,
            label="Declined — incorrect CVC",
        ),
        TestCard(
            "4000000000000119",
            "visa",
            charge_decline=PROCESSING_ERROR,
            setup_decline=PROCESSING_ERROR,
            label="Declined — processing error",
        ),
        TestCard(
            "4000000000006975",
            "visa",
            charge_decline=VELOCITY_EXCEEDED,
            setup_decline=VELOCITY_EXCEEDED,
            label="Declined — velocity limit exceeded",
        ),
        # Attaching to a customer works; charging it fails.
        TestCard(
            "4000000000000341",
            "visa",
            charge_decline=GENERIC_DECLINE,
            label="Attaches, then every charge is declined",
        ),
        TestCard("4100000000000019", "visa", charge_decline=RADAR_BLOCK, label="Blocked by Radar"),
        # 3D Secure.
        TestCard("4000002760003184", "visa", auth=Auth.ALWAYS, label="3D Secure — authentication every time"),
        TestCard(
            "4000002500003155",
            "visa",
            auth=Auth.UNLESS_SET_UP,
            label="3D Secure — authentication unless set up for off-session use",
        ),
        TestCard(
            "4000003800000446",
            "visa",
            auth=Auth.UNLESS_SET_UP,
            label="3D Secure — off-session succeeds once set up, on-session authenticates",
        ),
        TestCard(
            "4000008260003178",
            "visa",
            country="GB",
            auth=Auth.ALWAYS,
            charge_decline=INSUFFICIENT_FUNDS,
            label="3D Secure, then declined — insufficient funds",
        ),
        TestCard("4000000000003220", "visa", auth=Auth.ALWAYS, label="3D Secure 2 — authentication required"),
        TestCard("4000000000003063", "visa", auth=Auth.ALWAYS, label="3D Secure — authentication required"),
        TestCard(
            "4000008400001629",
            "visa",
            auth=Auth.ALWAYS,
            charge_decline=GENERIC_DECLINE,
            label="3D Secure, then declined",
        ),
        TestCard("4000000000003055", "visa", label="3D Secure supported, not required — succeeds"),
        # Dispute cards (https://docs.stripe.com/testing#disputes): the dispute exists as soon as the charge.
        TestCard("4000000000000259", "visa", dispute=("fraudulent", False), label="Disputed as fraudulent"),
        TestCard(
            "4000000000001976",
            "visa",
            dispute=("product_not_received", False),
            label="Disputed as product not received",
        ),
        # [U] Stripe does not say which reason its inquiry card gives; the sandbox uses fraudulent.
        TestCard("4000000000005423", "visa", dispute=("fraudulent", True), label="Disputed as an inquiry"),
    )
}

# The well-known test PaymentMethod ids (usable in every account without creating them) → card number.
_PM_SUFFIXES: dict[str, str] = {
    "visa": _VISA,
    "visa_debit": "4000056655665556",
    "mastercard": "5555555555554444",
    "mastercard_debit": "5200828282828210",
    "mastercard_prepaid": "5105105105105100",
    "amex": "378282246310005",
    "discover": "6011111111111117",
    "diners": "3056930009020004",
    "jcb": "3566002020360505",
    "unionpay": "6200000000000005",
    "bypassPending": "4000000000000077",
    "us": "4000000760000002",
    "ca": "4000001240000000",
    "gb": "4000008260000000",
    "de": "4000002760000016",
    "fr": "4000002500000003",
    "au": "4000000360000006",
    "jp": "4000003920000003",
    "visa_chargeDeclined": "4000000000000002",
    "visa_chargeDeclinedInsufficientFunds": "4000000000009995",
    "visa_chargeDeclinedLostCard": "4000000000009987",
    "visa_chargeDeclinedStolenCard": "4000000000009979",
    "chargeDeclinedExpiredCard": "4000000000000069",
    "chargeDeclinedIncorrectCvc": "4000000000000127",
    "chargeDeclinedProcessingError": "4000000000000119",
    "visa_chargeDeclinedVelocityLimitExceeded": "4000000000006975",
    "chargeCustomerFail": "4000000000000341",
    "radarBlock": "4100000000000019",
    "authenticationRequired": "4000002760003184",
    "authenticationRequiredOnSetup": "4000002500003155",
    "authenticationRequiredSetupForOffSession": "4000003800000446",
    "authenticationRequiredChargeDeclinedInsufficientFunds": "4000008260003178",
    "threeDSecure2Required": "4000000000003220",
    "threeDSecureRequired": "4000000000003063",
    "threeDSecureRequiredChargeDeclined": "4000008400001629",
    "threeDSecureOptional": "4000000000003055",
    "createDispute": "4000000000000259",
    "createDisputeProductNotReceived": "4000000000001976",
    "createDisputeInquiry": "4000000000005423",
    # Older spellings still found in countless integrations; Stripe's docs now list the visa_ forms. [U]
    "chargeDeclined": "4000000000000002",
    "chargeDeclinedInsufficientFunds": "4000000000009995",
    "chargeDeclinedLostCard": "4000000000009987",
    "chargeDeclinedStolenCard": "4000000000009979",
    "visa_chargeDeclinedExpiredCard": "4000000000000069",
    "visa_chargeDeclinedIncorrectCvc": "4000000000000127",
    "visa_chargeDeclinedProcessingError": "4000000000000119",
}

TEST_PAYMENT_METHODS: dict[str, str] = {f"pm_card_{s}": n for s, n in _PM_SUFFIXES.items()}
# Stripe has a tok_ for the common cards; the sandbox accepts one for every pm_card_ name. [U] for the rarer.
TEST_TOKENS: dict[str, str] = {f"tok_{s}": n for s, n in _PM_SUFFIXES.items()}

# What the hosted checkout page offers in its card picker, in order.
CHECKOUT_PICKER: tuple[str, ...] = (
    _VISA,
    "5555555555554444",
    "378282246310005",
    "4000000000000002",
    "4000000000009995",
    "4000000000000069",
    "4000000000000127",
    "4000002760003184",
    "4000002500003155",
)


def normalize_number(raw: str) -> str:
    """Card numbers are typed with spaces or dashes; Stripe ignores them."""
    return "".join(ch for ch in raw if ch not in " -")


def luhn_ok(number: str) -> bool:
    if not number.isdigit() or not 12 <= len(number) <= 19:
        return False
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def brand_for(number: str) -> str:
    """The brand of a Luhn-valid number that is not in the table, by its leading digits."""
    if number.startswith(("34", "37")):
        return "amex"
    if number.startswith("4"):
        return "visa"
    if number[:2] in {"51", "52", "53", "54", "55"} or 2221 <= int(number[:4] or "0") <= 2720:
        return "mastercard"
    if number.startswith(("6011", "65", "644", "645", "646", "647", "648", "649")):
        return "discover"
    if number.startswith("35"):
        return "jcb"
    if number.startswith(("36", "300", "301", "302", "303", "304", "305", "38")):
        return "diners"
    if number.startswith("62"):
        return "unionpay"
    return "unknown"


def card_for_number(raw: str) -> TestCard | None:
    """The test card for a typed number, or None when the number is not a card number at all (Luhn)."""
    number = normalize_number(raw)
    known = CARDS.get(number)
    if known is not None:
        return known
    if not luhn_ok(number):
        return None
    # Any other valid number behaves like a plain successful card, as it does in Stripe test mode.
    return TestCard(number, brand_for(number))


def card_for_test_payment_method(pm_id: str) -> TestCard | None:
    number = TEST_PAYMENT_METHODS.get(pm_id)
    return CARDS[number] if number else None


def card_for_token(token: str) -> TestCard | None:
    number = TEST_TOKENS.get(token)
    return CARDS[number] if number else None


def format_number(number: str) -> str:
    """4242424242424242 → '4242 4242 4242 4242' (Amex 4-6-5) for the checkout page."""
    if len(number) == 15:
        return f"{number[:4]} {number[4:10]} {number[10:]}"
    return " ".join(number[i : i + 4] for i in range(0, len(number), 4))
