"""Test clocks: what advancing costs next to creating the same objects without advancing.

``python -m bench.time_travel`` (``--clocks 100 --repetitions 3``). One sandbox (``python -m sandbox
--memory``, its own process) driven by the official SDK; every repetition uses fresh accounts. Two scenarios:

- **year**: one clock, one customer with a card, three monthly subscriptions; the clock is advanced through
  one year in steps of two months (the most Stripe allows with monthly subscriptions): 36 renewals, each an
  invoice finalized and charged an hour after it is created.
- **many**: ``--clocks`` clocks with one customer and one monthly subscription each, every clock advanced two
  months (all advances requested first, then waited for): two renewals per clock.

Subject: the advances alone, on objects created just before (outside the timing), measured from the first
advance request until every clock is ``ready`` (polling ``retrieve`` as an integration would). Two baselines,
each timed next to the subject in every repetition (the order alternates):

- **setup**: creating the same clocks, customers, cards and subscriptions, without advancing;
- **invoices via API**: creating what the advance produces through the API instead: for each paid renewal an
  invoice item, an invoice and paying it (which finalizes it and charges the card: the same invoice,
  PaymentIntent, charge and events).

Goal: advancing costs at most 2× the creation.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from typing import Any

import stripe

from bench._common import Pair, log, sandbox_server, timed, verdict, write_result
from sandbox.control import SandboxAccount

T0 = 1_767_225_600  # 1 January 2026 UTC
GOAL = 2.0
MONTHS = (1_769_904_000, 1_772_323_200)  # 1 February, 1 March 2026


def _client(base: str, create_account: Callable[[], SandboxAccount]) -> stripe.StripeClient:
    return stripe.StripeClient(create_account().secret_key, base_addresses={"api": base})


def _setup(client: stripe.StripeClient, clocks: int, subs_per_clock: int) -> list[str]:
    """Clocks, each with a paying customer and monthly subscriptions; returns the clock ids."""
    product = client.v1.products.create(params={"name": "Bench plan"})
    price = client.v1.prices.create(
        params={
            "product": product.id,
            "currency": "usd",
            "unit_amount": 1500,
            "recurring": {"interval": "month"},
        }
    )
    ids = []
    for _ in range(clocks):
        clock = client.v1.test_helpers.test_clocks.create(params={"frozen_time": T0})
        cus = client.v1.customers.create(params={"test_clock": clock.id})
        pm = client.v1.payment_methods.attach("pm_card_visa", params={"customer": cus.id})
        client.v1.customers.update(cus.id, params={"invoice_settings": {"default_payment_method": pm.id}})
        for _ in range(subs_per_clock):
            client.v1.subscriptions.create(params={"customer": cus.id, "items": [{"price": price.id}]})
        ids.append(clock.id)
    return ids


def _invoices_via_api(client: stripe.StripeClient, count: int) -> None:
    """The renewals' invoices made through the API: an item, an invoice, paying it (finalize + charge)."""
    cus = client.v1.customers.create(params={"email": "bench@example.com"})
    pm = client.v1.payment_methods.attach("pm_card_visa", params={"customer": cus.id})
    client.v1.customers.update(cus.id, params={"invoice_settings": {"default_payment_method": pm.id}})
    for _ in range(count):
        client.v1.invoice_items.create(params={"customer": cus.id, "amount": 1500, "currency": "usd"})
        invoice = client.v1.invoices.create(
            params={"customer": cus.id, "pending_invoice_items_behavior": "include"}
        )
        client.v1.invoices.pay(invoice.id)


def _wait_ready(client: stripe.StripeClient, ids: list[str]) -> None:
    pending = set(ids)
    while pending:
        for clock_id in list(pending):
            if client.v1.test_helpers.test_clocks.retrieve(clock_id).status == "ready":
                pending.discard(clock_id)
        if pending:
            time.sleep(0.005)


def _advance(client: stripe.StripeClient, ids: list[str], targets: list[int]) -> None:
    for target in targets:
        for clock_id in ids:
            client.v1.test_helpers.test_clocks.advance(clock_id, params={"frozen_time": target})
        _wait_ready(client, ids)


def _year_targets() -> list[int]:
    from datetime import UTC, datetime

    return [
        int(datetime(2026 + (m - 1) // 12, (m - 1) % 12 + 1, 1, tzinfo=UTC).timestamp())
        for m in range(3, 15, 2)
    ]


def _scenario(
    base: str,
    create_account: Callable[[], SandboxAccount],
    clocks: int,
    subs: int,
    targets: list[int],
    reps: int,
) -> dict[str, Any]:
    subject: list[float] = []
    setup: list[float] = []
    via_api: list[float] = []
    # Each advance ends on a renewal date, so the newest renewal of each subscription is still a draft.
    paid_renewals = clocks * subs * (2 * len(targets) - 1)
    renewals = 0
    for rep in range(reps):
        prepared = _client(base, create_account)
        ids = _setup(prepared, clocks, subs)
        runs: list[tuple[list[float], Callable[[], Any]]] = [
            (subject, lambda: _advance(prepared, ids, targets)),  # noqa: B023 - run inside this iteration
            (setup, lambda: _setup(_client(base, create_account), clocks, subs)),
            (via_api, lambda: _invoices_via_api(_client(base, create_account), paid_renewals)),
        ]
        for samples, action in runs if rep % 2 == 0 else runs[::-1]:
            samples.append(timed(action))
        invoices = prepared.v1.invoices.list(params={"limit": 100})
        renewals = sum(1 for inv in invoices.auto_paging_iter() if inv.billing_reason == "subscription_cycle")
    return {
        "renewals": renewals,
        "paid_renewals": paid_renewals,
        "vs_setup": Pair(subject, setup).as_dict(),
        "vs_invoices_via_api": Pair(subject, via_api).as_dict(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.time_travel", description=__doc__.split("\n")[0])
    parser.add_argument("--clocks", type=int, default=100, help="clocks in the 'many' scenario")
    parser.add_argument("--repetitions", type=int, default=3)
    args = parser.parse_args(argv)
    results: dict[str, Any] = {"goal": GOAL, "clocks": args.clocks, "repetitions": args.repetitions}
    with sandbox_server() as server:
        results["year"] = _scenario(
            server.api_base, server.create_account, 1, 3, _year_targets(), args.repetitions
        )
        results["many"] = _scenario(
            server.api_base, server.create_account, args.clocks, 1, list(MONTHS[1:]), args.repetitions
        )
    write_result("time_travel", results)
    for name, label in (
        ("year", "1 clock × 3 subs, a year"),
        ("many", f"{args.clocks} clocks × 1 sub, 2 months"),
    ):
        for baseline in ("vs_setup", "vs_invoices_via_api"):
            ratio = results[name][baseline]["ratio"]["median"]
            count = results[name]["renewals"]
            log(f"{label}, {baseline}: advancing {verdict(ratio, GOAL)} ({count} renewals)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
