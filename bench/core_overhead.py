"""Core overhead: ``core.runner.run`` against the bare ``stripe`` SDK calls it wraps, on the same sandbox.

``python -m bench.core_overhead`` (``--products 1000 --repetitions 7``). Goal: ≤ 1.10× the bare SDK.

The subject is what a page does: ``run("list_products", load_all=True)`` (every page, each object made plain
JSON, a DataFrame with readable columns and money next to every amount, the request records, the snippets),
and ``run("create_payment_intent", …)`` (input checks, money checks, pitfall checks, idempotency key). The
baseline is the SDK call a person would write by hand: auto-paging over ``products.list`` into a list, and
``payment_intents.create``. Both use one warm client each, as the app does (``ClientCache``).

List Prices is measured too, because prices are where the money columns actually get formatted. Create
Payment Intent and List Products are measured again with the sandbox answering after ``--latency-ms``
(default 100 ms, the sandbox's ``/_sandbox/latency`` control; Stripe's own API answers in a few hundred ms):
the local sandbox answers in ~2 ms, which makes any fixed per-call cost look large next to it.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
from typing import Any

import stripe

from bench._common import fmt_summary, log, sandbox_server, side_by_side, verdict, write_result
from core import runner
from core.client import ClientCache, Target
from core.secrets import Secret

GOAL = 1.10
CASES = (
    "list_products_load_all",
    "list_prices_load_all",
    "create_payment_intent",
    "create_payment_intent_at_latency",
    "list_products_load_all_at_latency",
)


def _fill(client: stripe.StripeClient, products: int) -> None:
    for i in range(products):
        product = client.v1.products.create({"name": f"Bench product {i}", "metadata": {"i": str(i)}})
        client.v1.prices.create({"product": product.id, "unit_amount": 1000 + i, "currency": "usd"})


def _profile_top(action: Any, lines: int = 12) -> list[str]:
    """The functions with the most cumulative time in one call of ``action`` (for the README's analysis)."""
    profiler = cProfile.Profile()
    profiler.runcall(action)
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).sort_stats("cumulative")
    stats.print_stats(lines)
    return [line for line in out.getvalue().splitlines() if line.strip()][-lines:]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.core_overhead", description=__doc__.split("\n")[0])
    parser.add_argument("--products", type=int, default=1000, help="products (and prices) to list")
    parser.add_argument(
        "--creates", type=int, default=60, help="payment intents each side (one per repetition, interleaved)"
    )
    parser.add_argument("--repetitions", type=int, default=7)
    parser.add_argument("--latency-ms", type=int, default=100, help="sandbox latency for the realistic case")
    args = parser.parse_args(argv)

    with sandbox_server() as server:
        keys = server.create_account()
        bare = stripe.StripeClient(keys.secret_key, base_addresses={"api": server.api_base})
        target = Target(Secret(keys.secret_key), server.api_base, "Editor", "bench")
        clients = ClientCache()
        log(f"core overhead: filling a sandbox account with {args.products} products and prices ...")
        _fill(bare, args.products)

        def core_list(action: str) -> Any:
            def call() -> None:
                result = runner.run(action, {"limit": 100}, target=target, clients=clients, load_all=True)
                assert result.ok, result.headline()
                assert len(result.objects) == args.products, result.headline()

            return call

        def bare_list(resource: str) -> Any:
            def call() -> None:
                listed = list(getattr(bare.v1, resource).list({"limit": 100}).auto_paging_iter())
                assert len(listed) == args.products

            return call

        def core_create() -> None:
            inputs = {"amount": "1000", "currency": "usd"}
            result = runner.run("create_payment_intent", inputs, target=target, clients=clients)
            assert result.ok, result.headline()

        def bare_create() -> None:
            bare.v1.payment_intents.create({"amount": 1000, "currency": "usd"})

        # One warm-up call each: connection pools, imports and lazy tables are not what we measure.
        for warm in (core_list("list_products"), bare_list("products"), core_create, bare_create):
            warm()
        slow_keys = server.create_account()
        slow_bare = stripe.StripeClient(slow_keys.secret_key, base_addresses={"api": server.api_base})
        for i in range(args.products):  # filled before the latency is switched on
            slow_bare.v1.products.create({"name": f"Bench product {i}", "metadata": {"i": str(i)}})
        server.control.for_account(slow_keys).set_latency(args.latency_ms)  # every answer comes later
        slow_target = Target(Secret(slow_keys.secret_key), server.api_base, "Editor", "bench")

        def core_create_slow() -> None:
            inputs = {"amount": "1000", "currency": "usd"}
            assert runner.run("create_payment_intent", inputs, target=slow_target, clients=clients).ok

        def bare_create_slow() -> None:
            slow_bare.v1.payment_intents.create({"amount": 1000, "currency": "usd"})

        def core_list_slow() -> None:
            result = runner.run(
                "list_products", {"limit": 100}, target=slow_target, clients=clients, load_all=True
            )
            assert len(result.objects) == args.products, result.headline()

        def bare_list_slow() -> None:
            assert len(list(slow_bare.v1.products.list({"limit": 100}).auto_paging_iter())) == args.products

        core_create_slow()
        bare_create_slow()
        cases = {
            "list_products_load_all": (core_list("list_products"), bare_list("products")),
            "list_prices_load_all": (core_list("list_prices"), bare_list("prices")),
            "create_payment_intent": (core_create, bare_create),
            "create_payment_intent_at_latency": (core_create_slow, bare_create_slow),
            "list_products_load_all_at_latency": (core_list_slow, bare_list_slow),
        }
        results: dict[str, Any] = {
            "latency_ms": args.latency_ms,
            "products": args.products,
            "create_repetitions": args.creates,
            "goal": GOAL,
        }
        # Creates are short: one call per repetition, many repetitions, so bursts of load elsewhere on the
        # machine land on both sides alike. The slow case needs fewer (each call waits the latency).
        repetitions = {
            "create_payment_intent": args.creates,
            "create_payment_intent_at_latency": max(2, args.creates // 4),
            "list_products_load_all_at_latency": max(2, args.repetitions // 2),
        }
        for name, (subject, baseline) in cases.items():
            count = repetitions.get(name, args.repetitions)
            log(f"  {name}: {count} repetitions, core vs bare SDK side by side ...")
            results[name] = side_by_side(subject, baseline, count).as_dict()
        results["profile_list_products"] = _profile_top(core_list("list_products"))
        results["profile_create_payment_intent"] = _profile_top(core_create)

    write_result("core_overhead", results)
    report(results)
    return 0


def report(results: dict[str, Any]) -> None:
    creates = results["create_repetitions"]
    log(f"\ncore overhead ({results['products']} objects listed; {creates} creates each side, interleaved)")
    for name in CASES:
        case = results[name]
        log(
            f"  {name:34} core {fmt_summary(case['subject_s'])}  bare {fmt_summary(case['baseline_s'])}  "
            f"ratio {verdict(case['ratio']['median'], GOAL)} "
            f"spread {case['ratio']['min']:.2f}–{case['ratio']['max']:.2f}"
        )


if __name__ == "__main__":
    sys.exit(main())
