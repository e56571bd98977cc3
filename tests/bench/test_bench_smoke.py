"""The benchmark harness works: every benchmark runs end to end at a minimal size and writes its result file.

No timing is asserted here (numbers on a shared machine say nothing at this size); what is asserted is that
each benchmark measured what it claims — both sides of every ratio, the objects it created actually listed,
the preview actually shown — so a broken harness fails here rather than in someone's hour-long run.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bench import __main__ as run_all
from bench import core_overhead, page_rerun, sandbox_scaling, time_travel
from bench._common import RESULTS_ENV_VAR, ROOT

pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def results_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(RESULTS_ENV_VAR, str(tmp_path))
    return tmp_path


def _result(folder: Path, name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((folder / f"{name}.json").read_text())
    assert data["benchmark"] == name
    return data


def _run_module(name: str, args: list[str]) -> None:
    """Run ``python -m bench.<name>``; the results folder travels in the environment (set above)."""
    done = subprocess.run(
        [sys.executable, "-m", f"bench.{name}", *args], cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, f"bench.{name} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"


def _positive_pair(case: dict[str, Any]) -> None:
    assert case["subject_s"]["median"] > 0
    assert case["baseline_s"]["median"] > 0
    assert case["ratio"]["median"] > 0


def test_core_overhead(results_dir: Path) -> None:
    assert core_overhead.main(["--products", "5", "--creates", "2", "--repetitions", "2"]) == 0
    data = _result(results_dir, "core_overhead")
    for case in ("list_products_load_all", "list_prices_load_all", "create_payment_intent"):
        _positive_pair(data[case])
    assert any("runner.py" in line for line in data["profile_list_products"])


def test_page_rerun(results_dir: Path) -> None:
    assert page_rerun.main(["--repetitions", "2"]) == 0
    data = _result(results_dir, "page_rerun")
    assert data["preview_within_one_rerun"] is True
    for case in ("actions_amount_typed", "keys_key_pasted", "home_rerun"):
        _positive_pair(data[case])
    assert any("pages/actions.py" in line for line in data["profile_actions_amount_typed"])


def test_sandbox_scaling(results_dir: Path) -> None:
    args = ["--levels", "0", "5", "--sample", "3", "--rounds", "1", "--skip-localstripe"]
    assert sandbox_scaling.main(args) == 0
    data = _result(results_dir, "sandbox_scaling")
    for level in ("0", "5"):
        for server in ("sandbox", "trivial"):
            assert data[level][server]["creates_per_s"]["median"] > 0
    assert data["5"]["sandbox"]["objects_held_after"] >= 5


def test_time_travel(results_dir: Path) -> None:
    assert time_travel.main(["--clocks", "2", "--repetitions", "1"]) == 0
    data = _result(results_dir, "time_travel")
    assert data["year"]["renewals"] == 36  # 3 subscriptions × 12 months, every one of them happened
    assert data["many"]["renewals"] == 4  # 2 clocks × 2 months
    for scenario in ("year", "many"):
        for baseline in ("vs_setup", "vs_invoices_via_api"):
            _positive_pair(data[scenario][baseline])


@pytest.mark.e2e
def test_browser_benchmarks(results_dir: Path) -> None:
    """Cold start, memory, keystroke and concurrency: real ``streamlit run`` processes driven in Chromium.

    Marked ``e2e`` like the other browser tests (``-m "not e2e"`` skips it): about 20 s on an idle machine.
    Each runs in its own process, as ``python -m bench`` runs it: Playwright's sync API refuses to start
    inside the event loop that the other browser tests' session-wide Playwright keeps running.
    """
    _run_module("cold_start", ["--repetitions", "1"])
    cold = _result(results_dir, "cold_start")
    _positive_pair(cold["rendered"])

    _run_module("memory", ["--objects", "5"])
    mem = _result(results_dir, "memory")
    assert mem["hello_world"]["peak_rss_mib"] > 0
    assert mem["app_peak_mib"] >= mem["app"]["home_rendered_mib"] > 0

    _run_module("keystroke", ["--repetitions", "1"])
    typed = _result(results_dir, "keystroke")
    _positive_pair(typed)

    _run_module("concurrency", ["--sessions", "2", "--timeout", "60"])
    conc = _result(results_dir, "concurrency")
    assert conc["app"][0]["rendered"] == 2
    assert conc["hello"][0]["rendered"] == 2
    assert conc["max_sessions_rendered"] == 2


def test_summary_reads_every_result(results_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert core_overhead.main(["--products", "2", "--creates", "1", "--repetitions", "1"]) == 0
    run_all.summarize()
    assert "core create_payment_intent" in capsys.readouterr().out
