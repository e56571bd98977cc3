"""The runner's mechanics against the real sandbox: validation, pitfalls, idempotency, tables, records."""

from __future__ import annotations

import json
import socket
from typing import Any

import pandas as pd
import pytest
import stripe
from sandbox_keys import restricted_key

from core import catalog
from core.client import ClientCache
from core.environments import Connection, Environment, EnvironmentConfig
from core.findings import Severity
from core.permissions import KeyKnowledge
from core.results import RunResult
from core.runner import Target, run, target_for
from core.secrets import Secret


@pytest.fixture
def target(sandbox: Any, account: dict[str, str]) -> Target:
    return Target(Secret(account["secret_key"]), sandbox.api_base, "Editor", "Stripe – Editor")


def ok(target: Target, action_id: str, **inputs: object) -> RunResult:
    result = run(action_id, inputs, target=target)
    assert result.ok, str(result)
    return result


# --- validation: specific messages, nothing sent -------------------------------------------------------


def test_missing_required_input_blocks_with_a_specific_message(target: Target) -> None:
    result = run("create_product", {}, target=target)
    assert not result.ok
    assert result.blocked
    assert result.request is not None
    assert result.request.sent is False
    assert [f.code for f in result.warnings] == ["input.required"]
    assert "Name is required for Create Product" in result.warnings[0].message


def test_wrong_id_prefix_names_what_the_id_is(target: Target) -> None:
    result = run("retrieve_product", {"id": "price_123"}, target=target)
    assert result.blocked
    assert "looks like a Price ID" in result.warnings[0].message


@pytest.mark.parametrize(
    ("inputs", "code", "text"),
    [
        ({"name": "x", "metadata": "{not json"}, "metadata.json", "not valid JSON"),
        ({"name": "x", "metadata": '["a"]'}, "metadata.shape", "key/value pairs"),
        ({"name": "x", "metadata": {"a[b]": "1"}}, "metadata.limits", "square brackets"),
        ({"name": "x", "active": "maybe"}, "input.bool", "not true or false"),
        ({"name": "x", "colour": "red"}, "input.unknown", "has no input 'colour'"),
    ],
)
def test_bad_shapes_are_rejected_before_sending(
    target: Target, inputs: dict[str, object], code: str, text: str
) -> None:
    result = run("create_product", inputs, target=target)
    assert result.blocked
    assert code in [f.code for f in result.warnings]
    assert any(text in f.message for f in result.warnings)


def test_enum_and_limit_and_cursor_checks(target: Target) -> None:
    assert (
        "Use one of: one_time, recurring"
        in run("list_prices", {"type": "monthly"}, target=target).warnings[0].fix
    )
    assert run("list_products", {"limit": 500}, target=target).warnings[0].code == "input.limit"
    both = run("list_products", {"starting_after": "prod_a", "ending_before": "prod_b"}, target=target)
    assert both.warnings[0].code == "input.cursors"


def test_refund_needs_exactly_one_of_payment_intent_or_charge(target: Target) -> None:
    neither = run("refund_payment", {}, target=target)
    assert "exactly one of Payment Intent ID or Charge ID" in neither.warnings[0].message
    both = run("refund_payment", {"payment_intent": "pi_1", "charge": "ch_1"}, target=target)
    assert "not both" in both.warnings[0].message


# --- amounts -----------------------------------------------------------------------------------------


def test_amount_with_a_decimal_point_is_an_error_that_shows_minor_units(target: Target) -> None:
    result = run("create_payment_intent", {"amount": "10.00", "currency": "usd"}, target=target)
    assert result.blocked
    finding = next(f for f in result.warnings if f.field == "amount")
    assert finding.code == "amount.not_integer"
    assert "1000" in finding.fix
    assert "$10.00" in finding.fix


def test_amount_below_the_minimum_is_caught_before_the_call(target: Target) -> None:
    result = run("create_payment_intent", {"amount": 10, "currency": "usd"}, target=target)
    amount_findings = [f for f in result.warnings if f.field == "amount"]
    assert amount_findings, result.warnings
    assert not result.ok


def test_money_checks_off_sends_anyway_and_shows_stripes_own_answer(target: Target) -> None:
    result = run(
        "create_payment_intent",
        {"amount": 10, "currency": "usd", "payment_method_types": "card"},
        target=target,
        money_checks=False,
    )
    assert not result.blocked
    assert result.error is not None
    assert result.error.http_status == 400
    assert result.error.code == "amount_too_small"
    assert result.guidance


def test_amounts_show_as_money_next_to_minor_units(target: Target) -> None:
    product = ok(target, "create_product", name="Money").objects[0]
    ok(target, "create_price", product=product["id"], currency="usd", unit_amount=1999)
    ok(target, "create_price", product=product["id"], currency="jpy", unit_amount=1999)
    table = ok(target, "list_prices", product=product["id"]).table
    columns = list(table.columns)
    assert columns.index("unit_amount (display)") == columns.index("unit_amount") + 1
    displays = dict(zip(table["currency"], table["unit_amount (display)"], strict=True))
    assert "19.99" in displays["usd"]
    assert "1,999" in displays["jpy"] or "1999" in displays["jpy"]
    assert "19.99" not in displays["jpy"]
    assert str(table["unit_amount"].dtype) == "Int64"
    assert json.loads(
        json.dumps(ok(target, "list_prices").objects)
    )  # plain JSON: no Decimal, no StripeObject
    assert isinstance(table["created"].dtype, pd.DatetimeTZDtype)


# --- environments and live keys -------------------------------------------------------------------------


def test_live_key_in_editor_blocks_writes_unless_confirmed(sandbox: Any) -> None:
    live = Target(Secret("sk_live_" + "a" * 99), sandbox.api_base, "Editor")
    blocked = run("create_product", {"name": "Real"}, target=live)
    assert blocked.blocked
    finding = blocked.warnings[0]
    assert finding.code == "pitfall.live_key_write_outside_production"
    assert "Editor" in finding.message
    staging = Target(Secret("sk_live_" + "a" * 99), sandbox.api_base, "Staging")
    assert run("delete_product", {"id": "prod_1"}, target=staging).blocked
    confirmed = run("create_product", {"name": "Real"}, target=live, confirm_live_write=True)
    assert not confirmed.blocked  # sent (the sandbox has no such live key, so it answers 401)
    assert confirmed.request is not None
    assert confirmed.request.status == 401
    reading = run("list_products", {}, target=live)
    assert not reading.blocked
    notice = next(f for f in reading.warnings if f.code == "env.live_key_outside_production")
    assert notice.severity is Severity.WARNING  # reading is allowed; only writes are blocked


# --- idempotency ---------------------------------------------------------------------------------------


def test_double_submit_with_one_submission_key_creates_one_object(target: Target) -> None:
    first = ok(target, "create_customer", email="double@example.com")
    second = run(
        "create_customer",
        {"email": "double@example.com"},
        target=target,
        idempotency_key=first.idempotency_key,
    )
    assert second.ok
    assert second.objects[0]["id"] == first.objects[0]["id"]
    assert second.request is not None
    assert second.request.replayed
    assert any(f.code == "idempotency.replayed" for f in second.warnings)
    listed = ok(target, "list_customers", email="double@example.com", limit=100)
    assert len(listed.objects) == 1


def test_every_write_gets_a_key_and_reads_do_not(target: Target) -> None:
    write = ok(target, "create_product", name="Keyed")
    assert write.idempotency_key
    assert write.request is not None
    assert write.request.idempotency_key == write.idempotency_key
    other = ok(target, "create_product", name="Keyed")
    assert other.idempotency_key != write.idempotency_key
    assert other.objects[0]["id"] != write.objects[0]["id"]
    read = ok(target, "list_products")
    assert read.idempotency_key is None
    assert read.snippets is not None
    assert "Idempotency-Key" not in read.snippets.curl
    assert f"Idempotency-Key: {write.idempotency_key}" in (write.snippets.curl if write.snippets else "")


# --- request record, table, printing -----------------------------------------------------------------


def test_request_record_has_everything_but_the_key(target: Target, account: dict[str, str]) -> None:
    result = ok(target, "create_product", name="Recorded", description="d")
    record = result.request
    assert record is not None
    assert record.method == "POST"
    assert record.path == "/v1/products"
    assert record.status == 200
    assert record.request_id is not None
    assert record.request_id.startswith("req_")
    assert record.duration_ms is not None
    assert record.environment == "Editor"
    assert record.mode == "test"
    assert record.target == "sandbox"
    assert record.params == {"name": "Recorded", "description": "d"}
    everything = repr(result) + str(result) + result._repr_html_() + str(record.as_dict())
    assert account["secret_key"] not in everything


def test_client_secret_is_masked_in_the_table_and_safe_objects(target: Target) -> None:
    result = ok(target, "create_payment_intent", amount=2000, currency="usd", payment_method_types="card")
    raw = result.objects[0]["client_secret"]
    assert "_secret_" in raw
    shown = result.table.loc[0, "client_secret"]
    assert shown != raw
    assert "*" in shown
    assert result.safe_objects()[0]["client_secret"] == shown
    assert raw not in str(result)
    assert raw not in repr(result)
    assert repr(result).startswith(
        "RunResult(action_id='create_payment_intent', ok=True, objects=1, status=200"
    )


def test_list_cursors_and_load_all(target: Target) -> None:
    ids = [ok(target, "create_customer", email=f"page{i}@example.com").objects[0]["id"] for i in range(5)]
    ids += [ok(target, "create_customer", email=f"more{i}@example.com").objects[0]["id"] for i in range(100)]
    first = ok(target, "list_customers", limit=2)
    assert first.has_more
    assert first.next_cursor == first.objects[-1]["id"]
    second = ok(target, "list_customers", limit=2, starting_after=first.next_cursor)
    assert not {o["id"] for o in second.objects} & {o["id"] for o in first.objects}
    back = ok(target, "list_customers", limit=2, ending_before=second.objects[0]["id"])
    assert [o["id"] for o in back.objects] == [o["id"] for o in first.objects]
    everything = run("list_customers", {"limit": 2}, target=target, load_all=True)
    assert everything.ok
    assert sorted(o["id"] for o in everything.objects) == sorted(ids)
    assert len(everything.requests) == 3  # the chosen 2, then full pages of 100: 100, then 3
    assert [r.params.get("limit") for r in everything.requests] == [2, 100, 100]
    assert not everything.has_more


def test_printing_and_html(target: Target) -> None:
    empty = ok(target, "list_products")
    assert "still means the call worked" in str(empty)
    created = ok(target, "create_product", name="<b>html</b>")
    html = created._repr_html_()
    assert "<table" in html
    assert "&lt;b&gt;html&lt;/b&gt;" in html


# --- failures and guidance ----------------------------------------------------------------------------


def test_404_carries_stripe_error_and_guidance(target: Target) -> None:
    result = run("retrieve_customer", {"id": "cus_doesnotexist"}, target=target)
    assert not result.ok
    assert result.error is not None
    assert result.error.http_status == 404
    assert result.error.code == "resource_missing"
    assert result.error.message == "No such customer: 'cus_doesnotexist'"
    assert result.guidance, "from_stripe_error should explain a 404"
    assert result.snippets is not None


def test_restricted_key_403_names_the_permission_and_is_remembered(
    sandbox: Any, account: dict[str, str]
) -> None:
    key = restricted_key(sandbox, account, "rak_product_read")
    rk = Target(Secret(key), sandbox.api_base, "Editor")
    knowledge = KeyKnowledge()
    assert run("list_products", {}, target=rk, knowledge=knowledge).ok
    result = run(
        "create_price",
        {"product": "prod_x", "currency": "usd", "unit_amount": 1000},
        target=rk,
        knowledge=knowledge,
    )
    assert result.request is not None
    assert result.request.status == 403
    first = result.guidance[0]
    assert first.code == "pitfall.missing_permission"
    assert first.pitfall == "restricted_key_permissions"
    assert "lacks `rak_plan_write`" in first.message
    assert "API keys → edit the key → Prices: Write" in first.fix
    assert "rak_plan_write" in knowledge.missing
    assert key not in str(result) + repr(result.guidance)
    again = run(
        "create_price",
        {"product": "prod_x", "currency": "usd", "unit_amount": 1000},
        target=rk,
        knowledge=knowledge,
    )
    assert again.blocked  # known from the earlier 403: not sent again
    assert again.warnings[-1].code == "permission.known_missing"
    knowledge.forget("rak_plan_write")
    assert not run(
        "create_price",
        {"product": "prod_x", "currency": "usd", "unit_amount": 1000},
        target=rk,
        knowledge=knowledge,
    ).blocked


def test_cancel_of_a_succeeded_payment_intent_is_blocked_before_the_call(target: Target) -> None:
    intent = ok(
        target,
        "create_payment_intent",
        amount=1500,
        currency="usd",
        payment_method="pm_card_visa",
        payment_method_types="card",
        confirm=True,
    ).objects[0]
    assert intent["status"] == "succeeded"
    result = run("cancel_payment_intent", {"id": intent["id"]}, target=target)
    assert result.blocked
    finding = result.warnings[-1]
    assert finding.code == "pitfall.payment_intent_not_cancelable"
    assert "has succeeded" in finding.message
    assert "Refund Payment" in finding.fix
    assert [r.action_id for r in result.requests] == ["retrieve_payment_intent", "cancel_payment_intent"]
    assert result.requests[0].sent
    assert not result.requests[1].sent


def test_unreachable_base_is_a_message_not_a_traceback() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens here
    dead = Target(Secret("sk_test_" + "b" * 24), f"http://127.0.0.1:{port}", "Editor")
    clients = ClientCache(max_network_retries=0)
    result = run("list_products", {}, target=dead, clients=clients)
    assert not result.ok
    assert result.request is not None
    assert result.request.status is None
    assert result.guidance[0].code == "network.unreachable"
    assert f"127.0.0.1:{port}" in result.guidance[0].message
    assert "python -m sandbox" in result.guidance[0].message
    assert len(clients) == 1
    # QA: the headline (all the Data page shows) carried the SDK's raw urllib3 text.
    assert result.headline().startswith("List Products: failed (no response): Could not reach the sandbox at")
    assert "HTTPConnectionPool" not in result.headline()


def test_real_stripe_offline_is_explained() -> None:
    offline = Target(Secret("sk_test_" + "c" * 24), None, "Editor")
    result = run(
        "list_products", {}, target=offline, clients=ClientCache(max_network_retries=0, timeout=(2.0, 2.0))
    )
    assert not result.ok
    assert result.request is not None
    assert result.request.target == "stripe"
    assert "Could not reach Stripe (https://api.stripe.com)" in result.guidance[0].message
    assert "Could not reach Stripe (https://api.stripe.com)" in result.headline()
    assert "ConnectionPool" not in result.headline()


def test_client_cache_never_holds_the_key_in_its_keys(account: dict[str, str], sandbox: Any) -> None:
    cache = ClientCache()
    a = cache.get(Secret(account["secret_key"]), sandbox.api_base)
    assert cache.get(account["secret_key"], sandbox.api_base + "/") is a
    assert cache.get(account["secret_key"], None) is not a
    assert all(account["secret_key"] not in k for k in cache._clients)
    assert account["secret_key"] not in repr(cache)


def test_catalog_action_objects_and_ids_both_work(target: Target) -> None:
    assert run(catalog.get("list_products"), {}, target=target).ok


def test_target_for_a_connection_uses_the_cleaned_key(sandbox: Any, account: dict[str, str]) -> None:
    pasted = Secret(f'  "{account["secret_key"]}"\n')  # quotes and whitespace from a careless paste
    conn = Connection(
        name="Stripe – Staging",
        environments={Environment.STAGING: EnvironmentConfig(secret_key=pasted)},
        api_base=sandbox.api_base,
    )
    target = target_for(conn, "staging")
    assert target.secret.reveal() == account["secret_key"]
    assert target.environment == "Staging"
    assert target.connection_name == "Stripe – Staging"
    assert account["secret_key"] not in repr(target)
    result = run("list_products", {}, conn, Environment.STAGING)
    assert result.ok
    assert result.request is not None
    assert result.request.environment == "Staging"
    empty = run("list_products", {}, conn, Environment.PRODUCTION)  # no key there: a message, not a raise
    assert empty.blocked
    assert "No API key" in empty.warnings[-1].message
    with pytest.raises(TypeError, match="connection and an environment"):
        run("list_products", {})


def test_two_people_never_share_a_key_or_data(sandbox: Any, account: dict[str, str]) -> None:
    other = sandbox.create_account()
    mine = Target(Secret(account["secret_key"]), sandbox.api_base, "Editor")
    theirs = Target(Secret(other["secret_key"]), sandbox.api_base, "Editor")
    my_clients, their_clients = ClientCache(), ClientCache()  # one per session
    created = run("create_product", {"name": "Mine"}, target=mine, clients=my_clients)
    assert created.ok
    assert run("list_products", {}, target=theirs, clients=their_clients).objects == []
    assert [p["id"] for p in run("list_products", {}, target=mine, clients=my_clients).objects] == [
        created.objects[0]["id"]
    ]
    assert my_clients.get(mine.secret, mine.api_base) is not their_clients.get(theirs.secret, theirs.api_base)
    assert stripe.api_key is None  # nothing was configured globally


def test_headlines_name_the_action_as_people_read_it(target: Target) -> None:
    """QA: 'create_product: HTTP 200' showed the internal id; the forms and menus say 'Create Product'."""
    created = ok(target, "create_product", name="Headline")
    assert created.headline() == "Create Product: HTTP 200, 1 object"
    blocked = run("create_product", {}, target=target)
    assert blocked.headline().startswith("Create Product: not sent: ")
    failed = run("retrieve_product", {"id": "prod_doesnotexist"}, target=target)
    assert failed.headline().startswith("Retrieve Product: failed (HTTP 404): ")
