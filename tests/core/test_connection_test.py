"""WeWeb's connection test (List Products) against the sandbox: empty, non-empty, bad and restricted keys."""

from __future__ import annotations

import socket
from typing import Any

import pytest
import stripe
from sandbox_keys import restricted_key

from core.client import ClientCache
from core.connection_test import EMPTY_LIST_MESSAGE, check_connection
from core.environments import Connection, Environment, EnvironmentConfig
from core.secrets import Secret


def connection(
    api_base: str, secret: str, publishable: str, env: Environment = Environment.EDITOR
) -> Connection:
    return Connection(
        name="Stripe – Editor",
        environments={env: EnvironmentConfig(publishable_key=Secret(publishable), secret_key=Secret(secret))},
        api_base=api_base,
    )


@pytest.fixture
def editor(sandbox: Any, account: dict[str, str]) -> Connection:
    return connection(sandbox.api_base, account["secret_key"], account["publishable_key"])


def test_empty_list_still_means_the_connection_works(editor: Connection, account: dict[str, str]) -> None:
    report = check_connection(editor, Environment.EDITOR)
    assert report.ok
    assert report.message == EMPTY_LIST_MESSAGE
    assert report.environment == "Editor"
    assert report.mode == "test"
    assert report.target == "sandbox"
    assert report.latency_ms is not None
    assert report.latency_ms > 0
    assert report.products.empty
    assert report.account.id == account["id"]  # the sandbox serves GET /v1/account
    assert report.account.source == "GET /v1/account"
    assert report.account.country == "US"
    assert not [f for f in report.findings if f.is_error]
    assert account["secret_key"] not in str(report)


def test_products_are_listed_as_a_table(editor: Connection, stripe_client: stripe.StripeClient) -> None:
    made = [stripe_client.v1.products.create({"name": name}).id for name in ("Hat", "Scarf")]
    clients = ClientCache()
    report = check_connection(editor, "editor", clients=clients)
    assert report.ok
    assert report.message == "The connection works: List Products returned 2 products."
    assert sorted(report.products["id"]) == sorted(made)
    assert set(report.products["name"]) == {"Hat", "Scarf"}
    assert len(clients) == 1
    assert check_connection(editor, "editor", clients=clients).ok
    assert len(clients) == 1  # the session's client is reused


def test_wrong_key_fails_with_guidance(sandbox: Any, account: dict[str, str]) -> None:
    bad = "sk_test_" + "Z" * 99
    report = check_connection(
        connection(sandbox.api_base, bad, account["publishable_key"]), Environment.EDITOR
    )
    assert not report.ok
    assert report.result.error is not None
    assert report.result.error.http_status == 401
    assert "Invalid API Key provided" in report.message
    assert bad not in report.message
    assert report.guidance, "the pitfall catalog explains a 401"


def test_publishable_key_in_the_secret_field_is_caught_before_sending(
    sandbox: Any, account: dict[str, str]
) -> None:
    conn = connection(sandbox.api_base, account["publishable_key"], account["publishable_key"])
    report = check_connection(conn, Environment.EDITOR)
    assert not report.ok
    assert any("publishable key" in f.message for f in report.findings)
    assert report.result.blocked


def test_restricted_key_without_products_names_the_account(sandbox: Any, account: dict[str, str]) -> None:
    key = restricted_key(sandbox, account, "rak_customer_read")
    report = check_connection(
        connection(sandbox.api_base, key, account["publishable_key"]), Environment.EDITOR
    )
    assert not report.ok
    assert report.result.error is not None
    assert report.result.error.http_status == 403
    assert report.account.id == account["id"]
    assert any("rak_product_read" in f.message for f in report.guidance)


def test_live_key_in_the_editor_is_reported(sandbox: Any, account: dict[str, str]) -> None:
    live = connection(sandbox.api_base, "sk_live_" + "L" * 99, "pk_live_" + "L" * 99)
    report = check_connection(live, Environment.EDITOR)
    assert any(f.code == "env.live_key_outside_production" for f in report.findings)
    assert report.mode == "live"


def test_missing_key_and_unreachable_server_are_messages() -> None:
    empty = Connection(name="Empty", api_base="http://127.0.0.1:9")
    report = check_connection(empty, Environment.STAGING)
    assert not report.ok
    assert "No API key" in report.message
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    dead = connection(f"http://127.0.0.1:{port}", "sk_test_" + "d" * 40, "pk_test_" + "d" * 40)
    report = check_connection(dead, Environment.EDITOR, clients=ClientCache(max_network_retries=0))
    assert not report.ok
    assert report.guidance[0].code == "network.unreachable"
    assert "python -m sandbox" in report.guidance[0].message


def test_an_unreachable_stripe_is_said_once_without_idempotency_advice_for_a_read() -> None:
    """Issue "tells the truth", item 4: the offline test said "Could not reach Stripe" twice (headline and
    guidance) and advised on idempotency keys for List Products, a read. The suite's loopback-only proxy
    makes Stripe's address unreachable without sending anything off this machine."""
    from core.client import ClientCache, Target
    from core.connection_test import check_connection
    from core.secrets import Secret

    offline = Target(Secret("sk_test_" + "c" * 24), None, "Editor")
    report = check_connection(target=offline, clients=ClientCache(max_network_retries=0))
    said = [report.message, *(f"{f.message} {f.fix}" for f in [*report.findings, *report.guidance])]
    assert not report.ok
    assert sum("Could not reach Stripe" in text for text in said) == 1
    assert not any("idempotency" in text for text in said)
    assert report.message == "The connection does not work yet: the server did not answer."
