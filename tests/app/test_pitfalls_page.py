"""Pitfalls & limitations in AppTest: each setup-guide pitfall happens for real in the sandbox, in a click."""

from __future__ import annotations

from setup_helpers import errors, open_page, texts, warnings
from streamlit.testing.v1 import AppTest

from core.pitfalls import CATALOG, EDITOR_LIMITATIONS

PAGE = "pages/pitfalls.py"


def trigger(pitfall_id: str) -> AppTest:
    at = open_page(PAGE)
    return at.button(key=f"pitfalls_{pitfall_id}_try").click().run()


def test_every_catalog_entry_is_on_the_page() -> None:
    at = open_page(PAGE)
    shown = texts(at) + "\n".join(e.label for e in at.expander)
    limitations = {pitfall_id for pitfall_id, _, _ in EDITOR_LIMITATIONS.values()}
    for pitfall in CATALOG:
        if pitfall.id not in limitations:  # those are rows of the limitations table
            assert pitfall.title in shown, pitfall.id


def test_editor_limitations_are_a_table_with_what_to_do_instead() -> None:
    table = open_page(PAGE).dataframe[0].value
    assert list(table["Resource"]) == [label for _, label, _ in EDITOR_LIMITATIONS.values()]
    checkout = table[table["Resource"] == "Checkout Sessions"].iloc[0]
    assert checkout["In the editor"] == "Create"
    assert "custom API" in checkout["What to do instead"]


def test_a_live_key_in_the_editor_is_caught() -> None:
    at = trigger("live_key_in_editor")
    found = errors(at)
    assert any("Editor uses live keys (pk_live_…, sk_live_…)" in e for e in found)
    assert any("Live mode keys are not accepted here" in e for e in found)  # the sandbox's own answer
    # QA: the guidance blamed a mistyped or deleted key; the sandbox refuses live keys as it is test-only.
    assert any("The local sandbox does not accept live keys" in e for e in found)
    assert not any("mistyped, truncated, rolled or deleted" in e for e in found)


def test_an_amount_of_10_for_10_dollars_is_caught_before_sending() -> None:
    at = trigger("amounts_in_cents")
    shown = texts(at)
    assert "not sent" in shown
    assert any("10 is $0.10" in w for w in warnings(at))
    assert any("below Stripe's minimum charge of $0.50" in e for e in errors(at))


def test_a_restricted_key_without_product_access_gets_a_real_403() -> None:
    at = trigger("restricted_key_permissions")
    found = errors(at)
    assert any("lacks `rak_product_read`" in e for e in found)
    assert any("does not have the required permissions" in e for e in found)


def test_canceling_a_succeeded_payment_intent_is_explained() -> None:
    at = trigger("payment_intent_cannot_be_canceled")
    assert "(status: succeeded)" in texts(at)
    found = errors(at)
    assert any("has succeeded" in e and "can no longer be canceled" in e for e in found)
    assert any("Refund Payment" in e for e in found)
