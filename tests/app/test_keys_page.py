"""Step 1 in AppTest: every pasted key gets a verdict at once, and the raw key leaves the widget."""

from __future__ import annotations

import re

from streamlit.testing.v1 import AppTest

from core.secrets import Secret
from ui import keys_step, sandbox
from ui.navigation import ROOT

APP = str(ROOT / "app.py")
# Keys of one made-up account: every key of an account shares its id after the "5" (core.keys).
ACCOUNT = "1PlaygroundAcct0"

TEST_PK = "pk_test_5" + ACCOUNT + "A1b2C3d4E5" * 8 + "f6"  # 107 characters, like a current key
TEST_SK = "sk_test_5" + ACCOUNT + "Z9y8X7w6V5" * 8 + "u4"
LIVE_SK = "sk_live_5" + ACCOUNT + "Q1w2E3r4T5" * 8 + "y6"


def keys_page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30).run()
    return at.switch_page("pages/keys.py").run()


def paste(at: AppTest, widget: str, value: str) -> AppTest:
    return at.text_input(key=widget).input(value).run()


def plain(markdown: str) -> str:
    """What the person reads: markdown escapes removed (core's texts are escaped before rendering)."""
    return re.sub(r"\\(.)", r"\1", markdown)


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [e.value for e in at.error] + [w.value for w in at.warning]
    return plain("\n".join(parts + [s.value for s in at.success] + [i.value for i in at.info]))


def errors(at: AppTest) -> list[str]:
    return [plain(e.value) for e in at.error]


def test_valid_pair_is_accepted_masked_and_marks_step_one_done() -> None:
    at = paste(paste(keys_page(), "keys_publishable", TEST_PK), "keys_secret", TEST_SK)
    assert not at.exception
    assert not at.error
    assert at.text_input(key="keys_secret").value == ""  # the raw key left the widget
    shown = texts(at)
    assert "Secret key (test mode)" in shown
    assert "Publishable key (test mode)" in shown
    assert TEST_SK[:8] + "…" + TEST_SK[-4:] in shown
    assert TEST_SK not in shown
    assert "Step 1 is done" in shown
    assert isinstance(at.session_state[keys_step.SECRET], Secret)


def test_publishable_key_in_secret_field_is_an_error_with_its_fix() -> None:
    at = paste(keys_page(), "keys_secret", TEST_PK)
    found = errors(at)
    assert any("publishable key (pk_test_…) in the Secret Key field" in e for e in found)
    assert any("Paste the secret key (sk_test_…)" in e for e in found)  # the fix comes with it
    assert "Step 1 is done" not in texts(at)


def test_secret_key_in_publishable_field_is_called_a_security_problem() -> None:
    at = paste(keys_page(), "keys_publishable", TEST_SK)
    assert any("security problem" in e for e in errors(at))


def test_test_and_live_keys_together_are_a_mode_mismatch() -> None:
    at = paste(paste(keys_page(), "keys_publishable", TEST_PK), "keys_secret", LIVE_SK)
    assert any("test key" in e and "live key" in e for e in errors(at))
    assert "Step 1 is done" not in texts(at)


def test_truncated_key_with_whitespace_gets_each_problem_and_stays_editable() -> None:
    at = paste(keys_page(), "keys_secret", "  sk_test_51abc\n")
    shown = texts(at)
    assert "too short" in shown
    assert "were removed" in shown  # the whitespace warning
    # Shorter than a key: still being typed, so it stays in the field; a key-sized value leaves it.
    assert at.text_input(key="keys_secret").value == "  sk_test_51abc\n"


def test_restricted_key_is_usable_and_explained() -> None:
    at = paste(keys_page(), "keys_secret", "rk_test_" + "51" + "R4nd0mK3y5" * 9 + "abcdefg")
    assert not at.error
    assert any("restricted key" in plain(i.value) for i in at.info)


def test_use_sandbox_keys_fills_both_fields_with_this_sessions_keys() -> None:
    at = keys_page()
    at.button[0].click().run()
    assert not at.exception
    mine = at.session_state["setup_sandbox_account"]
    assert isinstance(mine, sandbox.SandboxAccount)
    assert at.session_state[keys_step.PUBLISHABLE].reveal() == mine.publishable_key
    assert at.session_state[keys_step.SECRET] == Secret(mine.secret_key)
    assert "Step 1 is done" in texts(at)


def test_clear_forgets_the_stored_key() -> None:
    at = paste(keys_page(), "keys_secret", TEST_SK)
    at.button(key="keys_secret_clear").click().run()
    assert keys_step.SECRET not in at.session_state


def test_keys_of_two_accounts_are_warned_about_and_not_called_a_pair() -> None:
    """Issue "tells the truth", item 2: pk_test_51AAAA… with sk_test_51BBBB… said "belong together"."""
    at = keys_page()
    at = paste(at, "keys_publishable", TEST_PK)
    at = paste(at, "keys_secret", "sk_test_5" + "1OtherAccount000" + "Z9y8X7w6V5" * 8 + "u4")
    warned = [plain(w.value) for w in at.warning if "two different Stripe accounts" in w.value]
    assert len(warned) == 1
    assert "Developers → API keys" in warned[0]
    assert "Step 1 is done: both keys are usable." in texts(at)
    assert "belong together" not in texts(at)
    at = paste(at, "keys_secret", TEST_SK)  # the same account's secret key
    assert not any("two different Stripe accounts" in w.value for w in at.warning)
    assert "Step 1 is done: both keys are usable and belong together." in texts(at)
