"""Whether an amount can be charged, with Stripe's error code and text when it cannot.

The currency facts it relies on (minimums, digit limits, decimals, formatting) live in sandbox._currencies.
"""

from __future__ import annotations

from dataclasses import dataclass

from sandbox._currencies import MINIMUMS, THREE_DECIMAL, TWO_DECIMAL_WHOLE, format_money, max_amount


@dataclass(frozen=True)
class AmountProblem:
    """Why an amount cannot be charged: the Stripe error code and message."""

    code: str
    message: str


def charge_amount_problem(amount: int, currency: str) -> AmountProblem | None:
    """The Stripe error a PaymentIntent amount triggers, or None if it is chargeable."""
    c = currency.lower()
    if amount < 1:
        # [U] Stripe's wording for a zero or negative amount, matched by several integrations.
        return AmountProblem("parameter_invalid_integer", "This value must be greater than or equal to 1.")
    minimum = MINIMUMS.get(c)
    if minimum is not None and amount < minimum:
        return AmountProblem("amount_too_small", f"Amount must be at least {format_money(minimum, c)} {c}")
    limit = max_amount(c)
    if amount > limit:
        return AmountProblem("amount_too_large", f"Amount must be no more than {format_money(limit, c)}")
    if c in THREE_DECIMAL and amount % 10 != 0:
        # [U] Stripe documents the rule (last digit must be 0) but not its error text.
        return AmountProblem(
            "invalid_amount",
            f"Amounts in {c} must end in 0: three-decimal currencies are charged in steps of 10 "
            f"(for example {amount // 10 * 10} or {amount // 10 * 10 + 10} instead of {amount}).",
        )
    if c in TWO_DECIMAL_WHOLE and amount % 100 != 0:
        # [U] wording; the rule (decimal part 00) is documented.
        return AmountProblem(
            "invalid_amount",
            f"Amounts in {c} must be divisible by 100: {c} has no fractional units, so {amount} "
            f"should be {amount // 100 * 100} or {amount // 100 * 100 + 100}.",
        )
    return None
