"""The permission matrix of a restricted key: reads probed, writes learned from the first write."""

from __future__ import annotations

from typing import Any

import stripe
from sandbox_keys import restricted_key

from core.catalog import ACTIONS
from core.client import ClientCache, build_client
from core.permissions import (
    Access,
    KeyKnowledge,
    catalog_resources,
    check_permissions,
    how_to_grant,
    permission_matrix,
    slugs_in_message,
    split_slug,
)
from core.runner import Target, run
from core.secrets import Secret
from core.transport import Transport


def test_every_catalog_stem_has_a_probe() -> None:
    probes = catalog_resources()
    assert set(probes) == {a.permission_stem for a in ACTIONS}
    assert probes["plan"].name == "List Prices"
    assert probes["refund"].sdk_call == "v1.refunds.list"  # WeWeb has no List Refunds action
    assert all(p.sdk_call.endswith(".list") for p in probes.values())


def test_slug_helpers() -> None:
    message = (
        "The provided key 'rk_test_51Ab********xyz123' does not have the required permissions for this "
        "endpoint on account 'acct_1'. Having the 'rak_plan_write' permission would allow this request to "
        "continue."
    )
    assert slugs_in_message(message) == ["rak_plan_write"]
    assert split_slug("rak_payment_intent_read") == ("payment_intent", "read")
    assert split_slug("nope") is None
    assert how_to_grant("rak_plan_write").startswith(
        "In the Dashboard, API keys → edit the key → Prices: Write"
    )


def test_knowledge_write_implies_read_and_forget() -> None:
    knowledge = KeyKnowledge()
    assert knowledge.access("rak_product_read") is Access.UNKNOWN
    knowledge.learn_granted("rak_product_write")
    assert knowledge.access("rak_product_read") is Access.YES
    knowledge.learn_missing("rak_plan_write")
    assert knowledge.access("rak_plan_write") is Access.NO
    knowledge.forget("rak_plan_write")
    assert knowledge.access("rak_plan_write") is Access.UNKNOWN
    knowledge.forget()
    assert knowledge.access("rak_product_write") is Access.UNKNOWN


def test_matrix_for_arestricted_key(sandbox: Any, account: dict[str, str]) -> None:
    key = restricted_key(sandbox, account, "rak_product_read", "rak_customer_write", "rak_plan_read")
    knowledge = KeyKnowledge()
    rk = Target(Secret(key), sandbox.api_base, "Editor")
    matrix = check_permissions(Transport(rk, client=build_client(key, api_base=sandbox.api_base)), knowledge)
    assert matrix.restricted
    assert "cannot be probed without side effects" in matrix.note
    assert matrix.row("product").read is Access.YES
    assert matrix.row("plan").read is Access.YES
    assert matrix.row("customer").read is Access.YES  # write implies read
    assert matrix.row("payment_intent").read is Access.NO
    assert "Payment Intents: Read" in matrix.row("payment_intent").detail
    assert matrix.row("product").write is Access.UNKNOWN  # never probed
    frame = matrix.to_frame()
    assert list(frame.columns) == [
        "resource",
        "read",
        "write",
        "read permission",
        "write permission",
        "detail",
    ]
    assert len(frame) == len(catalog_resources())
    assert key not in frame.to_string()

    # Writes are learned: a 403 marks "no", a success marks "yes", and the next matrix shows both.
    refused = run("create_product", {"name": "x"}, target=rk, knowledge=knowledge)
    assert refused.request is not None
    assert refused.request.status == 403
    assert run("create_customer", {"email": "w@example.com"}, target=rk, knowledge=knowledge).ok
    again = check_permissions(Transport(rk, client=build_client(key, api_base=sandbox.api_base)), knowledge)
    assert again.row("product").write is Access.NO
    assert again.row("customer").write is Access.YES


def test_matrix_for_a_secret_key_needs_no_probes(sandbox: Any, account: dict[str, str]) -> None:
    client = stripe.StripeClient("sk_test_unused", base_addresses={"api": "http://127.0.0.1:9"})
    target = Target(Secret(account["secret_key"]), "http://127.0.0.1:9", "Editor")
    matrix = check_permissions(Transport(target, client=client), KeyKnowledge())
    assert not matrix.restricted
    assert {r.read for r in matrix.rows} == {Access.YES}
    assert {r.write for r in matrix.rows} == {Access.YES}


def test_matrix_for_a_target_uses_the_session_clients(sandbox: Any, account: dict[str, str]) -> None:
    key = restricted_key(sandbox, account, "rak_invoice_read")
    clients = ClientCache()
    matrix = permission_matrix(
        Target(Secret(key), sandbox.api_base, "Staging"), KeyKnowledge(), clients=clients
    )
    assert matrix.row("invoice").read is Access.YES
    assert matrix.row("invoice_item").read is Access.NO  # a distinct scope from invoices
    assert matrix.row("refund").read is Access.NO
    assert len(clients) == 1


def test_matrix_without_a_usable_key_explains_instead_of_raising() -> None:
    matrix = permission_matrix(Target(Secret(""), "http://127.0.0.1:9", "Editor"), KeyKnowledge())
    assert "No API key" in matrix.note
    assert {r.read for r in matrix.rows} == {Access.UNKNOWN}
