"""The official Stripe CLI (npm @stripe/cli, pinned in tests/node/package-lock.json) works with the sandbox.

The CLI is a real client of its own: Go, form-encoded requests, no Stripe-Version on v1 calls, fixtures that
chain responses into later requests. It runs as a person runs it offline (``--api-base`` the sandbox; the key
in ``STRIPE_API_KEY``; a fresh HOME; telemetry off; the GitHub version check sent to a closed loopback port).

Triggers: the CLI says "Trigger succeeded" even when a step it expected to fail did fail, so a trigger passes
here only when the account's event log then holds an event of its type. Each trigger runs in its own account
so no other trigger's events can make it pass.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
import stripe
from node_packages import NODE_DIR, cli_env, stripe_cli

import sandbox as sandbox_package

TRIGGERS = [
    line.strip()
    for line in (NODE_DIR / "stripe_cli_triggers.txt").read_text().splitlines()
    if line.strip() and not line.startswith("#")
]

# Triggers that need resources other issues bring, with the issue that brings each. The test fails when one of
# them starts passing, so whoever lands that issue moves it out of here and the list only shrinks.
TIME_II, CATALOG_II = 20, 23
WAITING: dict[str, int] = {
    "customer.subscription.paused": TIME_II,  # trial_settings.end_behavior.missing_payment_method=pause
    "billing_portal.configuration.created": CATALOG_II,
    "billing_portal.configuration.updated": CATALOG_II,
    "billing_portal.session.created": CATALOG_II,
    "payment_link.created": CATALOG_II,
    "payment_link.updated": CATALOG_II,
    "plan.created": CATALOG_II,
    "plan.deleted": CATALOG_II,
    "plan.updated": CATALOG_II,
    "subscription_schedule.canceled": CATALOG_II,
    "subscription_schedule.completed": CATALOG_II,
    "subscription_schedule.created": CATALOG_II,
    "subscription_schedule.expiring": CATALOG_II,
    "subscription_schedule.released": CATALOG_II,
    "subscription_schedule.updated": CATALOG_II,
}


@dataclass(frozen=True)
class TriggerRun:
    output: str
    returncode: int
    event_ids: list[str]


def run_cli(
    home: Path, secret_key: str, api_base: str, *args: str, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(stripe_cli()), *args, "--api-base", api_base],
        env=cli_env(home, secret_key),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.fixture
def cli(
    tmp_path: Path, sandbox: sandbox_package.SandboxHandle, account: dict[str, str]
) -> Callable[..., subprocess.CompletedProcess[str]]:
    def call(*args: str) -> subprocess.CompletedProcess[str]:
        result = run_cli(tmp_path, account["secret_key"], sandbox.api_base, *args)
        assert account["secret_key"] not in result.stdout + result.stderr, "the CLI printed the secret key"
        return result

    return call


@pytest.fixture(scope="module")
def trigger_runs(
    sandbox: sandbox_package.SandboxHandle, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, TriggerRun]:
    """Every trigger once, four at a time (each CLI run mostly waits on HTTP), each in a fresh account."""

    def run(name: str) -> tuple[str, TriggerRun]:
        keys = sandbox.create_account()
        home = tmp_path_factory.mktemp("stripe-home")
        result = run_cli(home, keys["secret_key"], sandbox.api_base, "trigger", name)
        sandbox.runtime.drain()
        client = stripe.StripeClient(keys["secret_key"], base_addresses={"api": sandbox.api_base})
        events = client.v1.events.list({"type": name, "limit": 100})
        return name, TriggerRun(result.stdout + result.stderr, result.returncode, [e.id for e in events.data])

    with ThreadPoolExecutor(max_workers=4) as pool:
        return dict(pool.map(run, TRIGGERS))


def test_the_waiting_list_names_only_known_triggers() -> None:
    assert set(WAITING) <= set(TRIGGERS), sorted(set(WAITING) - set(TRIGGERS))
    assert len(TRIGGERS) == len(set(TRIGGERS)) == 78


@pytest.mark.parametrize("name", TRIGGERS)
def test_trigger_leaves_its_event(name: str, trigger_runs: dict[str, TriggerRun]) -> None:
    run = trigger_runs[name]
    if name in WAITING:
        assert not run.event_ids, (
            f"`stripe trigger {name}` now leaves its event: issue {WAITING[name]} brought it, so remove it "
            "from WAITING in this file."
        )
        return
    assert run.event_ids, f"`stripe trigger {name}` left no {name} event:\n{run.output[-3000:]}"
    assert run.returncode == 0, run.output[-3000:]
    assert "Trigger succeeded" in run.output


def test_resource_commands(
    cli: Callable[..., subprocess.CompletedProcess[str]], stripe_client: stripe.StripeClient
) -> None:
    created = cli("customers", "create", "--email", "ada@example.com", "-d", "metadata[tier]=gold")
    assert created.returncode == 0, created.stderr
    customer = json.loads(created.stdout)
    assert customer["object"] == "customer"
    assert customer["metadata"] == {"tier": "gold"}

    updated = cli("customers", "update", customer["id"], "--name", "Ada Lovelace")
    assert updated.returncode == 0, updated.stderr
    assert json.loads(updated.stdout)["name"] == "Ada Lovelace"
    assert stripe_client.v1.customers.retrieve(customer["id"]).name == "Ada Lovelace"

    listed = json.loads(cli("customers", "list", "--limit", "5").stdout)
    assert [c["id"] for c in listed["data"]] == [customer["id"]]

    missing = cli("customers", "retrieve", "cus_missing")
    assert "No such customer: 'cus_missing'" in missing.stdout + missing.stderr

    gone = cli("customers", "delete", customer["id"], "--confirm")
    assert gone.returncode == 0, gone.stderr
    # A delete first prints which account it acts on ("> Mode: Test"), then the response.
    assert "Mode: Test" in gone.stdout
    answer = json.loads(gone.stdout.splitlines()[-1])
    assert answer == {"id": customer["id"], "object": "customer", "deleted": True}


def test_get_post_delete(
    cli: Callable[..., subprocess.CompletedProcess[str]], stripe_client: stripe.StripeClient
) -> None:
    posted = cli("post", "/v1/products", "-d", "name=T-shirt", "-d", "metadata[sku]=42")
    assert posted.returncode == 0, posted.stderr
    product = json.loads(posted.stdout)
    assert product["metadata"] == {"sku": "42"}

    got = json.loads(cli("get", f"/v1/products/{product['id']}").stdout)
    assert got["name"] == "T-shirt"
    expanded = json.loads(
        cli("get", "/v1/products", "-d", "limit=1", "--expand", "data.default_price").stdout
    )
    assert expanded["data"][0]["id"] == product["id"]

    deleted = cli("delete", f"/v1/products/{product['id']}", "--confirm")
    assert deleted.returncode == 0, deleted.stderr
    assert json.loads(deleted.stdout.splitlines()[-1])["deleted"] is True
    assert stripe_client.v1.products.list().data == []


def test_fixtures_with_a_chained_file(
    cli: Callable[..., subprocess.CompletedProcess[str]], stripe_client: stripe.StripeClient, tmp_path: Path
) -> None:
    """Each step uses an earlier step's response (``${name:path}``), as a team's own seed file would."""
    fixture = {
        "_meta": {"template_version": 0},
        "fixtures": [
            {"name": "shirt", "path": "/v1/products", "method": "post", "params": {"name": "Shirt"}},
            {
                "name": "once",
                "path": "/v1/prices",
                "method": "post",
                "params": {
                    "product": "${shirt:id}",
                    "unit_amount": 1500,
                    "currency": "usd",
                },
            },
            {
                "name": "ada",
                "path": "/v1/customers",
                "method": "post",
                "params": {"email": "ada@example.com", "metadata": {"product": "${shirt:id}"}},
            },
            {
                "name": "item",
                "path": "/v1/invoiceitems",
                "method": "post",
                "params": {"customer": "${ada:id}", "pricing": {"price": "${once:id}"}},
            },
            {"name": "again", "path": "/v1/prices/${once:id}", "method": "get"},
        ],
    }
    path = tmp_path / "seed.json"
    path.write_text(json.dumps(fixture))
    result = cli("fixtures", str(path))
    assert result.returncode == 0, result.stdout + result.stderr
    for step in ("shirt", "once", "ada", "item", "again"):
        assert f"Running fixture for: {step}" in result.stdout
    [product] = stripe_client.v1.products.list().data
    [price] = stripe_client.v1.prices.list().data
    [customer] = stripe_client.v1.customers.list().data
    assert price.product == product.id
    assert price.unit_amount == 1500
    assert customer.metadata.to_dict() == {"product": product.id}
    [item] = stripe_client.v1.invoice_items.list({"customer": customer.id}).data
    assert item.amount == 1500
