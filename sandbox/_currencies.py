"""Currencies Stripe accepts and how their amounts are written (https://docs.stripe.com/currencies).

The sandbox's one home for currency facts (decimals, minimums, digit limits, symbols, formatting). The sandbox
cannot import the app's ``core.money`` (it is an independent server), so ``core/_currency_data.py`` holds
its own copy of these facts on purpose.
"""

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
# Zero-decimal in practice but sent with two decimals that must be 00: 500 = 5 ISK.
TWO_DECIMAL_WHOLE = frozenset({"isk"})

# Minimum charge per currency, in minor units (the settlement-currency table).
MINIMUMS: dict[str, int] = {
    "usd": 50, "aed": 200, "aud": 50, "bgn": 100, "brl": 50, "cad": 50, "chf": 50, "czk": 1500,
    "dkk": 250, "eur": 50, "gbp": 30, "hkd": 400, "huf": 17500, "inr": 50, "jpy": 50, "mxn": 1000,
    "myr": 200, "nok": 300, "nzd": 50, "pln": 200, "ron": 200, "sek": 300, "sgd": 50, "thb": 1000,
}  # fmt: skip

# Maximum digits of an amount (facts §3.5): 8 unless listed.
MAX_DIGITS: dict[str, int] = {"idr": 12, "inr": 9}

# [U] Two money styles, kept as they were: price checks (``format_amount``) and payment/billing texts
# (``format_money``) write non-dollar currencies differently ("Fr 5.00" vs "CHF 5.00", "5.00 THB" vs
# "฿5.00"). Stripe's texts are only confirmed for usd, where both agree; unify once the others are observed.
SYMBOLS = {"usd": "$", "eur": "€", "gbp": "£", "jpy": "¥", "cad": "$", "aud": "$", "nzd": "$", "sgd": "$",
           "hkd": "$", "mxn": "$", "inr": "₹", "krw": "₩", "brl": "R$", "chf": "Fr ", "cny": "¥"}  # fmt: skip
MONEY_SYMBOLS: dict[str, str] = {
    "usd": "$", "aud": "$", "cad": "$", "nzd": "$", "sgd": "$", "hkd": "$", "mxn": "$",
    "eur": "€", "gbp": "£", "jpy": "¥", "inr": "₹", "brl": "R$", "krw": "₩", "thb": "฿",
    "pln": "zł", "czk": "Kč", "ron": "lei", "bgn": "лв",
}  # fmt: skip


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
    """How many minor-unit digits an amount in this currency carries on the wire."""
    c = currency.lower()
    if c in ZERO_DECIMAL:
        return 0
    return 3 if c in THREE_DECIMAL else 2


def format_amount(minor: int, currency: str) -> str:
    """``$999,999.99``: Stripe's amount style (symbol for common currencies, else the code)."""
    places = decimals(currency)
    major = f"{minor / 10**places:,.{places}f}"
    symbol = SYMBOLS.get(currency)
    return f"{symbol}{major}" if symbol else f"{major} {currency.upper()}"


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
    symbol = MONEY_SYMBOLS.get(c)
    if symbol is None:
        return f"{sign}{c.upper()} {number}"
    return f"{sign}{symbol}{number}"


def max_amount(currency: str) -> int:
    """The largest amount the currency's digit limit allows (99999999 for most)."""
    return int("9" * MAX_DIGITS.get(currency.lower(), 8))


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
