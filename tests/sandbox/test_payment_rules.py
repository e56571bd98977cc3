"""The payment rules that need no server: test cards, money formatting, amount limits, the state machine."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sandbox import _test_cards as cards
from sandbox._currencies import SUPPORTED, format_money
from sandbox._payment_amounts import charge_amount_problem
from sandbox._payment_lifecycle import (
    after_authentication,
    attempt_payment,
    attempt_setup,
    pi_cancel_error,
    pi_capture_error,
    pi_confirm_error,
)


def test_every_test_card_number_passes_luhn_and_every_alias_points_at_a_card() -> None:
    assert all(cards.luhn_ok(n) for n in cards.CARDS)
    assert set(cards.TEST_PAYMENT_METHODS.values()) <= set(cards.CARDS)
    assert set(cards.CHECKOUT_PICKER) <= set(cards.CARDS)


@pytest.mark.parametrize(
    ("pm", "code", "decline_code"),
    [
        ("pm_card_visa_chargeDeclined", "card_declined", "generic_decline"),
        ("pm_card_chargeDeclined", "card_declined", "generic_decline"),
        ("pm_card_visa_chargeDeclinedInsufficientFunds", "card_declined", "insufficient_funds"),
        ("pm_card_chargeDeclinedInsufficientFunds", "card_declined", "insufficient_funds"),
        ("pm_card_visa_chargeDeclinedLostCard", "card_declined", "lost_card"),
        ("pm_card_visa_chargeDeclinedStolenCard", "card_declined", "stolen_card"),
        ("pm_card_chargeDeclinedExpiredCard", "expired_card", "expired_card"),
        ("pm_card_chargeDeclinedIncorrectCvc", "incorrect_cvc", "incorrect_cvc"),
        ("pm_card_chargeDeclinedProcessingError", "processing_error", "processing_error"),
    ],
)
def test_decline_cards_decline_with_their_codes_and_cannot_be_saved(
    pm: str, code: str, decline_code: str
) -> None:
    card = cards.card_for_test_payment_method(pm)
    assert card is not None
    attempt = attempt_payment(card, capture_method="automatic_async", off_session=False, set_up=False)
    assert attempt.status == "requires_payment_method"
    assert attempt.decline is not None
    assert (attempt.decline.code, attempt.decline.decline_code) == (code, decline_code)
    assert card.setup_decline is not None
    assert attempt_setup(card).decline is card.setup_decline


def test_charge_customer_fail_attaches_but_declines() -> None:
    card = cards.card_for_test_payment_method("pm_card_chargeCustomerFail")
    assert card is not None
    assert attempt_setup(card).status == "succeeded"
    assert attempt_payment(card, capture_method="manual", off_session=True, set_up=True).declined


def test_brand_last4_funding_for_typed_numbers() -> None:
    amex = cards.card_for_number("3782 822463 10005")
    assert amex is not None
    assert (amex.brand, amex.last4, amex.funding) == ("amex", "0005", "credit")
    debit = cards.card_for_number("4000-0566-5566-5556")
    assert debit is not None
    assert (debit.brand, debit.funding) == ("visa", "debit")
    assert cards.card_for_number("4242424242424241") is None  # fails Luhn: incorrect_number
    other = cards.card_for_number("4012888888881881")
    assert other is not None
    assert other.brand == "visa"
    assert other.charge_decline is None


def test_three_d_secure_cards() -> None:
    always = cards.CARDS["4000002760003184"]
    on_setup = cards.CARDS["4000002500003155"]
    assert attempt_payment(always, capture_method="automatic", off_session=False, set_up=True).status == (
        "requires_action"
    )
    off = attempt_payment(always, capture_method="automatic", off_session=True, set_up=True)
    assert off.decline is cards.AUTHENTICATION_REQUIRED
    assert attempt_payment(on_setup, capture_method="automatic", off_session=True, set_up=True).status == (
        "succeeded"
    )
    assert attempt_payment(on_setup, capture_method="automatic", off_session=False, set_up=True).status == (
        "requires_action"
    )
    assert attempt_setup(on_setup).status == "requires_action"
    assert after_authentication(always, succeeded=True, capture_method="manual").status == "requires_capture"
    assert after_authentication(always, succeeded=False, capture_method="manual").status == (
        "requires_payment_method"
    )
    declines_after = cards.card_for_test_payment_method(
        "pm_card_authenticationRequiredChargeDeclinedInsufficientFunds"
    )
    assert declines_after is not None
    after = after_authentication(declines_after, succeeded=True, capture_method="automatic")
    assert after.decline is cards.INSUFFICIENT_FUNDS


@pytest.mark.parametrize(
    ("amount", "currency", "text"),
    [
        (1999, "usd", "$19.99"),
        (50, "eur", "€0.50"),
        (500, "jpy", "¥500"),
        (123456789, "usd", "$1,234,567.89"),
        (5120, "kwd", "KWD 5.120"),
        (500, "isk", "ISK 5"),
        (1000, "chf", "CHF 10.00"),
    ],
)
def test_format_money(amount: int, currency: str, text: str) -> None:
    assert format_money(amount, currency) == text


def test_amount_limits_match_stripe_texts() -> None:
    small = charge_amount_problem(49, "usd")
    assert small is not None
    assert (small.code, small.message) == ("amount_too_small", "Amount must be at least $0.50 usd")
    eur = charge_amount_problem(10, "eur")
    assert eur is not None
    assert eur.message == "Amount must be at least €0.50 eur"
    large = charge_amount_problem(100_000_000, "usd")
    assert large is not None
    assert (large.code, large.message) == ("amount_too_large", "Amount must be no more than $999,999.99")
    assert charge_amount_problem(99_999_999, "usd") is None
    assert charge_amount_problem(5125, "kwd") is not None
    assert charge_amount_problem(5120, "kwd") is None
    assert charge_amount_problem(49, "jpy") is not None
    assert charge_amount_problem(50, "jpy") is None


def test_state_machine_texts() -> None:
    assert pi_cancel_error("requires_capture") is None
    assert pi_cancel_error("succeeded") == (
        "You cannot cancel this PaymentIntent because it has a status of succeeded. Only a PaymentIntent "
        "with one of the following statuses may be canceled: requires_payment_method, requires_capture, "
        "requires_confirmation, requires_action, processing."
    )
    assert pi_capture_error("requires_confirmation") == (
        "This PaymentIntent could not be captured because it has a status of requires_confirmation. Only a "
        "PaymentIntent with one of the following statuses may be captured: requires_capture."
    )
    assert pi_confirm_error("succeeded") == (
        "You cannot confirm this PaymentIntent because it has already succeeded after being "
        "previously confirmed."
    )
    assert pi_confirm_error("requires_action") is None


@given(amount=st.integers(min_value=0, max_value=10**12), currency=st.sampled_from(sorted(SUPPORTED)))
def test_format_money_keeps_every_minor_unit(amount: int, currency: str) -> None:
    text = format_money(amount, currency)
    digits = "".join(ch for ch in text if ch.isdigit())
    if currency == "isk":
        assert int(digits) == amount // 100
    else:
        assert int(digits) == amount  # the decimal separator moves, no digit is lost or invented


@given(amount=st.integers(min_value=1, max_value=10**9))
def test_usd_limits_partition_the_amounts(amount: int) -> None:
    problem = charge_amount_problem(amount, "usd")
    if amount < 50:
        assert problem is not None
        assert problem.code == "amount_too_small"
    elif amount > 99_999_999:
        assert problem is not None
        assert problem.code == "amount_too_large"
    else:
        assert problem is None
