"""Stripe amounts as money: currencies as data, minor units ⇄ display text, and the checks people need.

Stripe wants every amount as an integer in the currency's *smallest unit* (1000 usd = $10.00, 1000 jpy =
¥1,000, 1000 kwd = KWD 1.000) and currency codes in lower case. That single rule causes most amount mistakes
(a $10 charge sent as 10, a yen amount multiplied by 100, a dinar amount not ending in 0), so every amount the
app shows is also shown as money, and :func:`check_amount` explains the mistake with the number it expects.

Formatting uses Babel for the locale's symbols and separators, but always with *Stripe's* number of decimals,
because CLDR's (what Babel knows) differ for ISK, UGX, HUF, TWD and others.
"""

from __future__ import annotations

import copy
import functools
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum

from babel import Locale, UnknownLocaleError
from babel.numbers import (
    NumberPattern,
    get_currency_name,
    get_currency_symbol,
    get_decimal_symbol,
    get_group_symbol,
)

from core import _currency_data as data
from core import _docs
from core.findings import Finding, Severity
from core.secrets import redact

__all__ = [
    "CURRENCIES",
    "AmountError",
    "AmountPreview",
    "Currency",
    "CurrencyError",
    "Purpose",
    "check_amount",
    "check_currency",
    "currency",
    "format_minor",
    "parse_minor",
    "preview",
    "to_minor",
]


class Purpose(StrEnum):
    """What an amount is for; decides which limits apply (see :func:`check_amount`)."""

    PAYMENT = "payment"  # a charge: PaymentIntent amount, Checkout price_data — minimum and maximum apply
    CAPTURE = "capture"  # amount_to_capture of an authorized PaymentIntent
    REFUND = "refund"  # a (partial) refund: no minimum, at least 1
    PRICE = "price"  # a Price's unit_amount: 0 is a free price; below the charge minimum only warns
    INVOICE_ITEM = "invoice_item"  # negative is a credit, 0 allowed
    PAYOUT = "payout"  # HUF/TWD payouts must be whole units
    DISCOUNT = "discount"  # a coupon's amount_off, a promotion code's minimum: at least 1, no minimum charge


@dataclass(frozen=True)
class Currency:
    """One Stripe currency and the rules for its amounts (all in minor units)."""

    code: str  # lowercase ISO 4217, as the API wants it
    decimals: int  # digits of the API integer after the decimal point: 0, 2 or 3
    display_decimals: int  # digits a person types and sees: 0 for ISK/UGX although the API uses 2
    step: int  # every amount must be a multiple of this: 10 for three-decimal, 100 for ISK/UGX, else 1
    minimum: int | None  # minimum charge in minor units when this is the settlement currency, else None
    max_amount: int  # the largest amount for any payment method
    card_max_amount: int | None = None  # a larger limit that only card payments allow
    payout_step: int = 1  # payout amounts must be a multiple of this (100 for HUF/TWD)
    notes: tuple[str, ...] = ()

    @property
    def upper(self) -> str:
        return self.code.upper()

    @property
    def name(self) -> str:
        """English name from CLDR, e.g. "Japanese Yen"."""
        return str(get_currency_name(self.upper, locale="en_US"))

    @property
    def is_zero_decimal(self) -> bool:
        return self.decimals == 0

    @property
    def unit(self) -> int:
        """Minor units in one major unit (100 for usd and isk, 1 for jpy, 1000 for kwd)."""
        return int(10**self.decimals)


def _build(code: str) -> Currency:
    if code in data.WHOLE_UNITS_SENT_AS_CENTS:
        decimals, display, step = 2, 0, 100
    elif code in data.ZERO_DECIMAL:
        decimals, display, step = 0, 0, 1
    elif code in data.THREE_DECIMAL:
        decimals, display, step = 3, 3, 10
    else:
        decimals, display, step = 2, 2, 1
    return Currency(
        code=code,
        decimals=decimals,
        display_decimals=display,
        step=step,
        minimum=data.MINIMUM_CHARGE.get(code),
        max_amount=data.MAX_AMOUNT.get(code, data.DEFAULT_MAX_AMOUNT),
        card_max_amount=data.CARD_MAX_AMOUNT.get(code),
        payout_step=100 if code in data.PAYOUT_WHOLE_UNITS else 1,
        notes=data.NOTES.get(code, ()),
    )


#: Every currency Stripe accepts, by lowercase code.
CURRENCIES: dict[str, Currency] = {code: _build(code) for code in data.PRESENTMENT_CURRENCIES}


class AmountError(ValueError):
    """Bad amount or currency input; ``finding`` says what is wrong and how to fix it."""

    def __init__(self, finding: Finding) -> None:
        super().__init__(finding.message)
        self.finding = finding


class CurrencyError(AmountError):
    """An unknown or malformed currency code."""


def _purpose(purpose: Purpose | str | None) -> Purpose:
    if not purpose:  # "not specified" (e.g. an input without a declared purpose) is a charge
        return Purpose.PAYMENT
    try:
        return Purpose(purpose)
    except ValueError:
        valid = ", ".join(p.value for p in Purpose)
        raise ValueError(f"Unknown amount purpose {purpose!r}; use one of: {valid}.") from None


def _f(
    code: str,
    severity: Severity,
    message: str,
    fix: str,
    *,
    doc_url: str | None = _docs.STRIPE_CURRENCIES,
    field: str | None = "amount",
    pitfall: str | None = None,
) -> Finding:
    return Finding(code, severity, message, fix, doc_url=doc_url, field=field, pitfall=pitfall)


def _short(text: str, limit: int = 40) -> str:
    """User text quoted back in a message: key-shaped parts masked first (a key pasted into an amount field
    must not come back whole), then cut to ``limit``."""
    text = redact(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def check_currency(code: object) -> list[Finding]:
    """Problems with a currency code as typed: unknown, not lower case, surrounded by spaces."""
    if not isinstance(code, str) or not code.strip():
        return [
            _f(
                "currency.missing",
                Severity.ERROR,
                "No currency given.",
                "Enter a three-letter ISO code in lower case, e.g. usd, eur, jpy.",
                field="currency",
            )
        ]
    findings: list[Finding] = []
    stripped = code.strip()
    lower = stripped.lower()
    if lower not in CURRENCIES:
        hint = ""
        if len(lower) != 3 or not lower.isascii() or not lower.isalpha():
            hint = " Currency codes are three letters (ISO 4217)."
        findings.append(
            _f(
                "currency.unknown",
                Severity.ERROR,
                f"'{_short(stripped)}' is not a currency Stripe accepts.{hint}",
                "Use a lowercase ISO 4217 code Stripe supports, e.g. usd, eur, gbp, jpy.",
                field="currency",
            )
        )
        return findings
    if stripped != code:
        findings.append(
            _f(
                "currency.whitespace",
                Severity.WARNING,
                f"The currency '{_short(code)}' has spaces around it.",
                f"Send '{lower}' exactly.",
                field="currency",
            )
        )
    if stripped != lower:
        findings.append(
            _f(
                "currency.uppercase",
                Severity.WARNING,
                f"Stripe expects lowercase currency codes: '{lower}', not '{stripped}'.",
                f"Send '{lower}'.",
                field="currency",
            )
        )
    return findings


def currency(code: str) -> Currency:
    """The :class:`Currency` for ``code`` (case-insensitive); :class:`CurrencyError` when Stripe has none."""
    return _lookup(code)


def _lookup(code: str) -> Currency:
    # The public functions take a parameter named ``currency`` (the code), which hides :func:`currency`.
    if isinstance(code, Currency):
        return code
    if isinstance(code, str):
        found = CURRENCIES.get(code.strip().lower())
        if found is not None:
            return found
    errors = [f for f in check_currency(code) if f.severity is Severity.ERROR]
    raise CurrencyError(errors[0])


# ----------------------------------------------------------------------------------------------------------
# Formatting


@functools.lru_cache(maxsize=64)
def _locale(name: str) -> Locale:
    try:
        return Locale.parse(name)
    except (ValueError, UnknownLocaleError) as exc:
        raise ValueError(f"Unknown locale {name!r}; use a name like 'en_US' or 'de_DE'.") from exc


@functools.lru_cache(maxsize=256)
def _pattern(locale: str, digits: int) -> NumberPattern:
    pattern: NumberPattern = copy.copy(_locale(locale).currency_formats["standard"])
    pattern.frac_prec = (digits, digits)
    return pattern


def format_minor(amount: int, currency: str, locale: str = "en_US") -> str:
    """Show a minor-unit amount as money: 1000 usd → "$10.00", 1000 jpy → "¥1,000", 1000 kwd → "KWD 1.000".

    Uses Stripe's decimals, not CLDR's. An amount that breaks the currency's step (an ISK amount not ending
    in 00) is shown with all API decimals, so the display never hides the problem by rounding. A currency
    shown by its code gets a space before the number ("KWD 1.000", not Babel's "KWD1.000"), the one way the
    app, the notebook and the sandbox's texts write it.
    """
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise TypeError(f"amount must be an int in minor units, got {type(amount).__name__}")
    cur = _lookup(currency)
    digits = cur.display_decimals if amount % cur.step == 0 else cur.decimals
    value = Decimal(amount).scaleb(-cur.decimals)
    shown = str(
        _pattern(locale, digits).apply(value, _locale(locale), currency=cur.upper, currency_digits=False)
    )
    return _CODE_BEFORE_DIGITS.sub(r"\1\2 ", shown)


_CODE_BEFORE_DIGITS = re.compile(r"^(-?)([A-Z]{3})(?=\d)")


def _money(amount: int, cur: Currency) -> str:
    return format_minor(amount, cur.code)


# ----------------------------------------------------------------------------------------------------------
# Parsing what a person types as a display amount


# Symbols people type that Babel's en_US data does not use for the currency (it writes "DKK", "CHF", …).
_EXTRA_SYMBOLS: dict[str, tuple[str, ...]] = {
    "aed": ("د.إ", "dh", "dhs"),
    "aud": ("au$",),
    "bgn": ("лв", "лв."),
    "brl": ("r$",),
    "cad": ("c$", "can$"),
    "chf": ("fr", "fr.", "sfr"),
    "cny": ("¥", "元", "rmb"),
    "czk": ("kč",),
    "dkk": ("kr", "kr."),
    "eur": ("eur€",),
    "gbp": ("gbp£",),
    "hkd": ("hk$",),
    "huf": ("ft",),
    "idr": ("rp",),
    "inr": ("rs", "rs."),
    "isk": ("kr", "kr."),
    "jpy": ("円", "￥"),
    "krw": ("원",),
    "mxn": ("mex$",),
    "myr": ("rm",),
    "nok": ("kr", "kr."),
    "nzd": ("nz$",),
    "pln": ("zł",),
    "ron": ("lei",),
    "rub": ("₽", "руб", "руб."),
    "sek": ("kr", "kr."),
    "sgd": ("s$",),
    "thb": ("฿",),
    "try": ("₺", "tl"),
    "uah": ("₴",),
    "usd": ("us$",),
    "zar": ("r",),
    "ngn": ("₦",),
}


@functools.lru_cache(maxsize=512)
def _markers(code: str, locale: str) -> frozenset[str]:
    """Every way of writing ``code``'s currency that we accept next to a number (case-folded)."""
    upper = code.upper()
    out = {code, upper.casefold()}
    for loc in ("en_US", locale):
        symbol = get_currency_symbol(upper, locale=_locale(loc))
        out.add(_norm_marker(symbol))
        # "CA$", "NT$", "CN¥": the bare sign is fine too.
        bare = "".join(ch for ch in symbol if not ch.isalpha() and not ch.isspace())
        if bare and bare != symbol:
            out.add(_norm_marker(bare))
    out.update(_EXTRA_SYMBOLS.get(code, ()))
    return frozenset(m for m in out if m)


@functools.lru_cache(maxsize=1)
def _symbol_owners() -> dict[str, frozenset[str]]:
    """Which currencies a symbol can mean in en_US, to name the right one when the wrong one is typed."""
    owners: dict[str, set[str]] = {}
    for code in CURRENCIES:
        for marker in _markers(code, "en_US"):
            owners.setdefault(marker, set()).add(code)
    return {m: frozenset(c) for m, c in owners.items()}


def _norm_marker(text: str) -> str:
    return re.sub(r"\s+", "", text).casefold()


_SPACES = "\u00a0\u202f\u2009\u2007\u3000"
_BIDI = "\u200e\u200f\u061c\u200b\ufeff"
_MINUS = "-−–"  # hyphen-minus, minus sign, en dash
_MAX_INPUT = 100
_MAX_DIGITS = 30


def _amount_error(code: str, message: str, fix: str, *, pitfall: str | None = None) -> AmountError:
    return AmountError(_f(code, Severity.ERROR, message, fix, pitfall=pitfall))


def to_minor(text: str, currency: str, locale: str = "en_US") -> int:
    """Parse a *display* amount as a person types it ("10", "10.50", "$10.50", "1,000", "¥1,000", "-5")
    into Stripe's minor units for ``currency`` (10.50 usd → 1050, 1,000 jpy → 1000, 5 isk → 500).

    Raises :class:`AmountError` (never anything else) with a specific finding: empty, not a number, the
    wrong currency's symbol, too many decimals for the currency, ambiguous separators.
    """
    cur = _lookup(currency)
    if not isinstance(text, str):
        raise _amount_error(
            "amount.invalid",
            f"Expected the amount as text, got {type(text).__name__}.",
            "Pass the amount as typed, e.g. '10.50'.",
        )
    decimal_sym, group_sym = _separators(locale)
    s = text
    for ch in _SPACES:
        s = s.replace(ch, " ")
    for ch in _BIDI:
        s = s.replace(ch, "")
    s = s.strip()
    if not s:
        raise _amount_error("amount.empty", "No amount entered.", f"Type an amount, e.g. {_example(cur)}.")
    if len(s) > _MAX_INPUT:
        raise _amount_error(
            "amount.invalid",
            f"The amount is {len(s)} characters long; that is not an amount.",
            f"Type an amount, e.g. {_example(cur)}.",
        )
    digits_at = [i for i, ch in enumerate(s) if ch.isdigit()]
    if not digits_at or not all(s[i].isascii() for i in digits_at):
        raise _amount_error(
            "amount.invalid",
            f"'{_short(s)}' is not an amount: it has no digits 0-9.",
            f"Type an amount with digits, e.g. {_example(cur)}.",
        )
    start, end = digits_at[0], digits_at[-1] + 1
    if start > 0 and s[start - 1] in (decimal_sym, "."):
        start -= 1  # ".50"
    if end < len(s) and s[end] == decimal_sym:
        end += 1  # "10." while typing
    number, prefix, suffix = s[start:end], s[:start].strip(), s[end:].strip()

    negative = False
    for side in ("prefix", "suffix"):
        part = prefix if side == "prefix" else suffix
        if part and part[0] in _MINUS + "+":
            negative = negative or part[0] in _MINUS
            part = part[1:].strip()
        if part and part[-1] in _MINUS + "+" and side == "prefix":
            negative = negative or part[-1] in _MINUS
            part = part[:-1].strip()
        if side == "prefix":
            prefix = part
        else:
            suffix = part
    for marker in (prefix, suffix):
        if marker:
            _check_marker(marker, cur, locale)

    minor = _parse_number(number, cur, decimal_sym, group_sym, s)
    return -minor if negative else minor


def _separators(locale: str) -> tuple[str, str]:
    loc = _locale(locale)
    decimal_sym = get_decimal_symbol(loc)
    group_sym = get_group_symbol(loc)
    if group_sym in _SPACES:
        group_sym = " "
    return decimal_sym, group_sym


def _example(cur: Currency) -> str:
    return {0: "1000", 2: "10.50", 3: "1.250"}[cur.display_decimals]


def _check_marker(marker: str, cur: Currency, locale: str) -> None:
    norm = _norm_marker(marker)
    if norm in _markers(cur.code, locale):
        return
    owners = _symbol_owners().get(norm)
    if owners:
        # The currency whose own symbol it is first ("$" → USD), then those that merely contain it.
        exact = sorted(
            c for c in owners if _norm_marker(get_currency_symbol(c.upper(), locale="en_US")) == norm
        )
        rest = sorted(c for c in owners if c not in exact)
        names = ", ".join(c.upper() for c in (exact + rest)[:4])
        raise _amount_error(
            "amount.wrong_currency_symbol",
            f"'{_short(marker)}' is the symbol of {names}, but the currency here is {cur.upper}.",
            f"Type the amount without a symbol (e.g. {_example(cur)}), or change the currency.",
        )
    raise _amount_error(
        "amount.invalid",
        f"'{_short(marker)}' is not part of an amount in {cur.upper}.",
        f"Type only the number, e.g. {_example(cur)}.",
    )


def _parse_number(number: str, cur: Currency, decimal_sym: str, group_sym: str, shown: str) -> int:
    groups = {group_sym, " ", "'", "’"} - {decimal_sym}
    allowed = set("0123456789") | groups | {decimal_sym}
    bad = sorted({ch for ch in number if ch not in allowed})
    if bad:
        raise _amount_error(
            "amount.invalid",
            f"'{_short(shown)}' is not an amount: it contains {', '.join(repr(c) for c in bad[:3])}.",
            f"Type digits with at most one decimal separator '{decimal_sym}', e.g. {_example(cur)}.",
        )
    if number.count(decimal_sym) > 1:
        raise _amount_error(
            "amount.invalid",
            f"'{_short(shown)}' has more than one decimal separator '{decimal_sym}'.",
            f"Use '{decimal_sym}' once, before the decimals, e.g. {_example(cur)}.",
        )
    int_part, _, frac = number.partition(decimal_sym)
    group_re = "[" + re.escape("".join(groups)) + "]"
    if re.search(group_re, frac):
        raise _amount_error(
            "amount.invalid",
            f"'{_short(shown)}' has a thousands separator after the decimal separator '{decimal_sym}'.",
            f"Write the decimals as plain digits, e.g. {_example(cur)}.",
        )
    if re.search(group_re, int_part):
        parts = re.split(group_re, int_part)
        # Groups of 3 (en_US) or, for Indian-style grouping, 2 before the last group of 3.
        valid = (
            1 <= len(parts[0]) <= 3
            and all(len(p) in (2, 3) for p in parts[1:-1])
            and len(parts[-1]) == 3
            and all(p.isdigit() for p in parts)
        )
        if not valid:
            if not frac and len(parts) == 2 and len(parts[-1]) in (1, 2) and group_sym == ",":
                guess = f"{parts[0]}{decimal_sym}{parts[1]}"
                raise _amount_error(
                    "amount.ambiguous_separator",
                    f"In '{_short(shown)}' the '{group_sym}' separates thousands, so it cannot be read as "
                    "decimals here.",
                    f"For decimals use '{decimal_sym}': {guess}.",
                )
            raise _amount_error(
                "amount.invalid",
                f"'{_short(shown)}' has thousands separators in the wrong places.",
                f"Type the amount without separators, e.g. {_example(cur)}.",
            )
        int_part = "".join(parts)
    if not int_part:
        int_part = "0"
    if len(int_part) > _MAX_DIGITS:
        raise _amount_error(
            "amount.too_large",
            f"'{_short(shown)}' has {len(int_part)} digits; Stripe amounts have at most 12.",
            "Check the amount.",
        )
    significant = frac.rstrip("0")
    if len(significant) > cur.display_decimals:
        if cur.display_decimals == 0:
            what = (
                f"{cur.upper} has no decimals: its smallest amount is {format_minor(cur.step, cur.code)}"
                if cur.step == 1
                else f"{cur.upper} amounts are whole units (no decimals) in Stripe"
            )
        else:
            what = f"{cur.upper} has {cur.display_decimals} decimals"
        raise _amount_error(
            "amount.too_many_decimals",
            f"'{_short(shown)}' has {len(significant)} decimal(s), but {what}.",
            f"Round to {cur.display_decimals} decimal(s), e.g. {_example(cur)}.",
            pitfall="three_decimal_rounding" if cur.decimals == 3 else None,
        )
    value = Decimal(f"{int_part}.{frac or '0'}")
    return int(value.scaleb(cur.decimals))


# ----------------------------------------------------------------------------------------------------------
# Checking minor-unit amounts


_INT_RE = re.compile(r"^[+-]?[0-9]+$")


def _coerce(amount: object, cur: Currency) -> tuple[int | None, list[Finding]]:
    """An int from what was entered in a minor-unit field, or the finding that says why not."""
    if isinstance(amount, bool):
        return None, [
            _f("amount.invalid", Severity.ERROR, "The amount is a true/false value.", "Enter a whole number.")
        ]
    if isinstance(amount, int):
        return amount, []
    if isinstance(amount, float | Decimal):
        text = format(amount, "f") if isinstance(amount, Decimal) else repr(amount)
    elif isinstance(amount, str):
        text = amount.strip()
    else:
        return None, [
            _f(
                "amount.invalid",
                Severity.ERROR,
                f"The amount is a {type(amount).__name__}, not a whole number.",
                "Enter the amount in the smallest unit as digits only.",
            )
        ]
    if _INT_RE.match(text):
        return int(text), []
    if isinstance(amount, float) and amount.is_integer() and abs(amount) < 1e15:
        # 25.00 in code is money written as money more often than a count of cents with ".0" on it: say both.
        whole = int(amount)
        as_money = whole * cur.unit
        meant = (
            f"If you meant {_money(as_money, cur)}, send {as_money}; if you meant {_money(whole, cur)}, "
            f"send {whole}."
            if as_money != whole
            else f"Send {whole} ({_money(whole, cur)})."
        )
        return None, [
            _f(
                "amount.not_integer",
                Severity.ERROR,
                f"{text} is a decimal number; Stripe answers 400 'Invalid integer: {text}'. Stripe amounts "
                "are whole numbers in the smallest unit.",
                meant,
                pitfall="amounts_in_cents",
            )
        ]
    if not text:
        return None, []
    # Only separators inside digits ("1,000", "1 000"): they meant the digits.
    digits_only = re.sub(r"(?<=\d)[,' ](?=\d)", "", text)
    if _INT_RE.match(digits_only):
        whole = int(digits_only)
        return None, [
            _f(
                "amount.not_integer",
                Severity.ERROR,
                f"'{_short(text)}' contains separators; Stripe amounts are plain digits in the smallest "
                "unit.",
                f"Did you mean {whole} ({_money(whole, cur)})?",
                pitfall="amounts_in_cents",
            )
        ]
    try:
        suggestion = to_minor(text, cur.code)
    except AmountError:
        suggestion = None
    if suggestion is not None:
        return None, [
            _f(
                "amount.not_integer",
                Severity.ERROR,
                f"'{_short(text)}' is written as money, but Stripe amounts are whole numbers in the "
                f"smallest unit of the currency ({_unit_phrase(cur)}).",
                f"Did you mean {suggestion} ({_money(suggestion, cur)})?",
                pitfall="amounts_in_cents",
            )
        ]
    if _SCIENTIFIC_RE.match(text):
        # "1e9" is a number, just not one Stripe reads: "is not a number" sent people looking for a typo.
        value = Decimal(text)
        whole = value == value.to_integral_value() and abs(value) < Decimal(10) ** 15
        return None, [
            _f(
                "amount.invalid",
                Severity.ERROR,
                f"'{_short(text)}' is written in scientific notation; Stripe amounts are digits only, in the "
                "smallest unit.",
                f"Write it out in digits: {int(value)} ({_money(int(value), cur)})."
                if whole
                else f"Enter the amount in the smallest unit as digits only, e.g. {_example_minor(cur)}.",
            )
        ]
    return None, [
        _f(
            "amount.invalid",
            Severity.ERROR,
            f"'{_short(text)}' is not a number.",
            f"Enter the amount in the smallest unit as digits only, e.g. {_example_minor(cur)}.",
        )
    ]


_SCIENTIFIC_RE = re.compile(r"^[+-]?\d+(?:\.\d+)?[eE][+-]?\d+$")


# Said when no currency is known yet (a refund or capture amount, or before the currency is picked): the same
# digits mean different money per currency, so the hint shows one of each kind of currency.
_UNIT_EXAMPLES = "for USD 10.00 is 1000, for JPY ¥1,000 is 1000, for KWD 10.000 is 10000"


def parse_minor(amount: object, currency: str | None = None) -> tuple[int | None, list[Finding]]:
    """What was typed into a minor-unit field, as the integer Stripe expects, or the findings saying why not.

    The one parser of amounts as entered: the runner's inputs, the notebook and the pages all come here.
    With a known ``currency`` the messages suggest the exact amount in that currency ("10.00" in JPY is not
    1000); without one they show how the unit differs between zero-, two- and three-decimal currencies.
    """
    if isinstance(amount, int) and not isinstance(amount, bool):
        return amount, []
    text = amount.strip() if isinstance(amount, str) else amount
    if isinstance(text, str) and _INT_RE.match(text):
        return int(text), []
    code = currency.strip().lower() if isinstance(currency, str) else ""
    if code and not any(f.is_error for f in check_currency(code)):
        return _coerce(amount, _lookup(code))
    shown = _short(str(amount).strip())
    if _SCIENTIFIC_RE.match(shown):
        return None, [
            _f(
                "amount.invalid",
                Severity.ERROR,
                f"'{shown}' is written in scientific notation; Stripe amounts are digits only, in the "
                "smallest unit.",
                f"Write it out in digits, in the smallest currency unit: {_UNIT_EXAMPLES}.",
            )
        ]
    try:
        Decimal(shown.lstrip("$€£¥").replace(",", ""))
    except InvalidOperation:
        return None, [
            _f(
                "amount.invalid",
                Severity.ERROR,
                f"'{shown}' is not a number.",
                f"Enter digits only, in the smallest currency unit: {_UNIT_EXAMPLES}.",
            )
        ]
    return None, [
        _f(
            "amount.not_integer",
            Severity.ERROR,
            f"'{shown}' is not a whole number, but Stripe amounts are whole numbers in the currency's "
            "smallest unit.",
            f"Enter the amount in the smallest unit: {_UNIT_EXAMPLES} (pick the currency to see yours).",
            doc_url=_docs.STRIPE_ZERO_DECIMAL,
            pitfall="amounts_in_cents",
        )
    ]


def _unit_phrase(cur: Currency) -> str:
    return f"{cur.unit} = {_money(cur.unit, cur)}"


def _example_minor(cur: Currency) -> str:
    amount = 10 * cur.unit
    return f"{amount} for {_money(amount, cur)}"


def check_amount(
    amount: int | str | float | Decimal,
    currency: str,
    *,
    purpose: Purpose | str | None = Purpose.PAYMENT,
) -> list[Finding]:
    """Everything wrong with ``amount`` (MINOR units, as Stripe expects) for ``purpose`` in ``currency``.

    Rules, by purpose:

    * payment: at least 1; below the currency's minimum charge is an ERROR (Stripe's ``amount_too_small``);
      above the maximum an ERROR (``amount_too_large``).
    * capture: at least 1; below the minimum only a WARNING (the authorization already met it).
    * refund: at least 1 (leave it empty for a full refund); no minimum.
    * price: 0 is a free price (INFO); negative is an ERROR; above 0 but below the minimum a WARNING, since a
      one-unit Checkout or invoice for it would be refused.
    * invoice_item: negative is a credit (INFO), 0 allowed.
    * payout: at least 1; HUF/TWD amounts must be whole units (divisible by 100).
    * discount (a coupon's ``amount_off``, a promotion code's minimum): at least 1; no minimum charge.

    Always: the currency must be known (and lower case), the amount an integer, a multiple of the currency's
    step (three-decimal currencies end in 0; ISK/UGX end in 00), and within the maximum.

    "Looks like major units" heuristic: in a currency with decimals, a positive amount below one major unit
    (< 100 for usd, < 1000 for kwd) or below the minimum charge is probably a price typed in dollars rather
    than cents; it gets a WARNING suggesting the amount × 100 (× 1000).
    """
    purpose = _purpose(purpose)
    findings = [f for f in check_currency(currency)]
    if any(f.severity is Severity.ERROR for f in findings):
        return findings
    cur = _lookup(currency)
    value, problems = _coerce(amount, cur)
    findings += problems
    if value is None:
        return findings
    findings += _sign_findings(value, cur, purpose)
    if value == 0 or (value < 0 and purpose is not Purpose.INVOICE_ITEM):
        return findings
    findings += _step_findings(value, cur, purpose)
    findings += _range_findings(value, cur, purpose)
    findings += _unit_hints(value, cur, purpose)
    return findings


def _sign_findings(value: int, cur: Currency, purpose: Purpose) -> list[Finding]:
    if value > 0:
        return []
    if purpose is Purpose.INVOICE_ITEM:
        if value == 0:
            return [
                _f(
                    "amount.zero",
                    Severity.INFO,
                    "An invoice item of 0 adds a line without changing the total.",
                    "Enter the amount in the smallest unit if the line should cost something.",
                )
            ]
        return [
            _f(
                "amount.credit",
                Severity.INFO,
                f"A negative invoice item is a credit: {value} = {_money(value, cur)} off the invoice.",
                "Nothing to do if a credit is what you want.",
            )
        ]
    if purpose is Purpose.PRICE and value == 0:
        return [
            _f(
                "amount.zero",
                Severity.INFO,
                "A unit amount of 0 makes a free price (fine for free tiers and trials).",
                "Enter the price in the smallest unit if it should cost something, e.g. "
                f"{_example_minor(cur)}.",
            )
        ]
    if purpose is Purpose.REFUND:
        return [
            _f(
                "amount.not_positive",
                Severity.ERROR,
                f"A refund amount must be at least 1; {value} was given.",
                "Leave the amount empty to refund the whole payment, or enter a positive amount in the "
                "smallest unit for a partial refund.",
            )
        ]
    return [
        _f(
            "amount.not_positive",
            Severity.ERROR,
            f"The amount must be at least 1; {value} was given (Stripe: 'This value must be greater than or "
            "equal to 1.').",
            f"Enter a positive amount in the smallest unit, e.g. {_example_minor(cur)}.",
        )
    ]


def _step_findings(value: int, cur: Currency, purpose: Purpose) -> list[Finding]:
    findings: list[Finding] = []
    if value % cur.step:
        lower = value - value % cur.step
        upper = lower + cur.step
        options = (
            f"{upper} ({_money(upper, cur)})"
            if lower == 0
            else (f"{lower} ({_money(lower, cur)}) or {upper} ({_money(upper, cur)})")
        )
        if cur.decimals == 3:
            findings.append(
                _f(
                    "amount.three_decimal_rounding",
                    Severity.ERROR,
                    f"{value} {cur.code} ({_money(value, cur)}) must end in 0: Stripe accepts {cur.upper} "
                    "amounts rounded to the nearest ten (the last of the three decimals is always 0).",
                    f"Use {options}.",
                    doc_url=_docs.STRIPE_THREE_DECIMAL,
                    pitfall="three_decimal_rounding",
                )
            )
        else:
            scaled = value * cur.step
            meant = f" If you meant {_money(scaled, cur)}, send {scaled}." if scaled <= cur.max_amount else ""
            findings.append(
                _f(
                    "amount.whole_units_as_cents",
                    Severity.ERROR,
                    f"{cur.upper} amounts are sent with two decimals that are always 00 ({cur.step} = "
                    f"{_money(cur.step, cur)}): {value} is {_money(value, cur)}, which cannot be charged.",
                    f"Use {options}.{meant}",
                    doc_url=_docs.STRIPE_SPECIAL_CASES,
                    pitfall="amounts_in_cents",
                )
            )
    if purpose is Purpose.PAYOUT and value % cur.payout_step:
        lower = value - value % cur.payout_step
        findings.append(
            _f(
                "amount.payout_whole_units",
                Severity.ERROR,
                f"{cur.upper} payouts must be whole units (divisible by {cur.payout_step}): {value} is "
                f"{_money(value, cur)}.",
                f"Use {lower} ({_money(lower, cur)}) or {lower + cur.payout_step} "
                f"({_money(lower + cur.payout_step, cur)}).",
                doc_url=_docs.STRIPE_SPECIAL_CASES,
            )
        )
    return findings


def _range_findings(value: int, cur: Currency, purpose: Purpose) -> list[Finding]:
    findings: list[Finding] = []
    size = abs(value)
    if size > cur.max_amount:
        limit = _money(cur.max_amount, cur)
        if cur.card_max_amount is not None and size <= cur.card_max_amount:
            findings.append(
                _f(
                    "amount.card_only_maximum",
                    Severity.WARNING,
                    f"{value} ({_money(value, cur)}) is above {limit}, the limit for most payment methods "
                    f"in {cur.upper}; only card payments allow up to {_money(cur.card_max_amount, cur)}.",
                    "Keep the amount at or below the limit unless the customer pays by card.",
                    doc_url=_docs.STRIPE_MINIMUMS,
                    pitfall="amount_too_large",
                )
            )
        else:
            findings.append(
                _f(
                    "amount.too_large",
                    Severity.ERROR,
                    f"{value} ({_money(value, cur)}) is too large: Stripe answers 'Amount must be no more "
                    f"than {limit}' ({len(str(cur.max_amount))} digits at most in {cur.upper}).",
                    f"Use at most {cur.max_amount}. If you multiplied by 100 twice, divide by 100.",
                    doc_url=_docs.STRIPE_MINIMUMS,
                    pitfall="amount_too_large",
                )
            )
    if cur.minimum is not None and 0 < value < cur.minimum:
        severity = {
            Purpose.PAYMENT: Severity.ERROR,
            Purpose.CAPTURE: Severity.WARNING,
            Purpose.PRICE: Severity.WARNING,
        }.get(purpose)
        if severity is not None:
            minimum = _money(cur.minimum, cur)
            message = (
                f"{value} is {_money(value, cur)}, below Stripe's minimum charge of {minimum} "
                f"({cur.minimum} in the smallest unit): Stripe answers 'Amount must be at least {minimum} "
                f"{cur.code}'."
            )
            if purpose is Purpose.PRICE:
                message = (
                    f"{value} is {_money(value, cur)}, below Stripe's minimum charge of {minimum} "
                    f"({cur.minimum} in the smallest unit): a Checkout or invoice for one unit of this price "
                    "would be refused."
                )
            findings.append(
                _f(
                    "amount.too_small",
                    severity,
                    message,
                    f"Charge at least {cur.minimum} ({minimum}). The minimum applies in your account's "
                    "settlement currency after conversion.",
                    doc_url=_docs.STRIPE_MINIMUMS,
                    pitfall="amount_too_small",
                )
            )
    return findings


def _unit_hints(value: int, cur: Currency, purpose: Purpose) -> list[Finding]:
    if value <= 0 or purpose is Purpose.PAYOUT:
        return []
    if cur.display_decimals > 0:
        below_one = value < cur.unit
        below_min = cur.minimum is not None and value < cur.minimum
        if below_one or below_min:
            meant = value * cur.unit
            if meant > cur.max_amount:
                return []
            severity = (
                Severity.INFO if purpose in (Purpose.REFUND, Purpose.INVOICE_ITEM) else Severity.WARNING
            )
            return [
                _f(
                    "amount.looks_like_major_units",
                    severity,
                    f"{value} is {_money(value, cur)}: Stripe amounts are in the smallest unit "
                    f"({_unit_phrase(cur)}).",
                    f"Did you mean {meant} ({_money(meant, cur)})?",
                    doc_url=_docs.WEWEB_SETUP,
                    pitfall="amounts_in_cents",
                )
            ]
        return []
    if cur.decimals == 0 and value >= 10_000 and value % 100 == 0:
        meant = value // 100
        return [
            _f(
                "amount.zero_decimal_multiplied",
                Severity.INFO,
                f"{cur.upper} has no minor unit: {value} is {_money(value, cur)}.",
                f"If you multiplied by 100 out of habit, send {meant} ({_money(meant, cur)}) instead.",
                doc_url=_docs.STRIPE_ZERO_DECIMAL,
                pitfall="zero_decimal_multiplied",
            )
        ]
    return []


# ----------------------------------------------------------------------------------------------------------
# Live preview under an amount field


@dataclass(frozen=True)
class AmountPreview:
    """What the UI shows under a minor-unit amount field while the person types."""

    text: str
    currency: str
    minor: int | None
    display: str | None
    findings: tuple[Finding, ...]

    @property
    def ok(self) -> bool:
        return self.minor is not None and not any(f.severity is Severity.ERROR for f in self.findings)

    @property
    def line(self) -> str:
        """E.g. "1000 usd → $10.00"; the first error's message when there is no display."""
        if self.minor is not None and self.display is not None:
            return f"{self.minor} {self.currency} → {self.display}"
        errors = [f for f in self.findings if f.severity is Severity.ERROR]
        return errors[0].message if errors else ""


def preview(
    text: str | int, currency: str, *, purpose: Purpose | str | None = Purpose.PAYMENT
) -> AmountPreview:
    """Parse a minor-unit field, show it as money and list its findings: "1000 usd → $10.00"."""
    purpose = _purpose(purpose)
    raw = str(text).strip() if not isinstance(text, str) else text.strip()
    code = currency.strip().lower() if isinstance(currency, str) else ""
    if not raw:
        findings: list[Finding] = []
        if purpose is Purpose.REFUND:
            findings.append(
                _f(
                    "amount.full_refund",
                    Severity.INFO,
                    "No amount: the whole payment (whatever has not been refunded yet) is refunded.",
                    "Enter an amount in the smallest unit for a partial refund.",
                )
            )
        return AmountPreview(raw, code, None, None, tuple(findings + check_currency(currency)))
    findings = check_amount(raw, currency, purpose=purpose)
    minor = int(raw) if _INT_RE.match(raw) else None
    display = None
    if minor is not None and code in CURRENCIES:
        display = format_minor(minor, code)
    else:
        minor = None
    return AmountPreview(raw, code, minor, display, tuple(findings))


# --- percentages ------------------------------------------------------------------------------------------

_EXAMPLE_BASE = 10_000  # the previews show what a percentage does to $100.00


@dataclass(frozen=True)
class PercentPreview:
    """What the UI shows under a percentage field: its effect on $100.00, and what is wrong with it."""

    text: str
    value: Decimal | None
    line: str | None
    findings: tuple[Finding, ...]


def _half_up(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def percent_preview(text: str, purpose: str) -> PercentPreview:
    """A coupon's ``percent_off`` (purpose "discount": above 0, at most 100) or a tax rate's ``percentage``
    ("tax": 0 to 100), parsed, with its effect on $100.00 written out; for a tax rate, the exclusive and the
    inclusive reading side by side (amounts rounded half up to the cent, as the sandbox computes them)."""
    raw = text.strip()
    if not raw:
        return PercentPreview(raw, None, None, ())
    try:
        value = Decimal(raw)
    except InvalidOperation:
        value = Decimal("NaN")
    finite = value.is_finite()
    if not finite or not (value >= 0 if purpose == "tax" else value > 0) or value > 100:
        bound = "0 to 100" if purpose == "tax" else "above 0 and at most 100"
        problem = _f(
            "percent.out_of_range",
            Severity.ERROR,
            f"{raw!r} is not a percentage Stripe accepts: a number {bound}, e.g. 15 for 15 %.",
            "Enter the percentage as a number: 15 means 15 %, 8.25 means 8.25 %.",
        )
        return PercentPreview(raw, None, None, (problem,))
    findings: list[Finding] = []
    if 0 < value < 1:
        meant = format((value * 100).normalize(), "f")
        findings.append(
            _f(
                "percent.looks_like_fraction",
                Severity.WARNING,
                f"{raw} means {raw} %, not {meant} %: Stripe takes a percentage as a number of percent.",
                f"Did you mean {meant}?",
            )
        )
    base = format_minor(_EXAMPLE_BASE, "usd")
    part = _half_up(Decimal(_EXAMPLE_BASE) * value / 100)
    if purpose == "tax":
        included = _half_up(Decimal(_EXAMPLE_BASE) * value / (100 + value))
        line = (
            f"On a {base} price: exclusive adds {format_minor(part, 'usd')} (the customer pays "
            f"{format_minor(_EXAMPLE_BASE + part, 'usd')}); inclusive means {base} contains "
            f"{format_minor(included, 'usd')} of tax ({format_minor(_EXAMPLE_BASE - included, 'usd')} net)."
        )
    else:
        line = (
            f"{format(value.normalize(), 'f')} % off {base} takes {format_minor(part, 'usd')} off "
            f"(the customer pays {format_minor(_EXAMPLE_BASE - part, 'usd')})."
        )
    return PercentPreview(raw, value, line, tuple(findings))
