"""Sandbox benchmark (issue 3): ``python -m bench.sandbox`` prints throughputs and the ratios we track.

Three servers, each in its own process, driven sequentially by the official SDK from this process:

- ``sandbox``: ``python -m sandbox`` with a SQLite file (the durable configuration people run);
- ``trivial``: bench/trivial_server.py, a canned-object Starlette app: the ceiling for this stack;
- ``localstripe``: the PyPI emulator (``localstripe==1.15.10``), installed into bench/.venv by this script
  (it pins aiohttp versions of its own, so it never touches the project's environment).

Workload: create 1,000 products, create 1,000 customers, list all products with auto-paging (limit 100).
Flatness (sandbox only): creates and list pages on an empty sandbox vs one with 10,000 objects, alternating.
Goals: creates ≥ 0.7× trivial, ≥ 10× localstripe; throughput at 10k ≥ 0.8× at 0.
Results go to stdout and bench/results/sandbox.json; bench/README.md records a run.
"""

from __future__ import annotations

import argparse
import json
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import requests
import stripe

from sandbox.control import ControlClient

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / "bench" / ".venv"
LOCALSTRIPE = "localstripe==1.15.10"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def ensure_localstripe() -> Path:
    executable = VENV / "bin" / "localstripe"
    if not executable.exists():
        print("installing localstripe into bench/.venv (once) ...", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True, timeout=300)
        subprocess.run([str(VENV / "bin" / "pip"), "install", "-q", LOCALSTRIPE], check=True, timeout=600)
    return executable


@contextmanager
def server(command: list[str], probe: str) -> Iterator[None]:
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                requests.get(probe, timeout=1)
                break
            except requests.ConnectionError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError(f"server did not start: {' '.join(command)}") from None
                time.sleep(0.1)
        yield
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def timed(action: Callable[[], Any], count: int) -> float:
    """Seconds taken by ``count`` sequential calls."""
    started = time.perf_counter()
    for _ in range(count):
        action()
    return time.perf_counter() - started


def client_for(key: str, api_base: str) -> stripe.StripeClient:
    return stripe.StripeClient(key, base_addresses={"api": api_base})


def interleaved_creates(
    clients: dict[str, stripe.StripeClient], count: int, rounds: int
) -> dict[str, dict[str, float]]:
    """Creates in rounds, alternating servers, so load from elsewhere on the machine hits all alike."""
    seconds = {name: {"products": 0.0, "customers": 0.0} for name in clients}
    per_round = count // rounds
    for _ in range(rounds):
        for name, client in clients.items():
            seconds[name]["products"] += timed(
                lambda c=client: c.v1.products.create({"name": "Bench product", "metadata": {"k": "v"}}),
                per_round,
            )
            seconds[name]["customers"] += timed(
                lambda c=client: c.v1.customers.create({"email": "bench@example.com", "name": "B"}), per_round
            )
    done = per_round * rounds
    return {
        name: {
            "product_creates_per_s": done / spent["products"],
            "customer_creates_per_s": done / spent["customers"],
            "creates_per_s": 2 * done / (spent["products"] + spent["customers"]),
        }
        for name, spent in seconds.items()
    }


def list_all(client: stripe.StripeClient) -> tuple[float, int]:
    started = time.perf_counter()
    listed = sum(1 for _ in client.v1.products.list({"limit": 100}).auto_paging_iter())
    return time.perf_counter() - started, listed


def flatness(
    empty: stripe.StripeClient, full: stripe.StripeClient, fill: int, rounds: int
) -> dict[str, float]:
    """Creates and list pages on an empty sandbox vs one holding ``fill`` objects, alternating in rounds so
    that load from elsewhere on the machine hits both alike."""
    for _ in range(fill):
        full.v1.products.create({"name": "Flat"})
    spent = {"empty": [0.0, 0.0], "full": [0.0, 0.0]}
    creates, pages = 30, 5
    for _ in range(rounds):
        for name, client in (("empty", empty), ("full", full)):
            spent[name][0] += timed(lambda c=client: c.v1.products.create({"name": "Flat"}), creates)
            spent[name][1] += timed(lambda c=client: c.v1.products.list({"limit": 100}), pages)
    return {
        "objects": fill,
        "creates_per_s_at_0": creates * rounds / spent["empty"][0],
        "creates_per_s_at_full": creates * rounds / spent["full"][0],
        "list_pages_per_s_at_0": pages * rounds / spent["empty"][1],
        "list_pages_per_s_at_full": pages * rounds / spent["full"][1],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.sandbox", description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=1000, help="objects created per kind (default 1000)")
    parser.add_argument(
        "--fill", type=int, default=10_000, help="objects for the flatness check (default 10000)"
    )
    parser.add_argument("--rounds", type=int, default=10, help="interleaving rounds (default 10)")
    parser.add_argument("--skip-localstripe", action="store_true")
    args = parser.parse_args(argv)
    ports = {name: free_port() for name in ("sandbox", "trivial", "localstripe")}
    bases = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        db = str(Path(tmp) / "bench.sqlite3")
        sandbox_cmd = [sys.executable, "-m", "sandbox", "--port", str(ports["sandbox"]), "--db", db]
        stack.enter_context(server(sandbox_cmd, bases["sandbox"] + "/_sandbox/health"))
        trivial_cmd = [sys.executable, "-m", "bench.trivial_server", "--port", str(ports["trivial"])]
        stack.enter_context(server(trivial_cmd, bases["trivial"] + "/"))
        keys = ControlClient(bases["sandbox"]).create_account()
        clients = {
            "sandbox": client_for(keys.secret_key, bases["sandbox"]),
            "trivial": client_for("sk_test_trivial", bases["trivial"]),
        }
        if not args.skip_localstripe:
            local_cmd = [str(ensure_localstripe()), "--port", str(ports["localstripe"]), "--from-scratch"]
            stack.enter_context(server(local_cmd, bases["localstripe"] + "/"))
            clients["localstripe"] = client_for("sk_test_localstripe", bases["localstripe"])
        print(
            f"creating {args.count} products and {args.count} customers on {', '.join(clients)} ...",
            flush=True,
        )
        results: dict[str, Any] = {
            "count": args.count,
            **interleaved_creates(clients, args.count, args.rounds),
        }
        for name, client in clients.items():
            results[name]["list_all_seconds"], results[name]["listed"] = list_all(client)
        print(f"flatness: filling a fresh sandbox account to {args.fill} objects ...", flush=True)
        fresh = ControlClient(bases["sandbox"]).create_account()
        empty_port = free_port()
        empty_base = f"http://127.0.0.1:{empty_port}"
        empty_cmd = [
            sys.executable,
            "-m",
            "sandbox",
            "--port",
            str(empty_port),
            "--db",
            str(Path(tmp) / "empty.sqlite3"),
        ]
        stack.enter_context(server(empty_cmd, empty_base + "/_sandbox/health"))
        empty_keys = ControlClient(empty_base).create_account()
        results["sandbox"]["flatness"] = flatness(
            client_for(empty_keys.secret_key, empty_base),
            client_for(fresh.secret_key, bases["sandbox"]),
            args.fill,
            args.rounds,
        )
    report(results)
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "sandbox.json").write_text(json.dumps(results, indent=2) + "\n")
    return 0


def report(results: dict[str, Any]) -> None:
    names = [n for n in ("sandbox", "trivial", "localstripe") if n in results]
    print(f"\n{'':28}" + "".join(f"{n:>14}" for n in names))
    for metric, label in (
        ("product_creates_per_s", "product creates / s"),
        ("customer_creates_per_s", "customer creates / s"),
        ("creates_per_s", "all creates / s"),
        ("list_all_seconds", f"list {results['count']} products (s)"),
    ):
        print(f"{label:28}" + "".join(f"{results[n][metric]:>14.2f}" for n in names))
    sandbox, trivial = results["sandbox"], results["trivial"]
    creates = sandbox["creates_per_s"]
    print(f"\ncreates vs trivial:      {creates / trivial['creates_per_s']:.2f}x  (goal >= 0.7)")
    if "localstripe" in results:
        local = results["localstripe"]
        ratio = creates / local["creates_per_s"]
        print(f"creates vs localstripe:  {ratio:.1f}x  (goal >= 10)")
        print(
            f"list-all vs localstripe: {local['list_all_seconds'] / sandbox['list_all_seconds']:.1f}x faster"
        )
    flat = sandbox["flatness"]
    creates_ratio = flat["creates_per_s_at_full"] / flat["creates_per_s_at_0"]
    page_ratio = flat["list_pages_per_s_at_full"] / flat["list_pages_per_s_at_0"]
    print(
        f"flatness at {flat['objects']} objects: creates {creates_ratio:.2f}x, list page {page_ratio:.2f}x "
        "of the empty store (goal >= 0.8)"
    )


if __name__ == "__main__":
    sys.exit(main())
