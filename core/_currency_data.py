"""Stripe's currency rules as plain data (https://docs.stripe.com/currencies), kept apart from the logic.

Where Babel/CLDR and Stripe disagree about a currency's minor unit (ISK, UGX, HUF, TWD, …), Stripe wins:
these tables describe the integer the API expects, not how a currency is written in everyday life.
sandbox/_currencies.py repeats some of these facts on purpose: the sandbox must not import core.
"""

from __future__ import annotations

# Every presentment currency Stripe lists for card payments (lowercase ISO 4217, as the API wants them).
PRESENTMENT_CURRENCIES: tuple[str, ...] = (
    "aed", "afn", "all", "amd", "ang", "aoa", "ars", "aud", "awg", "azn", "bam", "bbd", "bdt", "bgn", "bhd",
    "bif", "bmd", "bnd", "bob", "brl", "bsd", "bwp", "byn", "bzd", "cad", "cdf", "chf", "clp", "cny", "cop",
    "crc", "cve", "czk", "djf", "dkk", "dop", "dzd", "egp", "etb", "eur", "fjd", "fkp", "gbp", "gel", "gip",
    "gmd", "gnf", "gtq", "gyd", "hkd", "hnl", "htg", "huf", "idr", "ils", "inr", "isk", "jmd", "jod", "jpy",
    "kes", "kgs", "khr", "kmf", "krw", "kwd", "kyd", "kzt", "lak", "lbp", "lkr", "lrd", "lsl", "mad", "mdl",
    "mga", "mkd", "mmk", "mnt", "mop", "mur", "mvr", "mwk", "mxn", "myr", "mzn", "nad", "ngn", "nio", "nok",
    "npr", "nzd", "omr", "pab", "pen", "pgk", "php", "pkr", "pln", "pyg", "qar", "ron", "rsd", "rub", "rwf",
    "sar", "sbd", "scr", "sek", "sgd", "shp", "sle", "sll", "sos", "srd", "std", "szl", "thb", "tjs", "tnd",
    "top", "try", "ttd", "twd", "tzs", "uah", "ugx", "usd", "uyu", "uzs", "vnd", "vuv", "wst", "xaf", "xcd",
    "xof", "xpf", "yer", "zar", "zmw",
)  # fmt: skip

# Amount is whole units, no ×100 (docs list, 16 codes).
ZERO_DECIMAL: frozenset[str] = frozenset(
    [
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
    ]
)

# Amount is in thousandths, and the last digit must be 0 (round to the nearest ten).
THREE_DECIMAL: frozenset[str] = frozenset(["bhd", "jod", "kwd", "omr", "tnd"])

# Zero-decimal in practice, but the API still wants two decimals that are always 00 (500 = 5 ISK).
# UGX is also on the zero-decimal list; the docs' special-case section (send ×100, decimals 00) is the
# newer rule and is what we follow: core.money checks this set before ZERO_DECIMAL.
WHOLE_UNITS_SENT_AS_CENTS: frozenset[str] = frozenset({"isk", "ugx"})

# Charges may have two decimals, but payout amounts must be divisible by 100 (whole units).
PAYOUT_WHOLE_UNITS: frozenset[str] = frozenset({"huf", "twd"})

# Minimum charge per settlement currency, in minor units (docs table, current version).
MINIMUM_CHARGE: dict[str, int] = {
    "usd": 50,
    "aed": 200,
    "aud": 50,
    "bgn": 100,
    "brl": 50,
    "cad": 50,
    "chf": 50,
    "czk": 1500,
    "dkk": 250,
    "eur": 50,
    "gbp": 30,
    "hkd": 400,
    "huf": 17500,
    "inr": 50,
    "jpy": 50,
    "mxn": 1000,
    "myr": 200,
    "nok": 300,
    "nzd": 50,
    "pln": 200,
    "ron": 200,
    "sek": 300,
    "sgd": 50,
    "thb": 1000,
}

DEFAULT_MAX_AMOUNT = 99_999_999  # 8 digits
MAX_AMOUNT: dict[str, int] = {
    "idr": 999_999_999_999,  # 12 digits (9 with American Express)
    "inr": 999_999_999,  # 9 digits
}
# Card payments only accept more digits for these (other payment methods keep the 8-digit limit).
CARD_MAX_AMOUNT: dict[str, int] = {
    "lbp": 99_999_999_999,  # 11 digits
    "cop": 9_999_999_999,  # 10 digits
    "huf": 9_999_999_999,  # 10 digits
    "jpy": 9_999_999_999,  # 10 digits (8 for JCB, Diners and Discover from Japanese accounts)
}

NOTES: dict[str, tuple[str, ...]] = {
    "idr": ("IDR allows up to 12 digits (9 digits with American Express).",),
    "inr": ("INR allows up to 9 digits.",),
    "jpy": ("JCB, Diners Club and Discover payments from Japanese accounts allow at most 8 digits.",),
    "isk": ("ISK has no fractional part, but the API wants two decimals that are always 00: 500 = 5 ISK.",),
    "ugx": ("UGX has no fractional part, but the API wants two decimals that are always 00: 500 = 5 UGX.",),
    "huf": ("Charges may use two decimals; payout amounts must be divisible by 100 (whole forints).",),
    "twd": ("Charges may use two decimals; payout amounts must be divisible by 100 (whole dollars).",),
}
for _code in THREE_DECIMAL:
    NOTES[_code] = (
        f"{_code.upper()} has three decimals and the last must be 0: round to the nearest ten (5.124 → "
        "5120).",
    )
