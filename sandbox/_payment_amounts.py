"""Currency decimals, charge limits and money formatting for payments, as data.

The sandbox cannot import the app's ``core.money`` (it is an independent server), and Stripe's own error
texts need the amount written as money ("Amount must be at least $0.50 usd"), so this small copy of the
rules lives here. Source: https://docs.stripe.com/currencies.
"""

from __future__ import annotations

from dataclasses import dataclass

ZERO_DECIMAL = frozenset(
    {
        "bif",
        "clp",
        "djf",
        "gnf",
        "jpy",
        "kmf",
        "krw",
        "mga",
        "pyg",
        "rwf",
        "ugx",
        "vnd",
        "vuv",
        "xaf",
        "xof",
        "xpf",
    }
)
THREE_DECIMAL = frozenset({"bhd", "jod", "kwd", "omr", "tnd"})
# Zero-decimal in practice but sent with two decimals that must be 00: 500 = 5 ISK.
TWO_DECIMAL_WHOLE = frozenset({"isk"})

# Minimum charge per currency, in minor units (the settlement-currency table).
MINIMUMS: dict[str, int] = {
    "usd": 50, "aed": 200, "aud": 50, "bgn": 100, "brl": 50, "cad": 50, "chf": 50, "czk": 1500,
    "dkk": 250, "eur": 50, "gbp": 30, "hkd": 400, "huf": 17500, "inr": 50, "jpy": 50, "mxn": 1000,
    "myr": 200, "nok": 300, "nzd": 50, "pln": 200, "ron": 200, "sek": 300, "sgd": 50, "thb": 1000,
}  # fmt: skip

# Maximum number of digits of an amount; 8 unless listed.
MAX_DIGITS: dict[str, int] = {"idr": 12, "inr": 9}

SYMBOLS: dict[str, str] = {
    "usd": "$", "aud": "$", "cad": "$", "nzd": "$", "sgd": "$", "hkd": "$", "mxn": "$",
    "eur": "€", "gbp": "£", "jpy": "¥", "inr": "₹", "brl": "R$", "krw": "₩", "thb": "฿",
    "pln": "zł", "czk": "Kč", "ron": "lei", "bgn": "лв",
}  # fmt: skip


def decimals(currency: str) -> int:
    """How many minor-unit digits an amount in this currency carries on the wire."""
    c = currency.lower()
    if c in ZERO_DECIMAL:
        return 0
    if c in THREE_DECIMAL:
        return 3
    return 2


def format_money(amount: int, currency: str) -> str:
    """Minor units as a person reads them: 1999 usd → '$19.99', 500 jpy → '¥500', 5120 kwd → 'KWD 5.120'.

    ISK is written whole (500 → 'ISK 5'), since its decimal part is always 00.
    """
    c = currency.lower()
    places = decimals(c)
    sign = "-" if amount < 0 else ""
    value = abs(amount)
    if c in TWO_DECIMAL_WHOLE:
        number = f"{value // 100:,}"
    elif places == 0:
        number = f"{value:,}"
    else:
        whole, frac = divmod(value, 10**places)
        number = f"{whole:,}.{frac:0{places}d}"
    symbol = SYMBOLS.get(c)
    if symbol is None:
        return f"{sign}{c.upper()} {number}"
    return f"{sign}{symbol}{number}"


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
    max_amount = 10 ** MAX_DIGITS.get(c, 8) - 1
    if amount > max_amount:
        return AmountProblem("amount_too_large", f"Amount must be no more than {format_money(max_amount, c)}")
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
