"""The session object against the real sandbox: every call is one published record with its source, the
client is resolved once, what the key is known to allow stops a call before it is sent, and the sandbox's
control endpoints are recorded like Stripe's."""

from __future__ import annotations

from typing import Any

import pytest
from sandbox_keys import restricted_key

from core.client import ClientCache
from core.environments import Connection, Environment, EnvironmentConfig
from core.results import RequestRecord, Source
from core.runner import Target
from core.secrets import Secret
from core.session import StripeSession
from sandbox.control import ControlClient


@pytest.fixture
def target(sandbox: Any, account: dict[str, str]) -> Target:
    return Target(Secret(account["secret_key"]), sandbox.api_base, "Editor", "Stripe – Editor")


def recorded(session: StripeSession) -> list[RequestRecord]:
    records: list[RequestRecord] = []
    session.subscribe(records.append)
    return records


def test_every_call_is_published_once_with_its_source(target: Target, account: dict[str, str]) -> None:
    clients = ClientCache()
    session = StripeSession(target, clients=clients)
    records = recorded(session)
    created = session.run("create_product", {"name": "Session product"})
    assert created.ok
    looked_up = session.lookup("list_products")
    assert looked_up.ok
    found = session.search("products", {"query": "name~'Session'"})
    assert found.ok
    events = session.list_events({"limit": 3})
    assert events.ok
    assert [(r.action_id, r.source) for r in records] == [
        ("create_product", Source.PERSON),
        ("list_products", Source.PICKER),
        ("search_products", Source.PERSON),
        ("list_events", Source.PERSON),
    ]
    assert records[0] is created.request
    assert [r.background for r in records] == [False, True, False, False]
    assert len(clients) == 1  # resolved once, for every kind of call
    # Each record holds the full answer and the exact call as code; never the key.
    assert records[0].response["name"] == "Session product"
    assert records[2].response["object"] == "search_result"
    assert "client.v1.products.search(" in records[2].snippets.python
    assert "/v1/products/search" in records[2].snippets.curl
    for record in records:
        text = repr(record) + str(record.as_dict()) + record.snippets.python + record.snippets.curl
        assert account["secret_key"] not in text


def test_preflight_reads_are_recorded_as_such(target: Target) -> None:
    session = StripeSession(target)
    records = recorded(session)
    intent = session.run(
        "create_payment_intent",
        {
            "amount": 1000,
            "currency": "usd",
            "payment_method": "pm_card_visa",
            "payment_method_types": ["card"],
            "confirm": True,
        },
    )
    assert intent.object is not None
    blocked = session.run("cancel_payment_intent", {"id": intent.object["id"]}, source=Source.DEMO)
    assert blocked.blocked
    assert [(r.action_id, r.source, r.sent) for r in records[1:]] == [
        ("retrieve_payment_intent", Source.PREFLIGHT, True),
        ("cancel_payment_intent", Source.DEMO, False),
    ]
    assert records[1].response["status"] == "succeeded"


def test_a_known_403_stops_the_next_call_before_it_is_sent(sandbox: Any, account: dict[str, str]) -> None:
    key = restricted_key(sandbox, account, "rak_product_read")
    session = StripeSession(Target(Secret(key), sandbox.api_base, "Editor"))
    records = recorded(session)
    refused = session.run("create_product", {"name": "x"})
    assert refused.request is not None
    assert refused.request.status == 403
    again = session.run("create_product", {"name": "y"})
    assert again.blocked
    assert "permission.known_missing" in [f.code for f in again.warnings]
    assert [r.sent for r in records] == [True, False]


def test_probes_and_the_connection_test_are_recorded(sandbox: Any, account: dict[str, str]) -> None:
    key = Secret(restricted_key(sandbox, account, "rak_product_read"))
    connection = Connection(
        "Stripe – Editor", {Environment.EDITOR: EnvironmentConfig(secret_key=key)}, sandbox.api_base
    )
    session = StripeSession.for_connection(connection, Environment.EDITOR)
    records = recorded(session)
    report = session.check_connection()
    assert report.ok
    matrix = session.permissions()
    assert matrix.row("product").read.value == "yes"
    assert matrix.row("customer").read.value == "no"
    assert {r.source for r in records[:2]} == {Source.CONNECTION_TEST}
    assert [r.action_id for r in records[:2]] == ["list_products", "retrieve_account"]
    probes = records[2:]
    assert probes
    assert {r.source for r in probes} == {Source.PROBE}
    assert all(r.params == {"limit": 1} and r.method == "GET" for r in probes)
    # The probes learned for the session: a read the key lacks is known before any action asks.
    assert "rak_customer_read" in session.knowledge.missing


def test_webhook_endpoint_secret_is_in_the_answer_and_masked_in_the_record(target: Target) -> None:
    session = StripeSession(target)
    records = recorded(session)
    created = session.create_webhook_endpoint({"url": "http://127.0.0.1:9/hook", "enabled_events": ["*"]})
    secret = created.get("secret")
    assert isinstance(secret, str)
    assert secret.startswith("whsec_")
    assert secret not in str(records[0].response)
    assert session.delete_webhook_endpoint(str(created.get("id"))).ok
    assert [r.method for r in records] == ["POST", "DELETE"]


def test_control_calls_are_recorded_and_need_a_sandbox(target: Target) -> None:
    without = StripeSession(target)
    records = recorded(without)
    answer = without.trigger("payment_intent.succeeded")
    assert not answer.ok
    assert "Only the local sandbox" in str(answer.message)
    assert records[-1].sent is False

    session = StripeSession(target, control=ControlClient(target.display_base, target.secret))
    records = recorded(session)
    names = session.trigger_names()
    assert "payment_intent.succeeded" in names.get("data", [])
    ran = session.trigger("payment_intent.succeeded")
    assert ran.ok, ran.message
    intent = session.run(
        "create_payment_intent",
        {
            "amount": 2000,
            "currency": "usd",
            "payment_method": "pm_card_authenticationRequired",
            "payment_method_types": ["card"],
            "confirm": True,
        },
        source=Source.FLOW,
    )
    assert intent.object is not None
    assert intent.object["status"] == "requires_action"
    done = session.authenticate(intent.object["id"], succeed=True)
    assert done.ok, done.message
    assert done.get("status") == "succeeded"
    refused = session.authenticate(intent.object["id"], succeed=True)
    assert not refused.ok
    assert refused.record.status == 400
    assert [(r.action_id, r.source) for r in records] == [
        ("list_triggers", Source.PICKER),
        ("trigger_event", Source.PERSON),
        ("create_payment_intent", Source.FLOW),
        ("authenticate_payment_intent", Source.FLOW),
        ("authenticate_payment_intent", Source.FLOW),
    ]
    assert "urllib.request" in records[-1].snippets.python
    assert "Content-Type: application/json" in records[-1].snippets.curl
