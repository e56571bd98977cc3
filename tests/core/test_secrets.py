"""Secret never shows its value except through reveal(); mask follows Stripe's rule and reveals ≤ 12 chars."""

from __future__ import annotations

import copy
import dataclasses
import logging
import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.secrets import MAX_REVEALED, Secret, mask, redact

ALNUM = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
KEY = "sk_test_" + "51HabcdefGHIJKLmnopQRSTuvwxyz0123456789" * 2 + "ZYXW"


def revealed_count(original: str, masked: str) -> int:
    return sum(1 for a, b in zip(original, masked, strict=True) if b != "*" or a == "*")


class TestMask:
    def test_stripe_rule_for_a_long_key(self) -> None:
        key = "sk_test_" + "a" * 95 + "WXYZ"
        assert len(key) == 107
        assert mask(key) == "sk_test_" + "*" * 95 + "WXYZ"

    def test_old_style_32_char_key(self) -> None:
        assert mask("sk_test_tR3PYbcVNZZ796tH88S4VQ2u") == "sk_test_" + "*" * 20 + "VQ2u"

    def test_exactly_24_chars_uses_stripe_rule(self) -> None:
        value = "abcdefgh" + "x" * 12 + "1234"
        assert mask(value) == "abcdefgh" + "*" * 12 + "1234"

    def test_short_key_shows_prefix_and_tail_only_when_enough_stays_hidden(self) -> None:
        # 23 chars: prefix 8 + body 15 (< 16) → no tail.
        assert mask("sk_test_" + "b" * 15) == "sk_test_" + "*" * 15

    def test_short_whsec_with_long_enough_body_shows_tail(self) -> None:
        value = "whsec_" + "c" * 13 + "9876"  # 23 chars, body 17
        assert mask(value) == "whsec_" + "*" * 13 + "9876"

    def test_short_unknown_value_is_fully_starred(self) -> None:
        assert mask("hunter2") == "*******"
        assert mask("abc") == "***"

    def test_bare_prefix_is_starred(self) -> None:
        assert mask("sk_test_") == "********"

    def test_empty(self) -> None:
        assert mask("") == ""

    # No "*" in the drawn values: a star of the original inside the masked middle is indistinguishable from
    # the mask's own stars, so counting it as revealed (Hypothesis found "0000000000000000000*0000") would
    # blame the mask for a character it hid.
    @given(st.text(alphabet=st.characters(blacklist_characters="*"), min_size=0, max_size=300))
    def test_never_reveals_more_than_12_and_preserves_length(self, value: str) -> None:
        masked = mask(value)
        assert len(masked) == len(value)
        assert revealed_count(value, masked) <= MAX_REVEALED

    @given(
        st.sampled_from(["pk", "sk", "rk"]),
        st.sampled_from(["test", "live"]),
        st.text(alphabet=ALNUM, min_size=10, max_size=128),
    )
    def test_key_shaped_never_contains_the_secret_body(self, kind: str, mode: str, body: str) -> None:
        key = f"{kind}_{mode}_{body}"
        masked = mask(key)
        assert len(masked) == len(key)
        assert revealed_count(key, masked) <= MAX_REVEALED
        assert key not in masked


class TestSecret:
    def test_repr_str_format_are_masked(self) -> None:
        s = Secret(KEY)
        forms = (repr(s), str(s), f"{s}", f"{s!r}", f"{s:>200}", "%s" % s, "{}".format(s))  # noqa: UP031, UP032
        for text in forms:
            assert KEY not in text
            assert KEY[8:-4] not in text
        assert repr(s) == f"Secret({mask(KEY)!r})"
        assert str(s) == mask(KEY)

    def test_reveal_is_the_way_out(self) -> None:
        assert Secret(KEY).reveal() == KEY

    def test_equality_and_hash_by_value(self) -> None:
        assert Secret(KEY) == Secret(KEY)
        assert Secret(KEY) != Secret(KEY + "x")
        assert hash(Secret(KEY)) == hash(Secret(KEY))
        assert len({Secret(KEY), Secret(KEY)}) == 1
        assert Secret(KEY) != KEY  # never equal to a plain str: compare Secrets

    def test_not_picklable(self) -> None:
        with pytest.raises(TypeError, match="not picklable") as info:
            pickle.dumps(Secret(KEY))
        assert KEY not in str(info.value)

    def test_copies_share_and_dataclass_asdict_works(self) -> None:
        s = Secret(KEY)
        assert copy.copy(s) is s
        assert copy.deepcopy(s) is s

        @dataclasses.dataclass
        class Holder:
            key: Secret

        assert dataclasses.asdict(Holder(s)) == {"key": s}
        assert KEY not in repr(Holder(s))

    def test_immutable(self) -> None:
        s = Secret(KEY)
        with pytest.raises(AttributeError):
            s._value = "x"  # type: ignore[misc]

    def test_rejects_non_str(self) -> None:
        with pytest.raises(TypeError, match="wraps a str"):
            Secret(123)  # type: ignore[arg-type]

    def test_wrapping_a_secret_unwraps(self) -> None:
        assert Secret(Secret(KEY)).reveal() == KEY

    def test_bool_and_len(self) -> None:
        assert not Secret("")
        assert Secret("x")
        assert len(Secret(KEY)) == len(KEY)

    def test_logging_is_masked(self, caplog: pytest.LogCaptureFixture) -> None:
        with caplog.at_level(logging.INFO):
            logging.getLogger("t").info("key is %s / %r", Secret(KEY), Secret(KEY))
        assert KEY not in caplog.text
        assert mask(KEY) in caplog.text

    def test_equality_with_lone_surrogates(self) -> None:
        assert Secret("\ud800abc") == Secret("\ud800abc")
        assert Secret("\ud800abc") != Secret("\ud801abc")

    @given(st.text(min_size=1, max_size=200))
    def test_no_textual_form_contains_a_long_secret(self, value: str) -> None:
        s = Secret(value)
        for text in (repr(s), str(s), f"{s}"):
            if len(value) > MAX_REVEALED:
                assert value not in text


class TestRedact:
    def test_masks_keys_in_free_text(self) -> None:
        text = f"Invalid API Key provided: {KEY}. Also whsec_{'a' * 32} and pi_123_secret_456789abcdef."
        out = redact(text)
        assert KEY not in out
        assert mask(KEY) in out
        assert "whsec_" + "a" * 32 not in out
        assert "pi_123_secret_456789abcdef" not in out
        assert out.startswith("Invalid API Key provided: sk_test_")

    def test_leaves_ordinary_text(self) -> None:
        assert redact("No such price: 'price_123'") == "No such price: 'price_123'"
