"""core.money: Stripe's currency rules, display ⇄ minor units for every currency, and the amount findings."""

from __future__ import annotations

from decimal import Decimal

import pytest
from babel.numbers import format_currency as babel_format_currency
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import money
from core.findings import Finding, Severity
from core.money import (
    CURRENCIES,
    AmountError,
    Currency,
    CurrencyError,
    Purpose,
    check_amount,
    check_currency,
    currency,
    format_minor,
    preview,
    to_minor,
)


def babel_default(code: str) -> str:
    return str(babel_format_currency(1000, code.upper(), locale="en_US"))


def codes(findings: list[Finding] | tuple[Finding, ...]) -> list[str]:
    return [f.code for f in findings]


def only(findings: list[Finding] | tuple[Finding, ...], code: str) -> Finding:
    matching = [f for f in findings if f.code == code]
    assert len(matching) == 1, codes(findings)
    return matching[0]


class TestCurrencyTable:
    def test_zero_decimal_list(self) -> None:
        for code in [
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
            "vnd",
            "vuv",
            "xaf",
            "xof",
            "xpf",
        ]:
            cur = currency(code)
            assert cur.decimals == 0, code
            assert cur.step == 1

    def test_three_decimal_list(self) -> None:
        for code in ["bhd", "jod", "kwd", "omr", "tnd"]:
            cur = currency(code)
            assert (cur.decimals, cur.display_decimals, cur.step) == (3, 3, 10)

    @pytest.mark.parametrize("code", ["isk", "ugx"])
    def test_whole_units_sent_as_cents(self, code: str) -> None:
        cur = currency(code)
        assert (cur.decimals, cur.display_decimals, cur.step) == (2, 0, 100)

    def test_huf_twd_payouts(self) -> None:
        assert currency("huf").payout_step == 100
        assert currency("twd").payout_step == 100
        assert currency("huf").decimals == 2
        assert currency("usd").payout_step == 1

    def test_minimums(self) -> None:
        expected = {"usd": 50, "gbp": 30, "huf": 17500, "mxn": 1000, "jpy": 50, "thb": 1000, "czk": 1500}
        for code, minimum in expected.items():
            assert currency(code).minimum == minimum
        assert currency("krw").minimum is None

    def test_maximums(self) -> None:
        assert currency("usd").max_amount == 99_999_999
        assert currency("idr").max_amount == 999_999_999_999
        assert currency("inr").max_amount == 999_999_999
        assert currency("jpy").card_max_amount == 9_999_999_999
        assert currency("lbp").card_max_amount == 99_999_999_999

    def test_many_currencies(self) -> None:
        assert len(CURRENCIES) >= 135
        assert all(code == code.lower() and len(code) == 3 for code in CURRENCIES)

    def test_lookup_is_case_insensitive_and_unknown_is_clear(self) -> None:
        assert currency("USD") is currency("usd")
        assert currency(" eur ") is currency("eur")
        assert currency("jpy").name == "Japanese Yen"
        with pytest.raises(CurrencyError, match="'xyz' is not a currency Stripe accepts") as info:
            currency("xyz")
        assert info.value.finding.code == "currency.unknown"
        assert isinstance(info.value, ValueError)
        with pytest.raises(CurrencyError, match="three letters"):
            currency("dollars")

    def test_check_currency(self) -> None:
        assert check_currency("usd") == []
        f = only(check_currency("USD"), "currency.uppercase")
        assert f.severity is Severity.WARNING
        assert f.message == "Stripe expects lowercase currency codes: 'usd', not 'USD'."
        assert codes(check_currency("")) == ["currency.missing"]
        assert codes(check_currency(" usd")) == ["currency.whitespace"]


class TestFormat:
    @pytest.mark.parametrize(
        ("amount", "code", "expected"),
        [
            (1000, "usd", "$10.00"),
            (1000, "jpy", "¥1,000"),
            (1000, "kwd", "KWD 1.000"),
            (1005, "kwd", "KWD 1.005"),
            (-1050, "usd", "-$10.50"),
            (0, "usd", "$0.00"),
            (500, "isk", "ISK 5"),
            (550, "isk", "ISK 5.50"),  # a broken ISK amount is not rounded away
            (1000, "huf", "HUF 10.00"),
            (123456789, "idr", "IDR 1,234,567.89"),
            (99_999_999, "usd", "$999,999.99"),
            (1000, "eur", "€10.00"),
            (1000, "ugx", "UGX 10"),
        ],
    )
    def test_en_us(self, amount: int, code: str, expected: str) -> None:
        assert format_minor(amount, code) == expected

    def test_stripe_decimals_win_over_cldr(self) -> None:
        # CLDR (Babel's default) writes these with 0 decimals; Stripe's API counts two.
        for code in ("lbp", "rsd", "afn", "std", "sll", "yer"):
            assert babel_default(code) == f"{code.upper()}1,000"
            assert format_minor(1000, code) == f"{code.upper()} 10.00"
            assert to_minor(f"{code.upper()}10.00", code) == 1000
        # ISK/UGX: CLDR 0 decimals, Stripe's integer still ×100.
        assert format_minor(100000, "isk") == "ISK 1,000"
        assert to_minor("ISK1,000", "isk") == 100000
        # HUF/TWD charges keep two decimals.
        assert format_minor(1050, "twd") == "NT$10.50"

    def test_other_locales(self) -> None:
        assert format_minor(123456, "eur", "de_DE") == "1.234,56\xa0€"
        assert format_minor(1000, "jpy", "ja_JP") == "￥1,000"

    def test_rejects_non_int(self) -> None:
        with pytest.raises(TypeError):
            format_minor(10.5, "usd")  # type: ignore[arg-type]
        with pytest.raises(TypeError):
            format_minor(True, "usd")

    def test_unknown_locale(self) -> None:
        with pytest.raises(ValueError, match="Unknown locale"):
            format_minor(1, "usd", "xx_YY")


class TestParse:
    @pytest.mark.parametrize(
        ("text", "code", "expected"),
        [
            ("10", "usd", 1000),
            ("10.50", "usd", 1050),
            ("$10.50", "usd", 1050),
            ("$ 10.50", "usd", 1050),
            ("10.5", "usd", 1050),
            (".5", "usd", 50),
            ("1,000", "usd", 100000),
            ("1,000,000.01", "usd", 100000001),
            ("-$10.00", "usd", -1000),
            ("$-10", "usd", -1000),
            ("−10", "usd", -1000),
            ("USD 10", "usd", 1000),
            ("10 usd", "usd", 1000),
            ("CA$10", "cad", 1000),
            ("$10", "cad", 1000),
            ("¥1,000", "jpy", 1000),
            ("1000", "jpy", 1000),
            ("1000.00", "jpy", 1000),  # zero decimals written out are harmless
            ("5", "isk", 500),
            ("ISK 5", "isk", 500),
            ("1.005", "kwd", 1005),
            ("KWD1.250", "kwd", 1250),
            ("10 kr", "sek", 1000),
            ("1,00,000.00", "inr", 10000000),
            ("  7.25\n", "eur", 725),
            ("€7.25", "eur", 725),
        ],
    )
    def test_valid(self, text: str, code: str, expected: int) -> None:
        assert to_minor(text, code) == expected

    def test_other_locale_separators(self) -> None:
        assert to_minor("1.234,56 €", "eur", "de_DE") == 123456
        assert to_minor("1 234,56", "eur", "fr_FR") == 123456

    @pytest.mark.parametrize(
        ("text", "code", "error_code", "fragment"),
        [
            ("", "usd", "amount.empty", "No amount entered."),
            ("abc", "usd", "amount.invalid", "has no digits"),
            (
                "10.505",
                "usd",
                "amount.too_many_decimals",
                "'10.505' has 3 decimal(s), but USD has 2 decimals.",
            ),
            ("10.5", "jpy", "amount.too_many_decimals", "JPY has no decimals: its smallest amount is ¥1"),
            ("5.5", "isk", "amount.too_many_decimals", "ISK amounts are whole units"),
            ("1.0005", "kwd", "amount.too_many_decimals", "KWD has 3 decimals"),
            (
                "€10",
                "usd",
                "amount.wrong_currency_symbol",
                "'€' is the symbol of EUR, but the currency here is USD",
            ),
            ("10,50", "usd", "amount.ambiguous_separator", "For decimals use '.': 10.50"),
            ("1,0000", "usd", "amount.invalid", "thousands separators in the wrong places"),
            ("10.5.1", "usd", "amount.invalid", "more than one decimal separator"),
            ("10x5", "usd", "amount.invalid", "contains 'x'"),
            ("10 dollars", "usd", "amount.invalid", "'dollars' is not part of an amount in USD"),
            ("1" * 40, "usd", "amount.too_large", "40 digits"),
        ],
    )
    def test_errors(self, text: str, code: str, error_code: str, fragment: str) -> None:
        with pytest.raises(AmountError) as info:
            to_minor(text, code)
        assert info.value.finding.code == error_code
        assert info.value.finding.severity is Severity.ERROR
        text_out = info.value.finding.message + " " + info.value.finding.fix
        assert fragment in text_out
        assert str(info.value) == info.value.finding.message

    def test_wrong_symbol_names_its_own_currency_first(self) -> None:
        with pytest.raises(AmountError, match=r"'\$' is the symbol of USD, ") as info:
            to_minor("$10", "eur")
        assert info.value.finding.code == "amount.wrong_currency_symbol"

    def test_unknown_currency_is_an_amount_error(self) -> None:
        with pytest.raises(AmountError):
            to_minor("10", "zzz")


class TestCheckAmount:
    def test_valid_payment(self) -> None:
        assert check_amount(1000, "usd") == []
        assert check_amount("1000", "usd") == []
        assert check_amount(1000, "jpy") == []
        assert check_amount(1000, "kwd") == []
        assert check_amount(500, "isk") == []

    def test_not_integer_decimal_text(self) -> None:
        f = only(check_amount("10.50", "usd"), "amount.not_integer")
        assert f.severity is Severity.ERROR
        assert "whole numbers in the smallest unit" in f.message
        assert f.fix == "Did you mean 1050 ($10.50)?"
        assert f.pitfall == "amounts_in_cents"

    def test_not_integer_money_text(self) -> None:
        assert only(check_amount("$10", "usd"), "amount.not_integer").fix == "Did you mean 1000 ($10.00)?"

    def test_not_integer_separators(self) -> None:
        assert only(check_amount("1,000", "usd"), "amount.not_integer").fix == "Did you mean 1000 ($10.00)?"

    def test_not_integer_float(self) -> None:
        f = only(check_amount(1050.0, "usd"), "amount.not_integer")
        assert "Invalid integer: 1050.0" in f.message
        assert f.fix == "If you meant $1,050.00, send 105000; if you meant $10.50, send 1050."
        assert codes(check_amount(10.5, "usd")) == ["amount.not_integer"]
        assert codes(check_amount(Decimal("10.5"), "usd")) == ["amount.not_integer"]

    def test_garbage(self) -> None:
        f = only(check_amount("ten", "usd"), "amount.invalid")
        assert f.message == "'ten' is not a number."
        assert "1000 for $10.00" in f.fix
        assert codes(check_amount(True, "usd")) == ["amount.invalid"]  # type: ignore[arg-type]

    def test_below_minimum_and_looks_like_dollars(self) -> None:
        findings = check_amount(10, "usd")
        assert codes(findings) == ["amount.too_small", "amount.looks_like_major_units"]
        small = findings[0]
        assert small.severity is Severity.ERROR
        assert "10 is $0.10, below Stripe's minimum charge of $0.50" in small.message
        assert "'Amount must be at least $0.50 usd'" in small.message
        hint = findings[1]
        assert hint.severity is Severity.WARNING
        assert hint.message.startswith("10 is $0.10")
        assert hint.fix == "Did you mean 1000 ($10.00)?"

    def test_above_minimum_but_below_one_unit_still_hints(self) -> None:
        assert codes(check_amount(75, "usd")) == ["amount.looks_like_major_units"]

    def test_huf_minimum(self) -> None:
        findings = check_amount(1000, "huf")
        assert codes(findings) == ["amount.too_small", "amount.looks_like_major_units"]
        assert "HUF 175.00" in findings[0].message
        assert findings[1].fix == "Did you mean 100000 (HUF 1,000.00)?"

    def test_three_decimal_rule(self) -> None:
        f = only(check_amount(1005, "kwd"), "amount.three_decimal_rounding")
        assert f.severity is Severity.ERROR
        assert "1005 kwd (KWD 1.005) must end in 0" in f.message
        assert f.fix == "Use 1000 (KWD 1.000) or 1010 (KWD 1.010)."
        assert f.pitfall == "three_decimal_rounding"

    def test_isk_rule(self) -> None:
        f = only(check_amount(550, "isk"), "amount.whole_units_as_cents")
        assert "550 is ISK 5.50" in f.message
        assert f.fix == "Use 500 (ISK 5) or 600 (ISK 6). If you meant ISK 550, send 55000."
        f = only(check_amount(5, "ugx"), "amount.whole_units_as_cents")
        assert f.fix.startswith("Use 100 (UGX 1). If you meant UGX 5, send 500.")

    def test_maximum(self) -> None:
        f = only(check_amount(100_000_000, "usd"), "amount.too_large")
        assert "'Amount must be no more than $999,999.99'" in f.message
        assert check_amount(999_999_999, "inr") == []
        assert codes(check_amount(1_000_000_000, "inr")) == ["amount.too_large"]
        assert check_amount(999_999_999_999, "idr") == []

    def test_card_only_maximum(self) -> None:
        f = only(check_amount(1_000_000_000, "jpy"), "amount.card_only_maximum")
        assert f.severity is Severity.WARNING

    def test_zero_and_negative_payment(self) -> None:
        assert codes(check_amount(0, "usd")) == ["amount.not_positive"]
        assert codes(check_amount(-100, "usd")) == ["amount.not_positive"]

    def test_price_rules(self) -> None:
        assert codes(check_amount(0, "usd", purpose="price")) == ["amount.zero"]
        assert check_amount(0, "usd", purpose="price")[0].severity is Severity.INFO
        assert codes(check_amount(-1, "usd", purpose=Purpose.PRICE)) == ["amount.not_positive"]
        findings = check_amount(20, "usd", purpose="price")
        assert codes(findings) == ["amount.too_small", "amount.looks_like_major_units"]
        assert findings[0].severity is Severity.WARNING

    def test_refund_rules(self) -> None:
        assert check_amount(1, "usd", purpose="refund")[0].severity is Severity.INFO  # just a hint
        assert codes(check_amount(1, "usd", purpose="refund")) == ["amount.looks_like_major_units"]
        f = only(check_amount(0, "usd", purpose="refund"), "amount.not_positive")
        assert "Leave the amount empty" in f.fix

    def test_capture_below_minimum_warns(self) -> None:
        findings = check_amount(40, "usd", purpose="capture")
        assert only(findings, "amount.too_small").severity is Severity.WARNING

    def test_invoice_item_credit(self) -> None:
        f = only(check_amount(-500, "usd", purpose="invoice_item"), "amount.credit")
        assert f.severity is Severity.INFO
        assert "-$5.00" in f.message
        assert codes(check_amount(0, "usd", purpose="invoice_item")) == ["amount.zero"]

    def test_payout_whole_units(self) -> None:
        f = only(check_amount(1000050, "huf", purpose="payout"), "amount.payout_whole_units")
        assert f.fix == "Use 1000000 (HUF 10,000.00) or 1000100 (HUF 10,001.00)."
        assert check_amount(1000050, "huf", purpose="payment") == []

    def test_zero_decimal_multiplied_hint(self) -> None:
        f = only(check_amount(500000, "jpy"), "amount.zero_decimal_multiplied")
        assert f.fix == "If you multiplied by 100 out of habit, send 5000 (¥5,000) instead."
        assert check_amount(5000, "jpy") == []

    def test_currency_problems(self) -> None:
        assert codes(check_amount(1000, "USD")) == ["currency.uppercase"]
        assert codes(check_amount(1000, "xyz")) == ["currency.unknown"]

    def test_unspecified_purpose_is_a_payment(self) -> None:
        assert check_amount(10, "usd", purpose="") == check_amount(10, "usd", purpose="payment")
        assert check_amount(10, "usd", purpose=None) == check_amount(10, "usd")

    def test_unknown_purpose(self) -> None:
        with pytest.raises(ValueError, match="purpose"):
            check_amount(1, "usd", purpose="tip")


class TestPreview:
    def test_lines(self) -> None:
        assert preview("1000", "usd").line == "1000 usd → $10.00"
        assert preview("1000", "jpy").line == "1000 jpy → ¥1,000"
        p = preview("1005", "kwd")
        assert p.line == "1005 kwd → KWD 1.005"
        assert not p.ok
        assert "must end in 0" in p.findings[0].message

    def test_ok(self) -> None:
        p = preview(" 1000 ", "usd")
        assert p.ok
        assert p.minor == 1000
        assert p.display == "$10.00"

    def test_garbage(self) -> None:
        p = preview("10.50", "usd")
        assert p.minor is None
        assert p.display is None
        assert not p.ok
        assert "smallest unit" in p.line

    def test_empty(self) -> None:
        assert preview("", "usd").findings == ()
        assert codes(preview("", "usd", purpose="refund").findings) == ["amount.full_refund"]

    def test_unknown_currency(self) -> None:
        p = preview("1000", "xyz")
        assert p.display is None
        assert codes(p.findings) == ["currency.unknown"]


def _valid_amounts(cur: Currency) -> st.SearchStrategy[int]:
    return st.integers(min_value=-cur.max_amount // cur.step, max_value=cur.max_amount // cur.step).map(
        lambda n: n * cur.step
    )


@settings(max_examples=25, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
@pytest.mark.parametrize("code", sorted(CURRENCIES))
def test_round_trip_every_currency(code: str, data: st.DataObject) -> None:
    cur = CURRENCIES[code]
    amount = data.draw(
        st.one_of(
            st.sampled_from([0, cur.step, cur.max_amount - cur.max_amount % cur.step]),
            _valid_amounts(cur),
        )
    )
    shown = format_minor(amount, code)
    assert to_minor(shown, code) == amount, shown


@pytest.mark.parametrize("locale", ["de_DE", "fr_FR", "en_IN", "ja_JP", "de_CH"])
@given(amount=st.integers(min_value=-99_999_999, max_value=99_999_999))
@settings(max_examples=30)
def test_round_trip_other_locales(locale: str, amount: int) -> None:
    for code in ("usd", "eur", "jpy", "kwd"):
        cur = CURRENCIES[code]
        value = amount - amount % cur.step
        assert to_minor(format_minor(value, code, locale), code, locale) == value


@settings(max_examples=200)
@given(
    st.text(
        alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=16, max_size=99
    ),
    st.sampled_from(["sk", "rk", "pk"]),
    st.sampled_from(["", "$", "10 ", "USD "]),
)
def test_a_key_typed_into_an_amount_field_is_never_echoed(body: str, prefix: str, before: str) -> None:
    key = f"{prefix}_live_{body}"
    texts = [f.message + f.fix for f in check_amount(before + key, "usd")]
    texts += [f.message + f.fix for f in preview(before + key, "usd").findings]
    with pytest.raises(AmountError) as info:
        to_minor(before + key, "usd")
    texts.append(str(info.value) + info.value.finding.fix)
    texts += [f.message for f in check_currency(key)]
    for text in texts:
        assert key not in text
        assert body[:13] not in text


def test_trailing_decimal_separator_while_typing() -> None:
    assert to_minor("10.", "usd") == 1000


@settings(max_examples=500)
@given(st.text(max_size=60), st.sampled_from(["usd", "jpy", "kwd", "isk", "eur", "inr"]))
def test_parse_never_crashes(text: str, code: str) -> None:
    error: AmountError | None = None
    try:
        result = to_minor(text, code)
    except AmountError as exc:
        error = exc
    if error is None:
        assert isinstance(result, int)
    else:
        assert error.finding.severity is Severity.ERROR
        assert error.finding.message


@settings(max_examples=300)
@given(
    st.one_of(st.integers(min_value=-(10**13), max_value=10**13), st.text(max_size=20)),
    st.sampled_from(["usd", "jpy", "kwd", "isk", "huf", "USD", "xxx", ""]),
    st.sampled_from(list(Purpose)),
)
def test_check_and_preview_never_crash(amount: int | str, code: str, purpose: Purpose) -> None:
    findings = check_amount(amount, code, purpose=purpose)
    assert all(isinstance(f, Finding) for f in findings)
    p = preview(str(amount), code, purpose=purpose)
    if p.minor is not None:
        assert p.display is not None


class TestParseMinor:
    """``money.parse_minor`` is the one parser of typed amounts; its hints fit the currency's decimals."""

    def test_whole_numbers_pass(self) -> None:
        assert money.parse_minor("1000", "usd") == (1000, [])
        assert money.parse_minor(" -5 ", None) == (-5, [])
        assert money.parse_minor(250) == (250, [])

    @pytest.mark.parametrize(
        ("typed", "currency", "suggestion"),
        [("10.00", "usd", "1000 ($10.00)"), ("1000.00", "jpy", "1000 (¥1,000)"), ("5.125", "kwd", "5125")],
    )
    def test_money_typed_as_money_gets_that_currencys_amount(
        self, typed: str, currency: str, suggestion: str
    ) -> None:
        value, findings = money.parse_minor(typed, currency)
        assert value is None
        assert [f.code for f in findings] == ["amount.not_integer"]
        assert suggestion in findings[0].fix

    def test_without_a_currency_the_hint_does_not_pretend_everything_is_usd(self) -> None:
        value, findings = money.parse_minor("10.00", None)
        assert value is None
        fix = findings[0].fix
        assert "for JPY ¥1,000 is 1000" in fix
        assert "for KWD 10.000 is 10000" in fix
        assert "×100" not in fix

    def test_garbage_says_digits_only(self) -> None:
        value, findings = money.parse_minor("ten dollars", None)
        assert value is None
        assert findings[0].code == "amount.invalid"
        assert findings[0].fix.startswith("Enter digits only, in the smallest currency unit")


# --- percentages (coupons' percent_off, tax rates' percentage) ----------------------------------------------


def test_tax_percentage_preview_shows_exclusive_and_inclusive_side_by_side() -> None:
    preview = money.percent_preview("20", "tax")
    assert preview.value == 20
    assert preview.line == (
        "On a $100.00 price: exclusive adds $20.00 (the customer pays $120.00); inclusive means $100.00 "
        "contains $16.67 of tax ($83.33 net)."
    )
    assert preview.findings == ()
    assert money.percent_preview("0", "tax").findings == ()  # a 0 % rate is allowed (zero-rated goods)


def test_discount_percentage_preview_and_its_mistakes() -> None:
    assert (
        money.percent_preview("15", "discount").line
        == "15 % off $100.00 takes $15.00 off (the customer pays $85.00)."
    )
    fraction = money.percent_preview("0.15", "discount")
    assert [f.code for f in fraction.findings] == ["percent.looks_like_fraction"]
    assert fraction.findings[0].fix == "Did you mean 15?"
    for bad in ("0", "120", "ten"):
        found = money.percent_preview(bad, "discount")
        assert found.value is None
        assert [f.code for f in found.findings] == ["percent.out_of_range"]
    assert money.percent_preview("", "discount").line is None


@pytest.mark.parametrize("currency", ["usd", None])
def test_scientific_notation_is_named_as_such_not_called_not_a_number(currency: str | None) -> None:
    """Issue "tells the truth", item 4: "1e9 is not a number" (it is; Stripe only wants digits)."""
    value, findings = money.parse_minor("1e9", currency)
    assert value is None
    [finding] = findings
    assert finding.message == (
        "'1e9' is written in scientific notation; Stripe amounts are digits only, in the smallest unit."
    )
    assert "not a number" not in finding.message
    if currency == "usd":
        assert finding.fix == "Write it out in digits: 1000000000 ($10,000,000.00)."
