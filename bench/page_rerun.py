"""Page rerun: what one keystroke costs. ``python -m bench.page_rerun`` (``--repetitions 15``).

Streamlit reruns the whole script (``app.py``: page config, session defaults, navigation, sidebar, then the
page) every time a widget changes. We time that rerun with ``AppTest`` — the real app in this process, the
real sandbox behind it — right after a value is typed, against the rerun of a one-widget page in the same run.
Goal: the money preview is on the page after that one rerun, and the rerun costs ≤ 3× the empty page.

Subjects: Actions (an amount typed into Create Payment Intent), Keys (a key pasted: its live verdict) and
Home (a plain rerun). A cProfile of one Actions rerun is saved with the results, to show where time goes.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from streamlit.testing.v1 import AppTest

from bench._common import ROOT, fmt_summary, log, side_by_side, verdict, write_result

GOAL = 3.0
APP = str(ROOT / "app.py")
AMOUNT_KEY = "actions_create_payment_intent_amount"
EMPTY_PAGE = 'import streamlit as st\n\nst.text_input("Amount", key="amount")\n'
# A well-formed test key that belongs to no account: the verdict is computed locally, as when pasting.
SAMPLE_KEY = "sk_test_" + "51BenchKey" + "x" * 90


def _typing(at: AppTest, key: str, values: Callable[[int], str]) -> Callable[[], None]:
    """A rerun with a new value in ``key`` each time (Streamlit reruns only when a value changes)."""
    counter = iter(range(10**9))

    def rerun() -> None:
        at.text_input(key=key).input(values(next(counter))).run()
        assert not at.exception, [e.value for e in at.exception]

    return rerun


def _amount(i: int) -> str:
    return str(1000 + i)


def _actions_page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.switch_page("pages/actions.py").run()
    at.selectbox(key="actions_pick").set_value("create_payment_intent").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _preview_after_one_rerun(at: AppTest) -> bool:
    """The goal's first half: after one rerun with "2500" typed, "$25.00" is on the page."""
    at.text_input(key=AMOUNT_KEY).input("2500").run()
    shown = "\n".join(str(m.value) for m in at.markdown).replace("\\", "")
    return "2500 usd → $25.00" in shown


def _keys_page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120).run()
    return at.switch_page("pages/keys.py").run()


def _profile(rerun: Callable[[], None], lines: int = 30) -> list[str]:
    """cProfile of the script thread (where the page runs), not of the thread that waits for it."""
    from streamlit.runtime.scriptrunner.script_runner import ScriptRunner

    profiler = cProfile.Profile()
    original = ScriptRunner._run_script

    def profiled(self: Any, rerun_data: Any) -> None:
        profiler.enable()
        try:
            original(self, rerun_data)
        finally:
            profiler.disable()

    ScriptRunner._run_script = profiled  # type: ignore[method-assign]
    try:
        rerun()
    finally:
        ScriptRunner._run_script = original  # type: ignore[method-assign]
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(lines)
    return [line for line in out.getvalue().splitlines() if line.strip()][-lines:]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.page_rerun", description=__doc__.split("\n")[0])
    parser.add_argument("--repetitions", type=int, default=15)
    args = parser.parse_args(argv)
    saved = {name: os.environ.get(name) for name in ("PLAYGROUND_DATA_DIR", "PLAYGROUND_ENV_FILE")}
    with tempfile.TemporaryDirectory(prefix="bench-rerun-") as tmp:
        # The app's own sandbox file and .env path, never a developer's (as tests/app does).
        os.environ["PLAYGROUND_DATA_DIR"] = str(Path(tmp) / "data")
        os.environ["PLAYGROUND_ENV_FILE"] = str(Path(tmp) / ".env")
        try:
            results = measure(args.repetitions)
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
    write_result("page_rerun", results)
    report(results)
    return 0


def measure(repetitions: int) -> dict[str, Any]:
    empty = AppTest.from_string(EMPTY_PAGE, default_timeout=60).run()
    empty_rerun = _typing(empty, "amount", _amount)
    log("page rerun: opening the Actions, Keys and Home pages in AppTest (the sandbox starts in-process) ...")
    actions = _actions_page()
    preview_ok = _preview_after_one_rerun(actions)
    keys = _keys_page()
    home = AppTest.from_file(APP, default_timeout=120).run()

    def home_rerun() -> None:
        home.run()

    subjects: dict[str, Callable[[], None]] = {
        "actions_amount_typed": _typing(actions, AMOUNT_KEY, _amount),
        "keys_key_pasted": _typing(keys, "keys_secret", lambda i: SAMPLE_KEY[:-3] + f"{i % 1000:03d}"),
        "home_rerun": home_rerun,
    }
    for rerun in (*subjects.values(), empty_rerun):  # warm: first-run imports and caches are cold start's
        rerun()
    results: dict[str, Any] = {"goal": GOAL, "preview_within_one_rerun": preview_ok}
    for name, rerun in subjects.items():
        log(f"  {name}: {repetitions} reruns vs the one-widget page, side by side ...")
        results[name] = side_by_side(rerun, empty_rerun, repetitions).as_dict()
    results["profile_actions_amount_typed"] = _profile(subjects["actions_amount_typed"])
    return results


def report(results: dict[str, Any]) -> None:
    log("\npage rerun (AppTest, one value typed, vs a one-widget page)")
    log(f"  preview shown after one rerun: {results['preview_within_one_rerun']}")
    for name in ("actions_amount_typed", "keys_key_pasted", "home_rerun"):
        case = results[name]
        log(
            f"  {name:22} page {fmt_summary(case['subject_s'], 'ms', 1000)}  "
            f"empty {fmt_summary(case['baseline_s'], 'ms', 1000)}  "
            f"ratio {verdict(case['ratio']['median'], GOAL)}"
        )


if __name__ == "__main__":
    sys.exit(main())
