"""notebook_api against the real sandbox: what a notebook cell gets back, as HTML and as plain text.

Every test that renders something also checks that the full key of the session appears in no rendered form.
"""

from __future__ import annotations

import json
import socket
import urllib.parse
from typing import Any

import pytest
import stripe

import notebook_api as nb
from core.results import RunResult
from core.secrets import Secret

FAKE_BODY = "EXAMPLEnotARealKey000000"  # 24 characters, like an older Stripe key body


def rendered(obj: Any) -> str:
    """Every textual form a notebook or a terminal may show."""
    html = obj._repr_html_() if hasattr(obj, "_repr_html_") else ""
    return "\n".join((str(obj), repr(obj), html))


def assert_no_secret(text: str, *secrets: str) -> None:
    # A boolean, not `secret in text`: a failing assertion must not print the secret it found.
    shown = [i for i, secret in enumerate(secrets) if secret in text]
    assert not shown, f"secret(s) number {shown} appear in the rendered text"


@pytest.fixture
def sb(sandbox: Any) -> nb.Sandbox:
    return nb.Sandbox(sandbox.api_base)


@pytest.fixture
def pg(sandbox: Any, account: dict[str, str]) -> nb.Playground:
    return nb.connect(account["secret_key"], account["publishable_key"], api_base=sandbox.api_base)


def test_start_sandbox_attaches_to_a_running_sandbox(sandbox: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(nb.SANDBOX_URL_VARIABLE, sandbox.api_base + "/")
    attached = nb.start_sandbox()
    assert attached.api_base == sandbox.api_base
    assert "external" in repr(attached)
    attached.stop()  # not ours: the fixture's server keeps serving
    assert attached.connect().check().ok


def test_start_sandbox_starts_and_stops_an_in_process_server(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(nb.SANDBOX_URL_VARIABLE, raising=False)
    with nb.start_sandbox() as own:
        assert "in-process" in repr(own)
        pg = own.connect()
        assert pg.account_id is not None
        assert pg.account_id.startswith("acct_")
        assert pg.run("list_products").ok
        port = urllib.parse.urlsplit(own.api_base).port
    assert port is not None
    with pytest.raises(ConnectionRefusedError), socket.create_connection(("127.0.0.1", port), timeout=1):
        pass


def test_every_sandbox_connect_gets_its_own_account(sb: nb.Sandbox) -> None:
    first, second = sb.connect(), sb.connect()
    assert first.account_id != second.account_id
    assert first.run("create_product", name="Only mine").ok
    assert second.run("list_products").objects == []


def test_playground_repr_masks_the_key(pg: nb.Playground, account: dict[str, str]) -> None:
    text = rendered(pg)
    assert_no_secret(text, account["secret_key"])
    assert pg.masked_key in text
    assert "Editor, test mode, sandbox" in text
    assert str(pg.secret_key) == pg.masked_key
    html = pg._repr_html_()
    assert "<table>" in html
    assert "Editor" in html
    assert pg.masked_key in html


def test_run_by_id_and_by_weweb_name_shows_money(pg: nb.Playground, account: dict[str, str]) -> None:
    product = pg.run("create_product", name="T-shirt")
    assert isinstance(product, RunResult)
    assert product.ok, str(product)
    price = pg.run("Create Price", product=product.object["id"], unit_amount=1000, currency="usd")
    assert price.ok, str(price)
    assert price.object["unit_amount"] == 1000
    assert price.table.loc[0, "unit_amount (display)"] == "$10.00"
    text = rendered(price)
    assert "$10.00" in text
    assert "<table" in price._repr_html_()
    assert_no_secret(text, account["secret_key"])


def test_nested_inputs_may_be_dicts(pg: nb.Playground) -> None:
    product = pg.run("create_product", name="Membership")
    monthly = pg.run(
        "create_price",
        product=product.object["id"],
        unit_amount=1500,
        currency="eur",
        recurring={"interval": "month"},
        metadata={"plan": "basic"},
    )
    assert monthly.ok, str(monthly)
    assert monthly.object["recurring"]["interval"] == "month"
    assert monthly.object["metadata"] == {"plan": "basic"}


def test_unknown_action_names_close_matches(pg: nb.Playground) -> None:
    with pytest.raises(KeyError, match="create_price"):
        pg.run("create_prices", product="prod_x")


def test_unknown_input_is_reported_not_sent(pg: nb.Playground) -> None:
    result = pg.run("create_product", name="Hat", colour="red")
    assert not result.ok
    assert result.blocked
    assert "no input 'colour'" in str(result)


def test_check_says_an_empty_list_still_works(pg: nb.Playground, account: dict[str, str]) -> None:
    checked = pg.check()
    assert checked.ok is True
    assert "empty, and that still means the connection works" in checked.title
    html = checked._repr_html_()
    assert "still means the connection works" in html
    assert_no_secret(rendered(checked), account["secret_key"])
    pg.run("create_product", name="Mug")
    listed = pg.check()
    assert "returned 1 product" in listed.title
    assert listed.table is not None
    assert list(listed.table["name"]) == ["Mug"]


def test_restricted_key_403_is_explained_remembered_and_fixed(
    sb: nb.Sandbox, pg: nb.Playground, account: dict[str, str]
) -> None:
    read_only = sb.restricted_key(pg, ["rak_product_read"])
    assert isinstance(read_only, Secret)
    assert read_only.reveal().startswith("rk_test_")
    limited = sb.connect(secret_key=read_only)
    assert limited.run("list_products").ok
    refused = limited.run("create_product", name="Hat")
    assert not refused.ok
    assert refused.error is not None
    assert refused.error.http_status == 403
    assert "rak_product_write" in str(refused)
    assert_no_secret(rendered(refused), read_only.reveal(), account["secret_key"])
    again = limited.run("create_product", name="Hat")
    assert again.blocked  # the 403 was remembered: not sent a second time
    assert "rak_product_write" in again.warnings[-1].message
    writer = sb.connect(secret_key=sb.restricted_key(pg, ["rak_product_write"]))
    assert writer.run("create_product", name="Hat").ok


def test_restricted_key_with_an_unknown_permission_is_refused(sb: nb.Sandbox, pg: nb.Playground) -> None:
    with pytest.raises(nb.SandboxError, match="Unknown permission"):
        sb.restricted_key(pg, ["rak_products_write"])


def test_payment_intent_3ds_decline_and_the_cancel_rule(sb: nb.Sandbox, pg: nb.Playground) -> None:
    card = {"currency": "usd", "payment_method_types": "card", "confirm": True}
    needs_auth = pg.run(
        "create_payment_intent", amount=2000, payment_method="pm_card_authenticationRequired", **card
    )
    assert needs_auth.object["status"] == "requires_action"
    done = sb.authenticate(pg, needs_auth.object["id"])
    assert done.ok is True
    assert "is now succeeded" in done.title
    assert pg.run("retrieve_payment_intent", id=needs_auth.object["id"]).object["status"] == "succeeded"

    declined = pg.run("create_payment_intent", amount=2000, payment_method="pm_card_chargeDeclined", **card)
    assert not declined.ok
    short = nb.brief(declined, "status")
    assert "Stripe answered 402 (card_error, card_declined, generic_decline)" in str(short)

    canceled = pg.run("cancel_payment_intent", id=needs_auth.object["id"])
    assert canceled.blocked
    assert canceled.warnings[-1].pitfall == "payment_intent_cannot_be_canceled"
    text = str(nb.brief(canceled))
    assert "succeeded" in text
    assert "Refund" in text  # the fix: a succeeded payment is refunded, not canceled


def test_failed_3ds_leaves_the_intent_waiting_for_a_new_card(sb: nb.Sandbox, pg: nb.Playground) -> None:
    intent = pg.run(
        "create_payment_intent",
        amount=2000,
        currency="usd",
        payment_method="pm_card_authenticationRequired",
        payment_method_types="card",
        confirm=True,
    )
    failed = sb.authenticate(pg, intent.object["id"], succeed=False)
    assert failed.ok is False
    assert failed.value["status"] == "requires_payment_method"


def test_brief_keeps_money_columns_next_to_amounts(pg: nb.Playground) -> None:
    intent = pg.run(
        "create_payment_intent",
        amount=1999,
        currency="jpy",
        payment_method="pm_card_visa",
        payment_method_types="card",
        confirm=True,
    )
    short = nb.brief(intent, "status", "amount", "no_such_column")
    assert short.table is not None
    assert list(short.table.columns) == ["id", "status", "amount", "amount (display)"]
    assert short.table.loc[0, "amount (display)"] == "¥1,999"
    assert short.ok is True


def test_checkout_paid_through_the_hosted_page(sb: nb.Sandbox, pg: nb.Playground) -> None:
    product = pg.run("create_product", name="Course")
    price = pg.run("create_price", product=product.object["id"], unit_amount=4900, currency="eur")
    session = pg.run(
        "create_checkout_session",
        mode="payment",
        line_items=[{"price": price.object["id"], "quantity": 1}],
        success_url="https://example.com/thanks?session_id={CHECKOUT_SESSION_ID}",
    )
    assert session.ok, str(session)
    declined = sb.pay_checkout(session, pg, card="4000000000000002")
    assert declined.ok is False
    assert "Your card was declined." in declined.title
    paid = sb.pay_checkout(session, pg)
    assert paid.ok is True
    assert paid.value == f"https://example.com/thanks?session_id={session.object['id']}"
    after = pg.run("retrieve_checkout_session", id=session.object["id"])
    assert after.object["status"] == "complete"
    assert after.object["payment_status"] == "paid"
    twice = sb.pay_checkout(session.object, pg)
    assert twice.ok is False
    assert "complete" in twice.title


def test_pay_checkout_only_talks_to_the_sandbox(sb: nb.Sandbox) -> None:
    with pytest.raises(ValueError, match="not a page of this sandbox"):
        sb.pay_checkout("https://checkout.stripe.com/c/pay/cs_test_abc")


def test_inspect_key_views_never_show_the_key() -> None:
    secret = "sk_test_" + FAKE_BODY
    pasted = nb.inspect_key(f'  "{secret}"\n', "secret")
    assert pasted.ok is True
    assert {f.code for f in pasted.findings} >= {"key.whitespace_stripped", "key.quotes_stripped"}
    assert "secret key (test mode)" in pasted.title
    wrong_field = nb.inspect_key(secret, "publishable")
    assert wrong_field.ok is False
    assert wrong_field.errors[0].code == "key.secret_in_publishable_field"
    for shown in (pasted, wrong_field):
        text = rendered(shown)
        assert_no_secret(text, secret, FAKE_BODY)
        assert "sk_test_" in text
    with pytest.raises(ValueError, match="Unknown key field"):
        nb.inspect_key(secret, "password")


def test_check_environment_live_key_in_the_editor_is_an_error() -> None:
    live_pk, live_sk = "pk_live_" + FAKE_BODY, "sk_live_" + FAKE_BODY
    editor = nb.check_environment("Editor", publishable_key=live_pk, secret_key=live_sk)
    assert editor.ok is False
    assert {f.code for f in editor.errors} == {"env.live_key_outside_production"}
    assert_no_secret(rendered(editor), live_pk, live_sk)
    production = nb.check_environment("production", publishable_key=live_pk, secret_key=live_sk)
    assert production.ok is True
    assert not production.errors


def test_live_key_in_the_editor_blocks_writes_before_sending(sandbox: Any) -> None:
    live = nb.connect("sk_live_" + FAKE_BODY, api_base=sandbox.api_base)
    result = live.run("create_product", name="Oops")
    assert result.blocked
    assert result.warnings[-1].pitfall == "live_key_in_editor"


def test_amount_previews_across_currencies() -> None:
    shown = nb.preview_amounts("1000", ["usd", "jpy", "kwd"])
    assert shown.ok is True
    assert shown.table is not None
    rows = shown.table.set_index("currency")
    assert rows.loc["usd", "means"] == "$10.00"
    assert rows.loc["jpy", "means"] == "¥1,000"
    assert "1.000" in rows.loc["kwd", "means"]
    assert list(rows["decimals"]) == [2, 0, 3]
    assert "$10.00" in shown._repr_html_()
    odd = nb.preview_amount("1005", "kwd")
    assert odd.ok is False
    assert "must end in 0" in str(odd)


def test_verify_webhook_valid_and_tampered() -> None:
    secret = "whsec_" + FAKE_BODY + FAKE_BODY
    payload = json.dumps({"id": "evt_123", "object": "event", "type": "payment_intent.succeeded"})
    header = stripe.WebhookSignature.generate_signature_header(payload, secret)
    good = nb.verify_webhook(payload, header, secret)
    assert good.ok is True
    assert good.title == "Valid signature: payment_intent.succeeded evt_123"
    tampered = nb.verify_webhook(payload.replace("123", "124"), header, secret)
    assert tampered.ok is False
    assert tampered.errors[0].code == "webhook.no_match"
    for shown in (good, tampered):
        assert_no_secret(rendered(shown), secret, FAKE_BODY)


def test_show_prints_plain_text_outside_jupyter(capsys: pytest.CaptureFixture[str]) -> None:
    nb.show(nb.preview_amount(1000, "usd"), [])
    out = capsys.readouterr().out
    assert "1000 usd → $10.00" in out
    assert "0 findings" in out
    with pytest.raises(TypeError, match="Nothing to show"):
        nb.show(42)


def test_connect_without_a_key_says_how(sb: nb.Sandbox) -> None:
    with pytest.raises(ValueError, match="start_sandbox"):
        nb.connect()
    fresh = nb.connect(sandbox=sb, environment="production")
    assert fresh.environment.label == "Production"
    keys = fresh.check_keys()
    assert keys.ok is True
    assert "usable, but read the 1 warning" in keys.title  # test pk and sk in Production: one problem
    assert {f.code for f in keys.findings} == {"env.test_key_in_production"}


def test_run_results_read_as_text_and_mask_client_secrets(pg: nb.Playground, account: dict[str, str]) -> None:
    intent = pg.run("create_payment_intent", amount=2000, currency="usd", payment_method_types="card")
    assert isinstance(intent, nb.Result)
    assert isinstance(intent, RunResult)
    client_secret = intent.object["client_secret"]
    assert "_secret_" in client_secret
    text = repr(intent)
    assert text == str(intent)
    assert text.startswith("Create Payment Intent: HTTP 200, 1 object")
    assert "$20.00" in text
    assert_no_secret(rendered(intent), client_secret, account["secret_key"])
    assert isinstance(
        nb.view(RunResult(**{k: getattr(intent, k) for k in intent.__dataclass_fields__})), nb.Result
    )


def test_authenticate_shows_the_intent_briefly(sb: nb.Sandbox, pg: nb.Playground) -> None:
    intent = pg.run(
        "create_payment_intent",
        amount=3000,
        currency="usd",
        payment_method="pm_card_authenticationRequired",
        payment_method_types="card",
        confirm=True,
    )
    shown = sb.authenticate(pg, intent.object["id"])
    assert shown.table is not None
    assert list(shown.table.columns)[:4] == ["id", "status", "amount", "amount (display)"]
    assert "client_secret" not in shown.table.columns
