"""Bad input in the app's forms (AppTest): every text field of every page, and every text field of every
catalog action's form, gets malformed, huge, unicode, NUL and injection-looking text. The app answers with an
inline message or Stripe's error, never an exception or a traceback, and nothing stored before is lost."""

from __future__ import annotations

import pytest
import stripe
from setup_helpers import open_page, sandbox_client, sandbox_connection
from streamlit.testing.v1 import AppTest

from core import catalog

NASTY = [
    "'; DROP TABLE objects;--",
    "<script>alert('x')</script>",
    "a\x00b",
    "Ünïcødé ✓ 漢字 🧾 \u202e",
    "x" * 20_000,
    "%ZZ&name[]=a&metadata[a][b]=c",
    "{{7*7}} ${7*7} %s",
    "   ",
    "-1e309",
    '{"unterminated": ',
]
PAGES = [
    "pages/home.py",
    "pages/keys.py",
    "pages/connections.py",
    "pages/test_connection.py",
    "pages/data.py",
    "pages/flows.py",
    "pages/webhooks.py",
    "pages/request_log.py",
]
# Pages that show no free-text field (only buttons, pickers, tables); every other page must offer some, or
# the fuzzing below would silently fuzz nothing.
NO_TEXT_FIELDS = {"pages/home.py", "pages/test_connection.py", "pages/request_log.py"}


def _no_exception(at: AppTest, where: str) -> None:
    assert not at.exception, (where, [str(e.value)[:300] for e in at.exception])
    for kind in ("error", "warning", "markdown", "code"):
        for element in at.get(kind):
            assert "Traceback (most recent call last)" not in str(element.value), where


def _text_fields(at: AppTest) -> list[object]:
    return [*at.text_input, *at.text_area]


def _session() -> tuple[AppTest, stripe.StripeClient, str]:
    at = open_page("pages/home.py")
    sandbox_connection(at, "Bad input")
    client = sandbox_client(at)
    keep = client.v1.products.create({"name": "Keep me"}).id
    return at, client, keep


@pytest.mark.parametrize("page", PAGES)
def test_every_text_field_of_every_page(page: str) -> None:
    at, client, keep = _session()
    at.switch_page(page).run()
    fields = _text_fields(at)
    assert bool(fields) == (page not in NO_TEXT_FIELDS), f"{page}: {len(fields)} text fields"
    for i, field in enumerate(fields):
        key = getattr(field, "key", None)
        for value in NASTY[i % 3 :: 3]:
            target = at.text_input(key=key) if key and any(f.key == key for f in at.text_input) else None
            if target is None:
                target = next((f for f in _text_fields(at) if getattr(f, "key", None) == key), None)
            if target is None:
                break  # the field went away (a pasted key is taken and the field cleared)
            target.input(value).run()
            _no_exception(at, f"{page} {key} {value[:20]!r}")
            for button in [b for b in at.button if str(b.label).startswith(("Run", "Check", "Verify"))][:2]:
                button.click().run()
                _no_exception(at, f"{page} {key} {button.label}")
    assert client.v1.products.retrieve(keep).name == "Keep me"


def test_every_text_field_of_every_action_form() -> None:
    at, client, keep = _session()
    at.switch_page("pages/actions.py").run()
    filled = 0
    for n, action in enumerate(catalog.ACTIONS):
        at.selectbox(key="actions_pick").set_value(action.id).run()
        optional = f"actions_{action.id}_optional"  # every input, the optional ones too
        if any(t.key == optional for t in at.toggle):
            at.toggle(key=optional).set_value(True).run()
        for i, field in enumerate(_text_fields(at)):
            if str(field.key).startswith(f"actions_{action.id}_"):
                field.input(NASTY[(n + i) % len(NASTY)])
                filled += 1
        at.run()
        _no_exception(at, action.id)
        confirm = f"actions_{action.id}_confirm_live"
        if any(c.key == confirm for c in at.checkbox):
            at.checkbox(key=confirm).check()
        at.button(key=f"actions_{action.id}_run").click().run()
        _no_exception(at, f"{action.id} run")
        said = [str(e.value) for e in at.error] + [str(s.value) for s in at.success]
        assert said, f"{action.id}: the run must say something (an inline message or the result)"
    assert filled >= 100, f"only {filled} action text fields were found"
    assert client.v1.products.retrieve(keep).name == "Keep me"
