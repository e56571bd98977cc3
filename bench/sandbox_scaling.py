"""Sandbox throughput as data grows: creates, retrieves and list-all at 0, 1k and 10k objects.

``python -m bench.sandbox_scaling`` (``--levels 0 1000 10000``). It extends ``bench.sandbox`` (issue 3, which
measures creates and one list at a single size) and reuses its servers: the sandbox with a SQLite file, the
trivial Starlette server (the ceiling for this stack) and ``localstripe`` from PyPI, each in its own process.

At each level the account holds that many products; then, alternating servers in rounds, we time product
creates, product retrieves and listing every product with auto-paging (limit 100). List speed is reported as
objects per second (and, for an empty account, empty pages per second), because the trivial server always
answers with the same 1,000 canned products whatever the level. localstripe re-pickles its whole store on
every write and fills at ~20 creates/s, so it is measured up to ``--localstripe-max`` objects (default 1,000).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import stripe

from bench._common import log, summary, timed, write_result
from bench.sandbox import client_for, ensure_localstripe, free_port, server
from sandbox.control import ControlClient


def _fill(client: stripe.StripeClient, count: int) -> str | None:
    last = None
    for i in range(count):
        last = client.v1.products.create({"name": f"Scale product {i}"}).id
    return last


def _rates(client: stripe.StripeClient, known_id: str, sample: int) -> dict[str, float]:
    creates = timed(lambda: [client.v1.products.create({"name": "Scale"}) for _ in range(sample)])
    retrieves = timed(lambda: [client.v1.products.retrieve(known_id) for _ in range(sample)])
    listed: list[int] = []
    list_s = timed(
        lambda: listed.append(sum(1 for _ in client.v1.products.list({"limit": 100}).auto_paging_iter()))
    )
    return {
        "creates_per_s": sample / creates,
        "retrieves_per_s": sample / retrieves,
        "list_all_s": list_s,
        "listed": float(listed[0]),
        "listed_objects_per_s": listed[0] / list_s,
    }


def _empty_pages(client: stripe.StripeClient, sample: int) -> float:
    return sample / timed(lambda: [client.v1.products.list({"limit": 100}) for _ in range(sample)])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.sandbox_scaling", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--levels", type=int, nargs="+", default=[0, 1000, 10_000])
    parser.add_argument("--sample", type=int, default=100, help="creates and retrieves timed per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--localstripe-max", type=int, default=1000)
    parser.add_argument("--skip-localstripe", action="store_true")
    args = parser.parse_args(argv)
    results: dict[str, Any] = {"levels": args.levels, "sample": args.sample, "rounds": args.rounds}
    names = ["sandbox", "trivial"] + ([] if args.skip_localstripe else ["localstripe"])
    ports = {name: free_port() for name in names}
    bases = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        db = str(Path(tmp) / "scaling.sqlite3")
        sandbox_cmd = [sys.executable, "-m", "sandbox", "--port", str(ports["sandbox"]), "--db", db]
        stack.enter_context(server(sandbox_cmd, bases["sandbox"] + "/_sandbox/health"))
        trivial_cmd = [sys.executable, "-m", "bench.trivial_server", "--port", str(ports["trivial"])]
        stack.enter_context(server(trivial_cmd, bases["trivial"] + "/"))
        keys = ControlClient(bases["sandbox"]).create_account()
        clients = {
            "sandbox": client_for(keys.secret_key, bases["sandbox"]),
            "trivial": client_for("sk_test_trivial", bases["trivial"]),
        }
        if "localstripe" in names:
            local_cmd = [str(ensure_localstripe()), "--port", str(ports["localstripe"]), "--from-scratch"]
            stack.enter_context(server(local_cmd, bases["localstripe"] + "/"))
            clients["localstripe"] = client_for("sk_test_localstripe", bases["localstripe"])
        held = dict.fromkeys(clients, 0)  # objects each server holds so far (the trivial one holds none)
        known = {"trivial": "prod_trivial000000"}
        for level in sorted(args.levels):
            active = {n: c for n, c in clients.items() if n != "localstripe" or level <= args.localstripe_max}
            log(f"sandbox scaling: {level} objects on {', '.join(active)} ...")
            for name, client in active.items():
                if name != "trivial" and held[name] < level:
                    known[name] = _fill(client, level - held[name]) or known.get(name, "")
                    held[name] = level
                if name not in known:  # an empty account: one object to retrieve, outside the counted level
                    known[name] = client.v1.products.create({"name": "Retrieve me"}).id
                    held[name] += 1
            samples: dict[str, list[dict[str, float]]] = {n: [] for n in active}
            for _ in range(args.rounds):
                for name, client in active.items():
                    samples[name].append(_rates(client, known[name], args.sample))
                    if name != "trivial":
                        held[name] += args.sample
            level_result: dict[str, Any] = {}
            for name, rows in samples.items():
                level_result[name] = {
                    metric: summary([r[metric] for r in rows]) for metric in rows[0] if metric != "listed"
                }
                level_result[name]["objects_held_after"] = held[name]
            results[str(level)] = level_result
        # Empty pages: a fresh account on each stateful server, one list call at a time.
        fresh = ControlClient(bases["sandbox"]).create_account()
        results["empty_list_pages_per_s"] = {
            "sandbox": _empty_pages(client_for(fresh.secret_key, bases["sandbox"]), args.sample)
        }
    write_result("sandbox_scaling", results)
    report(results)
    return 0


def report(results: dict[str, Any]) -> None:
    log("\nsandbox scaling (medians over rounds; the trivial server holds no data)")
    log(
        f"  {'level':>6} {'server':12} {'creates/s':>10} {'retrieves/s':>12} "
        f"{'list objs/s':>12} {'list-all s':>11}"
    )
    for level in results["levels"]:
        for name, m in results[str(level)].items():
            log(
                f"  {level:>6} {name:12} {m['creates_per_s']['median']:>10.0f} "
                f"{m['retrieves_per_s']['median']:>12.0f}"
                f" {m['listed_objects_per_s']['median']:>12.0f} {m['list_all_s']['median']:>11.2f}"
            )
    sandbox_levels = [results[str(level)]["sandbox"] for level in results["levels"]]
    first, last = sandbox_levels[0], sandbox_levels[-1]
    log(
        f"  sandbox at {results['levels'][-1]} vs {results['levels'][0]} objects: creates "
        f"{last['creates_per_s']['median'] / first['creates_per_s']['median']:.2f}x, retrieves "
        f"{last['retrieves_per_s']['median'] / first['retrieves_per_s']['median']:.2f}x"
    )
    for level in results["levels"]:
        row = results[str(level)]
        ours = row["sandbox"]["creates_per_s"]["median"]
        parts = [
            f"{other} {ours / row[other]['creates_per_s']['median']:.2f}x"
            for other in ("trivial", "localstripe")
            if other in row
        ]
        log(f"  creates at {level}: sandbox vs " + ", ".join(parts))


if __name__ == "__main__":
    sys.exit(main())
