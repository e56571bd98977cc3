"""The Actions page in AppTest: every catalog form renders, amounts preview as money while typing, results
come back as tables with snippets, a double submit creates one object, a live write needs a confirmation."""

from __future__ import annotations

import pytest
from playground_helpers import errors, no_exception, open_page, pick_action, show_optional, texts
from streamlit.testing.v1 import AppTest

from core import catalog
from core.environments import Connection, Environment, EnvironmentConfig
from core.secrets import Secret
from ui import action_picker, connections_step, sandbox, state

PAGE = "pages/actions.py"
# Keys of one made-up account: every key of an account shares its id after the "5" (core.keys).
ACCOUNT = "1PlaygroundAcct0"

LIVE_SK = "sk_live_5" + ACCOUNT + "Q1w2E3r4T5" * 8 + "y6"


def pick(action_id: str, *, optional: bool = False) -> AppTest:
    return pick_action(open_page(PAGE), action_id, optional=optional)


def run(at: AppTest, action_id: str) -> AppTest:
    at.button(key=f"actions_{action_id}_run").click().run()
    no_exception(at)
    return at


def create_product(at: AppTest, name: str) -> AppTest:
    pick_action(at, "create_product")
    at.text_input(key="actions_create_product_name").input(name).run()
    return run(at, "create_product")


@pytest.mark.parametrize("action", catalog.ACTIONS, ids=lambda a: a.id)
def test_every_catalog_action_has_a_form(action: catalog.Action) -> None:
    at = AppTest.from_file(open_page.__globals__["APP"], default_timeout=60)
    at.session_state[action_picker.SELECTED] = action.id
    at.run().switch_page(PAGE).run()
    no_exception(at)
    show_optional(at, action.id)
    assert [s.value for s in at.subheader][:1] == [action.name]
    assert at.button(key=f"actions_{action.id}_run")
    for inp in action.inputs:
        key = f"actions_{action.id}_{inp.name.replace('.', '__')}"
        assert any(w.key == key for w in at.get(_widget_kind(inp))), f"no widget for {inp.name}"
    assert ("Backend-only in WeWeb" in texts(at)) == (
        action.availability is catalog.Availability.BACKEND_ONLY
    )


def _widget_kind(inp: catalog.Input) -> str:
    kind = inp.kind
    if kind in (catalog.InputKind.METADATA, catalog.InputKind.JSON):
        return "text_area"
    if kind in (catalog.InputKind.ENUM, catalog.InputKind.BOOL, catalog.InputKind.CURRENCY):
        return "selectbox"
    if kind is catalog.InputKind.ID and inp.name not in ("starting_after", "ending_before"):
        return "selectbox"
    return "text_input"


@pytest.mark.parametrize(
    ("amount", "currency", "shown", "problem"),
    [
        ("1000", "usd", "1000 usd → $10.00", None),
        ("1000", "jpy", "1000 jpy → ¥1,000", None),
        ("1005", "kwd", "1005 kwd → KWD 1.005", "must end in 0"),
        ("10", "usd", "10 usd → $0.10", "below Stripe's minimum charge of $0.50"),
        ("99999999999", "usd", "99999999999 usd → $999,999,999.99", "is too large"),
        ("10.00", "usd", None, "written as money"),
    ],
)
def test_amount_preview_follows_typing_and_currency(
    amount: str, currency: str, shown: str | None, problem: str | None
) -> None:
    at = pick("create_payment_intent")
    at.selectbox(key="actions_create_payment_intent_currency").select(currency).run()
    at.text_input(key="actions_create_payment_intent_amount").input(amount).run()  # no submit: a live rerun
    no_exception(at)
    page = texts(at)
    if shown:
        assert shown in page
    if problem:
        assert any(problem in e for e in errors(at))
    else:
        assert not at.error


def test_small_usd_amount_warns_it_looks_like_dollars() -> None:
    at = pick("create_payment_intent")
    at.text_input(key="actions_create_payment_intent_amount").input("25").run()
    assert any("smallest unit (100 = $1.00)" in w for w in texts(at).splitlines())
    assert [w for w in at.warning if "25 is $0.25" in w.value.replace("\\", "")]


def test_changing_the_currency_updates_the_preview_without_running() -> None:
    at = pick("create_price")
    at.text_input(key="actions_create_price_unit_amount").input("1000").run()
    assert "1000 usd → $10.00" in texts(at)
    at.selectbox(key="actions_create_price_currency").select("jpy").run()
    assert "1000 jpy → ¥1,000" in texts(at)
    assert "actions_create_price_result" not in at.session_state


@pytest.mark.parametrize(
    ("action_id", "field"),
    [
        ("refund_payment", "amount"),
        ("update_payment_intent", "amount"),
        ("capture_payment_intent", "amount_to_capture"),
    ],
)
def test_amounts_without_a_currency_preview_in_a_chosen_one(action_id: str, field: str) -> None:
    at = pick(action_id)
    at.text_input(key=f"actions_{action_id}_{field}").input("1000").run()
    assert "1000 usd → $10.00" in texts(at)
    at.selectbox(key=f"actions_{action_id}_{field}_preview_currency").select("jpy").run()
    assert "1000 jpy → ¥1,000" in texts(at)


def test_create_product_then_price_with_the_product_picker() -> None:
    at = create_product(open_page(PAGE), "Picker T-shirt")
    product_id = at.dataframe[0].value["id"][0]
    pick_action(at, "create_price")
    picker = at.selectbox(key="actions_create_price_product")
    # Filled from the account (the cache was cleared by the write), labelled with the product's name.
    assert f"{product_id} · Picker T-shirt" in picker.options
    picker.set_value(product_id).run()
    at.text_input(key="actions_create_price_unit_amount").input("1999").run()
    at = run(at, "create_price")
    table = at.dataframe[0].value
    assert table["unit_amount"][0] == 1999
    assert table["unit_amount (display)"][0] == "$19.99"
    assert table["product"][0] == product_id
    python, curl = (c.value for c in at.code)
    assert "client.v1.prices.create" in python
    assert "STRIPE_SECRET_KEY" in python
    assert "-d unit_amount=1999" in curl
    secret = at.session_state[sandbox.ACCOUNT].secret_key
    assert secret not in python + curl + texts(at)
    assert at.get("download_button")  # CSV of the table


def test_backend_only_action_says_what_it_means_in_weweb() -> None:
    at = pick("finalize_invoice")
    warning = "\n".join(w.value for w in at.warning)
    assert "Backend-only in WeWeb" in warning
    assert "needs a custom API" in warning


def test_search_narrows_the_action_list() -> None:
    at = open_page(PAGE)
    at.text_input(key="actions_search").input("refund").run()
    shown = set(at.selectbox(key="actions_pick").options)
    assert action_picker.label("refund_payment") in shown
    assert action_picker.label("create_product") not in shown


def test_a_rerun_of_the_same_submission_creates_one_object() -> None:
    at = pick("create_customer", optional=True)
    at.text_input(key="actions_create_customer_email").input("twice@example.com").run()
    submission = at.session_state["actions_create_customer_submission"]
    at.run()  # a rerun keeps the submission while the inputs stay the same
    assert at.session_state["actions_create_customer_submission"] == submission
    at = run(at, "create_customer")
    first = at.session_state["actions_create_customer_result"]
    assert first.idempotency_key == submission.key
    # The second click of a double click, even one arriving after the first answer: Stripe replays it.
    at = run(at, "create_customer")
    second = at.session_state["actions_create_customer_result"]
    assert second.idempotency_key == submission.key
    assert second.request.replayed
    assert second.objects[0]["id"] == first.objects[0]["id"]
    assert "did not create anything new" in texts(at)
    # Only an explicit new submission creates another object with the same inputs.
    at.button(key="actions_create_customer_new_submission").click().run()
    at = run(at, "create_customer")
    third = at.session_state["actions_create_customer_result"]
    assert third.idempotency_key != submission.key
    assert not third.request.replayed
    assert third.objects[0]["id"] != first.objects[0]["id"]


def test_changing_an_input_starts_a_new_submission() -> None:
    at = pick("create_customer", optional=True)
    at.text_input(key="actions_create_customer_email").input("a@example.com").run()
    before = at.session_state["actions_create_customer_submission"].key
    at.text_input(key="actions_create_customer_email").input("b@example.com").run()
    assert at.session_state["actions_create_customer_submission"].key != before


def test_validation_problems_block_the_call_with_a_fix() -> None:
    at = pick("create_payment_intent")
    at.text_input(key="actions_create_payment_intent_amount").input("10.00").run()
    at = run(at, "create_payment_intent")
    result = at.session_state["actions_create_payment_intent_result"]
    assert result.blocked
    assert any("not sent" in e for e in errors(at))


def test_a_stripe_error_is_shown_with_its_message_type_and_guidance() -> None:
    at = pick("create_payment_intent")
    at.text_input(key="actions_create_payment_intent_amount").input("2000").run()
    at = run(at, "create_payment_intent")
    intent = at.session_state["actions_create_payment_intent_result"].objects[0]["id"]
    pick_action(at, "refund_payment")
    at.selectbox(key="actions_refund_payment_payment_intent").set_value(intent).run()
    at = run(at, "refund_payment")
    assert any(
        f"This PaymentIntent ({intent}) does not have a successful charge to refund." in e for e in errors(at)
    )
    assert any("type: `invalid_request_error`" in c.value for c in at.caption)
    assert len(at.error) >= 2  # the headline and the pitfall catalog's guidance with its fix


def test_a_live_key_write_needs_an_explicit_confirmation() -> None:
    at = AppTest.from_file(open_page.__globals__["APP"], default_timeout=60).run()
    api_base = at.session_state[sandbox.ACCOUNT].api_base if sandbox.ACCOUNT in at.session_state else None
    live = Connection(
        name="Live by mistake",
        environments={Environment.EDITOR: EnvironmentConfig(secret_key=Secret(LIVE_SK))},
        api_base=api_base or "http://127.0.0.1:9",
    )
    at.session_state[state.CONNECTIONS] = [live]
    at.session_state[connections_step.ACTIVE] = live.name
    at.session_state[action_picker.SELECTED] = "create_product"
    at.switch_page(PAGE).run()
    at.text_input(key="actions_create_product_name").input("Real product").run()
    assert at.button(key="actions_create_product_run").disabled  # nothing can be sent before confirming
    assert "actions_create_product_result" not in at.session_state
    at.checkbox(key="actions_create_product_confirm_live").check().run()
    assert not at.button(key="actions_create_product_run").disabled
    at = run(at, "create_product")
    sent = at.session_state["actions_create_product_result"]
    assert sent.request.sent  # confirmed: it went out (the sandbox refuses live keys, Stripe would not)
    assert LIVE_SK not in texts(at)


def test_list_results_page_on_by_cursor_or_load_all() -> None:
    at = create_product(open_page(PAGE), "First")
    at = create_product(at, "Second")
    pick_action(at, "list_products", optional=True)
    at.text_input(key="actions_list_products_limit").input("1").run()
    at = run(at, "list_products")
    assert list(at.dataframe[0].value["name"]) == ["Second"]
    at.button(key="actions_list_products_next_page").click().run()
    cursor = at.text_input(key="actions_list_products_starting_after").value
    assert cursor.startswith("prod_")
    at = run(at, "list_products")
    assert list(at.dataframe[0].value["name"]) == ["First"]
    at.text_input(key="actions_list_products_starting_after").input("").run()
    at.checkbox(key="actions_list_products_load_all").check().run()
    at = run(at, "list_products")
    assert list(at.dataframe[0].value["name"]) == ["Second", "First"]


def test_the_picker_lists_every_action_grouped_with_backend_only_marked() -> None:
    at = open_page(PAGE)
    listed = at.selectbox(key="actions_pick").options
    assert listed == [action_picker.label(a.id) for a in catalog.ACTIONS]  # catalog (group) order
    assert "Finalize Invoice · Invoices · backend-only" in listed
    assert "Create Product · Products" in listed
    assert at.selectbox(key="actions_pick").value == action_picker.DEFAULT


def test_the_picked_action_survives_a_page_switch() -> None:
    at = pick("create_price")
    at.switch_page("pages/home.py").run()
    at.switch_page(PAGE).run()
    assert [s.value for s in at.subheader][:1] == ["Create Price"]
    assert at.selectbox(key="actions_pick").value == "create_price"


def test_hidden_optional_inputs_keep_their_values_and_are_still_sent() -> None:
    at = pick("create_product")
    assert not any(t.key == "actions_create_product_description" for t in at.text_input)  # hidden at first
    show_optional(at, "create_product")
    at.text_input(key="actions_create_product_description").input("Kept while hidden").run()
    at.text_input(key="actions_create_product_name").input("Toggle product").run()
    at.toggle(key="actions_create_product_optional").set_value(False).run()
    assert not any(t.key == "actions_create_product_description" for t in at.text_input)
    assert "Hidden and still sent: Description." in texts(at)
    at = run(at, "create_product")
    sent = at.session_state["actions_create_product_result"]
    assert sent.objects[0]["description"] == "Kept while hidden"
    show_optional(at, "create_product")
    assert at.text_input(key="actions_create_product_description").value == "Kept while hidden"
