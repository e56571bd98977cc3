"""Every benchmark with one command: ``python -m bench`` (about 10 minutes; ``--quick`` about 2).

Each benchmark runs in its own Python process, one after the other (never in parallel: they measure time on
a small shared machine), and writes ``bench/results/<name>.json``. At the end a summary of every ratio against
its baseline and goal is printed. ``--only core_overhead page_rerun`` runs a subset.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from typing import Any

from bench._common import ROOT, log, results_dir

# name -> (module, arguments for the full run, arguments for --quick)
PLAN: dict[str, tuple[str, list[str], list[str]]] = {
    "sandbox": ("bench.sandbox", [], ["--count", "200", "--fill", "1000", "--rounds", "2"]),
    "sandbox_scaling": (
        "bench.sandbox_scaling",
        [],
        ["--levels", "0", "1000", "--sample", "50", "--rounds", "2", "--localstripe-max", "0"],
    ),
    "core_overhead": ("bench.core_overhead", [], ["--products", "300", "--repetitions", "3"]),
    "page_rerun": ("bench.page_rerun", [], ["--repetitions", "5"]),
    "keystroke": ("bench.keystroke", [], ["--repetitions", "3"]),
    "cold_start": ("bench.cold_start", [], ["--repetitions", "1"]),
    "memory": ("bench.memory", [], ["--objects", "1000"]),
    "concurrency": ("bench.concurrency", [], ["--sessions", "1", "4"]),
    "time_travel": ("bench.time_travel", [], ["--clocks", "10", "--repetitions", "1"]),
}
TIMEOUT_S = 1800


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes: proves the numbers, not final")
    parser.add_argument("--only", nargs="+", choices=list(PLAN), help="run only these benchmarks")
    parser.add_argument("--skip-localstripe", action="store_true", help="no localstripe (needs PyPI once)")
    args = parser.parse_args(argv)
    failed: list[str] = []
    for name in args.only or list(PLAN):
        module, full, quick = PLAN[name]
        extra = list(quick if args.quick else full)
        if args.skip_localstripe and name in ("sandbox", "sandbox_scaling"):
            extra.append("--skip-localstripe")
        log(f"\n=== {name}: python -m {module} {' '.join(extra)}")
        started = time.monotonic()
        try:
            code = subprocess.run(
                [sys.executable, "-m", module, *extra], cwd=ROOT, timeout=TIMEOUT_S
            ).returncode
        except subprocess.TimeoutExpired:
            code = -1
        log(f"=== {name}: {'ok' if code == 0 else f'FAILED ({code})'} in {time.monotonic() - started:.0f} s")
        if code != 0:
            failed.append(name)
    summarize()
    if failed:
        log(f"\nfailed: {', '.join(failed)}")
    return 1 if failed else 0


def _load(name: str) -> dict[str, Any] | None:
    # bench.sandbox (issue 3) always writes to bench/results; the others follow BENCH_RESULTS_DIR.
    for folder in (results_dir(), ROOT / "bench" / "results"):
        path = folder / f"{name}.json"
        if path.exists():
            loaded: dict[str, Any] = json.loads(path.read_text())
            return loaded
    return None


def _ratio_line(label: str, ratio: dict[str, float], goal: str) -> None:
    log(f"{label:38} {ratio['median']:.2f}x  [{ratio['min']:.2f}–{ratio['max']:.2f}]  goal {goal}")


def summarize() -> None:
    """One line per ratio, from whatever results exist (a run of a subset keeps the others' last numbers)."""
    log("\n=== summary (ratio = subject / baseline, median [min–max] of side-by-side repetitions)")
    core = _load("core_overhead")
    if core:
        for case in ("list_products_load_all", "list_prices_load_all", "create_payment_intent"):
            _ratio_line(f"core {case}", core[case]["ratio"], f"≤ {core['goal']}x")
        for case, what in (("create_payment_intent", "create"), ("list_products_load_all", "list")):
            if f"{case}_at_latency" in core:
                label = f"core {what}, sandbox at {core['latency_ms']} ms"
                _ratio_line(label, core[f"{case}_at_latency"]["ratio"], f"≤ {core['goal']}x")
    rerun = _load("page_rerun")
    if rerun:
        log(f"{'page preview after one rerun':38} {rerun['preview_within_one_rerun']}")
        for case in ("actions_amount_typed", "keys_key_pasted", "home_rerun"):
            _ratio_line(f"rerun {case}", rerun[case]["ratio"], f"≤ {rerun['goal']}x")
    keys = _load("keystroke")
    if keys:
        _ratio_line("browser: keystroke → preview, Actions", keys["ratio"], "(none; AppTest's is above)")
    cold = _load("cold_start")
    if cold:
        _ratio_line("cold start to page rendered", cold["rendered"]["ratio"], f"≤ {cold['goal']}x")
    memory = _load("memory")
    if memory:
        label = f"memory peak, {memory['objects']} objects listed"
        log(
            f"{label:38} {memory['app_peak_mib']:.0f} MiB = {memory['ratio_to_hello_world']:.2f}x hello world"
        )
    conc = _load("concurrency")
    if conc:
        log(f"{'concurrent sessions fully rendered':38} {conc['max_sessions_rendered']} (largest N tried)")
    scaling = _load("sandbox_scaling")
    if scaling and len(scaling["levels"]) > 1:
        first, last = scaling["levels"][0], scaling["levels"][-1]
        low, high = scaling[str(first)]["sandbox"], scaling[str(last)]["sandbox"]
        creates = high["creates_per_s"]["median"] / low["creates_per_s"]["median"]
        retrieves = high["retrieves_per_s"]["median"] / low["retrieves_per_s"]["median"]
        label = f"sandbox at {last} vs {first} objects"
        log(f"{label:38} creates {creates:.2f}x, retrieves {retrieves:.2f}x  goal flat (≥ 0.8x)")
    travel = _load("time_travel")
    if travel:
        for name in ("year", "many"):
            for baseline in ("vs_setup", "vs_invoices_via_api"):
                _ratio_line(
                    f"advance {name} {baseline}", travel[name][baseline]["ratio"], f"≤ {travel['goal']}x"
                )
    sandbox = _load("sandbox")
    if sandbox:
        ratio = sandbox["sandbox"]["creates_per_s"] / sandbox["trivial"]["creates_per_s"]
        log(f"{'sandbox creates vs trivial':38} {ratio:.2f}x  goal ≥ 0.7x")
        if "localstripe" in sandbox:
            ratio = sandbox["sandbox"]["creates_per_s"] / sandbox["localstripe"]["creates_per_s"]
            log(f"{'sandbox creates vs localstripe':38} {ratio:.1f}x  goal ≥ 10x")


if __name__ == "__main__":
    sys.exit(main())
