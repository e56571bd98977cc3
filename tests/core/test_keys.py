"""inspect_key / check_key_pair: every problem a pasted key can have, and no full secret in any output."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from core import keys as keys_module
from core.findings import Finding, Severity
from core.keys import KeyField, KeyKind, KeyReport, Mode, check_key_pair, inspect_key, mask
from core.secrets import Secret

ALNUM = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
BODY = "51Habcdef" + "x7Y" * 30  # 99 chars, like a current key
SK = "sk_test_" + BODY
SK_LIVE = "sk_live_" + BODY
PK = "pk_test_" + BODY
PK_LIVE = "pk_live_" + BODY
RK = "rk_test_" + BODY
WHSEC = "whsec_" + "A1b2" * 8


def codes(report: KeyReport) -> list[str]:
    return [f.code for f in report.findings]


def only(report: KeyReport, code: str) -> Finding:
    matching = [f for f in report.findings if f.code == code]
    assert len(matching) == 1, codes(report)
    return matching[0]


def all_text(report: KeyReport) -> str:
    parts = [repr(report), str(report), report.masked, repr(report.secret), str(report.secret)]
    for f in report.findings:
        parts += [f.message, f.fix, repr(f), f.code, f.field or ""]
    return "\n".join(parts)


class TestClassification:
    @pytest.mark.parametrize(
        ("value", "kind", "mode"),
        [
            (SK, KeyKind.SECRET, Mode.TEST),
            (SK_LIVE, KeyKind.SECRET, Mode.LIVE),
            (PK, KeyKind.PUBLISHABLE, Mode.TEST),
            (PK_LIVE, KeyKind.PUBLISHABLE, Mode.LIVE),
            (RK, KeyKind.RESTRICTED, Mode.TEST),
            (WHSEC, KeyKind.WEBHOOK_SECRET, None),
        ],
    )
    def test_valid_values(self, value: str, kind: KeyKind, mode: Mode | None) -> None:
        report = inspect_key(value)
        assert report.kind is kind
        assert report.mode is mode
        assert report.ok
        assert report.secret == Secret(value)
        assert report.masked == mask(value)

    def test_valid_secret_key_in_its_field_has_no_findings(self) -> None:
        assert inspect_key(SK, KeyField.SECRET).findings == ()
        assert inspect_key(PK_LIVE, KeyField.PUBLISHABLE).findings == ()
        assert inspect_key(WHSEC, KeyField.WEBHOOK_SECRET).findings == ()

    def test_old_style_32_char_key_is_fine(self) -> None:
        report = inspect_key("sk_test_tR3PYbcVNZZ796tH88S4VQ2u", KeyField.SECRET)
        assert report.findings == ()

    def test_restricted_key_gets_an_info_about_permissions(self) -> None:
        report = inspect_key(RK, KeyField.SECRET)
        f = only(report, "key.restricted")
        assert f.severity is Severity.INFO
        assert f.pitfall == "restricted_key_permissions"
        assert "403" in f.message
        assert report.ok

    def test_description(self) -> None:
        assert inspect_key(SK).description == "secret key (test mode)"
        assert inspect_key("price_1ABCdefGHI").description == "Price ID"
        assert inspect_key("pi_3ABCdef_secret_XYZ123").description == "PaymentIntent client secret"
        assert inspect_key(SK_LIVE).prefix == "sk_live_"


class TestCleaning:
    def test_surrounding_whitespace_is_stripped_and_reported(self) -> None:
        report = inspect_key(f"  {SK}\n", KeyField.SECRET)
        assert report.secret == Secret(SK)
        f = only(report, "key.whitespace_stripped")
        assert f.severity is Severity.WARNING
        assert "2 spaces, 1 line break" in f.message
        assert "cleaned key is used" in f.message
        assert f.field == "secret_key"
        assert report.ok

    def test_quotes_are_stripped_and_reported(self) -> None:
        for quoted in (f'"{SK}"', f"'{SK}'", f"“{SK}”", f'"{SK}",', f"`{SK}`"):
            report = inspect_key(quoted, KeyField.SECRET)
            assert report.secret == Secret(SK), quoted
            assert "key.quotes_stripped" in codes(report)
            assert report.kind is KeyKind.SECRET

    def test_trailing_comma_from_code(self) -> None:
        report = inspect_key(f'"{SK}",', KeyField.SECRET)
        assert codes(report) == ["key.quotes_stripped", "key.punctuation_stripped"]
        assert "','" in only(report, "key.punctuation_stripped").message

    def test_trailing_full_stop_from_a_sentence(self) -> None:
        report = inspect_key(f"My key is below: {SK}.".split(": ")[1], KeyField.SECRET)
        assert report.secret == Secret(SK)
        assert codes(report) == ["key.punctuation_stripped"]

    def test_bearer_prefix(self) -> None:
        for raw in (f"Bearer {SK}", f"bearer  {SK}", f"Authorization: Bearer {SK}"):
            report = inspect_key(raw, KeyField.SECRET)
            assert report.secret == Secret(SK)
            assert codes(report) == ["key.bearer_prefix_stripped"]

    def test_env_assignment(self) -> None:
        report = inspect_key(f"STRIPE_SECRET_KEY={SK}", KeyField.SECRET)
        assert report.secret == Secret(SK)
        f = only(report, "key.assignment_stripped")
        assert "STRIPE_SECRET_KEY=" in f.message

    def test_export_and_quotes_together(self) -> None:
        report = inspect_key(f"export STRIPE_SECRET_KEY='{SK}'\n", KeyField.SECRET)
        assert report.secret == Secret(SK)
        assert set(codes(report)) == {
            "key.whitespace_stripped",
            "key.assignment_stripped",
            "key.quotes_stripped",
        }

    def test_invisible_characters_at_the_edges(self) -> None:
        report = inspect_key(f"\ufeff{SK}\u200b", KeyField.SECRET)
        assert report.secret == Secret(SK)
        assert "2 invisible characters" in only(report, "key.whitespace_stripped").message


class TestProblems:
    def test_empty(self) -> None:
        for raw in ("", None, "   ", '""'):
            report = inspect_key(raw, KeyField.PUBLISHABLE)
            assert report.kind is KeyKind.EMPTY
            assert report.secret is None
            assert not report.ok
            assert "key.empty" in codes(report)
        assert only(inspect_key("", KeyField.PUBLISHABLE), "key.empty").message == (
            "The value in the Publishable Key field is empty."
        )

    def test_inner_space(self) -> None:
        raw = SK[:20] + " " + SK[20:]
        report = inspect_key(raw, KeyField.SECRET)
        f = only(report, "key.inner_whitespace")
        assert f.severity is Severity.ERROR
        assert "1 space inside the key (the first at character 21 of 108)" in f.message
        assert report.kind is KeyKind.SECRET

    def test_inner_line_break(self) -> None:
        raw = SK[:50] + "\n" + SK[50:]
        f = only(inspect_key(raw, KeyField.SECRET), "key.inner_whitespace")
        assert "1 line break" in f.message

    def test_two_keys_pasted_together(self) -> None:
        report = inspect_key(f"{PK}\n{SK}", KeyField.SECRET)
        f = only(report, "key.multiple_values")
        assert "2 keys" in f.message
        assert "key.inner_whitespace" not in codes(report)

    def test_two_keys_stuck_together(self) -> None:
        report = inspect_key(PK + SK, KeyField.PUBLISHABLE)
        assert "key.multiple_values" in codes(report)
        assert not report.ok

    def test_truncated(self) -> None:
        report = inspect_key("sk_test_abc123", KeyField.SECRET)
        f = only(report, "key.truncated")
        assert f.severity is Severity.ERROR
        assert "6 characters after 'sk_test_'" in f.message
        assert "at least 10" in f.message

    def test_possibly_truncated_new_style_key(self) -> None:
        report = inspect_key(SK[:80], KeyField.SECRET)
        f = only(report, "key.possibly_truncated")
        assert f.severity is Severity.WARNING
        assert "has only 80" in f.message
        assert report.ok  # a warning: the key might still work

    def test_unusual_length_is_only_info(self) -> None:
        report = inspect_key("sk_test_" + "a" * 40, KeyField.SECRET)
        f = only(report, "key.unusual_length")
        assert f.severity is Severity.INFO
        assert "48 characters long" in f.message

    def test_too_long(self) -> None:
        report = inspect_key("sk_test_" + "a" * 129, KeyField.SECRET)
        assert "129 characters after 'sk_test_'" in only(report, "key.too_long").message

    def test_invalid_characters(self) -> None:
        report = inspect_key("sk_test_" + "a" * 20 + "-é" + "b" * 20, KeyField.SECRET)
        f = only(report, "key.invalid_characters")
        assert "'-' (hyphen-minus)" in f.message
        assert "'é' (latin small letter e with acute)" in f.message

    def test_masked_copy(self) -> None:
        report = inspect_key("sk_live_" + "*" * 95 + "AbCd", KeyField.SECRET)
        assert codes(report) == ["key.masked_copy"]
        assert "Reveal" in report.findings[0].fix

    def test_wrong_case(self) -> None:
        report = inspect_key(SK.upper(), KeyField.SECRET)
        assert report.kind is KeyKind.SECRET
        assert report.mode is Mode.TEST
        f = only(report, "key.wrong_case")
        assert "'SK_TEST_'" in f.message
        assert "'sk_test_'" in f.message

    def test_wrong_separator(self) -> None:
        report = inspect_key("sk-test-" + BODY, KeyField.SECRET)
        assert "'sk-test-'" in only(report, "key.wrong_separator").message

    def test_missing_mode(self) -> None:
        report = inspect_key("sk_" + BODY, KeyField.SECRET)
        assert report.kind is KeyKind.SECRET
        assert report.mode is None
        assert "key.missing_mode" in codes(report)

    def test_client_secret(self) -> None:
        report = inspect_key("pi_3PiXFabcDEF_secret_zlzoXYZ123", KeyField.SECRET)
        assert report.kind is KeyKind.CLIENT_SECRET
        assert report.object_type == "payment_intent"
        f = only(report, "key.client_secret_not_a_key")
        assert "client secret of a PaymentIntent (pi_…_secret_…)" in f.message
        seti = inspect_key("seti_1ABC_secret_DEF")
        assert seti.kind is KeyKind.CLIENT_SECRET
        assert seti.object_type == "setup_intent"

    @pytest.mark.parametrize(
        ("value", "label"),
        [
            ("acct_1ABCdefGHIjkl", "Account"),
            ("prod_ABCdef123", "Product"),
            ("price_1ABCdef", "Price"),
            ("cus_ABCdef123", "Customer"),
            ("pi_3ABCdef123", "PaymentIntent"),
            ("cs_test_a1B2c3D4e5", "Checkout Session"),
            ("sub_1ABCdef", "Subscription"),
            ("evt_1ABCdef", "Event"),
        ],
    )
    def test_object_ids(self, value: str, label: str) -> None:
        report = inspect_key(value, KeyField.SECRET)
        assert report.kind is KeyKind.OBJECT_ID
        assert report.object_label == label
        f = only(report, "key.object_id_not_a_key")
        assert f"a {label} ID ({value.split('_')[0]}_…)" in f.message
        assert not report.ok

    def test_checkout_session_id_has_mode(self) -> None:
        assert inspect_key("cs_live_a1B2c3D4e5").mode is Mode.LIVE

    def test_unrecognised_values(self) -> None:
        assert "JSON Web Token" in only(inspect_key("eyJhbGciOiJIUzI1NiJ9.e30.x"), "key.unrecognized").message
        assert "card number" in only(inspect_key("4242424242424242"), "key.unrecognized").message
        url = inspect_key("https://dashboard.stripe.com/test/apikeys", KeyField.SECRET)
        assert only(url, "key.unrecognized").message.endswith("is a web address (URL), not a Stripe key.")
        assert "key.assignment_stripped" not in codes(url)
        f = only(inspect_key("hunter2hunter2"), "key.unrecognized")
        assert "14 characters" in f.message
        assert "hunter2" not in f.message


class TestWrongField:
    def test_publishable_in_secret_field(self) -> None:
        report = inspect_key(PK, KeyField.SECRET)
        f = only(report, "key.publishable_in_secret_field")
        assert f.severity is Severity.ERROR
        assert f.pitfall == "publishable_key_as_secret"
        assert "pk_test_…" in f.message
        assert "401" in f.message
        assert f.field == "secret_key"

    @pytest.mark.parametrize("value", [SK_LIVE, RK])
    def test_secret_in_publishable_field_is_a_security_problem(self, value: str) -> None:
        report = inspect_key(value, KeyField.PUBLISHABLE)
        f = only(report, "key.secret_in_publishable_field")
        assert f.severity is Severity.ERROR
        assert "security problem" in f.message
        assert "browser" in f.message
        assert "roll it" in f.fix
        assert f.pitfall == "secret_key_in_publishable_field"

    def test_whsec_in_api_fields(self) -> None:
        for field in (KeyField.SECRET, KeyField.PUBLISHABLE):
            f = only(inspect_key(WHSEC, field), "key.webhook_secret_in_api_field")
            assert f.pitfall == "webhook_secret_as_api_key"
            assert "Webhook Secret Key field" in f.fix

    def test_api_key_in_webhook_field(self) -> None:
        f = only(inspect_key(SK, KeyField.WEBHOOK_SECRET), "key.api_key_in_webhook_field")
        assert "whsec_" in f.message

    def test_without_a_field_the_kind_is_not_an_error(self) -> None:
        assert inspect_key(PK).ok
        assert inspect_key(SK_LIVE).ok
        assert inspect_key(WHSEC).ok


class TestWebhookSecret:
    def test_short(self) -> None:
        report = inspect_key("whsec_abc123", KeyField.WEBHOOK_SECRET)
        f = only(report, "key.possibly_truncated")
        assert "6 characters after 'whsec_'" in f.message

    def test_prefix_only(self) -> None:
        assert "key.truncated" in codes(inspect_key("whsec_", KeyField.WEBHOOK_SECRET))

    def test_cli_secret_is_fine(self) -> None:
        assert inspect_key("whsec_" + "0123456789abcdef" * 4, KeyField.WEBHOOK_SECRET).findings == ()

    def test_invalid_character(self) -> None:
        report = inspect_key("whsec_" + "a" * 32 + "!", KeyField.WEBHOOK_SECRET)
        assert "'!' (exclamation mark)" in only(report, "key.invalid_characters").message


class TestPair:
    def test_same_mode_is_fine(self) -> None:
        assert check_key_pair(inspect_key(PK), inspect_key(SK)) == []
        assert check_key_pair(inspect_key(PK_LIVE), inspect_key(SK_LIVE)) == []

    def test_mode_mismatch(self) -> None:
        findings = check_key_pair(
            inspect_key(PK_LIVE, KeyField.PUBLISHABLE), inspect_key(SK, KeyField.SECRET)
        )
        assert [f.code for f in findings] == ["keys.mode_mismatch"]
        f = findings[0]
        assert f.severity is Severity.ERROR
        assert "live key (pk_live_…)" in f.message
        assert "test key (sk_test_…)" in f.message
        assert f.pitfall == "key_mode_mismatch"

    def test_restricted_key_mode_mismatch(self) -> None:
        findings = check_key_pair(inspect_key(PK_LIVE), inspect_key(RK))
        assert [f.code for f in findings] == ["keys.mode_mismatch"]

    def test_swapped(self) -> None:
        findings = check_key_pair(inspect_key(SK, KeyField.PUBLISHABLE), inspect_key(PK, KeyField.SECRET))
        assert [f.code for f in findings] == ["keys.swapped"]

    def test_same_value(self) -> None:
        findings = check_key_pair(inspect_key(SK), inspect_key(SK))
        assert [f.code for f in findings] == ["keys.same_value"]

    def test_empty_reports_give_nothing(self) -> None:
        assert check_key_pair(inspect_key(""), inspect_key("")) == []


key_bodies = st.text(alphabet=ALNUM, min_size=10, max_size=128)
before_junk = st.sampled_from(["", " ", "\n", '"', "'", "Bearer ", "\t", "STRIPE_SECRET_KEY=", "\u200b"])
after_junk = st.sampled_from(["", " ", "\n", '"', "'", ",", ";", "\t", "\u200b", "\r\n"])


@settings(max_examples=300)
@given(
    st.sampled_from(["pk", "sk", "rk"]),
    st.sampled_from(["test", "live"]),
    key_bodies,
    before_junk,
    after_junk,
    st.sampled_from([None, *KeyField]),
)
def test_no_output_ever_contains_the_full_key(
    prefix: str, mode: str, body: str, before: str, after: str, field: KeyField | None
) -> None:
    key = f"{prefix}_{mode}_{body}"
    report = inspect_key(before + key + after, field)
    text = all_text(report)
    assert key not in text
    if len(body) >= 16:
        assert body not in text
    assert report.kind is {"pk": KeyKind.PUBLISHABLE, "sk": KeyKind.SECRET, "rk": KeyKind.RESTRICTED}[prefix]
    assert report.mode is Mode(mode)
    assert report.secret is not None
    assert report.secret == Secret(key)


_KEYS_SOURCE = Path(keys_module.__file__).read_text(encoding="utf-8")


@settings(max_examples=300)
@given(st.text(max_size=200), st.sampled_from([None, *KeyField]))
def test_arbitrary_text_never_crashes_and_never_echoes_long_values(raw: str, field: KeyField | None) -> None:
    report = inspect_key(raw, field)
    assert isinstance(report.kind, KeyKind)
    assert len(report.masked) == len(report.secret.reveal()) if report.secret else report.masked == ""
    secret = report.secret.reveal() if report.secret else ""
    # A value that is a piece of core.keys' own wording ("restricted ke") is found in a message without being
    # echoed: Hypothesis drew exactly that once. Only a value foreign to the fixed texts can be echoed.
    assume(secret not in _KEYS_SOURCE)
    if len(secret) > 12:
        assert secret not in all_text(report)


@given(key_bodies, key_bodies)
def test_pair_findings_never_contain_keys(a: str, b: str) -> None:
    pk, sk = f"pk_live_{a}", f"sk_test_{b}"
    findings = check_key_pair(inspect_key(pk), inspect_key(sk))
    text = "\n".join(f.message + f.fix for f in findings)
    assert pk not in text
    assert sk not in text
    assert [f.code for f in findings] == ["keys.mode_mismatch"]


class TestAccountPart:
    """Keys of one account share the 16 characters after ``_5`` (issue "tells the truth", item 2)."""

    ONE = "1AAAAbbbbCCCCdddd"[:16]
    TWO = "1BBBBccccDDDDeeee"[:16]

    def key(self, kind: str, account: str, tail: str = "x") -> str:
        return f"{kind}_test_5{account}" + tail * 82

    def test_two_accounts_are_a_warning_that_says_how_to_check(self) -> None:
        pk = inspect_key(self.key("pk", self.ONE), KeyField.PUBLISHABLE)
        sk = inspect_key(self.key("sk", self.TWO), KeyField.SECRET)
        assert pk.account_part == self.ONE
        found = check_key_pair(pk, sk)
        assert [(f.code, f.severity) for f in found] == [("keys.account_mismatch", Severity.WARNING)]
        assert "acct_1AAAA… (publishable) and acct_1BBBB… (secret)" in found[0].message
        assert "Developers → API keys" in found[0].fix
        assert self.key("sk", self.TWO) not in found[0].message

    def test_one_account_and_older_keys_say_nothing(self) -> None:
        pk = inspect_key(self.key("pk", self.ONE, "p"), KeyField.PUBLISHABLE)
        sk = inspect_key(self.key("sk", self.ONE, "s"), KeyField.SECRET)
        assert check_key_pair(pk, sk) == []
        old = inspect_key("sk_test_tR3PYbcVNZZ796tH88S4VQ2u", KeyField.SECRET)
        assert old.account_part is None
        assert check_key_pair(pk, old) == []
