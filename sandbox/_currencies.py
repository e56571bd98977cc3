"""Currencies Stripe accepts and how their amounts are written (https://docs.stripe.com/currencies)."""

from __future__ import annotations

from sandbox import _errors as errors

# The order Stripe lists them in its "Invalid currency" message (observed in real error texts).
SUPPORTED = (  # noqa: SIM905 - one readable block
    "usd aed afn all amd ang aoa ars aud awg azn bam bbd bdt bgn bhd bif bmd bnd bob brl bsd bwp byn bzd "
    "cad cdf chf clp cny cop crc cve czk djf dkk dop dzd egp etb eur fjd fkp gbp gel gip gmd gnf gtq gyd "
    "hkd hnl htg huf idr ils inr isk jmd jod jpy kes kgs khr kmf krw kwd kyd kzt lak lbp lkr lrd lsl mad "
    "mdl mga mkd mmk mnt mop mur mvr mwk mxn myr mzn nad ngn nio nok npr nzd omr pab pen pgk php pkr pln "
    "pyg qar ron rsd rub rwf sar sbd scr sek sgd shp sle sos srd std szl thb tjs tnd top try ttd twd tzs "
    "uah ugx uyu uzs vnd vuv wst xaf xcd xof xpf yer zar zmw"
).split()
_SUPPORTED_SET = frozenset(SUPPORTED)
ZERO_DECIMAL = frozenset("bif clp djf gnf jpy kmf krw mga pyg rwf ugx vnd vuv xaf xof xpf".split())  # noqa: SIM905
THREE_DECIMAL = frozenset(["bhd", "jod", "kwd", "omr", "tnd"])
SYMBOLS = {"usd": "$", "eur": "€", "gbp": "£", "jpy": "¥", "cad": "$", "aud": "$", "nzd": "$", "sgd": "$",
           "hkd": "$", "mxn": "$", "inr": "₹", "krw": "₩", "brl": "R$", "chf": "Fr ", "cny": "¥"}  # fmt: skip
# Maximum digits of an amount (facts §3.5): 8 unless listed.
MAX_DIGITS = {"idr": 12, "inr": 9}


def normalize(currency: str, param: str = "currency") -> str:
    """Lower-case and check a currency code.

    [U] Stripe documents lowercase codes; it is unconfirmed whether it refuses "USD". The sandbox accepts and
    lower-cases it, like the real API appears to.
    """
    code = currency.lower()
    if code not in _SUPPORTED_SET:
        raise errors.StripeError(
            400,
            f"Invalid currency: {currency}. Stripe currently supports these currencies: "
            + ", ".join(SUPPORTED),
            param=param,
            validation=True,
        )
    return code


def decimals(currency: str) -> int:
    if currency in ZERO_DECIMAL:
        return 0
    return 3 if currency in THREE_DECIMAL else 2


def format_amount(minor: int, currency: str) -> str:
    """``$999,999.99``: Stripe's amount style (symbol for common currencies, else the code)."""
    places = decimals(currency)
    major = f"{minor / 10**places:,.{places}f}"
    symbol = SYMBOLS.get(currency)
    return f"{symbol}{major}" if symbol else f"{major} {currency.upper()}"


def max_amount(currency: str) -> int:
    return int("9" * MAX_DIGITS.get(currency, 8))


def check_amount_range(amount: int, currency: str, param: str, minimum: int = 0) -> None:
    """Catalog amounts: not negative, at most the currency's digit limit (facts §3.5–3.6)."""
    if amount < minimum:
        # [U] facts §3.6: Stripe's text for a negative amount is not confirmed.
        raise errors.StripeError(
            400, f"This value must be greater than or equal to {minimum}.", code="parameter_invalid_integer",
            param=param,
            validation=True,
        )  # fmt: skip
    limit = max_amount(currency)
    if amount > limit:
        raise errors.StripeError(
            400,
            f"Amount must be no more than {format_amount(limit, currency)}",
            code="amount_too_large",
            param=param,
            validation=True,
        )
